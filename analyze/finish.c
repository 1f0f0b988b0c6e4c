// SPDX-License-Identifier: GPL-2.0
/*
 * After the pass: per victim, when MMF_OOM_SKIP was set (a bracket: the
 * flag has no tracepoint), when its memory came back, who gave it back,
 * the reaper metrics, and whether events were lost in its window.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze-local.h"

/* All threads of process @tgid gone (after @since): every thread the
 * tasks table knows for the tgid has a sched_process_exit. */
static int64_t all_exited(struct ol_build *b, int tgid, int64_t since, const int *pids, size_t n)
{
	int64_t last = OL_NONE, t;
	size_t i;

	if (!n) {
		if (ol_map_get(&b->exit_ns, tgid, &t) && t >= since)
			return t;
		return OL_NONE;
	}
	for (i = 0; i < n; i++) {
		if (!ol_map_get(&b->exit_ns, pids[i], &t))
			return OL_NONE;
		if (t > last)
			last = t;
	}
	return last >= since ? last : OL_NONE;
}

struct tpair { int tgid, pid; };

static int tpair_cmp(const void *x, const void *y)
{
	const struct tpair *a = x, *b = y;

	return a->tgid != b->tgid ? (a->tgid < b->tgid ? -1 : 1) : (a->pid > b->pid) - (a->pid < b->pid);
}

static struct tpair *threads_by_tgid(struct ol_build *b, size_t *n)
{
	struct tpair *t;
	size_t i, k = 0;

	t = malloc((b->pid2tgid.n + 1) * sizeof(*t));
	if (!t) {
		*n = 0;
		return NULL;
	}
	for (i = 0; i < b->pid2tgid.cap; i++)
		if (b->pid2tgid.keys[i] != INT64_MIN) {
			t[k].pid = (int)b->pid2tgid.keys[i];
			t[k].tgid = (int)b->pid2tgid.vals[i];
			k++;
		}
	qsort(t, k, sizeof(*t), tpair_cmp);
	*n = k;
	return t;
}

/* The threads of @tgid in @tp (sorted by tgid) into @pids (at most 256). */
static size_t threads_of(const struct tpair *tp, size_t ntp, int tgid, int *pids)
{
	size_t n = 0, lo = 0, hi = ntp;

	while (lo < hi) {	/* first thread of the tgid */
		size_t mid = (lo + hi) / 2;

		if (tp[mid].tgid < tgid)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ntp && tp[lo].tgid == tgid && n < 256; lo++)
		pids[n++] = tp[lo].pid;
	return n;
}

/*
 * The mm's users all gone: the victim's last exit and every sharer's
 * (OL_NONE while any is unknown).  Before 6.16 sched_process_exit fires
 * after exit_mm(), so with no exit_mmap event the mm was torn down by
 * then, unless another task pinned it.
 */
static void group_exit(struct ol_build *b, int vi, const struct tpair *tp, size_t ntp)
{
	struct ol_victim *v = &b->a->victims[vi];
	struct ol_vstate *vs = &b->vs[vi];
	int64_t g = v->exit_ns != OL_NONE ? v->exit_ns : vs->last_exit_ns;
	int pids[256];
	size_t i;

	for (i = 0; i < b->a->nsharers; i++) {
		struct ol_sharer *s = &b->a->sharers[i];

		if (s->victim != vi)
			continue;
		s->exit_ns = all_exited(b, s->tgid, s->sigkill_ns, pids,
					threads_of(tp, ntp, s->tgid, pids));
		if (s->exit_ns == OL_NONE || g == OL_NONE)
			g = OL_NONE;
		else if (s->exit_ns > g)
			g = s->exit_ns;
	}
	vs->group_exit_ns = g;
}

