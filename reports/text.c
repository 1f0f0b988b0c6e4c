// SPDX-License-Identifier: GPL-2.0
/*
 * The plain-text report, made to go under the --- of a patch mail: ASCII
 * only, no tabs, no line over 72 columns, colour only when asked for (a
 * terminal).  What matters comes first: the summary (kills, unnecessary
 * kills and the victim that held the memory, time-to-free), then one
 * compact table, then each explanation once.  --detail (or --victim)
 * adds the chart and every victim's facts and timeline.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report-local.h"

#define BOLD	"\033[1m"
#define RED	"\033[1;31m"
#define GREEN	"\033[32m"
#define YELLOW	"\033[33m"
#define RESET	"\033[0m"

static const char *verdict_color(const struct rp *r, enum ol_verdict_kind k)
{
	if (!r->o->color)
		return "";
	switch (k) {
	case OL_VERDICT_OK:
		return GREEN;
	case OL_VERDICT_UNNECESSARY:
	case OL_VERDICT_INEFFECTIVE:
	case OL_VERDICT_PREMATURE:
		return RED;
	default:
		return YELLOW;
	}
}

static void say(const struct rp *r, int indent, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* printf (ASCII arguments), wrapped; later lines indented 2 more. */
static void say(const struct rp *r, int indent, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(r->out, "%*s", indent, "");
	rp_wrap(r->out, line, indent, indent + 2, RP_COLS);
}

/* A merged database (oomlens merge): a line before each host's episodes. */
static void host_heading(const struct rp *r, size_t e)
{
	char host[300];

	if (rp_host_heading(r->a, e))
		say(r, 0, "== host %s", pr_ascii_buf(host, sizeof(host), rp_host_heading(r->a, e)));
}

static void heading(const struct rp *r, const char *title)
{
	fprintf(r->out, "\n%s%s%s\n", r->o->color ? BOLD : "", title,
		r->o->color ? RESET : "");
}

/* "label:    value", the value wrapped under itself (masked by the tests). */
static void field(const struct rp *r, const char *label, const char *ascii)
{
	int n = fprintf(r->out, "%s:", label);

	fprintf(r->out, "%*s", n < 11 ? 11 - n : 1, "");
	rp_wrap(r->out, ascii, 11, 11, RP_COLS);
}

/*
 * The title, then the stable header facts as one paragraph; the volatile
 * ones (host, database, generated) close the report, one per line.
 */
static void header(const struct rp *r, struct pr_facts *h)
{
	const struct ol_analysis *a = r->a;
	size_t i, kills = 0, unn = 0, n = 0, stable = pr_header_stable(h);
	char para[2048];

	for (i = 0; i < a->nvictims; i++)
		if (rp_victim_chosen(&a->victims[i], r)) {
			kills += !a->victims[i].bypass;
			unn += a->victims[i].verdict == OL_VERDICT_UNNECESSARY;
		}
	fprintf(r->out, "%sOOM report: %zu kill%s, %zu unnecessary%s\n", r->o->color ? BOLD : "",
		kills, kills == 1 ? "" : "s", unn, r->o->color ? RESET : "");
	for (i = 0; i < stable && n < sizeof(para); i++)
		n += (size_t)snprintf(para + n, sizeof(para) - n, "%s%s %s", i ? "; " : "",
				      h->v[i].label, h->v[i].text);
	rp_wrap(r->out, para, 0, 2, RP_COLS);
}

static void summary(const struct rp *r)
{
	char **lines = pr_summary(r->a, r->res, rp_victim_chosen, r);
	size_t i;

	heading(r, "Summary");
	for (i = 0; lines && lines[i]; i++) {
		fprintf(r->out, "- ");
		rp_wrap(r->out, lines[i], 2, 2, RP_COLS);
	}
	if (!lines)
		fprintf(r->out, "- (out of memory)\n");
	pr_lines_free(lines);
}

/* --- the victims table: the PR_COLUMNS marked PR_IN_TABLE ---------------- */

