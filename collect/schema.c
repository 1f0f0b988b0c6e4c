// SPDX-License-Identifier: GPL-2.0
/*
 * The database schema.  It is an interface: README.md ("Database")
 * documents every table, and users query it with the sqlite3 shell, so
 * change it only with a new OL_SCHEMA_VERSION and a migration.
 */
#include "collect/collect-local.h"

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
"CREATE TABLE IF NOT EXISTS events(\n"
"  id        INTEGER PRIMARY KEY,\n"
"  source_id INTEGER NOT NULL,\n"
"  ts_ns     INTEGER NOT NULL,\n"
"  cpu       INTEGER NOT NULL,\n"
"  pid       INTEGER NOT NULL,\n"
"  tgid      INTEGER,\n"
"  comm      TEXT,\n"
"  name      TEXT NOT NULL,\n"
"  target    INTEGER,\n"
"  fields    TEXT NOT NULL);\n"
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
/* Typed views over the JSON fields, one per kind people ask about. */
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
 * Indexes are built once a source is in: a bulk import into a new
 * database is several times faster than maintaining them row by row.
 */
const char ol_index_sql[] =
"CREATE INDEX IF NOT EXISTS events_by_name ON events(name, ts_ns);\n"
"CREATE INDEX IF NOT EXISTS events_by_target ON events(target, ts_ns);\n"
"CREATE INDEX IF NOT EXISTS events_by_ts ON events(ts_ns);\n";