static void skip_bracket(struct ol_build *b, int vi)
{
	struct ol_victim *v = &b->a->victims[vi];
	struct ol_vstate *vs = &b->vs[vi];
	const struct ol_mmtrack *m = vs->mm >= 0 ? &b->mms[vs->mm] : NULL;
	struct { int64_t lo, hi, id; enum ol_skip_by by; enum ol_confidence c; const char *how; } c[5];
	int nc = 0, i, best = -1;
	char d1[32], d2[32];

	if (vs->pinned_ns != OL_NONE)
		c[nc++] = (typeof(c[0])){ vs->pinned_ns, vs->pinned_ns, vs->pinned_id,
			OL_SKIP_BY_MM_PINNED, OL_CONF_OBSERVED,
			"__oom_kill_process(): mm shared with global init" };
	if (vs->rs_lo != OL_NONE)
		c[nc++] = (typeof(c[0])){ vs->rs_lo, vs->rs_hi != OL_NONE ? vs->rs_hi : vs->rs_lo,
			vs->rs_id, vs->unable_ns != OL_NONE ? OL_SKIP_BY_REAPER_GAVE_UP : OL_SKIP_BY_REAPER,
			OL_CONF_OBSERVED, vs->unable_ns != OL_NONE ?
			"oom_reaper gave up (\"unable to reap\")" :
			"oom_reaper, right after finish_task_reaping" };
	/* no oom:*_task_reaping events (a kernel log alone): the reaper sets
	 * the flag just after its "reaped process" line (oom_reap_task()) */
	if (vs->rs_lo == OL_NONE && !b->era.has_reaper_events && vs->reaped_line_ns != OL_NONE)
		c[nc++] = (typeof(c[0])){ vs->reaped_line_ns, vs->reaped_line_ns, vs->reaped_line_id,
			OL_SKIP_BY_REAPER, OL_CONF_INFERRED,
			"oom_reaper, after its \"reaped process\" line (no reaper events)" };
	if (m) {
		switch (b->era.exit_rule) {
		case EXIT_RULE_AFTER_UNMAP:
			if (m->exit_mmap_ns == OL_NONE && !b->era.has_exit_mmap &&
			    b->era.kver_major * 1000 + b->era.kver_minor < 6016) {
				/* 6.1-6.15 known from the release only, no exit_mmap
				 * event: sched_process_exit still fires after
				 * exit_mm(), so the last exit bounds the flag */
				int64_t hi = vs->group_exit_ns;

				if (hi != OL_NONE)
					c[nc++] = (typeof(c[0])){ v->kill_ns, hi, vs->group_dead_id >= 0 ?
						vs->group_dead_id : vs->last_exit_id, OL_SKIP_BY_EXIT,
						OL_CONF_INFERRED, "exit_mmap after unmapping (6.1+ rule, from "
						"the kernel release), before the last thread's exit" };
				break;
			}
			if (m->exit_mmap_ns == OL_NONE)
				break;
			if (m->cand_hi != OL_NONE && m->cand_hi <= m->exit_mmap_ns)
				c[nc++] = (typeof(c[0])){ m->cand_lo, m->cand_hi, m->cand_id,
					OL_SKIP_BY_EXIT, OL_CONF_OBSERVED,
					"exit_mmap, between mmap_read_unlock and mmap_write_lock" };
			else
				c[nc++] = (typeof(c[0])){ vs->first_teardown_ns != OL_NONE ?
					vs->first_teardown_ns : v->kill_ns, m->exit_mmap_ns,
					m->exit_mmap_id, OL_SKIP_BY_EXIT, OL_CONF_INFERRED,
					"exit_mmap, before the exit_mmap event (no mmap_lock events)" };
			break;
		case EXIT_RULE_BEFORE_UNMAP:
		case EXIT_RULE_AFTER_FREE: {
			/* no exit_mmap event: sched_process_exit fires after
			 * exit_mm() on these kernels, so the last exit bounds it */
			int64_t hi = vs->group_exit_ns;
			int64_t lo = b->era.exit_rule == EXIT_RULE_BEFORE_UNMAP ?
				(vs->first_teardown_ns != OL_NONE ? vs->first_teardown_ns : v->kill_ns) :
				v->kill_ns;

			if (hi == OL_NONE)
				break;
			if (lo > hi)
				lo = v->kill_ns;
			c[nc++] = (typeof(c[0])){ lo, hi, vs->group_dead_id >= 0 ? vs->group_dead_id :
				vs->last_exit_id, OL_SKIP_BY_EXIT, OL_CONF_INFERRED,
				b->era.exit_rule == EXIT_RULE_BEFORE_UNMAP ?
				"exit path before unmapping (4.14-6.0 rule), before the last thread's exit" :
				"__mmput() after exit_mmap (<=4.13 rule), before the last thread's exit" };
			break;
		}
		default:
			break;
		}
	}
	/* the flag is set once: the earliest setter wins */
	for (i = 0; i < nc; i++)
		if (best < 0 || (c[i].by == OL_SKIP_BY_EXIT ? c[i].hi : c[i].lo) <
				(c[best].by == OL_SKIP_BY_EXIT ? c[best].hi : c[best].lo))
			best = i;
	if (best < 0) {
		v->skip_by = OL_SKIP_BY_UNKNOWN;
		v->skip_confidence = OL_CONF_UNKNOWN;
		return;
	}
	v->skip_lo_ns = c[best].lo;
	v->skip_hi_ns = c[best].hi;
	/* oom_reap_task() sets the flag right after its unlock, without
	 * sleeping: the lower bound is the estimate; elsewhere the upper */
	v->skip_ns = c[best].by == OL_SKIP_BY_EXIT ? c[best].hi : c[best].lo;
	v->skip_by = c[best].by;
	v->skip_confidence = c[best].c;
	if (b->era.exit_rule_conf < v->skip_confidence && c[best].by == OL_SKIP_BY_EXIT)
		v->skip_confidence = b->era.exit_rule_conf;
	ol_point_add(b, vi, v->skip_ns, "skip_set", c[best].id,
		     "MMF_OOM_SKIP set by %s between %s and %s after the kill (%s)",
		     ol_skip_by_name(v->skip_by), ol_rel(b, d1, sizeof(d1), v->skip_lo_ns - v->kill_ns),
		     ol_rel(b, d2, sizeof(d2), v->skip_hi_ns - v->kill_ns), c[best].how);
}

