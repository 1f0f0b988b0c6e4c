// SPDX-License-Identifier: GPL-2.0
/*
 * Write the analysis back as tables (README.md "Database", analysis
 * tables), in one transaction, replacing an earlier analysis.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze-local.h"

static const char *const schema[] = {
	"DROP TABLE IF EXISTS victims",
	"DROP TABLE IF EXISTS episodes",
	"DROP TABLE IF EXISTS reaper_runs",
	"DROP TABLE IF EXISTS verdicts",
	"DROP TABLE IF EXISTS timeline",
	"DROP TABLE IF EXISTS rss_curve",
	"DROP TABLE IF EXISTS analysis_meta",
	"DROP TABLE IF EXISTS oom_tasks",
	"DROP TABLE IF EXISTS sharers",
	"CREATE TABLE analysis_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
	"CREATE TABLE victims(id INTEGER PRIMARY KEY, episode INTEGER, pid INTEGER, tgid INTEGER,"
	" comm TEXT, uid INTEGER, oom_score_adj INTEGER, total_vm_kb INTEGER, anon_kb INTEGER,"
	" file_kb INTEGER, shmem_kb INTEGER, pgtables_kb INTEGER, rss_kb INTEGER, mem_source TEXT,"
	" trigger_pid INTEGER, trigger_comm TEXT, domain TEXT, bypass INTEGER, grp INTEGER,"
	" kill_ns INTEGER, skip_ns INTEGER, skip_lo_ns INTEGER, skip_hi_ns INTEGER, skip_by TEXT,"
	" skip_confidence TEXT, freed_ns INTEGER, last_freed_ns INTEGER, freed_by TEXT,"
	" freed_confidence TEXT, exit_ns INTEGER, process_free_ns INTEGER, verdict TEXT,"
	" verdict_confidence TEXT, lost_in_window INTEGER, gfp_mask TEXT, gfp_order INTEGER,"
	" oom_constraint TEXT, oom_nodemask TEXT, oom_memcg TEXT, task_memcg TEXT, oom_invoker TEXT,"
	" memcg_usage_kb INTEGER, memcg_limit_kb INTEGER)",
	"CREATE TABLE oom_tasks(victim INTEGER, pid INTEGER, uid INTEGER, tgid INTEGER,"
	" total_vm_pages INTEGER, rss_pages INTEGER, rss_anon INTEGER, rss_file INTEGER,"
	" rss_shmem INTEGER, pgtables_bytes INTEGER, swapents INTEGER, oom_score_adj INTEGER,"
	" name TEXT)",
	"CREATE TABLE episodes(id INTEGER PRIMARY KEY, domain TEXT, start_ns INTEGER, end_ns INTEGER,"
	" first_victim INTEGER, victims INTEGER, unnecessary INTEGER)",
	"CREATE TABLE reaper_runs(victim INTEGER PRIMARY KEY, wake_ns INTEGER, start_ns INTEGER,"
	" end_ns INTEGER, attempts INTEGER, failures INTEGER, gave_up INTEGER, reaped_kb INTEGER,"
	" left_kb INTEGER)",
	"CREATE TABLE verdicts(victim INTEGER, seq INTEGER, kind TEXT, confidence TEXT,"
	" evidence TEXT, other INTEGER, PRIMARY KEY(victim, seq)) WITHOUT ROWID",
	"CREATE TABLE timeline(victim INTEGER, seq INTEGER, ts_ns INTEGER, what TEXT, detail TEXT,"
	" event_id INTEGER, PRIMARY KEY(victim, seq)) WITHOUT ROWID",
	"CREATE TABLE rss_curve(victim INTEGER, ts_ns INTEGER, held_kb INTEGER)",
	"CREATE TABLE sharers(victim INTEGER, pid INTEGER, tgid INTEGER, comm TEXT, created TEXT,"
	" parent INTEGER, sigkill_ns INTEGER, exit_ns INTEGER, event_id INTEGER)",
	NULL
};

/*
 * Built once the rows are in: one sort instead of an insert per row.
 * Readers take a victim's rows in order (ol_analysis_load reads them
 * all): verdicts and timeline are clustered on (victim, seq) (WITHOUT
 * ROWID) and the curve's index covers held_kb, so no read goes back to a
 * table row by rowid.
 */
