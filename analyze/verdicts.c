// SPDX-License-Identifier: GPL-2.0
/*
 * Verdicts (with evidence sentences that carry the numbers), episodes and
 * the summary.  Every verdict says how sure it is; missing events and
 * lost events lower that, never silently.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze-local.h"

/* A later kill in the same domain within this time of the previous
 * victim's kill or freed time continues the episode. */
#define EPISODE_GAP_NS	(10 * NS_PER_SEC)
/* Usage below this share of the limit at an OOM: premature. */
#define PREMATURE_PCT	75

void ol_verdict_add(struct ol_victim *v, enum ol_verdict_kind k, enum ol_confidence c,
		    int other, const char *fmt, ...)
{
	struct ol_verdict *nv;
	va_list ap;

	nv = realloc(v->verdicts, (v->nverdicts + 1) * sizeof(*v->verdicts));
	if (!nv)
		return;
	v->verdicts = nv;
	nv = &v->verdicts[v->nverdicts++];
	nv->kind = k;
	nv->confidence = c;
	nv->other = other;
	va_start(ap, fmt);
	nv->evidence = ol_vfmt(fmt, ap);
	va_end(ap);
}

/* The verdicts compare domains of all victim pairs within 10 s of each
 * other (millions of pairs in a storm): compare ids, not strings. */
static bool same_domain(const struct ol_build *b, int x, int y)
{
	if (b->vs[x].dom < 0)	/* no ids (out of memory) */
		return !strcmp(b->a->victims[x].domain, b->a->victims[y].domain);
	return b->vs[x].dom == b->vs[y].dom;
}

static const struct ol_victim *dom_victims;

static int dom_cmp(const void *x, const void *y)
{
	return strcmp(dom_victims[*(const int *)x].domain, dom_victims[*(const int *)y].domain);
}

/* Number the distinct domains; returns -1 when out of memory. */
static int domain_ids(struct ol_build *b)
{
	const struct ol_analysis *a = b->a;
	int *ix = malloc((a->nvictims + 1) * sizeof(*ix));
	size_t i;
	int id = 0;

	if (!ix)
		return -1;
	for (i = 0; i < a->nvictims; i++)
		ix[i] = (int)i;
	dom_victims = a->victims;
	qsort(ix, a->nvictims, sizeof(*ix), dom_cmp);
	for (i = 0; i < a->nvictims; i++) {
		if (i && strcmp(a->victims[ix[i]].domain, a->victims[ix[i - 1]].domain))
			id++;
		b->vs[ix[i]].dom = id;
	}
	free(ix);
	return 0;
}

static enum ol_confidence cmin(enum ol_confidence a, enum ol_confidence b)
{
	return a < b ? a : b;
}

static const char *mem_parts(char *buf, size_t len, const struct ol_victim *v)
{
	if (v->anon_kb == OL_NONE)
		snprintf(buf, len, "memory at the kill unknown");
	else
		snprintf(buf, len, "anon %lld kB, file %lld kB, shmem %lld kB at the kill",
			 (long long)v->anon_kb, (long long)(v->file_kb != OL_NONE ? v->file_kb : 0),
			 (long long)(v->shmem_kb != OL_NONE ? v->shmem_kb : 0));
	return buf;
}

/*
 * The task table row of process @tgid in the OOM report of victim @vi's
 * kill (NULL if not listed); *@nrows: rows that report had (0: none
 * recorded, so absence means nothing).  Rows are kept in victim order.
 */
static const struct ol_otask *report_row(const struct ol_build *b, int vi, int tgid,
					 size_t *nrows)
{
	const struct ol_otask *found = NULL;
	size_t lo = 0, hi = b->notasks;

	*nrows = 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (b->otasks[mid].victim < vi)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < b->notasks && b->otasks[lo].victim == vi; lo++) {
		(*nrows)++;
		/* the largest thread of the process (rss is per mm, equal) */
		if (b->otasks[lo].tgid == tgid && (!found || b->otasks[lo].rss > found->rss))
			found = &b->otasks[lo];
	}
	return found;
}

