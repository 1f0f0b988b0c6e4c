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

static int tgid_of(const struct ol_taskmap *m, int pid)
{
	return pid > 0 && pid < m->n && m->tgid[pid] ? m->tgid[pid] : pid;
}

static int remember(struct ol_taskmap *m, int pid, int tgid)
{
	if (pid <= 0 || pid > MAX_PID)
		return 0;
	if (pid >= m->n) {
		int n = m->n ? m->n : 4096;
		int *t;

		while (n <= pid)
			n *= 2;
		t = realloc(m->tgid, (size_t)n * sizeof(*t));
		if (!t)
			return -1;
		memset(t + m->n, 0, (size_t)(n - m->n) * sizeof(*t));
		m->tgid = t;
		m->n = n;
	}
	m->tgid[pid] = tgid;
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
	free(m->tgid);
	memset(m, 0, sizeof(*m));
}
