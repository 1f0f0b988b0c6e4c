// SPDX-License-Identifier: GPL-2.0
/*
 * The store: the one writer of an oomlens database.
 *
 * Each source is one transaction with prepared statements, so an import
 * that fails part-way leaves the database exactly as it was.  A database
 * file that the failed import itself created is removed again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sqlite3.h>

#include "collect/collect-local.h"
#include "version.h"

#define OL_STR_(x)	#x
#define OL_STR(x)	OL_STR_(x)

enum {
	ST_TASK, ST_TASK_ASSUMED, ST_META, ST_META_DEFAULT, ST_FORMAT, ST_GAP,
	ST_NAME_GET, ST_NAME_ADD, ST_STR_GET, ST_STR_ADD, ST_NR
};

static const char *const stmt_sql[ST_NR] = {
	/* A real fact replaces an assumption; comm follows exec/rename. */
	[ST_TASK] = "INSERT INTO tasks(pid, tgid, comm, how) VALUES (?1, ?2, ?3, ?4)"
		    " ON CONFLICT(pid) DO UPDATE SET"
		    " tgid = CASE WHEN excluded.how = 'assumed' THEN tgid ELSE excluded.tgid END,"
		    " how = CASE WHEN excluded.how = 'assumed' THEN how ELSE excluded.how END,"
		    " comm = coalesce(excluded.comm, comm)",
	[ST_TASK_ASSUMED] = "INSERT OR IGNORE INTO tasks(pid, tgid, comm, how)"
			    " VALUES (?1, ?1, ?2, 'assumed')",
	[ST_META] = "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)",
	[ST_META_DEFAULT] = "INSERT OR IGNORE INTO meta(key, value) VALUES (?1, ?2)",
	[ST_FORMAT] = "INSERT OR REPLACE INTO formats(source_id, system, event, id, format)"
		      " VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_GAP] = "INSERT INTO gaps(source_id, cpu, prev_ns, ts_ns, lost) VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_NAME_GET] = "SELECT id FROM names WHERE name = ?1 AND f1 IS ?2 AND f2 IS ?3"
			" AND f3 IS ?4 AND f4 IS ?5",
	[ST_NAME_ADD] = "INSERT INTO names(name, f1, f2, f3, f4) VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_STR_GET] = "SELECT id FROM strings WHERE text = ?1",
	[ST_STR_ADD] = "INSERT INTO strings(text) VALUES (?1)",
};

/* Last (name, layout) -> names.id answers, by address (checked by text). */
#define NAME_BITS	8
/* Last comm address -> strings.id answers (libtraceevent's comms stay put). */
#define COMM_BITS	10
/* Fibonacci hashing of addresses into 2^bits slots. */
#define ADDR_HASH(p, bits)	((size_t)(((uintptr_t)(p) * 0x9e3779b97f4a7c15ull) >> (64 - (bits))))
#define MAX_PID		(1 << 22)	/* PID_MAX_LIMIT on 64-bit */

/*
 * What a source's rows say about tasks never seen created: written as
 * "assumed" tasks (their own process) when the source is finished.  As
 * schema 1 did with a UNION over the source's rows: a thread that was
 * the target of a row, or ran one without a known comm, gets no comm;
 * otherwise the least of its comms.
 */
enum { PT_COMM = 1, PT_NOCOMM = 2, PT_WRITTEN = 4 };
struct pidinfo {
	const char	*comm;		/* interned text */
	unsigned char	flags;
};

