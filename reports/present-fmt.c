// SPDX-License-Identifier: GPL-2.0
/*
 * The formatters of the presentation layer: times, sizes and untrusted
 * strings, with the rounding rules written down in present.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/present.h"

int64_t pr_resolution(const struct ol_analysis *a)
{
	/* the analysis finds it (analyze/era.c), once for every output */
	return a->res_ns > 0 ? a->res_ns : 1;
}

/* @ns rounded to @unit, half away from zero, as a magnitude and a sign. */
static uint64_t round_mag(int64_t ns, int64_t unit, bool *neg)
{
	uint64_t mag = ns < 0 ? (uint64_t)-(ns + 1) + 1 : (uint64_t)ns;

	mag = (mag + (uint64_t)unit / 2) / (uint64_t)unit;
	*neg = ns < 0 && mag;	/* what rounds to zero has no sign */
	return mag;
}

static char *fmt_time(char *buf, int64_t ns, int64_t res, const char *unknown,
		      bool sign)
{
	uint64_t ms, s;
	bool neg;

	if (ns == OL_NONE) {
		snprintf(buf, PR_BUF, "%s", unknown);
		return buf;
	}
	if (res >= PR_SECOND) {
		s = round_mag(ns, PR_SECOND, &neg);
		if (!s)
			snprintf(buf, PR_BUF, "<1s");
		else
			snprintf(buf, PR_BUF, "%s%" PRIu64 "s", neg ? "-" : sign ? "+" : "", s);
		return buf;
	}
	ms = round_mag(ns, 1000000, &neg);
	snprintf(buf, PR_BUF, "%s%" PRIu64 ".%03" PRIu64 "s", neg ? "-" : sign ? "+" : "",
		 ms / 1000, ms % 1000);
	return buf;
}

char *pr_rel(char *buf, int64_t ns, int64_t res, const char *unknown)
{
	return fmt_time(buf, ns, res, unknown, true);
}

char *pr_dur(char *buf, int64_t ns, int64_t res, const char *unknown)
{
	return fmt_time(buf, ns, res, unknown, false);
}

char *pr_rel_words(char *buf, int64_t ns, int64_t res)
{
	char t[PR_BUF];

	if (ns == OL_NONE)
		snprintf(buf, PR_BUF, "at an unknown time");
	else if (res >= PR_SECOND && !strcmp(pr_rel(t, ns, res, "?"), "<1s"))
		snprintf(buf, PR_BUF, "in the same second");
	else
		snprintf(buf, PR_BUF, "at %s", pr_rel(t, ns, res, "?"));
	return buf;
}

char *pr_abs(char *buf, int64_t ns, int decimals, int64_t res, const char *unknown)
{
	int64_t unit = decimals == 6 ? 1000 : 1000000;
	uint64_t mag;
	bool neg;

	if (ns == OL_NONE) {
		snprintf(buf, PR_BUF, "%s", unknown);
		return buf;
	}
	if (res >= PR_SECOND) {
		mag = round_mag(ns, PR_SECOND, &neg);
		snprintf(buf, PR_BUF, "%s%" PRIu64, neg ? "-" : "", mag);
		return buf;
	}
	mag = round_mag(ns, unit, &neg);
	snprintf(buf, PR_BUF, "%s%" PRIu64 ".%0*" PRIu64, neg ? "-" : "",
		 mag / (uint64_t)(PR_SECOND / unit), decimals == 6 ? 6 : 3,
		 mag % (uint64_t)(PR_SECOND / unit));
	return buf;
}

char *pr_kb(char *buf, int64_t kb, const char *unknown)
{
	static const char units[] = "KMGT";
	double v = (double)kb;
	int u = 0;

	if (kb == OL_NONE || kb < 0) {
		snprintf(buf, PR_BUF, "%s", unknown);
		return buf;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, PR_BUF, "%" PRId64 "K", kb);
	else if (v < 9.95)
		snprintf(buf, PR_BUF, "%.1f%c", v, units[u]);
	else
		snprintf(buf, PR_BUF, "%.0f%c", v, units[u]);
	return buf;
}

