// SPDX-License-Identifier: GPL-2.0
/*
 * Where the live recorder's records go: decoded by the shared converter
 * (ol_conv_record/ol_conv_tasks, as the trace.dat importer does) into the
 * store.
 *
 * Plain mode: one source.  Its schema, source row, formats and task names
 * are committed at once when recording starts, then it is checkpointed
 * (ol_store_checkpoint) every WATCH_SEGMENT_S seconds or every
 * SEGMENT_BYTES of rows, whichever comes first, and finished at the
 * end: a failure (a full disk) loses only the records since the last
 * checkpoint, never the database, however slow the machine or however
 * long one read of the buffers takes (the checks run per record, not only
 * between reads).
 *
 * --watch (flight recorder): raw records wait in a memory ring of the last
 * 30 s (--watch-before) (bounded to WATCH_RING_BYTES).  An OOM event (mark_victim
 * or a reaper event) opens an episode: a new source that gets the ring,
 * then every record until 60 s (--watch-after) after the episode's last OOM
 * event.  An episode is committed every WATCH_SEGMENT_S seconds (a
 * continuation source), so a long storm is never one huge transaction and
 * a crash loses at most one segment.  Between episodes nothing is
 * written: the database grows with OOM episodes, not with process churn.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <event-parse.h>

#include "collect/collect-local.h"

#define NS			1000000000LL
#define WATCH_RING_BYTES	(64u << 20)
#define WATCH_SEGMENT_S		10
/*
 * A segment's size in database bytes, estimated as the row's JSON text
 * (only events that keep one) plus ROW_OVERHEAD (schema 2: rowid,
 * integers, name and comm ids; ~38 bytes an event measured on a
 * lock-heavy trace, more with the target index of fork/exit churn).  4 MB commits about twice a second under
 * churn of 40k events/s, so a 64 MB file system filling up loses a few
 * MB at most.
 */
#define SEGMENT_BYTES		(4u << 20)
#define ROW_OVERHEAD		48
#define SEGMENT_CHECK		1024		/* records between clock reads */
#define DISK_RESERVE		(64LL << 20)	/* stop below this free (or 10%) */
#define MAX_PENDING_GAPS	1024
#define COMM_CHUNK		4096
#define MAX_PID			(1 << 22)	/* PID_MAX_LIMIT on 64-bit */

enum { R_OTHER, R_TRIGGER, R_FORK, R_NEWTASK, R_RENAME, R_EXIT };

/* A raw record kept for a possible episode (--watch). */
struct rent {
	int64_t		ts;
	int		cpu, size;
	char		comm[16];
	unsigned char	data[];
};

struct gap { int cpu; int64_t prev, ts; long long n; };

struct ol_sink {
	struct ol_store	*st;
	struct ol_live	*lv;
	struct tep_handle *tep;
	struct ol_conv	*conv;
	char		*source, *dbpath;
	bool		watch, in_source, capped, failed, started;
	long long	max_db;
	unsigned char	role[65536];	/* by event id */
	int		mark_victim_id;
	/* pid -> comm, in chunks of COMM_CHUNK pids */
	char		(*comm[MAX_PID / COMM_CHUNK])[16];
	int64_t		*last_ts;
	long long	*missed;
	int		ncpu;
	struct ol_sink_stats stats;
	/* --watch */
	struct rent	**q;
	size_t		qhead, qlen, qcap, qbytes;
	int64_t		keep_until;	/* trace clock */
	int64_t		pre_ns, post_ns;
	time_t		last_trigger, segment_start;	/* monotonic s */
	size_t		segment_bytes;	/* estimated database bytes this segment */
	unsigned	segment_check;
	struct gap	pending[MAX_PENDING_GAPS];
	int		npending;
	char		*err;
};

static time_t mono_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec;
}

static int fail(struct ol_sink *s, const char *msg)
{
	if (!s->err)
		s->err = strdup(msg ? msg : "out of memory");
	s->failed = true;
	return -1;
}

