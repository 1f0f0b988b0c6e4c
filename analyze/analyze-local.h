/* SPDX-License-Identifier: GPL-2.0 */
/*
 * analyze/ internals.  One pass streams the events (ordered by ts_ns)
 * through a state machine that keeps state per victim and per victim mm
 * only, so memory grows with victims, not with events.  After the pass,
 * finish.c decides the MMF_OOM_SKIP bracket, freed times and metrics,
 * verdicts.c the verdicts and episodes, tables.c writes them back.
 */
#ifndef OOMLENS_ANALYZE_LOCAL_H
#define OOMLENS_ANALYZE_LOCAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

#include "analyze/analyze.h"

struct ol_row;

#define OL_ANALYSIS_VERSION	"3"	/* 3: the sharers table */

#define NS_PER_SEC		1000000000LL
#define NS_PER_MS		1000000LL

/* -------- util.c -------- */
char *ol_xstrdup(const char *s);
char *ol_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *ol_vfmt(const char *fmt, va_list ap);
void *ol_grow(void *p, size_t *cap, size_t need, size_t size);
/* "+1.234 s" style relative time into @buf */
struct ol_build;
/* "+1.234s" ("+2s" or "<1s" at a 1 s resolution), "?" for OL_NONE. */
const char *ol_rel(const struct ol_build *b, char *buf, size_t len, int64_t delta_ns);

/* int64 -> int64 open-addressing hash (key must not be INT64_MIN) */
struct ol_map {
	int64_t *keys, *vals;
	size_t cap, n;
};
void ol_map_set(struct ol_map *m, int64_t key, int64_t val);
bool ol_map_get(const struct ol_map *m, int64_t key, int64_t *val);
void ol_map_free(struct ol_map *m);

/* Flat JSON object access (the events.fields column). */
bool ol_json_raw(const char *json, const char *key, const char **val, size_t *len,
		 bool *is_str);
bool ol_json_int(const char *json, const char *key, int64_t *out);
unsigned ol_json_ints(const char *json, const char *const *keys, int n, int64_t *out);
/* String value, unescaped into @buf (truncated); false if absent. */
bool ol_json_str(const char *json, const char *key, char *buf, size_t len);

/* -------- build.c: the analysis on an open handle (merge.c: empty tables) -------- */
int ol_analyze_handle(void *sqlite_db, char **err);

/* -------- merge.c: the origins table of a merged database -------- */
extern const char ol_merge_ddl[];

/* -------- origins.c: a merged database's origins (into @a) -------- */
int ol_load_origins(sqlite3 *db, struct ol_analysis *a);
void ol_origins_free(struct ol_analysis *a);

/* -------- era.c -------- */
enum ol_exit_rule {
	EXIT_RULE_UNKNOWN,
	EXIT_RULE_AFTER_FREE,	/* <= 4.13: __mmput() after exit_mmap() */
	EXIT_RULE_BEFORE_UNMAP,	/* 4.14 .. 6.0: before unmapping (OOM victims) */
	EXIT_RULE_AFTER_UNMAP,	/* 6.1+: after unmap_vmas, before free_pgtables */
};

struct ol_era {
	bool has_mark_victim, mark_victim_ext;
	bool has_exit_mmap, group_dead;
	bool has_rss_stat, has_mmap_lock, has_console, has_signal, has_newtask;
	bool has_reaper_events, has_process_free;
	int kver_major, kver_minor;		/* from meta kernel_release, 0 if unknown */
	enum ol_exit_rule exit_rule;
	enum ol_confidence exit_rule_conf;
	int reaper_delay;			/* 1 delayed (5.18+), 0 immediate, -1 unknown */
	enum ol_confidence reaper_delay_conf;
	char name[160];				/* "6.1+ (exit_mmap, ...)" */
	/* what the data is: sources of kind kmsg only, trace only, both */
	bool kmsg_only, has_kmsg;
	int kmsg_sources;		/* kernel logs in the database */
	const char *evidence;			/* "kernel-log-only", "trace", "trace+kernel-log" */
	bool from_release;			/* rules inferred from meta kernel_release */
	char release[64];			/* meta kernel_release ("" if none) */
	/* ns between two possible times: 1 for traces; a kernel log alone
	 * can be coarser (1 s for dmesg -T and syslog), and its sentences
	 * then say "+2s", not "+2.000s" */
	int64_t res_ns;
};

