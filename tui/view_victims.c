// SPDX-License-Identifier: GPL-2.0
/*
 * The victims view, the start screen: one row per victim, grouped under
 * a header row per episode, sortable by any column (inside each episode:
 * an episode is one OOM domain's burst of kills, and reading across
 * episodes would mix unrelated domains), filterable by verdict or domain.
 * The row list is rebuilt in memory on sort/filter; nothing is re-read.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui-local.h"

struct victims_view {
	struct vrow	*rows;
	size_t		nrows, cursor, top;
	enum pr_col	sort;
	bool		reverse;
	struct vfilter	*filters;	/* [0] = all */
	size_t		nfilters, filter;
	int		selected;	/* victim index handed to the timeline */
	int		w[PR_COL_NR];	/* widest cell of each column in the data */
};

/* The filter choices: all, each verdict present, each domain present. */
static int build_filters(struct victims_view *vv, const struct ol_analysis *a)
{
	bool seen[OL_VERDICT_NR] = { false };
	size_t i, j, k;

	vv->filters = calloc(1 + OL_VERDICT_NR + a->nvictims, sizeof(*vv->filters));
	if (!vv->filters)
		return -1;
	vv->nfilters = 1;
	for (i = 0; i < a->nvictims; i++)
		if (a->victims[i].verdict < OL_VERDICT_NR)
			seen[a->victims[i].verdict] = true;
	for (k = 0; k < OL_VERDICT_NR; k++)
		if (seen[k]) {
			vv->filters[vv->nfilters].kind = 1;
			vv->filters[vv->nfilters++].verdict = (enum ol_verdict_kind)k;
		}
	k = vv->nfilters;
	/* domains in episode order; few distinct, so a linear check will do */
	for (i = 0; i < a->nepisodes; i++) {
		const char *d = a->episodes[i].domain;

		if (!d)
			continue;
		for (j = k; j < vv->nfilters; j++)
			if (!strcmp(vv->filters[j].domain, d))
				break;
		if (j == vv->nfilters) {
			vv->filters[vv->nfilters].kind = 2;
			vv->filters[vv->nfilters++].domain = d;
		}
	}
	return 0;
}

static void cursor_to_victim(struct victims_view *vv, int victim)
{
	size_t i;

	for (i = 0; victim >= 0 && i < vv->nrows; i++)
		if (vv->rows[i].victim == victim) {
			vv->cursor = i;
			return;
		}
	for (i = 0; i < vv->nrows; i++)
		if (vv->rows[i].victim >= 0) {
			vv->cursor = i;
			return;
		}
	vv->cursor = 0;
}

static int rebuild(struct victims_view *vv, struct tui *t)
{
	int keep = vv->nrows ? vv->rows[vv->cursor].victim : -1;
	struct vrow *rows;
	size_t n;

	rows = tui_victim_rows(t->a, vv->sort, vv->reverse, &vv->filters[vv->filter], &n);
	if (!rows)
		return -1;
	free(vv->rows);
	vv->rows = rows;
	vv->nrows = n;
	cursor_to_victim(vv, keep);
	return 0;
}

/* The widest cell of each column: 80 columns are tight. */
static void measure(struct victims_view *vv, const struct tui *t)
{
	char buf[PR_BUF];
	size_t i;
	int c, n;

	for (c = 0; c < PR_COL_NR; c++)
		vv->w[c] = (int)strlen(pr_column(c)->head);
	for (i = 0; i < t->a->nvictims; i++)
		for (c = 0; c < PR_COL_NR; c++) {
			if (!(pr_column(c)->where & PR_IN_TUI))
				continue;
			n = (int)strlen(pr_cell(c, t->a, &t->a->victims[i], t->res, buf));
			if (n > vv->w[c])
				vv->w[c] = n;
		}
}

