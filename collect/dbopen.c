// SPDX-License-Identifier: GPL-2.0
/*
 * Opening a database that may come from somewhere else (a ticket, another
 * host): every connection oomlens opens is hardened here, and every file
 * is checked against the schema oomlens itself creates before anything
 * reads or writes it.
 *
 * Connection settings (ol_db_harden):
 *  - SQLITE_DBCONFIG_DEFENSIVE: no writable_schema, no shadow-table
 *    writes, no journal tricks that could corrupt the file;
 *  - trusted_schema off, triggers and views disabled: oomlens uses
 *    neither, so nothing stored in a file runs as part of our SQL (a
 *    trigger deleting events during import, a recursive view in place of
 *    a table);
 *  - mmap: only up to the file's size, and none at all for a file that
 *    someone else can write (a truncation under a mapping is SIGBUS);
 *  - a busy timeout, so that a reader waits for a writer instead of
 *    misreporting the file;
 *  - a progress handler: a statement that returns no row for
 *    OL_DB_STALL_S seconds (readers; 10x that for writers, which build
 *    indexes) is interrupted.
 *
 * Schema check (ol_db_check): the file's sqlite_master rows (type, name,
 * table, SQL) must each be one that oomlens's own DDL creates, run into
 * an in-memory database at run time (so it follows schema changes);
 * objects may be missing (a new or not yet analyzed database) but none
 * may be changed or added; triggers are refused; user_version must be
 * ours (0 only for an empty file); an older version is refused with how
 * to import again (schema 1).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sqlite3.h>

#include "collect/collect-local.h"
#include "analyze/analyze.h"

#define OL_DB_STALL_S		60
#define OL_DB_BUSY_MS		10000
#define OL_DB_MMAP_MAX		(1LL << 30)
#define PROGRESS_OPS		100000	/* VM instructions between checks */

struct guard {
	int64_t		limit_ns, deadline_ns;
	volatile int	progress;
};

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* A statement started or returned a row: it is making progress. */
static int guard_trace(unsigned type, void *ctx, void *p, void *x)
{
	((struct guard *)ctx)->progress = 1;
	return 0;
}

static int guard_progress(void *ctx)
{
	struct guard *g = ctx;
	int64_t now = now_ns();

	if (g->progress || !g->deadline_ns) {
		g->progress = 0;
		g->deadline_ns = now + g->limit_ns;
		return 0;
	}
	return now > g->deadline_ns;	/* non-zero: SQLITE_INTERRUPT */
}

/* Never called: it carries the guard so that sqlite3_close() frees it. */
static void guard_holder(sqlite3_context *c, int n, sqlite3_value **v)
{
	sqlite3_result_null(c);
}

/* Can anyone but us change this file under a mapping? */
static bool file_trusted(const char *path, long long *size)
{
	struct stat sb;

	*size = 0;
	if (!path || !*path || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return false;
	*size = (long long)sb.st_size;
	return sb.st_uid == geteuid() && !(sb.st_mode & (S_IWGRP | S_IWOTH));
}

int ol_db_harden(void *handle, bool writer)
{
	sqlite3 *db = handle;
	struct guard *g;
	const char *fn = sqlite3_db_filename(db, "main");
	long long size;
	char sql[96];
	int off = 0;

	if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, &off) != SQLITE_OK ||
	    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, &off) != SQLITE_OK ||
	    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, &off) != SQLITE_OK ||
	    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, &off) != SQLITE_OK)
		return -1;
	/* a table or an expression as large as the file allows, not more */
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 256 << 20);
	sqlite3_busy_timeout(db, OL_DB_BUSY_MS);
	size = 0;
	if (!file_trusted(fn, &size))
		size = 0;
	snprintf(sql, sizeof(sql), "PRAGMA mmap_size = %lld",
		 size < OL_DB_MMAP_MAX ? size : OL_DB_MMAP_MAX);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -1;
	g->limit_ns = (int64_t)OL_DB_STALL_S * (writer ? 10 : 1) * 1000000000LL;
	if (sqlite3_create_function_v2(db, "oomlens_guard", 0, SQLITE_UTF8, g, guard_holder,
				       NULL, NULL, free) != SQLITE_OK)
		return -1;	/* xDestroy ran: g is freed */
	sqlite3_trace_v2(db, SQLITE_TRACE_STMT | SQLITE_TRACE_ROW, guard_trace, g);
	sqlite3_progress_handler(db, PROGRESS_OPS, guard_progress, g);
	return 0;
}

/* The reference: sqlite_master of a database made by our own DDL. */
struct objrow {
	char	*type, *name, *tbl, *sql;
};

static struct {
	struct objrow	*r;
	size_t		n;
	int		failed;
} ref;
static pthread_once_t ref_once = PTHREAD_ONCE_INIT;

static char *dupcol(sqlite3_stmt *s, int i)
{
	const char *t = (const char *)sqlite3_column_text(s, i);

	return strdup(t ? t : "");
}

