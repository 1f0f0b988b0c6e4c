// SPDX-License-Identifier: GPL-2.0
/*
 * Victims: one per oom:mark_victim (or per "Killed process" line when the
 * kernel has no mark_victim event); processes SIGKILLed with it because
 * they share its mm are its sharers (sharers.c), not victims.  The OOM report's console lines (constraint,
 * memcg usage) are gathered per reporting task and attached at the kill.
 */
#include <stdlib.h>
#include <string.h>

#include "collect/collect.h"	/* ol_kmsg_parse_line() */
#include "analyze/analyze-local.h"

int ol_mm_new(struct ol_build *b, int leader)
{
	struct ol_mmtrack *m;
	struct ol_victim *v = &b->a->victims[leader];

	b->mms = ol_grow(b->mms, &b->mmcap, b->nmms + 1, sizeof(*b->mms));
	if (!b->mms)
		return -1;
	m = &b->mms[b->nmms];
	memset(m, 0, sizeof(*m));
	m->mm_id = m->mm_ptr = OL_NONE;
	m->leader = leader;
	/* counters not yet seen in rss_stat hold what the kill reported */
	m->member[0] = v->file_kb != OL_NONE ? v->file_kb * 1024 : -1;
	m->member[1] = v->anon_kb != OL_NONE ? v->anon_kb * 1024 : -1;
	m->member[2] = 0;
	m->member[3] = v->shmem_kb != OL_NONE ? v->shmem_kb * 1024 : -1;
	m->rss0_kb = v->rss_kb;
	m->held_kb = v->rss_kb;
	m->last_curve_ns = m->freed90_ns = m->freed90_id = OL_NONE;
	m->rel_r_ns = m->cand_lo = m->cand_hi = m->exit_mmap_ns = OL_NONE;
	m->cand_id = m->exit_mmap_id = -1;
	return (int)b->nmms++;
}

int ol_victim_new(struct ol_build *b, int pid, int64_t ts, int64_t id)
{
	struct ol_analysis *a = b->a;
	struct ol_victim *v;
	struct ol_vstate *vs;
	size_t vcap = b->vcap;
	int64_t t;
	int idx = (int)a->nvictims;

	a->victims = ol_grow(a->victims, &b->vcap, a->nvictims + 1, sizeof(*a->victims));
	if (!a->victims)
		return -1;
	b->vs = ol_grow(b->vs, &vcap, a->nvictims + 1, sizeof(*b->vs));
	if (!b->vs)
		return -1;
	v = &a->victims[idx];
	vs = &b->vs[idx];
	memset(v, 0, sizeof(*v));
	memset(vs, 0, sizeof(*vs));
	v->index = idx;
	v->pid = pid;
	v->tgid = ol_map_get(&b->pid2tgid, pid, &t) ? (int)t : pid;
	v->uid = OL_NONE;
	v->total_vm_kb = v->anon_kb = v->file_kb = v->shmem_kb = v->pgtables_kb = OL_NONE;
	v->rss_kb = OL_NONE;
	v->mem_source = "unknown";
	v->trigger_pid = -1;
	v->group = -1;
	v->kill_ns = ts;
	v->skip_ns = v->skip_lo_ns = v->skip_hi_ns = OL_NONE;
	v->freed_ns = v->last_freed_ns = v->exit_ns = v->process_free_ns = OL_NONE;
	v->reaper.wake_ns = v->reaper.start_ns = v->reaper.end_ns = OL_NONE;
	v->reaper.reaped_kb = v->reaper.left_kb = OL_NONE;
	v->order = -1;
	v->memcg_usage_kb = v->memcg_limit_kb = OL_NONE;
	vs->mm = -1;
	vs->sig_id = -1;
	vs->usage_kb = vs->limit_kb = vs->sw_usage_kb = vs->sw_limit_kb = OL_NONE;
	vs->usage_id = -1;
	vs->reaped_line_ns = vs->unable_ns = vs->rs_lo = vs->rs_hi = vs->pinned_ns = OL_NONE;
	vs->reaped_line_id = vs->unable_id = vs->rs_id = vs->pinned_id = -1;
	vs->raced_ns = OL_NONE;
	vs->raced_first_id = -1;
	vs->group_dead_ns = vs->last_exit_ns = vs->first_teardown_ns = vs->free_ns = OL_NONE;
	vs->group_dead_id = vs->last_exit_id = vs->free_id = -1;
	vs->rs_cpu = -1;
	ol_map_set(&b->tgid2v, v->tgid, idx);
	ol_map_set(&b->pid2v, pid, idx);
	a->nvictims++;
	(void)id;
	return idx;
}

