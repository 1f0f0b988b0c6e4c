/* SPDX-License-Identifier: GPL-2.0 */
/*
 * reports/ — renders a loaded analysis (analyze/analyze.h) as plain text
 * for LKML mails, markdown, JSON, CSV or a self-contained HTML page.
 * Renderers only read the analysis; they never touch the database.
 *
 * Every string that came from the kernel (comm, cgroup paths, evidence
 * text that quotes them) is treated as untrusted and escaped for the
 * output format (HTML, JSON, CSV) or shown with control and non-ASCII
 * bytes as \xNN (text, markdown).
 */
#ifndef OOMLENS_REPORT_H
#define OOMLENS_REPORT_H

#include <stdbool.h>
#include <stdio.h>

struct ol_analysis;

/* id, name on the command line */
#define OL_REPORT_FORMATS(_)		\
	_(TEXT,		"text")		\
	_(MARKDOWN,	"markdown")	\
	_(JSON,		"json")		\
	_(CSV,		"csv")		\
	_(HTML,		"html")

enum ol_report_format {
#define _(id, str) OL_REPORT_##id,
	OL_REPORT_FORMATS(_)
#undef _
	OL_REPORT_NR
};

/* The JSON document's "schema_version" (README.md, "JSON report"). */
#define OL_REPORT_JSON_SCHEMA	2	/* 2: ids, not 1-based numbers */

/*
 * What to render.  Victims and episodes are named by their database ids
 * (victims.id, episodes.id), as every report and the TUI number them.
 * Zero-initialized: everything.
 */
struct ol_report_opts {
	bool	by_episode;	/* only episode @episode */
	int	episode;
	bool	by_victim;	/* only victim @victim, with the victims its
				 * verdicts are about (drawn for context) */
	int	victim;
	int	pid;		/* only victims with this pid or tgid; 0: all */
	bool	detail;		/* text: per-victim facts and timelines */
	bool	color;		/* ANSI colour in text output (terminals only) */
};

/* Name of @f ("text", ...), or NULL when out of range. */
const char *ol_report_format_name(enum ol_report_format f);

/* Parse a format name; returns the format or -1. */
int ol_report_format_parse(const char *name);

/*
 * Render @a in format @f to @out.  @o may be NULL (everything, no colour).
 * Returns 0, or -1 with *@err set (free() it) when writing failed or the
 * selection in @o matches nothing.  Writes nothing to stderr.
 */
int ol_report_render(const struct ol_analysis *a, enum ol_report_format f,
		     const struct ol_report_opts *o, FILE *out, char **err);

/*
 * Exports for tools outside oomlens (README.md "Fleet"): JSON lines for a
 * warehouse, the Trace Event Format for Perfetto / chrome://tracing, and
 * Prometheus metrics in node_exporter's textfile format.
 */
#define OL_EXPORT_FORMATS(_)		\
	_(JSONL,	"jsonl")	\
	_(CHROME,	"chrome-trace")

enum ol_export_format {
#define _(id, str) OL_EXPORT_##id,
	OL_EXPORT_FORMATS(_)
#undef _
	OL_EXPORT_NR
};

/* Every JSON line's "schema" (README.md, "export --format jsonl"). */
#define OL_EXPORT_JSONL_SCHEMA	1

/* Parse an export format name; returns the format or -1. */
int ol_export_format_parse(const char *name);

/*
 * Write all of @a in export format @f to @out.  Returns 0, or -1 with
 * *@err set (free() it) when writing failed.  Writes nothing to stderr.
 */
int ol_export_render(const struct ol_analysis *a, enum ol_export_format f,
		     FILE *out, char **err);

/*
 * Write the Prometheus text exposition of @a (node_exporter textfile
 * collector format) to @out.  0, or -1 with *@err set (free() it).
 */
int ol_metrics_render(const struct ol_analysis *a, FILE *out, char **err);
struct ol_runset;

/*
 * `oomlens diff`: the recordings of @before and @after side by side (text
 * within 72 columns, markdown or JSON; reports/diff.c).  0, or -1 with
 * *@err set (free() it).
 */
int ol_diff_render(const struct ol_runset *before, const struct ol_runset *after,
		   enum ol_report_format f, FILE *out, char **err);
/* `oomlens summary`: one line per recording of @s (text or JSON). */
int ol_summary_render(const struct ol_runset *s, enum ol_report_format f, FILE *out,
		      char **err);

#endif /* OOMLENS_REPORT_H */
