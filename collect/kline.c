// SPDX-License-Identifier: GPL-2.0
/*
 * Finding the kernel's message inside a line of any log, whatever put
 * itself in front of it: mail quoting ("> ", nested), indentation, line
 * numbers, syslog priorities ("<4>"), time stamps of every style, hosts,
 * tags ("kernel:", "kernel[123]:", rsyslog's "err|kernel[-]|"), the
 * kernel's own "[ 12.345678]" and printk caller ids ("[T1234]").
 *
 * Time stamps are recognised by their shape, never by month or day
 * names: the clock "HH:MM:SS" with a day before it, an ISO date, the
 * kernel's "[seconds.micros]", epoch seconds.  Month names are looked up
 * only to give a localised wall clock its month (dmesg -T and syslog
 * print the locale's %b: "Apr", "avr.", "апр", "4月"); when the name is
 * unknown the line still has a stamp, and its month is the last known.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collect/collect-local.h"

/* "[  206.404944]" (and journalctl short-delta "[  206.404944 <  0.000123>]")
 * -> ns; returns the end of "]" or NULL. */
static const char *mono_stamp(const char *p, const char *e, int64_t *ns)
{
	int64_t sec = 0, frac = 0;
	int nd = 0, nf = 0;

	if (p >= e || *p != '[')
		return NULL;
	for (p++; p < e && *p == ' '; p++)
		;
	/* at most 9 digits (31 years of uptime): more would overflow the ns */
	for (; p < e && isdigit((unsigned char)*p) && nd < 9; p++, nd++)
		sec = sec * 10 + (*p - '0');
	if (!nd || p >= e || *p != '.')
		return NULL;
	for (p++; p < e && isdigit((unsigned char)*p); p++)
		if (nf < 9)
			frac = frac * 10 + (*p - '0'), nf++;
	if (!nf || p >= e)
		return NULL;
	if (*p == ' ' && p + 1 < e && p[1] == '<') {	/* short-delta */
		const char *q = memchr(p, '>', (size_t)(e - p));

		if (!q || q + 1 >= e || q[1] != ']')
			return NULL;
		p = q + 1;
	}
	if (*p != ']')
		return NULL;
	for (; nf < 9; nf++)
		frac *= 10;
	*ns = sec * 1000000000LL + frac;
	return p + 1;
}

/* "[T1234]" / "[C1]" (CONFIG_PRINTK_CALLER, 4.18+) */
static const char *caller_id(const char *p, const char *e)
{
	const char *q = p + 1;

	if (e - p < 4 || p[0] != '[')
		return NULL;
	while (q < e && *q == ' ')	/* "[ T9185]": padded to a width */
		q++;
	if (q + 1 >= e || (*q != 'T' && *q != 'C') || !isdigit((unsigned char)q[1]))
		return NULL;
	for (q++; q < e && isdigit((unsigned char)*q); q++)
		;
	return q < e && *q == ']' ? q + 1 : NULL;
}

/* /dev/kmsg records: "6,1485,21846693419,-;msg" (level, sequence, usec,
 * flags); cAdvisor and `cat /dev/kmsg` give them as they are. */
static const char *devkmsg_stamp(const char *p, const char *e, int64_t *ns)
{
	const char *q = p;
	long long us = 0;
	int field;

	for (field = 0; field < 3; field++) {
		const char *d = q;

		if (field == 2)
			us = 0;
		for (; q < e && isdigit((unsigned char)*q) && q - d < 19; q++)
			if (field == 2)
				us = us * 10 + (*q - '0');
		if (q == d || q >= e || *q != ',')
			return NULL;
		q++;
	}
	while (q < e && *q != ';' && *q != ' ' && q - p < 48)
		q++;
	if (q >= e || *q != ';' || us > INT64_MAX / 1000)
		return NULL;
	*ns = us * 1000;
	return q + 1;
}

/*
 * Month abbreviations as glibc's %b prints them in common locales (en,
 * de, fr, es, it, pt, nl, pl, ru, sv); CJK locales print "N月"/"N월",
 * read as numbers.  Matched case-insensitively on the token's start.
 */