const char *ol_sink_errmsg(struct ol_sink *s)
{
	return s->err ? s->err : "unknown error";
}

static const char *comm_get(struct ol_sink *s, int pid)
{
	if (pid <= 0 || pid >= MAX_PID || !s->comm[pid / COMM_CHUNK])
		return NULL;
	return s->comm[pid / COMM_CHUNK][pid % COMM_CHUNK][0] ?
	       s->comm[pid / COMM_CHUNK][pid % COMM_CHUNK] : NULL;
}

static void comm_set(struct ol_sink *s, int pid, const char *comm, size_t n)
{
	char *slot;

	if (pid <= 0 || pid >= MAX_PID || !comm)
		return;
	if (!s->comm[pid / COMM_CHUNK]) {
		s->comm[pid / COMM_CHUNK] = calloc(COMM_CHUNK, 16);
		if (!s->comm[pid / COMM_CHUNK])
			return;	/* comm then comes from tep: "<...>" -> NULL */
	}
	slot = s->comm[pid / COMM_CHUNK][pid % COMM_CHUNK];
	n = strnlen(comm, n < 15 ? n : 15);
	memcpy(slot, comm, n);
	slot[n] = '\0';
}

static void proc_seen(void *ctx, int tid, int tgid, const char *comm)
{
	comm_set(ctx, tid, comm, strlen(comm));
}

static void set_role(struct ol_sink *s, const char *sys, const char *name, int role)
{
	struct tep_event *e = tep_find_event_by_name(s->tep, sys, name);

	if (e && e->id >= 0 && e->id < 65536)
		s->role[e->id] = (unsigned char)role;
	if (e && !strcmp(name, "mark_victim"))
		s->mark_victim_id = e->id;
}

struct ol_sink *ol_sink_new(struct ol_store *st, struct ol_live *lv, const char *source,
			    const char *db, bool watch, long long max_db_bytes)
{
	struct ol_sink *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->st = st;
	s->lv = lv;
	s->tep = ol_live_tep(lv);
	s->watch = watch;
	s->max_db = max_db_bytes;
	s->ncpu = ol_live_cpus(lv);
	s->mark_victim_id = -1;
	s->pre_ns = 30 * NS;
	s->post_ns = 60 * NS;
	s->source = strdup(source);
	s->dbpath = strdup(db);
	s->conv = ol_conv_new(s->tep);
	s->last_ts = calloc((size_t)s->ncpu, sizeof(*s->last_ts));
	s->missed = calloc((size_t)s->ncpu, sizeof(*s->missed));
	if (!s->source || !s->dbpath || !s->conv || !s->last_ts || !s->missed) {
		ol_sink_free(s);
		return NULL;
	}
	set_role(s, "oom", "mark_victim", R_TRIGGER);
	set_role(s, "oom", "wake_reaper", R_TRIGGER);
	set_role(s, "oom", "start_task_reaping", R_TRIGGER);
	set_role(s, "oom", "finish_task_reaping", R_TRIGGER);
	set_role(s, "oom", "skip_task_reaping", R_TRIGGER);
	set_role(s, "sched", "sched_process_fork", R_FORK);
	set_role(s, "sched", "sched_process_exit", R_EXIT);
	set_role(s, "task", "task_newtask", R_NEWTASK);
	set_role(s, "task", "task_rename", R_RENAME);
	/* comms of the tasks alive now; the store gets them with the source */
	ol_live_scan_proc(NULL, proc_seen, s);
	return s;
}

void ol_sink_set_window(struct ol_sink *s, double before_s, double after_s)
{
	s->pre_ns = (int64_t)(before_s * NS);
	s->post_ns = (int64_t)(after_s * NS);
}

