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

/*
 * Its DDL: run by ol_mem_write(), and part of ol_analysis_ddl() (the
 * reference schema collect/dbopen.c checks files against).  What a view
 * would compute is computed here once and stored (oomlens's own
 * connections run no views).  Pages are taken as 4 kB (x86-64, most
 * arm64 kernels).
 */
const char *const ol_mem_ddl[] = {
	"DROP TABLE IF EXISTS oom_memory",
	"DROP TABLE IF EXISTS oom_memory_where",
	"DROP TABLE IF EXISTS oom_watermarks",
	"DROP TABLE IF EXISTS oom_badness",
	"DROP TABLE IF EXISTS oom_picture",
	"CREATE TABLE oom_memory(victim INTEGER, scope TEXT, node INTEGER, zone TEXT, key TEXT,"
	" value INTEGER, unit TEXT)",
	"CREATE TABLE oom_memory_where(victim INTEGER, scope TEXT, anon_kb INTEGER, file_kb INTEGER,"
	" shmem_kb INTEGER, slab_kb INTEGER, unreclaimable_kb INTEGER, free_kb INTEGER)",
	"CREATE TABLE oom_watermarks(victim INTEGER, node INTEGER, zone TEXT, free_kb INTEGER,"
	" min_kb INTEGER, low_kb INTEGER, high_kb INTEGER, managed_kb INTEGER,"
	" above_min_kb INTEGER, level TEXT)",
	"CREATE TABLE oom_badness(victim INTEGER, pid INTEGER, tgid INTEGER, name TEXT,"
	" rss_pages INTEGER, swapents INTEGER, pgtables_bytes INTEGER, oom_score_adj INTEGER,"
	" points INTEGER, totalpages INTEGER, badness INTEGER, rank INTEGER, chosen INTEGER,"
	" why TEXT)",
	"CREATE TABLE oom_picture(victim INTEGER PRIMARY KEY, memory TEXT, watermarks TEXT,"
	" badness TEXT)",
	NULL
};

