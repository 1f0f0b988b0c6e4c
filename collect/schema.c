// SPDX-License-Identifier: GPL-2.0
/*
 * The database schema, all of its DDL in one place.  It is an interface:
 * README.md ("Database") documents every table and view, and users query
 * it with the sqlite3 shell, so change it only with a new
 * OL_SCHEMA_VERSION (and say in README what changed).
 *
 * Schema 2 stores an event as one narrow row of `ev` (see README, "Event
 * storage"): its name and comm are small integers into `names` and
 * `strings`, and an event of at most four numeric, pointer or plain-string
 * fields (mmap_lock, rss_stat, sched exit/free/fork, newtask, rename,
 * exit_mmap: nearly every row of a lock-heavy trace) keeps them in the
 * typed columns a..d, whose meaning `names.f1..f4` give ("p:mm": column a
 * holds the pointer field `mm`; types i integer, p pointer, s strings.id);
 * every other event keeps the JSON text of schema 1 in `fields`.  The
 * `events` view puts the schema-1 columns back together, fields JSON
 * included, for the sqlite3 shell; the analysis reads `ev` directly.
 */
#include "collect/collect-local.h"

/* One typed column's JSON key and value, for the events view. */
#define FKEY(f)		"substr(n." f ", 3)"
#define FVAL(c, f)	"CASE substr(n." f ", 1, 1) WHEN 'p' THEN printf('0x%x', e." c ")" \
			" WHEN 's' THEN (SELECT text FROM strings WHERE id = e." c ")" \
			" ELSE e." c " END"
#define F1		FKEY("f1") ", " FVAL("a", "f1")
#define F2		F1 ", " FKEY("f2") ", " FVAL("b", "f2")
#define F3		F2 ", " FKEY("f3") ", " FVAL("c", "f3")
#define F4		F3 ", " FKEY("f4") ", " FVAL("d", "f4")