/* The victim a task belongs to, if it was killed at or before @ts. */
int ol_victim_of_task(struct ol_build *b, int pid, int64_t ts)
{
	int64_t tgid, v;

	if (pid <= 0)
		return -1;
	if (!ol_map_get(&b->pid2tgid, pid, &tgid))
		tgid = pid;
	if (!ol_map_get(&b->tgid2v, tgid, &v) && !ol_map_get(&b->pid2v, pid, &v))
		return -1;
	return b->a->victims[v].kill_ns <= ts ? (int)v : -1;
}

/* The victim an oom:* event's pid (a thread id) is about. */
int ol_victim_of_target(struct ol_build *b, int pid, int64_t ts)
{
	int64_t v;

	if (ol_map_get(&b->pid2v, pid, &v) && b->a->victims[v].kill_ns <= ts)
		return (int)v;
	return ol_victim_of_task(b, pid, ts);
}

void ol_pending_free(struct ol_pending *p)
{
	free(p->rows);
	free(p->mem);
	free(p->buf);
	free(p->domain);
	free(p->oom_memcg);
	free(p->hint);
	free(p->task_memcg);
}

static struct ol_pending *pending(struct ol_build *b, int pid, bool create)
{
	int i, old = 0;

	for (i = 0; i < b->npend; i++)
		if (b->pend[i].pid == pid)
			return &b->pend[i];
	if (!create)
		return NULL;
	if (b->npend < (int)(sizeof(b->pend) / sizeof(b->pend[0]))) {
		i = b->npend++;
	} else {
		for (i = 1; i < b->npend; i++)
			if (b->pend[i].ts < b->pend[old].ts)
				old = i;
		i = old;
	}
	ol_pending_free(&b->pend[i]);
	memset(&b->pend[i], 0, sizeof(b->pend[i]));
	b->pend[i].pid = pid;
	b->pend[i].order = b->pend[i].invoker_pid = -1;
	b->pend[i].victim_pid = -1;
	b->pend[i].sel_pid = -1;
	b->pend[i].usage_kb = b->pend[i].limit_kb = OL_NONE;
	b->pend[i].sw_usage_kb = b->pend[i].sw_limit_kb = OL_NONE;
	b->pend[i].usage_id = -1;
	return &b->pend[i];
}

static char *dup_or_null(const char *s)
{
	return s && *s ? ol_xstrdup(s) : NULL;
}

/* The report's facts (gfp mask, constraint, memcgs, task table) to @vi. */
static void attach_facts(struct ol_build *b, int vi, struct ol_pending *p, bool matched)
{
	struct ol_victim *v = &b->a->victims[vi];
	size_t i;

	free(v->gfp_mask);
	free(v->nodemask);
	free(v->invoker);
	v->gfp_mask = dup_or_null(p->gfp);
	v->order = p->order;
	v->nodemask = dup_or_null(p->nodemask);
	v->invoker = dup_or_null(p->invoker);
	v->memcg_usage_kb = p->usage_kb;
	v->memcg_limit_kb = p->limit_kb;
	if (matched) {
		free(v->constraint);
		free(v->oom_memcg);
		free(v->task_memcg);
		v->constraint = dup_or_null(p->constraint);
		v->oom_memcg = dup_or_null(p->oom_memcg);
		v->task_memcg = dup_or_null(p->task_memcg);
	}
	/* a kernel log has no allocating task (pid 0): the invoker is it */
	if (v->trigger_pid <= 0 && p->invoker_pid > 0) {
		v->trigger_pid = p->invoker_pid;
		free(v->trigger_comm);
		v->trigger_comm = ol_xstrdup(p->invoker);
	}
	/* the task table belongs to this kill only: attached once */
	for (i = 0; i < p->nrows; i++) {
		b->otasks = ol_grow(b->otasks, &b->otcap, b->notasks + 1, sizeof(*b->otasks));
		if (!b->otasks) {
			b->notasks = b->otcap = 0;
			break;
		}
		b->otasks[b->notasks] = p->rows[i];
		b->otasks[b->notasks++].victim = vi;
		v->ntasks++;
	}
	p->nrows = 0;
	p->in_table = false;
	ol_mem_attach(b, p, vi);	/* and its memory picture */
}

