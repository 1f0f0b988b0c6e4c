// SPDX-License-Identifier: GPL-2.0
/*
 * ol_analysis_load(): read the analysis tables back (no recomputation), so
 * that reports/ and tui/ open a database fast.
 */
#include <stdlib.h>
#include <string.h>

#include "collect/collect.h"
#include "analyze/analyze-local.h"

static int64_t col64(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? OL_NONE : sqlite3_column_int64(s, i);
}

static char *coltxt(sqlite3_stmt *s, int i)
{
	const char *t = (const char *)sqlite3_column_text(s, i);

	return ol_xstrdup(t);
}

/* NULL for SQL NULL (a fact the data does not have). */
static char *coltxt_null(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? NULL : coltxt(s, i);
}

static bool coleq(sqlite3_stmt *s, int i, const char *x)
{
	const char *t = (const char *)sqlite3_column_text(s, i);

	return t && !strcmp(t, x);
}

static enum ol_confidence conf_of(sqlite3_stmt *s, int i)
{
	int c;

	for (c = OL_CONF_OBSERVED; c > OL_CONF_UNKNOWN; c--)
		if (coleq(s, i, ol_confidence_name(c)))
			return c;
	return OL_CONF_UNKNOWN;
}

static int enum_of(sqlite3_stmt *s, int i, const char *(*name)(int), int n)
{
	int k;

	for (k = 0; k < n; k++)
		if (coleq(s, i, name(k)))
			return k;
	return 0;
}

static const char *skip_name(int k) { return ol_skip_by_name(k); }
static const char *freed_name(int k) { return ol_freed_by_name(k); }
static const char *verdict_name(int k) { return ol_verdict_name(k); }

/* Point kinds as static strings (struct ol_point.what is borrowed). */
static const char *what_of(sqlite3_stmt *s, int i)
{
	static const char *const known[] = {
		"kill", "sigkill", "log", "exit", "last_exit", "process_free", "wake_reaper",
		"reap_start", "reap_finish", "reap_skip", "lock_failed", "skip_set", "freed",
		"exit_mmap",
	};
	size_t k;

	for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
		if (coleq(s, i, known[k]))
			return known[k];
	return "other";
}

static const char *mem_source_of(sqlite3_stmt *s, int i)
{
	return coleq(s, i, "event") ? "event" : coleq(s, i, "kmsg") ? "kmsg" : "unknown";
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return NULL;
	return s;
}

static char *meta_value(sqlite3 *db, const char *table, const char *key)
{
	char sql[128];
	sqlite3_stmt *s;
	char *v = NULL;

	snprintf(sql, sizeof(sql), "SELECT value FROM %s WHERE key = ?1", table);
	s = prep(db, sql);
	if (!s)
		return ol_xstrdup("");
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = coltxt(s, 0);
	sqlite3_finalize(s);
	return v ? v : ol_xstrdup("");
}

static int load_header(sqlite3 *db, struct ol_analysis *a)
{
	sqlite3_stmt *s;
	char *t;

	a->kernel = meta_value(db, "meta", "kernel_release");
	a->hostname = meta_value(db, "meta", "hostname");
	a->clock = meta_value(db, "meta", "clock");
	a->boot_id = meta_value(db, "meta", "boot_id");
	a->era = meta_value(db, "analysis_meta", "era");
	a->evidence = meta_value(db, "analysis_meta", "evidence");
	a->kmsg_only = !strcmp(a->evidence, "kernel-log-only");
	t = meta_value(db, "meta", "cpus");
	a->cpus = atoi(t);
	free(t);
	t = meta_value(db, "meta", "lost.total");
	a->lost_total = *t ? atoll(t) : -1;
	free(t);
	t = meta_value(db, "meta", "not_stored.mmap_lock");
	a->not_stored = atoll(t);
	free(t);
	t = meta_value(db, "analysis_meta", "resolution_ns");
	a->res_ns = *t ? atoll(t) : 1;		/* an older analysis: traces */
	free(t);
	t = meta_value(db, "analysis_meta", "first_ns");
	a->first_ns = *t ? atoll(t) : OL_NONE;
	free(t);
	t = meta_value(db, "analysis_meta", "last_ns");
	a->last_ns = *t ? atoll(t) : OL_NONE;
	free(t);
	s = prep(db, "SELECT group_concat(path, ', ') FROM sources");
	a->sources = s && sqlite3_step(s) == SQLITE_ROW ? coltxt(s, 0) : ol_xstrdup("");
	sqlite3_finalize(s);
	return 0;
}

