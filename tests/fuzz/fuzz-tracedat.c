// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: bytes as a trace.dat, through libtracecmd and our importer
 * into a fresh database and the analysis.  Inputs without the trace-cmd
 * magic are given it, so that mutations spend their time past the probe.
 */
#include "tests/fuzz/fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t magic[10] = { 23, 8, 68, 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	uint8_t *buf;

	fuzz_setup();
	if (size < sizeof(magic))
		return 0;
	buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	memcpy(buf, magic, sizeof(magic));
	fuzz_write(buf, size);
	free(buf);
	fuzz_import(OL_FILE_TRACEDAT);
	return 0;
}