/* The OOM report of @trigger (constraint line, memcg usage) to victim @vi. */
static void attach_report(struct ol_build *b, int vi, int trigger, int64_t ts)
{
	struct ol_victim *v = &b->a->victims[vi];
	struct ol_vstate *vs = &b->vs[vi];
	struct ol_pending *p = pending(b, trigger, false);
	bool matched;

	if (!p || ts - p->ts > 5 * NS_PER_SEC)
		return;
	/* the constraint line printed just before this kill is its own, also
	 * when a paste changed the pid (the kernel prints them back to back) */
	matched = p->done && (p->victim_pid == v->pid || p->victim_pid == v->tgid || p->any_victim ||
			      (p->fresh && b->era.kmsg_only));
	p->fresh = false;
	/* no constraint line (< 4.19 global OOM): the report is still this kill's */
	if ((p->invoked || p->picture) && (matched || !p->done))
		attach_facts(b, vi, p, matched);
	/* memory.oom.group (4.19+): the memcg's other tasks are killed by the
	 * same call, after the report's own victim: same report, same domain */
	if (p->done && (matched || p->oom_group) && p->domain) {
		free(v->domain);
		v->domain = ol_xstrdup(p->domain);
		free(vs->constraint);
		vs->constraint = p->constraint[0] ? ol_xstrdup(p->constraint) : NULL;
	} else if (!p->done && p->hint && !v->domain) {
		/* < 5.0 without a constraint line: "Out of memory: Kill
		 * process" is the global OOM killer's ("Memory cgroup out of
		 * memory": a memcg's) */
		v->domain = ol_xstrdup(p->hint);
	}
	if (p->sel_pid >= 0 && ts - p->sel_ts <= 5 * NS_PER_SEC) {
		/* < 5.0: the process chosen; oom_kill_process() may kill a
		 * child of it instead ("or sacrifice child") */
		if (p->sel_pid != v->pid && p->sel_pid != v->tgid)
			ol_point_add(b, vi, p->sel_ts, "log", p->sel_id,
				     "%s (a child was sacrificed: %d (%s) killed instead of %d (%s))",
				     p->sel_line, v->pid, v->comm ? v->comm : "?", p->sel_pid,
				     p->sel_comm);
		else
			ol_point_add(b, vi, p->sel_ts, "log", p->sel_id, "%s", p->sel_line);
		p->sel_pid = -1;
	}
	vs->usage_kb = p->usage_kb;
	vs->limit_kb = p->limit_kb;
	vs->sw_usage_kb = p->sw_usage_kb;
	vs->sw_limit_kb = p->sw_limit_kb;
	vs->usage_id = p->usage_id;
}

/* A memory size the event states, in kB: within 0 .. OL_KB_MAX, else unknown. */
static bool kb_field(const char *json, const char *key, int64_t *out)
{
	return ol_json_int(json, key, out) && *out >= 0 && *out <= OL_KB_MAX;
}

