// SPDX-License-Identifier: GPL-2.0
/*
 * `oomlens merge`: the analyses of several hosts' (or boots') databases
 * in one database, for reports over a fleet.
 *
 * What is merged is each input's analysis (victims, episodes, verdicts,
 * timelines, curves, reaper runs, OOM task tables) with its sources,
 * formats and gaps, not the raw events: times of two hosts (or two boots)
 * are on different clocks and their pids collide, so an analysis across
 * them would be wrong.  Every input becomes one row of `origins` (host,
 * boot id, kernel release, clock, uname, the input's path, and the id
 * ranges its sources, victims and episodes took): ids are shifted so that
 * each table's ids stay 0..n-1 in input order, one range per input.  A merged database takes no
 * new events (the store refuses it) and is not analyzed again.
 *
 * The same recording given twice is refused: an input's sources (path,
 * kind, event count, import time) must not already be in the output
 * under the same host.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/collect.h"
#include "analyze/analyze-local.h"

/*
 * Only merge creates it (README.md "oomlens merge"); every input's rows
 * are one id range per table, so an origin is its ranges: victims
 * first_victim .. first_victim + victims - 1, and so on.  Part of the
 * reference schema that collect/dbopen.c checks files against.
 */
const char ol_merge_ddl[] =
	"CREATE TABLE origins(id INTEGER PRIMARY KEY, host TEXT NOT NULL,"
	" boot_id TEXT, kernel_release TEXT, clock TEXT, uname TEXT,"
	" db_path TEXT NOT NULL, first_source INTEGER, sources INTEGER,"
	" first_victim INTEGER, victims INTEGER, first_episode INTEGER, episodes INTEGER,"
	" lost_total INTEGER, evidence TEXT, era TEXT)";

/* Tables copied from every input, in an order that keeps references valid. */
static const char *const copied[] = {
	"sources", "formats", "gaps", "episodes", "victims", "reaper_runs",
	"verdicts", "timeline", "rss_curve", "oom_tasks", "oom_memory",
};

/* Columns holding an id that moves: v victims.id, e episodes.id, s sources.id */
static const struct { const char *table, *col; char kind; } moved[] = {
	{ "sources", "id", 's' }, { "formats", "source_id", 's' },
	{ "gaps", "source_id", 's' },
	{ "episodes", "id", 'e' }, { "episodes", "first_victim", 'v' },
	{ "victims", "id", 'v' }, { "victims", "episode", 'e' },
	{ "victims", "grp", 'v' },
	{ "reaper_runs", "victim", 'v' }, { "verdicts", "victim", 'v' },
	{ "verdicts", "other", 'v' }, { "timeline", "victim", 'v' },
	{ "rss_curve", "victim", 'v' }, { "oom_tasks", "victim", 'v' },
	{ "oom_memory", "victim", 'v' },
};

static char kind_of(const char *table, const char *col)
{
	size_t i;

	for (i = 0; i < sizeof(moved) / sizeof(moved[0]); i++)
		if (!strcmp(moved[i].table, table) && !strcmp(moved[i].col, col))
			return moved[i].kind;
	return 0;
}

static int exec(sqlite3 *db, const char *sql, char **err)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	*err = ol_fmt("%s", sqlite3_errmsg(db));
	return -1;
}

