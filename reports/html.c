// SPDX-License-Identifier: GPL-2.0
/*
 * The HTML report: one self-contained file (inline CSS, inline SVG, a few
 * lines of inline JS for zooming; nothing fetched), readable offline.
 * Per episode an SVG timeline of all its victims on a shared time axis;
 * per victim the memory-freeing curve when rss samples exist, the
 * timeline table and the verdicts.  Every kernel string goes through
 * rp_put_html().
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report-local.h"

#define CHART_W		1200.0	/* viewBox width of an episode chart */
#define LABEL_PX	210.0	/* room for "pid comm" left of the plot */
#define ROW_PX		24.0
#define TOP_PX		28.0	/* tick labels */
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
	".chart{overflow-x:auto;border:1px solid #ddd;margin:.5em 0}"
	".v{padding:1px 5px;border-radius:3px;font-weight:bold}"
	".v-ok{background:#d9f2d9}.v-unnecessary,.v-ineffective,.v-premature"
	"{background:#f8c8c8}.v-reaper-raced-exit,.v-bypass,.v-shared-mm,"
	".v-unknown{background:#fbe8b0}"
	"blockquote{margin:.3em 0 1em 1em;padding-left:.8em;"
	"border-left:3px solid #aaa}"
	"svg text{font-family:sans-serif;font-size:12px}";

/* Zoom the episode charts horizontally by resizing the SVG element. */
static const char js[] =
	"function olZoom(id,z){var s=document.getElementById(id);"
	"s.style.width=(s.viewBox.baseVal.width*z)+'px';}";

static void h(FILE *f, const char *s)
{
	rp_put_html(f, s);
}

static const char *kb_or(char *buf, int64_t kb)
{
	if (kb == OL_NONE)
		return "?";
	snprintf(buf, RP_BUF, "%" PRId64 " kB", kb);
	return buf;
}

static void verdict_span(FILE *f, enum ol_verdict_kind k)
{
	fprintf(f, "<span class=\"v v-%s\">%s</span>", rp_verdict(k),
		rp_verdict(k));
}

static void header(const struct rp *r)
{
	const struct ol_analysis *a = r->a;
	FILE *f = r->out;
	char b1[RP_BUF], b2[RP_BUF];

	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<title>OOM report: %zu victims</title>\n<style>%s</style>\n"
		"<script>%s</script></head>\n<body>\n", a->nvictims, css, js);
	fprintf(f, "<h1>OOM report: %zu victim%s in %zu episode%s</h1>\n"
		"<table>\n<tr><th>kernel</th><td>", a->nvictims,
		a->nvictims == 1 ? "" : "s", a->nepisodes,
		a->nepisodes == 1 ? "" : "s");
	h(f, a->kernel && *a->kernel ? a->kernel : "unknown");
	if (a->cpus > 0)
		fprintf(f, " (%d cpus)", a->cpus);
	fprintf(f, "</td></tr>\n<tr><th>host</th><td>");
	h(f, a->hostname && *a->hostname ? a->hostname : "unknown");
	fprintf(f, "</td></tr>\n<tr><th>sources</th><td>");
	h(f, a->sources && *a->sources ? a->sources : "unknown");
	fprintf(f, "</td></tr>\n<tr><th>clock</th><td>");
	h(f, a->clock && *a->clock ? a->clock : "unknown");
	fprintf(f, ", recorded %s .. %s s</td></tr>\n<tr><th>rules</th><td>",
		rp_abs(b1, a->first_ns, 3, "?"), rp_abs(b2, a->last_ns, 3, "?"));
	h(f, a->era && *a->era ? a->era : "unknown");
	if (a->kmsg_only)
		fprintf(f, "</td></tr>\n<tr><th>data</th><td>%s", RP_KMSG_ONLY);
	fprintf(f, "</td></tr>\n<tr><th>events</th><td>");
	if (a->lost_total > 0)
		fprintf(f, "<b>%lld LOST</b>", a->lost_total);
	else
		fprintf(f, "%s", a->lost_total == 0 ? "none lost" :
			"unknown whether any were lost");
	fprintf(f, "</td></tr>\n<tr><th>database</th><td>");
	h(f, a->db_path);
	fprintf(f, "</td></tr>\n<tr><th>generated</th><td>oomlens %s</td></tr>\n"
		"</table>\n", OL_REPORT_VERSION);
	if (a->lost_total > 0)
		fprintf(f, "<p class=\"warn\">The ring buffer overflowed and events "
			"are missing: some timelines below may be incomplete or "
			"wrong (affected victims are marked).</p>\n");
}

