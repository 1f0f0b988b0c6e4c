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
#include <stdarg.h>
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

#define REPORT_MAX_LINES	4000	/* a report longer than this has lost its end */
#define FRAGMENT_WINDOW		64	/* lines a split line waits for its pieces */
#define LINE_NS			1000	/* no stamps: line order, 1 us apart */

#define LINE_MAX_JOIN		2048	/* printk lines are < 1 KB: a wrap re-joins below this */
#define CONT_MAX		8192	/* a multi-line message is not longer */

struct kline {
	int64_t	ts;
	char	*msg;
	size_t	len, cap;
	bool	cut;		/* the grammar says the line is not whole */
	bool	whole;		/* the grammar reads it as a whole OOM line */
};

static void classify(struct kline *k)
{
	struct ol_kmsg_fact f;

	k->cut = ol_kmsg_incomplete(k->msg);
	k->whole = !k->cut && ol_kmsg_parse_line(k->msg, &f) > OL_KMSG_NONE;
}

struct reader {
	struct kline	*v;
	size_t		n, cap;
	struct ol_kline_ctx ctx;
	int		clock;		/* of the file: the first stamped line's */
	bool		bare;		/* no stamps: times unknown, line order */
	const char	*style;		/* "dmesg", "dmesg -T", ... */
	int64_t		delta;		/* wall - mono from lines with both */
	bool		have_delta;
	bool		prev_kept;
	long		report_left;	/* lines still inside an OOM report */
	long		pending;	/* a split line waiting for its pieces, or -1 */
	long		pending_age;
	int64_t		last_ts;
	struct ol_kstamp last_st;	/* the last stamp seen */
	bool		have_last;
	long long	lines, joined;
	bool		month_unknown;
};

/*
 * Words of every OOM line of every era: "oom" (invoked oom-killer,
 * oom-kill:, oom_reaper, memory.oom.group), "OOM" (OOM victim), "Kill"
 * (Killed process, Kill process), 2.6's "kill process", 3.x-4.x's "Task
 * in", "Tasks state", "Mem-Info:", "Memory cgroup stats for" (a report
 * whose start a paste lost), "of memory".  This is
 * the filter every line of a log of weeks goes through: one pass over
 * the bytes with a table of first letters, not one memmem() per word
 * (which was three times slower on tests/bench/bench-kmsg.sh).
 */
static const unsigned char hot_first[256] = {
	['o'] = 1, ['O'] = 1, ['K'] = 1, ['k'] = 1, ['T'] = 1, ['M'] = 1,
};

static bool hot(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p, *e = s + n;

	for (; s + 3 <= e; s++) {
		if (__builtin_expect(!hot_first[*s], 1))
			continue;
		switch (*s) {
		case 'o':
			if ((s[1] == 'o' && s[2] == 'm') ||
			    (e - s >= 9 && !memcmp(s, "of memory", 9)))
				return true;
			break;
		case 'O':
			if (s[1] == 'O' && s[2] == 'M')
				return true;
			break;
		case 'K':
			if (e - s >= 4 && !memcmp(s, "Kill", 4))
				return true;
			break;
		case 'k':
			if (e - s >= 9 && !memcmp(s, "kill proc", 9))
				return true;
			break;
		case 'M':	/* the memory picture of an excerpt cut before "invoked" */
			if ((e - s >= 9 && !memcmp(s, "Mem-Info:", 9)) ||
			    (e - s >= 23 && !memcmp(s, "Memory cgroup stats for", 23)))
				return true;
			break;
		default:	/* 'T' */
			if ((e - s >= 8 && !memcmp(s, "Task in ", 8)) ||
			    (e - s >= 11 && !memcmp(s, "Tasks state", 11)))
				return true;
			break;
		}
	}
	return false;
}

/* A report's part that an excerpt may begin with (its "invoked" line cut):
 * the lines after it are the report's too. */
