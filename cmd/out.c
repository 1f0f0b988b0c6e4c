// SPDX-License-Identifier: GPL-2.0
/*
 * Output files written all or nothing (export, metrics), through
 * cmd/outfile.c as report -o: a regular file is a temporary in the same
 * directory, fsync()ed and renamed over the target only once complete,
 * so a reader (node_exporter's textfile collector, a warehouse loader)
 * never sees half a file and a failure leaves the old file in place; a
 * symlink, FIFO or device is written in place; "-" is stdout.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/outfile.h"

struct cmd_out {
	struct ol_out	*o;
};

struct cmd_out *cmd_out_open(const char *path)
{
	struct cmd_out *c = calloc(1, sizeof(*c));
	char *err = NULL;

	if (!c) {
		fprintf(stderr, "oomlens: '%s': cannot create: %s\n", path ? path : "-",
			strerror(ENOMEM));
		return NULL;
	}
	c->o = ol_out_open(path ? path : "-", &err);
	if (!c->o) {
		fprintf(stderr, "oomlens: %s\n", err ? err : "cannot create the output");
		free(err);
		free(c);
		return NULL;
	}
	return c;
}

FILE *cmd_out_file(struct cmd_out *c)
{
	return ol_out_file(c->o);
}

int cmd_out_close(struct cmd_out *c, int ok)
{
	char *err = NULL;
	int ret = -1;

	if (!ok) {
		ol_out_abort(c->o);
	} else if (ol_out_commit(c->o, &err)) {
		fprintf(stderr, "oomlens: %s\n", err ? err : "write error");
		free(err);
	} else {
		ret = 0;
	}
	free(c);
	return ret;
}
