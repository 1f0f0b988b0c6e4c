// SPDX-License-Identifier: GPL-2.0
/*
 * The rows of the victims view, without a terminal (unit tested): victims
 * grouped by episode, sorted inside each episode by a column, filtered by
 * verdict or domain, and the search match.  Sorting inside an episode
 * keeps the grouping meaningful: an episode is one OOM domain's burst of
 * kills, and sorting across episodes would mix unrelated domains.
 */
#include <stdlib.h>
#include <string.h>

#include "tui/tui-local.h"

enum pr_col tui_next_sort(enum pr_col c)
{
	int i, n;

	for (i = 1; i <= PR_COL_NR; i++) {
		n = (c + i) % PR_COL_NR;
		if (pr_column(n)->where & PR_IN_TUI)
			return (enum pr_col)n;
	}
	return c;
}

struct sort_ctx {
	const struct ol_analysis *a;
	enum pr_col	sort;
	bool		reverse;
};

static int cmp_victims(const void *pa, const void *pb, void *arg)
{
	const struct sort_ctx *c = arg;
	const struct ol_victim *x = &c->a->victims[*(const int *)pa];
	const struct ol_victim *y = &c->a->victims[*(const int *)pb];
	int d = pr_cell_cmp(c->sort, c->a, x, y, c->reverse);

	if (!d)
		d = pr_cell_cmp(PR_COL_TIME, c->a, x, y, false);
	if (!d)
		d = x->index - y->index;
	return d;
}

static bool filter_match(const struct vfilter *f, const struct ol_victim *v)
{
	if (!f || f->kind == 0)
		return true;
	if (f->kind == 1)
		return v->verdict == f->verdict;
	return v->domain && f->domain && !strcmp(v->domain, f->domain);
}

struct vrow *tui_victim_rows(const struct ol_analysis *a, enum pr_col sort,
			     bool reverse, const struct vfilter *f, size_t *n)
{
	struct sort_ctx ctx = { a, sort, reverse };
	struct vrow *rows = NULL;
	int *idx = NULL;
	size_t e, i, nr = 0, done = 0;

	*n = 0;
	rows = malloc((a->nvictims + a->nepisodes + 1) * sizeof(*rows));
	idx = malloc((a->nvictims + 1) * sizeof(*idx));
	if (!rows || !idx)
		goto fail;
	/* no episodes (an analysis that has none): one group, no header */
	for (e = 0; e < a->nepisodes || (e == 0 && !a->nepisodes); e++) {
		size_t first = a->nepisodes ? a->episodes[e].first : 0;
		size_t count = a->nepisodes ? a->episodes[e].count : a->nvictims;
		size_t k = 0, end;

		/*
		 * The rows come from a file: episodes that overlap, run past
		 * the victims or go backwards must not list a victim twice
		 * (rows has one slot per victim and episode).
		 */
		if (first < done)
			first = done;
		end = first < a->nvictims && count < a->nvictims - first ? first + count
									  : a->nvictims;
		for (i = first; i < end; i++)
			if (filter_match(f, &a->victims[i]))
				idx[k++] = (int)i;
		if (end > done)
			done = end;
		if (!k)
			continue;
		qsort_r(idx, k, sizeof(*idx), cmp_victims, &ctx);
		if (a->nepisodes) {
			rows[nr].episode = (int)e;
			rows[nr++].victim = -1;
		}
		for (i = 0; i < k; i++) {
			rows[nr].episode = a->nepisodes ? (int)e : -1;
			rows[nr++].victim = idx[i];
		}
	}
	free(idx);
	*n = nr;
	return rows;
fail:
	free(rows);
	free(idx);
	return NULL;
}

bool tui_victim_matches(const struct ol_victim *v, const char *text)
{
	char *end;
	long pid = strtol(text, &end, 10);

	if (*text && !*end)
		return pid == v->pid || pid == v->tgid;
	return v->comm && strstr(v->comm, text);
}