static int victims_open(struct view *v, struct tui *t, const void *arg)
{
	struct victims_view *vv = calloc(1, sizeof(*vv));

	if (!vv)
		return -1;
	v->priv = vv;
	if (build_filters(vv, t->a) < 0 || rebuild(vv, t) < 0) {
		free(vv->filters);
		free(vv);
		v->priv = NULL;
		return -1;
	}
	vv->top = 0;
	vv->sort = PR_COL_TIME;
	measure(vv, t);
	if (t->selected >= 0)
		cursor_to_victim(vv, t->selected);
	return 0;
}

static void victims_close(struct view *v)
{
	struct victims_view *vv = v->priv;

	free(vv->rows);
	free(vv->filters);
	free(vv);
}

static int list_height(const struct tui *t)
{
	return t->rows - 3 > 1 ? t->rows - 3 : 1;
}

/*
 * Column widths for the terminal width: the PR_IN_TUI columns at their
 * widest cell, comm and domain sharing what is left (at least 6 each).
 */
static void layout(const struct victims_view *vv, int width, int *w)
{
	/* what a narrow terminal gives up first: the verdict stays */
	static const enum pr_col drop[] = { PR_COL_DOMAIN, PR_COL_SKIP, PR_COL_BY, PR_COL_TIME,
					    PR_COL_FREE, PR_COL_RSS };
	int c, rest = width - 1;
	size_t d = 0;

	for (c = 0; c < PR_COL_NR; c++) {
		w[c] = pr_column(c)->where & PR_IN_TUI ? vv->w[c] : 0;
		if (w[c] && c != PR_COL_COMM && c != PR_COL_DOMAIN)
			rest -= w[c] + 1;
	}
	while (rest - 7 < 6 && d < sizeof(drop) / sizeof(drop[0])) {
		if (drop[d] != PR_COL_DOMAIN) {
			rest += w[drop[d]] + 1;
			w[drop[d]] = 0;
		}
		d++;
	}
	/* comm first (at least 6); the domain, which the episode header
	 * names already, only when 8 columns or more are left for it */
	w[PR_COL_COMM] = rest - 1 < vv->w[PR_COL_COMM] ? rest - 1 : vv->w[PR_COL_COMM];
	if (w[PR_COL_COMM] < 6)
		w[PR_COL_COMM] = 6;
	rest -= w[PR_COL_COMM] + 1;
	w[PR_COL_DOMAIN] = rest - 1 >= 8 && d == 0 ? (rest - 1 < vv->w[PR_COL_DOMAIN] ?
						      rest - 1 : vv->w[PR_COL_DOMAIN]) : 0;
}

/* One line of the list: the marker, then each column (the header: @v NULL). */
static void format_row(const struct tui *t, const struct ol_victim *v, const int *w,
		       char *line, size_t n)
{
	char cell[PR_BUF], fit[PR_BUF];
	const char *s;
	size_t len;
	int c;

	len = (size_t)snprintf(line, n, "%c", !v ? ' ' : v->verdict == OL_VERDICT_UNNECESSARY ?
			       '!' : v->lost_in_window ? '?' : ' ');
	for (c = 0; c < PR_COL_NR && len < n; c++) {
		if (!w[c])
			continue;
		s = v ? pr_cell(c, t->a, v, t->res, cell) : pr_column(c)->head;
		/* a domain's tail says more than its head: "~p/oom-test" */
		if (c == PR_COL_DOMAIN && v)
			s = tui_fit_tail(fit, sizeof(fit), s, w[c]);
		len += (size_t)snprintf(line + len, n - len, pr_col_right(c) ? " %*.*s" :
					" %-*.*s", w[c], w[c], s);
	}
}

