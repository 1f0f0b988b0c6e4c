// SPDX-License-Identifier: GPL-2.0
/*
 * `oomlens diff BEFORE AFTER` and `oomlens summary RUN`: the patch
 * author's comparison of two runs of the scenarios (databases, or folders
 * of them as `make scenarios` writes), and one run's table.  The figures
 * come from analyze/compare.c, the output from reports/diff.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"
#include "analyze/analyze.h"
#include "reports/report.h"

const char cmd_diff_usage[] =
	"usage: oomlens diff BEFORE AFTER [--format text|markdown|json]\n"
	"\n"
	"  BEFORE, AFTER      a database, or a folder of them (one per scenario,\n"
	"                     matched by file name); two databases are one pair\n"
	"  -f, --format FMT   text (<= 72 columns, for under a patch's ---),\n"
	"                     markdown or json\n";

const char cmd_summary_usage[] =
	"usage: oomlens summary RUN [--format text|json]\n"
	"\n"
	"  RUN                a database, or a folder of them (make scenarios)\n"
	"  -f, --format FMT   text (default) or json\n";

/* Parse -f; the positional arguments are left from optind. */
static int parse(int argc, char **argv, const char *name, int npos, int *fmt)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*fmt = OL_REPORT_TEXT;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:", longopts, NULL)) != -1) {
		if (c != 'f')
			return cmd_usage(name, stderr, 2);
		*fmt = ol_report_format_parse(optarg);
		if (*fmt < 0) {
			fprintf(stderr, "oomlens: unknown format '%s'\n", optarg);
			return 2;
		}
	}
	if (argc - optind != npos)
		return cmd_usage(name, stderr, 2);
	return 0;
}

int cmd_diff(int argc, char **argv)
{
	struct ol_runset b, a;
	char *err = NULL;
	int fmt, rc;

	if ((rc = parse(argc, argv, "diff", 2, &fmt)))
		return rc;
	if (ol_runset_load(argv[optind], &b, &err)) {
		fprintf(stderr, "oomlens: %s\n", err);
		free(err);
		return 1;
	}
	if (ol_runset_load(argv[optind + 1], &a, &err)) {
		fprintf(stderr, "oomlens: %s\n", err);
		free(err);
		ol_runset_free(&b);
		return 1;
	}
	rc = ol_diff_render(&b, &a, fmt, stdout, &err) ? 1 : 0;
	if (rc)
		fprintf(stderr, "oomlens: %s\n", err ? err : "diff failed");
	free(err);
	ol_runset_free(&b);
	ol_runset_free(&a);
	return rc;
}

int cmd_summary(int argc, char **argv)
{
	struct ol_runset s;
	char *err = NULL;
	int fmt, rc;

	if ((rc = parse(argc, argv, "summary", 1, &fmt)))
		return rc;
	if (ol_runset_load(argv[optind], &s, &err)) {
		fprintf(stderr, "oomlens: %s\n", err);
		free(err);
		return 1;
	}
	rc = ol_summary_render(&s, fmt, stdout, &err) ? 1 : 0;
	if (rc)
		fprintf(stderr, "oomlens: %s\n", err ? err : "summary failed");
	free(err);
	ol_runset_free(&s);
	return rc;
}