static int load_victims(sqlite3 *db, struct ol_analysis *a)
{
	sqlite3_stmt *s = prep(db, "SELECT id, episode, pid, tgid, comm, uid, oom_score_adj,"
		" total_vm_kb, anon_kb, file_kb, shmem_kb, pgtables_kb, rss_kb, mem_source,"
		" trigger_pid, trigger_comm, domain, bypass, grp, kill_ns, skip_ns, skip_lo_ns,"
		" skip_hi_ns, skip_by, skip_confidence, freed_ns, last_freed_ns, freed_by,"
		" freed_confidence, exit_ns, process_free_ns, verdict, verdict_confidence,"
		" lost_in_window, gfp_mask, gfp_order, oom_constraint, oom_nodemask, oom_memcg,"
		" task_memcg, oom_invoker, memcg_usage_kb, memcg_limit_kb,"
		" (SELECT count(*) FROM oom_tasks t WHERE t.victim = victims.id)"
		" FROM victims ORDER BY id");
	size_t n = 0, cap = 0;
	sqlite3_stmt *c = prep(db, "SELECT count(*) FROM victims");

	/* one allocation of the right size: a victim is ~0.5 kB */
	if (c && sqlite3_step(c) == SQLITE_ROW && sqlite3_column_int64(c, 0) > 0) {
		cap = (size_t)sqlite3_column_int64(c, 0);
		a->victims = calloc(cap, sizeof(*a->victims));
		if (!a->victims)
			cap = 0;
	}
	sqlite3_finalize(c);
	if (!s)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct ol_victim *v;
		int i = 1;
		int64_t x;

		if ((size_t)sqlite3_column_int64(s, 0) != n)
			break;		/* ids are 0..n-1 by construction */
		v = ol_grow(a->victims, &cap, n + 1, sizeof(*v));
		if (!v)
			break;
		a->victims = v;
		v = &a->victims[n];
		memset(v, 0, sizeof(*v));
		v->index = (int)n;
		v->episode = sqlite3_column_int(s, i++);
		v->pid = sqlite3_column_int(s, i++);
		v->tgid = sqlite3_column_int(s, i++);
		v->comm = coltxt(s, i++);
		v->uid = col64(s, i++);
		x = col64(s, i++);
		v->oom_score_adj_known = x != OL_NONE;
		v->oom_score_adj = x != OL_NONE ? (int)x : 0;
		v->total_vm_kb = col64(s, i++);
		v->anon_kb = col64(s, i++);
		v->file_kb = col64(s, i++);
		v->shmem_kb = col64(s, i++);
		v->pgtables_kb = col64(s, i++);
		v->rss_kb = col64(s, i++);
		v->mem_source = mem_source_of(s, i++);
		x = col64(s, i++);
		v->trigger_pid = x != OL_NONE ? (int)x : -1;
		v->trigger_comm = coltxt(s, i++);
		v->domain = coltxt(s, i++);
		v->bypass = sqlite3_column_int(s, i++);
		x = col64(s, i++);
		v->group = x != OL_NONE ? (int)x : -1;
		v->kill_ns = col64(s, i++);
		v->skip_ns = col64(s, i++);
		v->skip_lo_ns = col64(s, i++);
		v->skip_hi_ns = col64(s, i++);
		v->skip_by = enum_of(s, i++, skip_name, OL_SKIP_BY_MM_PINNED + 1);
		v->skip_confidence = conf_of(s, i++);
		v->freed_ns = col64(s, i++);
		v->last_freed_ns = col64(s, i++);
		v->freed_by = enum_of(s, i++, freed_name, OL_FREED_BY_NOT_FREED + 1);
		v->freed_confidence = conf_of(s, i++);
		v->exit_ns = col64(s, i++);
		v->process_free_ns = col64(s, i++);
		v->verdict = enum_of(s, i++, verdict_name, OL_VERDICT_NR);
		v->verdict_confidence = conf_of(s, i++);
		v->lost_in_window = sqlite3_column_int(s, i++);
		v->gfp_mask = coltxt_null(s, i++);
		x = col64(s, i++);
		v->order = x != OL_NONE ? (int)x : -1;
		v->constraint = coltxt_null(s, i++);
		v->nodemask = coltxt_null(s, i++);
		v->oom_memcg = coltxt_null(s, i++);
		v->task_memcg = coltxt_null(s, i++);
		v->invoker = coltxt_null(s, i++);
		v->memcg_usage_kb = col64(s, i++);
		v->memcg_limit_kb = col64(s, i++);
		v->ntasks = (size_t)sqlite3_column_int64(s, i++);
		v->reaper.wake_ns = v->reaper.start_ns = v->reaper.end_ns = OL_NONE;
		v->reaper.reaped_kb = v->reaper.left_kb = OL_NONE;
		a->nvictims = ++n;
	}
	sqlite3_finalize(s);
	return 0;
}

