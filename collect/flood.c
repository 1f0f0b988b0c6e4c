// SPDX-License-Identifier: GPL-2.0
/*
 * What of an mmap_lock flood a trace.dat import stores (collect-local.h,
 * struct ol_flood).  A recording with all of mmap_lock:* is mostly other
 * processes' lock traffic; the analysis reads an mmap_lock event only
 * when it is about a victim's mm (analyze/mm.c: an mm is linked to a
 * victim in the victim's or the reaper's context, and other tasks' rows
 * count once the mm is linked).  The rule, in time order: an mmap_lock
 * event is stored when its task belongs to a process already marked as
 * an OOM victim, or is the oom_reaper (its mm then becomes a victim's mm),
 * or when its mm is a victim's mm, or when it is the first event on its
 * CPU after an event stored for itself (the analysis bounds when
 * MMF_OOM_SKIP was set by the next event on the reaper's CPU: that bound
 * stays the same); every other one is counted, not stored.  `oomlens import
 * --keep-all` stores them all.
 */
#include <stdlib.h>
#include <string.h>

#include "collect/collect-local.h"

/* uint64 keys (0 never stored), open addressing, at most half full */
struct set {
	uint64_t	*k;
	size_t		cap, n;
};

struct ol_flood {
	struct set	victims;	/* tgids (and pids) of marked victims */
	struct set	mms;		/* victims' mm pointers */
	long long	dropped;
	bool		all;		/* out of memory once: everything stored since */
	unsigned char	next[OL_FLOOD_CPUS];	/* the next event on the CPU is stored */
};

static size_t slot(const struct set *s, uint64_t key)
{
	size_t i = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 17) & (s->cap - 1);

	while (s->k[i] && s->k[i] != key)
		i = (i + 1) & (s->cap - 1);
	return i;
}

static bool has(const struct set *s, uint64_t key)
{
	return key && s->cap && s->k[slot(s, key)] == key;
}

/* false when out of memory */
static bool add(struct set *s, uint64_t key)
{
	size_t i;

	if (!key || has(s, key))
		return true;
	if (2 * (s->n + 1) > s->cap) {
		struct set g = { .cap = s->cap ? 2 * s->cap : 64 };

		g.k = calloc(g.cap, sizeof(*g.k));
		if (!g.k)
			return false;
		for (i = 0; i < s->cap; i++)
			if (s->k[i])
				g.k[slot(&g, s->k[i])] = s->k[i];
		g.n = s->n;
		free(s->k);
		*s = g;
	}
	s->k[slot(s, key)] = key;
	s->n++;
	return true;
}

struct ol_flood *ol_flood_new(void)
{
	return calloc(1, sizeof(struct ol_flood));
}

void ol_flood_free(struct ol_flood *f)
{
	if (!f)
		return;
	free(f->victims.k);
	free(f->mms.k);
	free(f);
}

void ol_flood_victim(struct ol_flood *f, int pid, int tgid)
{
	if ((pid > 0 && !add(&f->victims, (uint64_t)pid)) ||
	    (tgid > 0 && !add(&f->victims, (uint64_t)tgid)))
		f->all = true;
}

void ol_flood_stored(struct ol_flood *f, int cpu)
{
	if (cpu >= 0 && cpu < OL_FLOOD_CPUS)
		f->next[cpu] = 1;
}

bool ol_flood_lock(struct ol_flood *f, int cpu, int pid, int tgid, uint64_t mm, bool reaper)
{
	bool next = cpu >= 0 && cpu < OL_FLOOD_CPUS && f->next[cpu], wanted;

	if (reaper || (pid > 0 && has(&f->victims, (uint64_t)pid)) ||
	    (tgid > 0 && has(&f->victims, (uint64_t)tgid))) {
		if (!add(&f->mms, mm))
			f->all = true;
		wanted = true;
	} else {
		wanted = f->all || has(&f->mms, mm);
	}
	if (!wanted && !next) {
		f->dropped++;
		return false;
	}
	/* stored for itself: the next one on its CPU is stored too (after
	 * the reaper's unlock, the analysis waits for the next event) */
	if (cpu >= 0 && cpu < OL_FLOOD_CPUS)
		f->next[cpu] = wanted;
	return true;
}

long long ol_flood_dropped(const struct ol_flood *f)
{
	return f ? f->dropped : 0;
}
