// SPDX-License-Identifier: GPL-2.0
/* `oomlens metrics DB [-o FILE]`: Prometheus textfile-collector output. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "cmd/cmd.h"
#include "reports/report.h"

const char cmd_metrics_usage[] =
	"usage: oomlens metrics DB [-o FILE]\n"
		"\n"
		"  -o, --output FILE  write FILE atomically instead of stdout (for\n"
		"                     node_exporter --collector.textfile.directory)\n";

static int render_metrics(const struct ol_analysis *a, FILE *out, void *arg, char **err)
{
	return ol_metrics_render(a, out, err);
}

int cmd_metrics_write(const char *db, const char *output)
{
	return cmd_render(db, output, render_metrics, NULL);
}

/*
 * Runs inside the recorder's loop between two episodes: the analysis is
 * rebuilt from the committed episodes (the recorder holds no transaction
 * then), and a failure is reported without stopping the recording.
 */
void cmd_metrics_after_episode(const char *db, const char *metrics)
{
	char *err = NULL;

	if (ol_analyze_db(db, &err)) {
		fprintf(stderr, "oomlens: %s; '%s' not updated\n", err ? err : "analysis failed",
			metrics);
		free(err);
		return;
	}
	cmd_metrics_write(db, metrics);
}

int cmd_metrics(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help",   no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'h':
			return cmd_usage("metrics", stdout, 0);
		default:
			return cmd_usage("metrics", stderr, 2);
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "oomlens: metrics needs exactly one database\n");
		return cmd_usage("metrics", stderr, 2);
	}
	return cmd_metrics_write(argv[optind], output);
}
