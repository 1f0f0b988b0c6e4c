// SPDX-License-Identifier: GPL-2.0
/*
 * Undoing what transports did to a whole kernel log before its lines are
 * read: the journal's structured outputs (`journalctl -o json`,
 * `json-pretty`, `json-seq`, `export`) become one "[seconds] message"
 * line per entry (the kernel's own stamp, _SOURCE_MONOTONIC_TIMESTAMP,
 * when the entry has it), and quoted-printable mail bodies ("=3D",
 * soft line breaks "=\n") are decoded.  JSON is read with jansson.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect-local.h"

static const char *first_byte(const char *p, size_t len)
{
	const char *e = p + len;

	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == 0x1e))
		p++;
	return p;
}

bool ol_journal_probe(const char *buf, size_t len)
{
	const char *p = first_byte(buf, len);
	size_t n = len - (size_t)(p - buf), win = n < 65536 ? n : 65536;

	if (n && *p == '{')
		return memmem(p, win, "\"MESSAGE\"", 9) != NULL;
	return (n > 9 && !strncmp(p, "__CURSOR=", 9)) ||
	       (n > 21 && !strncmp(p, "__REALTIME_TIMESTAMP=", 21) &&
		memmem(p, win, "\nMESSAGE=", 9));
}

/* One entry's line(s): "[s.us] msg" (monotonic) or "@s.us msg" (epoch). */
static void emit(struct ol_buf *out, const char *mono_us, const char *real_us,
		 const char *msg, size_t n)
{
	const char *p = msg, *e = msg + n, *nl;
	char stamp[48] = "";
	unsigned long long us;

	if (mono_us && sscanf(mono_us, "%llu", &us) == 1)
		snprintf(stamp, sizeof(stamp), "[%5llu.%06llu] ", us / 1000000, us % 1000000);
	else if (real_us && sscanf(real_us, "%llu", &us) == 1)
		snprintf(stamp, sizeof(stamp), "%010llu.%06llu kernel: ", us / 1000000, us % 1000000);
	/* a multi-line MESSAGE: each line with the entry's stamp */
	for (; p <= e; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl)
			nl = e;
		if (nl > p || p == msg) {
			ol_buf_puts(out, stamp);
			ol_buf_add(out, p, (size_t)(nl - p));
			ol_buf_add(out, "\n", 1);
		}
		if (nl == e)
			break;
	}
}

/* MESSAGE as a string, or as an array of bytes (not valid UTF-8). */
static const char *message_of(json_t *v, char **owned, size_t *n)
{
	size_t i;

	*owned = NULL;
	if (json_is_string(v)) {
		*n = json_string_length(v);
		return json_string_value(v);
	}
	if (!json_is_array(v))
		return NULL;
	*owned = malloc(json_array_size(v) + 1);
	if (!*owned)
		return NULL;
	for (i = 0; i < json_array_size(v); i++)
		(*owned)[i] = (char)json_integer_value(json_array_get(v, i));
	*n = i;
	return *owned;
}

static int from_json(const char *p, const char *e, struct ol_buf *out, long long *bad)
{
	while (p < e) {
		json_error_t jerr;
		json_t *o, *m;
		const char *t, *mono, *real;
		char *owned;
		size_t n;

		p = first_byte(p, (size_t)(e - p));
		if (p >= e)
			break;
		o = json_loadb(p, (size_t)(e - p), JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &jerr);
		if (!o) {
			/* skip to the next line and go on: counted, not fatal */
			const char *nl = memchr(p, '\n', (size_t)(e - p));

			(*bad)++;
			p = nl ? nl + 1 : e;
			continue;
		}
		p += jerr.position;
		t = json_string_value(json_object_get(o, "_TRANSPORT"));
		m = json_object_get(o, "MESSAGE");
		mono = json_string_value(json_object_get(o, "_SOURCE_MONOTONIC_TIMESTAMP"));
		if (!mono)
			mono = json_string_value(json_object_get(o, "__MONOTONIC_TIMESTAMP"));
		real = json_string_value(json_object_get(o, "__REALTIME_TIMESTAMP"));
		if (m && (!t || !strcmp(t, "kernel"))) {
			const char *msg = message_of(m, &owned, &n);

			if (msg)
				emit(out, mono, real, msg, n);
			free(owned);
		}
		json_decref(o);
	}
	return out->oom ? -1 : 0;
}

/* `journalctl -o export`: "KEY=value" lines, a blank line after each
 * entry; a binary value is "KEY\n" + 64-bit little-endian size + bytes. */