/* The shared blocks behind every victim's points and curve. */
struct blocks {
	struct ol_point		*points;
	struct ol_rss_sample	*curve;
	char			*text;		/* the points' details, NUL-separated */
};

/*
 * Count first, then fill one block per kind: a 10,000-victim analysis
 * has ~100k points and ~300k curve samples, and growing an array per
 * victim (plus a strdup per detail) was most of the load time.
 */
static int load_points(sqlite3 *db, struct ol_analysis *a)
{
	struct blocks *b = calloc(1, sizeof(*b));
	size_t npoints = 0, ncurve = 0, ntext = 0, pi = 0, ci = 0, ti = 0;
	sqlite3_stmt *s = NULL;
	int ret = -1;

	if (!b)
		return -1;
	a->blocks = b;
	s = prep(db, "SELECT (SELECT count(*) FROM timeline),"
		 " (SELECT coalesce(sum(length(CAST(detail AS BLOB)) + 1), 0) FROM timeline),"
		 " (SELECT count(*) FROM rss_curve)");
	if (!s || sqlite3_step(s) != SQLITE_ROW)
		goto out;
	npoints = (size_t)sqlite3_column_int64(s, 0);
	ntext = (size_t)sqlite3_column_int64(s, 1);
	ncurve = (size_t)sqlite3_column_int64(s, 2);
	sqlite3_finalize(s);
	b->points = calloc(npoints + 1, sizeof(*b->points));
	b->curve = calloc(ncurve + 1, sizeof(*b->curve));
	b->text = malloc(ntext + 1);
	if (!b->points || !b->curve || !b->text)
		return -1;

	/* rows come grouped by victim: each victim's slice is contiguous */
	s = prep(db, "SELECT victim, ts_ns, what, detail, event_id FROM timeline ORDER BY victim, seq");
	while (s && sqlite3_step(s) == SQLITE_ROW && pi < npoints) {
		size_t vi = (size_t)sqlite3_column_int64(s, 0);
		const char *d = (const char *)sqlite3_column_text(s, 3);
		size_t dl = d ? strlen(d) + 1 : 0;
		struct ol_victim *v;
		struct ol_point *p;
		int64_t id;

		if (vi >= a->nvictims)
			continue;
		v = &a->victims[vi];
		if (!v->points)
			v->points = &b->points[pi];
		else if (v->points + v->npoints != &b->points[pi])
			continue;	/* out of order: not possible with ORDER BY */
		p = &b->points[pi++];
		v->npoints++;
		p->ts_ns = col64(s, 1);
		p->what = what_of(s, 2);
		if (d && ti + dl <= ntext) {
			memcpy(b->text + ti, d, dl);
			p->detail = b->text + ti;
			ti += dl;
		} else {
			p->detail = (char *)"";
		}
		id = col64(s, 4);
		p->event_id = id != OL_NONE ? id : -1;
	}
	sqlite3_finalize(s);

	s = prep(db, "SELECT victim, ts_ns, held_kb FROM rss_curve ORDER BY victim, ts_ns");
	while (s && sqlite3_step(s) == SQLITE_ROW && ci < ncurve) {
		size_t vi = (size_t)sqlite3_column_int64(s, 0);
		struct ol_victim *v;

		if (vi >= a->nvictims)
			continue;
		v = &a->victims[vi];
		if (!v->curve)
			v->curve = &b->curve[ci];
		else if (v->curve + v->ncurve != &b->curve[ci])
			continue;
		b->curve[ci].ts_ns = col64(s, 1);
		b->curve[ci].held_kb = col64(s, 2);
		ci++;
		v->ncurve++;
	}
	ret = 0;
out:
	sqlite3_finalize(s);
	return ret;
}