/* "; this kill's OOM report still listed ..." / "... no longer listed ..." */
static void table_note(const struct ol_build *b, int bi, const struct ol_victim *A,
		       char *buf, size_t len)
{
	size_t n;
	const struct ol_otask *t = report_row(b, bi, A->tgid, &n);

	buf[0] = 0;
	if (!n)
		return;
	if (!t)
		snprintf(buf, len, "; the task table of this kill's OOM report no longer listed "
			 "process %d, so all its threads had left the task list the OOM killer "
			 "scans while its mm lived on", A->tgid);
	else if (t->rss >= 0)
		snprintf(buf, len, "; the task table of this kill's OOM report still listed its "
			 "thread %d (%s) with %lld pages resident%s", t->pid, t->name, t->rss,
			 t->rss_shmem > 0 && t->rss_shmem * 2 >= t->rss ? ", most of them shmem" : "");
}

/*
 * A kernel log alone: a kill in the same domain after an earlier
 * victim's "oom_reaper: reaped process ..., now anon-rss:..,
 * file-rss:.., shmem-rss:N" line showed it still held >= 1 MB and >= 10%
 * of its memory.  oom_reap_task() sets MMF_OOM_SKIP right after that
 * line, and the OOM killer then chooses again although that memory may
 * still be held; whether it ever came back, the exit path does not log.
 * A candidate, never more than inferred.
 */
static void log_candidate(struct ol_build *b, int bi)
{
	struct ol_analysis *an = b->a;
	struct ol_victim *B = &an->victims[bi];
	int ai, best = -1, steps = 0;
	int64_t best_left = 0;
	char r1[32], note[256];

	for (ai = bi - 1; ai >= 0 && steps < 4096; ai--, steps++) {
		struct ol_victim *A = &an->victims[ai];
		struct ol_vstate *vs = &b->vs[ai];
		int64_t left, floor;

		if (B->kill_ns - A->kill_ns > 60 * NS_PER_SEC)
			break;
		if (!same_domain(b, ai, bi) || A->bypass || (B->group >= 0 && A->group == B->group))
			continue;
		if (vs->reaped_line_ns == OL_NONE || vs->reaped_line_ns > B->kill_ns)
			continue;
		if (A->freed_ns != OL_NONE && A->freed_ns <= B->kill_ns)
			continue;
		left = vs->now_anon + vs->now_file + vs->now_shmem;
		floor = A->rss_kb != OL_NONE ? A->rss_kb / 10 : 0;
		if (left < 1024 || left < floor)
			continue;
		if (best < 0 || left > best_left) {
			best = ai;
			best_left = left;
		}
	}
	if (best < 0)
		return;
	{
		struct ol_victim *A = &an->victims[best];
		struct ol_vstate *vs = &b->vs[best];

		table_note(b, bi, A, note, sizeof(note));
		ol_verdict_add(B, OL_VERDICT_UNNECESSARY, OL_CONF_INFERRED, best,
			       "candidate (kernel log only): pid %d (%s) still held %lld kB (anon %lld kB, "
			       "file %lld kB, shmem %lld kB) per the oom_reaper's \"reaped process\" line "
			       "at %s after its kill, before the OOM killer chose again; the oom_reaper "
			       "sets MMF_OOM_SKIP right after that line, so it no longer saw that memory%s; "
			       "whether and when that memory came back is not in a kernel log.",
			       A->pid, A->comm, (long long)best_left, (long long)vs->now_anon,
			       (long long)vs->now_file, (long long)vs->now_shmem,
			       ol_rel(b, r1, sizeof(r1), vs->reaped_line_ns - A->kill_ns), note);
	}
}

