/* SPDX-License-Identifier: GPL-2.0 */
/*
 * collect/ — every input of oomlens and the one writer of the database.
 *
 * Sources (trace.dat through libtracecmd, the live libtracefs recorder,
 * text importers) turn what they read into struct ol_event and hand it to
 * the store.  The store owns the schema (see README.md, "Database") and is
 * the only code that writes the events, tasks, formats and meta tables.
 * Nothing here knows about verdicts: analyze/ reads what we write.
 */
#ifndef OOMLENS_COLLECT_H
#define OOMLENS_COLLECT_H

#include <stdbool.h>
#include <stdint.h>

#define OL_SCHEMA_VERSION	2

struct ol_store;

/*
 * Progress of a long import: @percent of @path read, @kept events stored
 * so far; called about once a second, and once with @percent -1 at the
 * end (to clear a progress line).  The caller decides where it goes.
 */
typedef void ol_progress_fn(void *ctx, const char *path, int percent, long long kept);

/*
 * Open (creating if needed) the database at @path for writing.  Refuses a
 * file that is not SQLite, an SQLite file that is not an oomlens database
 * (it has tables but no oomlens meta), and a database of a newer schema
 * version.  On failure returns NULL and, if @err is not NULL, a message in
 * *@err that names the file (free() it).
 * The returned store must be released with ol_store_close().
 */
struct ol_store *ol_store_open(const char *path, char **err);

/*
 * Same, for a one-shot bulk write (import): a database that does not
 * exist yet is written under a temporary name and appears at @path only
 * when ol_store_close() finds a committed source in it; an existing one
 * is opened as by ol_store_open().
 */
struct ol_store *ol_store_open_bulk(const char *path, char **err);

/*
 * Open an existing oomlens database read-only (for analyze/, reports/,
 * tui/).  Returns the sqlite3 handle (cast from void * to keep sqlite3.h
 * out of this header) or NULL with *@err set.  Close with sqlite3_close().
 */
void *ol_db_open_readonly(const char *path, char **err);

/*
 * collect/dbopen.c — every connection oomlens opens goes through
 * ol_db_harden() (defensive mode, no trusted schema, no triggers or
 * views, bounded mmap, busy timeout, a progress handler that interrupts a
 * statement stalled for 60 s, 600 s for a @writer); ol_db_check() refuses
 * a file whose schema is not the one oomlens creates (changed or extra
 * tables, views or indexes, triggers, a newer or foreign user_version)
 * with a one-line *@err naming @path.  @handle is a sqlite3 *.  0 or -1.
 */
int ol_db_harden(void *handle, bool writer);
int ol_db_check(void *handle, const char *path, char **err);

/*
 * Bulk mode: the temporary file written until ol_store_close() (NULL when
 * writing into an existing database), for the front end to remove on a
 * signal.
 */
const char *ol_store_tmp_path(struct ol_store *st);

/* The store's sqlite3 handle (borrowed), for analyze/ to write its tables. */
void *ol_store_db(struct ol_store *st);

/*
 * Group several sources into one transaction (one `oomlens import` of
 * several files is all or nothing).  ol_store_commit(@ok false) rolls
 * everything back.  0 or -1.
 */
int ol_store_begin(struct ol_store *st);
int ol_store_commit(struct ol_store *st, bool ok);

/*
 * The schema and its meta rows in a database without any source yet (a
 * database that `oomlens merge` fills).  0, or -1 (ol_store_errmsg()).
 */
int ol_store_create_schema(struct ol_store *st);

/* The meta value of @key (malloc()ed), or NULL when absent (or no schema yet). */
char *ol_store_get_meta(struct ol_store *st, const char *key);

/* This boot's id (/proc/sys/kernel/random/boot_id) into @buf; false if unknown. */
bool ol_boot_id(char *buf, size_t len);

/* Last error text of the store (borrowed, valid until the next call). */
const char *ol_store_errmsg(struct ol_store *st);

/* Close; an open source is rolled back.  NULL is fine. */
void ol_store_close(struct ol_store *st);

/*
 * When set, the trace.dat importer stores the file offset of each record
 * it reads there (a crash-containing parent names it, cmd/contain.c).
 */
extern volatile unsigned long long *ol_tracedat_where;

/*
 * Import a trace.dat file into the store as one source.  Returns 0, or -1
 * with *@err naming the file and what is wrong (free() it).  @progress
 * (may be NULL) is told how far the import is, with @progress_ctx.
 * @st NULL: parse and decode every record, store nothing (fuzzing).
 * mmap_lock events that are about no victim's task or mm are counted in
 * meta not_stored.mmap_lock, not stored (collect/flood.c), unless @flags
 * has OL_IMPORT_KEEP_ALL.
 */
#define OL_IMPORT_KEEP_ALL	1u
int ol_import_tracedat(struct ol_store *st, const char *path, unsigned flags,
		       ol_progress_fn *progress, void *progress_ctx, char **err);