static void freed(struct ol_build *b, int vi)
{
	struct ol_victim *v = &b->a->victims[vi];
	struct ol_vstate *vs = &b->vs[vi];
	const struct ol_mmtrack *m = vs->mm >= 0 ? &b->mms[vs->mm] : NULL;
	int64_t rss = m && m->rss0_kb != OL_NONE ? m->rss0_kb : v->rss_kb;
	int64_t ts = OL_NONE, id = -1;
	enum ol_freed_by by = OL_FREED_BY_UNKNOWN;
	enum ol_confidence conf = OL_CONF_UNKNOWN;
	const char *how = "";

	/* 1. rss_stat: held <= 10% of the memory at the kill */
	if (m && m->freed90_ns != OL_NONE) {
		ts = m->freed90_ns;
		id = m->freed90_id;
		by = m->freed90_by_reaper ? OL_FREED_BY_REAPER : OL_FREED_BY_EXIT;
		conf = OL_CONF_OBSERVED;
		how = "rss_stat";
	}
	/* 2. the reaper's "now anon-rss" line */
	if (vs->reaped_line_ns != OL_NONE && rss != OL_NONE && rss > 0 &&
	    (vs->now_anon + vs->now_file + vs->now_shmem) * 10 <= rss &&
	    (ts == OL_NONE || vs->reaped_line_ns < ts)) {
		ts = vs->reaped_line_ns;
		id = vs->reaped_line_id;
		by = OL_FREED_BY_REAPER;
		conf = OL_CONF_OBSERVED;
		how = "oom_reaper log line";
	}
	/* 3. exit_mmap: everything is back */
	if (m && m->exit_mmap_ns != OL_NONE) {
		v->last_freed_ns = m->exit_mmap_ns;
		if (ts == OL_NONE || m->exit_mmap_ns < ts) {
			ts = m->exit_mmap_ns;
			id = m->exit_mmap_id;
			by = OL_FREED_BY_EXIT;
			conf = OL_CONF_OBSERVED;
			how = "exit_mmap";
		}
	} else if (!b->era.has_exit_mmap && !b->era.group_dead && vs->group_exit_ns != OL_NONE &&
		   v->exit_ns != OL_NONE) {
		/* before 6.16 sched_process_exit fires after exit_mm(): the
		 * memory is back once the mm's last user (the victim or a
		 * sharer) has exited, unless another process pins the mm */
		v->last_freed_ns = vs->group_exit_ns;
		if (ts == OL_NONE || vs->group_exit_ns < ts) {
			ts = vs->group_exit_ns;
			id = vs->group_dead_id >= 0 ? vs->group_dead_id : vs->last_exit_id;
			by = OL_FREED_BY_EXIT;
			conf = OL_CONF_INFERRED;
			how = "last thread exit";
		}
	}
	if (ts == OL_NONE) {
		/* a kernel log alone never says that memory came back (the
		 * exit path prints nothing): no line is no evidence */
		bool could = !b->era.kmsg_only && (b->era.has_exit_mmap || b->era.has_rss_stat ||
						   b->era.has_console);

		v->freed_by = could ? OL_FREED_BY_NOT_FREED : OL_FREED_BY_UNKNOWN;
		v->freed_confidence = could ? OL_CONF_INFERRED : OL_CONF_UNKNOWN;
		return;
	}
	/* who gave the bulk back: the reaper when it freed at least half */
	if (by == OL_FREED_BY_EXIT && v->reaper.reaped_kb != OL_NONE && rss != OL_NONE &&
	    rss > 0 && v->reaper.reaped_kb * 2 >= rss && v->reaper.end_ns != OL_NONE &&
	    v->reaper.end_ns <= ts)
		by = OL_FREED_BY_REAPER;
	v->freed_ns = ts;
	v->freed_by = by;
	v->freed_confidence = conf;
	ol_point_add(b, vi, ts, "freed", id, "%s of the memory at the kill given back (%s), by %s",
		     rss != OL_NONE ? ">= 90%" : "the memory", how, ol_freed_by_name(by));
}

