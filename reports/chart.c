// SPDX-License-Identifier: GPL-2.0
/*
 * Timeline geometry shared by the ASCII chart (text report) and the SVG
 * chart (HTML report): which marks a victim gets, the time span of an
 * episode, the mapping of time to columns/pixels and the tick spacing.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report-local.h"

static const char mark_chars[] = {
#define _(id, ch, color, help) ch,
	RP_MARKS(_)
#undef _
};
static const char *const mark_colors[] = {
#define _(id, ch, color, help) color,
	RP_MARKS(_)
#undef _
};
static const char *const mark_helps[] = {
#define _(id, ch, color, help) help,
	RP_MARKS(_)
#undef _
};

char rp_mark_char(enum rp_mark m)
{
	return m < RP_MARK_NR ? mark_chars[m] : '?';
}

const char *rp_mark_color(enum rp_mark m)
{
	return m < RP_MARK_NR ? mark_colors[m] : "#000000";
}

const char *rp_mark_help(enum rp_mark m)
{
	return m < RP_MARK_NR ? mark_helps[m] : "";
}

/* A reaper that never ran may be left zeroed rather than OL_NONE. */
static int64_t reaper_ns(int64_t t)
{
	return t == 0 ? OL_NONE : t;
}

int64_t rp_mark_ns(const struct ol_victim *v, enum rp_mark m)
{
	int64_t t;

	switch (m) {
	case RP_MARK_KILL:
		return v->kill_ns;
	case RP_MARK_REAPER:
		/* the run starts at start_task_reaping; wake_reaper if only that */
		t = reaper_ns(v->reaper.start_ns);
		return t != OL_NONE ? t : reaper_ns(v->reaper.wake_ns);
	case RP_MARK_SKIP:
		return v->skip_ns;
	case RP_MARK_FREED:
		return v->freed_ns;
	default:
		return OL_NONE;
	}
}

static void widen(int64_t *t0, int64_t *t1, int64_t t)
{
	if (t == OL_NONE)
		return;
	if (*t0 == OL_NONE || t < *t0)
		*t0 = t;
	if (*t1 == OL_NONE || t > *t1)
		*t1 = t;
}

void rp_episode_span(const struct ol_analysis *a, const struct ol_episode *e,
		     int64_t *t0, int64_t *t1)
{
	size_t i;
	int m;

	*t0 = OL_NONE;
	*t1 = OL_NONE;
	widen(t0, t1, e->start_ns);
	widen(t0, t1, e->end_ns);
	for (i = e->first; i < e->first + e->count && i < a->nvictims; i++)
		for (m = 0; m < RP_MARK_NR; m++)
			widen(t0, t1, rp_mark_ns(&a->victims[i], m));
	if (*t0 == OL_NONE)
		*t0 = *t1 = 0;
	/* a single instant still gets an axis of 1 ms */
	if (*t1 - *t0 < 1000000)
		*t1 = *t0 + 1000000;
}

void rp_axis_init(struct rp_axis *ax, int64_t t0, int64_t t1, double x0,
		  double width)
{
	ax->t0 = t0;
	ax->t1 = t1 > t0 ? t1 : t0 + 1;
	ax->x0 = x0;
	ax->width = width;
}

double rp_axis_x(const struct rp_axis *ax, int64_t ts)
{
	return ax->x0 + (double)(ts - ax->t0) * ax->width /
		(double)(ax->t1 - ax->t0);
}

int64_t rp_axis_step(const struct rp_axis *ax, int max)
{
	static const int nice[] = { 1, 2, 5 };
	int64_t span = ax->t1 - ax->t0, p, step;
	int i;

	if (max < 1)
		max = 1;
	for (p = 1; p <= INT64_MAX / 10; p *= 10)
		for (i = 0; i < 3; i++) {
			step = p * nice[i];
			if (span / step <= max)
				return step;
		}
	return span;
}

