// SPDX-License-Identifier: GPL-2.0
/*
 * Timeline points of a victim: thread exits, process free, and the
 * oom_reaper's wake / start / finish / skip (each point keeps the id of
 * the event it comes from).
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze-local.h"

void ol_point_add(struct ol_build *b, int vi, int64_t ts, const char *what,
		  int64_t id, const char *fmt, ...)
{
	struct ol_victim *v = &b->a->victims[vi];
	struct ol_vstate *vs = &b->vs[vi];
	struct ol_point *p;
	va_list ap;

	v->points = ol_grow(v->points, &vs->pcap, v->npoints + 1, sizeof(*v->points));
	if (!v->points) {
		v->npoints = 0;
		vs->pcap = 0;
		return;
	}
	p = &v->points[v->npoints++];
	p->ts_ns = ts;
	p->what = what;
	p->event_id = id;
	va_start(ap, fmt);
	p->detail = ol_vfmt(fmt, ap);
	va_end(ap);
}

static int point_cmp(const void *x, const void *y)
{
	const struct ol_point *a = x, *b = y;

	if (a->ts_ns != b->ts_ns)
		return a->ts_ns < b->ts_ns ? -1 : 1;
	if (a->event_id != b->event_id)
		return a->event_id < b->event_id ? -1 : 1;
	return 0;
}

void ol_sort_points(struct ol_victim *v)
{
	if (v->npoints > 1)
		qsort(v->points, v->npoints, sizeof(*v->points), point_cmp);
}

/*
 * sched_process_exit: before ~6.16 it fires after exit_mm(), from 6.16 it
 * fires before exit_mm() and says group_dead (KERNEL.md).
 */
void ol_on_exit(struct ol_build *b, const struct ol_row *r)
{
	int64_t gd = -1;
	int vi;

	if (r->target < 0)
		return;
	ol_map_set(&b->exit_ns, r->target, r->ts);
	ol_mm_task_gone(b, r, false);
	if (ol_sharer_exit(b, r))
		return;
	vi = ol_victim_of_task(b, r->target, r->ts);
	if (vi < 0)
		return;
	ol_json_int(r->fields, "group_dead", &gd);
	b->vs[vi].last_exit_ns = r->ts;
	b->vs[vi].last_exit_id = r->id;
	if (gd == 1) {
		b->vs[vi].group_dead_ns = r->ts;
		b->vs[vi].group_dead_id = r->id;
	}
	ol_point_add(b, vi, r->ts, gd == 1 ? "last_exit" : "exit", r->id,
		     "thread %d exits%s", r->target,
		     gd == 1 ? " (group_dead: the last thread)" : gd == 0 ? " (group_dead=0)" : "");
}

void ol_on_free(struct ol_build *b, const struct ol_row *r)
{
	int vi;

	if (r->target < 0)
		return;
	ol_mm_task_gone(b, r, true);
	if ((vi = ol_victim_of_task(b, r->target, r->ts)) < 0)
		return;
	b->vs[vi].free_ns = r->ts;
	b->vs[vi].free_id = r->id;
	if (r->target == b->a->victims[vi].tgid)
		ol_point_add(b, vi, r->ts, "process_free", r->id,
			     "task %d released (sched_process_free)", r->target);
}

void ol_on_reaper(struct ol_build *b, const struct ol_row *r)
{
	struct ol_victim *v;
	struct ol_vstate *vs;
	int vi;

	if (r->target < 0 || (vi = ol_victim_of_target(b, r->target, r->ts)) < 0)
		return;
	v = &b->a->victims[vi];
	vs = &b->vs[vi];
	if (r->kind == K_WAKE_REAPER) {
		if (v->reaper.wake_ns == OL_NONE)
			v->reaper.wake_ns = r->ts;
		ol_point_add(b, vi, r->ts, "wake_reaper", r->id, "oom_reaper woken %s after the kill%s",
			     r->ts - v->kill_ns >= 1500 * NS_PER_MS ? "2 s" : "right",
			     r->ts - v->kill_ns >= 1500 * NS_PER_MS ?
			     " (OOM_REAPER_DELAY, 5.18+)" : "");
	} else if (r->kind == K_START_REAPING) {
		if (v->reaper.start_ns == OL_NONE)
			v->reaper.start_ns = r->ts;
		vs->nstart++;
		vs->reaping = true;
		b->reaping_victim = vi;
		ol_point_add(b, vi, r->ts, "reap_start", r->id, "oom_reaper starts reaping");
	} else if (r->kind == K_FINISH_REAPING) {
		v->reaper.end_ns = r->ts;
		vs->reaping = false;
		vs->rs_lo = r->ts;
		vs->rs_id = r->id;
		vs->rs_hi = OL_NONE;
		if (r->cpu >= 0 && r->cpu < 64)
			b->rs_wait_cpu_v[r->cpu] = vi;
		b->rs_wait_reaper_v = vi;
		ol_point_add(b, vi, r->ts, "reap_finish", r->id, "oom_reaper finished reaping");
	} else if (r->kind == K_SKIP_REAPING) {
		ol_mm_reaper_skip(b, vi, r);
		vs->nskip++;
		vs->reaping = false;
		if (v->reaper.start_ns == OL_NONE)
			v->reaper.start_ns = r->ts;
		v->reaper.end_ns = r->ts;
		b->reaping_victim = vi;
		ol_point_add(b, vi, r->ts, "reap_skip", r->id,
			     "oom_reaper skipped (mmap_lock busy or MMF_OOM_SKIP already set), try %d",
			     vs->nskip);
	}
}
