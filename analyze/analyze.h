/* SPDX-License-Identifier: GPL-2.0 */
/*
 * analyze/ — turns the stored events into victims, episodes, timelines
 * and verdicts, writes them back as tables (victims, episodes,
 * reaper_runs, timeline, verdicts, rss_curve, analysis_meta; see README.md
 * "Database"), and offers them to reports/ and tui/ through this API.
 * Readers never issue SQL of their own.
 *
 * All times are nanoseconds on the trace clock of the database
 * (meta "clock").  OL_NONE marks "not known / did not happen".
 */
#ifndef OOMLENS_ANALYZE_H
#define OOMLENS_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OL_NONE		INT64_MIN	/* a time or amount that is unknown */

/* How sure a statement is.  Order matters: higher is surer. */
#define OL_CONFIDENCE(_)			\
	_(UNKNOWN,	"unknown")		\
	_(INFERRED,	"inferred")		\
	_(OBSERVED,	"observed")

enum ol_confidence {
#define _(id, str) OL_CONF_##id,
	OL_CONFIDENCE(_)
#undef _
};

/* Verdict kinds: id, name in tables/JSON, one-line meaning for help/legend. */
#define OL_VERDICTS(_)								\
	_(OK,		"ok",		"the kill freed memory; nothing wrong seen")	\
	_(UNNECESSARY,	"unnecessary",	"chosen while an earlier victim still held memory it released later") \
	_(INEFFECTIVE,	"ineffective",	"the kill freed little and the domain went on killing") \
	_(RACED,	"reaper-raced-exit", "oom_reaper and the victim's exit worked on the mm at once") \
	_(BYPASS,	"bypass",	"marked as victim without a kill (task_will_free_mem)") \
	_(SHARED_MM,	"shared-mm",	"killed with other processes sharing its mm") \
	_(PREMATURE,	"premature",	"OOM although allowed memory was free") \
	_(UNKNOWN,	"unknown",	"the data cannot tell (see evidence)")

enum ol_verdict_kind {
#define _(id, str, help) OL_VERDICT_##id,
	OL_VERDICTS(_)
#undef _
	OL_VERDICT_NR
};

/* Who set MMF_OOM_SKIP. */
#define OL_SKIP_BY(_)						\
	_(UNKNOWN,	"unknown")				\
	_(REAPER,	"reaper")	/* after reaping */	\
	_(REAPER_GAVE_UP, "reaper-gave-up") /* 10 failed tries */ \
	_(EXIT,		"exit")		/* the victim's exit_mmap / __mmput */ \
	_(MM_PINNED,	"mm-pinned")	/* mm shared with global init */

enum ol_skip_by {
#define _(id, str) OL_SKIP_BY_##id,
	OL_SKIP_BY(_)
#undef _
	OL_SKIP_BY_NR
};

/* Who gave the bulk of the victim's memory back. */
#define OL_FREED_BY(_)				\
	_(UNKNOWN,	"unknown")		\
	_(REAPER,	"reaper")		\
	_(EXIT,		"exit")			\
	_(NOT_FREED,	"not-freed")	/* not within the recording */

enum ol_freed_by {
#define _(id, str) OL_FREED_BY_##id,
	OL_FREED_BY(_)
#undef _
};

/* Names for the enums above (static strings). */
const char *ol_confidence_name(enum ol_confidence c);
const char *ol_verdict_name(enum ol_verdict_kind k);
const char *ol_verdict_help(enum ol_verdict_kind k);
const char *ol_skip_by_name(enum ol_skip_by s);
const char *ol_freed_by_name(enum ol_freed_by f);

/* One point on a victim's timeline, with the event it comes from. */
struct ol_point {
	int64_t		ts_ns;
	const char	*what;		/* "sigkill", "kill", "exit", "wake_reaper",
					 * "reap_start", "reap_finish", "reap_skip",
					 * "lock_failed", "skip_set", "freed", "exit_mmap",
					 * "last_exit", "process_free", "log", ... */
	char		*detail;	/* human sentence; owned by the analysis */
	int64_t		event_id;	/* events.id, or -1 (derived point) */
};

