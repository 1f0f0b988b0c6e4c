// SPDX-License-Identifier: GPL-2.0
/* A growable string buffer, and JSON string escaping for event fields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect-local.h"

static int buf_grow(struct ol_buf *b, size_t extra)
{
	size_t cap;
	char *s;

	if (b->oom)
		return -1;
	if (b->len + extra + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1)
		cap *= 2;
	s = realloc(b->s, cap);
	if (!s) {
		b->oom = 1;
		return -1;
	}
	b->s = s;
	b->cap = cap;
	return 0;
}

void ol_buf_reset(struct ol_buf *b)
{
	b->len = 0;
	b->oom = 0;
	if (b->s)
		b->s[0] = '\0';
}

void ol_buf_free(struct ol_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

void ol_buf_add(struct ol_buf *b, const char *s, size_t n)
{
	if (buf_grow(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void ol_buf_puts(struct ol_buf *b, const char *s)
{
	ol_buf_add(b, s, strlen(s));
}

void ol_buf_printf(struct ol_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/*
 * Kernel strings (comm, printk text, cgroup paths) are untrusted bytes:
 * control characters and invalid bytes become \u00XX so the JSON stays
 * valid whatever a task called itself.
 */
void ol_buf_json_str(struct ol_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	ol_buf_add(b, "\"", 1);
	for (i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			ol_buf_add(b, e, 2);
		} else if (c < 0x20 || c >= 0x7f) {
			ol_buf_add(b, esc, 6);
		} else {
			ol_buf_add(b, (const char *)&c, 1);
		}
	}
	ol_buf_add(b, "\"", 1);
}

char *ol_strdupf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}
