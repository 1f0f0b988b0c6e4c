/* SPDX-License-Identifier: GPL-2.0 */
/* Internal to collect/: shared helpers of the sources and the store. */
#ifndef OOMLENS_COLLECT_LOCAL_H
#define OOMLENS_COLLECT_LOCAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "collect/collect.h"

extern const char ol_schema_sql[];
extern const char ol_index_sql[];

/* A growable string buffer (never fails silently: ->oom is set). */
struct ol_buf {
	char	*s;
	size_t	len, cap;
	int	oom;
};

void ol_buf_reset(struct ol_buf *b);
void ol_buf_free(struct ol_buf *b);
void ol_buf_add(struct ol_buf *b, const char *s, size_t n);
void ol_buf_puts(struct ol_buf *b, const char *s);
void ol_buf_printf(struct ol_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append @s (@n bytes, stops at NUL) as a JSON string literal. */
void ol_buf_json_str(struct ol_buf *b, const char *s, size_t n);

/*
 * The recogniser of collect/kline.c: where the kernel's message starts in
 * a line of any log, and the time stamps in front of it.
 */
enum { OL_CLK_NONE, OL_CLK_MONO, OL_CLK_REAL };

struct ol_kline_ctx {
	int	year;		/* for stamps without one ("Nov 22 12:15:01") */
	int	last_month;	/* for a localised month name not known, -1 */
	bool	numbered;	/* the file is a numbered listing */
};

struct ol_kstamp {
	int		clock;		/* OL_CLK_*: the line's own (MONO when both) */
	int64_t		wall, mono;	/* ns: since the epoch / since boot */
	bool		has_wall, has_mono, has_tag;
	bool		kernel_stamp;	/* the kernel's [mono] after a wall stamp/tag */
	bool		month_unknown;	/* a localised month name not in our table */
	const char	*style;		/* "dmesg", "dmesg -T", "syslog", ... */
	const char	*msg;		/* the kernel's message, @len bytes */
	size_t		len;
};

void ol_kline_split(struct ol_kline_ctx *c, const char *p, const char *e, struct ol_kstamp *st);
/* Most of the first lines of @buf carry consecutive line numbers. */
bool ol_kline_numbered(const char *buf, size_t len);

/*
 * Transports undone on a whole log (collect/ktransport.c).  The
 * journal's json/json-pretty/json-seq/export outputs -> "[s.us] msg"
 * lines (malloc'ed, NULL when out of memory; *@bad entries that did not
 * parse); quoted-printable -> text (malloc'ed).
 */
bool ol_journal_probe(const char *buf, size_t len);
char *ol_journal_to_text(const char *buf, size_t len, size_t *outlen, const char **style,
			 long long *bad);
bool ol_qp_probe(const char *buf, size_t len);
char *ol_qp_decode(const char *buf, size_t len, size_t *outlen);

/* malloc'ed printf; NULL on allocation failure. */
char *ol_strdupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

/*
 * Thread -> process knowledge built while a source is read (collect/tasks.c):
 * what task_newtask's clone flags, a fork, a rename or mark_victim's comm
 * say about @target, written to the store.  Zero-initialize; free with
 * ol_taskmap_free().
 */
struct ol_taskmap {
	int	*tgid;		/* pid -> tgid known so far, 0 unknown */
	int	n;
};

enum ol_task_event { OL_TASK_NEWTASK, OL_TASK_FORK, OL_TASK_RENAME, OL_TASK_VICTIM };

/* @pid: the task the event fired in (the parent for newtask).  0 or -1. */
int ol_taskmap_fact(struct ol_taskmap *m, struct ol_store *st, enum ol_task_event k,
		    int pid, int target, const char *comm, bool have_flags,
		    long long clone_flags);
void ol_taskmap_free(struct ol_taskmap *m);

/*
 * tep record -> ol_event, shared by the trace.dat importer and the live
 * recorder (both decode with libtraceevent).
 */
struct tep_handle;
struct tep_record;
struct ol_conv;

/* Must be freed with ol_conv_free().  NULL on allocation failure. */
struct ol_conv *ol_conv_new(struct tep_handle *tep);
void ol_conv_free(struct ol_conv *c);

/*
 * Decode @rec.  Returns 1 and fills *@ev (its strings are owned by @c and
 * valid until the next call) when the event belongs to the oomlens event
 * set, 0 when it is skipped, -1 on allocation failure.
 */
int ol_conv_record(struct ol_conv *c, struct tep_record *rec, struct ol_event *ev);

/*
 * Thread -> process facts implied by a converted event (task_newtask's
 * clone flags, fork, rename, mark_victim's comm) into the store.
 */
int ol_conv_tasks(struct ol_conv *c, struct ol_store *st, const struct ol_event *ev);

/* Store the format of every event of the set that @tep knows. */
int ol_conv_store_formats(struct ol_conv *c, struct ol_store *st);
