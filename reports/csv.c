// SPDX-License-Identifier: GPL-2.0
/*
 * The CSV report: one row per victim with the summary-table columns, a
 * header row, RFC 4180 quoting and CRLF line ends.  Unknown values are
 * empty fields.  Column names are listed in README.md ("CSV report").
 */
#include <inttypes.h>

#include "reports/report-local.h"

static const char *const columns[] = {
	"episode", "victim", "kill_s", "kill_ns", "pid", "tgid", "comm",
	"domain", "rss_kb", "time_to_skip_s", "skip_by", "skip_confidence",
	"time_to_free_s", "freed_by", "freed_confidence", "reaper_attempts",
	"reaper_gave_up", "bypass", "events_lost_in_window", "verdict",
	"verdict_confidence", "related_victim", "gfp_mask", "constraint",
	"sharers",
};

static void num(FILE *f, int64_t v)
{
	putc(',', f);
	if (v != OL_NONE)
		fprintf(f, "%" PRId64, v);
}

static void str(FILE *f, const char *s)
{
	putc(',', f);
	rp_put_csv(f, s);
}

static void secs(FILE *f, int64_t ns)
{
	char buf[RP_BUF];

	putc(',', f);
	fputs(rp_secs_exact(buf, ns), f);
}

int rp_csv(const struct rp *r)
{
	const struct ol_analysis *a = r->a;
	FILE *f = r->out;
	size_t i;

	for (i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
		fprintf(f, "%s%s", i ? "," : "", columns[i]);
	fputs("\r\n", f);
	for (i = 0; i < a->nvictims; i++) {
		const struct ol_victim *v = &a->victims[i];
		int other = v->nverdicts ? v->verdicts[0].other : -1;

		if (!rp_victim_selected(r, v))
			continue;
		fprintf(f, "%d", v->episode + 1);
		num(f, v->index + 1);
		secs(f, v->kill_ns);
		num(f, v->kill_ns);
		num(f, v->pid);
		num(f, v->tgid);
		str(f, v->comm);
		str(f, v->domain);
		num(f, v->rss_kb);
		secs(f, rp_since(v, v->skip_ns));
		str(f, rp_skip_by(v->skip_by));
		str(f, rp_conf(v->skip_confidence));
		secs(f, rp_since(v, v->freed_ns));
		str(f, rp_freed_by(v->freed_by));
		str(f, rp_conf(v->freed_confidence));
		num(f, v->reaper.attempts);
		num(f, v->reaper.gave_up);
		num(f, v->bypass);
		num(f, v->lost_in_window);
		str(f, rp_verdict(v->verdict));
		str(f, rp_conf(v->verdict_confidence));
		num(f, other >= 0 && (size_t)other < a->nvictims ? other + 1 :
		    OL_NONE);
		str(f, v->gfp_mask);
		str(f, v->constraint);
		num(f, (int64_t)v->nsharers);
		fputs("\r\n", f);
	}
	return 0;
}
