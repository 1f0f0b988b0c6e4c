/* SPDX-License-Identifier: GPL-2.0 */
/*
 * reports/ internals shared by the renderers: the render context and the
 * escaping of untrusted kernel strings per output format.  What is said
 * and how numbers look is the presentation layer's (present.h).
 */
#ifndef OOMLENS_REPORT_LOCAL_H
#define OOMLENS_REPORT_LOCAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "analyze/analyze.h"
#include "reports/present.h"
#include "version.h"
#include "reports/report.h"

#define OL_REPORT_VERSION	OL_VERSION
#define RP_COLS		72	/* LKML: no text line wider than this */

/* What one render call works on (all borrowed). */
struct rp {
	const struct ol_analysis	*a;
	const struct ol_report_opts	*o;	/* never NULL */
	FILE				*out;
	int64_t				res;	/* pr_resolution() */
	/* per victim: RP_HIDDEN, RP_SELECTED, or RP_CONTEXT (drawn because a
	 * selected victim's verdict is about it) */
	unsigned char			*show;
};

enum { RP_HIDDEN, RP_SELECTED, RP_CONTEXT };

/* Shown at all (selected or context)? */
bool rp_victim_selected(const struct rp *r, const struct ol_victim *v);
/* Selected by the options (not only drawn for context)?  For pr_summary(). */
bool rp_victim_chosen(const struct ol_victim *v, const void *rp);
/* True when @e holds at least one shown victim. */
bool rp_episode_selected(const struct rp *r, const struct ol_episode *e);

/* --- escaping (util.c) --------------------------------------------- */

/* As pr_ascii, written to @f. */
void rp_put_ascii(FILE *f, const char *s);
/* Markdown: as pr_ascii, then markdown punctuation backslash-escaped. */
void rp_put_md(FILE *f, const char *s);
/* The same for text that is ASCII already (the presentation layer's). */
void rp_put_md_text(FILE *f, const char *ascii);
/* A JSON string with its quotes, or null for NULL. */
void rp_put_json(FILE *f, const char *s);
/* HTML text/attribute content (quotes escaped too). */
void rp_put_html(FILE *f, const char *s);
/* One RFC 4180 field (quoted when needed). */
void rp_put_csv(FILE *f, const char *s);
/* Length of the valid UTF-8 sequence at @p (1..4), 0 if invalid. */
int rp_utf8_len(const unsigned char *p);

/* The header line for a database made from a kernel log alone. */
#define RP_KMSG_ONLY	"kernel log only (no trace events): times come from " \
			"the log, verdicts are at most inferred"

/*
 * Write @s (printable ASCII) wrapped at @width columns: the first line
 * starts after @first columns already used by the caller, later lines
 * are indented by @indent spaces.  Words longer than a line are broken.
 * Ends with a newline.
 */
void rp_wrap(FILE *f, const char *s, int first, int indent, int width);

/*
 * The ASCII timeline of the shown victims of episode @e, one row per
 * victim, lines within RP_COLS, with an axis line and a legend line
 * (chart.c).
 */
void rp_chart_ascii(const struct rp *r, const struct ol_episode *e);

/*
 * How the markdown and HTML reports mark up the one document that
 * document.c walks (what is said, in which order).  Text is the
 * presentation layer's ASCII; each op escapes it for its format.
 * @victim: the id of the victim a heading or row is about, or -1.
 */
struct rp_markup {
	void (*begin)(const struct rp *r, const char *title);
	void (*end)(const struct rp *r);
	void (*heading)(const struct rp *r, int level, const char *ascii, int victim);
	void (*para)(const struct rp *r, const char *ascii);
	/* label: value pairs (the header) */
	void (*kvs)(const struct rp *r, bool open);
	void (*kv)(const struct rp *r, const char *label, const char *ascii, bool warn);
	/* a bulleted list; @label may be NULL */
	void (*list)(const struct rp *r, bool open);
	void (*item)(const struct rp *r, const char *label, const char *ascii, bool warn);
	void (*explanation)(const struct rp *r, const struct pr_explanation *x);
	/* a table; @caption non-NULL: one a reader may fold away */
	void (*table)(const struct rp *r, const char *caption, bool open);
	void (*row)(const struct rp *r, const char *const *cells, const bool *right, int n,
		    bool head, int victim);
	void (*chart)(const struct rp *r, const struct ol_episode *ep);
	/* after a victim's facts (may be NULL) */
	void (*extra)(const struct rp *r, const struct ol_victim *v);
};

int rp_document(const struct rp *r, const struct rp_markup *m);

/* --- renderers ------------------------------------------------------- */

int rp_text(const struct rp *r);
int rp_markdown(const struct rp *r);
int rp_json(const struct rp *r);
int rp_csv(const struct rp *r);
int rp_html(const struct rp *r);

/* --- exports (export.c, export-jsonl.c, export-chrome.c, metrics.c) - */

/*
 * Where a victim was recorded: its host, boot id, kernel release and
 * trace clock (borrowed strings, "" when unknown).  A merged database
 * holds several of them; times of different origins are not comparable.
 */
struct rp_origin {
	const char	*host, *boot_id, *kernel, *clock;
};

void rp_origin(const struct ol_analysis *a, const struct ol_victim *v,
	       struct rp_origin *o);
/* An episode's origin: that of its first victim. */
void rp_episode_origin(const struct ol_analysis *a, const struct ol_episode *e,
		       struct rp_origin *o);

/*
 * In a merged database (oomlens merge), the host of episode @e when it
 * starts a new host's group (episodes are in input order, so one host's
 * episodes follow each other); NULL otherwise and in a plain database.
 */
const char *rp_host_heading(const struct ol_analysis *a, size_t e);
/* The host of episode @e in a merged database, else NULL. */
const char *rp_episode_host(const struct ol_analysis *a, const struct ol_episode *e);

int rp_export_jsonl(const struct ol_analysis *a, FILE *f);
int rp_export_chrome(const struct ol_analysis *a, FILE *f);

#endif /* OOMLENS_REPORT_LOCAL_H */
