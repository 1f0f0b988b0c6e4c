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

enum { ST_EVENT, ST_TASK, ST_TASK_ASSUMED, ST_META, ST_META_DEFAULT, ST_FORMAT, ST_GAP, ST_NR };

static const char *const stmt_sql[ST_NR] = {
	[ST_EVENT] = "INSERT INTO events(source_id, ts_ns, cpu, pid, comm, name, target, fields)"
		     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	/* A real fact replaces an assumption; comm follows exec/rename. */
	[ST_TASK] = "INSERT INTO tasks(pid, tgid, comm, how) VALUES (?1, ?2, ?3, ?4)"
		    " ON CONFLICT(pid) DO UPDATE SET"
		    " tgid = CASE WHEN excluded.how = 'assumed' THEN tgid ELSE excluded.tgid END,"
		    " how = CASE WHEN excluded.how = 'assumed' THEN how ELSE excluded.how END,"
		    " comm = coalesce(excluded.comm, comm)",
	[ST_TASK_ASSUMED] = "INSERT OR IGNORE INTO tasks(pid, tgid, comm, how)"
			    " SELECT pid, pid, comm, 'assumed' FROM events"
			    " WHERE id > ?2 AND source_id = ?1 AND pid > 0"
			    " UNION SELECT target, target, NULL, 'assumed' FROM events"
			    " WHERE id > ?2 AND source_id = ?1 AND target > 0",
	[ST_META] = "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)",
	[ST_META_DEFAULT] = "INSERT OR IGNORE INTO meta(key, value) VALUES (?1, ?2)",
	[ST_FORMAT] = "INSERT OR REPLACE INTO formats(source_id, system, event, id, format)"
		      " VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_GAP] = "INSERT INTO gaps(source_id, cpu, prev_ns, ts_ns, lost) VALUES (?1, ?2, ?3, ?4, ?5)",
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
	int64_t		done_id;	/* events up to this id are finished */
	sqlite3_stmt	*st[ST_NR];
	char		*err;
};

static int set_err(struct ol_store *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

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

static int exec(struct ol_store *st, const char *sql)
{
	char *msg = NULL;

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
	char *msg = NULL;

	if (ol_db_harden(st->db, true))
		return set_err(st, "'%s': cannot configure the database connection: %s",
			       st->path, sqlite3_errmsg(st->db));
	if (ol_db_check(st->db, st->path, &msg)) {
		free(st->err);
		st->err = msg;
		return -1;
	}
	return 0;
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
	if (sqlite3_open_v2(file, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		set_err(st, "'%s': cannot open database: %s", path,
			st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	if (check_schema(st))
		goto fail;
	if (exec(st, st->tmp ? "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF"
			     : "PRAGMA synchronous = NORMAL"))
		goto fail;
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
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return set_err(st, "'%s': %s", st->path, sqlite3_errmsg(st->db));
	return 0;
}

/* Undo the current source only (inside ol_store_begin(): to its savepoint). */
static void rollback_source(struct ol_store *st)
{
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

int ol_store_begin_source(struct ol_store *st, const char *path, const char *kind)
{
	sqlite3_stmt *s = NULL;
	char when[32], fid[96] = "";
	time_t now = time(NULL);
	int id = -1;

	if (st->source)
		return set_err(st, "'%s': a source is already open", st->path);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	if (exec(st, st->outer ? "SAVEPOINT source" : "BEGIN IMMEDIATE") ||
	    exec(st, ol_schema_sql))
		goto fail;
	if (exec(st, "PRAGMA user_version = 1") || prepare_all(st))
		goto fail;
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
	st->done_id = 0;
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
 * Facts computed once per source at commit: the tgid of every event's
 * task (threads not seen forking are assumed to be their own process),
 * the source's event count, and the lost-event totals per CPU.  Only the
 * events since the last checkpoint (id > done_id) are looked at, so that a
 * long recording's checkpoints stay linear.
 */
static int finish_source(struct ol_store *st)
{
	char sql[1024];
	sqlite3_stmt *s = st->st[ST_TASK_ASSUMED];

	sqlite3_bind_int(s, 1, st->source);
	sqlite3_bind_int64(s, 2, st->done_id);
	if (step(st, s))
		return -1;
	snprintf(sql, sizeof(sql),
		 "UPDATE events SET tgid = coalesce((SELECT tgid FROM tasks t WHERE t.pid = events.pid), pid)"
		 " WHERE id > %lld AND source_id = %d AND tgid IS NULL;"
		 "UPDATE sources SET events = %lld WHERE id = %d;"
		 /* a gap of unknown size (-1) counts as one lost event */
		 "WITH RECURSIVE c(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM c"
		 " WHERE n + 1 < coalesce((SELECT CAST(value AS INTEGER) FROM meta"
		 " WHERE key = 'cpus'), 0))"
		 " INSERT OR REPLACE INTO meta(key, value) SELECT 'lost.cpu' || n,"
		 " (SELECT coalesce(sum(max(lost, 1)), 0) FROM gaps WHERE cpu = n) FROM c;"
		 "INSERT OR REPLACE INTO meta(key, value)"
		 " SELECT 'lost.total', coalesce(sum(max(lost, 1)), 0) FROM gaps;",
		 (long long)st->done_id, st->source, st->nevents, st->source);
	return exec(st, sql) || exec(st, ol_index_sql) ? -1 : 0;
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
	{
		sqlite3_stmt *s = NULL;

		if (sqlite3_prepare_v2(st->db, "SELECT max(id) FROM events", -1, &s,
				       NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
			st->done_id = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	return 0;
}

int ol_store_add_event(struct ol_store *st, const struct ol_event *ev)
{
	sqlite3_stmt *s = st->st[ST_EVENT];

	sqlite3_bind_int(s, 1, st->source);
	sqlite3_bind_int64(s, 2, ev->ts_ns);
	sqlite3_bind_int(s, 3, ev->cpu);
	sqlite3_bind_int(s, 4, ev->pid);
	if (ev->comm)
		sqlite3_bind_text(s, 5, ev->comm, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, ev->name, -1, SQLITE_STATIC);
	if (ev->target >= 0)
		sqlite3_bind_int(s, 7, ev->target);
	sqlite3_bind_text(s, 8, ev->fields, -1, SQLITE_STATIC);
	if (step(st, s))
		return -1;
	st->nevents++;
	return 0;
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
