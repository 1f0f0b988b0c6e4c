/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel-log grammar: the only place in oomlens that knows how the
 * kernel prints its OOM reports (KERNEL.md, "Kernel log lines (exact)"),
 * from 2.6 to 6.x.  One message (without its timestamp or any prefix)
 * in, its facts out; no state, no allocation.  collect/kmsg.c uses it to
 * keep, join and count lines; analyze/victims.c builds victims from its
 * facts.  A new print format of the kernel is one edit here and one test
 * in tests/unit/test-kmsg-parse.c.
 */
#ifndef OOMLENS_KGRAMMAR_H
#define OOMLENS_KGRAMMAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The largest memory size in kB a source may state: kB counts must fit in
 * bytes (a memcg v1 "unlimited", 9007199254740988kB, does; a sum of a few
 * of them stays far from overflow).  A larger one (a corrupt or hostile
 * file) is taken as unknown.
 */
#define OL_KB_MAX	(INT64_MAX / 1024)

/* A piece of the parsed message (borrowed: valid while the message is). */
struct ol_kspan {
	const char	*p;
	int		n;		/* 0: absent */
};

enum ol_kmsg_kind {
	OL_KMSG_NONE = 0,	/* not an OOM line */
	OL_KMSG_INVOKED,	/* "X invoked oom-killer: gfp_mask=..." (fields optional) */
	OL_KMSG_CONSTRAINT,	/* "oom-kill:constraint=..." (5.0+) */
	OL_KMSG_CHOSEN,		/* <=5.0 "P: Kill process N (c) score S or sacrifice child" */
	OL_KMSG_KILLED,		/* "[P: ]Killed process N[, UID u,] (c)[ fields]" */
	OL_KMSG_REAPED,		/* "oom_reaper: reaped process N (c), now ..." */
	OL_KMSG_UNABLE,		/* "oom_reaper: unable to reap pid:N (c)" */
	OL_KMSG_EXITING,	/* "P: OOM victim N (c) is already exiting..." */
	OL_KMSG_PINNED,		/* "oom killer N (c) has mm pinned by N2 (c2)" */
	OL_KMSG_USAGE,		/* "memory: usage ..kB, limit ..kB, failcnt .." */
	OL_KMSG_TASK_IN,	/* <=4.19 "Task in CG killed as a result of limit of CG2" */
	OL_KMSG_TASKS_STATE,	/* "Tasks state (memory values in pages):" */
	OL_KMSG_TASK_HEADER,	/* "[ pid ]   uid  tgid total_vm ..." */
	OL_KMSG_TASK_ROW,	/* "[ 3628]     0  3628 ..." */
	OL_KMSG_OOM_GROUP,	/* 4.19+ "Tasks in CG are going to be killed due to memory.oom.group set" */
	OL_KMSG_CPUSET,		/* <5.0 "X cpuset=CS mems_allowed=N" */
	OL_KMSG_CALLER,		/* dump_stack: "CPU: N [UID: u ]PID: N Comm: c ..." / 2.6 "Pid: N, comm: c" */
};

struct ol_kmsg_fact {
	enum ol_kmsg_kind kind;
	bool		partial;	/* KILLED: pid and comm, fields not readable */
	int		pid, pid2;	/* victim / task / caller; PINNED: the pinner */
	struct ol_kspan	comm, comm2;
	struct ol_kspan	prefix;		/* "Memory cgroup out of memory", "Out of memory" */
	long long	total_vm_kb, anon_rss_kb, file_rss_kb, shmem_rss_kb;
	long long	pgtables_kb, uid, oom_score_adj, score;
	/* INVOKED */
	long long	gfp_mask, order;
	struct ol_kspan	gfp, gfp_flags, nodemask;	/* gfp: the mask as printed */
	/* CONSTRAINT (spans absent when the kernel did not print them); CPUSET */
	struct ol_kspan	constraint, cpuset, mems_allowed, oom_memcg, task_memcg;
	bool		global_oom;
	/* USAGE: "memory", "memory+swap", "swap", "kmem" */
	struct ol_kspan	counter;
	long long	usage_kb, limit_kb, failcnt;
	/* TASK_IN (memcg, limit_memcg), OOM_GROUP (memcg) */
	struct ol_kspan	memcg, limit_memcg;
	/* TASK_HEADER: 414 (nr_ptes nr_pmds), 415 (pgtables_bytes), 608 (rss_anon...) */
	int		table_era;
	/* TASK_ROW (pages; pgtables in bytes, nr_ptes/nr_pmds on <= 4.14) */
	long long	tgid, total_vm, rss, rss_anon, rss_file, rss_shmem, pgtables_bytes;
	long long	nr_ptes, nr_pmds, swapents;
};

