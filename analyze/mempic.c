// SPDX-License-Identifier: GPL-2.0
/*
 * The memory picture of each kill's OOM report, as OOMAnalyser explains
 * it: the lines show_mem() and the memcg printed (Mem-Info, per node and
 * zone, swap, hugepages, page counts, the memcg's stats; read by the
 * grammar, collect/kgrammar-mem.c) are kept per report and attached to
 * its victim, then written as the oom_memory table with three views
 * that read it (README "Database"): where the memory was, how close each
 * zone was to its watermarks, and the task table ranked by the kernel's
 * badness with the chosen task marked.
 */
#include <stdlib.h>
#include <string.h>

#include "collect/kgrammar.h"
#include "analyze/analyze-local.h"

/* Its DDL: run by ol_mem_write(), and part of ol_analysis_ddl() (the
 * reference schema collect/dbopen.c checks files against). */
const char *const ol_mem_ddl[] = {
	"DROP TABLE IF EXISTS oom_memory",
	"DROP VIEW IF EXISTS oom_memory_where",
	"DROP VIEW IF EXISTS oom_watermarks",
	"DROP VIEW IF EXISTS oom_badness",
	"CREATE TABLE oom_memory(victim INTEGER, scope TEXT, node INTEGER, zone TEXT, key TEXT,"
	" value INTEGER, unit TEXT)",
	/* pages are taken as 4 kB (x86-64, most arm64 kernels) */
	"CREATE VIEW oom_memory_where AS SELECT victim, scope,"
	" sum(CASE WHEN key IN ('active_anon', 'inactive_anon') THEN kb END) AS anon_kb,"
	" sum(CASE WHEN key IN ('active_file', 'inactive_file') THEN kb END) AS file_kb,"
	" sum(CASE WHEN key = 'shmem' THEN kb END) AS shmem_kb,"
	" sum(CASE WHEN key IN ('slab_reclaimable', 'slab_unreclaimable') THEN kb END) AS slab_kb,"
	" sum(CASE WHEN key IN ('slab_unreclaimable', 'unevictable') THEN kb END) AS unreclaimable_kb,"
	" sum(CASE WHEN key IN ('free', 'Free swap') AND scope = 'global' THEN kb END) AS free_kb"
	" FROM (SELECT victim, scope, key, CASE unit WHEN 'pages' THEN value * 4"
	" WHEN 'bytes' THEN value / 1024 ELSE value END AS kb FROM oom_memory"
	" WHERE scope IN ('global', 'memcg')) GROUP BY victim, scope",
	"CREATE VIEW oom_watermarks AS SELECT *, free_kb - min_kb AS above_min_kb,"
	" CASE WHEN free_kb <= min_kb THEN 'below min' WHEN free_kb <= low_kb THEN 'below low'"
	" WHEN free_kb <= high_kb THEN 'below high' ELSE 'above high' END AS level FROM"
	" (SELECT victim, node, zone,"
	" max(CASE WHEN key = 'free' THEN value END) AS free_kb,"
	" max(CASE WHEN key = 'min' THEN value END) AS min_kb,"
	" max(CASE WHEN key = 'low' THEN value END) AS low_kb,"
	" max(CASE WHEN key = 'high' THEN value END) AS high_kb,"
	" max(CASE WHEN key = 'managed' THEN value END) AS managed_kb"
	" FROM oom_memory WHERE scope = 'zone' GROUP BY victim, node, zone)",
	/*
	 * oom_badness() (mm/oom_kill.c): rss + swap entries + page tables
	 * in pages, plus oom_score_adj * totalpages / 1000, totalpages the
	 * memcg's limit or RAM + swap; -1000 is never chosen.  totalpages
	 * unknown (no Mem-Info, no limit): the adjustment is left out.
	 */
	"CREATE VIEW oom_badness AS WITH tot AS (SELECT v.id AS victim,"
	" CASE WHEN v.memcg_limit_kb IS NOT NULL AND (v.domain LIKE '/%' OR v.domain = 'memcg')"
	" THEN v.memcg_limit_kb / 4 ELSE"
	" (SELECT sum(value) FROM oom_memory m WHERE m.victim = v.id AND m.scope = 'global'"
	"  AND m.key = 'pages RAM') + coalesce((SELECT sum(value) FROM oom_memory m"
	"  WHERE m.victim = v.id AND m.scope = 'swap' AND m.key = 'Total swap'), 0) / 4"
	" END AS totalpages FROM victims v),"
	" pts AS (SELECT t.*, t.rss_pages + coalesce(t.swapents, 0) +"
	" coalesce(t.pgtables_bytes, 0) / 4096 AS points, tot.totalpages FROM oom_tasks t"
	" LEFT JOIN tot ON tot.victim = t.victim)"
	" SELECT p.victim, p.pid, p.tgid, p.name, p.rss_pages, p.swapents, p.pgtables_bytes,"
	" p.oom_score_adj, p.points, p.totalpages,"
	" CASE WHEN p.oom_score_adj = -1000 THEN NULL ELSE p.points +"
	" coalesce(p.oom_score_adj * (p.totalpages / 1000), 0) END AS badness,"
	" rank() OVER (PARTITION BY p.victim ORDER BY CASE WHEN p.oom_score_adj = -1000 THEN NULL"
	" ELSE p.points + coalesce(p.oom_score_adj * (p.totalpages / 1000), 0) END DESC) AS rank,"
	" (p.pid = v.pid OR p.tgid = v.tgid) AS chosen,"
	" CASE WHEN NOT (p.pid = v.pid OR p.tgid = v.tgid) THEN NULL"
	" WHEN p.oom_score_adj = -1000 THEN 'oom_score_adj -1000: not by its badness'"
	" WHEN rank() OVER (PARTITION BY p.victim ORDER BY CASE WHEN p.oom_score_adj = -1000"
	" THEN NULL ELSE p.points + coalesce(p.oom_score_adj * (p.totalpages / 1000), 0) END DESC) = 1"
	" THEN 'the highest badness' ELSE 'not the highest badness: a higher one was skipped"
	" (already an OOM victim, or its mm marked MMF_OOM_SKIP), the allocating task was killed"
	" (oom_kill_allocating_task), a child was sacrificed, or the log cut the table' END AS why"
	" FROM pts p JOIN victims v ON v.id = p.victim",
	NULL
};

