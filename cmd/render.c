// SPDX-License-Identifier: GPL-2.0
/*
 * The tail that report, export and metrics share: load a database's
 * analysis, render it into the output the user named (cmd/outfile.c:
 * atomic for a regular file, in place for a link, FIFO or device,
 * standard output for none or "-"), and say on stderr what failed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "cmd/cmd.h"
#include "cmd/outfile.h"

int cmd_render(const char *db, const char *output, cmd_render_fn *render, void *arg)
{
	struct ol_analysis *a = NULL;
	struct ol_out *of = NULL;
	FILE *out = stdout;
	char *err = NULL;
	int c, ret = 1;

	if (output && !strcmp(output, "-"))
		output = NULL;
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
		out = ol_out_file(of);
	}
	if (render(a, out, arg, &err)) {
		/* a failed write names the output; anything else the database */
		if (ferror(out))
			fprintf(stderr, "oomlens: %s%s%s: %s\n", output ? "'" : "",
				output ? output : "standard output", output ? "'" : "",
				err ? err : "write error");
		else
			cmd_error_file(db, err ? err : "out of memory");
		goto out;
	}
	if (of) {
		c = ol_out_commit(of, &err);
		of = NULL;
		if (c) {
			fprintf(stderr, "oomlens: %s\n", err);
			goto out;
		}
	} else if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "oomlens: standard output: write error: %s\n", strerror(errno));
		goto out;
	}
	ret = 0;
out:
	ol_out_abort(of);
	free(err);
	if (a)
		ol_analysis_free(a);
	return ret;
}
