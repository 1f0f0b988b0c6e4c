/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The presentation layer: everything a person sees of an analysis is
 * worded, numbered, rounded and laid out here once, and every report
 * format (reports/) and the TUI (tui/) only marks it up.
 *
 *  - present-fmt.c: the formatters (time, size, untrusted strings);
 *  - present-cols.c: the victim columns (one X-macro: header, width,
 *    sort key, getter) of every table, the CSV and the TUI list;
 *  - present-facts.c: a victim's labelled facts, the verdict
 *    explanations (one per distinct explanation, with the victims it
 *    applies to) and the summary lines;
 *  - present-chart.c: the timeline geometry of the ASCII chart, the SVG
 *    and the TUI timeline (marks, lanes, spans, axis, ticks).
 *
 * Numbering: the victim and episode numbers shown are the database ids
 * (victims.id, episodes.id), which are ol_victim.index and
 * ol_episode.index.
 *
 * Rounding rules (one place, README "Reading the numbers"):
 *  - times are rounded to the nearest unit shown (half away from zero),
 *    never truncated; a time that rounds to zero is "+0.000s", never
 *    "-0.000s";
 *  - times relative to a kill carry a sign and no space: "+1.234s";
 *    durations carry none: "1.234s"; absolute times are seconds on the
 *    trace clock, "228.963" (3 decimals) or "228.963351" (6);
 *  - a clock of 1 s resolution (dmesg -T, syslog, short-iso): times
 *    are whole seconds, and a difference of zero is "<1s" (a table) or
 *    "in the same second" (a sentence), never "+0.000s";
 *  - sizes in tables: binary units of the kernel's kB, one decimal
 *    below 10 ("4.1M"), none from 10 ("125M"); in sentences exact kB;
 *  - anything unknown is the word "unknown" (sentences) or "?"
 *    (tables, "" in CSV, null in JSON), never 0.
 */
#ifndef OOMLENS_PRESENT_H
#define OOMLENS_PRESENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/analyze.h"

#define PR_BUF		48
#define PR_SECOND	1000000000LL

/* --- formatters (present-fmt.c); each returns @buf (PR_BUF bytes) ----- */

/*
 * The resolution of the times of @a in ns (ol_analysis.res_ns): 1 for
 * traces; for a database made from a kernel log alone, the coarsest
 * power of ten that divides every time in it (1 s for dmesg -T and
 * syslog, 1 us for dmesg).
 */
int64_t pr_resolution(const struct ol_analysis *a);

/* "+1.234s", "<1s"/"+3s" at 1 s resolution, @unknown for OL_NONE. */
char *pr_rel(char *buf, int64_t ns, int64_t res, const char *unknown);
/* Same without a sign, for durations: "1.234s". */
char *pr_dur(char *buf, int64_t ns, int64_t res, const char *unknown);
/* "at +1.234s", "in the same second", "at +3s": a time in a sentence. */
char *pr_rel_words(char *buf, int64_t ns, int64_t res);
/* Seconds on the trace clock with @decimals (3 or 6), rounded. */
char *pr_abs(char *buf, int64_t ns, int decimals, int64_t res, const char *unknown);
/* "512K", "4.1M", "125M", "1.5G"; @unknown for OL_NONE. */
char *pr_kb(char *buf, int64_t kb, const char *unknown);
/* "128348 kB"; "unknown" for OL_NONE. */
char *pr_kb_exact(char *buf, int64_t kb);
/* @ns as exact decimal seconds ("2.011000000", "-0.000000005"), "" if OL_NONE. */
char *pr_secs_exact(char *buf, int64_t ns);
/* Time from the victim's kill to @ts, OL_NONE when either is unknown. */
int64_t pr_since(const struct ol_victim *v, int64_t ts);
/*
 * A reaper time (ol_reaper_run), OL_NONE when unknown: a victim the
 * reaper never ran on may have its run left zeroed rather than OL_NONE,
 * and 0 is then "unknown", never a time.
 */
int64_t pr_reaper_ns(int64_t t);

/*
 * Untrusted kernel strings (comm, cgroup paths) as printable ASCII: bytes
 * outside 0x20..0x7e become "\xNN", a backslash "\\" (so that "\x41" in
 * a comm is told from an escaped byte), the analysis' own punctuation
 * (em dash, arrows) its ASCII spelling.  NULL gives "".
 * pr_ascii() returns a malloc()ed string (NULL only on ENOMEM);
 * pr_ascii_buf() fills @buf (size @n, cut at a whole escape).
 */