/* A sample of the memory the victim still held (kB) at a time. */
struct ol_rss_sample {
	int64_t		ts_ns;
	int64_t		held_kb;
};

struct ol_verdict {
	enum ol_verdict_kind	kind;
	enum ol_confidence	confidence;
	char			*evidence;	/* plain sentences, owned */
	int			other;		/* index of the related victim, or -1 */
};

/* One reaper run (wake .. finish / give up) on a victim. */
struct ol_reaper_run {
	int64_t		wake_ns, start_ns, end_ns;	/* OL_NONE if not seen */
	int		attempts;			/* start_task_reaping count */
	int		failures;			/* skip_task_reaping + lock failures */
	bool		gave_up;
	int64_t		reaped_kb;			/* OL_NONE if unknown */
	int64_t		left_kb;			/* what "now anon/shmem-rss" still showed */
};

/*
 * A process the OOM killer SIGKILLed together with a victim because it
 * shares the victim's mm (signal_generate sig=9 code 128 SI_KERNEL from
 * the same __oom_kill_process() call; no mark_victim, no log line of its
 * own).  It is not a victim: the mm, its memory and its times are the
 * victim's.
 */
#define OL_SHARER_CREATED(_)						\
	_(UNKNOWN,	"unknown")					\
	_(CLONE_VM,	"clone(CLONE_VM)")	/* CLONE_VM without CLONE_THREAD */ \
	_(VFORK,	"vfork")		/* CLONE_VM|CLONE_VFORK */

enum ol_sharer_created {
#define _(id, str) OL_SHARER_##id,
	OL_SHARER_CREATED(_)
#undef _
};

struct ol_sharer {
	int		victim;			/* index into ol_analysis.victims */
	int		pid, tgid;
	char		*comm;			/* untrusted kernel string */
	enum ol_sharer_created created;		/* how the mm came to be shared */
	bool		parent;			/* it created the victim (the victim is
						 * the CLONE_VM/vfork child), else the
						 * sharer is the child */
	int64_t		sigkill_ns;		/* the OOM killer's SIGKILL to it */
	int64_t		exit_ns;		/* its last thread exited, OL_NONE */
	int64_t		event_id;		/* the signal_generate event */
};

const char *ol_sharer_created_name(enum ol_sharer_created c);

struct ol_victim {
	int		index;			/* position in ol_analysis.victims */
	int		episode;		/* index into ol_analysis.episodes */
	int		pid, tgid;		/* pid: thread id from mark_victim */
	char		*comm;			/* untrusted kernel string */
	int64_t		uid;			/* OL_NONE if unknown */
	int		oom_score_adj;
	bool		oom_score_adj_known;
	/* memory at the kill, kB; OL_NONE when the data does not say */
	int64_t		total_vm_kb, anon_kb, file_kb, shmem_kb, pgtables_kb;
	int64_t		rss_kb;			/* anon+file+shmem, OL_NONE if unknown */
	const char	*mem_source;		/* "event", "kmsg", "unknown" */
	int		trigger_pid;		/* allocating task (common_pid of mark_victim) */
	char		*trigger_comm;
	char		*domain;		/* memcg path, "global", or "unknown" */
	bool		bypass;			/* marked without a kill */
	int		group;			/* own index when it has sharers, else -1 */
	const struct ol_sharer *sharers;	/* borrowed: its slice of ol_analysis.sharers */
	size_t		nsharers;

	int64_t		kill_ns;		/* mark_victim */
	int64_t		skip_ns;		/* MMF_OOM_SKIP: best estimate (latest bound) */
	int64_t		skip_lo_ns, skip_hi_ns;	/* the bracket */
	enum ol_skip_by	skip_by;
	enum ol_confidence skip_confidence;
	int64_t		freed_ns;		/* >= 90% of rss_kb given back */
	int64_t		last_freed_ns;		/* exit_mmap / last thread exit */
	enum ol_freed_by freed_by;
	enum ol_confidence freed_confidence;
	int64_t		exit_ns;		/* last thread exited (group_dead) */
	int64_t		process_free_ns;	/* sched_process_free */

	struct ol_reaper_run	reaper;		/* zeroed/OL_NONE when no reaper run */