static void table(const struct rp *r)
{
	const struct ol_analysis *a = r->a;
	FILE *f = r->out;
	char b[4][RP_BUF];
	size_t k;

	fprintf(f, "<h2>Victims</h2>\n<table>\n<tr><th>#</th><th>episode</th>"
		"<th>killed at (s)</th><th>pid</th><th>comm</th><th>domain</th>"
		"<th>rss at kill</th><th>to MMF_OOM_SKIP</th><th>time-to-free</th>"
		"<th>freed by</th><th>verdict</th></tr>\n");
	for (k = 0; k < a->nvictims; k++) {
		const struct ol_victim *v = &a->victims[k];

		if (!rp_victim_selected(r, v))
			continue;
		fprintf(f, "<tr><td class=\"n\"><a href=\"#v%d\">%d</a></td>"
			"<td class=\"n\">%d</td><td class=\"n\">%s</td>"
			"<td class=\"n\">%d</td><td class=\"mono\">", v->index + 1,
			v->index + 1, v->episode + 1,
			rp_abs(b[0], v->kill_ns, 3, "-"), v->pid);
		h(f, v->comm);
		fprintf(f, "</td><td class=\"mono\">");
		h(f, v->domain);
		fprintf(f, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
			"<td class=\"n\">%s</td><td>%s</td><td>",
			rp_kb(b[1], v->rss_kb, "-"),
			rp_rel(b[2], rp_since(v, v->skip_ns), "-"),
			rp_rel(b[3], rp_since(v, v->freed_ns), "-"),
			rp_freed_by(v->freed_by));
		verdict_span(f, v->verdict);
		fprintf(f, " (%s)</td></tr>\n", rp_conf(v->verdict_confidence));
	}
	fprintf(f, "</table>\n");
}

static void summary(const struct rp *r)
{
	const struct ol_summary *s = &r->a->summary;
	FILE *f = r->out;
	char b1[RP_BUF], b2[RP_BUF], b3[RP_BUF];
	size_t k;

	fprintf(f, "<h2>Summary (whole recording)</h2>\n<ul>\n"
		"<li>victims: %zu (%zu killed, %zu marked without a kill)</li>\n",
		s->victims, s->kills, s->bypasses);
	if (s->with_ttf)
		fprintf(f, "<li>time-to-free (kill to 90%% of rss freed) over %zu "
			"victims: p50 %s, p90 %s, max %s</li>\n", s->with_ttf,
			rp_dur(b1, s->ttf_p50_ns, "?"),
			rp_dur(b2, s->ttf_p90_ns, "?"),
			rp_dur(b3, s->ttf_max_ns, "?"));
	fprintf(f, "<li>freed by: the oom_reaper %zu, the victim's exit %zu, "
		"unknown %zu; the reaper gave up on %zu</li>\n<li>verdicts:",
		s->reaped, s->self_exited, s->unknown_free, s->gave_up);
	for (k = 0; k < OL_VERDICT_NR; k++)
		if (s->verdicts[k]) {
			putc(' ', f);
			verdict_span(f, k);
			fprintf(f, " %zu", s->verdicts[k]);
		}
	fprintf(f, "</li>\n</ul>\n");
}

/* One marker shape per mark kind, centred on (x, y), with a tooltip. */
static void marker(FILE *f, enum rp_mark m, double x, double y,
		   const struct ol_victim *v, int64_t t)
{
	char b[RP_BUF];

	switch (m) {
	case RP_MARK_KILL:
		fprintf(f, "<path d=\"M%.1f %.1fl-6 -9h12z\"", x, y + 3);
		break;
	case RP_MARK_REAPER:
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\"",
			x - 4, y - 4);
		break;
	case RP_MARK_SKIP:
		fprintf(f, "<path d=\"M%.1f %.1fl6 6l-6 6l-6 -6z\"", x, y - 6);
		break;
	default:
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\"", x, y);
		break;
	}
	fprintf(f, " fill=\"%s\" stroke=\"#000\" stroke-width=\"0.6\">"
		"<title>victim %d, pid %d: %s at %s</title></",
		rp_mark_color(m), v->index + 1, v->pid, rp_mark_help(m),
		rp_rel(b, rp_since(v, t), "?"));
	fputs(m == RP_MARK_REAPER ? "rect>\n" : m == RP_MARK_FREED ?
	      "circle>\n" : "path>\n", f);
}

