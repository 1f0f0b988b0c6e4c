// SPDX-License-Identifier: GPL-2.0
/*
 * The timeline of one episode: a time axis with one lane per victim
 * (kill, reaper runs, MMF_OOM_SKIP, memory freed, exit), the selected
 * victim's memory curve as a sparkline on the same axis, and below it
 * the selected victim's events, times relative to its kill.
 *
 * The lanes show what matters for unnecessary kills: '-' while a victim
 * holds its memory and is still visible to the OOM killer, '~' while it
 * still holds memory after MMF_OOM_SKIP or its exit hid it (the window in
 * which the kernel may pick a further victim although memory is about to
 * come back); the same geometry as the reports' charts (present.h).
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui-local.h"

#define LABEL_W	17

struct timeline_view {
	int		victim, episode;	/* episode -1: not in one */
	size_t		first, count;		/* the lanes: victims[first..+count) */
	const char	*domain;
	int64_t		full_lo, full_hi, lo, hi, base;
	size_t		ev, ev_top;
	size_t		lane_top;
	struct text_page detail;	/* handed to the detail view on Enter */
	char		**labels;	/* per lane (pr_lane_labels) */
};

static int timeline_open(struct view *v, struct tui *t, const void *arg)
{
	const struct ol_analysis *a = t->a;
	struct timeline_view *tv = calloc(1, sizeof(*tv));
	const struct ol_victim *sel;
	const struct ol_episode *ep;
	int64_t lo = OL_NONE, hi = OL_NONE, pad;
	int *ids;
	size_t i;

	if (!tv)
		return -1;
	tv->victim = *(const int *)arg;
	sel = &a->victims[tv->victim];
	/* trust the episode only when it holds the victim */
	ep = sel->episode >= 0 && (size_t)sel->episode < a->nepisodes ?
	     &a->episodes[sel->episode] : NULL;
	if (ep && (size_t)tv->victim >= ep->first && (size_t)tv->victim < ep->first + ep->count &&
	    ep->first + ep->count <= a->nvictims) {
		tv->episode = sel->episode;
		tv->first = ep->first;
		tv->count = ep->count;
		tv->domain = ep->domain;
	} else {
		tv->episode = -1;
		tv->first = (size_t)tv->victim;
		tv->count = 1;
		tv->domain = sel->domain;
	}
	pr_span(a, tv->first, tv->count, &lo, &hi);
	ids = calloc(tv->count + 1, sizeof(*ids));
	tv->labels = calloc(tv->count + 1, sizeof(*tv->labels));
	for (i = 0; ids && i < tv->count; i++)
		ids[i] = (int)(tv->first + i);
	if (!ids || !tv->labels || pr_lane_labels(a, ids, tv->count, LABEL_W - 3, tv->labels)) {
		free(ids);
		free(tv->labels);
		free(tv);
		return -1;
	}
	free(ids);
	pad = (hi - lo) / 50 + 1000;
	tv->full_lo = tv->lo = lo - pad;
	tv->full_hi = tv->hi = hi + pad;
	tv->base = sel->kill_ns != OL_NONE ? sel->kill_ns : lo;
	tv->lane_top = 0;
	t->selected = tv->victim;
	v->priv = tv;
	return 0;
}

static void timeline_close(struct view *v)
{
	struct timeline_view *tv = v->priv;
	size_t i;

	text_page_free(&tv->detail);
	for (i = 0; i < tv->count; i++)
		free(tv->labels[i]);
	free(tv->labels);
	free(tv);
}

struct tl_layout {
	int tw;			/* track width */
	int lanes;		/* lane rows */
	int lane_row, spark_row, legend_row, ev_head_row, ev_row, ev_rows;
};

static void tl_layout(const struct tui *t, const struct timeline_view *tv,
		      struct tl_layout *l)
{
	int avail = t->rows - 2 - 1 - 3;	/* title, axis, status; spark, legend, head */
	int lanes = tv->count > 100 ? 100 : (int)tv->count;

