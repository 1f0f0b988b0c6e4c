/* SPDX-License-Identifier: GPL-2.0 */
/* Internal to collect/: shared helpers of the sources and the store. */
#ifndef OOMLENS_COLLECT_LOCAL_H
#define OOMLENS_COLLECT_LOCAL_H

#include <stdarg.h>
#include <stddef.h>
#include "collect/collect.h"

extern const char ol_schema_sql[];
extern const char ol_index_sql[];
extern const char ol_index_multi_sql[];

/* text -> id (collect/intern.c).  Zero-initialize; ol_intern_clear() frees. */
struct ol_intern_slot {
	char		*text;		/* NULL: free slot */
	unsigned	h;
	int		id;
};
struct ol_intern {
	struct ol_intern_slot *slot;
	size_t		cap, n;
};

const struct ol_intern_slot *ol_intern_get(const struct ol_intern *t, const char *s);
/* Adds or updates @s -> @id: the slot (its text is a stable copy), NULL out of memory. */
const struct ol_intern_slot *ol_intern_put(struct ol_intern *t, const char *s, int id);
void ol_intern_clear(struct ol_intern *t);

/*
 * Pending event rows and the thread that writes them into ev
 * (collect/evwriter.c); only the store uses it.  Every function but
 * ol_evw_row()/ol_evw_text() waits for the writer first; @err is a
 * malloc'ed message (without the file name).
 */
struct ol_pendrow {
	int64_t		ts, v[OL_EVENT_COLS];	/* v: typed columns a..d */
	int		source, cpu, pid, comm, name, target;	/* comm 0, target -1: NULL */
	unsigned	nulls;			/* v[i] is NULL: bit i */
	ptrdiff_t	fields;			/* JSON text (ol_evw_text), -1 none */
};
struct ol_evwriter;

struct ol_evwriter *ol_evw_new(void *db, char **err);
/* The next row to fill (written later, in order); NULL and *err on failure. */
struct ol_pendrow *ol_evw_row(struct ol_evwriter *w, char **err);
/* Row @r (the last one given) keeps @text as its JSON fields: 0 or -1 (memory). */
int ol_evw_text(struct ol_evwriter *w, struct ol_pendrow *r, const char *text);
/* Waits for the writer: 0, or -1 with the error of a block it wrote. */
int ol_evw_sync(struct ol_evwriter *w, char **err);
/* Writes every pending row (the database is the caller's again): 0 or -1. */
int ol_evw_flush(struct ol_evwriter *w, char **err);
/* Drops the pending rows (a source rolled back). */
void ol_evw_discard(struct ol_evwriter *w);
void ol_evw_free(struct ol_evwriter *w);

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
