// SPDX-License-Identifier: GPL-2.0
/*
 * The one pass over the events: a single SELECT ordered by time, each row
 * dispatched by name.  Nothing of an event is kept unless it belongs to a
 * victim, so memory grows with victims and tasks, not with events.
 *
 * This loop runs millions of times (rss_stat and mmap_lock are most of a
 * recording): a row costs one sqlite3_column_*() call per column read, so
 * the reader (reader.c, in threads of its own) reads only the columns
 * the row's kind needs, and rss_stat / mmap_lock rows that cannot concern
 * a victim (no victim mm is being tracked and the task is neither a
 * victim nor the reaper at work) are dropped before their JSON is touched.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze-local.h"
#include "collect/collect.h"

static int load_tasks(struct ol_build *b, sqlite3 *db, char **err)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(db, "SELECT pid, tgid FROM tasks", -1, &s, NULL) != SQLITE_OK) {
		*err = ol_fmt("cannot read the tasks table: %s", sqlite3_errmsg(db));
		return -1;
	}
	while (sqlite3_step(s) == SQLITE_ROW)
		ol_map_set(&b->pid2tgid, sqlite3_column_int(s, 0), sqlite3_column_int(s, 1));
	sqlite3_finalize(s);
	return 0;
}

static int load_gaps(struct ol_build *b, sqlite3 *db, char **err)
{
	sqlite3_stmt *s = NULL;
	size_t cap = 0;

	if (sqlite3_prepare_v2(db, "SELECT cpu, prev_ns, ts_ns, lost FROM gaps",
			       -1, &s, NULL) != SQLITE_OK) {
		*err = ol_fmt("cannot read the gaps table: %s", sqlite3_errmsg(db));
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
 * parent's mm (CLONE_VFORK too: vfork()); the OOM killer kills such
 * processes together (sharers.c). */
static void on_newtask(struct ol_build *b, const struct ol_row *r)
{
	int64_t flags;

	if (r->target < 0 || !ol_json_int(r->fields, "clone_flags", &flags))
		return;
	if ((flags & 0x100) && !(flags & 0x10000)) {
		ol_map_set(&b->vmsharer, r->target, r->tgid >= 0 ? r->tgid : r->pid);
		if (flags & 0x4000)
			ol_map_set(&b->vforked, r->target, 1);
	}
}

/* The reaper set MMF_OOM_SKIP right after finish_task_reaping (and its
 * mmap_read_unlock): the next event on that CPU closes the bracket. */
static void close_reaper_bracket(struct ol_build *b, const struct ol_row *r)
{
	int v;

	if (r->pid == b->reaper_pid && (v = b->rs_wait_reaper_v) >= 0 &&
	    r->id != b->vs[v].rs_id && r->kind != K_LOCK_RELEASED) {
		/* the reaper's next event after set_bit (any CPU) */
		if (b->vs[v].rs_hi == OL_NONE || r->ts < b->vs[v].rs_hi)
			b->vs[v].rs_hi = r->ts;
		b->rs_wait_reaper_v = -1;
	}
	if (r->cpu < 0 || r->cpu >= 64 || (v = b->rs_wait_cpu_v[r->cpu]) < 0)
		return;
	if (r->pid == b->reaper_pid && r->kind == K_LOCK_RELEASED) {
		b->vs[v].rs_lo = r->ts;		/* the unlock still precedes set_bit */
		return;
	}
	if (r->id == b->vs[v].rs_id)
		return;
	if (b->vs[v].rs_hi == OL_NONE || r->ts < b->vs[v].rs_hi)
		b->vs[v].rs_hi = r->ts;
	b->rs_wait_cpu_v[r->cpu] = -1;
}

#define KIND(lit, k) if (len == sizeof(lit) - 1 && !memcmp(name, lit, len)) return k

