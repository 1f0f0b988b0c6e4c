// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer, in process, parser only: every line of the input through the
 * ftrace text line parser and field splitter (ol_ftrace_parse_line), no
 * file, no database.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect-local.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ol_buf fields;
	struct ol_ftrace_event ev;
	const char *p = (const char *)data, *end = p + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = malloc(n + 1);

		if (!line)
			return 0;
		memcpy(line, p, n);
		line[n] = '\0';
		(void)ol_ftrace_parse_line(line, n, &fields, &ev);
		free(line);
		p += n + 1;
	}
	return 0;
}