static void victims_draw(struct view *v, struct tui *t)
{
	struct victims_view *vv = v->priv;
	const struct ol_analysis *a = t->a;
	int h = list_height(t), row, shown = 0;
	char line[512], filt[96], esc[300], span[PR_BUF];
	const struct vfilter *f = &vv->filters[vv->filter];
	int w[PR_COL_NR];
	size_t i, pos = 0;

	/* the victim the other views chose ([ and ] in the timeline) */
	if (t->selected >= 0 && vv->nrows && vv->rows[vv->cursor].victim != t->selected)
		cursor_to_victim(vv, t->selected);
	/* keep the cursor on screen, and its episode header when it fits */
	if (vv->cursor < vv->top)
		vv->top = vv->cursor > 0 && vv->rows[vv->cursor - 1].victim < 0 ?
			  vv->cursor - 1 : vv->cursor;
	if (vv->cursor >= vv->top + (size_t)h)
		vv->top = vv->cursor - (size_t)h + 1;

	for (i = 0; i < vv->nrows; i++)
		if (vv->rows[i].victim >= 0) {
			shown++;
			if (i <= vv->cursor)
				pos++;
		}
	if (f->kind == 1)
		snprintf(filt, sizeof(filt), "verdict=%s", pr_verdict(f->verdict));
	else if (f->kind == 2)
		snprintf(filt, sizeof(filt), "domain=%s", pr_ascii_buf(esc, sizeof(esc), f->domain));
	else
		snprintf(filt, sizeof(filt), "all");
	tui_fill_line(0, tui_attr(t, ROLE_TITLE));
	snprintf(line, sizeof(line), "Victims %zu/%d of %zu  sort: %s%s  filter: %s",
		 pos, shown, a->nvictims, pr_column(vv->sort)->head,
		 vv->reverse ? " (reversed)" : "", filt);
	tui_put(0, 1, t->cols - 2, line, false);

	layout(vv, t->cols, w);
	attrset(tui_attr(t, ROLE_HEADER));
	format_row(t, NULL, w, line, sizeof(line));
	tui_put(1, 0, t->cols, line, true);
	attrset(A_NORMAL);

	if (!vv->nrows) {
		tui_put(3, 2, t->cols - 4, a->nvictims ? "no victim matches the filter (F shows all)" :
			"no OOM victims in this database", false);
		return;
	}
	for (row = 0; row < h && vv->top + (size_t)row < vv->nrows; row++) {
		const struct vrow *r = &vv->rows[vv->top + (size_t)row];
		int attr = A_NORMAL;

		if (r->victim < 0) {
			const struct ol_episode *ep = &a->episodes[r->episode];

			char host[80] = "";

			/* a merged database (oomlens merge): say whose episode it is */
			if (a->norigins) {
				char hn[64];

				pr_ascii_buf(hn, sizeof(hn), a->origins[ep->origin].host);
				snprintf(host, sizeof(host), "host %s  ", hn);
			}
			pr_ascii_buf(esc, sizeof(esc), ep->domain);
			snprintf(line, sizeof(line), "-- episode %d  %s%s  %zu victim%s, %d unnecessary, %s --",
				 ep->index, host, esc, ep->count, ep->count == 1 ? "" : "s",
				 ep->unnecessary, pr_dur(span, ep->end_ns == OL_NONE ||
					ep->start_ns == OL_NONE ? OL_NONE : ep->end_ns - ep->start_ns,
					t->res, "?"));
			attr = tui_attr(t, ROLE_EPISODE);
		} else {
			const struct ol_victim *vi = &a->victims[r->victim];

			format_row(t, vi, w, line, sizeof(line));
			if (vi->verdict == OL_VERDICT_UNNECESSARY)
				attr = tui_attr(t, ROLE_BAD);
			if (vv->top + (size_t)row == vv->cursor)
				attr = tui_attr(t, ROLE_CURSOR);
		}
		attrset(attr);
		tui_put(row + 2, 0, t->cols, line, attr != A_NORMAL);
		attrset(A_NORMAL);
	}
}

/* Move the cursor @delta victim rows (header rows are skipped). */
static void move_cursor(struct victims_view *vv, long delta)
{
	size_t i = vv->cursor;

	while (delta > 0 && i + 1 < vv->nrows) {
		i++;
		if (vv->rows[i].victim >= 0) {
			vv->cursor = i;
			delta--;
		}
	}
	while (delta < 0 && i > 0) {
		i--;
		if (vv->rows[i].victim >= 0) {
			vv->cursor = i;
			delta++;
		}
	}
	/* at the very top, show the first episode header too */
	if (vv->cursor == 1 && vv->rows[0].victim < 0)
		vv->top = 0;
}

