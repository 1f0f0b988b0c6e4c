// SPDX-License-Identifier: GPL-2.0
/*
 * Output files written all or nothing: a temporary file in the same
 * directory, fsync()ed and renamed over the target only once complete,
 * so a reader (node_exporter's textfile collector, a warehouse loader)
 * never sees half a file and a failure leaves the old file in place.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"

struct cmd_out {
	FILE	*f;
	char	*path, *tmp;	/* NULL for stdout */
};

struct cmd_out *cmd_out_open(const char *path)
{
	struct cmd_out *o = calloc(1, sizeof(*o));
	mode_t mask;
	int fd = -1;

	if (!o)
		goto fail;
	if (!path || !strcmp(path, "-")) {
		o->f = stdout;
		return o;
	}
	o->path = strdup(path);
	if (!o->path || asprintf(&o->tmp, "%s.tmpXXXXXX", path) < 0) {
		o->tmp = NULL;
		goto fail;
	}
	fd = mkstemp(o->tmp);
	if (fd < 0)
		goto fail;
	/* mkstemp makes 0600; the output is an ordinary file */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask))
		goto fail;
	o->f = fdopen(fd, "w");
	if (!o->f)
		goto fail;
	return o;
fail:
	fprintf(stderr, "oomlens: '%s': cannot create: %s\n", path ? path : "-",
		strerror(errno ? errno : ENOMEM));
	if (fd >= 0) {
		close(fd);
		unlink(o->tmp);
	}
	if (o) {
		free(o->path);
		free(o->tmp);
		free(o);
	}
	return NULL;
}

FILE *cmd_out_file(struct cmd_out *o)
{
	return o->f;
}

int cmd_out_close(struct cmd_out *o, int ok)
{
	int ret = ok ? 0 : -1;

	if (!o->tmp) {
		if (ok && (fflush(o->f) || ferror(o->f))) {
			fprintf(stderr, "oomlens: standard output: write error: %s\n",
				strerror(errno));
			ret = -1;
		}
		goto out;
	}
	if (ok && (fflush(o->f) || ferror(o->f) || fsync(fileno(o->f)))) {
		fprintf(stderr, "oomlens: '%s': write error: %s\n", o->path, strerror(errno));
		ret = -1;
	}
	if (fclose(o->f) && !ret) {
		fprintf(stderr, "oomlens: '%s': write error: %s\n", o->path, strerror(errno));
		ret = -1;
	}
	if (!ret && rename(o->tmp, o->path)) {
		fprintf(stderr, "oomlens: '%s': cannot rename into place: %s\n", o->path,
			strerror(errno));
		ret = -1;
	}
	if (ret)
		unlink(o->tmp);
out:
	free(o->path);
	free(o->tmp);
	free(o);
	return ret;
}