static void ref_build(void)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	const char *const *ddl = ol_analysis_ddl();
	size_t i;

	ref.failed = 1;
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, ol_schema_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, ol_index_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, ol_index_multi_sql, NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	for (i = 0; ddl[i]; i++)
		if (sqlite3_exec(db, ddl[i], NULL, NULL, NULL) != SQLITE_OK)
			goto out;
	if (sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, sql FROM sqlite_master",
			       -1, &s, NULL) != SQLITE_OK)
		goto out;
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct objrow *r = realloc(ref.r, (ref.n + 1) * sizeof(*r));

		if (!r)
			goto out;
		ref.r = r;
		r = &ref.r[ref.n++];
		r->type = dupcol(s, 0);
		r->name = dupcol(s, 1);
		r->tbl = dupcol(s, 2);
		r->sql = dupcol(s, 3);
		if (!r->type || !r->name || !r->tbl || !r->sql)
			goto out;
	}
	ref.failed = 0;
out:
	sqlite3_finalize(s);
	sqlite3_close(db);
}

/* Is (type, name, tbl, sql) one of ours?  1 yes, 0 changed, -1 unknown name. */
static int ref_match(const char *type, const char *name, const char *tbl, const char *sql)
{
	size_t i;

	for (i = 0; i < ref.n; i++) {
		if (strcmp(ref.r[i].name, name))
			continue;
		return !strcmp(ref.r[i].type, type) && !strcmp(ref.r[i].tbl, tbl) &&
		       !strcmp(ref.r[i].sql, sql);
	}
	/* SQLite's own statistics (sqlite3 shell's ANALYZE) are harmless data */
	if (!strcmp(type, "table") && (!strcmp(name, "sqlite_stat1") || !strcmp(name, "sqlite_stat4")))
		return 1;
	return -1;
}

static int int_pragma(sqlite3 *db, const char *sql, int *out)
{
	sqlite3_stmt *s = NULL;
	int ok = sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK &&
		 sqlite3_step(s) == SQLITE_ROW;

	if (ok)
		*out = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return ok ? 0 : -1;
}

/*
 * Schema 1 (oomlens 0.1) stored every event as a wide row with its JSON
 * fields; its rows are not converted: the sources hold everything, and
 * importing them again is as fast as a conversion would be.
 */
static char *old_schema_msg(const char *path, int version)
{
	return ol_strdupf("'%s': a schema-%d database of an older oomlens; this one "
			  "reads schema %d: import its sources again into a new database "
			  "('oomlens import SOURCE... -o NEW.db')", path, version,
			  OL_SCHEMA_VERSION);
}

int ol_db_check(void *handle, const char *path, char **err)
{
	sqlite3 *db = handle;
	sqlite3_stmt *s = NULL;
	int version = 0, objects = 0, ret = -1, rc;

	pthread_once(&ref_once, ref_build);
	if (ref.failed) {
		*err = ol_strdupf("'%s': cannot build the reference schema (out of memory)", path);
		return -1;
	}
	/* SQLITE_NOTADB shows up at the first read of a file that is not SQLite */
	if (int_pragma(db, "PRAGMA user_version", &version)) {
		*err = ol_strdupf("'%s': not an oomlens database (%s)", path, sqlite3_errmsg(db));
		return -1;
	}
	/* before the objects (schema 1's are not ours any more): an older
	 * oomlens database is one with schema 1's events table */
	if (version >= 1 && version < OL_SCHEMA_VERSION &&
	    !int_pragma(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
			" AND name = 'events'", &objects) && objects) {
		*err = old_schema_msg(path, version);
		return -1;
	}
	objects = 0;
	if (sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, sql FROM sqlite_master",
			       -1, &s, NULL) != SQLITE_OK) {
		*err = ol_strdupf("'%s': not an oomlens database (%s)", path, sqlite3_errmsg(db));
		return -1;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(s, 0);
		const char *name = (const char *)sqlite3_column_text(s, 1);
		const char *tbl = (const char *)sqlite3_column_text(s, 2);
		const char *sql = (const char *)sqlite3_column_text(s, 3);
		int m;

		objects++;
		type = type ? type : "";
		name = name ? name : "";
		if (!strcmp(type, "trigger")) {
			*err = ol_strdupf("'%s': has a trigger ('%s'): not a database oomlens "
					  "wrote; refusing it", path, name);
			goto out;
		}
		m = ref_match(type, name, tbl ? tbl : "", sql ? sql : "");
		if (m < 0 && version == 0) {
			*err = ol_strdupf("'%s': an SQLite database, but not an oomlens one; "
					  "refusing it", path);
			goto out;
		}
		if (m <= 0) {
			*err = ol_strdupf("'%s': its schema was changed (%s '%s' is not as oomlens "
					  "creates it); refusing it", path, type, name);
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		*err = ol_strdupf("'%s': not an oomlens database (%s)", path, sqlite3_errmsg(db));
		goto out;
	}
	if (version > OL_SCHEMA_VERSION) {
		*err = ol_strdupf("'%s': database schema version %d is newer than this oomlens "
				  "understands (%d); use a newer oomlens", path, version,
				  OL_SCHEMA_VERSION);
		goto out;
	}
	if (version < 0 || (version == 0 && objects > 0)) {
		*err = ol_strdupf("'%s': an SQLite database, but not an oomlens one "
				  "(user_version %d); refusing it", path, version);
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(s);
	return ret;
}
