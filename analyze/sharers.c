// SPDX-License-Identifier: GPL-2.0
/*
 * Processes killed because they share a victim's mm.
 *
 * __oom_kill_process() marks one victim (one mark_victim, one "Killed
 * process" line) and then SIGKILLs every other process whose mm is the
 * victim's (signal_generate sig=9, code 128 SI_KERNEL, in the same call)
 * with no log line of their own; since 6.x there is no "sharing same
 * memory" line either.  Such a process is not a victim: the memory, its
 * teardown and the times are the mm's, which is the victim's.  Its tasks
 * are users of the victim's mm (ol_mm_user()): their own exit_mmap
 * counts as the victim's exit path, their exits as the group's.
 *
 * A vfork child (CLONE_VM|CLONE_VFORK) is never chosen itself (in_vfork()
 * in oom_badness(), 4.17+) but is killed as a sharer.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze-local.h"

#define CLONE_VM_FLAG		0x00000100
#define CLONE_VFORK_FLAG	0x00004000

/* How the mm came to be shared between the sharer @s and victim @l. */
static void created_how(struct ol_build *b, const struct ol_victim *l, struct ol_sharer *s)
{
	int64_t x;

	s->created = OL_SHARER_UNKNOWN;
	s->parent = false;
	if (ol_map_get(&b->vforked, s->pid, &x))
		s->created = OL_SHARER_VFORK;
	else if (ol_map_get(&b->vmsharer, s->pid, &x))
		s->created = OL_SHARER_CLONE_VM;
	else if (ol_map_get(&b->vforked, l->pid, &x) && (s->parent = true))
		s->created = OL_SHARER_VFORK;
	else if (ol_map_get(&b->vmsharer, l->pid, &x) && x == s->tgid && (s->parent = true))
		s->created = OL_SHARER_CLONE_VM;
}

void ol_sharer_add(struct ol_build *b, int leader, const struct ol_sig *ps)
{
	struct ol_analysis *a = b->a;
	struct ol_victim *l = &a->victims[leader];
	struct ol_sharer *s;
	int64_t old;

	if (ol_map_get(&b->sharer2s, ps->tgid, &old) && a->sharers[old].victim == leader)
		return;		/* a second SIGKILL to the same process */
	a->sharers = ol_grow(a->sharers, &b->sharecap, a->nsharers + 1, sizeof(*a->sharers));
	if (!a->sharers) {
		a->nsharers = b->sharecap = 0;
		return;
	}
	s = &a->sharers[a->nsharers];
	memset(s, 0, sizeof(*s));
	s->victim = leader;
	s->pid = ps->target;
	s->tgid = ps->tgid;
	s->comm = ol_xstrdup(ps->tcomm[0] ? ps->tcomm : "?");
	s->sigkill_ns = ps->ts;
	s->exit_ns = OL_NONE;
	s->event_id = ps->id;
	created_how(b, l, s);
	ol_map_set(&b->sharer2s, ps->tgid, (int64_t)a->nsharers);
	a->nsharers++;
	l->group = leader;
	b->vs[leader].nsharers++;
	if (s->created != OL_SHARER_UNKNOWN)
		b->vs[leader].clone_vm = true;
	if (b->vs[leader].mm < 0)
		b->vs[leader].mm = ol_mm_new(b, leader);
	ol_point_add(b, leader, ps->ts, "sigkill", ps->id,
		     "SIGKILL to %d (%s) from %d: it shares this victim's mm (%s%s)",
		     s->pid, s->comm, ps->pid, s->parent ? "it created the victim by " :
		     s->created != OL_SHARER_UNKNOWN ? "created by " : "",
		     s->created != OL_SHARER_UNKNOWN ? ol_sharer_created_name(s->created) :
		     "how it was created is not in the recording");
}

/* The sharer (index into a->sharers) task @pid belongs to, killed by @ts. */
int ol_sharer_of_task(struct ol_build *b, int pid, int64_t ts)
{
	int64_t tgid, si;

	if (pid <= 0 || !b->a->nsharers)
		return -1;
	if (!ol_map_get(&b->pid2tgid, pid, &tgid))
		tgid = pid;
	if (!ol_map_get(&b->sharer2s, tgid, &si) && !ol_map_get(&b->sharer2s, pid, &si))
		return -1;
	return b->a->sharers[si].sigkill_ns <= ts ? (int)si : -1;
}

/* The victim whose mm task @pid uses at @ts: its own, or as a sharer. */
int ol_mm_user(struct ol_build *b, int pid, int64_t ts)
{
	int vi = ol_victim_of_task(b, pid, ts), si;

	if (vi >= 0)
		return vi;
	si = ol_sharer_of_task(b, pid, ts);
	return si >= 0 ? b->a->sharers[si].victim : -1;
}

/* sched_process_exit of a sharer's thread: a point on its victim's
 * timeline (the group's last exit is computed in finish.c).  False when
 * the task is no sharer. */
bool ol_sharer_exit(struct ol_build *b, const struct ol_row *r)
{
	int si = ol_sharer_of_task(b, r->target, r->ts);
	const struct ol_sharer *s;
	int64_t gd = -1;

	if (si < 0)
		return false;
	s = &b->a->sharers[si];
	ol_json_int(r->fields, "group_dead", &gd);
	ol_point_add(b, s->victim, r->ts, "exit", r->id, "thread %d of sharer %d (%s) exits%s",
		     r->target, s->tgid, s->comm, gd == 1 ? " (group_dead: its last thread)" : "");
	return true;
}

static int sharer_cmp(const void *x, const void *y)
{
	const struct ol_sharer *a = x, *b = y;

	if (a->victim != b->victim)
		return a->victim < b->victim ? -1 : 1;
	if (a->sigkill_ns != b->sigkill_ns)
		return a->sigkill_ns < b->sigkill_ns ? -1 : 1;
	return (a->pid > b->pid) - (a->pid < b->pid);
}

/* Hand each victim its slice of a->sharers (sorted by victim). */
void ol_sharers_slice(struct ol_analysis *a)
{
	size_t i;

	for (i = 0; i < a->nvictims; i++) {
		a->victims[i].sharers = NULL;
		a->victims[i].nsharers = 0;
	}
	for (i = 0; i < a->nsharers; i++) {
		struct ol_victim *v;

		if (a->sharers[i].victim < 0 || (size_t)a->sharers[i].victim >= a->nvictims)
			continue;
		v = &a->victims[a->sharers[i].victim];
		if (!v->nsharers)
			v->sharers = &a->sharers[i];
		v->nsharers++;
	}
}

/* After the pass (the array no longer moves): sorted by victim, sliced. */
void ol_sharers_finish(struct ol_build *b)
{
	if (b->a->nsharers > 1)
		qsort(b->a->sharers, b->a->nsharers, sizeof(*b->a->sharers), sharer_cmp);
	ol_sharers_slice(b->a);
}
