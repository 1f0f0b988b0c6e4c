// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel log import: dmesg ("[ 206.404944] msg"), dmesg -T ("[Sun Nov 22
 * 12:15:01 2026] msg"), journalctl -k short / short-monotonic / short-iso
 * ("Nov 22 12:15:01 host kernel: msg", "[ 206.404944] host kernel: msg",
 * "2026-11-22T12:15:01+0000 host kernel: msg") and syslog kern.log (the
 * same, often with the kernel's own "[ 206.404944]" inside the message),
 * with or without the host column.
 *
 * The kept lines become printk:console events, exactly what a trace with
 * the console tracepoint holds, so the analysis reads both the same way.
 * Only OOM reports are kept (from "invoked oom-killer" to the kill, plus
 * every line that mentions the OOM killer or the reaper): a log of weeks
 * holds millions of other lines and a line filter keeps the import at
 * disk speed.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "collect/collect-local.h"

enum { CLK_NONE, CLK_MONO, CLK_REAL };

#define REPORT_MAX_LINES	4000	/* a report longer than this has lost its end */
#define FRAGMENT_WINDOW		64	/* lines a split line waits for its pieces */

struct kline {
	int64_t	ts;
	char	*msg;
};

struct reader {
	struct kline	*v;
	size_t		n, cap;
	int		clock;		/* of the file: the first stamped line's */
	const char	*style;		/* "dmesg", "dmesg -T", ... */
	int64_t		delta;		/* wall - mono from lines with both */
	bool		have_delta;
	bool		prev_kept;
	long		report_left;	/* lines still inside an OOM report */
	long		pending;	/* a split line waiting for its pieces, or -1 */
	long		pending_age;
	int		year;		/* for "Nov 22 12:15:01" (no year) */
	long long	lines;
	bool		oom;		/* allocation failure */
};

struct stamp {
	int		clock;
	int64_t		wall, mono;
	bool		has_wall, has_mono;
	const char	*style;
	const char	*msg;
	size_t		len;
};

/* "[  206.404944]" -> ns; returns the end of "]" or NULL. */
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
	if (!nf || p >= e || *p != ']')
		return NULL;
	for (; nf < 9; nf++)
		frac *= 10;
	*ns = sec * 1000000000LL + frac;
	return p + 1;
}

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

static int month_of(const char *p)
{
	int i;

	for (i = 0; i < 12; i++)
		if (!strncmp(p, months[i], 3))
			return i;
	return -1;
}

/*
 * A stamp outside these ranges is not a date (and a year far away would
 * overflow the ns arithmetic: int64 ns reach only the years 1678-2262).
 */
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