void ol_sink_free(struct ol_sink *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < MAX_PID / COMM_CHUNK; i++)
		free(s->comm[i]);
	for (i = 0; i < s->qlen; i++)
		free(s->q[(s->qhead + i) % s->qcap]);
	free(s->q);
	ol_conv_free(s->conv);
	free(s->last_ts);
	free(s->missed);
	free(s->source);
	free(s->dbpath);
	free(s->err);
	free(s);
}

void ol_sink_get_stats(struct ol_sink *s, struct ol_sink_stats *out)
{
	*out = s->stats;
	out->ring = (long long)s->qlen;
}

/* Convert and store one record; @comm is the context task's name or NULL. */
static int store_record(struct ol_sink *s, struct tep_record *rec, const char *comm)
{
	struct ol_event ev;
	int r = ol_conv_record(s->conv, rec, &ev);

	if (r == 0)
		return 0;
	if (r < 0)
		return fail(s, NULL);
	if (comm)
		ev.comm = comm;
	if (ol_store_add_event(s->st, &ev) || ol_conv_tasks(s->conv, s->st, &ev))
		return fail(s, ol_store_errmsg(s->st));
	s->stats.stored++;
	s->segment_bytes += (ev.fields ? strlen(ev.fields) : 0) + ROW_OVERHEAD;
	return 0;
}

/* Fields a task event carries: update the pid -> comm map. */
static void learn_comm(struct ol_sink *s, struct tep_event *e, int role,
		       struct tep_record *rec)
{
	static const char *const pidf[] = { [R_FORK] = "child_pid", [R_NEWTASK] = "pid",
					    [R_RENAME] = "pid", [R_EXIT] = "pid" };
	static const char *const commf[] = { [R_FORK] = "child_comm", [R_NEWTASK] = "comm",
					     [R_RENAME] = "newcomm", [R_EXIT] = "comm" };
	struct tep_format_field *f = tep_find_field(e, pidf[role]);
	unsigned long long pid;
	const char *p;
	int len = 0;

	if (!f || tep_read_number_field(f, rec->data, &pid))
		return;
	p = tep_get_field_raw(NULL, e, commf[role], rec, &len, 0);
	if (p && len > 0)
		comm_set(s, (int)pid, p, (size_t)len);
}

static int begin_source(struct ol_sink *s, bool scan)
{
	int i;

	if (ol_store_begin_source(s->st, s->source, s->watch ? "live-watch" : "live") < 0 ||
	    ol_live_store_meta(s->lv, s->st) ||
	    ol_conv_store_formats(s->conv, s->st) ||
	    (scan && ol_live_scan_proc(s->st, proc_seen, s)))
		return fail(s, ol_store_errmsg(s->st));
	s->in_source = true;
	s->segment_start = mono_now();
	s->segment_bytes = 0;
	for (i = 0; i < s->npending; i++)
		if (ol_store_add_gap(s->st, s->pending[i].cpu, s->pending[i].prev,
				     s->pending[i].ts, s->pending[i].n))
			return fail(s, ol_store_errmsg(s->st));
	s->npending = 0;
	return 0;
}

static int end_source(struct ol_sink *s)
{
	s->in_source = false;
	if (ol_store_end_source(s->st, true))
		return fail(s, ol_store_errmsg(s->st));
	if (s->watch)
		s->stats.episodes_done++;
	return 0;
}

int ol_sink_begin(struct ol_sink *s)
{
	return s->watch ? 0 : begin_source(s, true);
}

/* Is the open segment due for a commit (by time or by size)? */
static bool segment_due(struct ol_sink *s)
{
	return s->segment_bytes >= SEGMENT_BYTES ||
	       mono_now() >= s->segment_start + WATCH_SEGMENT_S;
}

/* Commit the open segment: a checkpoint (plain) or a continuation source. */
static int segment_roll(struct ol_sink *s)
{
	if (s->watch)
		return end_source(s) || begin_source(s, false);
	s->segment_start = mono_now();
	s->segment_bytes = 0;
	if (ol_store_checkpoint(s->st))
		return fail(s, ol_store_errmsg(s->st));
	return 0;
}