enum ol_kind ol_kind_of(const char *name, size_t len)
{
	switch (name[0]) {
	case 'k':
		KIND("kmem:rss_stat", K_RSS_STAT);
		break;
	case 'm':
		if (len > 10 && !memcmp(name, "mmap_lock:", 10)) {
			KIND("mmap_lock:mmap_lock_start_locking", K_LOCK_START);
			KIND("mmap_lock:mmap_lock_acquire_returned", K_LOCK_ACQUIRED);
			KIND("mmap_lock:mmap_lock_released", K_LOCK_RELEASED);
			return K_LOCK_OTHER;
		}
		KIND("mmap:exit_mmap", K_EXIT_MMAP);
		break;
	case 'o':
		KIND("oom:mark_victim", K_MARK_VICTIM);
		KIND("oom:wake_reaper", K_WAKE_REAPER);
		KIND("oom:start_task_reaping", K_START_REAPING);
		KIND("oom:finish_task_reaping", K_FINISH_REAPING);
		KIND("oom:skip_task_reaping", K_SKIP_REAPING);
		break;
	case 'p':
		KIND("printk:console", K_CONSOLE);
		break;
	case 's':
		KIND("sched:sched_process_exit", K_PROCESS_EXIT);
		KIND("sched:sched_process_free", K_PROCESS_FREE);
		KIND("signal:signal_generate", K_SIGNAL);
		break;
	case 't':
		KIND("task:task_newtask", K_NEWTASK);
		break;
	default:
		break;
	}
	return K_OTHER;
}

#undef KIND

static void dispatch(struct ol_build *b, const struct ol_row *r)
{
	switch (r->kind) {
	case K_RSS_STAT:
		ol_on_rss_stat(b, r);
		break;
	case K_LOCK_START:
	case K_LOCK_ACQUIRED:
	case K_LOCK_RELEASED:
	case K_LOCK_OTHER:
		ol_on_mmap_lock(b, r);
		break;
	case K_EXIT_MMAP:
		ol_on_exit_mmap(b, r);
		break;
	case K_MARK_VICTIM:
		ol_on_mark_victim(b, r);
		break;
	case K_WAKE_REAPER:
	case K_START_REAPING:
	case K_FINISH_REAPING:
	case K_SKIP_REAPING:
		ol_on_reaper(b, r);
		break;
	case K_CONSOLE:
		ol_on_console(b, r);
		break;
	case K_PROCESS_EXIT:
		ol_on_exit(b, r);
		break;
	case K_PROCESS_FREE:
		ol_on_free(b, r);
		break;
	case K_SIGNAL:
		ol_on_signal(b, r);
		break;
	case K_NEWTASK:
		on_newtask(b, r);
		break;
	default:
		break;
	}
}

/*
 * The events are read through a connection of our own when the database
 * is a file and no transaction is open on @b->db: read-only and without
 * SQLite's per-call mutex (one thread at a time uses it: this one, then
 * a reader thread until it is joined), which saves a lock round trip on
 * every sqlite3_column_*() call.
 */
