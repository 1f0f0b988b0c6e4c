// SPDX-License-Identifier: GPL-2.0
/*
 * The HTML report: one self-contained file (inline CSS and SVG, no
 * script, nothing fetched), readable offline.  Per episode an SVG
 * timeline of its victims on a shared time axis that scales to the
 * window (viewBox, width 100%); marks of one victim sit on their own
 * heights so that coincident ones stay visible; an arrow goes from each
 * unnecessary kill to the victim that still held the memory.  Per victim
 * its facts, its memory curve (a step curve: the rss samples hold until
 * the next one) and its timeline.  Kernel strings go through
 * rp_put_html(); the presentation layer's ASCII text too.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report-local.h"

#define CHART_W		1000.0	/* viewBox width of an episode chart */
#define LABEL_PX	170.0	/* room for the lane label left of the plot */
#define VERDICT_PX	120.0	/* room for the verdict right of the plot */
#define ROW_PX		34.0
#define TOP_PX		24.0	/* tick labels */
#define LEGEND_PX	52.0
#define CURVE_W		640.0
#define CURVE_H		170.0

static const char css[] =
	"body{font-family:sans-serif;margin:1.5em;color:#222;max-width:1400px}"
	"h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;margin-top:1.6em}"
	"table{border-collapse:collapse;margin:.5em 0}"
	"td,th{border:1px solid #ccc;padding:2px 6px;font-size:.9em;"
	"vertical-align:top}th{background:#f2f2f2}"
	"td.n{text-align:right;font-family:monospace}"
	"code,.mono{font-family:monospace}"
	".warn{background:#fdd;border:2px solid #c00;padding:.5em;"
	"font-weight:bold}"
	".chart svg{width:100%;height:auto;border:1px solid #ddd}"
	".curve{max-width:640px}.curve svg{width:100%;height:auto}"
	".v{padding:1px 5px;border-radius:3px;font-weight:bold}"
	".v-ok{background:#d9f2d9}.v-unnecessary,.v-ineffective,.v-premature"
	"{background:#f8c8c8}.v-reaper-raced-exit,.v-bypass,.v-shared-mm,"
	".v-unknown{background:#fbe8b0}"
	"tr.r-unnecessary td:last-child,tr.r-ineffective td:last-child,"
	"tr.r-premature td:last-child{background:#f8c8c8;font-weight:bold}"
	"svg text{font-family:sans-serif;font-size:13px}";

static void h(FILE *f, const char *s)
{
	rp_put_html(f, s);
}

static void verdict_span(FILE *f, enum ol_verdict_kind k)
{
	fprintf(f, "<span class=\"v v-%s\">%s</span>", pr_verdict(k), pr_verdict(k));
}

/*
 * The height of mark @m in its lane: each kind on its own, so that
 * marks at the same time stay visible (a kill and its exit, the reaper's
 * start and MMF_OOM_SKIP).
 */
static double mark_dy(enum pr_mark m)
{
	static const double dy[PR_MARK_NR] = { -10, 10, 0, 10, -10 };

	return m < PR_MARK_NR ? dy[m] : 0;
}

/* One marker shape per mark kind, centred on (x, y), with a tooltip. */
static void marker(FILE *f, enum pr_mark m, double x, double y, const struct ol_victim *v,
		   int64_t t, int64_t res)
{
	char b[PR_BUF];

	switch (m) {
	case PR_MARK_KILL:
		fprintf(f, "<path d=\"M%.1f %.1fl-5 -8h10z\"", x, y + 4);
		break;
	case PR_MARK_REAPER:
		/* the reaper's square left of a coincident freed circle */
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"7\" height=\"7\"", x - 8, y - 3.5);
		break;
	case PR_MARK_SKIP:
		fprintf(f, "<path d=\"M%.1f %.1fl5 5l-5 5l-5 -5z\"", x, y - 5);
		break;
	case PR_MARK_EXIT:
		fprintf(f, "<path d=\"M%.1f %.1fl8 8m0 -8l-8 8\" stroke-width=\"2\"", x + 1, y - 4);
		break;
	default:
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\"", x + 4, y);
		break;
	}
	fprintf(f, " fill=\"%s\" stroke=\"%s\"%s><title>", pr_mark_color(m),
		m == PR_MARK_EXIT ? pr_mark_color(m) : "#000",
		m == PR_MARK_EXIT ? "" : " stroke-width=\"0.6\"");
	if (v)
		fprintf(f, "victim %d, pid %d: %s at %s", v->index, v->pid, pr_mark_help(m),
			pr_rel(b, pr_since(v, t), res, "?"));
	else
		fprintf(f, "%s", pr_mark_help(m));
	fprintf(f, "</title></%s>\n", m == PR_MARK_REAPER ? "rect" : m == PR_MARK_FREED ?
		"circle" : "path");
}