static int load_details(sqlite3 *db, struct ol_analysis *a)
{
	sqlite3_stmt *s;

	s = prep(db, "SELECT victim, wake_ns, start_ns, end_ns, attempts, failures, gave_up,"
		 " reaped_kb, left_kb FROM reaper_runs");
	while (s && sqlite3_step(s) == SQLITE_ROW) {
		size_t vi = (size_t)sqlite3_column_int64(s, 0);
		struct ol_reaper_run *r;

		if (vi >= a->nvictims)
			continue;
		r = &a->victims[vi].reaper;
		r->wake_ns = col64(s, 1);
		r->start_ns = col64(s, 2);
		r->end_ns = col64(s, 3);
		r->attempts = sqlite3_column_int(s, 4);
		r->failures = sqlite3_column_int(s, 5);
		r->gave_up = sqlite3_column_int(s, 6);
		r->reaped_kb = col64(s, 7);
		r->left_kb = col64(s, 8);
	}
	sqlite3_finalize(s);

	s = prep(db, "SELECT victim, kind, confidence, evidence, other FROM verdicts"
		 " ORDER BY victim, seq");
	while (s && sqlite3_step(s) == SQLITE_ROW) {
		size_t vi = (size_t)sqlite3_column_int64(s, 0);
		struct ol_victim *v;
		struct ol_verdict *nv;
		int64_t o;

		if (vi >= a->nvictims)
			continue;
		v = &a->victims[vi];
		nv = realloc(v->verdicts, (v->nverdicts + 1) * sizeof(*nv));
		if (!nv)
			break;
		v->verdicts = nv;
		nv = &nv[v->nverdicts++];
		nv->kind = enum_of(s, 1, verdict_name, OL_VERDICT_NR);
		nv->confidence = conf_of(s, 2);
		nv->evidence = coltxt(s, 3);
		o = col64(s, 4);
		nv->other = o != OL_NONE && (size_t)o < a->nvictims ? (int)o : -1;
	}
	sqlite3_finalize(s);

	if (load_points(db, a))
		return -1;

	s = prep(db, "SELECT id, domain, start_ns, end_ns, first_victim, victims, unnecessary"
		 " FROM episodes ORDER BY id");
	while (s && sqlite3_step(s) == SQLITE_ROW) {
		struct ol_episode *e = realloc(a->episodes, (a->nepisodes + 1) * sizeof(*e));

		if (!e)
			break;
		a->episodes = e;
		e = &e[a->nepisodes];
		e->index = (int)a->nepisodes++;
		e->domain = coltxt(s, 1);
		e->start_ns = col64(s, 2);
		e->end_ns = col64(s, 3);
		e->first = (size_t)sqlite3_column_int64(s, 4);
		e->count = (size_t)sqlite3_column_int64(s, 5);
		if (e->first > a->nvictims || e->count > a->nvictims - e->first)
			e->first = e->count = 0;
		e->unnecessary = sqlite3_column_int(s, 6);
	}
	sqlite3_finalize(s);
	return 0;
}