void ol_mem_line(struct ol_build *b, struct ol_pending *p, const char *msg)
{
	struct ol_kmem m;
	struct ol_kspan key;
	long long value;
	const char *unit;

	(void)b;
	/* a trace's console sees "Memory cgroup stats for ", the path and
	 * ":" as pieces (pr_cont): the counters follow them */
	if (p->in_memcg_stats && (msg[0] == '/' || !strcmp(msg, ":")))
		return;
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

static int64_t kb_of(const struct ol_omem *o)
{
	if (!strcmp(o->unit, "pages"))
		return o->value * 4;
	if (!strcmp(o->unit, "bytes"))
		return o->value / 1024;
	return o->value;
}

/* where the memory was, per scope (global: Mem-Info, memcg: its stats) */
struct where {
	int64_t anon, file, shmem, slab, unrecl, free;
	bool any;
};

static void where_add(struct where *w, const struct ol_omem *o)
{
	int64_t kb = kb_of(o);
	const char *k = o->key;

	w->any = true;
	if (!strcmp(k, "active_anon") || !strcmp(k, "inactive_anon"))
		w->anon += kb;
	else if (!strcmp(k, "active_file") || !strcmp(k, "inactive_file"))
		w->file += kb;
	else if (!strcmp(k, "shmem"))
		w->shmem += kb;
	else if (!strcmp(k, "free") && o->scope == OL_KMEM_GLOBAL)
		w->free += kb;
	if (!strcmp(k, "slab_reclaimable") || !strcmp(k, "slab_unreclaimable"))
		w->slab += kb;
	if (!strcmp(k, "slab_unreclaimable") || !strcmp(k, "unevictable"))
		w->unrecl += kb;
}

struct zone {
	int node;
	char name[16];
	int64_t v[5];		/* free min low high managed, -1 unknown */
};

static const char *level_of(const struct zone *z)
{
	return z->v[0] <= z->v[1] ? "below min" : z->v[0] <= z->v[2] ? "below low" :
	       z->v[0] <= z->v[3] ? "below high" : "above high";
}

struct bad {
	const struct ol_otask *t;
	int64_t points, badness;	/* badness -1: never chosen (adj -1000) */
	int rank;
	bool chosen;
};

static int bad_cmp(const void *x, const void *y)
{
	const struct bad *a = x, *b = y;

	return (a->badness < b->badness) - (a->badness > b->badness);
}

static void bind_kb(sqlite3_stmt *s, int i, int64_t v, bool known)
{
	if (known)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

/* step and reset; false on error */
static bool run(sqlite3_stmt *s)
{
	bool ok = sqlite3_step(s) == SQLITE_DONE;

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return ok;
}

/*
 * One victim's picture: the derived tables and the one-line summaries
 * the reports show (oom_picture).  @st: where, watermarks, badness,
 * picture inserts.
 */
static int victim_picture(struct ol_build *b, int vi, sqlite3_stmt **st)
{
	const struct ol_victim *v = &b->a->victims[vi];
	struct where w[2] = { { 0 } };
	struct zone zs[64];
	struct bad *bd = NULL;
	char mem[512] = "", wm[768] = "", bs[512] = "";
	size_t i, nz = 0, nb = 0, nt = 0;
	int64_t ram = -1, swap = 0, total = -1;
	int rc = -1, k;

	for (i = 0; i < b->nomem; i++) {
		const struct ol_omem *o = &b->omem[i];

		if (o->victim != vi)
			continue;
		if (o->scope == OL_KMEM_GLOBAL || o->scope == OL_KMEM_MEMCG)
			where_add(&w[o->scope == OL_KMEM_MEMCG], o);
		if (o->scope == OL_KMEM_GLOBAL && !strcmp(o->key, "pages RAM"))
			ram = (ram < 0 ? 0 : ram) + o->value;
		if (o->scope == OL_KMEM_SWAP && !strcmp(o->key, "Total swap"))
			swap = kb_of(o) / 4;
		if (o->scope == OL_KMEM_ZONE) {
			static const char *const keys[] = { "free", "min", "low", "high", "managed" };
			size_t z;

			for (z = 0; z < nz; z++)
				if (zs[z].node == o->node && !strcmp(zs[z].name, o->zone))
					break;
			if (z == nz) {
				if (nz == sizeof(zs) / sizeof(zs[0]))
					continue;
				zs[nz].node = o->node;
				snprintf(zs[nz].name, sizeof(zs[nz].name), "%s", o->zone);
				for (k = 0; k < 5; k++)
					zs[nz].v[k] = -1;
				nz++;
			}
			for (k = 0; k < 5; k++)
				if (!strcmp(o->key, keys[k]))
					zs[z].v[k] = o->value;
		}
	}
	for (k = 0; k < 2; k++) {
		if (!w[k].any)
			continue;
		sqlite3_bind_int(st[0], 1, vi);
		sqlite3_bind_text(st[0], 2, k ? "memcg" : "global", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st[0], 3, w[k].anon);
		sqlite3_bind_int64(st[0], 4, w[k].file);
		sqlite3_bind_int64(st[0], 5, w[k].shmem);
		sqlite3_bind_int64(st[0], 6, w[k].slab);
		sqlite3_bind_int64(st[0], 7, w[k].unrecl);
		bind_kb(st[0], 8, w[k].free, !k);
		if (!run(st[0]))
			goto out;
		snprintf(mem + strlen(mem), sizeof(mem) - strlen(mem),
			 "%s%s: anon %lld kB, file %lld kB, shmem %lld kB, slab %lld kB, "
			 "unreclaimable %lld kB%s", mem[0] ? "; " : "", k ? "memcg" : "system",
			 (long long)w[k].anon, (long long)w[k].file, (long long)w[k].shmem,
			 (long long)w[k].slab, (long long)w[k].unrecl, "");
	}
	for (i = 0; i < nz; i++) {
		const struct zone *z = &zs[i];
		bool known = z->v[0] >= 0 && z->v[1] >= 0 && z->v[2] >= 0 && z->v[3] >= 0;

		sqlite3_bind_int(st[1], 1, vi);
		bind_kb(st[1], 2, z->node, z->node >= 0);
		sqlite3_bind_text(st[1], 3, z->name, -1, SQLITE_TRANSIENT);
		for (k = 0; k < 5; k++)
			bind_kb(st[1], 4 + k, z->v[k], z->v[k] >= 0);
		bind_kb(st[1], 9, z->v[0] - z->v[1], known);
		if (known)
			sqlite3_bind_text(st[1], 10, level_of(z), -1, SQLITE_STATIC);
		if (!run(st[1]))
			goto out;
		if (known && strcmp(level_of(z), "above high"))
			snprintf(wm + strlen(wm), sizeof(wm) - strlen(wm),
				 "%snode %d %s %s (free %lld kB, min %lld kB)", wm[0] ? "; " : "",
				 z->node, z->name, level_of(z), (long long)z->v[0], (long long)z->v[1]);
	}
	if (nz && !wm[0])
		snprintf(wm, sizeof(wm), "every zone above its high watermark");
	/* the badness of each task of the table (mm/oom_kill.c oom_badness()) */
	if (v->memcg_limit_kb != OL_NONE && v->domain && (v->domain[0] == '/' || !strcmp(v->domain, "memcg")))
		total = v->memcg_limit_kb / 4;
	else if (ram >= 0)
		total = ram + swap;
	for (i = 0; i < b->notasks; i++)
		nt += b->otasks[i].victim == vi;
	bd = nt ? calloc(nt, sizeof(*bd)) : NULL;
	for (i = 0; bd && i < b->notasks; i++) {
		const struct ol_otask *t = &b->otasks[i];
		struct bad *x;

		if (t->victim != vi)
			continue;
		x = &bd[nb++];
		x->t = t;
		x->points = (t->rss > 0 ? t->rss : 0) + (t->swapents > 0 ? t->swapents : 0) +
			    (t->pgtables_bytes > 0 ? t->pgtables_bytes / 4096 : 0);
		x->badness = t->oom_score_adj == -1000 ? -1 :
			     x->points + (total > 0 ? t->oom_score_adj * (total / 1000) : 0);
		if (x->badness < -1)
			x->badness = 0;		/* the kernel's floor: points >= 1 */
		x->chosen = t->pid == v->pid || t->tgid == v->tgid;
	}
	if (nb)
		qsort(bd, nb, sizeof(*bd), bad_cmp);
	for (i = 0; i < nb; i++) {
		struct bad *x = &bd[i];
		const char *why = NULL;

		x->rank = i && bd[i - 1].badness == x->badness ? bd[i - 1].rank : (int)i + 1;
		if (x->chosen)
			why = x->badness < 0 ? "oom_score_adj -1000: not by its badness" :
			      x->rank == 1 ? "the highest badness" :
			      "not the highest badness: a higher one was skipped (already an OOM "
			      "victim, or its mm marked MMF_OOM_SKIP), the allocating task was "
			      "killed (oom_kill_allocating_task), a child was sacrificed, or the "
			      "log cut the table";
		sqlite3_bind_int(st[2], 1, vi);
		sqlite3_bind_int(st[2], 2, x->t->pid);
		bind_kb(st[2], 3, x->t->tgid, x->t->tgid >= 0);
		sqlite3_bind_text(st[2], 4, x->t->name, -1, SQLITE_TRANSIENT);
		bind_kb(st[2], 5, x->t->rss, x->t->rss >= 0);
		bind_kb(st[2], 6, x->t->swapents, x->t->swapents >= 0);
		bind_kb(st[2], 7, x->t->pgtables_bytes, x->t->pgtables_bytes >= 0);
		sqlite3_bind_int64(st[2], 8, x->t->oom_score_adj);
		sqlite3_bind_int64(st[2], 9, x->points);
		bind_kb(st[2], 10, total, total > 0);
		bind_kb(st[2], 11, x->badness, x->badness >= 0);
		sqlite3_bind_int(st[2], 12, x->rank);
		sqlite3_bind_int(st[2], 13, x->chosen);
		if (why)
			sqlite3_bind_text(st[2], 14, why, -1, SQLITE_STATIC);
		if (!run(st[2]))
			goto out;
	}
	for (i = 0; i < nb; i++) {
		if (!bd[i].chosen)
			continue;
		snprintf(bs, sizeof(bs), "rank %d of %zu by badness (%lld%s)%s%s%s%s", bd[i].rank, nb,
			 (long long)bd[i].badness, total > 0 ? "" : ", oom_score_adj not counted",
			 bd[i].rank > 1 ? "; first: " : "", bd[i].rank > 1 ? bd[0].t->name : "",
			 bd[i].rank > 1 ? " " : "", bd[i].rank > 1 ? "(a higher one was skipped, "
			 "the allocating task was killed, or a child was sacrificed)" : ": the highest");
		break;
	}
	if (mem[0] || wm[0] || bs[0]) {
		sqlite3_bind_int(st[3], 1, vi);
		if (mem[0])
			sqlite3_bind_text(st[3], 2, mem, -1, SQLITE_TRANSIENT);
		if (wm[0])
			sqlite3_bind_text(st[3], 3, wm, -1, SQLITE_TRANSIENT);
		if (bs[0])
			sqlite3_bind_text(st[3], 4, bs, -1, SQLITE_TRANSIENT);
		if (!run(st[3]))
			goto out;
	}
	rc = 0;
out:
	free(bd);
	return rc;
}

int ol_mem_write(struct ol_build *b)
{
	static const char *const ins[] = {
		"INSERT INTO oom_memory_where VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
		"INSERT INTO oom_watermarks VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
		"INSERT INTO oom_badness VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)",
		"INSERT INTO oom_picture VALUES(?1,?2,?3,?4)",
	};
	sqlite3_stmt *s = NULL, *st[4] = { NULL };
	size_t i;
	int n, rc = -1;

	for (n = 0; ol_mem_ddl[n]; n++)
		if (sqlite3_exec(b->db, ol_mem_ddl[n], NULL, NULL, NULL) != SQLITE_OK)
			return -1;
	for (n = 0; n < 4; n++)
		if (sqlite3_prepare_v2(b->db, ins[n], -1, &st[n], NULL) != SQLITE_OK)
			goto out;
	if (sqlite3_prepare_v2(b->db, "INSERT INTO oom_memory VALUES(?1,?2,?3,?4,?5,?6,?7)", -1,
			       &s, NULL) != SQLITE_OK)
		goto out;
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
	for (i = 0; i < b->a->nvictims; i++)
		if (victim_picture(b, (int)i, st))
			goto out;
	rc = 0;
out:
	for (n = 0; n < 4; n++)
		sqlite3_finalize(st[n]);
	sqlite3_finalize(s);
	return rc;
}

/* The reports' summaries (oom_picture) into the loaded analysis. */
int ol_mem_load(sqlite3 *db, struct ol_analysis *a)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT victim, memory, watermarks, badness FROM oom_picture",
			       -1, &s, NULL) != SQLITE_OK)
		return 0;	/* an analysis of before the picture: none */
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t vi = sqlite3_column_int64(s, 0);
		struct ol_victim *v;
		const char *t;

		if (vi < 0 || (size_t)vi >= a->nvictims)
			continue;
		v = &a->victims[vi];
		if ((t = (const char *)sqlite3_column_text(s, 1)))
			v->picture_memory = ol_xstrdup(t);
		if ((t = (const char *)sqlite3_column_text(s, 2)))
			v->picture_watermarks = ol_xstrdup(t);
		if ((t = (const char *)sqlite3_column_text(s, 3)))
			v->picture_badness = ol_xstrdup(t);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}
