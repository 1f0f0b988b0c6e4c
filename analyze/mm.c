// SPDX-License-Identifier: GPL-2.0
/*
 * The victim's mm: rss_stat (memory given back, and by whom), mmap_lock
 * (the exit path's MMF_OOM_SKIP bracket, the reaper's failed trylocks)
 * and exit_mmap (the end of the teardown).
 *
 * rss_stat's mm_id is a hashed pointer and exit_mmap's mm a raw one, both
 * reused once the mm is freed (for the next fork or exec, within
 * milliseconds): an mm is linked to a victim only through events of its
 * users (the victim's threads, its sharers') after the kill, or of the
 * oom_reaper while it reaps that victim, and its ids are scoped to the
 * mm's life (mm_close()): forgotten at its exit_mmap, at the exit of the
 * task whose exit_mmap was seen tearing it down (kernels without the
 * exit_mmap event), or as soon as another process is seen using the id.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze-local.h"

void ol_curve_add(struct ol_build *b, int vi, int64_t ts, int64_t kb, bool force)
{
	struct ol_victim *v = &b->a->victims[vi];
	struct ol_vstate *vs = &b->vs[vi];

	if (v->ncurve && !force) {
		int64_t last = v->curve[v->ncurve - 1].held_kb;
		int64_t step = v->rss_kb != OL_NONE && v->rss_kb > 0 ? v->rss_kb / 50 : 1024;

		/* keep the curve small: a point per 2% of the memory at the kill */
		if (llabs(last - kb) < (step > 256 ? step : 256))
			return;
	}
	if (v->ncurve && v->curve[v->ncurve - 1].ts_ns == ts) {
		v->curve[v->ncurve - 1].held_kb = kb;
		return;
	}
	v->curve = ol_grow(v->curve, &vs->ccap, v->ncurve + 1, sizeof(*v->curve));
	if (!v->curve) {
		v->ncurve = vs->ccap = 0;
		return;
	}
	v->curve[v->ncurve].ts_ns = ts;
	v->curve[v->ncurve].held_kb = kb;
	v->ncurve++;
}

static int64_t held_kb(const struct ol_mmtrack *m)
{
	int64_t sum = 0;
	int i;

	for (i = 0; i < 4; i++)
		if (i != 2 && m->member[i] > 0)	/* swap entries are not memory */
			sum += m->member[i];
	return sum / 1024;
}

/* The mm of victim @vi (creating the track for victims found late). */
static int victim_mm(struct ol_build *b, int vi)
{
	if (b->vs[vi].mm < 0)
		b->vs[vi].mm = ol_mm_new(b, vi);
	return b->vs[vi].mm;
}

/*
 * Set @key -> @val in one of the id maps (@val -1: forget), keeping
 * *@live, the number of entries >= 0, exact: the stream drops rss_stat /
 * mmap_lock rows of unrelated tasks while it is 0.
 */
static void map_link(struct ol_map *m, int *live, int64_t key, int64_t val)
{
	int64_t old;
	bool was = ol_map_get(m, key, &old) && old >= 0;

	ol_map_set(m, key, val);
	*live += (val >= 0) - was;
}

/* The end of mm @mi's life: its ids may now name another mm. */
static void mm_close(struct ol_build *b, int mi)
{
	struct ol_mmtrack *m = &b->mms[mi];
	int64_t x;

	if (m->closed)
		return;
	m->closed = true;
	if (m->mm_ptr != OL_NONE && ol_map_get(&b->mmptr2mm, m->mm_ptr, &x) && x == mi)
		map_link(&b->mmptr2mm, &b->live_mmptrs, m->mm_ptr, -1);
	if (m->mm_id != OL_NONE && ol_map_get(&b->mmid2mm, m->mm_id, &x) && x == mi)
		map_link(&b->mmid2mm, &b->live_mmids, m->mm_id, -1);
}

/*
 * Is an rss_stat on the linked mm @mi still about that mm, or has the
 * kernel given its mm_id to a later one?  The reaper at work on another
 * victim, a victim or sharer task with an mm of its own, a task's own mm
 * (curr=1), or a counter growing in another task's context (a new mm
 * filled by fork's copy_page_range(), samples/README.md) all mean the id
 * was reused.  What is left is teardown by a user or by a task that pinned
 * the mm (mmput() at the end of a /proc/PID/mem access).
 */
