// SPDX-License-Identifier: GPL-2.0
/*
 * A kernel log next to a trace of the same boot: put the log on the trace
 * clock and leave out what the trace's printk:console events already
 * hold.  printk stamps a line with local_clock() when it is stored and
 * the console tracepoint fires later, when the console is written, so
 * the two clocks differ by a small, nearly constant offset (18.04 ms on
 * the committed samples); a wall-clock log (dmesg -T, syslog) differs by
 * the boot time.  The offset is measured on lines that occur exactly once
 * per kill ("Killed process", "oom_reaper:"), whose text both hold.
 */
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "collect/collect-local.h"

#define DUP_WINDOW_NS	50000000LL	/* ±50 ms after alignment */

struct tline {
	int64_t	ts;
	int	pid;
	char	*msg;
};

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static bool anchor(const char *msg)
{
	return strstr(msg, "Killed process ") || !strncmp(msg, "oom_reaper: ", 12);
}

static void rtrim_nl(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

/* The trace sources' console lines, in time order.  -1 on error. */
static long load_trace(struct ol_store *st, struct tline **out)
{
	sqlite3 *db = ol_store_db(st);
	sqlite3_stmt *s = NULL;
	struct tline *t = NULL;
	long n = 0, cap = 0;

	*out = NULL;
	/* the ev table (schema 2, collect/schema.c): msg is JSON text or a
	 * typed string column; our connections run no views */
	if (sqlite3_prepare_v2(db, "SELECT e.ts_ns, e.pid, CASE WHEN e.fields IS NOT NULL"
			       " THEN e.fields->>'msg' ELSE (SELECT text FROM strings WHERE id ="
			       " CASE 's:msg' WHEN n.f1 THEN e.a WHEN n.f2 THEN e.b WHEN n.f3 THEN e.c"
			       " WHEN n.f4 THEN e.d END) END FROM ev e"
			       " JOIN names n ON n.id = e.name JOIN sources s ON s.id = e.source_id"
			       " WHERE n.name = 'printk:console' AND s.kind != 'kmsg'"
			       " ORDER BY e.ts_ns, e.id", -1, &s, NULL) != SQLITE_OK)
		return 0;	/* no events table yet: nothing to align with */
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(s, 2);

		if (n == cap) {
			struct tline *nt;

			cap = cap ? cap * 2 : 1024;
			nt = realloc(t, (size_t)cap * sizeof(*t));
			if (!nt)
				goto fail;
			t = nt;
		}
		t[n].ts = sqlite3_column_int64(s, 0);
		t[n].pid = sqlite3_column_int(s, 1);
		/* some kernels' console events carry printk's own "[ts] "
		 * (Debian's 5.10): the log's lines do not */
		t[n].msg = strdup(m ? ol_kmsg_skip_stamp(m) : "");
		if (!t[n].msg)
			goto fail;
		rtrim_nl(t[n].msg);
		n++;
	}
	sqlite3_finalize(s);
	*out = t;
	return n;
fail:
	sqlite3_finalize(s);
	while (n > 0)
		free(t[--n].msg);
	free(t);
	return -1;
}

static long first_at(const struct tline *t, long n, int64_t ts)
{
	long lo = 0, hi = n;

	while (lo < hi) {
		long mid = lo + (hi - lo) / 2;

		if (t[mid].ts < ts)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Is @msg in the trace near @ts?  Either one console event with the same
 * text, or consecutive console events of one task whose pieces make it up
 * (the console tracepoint sees KERN_CONT pieces one by one).
 */
static bool in_trace(const struct tline *t, long n, int64_t ts, const char *msg)
{
	long i = first_at(t, n, ts - DUP_WINDOW_NS);
	size_t len = strlen(msg);

	for (; i < n && t[i].ts <= ts + DUP_WINDOW_NS; i++) {
		size_t have = strlen(t[i].msg);
		long j;

		if (!have || strncmp(msg, t[i].msg, have))
			continue;
		for (j = i + 1; have < len && j < n && t[j].ts <= ts + 2 * DUP_WINDOW_NS; j++) {
			size_t pl = strlen(t[j].msg);

			if (t[j].pid != t[i].pid)
				continue;
			if (!pl || strncmp(msg + have, t[j].msg, pl))
				break;
			have += pl;
		}
		if (have == len)
			return true;
	}
	return false;
}

int ol_kmsg_align(struct ol_store *st, const int64_t *ts, const char *const *msg, size_t n,
		  bool *dup, int64_t *offset, int *matches)
{
	struct tline *t = NULL;
	int64_t *d = NULL;
	long nt, i, nd = 0;
	size_t k;
	int ret = -1;

	*offset = 0;
	*matches = 0;
	memset(dup, 0, n * sizeof(*dup));
	nt = load_trace(st, &t);
	if (nt < 0)
		return -1;
	if (nt == 0)
		return 0;
	d = calloc(n ? n : 1, sizeof(*d));
	if (!d)
		goto out;
	/* one offset per anchor line whose text the trace holds exactly once */
	for (k = 0; k < n; k++) {
		long hit = -1, hits = 0;

		if (!anchor(msg[k]))
			continue;
		for (i = 0; i < nt; i++)
			if (anchor(t[i].msg) && !strcmp(t[i].msg, msg[k]))
				hit = i, hits++;
		if (hits == 1)
			d[nd++] = t[hit].ts - ts[k];
	}
	*matches = (int)nd;
	if (nd) {
		qsort(d, (size_t)nd, sizeof(*d), cmp_i64);
		*offset = d[nd / 2];	/* median: robust to one odd pair */
		for (k = 0; k < n; k++)
			dup[k] = in_trace(t, nt, ts[k] + *offset, msg[k]);
	}
	ret = 0;
out:
	for (i = 0; i < nt; i++)
		free(t[i].msg);
	free(t);
	free(d);
	return ret;
}

int ol_kmsg_trace_range(struct ol_store *st, int64_t *lo, int64_t *hi)
{
	sqlite3 *db = ol_store_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	*lo = 1;
	*hi = 0;
	if (sqlite3_prepare_v2(db, "SELECT min(ts_ns), max(ts_ns) FROM ev WHERE source_id IN"
			       " (SELECT id FROM sources WHERE kind != 'kmsg')", -1, &s, NULL))
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
		*lo = sqlite3_column_int64(s, 0);
		*hi = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

bool ol_kmsg_trace_has_victim(struct ol_store *st, int pid, int64_t ts)
{
	sqlite3 *db = ol_store_db(st);
	sqlite3_stmt *s = NULL;
	bool found = false;

	/* mark_victim's target is its pid field (eventset.c, ftrace-text.c):
	 * the target index answers without a scan of the flood */
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM ev e JOIN names n ON n.id = e.name"
			       " JOIN sources s ON s.id = e.source_id"
			       " WHERE s.kind != 'kmsg' AND n.name = 'oom:mark_victim'"
			       " AND e.ts_ns BETWEEN ?2 - 1000000000 AND ?2 + 1000000000"
			       " AND e.target = ?1 LIMIT 1",
			       -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_int(s, 1, pid);
		sqlite3_bind_int64(s, 2, ts);
		found = sqlite3_step(s) == SQLITE_ROW;
	}
	sqlite3_finalize(s);
	return found;
}