int ol_era_detect(sqlite3 *db, struct ol_era *era, char **err);
/* The rules (exit_rule, reaper delay unknown) from @era's has_* and version. */
void ol_era_rules(struct ol_era *era);
/* After the pass: infer the reaper delay from the data. */
void ol_era_finish(struct ol_era *era, const struct ol_analysis *a);
/* After the pass, before any sentence is written: era->res_ns. */
void ol_era_resolution(struct ol_era *era, const struct ol_analysis *a);
const char *ol_exit_rule_name(enum ol_exit_rule r);

/* -------- per-victim work state (not exported) -------- */
struct ol_mmtrack {
	int64_t mm_id;			/* OL_NONE until known */
	int64_t mm_ptr;			/* mmap_lock / exit_mmap "mm", OL_NONE */
	int leader;			/* victim owning the curve */
	bool done;			/* exit_mmap seen: ids may be reused */
	int64_t member[4];		/* bytes, -1 unknown */
	int64_t rss0_kb;		/* held at kill, OL_NONE if unknown */
	int64_t held_kb;		/* last computed */
	int64_t last_curve_ns, last_curve_kb;
	int64_t freed90_ns, freed90_id;	/* first time held <= 10% of rss0 */
	bool freed90_by_reaper;
	int64_t reaper_bytes;		/* bytes given back in oom_reaper context */
	int64_t exit_bytes;		/* bytes given back by others (exit path) */
	/* exit-path bracket candidate (6.1+): released(write=0) .. start_locking(write=1) */
	int64_t rel_r_ns, rel_r_id;
	int rel_r_pid;
	int64_t cand_lo, cand_hi, cand_id;
	int64_t exit_mmap_ns, exit_mmap_id;
	int exit_mmap_pid;
	/*
	 * The mm's life, which scopes its ids: the kernel reuses a freed
	 * mm's hashed mm_id (and pointer) for later processes.  @closed: the
	 * ids are forgotten (exit_mmap, or the exit of the task that tore it
	 * down, or a later process seen filling the id).  @teardown_pid: a
	 * user task whose own exit_mmap was seen unmapping it.
	 */
	bool closed;
	int teardown_pid;
	/* exit_mmap ran in a task that is none of the victims' threads:
	 * it pinned the mm (mmget, e.g. process_vm_readv, /proc/PID/mem) */
	bool exit_mmap_pinned;
	char exit_mmap_comm[16];
};

struct ol_vstate {
	int mm;				/* index into mms, -1 */
	bool killed_line, exiting_line, console_after;
	int nsharers;			/* processes SIGKILLed as sharing its mm */
	int64_t group_exit_ns;		/* the victim and all its sharers exited */
	bool log_only;			/* known from "Killed process" alone */
	bool clone_vm;			/* a sharer's creation seen (task_newtask) */
	int64_t sig_id;
	char *constraint;		/* CONSTRAINT_MEMCG, ... or NULL */
	int64_t usage_kb, limit_kb, sw_usage_kb, sw_limit_kb;
	int64_t usage_id;
	/* reaper */
	bool reaping;			/* between start and finish */
	int nstart, nskip, nlockfail;
	int64_t reaped_line_ns, reaped_line_id, now_anon, now_file, now_shmem;
	int64_t unable_ns, unable_id;
	int64_t rs_lo, rs_hi, rs_id;	/* reaper set MMF_OOM_SKIP in [lo, hi] */
	int rs_cpu;			/* waiting for the next event on this cpu */
	int64_t pinned_ns, pinned_id;
	int raced, raced_first_id;
	int64_t raced_ns;
	/* threads */
	int64_t group_dead_ns, group_dead_id;
	int64_t last_exit_ns, last_exit_id;
	int64_t first_teardown_ns;	/* first rss_stat of the victim's own threads */
	int64_t free_ns, free_id;
	int dom;			/* domain id: equal ids, equal domain strings */
	/* point / curve arrays capacities */
	size_t pcap, ccap, vcap;
};

/* One row of the task table in a kill's OOM report (oom_tasks); -1 unknown. */
struct ol_otask {
	int victim;
	int pid;
	long long uid, tgid, total_vm, rss, rss_anon, rss_file, rss_shmem;
	long long pgtables_bytes, swapents, oom_score_adj;
	char name[64];
};

/* One value of a kill's memory picture (oom_memory); victim -1 until attached. */
struct ol_omem {
	int victim;
	int scope;			/* enum ol_kmem_scope */
	int node;			/* -1: none */
	char zone[16], key[48];
	long long value;
	const char *unit;		/* static: "kB", "pages", "bytes" */
};

