// SPDX-License-Identifier: GPL-2.0
/*
 * Report renderers on hand-built analyses (no database, no analyzer):
 * the text report stays within 72 columns, printable ASCII, no tabs, and
 * uses colour only when asked; hostile names stay escaped in markdown;
 * selections work; every format renders.
 *
 * With arguments it prints a rendering instead, for the shell tests:
 *   test-report-text --dump FORMAT N HOSTILE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"
#include "test-report-fixture.h"
#include "unit.h"


/* Render into memory; returns the text (free it) or NULL on error. */
static char *render(const struct ol_analysis *a, enum ol_report_format f,
		    const struct ol_report_opts *o, char **err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int r;

	if (!m)
		exit(99);
	*err = NULL;
	r = ol_report_render(a, f, o, m, err);
	fclose(m);
	if (r) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void check_lkml(const char *txt, const char *what)
{
	const char *p, *line = txt;
	int lineno = 1, bad = 0;

	for (p = txt; ; p++) {
		if (*p == '\n' || !*p) {
			if (p - line > 72 && bad++ < 3)
				CHECK(0, "%s: line %d has %d columns: %.*s", what,
				      lineno, (int)(p - line), (int)(p - line), line);
			if (p > line && p[-1] == ' ' && bad++ < 3)
				CHECK(0, "%s: line %d ends in a space", what, lineno);
			if (!*p)
				break;
			line = p + 1;
			lineno++;
		} else if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e) {
			if (bad++ < 3)
				CHECK(0, "%s: line %d has byte 0x%02x", what, lineno,
				      (unsigned char)*p);
		}
	}
	CHECK(bad == 0, "%s: %d layout problems", what, bad);
}

static void test_text(size_t n, int hostile)
{
	struct ol_analysis *a = fx_build(n, hostile);
	struct ol_report_opts o = { 0 };
	char what[64], needle[64], *txt, *err;
	size_t i;

	snprintf(what, sizeof(what), "text n=%zu hostile=%d", n, hostile);
	o.detail = true;
	txt = render(a, OL_REPORT_TEXT, &o, &err);
	CHECK(txt != NULL, "%s: render failed: %s", what, err ? err : "");
	if (!txt)
		goto out;
	check_lkml(txt, what);
	CHECK(strstr(txt, "K kill R reaper S MMF_OOM_SKIP") != NULL,
	      "%s: legend missing", what);
	CHECK(strstr(txt, "+0.000s") != NULL, "%s: no relative times", what);
	for (i = 0; i < n; i++) {
		/* numbered by the database id */
		snprintf(needle, sizeof(needle), "victim %d: pid %d (", a->victims[i].index,
			 a->victims[i].pid);
		CHECK(strstr(txt, needle) != NULL, "%s: no section '%s'", what,
		      needle);
	}
	if (hostile) {
		CHECK(strstr(txt, "\\x1b[31mred") != NULL, "%s: ESC not shown "
		      "as \\x1b", what);
		CHECK(strstr(txt, "42 LOST") && strstr(txt, "WARNING: 42 events"),
		      "%s: lost events not prominent", what);
	}
	free(txt);

	o.color = true;
	txt = render(a, OL_REPORT_TEXT, &o, &err);
	CHECK(txt && strchr(txt, '\033'), "%s: no colour when asked", what);
	free(txt);
out:
	fx_free(a);
}

/* Count '|' not escaped by a backslash. */
static int cells(const char *line, size_t len)
{
	size_t i;
	int n = 0;

	for (i = 0; i < len; i++) {
		if (line[i] == '\\') {
			i++;
			continue;
		}
		n += line[i] == '|';
	}
	return n;
}