static int search_from(struct victims_view *vv, struct tui *t, const char *text,
		       bool forward, bool skip_current)
{
	size_t n = vv->nrows, k;

	for (k = skip_current ? 1 : 0; k <= n && n; k++) {
		size_t i = forward ? (vv->cursor + k) % n : (vv->cursor + n * 2 - k) % n;
		const struct vrow *r = &vv->rows[i];

		if (r->victim >= 0 && tui_victim_matches(&t->a->victims[r->victim], text)) {
			vv->cursor = i;
			return TUI_REDRAW;
		}
	}
	{
		char esc[80];

		tui_message(t, "no victim matches '%s'%s", pr_ascii_buf(esc, sizeof(esc), text),
			    vv->filter ? " (a filter is on: F shows all)" : "");
	}
	return TUI_REDRAW;
}

static int victims_search(struct view *v, struct tui *t, const char *text)
{
	struct victims_view *vv = v->priv;
	int r = search_from(vv, t, text, true, false);

	if (vv->nrows && vv->rows[vv->cursor].victim >= 0)
		t->selected = vv->rows[vv->cursor].victim;
	return r;
}

static int victims_handle(struct view *v, struct tui *t, enum request req);

/* Every move of the cursor is the victim the other views open with. */
static int victims_request(struct view *v, struct tui *t, enum request req)
{
	struct victims_view *vv = v->priv;
	int r = victims_handle(v, t, req);

	if (vv->nrows && vv->rows[vv->cursor].victim >= 0)
		t->selected = vv->rows[vv->cursor].victim;
	return r;
}

static int victims_handle(struct view *v, struct tui *t, enum request req)
{
	struct victims_view *vv = v->priv;
	long h = list_height(t);

	switch (req) {
	case REQ_UP:		move_cursor(vv, -1); break;
	case REQ_DOWN:		move_cursor(vv, 1); break;
	case REQ_PAGE_UP:	move_cursor(vv, -h); break;
	case REQ_PAGE_DOWN:	move_cursor(vv, h); break;
	case REQ_FIRST:		move_cursor(vv, -(long)vv->nrows); vv->top = 0; break;
	case REQ_LAST:		move_cursor(vv, (long)vv->nrows); break;
	case REQ_SORT:
		vv->sort = tui_next_sort(vv->sort);
		if (rebuild(vv, t) < 0)
			tui_message(t, "out of memory");
		break;
	case REQ_SORT_REVERSE:
		vv->reverse = !vv->reverse;
		if (rebuild(vv, t) < 0)
			tui_message(t, "out of memory");
		break;
	case REQ_FILTER:
	case REQ_FILTER_CLEAR:
		vv->filter = req == REQ_FILTER ? (vv->filter + 1) % vv->nfilters : 0;
		if (rebuild(vv, t) < 0)
			tui_message(t, "out of memory");
		vv->top = 0;
		break;
	case REQ_NEXT:
	case REQ_PREV:
		if (!t->last_search[0]) {
			tui_message(t, "no search yet: press / first");
			break;
		}
		return search_from(vv, t, t->last_search, req == REQ_NEXT, true);
	case REQ_ENTER:
		if (!vv->nrows || vv->rows[vv->cursor].victim < 0)
			return TUI_UNHANDLED;
		vv->selected = vv->rows[vv->cursor].victim;
		t->selected = vv->selected;
		t->next_ops = tui_view_timeline();
		t->next_arg = &vv->selected;
		return TUI_PUSH;
	default:
		return TUI_UNHANDLED;
	}
	return TUI_REDRAW;
}

static const struct view_ops victims_ops = {
	.name = "victims",
	.open = victims_open,
	.draw = victims_draw,
	.request = victims_request,
	.search = victims_search,
	.close = victims_close,
};

const struct view_ops *tui_view_victims(void)
{
	return &victims_ops;
}