static void axis(FILE *f, const struct pr_axis *ax, double y0, double y1, int ticks)
{
	int64_t step = pr_axis_step(ax, ticks), t;
	char label[32];
	double x;

	for (t = 0; ax->t0 + t <= ax->t1; t += step) {
		x = pr_axis_x(ax, ax->t0 + t);
		pr_tick_label(label, sizeof(label), t, step);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%.1f\" "
			"text-anchor=\"middle\">+%s</text>\n", x, y0, x, y1, x, y0 - 6, label);
	}
}

/* The lane of victim @v: memory held (solid while the OOM killer sees it,
 * pale after MMF_OOM_SKIP hid it) and its marks. */
static void lane(const struct rp *r, const struct pr_axis *ax, const struct ol_victim *v,
		 double y, int64_t t1)
{
	FILE *f = r->out;
	double x0, x1, xs;
	int64_t t, hid;
	int m;

	if (v->kill_ns != OL_NONE) {
		x0 = pr_axis_x(ax, v->kill_ns);
		x1 = pr_axis_x(ax, pr_held_until(v, t1));
		hid = pr_hidden_from(v);
		xs = hid != OL_NONE && hid < pr_held_until(v, t1) ? pr_axis_x(ax, hid) : x1;
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"6\" "
			"fill=\"#e04848\"><title>victim %d holds its memory, seen by the OOM "
			"killer</title></rect>\n", x0, y - 3, xs - x0 > 1 ? xs - x0 : 1, v->index);
		if (x1 > xs)
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"6\" "
				"fill=\"#f4b0b0\"><title>victim %d still holds memory the OOM "
				"killer no longer sees (MMF_OOM_SKIP or exited)</title></rect>\n", xs, y - 3, x1 - xs, v->index);
	}
	for (m = 0; m < PR_MARK_NR; m++) {
		t = pr_mark_ns(v, m);
		if (t != OL_NONE)
			marker(f, m, pr_axis_x(ax, t), y + mark_dy(m), v, t, r->res);
	}
}

static void episode_chart(const struct rp *r, const struct ol_episode *ep)
{
	const struct ol_analysis *a = r->a;
	FILE *f = r->out;
	struct pr_axis ax;
	int64_t t0, t1;
	int *ids, m;
	char **labels;
	size_t k, n = 0, j;
	double height, x0;

	ids = calloc(ep->count + 1, sizeof(*ids));
	labels = calloc(ep->count + 1, sizeof(*labels));
	for (k = ep->first; ids && labels && k < ep->first + ep->count && k < a->nvictims; k++)
		if (rp_victim_selected(r, &a->victims[k]))
			ids[n++] = (int)k;
	if (!ids || !labels || pr_lane_labels(a, ids, n, 28, labels)) {
		free(ids);
		free(labels);
		return;
	}
	height = TOP_PX + n * ROW_PX + LEGEND_PX;
	pr_span(a, ep->first, ep->count, &t0, &t1);
	pr_axis_init(&ax, t0, t1, LABEL_PX, CHART_W - LABEL_PX - VERDICT_PX - 10);
	fprintf(f, "<div class=\"chart\"><svg id=\"ep%d\" xmlns=\"http://www.w3.org/2000/svg\" "
		"viewBox=\"0 0 %.0f %.0f\" role=\"img\">\n<defs><marker id=\"arrow%d\" "
		"viewBox=\"0 0 8 8\" refX=\"7\" refY=\"4\" markerWidth=\"7\" markerHeight=\"7\" "
		"orient=\"auto\"><path d=\"M0 0L8 4L0 8z\" fill=\"#b00000\"/></marker></defs>\n",
		ep->index, CHART_W, height, ep->index);
	axis(f, &ax, TOP_PX, TOP_PX + n * ROW_PX, 8);
	for (j = 0; j < n; j++) {
		const struct ol_victim *v = &a->victims[ids[j]];
		double y = TOP_PX + ROW_PX / 2 + j * ROW_PX;

		fprintf(f, "<a href=\"#v%d\"><text x=\"4\" y=\"%.1f\">", v->index, y + 4);
		h(f, labels[j]);
		fprintf(f, "</text></a>\n");
		lane(r, &ax, v, y, t1);
		fprintf(f, "<text x=\"%.0f\" y=\"%.1f\" fill=\"%s\">%s</text>\n",
			CHART_W - VERDICT_PX, y + 4, v->verdict == OL_VERDICT_OK ? "#2a7a2a" :
			"#b00000", pr_verdict(v->verdict));
	}
	/* an unnecessary kill points at the victim that still held memory */
	for (j = 0; j < n; j++) {
		const struct ol_victim *v = &a->victims[ids[j]];
		int64_t other = pr_related(a, v);
		size_t o;

		if (v->verdict != OL_VERDICT_UNNECESSARY || other == OL_NONE ||
		    v->kill_ns == OL_NONE)
			continue;
		for (o = 0; o < n && ids[o] != other; o++)
			;
		if (o == n)
			continue;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#b00000\" "
			"stroke-dasharray=\"3 2\" marker-end=\"url(#arrow%d)\"><title>victim %d was "
			"killed while victim %" PRId64 " still held this memory</title></line>\n",
			pr_axis_x(&ax, v->kill_ns) + 3, TOP_PX + ROW_PX / 2 + j * ROW_PX - 12,
			pr_axis_x(&ax, v->kill_ns) + 3, TOP_PX + ROW_PX / 2 + o * ROW_PX +
			(o < j ? 5 : -5), ep->index, v->index, other);
	}
	/* legend: two rows of 240 px columns, so that it fits a narrow window */
	for (m = 0; m < PR_MARK_NR; m++) {
		double x = 10 + (m % 4) * 240, y = height - LEGEND_PX + 16 + (m / 4) * 22;

		fprintf(f, "<g>");
		marker(f, m, x + 8, y, NULL, OL_NONE, r->res);
		fprintf(f, "</g><text x=\"%.1f\" y=\"%.1f\">%s</text>\n", x + 20, y + 4,
			pr_mark_help(m));
	}
	x0 = 250;
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"6\" fill=\"#e04848\"/>"
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"6\" fill=\"#f4b0b0\"/>"
		"<text x=\"%.1f\" y=\"%.1f\">memory held: seen / hidden (skip, exit)</text>\n",
		x0, height - LEGEND_PX + 35, x0 + 14, height - LEGEND_PX + 35, x0 + 36,
		height - LEGEND_PX + 42);
	x0 = 610;
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#b00000\" "
		"stroke-dasharray=\"3 2\" marker-end=\"url(#arrow%d)\"/><text x=\"%.1f\" "
		"y=\"%.1f\">unnecessary kill -&gt; who held the memory</text>\n", x0, height -
		LEGEND_PX + 38, x0 + 26, height - LEGEND_PX + 38, ep->index, x0 + 36,
		height - LEGEND_PX + 42);
	fprintf(f, "</svg></div>\n");
	for (j = 0; j < n; j++)
		free(labels[j]);
	free(labels);
	free(ids);
}

