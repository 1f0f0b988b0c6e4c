// SPDX-License-Identifier: GPL-2.0
/* `oomlens export DB [-f jsonl|chrome-trace] [-o FILE]` */
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

int cmd_export(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help",   no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ol_analysis *a = NULL;
	struct cmd_out *out = NULL;
	const char *db, *output = NULL;
	char *err = NULL;
	int c, fmt = OL_EXPORT_JSONL, ret = 1;

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
	db = argv[optind];
	a = ol_analysis_load(db, &err);
	if (!a) {
		fprintf(stderr, "oomlens: %s%s%s\n", err && strstr(err, db) ? "" : db,
			err && strstr(err, db) ? "" : ": ", err ? err : "cannot load the analysis");
		goto out;
	}
	out = cmd_out_open(output);
	if (!out)
		goto out;
	if (ol_export_render(a, fmt, cmd_out_file(out), &err)) {
		fprintf(stderr, "oomlens: '%s': %s\n", output ? output : "-",
			err ? err : "out of memory");
		cmd_out_close(out, 0);
		goto out;
	}
	ret = cmd_out_close(out, 1) ? 1 : 0;
out:
	ol_analysis_free(a);
	free(err);
	return ret;
}