/* The sharers table (README "sharers"), sliced per victim. */
static int load_sharers(sqlite3 *db, struct ol_analysis *a)
{
	sqlite3_stmt *s = prep(db, "SELECT victim, pid, tgid, comm, created, parent, sigkill_ns,"
			       " exit_ns, event_id FROM sharers ORDER BY victim, sigkill_ns, pid");
	size_t cap = 0;
	int rc = 0;

	if (!s)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct ol_sharer *sh;
		int c;

		sh = ol_grow(a->sharers, &cap, a->nsharers + 1, sizeof(*sh));
		if (!sh) {
			rc = -1;
			break;
		}
		a->sharers = sh;
		sh = &a->sharers[a->nsharers++];
		memset(sh, 0, sizeof(*sh));
		sh->victim = sqlite3_column_int(s, 0);
		sh->pid = sqlite3_column_int(s, 1);
		sh->tgid = sqlite3_column_int(s, 2);
		sh->comm = coltxt(s, 3);
		for (c = OL_SHARER_VFORK; c > OL_SHARER_UNKNOWN; c--)
			if (coleq(s, 4, ol_sharer_created_name(c)))
				break;
		sh->created = c;
		sh->parent = sqlite3_column_int(s, 5);
		sh->sigkill_ns = col64(s, 6);
		sh->exit_ns = col64(s, 7);
		sh->event_id = sqlite3_column_type(s, 8) == SQLITE_NULL ? -1 :
			       sqlite3_column_int64(s, 8);
	}
	sqlite3_finalize(s);
	ol_sharers_slice(a);
	return rc;
}

struct ol_analysis *ol_analysis_load(const char *path, char **err)
{
	sqlite3 *db = ol_db_open_readonly(path, err);
	struct ol_analysis *a = NULL;
	sqlite3_stmt *s;

	if (!db)
		return NULL;
	s = prep(db, "SELECT value FROM analysis_meta WHERE key = 'analysis_version'");
	if (!s || sqlite3_step(s) != SQLITE_ROW) {
		*err = ol_fmt("'%s': no analysis in this database; run 'oomlens analyze %s'",
			      path, path);
		goto out;
	}
	if (!coleq(s, 0, OL_ANALYSIS_VERSION)) {
		*err = ol_fmt("'%s': the analysis is of another oomlens version; run "
			      "'oomlens analyze %s'", path, path);
		goto out;
	}
	a = calloc(1, sizeof(*a));
	if (!a) {
		*err = ol_fmt("'%s': out of memory", path);
		goto out;
	}
	a->db_path = ol_xstrdup(path);
	if (load_header(db, a) || load_victims(db, a) || load_details(db, a) ||
	    ol_mem_load(db, a) || ol_load_origins(db, a) ||
	    load_sharers(db, a)) {
		*err = ol_fmt("'%s': cannot read the analysis tables: %s", path, sqlite3_errmsg(db));
		ol_analysis_free(a);
		a = NULL;
		goto out;
	}
	ol_build_summary(a);
out:
	sqlite3_finalize(s);
	sqlite3_close(db);
	return a;
}

void ol_analysis_free(struct ol_analysis *a)
{
	size_t i, k;

	if (!a)
		return;
	for (i = 0; i < a->nvictims; i++) {
		struct ol_victim *v = &a->victims[i];

		free(v->comm);
		free(v->trigger_comm);
		free(v->domain);
		free(v->gfp_mask);
		free(v->constraint);
		free(v->nodemask);
		free(v->oom_memcg);
		free(v->task_memcg);
		free(v->invoker);
		free(v->picture_memory);
		free(v->picture_watermarks);
		free(v->picture_badness);
		for (k = 0; k < v->nverdicts; k++)
			free(v->verdicts[k].evidence);
		free(v->verdicts);
		if (a->blocks)
			continue;	/* points, details and curves live in the blocks */
		for (k = 0; k < v->npoints; k++)
			free(v->points[k].detail);
		free(v->points);
		free(v->curve);
	}
	if (a->blocks) {
		struct blocks *b = a->blocks;

		free(b->points);
		free(b->curve);
		free(b->text);
		free(b);
	}
	free(a->victims);
	for (i = 0; i < a->nsharers; i++)
		free(a->sharers[i].comm);
	free(a->sharers);
	for (i = 0; i < a->nepisodes; i++)
		free(a->episodes[i].domain);
	free(a->episodes);
	ol_origins_free(a);
	free(a->db_path);
	free(a->kernel);
	free(a->hostname);
	free(a->clock);
	free(a->boot_id);
	free(a->sources);
	free(a->era);
	free(a->evidence);
	free(a);
}
