// SPDX-License-Identifier: GPL-2.0
/*
 * The CSV report: one row per victim with the PR_COLUMNS marked
 * PR_IN_CSV (their machine values: exact numbers, raw strings), a header
 * row, RFC 4180 quoting and CRLF line ends.  Unknown values are empty
 * fields.  Column names are listed in README.md ("CSV report").
 */
#include "reports/report-local.h"

int rp_csv(const struct rp *r)
{
	const struct ol_analysis *a = r->a;
	FILE *f = r->out;
	char buf[PR_BUF];
	size_t i;
	int c, n;

	for (n = 0, c = 0; c < PR_COL_NR; c++)
		if (pr_column(c)->where & PR_IN_CSV)
			fprintf(f, "%s%s", n++ ? "," : "", pr_column(c)->csv);
	fputs("\r\n", f);
	for (i = 0; i < a->nvictims; i++) {
		const struct ol_victim *v = &a->victims[i];

		if (!rp_victim_selected(r, v))
			continue;
		for (n = 0, c = 0; c < PR_COL_NR; c++) {
			if (!(pr_column(c)->where & PR_IN_CSV))
				continue;
			if (n++)
				putc(',', f);
			rp_put_csv(f, pr_cell_raw(c, a, v, buf));
		}
		fputs("\r\n", f);
	}
	return 0;
}
