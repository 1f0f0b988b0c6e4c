// SPDX-License-Identifier: GPL-2.0
/*
 * The one pass over the events: a single SELECT ordered by time, each row
 * dispatched by name.  Nothing of an event is kept unless it belongs to a
 * victim, so memory grows with victims and tasks, not with events.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze-local.h"

static int load_tasks(struct ol_build *b, char **err)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(b->db, "SELECT pid, tgid FROM tasks", -1, &s, NULL) != SQLITE_OK) {
		*err = ol_fmt("cannot read the tasks table: %s", sqlite3_errmsg(b->db));
		return -1;
	}
	while (sqlite3_step(s) == SQLITE_ROW)
		ol_map_set(&b->pid2tgid, sqlite3_column_int(s, 0), sqlite3_column_int(s, 1));
	sqlite3_finalize(s);
	return 0;
}

static int load_gaps(struct ol_build *b, char **err)
{
	sqlite3_stmt *s = NULL;
	size_t cap = 0;

	if (sqlite3_prepare_v2(b->db, "SELECT cpu, prev_ns, ts_ns, lost FROM gaps",
			       -1, &s, NULL) != SQLITE_OK) {
		*err = ol_fmt("cannot read the gaps table: %s", sqlite3_errmsg(b->db));
		return -1;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct ol_gap *g;

		if (!sqlite3_column_int64(s, 3))
			continue;
		b->gaps = ol_grow(b->gaps, &cap, b->ngaps + 1, sizeof(*b->gaps));
		if (!b->gaps)
			break;
		g = &b->gaps[b->ngaps++];
		g->cpu = sqlite3_column_int(s, 0);
		g->lo = sqlite3_column_int64(s, 1);
		g->hi = sqlite3_column_int64(s, 2);
		g->lost = sqlite3_column_int64(s, 3);
	}
	sqlite3_finalize(s);
	return b->gaps || !cap ? 0 : -1;
}

/* task_newtask: CLONE_VM without CLONE_THREAD makes a process sharing the
 * parent's mm; the OOM killer kills such processes together. */
static void on_newtask(struct ol_build *b, const struct ol_row *r)
{
	int64_t flags;

	if (r->target < 0 || !ol_json_int(r->fields, "clone_flags", &flags))
		return;
	if ((flags & 0x100) && !(flags & 0x10000))
		ol_map_set(&b->vmsharer, r->target, r->tgid >= 0 ? r->tgid : r->pid);
}

/* The reaper set MMF_OOM_SKIP right after finish_task_reaping (and its
 * mmap_read_unlock): the next event on that CPU closes the bracket. */
static void close_reaper_bracket(struct ol_build *b, const struct ol_row *r)
{
	int v;

	if (r->pid == b->reaper_pid && (v = b->rs_wait_reaper_v) >= 0 &&
	    r->id != b->vs[v].rs_id && strcmp(r->name, "mmap_lock:mmap_lock_released")) {
		/* the reaper's next event after set_bit (any CPU) */
		if (b->vs[v].rs_hi == OL_NONE || r->ts < b->vs[v].rs_hi)
			b->vs[v].rs_hi = r->ts;
		b->rs_wait_reaper_v = -1;
	}
	if (r->cpu < 0 || r->cpu >= 64 || (v = b->rs_wait_cpu_v[r->cpu]) < 0)
		return;
	if (r->pid == b->reaper_pid && !strcmp(r->name, "mmap_lock:mmap_lock_released")) {
		b->vs[v].rs_lo = r->ts;		/* the unlock still precedes set_bit */
		return;
	}
	if (r->id == b->vs[v].rs_id)
		return;
	if (b->vs[v].rs_hi == OL_NONE || r->ts < b->vs[v].rs_hi)
		b->vs[v].rs_hi = r->ts;
	b->rs_wait_cpu_v[r->cpu] = -1;
}