static void axis(FILE *f, const struct rp_axis *ax, double y0, double y1,
		 int ticks)
{
	int64_t step = rp_axis_step(ax, ticks), t;
	double x;

	for (t = 0; ax->t0 + t <= ax->t1; t += step) {
		x = rp_axis_x(ax, ax->t0 + t);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%.1f\" "
			"text-anchor=\"middle\">+%gs</text>\n", x, y0, x, y1, x,
			y0 - 6, t / 1e9);
	}
}

static void episode_chart(const struct rp *r, const struct ol_episode *ep)
{
	const struct ol_analysis *a = r->a;
	FILE *f = r->out;
	struct rp_axis ax;
	int64_t t0, t1, t;
	size_t k, rows = 0;
	double y, x0, x1, height;
	int m, id = (int)(ep - a->episodes) + 1;

	for (k = ep->first; k < ep->first + ep->count && k < a->nvictims; k++)
		rows += rp_victim_selected(r, &a->victims[k]);
	height = TOP_PX + rows * ROW_PX + 40;
	rp_episode_span(a, ep, &t0, &t1);
	rp_axis_init(&ax, t0, t1, LABEL_PX, CHART_W - LABEL_PX - 140);
	fprintf(f, "<p>Zoom: <input type=\"range\" min=\"1\" max=\"10\" step=\"0.5\" "
		"value=\"1\" oninput=\"olZoom('ep%d',this.value)\"> time from the "
		"first kill; hover a mark for details.</p>\n<div class=\"chart\">"
		"<svg id=\"ep%d\" xmlns=\"http://www.w3.org/2000/svg\" "
		"viewBox=\"0 0 %.0f %.0f\" style=\"width:%.0fpx\">\n",
		id, id, CHART_W, height, CHART_W);
	axis(f, &ax, TOP_PX, TOP_PX + rows * ROW_PX, 12);
	y = TOP_PX + ROW_PX / 2;
	for (k = ep->first; k < ep->first + ep->count && k < a->nvictims; k++) {
		const struct ol_victim *v = &a->victims[k];

		if (!rp_victim_selected(r, v))
			continue;
		fprintf(f, "<text x=\"4\" y=\"%.1f\">%d ", y + 4, v->pid);
		h(f, v->comm);
		fprintf(f, "</text>\n");
		/* the memory is held from the kill until freed (or the end) */
		if (v->kill_ns != OL_NONE) {
			t = v->freed_ns != OL_NONE ? v->freed_ns :
				v->freed_by == OL_FREED_BY_NOT_FREED ? t1 : v->kill_ns;
			x0 = rp_axis_x(&ax, v->kill_ns);
			x1 = rp_axis_x(&ax, t);
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
				"height=\"6\" fill=\"#f4a6a6\"><title>victim %d "
				"holds its memory</title></rect>\n", x0, y - 3,
				x1 - x0 > 1 ? x1 - x0 : 1, v->index + 1);
		}
		if (rp_mark_ns(v, RP_MARK_REAPER) != OL_NONE &&
		    v->reaper.end_ns != OL_NONE && v->reaper.end_ns) {
			x0 = rp_axis_x(&ax, rp_mark_ns(v, RP_MARK_REAPER));
			x1 = rp_axis_x(&ax, v->reaper.end_ns);
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
				"height=\"3\" fill=\"%s\"/>\n", x0, y + 4,
				x1 - x0 > 1 ? x1 - x0 : 1,
				rp_mark_color(RP_MARK_REAPER));
		}
		for (m = 0; m < RP_MARK_NR; m++) {
			t = rp_mark_ns(v, m);
			if (t != OL_NONE)
				marker(f, m, rp_axis_x(&ax, t), y, v, t);
		}
		fprintf(f, "<text x=\"%.0f\" y=\"%.1f\" fill=\"%s\">%s</text>\n",
			CHART_W - 125, y + 4, v->verdict == OL_VERDICT_OK ?
			"#2a7a2a" : "#b00000", rp_verdict(v->verdict));
		y += ROW_PX;
	}
	/* legend */
	y = height - 16;
	for (m = 0, x0 = LABEL_PX; m < RP_MARK_NR; m++, x0 += 190) {
		fprintf(f, "<g>");
		marker(f, m, x0, y, &a->victims[ep->first], OL_NONE);
		fprintf(f, "</g><text x=\"%.1f\" y=\"%.1f\">%s</text>\n", x0 + 10,
			y + 4, rp_mark_help(m));
	}
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"24\" height=\"6\" "
		"fill=\"#f4a6a6\"/><text x=\"%.1f\" y=\"%.1f\">memory held</text>\n",
		x0 - 10, y - 3, x0 + 20, y + 4);
	fprintf(f, "</svg></div>\n");
}

