// SPDX-License-Identifier: GPL-2.0
/*
 * Timeline geometry shared by the ASCII chart (text report), the SVG
 * chart (HTML report) and the TUI timeline: which marks a victim gets,
 * the time span of a set of victims, the mapping of time to columns or
 * pixels, the tick spacing and labels, and lane labels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/present.h"

static const struct {
	char		ch;
	const char	*color, *help;
} marks[] = {
#define _(id, c, color, help) { c, color, help },
	PR_MARKS(_)
#undef _
};

char pr_mark_char(enum pr_mark m)
{
	return m < PR_MARK_NR ? marks[m].ch : '?';
}

const char *pr_mark_color(enum pr_mark m)
{
	return m < PR_MARK_NR ? marks[m].color : "#000000";
}

const char *pr_mark_help(enum pr_mark m)
{
	return m < PR_MARK_NR ? marks[m].help : "";
}

int64_t pr_mark_ns(const struct ol_victim *v, enum pr_mark m)
{
	int64_t t;

	switch (m) {
	case PR_MARK_KILL:
		return v->kill_ns;
	case PR_MARK_REAPER:
		/* the run starts at start_task_reaping; wake_reaper if only that */
		t = pr_reaper_ns(v->reaper.start_ns);
		return t != OL_NONE ? t : pr_reaper_ns(v->reaper.wake_ns);
	case PR_MARK_SKIP:
		return v->skip_ns;
	case PR_MARK_FREED:
		return v->freed_ns;
	case PR_MARK_EXIT:
		return v->exit_ns;
	default:
		return OL_NONE;
	}
}

int64_t pr_held_until(const struct ol_victim *v, int64_t t_end)
{
	if (v->freed_ns != OL_NONE)
		return v->freed_ns;
	/* not freed within the recording: held to the end of the chart */
	return v->freed_by == OL_FREED_BY_NOT_FREED ? t_end : v->kill_ns;
}

int64_t pr_hidden_from(const struct ol_victim *v)
{
	if (v->skip_ns == OL_NONE || (v->exit_ns != OL_NONE && v->exit_ns < v->skip_ns))
		return v->exit_ns;
	return v->skip_ns;
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

void pr_span(const struct ol_analysis *a, size_t first, size_t count, int64_t *t0,
	     int64_t *t1)
{
	size_t i;
	int m;

	*t0 = OL_NONE;
	*t1 = OL_NONE;
	for (i = first; i < first + count && i < a->nvictims; i++) {
		const struct ol_victim *v = &a->victims[i];
		size_t k;

		for (m = 0; m < PR_MARK_NR; m++)
			widen(t0, t1, pr_mark_ns(v, m));
		/* the events after the marks too: a pinned mm's late teardown */
		for (k = 0; k < v->npoints; k++)
			widen(t0, t1, v->points[k].ts_ns);
	}
	if (*t0 == OL_NONE)
		*t0 = *t1 = 0;
	/* a single instant still gets an axis of 1 ms */
	if (*t1 - *t0 < 1000000)
		*t1 = *t0 + 1000000;
}

void pr_axis_init(struct pr_axis *ax, int64_t t0, int64_t t1, double x0, double width)
{
	ax->t0 = t0;
	ax->t1 = t1 > t0 ? t1 : t0 + 1;
	ax->x0 = x0;
	ax->width = width;
}

double pr_axis_x(const struct pr_axis *ax, int64_t ts)
{
	return ax->x0 + (double)(ts - ax->t0) * ax->width / (double)(ax->t1 - ax->t0);
}

int64_t pr_axis_step(const struct pr_axis *ax, int max)
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

void pr_tick_label(char *buf, size_t n, int64_t off, int64_t step)
{
	int64_t s = step;
	int dec = 0;

	/* as many decimals as the step needs: "0.5s", "0.02s", "2s" */
	while (s < PR_SECOND && s % PR_SECOND && dec < 9) {
		s *= 10;
		dec++;
	}
	snprintf(buf, n, "%.*fs", dec, off / 1e9);
}

int pr_lane_labels(const struct ol_analysis *a, const int *victims, size_t n, int width,
		   char **labels)
{
	size_t i, common = 0, len;
	const char *c0, *ci;
	char comm[80], buf[160];

	/* the longest common prefix of the comms, when it leaves something */
	c0 = n ? a->victims[victims[0]].comm : NULL;
	if (c0 && n > 1) {
		common = strlen(c0);
		for (i = 1; i < n; i++) {
			ci = a->victims[victims[i]].comm ? a->victims[victims[i]].comm : "";
			len = 0;
			while (len < common && c0[len] == ci[len])
				len++;
			common = len;
		}
		for (i = 0; i < n; i++) {
			ci = a->victims[victims[i]].comm ? a->victims[victims[i]].comm : "";
			if (strlen(ci) <= common)
				common = 0;	/* one comm would become empty */
		}
	}
	for (i = 0; i < n; i++) {
		const struct ol_victim *v = &a->victims[victims[i]];
		const char *s = v->comm ? v->comm : "?";

		pr_ascii_buf(comm, sizeof(comm), strlen(s) > common ? s + common : s);
		snprintf(buf, sizeof(buf), "#%d %d %s", v->index, v->pid, comm);
		if (width > 0 && (int)strlen(buf) > width)
			buf[width] = '\0';
		labels[i] = strdup(buf);
		if (!labels[i]) {
			while (i--)
				free(labels[i]);
			return -1;
		}
	}
	return 0;
}