static void test_markdown(void)
{
	struct ol_analysis *a = fx_build(12, 1);
	char *md, *err, *p, *nl;
	int rows = 0;

	md = render(a, OL_REPORT_MARKDOWN, NULL, &err);
	CHECK(md != NULL, "markdown render failed");
	if (!md)
		goto out;
	/* (the chart, in a code block, shows the first 11 bytes only) */
	CHECK(!strstr(md, "<script>alert"), "markdown has raw <script>");
	for (p = md; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\n') ||
		    (unsigned char)*p > 0x7e) {
			CHECK(0, "markdown has byte 0x%02x", (unsigned char)*p);
			break;
		}
	/* every row of the victims table keeps its 12 cell separators */
	p = strstr(md, "| id | kill");
	for (; p && *p == '|'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		CHECK(cells(p, nl - p) == 10, "markdown row has %d cells: %.*s",
		      cells(p, nl - p), (int)(nl - p), p);
		rows++;
	}
	CHECK(rows == 14, "markdown victims table has %d lines", rows);
	free(md);
out:
	fx_free(a);
}

static void test_select(void)
{
	struct ol_analysis *a = fx_build(9, 0);
	struct ol_report_opts o = { .by_episode = true, .episode = 1, .detail = true };
	enum ol_report_format f;
	char *txt, *err;

	txt = render(a, OL_REPORT_TEXT, &o, &err);
	CHECK(txt && strstr(txt, "victim 3: pid") && !strstr(txt, "victim 0: pid")
	      && !strstr(txt, "victim 6: pid"), "--episode 1 selects wrongly");
	free(txt);
	o.by_episode = false;
	o.pid = a->victims[7].pid;
	txt = render(a, OL_REPORT_CSV, &o, &err);
	CHECK(txt && strchr(txt, '\n') && strchr(strchr(txt, '\n') + 1, '\n') &&
	      !strchr(strchr(strchr(txt, '\n') + 1, '\n') + 1, '\n'),
	      "--pid gives not exactly one CSV row");
	free(txt);
	o.by_episode = true;
	o.episode = 3;
	o.pid = 0;
	txt = render(a, OL_REPORT_TEXT, &o, &err);
	CHECK(!txt && err && strstr(err, "no episode 3"), "episode 3 of 0..2: %s",
	      err ? err : "(no error)");
	free(err);
	o.episode = 0;
	o.pid = a->victims[7].pid;	/* lives in episode 2 */
	txt = render(a, OL_REPORT_JSON, &o, &err);
	CHECK(!txt && err, "a victim outside the episode is not an error");
	free(err);
	o.by_episode = false;
	o.pid = 0;
	o.by_victim = true;
	o.victim = 9;
	txt = render(a, OL_REPORT_TEXT, &o, &err);
	CHECK(!txt && err && strstr(err, "no victim 9"), "victim 9 of 0..8: %s",
	      err ? err : "(no error)");
	free(err);
	for (f = 0; f < OL_REPORT_NR; f++) {
		txt = render(a, f, NULL, &err);
		CHECK(txt && strlen(txt) > 100, "format %s renders nothing",
		      ol_report_format_name(f));
		free(txt);
		CHECK(ol_report_format_parse(ol_report_format_name(f)) == (int)f,
		      "format name round trip");
	}
	CHECK(ol_report_format_parse("xml") == -1, "xml is a format");
	fx_free(a);
}

static void test_empty(void)
{
	struct ol_analysis *a = fx_build(0, 0);
	enum ol_report_format f;
	char *txt, *err;

	for (f = 0; f < OL_REPORT_NR; f++) {
		txt = render(a, f, NULL, &err);
		CHECK(txt != NULL, "empty analysis: %s fails",
		      ol_report_format_name(f));
		if (f == OL_REPORT_TEXT && txt)
			check_lkml(txt, "empty text");
		free(txt);
	}
	fx_free(a);
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "--dump")) {
		struct ol_analysis *a = fx_build(atoi(argv[3]), atoi(argv[4]));
		int f = ol_report_format_parse(argv[2]);
		char *err = NULL;
		int r;

		if (f < 0)
			return 2;
		r = ol_report_render(a, f, NULL, stdout, &err);
		fx_free(a);
		free(err);
		return r ? 1 : 0;
	}
	test_text(1, 0);
	test_text(7, 0);
	test_text(7, 1);
	test_text(40, 1);
	test_markdown();
	test_select();
	test_empty();
	return unit_done();
}