/* The wall-clock stamps; returns the end of the stamp or NULL. */
static const char *wall_stamp(const char *p, const char *e, struct reader *r, struct stamp *st)
{
	char tmp[64];
	size_t n = (size_t)(e - p) < sizeof(tmp) - 1 ? (size_t)(e - p) : sizeof(tmp) - 1;
	int y, mo, d, h, mi, s, c = 0;

	memcpy(tmp, p, n);
	tmp[n] = '\0';
	/* dmesg -T: "[Sun Nov 22 12:15:01 2026]" */
	if (tmp[0] == '[' && isalpha((unsigned char)tmp[1]) && n > 25 &&
	    (mo = month_of(tmp + 5)) >= 0 &&
	    sscanf(tmp + 9, "%d %d:%d:%d %d]%n", &d, &h, &mi, &s, &y, &c) == 5 && c &&
	    sane_date(y, mo, d, h, mi, s)) {
		st->wall = local_ns(y, mo, d, h, mi, s);
		st->style = "dmesg -T";
		return p + 9 + c;
	}
	/* ISO 8601: "2026-11-22T12:15:01[.123456](Z|+0000|+00:00)" */
	if (isdigit((unsigned char)tmp[0]) &&
	    sscanf(tmp, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &c) == 6 && c &&
	    sane_date(y, mo - 1, d, h, mi, s)) {
		struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
				 .tm_hour = h, .tm_min = mi, .tm_sec = s };
		int64_t ns = (int64_t)timegm(&tm) * 1000000000LL, frac = 0;
		int nf = 0, oh = 0, om = 0;
		const char *q = tmp + c;

		if (*q == '.' || *q == ',')
			for (q++; isdigit((unsigned char)*q); q++)
				if (nf < 9)
					frac = frac * 10 + (*q - '0'), nf++;
		for (; nf < 9; nf++)
			frac *= 10;
		if (*q == 'Z') {
			q++;
		} else if (*q == '+' || *q == '-') {
			int sign = *q == '-' ? -1 : 1;

			if (!isdigit((unsigned char)q[1]) || !isdigit((unsigned char)q[2]))
				return NULL;
			oh = (q[1] - '0') * 10 + (q[2] - '0');
			q += 3;
			if (*q == ':')
				q++;
			if (isdigit((unsigned char)q[0]) && isdigit((unsigned char)q[1]))
				om = (q[0] - '0') * 10 + (q[1] - '0'), q += 2;
			ns -= sign * (oh * 3600LL + om * 60LL) * 1000000000LL;
		}
		st->wall = ns + frac;
		st->style = "short-iso";
		return p + (q - tmp);
	}
	/* syslog / journalctl short: "Nov 22 12:15:01" */
	if (n >= 15 && (mo = month_of(tmp)) >= 0 && tmp[3] == ' ' &&
	    sscanf(tmp + 4, "%d %d:%d:%d%n", &d, &h, &mi, &s, &c) == 4 &&
	    sane_date(r->year, mo, d, h, mi, s)) {
		st->wall = local_ns(r->year, mo, d, h, mi, s);
		st->style = "syslog";
		return p + 4 + c;
	}
	return NULL;
}

/* "host kernel: ", "kernel: ", "host kernel[123]: " (journal/syslog). */
static const char *skip_host(const char *p, const char *e)
{
	const char *q = p, *sp;

	for (sp = p; sp < e && sp - p < 256 && *sp != ' '; sp++)
		;
	if (e - p >= 8 && !strncmp(p, "kernel: ", 8))
		return p + 8;
	if (sp < e && *sp == ' ') {
		q = sp + 1;
		if (e - q >= 8 && !strncmp(q, "kernel: ", 8))
			return q + 8;
		if (e - q >= 7 && !strncmp(q, "kernel[", 7)) {
			const char *b = memchr(q, ']', (size_t)(e - q));

			if (b && e - b >= 3 && b[1] == ':' && b[2] == ' ')
				return b + 3;
		}
	}
	return p;
}

/* Split one line into its stamp(s) and message.  clock NONE: no stamp. */
static void split_line(struct reader *r, const char *p, const char *e, struct stamp *st)
{
	const char *q;

	memset(st, 0, sizeof(*st));
	/* "<6>" syslog level of dmesg -r / console captures */
	if (e - p >= 3 && *p == '<' && isdigit((unsigned char)p[1])) {
		q = memchr(p, '>', (size_t)(e - p) < 5 ? (size_t)(e - p) : 5);
		if (q)
			p = q + 1;
	}
	if ((q = mono_stamp(p, e, &st->mono))) {
		st->has_mono = true;
		st->style = "dmesg";
	} else if ((q = wall_stamp(p, e, r, st))) {
		st->has_wall = true;
	} else {
		st->msg = p;
		st->len = (size_t)(e - p);
		return;
	}
	if (q < e && *q == ' ')
		q++;
	{
		const char *h = skip_host(q, e);

		if (h != q && st->has_mono)
			st->style = "journalctl short-monotonic";
		else if (h != q && !strcmp(st->style, "syslog"))
			st->style = "syslog/journalctl short";
		q = h;
	}
	/* kern.log: the kernel's own stamp inside a wall-clock line */
	if (st->has_wall) {
		const char *m = mono_stamp(q, e, &st->mono);

		if (m) {
			st->has_mono = true;
			q = m < e && *m == ' ' ? m + 1 : m;
		}
	}
	st->clock = st->has_mono ? CLK_MONO : CLK_REAL;
	st->msg = q;
	st->len = (size_t)(e - q);
}

