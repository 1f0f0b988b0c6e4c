// SPDX-License-Identifier: GPL-2.0
/* Small helpers of analyze/: strings, a hash map, flat JSON field access. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze-local.h"

char *ol_xstrdup(const char *s)
{
	return strdup(s ? s : "");
}

char *ol_vfmt(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

char *ol_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = ol_vfmt(fmt, ap);
	va_end(ap);
	return s;
}

/* Make room for @need elements of @size in @p (capacity *@cap); aborts never:
 * returns NULL on allocation failure with @p untouched. */
void *ol_grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 8;
	void *np;

	if (need <= *cap)
		return p;
	while (ncap < need)
		ncap *= 2;
	np = realloc(p, ncap * size);
	if (!np)
		return NULL;
	memset((char *)np + *cap * size, 0, (ncap - *cap) * size);
	*cap = ncap;
	return np;
}

const char *ol_rel(const struct ol_build *b, char *buf, size_t len, int64_t d)
{
	int64_t s;

	if (d == OL_NONE) {
		snprintf(buf, len, "?");
	} else if (b->era.res_ns >= NS_PER_SEC) {
		/* whole seconds: no digits the clock does not have */
		s = (d < 0 ? -d : d) + NS_PER_SEC / 2;
		s /= NS_PER_SEC;
		if (s)
			snprintf(buf, len, "%s%llds", d < 0 ? "-" : "+", (long long)s);
		else
			snprintf(buf, len, "<1s");
	} else
		/* rounded to the ms; what rounds to zero has no minus sign */
		snprintf(buf, len, "%s%.3fs", d <= -500000 ? "-" : "+",
			 (double)(d < 0 ? -d : d) / 1e9);
	return buf;
}

/* ---- int64 -> int64 map, linear probing; INT64_MIN marks a free slot ---- */

static size_t map_slot(int64_t key, size_t cap)
{
	uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ULL;

	return (size_t)(h >> 17) & (cap - 1);
}

static void map_rehash(struct ol_map *m, size_t ncap)
{
	int64_t *ok = m->keys, *ov = m->vals;
	size_t ocap = m->cap, i;

	m->keys = malloc(ncap * sizeof(*m->keys));
	m->vals = malloc(ncap * sizeof(*m->vals));
	if (!m->keys || !m->vals) {	/* keep the old table */
		free(m->keys);
		free(m->vals);
		m->keys = ok;
		m->vals = ov;
		return;
	}
	for (i = 0; i < ncap; i++)
		m->keys[i] = INT64_MIN;
	m->cap = ncap;
	m->n = 0;
	for (i = 0; i < ocap; i++)
		if (ok[i] != INT64_MIN)
			ol_map_set(m, ok[i], ov[i]);
	free(ok);
	free(ov);
}

void ol_map_set(struct ol_map *m, int64_t key, int64_t val)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap)
		map_rehash(m, m->cap ? m->cap * 2 : 64);
	if (!m->cap || (m->n + 1) >= m->cap)
		return;
	for (i = map_slot(key, m->cap); m->keys[i] != INT64_MIN; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key) {
			m->vals[i] = val;
			return;
		}
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
}

bool ol_map_get(const struct ol_map *m, int64_t key, int64_t *val)
{
	size_t i;

	if (!m->cap)
		return false;
	for (i = map_slot(key, m->cap); m->keys[i] != INT64_MIN; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key) {
			*val = m->vals[i];
			return true;
		}
	return false;
}

