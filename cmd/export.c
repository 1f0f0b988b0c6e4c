// SPDX-License-Identifier: GPL-2.0
/* `oomlens export DB [-f jsonl|chrome-trace] [-o FILE]` */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "cmd/cmd.h"
#include "reports/report.h"

const char cmd_export_usage[] =
	"usage: oomlens export DB [--format jsonl|chrome-trace] [-o FILE]\n"
		"\n"
		"  -f, --format FMT   jsonl (default): one JSON object per line, per victim\n"
		"                     and per episode, for a warehouse; chrome-trace: the\n"
		"                     Trace Event Format for ui.perfetto.dev, chrome://tracing\n"
		"  -o, --output FILE  write FILE atomically instead of stdout\n";

static int render_export(const struct ol_analysis *a, FILE *out, void *arg, char **err)
{
	return ol_export_render(a, (enum ol_export_format)*(int *)arg, out, err);
}

int cmd_export(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help",   no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL;
	int c, fmt = OL_EXPORT_JSONL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			fmt = ol_export_format_parse(optarg);
			if (fmt < 0) {
				fprintf(stderr, "oomlens: '%s' is not an export format\n", optarg);
				return cmd_usage("export", stderr, 2);
			}
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			return cmd_usage("export", stdout, 0);
		default:
			return cmd_usage("export", stderr, 2);
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "oomlens: export needs exactly one database\n");
		return cmd_usage("export", stderr, 2);
	}
	return cmd_render(argv[optind], output, render_export, &fmt);
}
