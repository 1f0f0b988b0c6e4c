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
	enum tui_sort	sort;
	bool		reverse;
	struct vfilter	*filters;	/* [0] = all */
	size_t		nfilters, filter;
	int		selected;	/* victim index handed to the timeline */
	int		pid_w, time_w;	/* widest pid and time in the data */
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

static int64_t time_base(const struct ol_analysis *a)
{
	return a->first_ns != OL_NONE ? a->first_ns : a->nvictims ? a->victims[0].kill_ns : 0;
}

/* Narrow pid and time columns when the data allows: 80 columns are tight. */
static void measure(struct victims_view *vv, const struct ol_analysis *a)
{
	int64_t base = time_base(a), maxt = 0;
	int maxpid = 0;
	char buf[32];
	size_t i;

	for (i = 0; i < a->nvictims; i++) {
		const struct ol_victim *v = &a->victims[i];

		if (v->pid > maxpid)
			maxpid = v->pid;
		if (v->kill_ns != OL_NONE && v->kill_ns - base > maxt)
			maxt = v->kill_ns - base;
	}
	vv->pid_w = snprintf(buf, sizeof(buf), "%d", maxpid);
	vv->time_w = snprintf(buf, sizeof(buf), "%.3f", (double)maxt / 1e9);
	if (vv->pid_w < 3)
		vv->pid_w = 3;
	if (vv->time_w < 5)
		vv->time_w = 5;
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
	measure(vv, t->a);
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

/* Column widths for the terminal width: comm and domain take what is left. */
struct cols {
	int time, pid, comm, domain, rss, skip, ttf, freed, verdict;
};

static void layout(const struct victims_view *vv, int width, struct cols *c)
{
	int rest;

	*c = (struct cols){ .time = vv->time_w, .pid = vv->pid_w, .rss = 5, .skip = 6,
			    .ttf = 6, .freed = 9, .verdict = 11 };
	/* marker and 10 separators */
	rest = width - 1 - 10 - c->time - c->pid - c->rss - c->skip - c->ttf -
	       c->freed - c->verdict;
	if (rest < 12)
		rest = 12;
	c->comm = rest * 3 / 5;
	if (c->comm > 16)
		c->comm = 16;
	c->domain = rest - c->comm;
	if (c->domain > 40) {
		c->verdict += c->domain - 40;
		c->domain = 40;
	}
}

static void format_victim(const struct tui *t, const struct ol_victim *v,
			  const struct cols *c, char *line, size_t n)
{
	const struct ol_analysis *a = t->a;
	char comm[80], dom[80], domfit[80], rss[16], skip[16], ttf[16];
	int64_t base = time_base(a);
	const char *slash;
	char mark = ' ';

	if (v->verdict == OL_VERDICT_UNNECESSARY)
		mark = '!';
	else if (v->lost_in_window)
		mark = '?';
	tui_escape(comm, sizeof(comm), v->comm);
	/* the episode header names the domain; the last component is enough */
	slash = v->domain ? strrchr(v->domain, '/') : NULL;
	tui_escape(dom, sizeof(dom), slash && slash[1] ? slash + 1 : v->domain);
	tui_fit_tail(domfit, sizeof(domfit), dom, c->domain);
	snprintf(line, n, "%c %*.3f %*d %-*.*s %-*s %*s %*s %*s %-*s %-*.*s", mark,
		 c->time, v->kill_ns == OL_NONE ? 0.0 : (double)(v->kill_ns - base) / 1e9,
		 c->pid, v->pid, c->comm, c->comm, comm, c->domain, domfit,
		 c->rss, tui_fmt_kb(rss, sizeof(rss), v->rss_kb),
		 c->skip, tui_fmt_dur(skip, sizeof(skip), ol_since_kill(v, v->skip_ns)),
		 c->ttf, tui_fmt_dur(ttf, sizeof(ttf), ol_since_kill(v, v->freed_ns)),
		 c->freed, ol_freed_by_name(v->freed_by),
		 c->verdict, c->verdict, ol_verdict_name(v->verdict));
}

static void victims_draw(struct view *v, struct tui *t)
{
	struct victims_view *vv = v->priv;
	const struct ol_analysis *a = t->a;
	int h = list_height(t), row, shown = 0;
	char line[512], filt[96], esc[80];
	const struct vfilter *f = &vv->filters[vv->filter];
	struct cols c;
	size_t i, pos = 0;

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
		snprintf(filt, sizeof(filt), "verdict=%s", ol_verdict_name(f->verdict));
	else if (f->kind == 2)
		snprintf(filt, sizeof(filt), "domain=%s", tui_escape(esc, sizeof(esc), f->domain));
	else
		snprintf(filt, sizeof(filt), "all");
	tui_fill_line(0, tui_attr(t, ROLE_TITLE));
	snprintf(line, sizeof(line), "Victims %zu/%d of %zu  sort: %s%s  filter: %s",
		 pos, shown, a->nvictims, tui_sort_name(vv->sort),
		 vv->reverse ? " (reversed)" : "", filt);
	tui_put(0, 1, t->cols - 2, line, false);

	layout(vv, t->cols, &c);
	attrset(tui_attr(t, ROLE_HEADER));
	snprintf(line, sizeof(line), "  %*s %*s %-*s %-*s %*s %*s %*s %-*s %-*s",
		 c.time, "T+s", c.pid, "PID", c.comm, "COMM", c.domain, "DOMAIN",
		 c.rss, "RSS", c.skip, "SKIP", c.ttf, "TTF", c.freed, "FREED-BY",
		 c.verdict, "VERDICT");
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
			char span[16];

			char host[80] = "";

			/* a merged database (oomlens merge): say whose episode it is */
			if (a->norigins) {
				char hn[64];

				tui_escape(hn, sizeof(hn), a->origins[ep->origin].host);
				snprintf(host, sizeof(host), "host %s  ", hn);
			}
			tui_escape(esc, sizeof(esc), ep->domain);
			snprintf(line, sizeof(line), "-- episode %d  %s%s  %zu victim%s, %d unnecessary, %s --",
				 r->episode + 1, host, esc, ep->count, ep->count == 1 ? "" : "s",
				 ep->unnecessary,
				 tui_fmt_dur(span, sizeof(span), ep->end_ns == OL_NONE ||
					     ep->start_ns == OL_NONE ? OL_NONE :
					     ep->end_ns - ep->start_ns));
			attr = tui_attr(t, ROLE_EPISODE);
		} else {
			const struct ol_victim *vi = &a->victims[r->victim];

			format_victim(t, vi, &c, line, sizeof(line));
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

		tui_message(t, "no victim matches '%s'%s", tui_escape(esc, sizeof(esc), text),
			    vv->filter ? " (a filter is on: F shows all)" : "");
	}
	return TUI_REDRAW;
}

static int victims_search(struct view *v, struct tui *t, const char *text)
{
	return search_from(v->priv, t, text, true, false);
}

static int victims_request(struct view *v, struct tui *t, enum request req)
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
		vv->sort = (vv->sort + 1) % TUI_SORT_NR;
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
		t->next_ops = tui_view_timeline();
		t->next_arg = &vv->selected;
		return TUI_PUSH;
	case REQ_BACK:
		return TUI_POP;
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