void ol_map_free(struct ol_map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* ---- flat JSON objects as collect/ writes them: {"k":v,"k":"s",...} ---- */

static const char *skip_str(const char *p)
{
	/* p at the opening quote; returns the char after the closing quote */
	for (p++; *p && *p != '"'; p++)
		if (*p == '\\' && p[1])
			p++;
	return *p ? p + 1 : p;
}

bool ol_json_raw(const char *json, const char *key, const char **val, size_t *len,
		 bool *is_str)
{
	size_t klen = strlen(key);
	const char *p = json;

	if (!p)
		return false;
	while (*p && *p != '{')
		p++;
	if (*p)
		p++;
	while (*p) {
		const char *k, *v;

		while (*p == ' ' || *p == ',')
			p++;
		if (*p != '"')
			return false;
		k = p + 1;
		p = skip_str(p);
		while (*p == ' ' || *p == ':')
			p++;
		v = p;
		if (*p == '"')
			p = skip_str(p);
		else
			while (*p && *p != ',' && *p != '}')
				p++;
		if ((size_t)(p - v) > 0 && !strncmp(k, key, klen) && k[klen] == '"') {
			*is_str = *v == '"';
			*val = *is_str ? v + 1 : v;
			*len = *is_str ? (size_t)(p - v) - 2 : (size_t)(p - v);
			return true;
		}
		if (*p == '}')
			break;
	}
	return false;
}

bool ol_json_int(const char *json, const char *key, int64_t *out)
{
	const char *v;
	size_t len;
	bool s;
	char tmp[40];
	char *end;

	if (!ol_json_raw(json, key, &v, &len, &s) || !len || len >= sizeof(tmp))
		return false;
	memcpy(tmp, v, len);
	tmp[len] = 0;
	if (!strcmp(tmp, "null"))
		return false;
	if (tmp[0] == '0' && (tmp[1] == 'x' || tmp[1] == 'X'))
		*out = (int64_t)strtoull(tmp, &end, 16);
	else
		*out = strtoll(tmp, &end, 10);
	return end != tmp;
}

bool ol_json_str(const char *json, const char *key, char *buf, size_t len)
{
	const char *v;
	size_t n, o = 0, i;
	bool s;

	if (!len || !ol_json_raw(json, key, &v, &n, &s))
		return false;
	for (i = 0; i < n && o + 1 < len; i++) {
		char c = v[i];

		if (c == '\\' && i + 1 < n) {
			c = v[++i];
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': case 'f': c = ' '; break;
			case 'u':
				/* control chars and non-ASCII escapes: keep a '?' */
				c = '?';
				i += (i + 4 < n) ? 4 : n - i - 1;
				break;
			default: break;	/* \" \\ \/ */
			}
		}
		buf[o++] = c;
	}
	buf[o] = 0;
	return true;
}

/*
 * One integer value at @v as ol_json_ints() reads it: a number, or a
 * "0x..." string (pointers).  Writes *@out even when it fails, as
 * strtoll() does (0): callers rely on the found mask, not on *@out.
 * Plain decimal and hex values are parsed inline (the hot path: millions
 * of rss_stat rows); anything unusual goes through strtoll/strtoull.
 */
static bool json_int_at(const char *v, int64_t *out)
{
	const char *q;
	uint64_t x = 0;
	char *end;
	int n;

	if (*v == '"' && v[1] == '0' && v[2] == 'x') {
		for (q = v + 3, n = 0; n < 16; q++, n++) {
			unsigned d = (unsigned char)*q;

			if (d - '0' < 10)
				d -= '0';
			else if ((d | 0x20) - 'a' < 6)
				d = (d | 0x20) - 'a' + 10;
			else
				break;
			x = x << 4 | d;
		}
		if (n && (n < 16 || !((unsigned)(*q - '0') < 10 ||
				      (unsigned)((*q | 0x20) - 'a') < 6))) {
			*out = (int64_t)x;
			return true;
		}
		*out = (int64_t)strtoull(v + 3, &end, 16);
		return true;	/* end != v always: as the original test */
	}
	q = v + (*v == '-');
	if ((unsigned)(*q - '0') < 10) {
		for (n = 0; n < 18 && (unsigned)(*q - '0') < 10; q++, n++)
			x = x * 10 + (unsigned)(*q - '0');
		if ((unsigned)(*q - '0') >= 10) {
			*out = *v == '-' ? -(int64_t)x : (int64_t)x;
			return true;
		}
	}
	*out = strtoll(v, &end, 10);
	return end != v;
}

/*
 * Several integer fields in one pass over the object (the hot path:
 * rss_stat and mmap_lock are most of the events).  Returns a bit mask of
 * the keys found; a key given twice: the last one counts.
 */
unsigned ol_json_ints(const char *json, const char *const *keys, int n, int64_t *out)
{
	const char *p = json;
	unsigned found = 0;
	int i;

	if (!p)
		return 0;
	while (*p && *p != '{')
		p++;
	if (*p)
		p++;
	while (*p) {
		const char *k, *v;
		size_t klen;

		while (*p == ' ' || *p == ',')
			p++;
		if (*p != '"')
			break;
		k = p + 1;
		p = skip_str(p);
		klen = (size_t)(p - k) - 1;
		while (*p == ' ' || *p == ':')
			p++;
		v = p;
		if (*p == '"')
			p = skip_str(p);
		else
			while (*p && *p != ',' && *p != '}')
				p++;
		for (i = 0; i < n; i++) {
			const char *a = keys[i];
			size_t j = 0;

			/* stops at a's NUL: the key text has none */
			while (j < klen && a[j] == k[j])
				j++;
			if (j != klen || a[klen])
				continue;
			if (json_int_at(v, &out[i]))
				found |= 1u << i;
			break;
		}
		if (*p == '}')
			break;
	}
	return found;
}

unsigned ol_row_ints(const struct ol_row *r, const char *const *keys, int n, int64_t *out)
{
	return r->ints ? r->ints(r->ictx, keys, n, out) : ol_json_ints(r->fields, keys, n, out);
}