static void row(const struct rp *r, char c[PR_COL_NR][PR_BUF], const int *w, bool wrap,
		enum ol_verdict_kind k, bool head)
{
	int i, first = 1;

	for (i = 0; i < PR_COL_NR; i++) {
		if (!(pr_column(i)->where & PR_IN_TABLE))
			continue;
		if (i == PR_COL_VERDICT && wrap)
			fprintf(r->out, "\n%*s", RP_COLS - (int)strlen(c[i]), "");
		else if (!first)
			putc(' ', r->out);
		first = 0;
		if (i == PR_COL_VERDICT) {
			fprintf(r->out, "%s%s%s", head ? "" : verdict_color(r, k), c[i],
				!head && r->o->color ? RESET : "");
			continue;
		}
		c[i][w[i]] = '\0';	/* comm may be cut to fit */
		fprintf(r->out, pr_col_right(i) ? "%*s" : "%-*s", w[i], c[i]);
	}
	putc('\n', r->out);
}

static void cells(const struct rp *r, const struct ol_victim *v, char c[PR_COL_NR][PR_BUF])
{
	int i;

	for (i = 0; i < PR_COL_NR; i++)
		if (pr_column(i)->where & PR_IN_TABLE)
			pr_cell(i, r->a, v, r->res, c[i]);
}

static void table(const struct rp *r)
{
	const struct ol_analysis *a = r->a;
	char c[PR_COL_NR][PR_BUF], *dom;
	int w[PR_COL_NR] = { 0 }, i, total = -1, cut;
	size_t e, k;

	for (i = 0; i < PR_COL_NR; i++)
		w[i] = (int)strlen(pr_column(i)->head);
	for (k = 0; k < a->nvictims; k++) {
		if (!rp_victim_selected(r, &a->victims[k]))
			continue;
		cells(r, &a->victims[k], c);
		for (i = 0; i < PR_COL_NR; i++)
			if ((pr_column(i)->where & PR_IN_TABLE) && (int)strlen(c[i]) > w[i])
				w[i] = (int)strlen(c[i]);
	}
	for (i = 0; i < PR_COL_NR; i++)
		if (pr_column(i)->where & PR_IN_TABLE)
			total += w[i] + 1;
	/* too wide: cut comm (to 6 at least), then move verdicts down */
	if (total > RP_COLS && w[PR_COL_COMM] > 6) {
		cut = total - RP_COLS < w[PR_COL_COMM] - 6 ? total - RP_COLS : w[PR_COL_COMM] - 6;
		w[PR_COL_COMM] -= cut;
		total -= cut;
	}
	heading(r, "Victims");
	say(r, 0, "(%s)", PR_TABLE_LEGEND);
	for (i = 0; i < PR_COL_NR; i++)
		snprintf(c[i], PR_BUF, "%s", pr_column(i)->head);
	row(r, c, w, total > RP_COLS, OL_VERDICT_OK, true);
	for (e = 0; e < a->nepisodes; e++) {
		const struct ol_episode *ep = &a->episodes[e];

		if (!rp_episode_selected(r, ep))
			continue;
		host_heading(r, e);
		dom = pr_ascii(ep->domain);
		say(r, 0, "episode %d: %s", ep->index, dom ? dom : "");
		free(dom);
		for (k = ep->first; k < ep->first + ep->count && k < a->nvictims; k++) {
			if (!rp_victim_selected(r, &a->victims[k]))
				continue;
			cells(r, &a->victims[k], c);
			row(r, c, w, total > RP_COLS, a->victims[k].verdict, false);
		}
	}
}