static bool hot(const char *p, size_t n)
{
	return memmem(p, n, "oom", 3) || memmem(p, n, "OOM", 3) || memmem(p, n, "Kill", 4);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* A line the kernel printed in KERN_CONT pieces and that is not whole yet. */
static bool incomplete(const char *m)
{
	if (!strncmp(m, "oom-kill:", 9)) {
		const char *u = strstr(m, ",uid=");
		const char *x;

		for (x = u; x; x = strstr(x + 1, ",uid="))
			u = x;
		if (!u)
			return true;
		for (u += 5; isdigit((unsigned char)*u); u++)
			;
		return *u != '\0';
	}
	return !strncmp(m, "Memory cgroup stats for", 23) && !ends_with(m, ":");
}

static bool fragment(const char *pending, const char *m)
{
	return m[0] == ',' || m[0] == '/' || !strcmp(m, ":") || ends_with(pending, "=") ||
	       ends_with(pending, "for ");
}

static int push(struct reader *r, int64_t ts, const char *m, size_t len)
{
	struct kline *k;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;

		k = realloc(r->v, cap * sizeof(*k));
		if (!k)
			return -1;
		r->v = k;
		r->cap = cap;
	}
	k = &r->v[r->n];
	k->ts = ts;
	k->msg = strndup(m, len);
	if (!k->msg)
		return -1;
	r->n++;
	return 0;
}

static int append(struct kline *k, const char *m, size_t len)
{
	size_t have = strlen(k->msg);
	char *s = realloc(k->msg, have + len + 1);

	if (!s)
		return -1;
	memcpy(s + have, m, len);
	s[have + len] = '\0';
	k->msg = s;
	return 0;
}

static int64_t line_ts(struct reader *r, const struct stamp *st)
{
	if (st->has_wall && st->has_mono) {
		r->delta = st->wall - st->mono;
		r->have_delta = true;
	}
	if (!r->clock)
		r->clock = st->clock;
	if (r->clock == CLK_MONO)
		return st->has_mono ? st->mono : st->wall - (r->have_delta ? r->delta : 0);
	return st->has_wall ? st->wall : st->mono + (r->have_delta ? r->delta : 0);
}

static int one_line(struct reader *r, const char *p, const char *e)
{
	struct stamp st;
	struct kline *k;

	r->lines++;
	if (!r->prev_kept && r->report_left <= 0 && r->pending < 0 && !hot(p, (size_t)(e - p)))
		return 0;
	split_line(r, p, e, &st);
	if (st.clock == CLK_NONE) {
		/* no stamp: a continuation of the line before it (journal, syslog) */
		if (!r->prev_kept || !r->n || (st.len >= 3 && !strncmp(st.msg, "-- ", 3)))
			return 0;
		while (st.len && (*st.msg == ' ' || *st.msg == '\t'))
			st.msg++, st.len--;
		return append(&r->v[r->n - 1], st.msg, st.len);
	}
	if (!r->style)
		r->style = st.style;
	if (r->pending >= 0 && ++r->pending_age > FRAGMENT_WINDOW)
		r->pending = -1;
	if (r->pending >= 0) {
		char tmp[256];

		snprintf(tmp, sizeof(tmp), "%.*s", (int)st.len, st.msg);
		if (fragment(r->v[r->pending].msg, tmp)) {
			if (append(&r->v[r->pending], st.msg, st.len))
				return -1;
			if (!incomplete(r->v[r->pending].msg))
				r->pending = -1;
			r->prev_kept = true;
			return 0;
		}
	}
	r->prev_kept = r->report_left > 0 || hot(st.msg, st.len);
	if (!r->prev_kept)
		return 0;
	if (memmem(st.msg, st.len, " invoked oom-killer: ", 21))
		r->report_left = REPORT_MAX_LINES;
	else if (memmem(st.msg, st.len, "Killed process ", 15) ||
		 memmem(st.msg, st.len, ") is already exiting. Skip killing", 34))
		r->report_left = 1;	/* this one is the last */
	if (push(r, line_ts(r, &st), st.msg, st.len))
		return -1;
	r->report_left--;
	k = &r->v[r->n - 1];
	if (incomplete(k->msg)) {
		r->pending = (long)r->n - 1;
		r->pending_age = 0;
	}
	return 0;
}