	enum ol_verdict_kind	verdict;	/* the headline verdict */
	enum ol_confidence	verdict_confidence;
	struct ol_verdict	*verdicts;	/* all verdicts, headline first */
	size_t			nverdicts;
	struct ol_point		*points;	/* sorted by time */
	size_t			npoints;
	struct ol_rss_sample	*curve;		/* held memory over time, may be empty */
	size_t			ncurve;
	bool			lost_in_window;	/* events lost between kill and freed */

	/*
	 * The kernel's OOM report of this kill (its console / kernel log
	 * lines: "invoked oom-killer", "oom-kill:constraint=", "memory:
	 * usage"); NULL / -1 / OL_NONE when the data has no such line.
	 * Strings are untrusted kernel text.
	 */
	char		*gfp_mask;		/* as printed: "0xcc0(GFP_KERNEL)" */
	int		order;			/* allocation order, -1 unknown */
	char		*constraint;		/* "CONSTRAINT_MEMCG", ... */
	char		*nodemask;		/* "(null)", "0-1", ... */
	char		*oom_memcg, *task_memcg;	/* cgroup paths */
	char		*invoker;		/* comm of the task that invoked the OOM killer */
	int64_t		memcg_usage_kb, memcg_limit_kb;	/* "memory: usage .., limit .." */
	size_t		ntasks;			/* rows in oom_tasks for this kill */
	/*
	 * The report's memory picture, summarised (analyze/mempic.c; NULL
	 * when the report printed none): where the memory was, the zones
	 * near their watermarks, the killed task's rank by badness.  ASCII
	 * text but for the task names inside, which are untrusted.
	 */
	char		*picture_memory, *picture_watermarks, *picture_badness;
	int		origin;			/* index into ol_analysis.origins
						 * (merged databases only) */
};

struct ol_episode {
	int		index;
	char		*domain;
	int64_t		start_ns, end_ns;	/* first kill .. last freed/exit */
	size_t		first, count;		/* victims[first .. first+count) */
	int		unnecessary;		/* number of unnecessary kills */
	int		origin;			/* as ol_victim.origin */
};

/*
 * Where the victims of a merged database (`oomlens merge`) were recorded;
 * strings owned, "" when unknown.  Times of two origins are on different
 * clocks and never compared.
 */
struct ol_origin {
	char		*host, *boot_id, *kernel, *clock, *db_path;
	long long	lost_total;		/* -1 unknown */
};

/* Percentiles over all (non-bypass) victims with a known time-to-free. */
struct ol_summary {
	size_t		victims, kills, bypasses;
	size_t		with_ttf;		/* victims with a known time-to-free */
	int64_t		ttf_p50_ns, ttf_p90_ns, ttf_max_ns;	/* OL_NONE if none */
	size_t		reaped, self_exited, gave_up, unknown_free;
	size_t		verdicts[OL_VERDICT_NR];
};

struct ol_analysis {
	/* header (strings owned; "" when unknown) */
	char		*db_path;
	char		*kernel, *hostname, *clock, *sources, *era;
	char		*boot_id;		/* meta boot_id (recordings); "" unknown */
	int		cpus;
	long long	lost_total;		/* -1 unknown */
	long long	not_stored;		/* mmap_lock events the import left out */
	int64_t		first_ns, last_ns;	/* recording span */

	struct ol_episode	*episodes;
	size_t			nepisodes;
	struct ol_victim	*victims;	/* sorted by kill_ns */
	size_t			nvictims;
	struct ol_sharer	*sharers;	/* sorted by victim, then SIGKILL time */
	size_t			nsharers;
	struct ol_summary	summary;

	/* a merged database: one origin per input; 0 / NULL otherwise */
	struct ol_origin	*origins;
	size_t			norigins;

	/*
	 * ol_analysis_load() keeps every victim's points, their details and
	 * curves in a few shared blocks (one allocation each instead of
	 * hundreds of thousands); NULL in an analysis built by hand, whose
	 * arrays and strings ol_analysis_free() frees one by one.
	 */
	void			*blocks;

