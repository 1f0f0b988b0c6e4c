// SPDX-License-Identifier: GPL-2.0
/*
 * The ASCII timeline of the text and markdown reports, drawn with the
 * presentation layer's geometry (present-chart.c) that the SVG and the
 * TUI timeline use too.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report-local.h"

#define LABEL_W	19	/* "pid comm" in front of each chart row */

void rp_chart_ascii(const struct rp *r, const struct ol_episode *e)
{
	const int w = RP_COLS - LABEL_W - 2;	/* between the two '|' */
	const struct ol_analysis *a = r->a;
	char row[RP_COLS + 1], lab[RP_COLS * 2], tl[32], buf[PR_BUF], **labels = NULL;
	struct pr_axis ax;
	int64_t t0, t1, step, t;
	int *ids = NULL, m, c, c0, c1, ch, last;
	size_t i, n = 0;

	ids = calloc(e->count + 1, sizeof(*ids));
	labels = calloc(e->count + 1, sizeof(*labels));
	for (i = e->first; ids && labels && i < e->first + e->count && i < a->nvictims; i++)
		if (rp_victim_selected(r, &a->victims[i]))
			ids[n++] = (int)i;
	if (!ids || !labels || pr_lane_labels(a, ids, n, LABEL_W - 1, labels)) {
		fprintf(r->out, "(no chart: out of memory)\n");
		free(ids);
		free(labels);
		return;
	}
	pr_span(a, e->first, e->count, &t0, &t1);
	pr_axis_init(&ax, t0, t1, 0, w - 1);
	step = pr_axis_step(&ax, 6);
	fprintf(r->out, "time from the first kill (%s s), one column = %s\n",
		pr_abs(buf, t0, 3, r->res, "?"), pr_dur(tl, (t1 - t0) / (w - 1), 1, "?"));
	for (i = 0; i < n; i++) {
		const struct ol_victim *v = &a->victims[ids[i]];

		memset(row, ' ', w);
		row[w] = '\0';
		/* the memory is held from the kill until it is freed */
		c0 = v->kill_ns == OL_NONE ? -1 : (int)lround(pr_axis_x(&ax, v->kill_ns));
		c1 = c0 < 0 ? -1 : (int)lround(pr_axis_x(&ax, pr_held_until(v, t1)));
		t = pr_hidden_from(v);
		ch = t == OL_NONE ? w : (int)lround(pr_axis_x(&ax, t));
		/* '-' held, '~' held but hidden from the OOM killer */
		for (c = c0; c0 >= 0 && c <= c1 && c < w; c++)
			row[c] = c >= ch ? '~' : '-';
		for (m = 0; m < PR_MARK_NR; m++) {
			t = pr_mark_ns(v, m);
			if (t == OL_NONE)
				continue;
			c = (int)lround(pr_axis_x(&ax, t));
			if (c < 0 || c >= w)
				continue;
			/*
			 * Marks closer than a column: the later one moves one
			 * column right (K then S for a prompt exit), a third
			 * one turns that column into '*'.
			 */
			if (!strchr(" -~", row[c]) && c + 1 < w)
				c++;
			row[c] = strchr(" -~", row[c]) ? pr_mark_char(m) : '*';
		}
		fprintf(r->out, "%-*s|%s|\n", LABEL_W - 1, labels[i], row);
		free(labels[i]);
	}
	free(labels);
	free(ids);
	/* axis: '+' at every tick, labels under them where they fit */
	memset(row, '-', w);
	row[w] = '\0';
	memset(lab, ' ', sizeof(lab));
	last = -1;
	for (t = 0; t0 + t <= t1; t += step) {
		c = (int)lround(pr_axis_x(&ax, t0 + t));
		if (c >= w)
			break;
		row[c] = '+';
		pr_tick_label(tl, sizeof(tl), t, step);
		if (c > last && LABEL_W + c + (int)strlen(tl) <= RP_COLS) {
			memcpy(lab + LABEL_W + c, tl, strlen(tl));
			last = c + (int)strlen(tl);
		}
	}
	fprintf(r->out, "%*s|%s|\n", LABEL_W - 1, "", row);
	lab[last < 0 ? 0 : LABEL_W + last] = '\0';
	fprintf(r->out, "%s\n", last < 0 ? "" : lab);
	fprintf(r->out, "K kill R reaper S MMF_OOM_SKIP F 90%% freed X exit - held "
		"~ hidden *\n");
}