static const char curve_index[] = "CREATE INDEX rss_curve_by_victim ON rss_curve(victim, ts_ns, held_kb);"
	"CREATE INDEX oom_tasks_by_victim ON oom_tasks(victim)";

/* The analysis DDL, for collect/dbopen.c's reference schema. */
const char *const *ol_analysis_ddl(void)
{
	static const char *ddl[sizeof(schema) / sizeof(schema[0]) + 17];

	if (!ddl[0]) {
		size_t i, k;

		for (i = 0; schema[i]; i++)
			ddl[i] = schema[i];
		ddl[i++] = curve_index;
		/* the memory picture (mempic.c) */
		for (k = 0; ol_mem_ddl[k] && i + 1 < sizeof(ddl) / sizeof(ddl[0]); k++)
			ddl[i++] = ol_mem_ddl[k];
		/* the table only `oomlens merge` creates (merge.c) */
		ddl[i] = ol_merge_ddl;
	}
	return ddl;
}

/*
 * rss_curve is most of the rows written (tens per victim): inserted
 * CURVE_BATCH rows per statement, which saves a step/reset and a VDBE
 * run per row.  The rows keep their order (and so their rowids).
 */
#define CURVE_BATCH	50

struct curve_rows {
	sqlite3_stmt	*many, *one;
	int		n;
	int64_t		row[CURVE_BATCH][3];
};

static void bind64(sqlite3_stmt *s, int i, int64_t v)
{
	if (v == OL_NONE)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int64(s, i, v);
}

static void bindtxt(sqlite3_stmt *s, int i, const char *t)
{
	/* static: every statement is stepped before the strings go away */
	sqlite3_bind_text(s, i, t ? t : "", -1, SQLITE_STATIC);
}

static int step(sqlite3_stmt *s);