/* The memory the victim still held over time: a step curve of its samples. */
static void curve_of(const struct rp *r, const struct ol_victim *v)
{
	FILE *f = r->out;
	struct pr_axis ax;
	int64_t t0, t1, maxkb = 1;
	size_t k;
	double y, py = 0;
	int m;

	if (!v->ncurve)
		return;
	t0 = v->kill_ns != OL_NONE ? v->kill_ns : v->curve[0].ts_ns;
	t1 = v->curve[v->ncurve - 1].ts_ns;
	for (m = 0; m < PR_MARK_NR; m++)
		if (pr_mark_ns(v, m) != OL_NONE && pr_mark_ns(v, m) > t1)
			t1 = pr_mark_ns(v, m);
	for (k = 0; k < v->ncurve; k++) {
		if (v->curve[k].ts_ns < t0)
			t0 = v->curve[k].ts_ns;
		if (v->curve[k].held_kb > maxkb)
			maxkb = v->curve[k].held_kb;
	}
	if (v->rss_kb != OL_NONE && v->rss_kb > maxkb)
		maxkb = v->rss_kb;
	if (t1 <= t0)
		t1 = t0 + 1000000;
	pr_axis_init(&ax, t0, t1, 60, CURVE_W - 80);
	fprintf(f, "<div class=\"curve\"><svg xmlns=\"http://www.w3.org/2000/svg\" "
		"viewBox=\"0 0 %.0f %.0f\">\n<text x=\"4\" y=\"13\">memory still held (max %"
		PRId64 " kB)</text>\n", CURVE_W, CURVE_H, maxkb);
	axis(f, &ax, 40, CURVE_H - 10, 6);
	for (m = 0; m < PR_MARK_NR; m++) {
		int64_t t = pr_mark_ns(v, m);

		if (t == OL_NONE)
			continue;
		fprintf(f, "<line x1=\"%.1f\" y1=\"40\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"%s\" "
			"stroke-dasharray=\"4 3\"><title>%s</title></line>\n", pr_axis_x(&ax, t),
			pr_axis_x(&ax, t), CURVE_H - 10, pr_mark_color(m), pr_mark_help(m));
	}
	/* a sample holds until the next one: nothing in between is known */
	fprintf(f, "<path fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" d=\"");
	for (k = 0; k < v->ncurve; k++) {
		y = 40 + (CURVE_H - 50) * (1.0 - (double)v->curve[k].held_kb / maxkb);
		if (k)
			fprintf(f, "H%.1fV%.1f", pr_axis_x(&ax, v->curve[k].ts_ns), y);
		else
			fprintf(f, "M%.1f %.1f", pr_axis_x(&ax, v->curve[k].ts_ns), y);
		py = y;
	}
	fprintf(f, "\"/>\n<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"#1f77b4\"/>\n</svg></div>\n",
		pr_axis_x(&ax, v->curve[v->ncurve - 1].ts_ns), py);
}