static void reaper_metrics(struct ol_build *b, int vi)
{
	struct ol_victim *v = &b->a->victims[vi];
	struct ol_vstate *vs = &b->vs[vi];
	const struct ol_mmtrack *m = vs->mm >= 0 ? &b->mms[vs->mm] : NULL;
	struct ol_reaper_run *r = &v->reaper;
	int64_t rss = m && m->rss0_kb != OL_NONE ? m->rss0_kb : v->rss_kb;

	r->attempts = vs->nstart + vs->nskip;
	r->failures = vs->nskip > vs->nlockfail ? vs->nskip : vs->nlockfail;
	r->gave_up = vs->unable_ns != OL_NONE;
	if (vs->unable_ns != OL_NONE)
		r->end_ns = vs->unable_ns;
	if (vs->reaped_line_ns != OL_NONE) {
		/* no oom:*_task_reaping events (a kernel log alone): the
		 * "reaped process" line is printed as the run ends */
		if (!b->era.has_reaper_events) {
			if (r->end_ns == OL_NONE)
				r->end_ns = vs->reaped_line_ns;
			if (!r->attempts)
				r->attempts = 1;
		}
		r->left_kb = vs->now_anon + vs->now_file + vs->now_shmem;
		if (rss != OL_NONE)
			r->reaped_kb = rss > r->left_kb ? rss - r->left_kb : 0;
		else if (m && m->reaper_bytes)
			r->reaped_kb = m->reaper_bytes / 1024;
	} else if (m && vs->nstart && b->era.has_rss_stat) {
		r->reaped_kb = m->reaper_bytes / 1024;
		if (rss != OL_NONE)
			r->left_kb = rss > r->reaped_kb ? rss - r->reaped_kb : 0;
	} else if (r->gave_up) {
		r->reaped_kb = 0;
		r->left_kb = rss;
	}
}