/* One integer (or @dflt for NULL / no row) from @sql with text ?1. */
static long long one(sqlite3 *db, const char *sql, const char *p1, long long dflt)
{
	sqlite3_stmt *s = NULL;
	long long v = dflt;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (p1)
			sqlite3_bind_text(s, 1, p1, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
			v = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	return v;
}

static bool has_column(sqlite3 *db, const char *schema, const char *table, const char *col)
{
	char *sql = ol_fmt("SELECT count(*) FROM pragma_table_info(?1, '%s') WHERE name = '%s'",
			   schema, col);
	bool r = sql && one(db, sql, table, 0) > 0;

	free(sql);
	return r;
}

/*
 * INSERT INTO main.T (the output's columns) SELECT them from src.T,
 * ids shifted; a column the input lacks is NULL.
 * A negative or NULL reference (no related victim) stays as it is.
 */
static int copy_table(sqlite3 *db, const char *t, long long off[128], char **err)
{
	sqlite3_stmt *s = NULL;
	char *cols = ol_xstrdup(""), *sel = ol_xstrdup(""), *sql = NULL, *n;
	int rc = -1;

	if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1, 'main')", -1, &s,
			       NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(s, 1, t, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(s, 0);
		char k = kind_of(t, c);
		char *x;

		if (!has_column(db, "src", t, c))
			x = ol_xstrdup("NULL");
		else if (k)
			x = ol_fmt("CASE WHEN \"%s\" < 0 THEN \"%s\" ELSE \"%s\" + %lld END",
				   c, c, c, off[(int)k]);
		else
			x = ol_fmt("\"%s\"", c);
		n = ol_fmt("%s%s\"%s\"", cols, *cols ? ", " : "", c);
		free(cols);
		cols = n;
		n = ol_fmt("%s%s%s", sel, *sel ? ", " : "", x);
		free(sel);
		sel = n;
		free(x);
	}
	sql = ol_fmt("INSERT INTO main.\"%s\" (%s) SELECT %s FROM src.\"%s\"", t, cols, sel, t);
	rc = exec(db, sql, err);
out:
	if (rc && !*err)
		*err = ol_fmt("%s", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	free(cols);
	free(sel);
	free(sql);
	return rc;
}

/* The shift that puts src.T's ids right after main.T's. */
static long long shift(sqlite3 *db, const char *t)
{
	char *sql = ol_fmt("SELECT (SELECT max(id) FROM main.\"%s\") + 1 - "
			   "(SELECT min(id) FROM src.\"%s\")", t, t);
	long long v = one(db, sql, NULL, 0);

	free(sql);
	return v;
}

/* The input's meta value for @key, or NULL (malloc()ed). */
static char *src_meta(sqlite3 *db, const char *table, const char *key)
{
	sqlite3_stmt *s = NULL;
	char *sql = ol_fmt("SELECT value FROM src.%s WHERE key = ?1", table), *v = NULL;

	if (sql && sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
			v = ol_xstrdup((const char *)sqlite3_column_text(s, 0));
	}
	sqlite3_finalize(s);
	free(sql);
	return v;
}

/* Attach @path, check it, add its origin row and copy its tables. */
static int merge_one(sqlite3 *db, const char *path, long long origin, char **err)
{
	static const char *const keys[] = { "hostname", "boot_id", "kernel_release",
					    "clock", "uname" };
	char *v[5] = { NULL }, *ev = NULL, *era = NULL, *dup = NULL, *lost = NULL;
	long long off[128] = { 0 };
	sqlite3_stmt *s = NULL;
	bool attached = false;
	sqlite3 *in;
	size_t i;
	int rc = -1;

	/* refused when it is not an oomlens database (or newer) */
	in = ol_db_open_readonly(path, err);
	if (!in)
		return -1;
	sqlite3_close(in);
	if (sqlite3_prepare_v2(db, "ATTACH DATABASE ?1 AS src", -1, &s, NULL) != SQLITE_OK)
		goto sqlerr;
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto sqlerr;
	attached = true;
	sqlite3_finalize(s);
	s = NULL;
	/* one transaction per input (DETACH is not allowed inside one); the
	 * output appears only when all are in, so it is all or nothing anyway */
	if (exec(db, "BEGIN", err))
		goto out;
	if (one(db, "SELECT value FROM src.meta WHERE key = 'schema_version'", NULL, -1) !=
	    OL_SCHEMA_VERSION) {
		*err = ol_fmt("'%s': database schema %lld, this oomlens writes %d: import its "
			      "files again", path,
			      one(db, "SELECT value FROM src.meta WHERE key = 'schema_version'",
				  NULL, -1), OL_SCHEMA_VERSION);
		goto out;
	}
	if (one(db, "SELECT count(*) FROM src.sqlite_master WHERE name = 'origins'", NULL, 0)) {
		*err = ol_fmt("'%s': a merged database; merge its inputs instead", path);
		goto out;
	}
	era = src_meta(db, "analysis_meta", "analysis_version");
	if (!era || strcmp(era, OL_ANALYSIS_VERSION)) {
		*err = ol_fmt("'%s': no analysis of this oomlens version; run 'oomlens analyze %s'",
			      path, path);
		goto out;
	}
	free(era);
	for (i = 0; i < 5; i++)
		v[i] = src_meta(db, "meta", keys[i]);
	ev = src_meta(db, "analysis_meta", "evidence");
	era = src_meta(db, "analysis_meta", "era");
	lost = src_meta(db, "meta", "lost.total");
	/* the same recording twice: one of its sources already in, same host */
	if (sqlite3_prepare_v2(db, "SELECT o.db_path FROM main.sources m JOIN main.origins o"
			       " ON m.id BETWEEN o.first_source AND o.first_source + o.sources - 1"
			       " JOIN src.sources s ON s.path = m.path"
			       " AND s.kind = m.kind AND s.events = m.events"
			       " AND s.imported = m.imported WHERE o.host = ?1 LIMIT 1",
			       -1, &s, NULL) != SQLITE_OK)
		goto sqlerr;
	sqlite3_bind_text(s, 1, v[0] ? v[0] : "", -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		dup = ol_xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	s = NULL;
	if (dup) {
		*err = ol_fmt("'%s': already merged (the same recording as '%s')", path, dup);
		goto out;
	}
	off['v'] = shift(db, "victims");
	off['e'] = shift(db, "episodes");
	off['s'] = shift(db, "sources");
	if (sqlite3_prepare_v2(db, "INSERT INTO origins(id, host, boot_id, kernel_release, clock,"
			       " uname, db_path, first_source, sources, first_victim, victims,"
			       " first_episode, episodes, lost_total, evidence, era)"
			       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
			       " ?11 + (SELECT min(id) FROM src.sources), (SELECT count(*) FROM src.sources),"
			       " ?12 + (SELECT min(id) FROM src.victims), (SELECT count(*) FROM src.victims),"
			       " ?13 + (SELECT min(id) FROM src.episodes), (SELECT count(*) FROM src.episodes),"
			       " ?8, ?9, ?10)", -1, &s, NULL) != SQLITE_OK)
		goto sqlerr;
	sqlite3_bind_int64(s, 1, origin);
	sqlite3_bind_text(s, 2, v[0] && *v[0] ? v[0] : "unknown", -1, SQLITE_STATIC);
	for (i = 1; i < 5; i++)
		sqlite3_bind_text(s, (int)i + 2, v[i], -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, path, -1, SQLITE_STATIC);
	if (lost && *lost)
		sqlite3_bind_int64(s, 8, atoll(lost));
	sqlite3_bind_text(s, 9, ev, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 10, era, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 11, off['s']);
	sqlite3_bind_int64(s, 12, off['v']);
	sqlite3_bind_int64(s, 13, off['e']);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto sqlerr;
	for (i = 0; i < sizeof(copied) / sizeof(copied[0]); i++)
		if (copy_table(db, copied[i], off, err)) {
			char *e = ol_fmt("'%s': %s", path, *err);

			free(*err);
			*err = e;
			goto out;
		}
	if (exec(db, "COMMIT", err))
		goto out;
	rc = 0;
	goto out;
sqlerr:
	*err = ol_fmt("'%s': %s", path, sqlite3_errmsg(db));
out:
	sqlite3_finalize(s);
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	if (attached)
		sqlite3_exec(db, "DETACH DATABASE src", NULL, NULL, NULL);
	for (i = 0; i < 5; i++)
		free(v[i]);
	free(ev);
	free(era);
	free(dup);
	free(lost);
	return rc;
}

/* The merged database's own meta and analysis_meta, from its origins. */
static const char summary_sql[] =
	"INSERT OR REPLACE INTO meta(key, value) VALUES"
	" ('merged', (SELECT count(*) FROM origins)),"
	" ('hostname', (SELECT group_concat(host, ', ') FROM"
	"   (SELECT host FROM origins GROUP BY host ORDER BY min(id)))),"
	" ('kernel_release', (SELECT group_concat(k, ', ') FROM"
	"   (SELECT kernel_release AS k FROM origins WHERE k IS NOT NULL GROUP BY k ORDER BY min(id)))),"
	" ('clock', (SELECT group_concat(c, ', ') FROM"
	"   (SELECT clock AS c FROM origins WHERE c IS NOT NULL GROUP BY c ORDER BY min(id))))"
	";"
	"INSERT OR REPLACE INTO meta(key, value) SELECT 'lost.total', sum(lost_total)"
	" FROM origins HAVING count(lost_total) = count(*);"
	"INSERT OR REPLACE INTO analysis_meta(key, value) VALUES"
	" ('victims', (SELECT count(*) FROM victims)),"
	" ('evidence', (SELECT CASE WHEN count(DISTINCT evidence) = 1 THEN max(evidence)"
	"   ELSE 'mixed' END FROM origins)),"
	" ('era', (SELECT group_concat(e, '; ') FROM"
	"   (SELECT era AS e FROM origins WHERE e IS NOT NULL GROUP BY e ORDER BY min(id))))"
	";"
	/* the clocks differ: no recording span across origins */
	"DELETE FROM analysis_meta WHERE key IN ('first_ns', 'last_ns')"
	" AND (SELECT count(*) FROM origins) > 1;";

int ol_merge(const char *out, const char *const *inputs, size_t n, char **err)
{
	struct ol_store *st = NULL;
	sqlite3 *db = NULL;
	char *tmp = NULL;
	size_t i;
	int fd, rc = -1;

	*err = NULL;
	if (access(out, F_OK) == 0) {
		*err = ol_fmt("'%s': exists; merge writes a new database", out);
		return -1;
	}
	tmp = ol_fmt("%s.tmpXXXXXX", out);
	fd = tmp ? mkstemp(tmp) : -1;
	if (fd < 0) {
		*err = ol_fmt("'%s': cannot create: %s", out, strerror(errno));
		free(tmp);
		return -1;
	}
	close(fd);
	/* the store makes the schema; the analysis (empty) its tables */
	st = ol_store_open(tmp, err);
	if (!st)
		goto out;
	if (ol_store_create_schema(st)) {
		*err = ol_fmt("'%s': %s", out, ol_store_errmsg(st));
		ol_store_close(st);
		goto out;
	}
	ol_store_close(st);
	/* hardened as every connection: the inputs attached to it are untrusted */
	if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    ol_db_harden(db, true)) {
		*err = ol_fmt("'%s': %s", out, sqlite3_errmsg(db));
		goto out;
	}
	if (ol_analyze_handle(db, err) || exec(db, ol_merge_ddl, err))
		goto out;
	for (i = 0; i < n; i++)
		if (merge_one(db, inputs[i], (long long)i, err))
			goto out;
	if (exec(db, "BEGIN", err) || exec(db, summary_sql, err) || exec(db, "COMMIT", err))
		goto out;
	if (sqlite3_close(db) != SQLITE_OK) {
		*err = ol_fmt("'%s': %s", out, sqlite3_errmsg(db));
		db = NULL;
		goto out;
	}
	db = NULL;
	/* link(): never over a file that appeared meanwhile */
	if (link(tmp, out)) {
		*err = ol_fmt("'%s': cannot create: %s", out, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (db)
		sqlite3_close(db);
	if (tmp) {
		char *j = ol_fmt("%s-journal", tmp);

		unlink(tmp);
		if (j)
			unlink(j);
		free(j);
	}
	if (rc && *err && strncmp(*err, "'", 1)) {
		char *e = ol_fmt("'%s': %s", out, *err);

		free(*err);
		*err = e;
	}
	free(tmp);
	return rc;
}