static void unnecessary(struct ol_build *b, int bi, const int64_t *pmax)
{
	struct ol_analysis *an = b->a;
	struct ol_victim *B = &an->victims[bi];
	int ai, best = -1;
	int64_t best_held = 0;
	bool best_known = false;
	char r1[32], r2[32], r3[48], r4[32], parts[128], why[512], reap[64];
	enum ol_confidence c;

	if (B->bypass)
		return;
	for (ai = bi - 1; ai >= 0; ai--) {
		struct ol_victim *A = &an->victims[ai];
		int64_t held, floor;
		bool known;

		/* nobody at or before A still held memory at B's kill */
		if (pmax[ai] == OL_NONE || pmax[ai] <= B->kill_ns)
			break;
		if (!same_domain(b, ai, bi) || (B->group >= 0 && A->group == B->group))
			continue;
		/* its memory had not come back yet, and did come back later */
		if (A->freed_ns == OL_NONE || A->freed_ns <= B->kill_ns)
			continue;
		held = ol_held_at(b, ai, B->kill_ns, &known);
		floor = A->rss_kb != OL_NONE ? A->rss_kb / 10 : 0;
		if (held == OL_NONE || held < 1024 || held < floor)
			continue;
		if (best < 0 || held > best_held) {
			best = ai;
			best_held = held;
			best_known = known;
		}
	}
	if (best < 0 && b->era.kmsg_only)
		log_candidate(b, bi);
	if (best < 0)
		return;
	{
		struct ol_victim *A = &an->victims[best];

		c = OL_CONF_OBSERVED;
		if (!best_known || A->freed_confidence < OL_CONF_OBSERVED)
			c = OL_CONF_INFERRED;
		reap[0] = 0;
		if (A->reaper.reaped_kb != OL_NONE && (A->skip_by == OL_SKIP_BY_REAPER ||
						       A->skip_by == OL_SKIP_BY_REAPER_GAVE_UP))
			snprintf(reap, sizeof(reap), " after reaping %lld kB",
				 (long long)A->reaper.reaped_kb);
		if (A->skip_ns != OL_NONE && A->skip_ns <= B->kill_ns) {
			snprintf(why, sizeof(why), "MMF_OOM_SKIP had been set by %s at %s%s (%s)",
				 A->skip_by == OL_SKIP_BY_REAPER ? "the oom_reaper" :
				 A->skip_by == OL_SKIP_BY_REAPER_GAVE_UP ? "the oom_reaper, giving up," :
				 A->skip_by == OL_SKIP_BY_EXIT ? "the exit path" : ol_skip_by_name(A->skip_by),
				 ol_rel(b, r1, sizeof(r1), A->skip_ns - A->kill_ns), reap,
				 ol_confidence_name(A->skip_confidence));
			if (A->skip_confidence < OL_CONF_OBSERVED)
				c = cmin(c, OL_CONF_INFERRED);
		} else if (A->exit_ns != OL_NONE && A->exit_ns <= B->kill_ns &&
			   A->skip_by == OL_SKIP_BY_EXIT && A->skip_ns != OL_NONE) {
			/* 6.x: a dying leader without live threads is skipped by the
			 * memcg scan (CSS_TASK_ITER_PROCS) while the last thread is
			 * still in exit_mmap, before it sets MMF_OOM_SKIP */
			snprintf(why, sizeof(why), "all its threads had exited at %s, so the OOM killer "
				 "no longer saw it, while its exit_mmap was still unmapping the mm "
				 "(MMF_OOM_SKIP set by the exit path only at %s)",
				 ol_rel(b, r1, sizeof(r1), A->exit_ns - A->kill_ns),
				 ol_rel(b, r4, sizeof(r4), A->skip_ns - A->kill_ns));
		} else if (A->exit_ns != OL_NONE && A->exit_ns <= B->kill_ns) {
			const struct ol_mmtrack *m = b->vs[best].mm >= 0 ? &b->mms[b->vs[best].mm] : NULL;
			char pin[96];

			/* the task that ran exit_mmap held the last reference */
			if (m && m->done && m->exit_mmap_pinned)
				snprintf(pin, sizeof(pin), "pinned by pid %d (%s) until %s", m->exit_mmap_pid,
					 m->exit_mmap_comm, ol_rel(b, r2, sizeof(r2), m->exit_mmap_ns - A->kill_ns));
			else
				snprintf(pin, sizeof(pin), "pinned by another task or waiting for the reaper");
			snprintf(why, sizeof(why), "all its threads had exited at %s, so the OOM killer "
				 "no longer saw it, while its mm lived on (%s)",
				 ol_rel(b, r1, sizeof(r1), A->exit_ns - A->kill_ns), pin);
		} else if (b->era.kmsg_only) {
			char note[256];

			table_note(b, bi, A, note, sizeof(note));
			snprintf(why, sizeof(why), "the kernel log shows no freeing of it before the "
				 "oom_reaper's line%s", note);
			c = cmin(c, OL_CONF_INFERRED);
		} else {
			snprintf(why, sizeof(why), "the data shows neither MMF_OOM_SKIP nor its exit "
				 "before this kill");
			c = cmin(c, OL_CONF_INFERRED);
		}
		if (A->lost_in_window || B->lost_in_window)
			c = cmin(c, OL_CONF_INFERRED);
		r3[0] = 0;
		if (A->last_freed_ns != OL_NONE && A->last_freed_ns != A->freed_ns) {
			snprintf(r3, sizeof(r3), "; all at %s",
				 ol_rel(b, r4, sizeof(r4), A->last_freed_ns - A->kill_ns));
		}
		mem_parts(parts, sizeof(parts), A);
		ol_verdict_add(B, OL_VERDICT_UNNECESSARY, c, best,
			       "pid %d (%s) still held %lld kB (%s) when the OOM killer chose again; "
			       "%s; its memory came back at %s (%s%s).",
			       A->pid, A->comm, (long long)best_held, parts, why,
			       ol_rel(b, r2, sizeof(r2), A->freed_ns - A->kill_ns),
			       A->freed_by == OL_FREED_BY_REAPER ? "by the oom_reaper" : "exit", r3);
	}
}