char *pr_kb_exact(char *buf, int64_t kb)
{
	if (kb == OL_NONE)
		snprintf(buf, PR_BUF, "unknown");
	else
		snprintf(buf, PR_BUF, "%" PRId64 " kB", kb);
	return buf;
}

char *pr_secs_exact(char *buf, int64_t ns)
{
	uint64_t mag = ns < 0 ? (uint64_t)-(ns + 1) + 1 : (uint64_t)ns;

	if (ns == OL_NONE)
		buf[0] = '\0';
	else
		snprintf(buf, PR_BUF, "%s%" PRIu64 ".%09" PRIu64, ns < 0 ? "-" : "",
			 mag / (uint64_t)PR_SECOND, mag % (uint64_t)PR_SECOND);
	return buf;
}

int64_t pr_since(const struct ol_victim *v, int64_t ts)
{
	return ol_since_kill(v, ts);
}

int64_t pr_reaper_ns(int64_t t)
{
	return t == 0 ? OL_NONE : t;
}

/* --- untrusted strings ---------------------------------------------- */

static bool printable(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\';
}

/*
 * Punctuation the analysis' own sentences may use, spelt in ASCII
 * (anything else becomes \xNN).
 */
static const struct { const char *utf8, *ascii; } translit[] = {
	{ "\xe2\x80\x94", "--" },	/* em dash */
	{ "\xe2\x80\x93", "-" },	/* en dash */
	{ "\xe2\x80\xa6", "..." },	/* ellipsis */
	{ "\xe2\x80\x98", "'" }, { "\xe2\x80\x99", "'" },
	{ "\xe2\x80\x9c", "\"" }, { "\xe2\x80\x9d", "\"" },
	{ "\xe2\x86\x92", "->" },	/* rightwards arrow */
	{ "\xe2\x89\xa5", ">=" }, { "\xe2\x89\xa4", "<=" },
	{ "\xc2\xb5", "u" },		/* micro sign */
	{ "\xc3\x97", "x" },		/* multiplication sign */
};

/* The escape of the byte(s) at @p into @out (>= 5 bytes); returns bytes used. */
static size_t escape_at(const unsigned char *p, char *out)
{
	size_t i, n;

	if (*p == '\\') {
		strcpy(out, "\\\\");
		return 1;
	}
	for (i = 0; *p >= 0x80 && i < sizeof(translit) / sizeof(translit[0]); i++) {
		n = strlen(translit[i].utf8);
		if (!strncmp((const char *)p, translit[i].utf8, n)) {
			strcpy(out, translit[i].ascii);
			return n;
		}
	}
	snprintf(out, 5, "\\x%02x", *p);
	return 1;
}

char *pr_ascii_buf(char *buf, size_t n, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t o = 0, l;
	char esc[8];

	if (!n)
		return buf;
	while (*p) {
		if (printable(*p)) {
			if (o + 1 >= n)
				break;
			buf[o++] = (char)*p++;
			continue;
		}
		p += escape_at(p, esc);
		l = strlen(esc);
		if (o + l >= n)
			break;
		memcpy(buf + o, esc, l);
		o += l;
	}
	buf[o] = '\0';
	return buf;
}

char *pr_ascii(const char *s)
{
	size_t n = 1;
	const char *p;
	char *out;

	for (p = s ? s : ""; *p; p++)
		n += 4;		/* the longest escape of one byte */
	out = malloc(n);
	return out ? pr_ascii_buf(out, n, s) : NULL;
}

static const char *nn(const char *s)
{
	return s ? s : "unknown";
}

const char *pr_verdict(enum ol_verdict_kind k)
{
	return nn(ol_verdict_name(k));
}

const char *pr_conf(enum ol_confidence c)
{
	return nn(ol_confidence_name(c));
}

const char *pr_skip_by(enum ol_skip_by s)
{
	return nn(ol_skip_by_name(s));
}

const char *pr_freed_by(enum ol_freed_by f)
{
	return nn(ol_freed_by_name(f));
}