static char *errf(const char *path, const char *what)
{
	return ol_strdupf("'%s': %s", path, what);
}

/*
 * The OOM report's dump_stack() header names the kernel:
 * "CPU: 0 UID: 0 PID: 4640 Comm: x Not tainted 6.18.44 #1 PREEMPT(none)"
 * or "... Tainted: G        W  O  6.1.0-13-amd64 #1 Debian ...".  A
 * trace's own uname, when the database has one, is kept.
 */
static int kernel_release(struct ol_store *st, const char *msg)
{
	const char *p = strstr(msg, " Not tainted ");
	char rel[128];

	if (p) {
		p += strlen(" Not tainted ");
	} else if ((p = strstr(msg, " Tainted: "))) {
		/* taint flags are single letters separated by spaces */
		p += strlen(" Tainted: ");
		for (;;) {
			while (*p == ' ')
				p++;
			if (!*p || (p[1] != ' ' && p[1] != '\0'))
				break;
			p++;	/* a one-letter taint flag */
		}
	} else {
		return 0;
	}
	if (strncmp(msg, "CPU: ", 5) || sscanf(p, "%127s", rel) != 1 || !strchr(rel, '.'))
		return 0;
	return ol_store_set_meta_default(st, "kernel_release", rel);
}

/* Store the lines as console events; the facts they hold about tasks too. */
static int store_lines(struct ol_store *st, struct reader *r, const bool *dup, int64_t offset,
		       long long *kept, long long *not_understood, long long *kills)
{
	struct ol_buf b = { 0 };
	size_t i;
	int ret = -1;

	for (i = 0; i < r->n; i++) {
		struct ol_kmsg_fact f;
		struct ol_event ev = { .cpu = -1, .pid = 0, .target = -1,
				       .name = "printk:console" };
		int kind = ol_kmsg_parse_line(r->v[i].msg, &f);

		if (kind < 0)
			(*not_understood)++;
		if (kernel_release(st, r->v[i].msg))
			goto out;
		*kills += kind == OL_KMSG_KILLED;
		if (dup[i])
			continue;
		ol_buf_reset(&b);
		ol_buf_puts(&b, "{\"msg\":");
		ol_buf_json_str(&b, r->v[i].msg, strlen(r->v[i].msg));
		ol_buf_puts(&b, "}");
		if (b.oom)
			goto out;
		ev.ts_ns = r->v[i].ts + offset;
		ev.fields = b.s;
		if (ol_store_add_event(st, &ev))
			goto out;
		(*kept)++;
		if (kind == OL_KMSG_KILLED) {
			char comm[64];

			ol_kspan_copy(comm, sizeof(comm), f.comm);
			if (ol_store_add_task(st, f.pid, f.pid, comm, "kmsg"))
				goto out;
		} else if (kind == OL_KMSG_TASK_ROW) {
			char comm[64];

			ol_kspan_copy(comm, sizeof(comm), f.comm);
			if (ol_store_add_task(st, f.pid, (int)f.tgid, comm, "kmsg"))
				goto out;
		}
	}
	ret = 0;
out:
	ol_buf_free(&b);
	return ret;
}

static int set_meta_ll(struct ol_store *st, const char *key, long long v)
{
	char val[32];

	snprintf(val, sizeof(val), "%lld", v);
	return ol_store_set_meta(st, key, val);
}

int ol_import_kmsg(struct ol_store *st, const char *path, char **note, char **err)
{
	struct ol_input in;
	int ret = -1;

	*note = NULL;
	if (!ol_input_open(&in, path, err))
		ret = ol_import_kmsg_input(st, &in, note, err);
	ol_input_close(&in);
	return ret;
}

