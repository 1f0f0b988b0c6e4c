/* SPDX-License-Identifier: GPL-2.0 */
/*
 * reports/ internals shared by the renderers: the render context, the
 * escaping of untrusted kernel strings per output format, number and time
 * formatting, and the timeline geometry (chart.c) that the text and HTML
 * renderers draw from.
 */
#ifndef OOMLENS_REPORT_LOCAL_H
#define OOMLENS_REPORT_LOCAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "analyze/analyze.h"
#include "version.h"
#include "reports/report.h"

#define OL_REPORT_VERSION	OL_VERSION
#define RP_COLS		72	/* LKML: no text line wider than this */

/* What one render call works on (all borrowed). */
struct rp {
	const struct ol_analysis	*a;
	const struct ol_report_opts	*o;	/* never NULL */
	FILE				*out;
};

bool rp_victim_selected(const struct rp *r, const struct ol_victim *v);
/* True when @e holds at least one selected victim. */
bool rp_episode_selected(const struct rp *r, const struct ol_episode *e);

/* --- escaping (util.c) --------------------------------------------- */

/*
 * Printable ASCII copy of @s: bytes outside 0x20..0x7e become "\xNN".
 * NULL gives "".  Returns a malloc()ed string (NULL only on ENOMEM).
 */
char *rp_ascii(const char *s);
/* Same, written to @f. */
void rp_put_ascii(FILE *f, const char *s);
/* As rp_put_ascii, then markdown punctuation backslash-escaped. */
void rp_put_md(FILE *f, const char *s);
/* A JSON string with its quotes, or null for NULL. */
void rp_put_json(FILE *f, const char *s);
/* HTML text/attribute content (quotes escaped too). */
void rp_put_html(FILE *f, const char *s);
/* One RFC 4180 field (quoted when needed). */
void rp_put_csv(FILE *f, const char *s);
/* Length of the valid UTF-8 sequence at @p (1..4), 0 if invalid. */
int rp_utf8_len(const unsigned char *p);

/* --- formatting (util.c); each returns @buf ------------------------ */

#define RP_BUF	48
/* "+2.011s" / "-0.004s" (ms resolution), @unknown for OL_NONE. */
char *rp_rel(char *buf, int64_t ns, const char *unknown);
/* "2.011s" without sign, @unknown for OL_NONE. */
char *rp_dur(char *buf, int64_t ns, const char *unknown);
/* Seconds on the trace clock, "1234.567890" (@decimals 3 or 6). */
char *rp_abs(char *buf, int64_t ns, int decimals, const char *unknown);
/* "512K", "12.3M", "1.5G" (binary units of kB), @unknown for OL_NONE. */
char *rp_kb(char *buf, int64_t kb, const char *unknown);
/* @ns as decimal seconds for JSON/CSV ("2.011000000"), or "" if OL_NONE. */
char *rp_secs_exact(char *buf, int64_t ns);
/* Time from the victim's kill to @ts, OL_NONE when either is unknown. */
int64_t rp_since(const struct ol_victim *v, int64_t ts);
/*
 * The victim's OOM report facts in one line ("gfp_mask=0xcc0(GFP_KERNEL),
 * order=0, CONSTRAINT_MEMCG, memcg usage 163840 kB of limit 163840 kB"),
 * raw (untrusted: escape for the output); NULL when the data has none.
 * malloc()ed.
 */
char *rp_oom_facts(const struct ol_victim *v);
/*
 * One process killed with @v because it shares its mm ("pid 5552
 * (oomhog-mmowner), its parent, the victim came from clone(CLONE_VM);
 * SIGKILL +0.004s, exited +0.004s"), raw (untrusted: escape for the
 * output).  malloc()ed, NULL on ENOMEM.  reports/sharers.c
 */
char *rp_sharer_fact(const struct ol_victim *v, const struct ol_sharer *s);
/* The header line for a database made from a kernel log alone. */
#define RP_KMSG_ONLY	"kernel log only (no trace events): times come from " \
			"the log, verdicts are at most inferred"
/* Null-safe names of the analysis enums. */
const char *rp_verdict(enum ol_verdict_kind k);
const char *rp_conf(enum ol_confidence c);
const char *rp_skip_by(enum ol_skip_by s);
const char *rp_freed_by(enum ol_freed_by f);

/*
 * Write @s (printable ASCII, see rp_ascii) wrapped at @width columns:
 * the first line starts after @first columns already used by the caller,
 * later lines are indented by @indent spaces.  Words longer than a line
 * are broken.  Ends with a newline.
 */
void rp_wrap(FILE *f, const char *s, int first, int indent, int width);

/* --- timeline geometry (chart.c) ------------------------------------ */

/* The marks drawn per victim, in drawing priority order. */
#define RP_MARKS(_)								\
	_(KILL,   'K', "#d62728", "kill (mark_victim)")				\
	_(REAPER, 'R', "#ff7f0e", "oom_reaper starts")				\
	_(SKIP,   'S', "#9467bd", "MMF_OOM_SKIP set")				\
	_(FREED,  'F', "#2ca02c", "90% of the memory freed")

enum rp_mark {
#define _(id, ch, color, help) RP_MARK_##id,
	RP_MARKS(_)
#undef _
	RP_MARK_NR
};

char rp_mark_char(enum rp_mark m);
const char *rp_mark_color(enum rp_mark m);
const char *rp_mark_help(enum rp_mark m);
/* When mark @m happened to @v, or OL_NONE. */
int64_t rp_mark_ns(const struct ol_victim *v, enum rp_mark m);

/* A linear time axis mapped onto [x0, x0 + width). */
struct rp_axis {
	int64_t	t0, t1;		/* t1 > t0 */
	double	x0, width;
};

/* The span to draw for @e: its start/end and every mark of its victims. */
void rp_episode_span(const struct ol_analysis *a, const struct ol_episode *e,
		     int64_t *t0, int64_t *t1);
void rp_axis_init(struct rp_axis *ax, int64_t t0, int64_t t1, double x0,
		  double width);
double rp_axis_x(const struct rp_axis *ax, int64_t ts);
/* A "nice" tick step (1, 2, 5 x 10^k ns) giving at most @max ticks. */
int64_t rp_axis_step(const struct rp_axis *ax, int max);

/*
 * The ASCII timeline of episode @e (selected victims only), one row per
 * victim, lines within RP_COLS, with an axis line and a legend line.
 */
void rp_chart_ascii(const struct rp *r, const struct ol_episode *e);

/* --- renderers ------------------------------------------------------- */

int rp_text(const struct rp *r);
int rp_markdown(const struct rp *r);
int rp_json(const struct rp *r);
int rp_csv(const struct rp *r);
int rp_html(const struct rp *r);

#endif /* OOMLENS_REPORT_LOCAL_H */
