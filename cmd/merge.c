// SPDX-License-Identifier: GPL-2.0
/* `oomlens merge DB... -o OUT`: several hosts' or boots' analyses in one. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "cmd/cmd.h"

const char cmd_merge_usage[] =
	"usage: oomlens merge DB... -o OUT\n"
		"\n"
		"  -o, --output OUT   the merged database to create (it must not exist)\n";

int cmd_merge(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help",   no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL;
	char *err = NULL;
	int c, n;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'h':
			return cmd_usage("merge", stdout, 0);
		default:
			return cmd_usage("merge", stderr, 2);
		}
	}
	if (!output || optind >= argc) {
		fprintf(stderr, "oomlens: merge needs databases and -o OUT\n");
		return cmd_usage("merge", stderr, 2);
	}
	n = argc - optind;
	if (ol_merge(output, (const char *const *)argv + optind, (size_t)n, &err)) {
		fprintf(stderr, "oomlens: %s\n", err ? err : "out of memory");
		free(err);
		return 1;
	}
	fprintf(stderr, "oomlens: merged %d database%s into '%s'; see 'oomlens report %s'\n",
		n, n == 1 ? "" : "s", output, output);
	return 0;
}