char *pr_ascii(const char *s);
char *pr_ascii_buf(char *buf, size_t n, const char *s);

/* Null-safe names of the analysis enums ("unknown" when out of range). */
const char *pr_verdict(enum ol_verdict_kind k);
const char *pr_conf(enum ol_confidence c);
const char *pr_skip_by(enum ol_skip_by s);
const char *pr_freed_by(enum ol_freed_by f);

/* --- victim columns (present-cols.c) ---------------------------------- */

/* Where a column appears: the tables of text/markdown/HTML, CSV, the TUI. */
enum { PR_IN_TABLE = 1, PR_IN_CSV = 2, PR_IN_TUI = 4 };
#define PR_ALL	(PR_IN_TABLE | PR_IN_CSV | PR_IN_TUI)

/*
 * How a column's value is shown, written and sorted:
 * INT a number; ABS a time on the trace clock; REL a time since the kill;
 * KB a size; STR an untrusted kernel string; NAME one of ours; BOOL;
 * VERDICT and FREED_BY names with a shorter table spelling.
 */
enum pr_kind { PR_INT, PR_ABS, PR_REL, PR_KB, PR_STR, PR_NAME, PR_BOOL, PR_VERDICT,
	       PR_FREED_BY };

/* A column's value: @i for numbers, times and enums, @s for strings. */
struct pr_val {
	int64_t		i;
	const char	*s;
};
#define PR_I(x)		((struct pr_val){ .i = (x) })
#define PR_S(x)		((struct pr_val){ .i = OL_NONE, .s = (x) })

/*
 * The victim columns: id, header (tables, TUI), CSV name, kind, where,
 * and the value of victim @v of analysis @a.  Adding a column is one line
 * here; it then shows in every table, the CSV, the TUI list and its sort
 * keys.  Order is the order of the columns everywhere.
 */
#define PR_COLUMNS(_)								\
	_(EPISODE,	"ep",	   "episode",		PR_INT,	  PR_IN_CSV,	\
	  PR_I(v->episode))							\
	_(ID,		"id",	   "victim",		PR_INT,	  PR_ALL,	\
	  PR_I(v->index))							\
	_(TIME,		"kill",	   "kill_s",		PR_ABS,	  PR_ALL,	\
	  PR_I(v->kill_ns))							\
	_(KILL_NS,	"kill_ns", "kill_ns",		PR_INT,	  PR_IN_CSV,	\
	  PR_I(v->kill_ns))							\
	_(PID,		"pid",	   "pid",		PR_INT,	  PR_ALL,	\
	  PR_I(v->pid))								\
	_(TGID,		"tgid",	   "tgid",		PR_INT,	  PR_IN_CSV,	\
	  PR_I(v->tgid))							\
	_(COMM,		"comm",	   "comm",		PR_STR,	  PR_ALL,	\
	  PR_S(v->comm))							\
	_(DOMAIN,	"domain",  "domain",		PR_STR,	  PR_IN_CSV | PR_IN_TUI, \
	  PR_S(v->domain))							\
	_(RSS,		"rss",	   "rss_kb",		PR_KB,	  PR_ALL,	\
	  PR_I(v->rss_kb))							\
	_(SKIP,		"skip",	   "time_to_skip_s",	PR_REL,	  PR_ALL,	\
	  PR_I(ol_since_kill(v, v->skip_ns)))					\
	_(SKIP_BY,	"skip-by", "skip_by",		PR_NAME,  PR_IN_CSV,	\
	  PR_S(ol_skip_by_name(v->skip_by)))					\
	_(SKIP_CONF,	"skip-conf", "skip_confidence",	PR_NAME,  PR_IN_CSV,	\
	  PR_S(ol_confidence_name(v->skip_confidence)))				\
	_(FREE,		"free",	   "time_to_free_s",	PR_REL,	  PR_ALL,	\
	  PR_I(ol_since_kill(v, v->freed_ns)))					\
	_(BY,		"by",	   "freed_by",		PR_FREED_BY, PR_ALL,	\
	  PR_I(v->freed_by))							\
	_(FREE_CONF,	"free-conf", "freed_confidence", PR_NAME, PR_IN_CSV,	\
	  PR_S(ol_confidence_name(v->freed_confidence)))			\
	_(ATTEMPTS,	"reaps",   "reaper_attempts",	PR_INT,	  PR_IN_CSV,	\
	  PR_I(v->reaper.attempts))						\
	_(GAVE_UP,	"gave-up", "reaper_gave_up",	PR_BOOL,  PR_IN_CSV,	\
	  PR_I(v->reaper.gave_up))						\
	_(BYPASS,	"bypass",  "bypass",		PR_BOOL,  PR_IN_CSV,	\
	  PR_I(v->bypass))							\
	_(LOST,		"lost",	   "events_lost_in_window", PR_BOOL, PR_IN_CSV,	\
	  PR_I(v->lost_in_window))						\
	_(VERDICT,	"verdict", "verdict",		PR_VERDICT, PR_ALL,	\
	  PR_I(v->verdict))							\
	_(VERDICT_CONF,	"conf",	   "verdict_confidence", PR_NAME, PR_IN_CSV,	\
	  PR_S(ol_confidence_name(v->verdict_confidence)))			\
	_(RELATED,	"rel",	   "related_victim",	PR_INT,	  PR_IN_CSV,	\
	  PR_I(pr_related(a, v)))						\
	_(GFP,		"gfp",	   "gfp_mask",		PR_STR,	  PR_IN_CSV,	\
	  PR_S(v->gfp_mask))							\
	_(CONSTRAINT,	"constraint", "constraint",	PR_STR,	  PR_IN_CSV,	\
	  PR_S(v->constraint))							\
	_(SHARERS,	"sharers", "sharers",		PR_INT,	  PR_IN_CSV,	\
	  PR_I((int64_t)v->nsharers))