	l->tw = t->cols - LABEL_W - 1;
	if (l->tw < 10)
		l->tw = 10;
	if (lanes > avail / 2)
		lanes = avail / 2;
	if (lanes > 8)
		lanes = 8;
	if (lanes < 1)
		lanes = 1;
	l->lanes = lanes;
	l->lane_row = 2;
	l->spark_row = l->lane_row + lanes;
	l->legend_row = l->spark_row + 1;
	l->ev_head_row = l->legend_row + 1;
	l->ev_row = l->ev_head_row + 1;
	l->ev_rows = t->rows - 1 - l->ev_row;
	if (l->ev_rows < 1)
		l->ev_rows = 1;
}

/* The window on the track: the same axis as the reports' charts. */
static void track_axis(const struct timeline_view *tv, int tw, struct pr_axis *ax)
{
	pr_axis_init(ax, tv->lo, tv->hi, 0, tw - 1);
}

/* Column of @ts on the track, or -1 when outside the window. */
static int ts_col(const struct timeline_view *tv, int tw, int64_t ts)
{
	struct pr_axis ax;

	if (ts == OL_NONE || ts < tv->lo || ts > tv->hi)
		return -1;
	track_axis(tv, tw, &ax);
	return (int)pr_axis_x(&ax, ts);
}

static int clip_col(const struct timeline_view *tv, int tw, int64_t ts)
{
	if (ts <= tv->lo)
		return 0;
	if (ts >= tv->hi)
		return tw - 1;
	return ts_col(tv, tw, ts);
}

static char point_char(const char *what)
{
	static const struct { const char *what; char c; } map[] = {
		{ "sigkill", 'K' }, { "kill", 'K' }, { "wake_reaper", 'w' },
		{ "reap_start", 'R' }, { "reap_finish", 'R' }, { "reap_skip", 'x' },
		{ "lock_failed", 'x' }, { "skip_set", 'S' }, { "freed", 'F' },
		{ "exit_mmap", 'M' }, { "exit", 'X' }, { "last_exit", 'X' },
		{ "process_free", 'X' },
	};
	size_t i;

	for (i = 0; what && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i].what, what))
			return map[i].c;
	return '.';
}

static void lane_text(const struct timeline_view *tv, const struct ol_victim *vi,
		      int tw, int64_t end_of_data, char *track)
{
	int64_t held_end = pr_held_until(vi, end_of_data);
	size_t k;
	int x, m;

	memset(track, ' ', (size_t)tw);
	track[tw] = '\0';
	if (vi->kill_ns != OL_NONE && held_end >= vi->kill_ns &&
	    vi->kill_ns <= tv->hi && held_end >= tv->lo) {
		int x0 = clip_col(tv, tw, vi->kill_ns), x1 = clip_col(tv, tw, held_end);
		/* '~' once hidden from the OOM killer: none when unknown or after the window */
		int64_t hid = pr_hidden_from(vi);
		int xs = hid == OL_NONE || hid > tv->hi ? tw : hid < tv->lo ? -1 : ts_col(tv, tw, hid);
		for (x = x0; x <= x1 && x < tw; x++)
			track[x] = x >= xs ? '~' : '-';
	}
	for (k = 0; k < vi->npoints; k++) {
		x = ts_col(tv, tw, vi->points[k].ts_ns);
		if (x >= 0)
			track[x] = point_char(vi->points[k].what);
	}
	/* the marks last, the first of them on top (kill over exit) */
	for (m = PR_MARK_NR - 1; m >= 0; m--) {
		x = ts_col(tv, tw, pr_mark_ns(vi, m));
		if (x >= 0)
			track[x] = pr_mark_char(m);
	}
}

/* The axis with ticks; @mark (a column or -1) gets a 'v': the selected event. */
static void draw_axis(const struct tui *t, const struct timeline_view *tv, int tw, int row,
		      int mark)
{
	struct pr_axis ax;
	int64_t step, tick;
	char axis[512], label[24];
	int x;

	/* a tick every ~14 columns or more, at 1/2/5 x 10^k ns */
	track_axis(tv, tw, &ax);
	step = pr_axis_step(&ax, tw / 14 + 1);
	memset(axis, ' ', (size_t)tw);
	axis[tw] = '\0';
	tick = (tv->lo - tv->base) / step * step;
	for (; tv->base + tick <= tv->hi; tick += step) {
		size_t len;

		x = ts_col(tv, tw, tv->base + tick);
		if (x < 0)
			continue;
		axis[x] = '|';
		pr_tick_label(label, sizeof(label), tick, step);
		len = strlen(label);
		if (x + 1 + (int)len < tw && axis[x + 1] == ' ' &&
		    (mark < x + 1 || mark > x + (int)len))
			memcpy(axis + x + 1, label, len);
	}
	if (mark >= 0 && mark < tw)
		axis[mark] = 'v';
	tui_put(row, 0, LABEL_W, " time since kill", true);
	tui_put(row, LABEL_W + 1, tw, axis, false);
}