void ol_on_mark_victim(struct ol_build *b, const struct ol_row *r)
{
	struct ol_victim *v;
	char comm[64];
	int64_t x;
	int vi, pid = r->target;

	if (pid < 0 && ol_json_int(r->fields, "pid", &x))
		pid = (int)x;
	if (pid < 0 || (vi = ol_victim_new(b, pid, r->ts, r->id)) < 0)
		return;
	v = &b->a->victims[vi];
	if (b->lastsig_target == pid && r->ts - b->lastsig_ts < 10 * NS_PER_MS)
		ol_point_add(b, vi, b->lastsig_ts, "sigkill", b->lastsig_id,
			     "SIGKILL to %d from %d (%s)", pid, r->pid, r->comm);
	if (ol_json_str(r->fields, "comm", comm, sizeof(comm)))
		v->comm = ol_xstrdup(comm);
	if (kb_field(r->fields, "anon_rss", &x)) {
		v->anon_kb = x;
		if (kb_field(r->fields, "file_rss", &x))
			v->file_kb = x;
		if (kb_field(r->fields, "shmem_rss", &x))
			v->shmem_kb = x;
		if (kb_field(r->fields, "total_vm", &x))
			v->total_vm_kb = x;
		if (kb_field(r->fields, "pgtables", &x))
			v->pgtables_kb = x;
		if (ol_json_int(r->fields, "uid", &x))
			v->uid = x;
		if (ol_json_int(r->fields, "oom_score_adj", &x)) {
			v->oom_score_adj = (int)x;
			v->oom_score_adj_known = true;
		}
		if (v->file_kb != OL_NONE && v->shmem_kb != OL_NONE)
			v->rss_kb = v->anon_kb + v->file_kb + v->shmem_kb;
		v->mem_source = "event";
	}
	v->trigger_pid = r->pid;
	v->trigger_comm = ol_xstrdup(r->comm);
	attach_report(b, vi, r->pid, r->ts);
	b->vs[vi].mm = ol_mm_new(b, vi);
	if (v->rss_kb != OL_NONE)
		ol_curve_add(b, vi, r->ts, v->rss_kb, true);
	ol_point_add(b, vi, r->ts, "kill", r->id, "oom:mark_victim pid %d, triggered by %d (%s)",
		     pid, r->pid, r->comm);
}

/*
 * SIGKILL (signal_generate sig=9).  __oom_kill_process() sends it to the
 * victim just before mark_victim, prints "Killed process", then SIGKILLs
 * every other process sharing the victim's mm, all in the triggering
 * task's context.  A SIGKILL is held until the next event of that task
 * tells which of the two it was.
 */
void ol_on_signal(struct ol_build *b, const struct ol_row *r)
{
	int64_t sig, code = 0, tgid;
	int vi;

	if (!ol_json_int(r->fields, "sig", &sig) || sig != 9 || r->target < 0)
		return;
	ol_resolve_signal(b, NULL);
	ol_json_int(r->fields, "code", &code);
	if (!ol_map_get(&b->pid2tgid, r->target, &tgid))
		tgid = r->target;
	vi = ol_victim_of_task(b, r->target, r->ts);
	if (vi >= 0 && r->ts - b->a->victims[vi].kill_ns < NS_PER_SEC) {
		ol_point_add(b, vi, r->ts, "sigkill", r->id, "SIGKILL to %d from %d (%s)",
			     r->target, r->pid, r->comm);
		return;
	}
	b->lastsig_target = r->target;
	b->lastsig_ts = r->ts;
	b->lastsig_id = r->id;
	if (code != 128)	/* SI_KERNEL: the OOM killer's do_send_sig_info() */
		return;
	memset(&b->psig, 0, sizeof(b->psig));
	b->psig.set = true;
	b->psig.id = r->id;
	b->psig.ts = r->ts;
	b->psig.pid = r->pid;
	b->psig.target = r->target;
	b->psig.tgid = (int)tgid;
	snprintf(b->psig.comm, sizeof(b->psig.comm), "%s", r->comm);
	if (!ol_json_str(r->fields, "comm", b->psig.tcomm, sizeof(b->psig.tcomm)))
		b->psig.tcomm[0] = 0;
}

/* The held SIGKILL's fate; @r the current event (NULL: decide now). */
void ol_resolve_signal(struct ol_build *b, const struct ol_row *r)
{
	struct ol_sig *ps = &b->psig;
	struct ol_victim *l;
	int leader;

	if (!ps->set)
		return;
	if (r) {
		if (r->kind == K_MARK_VICTIM && r->target == ps->target) {
			ps->set = false;	/* the victim's own; mark_victim adds it */
			return;
		}
		if (r->pid != ps->pid && r->ts - ps->ts < 50 * NS_PER_MS)
			return;		/* not decided yet */
	}
	ps->set = false;
	if (!b->a->nvictims)
		return;
	leader = (int)b->a->nvictims - 1;
	l = &b->a->victims[leader];
	if (l->trigger_pid != ps->pid || ps->ts - l->kill_ns > 200 * NS_PER_MS ||
	    ps->tgid == l->tgid || (b->era.has_console && !b->vs[leader].killed_line))
		return;
	ol_sharer_add(b, leader, ps);
}

