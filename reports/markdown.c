// SPDX-License-Identifier: GPL-2.0
/*
 * The markdown report, for tickets and wikis: the text report's content
 * (summary, table, explanations) with every victim's facts and timeline.
 * Kernel strings go through rp_put_md(): control and non-ASCII bytes
 * become \xNN and markup characters are backslash-escaped, so a comm
 * cannot open a link, raw HTML or end a table cell.
 */
#include <stdlib.h>
#include <string.h>

#include "reports/report-local.h"

static void header(const struct rp *r)
{
	const struct ol_analysis *a = r->a;
	FILE *f = r->out;
	struct pr_facts h;
	size_t i;

	fprintf(f, "# OOM report: %zu victim%s in %zu episode%s\n\n| | |\n|---|---|\n",
		a->nvictims, a->nvictims == 1 ? "" : "s",
		a->nepisodes, a->nepisodes == 1 ? "" : "s");
	if (pr_header(a, r->res, &h))
		return;
	for (i = 0; i < h.n; i++) {
		fprintf(f, "| %s | %s", h.v[i].label, h.v[i].warn ? "**" : "");
		rp_put_md_text(f, h.v[i].text);
		fprintf(f, "%s |\n", h.v[i].warn ? "**" : "");
	}
	putc('\n', f);
	pr_facts_free(&h);
}

static void summary(const struct rp *r)
{
	char **lines = pr_summary(r->a, r->res, rp_victim_chosen, r);
	size_t i;

	fprintf(r->out, "## Summary\n\n");
	for (i = 0; lines && lines[i]; i++) {
		fprintf(r->out, "- ");
		rp_put_md_text(r->out, lines[i]);
		putc('\n', r->out);
	}
	pr_lines_free(lines);
	putc('\n', r->out);
}

static void table(const struct rp *r)
{
	const struct ol_analysis *a = r->a;
	FILE *f = r->out;
	char b[PR_BUF];
	size_t k;
	int c;

	fprintf(f, "## Victims\n\n");
	rp_put_md_text(f, PR_TABLE_LEGEND);
	fprintf(f, "\n\n|");
	for (c = 0; c < PR_COL_NR; c++)
		if (pr_column(c)->where & PR_IN_TABLE)
			fprintf(f, " %s |", pr_column(c)->head);
	fprintf(f, "\n|");
	for (c = 0; c < PR_COL_NR; c++)
		if (pr_column(c)->where & PR_IN_TABLE)
			fprintf(f, "%s|", pr_col_right(c) ? "--:" : "---");
	putc('\n', f);
	for (k = 0; k < a->nvictims; k++) {
		const struct ol_victim *v = &a->victims[k];

		if (!rp_victim_selected(r, v))
			continue;
		putc('|', f);
		for (c = 0; c < PR_COL_NR; c++) {
			if (!(pr_column(c)->where & PR_IN_TABLE))
				continue;
			putc(' ', f);
			rp_put_md_text(f, pr_cell(c, a, v, r->res, b));
			fprintf(f, " |");
		}
		putc('\n', f);
	}
	putc('\n', f);
}

static void why(const struct rp *r)
{
	struct pr_explanations ex;
	size_t i;
	char *list;

	if (pr_explain(r->a, r->res, true, rp_victim_chosen, r, &ex) || !ex.n)
		return;
	fprintf(r->out, "## Why\n\n");
	for (i = 0; i < ex.n; i++) {
		const struct pr_explanation *x = &ex.v[i];

		list = pr_victim_list(x->victims, x->nvictims);
		fprintf(r->out, "- **%s: %s** (%s): ", list ? list : "", pr_verdict(x->kind),
			pr_conf(x->confidence));
		rp_put_md_text(r->out, *x->text ? x->text : ol_verdict_help(x->kind));
		putc('\n', r->out);
		free(list);
	}
	putc('\n', r->out);
	pr_explanations_free(&ex);
}

static void victim(const struct rp *r, const struct ol_victim *v)
{
	FILE *f = r->out;
	struct pr_facts facts;
	char b[PR_BUF];
	size_t k;

	fprintf(f, "### Victim %d: pid %d (", v->index, v->pid);
	rp_put_md(f, v->comm);
	fprintf(f, ")\n\n");
	if (pr_victim_facts(r->a, v, r->res, &facts) == 0) {
		for (k = 0; k < facts.n; k++) {
			fprintf(f, "- %s%s: ", facts.v[k].warn ? "**" : "", facts.v[k].label);
			rp_put_md_text(f, facts.v[k].text);
			fprintf(f, "%s\n", facts.v[k].warn ? "**" : "");
		}
		pr_facts_free(&facts);
	}
	fprintf(f, "\n| from kill | event | detail |\n|--:|---|---|\n");
	for (k = 0; k < v->npoints; k++) {
		fprintf(f, "| %s | ", pr_rel(b, pr_since(v, v->points[k].ts_ns), r->res, "?"));
		rp_put_md(f, v->points[k].what);
		fprintf(f, " | ");
		rp_put_md(f, v->points[k].detail);
		fprintf(f, " |\n");
	}
	putc('\n', f);
}

int rp_markdown(const struct rp *r)
{
	const struct ol_analysis *a = r->a;
	FILE *f = r->out;
	char b1[PR_BUF], b2[PR_BUF];
	size_t e, k;

	header(r);
	summary(r);
	table(r);
	why(r);
	for (e = 0; e < a->nepisodes; e++) {
		const struct ol_episode *ep = &a->episodes[e];

		if (!rp_episode_selected(r, ep))
			continue;
		fprintf(f, "## Episode %d: ", ep->index);
		rp_put_md(f, ep->domain);
		fprintf(f, "\n\n%zu victim%s, %d unnecessary; from %s s to %s s "
			"(trace clock).\n\n```text\n", ep->count,
			ep->count == 1 ? "" : "s", ep->unnecessary,
			pr_abs(b1, ep->start_ns, 3, r->res, "?"),
			pr_abs(b2, ep->end_ns, 3, r->res, "?"));
		rp_chart_ascii(r, ep);
		fprintf(f, "```\n\n");
		for (k = ep->first; k < ep->first + ep->count && k < a->nvictims; k++)
			if (rp_victim_selected(r, &a->victims[k]))
				victim(r, &a->victims[k]);
	}
	return 0;
}