static bool starts_report(const char *m, size_t len)
{
	return (len >= 9 && !memcmp(m, "Mem-Info:", 9)) ||
	       (len >= 23 && !memcmp(m, "Memory cgroup stats for", 23)) ||
	       (len >= 11 && !memcmp(m, "Tasks state", 11)) ||
	       (len >= 8 && !memcmp(m, "Task in ", 8)) ||
	       (len > 5 && m[0] == '[' && memmem(m, len, "pid", 3) && memmem(m, len, "tgid", 4));
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
	k->len = k->cap = len;
	classify(k);
	r->n++;
	r->last_ts = ts;
	return 0;
}

/* Amortised: a message that grows by many pieces is copied O(log n) times. */
static int append(struct kline *k, const char *sep, const char *m, size_t len)
{
	size_t sl = strlen(sep), need = k->len + sl + len + 1;

	if (need > k->cap + 1 || !k->cap) {
		size_t cap = need * 2;
		char *s = realloc(k->msg, cap);

		if (!s)
			return -1;
		k->msg = s;
		k->cap = cap - 1;
	}
	memcpy(k->msg + k->len, sep, sl);
	memcpy(k->msg + k->len + sl, m, len);
	k->len += sl + len;
	k->msg[k->len] = '\0';
	return 0;
}

/*
 * Re-join a line a terminal or a mail client wrapped: as it was cut
 * (a terminal keeps every byte), or with the space a mail client
 * dropped at the break, whichever the grammar reads.
 */
static int rejoin(struct reader *r, struct kline *k, const char *m, size_t len)
{
	struct ol_kmsg_fact f;
	size_t have = k->len;

	if (append(k, "", m, len))
		return -1;
	r->joined++;
	if (ol_kmsg_parse_line(k->msg, &f) >= 0 || ol_kmsg_incomplete(k->msg) ||
	    (have && k->msg[have - 1] == ' ')) {
		classify(k);
		return 0;
	}
	k->msg[have] = '\0';
	k->len = have;
	if (append(k, " ", m, len))
		return -1;
	classify(k);
	return 0;
}

static int64_t line_ts(struct reader *r, const struct ol_kstamp *st)
{
	if (r->bare)
		return r->lines * LINE_NS;
	if (st->has_wall && st->has_mono) {
		r->delta = st->wall - st->mono;
		r->have_delta = true;
	}
	if (!r->clock)
		r->clock = st->clock;
	if (r->clock == OL_CLK_MONO)
		return st->has_mono ? st->mono : st->wall - (r->have_delta ? r->delta : 0);
	return st->has_wall ? st->wall : st->mono + (r->have_delta ? r->delta : 0);
}

static int message(struct reader *r, const struct ol_kstamp *st, const char *m, size_t len,
		   bool indented);

/* A line with no stamp of its own in a stamped log. */
static int unstamped(struct reader *r, const char *m, size_t len, bool indented)
{
	struct kline *last = r->n ? &r->v[r->n - 1] : NULL;
	char tmp[64];
	struct ol_kmsg_fact f;
	int kind = OL_KMSG_NONE;

	if (len >= 3 && !strncmp(m, "-- ", 3))
		return 0;
	snprintf(tmp, sizeof(tmp), "%.*s", (int)(len < 63 ? len : 63), m);
	/* cut by a wrap: the grammar says the line before is not whole */
	if (r->prev_kept && last && last->cut && last->len + len < LINE_MAX_JOIN &&
	    (ol_kmsg_continues(last->msg, tmp) || !ol_kmsg_looks_oom(tmp)))
		return rejoin(r, last, m, len);
	if (!indented) {
		char *own = strndup(m, len);

		if (!own)
			return -1;
		kind = ol_kmsg_parse_line(own, &f);
		free(own);
	}
	if (kind != OL_KMSG_NONE && r->have_last) {
		/* a line of its own that lost its stamp (a paste, a wrap
		 * before the message): the stamp before it */
		return message(r, &r->last_st, m, len, false);
	}
	if (!r->prev_kept || !last || !indented || last->whole || last->len + len > CONT_MAX)
		return 0;	/* prose around a paste; a line the grammar reads whole */
	/* an indented continuation of a multi-line record: dmesg and
	 * journalctl print the lines after a record's first indented and
	 * without a stamp (show_mem()'s counters are one record); joined with
	 * a space: the grammar reads the pairs, and JSON keeps no newline */
	return append(last, " ", m, len);
}