static int from_export(const char *p, const char *e, struct ol_buf *out)
{
	char mono[32] = "", real[32] = "";
	const char *msg = NULL;
	size_t mlen = 0;
	bool kernel = true;

	while (p <= e) {
		const char *nl = p < e ? memchr(p, '\n', (size_t)(e - p)) : NULL, *eq;
		size_t n;

		if (!nl)
			nl = e;
		n = (size_t)(nl - p);
		if (!n) {	/* end of an entry */
			if (msg && kernel)
				emit(out, mono[0] ? mono : NULL, real[0] ? real : NULL, msg, mlen);
			msg = NULL;
			mono[0] = real[0] = '\0';
			kernel = true;
			if (nl >= e)
				break;
			p = nl + 1;
			continue;
		}
		eq = memchr(p, '=', n);
		if (!eq) {	/* binary field */
			unsigned long long sz = 0;
			int i;

			if (e - nl < 9)
				break;
			for (i = 0; i < 8; i++)
				sz |= (unsigned long long)(unsigned char)nl[1 + i] << (8 * i);
			if (sz > (unsigned long long)(e - nl - 9))
				break;
			if (n == 7 && !strncmp(p, "MESSAGE", 7))
				msg = nl + 9, mlen = (size_t)sz;
			p = nl + 9 + sz + 1;
			continue;
		}
#define FIELD(k) ((size_t)(eq - p) == strlen(k) && !strncmp(p, k, strlen(k)))
		if (FIELD("MESSAGE"))
			msg = eq + 1, mlen = (size_t)(nl - eq - 1);
		else if (FIELD("_SOURCE_MONOTONIC_TIMESTAMP") ||
			 (FIELD("__MONOTONIC_TIMESTAMP") && !mono[0]))
			snprintf(mono, sizeof(mono), "%.*s", (int)(nl - eq - 1), eq + 1);
		else if (FIELD("__REALTIME_TIMESTAMP"))
			snprintf(real, sizeof(real), "%.*s", (int)(nl - eq - 1), eq + 1);
		else if (FIELD("_TRANSPORT"))
			kernel = (size_t)(nl - eq - 1) == 6 && !strncmp(eq + 1, "kernel", 6);
#undef FIELD
		if (nl >= e) {
			if (msg && kernel)
				emit(out, mono[0] ? mono : NULL, real[0] ? real : NULL, msg, mlen);
			break;
		}
		p = nl + 1;
	}
	return out->oom ? -1 : 0;
}

char *ol_journal_to_text(const char *buf, size_t len, size_t *outlen, const char **style,
			 long long *bad)
{
	struct ol_buf out = { 0 };
	const char *p = first_byte(buf, len), *e = buf + len;
	int r;

	*bad = 0;
	if (p < e && *p == '{') {
		r = from_json(p, e, &out, bad);
		*style = "journalctl -o json";
	} else {
		r = from_export(p, e, &out);
		*style = "journalctl -o export";
	}
	if (r || !out.s) {
		ol_buf_free(&out);
		if (!r) {
			*outlen = 0;
			return strdup("");
		}
		return NULL;
	}
	*outlen = out.len;
	return out.s;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Quoted-printable (RFC 2045): a mail body with "=3D" for '=' and a '='
 * at the end of a line that a soft break split.  A kernel OOM report is
 * full of '=' (gfp_mask=, order=), so "=3D" in the text says the whole
 * text is quoted-printable.
 */
bool ol_qp_probe(const char *buf, size_t len)
{
	/* a mail is small: its first MB says (a log of weeks is not scanned) */
	return memmem(buf, len < (1 << 20) ? len : (1 << 20), "=3D", 3) != NULL;
}

char *ol_qp_decode(const char *buf, size_t len, size_t *outlen)
{
	char *out = malloc(len + 1), *o = out;
	const char *p = buf, *e = buf + len;

	if (!out)
		return NULL;
	while (p < e) {
		int h, l;

		if (*p != '=') {
			*o++ = *p++;
			continue;
		}
		if (p + 1 < e && p[1] == '\n') {
			p += 2;		/* soft line break */
			continue;
		}
		if (p + 2 < e && p[1] == '\r' && p[2] == '\n') {
			p += 3;
			continue;
		}
		if (p + 2 < e && (h = hexval(p[1])) >= 0 && (l = hexval(p[2])) >= 0) {
			*o++ = (char)(h * 16 + l);
			p += 3;
			continue;
		}
		*o++ = *p++;
	}
	*o = '\0';
	*outlen = (size_t)(o - out);
	return out;
}