/* A kill line's fact: a victim (new when the trace has no mark_victim). */
static void on_killed_line(struct ol_build *b, const struct ol_row *r, const char *msg,
			   const struct ol_kmsg_fact *f)
{
	struct ol_victim *v;
	const char *kp = strstr(msg, "Killed process ");
	int vi, pid = f->pid;

	vi = ol_victim_of_target(b, pid, r->ts);
	if (vi >= 0 && b->vs[vi].killed_line && r->ts - b->a->victims[vi].kill_ns <= NS_PER_SEC) {
		/* the same kill printed again: memory.oom.group kills the
		 * memcg's tasks after the report's victim, that one included */
		ol_point_add(b, vi, r->ts, "log", r->id, "%s", kp ? kp : msg);
		return;
	}
	if (vi >= 0 && (r->ts - b->a->victims[vi].kill_ns > NS_PER_SEC || b->vs[vi].killed_line))
		vi = -1;
	if (vi < 0) {
		int64_t apart = 0;

		/* a kill the trace missed: nothing to attach to; unless the
		 * log's line lies outside the trace's time (collect/kmsg.c
		 * marks it log_only): the trace could not have seen it */
		if (b->era.has_mark_victim &&
		    !(ol_json_int(r->fields, "log_only", &apart) && apart))
			return;
		vi = ol_victim_new(b, pid, r->ts, r->id);
		if (vi < 0)
			return;
		b->vs[vi].log_only = true;
		b->a->victims[vi].trigger_pid = r->pid;
		b->a->victims[vi].trigger_comm = ol_xstrdup(r->comm);
		attach_report(b, vi, r->pid, r->ts);
		if (!b->a->victims[vi].domain) {
			/* the report is a trace task's (the log's own copy of it
			 * was a duplicate): the one whose constraint names it */
			int k;

			for (k = 0; k < b->npend; k++)
				if (b->pend[k].done && b->pend[k].victim_pid == pid &&
				    b->pend[k].pid != r->pid) {
					attach_report(b, vi, b->pend[k].pid, r->ts);
					break;
				}
		}
		b->vs[vi].mm = ol_mm_new(b, vi);
		ol_point_add(b, vi, r->ts, "kill", r->id,
			     "killed (kernel log; no oom:mark_victim event), by %d (%s)",
			     b->a->victims[vi].trigger_pid, b->a->victims[vi].trigger_comm);
	}
	v = &b->a->victims[vi];
	b->vs[vi].killed_line = true;
	if (!v->comm)
		v->comm = strndup(f->comm.p, (size_t)f->comm.n);
	if (!v->domain)		/* no report before it: what its prefix says */
		v->domain = ol_kmsg_domain(f);
	if (f->uid >= 0 && v->uid == OL_NONE)
		v->uid = f->uid;
	if (f->anon_rss_kb >= 0 && f->file_rss_kb >= 0 && v->mem_source[0] != 'e') {
		long long sh = f->shmem_rss_kb >= 0 ? f->shmem_rss_kb : 0;

		v->total_vm_kb = f->total_vm_kb >= 0 ? f->total_vm_kb : OL_NONE;
		v->anon_kb = f->anon_rss_kb;
		v->file_kb = f->file_rss_kb;
		v->shmem_kb = f->shmem_rss_kb >= 0 ? f->shmem_rss_kb : OL_NONE;
		v->rss_kb = f->anon_rss_kb + f->file_rss_kb + sh;	/* each <= LLONG_MAX/1024 */
		v->mem_source = "kmsg";
		if (f->pgtables_kb >= 0) {	/* 5.4+: UID, pgtables, oom_score_adj */
			v->pgtables_kb = f->pgtables_kb;
			v->oom_score_adj = (int)f->oom_score_adj;
			v->oom_score_adj_known = true;
		}
		if (b->vs[vi].mm >= 0 && b->mms[b->vs[vi].mm].rss0_kb == OL_NONE) {
			struct ol_mmtrack *m = &b->mms[b->vs[vi].mm];

			m->member[0] = v->file_kb * 1024;
			m->member[1] = v->anon_kb * 1024;
			m->member[3] = sh * 1024;
			m->rss0_kb = m->held_kb = v->rss_kb;
			if (!v->ncurve)
				ol_curve_add(b, vi, v->kill_ns, v->rss_kb, true);
		}
	}
	ol_point_add(b, vi, r->ts, "log", r->id, "%s", kp ? kp : msg);
}