int ol_import_kmsg_input(struct ol_store *st, const struct ol_input *in, char **note, char **err)
{
	struct reader r = { .pending = -1 };
	const char *p, *e, *nl, *path = in->name;
	const char **msgs = NULL;
	int64_t *ts = NULL, offset = 0;
	bool *dup = NULL;
	long long kept = 0, bad = 0, kills = 0, dups = 0;
	int matches = 0, ret = -1;
	size_t i;

	*note = NULL;
	*err = NULL;
	{
		struct tm tm;
		time_t mt = (time_t)in->mtime;

		localtime_r(&mt, &tm);
		r.year = tm.tm_year + 1900;
	}
	for (p = in->data, e = in->data + in->len; p && p < e; p = nl + 1) {
		const char *end;

		nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl)
			nl = e;
		end = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
		if (one_line(&r, p, end)) {
			*err = errf(path, "out of memory");
			goto out;
		}
	}
	ts = calloc(r.n + 1, sizeof(*ts));
	msgs = calloc(r.n + 1, sizeof(*msgs));
	dup = calloc(r.n + 1, sizeof(*dup));
	if (!ts || !msgs || !dup) {
		*err = errf(path, "out of memory");
		goto out;
	}
	for (i = 0; i < r.n; i++)
		ts[i] = r.v[i].ts, msgs[i] = r.v[i].msg;
	if (ol_store_begin_source(st, in->name, "kmsg") < 0)
		goto store_err;
	if (ol_kmsg_align(st, ts, msgs, r.n, dup, &offset, &matches))
		goto store_err;
	for (i = 0; i < r.n; i++)
		dups += dup[i];
	if (store_lines(st, &r, dup, offset, &kept, &bad, &kills) ||
	    ol_store_set_meta(st, "kmsg.clock", r.clock == CLK_REAL ? "realtime" : "monotonic") ||
	    set_meta_ll(st, "kmsg.not_understood", bad) ||
	    set_meta_ll(st, "kmsg.lines", r.lines) ||
	    (matches && set_meta_ll(st, "kmsg.offset_ns", offset)))
		goto store_err;
	if (ol_store_end_source(st, true))
		goto store_err;
	{
		char align[128] = "";

		if (matches)
			snprintf(align, sizeof(align), "; clock offset to the trace %+.3f ms (%d lines matched),"
				 " %lld lines already in the trace", offset / 1e6, matches, dups);
		if (!r.n)
			*note = ol_strdupf("'%s': kernel log: no OOM lines in it (%lld lines read)",
					   path, r.lines);
		else
			*note = ol_strdupf("'%s': kernel log (%s, %s clock): %lld of %lld lines kept, "
					   "%lld kills%s", path, r.style ? r.style : "?",
					   r.clock == CLK_REAL ? "wall" : "monotonic", kept, r.lines,
					   kills, align);
		if (bad) {
			char *n2 = ol_strdupf("%s; %lld lines not understood", *note, bad);

			free(*note);
			*note = n2;
		}
	}
	ret = 0;
	goto out;
store_err:
	*err = strdup(ol_store_errmsg(st));
	ol_store_end_source(st, false);
out:
	for (i = 0; i < r.n; i++)
		free(r.v[i].msg);
	free(r.v);
	free(ts);
	free(msgs);
	free(dup);
	return ret;
}

/* Most of the first lines carry one of the stamps above. */
bool ol_kmsg_probe_text(const char *buf, size_t len)
{
	struct reader r = { .year = 2000 };
	const char *p = buf, *e = buf + len, *nl;
	int lines = 0, stamped = 0;

	for (; p < e && lines < 200; p = nl + 1) {
		struct stamp st;

		nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl)
			break;	/* a cut line at the probe's end says nothing */
		if (nl == p || (nl - p >= 3 && !strncmp(p, "-- ", 3)))
			continue;
		lines++;
		split_line(&r, p, nl, &st);
		stamped += st.clock != CLK_NONE;
	}
	if (!lines && p < e) {	/* one line without a newline */
		struct stamp st;

		split_line(&r, p, e, &st);
		return st.clock != CLK_NONE;
	}
	return lines && stamped * 2 >= lines;
}
