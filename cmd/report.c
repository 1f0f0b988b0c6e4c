// SPDX-License-Identifier: GPL-2.0
/*
 * `oomlens report DB [options]`.
 *
 * -o FILE goes through cmd/outfile.c: a regular file is written to a
 * temporary and renamed over FILE only once everything was written and
 * synced, so a failure never leaves a half-written report behind; a
 * symlink, FIFO or device is written in place; "-" is stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "analyze/analyze.h"
#include "reports/report.h"

const char cmd_report_usage[] =
	"usage: oomlens report DB [--format text|markdown|json|csv|html]\n"
	"                      [--episode ID] [--victim ID] [--pid PID] [--detail] [-o FILE]\n"
	"\n"
	"  -f, --format FMT   output format (default: text, for a patch mail)\n"
	"  -e, --episode ID   only this episode (its id in the database, as shown)\n"
	"  -v, --victim ID    only this victim (its id in the database, as shown),\n"
	"                     with the victims its verdict is about; implies --detail\n"
	"  -p, --pid PID      only the victim(s) with this pid or tgid\n"
	"  -d, --detail       text: add the chart and each victim's facts and timeline\n"
	"  -o, --output FILE  write FILE (atomically; a link, FIFO or device in place; - stdout)\n";

/* A number >= @min. */
static int parse_int(const char *s, int min, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

struct report_job {
	enum ol_report_format	fmt;
	struct ol_report_opts	o;
};

static int render_report(const struct ol_analysis *a, FILE *out, void *arg, char **err)
{
	struct report_job *job = arg;

	return ol_report_render(a, job->fmt, &job->o, out, err);
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format",  required_argument, NULL, 'f' },
		{ "episode", required_argument, NULL, 'e' },
		{ "victim",  required_argument, NULL, 'v' },
		{ "pid",     required_argument, NULL, 'p' },
		{ "detail",  no_argument,       NULL, 'd' },
		{ "output",  required_argument, NULL, 'o' },
		{ "help",    no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ol_report_opts o = { 0 };
	struct report_job job;
	const char *output = NULL, *nc;
	int c, fmt = OL_REPORT_TEXT;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "f:e:v:p:do:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			fmt = ol_report_format_parse(optarg);
			if (fmt < 0) {
				fprintf(stderr, "oomlens: '%s' is not a report format\n",
					optarg);
				return cmd_usage("report", stderr, 2);
			}
			break;
		case 'e':
		case 'v':
		case 'p':
			if (parse_int(optarg, c == 'p', c == 'e' ? &o.episode : c == 'v' ?
				      &o.victim : &o.pid)) {
				fprintf(stderr, "oomlens: '%s' is not a %s\n", optarg,
					c == 'p' ? "pid" : "database id (0, 1, ...)");
				return cmd_usage("report", stderr, 2);
			}
			o.by_episode |= c == 'e';
			o.by_victim |= c == 'v';
			break;
		case 'd':
			o.detail = true;
			break;
		case 'o':
			/* "-": standard output, as without -o */
			output = strcmp(optarg, "-") ? optarg : NULL;
			break;
		case 'h':
			return cmd_usage("report", stdout, 0);
		default:
			if (optopt)
				fprintf(stderr, "oomlens: bad or incomplete option '-%c'\n",
					optopt);
			else
				fprintf(stderr, "oomlens: unknown option '%s'\n",
					argv[optind - 1]);
			return cmd_usage("report", stderr, 2);
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "oomlens: report needs exactly one database\n");
		return cmd_usage("report", stderr, 2);
	}
	nc = getenv("NO_COLOR");
	o.color = !output && fmt == OL_REPORT_TEXT && isatty(STDOUT_FILENO) &&
		!(nc && *nc);
	job.fmt = (enum ol_report_format)fmt;
	job.o = o;
	return cmd_render(argv[optind], output, render_report, &job);
}