/* The memory the victim still held over time, from its rss samples. */
static void curve(const struct rp *r, const struct ol_victim *v)
{
	FILE *f = r->out;
	struct rp_axis ax;
	int64_t t0, t1, maxkb = 1;
	size_t k;
	double y;
	int m;

	t0 = v->kill_ns != OL_NONE ? v->kill_ns : v->curve[0].ts_ns;
	t1 = v->curve[v->ncurve - 1].ts_ns;
	for (m = 0; m < RP_MARK_NR; m++)
		if (rp_mark_ns(v, m) != OL_NONE && rp_mark_ns(v, m) > t1)
			t1 = rp_mark_ns(v, m);
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
	rp_axis_init(&ax, t0, t1, 60, CURVE_W - 80);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
		"height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n"
		"<text x=\"4\" y=\"13\">memory still held (max %" PRId64 " kB)"
		"</text>\n", CURVE_W, CURVE_H, CURVE_W, CURVE_H, maxkb);
	axis(f, &ax, 40, CURVE_H - 10, 6);
	for (m = 0; m < RP_MARK_NR; m++) {
		int64_t t = rp_mark_ns(v, m);

		if (t == OL_NONE)
			continue;
		fprintf(f, "<line x1=\"%.1f\" y1=\"40\" x2=\"%.1f\" y2=\"%.0f\" "
			"stroke=\"%s\" stroke-dasharray=\"4 3\"><title>%s</title>"
			"</line>\n", rp_axis_x(&ax, t), rp_axis_x(&ax, t),
			CURVE_H - 10, rp_mark_color(m), rp_mark_help(m));
	}
	fprintf(f, "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" "
		"points=\"");
	for (k = 0; k < v->ncurve; k++) {
		y = 40 + (CURVE_H - 50) * (1.0 - (double)v->curve[k].held_kb / maxkb);
		fprintf(f, "%s%.1f,%.1f", k ? " " : "",
			rp_axis_x(&ax, v->curve[k].ts_ns), y);
	}
	fprintf(f, "\"/>\n</svg>\n");
}