static void set_str(char **dst, struct ol_kspan s)
{
	free(*dst);
	*dst = s.n ? strndup(s.p, (size_t)s.n) : NULL;
}

/* A whole (or given-up) "oom-kill:constraint=..." line of @p. */
static void on_constraint(struct ol_pending *p)
{
	struct ol_kmsg_fact f;

	p->open = false;
	p->done = true;
	p->in_table = false;
	if (ol_kmsg_parse_line(p->buf ? p->buf : "", &f) != OL_KMSG_CONSTRAINT)
		return;		/* cut for good: no domain from it */
	set_str(&p->task_memcg, f.task_memcg);
	if (f.nodemask.n)
		ol_kspan_copy(p->nodemask, sizeof(p->nodemask), f.nodemask);
	ol_kspan_copy(p->constraint, sizeof(p->constraint), f.constraint);
	set_str(&p->oom_memcg, f.global_oom ? (struct ol_kspan){ NULL, 0 } : f.oom_memcg);
	free(p->domain);
	p->domain = ol_kmsg_domain(&f);
	p->victim_pid = f.pid;
	p->any_victim = f.pid < 0;	/* cut before pid=: the next kill's */
	p->fresh = true;
}

static void buf_set(struct ol_pending *p, const char *s, bool append)
{
	size_t n = strlen(s), have = append ? p->buflen : 0;

	if (have + n + 1 > p->bufcap) {
		size_t cap = (have + n + 1) * 2;
		char *nb = realloc(p->buf, cap);

		if (!nb)
			return;
		p->buf = nb;
		p->bufcap = cap;
	}
	memcpy(p->buf + have, s, n + 1);
	p->buflen = have + n;
}

/* The console event's message, whole (malloc'ed), without the kernel's
 * own "[   12.695233] " stamp that some kernels' printk:console carries
 * (Debian's 5.10) and without its newline.  NULL: none. */
static char *console_msg(const struct ol_row *r)
{
	const char *raw;
	size_t n;
	bool s;
	char *m, *q;

	if (!ol_json_raw(r->fields, "msg", &raw, &n, &s) || !(m = malloc(n + 1)))
		return NULL;
	if (!ol_json_str(r->fields, "msg", m, n + 1)) {
		free(m);
		return NULL;
	}
	n = strlen(m);
	while (n && (m[n - 1] == '\n' || m[n - 1] == '\r'))
		m[--n] = 0;
	q = (char *)ol_kmsg_skip_stamp(m);
	if (q != m)
		memmove(m, q, strlen(q) + 1);
	return m;
}

static void on_row(struct ol_pending *p, const struct ol_kmsg_fact *f)
{
	struct ol_otask *t;

	p->rows = ol_grow(p->rows, &p->rowcap, p->nrows + 1, sizeof(*p->rows));
	if (!p->rows) {
		p->nrows = p->rowcap = 0;
		return;
	}
	t = &p->rows[p->nrows++];
	t->victim = -1;
	t->pid = f->pid;
	t->uid = f->uid;
	t->tgid = f->tgid;
	t->total_vm = f->total_vm;
	t->rss = f->rss;
	t->rss_anon = f->rss_anon;
	t->rss_file = f->rss_file;
	t->rss_shmem = f->rss_shmem;
	t->pgtables_bytes = f->pgtables_bytes;
	t->swapents = f->swapents;
	t->oom_score_adj = f->oom_score_adj;
	ol_kspan_copy(t->name, sizeof(t->name), f->comm);
}