static void draw_spark(const struct tui *t, const struct timeline_view *tv,
		       const struct ol_victim *vi, int tw, int row)
{
	static const char ascii[] = " .:-=+*#@";
	static const char *const blocks[] = { " ", "\u2581", "\u2582", "\u2583",
		"\u2584", "\u2585", "\u2586", "\u2587", "\u2588" };
	int64_t max = 0;
	char label[32], kb[PR_BUF];
	size_t k = 0;
	int x;

	for (k = 0; k < vi->ncurve; k++)
		if (vi->curve[k].held_kb > max)
			max = vi->curve[k].held_kb;
	if (!vi->ncurve || max <= 0) {
		tui_put(row, 0, LABEL_W, " held memory", true);
		tui_put(row, LABEL_W + 1, t->cols - LABEL_W - 1, "(no rss data for this victim)", false);
		return;
	}
	snprintf(label, sizeof(label), " held <=%s", pr_kb(kb, max, "?"));
	tui_put(row, 0, LABEL_W, label, true);
	attrset(tui_attr(t, ROLE_GOOD));
	/* each column shows the most held during its slice of time, so that
	 * a drop shorter than a column still shows */
	k = 0;
	for (x = 0; x < tw; x++) {
		int64_t t0 = tv->lo + (int64_t)((double)(tv->hi - tv->lo) * x / tw);
		int64_t t1 = tv->lo + (int64_t)((double)(tv->hi - tv->lo) * (x + 1) / tw);
		int64_t held;
		int level;

		while (k + 1 < vi->ncurve && vi->curve[k + 1].ts_ns <= t0)
			k++;
		if (t1 < vi->curve[0].ts_ns) {
			level = -1;
		} else {
			size_t j = k;

			held = vi->curve[k].ts_ns <= t1 ? vi->curve[k].held_kb : 0;
			for (; j < vi->ncurve && vi->curve[j].ts_ns < t1; j++)
				if (vi->curve[j].held_kb > held)
					held = vi->curve[j].held_kb;
			level = (int)(held * 8 / max);
			if (level == 0 && held > 0)
				level = 1;
		}
		move(row, LABEL_W + 1 + x);
		if (level < 0)
			addch(' ');
		else if (t->utf8)
			addstr(blocks[level]);
		else
			addch((chtype)(unsigned char)ascii[level]);
	}
	attrset(A_NORMAL);
}

