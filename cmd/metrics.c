// SPDX-License-Identifier: GPL-2.0
/* `oomlens metrics DB [-o FILE]`: Prometheus textfile-collector output. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "cmd/cmd.h"
#include "cmd/outfile.h"
#include "reports/report.h"

const char cmd_metrics_usage[] =
	"usage: oomlens metrics DB [-o FILE]\n"
		"\n"
		"  -o, --output FILE  write FILE atomically instead of stdout (for\n"
		"                     node_exporter --collector.textfile.directory)\n";

int cmd_metrics_write(const char *db, const char *output)
{
	struct ol_analysis *a = NULL;
	struct ol_out *of = NULL;
	char *err = NULL;
	int c, ret = 1;

	a = ol_analysis_load(db, &err);
	if (!a) {
		cmd_error_file(db, err ? err : "cannot load the analysis");
		goto out;
	}
	if (output) {
		of = ol_out_open(output, &err);
		if (!of) {
			fprintf(stderr, "oomlens: %s\n", err);
			goto out;
		}
	}
	if (ol_metrics_render(a, of ? ol_out_file(of) : stdout, &err)) {
		if (output)
			fprintf(stderr, "oomlens: '%s': %s\n", output, err ? err : "out of memory");
		else
			fprintf(stderr, "oomlens: standard output: %s\n", err ? err : "out of memory");
		goto out;
	}
	if (!of && (fflush(stdout) || ferror(stdout))) {
		fprintf(stderr, "oomlens: standard output: write error: %s\n", strerror(errno));
		goto out;
	}
	c = of ? ol_out_commit(of, &err) : 0;
	of = NULL;
	if (c) {
		fprintf(stderr, "oomlens: %s\n", err);
		goto out;
	}
	ret = 0;
out:
	ol_out_abort(of);
	ol_analysis_free(a);
	free(err);
	return ret;
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