static void on_invoked(struct ol_build *b, const struct ol_row *r, const struct ol_kmsg_fact *f)
{
	struct ol_pending *p = pending(b, r->pid, true);

	p->ts = r->ts;
	p->done = p->any_victim = p->oom_group = false;
	p->sel_pid = -1;
	p->usage_kb = p->limit_kb = p->sw_usage_kb = p->sw_limit_kb = OL_NONE;
	p->invoked = true;
	p->in_table = false;
	p->nrows = 0;
	p->nmem = 0;
	p->in_memcg_stats = p->picture = false;
	p->order = p->invoker_pid = -1;
	p->gfp[0] = p->nodemask[0] = p->invoker[0] = p->constraint[0] = 0;
	free(p->task_memcg), p->task_memcg = NULL;
	free(p->domain), p->domain = NULL;
	free(p->oom_memcg), p->oom_memcg = NULL;
	free(p->hint), p->hint = NULL;
	ol_kspan_copy(p->invoker, sizeof(p->invoker), f->comm);
	p->order = (int)f->order;
	ol_kspan_copy(p->nodemask, sizeof(p->nodemask), f->nodemask);
	ol_kspan_copy(p->gfp, sizeof(p->gfp), f->gfp);	/* "0xcc0(GFP_KERNEL)" */
}

/* A line that names a victim already known: a point on its timeline. */
static int known_victim(struct ol_build *b, const struct ol_row *r, const struct ol_kmsg_fact *f,
			const char *msg, const char *from)
{
	const char *k = strstr(msg, from);
	int vi = ol_victim_of_target(b, f->pid, r->ts);

	if (vi >= 0)
		ol_point_add(b, vi, r->ts, "log", r->id, "%s", k ? k : msg);
	return vi;
}

