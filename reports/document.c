// SPDX-License-Identifier: GPL-2.0
/*
 * The document of the markdown and HTML reports, walked once: what they
 * say and in which order is here, how it looks is their struct
 * rp_markup.  Everything handed to the markup is the presentation
 * layer's ASCII text (present.h); the markup escapes it for its format.
 *
 *   title, header facts; Summary; Timelines (a chart per episode);
 *   Victims (the table); Why (each explanation once); per episode each
 *   victim's facts, extra (the HTML memory curve) and timeline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report-local.h"

static void list_facts(const struct rp *r, const struct rp_markup *m, const struct pr_facts *f)
{
	size_t i;

	m->list(r, true);
	for (i = 0; i < f->n; i++)
		m->item(r, f->v[i].label, f->v[i].text, f->v[i].warn);
	m->list(r, false);
}

static void table(const struct rp *r, const struct rp_markup *m)
{
	const char *cells[PR_COL_NR];
	char buf[PR_COL_NR][PR_BUF];
	bool right[PR_COL_NR];
	size_t k;
	int c, n;

	m->heading(r, 2, "Victims", -1);
	m->para(r, PR_TABLE_LEGEND);
	for (n = 0, c = 0; c < PR_COL_NR; c++)
		if (pr_column(c)->where & PR_IN_TABLE) {
			cells[n] = pr_column(c)->head;
			right[n++] = pr_col_right(c);
		}
	m->table(r, NULL, true);
	m->row(r, cells, right, n, true, -1);
	for (k = 0; k < r->a->nvictims; k++) {
		const struct ol_victim *v = &r->a->victims[k];

		if (!rp_victim_selected(r, v))
			continue;
		for (n = 0, c = 0; c < PR_COL_NR; c++)
			if (pr_column(c)->where & PR_IN_TABLE)
				cells[n++] = pr_cell(c, r->a, v, r->res, buf[c]);
		m->row(r, cells, right, n, false, v->index);
	}
	m->table(r, NULL, false);
}

static void why(const struct rp *r, const struct rp_markup *m)
{
	struct pr_explanations ex;
	size_t i;

	if (pr_explain(r->a, r->res, true, rp_victim_chosen, r, &ex))
		return;
	if (ex.n) {
		m->heading(r, 2, "Why", -1);
		m->list(r, true);
		for (i = 0; i < ex.n; i++)
			m->explanation(r, &ex.v[i]);
		m->list(r, false);
	}
	pr_explanations_free(&ex);
}

static void timeline(const struct rp *r, const struct rp_markup *m, const struct ol_victim *v)
{
	static const char *const head[] = { "from kill", "event", "detail" };
	static const bool right[] = { true, false, false };
	const char *cells[3];
	char rel[PR_BUF], caption[64], *what, *detail;
	size_t k;

	snprintf(caption, sizeof(caption), "timeline (%zu events)", v->npoints);
	m->table(r, caption, true);
	m->row(r, head, right, 3, true, -1);
	for (k = 0; k < v->npoints; k++) {
		what = pr_ascii(v->points[k].what);
		detail = pr_ascii(v->points[k].detail);
		cells[0] = pr_rel(rel, pr_since(v, v->points[k].ts_ns), r->res, "?");
		cells[1] = what ? what : "";
		cells[2] = detail ? detail : "";
		m->row(r, cells, right, 3, false, v->index);
		free(what);
		free(detail);
	}
	m->table(r, caption, false);
}

static void victims(const struct rp *r, const struct rp_markup *m, const struct ol_episode *ep)
{
	struct pr_facts f;
	char title[256], comm[80];
	size_t k;

	for (k = ep->first; k < ep->first + ep->count && k < r->a->nvictims; k++) {
		const struct ol_victim *v = &r->a->victims[k];

		if (!rp_victim_selected(r, v))
			continue;
		snprintf(title, sizeof(title), "Victim %d: pid %d (%s), %s", v->index, v->pid,
			 pr_ascii_buf(comm, sizeof(comm), v->comm), pr_verdict(v->verdict));
		m->heading(r, 3, title, v->index);
		if (pr_victim_facts(r->a, v, r->res, &f) == 0) {
			list_facts(r, m, &f);
			pr_facts_free(&f);
		}
		if (m->extra)
			m->extra(r, v);
		timeline(r, m, v);
	}
}

static const char *episode_title(char *buf, size_t n, const struct ol_episode *ep)
{
	char dom[300];

	snprintf(buf, n, "Episode %d: %s", ep->index, pr_ascii_buf(dom, sizeof(dom), ep->domain));
	return buf;
}

int rp_document(const struct rp *r, const struct rp_markup *m)
{
	const struct ol_analysis *a = r->a;
	struct pr_facts h;
	char title[512], b1[PR_BUF], b2[PR_BUF], **lines;
	size_t e, i;

	snprintf(title, sizeof(title), "OOM report: %zu victim%s in %zu episode%s", a->nvictims,
		 a->nvictims == 1 ? "" : "s", a->nepisodes, a->nepisodes == 1 ? "" : "s");
	m->begin(r, title);
	m->heading(r, 1, title, -1);
	if (pr_header(a, r->res, &h))
		return -1;
	m->kvs(r, true);
	for (i = 0; i < h.n; i++)
		m->kv(r, h.v[i].label, h.v[i].text, h.v[i].warn);
	m->kvs(r, false);
	pr_facts_free(&h);

	m->heading(r, 2, "Summary", -1);
	lines = pr_summary(a, r->res, rp_victim_chosen, r);
	m->list(r, true);
	for (i = 0; lines && lines[i]; i++)
		m->item(r, NULL, lines[i], false);
	m->list(r, false);
	pr_lines_free(lines);

	/* the charts next: they are what a reader looks at */
	m->heading(r, 2, "Timelines", -1);
	for (e = 0; e < a->nepisodes; e++) {
		const struct ol_episode *ep = &a->episodes[e];

		if (!rp_episode_selected(r, ep))
			continue;
		m->heading(r, 3, episode_title(title, sizeof(title), ep), -1);
		snprintf(title, sizeof(title), "%zu victim%s, %d unnecessary; from %s s to %s s "
			 "(trace clock).", ep->count, ep->count == 1 ? "" : "s", ep->unnecessary,
			 pr_abs(b1, ep->start_ns, 3, r->res, "?"), pr_abs(b2, ep->end_ns, 3, r->res, "?"));
		m->para(r, title);
		m->chart(r, ep);
	}
	table(r, m);
	why(r, m);
	for (e = 0; e < a->nepisodes; e++) {
		const struct ol_episode *ep = &a->episodes[e];

		if (!rp_episode_selected(r, ep))
			continue;
		if (rp_host_heading(a, e)) {
			/* a merged database: one group of episodes per host */
			char host[300];

			snprintf(title, sizeof(title), "Host %s",
				 pr_ascii_buf(host, sizeof(host), rp_host_heading(a, e)));
			m->heading(r, 2, title, -1);
		}
		m->heading(r, 2, episode_title(title, sizeof(title), ep), -1);
		victims(r, m, ep);
	}
	m->end(r);
	return 0;
}
