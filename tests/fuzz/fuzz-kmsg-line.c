// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer, in process, parser only: every line of the input through the
 * kernel-log line parser (ol_kmsg_parse_line), no file, no database.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ol_kmsg_fact fact;
	char *copy = malloc(size + 1), *line, *nl;

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
	return 0;
}