struct ol_build {
	sqlite3 *db;
	struct ol_era era;
	struct ol_analysis *a;
	size_t vcap;
	struct ol_vstate *vs;		/* parallel to a->victims */
	struct ol_mmtrack *mms;
	size_t nmms, mmcap;
	struct ol_map pid2tgid;		/* tasks table */
	struct ol_map exit_ns;		/* pid -> last sched_process_exit ts */
	struct ol_map tgid2v;		/* victim tgid -> latest victim index */
	struct ol_map pid2v;		/* victim thread (mark_victim pid) -> victim */
	struct ol_map mmid2mm, mmptr2mm;	/* -1: forgotten (exit_mmap) */
	int live_mmids, live_mmptrs;	/* entries >= 0 in the two maps above */
	struct ol_map vmsharer;		/* CLONE_VM child pid -> parent tgid */
	struct ol_map vforked;		/* CLONE_VM|CLONE_VFORK child pid -> 1 */
	struct ol_map sharer2s;		/* sharer tgid -> index into a->sharers */
	size_t sharecap;
	int reaper_pid;			/* oom_reaper kthread, -1 */
	int reaping_victim;		/* last start_task_reaping victim, -1 */
	/* the reaper's failed mmap_read_trylock comes before the
	 * skip_task_reaping that names the victim: held until then */
	int64_t reaper_fail_ptr, reaper_fail_ts, reaper_fail_id;
	int rs_wait_cpu_v[64];		/* per cpu: victim waiting for skip_hi */
	int rs_wait_reaper_v;		/* same, for the reaper's next event */
	/* a SIGKILL not yet known to be a victim's (mark_victim follows) or a sharer's */
	struct ol_sig {
		bool set;
		int64_t id, ts;
		int pid, target, tgid;
		char comm[64], tcomm[64];
	} psig;
	int lastsig_target;
	int64_t lastsig_ts, lastsig_id;
	/* console lines in flight, per task (the OOM report of one invocation) */
	struct ol_pending {
		int pid;
		int64_t ts;
		char *buf;		/* an oom-kill: line being assembled (malloc'ed) */
		size_t buflen, bufcap;
		bool open;		/* ... still cut: its pieces are coming */
		bool done;		/* the report named its domain (below) */
		char constraint[32];
		char *domain;		/* README "Domains", from the constraint line
					 * or "Task in ... limit of" (malloc'ed) */
		char *oom_memcg;	/* the memcg that hit its limit, NULL global */
		int victim_pid;
		bool any_victim;	/* "Task in ... limit of" (<= 4.18): no pid */
		bool oom_group;		/* memory.oom.group: the memcg's tasks follow */
		bool fresh;		/* a constraint line no kill has used yet */
		char *hint;		/* domain a "Kill process" prefix implies (< 5.0) */
		int64_t usage_kb, limit_kb, sw_usage_kb, sw_limit_kb, usage_id;
		/* "Kill process %d (%s) score %u or sacrifice child" (< 5.0) */
		int sel_pid;
		int64_t sel_ts, sel_id;
		char sel_comm[64];
		char sel_line[192];
		/* the report's facts for the victim (ol_victim "oom report") */
		bool invoked;		/* an "invoked oom-killer" line began it */
		char gfp[160];		/* as printed */
		int order, invoker_pid;
		char invoker[64], nodemask[64];
		char *task_memcg;	/* malloc'ed */
		bool in_table;		/* inside its task table */
		struct ol_otask *rows;	/* task table rows (victim -1 until attached) */
		size_t nrows, rowcap;
		struct ol_omem *mem;	/* memory picture (mempic.c) */
		size_t nmem, memcap;
		bool in_memcg_stats;	/* after "Memory cgroup stats for X:" */
		bool picture;		/* a report's table or memory picture began it */
	} pend[16];
	int npend;
	struct ol_otask *otasks;	/* attached task table rows, by victim */
	size_t notasks, otcap;
	struct ol_omem *omem;		/* attached memory pictures, by victim */
	size_t nomem, omcap;
	int64_t first_ns, last_ns;
	/* gaps */
	struct ol_gap { int cpu; int64_t lo, hi; long long lost; } *gaps;
	size_t ngaps;
};