static void ring_pop(struct ol_sink *s)
{
	struct rent *r = s->q[s->qhead];

	s->qbytes -= sizeof(*r) + (size_t)r->size;
	free(r);
	s->qhead = (s->qhead + 1) % s->qcap;
	s->qlen--;
}

static int ring_push(struct ol_sink *s, struct tep_record *rec, const char *comm)
{
	struct rent *r;

	if (s->qlen == s->qcap) {
		size_t cap = s->qcap ? s->qcap * 2 : 4096, i;
		struct rent **q = malloc(cap * sizeof(*q));

		if (!q)
			return fail(s, NULL);
		for (i = 0; i < s->qlen; i++)
			q[i] = s->q[(s->qhead + i) % s->qcap];
		free(s->q);
		s->q = q;
		s->qcap = cap;
		s->qhead = 0;
	}
	r = malloc(sizeof(*r) + (size_t)rec->size);
	if (!r)
		return fail(s, NULL);
	r->ts = (int64_t)rec->ts;
	r->cpu = rec->cpu;
	r->size = rec->size;
	memset(r->comm, 0, sizeof(r->comm));
	if (comm)
		strncpy(r->comm, comm, sizeof(r->comm) - 1);
	memcpy(r->data, rec->data, (size_t)rec->size);
	s->q[(s->qhead + s->qlen) % s->qcap] = r;
	s->qlen++;
	s->qbytes += sizeof(*r) + (size_t)rec->size;
	while (s->qlen && (s->q[s->qhead]->ts < r->ts - s->pre_ns ||
			   s->qbytes > WATCH_RING_BYTES))
		ring_pop(s);
	return 0;
}

/* The ring's records (the s->pre_ns before @ts) into the open source. */
static int ring_flush(struct ol_sink *s, int64_t ts)
{
	while (s->qlen) {
		struct rent *r = s->q[s->qhead];
		struct tep_record rec = { .ts = (unsigned long long)r->ts, .cpu = r->cpu,
					  .size = r->size, .data = r->data, .ref_count = 1 };

		if (r->ts >= ts - s->pre_ns &&
		    store_record(s, &rec, r->comm[0] ? r->comm : NULL))
			return -1;
		ring_pop(s);
	}
	return 0;
}

static int watch_record(struct ol_sink *s, struct tep_record *rec, int role, const char *comm)
{
	int64_t ts = (int64_t)rec->ts;

	if (role == R_TRIGGER) {
		if (!s->in_source) {
			if (begin_source(s, true))
				return -1;
			s->stats.episodes++;
		}
		if (!s->capped && ring_flush(s, ts))
			return -1;
		s->keep_until = ts + s->post_ns;
		s->last_trigger = mono_now();
		return store_record(s, rec, comm);
	}
	if (s->in_source && ts > s->keep_until && end_source(s))
		return -1;
	if (s->in_source)
		return s->capped ? 0 : store_record(s, rec, comm);
	return ring_push(s, rec, comm);
}

