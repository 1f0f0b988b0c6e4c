// SPDX-License-Identifier: GPL-2.0
/*
 * The markdown report, for tickets and wikis: the document of
 * document.c in markdown.  Everything goes through rp_put_md_text() on
 * the presentation layer's ASCII: control and non-ASCII bytes are \xNN
 * already and markup characters are backslash-escaped, so a comm cannot
 * open a link, raw HTML or end a table cell.
 */
#include <stdlib.h>

#include "reports/report-local.h"

static void md(const struct rp *r, const char *ascii)
{
	rp_put_md_text(r->out, ascii);
}

static void begin(const struct rp *r, const char *title)
{
}

static void end(const struct rp *r)
{
}

static void heading(const struct rp *r, int level, const char *ascii, int victim)
{
	fprintf(r->out, "%.*s ", level, "###");
	md(r, ascii);
	fputs("\n\n", r->out);
}

static void para(const struct rp *r, const char *ascii)
{
	md(r, ascii);
	fputs("\n\n", r->out);
}

static void kvs(const struct rp *r, bool open)
{
	fputs(open ? "| | |\n|---|---|\n" : "\n", r->out);
}

static void kv(const struct rp *r, const char *label, const char *ascii, bool warn)
{
	fputs("| ", r->out);
	md(r, label);
	fprintf(r->out, " | %s", warn ? "**" : "");
	md(r, ascii);
	fprintf(r->out, "%s |\n", warn ? "**" : "");
}

static void list(const struct rp *r, bool open)
{
	if (!open)
		putc('\n', r->out);
}

static void item(const struct rp *r, const char *label, const char *ascii, bool warn)
{
	fprintf(r->out, "- %s", warn ? "**" : "");
	if (label) {
		md(r, label);
		fputs(": ", r->out);
	}
	md(r, ascii);
	fprintf(r->out, "%s\n", warn ? "**" : "");
}

static void explanation(const struct rp *r, const struct pr_explanation *x)
{
	char *list = pr_victim_list(x->victims, x->nvictims);

	fprintf(r->out, "- **%s: %s** (%s): ", list ? list : "", pr_verdict(x->kind),
		pr_conf(x->confidence));
	md(r, *x->text ? x->text : ol_verdict_help(x->kind));
	putc('\n', r->out);
	free(list);
}

static void table(const struct rp *r, const char *caption, bool open)
{
	if (!open)
		putc('\n', r->out);
}

static void row(const struct rp *r, const char *const *cells, const bool *right, int n,
		bool head, int victim)
{
	int i;

	putc('|', r->out);
	for (i = 0; i < n; i++) {
		putc(' ', r->out);
		md(r, cells[i]);
		fputs(" |", r->out);
	}
	putc('\n', r->out);
	if (head) {
		putc('|', r->out);
		for (i = 0; i < n; i++)
			fputs(right[i] ? "--:|" : "---|", r->out);
		putc('\n', r->out);
	}
}

static void chart(const struct rp *r, const struct ol_episode *ep)
{
	fputs("```text\n", r->out);
	rp_chart_ascii(r, ep);
	fputs("```\n\n", r->out);
}

int rp_markdown(const struct rp *r)
{
	static const struct rp_markup markup = {
		.begin = begin, .end = end, .heading = heading, .para = para,
		.kvs = kvs, .kv = kv, .list = list, .item = item,
		.explanation = explanation, .table = table, .row = row, .chart = chart,
	};

	return rp_document(r, &markup);
}