/* stream.c */
int ol_stream_events(struct ol_build *b, bool by_id, char **err);
/*
 * The pass row by row, for a source of rows other than the events table
 * (the in-memory fuzz harness): ol_stream_begin(), then ol_stream_row()
 * for each row in time order (r->fields "{}"; @fields(@ctx) returns them
 * when the row's kind needs them, @ints(@ctx, ...) reads integer fields
 * as ol_json_ints() would from them, NULL: from @fields; @reaper: the
 * comm is "oom_reaper"), then ol_resolve_signal(b, NULL).
 */
void ol_stream_begin(struct ol_build *b);
void ol_stream_row(struct ol_build *b, struct ol_row *r, bool reaper,
		   const char *(*fields)(void *ctx),
		   unsigned (*ints)(void *ctx, const char *const *keys, int n, int64_t *out),
		   void *ctx);
/*
 * The whole analysis of @rows (time order; fields set) in memory, no
 * database: the era is @era with its rules derived (ol_era_rules()).
 * The results as ol_analyze_handle() would write them; NULL when out of
 * memory.  Free with ol_analysis_free().
 */
struct ol_analysis *ol_analyze_rows(const struct ol_era *era, struct ol_row *rows, size_t n);
/* victims.c */
int ol_victim_new(struct ol_build *b, int pid, int64_t ts, int64_t id);
void ol_on_mark_victim(struct ol_build *b, const struct ol_row *r);
void ol_on_signal(struct ol_build *b, const struct ol_row *r);
void ol_resolve_signal(struct ol_build *b, const struct ol_row *r);
void ol_on_console(struct ol_build *b, const struct ol_row *r);
void ol_pending_free(struct ol_pending *p);
int ol_victim_of_task(struct ol_build *b, int pid, int64_t ts);
int ol_victim_of_target(struct ol_build *b, int pid, int64_t ts);
int ol_mm_new(struct ol_build *b, int leader);
/* sharers.c */
void ol_sharer_add(struct ol_build *b, int leader, const struct ol_sig *ps);
int ol_sharer_of_task(struct ol_build *b, int pid, int64_t ts);
int ol_mm_user(struct ol_build *b, int pid, int64_t ts);
bool ol_sharer_exit(struct ol_build *b, const struct ol_row *r);
void ol_sharers_finish(struct ol_build *b);
void ol_sharers_slice(struct ol_analysis *a);
bool ol_mm_context(struct ol_build *b, const struct ol_row *r);
bool ol_mm_linked(struct ol_build *b, const struct ol_row *r);
/* timeline.c */
void ol_point_add(struct ol_build *b, int v, int64_t ts, const char *what,
		  int64_t id, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void ol_on_exit(struct ol_build *b, const struct ol_row *r);
void ol_on_free(struct ol_build *b, const struct ol_row *r);
void ol_on_reaper(struct ol_build *b, const struct ol_row *r);
void ol_sort_points(struct ol_victim *v);
/* mm.c */
void ol_on_rss_stat(struct ol_build *b, const struct ol_row *r);
void ol_on_mmap_lock(struct ol_build *b, const struct ol_row *r);
void ol_on_exit_mmap(struct ol_build *b, const struct ol_row *r);
void ol_mm_task_gone(struct ol_build *b, const struct ol_row *r, bool freed);
void ol_mm_reaper_skip(struct ol_build *b, int vi, const struct ol_row *r);
void ol_curve_add(struct ol_build *b, int v, int64_t ts, int64_t kb, bool force);
/* skip.c / finish.c */
void ol_finish_victims(struct ol_build *b);
int64_t ol_held_at(const struct ol_build *b, int v, int64_t ts, bool *known);
/* verdicts.c */
void ol_build_verdicts(struct ol_build *b);
void ol_verdict_add(struct ol_victim *v, enum ol_verdict_kind k, enum ol_confidence c,
		    int other, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void ol_build_episodes(struct ol_build *b);
void ol_build_summary(struct ol_analysis *a);
/* mempic.c: the memory picture of each report (oom_memory and its views) */
void ol_mem_line(struct ol_build *b, struct ol_pending *p, const char *msg);
void ol_mem_attach(struct ol_build *b, struct ol_pending *p, int vi);
int ol_mem_write(struct ol_build *b);
extern const char *const ol_mem_ddl[];
int ol_mem_load(sqlite3 *db, struct ol_analysis *a);
/* tables.c */
int ol_write_tables(struct ol_build *b, char **err);

/* The event names the analysis reads, classified once per row. */
enum ol_kind {
	K_OTHER,
	K_RSS_STAT,		/* kmem:rss_stat */
	K_LOCK_START,		/* mmap_lock:mmap_lock_start_locking */
	K_LOCK_ACQUIRED,	/* mmap_lock:mmap_lock_acquire_returned */
	K_LOCK_RELEASED,	/* mmap_lock:mmap_lock_released */
	K_LOCK_OTHER,		/* any other mmap_lock:* */
	K_EXIT_MMAP,		/* mmap:exit_mmap */
	K_MARK_VICTIM,
	K_WAKE_REAPER,
	K_START_REAPING,
	K_FINISH_REAPING,
	K_SKIP_REAPING,
	K_CONSOLE,		/* printk:console */
	K_PROCESS_EXIT,
	K_PROCESS_FREE,
	K_SIGNAL,		/* signal:signal_generate */
	K_NEWTASK,		/* task:task_newtask */
	K_NONE,			/* a row without a name (reader.c), skipped */
};

enum ol_kind ol_kind_of(const char *name, size_t len);

/*
 * One event row as the stream hands it on.  The stream fills only what
 * the row's kind needs (columns cost time over millions of rows): comm
 * for mark_victim, signal, console and exit_mmap ("" otherwise), target
 * for oom:*, sched:*, signal and newtask (-1 otherwise), tgid for
 * newtask (-1 otherwise).
 */
struct ol_row {
	int64_t id, ts;
	int cpu, pid, tgid, target;	/* tgid/target -1 when NULL or not read */
	enum ol_kind kind;
	const char *comm;		/* "" when NULL or not read */
	const char *fields;
	/*
	 * rss_stat and mmap_lock rows (the flood): their integer fields
	 * without the fields text, which is not built for them (set by
	 * ol_stream_row() alone; NULL: read @fields).  Read with ol_row_ints().
	 */
	unsigned (*ints)(void *ctx, const char *const *keys, int n, int64_t *out);
	void *ictx;
};

/* ol_json_ints() of @r's fields, from its typed columns when it has them. */
unsigned ol_row_ints(const struct ol_row *r, const char *const *keys, int n, int64_t *out);

/*
 * reader.c: the events SELECT stepped by reader threads into batches of
 * rows, handed over in order.  A row keeps what stream.c needs of it:
 * comm and fields are offsets into the batch's text (-1: not read for
 * this kind; NULL columns are stored as "" and "{}"), @reaper says the
 * comm is "oom_reaper" (rows are flagged until the first such one with
 * pid >= 0).  A K_NONE row has only id and ts.
 */
struct ol_evrow {
	int64_t id, ts;
	int cpu, pid, tgid, target;
	ptrdiff_t comm, fields;		/* fields -1: typed, see ol_reader_fields() */
	int name;			/* names.id */
	uint8_t kind;			/* enum ol_kind */
	uint8_t nulls;			/* typed column i is NULL: bit i */
	bool reaper;
	int64_t v[4];			/* typed columns a..d */
};

struct ol_batch {
	struct ol_evrow *rows;
	size_t n;
	char *text;
	size_t tlen, tcap;
	bool chunk_end;			/* reader.c internal */
};

struct ol_reader;
/*
 * Starts reading the events of @db in rowid order (@by_id) or ts_ns
 * order: with reader threads when @threaded (then @db is theirs until
 * ol_reader_end(); it must be a read-only connection of our own), else in
 * the caller as it asks.  NULL and *err set when the SELECT cannot be
 * prepared or memory is short.
 */
struct ol_reader *ol_reader_start(sqlite3 *db, bool by_id, bool threaded, char **err);
/* The next batch of rows (valid until the next call); NULL at the end. */
const struct ol_batch *ol_reader_next(struct ol_reader *rd);
/*
 * The JSON fields of row @e of @bt, built from the typed columns when the
 * row has them (only when asked: most rows of a flood never are); valid
 * until the next call.
 */
const char *ol_reader_fields(struct ol_reader *rd, const struct ol_batch *bt,
			     const struct ol_evrow *e);
/*
 * ol_json_ints() of ol_reader_fields(), read from the typed columns
 * without building the text when they are numbers.
 */
unsigned ol_reader_ints(struct ol_reader *rd, const struct ol_batch *bt, const struct ol_evrow *e,
			const char *const *keys, int n, int64_t *out);
/*
 * Stops and joins the threads, frees @rd (NULL: returns -1): 0, or -1
 * when reading failed (*err set).  Also right after the caller stopped
 * early.  @db stays open (the caller closes it).
 */
int ol_reader_end(struct ol_reader *rd, char **err);

#endif /* OOMLENS_ANALYZE_LOCAL_H */