/*
 * A kernel log alone: the only statement of what a victim still held
 * after its kill is the oom_reaper's "now anon-rss:..,shmem-rss:.." line
 * (no line is no evidence: the exit path logs nothing).
 */
static void log_ineffective(struct ol_build *b, int ai)
{
	struct ol_analysis *an = b->a;
	struct ol_victim *A = &an->victims[ai];
	struct ol_vstate *vs = &b->vs[ai];
	int64_t left = vs->now_anon + vs->now_file + vs->now_shmem;
	size_t bi;
	char r1[32], r2[32];

	if (vs->reaped_line_ns == OL_NONE || left * 2 < A->rss_kb)
		return;
	for (bi = (size_t)ai + 1; bi < an->nvictims; bi++) {
		struct ol_victim *B = &an->victims[bi];

		if (B->kill_ns < vs->reaped_line_ns)
			continue;
		if (B->kill_ns - vs->reaped_line_ns > EPISODE_GAP_NS)
			break;
		if (!same_domain(b, ai, (int)bi) || B->bypass || (A->group >= 0 && B->group == A->group))
			continue;
		ol_verdict_add(A, OL_VERDICT_INEFFECTIVE, OL_CONF_INFERRED, (int)bi,
			       "the oom_reaper's line at %s showed this victim still held %lld of its "
			       "%lld kB (shmem %lld kB%s) when the domain killed again (pid %d (%s), %s "
			       "after this kill); whether and when the rest came back is not in a "
			       "kernel log.",
			       ol_rel(b, r1, sizeof(r1), vs->reaped_line_ns - A->kill_ns), (long long)left,
			       (long long)A->rss_kb, (long long)vs->now_shmem,
			       vs->now_shmem * 2 >= left ? ", which the oom_reaper cannot free" : "",
			       B->pid, B->comm, ol_rel(b, r2, sizeof(r2), B->kill_ns - A->kill_ns));
		return;
	}
}