/* NULL stays NULL: a fact the data does not have */
static void bindnull(sqlite3_stmt *s, int i, const char *t)
{
	if (t)
		sqlite3_bind_text(s, i, t, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

/* -1 (not in the row) is NULL */
static void bindll(sqlite3_stmt *s, int i, long long v)
{
	if (v < 0)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int64(s, i, v);
}

static int write_otasks(struct ol_build *b, sqlite3_stmt *s)
{
	size_t i;

	for (i = 0; i < b->notasks; i++) {
		const struct ol_otask *t = &b->otasks[i];

		sqlite3_bind_int(s, 1, t->victim);
		sqlite3_bind_int(s, 2, t->pid);
		bindll(s, 3, t->uid);
		bindll(s, 4, t->tgid);
		bindll(s, 5, t->total_vm);
		bindll(s, 6, t->rss);
		bindll(s, 7, t->rss_anon);
		bindll(s, 8, t->rss_file);
		bindll(s, 9, t->rss_shmem);
		bindll(s, 10, t->pgtables_bytes);
		bindll(s, 11, t->swapents);
		/* oom_score_adj is -1000 .. 1000: only the parser's -1 default
		 * cannot be told apart, and a row always has it */
		sqlite3_bind_int64(s, 12, t->oom_score_adj);
		sqlite3_bind_text(s, 13, t->name, -1, SQLITE_STATIC);
		if (step(s))
			return -1;
	}
	return 0;
}

static int write_sharers(const struct ol_analysis *a, sqlite3_stmt *s)
{
	size_t i;

	for (i = 0; i < a->nsharers; i++) {
		const struct ol_sharer *sh = &a->sharers[i];

		sqlite3_bind_int(s, 1, sh->victim);
		sqlite3_bind_int(s, 2, sh->pid);
		sqlite3_bind_int(s, 3, sh->tgid);
		bindtxt(s, 4, sh->comm);
		bindtxt(s, 5, ol_sharer_created_name(sh->created));
		sqlite3_bind_int(s, 6, sh->parent);
		bind64(s, 7, sh->sigkill_ns);
		bind64(s, 8, sh->exit_ns);
		bind64(s, 9, sh->event_id >= 0 ? sh->event_id : OL_NONE);
		if (step(s))
			return -1;
	}
	return 0;
}

static int step(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);	/* every parameter is bound again before the next step */
	return rc == SQLITE_DONE ? 0 : -1;
}

static int curve_flush(struct curve_rows *c, bool all)
{
	sqlite3_stmt *s = c->n == CURVE_BATCH ? c->many : c->one;
	int i, k, rc = 0;

	if (c->n < CURVE_BATCH && !all)
		return 0;
	for (i = 0; i < c->n && !rc; i++) {
		int base = s == c->many ? i * 3 : 0;

		sqlite3_bind_int64(s, base + 1, c->row[i][0]);
		for (k = 1; k < 3; k++)
			bind64(s, base + k + 1, c->row[i][k]);
		if (s == c->one)
			rc = step(s);
	}
	if (s == c->many && !rc)
		rc = step(s);
	c->n = 0;
	return rc;
}

static int curve_add(struct curve_rows *c, int64_t victim, int64_t ts, int64_t kb)
{
	c->row[c->n][0] = victim;
	c->row[c->n][1] = ts;
	c->row[c->n][2] = kb;
	c->n++;
	return curve_flush(c, false);
}

static int meta(sqlite3 *db, sqlite3_stmt *s, const char *k, const char *v)
{
	bindtxt(s, 1, k);
	bindtxt(s, 2, v);
	return step(s);
}

static int write_meta(struct ol_build *b, sqlite3_stmt *s)
{
	const struct ol_era *e = &b->era;
	char num[112];
	int rc = 0;

	rc |= meta(b->db, s, "analysis_version", OL_ANALYSIS_VERSION);
	rc |= meta(b->db, s, "era", e->name);
	rc |= meta(b->db, s, "evidence", e->evidence ? e->evidence : "trace");
	snprintf(num, sizeof(num), "%lld", (long long)(e->res_ns > 0 ? e->res_ns : 1));
	rc |= meta(b->db, s, "resolution_ns", num);
	if (e->from_release)
		snprintf(num, sizeof(num), "inferred from the kernel release %.40s", e->release);
	else
		snprintf(num, sizeof(num), "%s", e->has_exit_mmap ? "event formats" :
			 "unknown (no formats, no kernel release)");
	rc |= meta(b->db, s, "era_source", num);
	rc |= meta(b->db, s, "exit_rule", ol_exit_rule_name(e->exit_rule));
	rc |= meta(b->db, s, "exit_rule_confidence", ol_confidence_name(e->exit_rule_conf));
	rc |= meta(b->db, s, "reaper_delay", e->reaper_delay == 1 ? "2s" :
		   e->reaper_delay == 0 ? "none" : "unknown");
	rc |= meta(b->db, s, "reaper_delay_confidence", ol_confidence_name(e->reaper_delay_conf));
	rc |= meta(b->db, s, "mark_victim", !e->has_mark_victim ? "absent" :
		   e->mark_victim_ext ? "extended" : "pid-only");
	rc |= meta(b->db, s, "exit_mmap", e->has_exit_mmap ? "yes" : "no");
	rc |= meta(b->db, s, "group_dead", e->group_dead ? "yes" : "no");
	rc |= meta(b->db, s, "rss_stat", e->has_rss_stat ? "yes" : "no");
	rc |= meta(b->db, s, "mmap_lock", e->has_mmap_lock ? "yes" : "no");
	rc |= meta(b->db, s, "console", e->has_console ? "yes" : "no");
	rc |= meta(b->db, s, "freed_rule", "freed_ns: >= 90% of the memory at the kill given back");
	rc |= meta(b->db, s, "episode_rule", "same domain, kill within 10 s of the episode's last kill/freed");
	snprintf(num, sizeof(num), "%lld", (long long)b->first_ns);
	rc |= meta(b->db, s, "first_ns", num);
	snprintf(num, sizeof(num), "%lld", (long long)b->last_ns);
	rc |= meta(b->db, s, "last_ns", num);
	snprintf(num, sizeof(num), "%zu", b->a->nvictims);
	rc |= meta(b->db, s, "victims", num);
	return rc;
}

static int write_victim(sqlite3_stmt *s, const struct ol_victim *v)
{
	int i = 1;

	sqlite3_bind_int64(s, i++, v->index);
	sqlite3_bind_int(s, i++, v->episode);
	sqlite3_bind_int(s, i++, v->pid);
	sqlite3_bind_int(s, i++, v->tgid);
	bindtxt(s, i++, v->comm);
	bind64(s, i++, v->uid);
	if (v->oom_score_adj_known)
		sqlite3_bind_int(s, i++, v->oom_score_adj);
	else
		sqlite3_bind_null(s, i++);
	bind64(s, i++, v->total_vm_kb);
	bind64(s, i++, v->anon_kb);
	bind64(s, i++, v->file_kb);
	bind64(s, i++, v->shmem_kb);
	bind64(s, i++, v->pgtables_kb);
	bind64(s, i++, v->rss_kb);
	bindtxt(s, i++, v->mem_source);
	bind64(s, i++, v->trigger_pid >= 0 ? v->trigger_pid : OL_NONE);
	bindtxt(s, i++, v->trigger_comm);
	bindtxt(s, i++, v->domain);
	sqlite3_bind_int(s, i++, v->bypass);
	bind64(s, i++, v->group >= 0 ? v->group : OL_NONE);
	bind64(s, i++, v->kill_ns);
	bind64(s, i++, v->skip_ns);
	bind64(s, i++, v->skip_lo_ns);
	bind64(s, i++, v->skip_hi_ns);
	bindtxt(s, i++, ol_skip_by_name(v->skip_by));
	bindtxt(s, i++, ol_confidence_name(v->skip_confidence));
	bind64(s, i++, v->freed_ns);
	bind64(s, i++, v->last_freed_ns);
	bindtxt(s, i++, ol_freed_by_name(v->freed_by));
	bindtxt(s, i++, ol_confidence_name(v->freed_confidence));
	bind64(s, i++, v->exit_ns);
	bind64(s, i++, v->process_free_ns);
	bindtxt(s, i++, ol_verdict_name(v->verdict));
	bindtxt(s, i++, ol_confidence_name(v->verdict_confidence));
	sqlite3_bind_int(s, i++, v->lost_in_window);
	bindnull(s, i++, v->gfp_mask);
	bind64(s, i++, v->order >= 0 ? v->order : OL_NONE);
	bindnull(s, i++, v->constraint);
	bindnull(s, i++, v->nodemask);
	bindnull(s, i++, v->oom_memcg);
	bindnull(s, i++, v->task_memcg);
	bindnull(s, i++, v->invoker);
	bind64(s, i++, v->memcg_usage_kb);
	bind64(s, i++, v->memcg_limit_kb);
	return step(s);
}

int ol_write_tables(struct ol_build *b, char **err)
{
	static const char *const ins[] = {
		"INSERT INTO analysis_meta VALUES(?1, ?2)",
		"INSERT INTO victims VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,"
		"?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27,?28,?29,?30,?31,?32,?33,?34,?35,?36,"
		"?37,?38,?39,?40,?41,?42,?43)",
		"INSERT INTO episodes VALUES(?1,?2,?3,?4,?5,?6,?7)",
		"INSERT INTO reaper_runs VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
		"INSERT INTO verdicts VALUES(?1,?2,?3,?4,?5,?6)",
		"INSERT INTO timeline VALUES(?1,?2,?3,?4,?5,?6)",
		"INSERT INTO rss_curve VALUES(?1,?2,?3)",
		"INSERT INTO oom_tasks VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)",
		"INSERT INTO sharers VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
	};
	sqlite3_stmt *st[9] = { NULL };
	struct curve_rows *cr = calloc(1, sizeof(*cr));
	struct ol_analysis *a = b->a;
	char *many = NULL;
	size_t i, k;
	int rc = -1, n;

	if (!cr)
		goto out;
	many = malloc(sizeof("INSERT INTO rss_curve VALUES") + CURVE_BATCH * sizeof(",(?,?,?)"));
	if (!many)
		goto out;
	strcpy(many, "INSERT INTO rss_curve VALUES");
	for (n = 0; n < CURVE_BATCH; n++)
		strcat(many, n ? ",(?,?,?)" : "(?,?,?)");

	if (sqlite3_exec(b->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	for (n = 0; schema[n]; n++)
		if (sqlite3_exec(b->db, schema[n], NULL, NULL, NULL) != SQLITE_OK)
			goto out;
	for (n = 0; n < 9; n++)
		if (sqlite3_prepare_v2(b->db, ins[n], -1, &st[n], NULL) != SQLITE_OK)
			goto out;
	if (sqlite3_prepare_v2(b->db, many, -1, &cr->many, NULL) != SQLITE_OK)
		goto out;
	cr->one = st[6];
	if (write_meta(b, st[0]))
		goto out;
	for (i = 0; i < a->nvictims; i++) {
		const struct ol_victim *v = &a->victims[i];
		const struct ol_reaper_run *r = &v->reaper;

		if (write_victim(st[1], v))
			goto out;
		if (r->wake_ns != OL_NONE || r->start_ns != OL_NONE || r->end_ns != OL_NONE) {
			sqlite3_bind_int64(st[3], 1, (int64_t)i);
			bind64(st[3], 2, r->wake_ns);
			bind64(st[3], 3, r->start_ns);
			bind64(st[3], 4, r->end_ns);
			sqlite3_bind_int(st[3], 5, r->attempts);
			sqlite3_bind_int(st[3], 6, r->failures);
			sqlite3_bind_int(st[3], 7, r->gave_up);
			bind64(st[3], 8, r->reaped_kb);
			bind64(st[3], 9, r->left_kb);
			if (step(st[3]))
				goto out;
		}
		for (k = 0; k < v->nverdicts; k++) {
			sqlite3_bind_int64(st[4], 1, (int64_t)i);
			sqlite3_bind_int64(st[4], 2, (int64_t)k);
			bindtxt(st[4], 3, ol_verdict_name(v->verdicts[k].kind));
			bindtxt(st[4], 4, ol_confidence_name(v->verdicts[k].confidence));
			bindtxt(st[4], 5, v->verdicts[k].evidence);
			bind64(st[4], 6, v->verdicts[k].other >= 0 ? v->verdicts[k].other : OL_NONE);
			if (step(st[4]))
				goto out;
		}
		for (k = 0; k < v->npoints; k++) {
			sqlite3_bind_int64(st[5], 1, (int64_t)i);
			sqlite3_bind_int64(st[5], 2, (int64_t)k);
			bind64(st[5], 3, v->points[k].ts_ns);
			bindtxt(st[5], 4, v->points[k].what);
			bindtxt(st[5], 5, v->points[k].detail);
			bind64(st[5], 6, v->points[k].event_id >= 0 ? v->points[k].event_id : OL_NONE);
			if (step(st[5]))
				goto out;
		}
		for (k = 0; k < v->ncurve; k++)
			if (curve_add(cr, (int64_t)i, v->curve[k].ts_ns, v->curve[k].held_kb))
				goto out;
	}
	for (i = 0; i < a->nepisodes; i++) {
		const struct ol_episode *e = &a->episodes[i];

		sqlite3_bind_int64(st[2], 1, (int64_t)i);
		bindtxt(st[2], 2, e->domain);
		bind64(st[2], 3, e->start_ns);
		bind64(st[2], 4, e->end_ns);
		sqlite3_bind_int64(st[2], 5, (int64_t)e->first);
		sqlite3_bind_int64(st[2], 6, (int64_t)e->count);
		sqlite3_bind_int(st[2], 7, e->unnecessary);
		if (step(st[2]))
			goto out;
	}
	if (write_otasks(b, st[7]) || write_sharers(a, st[8]) || ol_mem_write(b) ||
	    curve_flush(cr, true) ||
	    sqlite3_exec(b->db, curve_index, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(b->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	rc = 0;
out:
	if (rc) {
		*err = ol_fmt("cannot write the analysis tables: %s", sqlite3_errmsg(b->db));
		sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
	}
	for (n = 0; n < 9; n++)
		sqlite3_finalize(st[n]);
	if (cr)
		sqlite3_finalize(cr->many);
	free(cr);
	free(many);
	return rc;
}
