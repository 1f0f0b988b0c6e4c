// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer, in process: bytes as a trace.dat in a memory file (memfd),
 * through oomlens's checks, libtracecmd and the record decoder
 * (ol_import_tracedat with no store: every record decoded, nothing
 * written).  Inputs without the trace-cmd magic are given it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "collect/collect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t magic[10] = { 23, 8, 68, 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	static int fd = -1;
	static char path[64];
	char *err = NULL;

	if (size < sizeof(magic))
		return 0;
	if (fd < 0) {
		fd = memfd_create("oomlens-fuzz.dat", MFD_CLOEXEC);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || pwrite(fd, magic, sizeof(magic), 0) != (ssize_t)sizeof(magic) ||
	    pwrite(fd, data + sizeof(magic), size - sizeof(magic), sizeof(magic)) !=
	    (ssize_t)(size - sizeof(magic)))
		abort();
	if (ol_import_tracedat(NULL, path, NULL, NULL, &err) && !err)
		abort();	/* a failure must say why */
	free(err);
	return 0;
}