static sqlite3 *reader_open(sqlite3 *db)
{
	const char *fn = sqlite3_db_filename(db, "main");
	sqlite3 *r = NULL;

	if (!fn || !*fn || !sqlite3_get_autocommit(db))
		return NULL;
	if (sqlite3_open_v2(fn, &r, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		sqlite3_close(r);
		return NULL;
	}
	/* the file was checked by the first connection; harden this one too */
	if (ol_db_harden(r, false)) {
		sqlite3_close(r);
		return NULL;
	}
	return r;
}

void ol_stream_begin(struct ol_build *b)
{
	int i;

	for (i = 0; i < 64; i++)
		b->rs_wait_cpu_v[i] = -1;
	b->reaper_pid = -1;
	b->reaping_victim = -1;
	b->reaper_fail_ptr = OL_NONE;
	b->rs_wait_reaper_v = -1;
	b->lastsig_target = -1;
	b->first_ns = b->last_ns = OL_NONE;
}

void ol_stream_row(struct ol_build *b, struct ol_row *r, bool reaper,
		   const char *(*fields)(void *ctx),
		   unsigned (*ints)(void *ctx, const char *const *keys, int n, int64_t *out),
		   void *ctx)
{
	bool ctx_mm;

	r->ints = NULL;
	if (b->first_ns == OL_NONE)
		b->first_ns = r->ts;
	b->last_ns = r->ts;
	/* the oom_reaper kthread: the first task seen with that comm */
	if (b->reaper_pid < 0 && reaper)
		b->reaper_pid = r->pid;
	switch (r->kind) {
	case K_OTHER:
		close_reaper_bracket(b, r);
		ol_resolve_signal(b, r);
		return;
	case K_RSS_STAT:
	case K_LOCK_START:
	case K_LOCK_ACQUIRED:
	case K_LOCK_RELEASED:
	case K_LOCK_OTHER:
		close_reaper_bracket(b, r);
		ol_resolve_signal(b, r);
		/* an mm is linked to a victim only in a victim's or the
		 * reaper's context (mm.c); without such a link alive, other
		 * tasks' rows say nothing */
		ctx_mm = ol_mm_context(b, r);
		if (!ctx_mm && !(r->kind == K_RSS_STAT ? b->live_mmids : b->live_mmptrs))
			return;
		/* their rules read integers only: no text to build */
		if (ints) {
			r->ints = ints;
			r->ictx = ctx;
		} else {
			r->fields = fields(ctx);
		}
		if (!ctx_mm && !ol_mm_linked(b, r))
			return;
		dispatch(b, r);
		return;
	case K_NEWTASK:
		if (r->tgid < 0) {
			int64_t t;

			r->tgid = ol_map_get(&b->pid2tgid, r->pid, &t) ? (int)t : r->pid;
		}
		close_reaper_bracket(b, r);
		ol_resolve_signal(b, r);
		break;
	default:
		close_reaper_bracket(b, r);
		ol_resolve_signal(b, r);
		break;
	}
	r->fields = fields(ctx);
	dispatch(b, r);
}

struct batch_row {
	struct ol_reader *rd;
	const struct ol_batch *bt;
	const struct ol_evrow *e;
};

static const char *batch_fields(void *ctx)
{
	struct batch_row *x = ctx;

	return ol_reader_fields(x->rd, x->bt, x->e);
}

static unsigned batch_ints(void *ctx, const char *const *keys, int n, int64_t *out)
{
	struct batch_row *x = ctx;

	return ol_reader_ints(x->rd, x->bt, x->e, keys, n, out);
}

/*
 * @by_id: read in rowid order (a sequential scan, much faster than the
 * ts_ns index) — valid when the rows were stored in time order, which is
 * what every importer does for one source.  Returns 1 as soon as a row is
 * out of time order: the caller starts again with the index.
 *
 * With a connection of our own, reader threads (reader.c) step the
 * SELECT while this thread runs the state machine; each row arrives with
 * the columns its kind needs already copied.  The fields text is handed
 * to the code below at the same points as the columns used to be read,
 * so every handler sees exactly the row it saw in the one-thread loop.
 */
int ol_stream_events(struct ol_build *b, bool by_id, char **err)
{
	sqlite3 *own = reader_open(b->db), *db = own ? own : b->db;
	struct ol_reader *rd;
	const struct ol_batch *bt;
	struct batch_row x;
	int64_t prev_ts = INT64_MIN;
	bool unordered = false;
	int ret = -1;

	ol_stream_begin(b);
	if (load_tasks(b, db, err) || load_gaps(b, db, err))
		goto out;
	/* The reports/tui never stream events: only this one SELECT does. */
	if (!(rd = ol_reader_start(db, by_id, own != NULL, err)))
		goto out;
	x.rd = rd;
	while (!unordered && (bt = ol_reader_next(rd))) {
		const struct ol_evrow *e = bt->rows, *end = e + bt->n;

		for (; e < end; e++) {
			struct ol_row r;

			/* one kernel log alone is read in its line order: printk
			 * printed a report's lines in that order, and a pasted log
			 * whose stamps go back (excerpts glued together) still
			 * pairs each kill with the lines before it */
			if (e->ts < prev_ts && !(b->era.kmsg_only && b->era.kmsg_sources == 1)) {
				unordered = true;
				break;
			}
			prev_ts = e->ts;
			if (e->kind == K_NONE)
				continue;
			r.id = e->id;
			r.ts = e->ts;
			r.kind = (enum ol_kind)e->kind;
			r.cpu = e->cpu;
			r.pid = e->pid;
			r.tgid = e->tgid;
			r.target = e->target;
			r.comm = e->comm >= 0 ? bt->text + e->comm : "";
			r.fields = "{}";
			x.e = e;
			x.bt = bt;
			ol_stream_row(b, &r, e->reaper, batch_fields, batch_ints, &x);
		}
	}
	if (unordered) {
		char *e = NULL;

		ol_reader_end(rd, &e);	/* stopped early: nothing to report */
		free(e);
		ret = 1;
		goto out;
	}
	ol_resolve_signal(b, NULL);
	ret = ol_reader_end(rd, err);
out:
	sqlite3_close(own);
	return ret;
}
