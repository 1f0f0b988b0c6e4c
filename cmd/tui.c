// SPDX-License-Identifier: GPL-2.0
/* `oomlens tui DB`: checks the database and the terminal, then the browser. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "analyze/analyze.h"
#include "tui/tui.h"

const char cmd_tui_usage[] =
	"usage: oomlens tui DB\n"
	"  browse victims, timelines and verdicts in a terminal; ? shows the keys\n";

int cmd_tui(int argc, char **argv)
{
	struct ol_analysis *a = NULL;
	const char *path;
	char *err = NULL;
	struct stat st;
	int ret = 1;

	if (argc == 2 && cmd_is_help(argv[1]))
		return cmd_usage("tui", stdout, 0);
	if (argc != 2 || argv[1][0] == '-')
		return cmd_usage("tui", stderr, 2);
	path = argv[1];
	/* sqlite would create a missing file; say what is wrong instead */
	if (stat(path, &st) < 0) {
		fprintf(stderr, "oomlens: '%s': %s\n", path, strerror(errno));
		return 1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		fprintf(stderr, "oomlens: '%s': %s\n", path,
			S_ISREG(st.st_mode) ? "empty file, not an oomlens database" :
			"not a regular file");
		return 1;
	}
	a = ol_analysis_load(path, &err);
	if (!a) {
		cmd_error_file(path, err ? err : "cannot load");
		goto out;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "oomlens: tui: standard input and output must be a terminal\n");
		goto out;
	}
	free(err);
	err = NULL;
	ret = ol_tui_run(a, path, &err);
	if (ret < 0) {
		fprintf(stderr, "oomlens: tui: %s\n", err ? err : "out of memory");
		ret = 1;
	}
out:
	free(err);
	if (a)
		ol_analysis_free(a);
	return ret;
}