static const char *const month_names[][12] = {
	{ "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec" },
	{ "jän", "feb", "mär", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "dez" },
	{ "jan", "feb", "mrz", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "dez" },
	{ "janv", "févr", "mars", "avr", "mai", "juin", "juil", "août", "sept", "oct", "nov", "déc" },
	{ "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic" },
	{ "gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic" },
	{ "jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez" },
	{ "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec" },
	{ "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec" },
	{ "sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru" },
	{ "янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек" },
	{ "Янв", "Фев", "Мар", "Апр", "май", "Июн", "Июл", "Авг", "Сен", "Окт", "Ноя", "Дек" },
};

/* Month 0-11 of token [p, e), or -1. */
static int month_of(const char *p, const char *e)
{
	size_t n = (size_t)(e - p), i, j;
	const char *d;
	int v = 0;

	/* "4月" (zh, ja), "4월" (ko) */
	for (d = p; d < e && isdigit((unsigned char)*d); d++)
		v = v * 10 + (*d - '0');
	if (d > p && d - p <= 2 && v >= 1 && v <= 12 && e - d >= 3 &&
	    (!strncmp(d, "月", 3) || !strncmp(d, "월", 3)))
		return v - 1;
	for (i = 0; i < sizeof(month_names) / sizeof(month_names[0]); i++)
		for (j = 0; j < 12; j++) {
			size_t m = strlen(month_names[i][j]);

			if (m <= n && !strncasecmp(p, month_names[i][j], m))
				return (int)j;
		}
	return -1;
}

static bool sane_date(int y, int mon0, int d, int h, int mi, int s)
{
	return y >= 1900 && y <= 2200 && mon0 >= 0 && mon0 < 12 && d >= 1 && d <= 31 &&
	       h >= 0 && h < 24 && mi >= 0 && mi < 60 && s >= 0 && s <= 60;
}

/* Local time (dmesg -T and syslog print local time without a zone). */
static int64_t local_ns(int y, int mon, int d, int h, int mi, int s)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mon, .tm_mday = d,
			 .tm_hour = h, .tm_min = mi, .tm_sec = s, .tm_isdst = -1 };

	return (int64_t)mktime(&tm) * 1000000000LL;
}

static int digits(const char *p, const char *e, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (p + i >= e || !isdigit((unsigned char)p[i]))
			return 0;
		*v = *v * 10 + (p[i] - '0');
	}
	return 1;
}

/* ".123456" -> ns; returns past it. */
static const char *fraction(const char *p, const char *e, int64_t *ns)
{
	int64_t f = 0;
	int nf = 0;

	*ns = 0;
	if (p >= e || (*p != '.' && *p != ',') || p + 1 >= e || !isdigit((unsigned char)p[1]))
		return p;
	for (p++; p < e && isdigit((unsigned char)*p); p++)
		if (nf < 9)
			f = f * 10 + (*p - '0'), nf++;
	for (; nf < 9; nf++)
		f *= 10;
	*ns = f;
	return p;
}

/* ISO 8601 / RFC 3339: "2026-11-22T12:15:01[.123456](Z|+0000|+00:00)", also
 * with a space for the T (journalctl short-full "Tue 2026-11-22 12:15:01 UTC"). */
