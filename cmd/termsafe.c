// SPDX-License-Identifier: GPL-2.0
/*
 * Everything oomlens writes to stderr passes through one filter, because
 * error lines quote what files hold: a table name in SQLite's own error
 * text, a comm, a cgroup path, a file name.  A control character, a C1
 * code or a bidi override from a file must not reach the terminal (an
 * OSC 52 sequence writes the clipboard; U+202E reorders what is seen):
 * they are shown as \xNN or \u{NNNN} instead.  What oomlens prints on
 * purpose passes: newline, tab, and the status line's "\r" + "ESC [ K".
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/termsafe.h"

static int put(const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(2, s, n);

		if (w < 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A code point a terminal acts on rather than shows. */
static int dangerous(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0xfeff;
}

/* Length of the valid UTF-8 sequence at @s (1..4) and its code point, 0 if invalid. */
static size_t utf8(const unsigned char *s, size_t n, unsigned *cp)
{
	size_t len, i;
	unsigned c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, c &= 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, c &= 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, c &= 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* overlong forms and surrogates are not text */
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

size_t ol_term_escape(char *out, size_t cap, const char *in, size_t n)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, o = 0;

	while (i < n) {
		char esc[16];
		unsigned cp = 0;
		size_t len = utf8(s + i, n - i, &cp), el = 0;

		if (s[i] == '\n' || s[i] == '\t') {
			len = 1;
		} else if (s[i] == '\r' && n - i >= 4 && !memcmp(s + i, "\r\033[K", 4)) {
			len = 4;
		} else if (s[i] == '\033' && n - i >= 3 && !memcmp(s + i, "\033[K", 3)) {
			len = 3;
		} else if (!len) {
			el = (size_t)snprintf(esc, sizeof(esc), "\\x%02x", s[i]);
			len = 1;
		} else if (cp < 0x20 || cp == 0x7f) {
			el = (size_t)snprintf(esc, sizeof(esc), "\\x%02x", cp);
		} else if (dangerous(cp)) {
			el = (size_t)snprintf(esc, sizeof(esc), "\\u{%04x}", cp);
		}
		if (el) {
			if (o + el > cap)
				break;
			memcpy(out + o, esc, el);
			o += el;
		} else {
			if (o + len > cap)
				break;
			memcpy(out + o, s + i, len);
			o += len;
		}
		i += len;
	}
	return o;
}

static ssize_t cookie_write(void *c, const char *buf, size_t n)
{
	char out[4096];
	size_t done = 0;

	/* escapes grow at most 8x (\u{NNNN} for 3 bytes; \xNN for 1) */
	while (done < n) {
		size_t chunk = n - done < sizeof(out) / 8 ? n - done : sizeof(out) / 8;
		size_t o;

		/* do not split a UTF-8 sequence between two chunks */
		while (chunk < n - done && chunk > 1 &&
		       ((unsigned char)buf[done + chunk] & 0xc0) == 0x80)
			chunk--;
		o = ol_term_escape(out, sizeof(out), buf + done, chunk);
		if (put(out, o))
			return done ? (ssize_t)done : -1;
		done += chunk;
	}
	return (ssize_t)n;
}

int ol_stderr_filter(void)
{
	cookie_io_functions_t io = { .write = cookie_write };
	FILE *f = fopencookie(NULL, "w", io);

	if (!f)
		return -1;
	/* unbuffered: one fprintf is one write, status lines show at once */
	setvbuf(f, NULL, _IONBF, 0);
	stderr = f;
	return 0;
}
