// SPDX-License-Identifier: GPL-2.0
/*
 * The victim columns (PR_COLUMNS in present.h): one value per column and
 * victim, shown, written and sorted by the column's kind.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "reports/present.h"

static const struct pr_column columns[] = {
#define _(id, head, csv, kind, where, val) { head, csv, kind, where },
	PR_COLUMNS(_)
#undef _
};

int64_t pr_related(const struct ol_analysis *a, const struct ol_victim *v)
{
	int other = v->nverdicts ? v->verdicts[0].other : -1;

	return other >= 0 && (size_t)other < a->nvictims ? other : OL_NONE;
}

static struct pr_val value(enum pr_col c, const struct ol_analysis *a,
			  const struct ol_victim *v)
{
	switch (c) {
#define _(id, head, csv, kind, where, val) case PR_COL_##id: return val;
	PR_COLUMNS(_)
#undef _
	default:
		return PR_I(OL_NONE);
	}
}

const struct pr_column *pr_column(enum pr_col c)
{
	return &columns[(unsigned)c < PR_COL_NR ? c : 0];
}

bool pr_col_right(enum pr_col c)
{
	switch (pr_column(c)->kind) {
	case PR_STR:
	case PR_NAME:
	case PR_VERDICT:
	case PR_FREED_BY:
		return false;
	default:
		return true;
	}
}

const char *pr_cell(enum pr_col c, const struct ol_analysis *a, const struct ol_victim *v,
		    int64_t res, char *buf)
{
	struct pr_val x = value(c, a, v);

	switch (pr_column(c)->kind) {
	case PR_ABS:
		return pr_abs(buf, x.i, 3, res, "?");
	case PR_REL:
		return pr_rel(buf, x.i, res, "?");
	case PR_KB:
		return pr_kb(buf, x.i, "?");
	case PR_STR:
		return pr_ascii_buf(buf, PR_BUF, x.s ? x.s : "?");
	case PR_NAME:
		snprintf(buf, PR_BUF, "%s", x.s ? x.s : "?");
		return buf;
	case PR_BOOL:
		snprintf(buf, PR_BUF, "%s", x.i ? "yes" : "no");
		return buf;
	case PR_VERDICT:
		/* a ? marks a verdict that is inferred, not observed */
		snprintf(buf, PR_BUF, "%s%s", pr_verdict((enum ol_verdict_kind)x.i),
			 v->verdict_confidence == OL_CONF_OBSERVED ? "" : "?");
		return buf;
	case PR_FREED_BY:
		snprintf(buf, PR_BUF, "%s", x.i == OL_FREED_BY_NOT_FREED ? "never" :
			 pr_freed_by((enum ol_freed_by)x.i));
		return buf;
	default:
		if (x.i == OL_NONE)
			snprintf(buf, PR_BUF, "?");
		else
			snprintf(buf, PR_BUF, "%" PRId64, x.i);
		return buf;
	}
}

const char *pr_cell_raw(enum pr_col c, const struct ol_analysis *a, const struct ol_victim *v,
			char *buf)
{
	struct pr_val x = value(c, a, v);

	switch (pr_column(c)->kind) {
	case PR_ABS:
	case PR_REL:
		return x.i == OL_NONE ? NULL : pr_secs_exact(buf, x.i);
	case PR_STR:
	case PR_NAME:
		return x.s;
	case PR_VERDICT:
		return pr_verdict((enum ol_verdict_kind)x.i);
	case PR_FREED_BY:
		return pr_freed_by((enum ol_freed_by)x.i);
	default:
		if (x.i == OL_NONE || (pr_column(c)->kind == PR_KB && x.i < 0))
			return NULL;
		snprintf(buf, PR_BUF, "%" PRId64, x.i);
		return buf;
	}
}

int pr_cell_cmp(enum pr_col c, const struct ol_analysis *a, const struct ol_victim *x,
		const struct ol_victim *y, bool reverse)
{
	struct pr_val p = value(c, a, x), q = value(c, a, y);
	int d;

	switch (pr_column(c)->kind) {
	case PR_STR:
	case PR_NAME:
		if (!p.s || !q.s)
			return !p.s - !q.s;
		d = strcmp(p.s, q.s);
		break;
	case PR_VERDICT:
	case PR_FREED_BY:
		/* by name, as they are read */
		d = strcmp(pr_cell_raw(c, a, x, (char[PR_BUF]){ 0 }),
			   pr_cell_raw(c, a, y, (char[PR_BUF]){ 0 }));
		break;
	default:
		if (p.i == OL_NONE || q.i == OL_NONE)
			return (p.i == OL_NONE) - (q.i == OL_NONE);
		d = (p.i > q.i) - (p.i < q.i);
		break;
	}
	return reverse ? -d : d;
}