static const char *iso_stamp(const char *p, const char *e, struct ol_kstamp *st)
{
	int y, mo, d, h, mi, s;
	int64_t frac;
	const char *q;
	bool zone = false;

	if (!digits(p, e, 4, &y) || e - p < 19 || p[4] != '-' || !digits(p + 5, e, 2, &mo) ||
	    p[7] != '-' || !digits(p + 8, e, 2, &d) || (p[10] != 'T' && p[10] != ' ') ||
	    !digits(p + 11, e, 2, &h) || p[13] != ':' || !digits(p + 14, e, 2, &mi) ||
	    p[16] != ':' || !digits(p + 17, e, 2, &s) || !sane_date(y, mo - 1, d, h, mi, s))
		return NULL;
	q = fraction(p + 19, e, &frac);
	{
		struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
				 .tm_hour = h, .tm_min = mi, .tm_sec = s, .tm_isdst = -1 };
		int64_t ns;

		if (q < e && *q == 'Z') {
			q++, zone = true;
		} else if (q + 2 < e && (*q == '+' || *q == '-') && isdigit((unsigned char)q[1]) &&
			   isdigit((unsigned char)q[2])) {
			int sign = *q == '-' ? -1 : 1, oh = (q[1] - '0') * 10 + (q[2] - '0'), om = 0;

			q += 3;
			if (q < e && *q == ':')
				q++;
			if (q + 1 < e && isdigit((unsigned char)q[0]) && isdigit((unsigned char)q[1]))
				om = (q[0] - '0') * 10 + (q[1] - '0'), q += 2;
			tm.tm_isdst = 0;
			ns = (int64_t)timegm(&tm) * 1000000000LL;
			st->wall = ns - sign * (oh * 3600LL + om * 60LL) * 1000000000LL + frac;
			st->style = "RFC 3339";
			return q;
		}
		if (!zone && q + 4 <= e && *q == ' ' && !strncmp(q + 1, "UTC", 3))
			q += 4, zone = true;
		ns = zone ? (int64_t)timegm(&tm) * 1000000000LL : local_ns(y, mo - 1, d, h, mi, s);
		st->wall = ns + frac;
		st->style = p[10] == 'T' ? "RFC 3339" : "journalctl short-full";
		return q;
	}
}

/* journalctl short-full: a day name, then the ISO date ("Tue 2026-11-22 ..."). */
static const char *day_iso_stamp(const char *p, const char *e, struct ol_kstamp *st)
{
	const char *q = p;

	while (q < e && q - p < 12 && *q != ' ' && !isdigit((unsigned char)*q))
		q++;
	if (q == p || q >= e || *q != ' ')
		return NULL;
	return iso_stamp(q + 1, e, st);
}

/*
 * The shape "[words] D HH:MM:SS[.frac] [YYYY]" (syslog, journalctl short
 * and short-precise, dmesg -T in brackets): up to three tokens before the
 * clock, the last number among them the day, a token that names a month
 * the month.  @close: ']' for dmesg -T.  Returns past the stamp or NULL.
 */
static const char *clock_stamp(struct ol_kline_ctx *c, const char *p, const char *e,
			       char close, struct ol_kstamp *st)
{
	const char *t = p, *tok[4], *tend[4], *q, *clk;
	int ntok = 0, i, day = -1, mon = -1, y = -1, h, mi, s;
	int64_t frac;

	/* find the clock within the first 48 bytes, tokens before it */
	for (;;) {
		while (t < e && *t == ' ')
			t++;
		if (t >= e || t - p > 48)
			return NULL;
		if (digits(t, e, 2, &h) && t + 8 <= e && t[2] == ':' && digits(t + 3, e, 2, &mi) &&
		    t[5] == ':' && digits(t + 6, e, 2, &s)) {
			clk = t + 8;
			break;
		}
		if (isdigit((unsigned char)*t) && t + 7 <= e && t[1] == ':' && digits(t + 2, e, 2, &mi) &&
		    t[4] == ':' && digits(t + 5, e, 2, &s)) {
			h = *t - '0';	/* " 9:05:01" */
			clk = t + 7;
			break;
		}
		if (ntok == 3)
			return NULL;
		tok[ntok] = t;
		while (t < e && *t != ' ' && *t != close)
			t++;
		tend[ntok++] = t;
	}
	for (i = 0; i < ntok; i++) {
		int v = 0, nd = 0;
		const char *d;

		for (d = tok[i]; d < tend[i] && isdigit((unsigned char)*d); d++, nd++)
			v = v * 10 + (*d - '0');
		if (nd && nd <= 2 && (d == tend[i] || *d == '.' || !strncmp(d, "日", 3)) &&
		    !(d + 3 <= tend[i] && (!strncmp(d, "月", 3) || !strncmp(d, "월", 3))))
			day = v;
		else if (nd == 4 && d == tend[i])
			y = v;
		else if (month_of(tok[i], tend[i]) >= 0)
			mon = month_of(tok[i], tend[i]);	/* %a %b: the last one */
		else if (nd)
			return NULL;	/* a number that is no day: not a stamp */
	}
	if (day < 1 || !ntok)
		return NULL;
	q = fraction(clk, e, &frac);
	if (q + 5 <= e && *q == ' ' && digits(q + 1, e, 4, &i) && (q + 5 == e || q[5] == ' ' ||
	    q[5] == close)) {
		y = i;
		q += 5;
	}
	if (close) {
		if (q >= e || *q != close)
			return NULL;
		q++;
	}
	if (mon < 0) {
		st->month_unknown = true;
		mon = c->last_month >= 0 ? c->last_month : 0;
	} else {
		c->last_month = mon;
	}
	if (y < 0)
		y = c->year;
	if (!sane_date(y, mon, day, h, mi, s))
		return NULL;
	st->wall = local_ns(y, mon, day, h, mi, s) + frac;
	st->style = close ? "dmesg -T" : "syslog";
	return q;
}

