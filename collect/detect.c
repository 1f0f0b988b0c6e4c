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

/* A trace.dat starts with "\027\010\104tracing" (trace-cmd's magic). */
static bool tracedat_magic(const char *buf, size_t len)
{
	return len >= 10 && !memcmp(buf, "\027\010\104tracing", 10);
}

enum ol_file_kind ol_detect_buf(const char *buf, size_t len)
{
	char *probe;
	enum ol_file_kind k = OL_FILE_UNKNOWN;
	size_t full;

	if (!buf || len == 0)	/* !buf: GCC's -Wnonnull with sanitizers */
		return OL_FILE_EMPTY;
	if (tracedat_magic(buf, len))
		return OL_FILE_TRACEDAT;
	full = len;
	if (len > PROBE_BYTES)
		len = PROBE_BYTES;
	if (binary((const unsigned char *)buf, len))
		return OL_FILE_BINARY;
	/* the probes read a NUL-terminated copy */
	probe = malloc(len + 1);
	if (!probe)
		return OL_FILE_UNKNOWN;
	memcpy(probe, buf, len);
	probe[len] = '\0';
	if (ol_ftrace_probe_text(probe, len))
		k = OL_FILE_FTRACE_TEXT;
	else if (ol_kmsg_probe_text(probe, len))
		k = OL_FILE_KMSG;
	free(probe);
	/* a paste whose first 64 KB are Mem-Info or a task table: a line
	 * only the kernel's OOM killer prints, anywhere in it */
	if (k == OL_FILE_UNKNOWN && buf && full > len &&
	    (memmem(buf, full, " invoked oom-killer", 19) || memmem(buf, full, "Killed process ", 15)))
		k = OL_FILE_KMSG;
	return k;
}

enum ol_file_kind ol_detect_file(const char *path)
{
	struct ol_input in;
	enum ol_file_kind k = OL_FILE_UNKNOWN;
	char *err = NULL;

	if (!ol_input_open(&in, path, &err))
		k = ol_detect_buf(in.data, in.len);
	free(err);
	ol_input_close(&in);
	return k;
}