static int message(struct reader *r, const struct ol_kstamp *st, const char *m, size_t len,
		   bool indented)
{
	struct kline *k;

	if (st->clock == OL_CLK_NONE && !r->bare)
		return unstamped(r, m, len, indented);
	if (st->clock != OL_CLK_NONE) {
		r->last_st = *st;
		r->have_last = true;
	}
	if (!r->style)
		r->style = r->bare ? "no time stamps" : st->style;
	r->month_unknown |= st->month_unknown;
	if (r->bare && r->prev_kept && r->n && r->v[r->n - 1].cut &&
	    r->v[r->n - 1].len + len < LINE_MAX_JOIN) {
		char tmp[64];

		snprintf(tmp, sizeof(tmp), "%.*s", (int)(len < 63 ? len : 63), m);
		if (ol_kmsg_continues(r->v[r->n - 1].msg, tmp) || !ol_kmsg_looks_oom(tmp))
			return rejoin(r, &r->v[r->n - 1], m, len);
	}
	if (r->pending >= 0 && ++r->pending_age > FRAGMENT_WINDOW)
		r->pending = -1;
	if (r->pending >= 0) {
		char tmp[256];

		snprintf(tmp, sizeof(tmp), "%.*s", (int)(len < 255 ? len : 255), m);
		if (ol_kmsg_continues(r->v[r->pending].msg, tmp)) {
			if (append(&r->v[r->pending], "", m, len))
				return -1;
			classify(&r->v[r->pending]);
			if (!r->v[r->pending].cut)
				r->pending = -1;
			r->prev_kept = true;
			return 0;
		}
	}
	r->prev_kept = r->report_left > 0 || hot(m, len);
	if (!r->prev_kept)
		return 0;
	if (memmem(m, len, " invoked oom-killer", 19) ||
	    (r->report_left <= 0 && starts_report(m, len)))
		r->report_left = REPORT_MAX_LINES;
	else if (memmem(m, len, "Killed process ", 15) ||
		 memmem(m, len, ") is already exiting. Skip killing", 34))
		r->report_left = 1;	/* this one is the last */
	if (push(r, line_ts(r, st), m, len))
		return -1;
	r->report_left--;
	k = &r->v[r->n - 1];
	if (!r->bare && k->cut) {
		r->pending = (long)r->n - 1;
		r->pending_age = 0;
	}
	return 0;
}

