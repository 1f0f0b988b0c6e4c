// SPDX-License-Identifier: GPL-2.0
/*
 * `oomlens report DB [options]`.
 *
 * -o FILE is written to a temporary file in the same directory and
 * renamed over FILE only once everything was written and flushed, so a
 * failure never leaves a half-written report behind.
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
	"                      [--episode N] [--victim PID] [-o FILE]\n"
	"\n"
	"  -f, --format FMT   output format (default: text, for mails)\n"
	"  -e, --episode N    only episode N (numbered as in the report)\n"
	"  -p, --victim PID   only the victim(s) with this pid or tgid\n"
	"  -o, --output FILE  write FILE atomically instead of stdout\n";

static int parse_int(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

/* Open a temporary file next to @path; *@tmp gets its name. */
static FILE *open_tmp(const char *path, char **tmp)
{
	mode_t mask;
	FILE *f;
	int fd;

	if (asprintf(tmp, "%s.tmpXXXXXX", path) < 0) {
		*tmp = NULL;
		return NULL;
	}
	fd = mkstemp(*tmp);
	if (fd < 0) {
		free(*tmp);
		*tmp = NULL;
		return NULL;
	}
	/* mkstemp makes 0600; a report is an ordinary file */
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(*tmp);
		free(*tmp);
		*tmp = NULL;
	}
	return f;
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format",  required_argument, NULL, 'f' },
		{ "episode", required_argument, NULL, 'e' },
		{ "victim",  required_argument, NULL, 'p' },
		{ "output",  required_argument, NULL, 'o' },
		{ "help",    no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ol_report_opts o = { 0 };
	struct ol_analysis *a = NULL;
	const char *db, *output = NULL, *nc;
	char *err = NULL, *tmp = NULL;
	FILE *out = stdout;
	int c, fmt = OL_REPORT_TEXT, ret = 1;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "f:e:p:o:h", longopts, NULL)) != -1) {
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
		case 'p':
			if (parse_int(optarg, c == 'e' ? &o.episode : &o.victim_pid)) {
				fprintf(stderr, "oomlens: '%s' is not a positive number\n",
					optarg);
				return cmd_usage("report", stderr, 2);
			}
			break;
		case 'o':
			output = optarg;
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
	db = argv[optind];

	a = ol_analysis_load(db, &err);
	if (!a) {
		cmd_error_file(db, err ? err : "cannot load the analysis");
		goto out;
	}
	nc = getenv("NO_COLOR");
	o.color = !output && fmt == OL_REPORT_TEXT && isatty(STDOUT_FILENO) &&
		!(nc && *nc);
	if (output) {
		out = open_tmp(output, &tmp);
		if (!out) {
			fprintf(stderr, "oomlens: '%s': cannot create: %s\n", output,
				strerror(errno));
			goto out;
		}
	}
	if (ol_report_render(a, fmt, &o, out, &err)) {
		fprintf(stderr, "oomlens: '%s': %s\n", output && !strstr(err ? err :
			"", "no ") ? output : db, err ? err : "out of memory");
		goto out;
	}
	if (output) {
		c = fsync(fileno(out));
		if (fclose(out) || c) {
			out = NULL;
			fprintf(stderr, "oomlens: '%s': write error: %s\n", output,
				strerror(errno));
			goto out;
		}
		out = NULL;
		if (rename(tmp, output)) {
			fprintf(stderr, "oomlens: '%s': cannot rename into place: %s\n",
				output, strerror(errno));
			goto out;
		}
		free(tmp);
		tmp = NULL;
	}
	ret = 0;
out:
	if (out && out != stdout)
		fclose(out);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(err);
	if (a)
		ol_analysis_free(a);
	return ret;
}