/* Each explanation once, with the victims it applies to. */
static void why(const struct rp *r)
{
	struct pr_explanations ex;
	size_t i;
	char *list;

	if (pr_explain(r->a, r->res, r->o->detail || r->o->by_victim, rp_victim_chosen, r, &ex)) {
		heading(r, "Why");
		fprintf(r->out, "(out of memory)\n");
		return;
	}
	if (ex.n)
		heading(r, "Why");
	for (i = 0; i < ex.n; i++) {
		const struct pr_explanation *x = &ex.v[i];

		list = pr_victim_list(x->victims, x->nvictims);
		say(r, 0, "- %s, %s%s%s (%s): %s", list ? list : "", verdict_color(r, x->kind),
		    pr_verdict(x->kind), r->o->color ? RESET : "", pr_conf(x->confidence),
		    *x->text ? x->text : ol_verdict_help(x->kind));
		free(list);
	}
	pr_explanations_free(&ex);
}

/* --- --detail: one victim ------------------------------------------------ */

static void victim(const struct rp *r, const struct ol_victim *v)
{
	struct pr_facts f;
	char b1[PR_BUF], *comm, *s;
	size_t k;
	int n;

	comm = pr_ascii(v->comm);
	putc('\n', r->out);
	say(r, 0, "victim %d: pid %d (%s)%s", v->index, v->pid, comm ? comm : "",
	    r->show[v->index] == RP_CONTEXT ? ", shown because a selected victim's "
	    "verdict is about it" : "");
	free(comm);
	if (pr_victim_facts(r->a, v, r->res, &f) == 0) {
		for (k = 0; k < f.n; k++) {
			fprintf(r->out, "%s", f.v[k].warn && r->o->color ? RED : "");
			say(r, 2, "%s: %s", f.v[k].label, f.v[k].text);
			fprintf(r->out, "%s", f.v[k].warn && r->o->color ? RESET : "");
		}
		pr_facts_free(&f);
	}
	fprintf(r->out, "  timeline (from the kill):\n");
	for (k = 0; k < v->npoints; k++) {
		const struct ol_point *p = &v->points[k];

		s = pr_ascii(p->what);
		n = fprintf(r->out, "  %9s  %-*s", pr_rel(b1, pr_since(v, p->ts_ns), r->res, "?"),
			    p->detail && *p->detail ? 13 : 0, s ? s : "");
		free(s);
		s = pr_ascii(p->detail);
		if (s && *s) {
			putc(' ', r->out);
			rp_wrap(r->out, s, n + 1, 27, RP_COLS);
		} else {
			putc('\n', r->out);
		}
		free(s);
	}
	if (!v->npoints)
		fprintf(r->out, "  (no events)\n");
}

static void detail(const struct rp *r)
{
	const struct ol_analysis *a = r->a;
	char b1[PR_BUF], b2[PR_BUF], *dom;
	size_t e, k;

	for (e = 0; e < a->nepisodes; e++) {
		const struct ol_episode *ep = &a->episodes[e];

		if (!rp_episode_selected(r, ep))
			continue;
		dom = pr_ascii(ep->domain);
		putc('\n', r->out);
		host_heading(r, e);
		say(r, 0, "Episode %d: %s, %s .. %s s", ep->index, dom ? dom : "",
		    pr_abs(b1, ep->start_ns, 3, r->res, "?"), pr_abs(b2, ep->end_ns, 3, r->res, "?"));
		free(dom);
		rp_chart_ascii(r, ep);
		for (k = ep->first; k < ep->first + ep->count && k < a->nvictims; k++)
			if (rp_victim_selected(r, &a->victims[k]))
				victim(r, &a->victims[k]);
	}
}

int rp_text(const struct rp *r)
{
	struct pr_facts h;
	size_t i;

	if (pr_header(r->a, r->res, &h))
		return -1;
	header(r, &h);
	summary(r);
	table(r);
	why(r);
	if (r->o->detail || r->o->by_victim)
		detail(r);
	putc('\n', r->out);
	for (i = pr_header_stable(&h); i < h.n; i++)
		field(r, h.v[i].label, h.v[i].text);
	pr_facts_free(&h);
	if (!r->o->detail && !r->o->by_victim)
		fprintf(r->out, "(--detail adds the chart and each victim's facts and "
			"timeline)\n");
	return 0;
}