/* What the table columns mean, under every table. */
#define PR_TABLE_LEGEND	"id: the database id; skip, free: from the kill to MMF_OOM_SKIP " \
			"and to 90% of rss freed; ?: an inferred verdict"

enum pr_col {
#define _(id, head, csv, kind, where, val) PR_COL_##id,
	PR_COLUMNS(_)
#undef _
	PR_COL_NR
};

struct pr_column {
	const char	*head, *csv;
	enum pr_kind	kind;
	int		where;
};

/* The id of the victim @v's headline verdict is about, or OL_NONE. */
int64_t pr_related(const struct ol_analysis *a, const struct ol_victim *v);

const struct pr_column *pr_column(enum pr_col c);

/*
 * The cell of column @c for victim @v of @a, as a person reads it (ASCII,
 * escaped, "?" when unknown) into @buf (PR_BUF bytes); @res from
 * pr_resolution().
 */
const char *pr_cell(enum pr_col c, const struct ol_analysis *a, const struct ol_victim *v,
		    int64_t res, char *buf);
/* Is column @c right-aligned (a number)? */
bool pr_col_right(enum pr_col c);
/*
 * The machine value (CSV): exact numbers, raw untrusted strings (the
 * caller escapes them for its format), NULL when unknown.
 */
const char *pr_cell_raw(enum pr_col c, const struct ol_analysis *a, const struct ol_victim *v,
			char *buf);
/*
 * Order of @x and @y by column @c (<0, 0, >0), descending with @reverse;
 * unknown values sort last whichever the direction.
 */
int pr_cell_cmp(enum pr_col c, const struct ol_analysis *a, const struct ol_victim *x,
		const struct ol_victim *y, bool reverse);

/* --- facts and explanations (present-facts.c) ------------------------- */

/* One labelled fact: "memory at the kill" -> "rss 128348 kB (...)". */
struct pr_fact {
	const char	*label;		/* static */
	char		*text;		/* ASCII (untrusted parts escaped), owned */
	bool		warn;		/* something a reader must not miss */
	int		victim;		/* a victim the fact refers to, or -1 */
};

struct pr_facts {
	struct pr_fact	*v;
	size_t		n;
};

/*
 * The facts of victim @v (who, where, memory, OOM report, MMF_OOM_SKIP,
 * freed, exit, oom_reaper, warnings), in reading order.  0, or -1 on
 * ENOMEM.  Free with pr_facts_free().
 */
int pr_victim_facts(const struct ol_analysis *a, const struct ol_victim *v, int64_t res,
		    struct pr_facts *out);
void pr_facts_free(struct pr_facts *f);

/*
 * The facts of the whole analysis: kernel, sources, clock, rules, data,
 * events, then what differs between runs on the same data (host,
 * database, generated: the tests mask those).  0 or -1 (ENOMEM).
 */
int pr_header(const struct ol_analysis *a, int64_t res, struct pr_facts *out);
/* The index of the first of the volatile header facts ("host"). */
size_t pr_header_stable(const struct pr_facts *f);

