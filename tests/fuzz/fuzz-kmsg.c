// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: bytes as a kernel log.  Each line goes through the line
 * parser, then the whole file through the kmsg importer (stamps, report
 * windows, continuation joining, clock choice) into a fresh database and
 * the analysis.
 */
#include "tests/fuzz/fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ol_kmsg_fact fact;
	char *copy = malloc(size + 1), *line, *nl;

	fuzz_setup();
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (line = copy; line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		(void)ol_kmsg_parse_line(line, &fact);
	}
	free(copy);
	fuzz_write(data, size);
	fuzz_import(OL_FILE_KMSG);
	return 0;
}