static void ineffective(struct ol_build *b, int ai)
{
	struct ol_analysis *an = b->a;
	struct ol_victim *A = &an->victims[ai];
	size_t bi;
	char r1[32], r2[32];

	if (A->bypass || A->rss_kb == OL_NONE || A->rss_kb <= 0)
		return;
	if (b->era.kmsg_only) {
		log_ineffective(b, ai);
		return;
	}
	for (bi = (size_t)ai + 1; bi < an->nvictims; bi++) {
		struct ol_victim *B = &an->victims[bi];
		int64_t held;
		bool known;

		if (B->kill_ns - A->kill_ns > EPISODE_GAP_NS)
			break;
		if (!same_domain(b, ai, (int)bi) || B->bypass || (A->group >= 0 && B->group == A->group))
			continue;
		held = ol_held_at(b, ai, B->kill_ns, &known);
		if (!known || held * 2 < A->rss_kb)
			continue;
		ol_verdict_add(A, OL_VERDICT_INEFFECTIVE,
			       A->lost_in_window ? OL_CONF_INFERRED : OL_CONF_OBSERVED, (int)bi,
			       "this kill had given back only %lld of %lld kB when the domain killed again "
			       "(pid %d (%s), %s later)%s; %s%s.",
			       (long long)(A->rss_kb - held), (long long)A->rss_kb, B->pid, B->comm,
			       ol_rel(b, r1, sizeof(r1), B->kill_ns - A->kill_ns),
			       A->shmem_kb != OL_NONE && A->shmem_kb * 2 >= A->rss_kb ?
			       ": most of it is shmem, which the oom_reaper cannot free" : "",
			       A->freed_ns != OL_NONE ? "the rest came back at " :
			       "when the rest came back is not in the data",
			       A->freed_ns != OL_NONE ? ol_rel(b, r2, sizeof(r2), A->freed_ns - A->kill_ns) : "");
		return;
	}
}