/* journalctl short-unix: "1714471200.123456 " */
static const char *unix_stamp(const char *p, const char *e, struct ol_kstamp *st)
{
	int64_t sec = 0, frac;
	const char *q = p;

	for (; q < e && isdigit((unsigned char)*q) && q - p < 11; q++)
		sec = sec * 10 + (*q - '0');
	if (q - p != 10 || q >= e || *q != '.')
		return NULL;
	q = fraction(q, e, &frac);
	if (q >= e || *q != ' ')
		return NULL;
	st->wall = sec * 1000000000LL + frac;
	st->style = "journalctl short-unix";
	return q;
}

static bool is_tag(const char *p, const char *e, const char **after)
{
	static const char *const tags[] = { "kernel", "kern", "vmunix", "klogd" };
	size_t i;

	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		size_t n = strlen(tags[i]);
		const char *q = p + n;

		if ((size_t)(e - p) < n + 1 || strncmp(p, tags[i], n))
			continue;
		if (*q == '[') {
			q = memchr(q, ']', (size_t)(e - q));
			if (!q || q - p > 40)
				continue;
			q++;
		}
		if (q < e && (*q == ':' || *q == '|')) {
			*after = q + 1;
			return true;
		}
	}
	return false;
}

/*
 * "host kernel: ", "kernel: ", "host kernel[123]: ", "host kern.warn
 * kernel: ", rsyslog "err|kernel[-]|": at most two tokens (host, facility
 * or priority) before the tag.
 */
static const char *host_tag(const char *p, const char *e)
{
	const char *t = p, *after;
	int ntok = 0;

	while (t < e && ntok < 3 && t - p < 160) {
		if (is_tag(t, e, &after))
			return after;
		while (t < e && *t != ' ' && *t != '|')
			t++;
		while (t < e && (*t == ' ' || *t == '|'))
			t++;
		ntok++;
	}
	return NULL;
}

/* "<4>" (dmesg -r, console captures, syslog over the network) */
static const char *priority(const char *p, const char *e)
{
	const char *q = p + 1;

	if (e - p < 3 || *p != '<' || !isdigit((unsigned char)*q))
		return NULL;
	while (q < e && isdigit((unsigned char)*q) && q - p < 5)
		q++;
	return q < e && *q == '>' ? q + 1 : NULL;
}

/* "  12 | ", "12: ", "0012\t" (a numbered listing); only in numbered files */
static const char *line_number(const char *p, const char *e)
{
	const char *q = p;

	while (q < e && *q == ' ')
		q++;
	if (q >= e || !isdigit((unsigned char)*q))
		return NULL;
	while (q < e && isdigit((unsigned char)*q))
		q++;
	if (q < e && (*q == ':' || *q == '|' || *q == '.' || *q == ')'))
		q++;
	else if (q + 1 < e && *q == ' ' && (q[1] == '|' || q[1] == ':'))
		q += 2;		/* "  12 | " */
	if (q < e && *q != ' ' && *q != '\t')
		return NULL;
	return q;
}