static bool same_life(struct ol_build *b, int mi, bool by_reaper, int vctx, int64_t curr,
		      int member, int64_t size)
{
	const struct ol_mmtrack *m = &b->mms[mi];

	if (by_reaper)
		return b->reaping_victim >= 0 && b->vs[b->reaping_victim].mm == mi;
	if (vctx >= 0)
		return b->vs[vctx].mm == mi;
	if (curr != 0)
		return false;
	return m->member[member] < 0 || size <= m->member[member];
}

/*
 * sched_process_exit / sched_process_free of a user of a victim's mm.
 * Before 6.16 the exit event fires after exit_mm(): when this task's own
 * exit_mmap was seen unmapping the mm, the mm is gone by now.  From 6.16
 * the exit event comes first, so the task's release (sched_process_free)
 * ends it.  The exit_mmap event (6.1+) ends it earlier when recorded.
 */
void ol_mm_task_gone(struct ol_build *b, const struct ol_row *r, bool freed)
{
	int vi = ol_mm_user(b, r->target, r->ts), mi;

	if (vi < 0 || (mi = b->vs[vi].mm) < 0 || b->mms[mi].teardown_pid != r->target)
		return;
	if (freed || !b->era.group_dead)
		mm_close(b, mi);
}

/* Could an rss_stat / mmap_lock row in @r's context concern a victim's
 * mm that is not linked yet?  (The reaper at work, or a victim's task.) */
bool ol_mm_context(struct ol_build *b, const struct ol_row *r)
{
	/* every reaper event: its failed trylock names no victim yet */
	if (r->pid == b->reaper_pid && b->reaper_pid >= 0)
		return true;
	return ol_mm_user(b, r->pid, r->ts) >= 0;
}

/* Is the mm of an rss_stat / mmap_lock row (out of any victim's or the
 * reaper's context) linked to a victim?  Reads the one key it needs. */
bool ol_mm_linked(struct ol_build *b, const struct ol_row *r)
{
	static const char *const id_key[] = { "mm_id" }, *const ptr_key[] = { "mm" };
	int64_t key = 0, mi;

	if (r->kind == K_RSS_STAT)
		return (ol_row_ints(r, id_key, 1, &key) & 1) &&
		       ol_map_get(&b->mmid2mm, key, &mi) && mi >= 0;
	return (ol_row_ints(r, ptr_key, 1, &key) & 1) &&
	       ol_map_get(&b->mmptr2mm, key, &mi) && mi >= 0;
}

/* Which tracked mm an event in @r's context is about, learning ids. */
static int context_mm(struct ol_build *b, const struct ol_row *r, bool *by_reaper, int *vctx)
{
	int vi;

	*by_reaper = false;
	*vctx = -1;
	if (r->pid == b->reaper_pid && b->reaping_victim >= 0 &&
	    b->vs[b->reaping_victim].reaping) {
		*by_reaper = true;
		*vctx = b->reaping_victim;
		return victim_mm(b, b->reaping_victim);
	}
	vi = ol_mm_user(b, r->pid, r->ts);
	if (vi < 0)
		return -1;
	*vctx = vi;
	return victim_mm(b, vi);
}