void ol_mem_line(struct ol_build *b, struct ol_pending *p, const char *msg)
{
	struct ol_kmem m;
	struct ol_kspan key;
	long long value;
	const char *unit;

	(void)b;
	if (!ol_kmem_line(msg, p->in_memcg_stats, &m)) {
		p->in_memcg_stats = false;
		return;
	}
	if (m.scope == OL_KMEM_MEMCG && m.header)
		p->in_memcg_stats = true;	/* v2: one counter a line follows */
	while (ol_kmem_next(&m, &key, &value, &unit)) {
		struct ol_omem *o;

		p->mem = ol_grow(p->mem, &p->memcap, p->nmem + 1, sizeof(*p->mem));
		if (!p->mem) {
			p->nmem = p->memcap = 0;
			return;
		}
		o = &p->mem[p->nmem++];
		o->victim = -1;
		o->scope = m.scope;
		o->node = m.node;
		ol_kspan_copy(o->zone, sizeof(o->zone), m.zone);
		ol_kspan_copy(o->key, sizeof(o->key), key);
		o->value = value;
		o->unit = unit;
	}
}

void ol_mem_attach(struct ol_build *b, struct ol_pending *p, int vi)
{
	size_t i;

	for (i = 0; i < p->nmem; i++) {
		b->omem = ol_grow(b->omem, &b->omcap, b->nomem + 1, sizeof(*b->omem));
		if (!b->omem) {
			b->nomem = b->omcap = 0;
			break;
		}
		b->omem[b->nomem] = p->mem[i];
		b->omem[b->nomem++].victim = vi;
	}
	p->nmem = 0;
}

int ol_mem_write(struct ol_build *b)
{
	sqlite3_stmt *s = NULL;
	size_t i;
	int n, rc = -1;

	for (n = 0; ol_mem_ddl[n]; n++)
		if (sqlite3_exec(b->db, ol_mem_ddl[n], NULL, NULL, NULL) != SQLITE_OK)
			return -1;
	if (sqlite3_prepare_v2(b->db, "INSERT INTO oom_memory VALUES(?1,?2,?3,?4,?5,?6,?7)", -1,
			       &s, NULL) != SQLITE_OK)
		return -1;
	for (i = 0; i < b->nomem; i++) {
		const struct ol_omem *o = &b->omem[i];

		sqlite3_bind_int(s, 1, o->victim);
		sqlite3_bind_text(s, 2, ol_kmem_scope_name(o->scope), -1, SQLITE_STATIC);
		if (o->node >= 0)
			sqlite3_bind_int(s, 3, o->node);
		else
			sqlite3_bind_null(s, 3);
		if (o->zone[0])
			sqlite3_bind_text(s, 4, o->zone, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(s, 4);
		sqlite3_bind_text(s, 5, o->key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s, 6, o->value);
		sqlite3_bind_text(s, 7, o->unit, -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE)
			goto out;
		sqlite3_reset(s);
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc;
}