void ol_on_console(struct ol_build *b, const struct ol_row *r)
{
	char *msg = console_msg(r);
	struct ol_kmsg_fact f;
	struct ol_pending *p;
	int kind, vi;

	if (!msg)
		return;
	p = pending(b, r->pid, false);
	if (p && p->open) {
		/* KERN_CONT pieces of a constraint line (5.x prints the
		 * memcg paths with pr_cont): one console event each */
		if (ol_kmsg_continues(p->buf, msg)) {
			buf_set(p, msg, true);
			p->ts = r->ts;
			if (!ol_kmsg_incomplete(p->buf))
				on_constraint(p);
			goto out;
		}
		on_constraint(p);	/* stays cut; this line is a line of its own */
	}
	kind = ol_kmsg_parse_line(msg, &f);
	switch (kind) {
	case OL_KMSG_INVOKED:
		on_invoked(b, r, &f);
		break;
	case OL_KMSG_CALLER:
		/* the invoking task's pid (a kernel log has no common_pid) */
		if (p && p->invoked && p->invoker_pid < 0)
			p->invoker_pid = f.pid;
		break;
	case OL_KMSG_TASKS_STATE:
	case OL_KMSG_TASK_HEADER:
		/* an excerpt may start at the table (its "invoked" line cut) */
		if (!p || !p->invoked)
			p = pending(b, r->pid, true), p->picture = true, p->ts = r->ts;
		if (kind == OL_KMSG_TASK_HEADER || !p->in_table)
			p->nrows = 0;
		p->in_table = true;
		break;
	case OL_KMSG_TASK_ROW:
		if (p && (p->invoked || p->picture) && p->in_table)
			on_row(p, &f);
		break;
	case OL_KMSG_TASK_IN:
		/* <= 4.18: "Task in %s killed as a result of limit of %s" (memcg
		 * OOMs only): the second path is the OOM domain */
		p = pending(b, r->pid, true);
		p->ts = r->ts;
		set_str(&p->task_memcg, f.memcg);
		set_str(&p->oom_memcg, f.limit_memcg);
		free(p->domain);
		p->domain = ol_kmsg_domain(&f);
		snprintf(p->constraint, sizeof(p->constraint), "CONSTRAINT_MEMCG");
		p->any_victim = p->done = true;
		break;
	case OL_KMSG_OOM_GROUP:
		/* the group's kills belong to the OOM that chose it: its
		 * domain, or (4.19 without a constraint line) what the kill's
		 * prefix said; the group's memcg only when nothing else did */
		p = pending(b, r->pid, true);
		p->oom_group = true;
		if (!p->domain) {
			p->domain = p->hint ? ol_xstrdup(p->hint) : ol_kmsg_domain(&f);
			p->done = true;
		}
		break;
	case OL_KMSG_CHOSEN:
		/* < 5.0: before the kill; the victim may be a child of it */
		p = pending(b, r->pid, true);
		p->ts = r->ts;
		p->sel_pid = f.pid;
		p->sel_ts = r->ts;
		p->sel_id = r->id;
		ol_kspan_copy(p->sel_comm, sizeof(p->sel_comm), f.comm);
		snprintf(p->sel_line, sizeof(p->sel_line), "%s",
			 strstr(msg, "ill process ") ? strstr(msg, "ill process ") - 1 : msg);
		free(p->hint);
		p->hint = ol_kmsg_domain(&f);
		break;
	case OL_KMSG_CONSTRAINT:
	case -1:
		if (strncmp(msg, "oom-kill:", 9))
			break;
		p = pending(b, r->pid, true);
		p->ts = r->ts;
		buf_set(p, msg, false);
		p->done = p->any_victim = false;
		p->open = ol_kmsg_incomplete(msg);
		if (!p->open)
			on_constraint(p);
		break;
	case OL_KMSG_USAGE:
		p = pending(b, r->pid, true);
		p->ts = r->ts;
		if (ol_kspan_eq(f.counter, "memory")) {
			p->usage_kb = f.usage_kb;
			p->limit_kb = f.limit_kb;
			p->usage_id = r->id;
		} else if (ol_kspan_eq(f.counter, "memory+swap") || ol_kspan_eq(f.counter, "swap")) {
			p->sw_usage_kb = f.usage_kb;
			p->sw_limit_kb = f.limit_kb;
		}
		break;
	case OL_KMSG_KILLED:
		on_killed_line(b, r, msg, &f);
		break;
	case OL_KMSG_REAPED:
		if ((vi = known_victim(b, r, &f, msg, "oom_reaper: reaped")) >= 0) {
			b->vs[vi].reaped_line_ns = r->ts;
			b->vs[vi].reaped_line_id = r->id;
			b->vs[vi].now_anon = f.anon_rss_kb;
			b->vs[vi].now_file = f.file_rss_kb;
			b->vs[vi].now_shmem = f.shmem_rss_kb;
		}
		break;
	case OL_KMSG_UNABLE:
		if ((vi = known_victim(b, r, &f, msg, "oom_reaper: unable")) >= 0) {
			b->vs[vi].unable_ns = r->ts;
			b->vs[vi].unable_id = r->id;
			b->vs[vi].rs_lo = r->ts;
			b->vs[vi].rs_id = r->id;
			b->vs[vi].rs_cpu = r->cpu;
			if (r->cpu >= 0 && r->cpu < 64)
				b->rs_wait_cpu_v[r->cpu] = vi;
			b->rs_wait_reaper_v = vi;
		}
		break;
	case OL_KMSG_EXITING:
		if ((vi = known_victim(b, r, &f, msg, "OOM victim ")) >= 0)
			b->vs[vi].exiting_line = true;
		break;
	case OL_KMSG_PINNED:
		if ((vi = known_victim(b, r, &f, msg, "oom killer ")) >= 0) {
			b->vs[vi].pinned_ns = r->ts;
			b->vs[vi].pinned_id = r->id;
		}
		break;
	case OL_KMSG_NONE:
		/* the memory picture inside a report (Mem-Info, the memcg's stats) */
		if (!p || !(p->invoked || p->picture)) {
			struct ol_kmem m;

			if (!ol_kmem_line(msg, false, &m) || !m.header)
				break;
			/* "Mem-Info:" / "Memory cgroup stats for": a report whose
			 * start an excerpt lost */
			p = pending(b, r->pid, true);
			p->picture = true;
			p->ts = r->ts;
		}
		ol_mem_line(b, p, msg);
		break;
	default:
		break;
	}
out:
	free(msg);
}