static void others(struct ol_build *b, int vi)
{
	struct ol_victim *v = &b->a->victims[vi];
	struct ol_vstate *vs = &b->vs[vi];
	char r1[32], r2[32], r3[32];

	if (v->bypass)
		ol_verdict_add(v, OL_VERDICT_BYPASS, OL_CONF_OBSERVED, -1,
			       "marked as OOM victim with no \"Killed process\" line in the recorded "
			       "kernel log%s: the task_will_free_mem() shortcut, no SIGKILL of the OOM killer.",
			       vs->exiting_line ? " (\"is already exiting. Skip killing the task\")" : "");
	if (vs->raced)
		ol_verdict_add(v, OL_VERDICT_RACED, OL_CONF_OBSERVED, -1,
			       "the victim's own teardown (%d events of its exit path on the mm, the "
			       "first at %s) ran while the oom_reaper reaped it (%s .. %s).",
			       vs->raced, ol_rel(b, r1, sizeof(r1), vs->raced_ns - v->kill_ns),
			       ol_rel(b, r2, sizeof(r2), v->reaper.start_ns - v->kill_ns),
			       ol_rel(b, r3, sizeof(r3), v->reaper.end_ns != OL_NONE ?
				      v->reaper.end_ns - v->kill_ns : OL_NONE));
	if (v->nsharers) {
		const struct ol_sharer *sh = v->sharers;
		char who[256];
		size_t k, at = 0;

		who[0] = 0;
		for (k = 0; k < v->nsharers && at < sizeof(who) - 64; k++)
			at += (size_t)snprintf(who + at, sizeof(who) - at, "%s%d (%s, %s%s)",
					       k ? ", " : "", sh[k].pid, sh[k].comm,
					       sh[k].parent ? "its parent; the victim came from " : "",
					       ol_sharer_created_name(sh[k].created));
		if (k < v->nsharers)
			snprintf(who + at, sizeof(who) - at, ", ...");
		ol_verdict_add(v, OL_VERDICT_SHARED_MM, vs->clone_vm ? OL_CONF_OBSERVED :
			       OL_CONF_INFERRED, -1,
			       "%zu other process%s sharing this victim's mm SIGKILLed by the OOM "
			       "killer in the same call, with no kill of their own: %s; one mm, so "
			       "the memory and its times are this victim's.",
			       v->nsharers, v->nsharers == 1 ? "" : "es", who);
	}
	if (vs->constraint && !strcmp(vs->constraint, "CONSTRAINT_MEMCG") &&
	    vs->usage_kb != OL_NONE && vs->limit_kb > 0 &&
	    vs->usage_kb * 100 < vs->limit_kb * PREMATURE_PCT &&
	    (vs->sw_usage_kb == OL_NONE || vs->sw_limit_kb <= 0 ||
	     vs->sw_usage_kb * 100 < vs->sw_limit_kb * PREMATURE_PCT))
		ol_verdict_add(v, OL_VERDICT_PREMATURE, OL_CONF_OBSERVED, -1,
			       "the memcg used %lld kB of its %lld kB limit (%lld%%) when the OOM killer ran.",
			       (long long)vs->usage_kb, (long long)vs->limit_kb,
			       (long long)(vs->usage_kb * 100 / vs->limit_kb));
}

static void unknowns(struct ol_build *b, int vi)
{
	struct ol_victim *v = &b->a->victims[vi];
	const struct ol_era *e = &b->era;
	char miss[256] = "", r1[32], r2[32];
	size_t i;

	if (v->lost_in_window) {
		int64_t end = v->last_freed_ns != OL_NONE ? v->last_freed_ns :
			      v->freed_ns != OL_NONE ? v->freed_ns : b->last_ns;

		for (i = 0; i < b->ngaps; i++) {
			const struct ol_gap *g = &b->gaps[i];
			char cnt[32];

			snprintf(cnt, sizeof(cnt), g->lost < 0 ? "an unknown number of" : "%lld",
				 g->lost);
			if (!g->lo && !g->hi)
				ol_verdict_add(v, OL_VERDICT_UNKNOWN, OL_CONF_UNKNOWN, -1,
					       "CPU %d lost %s events at an unknown time of the "
					       "recording: events of this victim may be missing.", g->cpu, cnt);
			else if (g->hi >= v->kill_ns && g->lo <= end)
				ol_verdict_add(v, OL_VERDICT_UNKNOWN, OL_CONF_UNKNOWN, -1,
					       "CPU %d lost %s events between %s and %s after the kill, "
					       "inside this victim's window: the timeline may miss events.",
					       g->cpu, cnt, ol_rel(b, r1, sizeof(r1), g->lo - v->kill_ns),
					       ol_rel(b, r2, sizeof(r2), g->hi - v->kill_ns));
		}
		for (i = 0; i < v->nverdicts; i++)
			if (v->verdicts[i].confidence > OL_CONF_INFERRED)
				v->verdicts[i].confidence = OL_CONF_INFERRED;
	}
	if (v->freed_ns != OL_NONE && v->skip_ns != OL_NONE)
		return;
#define MISS(cond, txt) do { if (cond) { size_t l = strlen(miss); \
	snprintf(miss + l, sizeof(miss) - l, "%s%s", l ? ", " : "", txt); } } while (0)
	MISS(!e->has_exit_mmap && !e->kmsg_only, "mmap:exit_mmap");
	MISS(!e->has_rss_stat && !e->kmsg_only, "kmem:rss_stat");
	MISS(!e->has_mmap_lock && !e->kmsg_only, "mmap_lock:*");
	MISS(!e->has_console, "printk:console");
	MISS(!e->mark_victim_ext && !e->kmsg_only, "memory fields of oom:mark_victim");