static void timeline_draw(struct view *v, struct tui *t)
{
	struct timeline_view *tv = v->priv;
	const struct ol_analysis *a = t->a;
	const struct ol_victim *sel = &a->victims[tv->victim];
	struct tl_layout l;
	char line[512], esc[300], d1[PR_BUF], d2[PR_BUF], track[512], epname[24];
	size_t i, sel_lane = (size_t)tv->victim - tv->first;
	int row;

	tl_layout(t, tv, &l);
	if (l.tw > (int)sizeof(track) - 1)
		l.tw = (int)sizeof(track) - 1;
	tui_fill_line(0, tui_attr(t, ROLE_TITLE));
	if (tv->episode >= 0)
		snprintf(epname, sizeof(epname), "episode %d", tv->episode);
	else
		snprintf(epname, sizeof(epname), "no episode");
	snprintf(line, sizeof(line), "Timeline  %s %s  window %s..%s (%.0fx)",
		 epname, pr_ascii_buf(esc, sizeof(esc), tv->domain),
		 pr_rel(d1, tv->lo - tv->base, t->res, "?"),
		 pr_rel(d2, tv->hi - tv->base, t->res, "?"),
		 (double)(tv->full_hi - tv->full_lo) / (double)(tv->hi - tv->lo));
	tui_put(0, 1, t->cols - 2, line, false);
	attrset(A_NORMAL);
	draw_axis(t, tv, l.tw, 1, sel->npoints && tv->ev < sel->npoints ?
		  ts_col(tv, l.tw, sel->points[tv->ev].ts_ns) : -1);

	/* lanes: keep the selected one in view */
	if (sel_lane < tv->lane_top)
		tv->lane_top = sel_lane;
	if (sel_lane >= tv->lane_top + (size_t)l.lanes)
		tv->lane_top = sel_lane - (size_t)l.lanes + 1;
	for (row = 0; row < l.lanes && tv->lane_top + (size_t)row < tv->count; row++) {
		size_t vi_idx = tv->first + tv->lane_top + (size_t)row;
		const struct ol_victim *vi = &a->victims[vi_idx];
		bool is_sel = vi_idx == (size_t)tv->victim;
		int attr = is_sel ? tui_attr(t, ROLE_CURSOR) :
			   vi->verdict == OL_VERDICT_UNNECESSARY ? tui_attr(t, ROLE_BAD) : 0;

		snprintf(line, sizeof(line), "%c%c%s", is_sel ? '>' : ' ',
			 vi->verdict == OL_VERDICT_UNNECESSARY ? '!' : ' ',
			 tv->labels[tv->lane_top + (size_t)row]);
		attrset(attr);
		tui_put(l.lane_row + row, 0, LABEL_W, line, true);
		attrset(A_NORMAL);
		lane_text(tv, vi, l.tw, tv->full_hi, track);
		tui_put(l.lane_row + row, LABEL_W + 1, l.tw, track, false);
	}
	draw_spark(t, tv, sel, l.tw, l.spark_row);
	attrset(tui_attr(t, ROLE_DIM));
	tui_put(l.legend_row, 0, t->cols,
		" K kill w wake R reaper x fail S skip F freed X exit M exit_mmap - held ~ hidden",
		false);
	attrset(tui_attr(t, ROLE_HEADER));
	snprintf(line, sizeof(line), " events of #%d %d %s (since kill)  Enter: detail  [/] victim  +/- zoom",
		 sel->index, sel->pid, pr_ascii_buf(esc, sizeof(esc), sel->comm));
	tui_put(l.ev_head_row, 0, t->cols, line, true);
	attrset(A_NORMAL);

	if (!sel->npoints) {
		tui_put(l.ev_row, 2, t->cols - 2, "(no events recorded for this victim)", false);
		return;
	}
	if (tv->ev < tv->ev_top)
		tv->ev_top = tv->ev;
	if (tv->ev >= tv->ev_top + (size_t)l.ev_rows)
		tv->ev_top = tv->ev - (size_t)l.ev_rows + 1;
	for (row = 0; row < l.ev_rows && tv->ev_top + (size_t)row < sel->npoints; row++) {
		const struct ol_point *p = &sel->points[tv->ev_top + (size_t)row];
		char rel[PR_BUF], det[256];

		i = tv->ev_top + (size_t)row;
		snprintf(line, sizeof(line), "%c%12s  %-12s %s", i == tv->ev ? '>' : ' ',
			 pr_rel(rel, pr_since(sel, p->ts_ns), t->res, "?"),
			 pr_ascii_buf(esc, sizeof(esc), p->what),
			 pr_ascii_buf(det, sizeof(det), p->detail ? p->detail : ""));
		attrset(i == tv->ev ? tui_attr(t, ROLE_CURSOR) : 0);
		tui_put(l.ev_row + row, 0, t->cols, line, i == tv->ev);
		attrset(A_NORMAL);
	}
}

/* Put @ts in the window, centring it when it is outside. */
static void show_ts(struct timeline_view *tv, int64_t ts)
{
	int64_t span = tv->hi - tv->lo;

	if (ts == OL_NONE || (ts >= tv->lo && ts <= tv->hi))
		return;
	tv->lo = ts - span / 2;
	tv->hi = tv->lo + span;
	if (tv->lo < tv->full_lo) {
		tv->lo = tv->full_lo;
		tv->hi = tv->lo + span;
	}
	if (tv->hi > tv->full_hi) {
		tv->hi = tv->full_hi;
		tv->lo = tv->hi - span;
	}
}