void ol_on_rss_stat(struct ol_build *b, const struct ol_row *r)
{
	static const char *const keys[] = { "mm_id", "size", "member", "curr" };
	int64_t x[4] = { 0, 0, -1, 0 }, mm_id, curr, member, size, mi64, old;
	struct ol_mmtrack *m;
	bool by_reaper;
	int mi, vctx, vi;

	if ((ol_row_ints(r, keys, 4, x) & 7) != 7)
		return;
	mm_id = x[0];
	size = x[1];
	member = x[2];
	curr = x[3];
	if (member < 0 || member > 3)
		return;		/* "type=%s" prints are stored by number by collect/ */
	mi = -1;
	if (ol_map_get(&b->mmid2mm, mm_id, &mi64) && mi64 >= 0) {
		mi = (int)mi64;
		by_reaper = r->pid == b->reaper_pid;
		vctx = ol_mm_user(b, r->pid, r->ts);
		if (!same_life(b, mi, by_reaper, vctx, curr, (int)member, size)) {
			mm_close(b, mi);	/* the id names a later mm now */
			mi = -1;
		}
	}
	if (mi < 0) {
		/* teardown: curr is 0 in the reaper and in the victim's exit_mmap */
		if (curr != 0)
			return;
		mi = context_mm(b, r, &by_reaper, &vctx);
		if (mi < 0 || b->mms[mi].done || b->mms[mi].closed || b->mms[mi].mm_id != OL_NONE)
			return;
		b->mms[mi].mm_id = mm_id;
		map_link(&b->mmid2mm, &b->live_mmids, mm_id, mi);
	}
	m = &b->mms[mi];
	if (m->done)
		return;
	vi = m->leader;
	old = m->member[member] < 0 ? 0 : m->member[member];
	m->member[member] = size;
	if (size < old) {
		if (by_reaper)
			m->reaper_bytes += old - size;
		else
			m->exit_bytes += old - size;
		/* a user's own exit_mmap (current->mm already cleared) */
		if (!by_reaper && vctx >= 0 && curr == 0 && m->teardown_pid <= 0)
			m->teardown_pid = r->pid;
	}
	m->held_kb = held_kb(m);
	if (!by_reaper && vctx >= 0 && b->vs[vctx].first_teardown_ns == OL_NONE)
		b->vs[vctx].first_teardown_ns = r->ts;
	/* the victim's own teardown while the reaper works on the same mm */
	if (!by_reaper && vctx >= 0 && b->vs[vi].reaping && curr == 0) {
		if (!b->vs[vi].raced++) {
			b->vs[vi].raced_ns = r->ts;
			b->vs[vi].raced_first_id = r->id;
		}
	}
	ol_curve_add(b, vi, r->ts, m->held_kb, false);
	if (m->rss0_kb != OL_NONE && m->freed90_ns == OL_NONE && m->held_kb * 10 <= m->rss0_kb) {
		m->freed90_ns = r->ts;
		m->freed90_id = r->id;
		m->freed90_by_reaper = by_reaper;
		ol_curve_add(b, vi, r->ts, m->held_kb, true);
	}
}

void ol_on_mmap_lock(struct ol_build *b, const struct ol_row *r)
{
	static const char *const keys[] = { "mm", "write", "success" };
	int64_t x[3] = { 0, -1, 1 }, ptr, write, success, mi64;
	struct ol_mmtrack *m;
	bool by_reaper;
	int mi, vctx;

	if (!(ol_row_ints(r, keys, 3, x) & 1))
		return;
	ptr = x[0];
	write = x[1];
	success = x[2];
	if (ol_map_get(&b->mmptr2mm, ptr, &mi64) && mi64 >= 0) {
		mi = (int)mi64;
		by_reaper = r->pid == b->reaper_pid;
		vctx = ol_mm_user(b, r->pid, r->ts);
	} else {
		if (r->pid == b->reaper_pid && r->kind == K_LOCK_ACQUIRED && !success &&
		    (b->reaping_victim < 0 || !b->vs[b->reaping_victim].reaping)) {
			/* oom_reap_task_mm(): the trylock fails before any
			 * start_task_reaping; skip_task_reaping names the victim */
			b->reaper_fail_ptr = ptr;
			b->reaper_fail_ts = r->ts;
			b->reaper_fail_id = r->id;
			return;
		}
		mi = context_mm(b, r, &by_reaper, &vctx);
		if (mi < 0 || b->mms[mi].done || b->mms[mi].closed || b->mms[mi].mm_ptr != OL_NONE)
			return;
		/* the victim's own threads may lock other mms (fork, /proc):
		 * link only locks of teardown or of the reaper */
		b->mms[mi].mm_ptr = ptr;
		map_link(&b->mmptr2mm, &b->live_mmptrs, ptr, mi);
	}
	m = &b->mms[mi];
	if (m->done)
		return;
	if (by_reaper && r->kind == K_LOCK_ACQUIRED && !success) {
		int vi = m->leader;

		b->vs[vi].nlockfail++;
		ol_point_add(b, vi, r->ts, "lock_failed", r->id,
			     "oom_reaper could not take mmap_lock (trylock failed)");
		return;
	}
	if (!by_reaper && vctx >= 0 && b->vs[m->leader].reaping) {
		if (!b->vs[m->leader].raced++) {
			b->vs[m->leader].raced_ns = r->ts;
			b->vs[m->leader].raced_first_id = r->id;
		}
	}
	/* exit_mmap (6.1+): mmap_read_unlock, set MMF_OOM_SKIP, mmap_write_lock */
	if (r->kind == K_LOCK_RELEASED && write == 0) {
		m->rel_r_ns = r->ts;
		m->rel_r_id = r->id;
		m->rel_r_pid = r->pid;
	} else if (r->kind == K_LOCK_START && write == 1) {
		if (m->rel_r_ns != OL_NONE && m->rel_r_pid == r->pid &&
		    m->rel_r_ns >= b->a->victims[m->leader].kill_ns) {
			m->cand_lo = m->rel_r_ns;
			m->cand_hi = r->ts;
			m->cand_id = r->id;
		}
		m->rel_r_ns = OL_NONE;
	} else if (r->pid == m->rel_r_pid) {
		m->rel_r_ns = OL_NONE;
	}
}