#undef MISS
	if (e->kmsg_only)
		snprintf(miss, sizeof(miss), "no trace events (only the kernel log was available)");
	ol_verdict_add(v, OL_VERDICT_UNKNOWN, OL_CONF_UNKNOWN, -1,
		       "%s%s%s; not recorded: %s.",
		       v->freed_ns == OL_NONE ? "when its memory came back is not in the data" : "",
		       v->freed_ns == OL_NONE && v->skip_ns == OL_NONE ? "; " : "",
		       v->skip_ns == OL_NONE ? "who set MMF_OOM_SKIP and when is not in the data" : "",
		       miss[0] ? miss : "nothing missing (the recording may end too early)");
}

static const enum ol_verdict_kind order[] = {
	OL_VERDICT_BYPASS, OL_VERDICT_UNNECESSARY, OL_VERDICT_PREMATURE,
	OL_VERDICT_INEFFECTIVE, OL_VERDICT_RACED, OL_VERDICT_SHARED_MM,
	OL_VERDICT_UNKNOWN, OL_VERDICT_OK,
};

static void headline(struct ol_victim *v)
{
	size_t k, i;

	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++)
		for (i = 0; i < v->nverdicts; i++)
			if (v->verdicts[i].kind == order[k]) {
				struct ol_verdict t = v->verdicts[i];

				memmove(&v->verdicts[1], &v->verdicts[0], i * sizeof(t));
				v->verdicts[0] = t;
				v->verdict = t.kind;
				v->verdict_confidence = t.confidence;
				return;
			}
}

void ol_build_verdicts(struct ol_build *b)
{
	struct ol_analysis *a = b->a;
	size_t i, k;
	char r1[32], note[224];

	int64_t *pmax = malloc((a->nvictims + 1) * sizeof(*pmax));

	if (domain_ids(b))
		for (i = 0; i < a->nvictims; i++)
			b->vs[i].dom = -1;

	/* pmax[i]: the latest freed time among victims 0..i */
	for (i = 0; pmax && i < a->nvictims; i++) {
		int64_t f = a->victims[i].freed_ns;

		pmax[i] = i && pmax[i - 1] != OL_NONE && (f == OL_NONE || pmax[i - 1] > f) ? pmax[i - 1] : f;
	}
	for (i = 0; i < a->nvictims; i++) {
		if (pmax)
			unnecessary(b, (int)i, pmax);
		ineffective(b, (int)i);
		others(b, (int)i);
	}
	free(pmax);
	for (i = 0; i < a->nvictims; i++) {
		struct ol_victim *v = &a->victims[i];
		const char *cs = b->vs[i].constraint;

		note[0] = 0;
		if (cs && (!strcmp(cs, "CONSTRAINT_CPUSET") || !strcmp(cs, "CONSTRAINT_MEMORY_POLICY")))
			snprintf(note, sizeof(note), " The OOM was %s: memory of other nodes may be "
				 "free, which is legitimate for this allocation.", cs);
		if (b->vs[i].log_only) {
			size_t l = strlen(note);

			snprintf(note + l, sizeof(note) - l, " The kill is known from the kernel "
				 "log only (no oom:mark_victim event).");
		}
		if (!v->nverdicts && v->freed_ns != OL_NONE)
			ol_verdict_add(v, OL_VERDICT_OK, v->freed_confidence, -1,
				       "its memory came back %s after the kill, %s.%s",
				       ol_rel(b, r1, sizeof(r1), v->freed_ns - v->kill_ns),
				       v->freed_by == OL_FREED_BY_REAPER ? "reaped by the oom_reaper" :
				       "freed by its own exit", note);
		/* a victim seen only in the kernel log: its kill time is a
		 * log line's and a bypass cannot be told from a kill */
		for (k = 0; (b->vs[i].log_only || b->era.kmsg_only) && k < v->nverdicts; k++)
			if (v->verdicts[k].confidence > OL_CONF_INFERRED)
				v->verdicts[k].confidence = OL_CONF_INFERRED;
		unknowns(b, (int)i);
		headline(v);
	}
}