static void victim(const struct rp *r, const struct ol_victim *v)
{
	const struct ol_reaper_run *rr = &v->reaper;
	FILE *f = r->out;
	char b[6][RP_BUF];
	size_t k;

	fprintf(f, "<h3 id=\"v%d\">Victim %d: pid %d (<span class=\"mono\">",
		v->index + 1, v->index + 1, v->pid);
	h(f, v->comm);
	fprintf(f, "</span>) ");
	verdict_span(f, v->verdict);
	fprintf(f, "</h3>\n<ul>\n<li>%s at %s s (trace clock) in <code>",
		v->bypass ? "marked as victim without a kill" : "killed",
		rp_abs(b[0], v->kill_ns, 6, "?"));
	h(f, v->domain);
	fprintf(f, "</code>, while pid %d (<code>", v->trigger_pid);
	h(f, v->trigger_comm);
	fprintf(f, "</code>) was allocating; tgid %d</li>\n", v->tgid);
	for (k = 0; k < v->nsharers; k++) {
		char *fact = rp_sharer_fact(v, &v->sharers[k]);

		fprintf(f, "<li>shares its mm with <code>");
		h(f, fact);
		fprintf(f, "</code></li>\n");
		free(fact);
	}
	{
		char *s = rp_oom_facts(v);

		if (s) {
			fprintf(f, "<li>oom: <code>");
			h(f, s);
			fprintf(f, "</code></li>\n");
			free(s);
		}
	}
	fprintf(f, "<li>memory at the kill: rss %s (anon %s, file %s, shmem %s), "
		"page tables %s</li>\n", kb_or(b[0], v->rss_kb),
		kb_or(b[1], v->anon_kb), kb_or(b[2], v->file_kb),
		kb_or(b[3], v->shmem_kb), kb_or(b[4], v->pgtables_kb));
	fprintf(f, "<li>MMF_OOM_SKIP: %s after the kill, set by %s (%s)</li>\n",
		rp_rel(b[0], rp_since(v, v->skip_ns), "unknown"),
		rp_skip_by(v->skip_by), rp_conf(v->skip_confidence));
	fprintf(f, "<li>freed (90%% of rss): %s, by %s (%s)</li>\n",
		rp_rel(b[0], rp_since(v, v->freed_ns),
		       v->freed_by == OL_FREED_BY_NOT_FREED ?
		       "not within the recording" : "unknown"),
		rp_freed_by(v->freed_by), rp_conf(v->freed_confidence));
	if (rr->attempts > 0 || rp_mark_ns(v, RP_MARK_REAPER) != OL_NONE)
		fprintf(f, "<li>oom_reaper: %d attempt%s, %d failed%s; reaped %s, "
			"left %s</li>\n", rr->attempts, rr->attempts == 1 ? "" : "s",
			rr->failures, rr->gave_up ? ", gave up" : "",
			kb_or(b[0], rr->reaped_kb), kb_or(b[1], rr->left_kb));
	if (v->lost_in_window)
		fprintf(f, "<li class=\"warn\">events were lost between this kill "
			"and the freeing: this timeline may be incomplete</li>\n");
	fprintf(f, "</ul>\n");
	if (v->ncurve)
		curve(r, v);
	for (k = 0; k < v->nverdicts; k++) {
		const struct ol_verdict *vd = &v->verdicts[k];

		fprintf(f, "<p><b>%s:</b> ", k ? "Also" : "Verdict");
		verdict_span(f, vd->kind);
		fprintf(f, " (%s): ", rp_conf(vd->confidence));
		h(f, ol_verdict_help(vd->kind));
		if (vd->other >= 0 && (size_t)vd->other < r->a->nvictims)
			fprintf(f, " (related: <a href=\"#v%d\">victim %d</a>)",
				vd->other + 1, vd->other + 1);
		fprintf(f, "</p>\n<blockquote>");
		h(f, vd->evidence);
		fprintf(f, "</blockquote>\n");
	}
	fprintf(f, "<details><summary>timeline (%zu events)</summary>\n<table>\n"
		"<tr><th>from kill</th><th>event</th><th>detail</th></tr>\n",
		v->npoints);
	for (k = 0; k < v->npoints; k++) {
		fprintf(f, "<tr><td class=\"n\">%s</td><td>",
			rp_rel(b[0], rp_since(v, v->points[k].ts_ns), "?"));
		h(f, v->points[k].what);
		fprintf(f, "</td><td>");
		h(f, v->points[k].detail);
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table></details>\n");
}

int rp_html(const struct rp *r)
{
	const struct ol_analysis *a = r->a;
	FILE *f = r->out;
	char b1[RP_BUF], b2[RP_BUF];
	size_t e, k;

	header(r);
	/* the charts first: they are what a reader looks at */
	fprintf(f, "<h2>Timelines</h2>\n");
	for (e = 0; e < a->nepisodes; e++) {
		const struct ol_episode *ep = &a->episodes[e];

		if (!rp_episode_selected(r, ep))
			continue;
		fprintf(f, "<h3>Episode %zu: <code>", e + 1);
		h(f, ep->domain);
		fprintf(f, "</code></h3>\n<p>%zu victim%s, %d unnecessary; from %s s "
			"to %s s (trace clock)</p>\n", ep->count,
			ep->count == 1 ? "" : "s", ep->unnecessary,
			rp_abs(b1, ep->start_ns, 3, "?"),
			rp_abs(b2, ep->end_ns, 3, "?"));
		episode_chart(r, ep);
	}
	table(r);
	summary(r);
	for (e = 0; e < a->nepisodes; e++) {
		const struct ol_episode *ep = &a->episodes[e];

		if (!rp_episode_selected(r, ep))
			continue;
		fprintf(f, "<h2>Episode %zu: <code>", e + 1);
		h(f, ep->domain);
		fprintf(f, "</code></h2>\n");
		for (k = ep->first; k < ep->first + ep->count && k < a->nvictims;
		     k++)
			if (rp_victim_selected(r, &a->victims[k]))
				victim(r, &a->victims[k]);
	}
	fprintf(f, "</body></html>\n");
	return 0;
}
