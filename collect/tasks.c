// SPDX-License-Identifier: GPL-2.0
/*
 * Thread -> process facts implied by events, the same for every source
 * that decodes them (trace.dat and live through libtraceevent, ftrace text
 * from the printed fields): oom events name threads, and the analysis
 * needs their process.
 */
#include <stdlib.h>
#include <string.h>

#include "collect/collect-local.h"

#define CLONE_THREAD_FLAG	0x00010000
#define MAX_PID			(1 << 22)	/* PID_MAX_LIMIT on 64-bit */

/*
 * pid -> tgid in an open-addressing hash table (linear probing, a power of
 * two slots, at most half full): memory follows the number of tasks seen,
 * not the largest pid.
 */
static unsigned slot_of(unsigned pid, unsigned mask)
{
	return (pid * 2654435761u) & mask;
}

static int tgid_of(const struct ol_taskmap *m, int pid)
{
	unsigned i;

	if (pid <= 0 || !m->n)
		return pid;
	for (i = slot_of((unsigned)pid, (unsigned)m->n - 1); m->slot[i].pid;
	     i = (i + 1) & ((unsigned)m->n - 1))
		if (m->slot[i].pid == pid)
			return m->slot[i].tgid;
	return pid;
}

static void put(struct ol_taskmap *m, int pid, int tgid)
{
	unsigned i;

	for (i = slot_of((unsigned)pid, (unsigned)m->n - 1);
	     m->slot[i].pid && m->slot[i].pid != pid; i = (i + 1) & ((unsigned)m->n - 1))
		;
	if (!m->slot[i].pid)
		m->used++;
	m->slot[i].pid = pid;
	m->slot[i].tgid = tgid;
}

static int remember(struct ol_taskmap *m, int pid, int tgid)
{
	if (pid <= 0 || pid > MAX_PID)
		return 0;
	if (2 * (m->used + 1) > m->n) {
		struct ol_taskmap old = *m;
		int n = m->n ? 2 * m->n : 1024, i;

		m->slot = calloc((size_t)n, sizeof(*m->slot));
		if (!m->slot) {
			*m = old;
			return -1;
		}
		m->n = n;
		m->used = 0;
		for (i = 0; i < old.n; i++)
			if (old.slot[i].pid)
				put(m, old.slot[i].pid, old.slot[i].tgid);
		free(old.slot);
	}
	put(m, pid, tgid);
	return 0;
}

int ol_taskmap_fact(struct ol_taskmap *m, struct ol_store *st, enum ol_task_event k,
		    int pid, int target, const char *comm, bool have_flags,
		    long long clone_flags)
{
	int tgid;

	if (target <= 0)
		return 0;
	switch (k) {
	case OL_TASK_NEWTASK:
		/*
		 * task_newtask fires in the parent's context before
		 * sched_process_fork, with the clone flags: CLONE_THREAD joins
		 * the parent's process; anything else (CLONE_VM alone
		 * included) is a new process.
		 */
		if (!have_flags)
			return 0;
		tgid = (clone_flags & CLONE_THREAD_FLAG) ? tgid_of(m, pid) : target;
		if (remember(m, target, tgid))
			return -1;
		return ol_store_add_task(st, target, tgid, comm, "newtask");
	case OL_TASK_FORK:
		tgid = tgid_of(m, target);
		return ol_store_add_task(st, target, tgid, comm,
					 tgid != target ? "newtask" : "assumed");
	case OL_TASK_RENAME:
	case OL_TASK_VICTIM:
		if (!comm)
			return 0;
		return ol_store_add_task(st, target, tgid_of(m, target), comm, "assumed");
	}
	return 0;
}

void ol_taskmap_free(struct ol_taskmap *m)
{
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

int ol_taskmap_tgid(const struct ol_taskmap *m, int pid)
{
	return tgid_of(m, pid);
}