struct ol_store {
	sqlite3		*db;
	char		*path;		/* the database as the user named it */
	char		*tmp;		/* bulk mode: where we write until close */
	bool		created;	/* the file did not exist before us */
	int		source;		/* current source id, 0 when none */
	bool		outer;		/* ol_store_begin() transaction open */
	bool		released;	/* a source is in the open outer transaction */
	bool		committed;	/* a source reached the file: keep it */
	long long	nevents;
	int64_t		next_id;	/* ev.id of the next event (ol_store_skip_events) */
	sqlite3_stmt	*st[ST_NR];
	struct ol_intern strs;		/* strings.text -> id */
	struct ol_intern names;		/* "name\nf1\nf2.." -> names.id */
	struct {
		const char *name;
		const char *const *layout;
		const char *text;	/* the interned key */
		int id;
	} name_cache[1 << NAME_BITS];
	struct {
		const char *p;
		struct ol_intern_slot e;	/* a copy: slots move as the table grows */
	} comm_cache[1 << COMM_BITS];
	struct ol_evwriter *evw;	/* the event rows' writer */
	bool		broken;		/* a flush out of ol_store_db() failed */
	struct pidinfo	*pids;		/* by pid */
	int		npids;
	int		*newpids;	/* pids noted since the last finish_source() */
	size_t		nnew, newcap;
	char		*err;
};

