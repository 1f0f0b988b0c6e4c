// SPDX-License-Identifier: GPL-2.0
/*
 * What kind of file `oomlens import` was given, by content, never by
 * name: logs are called anything (kern.log.1, messages, out.txt).
 */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/collect-local.h"

#define PROBE_BYTES	(64 * 1024)

const char *ol_file_kind_name(enum ol_file_kind k)
{
	switch (k) {
	case OL_FILE_EMPTY:		return "empty";
	case OL_FILE_BINARY:		return "binary data";
	case OL_FILE_TRACEDAT:		return "trace.dat";
	case OL_FILE_FTRACE_TEXT:	return "ftrace text";
	case OL_FILE_KMSG:		return "kernel log";
	default:			return "unknown text";
	}
}

/*
 * NUL bytes, or control bytes in a good part of it: not text.  A log is
 * still text with a line of garbage in it (a corrupted disk block, a
 * serial console's noise): random bytes are 12% control bytes, so a few
 * KB of them in a small log must not turn the whole file into "binary";
 * the kernel-log and ftrace probes then decide.
 */
static bool binary(const unsigned char *b, size_t n)
{
	size_t i, ctl = 0;

	for (i = 0; i < n; i++) {
		if (!b[i])
			return true;
		if (b[i] < 0x20 && b[i] != '\n' && b[i] != '\r' && b[i] != '\t')
			ctl++;
	}
	return ctl * 10 > n * 3;
}

enum ol_file_kind ol_detect_file(const char *path)
{
	char *buf = malloc(PROBE_BYTES + 1);
	enum ol_file_kind k = OL_FILE_UNKNOWN;
	ssize_t n = -1;
	size_t len;
	int fd;

	if (!buf)
		return OL_FILE_UNKNOWN;
	if (ol_probe_tracedat(path)) {
		free(buf);
		return OL_FILE_TRACEDAT;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, PROBE_BYTES);
		close(fd);
	}
	if (n < 0)
		goto out;
	len = (size_t)n;
	buf[len] = '\0';
	if (len == 0)
		k = OL_FILE_EMPTY;
	else if (binary((unsigned char *)buf, len))
		k = OL_FILE_BINARY;
	else if (ol_ftrace_probe_text(buf, len))
		k = OL_FILE_FTRACE_TEXT;
	else if (ol_kmsg_probe_text(buf, len))
		k = OL_FILE_KMSG;
out:
	free(buf);
	return k;
}