/* "2s", "0.5s", "20ms"-style label for an offset that is a step multiple. */
static void tick_label(char *buf, size_t n, int64_t off, int64_t step)
{
	int dec = 0;
	int64_t s = step;

	while (s < 1000000000 && s % 1000000000 && dec < 9) {
		s *= 10;
		dec++;
	}
	snprintf(buf, n, "%.*fs", dec, off / 1e9);
}

#define LABEL_W	20	/* "  pid comm" in front of each chart row */

void rp_chart_ascii(const struct rp *r, const struct ol_episode *e)
{
	const int w = RP_COLS - LABEL_W - 2;	/* between the two '|' */
	const struct ol_analysis *a = r->a;
	char row[RP_COLS + 1], lab[RP_COLS * 2], tl[32], buf[RP_BUF];
	struct rp_axis ax;
	int64_t t0, t1, step, t;
	size_t i;
	int m, c, c0, c1, last;
	char *comm;

	rp_episode_span(a, e, &t0, &t1);
	rp_axis_init(&ax, t0, t1, 0, w - 1);
	step = rp_axis_step(&ax, 6);
	fprintf(r->out, "time from the first kill (%ss), one column = %s\n",
		rp_abs(buf, t0, 3, "?"), rp_dur(tl, (t1 - t0) / (w - 1), "?"));
	for (i = e->first; i < e->first + e->count && i < a->nvictims; i++) {
		const struct ol_victim *v = &a->victims[i];

		if (!rp_victim_selected(r, v))
			continue;
		memset(row, ' ', w);
		row[w] = '\0';
		/* the memory is held from the kill until it is freed */
		c0 = v->kill_ns == OL_NONE ? -1 :
			(int)lround(rp_axis_x(&ax, v->kill_ns));
		if (v->freed_ns != OL_NONE)
			c1 = (int)lround(rp_axis_x(&ax, v->freed_ns));
		else
			c1 = v->freed_by == OL_FREED_BY_NOT_FREED ? w - 1 : c0;
		for (c = c0; c0 >= 0 && c <= c1 && c < w; c++)
			row[c] = '-';
		for (m = 0; m < RP_MARK_NR; m++) {
			t = rp_mark_ns(v, m);
			if (t == OL_NONE)
				continue;
			c = (int)lround(rp_axis_x(&ax, t));
			if (c < 0 || c >= w)
				continue;
			/*
			 * Marks closer than a column: the later one moves one
			 * column right (K then S for a prompt exit), a third
			 * one turns that column into '*'.
			 */
			if (row[c] != ' ' && row[c] != '-' && c + 1 < w)
				c++;
			row[c] = (row[c] == ' ' || row[c] == '-') ?
				rp_mark_char(m) : '*';
		}
		comm = rp_ascii(v->comm);
		fprintf(r->out, "%7d %-11.11s |%s|\n", v->pid,
			comm ? comm : "", row);
		free(comm);
	}
	/* axis: '+' at every tick, labels under them where they fit */
	memset(row, '-', w);
	row[w] = '\0';
	memset(lab, ' ', sizeof(lab));
	last = -1;
	for (t = 0; t0 + t <= t1; t += step) {
		c = (int)lround(rp_axis_x(&ax, t0 + t));
		if (c >= w)
			break;
		row[c] = '+';
		tick_label(tl, sizeof(tl), t, step);
		if (c > last && LABEL_W + 1 + c + (int)strlen(tl) <= RP_COLS) {
			memcpy(lab + LABEL_W + 1 + c, tl, strlen(tl));
			last = c + (int)strlen(tl);
		}
	}
	fprintf(r->out, "%*s|%s|\n", LABEL_W, "", row);
	lab[last < 0 ? 0 : LABEL_W + 1 + last] = '\0';
	fprintf(r->out, "%s\n", last < 0 ? "" : lab);
	fprintf(r->out, "K=kill R=reaper start S=MMF_OOM_SKIP F=90%% freed "
		"-=held *=several\n");
}