/*
 * The live recorder (collect/record.c: the tracefs instance;
 * record-sink.c: records -> store, --watch episodes), driven by
 * cmd/record.c.
 */
struct ol_live;
struct ol_sink;

struct ol_live_opts {
	int		rss;		/* -1 not recorded, 0 "curr == 0", 1 all */
	int		lock_events;	/* 0 none, 1 write locks + failed trylocks, 2 all */
	unsigned	buffer_kb;	/* per CPU */
};

/*
 * Remove instances "oomlens-<pid>" whose owner is dead (left by a
 * recorder killed with SIGKILL).  Returns how many; *@names lists them
 * (free() it).
 */
int ol_live_remove_stale(char **names);
/* Create the instance, enable the events, start tracing.  NULL + *@err. */
struct ol_live *ol_live_start(const struct ol_live_opts *o, char **err);
const char *ol_live_missing(struct ol_live *lv);
void ol_live_pause(struct ol_live *lv);
/* Turn tracing off and remove the instance.  NULL is fine. */
void ol_live_stop(struct ol_live *lv);

struct ol_sink_stats {
	long long	seen, stored, kills, lost, episodes, ring;
	long long	episodes_done;	/* --watch: episodes ended and committed */
};

/* @db: the database file (free-space and size checks). */
struct ol_sink *ol_sink_new(struct ol_store *st, struct ol_live *lv, const char *source,
			    const char *db, bool watch, long long max_db_bytes);
void ol_sink_free(struct ol_sink *s);
/* --watch: keep @before_s seconds before an episode, @after_s after it. */
void ol_sink_set_window(struct ol_sink *s, double before_s, double after_s);
/* Plain mode: open the one source and store the start facts. */
int ol_sink_begin(struct ol_sink *s);
/* Read what the buffers hold into the store.  0 or -1 (store error). */
int ol_sink_poll(struct ol_sink *s);
/* Once a second: --watch episode ends and commits, disk checks.  1: stop. */
int ol_sink_tick(struct ol_sink *s);
/* Final drain is the caller's; stores the loss counters, commits.  0/-1. */
int ol_sink_finish(struct ol_sink *s, bool ok);
void ol_sink_get_stats(struct ol_sink *s, struct ol_sink_stats *out);
const char *ol_sink_errmsg(struct ol_sink *s);

/* Kernel log text: the grammar of the OOM lines (collect/kgrammar.c). */
#include "collect/kgrammar.h"

/*
 * One input, read exactly once (collect/input.c): a regular file is
 * mapped, "-" (standard input), pipes and /dev/fd/N are read to their
 * end; gzip, xz, zstd and bzip2 data are decompressed (by magic).
 */
struct ol_input {
	char		*name;		/* as given; "<stdin>" for "-" */
	const char	*data;		/* the (decompressed) bytes */
	size_t		len;
	const char	*compression;	/* "gzip", "xz", "zstd", "bzip2" or NULL */
	long long	mtime;		/* of the file, or now for a stream */
	bool		stdin_;
	/* private */
	int		fd;
	void		*map;
	size_t		maplen;
	char		*heap, *path, *tmp;
};

/* 0, or -1 with *@err naming the input and what is wrong (free() it).
 * Release with ol_input_close() (also after a failure). */
int ol_input_open(struct ol_input *in, const char *path, char **err);
/* A file name holding the bytes (the input's own, or a temporary file
 * removed by ol_input_close()); borrowed.  NULL with *@err. */
const char *ol_input_path(struct ol_input *in, char **err);
void ol_input_drop(struct ol_input *in);
void ol_input_close(struct ol_input *in);

/* What a file holds, from its first bytes (collect/detect.c). */
enum ol_file_kind {
	OL_FILE_UNKNOWN = 0, OL_FILE_EMPTY, OL_FILE_BINARY,
	OL_FILE_TRACEDAT, OL_FILE_FTRACE_TEXT, OL_FILE_KMSG,
};
enum ol_file_kind ol_detect_file(const char *path);
enum ol_file_kind ol_detect_buf(const char *buf, size_t len);

/*
 * Import ftrace text (tracefs `trace`, `trace-cmd report`) as one source
 * of kind "ftrace-text".  0, or -1 with *@err (free() it).
 */
int ol_import_ftrace_text(struct ol_store *st, const char *path, char **err);
int ol_import_ftrace_text_input(struct ol_store *st, const struct ol_input *in, char **err);

/*
 * Import a kernel log (dmesg in any locale, every journalctl output,
 * syslog, rsyslog templates, pastes; README "kernel log") as one source of
 * kind "kmsg": OOM report lines become printk:console events.  Aligns with
 * and deduplicates against the printk:console events of trace sources
 * already in the store.  *@note gets a one-line summary for stderr (offset
 * found, lines not understood; free() it, may be NULL).
 */
int ol_import_kmsg(struct ol_store *st, const char *path, char **note, char **err);
int ol_import_kmsg_input(struct ol_store *st, const struct ol_input *in, char **note, char **err);

#endif /* OOMLENS_COLLECT_H */