/*
 * skip_task_reaping for victim @vi: a failed trylock of the reaper just
 * before it was on the victim's mm, which links its pointer (so that an
 * exit_mmap in another task, one that pinned the mm, is found).
 */
void ol_mm_reaper_skip(struct ol_build *b, int vi, const struct ol_row *r)
{
	int64_t ptr = b->reaper_fail_ptr, x;
	int mi;

	b->reaper_fail_ptr = OL_NONE;
	if (ptr == OL_NONE || r->ts - b->reaper_fail_ts > 10 * NS_PER_MS || r->pid != b->reaper_pid)
		return;
	if ((mi = victim_mm(b, vi)) < 0 || b->mms[mi].done || b->mms[mi].closed)
		return;
	if (b->mms[mi].mm_ptr == OL_NONE && !(ol_map_get(&b->mmptr2mm, ptr, &x) && x >= 0)) {
		b->mms[mi].mm_ptr = ptr;
		map_link(&b->mmptr2mm, &b->live_mmptrs, ptr, mi);
	}
	if (b->mms[mi].mm_ptr != ptr)
		return;
	b->vs[vi].nlockfail++;
	ol_point_add(b, vi, b->reaper_fail_ts, "lock_failed", b->reaper_fail_id,
		     "oom_reaper could not take mmap_lock (trylock failed)");
}

void ol_on_exit_mmap(struct ol_build *b, const struct ol_row *r)
{
	int64_t ptr, mi64;
	struct ol_mmtrack *m;
	int mi, vi, user;

	if (!ol_json_int(r->fields, "mm", &ptr))
		return;
	if (ol_map_get(&b->mmptr2mm, ptr, &mi64) && mi64 >= 0) {
		mi = (int)mi64;
	} else {
		/* no mmap_lock link: an exit_mmap in a user task's context */
		vi = ol_mm_user(b, r->pid, r->ts);
		if (vi < 0)
			return;
		mi = victim_mm(b, vi);
		if (mi < 0 || b->mms[mi].done || b->mms[mi].closed || b->mms[mi].mm_ptr != OL_NONE)
			return;
		b->mms[mi].mm_ptr = ptr;
	}
	m = &b->mms[mi];
	if (m->done)
		return;
	m->done = true;
	m->exit_mmap_ns = r->ts;
	m->exit_mmap_id = r->id;
	m->exit_mmap_pid = r->pid;
	snprintf(m->exit_mmap_comm, sizeof(m->exit_mmap_comm), "%s", r->comm ? r->comm : "?");
	{
		int tv = ol_victim_of_task(b, r->pid, r->ts);

		m->exit_mmap_pinned = tv < 0 || b->vs[tv].mm != mi;
	}
	/* the ids are free for reuse from now on */
	map_link(&b->mmptr2mm, &b->live_mmptrs, ptr, -1);
	mm_close(b, mi);
	vi = m->leader;
	ol_curve_add(b, vi, r->ts, 0, true);
	user = ol_victim_of_task(b, r->pid, r->ts);
	ol_point_add(b, vi, r->ts, "exit_mmap", r->id,
		     "exit_mmap: the address space is torn down, in %d (%s)%s", r->pid, r->comm,
		     user == vi ? "" : ol_sharer_of_task(b, r->pid, r->ts) >= 0 ?
		     ", a sharer of this mm (its last user)" :
		     "; not a thread of this victim: the mm was pinned by it");
	if (b->vs[vi].reaping) {
		if (!b->vs[vi].raced++) {
			b->vs[vi].raced_ns = r->ts;
			b->vs[vi].raced_first_id = r->id;
		}
	}
}