	/* analysis_meta "evidence": "kernel-log-only", "trace",
	 * "trace+kernel-log" ("" in an older analysis) */
	char			*evidence;
	bool			kmsg_only;	/* only a kernel log: verdicts at most inferred */
	/* ns between two possible times: 1 for traces, 10^k for a kernel log
	 * alone (10^9 for dmesg -T, syslog); 0 in a hand-built analysis: 1 */
	int64_t			res_ns;
};

/*
 * Analyze the database at @path: read its events, rebuild everything and
 * (re)write the analysis tables in one transaction.  Returns 0, or -1
 * with *@err set (free() it).  Safe to run again: old results are
 * replaced.
 */
int ol_analyze_db(const char *path, char **err);

/*
 * Load the analysis tables of @path (read-only) into memory.  Runs no
 * analysis: if the tables are missing, fails with a message saying to run
 * `oomlens analyze`.  Returns NULL with *@err set (free() it) on error.
 * Must be freed with ol_analysis_free().
 */
struct ol_analysis *ol_analysis_load(const char *path, char **err);

void ol_analysis_free(struct ol_analysis *a);

/* Time from kill to x, or OL_NONE when either is unknown. */
int64_t ol_since_kill(const struct ol_victim *v, int64_t ts_ns);

/*
 * Merge the analyses of the oomlens databases @inputs[0..@n) into the new
 * database @out (README.md "oomlens merge"): each input becomes one
 * origin (host, boot id, kernel release, clock) and keeps it.  Refuses an
 * existing @out, an input without a current analysis, a merged input and
 * the same recording twice.  All or nothing: on failure nothing is left
 * at @out.  0, or -1 with *@err naming the file (free() it).
 */
int ol_merge(const char *out, const char *const *inputs, size_t n, char **err);

/*
 * Comparing recordings (compare.c): the figures `oomlens diff` sets side
 * by side and `oomlens summary` tabulates, per recording and in total.
 * Times are ns (OL_NONE: no value), memory kB.
 */
struct ol_runfig {
	size_t		victims, kills, bypasses, sharers;
	size_t		verdicts[OL_VERDICT_NR];	/* victims with that verdict (any) */
	size_t		with_ttf;
	int64_t		ttf_p50, ttf_p90, ttf_max;	/* kill to 90% freed */
	size_t		with_skip;
	int64_t		skip_p50, skip_p90, skip_max;	/* kill to MMF_OOM_SKIP */
	size_t		skip_by[OL_SKIP_BY_NR];		/* who set MMF_OOM_SKIP */
	/* the reaper, per victim: it reaped, gave up, or never ran (not needed) */
	size_t		reaped, gave_up, not_needed;
	/* further kills in an episode: memory earlier victims of the same
	 * episode still held at each (sum, largest), kB */
	size_t		further;
	int64_t		held_sum_kb, held_max_kb;
};

/* One recording: a database with an analysis. */
struct ol_run {
	char		*name;		/* scenario/source: the file name without .db */
	char		*path;
	char		*kernel;	/* meta kernel_release ("" unknown) */
	char		*era, *evidence;
	long long	lost;		/* events lost, -1 unknown */
	/* what was recorded (analysis_meta: mark_victim, exit_mmap,
	 * group_dead, rss_stat, mmap_lock, console): "key=value ..." */
	char		*recorded;
	struct ol_runfig fig;
};

/* A side of a comparison: one database, or every *.db of a folder. */
struct ol_runset {
	char		*path;
	struct ol_run	*runs;		/* sorted by name */
	size_t		nruns;
	struct ol_runfig total;		/* over every victim of every run */
	char		*kernels;	/* distinct kernel releases, ", "-joined */
};

/*
 * Load @path (a database, or a folder: every *.db in it) into @rs.  Each
 * database must have an analysis (else: run `oomlens analyze`).  0, or -1
 * with *@err set (free() it) naming the file; @rs is then empty.  Free
 * with ol_runset_free().
 */
int ol_runset_load(const char *path, struct ol_runset *rs, char **err);
void ol_runset_free(struct ol_runset *rs);

/*
 * Every statement that creates the analysis tables and indexes, NULL
 * terminated (collect/dbopen.c builds its reference schema from it).
 */
const char *const *ol_analysis_ddl(void);

#endif /* OOMLENS_ANALYZE_H */