static int one_line(struct reader *r, const char *p, const char *e)
{
	struct ol_kstamp st;
	const char *m, *me, *x;
	bool indented;

	r->lines++;
	if (!r->prev_kept && r->report_left <= 0 && r->pending < 0 && !hot(p, (size_t)(e - p))) {
		/* a stamp alone on its line (a mail client wrapped right after
		 * it): the unstamped OOM line after it has this time */
		if (e - p < 48 && e > p && (e[-1] == ']' || e[-1] == ' ')) {
			ol_kline_split(&r->ctx, p, e, &st);
			if (st.clock != OL_CLK_NONE && !st.len && !r->bare) {
				r->last_st = st;
				r->have_last = true;
			}
		}
		return 0;
	}
	indented = p < e && (*p == ' ' || *p == '\t');
	ol_kline_split(&r->ctx, p, e, &st);
	if (st.fence)
		return 0;	/* a markdown code fence */
	if (st.clock != OL_CLK_NONE)
		indented = false;
	/* rsyslog writes a newline inside a record as "#012" */
	for (m = st.msg, me = st.msg + st.len; (x = memmem(m, (size_t)(me - m), "#012", 4));
	     m = x + 4) {
		if (message(r, &st, m, (size_t)(x - m), indented))
			return -1;
		indented = false;
	}
	return message(r, &st, m, (size_t)(me - m), indented);
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
#define SHOW_NOT_UNDERSTOOD	3	/* lines quoted in the note and in meta */

struct tally {
	long long	kept, bad, kills, apart, apart_kills, missed;
	struct ol_buf	bad_lines;	/* the first few, one a line */
	int		recent_pid[16];	/* kills seen last: a repeated line is one kill */
	int64_t		recent_ts[16];
	int		nrecent;
};

/*
 * A kill printed twice is one kill: memory.oom.group kills the memcg's
 * tasks after the report's own victim, that one again (4.19+).
 */
static bool repeated_kill(struct tally *t, int pid, int64_t ts)
{
	int i;

	for (i = 0; i < t->nrecent && i < 16; i++)
		if (t->recent_pid[i] == pid && ts - t->recent_ts[i] <= 1000000000LL)
			return true;
	t->recent_pid[t->nrecent % 16] = pid;
	t->recent_ts[t->nrecent % 16] = ts;
	t->nrecent++;
	return false;
}

/*
 * Store the lines as console events; the facts they hold about tasks
 * too.  @lo..@hi: the time the traces already in the database cover
 * (@lo > @hi: none); a line outside it (or every line, when the log
 * shares no line with the traces: @aligned false) is marked "log_only",
 * so that its kills become victims although the trace has no
 * mark_victim for them.
 */
static int store_lines(struct ol_store *st, struct reader *r, const bool *dup, int64_t offset,
		       bool aligned, int64_t lo, int64_t hi, struct tally *t)
{
	struct ol_buf b = { 0 };
	size_t i;
	int ret = -1;

	for (i = 0; i < r->n; i++) {
		struct ol_kmsg_fact f;
		struct ol_event ev = { .cpu = -1, .pid = 0, .target = -1,
				       .name = "printk:console" };
		int kind = ol_kmsg_parse_line(r->v[i].msg, &f);
		int64_t ts = r->v[i].ts + offset;
		bool apart = lo <= hi && (!aligned || ts < lo - 1000000000LL ||
					  ts > hi + 1000000000LL);

		/* a cut constraint line: its head is read, but it is counted */
		if (kind < 0 || f.partial ||
		    (kind == OL_KMSG_CONSTRAINT && ol_kmsg_incomplete(r->v[i].msg))) {
			if (t->bad++ < SHOW_NOT_UNDERSTOOD) {
				ol_buf_add(&t->bad_lines, r->v[i].msg, strlen(r->v[i].msg));
				ol_buf_add(&t->bad_lines, "\n", 1);
			}
		}
		if (kernel_release(st, r->v[i].msg))
			goto out;
		/* a kill inside the trace's time that the trace did not record
		 * (events lost, the oom tracepoints off): the log's alone */
		if (kind == OL_KMSG_KILLED && lo <= hi && !apart &&
		    !ol_kmsg_trace_has_victim(st, f.pid, ts)) {
			apart = true;
			t->missed++;
		}
		if (kind == OL_KMSG_KILLED && !repeated_kill(t, f.pid, r->v[i].ts)) {
			t->kills++;
			t->apart_kills += apart;
		}
		if (dup[i])
			continue;
		t->apart += apart;
		ol_buf_reset(&b);
		ol_buf_puts(&b, "{\"msg\":");
		ol_buf_json_str(&b, r->v[i].msg, strlen(r->v[i].msg));
		if (apart)
			ol_buf_puts(&b, ",\"log_only\":1");
		ol_buf_puts(&b, "}");
		if (b.oom)
			goto out;
		ev.ts_ns = ts;
		ev.fields = b.s;
		if (ol_store_add_event(st, &ev))
			goto out;
		t->kept++;
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

/* Kernel-provided text on a terminal: control bytes as \xNN, at most @max bytes. */
static void note_quote(struct ol_buf *o, const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i] && i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			ol_buf_printf(o, "\\x%02x", c);
		else
			ol_buf_add(o, s + i, 1);
	}
	if (s[i])
		ol_buf_puts(o, "...");
}

/* "; " + printf to *@note (kept as it was when out of memory) */
static void note_add(char **note, const char *fmt, ...)
{
	va_list ap;
	char *add = NULL, *n2;

	va_start(ap, fmt);
	if (vasprintf(&add, fmt, ap) < 0)
		add = NULL;
	va_end(ap);
	if (add && *note && (n2 = ol_strdupf("%s; %s", *note, add))) {
		free(*note);
		*note = n2;
	}
	free(add);
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

/*
 * Stamps in at most a tenth of the first lines: a paste of bare kernel
 * text (a ticket, OOMAnalyser's input box).  Its lines are ordered by
 * their place in the file and their times are unknown.
 */
static bool bare_text(struct reader *r, const char *buf, size_t len)
{
	const char *p = buf, *e = buf + (len < 65536 ? len : 65536), *nl;
	int lines = 0, stamped = 0;
	bool first_stamped = false;

	for (; p < e && lines < 400; p = nl + 1) {
		struct ol_kstamp st;

		nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl)
			nl = e;
		if (nl == p)
			continue;
		lines++;
		ol_kline_split(&r->ctx, p, nl, &st);
		stamped += st.clock != OL_CLK_NONE;
		if (lines == 1)
			first_stamped = st.clock != OL_CLK_NONE;
	}
	r->ctx.last_month = -1;
	/* a stamp-like line or two in a paste do not make a stamped log;
	 * a log that begins stamped is one, whatever lines follow */
	return stamped * 10 < lines && !first_stamped;
}

int ol_import_kmsg_input(struct ol_store *st, const struct ol_input *in, char **note, char **err)
{
	struct reader r = { .pending = -1, .ctx.last_month = -1 };
	const char *p, *e, *nl, *path = in->name, *data = in->data, *transport = NULL;
	char *decoded = NULL, *decoded2 = NULL;
	size_t len = in->len;
	const char **msgs = NULL;
	int64_t *ts = NULL, offset = 0;
	bool *dup = NULL;
	long long dups = 0, badjson = 0;
	struct tally t = { 0 };
	int64_t lo = 1, hi = 0;
	int matches = 0, ret = -1;
	size_t i;

	*note = NULL;
	*err = NULL;
	{
		struct tm tm;
		time_t mt = (time_t)in->mtime;

		localtime_r(&mt, &tm);
		r.ctx.year = tm.tm_year + 1900;
	}
	if (ol_journal_probe(data, len)) {
		decoded = ol_journal_to_text(data, len, &len, &transport, &badjson);
		if (!decoded) {
			*err = errf(path, "out of memory");
			goto out;
		}
		data = decoded;
	}
	if (ol_qp_probe(data, len)) {
		decoded2 = ol_qp_decode(data, len, &len);
		if (!decoded2) {
			*err = errf(path, "out of memory");
			goto out;
		}
		data = decoded2;
		transport = "quoted-printable";
	}
	r.ctx.numbered = ol_kline_numbered(data, len);
	r.bare = bare_text(&r, data, len);
	for (p = data, e = data + len; p && p < e; p = nl + 1) {
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
	if (r.bare)
		r.clock = OL_CLK_NONE;
	else if (!r.clock)
		r.clock = OL_CLK_MONO;
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
	if (ol_kmsg_align(st, ts, msgs, r.n, dup, &offset, &matches) ||
	    ol_kmsg_trace_range(st, &lo, &hi))
		goto store_err;
	for (i = 0; i < r.n; i++)
		dups += dup[i];
	if (store_lines(st, &r, dup, offset, matches > 0, lo, hi, &t) ||
	    ol_store_set_meta(st, "kmsg.clock", r.clock == OL_CLK_REAL ? "realtime" :
			      r.clock == OL_CLK_MONO ? "monotonic" : "none") ||
	    (transport && ol_store_set_meta(st, "kmsg.transport", transport)) ||
	    set_meta_ll(st, "kmsg.not_understood", t.bad) ||
	    (t.bad_lines.s && ol_store_set_meta(st, "kmsg.not_understood_lines", t.bad_lines.s)) ||
	    set_meta_ll(st, "kmsg.kills", t.kills) ||
	    (lo <= hi && ol_store_set_meta(st, "kmsg.aligned", matches ? "yes" : "no")) ||
	    set_meta_ll(st, "kmsg.lines", r.lines) ||
	    (matches && set_meta_ll(st, "kmsg.offset_ns", offset)))
		goto store_err;
	if (ol_store_end_source(st, true))
		goto store_err;
	{
		char align[160] = "";

		if (matches)
			snprintf(align, sizeof(align), "; clock offset to the trace %+.3f ms (%d lines matched),"
				 " %lld lines already in the trace", offset / 1e6, matches, dups);
		if (!r.n)
			*note = ol_strdupf("'%s': kernel log: no OOM lines in it (%lld lines read)",
					   path, r.lines);
		else
			*note = ol_strdupf("'%s': kernel log (%s, %s): %lld of %lld lines kept, "
					   "%lld kills%s", path, r.style ? r.style : "?",
					   r.clock == OL_CLK_REAL ? "wall clock" : r.clock == OL_CLK_MONO ?
					   "monotonic clock" : "times unknown, ordered by line", t.kept, r.lines,
					   t.kills, align);
		if (lo <= hi && !matches && r.n)
			note_add(note, "no time in common with the trace in the database (no line of "
				 "it in the trace): kept as its own source, its %lld kills are "
				 "log-only victims", t.kills);
		else if (t.apart_kills)
			note_add(note, "%lld kills the trace did not record (%lld outside its time "
				 "range): log-only victims", t.apart_kills, t.apart_kills - t.missed);
		if (t.bad) {
			struct ol_buf q = { 0 };
			const char *l = t.bad_lines.s;

			for (i = 0; l && *l && i < SHOW_NOT_UNDERSTOOD; i++) {
				const char *nl2 = strchr(l, '\n');
				char *one = strndup(l, nl2 ? (size_t)(nl2 - l) : strlen(l));

				if (one) {
					ol_buf_puts(&q, i ? " | " : "");
					note_quote(&q, one, 120);
				}
				free(one);
				l = nl2 ? nl2 + 1 : "";
			}
			note_add(note, "%lld lines not understood%s%s%s", t.bad, q.s ? " (" : "",
				 q.s ? q.s : "", q.s ? ")" : "");
			ol_buf_free(&q);
		}
		if (transport)
			note_add(note, "read as %s", transport);
		if (badjson)
			note_add(note, "%lld journal entries not understood", badjson);
		if (r.joined)
			note_add(note, "%lld wrapped lines re-joined", r.joined);
		if (r.month_unknown)
			note_add(note, "a month name not known: months assumed from earlier lines");
	}
	ret = 0;
	goto out;
store_err:
	*err = strdup(ol_store_errmsg(st));
	ol_store_end_source(st, false);
out:
	ol_buf_free(&t.bad_lines);
	free(decoded);
	free(decoded2);
	for (i = 0; i < r.n; i++)
		free(r.v[i].msg);
	free(r.v);
	free(ts);
	free(msgs);
	free(dup);
	return ret;
}

/*
 * A kernel log: the journal's structured outputs; or most of the first
 * lines carry a stamp the recogniser knows; or, stamped or not, a line
 * of the grammar is in it (an OOM report pasted as bare text).
 */
bool ol_kmsg_probe_text(const char *buf, size_t len)
{
	struct ol_kline_ctx ctx = { .year = 2000, .last_month = -1 };
	const char *p = buf, *e = buf + len, *nl;
	char *qp = NULL;
	int lines = 0, stamped = 0, oom = 0;
	size_t n;

	if (ol_journal_probe(buf, len))
		return true;
	if (ol_qp_probe(buf, len) && (qp = ol_qp_decode(buf, len, &n)))
		p = buf = qp, e = qp + n;
	ctx.numbered = ol_kline_numbered(buf, (size_t)(e - buf));
	for (; p < e && lines < 2000; p = nl + 1) {
		struct ol_kstamp st;

		nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl)
			nl = e;	/* a cut line at the probe's end says little */
		if (nl == p || (nl - p >= 3 && !strncmp(p, "-- ", 3)))
			continue;
		lines++;
		ol_kline_split(&ctx, p, nl, &st);
		stamped += st.clock != OL_CLK_NONE && lines <= 200;
		if (hot(st.msg, st.len)) {
			struct ol_kmsg_fact f;
			char *m = strndup(st.msg, st.len);
			int k = m ? ol_kmsg_parse_line(m, &f) : OL_KMSG_NONE;

			oom += k == OL_KMSG_INVOKED || k == OL_KMSG_KILLED ||
			       k == OL_KMSG_CONSTRAINT || k == OL_KMSG_CHOSEN ||
			       (m && ol_kmsg_incomplete(m) && strstr(m, "Killed process"));
			free(m);
		}
	}
	free(qp);
	return oom || (lines && stamped * 2 >= (lines < 200 ? lines : 200));
}