static void dispatch(struct ol_build *b, const struct ol_row *r)
{
	const char *n = r->name;

	close_reaper_bracket(b, r);
	ol_resolve_signal(b, r);
	switch (n[0]) {
	case 'k':
		if (!strcmp(n, "kmem:rss_stat"))
			ol_on_rss_stat(b, r);
		break;
	case 'm':
		if (!strncmp(n, "mmap_lock:", 10))
			ol_on_mmap_lock(b, r);
		else if (!strcmp(n, "mmap:exit_mmap"))
			ol_on_exit_mmap(b, r);
		break;
	case 'o':
		if (!strcmp(n, "oom:mark_victim"))
			ol_on_mark_victim(b, r);
		else if (!strcmp(n, "oom:wake_reaper") || !strcmp(n, "oom:start_task_reaping") ||
			 !strcmp(n, "oom:finish_task_reaping") || !strcmp(n, "oom:skip_task_reaping"))
			ol_on_reaper(b, r);
		break;
	case 'p':
		if (!strcmp(n, "printk:console"))
			ol_on_console(b, r);
		break;
	case 's':
		if (!strcmp(n, "sched:sched_process_exit"))
			ol_on_exit(b, r);
		else if (!strcmp(n, "sched:sched_process_free"))
			ol_on_free(b, r);
		else if (!strcmp(n, "signal:signal_generate"))
			ol_on_signal(b, r);
		break;
	case 't':
		if (!strcmp(n, "task:task_newtask"))
			on_newtask(b, r);
		break;
	default:
		break;
	}
}

/*
 * @by_id: read in rowid order (a sequential scan, much faster than the
 * ts_ns index) — valid when the rows were stored in time order, which is
 * what every importer does for one source.  Returns 1 as soon as a row is
 * out of time order: the caller starts again with the index.
 */
int ol_stream_events(struct ol_build *b, bool by_id, char **err)
{
	sqlite3_stmt *s = NULL;
	int rc, i;
	int64_t prev_ts = INT64_MIN;

	for (i = 0; i < 64; i++)
		b->rs_wait_cpu_v[i] = -1;
	b->reaper_pid = -1;
	b->reaping_victim = -1;
	b->rs_wait_reaper_v = -1;
	b->lastsig_target = -1;
	b->first_ns = b->last_ns = OL_NONE;
	if (load_tasks(b, err) || load_gaps(b, err))
		return -1;
	/* The reports/tui never stream events: only this one SELECT does. */
	if (sqlite3_prepare_v2(b->db, by_id ?
			"SELECT id, ts_ns, cpu, pid, tgid, comm, name, target, fields "
			"FROM events ORDER BY id" :
			"SELECT id, ts_ns, cpu, pid, tgid, comm, name, target, fields "
			"FROM events ORDER BY ts_ns, id", -1, &s, NULL) != SQLITE_OK) {
		*err = ol_fmt("cannot read the events: %s", sqlite3_errmsg(b->db));
		return -1;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct ol_row r;
		const char *c;

		r.id = sqlite3_column_int64(s, 0);
		r.ts = sqlite3_column_int64(s, 1);
		if (r.ts < prev_ts) {
			sqlite3_finalize(s);
			return 1;
		}
		prev_ts = r.ts;
		r.cpu = sqlite3_column_int(s, 2);
		r.pid = sqlite3_column_int(s, 3);
		r.tgid = sqlite3_column_type(s, 4) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 4);
		c = (const char *)sqlite3_column_text(s, 5);
		r.comm = c ? c : "";
		r.name = (const char *)sqlite3_column_text(s, 6);
		r.target = sqlite3_column_type(s, 7) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 7);
		c = (const char *)sqlite3_column_text(s, 8);
		r.fields = c ? c : "{}";
		if (!r.name)
			continue;
		if (r.tgid < 0) {
			int64_t t;

			r.tgid = ol_map_get(&b->pid2tgid, r.pid, &t) ? (int)t : r.pid;
		}
		if (b->first_ns == OL_NONE)
			b->first_ns = r.ts;
		b->last_ns = r.ts;
		if (b->reaper_pid < 0 && !strcmp(r.comm, "oom_reaper"))
			b->reaper_pid = r.pid;
		dispatch(b, &r);
	}
	sqlite3_finalize(s);
	ol_resolve_signal(b, NULL);
	if (rc != SQLITE_DONE) {
		*err = ol_fmt("reading the events failed: %s", sqlite3_errmsg(b->db));
		return -1;
	}
	return 0;
}