const char ol_schema_sql[] =
"CREATE TABLE IF NOT EXISTS meta(\n"
"  key   TEXT PRIMARY KEY,\n"
"  value TEXT NOT NULL);\n"
"CREATE TABLE IF NOT EXISTS sources(\n"
"  id       INTEGER PRIMARY KEY,\n"
"  path     TEXT NOT NULL,\n"
"  kind     TEXT NOT NULL,\n"
"  events   INTEGER NOT NULL DEFAULT 0,\n"
"  imported TEXT NOT NULL,\n"
"  file_id  TEXT);\n"
"CREATE TABLE IF NOT EXISTS formats(\n"
"  source_id INTEGER NOT NULL,\n"
"  system    TEXT NOT NULL,\n"
"  event     TEXT NOT NULL,\n"
"  id        INTEGER,\n"
"  format    TEXT NOT NULL,\n"
"  PRIMARY KEY(source_id, system, event));\n"
/* an event name and how its rows keep their fields (f1 NULL: JSON) */
"CREATE TABLE IF NOT EXISTS names(\n"
"  id   INTEGER PRIMARY KEY,\n"
"  name TEXT NOT NULL,\n"
"  f1   TEXT,\n"
"  f2   TEXT,\n"
"  f3   TEXT,\n"
"  f4   TEXT);\n"
/* comms and string fields, each stored once */
"CREATE TABLE IF NOT EXISTS strings(\n"
"  id   INTEGER PRIMARY KEY,\n"
"  text TEXT NOT NULL UNIQUE);\n"
"CREATE TABLE IF NOT EXISTS ev(\n"
"  id        INTEGER PRIMARY KEY,\n"
"  source_id INTEGER NOT NULL,\n"
"  ts_ns     INTEGER NOT NULL,\n"
"  cpu       INTEGER NOT NULL,\n"
"  pid       INTEGER NOT NULL,\n"
"  comm      INTEGER,\n"
"  name      INTEGER NOT NULL,\n"
"  target    INTEGER,\n"
"  a INTEGER, b INTEGER, c INTEGER, d INTEGER,\n"
"  fields    TEXT);\n"
"CREATE TABLE IF NOT EXISTS tasks(\n"
"  pid  INTEGER PRIMARY KEY,\n"
"  tgid INTEGER NOT NULL,\n"
"  comm TEXT,\n"
"  how  TEXT NOT NULL);\n"
"CREATE TABLE IF NOT EXISTS gaps(\n"
"  source_id INTEGER NOT NULL,\n"
"  cpu       INTEGER NOT NULL,\n"
"  prev_ns   INTEGER NOT NULL,\n"
"  ts_ns     INTEGER NOT NULL,\n"
"  lost      INTEGER NOT NULL);\n"
/* Schema 1's events table, column for column. */
"CREATE VIEW IF NOT EXISTS events AS SELECT e.id AS id, e.source_id AS source_id,\n"
"  e.ts_ns AS ts_ns, e.cpu AS cpu, e.pid AS pid,\n"
"  coalesce((SELECT t.tgid FROM tasks t WHERE t.pid = e.pid), e.pid) AS tgid,\n"
"  (SELECT text FROM strings WHERE id = e.comm) AS comm,\n"
"  n.name AS name, e.target AS target,\n"
"  coalesce(e.fields, CASE WHEN n.f4 IS NOT NULL THEN json_object(" F4 ")\n"
"    WHEN n.f3 IS NOT NULL THEN json_object(" F3 ")\n"
"    WHEN n.f2 IS NOT NULL THEN json_object(" F2 ")\n"
"    WHEN n.f1 IS NOT NULL THEN json_object(" F1 ") ELSE '{}' END) AS fields\n"
"  FROM ev e JOIN names n ON n.id = e.name;\n"
/* Typed views over the fields, one per kind people ask about. */
"CREATE VIEW IF NOT EXISTS mark_victim AS SELECT id, ts_ns, cpu,\n"
"  pid AS trigger_pid, comm AS trigger_comm, target AS victim_pid,\n"
"  (SELECT t.tgid FROM tasks t WHERE t.pid = target) AS victim_tgid,\n"
"  fields->>'comm' AS victim_comm, fields->>'total_vm' AS total_vm_kb,\n"
"  fields->>'anon_rss' AS anon_rss_kb, fields->>'file_rss' AS file_rss_kb,\n"
"  fields->>'shmem_rss' AS shmem_rss_kb, fields->>'uid' AS uid,\n"
"  fields->>'pgtables' AS pgtables_kb, fields->>'oom_score_adj' AS oom_score_adj\n"
"  FROM events WHERE name = 'oom:mark_victim';\n"
"CREATE VIEW IF NOT EXISTS reaper_events AS SELECT id, ts_ns, cpu, pid,\n"
"  comm, substr(name, 5) AS kind, target AS victim_pid\n"
"  FROM events WHERE name IN ('oom:wake_reaper', 'oom:start_task_reaping',\n"
"  'oom:finish_task_reaping', 'oom:skip_task_reaping');\n"
"CREATE VIEW IF NOT EXISTS rss_stat AS SELECT id, ts_ns, cpu, pid, tgid,\n"
"  comm, fields->>'mm_id' AS mm_id, fields->>'curr' AS curr,\n"
"  fields->>'member' AS member, fields->>'size' AS size_bytes\n"
"  FROM events WHERE name = 'kmem:rss_stat';\n"
"CREATE VIEW IF NOT EXISTS console AS SELECT id, ts_ns, cpu, pid, comm,\n"
"  rtrim(fields->>'msg', char(10)) AS msg FROM events WHERE name = 'printk:console';\n";

/*
 * Built once a source is in, not row by row.  Only the rows that name a
 * task are indexed (a few per thousand in a lock-heavy trace); a flood of
 * mmap_lock rows has no secondary index at all: an index on (name, ts_ns)
 * alone would cost more bytes per event than the event itself.
 */
const char ol_index_sql[] =
"CREATE INDEX IF NOT EXISTS ev_by_target ON ev(target, ts_ns) WHERE target IS NOT NULL;\n";

/*
 * Time order across sources: one source's rows are stored in time order
 * (the analysis reads them by id), several sources' rows interleave.
 * Built when a second source arrives.
 */
const char ol_index_multi_sql[] =
"CREATE INDEX IF NOT EXISTS ev_by_ts ON ev(ts_ns);\n";