static void lost_window(struct ol_build *b, int vi)
{
	struct ol_victim *v = &b->a->victims[vi];
	int64_t end = v->last_freed_ns != OL_NONE ? v->last_freed_ns :
		      v->freed_ns != OL_NONE ? v->freed_ns : b->last_ns;
	size_t i;

	for (i = 0; i < b->ngaps; i++) {
		const struct ol_gap *g = &b->gaps[i];

		/* position unknown (overrun seen only in the stats): any window */
		if ((!g->lo && !g->hi) || (g->hi >= v->kill_ns && g->lo <= end))
			v->lost_in_window = true;
	}
}

void ol_finish_victims(struct ol_build *b)
{
	struct ol_analysis *a = b->a;
	struct tpair *tp;
	size_t ntp, i;

	tp = threads_by_tgid(b, &ntp);
	for (i = 0; i < a->nvictims; i++) {
		struct ol_victim *v = &a->victims[i];
		struct ol_vstate *vs = &b->vs[i];
		int pids[256];
		size_t n = threads_of(tp, ntp, v->tgid, pids);

		/* all threads gone: group_dead (6.16+), else every thread's exit */
		v->exit_ns = vs->group_dead_ns != OL_NONE ? vs->group_dead_ns :
			     all_exited(b, v->tgid, v->kill_ns, pids, n);
		if (v->exit_ns != OL_NONE && vs->group_dead_ns == OL_NONE)
			ol_point_add(b, (int)i, v->exit_ns, "last_exit", vs->last_exit_id,
				     "the last thread has exited");
		v->process_free_ns = vs->free_ns;
		if (!v->comm)
			v->comm = ol_xstrdup("?");
		if (!v->domain)
			v->domain = ol_xstrdup("unknown");
		if (!v->trigger_comm)
			v->trigger_comm = ol_xstrdup("");
		/* bypass: task_will_free_mem() marks without "Killed process";
		 * only judged when the kernel log was recorded */
		v->bypass = b->era.has_console && b->era.has_mark_victim &&
			    !vs->killed_line;
		reaper_metrics(b, (int)i);
		group_exit(b, (int)i, tp, ntp);
	}
	free(tp);
	ol_sharers_finish(b);
	for (i = 0; i < a->nvictims; i++) {
		skip_bracket(b, (int)i);
		freed(b, (int)i);
		lost_window(b, (int)i);
	}
	for (i = 0; i < a->nvictims; i++)
		ol_sort_points(&a->victims[i]);
}

/* What victim @vi still held at @ts (kB). */
int64_t ol_held_at(const struct ol_build *b, int vi, int64_t ts, bool *known)
{
	const struct ol_victim *v = &b->a->victims[vi];
	int64_t rss = v->rss_kb;
	size_t i;

	*known = true;
	if (ts < v->kill_ns)
		return rss;
	if (v->last_freed_ns != OL_NONE && ts >= v->last_freed_ns)
		return 0;
	if (v->ncurve && v->curve[0].ts_ns <= ts) {
		int64_t h = v->curve[0].held_kb;

		for (i = 0; i < v->ncurve && v->curve[i].ts_ns <= ts; i++)
			h = v->curve[i].held_kb;
		return h;
	}
	if (v->freed_ns != OL_NONE && ts >= v->freed_ns)
		return rss != OL_NONE ? rss / 10 : 0;
	if (v->reaper.end_ns != OL_NONE && ts >= v->reaper.end_ns && v->reaper.left_kb != OL_NONE)
		return v->reaper.left_kb;
	if (rss == OL_NONE)
		*known = false;
	return rss;
}