/*
 * Parse @msg (NUL-terminated, no trailing newline).  Returns its kind
 * (OL_KMSG_NONE when it is no OOM line), or -1 when it looks like an OOM
 * line but does not parse (cut, or a format we do not know).  Numbers
 * not in the line are -1; a number too large to be real (a kB count
 * that overflows bytes) makes the line not understood.
 */
int ol_kmsg_parse_line(const char *msg, struct ol_kmsg_fact *out);

/*
 * @msg is the beginning of a line of the grammar, cut (by KERN_CONT
 * printing, a terminal or a mail client): the rest is still to come.
 * A "Killed process" line is complete only with its fields, a
 * constraint line only with its ",uid=N".
 */
bool ol_kmsg_incomplete(const char *msg);

/* @next (a line without its own stamp) continues @prev: it begins with a
 * field of @prev's kind ("total-vm:", ", anon-rss:", ",task_memcg=", "/path"). */
bool ol_kmsg_continues(const char *prev, const char *next);

/* Words that make a line OOM-related even when it does not parse. */
bool ol_kmsg_looks_oom(const char *msg);

/*
 * The OOM domain a fact implies, in the project's vocabulary (README,
 * "Domains"): a CONSTRAINT line gives global, the memcg path, "memcg",
 * "cpuset:<mems_allowed>" or "mempolicy:<nodemask>"; a KILLED/CHOSEN/
 * EXITING line's prefix gives "global" or "memcg"; TASK_IN and OOM_GROUP
 * give their memcg path.  Returns a malloc'ed string (free() it), or
 * NULL when the fact says nothing about the domain (or out of memory).
 */
char *ol_kmsg_domain(const struct ol_kmsg_fact *f);

/*
 * Past the prefix printk itself puts before a message: the time stamp
 * "[   12.695233] " (CONFIG_PRINTK_TIME; some kernels' printk:console
 * events carry it too, Debian's 5.10) and the caller id "[T1234] " /
 * "[C1] " (CONFIG_PRINTK_CALLER, 4.18+).  Returns @msg when there is none.
 */
const char *ol_kmsg_skip_stamp(const char *msg);

/*
 * The memory picture of an OOM report (show_mem(), the memcg's stats),
 * as OOMAnalyser reads it: one line -> its scope and its key/value pairs.
 *   GLOBAL     "Mem-Info:" counters "active_anon:218 ... free:12" (pages),
 *              "1154 total pagecache pages", "255744 pages RAM" (pages)
 *   NODE       "Node 0 active_anon:872kB ... shmem_thp: 0kB"
 *   ZONE       "Node 0 DMA32 free:34068kB min:32016kB low:40020kB high:..."
 *              (2.6 without "Node N")
 *   HUGEPAGES  "Node 0 hugepages_total=0 ... hugepages_size=2048kB"
 *   SWAP       "Free swap  = 0kB", "Total swap = 0kB"
 *   MEMCG      "Memory cgroup stats for /x: cache:0KB rss:49484KB ..." (v1,
 *              <= 5.x) and, after "Memory cgroup stats for /x:", one
 *              "anon 1234" line per counter (v2, and v1 on 6.x; bytes)
 * Buddy lists ("DMA32: 1*4kB ...") and lowmem_reserve are not kept.
 */
enum ol_kmem_scope {
	OL_KMEM_NONE = 0, OL_KMEM_GLOBAL, OL_KMEM_NODE, OL_KMEM_ZONE,
	OL_KMEM_HUGEPAGES, OL_KMEM_SWAP, OL_KMEM_MEMCG,
};

struct ol_kmem {
	enum ol_kmem_scope scope;
	int		node;		/* -1: none */
	struct ol_kspan	zone;		/* ZONE */
	bool		header;		/* "Mem-Info:", "Memory cgroup stats for X:" */
	const char	*unit;		/* of values printed without one */
	const char	*p;		/* the pairs still to read */
};

/* @in_memcg_stats: the line follows "Memory cgroup stats for X:" (v2
 * lines "anon 1234").  Returns the scope (OL_KMEM_NONE: not such a line). */
enum ol_kmem_scope ol_kmem_line(const char *msg, bool in_memcg_stats, struct ol_kmem *m);
/* The next pair of the line: its key, value and unit ("kB", "pages",
 * "bytes").  false at the end. */
bool ol_kmem_next(struct ol_kmem *m, struct ol_kspan *key, long long *value, const char **unit);
const char *ol_kmem_scope_name(enum ol_kmem_scope s);

/* Helpers on spans. */
bool ol_kspan_eq(struct ol_kspan s, const char *lit);
/* Copy into @dst (@cap bytes, NUL-terminated, cut if needed). */
void ol_kspan_copy(char *dst, size_t cap, struct ol_kspan s);

#endif