static void zoom(struct timeline_view *tv, const struct ol_victim *sel, bool in)
{
	int64_t span = tv->hi - tv->lo, full = tv->full_hi - tv->full_lo, center;

	center = tv->lo + span / 2;
	if (sel->npoints && tv->ev < sel->npoints &&
	    sel->points[tv->ev].ts_ns >= tv->lo && sel->points[tv->ev].ts_ns <= tv->hi)
		center = sel->points[tv->ev].ts_ns;
	span = in ? span / 2 : span * 2;
	if (span < 2000)
		span = 2000;
	if (span >= full) {
		tv->lo = tv->full_lo;
		tv->hi = tv->full_hi;
		return;
	}
	tv->lo = center - span / 2;
	tv->hi = tv->lo + span;
	tv->lo = tv->lo < tv->full_lo ? tv->full_lo : tv->lo;
	tv->hi = tv->lo + span;
	if (tv->hi > tv->full_hi) {
		tv->hi = tv->full_hi;
		tv->lo = tv->hi - span;
	}
}

static void pan(struct timeline_view *tv, int dir)
{
	int64_t span = tv->hi - tv->lo, d = span / 4 * dir;

	if (tv->lo + d < tv->full_lo)
		d = tv->full_lo - tv->lo;
	if (tv->hi + d > tv->full_hi)
		d = tv->full_hi - tv->hi;
	tv->lo += d;
	tv->hi += d;
}

static int timeline_request(struct view *v, struct tui *t, enum request req)
{
	struct timeline_view *tv = v->priv;
	const struct ol_victim *sel = &t->a->victims[tv->victim];
	struct tl_layout l;
	size_t n = sel->npoints, page;

	tl_layout(t, tv, &l);
	page = (size_t)l.ev_rows;
	switch (req) {
	case REQ_UP:		if (tv->ev) tv->ev--; break;
	case REQ_DOWN:		if (tv->ev + 1 < n) tv->ev++; break;
	case REQ_PAGE_UP:	tv->ev = tv->ev > page ? tv->ev - page : 0; break;
	case REQ_PAGE_DOWN:	tv->ev = n && tv->ev + page < n ? tv->ev + page : n ? n - 1 : 0; break;
	case REQ_FIRST:		tv->ev = 0; break;
	case REQ_LAST:		tv->ev = n ? n - 1 : 0; break;
	case REQ_NEXT:
	case REQ_PREV:
		if (!n)
			return TUI_UNHANDLED;
		if (req == REQ_NEXT && tv->ev + 1 < n)
			tv->ev++;
		else if (req == REQ_PREV && tv->ev)
			tv->ev--;
		else
			tui_message(t, req == REQ_NEXT ? "last event" : "first event");
		show_ts(tv, sel->points[tv->ev].ts_ns);
		break;
	case REQ_PREV_LANE:
	case REQ_NEXT_LANE:
		if (req == REQ_PREV_LANE ? (size_t)tv->victim == tv->first :
		    (size_t)tv->victim + 1 >= tv->first + tv->count)
			return TUI_UNHANDLED;
		tv->victim += req == REQ_PREV_LANE ? -1 : 1;
		t->selected = tv->victim;
		sel = &t->a->victims[tv->victim];
		if (sel->kill_ns != OL_NONE)
			tv->base = sel->kill_ns;
		tv->ev = tv->ev_top = 0;
		if (sel->npoints)
			show_ts(tv, sel->points[0].ts_ns);
		break;
	case REQ_ZOOM_IN:	zoom(tv, sel, true); break;
	case REQ_ZOOM_OUT:	zoom(tv, sel, false); break;
	case REQ_LEFT:		pan(tv, -1); break;
	case REQ_RIGHT:		pan(tv, 1); break;
	case REQ_ENTER: {
		struct event_ref r = { tv->victim, n ? (int)tv->ev : -1 };

		text_page_free(&tv->detail);
		if (tui_event_page(t->a, t->dbname, &r, t->cols, &tv->detail) < 0) {
			tui_message(t, "out of memory");
			break;
		}
		t->next_ops = tui_view_text();
		t->next_arg = &tv->detail;
		return TUI_PUSH;
	}
	default:
		return TUI_UNHANDLED;
	}
	return TUI_REDRAW;
}

static const struct view_ops timeline_ops = {
	.name = "timeline",
	.open = timeline_open,
	.draw = timeline_draw,
	.request = timeline_request,
	.close = timeline_close,
};

const struct view_ops *tui_view_timeline(void)
{
	return &timeline_ops;
}