void ol_build_episodes(struct ol_build *b)
{
	struct ol_analysis *a = b->a;
	struct ol_episode *e = NULL;
	size_t i, cap = 0;
	int64_t end = OL_NONE;

	for (i = 0; i < a->nvictims; i++) {
		struct ol_victim *v = &a->victims[i];
		int64_t vend = v->kill_ns;

		if (v->freed_ns != OL_NONE && v->freed_ns > vend)
			vend = v->freed_ns;
		if (v->last_freed_ns != OL_NONE && v->last_freed_ns > vend)
			vend = v->last_freed_ns;
		if (!e || strcmp(e->domain, v->domain) || v->kill_ns > end + EPISODE_GAP_NS) {
			a->episodes = ol_grow(a->episodes, &cap, a->nepisodes + 1, sizeof(*a->episodes));
			if (!a->episodes) {
				a->nepisodes = 0;
				return;
			}
			e = &a->episodes[a->nepisodes];
			e->index = (int)a->nepisodes++;
			e->domain = ol_xstrdup(v->domain);
			e->start_ns = v->kill_ns;
			e->first = i;
			e->count = 0;
			e->unnecessary = 0;
			end = vend;
		}
		if (vend > end)
			end = vend;
		e->end_ns = end;
		e->count++;
		v->episode = e->index;
		{
			size_t k;

			for (k = 0; k < v->nverdicts; k++)
				if (v->verdicts[k].kind == OL_VERDICT_UNNECESSARY)
					e->unnecessary++;
		}
	}
}

static int cmp64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return (a > b) - (a < b);
}

void ol_build_summary(struct ol_analysis *a)
{
	struct ol_summary *s = &a->summary;
	int64_t *ttf = malloc((a->nvictims + 1) * sizeof(*ttf));
	size_t i, k;

	memset(s, 0, sizeof(*s));
	s->ttf_p50_ns = s->ttf_p90_ns = s->ttf_max_ns = OL_NONE;
	s->victims = a->nvictims;
	for (i = 0; i < a->nvictims; i++) {
		const struct ol_victim *v = &a->victims[i];
		bool seen[OL_VERDICT_NR] = { false };

		for (k = 0; k < v->nverdicts; k++)
			if ((unsigned)v->verdicts[k].kind < OL_VERDICT_NR && !seen[v->verdicts[k].kind]) {
				seen[v->verdicts[k].kind] = true;
				s->verdicts[v->verdicts[k].kind]++;
			}
		if (v->bypass) {
			s->bypasses++;
			continue;
		}
		s->kills++;
		if (v->reaper.gave_up)
			s->gave_up++;
		if (v->freed_by == OL_FREED_BY_REAPER)
			s->reaped++;
		else if (v->freed_by == OL_FREED_BY_EXIT)
			s->self_exited++;
		else
			s->unknown_free++;
		if (ttf && v->freed_ns != OL_NONE)
			ttf[s->with_ttf++] = v->freed_ns - v->kill_ns;
	}
	if (ttf && s->with_ttf) {
		qsort(ttf, s->with_ttf, sizeof(*ttf), cmp64);
		/* nearest rank */
		s->ttf_p50_ns = ttf[(s->with_ttf * 50 + 99) / 100 - 1];
		s->ttf_p90_ns = ttf[(s->with_ttf * 90 + 99) / 100 - 1];
		s->ttf_max_ns = ttf[s->with_ttf - 1];
	}
	free(ttf);
}