static int on_record(struct tep_event *e, struct tep_record *rec, int cpu, void *ctx)
{
	struct ol_sink *s = ctx;
	int id = e ? e->id : -1, role;
	const char *comm;

	/* never stop the iteration: the rest of a stopped page is lost */
	if (s->failed)
		return 0;
	s->stats.seen++;
	if (rec->cpu >= 0 && rec->cpu < s->ncpu) {
		if (rec->missed_events) {
			long long n = rec->missed_events;

			if (s->in_source) {
				if (ol_store_add_gap(s->st, rec->cpu, s->last_ts[rec->cpu],
						     (int64_t)rec->ts, n)) {
					fail(s, ol_store_errmsg(s->st));
					return 0;
				}
			} else if (s->npending < MAX_PENDING_GAPS) {
				s->pending[s->npending++] = (struct gap){ rec->cpu,
					s->last_ts[rec->cpu], (int64_t)rec->ts, n };
			}
			s->missed[rec->cpu] += n > 0 ? n : 1;
			s->stats.lost += n > 0 ? n : 1;
		}
		s->last_ts[rec->cpu] = (int64_t)rec->ts;
	}
	role = id >= 0 && id < 65536 ? s->role[id] : R_OTHER;
	if (id == s->mark_victim_id)
		s->stats.kills++;
	comm = comm_get(s, tep_data_pid(s->tep, rec));
	if (role != R_OTHER && role != R_TRIGGER)
		learn_comm(s, e, role, rec);
	if (s->watch)
		watch_record(s, rec, role, comm);
	else
		store_record(s, rec, comm);
	/* one read of the buffers can take long: checkpoint within it too */
	if (s->in_source && !s->failed &&
	    (s->segment_bytes >= SEGMENT_BYTES || ++s->segment_check % SEGMENT_CHECK == 0) &&
	    segment_due(s))
		segment_roll(s);
	return 0;
}

int ol_sink_poll(struct ol_sink *s)
{
	/*
	 * Plain mode: the schema and the source row reach the file before
	 * the first record (but after a command given to record has started:
	 * a command that cannot run leaves no database), so that a disk
	 * filling up in the first seconds, or a machine too loaded to reach
	 * the first timed checkpoint, still leaves a database that says what
	 * was being recorded.
	 */
	if (!s->watch && s->in_source && !s->started && !s->failed) {
		s->started = true;
		if (ol_store_checkpoint(s->st))
			return fail(s, ol_store_errmsg(s->st));
	}
	if (ol_live_read(s->lv, on_record, s) < 0 && !s->failed)
		return fail(s, "cannot read the trace buffers");
	return s->failed ? -1 : 0;
}

static long long file_size(const char *path, const char *suffix)
{
	char p[4096];
	struct stat sb;

	snprintf(p, sizeof(p), "%s%s", path, suffix);
	return stat(p, &sb) == 0 ? (long long)sb.st_size : 0;
}

int ol_sink_tick(struct ol_sink *s)
{
	const char *db = s->dbpath;
	struct statvfs vfs;
	bool low = false;
	char dir[4096], *slash;

	if (s->failed)
		return -1;
	snprintf(dir, sizeof(dir), "%s", db);
	slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir] = '\0';
	else
		strcpy(dir, ".");
	if (statvfs(dir, &vfs) == 0) {
		long long size = (long long)vfs.f_blocks * (long long)vfs.f_frsize;
		long long reserve = size / 10 < DISK_RESERVE ? size / 10 : DISK_RESERVE;

		/* stop while a commit still fits: the journal needs room */
		low = (long long)vfs.f_bavail * (long long)vfs.f_frsize < reserve;
	}
	if (!s->watch) {
		if (low)
			return 1;
		if (s->in_source && segment_due(s))
			return segment_roll(s);
		return 0;
	}
	if (low || (s->max_db > 0 && file_size(db, "") + file_size(db, "-journal") > s->max_db))
		s->capped = true;
	if (!s->in_source)
		return 0;
	if (mono_now() > s->last_trigger + s->post_ns / NS + 2)
		return end_source(s);
	if (segment_due(s))
		return segment_roll(s);
	return 0;
}

int ol_sink_finish(struct ol_sink *s, bool ok)
{
	long long lost;

	if (!ok || s->failed) {
		if (s->in_source)
			ol_store_end_source(s->st, false);
		s->in_source = false;
		return -1;
	}
	/* --watch: the last source carries the loss counters (maybe no events) */
	if (!s->in_source && begin_source(s, false))
		return -1;
	lost = ol_live_store_stats(s->lv, s->st, s->missed);
	if (lost < 0) {
		fail(s, ol_store_errmsg(s->st));
		ol_store_end_source(s->st, false);
		s->in_source = false;
		return -1;
	}
	s->stats.lost = lost;
	return end_source(s);
}