static int set_err(struct ol_store *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int flush_events(struct ol_store *st);

static int set_err(struct ol_store *st, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	free(st->err);
	st->err = msg;
	return -1;
}

const char *ol_store_errmsg(struct ol_store *st)
{
	return st && st->err ? st->err : "unknown error";
}

/* Waits for the event writer (the connection is ours again): 0, or -1. */
static int wsync(struct ol_store *st)
{
	char *e = NULL;

	if (!st->evw || !ol_evw_sync(st->evw, &e))
		return 0;
	set_err(st, "'%s': %s", st->path, e);
	free(e);
	return -1;
}

static int exec(struct ol_store *st, const char *sql)
{
	char *msg = NULL;

	if (wsync(st))
		return -1;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		set_err(st, "'%s': %s", st->path, msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Harden the connection, then refuse foreign, changed and newer databases. */
static int check_schema(struct ol_store *st)
{
	sqlite3_stmt *s = NULL;
	bool merged = false;
	char *msg = NULL;

	if (ol_db_harden(st->db, true))
		return set_err(st, "'%s': cannot configure the database connection: %s",
			       st->path, sqlite3_errmsg(st->db));
	if (ol_db_check(st->db, st->path, &msg)) {
		free(st->err);
		st->err = msg;
		return -1;
	}
	/* its analysis comes from its inputs: new events would never be analyzed */
	if (sqlite3_prepare_v2(st->db, "SELECT 1 FROM sqlite_master WHERE name = 'origins'",
			       -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		merged = true;
	sqlite3_finalize(s);
	if (merged)
		return set_err(st, "'%s': a merged database (oomlens merge) takes no new events "
			       "and is not analyzed again; merge its inputs anew", st->path);
	return 0;
}

/*
 * A writer that died before any of its pages reached the file (a crashed
 * import child: a schema-2 import fits in SQLite's cache for a while)
 * leaves a journal without a header.  It is not hot, the file is intact,
 * and SQLite leaves it there for good.  With the write lock held no live
 * writer owns it (a hot one was rolled back when the lock was taken):
 * remove it.  Best effort: another writer at work keeps its journal.
 */
static void drop_stale_journal(struct ol_store *st)
{
	static const unsigned char zero[8];
	unsigned char head[8];
	char *j = ol_strdupf("%s-journal", st->path);
	int fd = j ? open(j, O_RDONLY | O_CLOEXEC) : -1;
	bool stale = fd >= 0 && (read(fd, head, sizeof(head)) != (ssize_t)sizeof(head) ||
				 !memcmp(head, zero, sizeof(head)));

	if (fd >= 0)
		close(fd);
	/* no waiting: a writer at work (a recorder between its commits) keeps it */
	sqlite3_busy_timeout(st->db, 0);
	if (stale && sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK) {
		unlink(j);
		sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	}
	sqlite3_busy_timeout(st->db, OL_DB_BUSY_MS);
	free(j);
}

static struct ol_store *store_open(const char *path, bool bulk, char **err)
{
	struct ol_store *st;
	struct stat sb;
	const char *file;

	st = calloc(1, sizeof(*st));
	if (!st || !(st->path = strdup(path))) {
		free(st);
		if (err)
			*err = strdup("out of memory");
		return NULL;
	}
	st->created = stat(path, &sb) != 0 && errno == ENOENT;
	/*
	 * A new database in bulk mode is written under a temporary name
	 * without a rollback journal on disk and renamed into place when
	 * the last source is in: several times faster, and a failed import
	 * leaves no file at all.
	 */
	if (bulk && st->created &&
	    asprintf(&st->tmp, "%s.tmp-%d", path, (int)getpid()) < 0) {
		st->tmp = NULL;
		set_err(st, "out of memory");
		goto fail;
	}
	file = st->tmp ? st->tmp : path;
	/* one thread at a time uses a store: no mutex around every call */
	if (sqlite3_open_v2(file, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		set_err(st, "'%s': cannot open database: %s", path,
			st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	if (check_schema(st))
		goto fail;
	if (exec(st, st->tmp ? "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF"
			     : "PRAGMA synchronous = NORMAL"))
		goto fail;
	if (!st->tmp && !st->created)
		drop_stale_journal(st);
	return st;
fail:
	if (err)
		*err = st->err ? strdup(st->err) : strdup("out of memory");
	ol_store_close(st);
	return NULL;
}

struct ol_store *ol_store_open(const char *path, char **err)
{
	return store_open(path, false, err);
}

struct ol_store *ol_store_open_bulk(const char *path, char **err)
{
	return store_open(path, true, err);
}

void *ol_store_db(struct ol_store *st)
{
	/* the caller reads the events: the pending ones first (an error
	 * shows again at the source's end) */
	if (flush_events(st))
		st->broken = true;
	return st->db;
}

const char *ol_store_tmp_path(struct ol_store *st)
{
	return st->tmp;
}

static int prepare_all(struct ol_store *st)
{
	int i;

	for (i = 0; i < ST_NR; i++) {
		if (st->st[i])
			continue;
		if (sqlite3_prepare_v3(st->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &st->st[i], NULL) != SQLITE_OK)
			return set_err(st, "'%s': %s", st->path, sqlite3_errmsg(st->db));
	}
	return 0;
}

static int step(struct ol_store *st, sqlite3_stmt *s)
{
	int rc;

	if (wsync(st)) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return -1;
	}
	rc = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return set_err(st, "'%s': %s", st->path, sqlite3_errmsg(st->db));
	return 0;
}

/*
 * Forget what was interned and seen: at the start of a source (the ids
 * may belong to a rolled-back one, the addresses to freed memory).
 */
static void reset_caches(struct ol_store *st)
{
	if (st->evw)
		ol_evw_discard(st->evw);
	st->broken = false;
	ol_intern_clear(&st->strs);
	ol_intern_clear(&st->names);
	memset(st->name_cache, 0, sizeof(st->name_cache));
	memset(st->comm_cache, 0, sizeof(st->comm_cache));
	if (st->pids)
		memset(st->pids, 0, (size_t)st->npids * sizeof(*st->pids));
	st->nnew = 0;
}

/* Do the rows of more than one source share the database? */
static bool multi_source(struct ol_store *st)
{
	sqlite3_stmt *s = NULL;
	bool multi = false;

	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM sources WHERE events > 0",
			       -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		multi = sqlite3_column_int(s, 0) > 1;
	sqlite3_finalize(s);
	return multi;
}

/* Undo the current source only (inside ol_store_begin(): to its savepoint). */
static void rollback_source(struct ol_store *st)
{
	reset_caches(st);
	if (sqlite3_get_autocommit(st->db))
		return;
	if (st->outer)
		sqlite3_exec(st->db, "ROLLBACK TO source; RELEASE source", NULL, NULL, NULL);
	else
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Which file this is, whatever name it was given: device, inode, size, mtime. */
static bool file_id(const char *path, char *buf, size_t len)
{
	struct stat sb;

	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return false;
	snprintf(buf, len, "%llu:%llu:%lld:%lld.%09ld", (unsigned long long)sb.st_dev,
		 (unsigned long long)sb.st_ino, (long long)sb.st_size,
		 (long long)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec);
	return true;
}

/* Importing the same file twice would double every event: refuse. */
static bool already_imported(struct ol_store *st, const char *path, const char *fid)
{
	sqlite3_stmt *s = NULL;
	bool dup = false;

	if (sqlite3_prepare_v2(st->db, "SELECT id FROM sources WHERE file_id = ?1", -1, &s,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, fid, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW) {
			dup = true;
			set_err(st, "'%s': already imported into '%s' (source %d)", path,
				st->path, sqlite3_column_int(s, 0));
		}
	}
	sqlite3_finalize(s);
	return dup;
}

int ol_store_begin(struct ol_store *st)
{
	if (st->outer || st->source)
		return set_err(st, "'%s': a transaction is already open", st->path);
	if (exec(st, "BEGIN IMMEDIATE"))
		return -1;
	st->outer = true;
	return 0;
}

int ol_store_commit(struct ol_store *st, bool ok)
{
	int ret = 0;

	if (!st->outer)
		return set_err(st, "'%s': no transaction is open", st->path);
	if (st->source)
		ol_store_end_source(st, false), ok = false;
	st->outer = false;
	if (ok && exec(st, "COMMIT"))
		ok = false;
	if (ok && st->released)
		st->committed = true;
	st->released = false;
	if (!ok) {
		if (!sqlite3_get_autocommit(st->db))
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		ret = -1;
	}
	return ret;
}

char *ol_store_get_meta(struct ol_store *st, const char *key)
{
	sqlite3_stmt *s = NULL;
	char *v = NULL;

	if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = ?1", -1, &s,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
			v = strdup((const char *)sqlite3_column_text(s, 0));
	}
	sqlite3_finalize(s);
	return v;
}

int ol_store_create_schema(struct ol_store *st)
{
	char v[16];

	snprintf(v, sizeof(v), "%d", OL_SCHEMA_VERSION);
	if (exec(st, "BEGIN IMMEDIATE") || exec(st, ol_schema_sql) ||
	    exec(st, "PRAGMA user_version = " OL_STR(OL_SCHEMA_VERSION)) || prepare_all(st) ||
	    ol_store_set_meta(st, "schema_version", v) ||
	    ol_store_set_meta(st, "tool_version", OL_VERSION) || exec(st, "COMMIT")) {
		if (!sqlite3_get_autocommit(st->db))
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

int ol_store_begin_source(struct ol_store *st, const char *path, const char *kind)
{
	sqlite3_stmt *s = NULL;
	char when[32], fid[96] = "";
	time_t now = time(NULL);
	int id = -1;

	if (st->source)
		return set_err(st, "'%s': a source is already open", st->path);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	reset_caches(st);
	if (exec(st, st->outer ? "SAVEPOINT source" : "BEGIN IMMEDIATE") ||
	    exec(st, ol_schema_sql))
		goto fail;
	if (exec(st, "PRAGMA user_version = " OL_STR(OL_SCHEMA_VERSION)) || prepare_all(st))
		goto fail;
	if (!st->evw) {
		char *e = NULL;

		if (!(st->evw = ol_evw_new(st->db, &e))) {
			set_err(st, "'%s': %s", st->path, e ? e : "out of memory");
			free(e);
			goto fail;
		}
	}
	if (file_id(path, fid, sizeof(fid)) && already_imported(st, path, fid))
		goto fail;
	if (sqlite3_prepare_v2(st->db, "INSERT INTO sources(path, kind, imported, file_id)"
			       " VALUES (?1, ?2, ?3, ?4)", -1, &s, NULL) != SQLITE_OK) {
		set_err(st, "'%s': %s", st->path, sqlite3_errmsg(st->db));
		goto fail;
	}
	sqlite3_bind_text(s, 1, path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, when, -1, SQLITE_TRANSIENT);
	if (fid[0])
		sqlite3_bind_text(s, 4, fid, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) != SQLITE_DONE) {
		set_err(st, "'%s': %s", st->path, sqlite3_errmsg(st->db));
		goto fail;
	}
	sqlite3_finalize(s);
	s = NULL;
	id = (int)sqlite3_last_insert_rowid(st->db);
	st->source = id;
	st->nevents = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT coalesce(max(id), 0) + 1 FROM ev", -1, &s,
			       NULL) != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW) {
		set_err(st, "'%s': %s", st->path, sqlite3_errmsg(st->db));
		goto fail;
	}
	st->next_id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	s = NULL;
	{
		char v[16];

		snprintf(v, sizeof(v), "%d", OL_SCHEMA_VERSION);
		if (ol_store_set_meta(st, "schema_version", v) ||
		    ol_store_set_meta(st, "tool_version", OL_VERSION))
			goto fail;
	}
	return id;
fail:
	sqlite3_finalize(s);
	rollback_source(st);
	st->source = 0;
	return -1;
}

/*
 * The assumed tasks of the source's rows not written yet (see struct
 * pidinfo): the pids first seen since the last call, so that a long
 * recording's checkpoints stay linear.  In pid order, as schema 1's
 * UNION wrote them.
 */
static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int write_assumed_tasks(struct ol_store *st)
{
	sqlite3_stmt *s = st->st[ST_TASK_ASSUMED];
	size_t i;

	if (st->nnew)
		qsort(st->newpids, st->nnew, sizeof(*st->newpids), cmp_int);
	for (i = 0; i < st->nnew; i++) {
		int pid = st->newpids[i];
		struct pidinfo *p = &st->pids[pid];

		if (p->flags & PT_WRITTEN)
			continue;
		sqlite3_bind_int(s, 1, pid);
		if (p->flags & PT_NOCOMM)
			sqlite3_bind_null(s, 2);
		else
			sqlite3_bind_text(s, 2, p->comm, -1, SQLITE_STATIC);
		if (step(st, s))
			return -1;
		p->flags |= PT_WRITTEN;
	}
	st->nnew = 0;
	return 0;
}

/*
 * Facts computed once per source at commit: the tasks its rows name that
 * were never seen created, the source's event count, the lost-event
 * totals per CPU, and the indexes.
 */
static int finish_source(struct ol_store *st)
{
	char sql[1024];

	if (st->broken || flush_events(st) || write_assumed_tasks(st))
		return -1;
	snprintf(sql, sizeof(sql),
		 "UPDATE sources SET events = %lld WHERE id = %d;"
		 /* a gap of unknown size (-1) counts as one lost event */
		 "WITH RECURSIVE c(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM c"
		 " WHERE n + 1 < coalesce((SELECT CAST(value AS INTEGER) FROM meta"
		 " WHERE key = 'cpus'), 0))"
		 " INSERT OR REPLACE INTO meta(key, value) SELECT 'lost.cpu' || n,"
		 " (SELECT coalesce(sum(max(lost, 1)), 0) FROM gaps WHERE cpu = n) FROM c;"
		 "INSERT OR REPLACE INTO meta(key, value)"
		 " SELECT 'lost.total', coalesce(sum(max(lost, 1)), 0) FROM gaps;",
		 st->nevents, st->source);
	if (exec(st, sql) || exec(st, ol_index_sql))
		return -1;
	return st->source > 1 && multi_source(st) ? exec(st, ol_index_multi_sql) : 0;
}

int ol_store_end_source(struct ol_store *st, bool ok)
{
	int ret = 0;

	if (!st->source)
		return set_err(st, "'%s': no source is open", st->path);
	if (ok && (finish_source(st) ||
		   exec(st, st->outer ? "RELEASE source" : "COMMIT")))
		ok = false;
	if (ok && st->outer)
		st->released = true;
	else if (ok)
		st->committed = true;
	if (!ok) {
		rollback_source(st);
		ret = -1;
	}
	st->source = 0;
	return ret;
}

int ol_store_checkpoint(struct ol_store *st)
{
	if (!st->source || st->outer)
		return set_err(st, "'%s': no recording source to checkpoint", st->path);
	if (finish_source(st) || exec(st, "COMMIT; BEGIN IMMEDIATE"))
		return -1;
	return 0;
}

/* strings.id of @text, added when new: > 0, or -1. */
static int string_id(struct ol_store *st, const char *text, const struct ol_intern_slot **slot)
{
	const struct ol_intern_slot *e = ol_intern_get(&st->strs, text);
	sqlite3_stmt *s;
	int id = 0;

	if (!e) {
		if (wsync(st))
			return -1;
		s = st->st[ST_STR_GET];
		sqlite3_bind_text(s, 1, text, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW)
			id = sqlite3_column_int(s, 0);
		if (step(st, s))
			return -1;
		if (!id) {
			s = st->st[ST_STR_ADD];
			sqlite3_bind_text(s, 1, text, -1, SQLITE_STATIC);
			if (step(st, s))
				return -1;
			id = (int)sqlite3_last_insert_rowid(st->db);
		}
		if (!(e = ol_intern_put(&st->strs, text, id)))
			return set_err(st, "out of memory");
	}
	if (slot)
		*slot = e;
	return e->id;
}

/* The interned comm @p (a cache by address first): its id and text, or NULL. */
static const struct ol_intern_slot *comm_slot(struct ol_store *st, const char *p)
{
	size_t h = ADDR_HASH(p, COMM_BITS);
	const struct ol_intern_slot *e;

	if (st->comm_cache[h].p == p && !strcmp(st->comm_cache[h].e.text, p))
		return &st->comm_cache[h].e;
	if (string_id(st, p, &e) < 0)
		return NULL;
	st->comm_cache[h].p = p;
	st->comm_cache[h].e = *e;
	return &st->comm_cache[h].e;
}

/* names.id of @name with @layout (NULL: JSON fields), added when new. */
static int name_id(struct ol_store *st, const char *name, const char *const *layout)
{
	size_t h = ADDR_HASH((uintptr_t)name ^ ((uintptr_t)layout << 7), NAME_BITS);
	const struct ol_intern_slot *e;
	struct ol_buf key = { 0 };
	sqlite3_stmt *s;
	int i, id = 0;

	/* by address, then by text: ftrace-text rewrites its name in place */
	if (st->name_cache[h].name == name && st->name_cache[h].layout == layout &&
	    st->name_cache[h].text) {
		const char *t = st->name_cache[h].text;
		size_t n = strlen(name);

		if (!strncmp(t, name, n) && (!t[n] || t[n] == '\n'))
			return st->name_cache[h].id;
	}
	ol_buf_puts(&key, name);
	for (i = 0; layout && i < OL_EVENT_COLS && layout[i]; i++) {
		ol_buf_add(&key, "\n", 1);
		ol_buf_puts(&key, layout[i]);
	}
	if (key.oom) {
		ol_buf_free(&key);
		return set_err(st, "out of memory");
	}
	if (!(e = ol_intern_get(&st->names, key.s))) {
		if (wsync(st)) {
			ol_buf_free(&key);
			return -1;
		}
		for (i = 0; i < 2 && !id; i++) {
			int j;

			s = st->st[i ? ST_NAME_ADD : ST_NAME_GET];
			sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
			for (j = 0; j < OL_EVENT_COLS; j++)
				if (layout && layout[j] && (j == 0 || layout[j - 1]))
					sqlite3_bind_text(s, 2 + j, layout[j], -1, SQLITE_STATIC);
				else
					sqlite3_bind_null(s, 2 + j);
			if (!i && sqlite3_step(s) == SQLITE_ROW)
				id = sqlite3_column_int(s, 0);
			if (step(st, s)) {
				ol_buf_free(&key);
				return -1;
			}
			if (i)
				id = (int)sqlite3_last_insert_rowid(st->db);
		}
		e = ol_intern_put(&st->names, key.s, id);
	}
	ol_buf_free(&key);
	if (!e)
		return set_err(st, "out of memory");
	st->name_cache[h].name = name;
	st->name_cache[h].layout = layout;
	st->name_cache[h].text = e->text;
	st->name_cache[h].id = e->id;
	return e->id;
}

/* What row @pid ran (@comm, NULL unknown) or was the target of (@target) says. */
static int note_pid(struct ol_store *st, int pid, const char *comm, bool target)
{
	struct pidinfo *p;

	if (pid <= 0 || pid > MAX_PID)
		return 0;
	if (pid >= st->npids) {
		int n = st->npids ? st->npids : 4096;
		struct pidinfo *t;

		while (n <= pid)
			n *= 2;
		if (!(t = realloc(st->pids, (size_t)n * sizeof(*t))))
			return set_err(st, "out of memory");
		memset(t + st->npids, 0, (size_t)(n - st->npids) * sizeof(*t));
		st->pids = t;
		st->npids = n;
	}
	p = &st->pids[pid];
	if (!p->flags) {
		if (st->nnew == st->newcap) {
			size_t cap = st->newcap ? 2 * st->newcap : 1024;
			int *t = realloc(st->newpids, cap * sizeof(*t));

			if (!t)
				return set_err(st, "out of memory");
			st->newpids = t;
			st->newcap = cap;
		}
		st->newpids[st->nnew++] = pid;
	}
	if (target || !comm)
		p->flags |= PT_NOCOMM;
	else if (!(p->flags & PT_COMM) || (p->comm != comm && strcmp(comm, p->comm) < 0)) {
		p->comm = comm;
		p->flags |= PT_COMM;
	}
	return 0;
}

/* The pending event rows into ev: 0, or -1. */
static int flush_events(struct ol_store *st)
{
	char *e = NULL;

	if (!st->evw || !ol_evw_flush(st->evw, &e))
		return 0;
	set_err(st, "'%s': %s", st->path, e);
	free(e);
	return -1;
}

int ol_store_add_event(struct ol_store *st, const struct ol_event *ev)
{
	const struct ol_intern_slot *comm = NULL;
	struct ol_pendrow *r;
	char *err = NULL;
	int i, name;

	if (ev->comm && !(comm = comm_slot(st, ev->comm)))
		return -1;
	if ((name = name_id(st, ev->name, ev->fields ? NULL : ev->layout)) < 0)
		return -1;
	if (st->broken)
		return -1;
	if (!(r = ol_evw_row(st->evw, &err))) {
		set_err(st, "'%s': %s", st->path, err);
		free(err);
		return -1;
	}
	r->id = st->next_id++;
	r->source = st->source;
	r->ts = ev->ts_ns;
	r->cpu = ev->cpu;
	r->pid = ev->pid;
	r->comm = comm ? comm->id : 0;
	r->name = name;
	r->target = ev->target;
	r->nulls = 0;
	for (i = 0; i < OL_EVENT_COLS; i++) {
		if (ev->fields || !ev->layout || !ev->layout[i] || (i && !ev->layout[i - 1])) {
			r->nulls |= 1u << i;
		} else if (ev->layout[i][0] == 's') {
			int id = string_id(st, ev->str[i], NULL);

			if (id < 0)
				return -1;
			r->v[i] = id;
		} else {
			r->v[i] = ev->val[i];
		}
	}
	if (ev->fields && ol_evw_text(st->evw, r, ev->fields))
		return set_err(st, "out of memory");
	if (note_pid(st, ev->pid, comm ? comm->text : NULL, false) ||
	    (ev->target > 0 && note_pid(st, ev->target, NULL, true)))
		return -1;
	st->nevents++;
	return 0;
}

void ol_store_skip_events(struct ol_store *st, long long n)
{
	st->next_id += n;
}

int ol_store_add_task(struct ol_store *st, int pid, int tgid, const char *comm,
		      const char *how)
{
	sqlite3_stmt *s = st->st[ST_TASK];

	if (pid <= 0)
		return 0;	/* the idle task is nobody's thread */
	sqlite3_bind_int(s, 1, pid);
	sqlite3_bind_int(s, 2, tgid > 0 ? tgid : pid);
	if (comm)
		sqlite3_bind_text(s, 3, comm, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, how, -1, SQLITE_STATIC);
	return step(st, s);
}

int ol_store_set_meta(struct ol_store *st, const char *key, const char *value)
{
	sqlite3_stmt *s = st->st[ST_META];

	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value ? value : "", -1, SQLITE_STATIC);
	return step(st, s);
}

int ol_store_set_meta_default(struct ol_store *st, const char *key, const char *value)
{
	sqlite3_stmt *s = st->st[ST_META_DEFAULT];

	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value ? value : "", -1, SQLITE_STATIC);
	return step(st, s);
}

int ol_store_add_format(struct ol_store *st, const char *system,
			const char *event, int id, const char *format)
{
	sqlite3_stmt *s = st->st[ST_FORMAT];

	sqlite3_bind_int(s, 1, st->source);
	sqlite3_bind_text(s, 2, system, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, event, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, id);
	sqlite3_bind_text(s, 5, format, -1, SQLITE_STATIC);
	return step(st, s);
}

int ol_store_add_gap(struct ol_store *st, int cpu, int64_t prev_ns,
		     int64_t ts_ns, long long count)
{
	sqlite3_stmt *s = st->st[ST_GAP];

	sqlite3_bind_int(s, 1, st->source);
	sqlite3_bind_int(s, 2, cpu);
	sqlite3_bind_int64(s, 3, prev_ns);
	sqlite3_bind_int64(s, 4, ts_ns);
	sqlite3_bind_int64(s, 5, count);
	return step(st, s);
}

/* Did any source ever commit into this database? */
static bool store_has_sources(struct ol_store *st)
{
	sqlite3_stmt *s = NULL;
	bool any = false;

	if (sqlite3_prepare_v2(st->db, "SELECT 1 FROM sources LIMIT 1", -1, &s, NULL) == SQLITE_OK)
		any = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return any;
}

/* Bulk mode: make the finished file durable, then give it its name. */
static void store_publish(struct ol_store *st)
{
	int fd = open(st->tmp, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	/* link() does not replace a file that appeared meanwhile */
	if (link(st->tmp, st->path) == 0)
		unlink(st->tmp);
	else
		rename(st->tmp, st->path);
	/* the new name is durable only once its directory is */
	{
		char *dir = strdup(st->path), *slash = dir ? strrchr(dir, '/') : NULL;

		if (slash)
			slash[slash == dir] = '\0';
		fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
		free(dir);
	}
}

void ol_store_close(struct ol_store *st)
{
	int i;
	bool keep;

	if (!st)
		return;
	if (st->source)
		ol_store_end_source(st, false);
	if (st->outer)
		ol_store_commit(st, false);
	for (i = 0; i < ST_NR; i++)
		sqlite3_finalize(st->st[i]);
	reset_caches(st);
	ol_evw_free(st->evw);
	free(st->pids);
	free(st->newpids);
	/*
	 * A file we created and never committed a source to goes away.  What
	 * we committed ourselves is known without asking SQLite (which may
	 * fail to answer, e.g. out of memory, and must not cost a database).
	 */
	keep = !st->created || st->committed || (st->db && store_has_sources(st));
	sqlite3_close(st->db);
	if (!keep)
		unlink(st->tmp ? st->tmp : st->path);
	else if (st->tmp)
		store_publish(st);
	free(st->path);
	free(st->tmp);
	free(st->err);
	free(st);
}

void *ol_db_open_readonly(const char *path, char **err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int version = -1;

	if (access(path, R_OK) != 0) {
		*err = ol_strdupf("'%s': %s", path, strerror(errno));
		return NULL;
	}
	/* one thread per handle: no mutexes; mapped pages (ol_db_harden) */
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK)
		goto bad;
	if (ol_db_harden(db, false) || ol_db_check(db, path, err)) {
		if (!*err)
			*err = ol_strdupf("'%s': cannot configure the database connection", path);
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_exec(db, "PRAGMA cache_size = -65536", NULL, NULL, NULL);
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema_version'",
			       -1, &s, NULL) != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW)
		goto bad;
	version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (version > OL_SCHEMA_VERSION) {
		*err = ol_strdupf("'%s': database schema version %d is newer than this "
				  "oomlens understands (%d)", path, version, OL_SCHEMA_VERSION);
		sqlite3_close(db);
		return NULL;
	}
	return db;
bad:
	*err = ol_strdupf("'%s': not an oomlens database", path);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return NULL;
}