/* --- the markup of document.c ------------------------------------------ */

static void begin(const struct rp *r, const char *title)
{
	fprintf(r->out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<meta name=\"viewport\" content=\"width=device-width\"><title>");
	h(r->out, title);
	fprintf(r->out, "</title>\n<style>%s</style></head>\n<body>\n", css);
}

static void end(const struct rp *r)
{
	fputs("</body></html>\n", r->out);
}

static void heading(const struct rp *r, int level, const char *ascii, int victim)
{
	if (victim >= 0)
		fprintf(r->out, "<h%d id=\"v%d\">", level, victim);
	else
		fprintf(r->out, "<h%d>", level);
	h(r->out, ascii);
	fprintf(r->out, "</h%d>\n", level);
}

static void para(const struct rp *r, const char *ascii)
{
	fputs("<p>", r->out);
	h(r->out, ascii);
	fputs("</p>\n", r->out);
}

static void kvs(const struct rp *r, bool open)
{
	fputs(open ? "<table>\n" : "</table>\n", r->out);
}

static void kv(const struct rp *r, const char *label, const char *ascii, bool warn)
{
	fprintf(r->out, "<tr><th>%s</th><td%s>", label, warn ? " class=\"warn\"" : "");
	h(r->out, ascii);
	fputs("</td></tr>\n", r->out);
}

static void list(const struct rp *r, bool open)
{
	fputs(open ? "<ul>\n" : "</ul>\n", r->out);
}

static void item(const struct rp *r, const char *label, const char *ascii, bool warn)
{
	fprintf(r->out, "<li%s>", warn ? " class=\"warn\"" : "");
	if (label)
		fprintf(r->out, "%s: ", label);
	h(r->out, ascii);
	fputs("</li>\n", r->out);
}

static void explanation(const struct rp *r, const struct pr_explanation *x)
{
	size_t k;

	fprintf(r->out, "<li>victim%s", x->nvictims == 1 ? "" : "s");
	for (k = 0; k < x->nvictims; k++)
		fprintf(r->out, "%s<a href=\"#v%d\">%d</a>", k ? ", " : " ", x->victims[k],
			x->victims[k]);
	fputs(": ", r->out);
	verdict_span(r->out, x->kind);
	fprintf(r->out, " (%s): ", pr_conf(x->confidence));
	h(r->out, *x->text ? x->text : ol_verdict_help(x->kind));
	fputs("</li>\n", r->out);
}

static void table(const struct rp *r, const char *caption, bool open)
{
	if (caption)
		fprintf(r->out, open ? "<details><summary>%s</summary>\n<table>\n" :
			"</table></details>\n", caption);
	else
		fputs(open ? "<table>\n" : "</table>\n", r->out);
}

/*
 * A row of the victims table (a victim's row with more than the three
 * cells of a timeline row) links to the victim's section and colours its
 * verdict cell.
 */
static void row(const struct rp *r, const char *const *cells, const bool *right, int n,
		bool head, int victim)
{
	bool vrow = !head && victim >= 0 && n > 3;
	int i;

	if (vrow)
		fprintf(r->out, "<tr class=\"r-%s\">", pr_verdict(r->a->victims[victim].verdict));
	else
		fputs("<tr>", r->out);
	for (i = 0; i < n; i++) {
		fprintf(r->out, "<%s%s>", head ? "th" : "td", right[i] && !head ? " class=\"n\"" : "");
		if (vrow && i == 0)
			fprintf(r->out, "<a href=\"#v%d\">", victim);
		h(r->out, cells[i]);
		if (vrow && i == 0)
			fputs("</a>", r->out);
		fprintf(r->out, "</%s>", head ? "th" : "td");
	}
	fputs("</tr>\n", r->out);
}

int rp_html(const struct rp *r)
{
	static const struct rp_markup markup = {
		.begin = begin, .end = end, .heading = heading, .para = para,
		.kvs = kvs, .kv = kv, .list = list, .item = item,
		.explanation = explanation, .table = table, .row = row,
		.chart = episode_chart, .extra = curve_of,
	};

	return rp_document(r, &markup);
}