static const char *spaces(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

void ol_kline_split(struct ol_kline_ctx *c, const char *p, const char *e, struct ol_kstamp *st)
{
	const char *q;
	bool wall = false, mono = false, tag = false, pri = false, caller = false;
	int step;

	memset(st, 0, sizeof(*st));
	/* transport: quoting, indentation, numbering */
	for (;;) {
		p = spaces(p, e);
		if (p < e && *p == '>')
			p++;
		else
			break;
	}
	if (c->numbered && (q = line_number(p, e)))
		p = spaces(q, e);
	/* markdown: "```" opening a block on the same line as its text */
	if (e - p >= 3 && !strncmp(p, "```", 3)) {
		const char *t = p + 3;

		while (t < e && (isalnum((unsigned char)*t) || *t == '-'))
			t++;
		if (t == e) {
			st->fence = true;
			st->msg = e;
			return;
		}
		p = spaces(p + 3, e);
	}
	for (step = 0; step < 6 && p < e; step++) {
		if (!pri && (q = priority(p, e))) {
			pri = true;
		} else if (!mono && *p == '[' && (q = mono_stamp(p, e, &st->mono))) {
			mono = true;
			if (!wall)
				st->style = "dmesg";
			if ((step && wall) || tag)
				st->kernel_stamp = true;
		} else if (!caller && (q = caller_id(p, e))) {
			caller = true;
		} else if (!wall && !mono && !tag && step == 0 && (q = devkmsg_stamp(p, e, &st->mono))) {
			mono = true;
			st->style = "/dev/kmsg";
		} else if (!wall && !mono && !tag && (q = iso_stamp(p, e, st))) {
			wall = true;
		} else if (!wall && !mono && !tag && (q = day_iso_stamp(p, e, st))) {
			wall = true;
		} else if (!wall && !mono && !tag && *p == '[' && (q = clock_stamp(c, p + 1, e, ']', st))) {
			wall = true;
		} else if (!wall && !mono && !tag && (q = unix_stamp(p, e, st))) {
			wall = true;
		} else if (!wall && !mono && !tag && (q = clock_stamp(c, p, e, 0, st))) {
			wall = true;
		} else if (!tag && (wall || mono || step == 0 || pri) && (q = host_tag(p, e))) {
			tag = true;
			if (mono && !wall)
				st->style = "journalctl short-monotonic";
			else if (wall && !strcmp(st->style, "syslog"))
				st->style = "syslog/journalctl short";
		} else {
			break;
		}
		p = q < e && (*q == ' ' || *q == '\t') ? q + 1 : q;
	}
	st->has_wall = wall;
	st->has_mono = mono;
	st->has_tag = tag;
	st->clock = mono ? OL_CLK_MONO : wall ? OL_CLK_REAL : OL_CLK_NONE;
	st->msg = p;
	st->len = (size_t)(e - p);
}

/*
 * A numbered listing: most of the first lines start with a number, and
 * the numbers count up by one.
 */
bool ol_kline_numbered(const char *buf, size_t len)
{
	const char *p = buf, *e = buf + len, *nl;
	long prev = -1;
	int lines = 0, seq = 0;

	for (; p < e && lines < 50; p = nl + 1) {
		const char *q = spaces(p, e);
		long v = 0;

		nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl)
			nl = e;
		if (q == nl)
			continue;
		lines++;
		if (!line_number(p, nl))
			continue;
		for (; isdigit((unsigned char)*q); q++)
			v = v * 10 + (*q - '0');
		seq += prev >= 0 && v == prev + 1;
		prev = v;
	}
	return lines >= 3 && seq * 10 >= (lines - 1) * 8;
}