/*
 * One explanation shared by the victims it applies to: "victims 1, 2, 3
 * (unnecessary): chosen while victim 0 (pid 4637, oomhog-shmem) still
 * held 125M ...".  @victims lists their indexes.
 */
struct pr_explanation {
	enum ol_verdict_kind	kind;
	enum ol_confidence	confidence;
	int			about;		/* the victim it is about, or -1 */
	char			*text;		/* ASCII, owned */
	int			*victims;
	size_t			nvictims;
};

struct pr_explanations {
	struct pr_explanation	*v;
	size_t			n;
};

/*
 * The explanations of the verdicts (@all; else the headline verdict
 * only) of the victims for which @sel returns true (NULL: all), each
 * written once.  0 or -1 (ENOMEM).
 */
int pr_explain(const struct ol_analysis *a, int64_t res, bool all,
	       bool (*sel)(const struct ol_victim *, const void *), const void *ctx,
	       struct pr_explanations *out);
void pr_explanations_free(struct pr_explanations *e);

/*
 * The summary: what a reader of a patch mail needs first (kills,
 * unnecessary kills with the victim that held the memory, how much and
 * until when, time-to-free), one sentence per line, ASCII.  Same
 * selection as pr_explain().  NULL-terminated, free with pr_lines_free().
 */
char **pr_summary(const struct ol_analysis *a, int64_t res,
		  bool (*sel)(const struct ol_victim *, const void *), const void *ctx);
void pr_lines_free(char **lines);

/* "victims 1, 2 and 3" / "victim 0" (ids), into a malloc()ed string. */
char *pr_victim_list(const int *ids, size_t n);

/* --- timeline geometry (present-chart.c) ------------------------------ */

/* The marks drawn per victim, in drawing priority order. */
#define PR_MARKS(_)								\
	_(KILL,   'K', "#d62728", "kill (mark_victim)")				\
	_(REAPER, 'R', "#ff7f0e", "oom_reaper starts")				\
	_(SKIP,   'S', "#9467bd", "MMF_OOM_SKIP set")				\
	_(FREED,  'F', "#2ca02c", "90% of the memory freed")			\
	_(EXIT,   'X', "#1f77b4", "the victim's last thread exited")

enum pr_mark {
#define _(id, ch, color, help) PR_MARK_##id,
	PR_MARKS(_)
#undef _
	PR_MARK_NR
};

char pr_mark_char(enum pr_mark m);
const char *pr_mark_color(enum pr_mark m);
const char *pr_mark_help(enum pr_mark m);
/* When mark @m happened to @v, or OL_NONE. */
int64_t pr_mark_ns(const struct ol_victim *v, enum pr_mark m);
/* Until when @v held its memory in a chart ending at @t_end: freed, or @t_end. */
int64_t pr_held_until(const struct ol_victim *v, int64_t t_end);
/*
 * From when the memory @v still held was hidden from the OOM killer:
 * MMF_OOM_SKIP set, or all its threads gone (the mm lives on, pinned or
 * waiting for the reaper), whichever came first; OL_NONE if neither.
 * Charts draw held-and-hidden apart: the window of unnecessary kills.
 */
int64_t pr_hidden_from(const struct ol_victim *v);

/* A linear time axis mapped onto [x0, x0 + width). */
struct pr_axis {
	int64_t	t0, t1;		/* t1 > t0 */
	double	x0, width;
};

/* The span of victims @first..@first+@count: every mark and event of each. */
void pr_span(const struct ol_analysis *a, size_t first, size_t count, int64_t *t0,
	     int64_t *t1);
void pr_axis_init(struct pr_axis *ax, int64_t t0, int64_t t1, double x0, double width);
double pr_axis_x(const struct pr_axis *ax, int64_t ts);
/* A "nice" tick step (1, 2, 5 x 10^k ns) giving at most @max ticks. */
int64_t pr_axis_step(const struct pr_axis *ax, int max);
/* "2s", "0.5s", "20ms"-style label of tick offset @off for a step @step. */
void pr_tick_label(char *buf, size_t n, int64_t off, int64_t step);

/*
 * Lane labels that tell processes apart: "#0 4637 shmem" rather than
 * "oomhog-" for every lane.  The longest common prefix of the comms is
 * dropped when it leaves something; then "#id pid rest" cut to @width.
 * @labels must hold @n pointers; each gets a malloc()ed string.  0/-1.
 */
int pr_lane_labels(const struct ol_analysis *a, const int *victims, size_t n, int width,
		   char **labels);

#endif /* OOMLENS_PRESENT_H */
