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
	free(b->pend[i].rows);
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
		v->oom_memcg = p->global ? NULL : dup_or_null(p->memcg);
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
	matched = p->done && (p->victim_pid == v->pid || p->victim_pid == v->tgid || p->any_victim);
	/* no constraint line (< 4.19 global OOM): the report is still this kill's */
	if (p->invoked && (matched || !p->done))
		attach_facts(b, vi, p, matched);
	if (p->done && (p->victim_pid == v->pid || p->victim_pid == v->tgid || p->any_victim)) {
		free(v->domain);
		v->domain = ol_xstrdup(p->global ? "global" : p->memcg[0] ? p->memcg : "unknown");
		free(vs->constraint);
		vs->constraint = ol_xstrdup(p->constraint);
	} else if (!p->done && p->global_hint && !v->domain) {
		/* < 5.0 without a constraint line: "Out of memory: Kill
		 * process" is the global OOM killer's (memcg: "Memory cgroup
		 * out of memory") */
		v->domain = ol_xstrdup("global");
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
	if (ol_json_int(r->fields, "anon_rss", &x)) {
		v->anon_kb = x;
		if (ol_json_int(r->fields, "file_rss", &x))
			v->file_kb = x;
		if (ol_json_int(r->fields, "shmem_rss", &x))
			v->shmem_kb = x;
		if (ol_json_int(r->fields, "total_vm", &x))
			v->total_vm_kb = x;
		if (ol_json_int(r->fields, "pgtables", &x))
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

/* "Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB,
 *  shmem-rss:%lukB[, UID:%u pgtables:%lukB oom_score_adj:%hd]" */
static void on_killed_line(struct ol_build *b, const struct ol_row *r, const char *kp)
{
	struct ol_victim *v;
	const char *open, *close;
	int pid, vi;
	long long tv = -1, an = -1, fi = -1, sh = -1, pg = -1;
	unsigned uid = 0;
	int adj = 0, n;

	if (sscanf(kp, "Killed process %d (", &pid) != 1)
		return;
	vi = ol_victim_of_target(b, pid, r->ts);
	if (vi >= 0 && (r->ts - b->a->victims[vi].kill_ns > NS_PER_SEC || b->vs[vi].killed_line))
		vi = -1;
	if (vi < 0) {
		if (b->era.has_mark_victim)
			return;		/* a kill the trace missed: nothing to attach to */
		vi = ol_victim_new(b, pid, r->ts, r->id);
		if (vi < 0)
			return;
		b->vs[vi].log_only = true;
		b->a->victims[vi].trigger_pid = r->pid;
		b->a->victims[vi].trigger_comm = ol_xstrdup(r->comm);
		attach_report(b, vi, r->pid, r->ts);
		b->vs[vi].mm = ol_mm_new(b, vi);
		ol_point_add(b, vi, r->ts, "kill", r->id,
			     "killed (kernel log; no oom:mark_victim event), by %d (%s)",
			     b->a->victims[vi].trigger_pid, b->a->victims[vi].trigger_comm);
	}
	v = &b->a->victims[vi];
	b->vs[vi].killed_line = true;
	open = strchr(kp, '(');
	close = strstr(kp, ") total-vm:");
	if (open && close && close > open && !v->comm)
		v->comm = strndup(open + 1, (size_t)(close - open - 1));
	if (close && v->mem_source[0] != 'e') {
		n = sscanf(close, ") total-vm:%lldkB, anon-rss:%lldkB, file-rss:%lldkB, "
			   "shmem-rss:%lldkB, UID:%u pgtables:%lldkB oom_score_adj:%d",
			   &tv, &an, &fi, &sh, &uid, &pg, &adj);
		if (n >= 4) {
			v->total_vm_kb = tv;
			v->anon_kb = an;
			v->file_kb = fi;
			v->shmem_kb = sh;
			v->rss_kb = an + fi + sh;
			v->mem_source = "kmsg";
		}
		if (n >= 7) {
			v->uid = uid;
			v->pgtables_kb = pg;
			v->oom_score_adj = adj;
			v->oom_score_adj_known = true;
		}
		if (b->vs[vi].mm >= 0 && b->mms[b->vs[vi].mm].rss0_kb == OL_NONE) {
			struct ol_mmtrack *m = &b->mms[b->vs[vi].mm];

			m->member[0] = fi * 1024;
			m->member[1] = an * 1024;
			m->member[3] = sh * 1024;
			m->rss0_kb = m->held_kb = v->rss_kb;
			if (!v->ncurve)
				ol_curve_add(b, vi, v->kill_ns, v->rss_kb, true);
		}
	}
	ol_point_add(b, vi, r->ts, "log", r->id, "%s", kp);
}

/* Parse a complete "oom-kill:constraint=...,task=%s,pid=%d,uid=%d". */
static void parse_constraint(struct ol_pending *p)
{
	const char *s = p->buf, *c, *m, *e, *pp;
	struct ol_kmsg_fact f;

	p->done = true;
	p->in_table = false;
	if (ol_kmsg_parse_line(s, &f) == OL_KMSG_CONSTRAINT) {
		snprintf(p->task_memcg, sizeof(p->task_memcg), "%s", f.task_memcg);
		if (f.nodemask[0])
			snprintf(p->nodemask, sizeof(p->nodemask), "%s", f.nodemask);
	}
	if ((c = strstr(s, "constraint=")))
		sscanf(c, "constraint=%31[^,]", p->constraint);
	p->global = strstr(s, ",global_oom") != NULL;
	if ((m = strstr(s, ",oom_memcg="))) {
		m += strlen(",oom_memcg=");
		e = strstr(m, ",task_memcg=");
		if (!e)
			e = strstr(m, ",task=");
		if (!e)
			e = m + strlen(m);
		snprintf(p->memcg, sizeof(p->memcg), "%.*s", (int)(e - m), m);
	}
	/* task= is a comm and may contain commas: read pid from the end */
	pp = NULL;
	for (c = strstr(s, ",pid="); c; c = strstr(c + 1, ",pid="))
		pp = c;
	if (pp)
		sscanf(pp, ",pid=%d", &p->victim_pid);
}

static bool constraint_complete(const char *buf)
{
	const char *pp = NULL, *c;
	int pid, uid, n = 0;

	for (c = strstr(buf, ",pid="); c; c = strstr(c + 1, ",pid="))
		pp = c;
	return pp && sscanf(pp, ",pid=%d,uid=%d%n", &pid, &uid, &n) == 2 && !pp[n];
}

void ol_on_console(struct ol_build *b, const struct ol_row *r)
{
	char msg[640];
	struct ol_pending *p;
	const char *k, *e;
	size_t len;
	int pid, vi;
	long long u, l;

	if (!ol_json_str(r->fields, "msg", msg, sizeof(msg)))
		return;
	len = strlen(msg);
	while (len && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
		msg[--len] = 0;

	p = pending(b, r->pid, false);
	if (p && p->open) {
		if (strncmp(msg, "oom-kill:", 9)) {
			size_t have = strlen(p->buf);

			snprintf(p->buf + have, sizeof(p->buf) - have, "%s", msg);
			p->ts = r->ts;
			if (constraint_complete(p->buf)) {
				p->open = false;
				parse_constraint(p);
			}
			return;
		}
		p->open = false;
	}
	if ((k = strstr(msg, "invoked oom-killer:"))) {
		struct ol_kmsg_fact f;
		const char *g;

		p = pending(b, r->pid, true);
		p->ts = r->ts;
		p->done = p->any_victim = p->global_hint = false;
		p->sel_pid = -1;
		p->usage_kb = p->limit_kb = p->sw_usage_kb = p->sw_limit_kb = OL_NONE;
		p->invoked = true;
		p->in_table = false;
		p->nrows = 0;
		p->order = p->invoker_pid = -1;
		p->gfp[0] = p->nodemask[0] = p->task_memcg[0] = p->invoker[0] = 0;
		p->constraint[0] = p->memcg[0] = 0;
		if (ol_kmsg_parse_line(msg, &f) == OL_KMSG_INVOKED) {
			snprintf(p->invoker, sizeof(p->invoker), "%s", f.comm);
			p->order = (int)f.order;
			snprintf(p->nodemask, sizeof(p->nodemask), "%s", f.nodemask);
		}
		/* the mask as printed, "0xcc0(GFP_KERNEL)" */
		if ((g = strstr(k, "gfp_mask=")))
			snprintf(p->gfp, sizeof(p->gfp), "%.*s", (int)strcspn(g + 9, ", "), g + 9);
		return;
	}
	/* dump_stack()'s "CPU: 3 [UID: 0 ]PID: 42 Comm: x ..." names the
	 * invoking task's pid (a kernel log has no common_pid) */
	if (p && p->invoked && p->invoker_pid < 0 && !strncmp(msg, "CPU: ", 5) &&
	    (k = strstr(msg, " PID: ")) && sscanf(k, " PID: %d", &pid) == 1) {
		p->invoker_pid = pid;
		return;
	}
	if (p && p->invoked && (msg[0] == '[' || !strncmp(msg, "Tasks state", 11))) {
		struct ol_kmsg_fact f;
		int kind = ol_kmsg_parse_line(msg, &f);

		if (kind == OL_KMSG_TASKS_STATE || kind == OL_KMSG_TASK_HEADER) {
			p->in_table = true;
			p->nrows = 0;
			return;
		}
		if (kind == OL_KMSG_TASK_ROW && p->in_table) {
			struct ol_otask *t;

			p->rows = ol_grow(p->rows, &p->rowcap, p->nrows + 1, sizeof(*p->rows));
			if (!p->rows) {
				p->nrows = p->rowcap = 0;
				return;
			}
			t = &p->rows[p->nrows++];
			t->victim = -1;
			t->pid = f.pid;
			t->uid = f.uid;
			t->tgid = f.tgid;
			t->total_vm = f.total_vm;
			t->rss = f.rss;
			t->rss_anon = f.rss_anon;
			t->rss_file = f.rss_file;
			t->rss_shmem = f.rss_shmem;
			t->pgtables_bytes = f.pgtables_bytes;
			t->swapents = f.swapents;
			t->oom_score_adj = f.oom_score_adj;
			snprintf(t->name, sizeof(t->name), "%s", f.comm);
			return;
		}
	}
	/* <= 4.18: "Task in %s killed as a result of limit of %s" (memcg
	 * OOMs only): the second path is the OOM domain */
	if ((k = strstr(msg, "Task in ")) && (e = strstr(k, " killed as a result of limit of "))) {
		p = pending(b, r->pid, true);
		p->ts = r->ts;
		snprintf(p->task_memcg, sizeof(p->task_memcg), "%.*s",
			 (int)(e - k - 8), k + 8);
		e += strlen(" killed as a result of limit of ");
		snprintf(p->memcg, sizeof(p->memcg), "%s", e);
		snprintf(p->constraint, sizeof(p->constraint), "CONSTRAINT_MEMCG");
		p->global = false;
		p->any_victim = p->done = true;
		return;
	}
	/* < 5.0: "%s: Kill process %d (%s) score %u or sacrifice child",
	 * before the kill; the victim may be a child of it */
	if ((k = strstr(msg, "Kill process ")) && strstr(k, " or sacrifice child") &&
	    sscanf(k, "Kill process %d (", &pid) == 1) {
		const char *o = strchr(k, '('), *c = strstr(k, ") score ");

		p = pending(b, r->pid, true);
		p->ts = r->ts;
		p->sel_pid = pid;
		p->sel_ts = r->ts;
		p->sel_id = r->id;
		snprintf(p->sel_comm, sizeof(p->sel_comm), "%.*s",
			 o && c && c > o ? (int)(c - o - 1) : 1, o && c && c > o ? o + 1 : "?");
		snprintf(p->sel_line, sizeof(p->sel_line), "%s", k);
		p->global_hint = !strncmp(msg, "Out of memory", 13);
		return;
	}
	if (!strncmp(msg, "oom-kill:", 9)) {
		p = pending(b, r->pid, true);
		p->ts = r->ts;
		snprintf(p->buf, sizeof(p->buf), "%s", msg);
		p->done = p->any_victim = false;
		p->open = !constraint_complete(p->buf);
		if (!p->open)
			parse_constraint(p);
		return;
	}
	if (sscanf(msg, "memory: usage %llukB, limit %llukB", &u, &l) == 2) {
		p = pending(b, r->pid, true);
		p->ts = r->ts;
		p->usage_kb = u;
		p->limit_kb = l;
		p->usage_id = r->id;
		return;
	}
	if (sscanf(msg, "memory+swap: usage %llukB, limit %llukB", &u, &l) == 2 ||
	    sscanf(msg, "swap: usage %llukB, limit %llukB", &u, &l) == 2) {
		p = pending(b, r->pid, true);
		p->sw_usage_kb = u;
		p->sw_limit_kb = l;
		return;
	}
	if ((k = strstr(msg, "Killed process "))) {
		on_killed_line(b, r, k);
		return;
	}
	if ((k = strstr(msg, "oom_reaper: reaped process "))) {
		long long an = 0, fi = 0, sh = 0;
		const char *now = strstr(k, "now anon-rss:");

		if (sscanf(k, "oom_reaper: reaped process %d", &pid) != 1 ||
		    (vi = ol_victim_of_target(b, pid, r->ts)) < 0)
			return;
		if (now)
			sscanf(now, "now anon-rss:%lldkB, file-rss:%lldkB, shmem-rss:%lldkB",
			       &an, &fi, &sh);
		b->vs[vi].reaped_line_ns = r->ts;
		b->vs[vi].reaped_line_id = r->id;
		b->vs[vi].now_anon = an;
		b->vs[vi].now_file = fi;
		b->vs[vi].now_shmem = sh;
		ol_point_add(b, vi, r->ts, "log", r->id, "%s", k);
		return;
	}
	if ((k = strstr(msg, "oom_reaper: unable to reap pid:"))) {
		if (sscanf(k, "oom_reaper: unable to reap pid:%d", &pid) != 1 ||
		    (vi = ol_victim_of_target(b, pid, r->ts)) < 0)
			return;
		b->vs[vi].unable_ns = r->ts;
		b->vs[vi].unable_id = r->id;
		b->vs[vi].rs_lo = r->ts;
		b->vs[vi].rs_id = r->id;
		b->vs[vi].rs_cpu = r->cpu;
		if (r->cpu >= 0 && r->cpu < 64)
			b->rs_wait_cpu_v[r->cpu] = vi;
		b->rs_wait_reaper_v = vi;
		ol_point_add(b, vi, r->ts, "log", r->id, "%s", k);
		return;
	}
	if ((k = strstr(msg, " is already exiting. Skip killing the task")) &&
	    (k = strstr(msg, "OOM victim ")) && sscanf(k, "OOM victim %d", &pid) == 1) {
		if ((vi = ol_victim_of_target(b, pid, r->ts)) >= 0) {
			b->vs[vi].exiting_line = true;
			ol_point_add(b, vi, r->ts, "log", r->id, "%s", k);
		}
		return;
	}
	if ((k = strstr(msg, "oom killer ")) && strstr(k, " has mm pinned by ") &&
	    sscanf(k, "oom killer %d", &pid) == 1 && (vi = ol_victim_of_target(b, pid, r->ts)) >= 0) {
		b->vs[vi].pinned_ns = r->ts;
		b->vs[vi].pinned_id = r->id;
		ol_point_add(b, vi, r->ts, "log", r->id, "%s", k);
	}
}
