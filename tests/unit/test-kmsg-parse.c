// SPDX-License-Identifier: GPL-2.0
/*
 * ol_kmsg_parse_line() on every exact kernel log line of KERNEL.md
 * ("Kernel log lines (exact)"), as 4.x, 5.x and 6.x print them, and on
 * the committed samples' own lines (6.18).  Exit 0 when every check passes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect.h"
#include "unit.h"


static struct ol_kmsg_fact f;

static int P(const char *line)
{
	return ol_kmsg_parse_line(line, &f);
}

static void invoked(void)
{
	/* 6.x / 5.x */
	CHECK(P("oomhog-reaped invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0")
	      == OL_KMSG_INVOKED, "5.0+ header");
	CHECK(ol_kspan_eq(f.comm, "oomhog-reaped") && f.gfp_mask == 0xcc0 &&
	      ol_kspan_eq(f.gfp_flags, "GFP_KERNEL") && f.order == 0 && f.oom_score_adj == 0, "5.0+ fields");
	/* 4.15-4.19: nodemask before order, one space */
	CHECK(P("stress invoked oom-killer: gfp_mask=0x6000c0(GFP_KERNEL), nodemask=(null), order=0, oom_score_adj=-17")
	      == OL_KMSG_INVOKED && ol_kspan_eq(f.nodemask, "(null)") && f.oom_score_adj == -17,
	      "4.19 header with nodemask");
	/* 4.11-4.14: two spaces before order */
	CHECK(P("a b,c invoked oom-killer: gfp_mask=0x14200ca(GFP_HIGHUSER_MOVABLE), nodemask=0-1,  order=3, oom_score_adj=1000")
	      == OL_KMSG_INVOKED && ol_kspan_eq(f.comm, "a b,c") && f.order == 3 &&
	      ol_kspan_eq(f.nodemask, "0-1") && f.oom_score_adj == 1000 && f.gfp_mask == 0x14200ca,
	      "4.11 header, comm with space and comma");
}

static void constraint(void)
{
	CHECK(P("oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/oomlens-sample-3541,task_memcg=/oomlens-sample-3541,task=oomhog-reaped,pid=3628,uid=0")
	      == OL_KMSG_CONSTRAINT, "memcg constraint");
	CHECK(ol_kspan_eq(f.constraint, "CONSTRAINT_MEMCG") && ol_kspan_eq(f.cpuset, "/") &&
	      ol_kspan_eq(f.mems_allowed, "0") && ol_kspan_eq(f.oom_memcg, "/oomlens-sample-3541") &&
	      ol_kspan_eq(f.task_memcg, "/oomlens-sample-3541") && ol_kspan_eq(f.comm, "oomhog-reaped") &&
	      f.pid == 3628 && f.uid == 0 && !f.global_oom, "memcg constraint fields");
	CHECK(P("oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=evil,pid=7,uid=1000,pid=8,uid=9")
	      == OL_KMSG_CONSTRAINT && f.global_oom && ol_kspan_eq(f.comm, "evil,pid=7,uid=1000") &&
	      f.pid == 8 && f.uid == 9, "global oom, task= with commas");
	CHECK(P("oom-kill:constraint=CONSTRAINT_MEMORY_POLICY,nodemask=1,global_oom,task=x,pid=1,uid=0")
	      == OL_KMSG_CONSTRAINT && ol_kspan_eq(f.constraint, "CONSTRAINT_MEMORY_POLICY") &&
	      ol_kspan_eq(f.nodemask, "1"), "mempolicy without cpuset");
	CHECK(P("oom-kill:constraint=CONSTRAINT_CPUSET,nodemask=(null),cpuset=test,mems_allowed=0") ==
	      OL_KMSG_CONSTRAINT && f.pid == -1 && ol_kspan_eq(f.mems_allowed, "0") &&
	      ol_kmsg_incomplete("oom-kill:constraint=CONSTRAINT_CPUSET,nodemask=(null),cpuset=test,mems_allowed=0"),
	      "a cut constraint line: its head is read, and it is cut");
	CHECK(P("oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=") == -1,
	      "a constraint line cut before its memcg path is not understood");
}

static void killed(void)
{
	/* 6.x (and 5.4+) */
	CHECK(P("Memory cgroup out of memory: Killed process 4637 (oomhog-shmem) total-vm:137648kB, anon-rss:0kB, file-rss:1372kB, shmem-rss:126976kB, UID:0 pgtables:300kB oom_score_adj:0")
	      == OL_KMSG_KILLED, "5.4+ killed");
	CHECK(f.pid == 4637 && ol_kspan_eq(f.comm, "oomhog-shmem") && f.total_vm_kb == 137648 &&
	      f.anon_rss_kb == 0 && f.file_rss_kb == 1372 && f.shmem_rss_kb == 126976 &&
	      f.uid == 0 && f.pgtables_kb == 300 && f.oom_score_adj == 0 &&
	      ol_kspan_eq(f.prefix, "Memory cgroup out of memory"), "5.4+ killed fields");
	/* 5.2/5.3: prefix, no UID */
	CHECK(P("Out of memory: Killed process 12 (a) b) total-vm:10kB, anon-rss:1kB, file-rss:2kB, shmem-rss:3kB")
	      == OL_KMSG_KILLED && f.pid == 12 && ol_kspan_eq(f.comm, "a) b") && f.uid == -1 &&
	      ol_kspan_eq(f.prefix, "Out of memory"), "5.2 killed, comm with ')'");
	CHECK(P("Out of memory (oom_kill_allocating_task): Killed process 5 (x) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:4kB oom_score_adj:-500")
	      == OL_KMSG_KILLED && f.oom_score_adj == -500 && f.uid == 1000 &&
	      ol_kspan_eq(f.prefix, "Out of memory (oom_kill_allocating_task)"), "allocating task prefix");
	/* <= 5.0: the pair, pids may differ */
	CHECK(P("Memory cgroup out of memory: Kill process 100 (parent) score 980 or sacrifice child")
	      == OL_KMSG_CHOSEN && f.pid == 100 && f.score == 980 && ol_kspan_eq(f.comm, "parent") &&
	      ol_kspan_eq(f.prefix, "Memory cgroup out of memory"), "4.x chosen");
	CHECK(P("Killed process 101 (child) total-vm:2048kB, anon-rss:1024kB, file-rss:4kB, shmem-rss:0kB")
	      == OL_KMSG_KILLED && f.pid == 101 && !f.prefix.n && f.pgtables_kb == -1, "4.x killed");
	CHECK(P("Out of memory: Killed process 9 (x) total-vm:1kB, anon-rss:") == -1,
	      "cut killed line not understood");
}

static void reaper_and_others(void)
{
	CHECK(P("oom_reaper: reaped process 3628 (oomhog-reaped), now anon-rss:4kB, file-rss:32kB, shmem-rss:0kB")
	      == OL_KMSG_REAPED && f.pid == 3628 && f.anon_rss_kb == 4 && f.file_rss_kb == 32 &&
	      f.shmem_rss_kb == 0, "reaped");
	CHECK(P("oom_reaper: unable to reap pid:4637 (oomhog (x))") == OL_KMSG_UNABLE &&
	      f.pid == 4637 && ol_kspan_eq(f.comm, "oomhog (x)"), "unable to reap");
	CHECK(P("Memory cgroup out of memory: OOM victim 77 (dying) is already exiting. Skip killing the task")
	      == OL_KMSG_EXITING && f.pid == 77 && ol_kspan_eq(f.comm, "dying"), "already exiting");
	CHECK(P("oom killer 10 (victim) has mm pinned by 1 (systemd)") == OL_KMSG_PINNED &&
	      f.pid == 10 && f.pid2 == 1 && ol_kspan_eq(f.comm2, "systemd"), "mm pinned");
	CHECK(P("memory: usage 131072kB, limit 131072kB, failcnt 36") == OL_KMSG_USAGE &&
	      ol_kspan_eq(f.counter, "memory") && f.usage_kb == 131072 && f.limit_kb == 131072 &&
	      f.failcnt == 36, "memory usage");
	CHECK(P("memory+swap: usage 131072kB, limit 9007199254740988kB, failcnt 0") == OL_KMSG_USAGE &&
	      ol_kspan_eq(f.counter, "memory+swap") && f.limit_kb == 9007199254740988LL, "memsw usage");
	CHECK(P("kmem: usage 356kB, limit 9007199254740988kB, failcnt 0") == OL_KMSG_USAGE, "kmem usage");
	CHECK(P("Task in /a/b killed as a result of limit of /a") == OL_KMSG_TASK_IN &&
	      ol_kspan_eq(f.memcg, "/a/b") && ol_kspan_eq(f.limit_memcg, "/a"), "4.x task in");
	CHECK(P("oom_reaper: something new") == -1, "unknown reaper line is not understood");
	CHECK(P("loop0: detected capacity change from 0 to 131072") == OL_KMSG_NONE, "other line");
	CHECK(P("CPU: 1 UID: 0 PID: 3628 Comm: oomhog-reaped Not tainted") == OL_KMSG_CALLER &&
	      f.pid == 3628, "dump_stack header: the caller, not a kill");
}

static void task_table(void)
{
	CHECK(P("Tasks state (memory values in pages):") == OL_KMSG_TASKS_STATE, "tasks state");
	/* <= 4.14 */
	CHECK(P("[ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj name")
	      == OL_KMSG_TASK_HEADER && f.table_era == 414, "4.14 header");
	CHECK(P("[ 1234]     0  1234    10000     5000      20       3        0             0 hog")
	      == OL_KMSG_TASK_ROW && f.pid == 1234 && f.rss == 5000 && f.nr_ptes == 20 &&
	      f.nr_pmds == 3 && ol_kspan_eq(f.comm, "hog") && f.table_era == 414, "4.14 row");
	/* 4.15-6.6 */
	CHECK(P("[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name")
	      == OL_KMSG_TASK_HEADER && f.table_era == 415, "4.19 header");
	CHECK(P("[   4637]     0  4637    34412     1234   301056        0          -1000 my hog")
	      == OL_KMSG_TASK_ROW && f.tgid == 4637 && f.pgtables_bytes == 301056 &&
	      f.oom_score_adj == -1000 && ol_kspan_eq(f.comm, "my hog"), "4.19 row");
	/* 6.8+ */
	CHECK(P("[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name")
	      == OL_KMSG_TASK_HEADER && f.table_era == 608, "6.8 header");
	CHECK(P("[   3628]     0  3628    35436    33066    32672      394         0   319488        0             0 oomhog-reaped")
	      == OL_KMSG_TASK_ROW && f.rss_anon == 32672 && f.rss_file == 394 && f.rss_shmem == 0 &&
	      f.total_vm == 35436 && f.table_era == 608, "6.8 row");
	CHECK(P("[drm] Initialized") == OL_KMSG_NONE, "bracketed non-row");
}

/* The eras before 4.x and distribution backports (KERNEL.md; fixtures of
 * tests/fixtures/kmsg-real). */
static void old_eras(void)
{
	CHECK(P("Killed process 10211 (msgctl11)") == OL_KMSG_KILLED && f.pid == 10211 &&
	      ol_kspan_eq(f.comm, "msgctl11") && f.anon_rss_kb == -1 && !f.partial,
	      "2.6: a kill line without memory fields");
	CHECK(P("Out of Memory: Killed process 1234 (foo).") == OL_KMSG_KILLED && f.pid == 1234,
	      "2.4/2.6.1x: 'Out of Memory: Killed process N (c).'");
	CHECK(P("Killed process 2345, UID 0, (httpd) total-vm:10kB, anon-rss:4kB, file-rss:2kB") ==
	      OL_KMSG_KILLED && f.uid == 0 && ol_kspan_eq(f.comm, "httpd") && f.anon_rss_kb == 4,
	      "RHEL 6: 'Killed process N, UID u, (c)'");
	CHECK(P("Killed process 42452 (memcg_test_1), UID 0, total-vm:7296kB, anon-rss:96kB, file-rss:164kB, shmem-rss:0kB")
	      == OL_KMSG_KILLED && f.uid == 0 && f.file_rss_kb == 164 && ol_kspan_eq(f.comm, "memcg_test_1"),
	      "RHEL 7: '(c), UID u, total-vm:'");
	CHECK(P("Killed process 3 (x) vsz:100kB, anon-rss:50kB, file-rss:1kB") == OL_KMSG_KILLED &&
	      f.total_vm_kb == 100, "2.6.35: vsz:");
	CHECK(P("Out of memory: kill process 4164 (msgctl11) score 119366 or a child") == OL_KMSG_CHOSEN &&
	      f.pid == 4164 && f.score == 119366, "2.6: 'kill process ... or a child'");
	CHECK(P("bash invoked oom-killer: gfp_mask=0x84d0, order=0, oomkilladj=0") == OL_KMSG_INVOKED &&
	      f.gfp_mask == 0x84d0 && f.order == 0, "2.6.24 header with oomkilladj");
	CHECK(P("mem_on_node0 invoked oom-killer") == OL_KMSG_INVOKED && ol_kspan_eq(f.comm, "mem_on_node0"),
	      "a shortened header without its gfp mask");
	CHECK(P("sh cpuset=66ece93b mems_allowed=0") == OL_KMSG_CPUSET && ol_kspan_eq(f.mems_allowed, "0") &&
	      ol_kspan_eq(f.cpuset, "66ece93b"), "< 5.0 cpuset line");
	CHECK(P("Pid: 4434, comm: bash Not tainted 2.6.24-rc5-mm1 #9") == OL_KMSG_CALLER && f.pid == 4434,
	      "2.6 dump_stack header");
}

static void cut_and_odd(void)
{
	CHECK(P("Killed process 1990 (stress) total-vm:73532kB, anon-rss:32008kB, file-rss:212kB, shmemB")
	      == OL_KMSG_KILLED && f.partial && f.pid == 1990 && ol_kspan_eq(f.comm, "stress"),
	      "fields cut by a mail: the kill is kept, marked partial");
	CHECK(P("Killed process 5 (a) total-vm:1kB, anon-rss:9223372036854775807kB, file-rss:0kB") ==
	      OL_KMSG_KILLED && f.partial && f.anon_rss_kb == -1,
	      "a size that overflows bytes is not taken");
	CHECK(P("Killed process 99999999999999999999 (a)") == -1, "a pid that overflows is not a kill");
	CHECK(ol_kmsg_incomplete("Out of memory: Killed process 9 (x) total-vm:1kB, anon-rss:") &&
	      ol_kmsg_incomplete("Out of memory: Killed process 9 (x") &&
	      ol_kmsg_incomplete("Out of memory: Killed") &&
	      !ol_kmsg_incomplete("Killed process 9 (x)"), "cut kill lines are incomplete");
	CHECK(ol_kmsg_continues("Killed process 9 (x)", "total-vm:1kB, anon-rss:2kB") &&
	      !ol_kmsg_continues("Killed process 9 (x)", "Out of memory: Killed process 10 (y)"),
	      "a kill line continues with its fields only");
	CHECK(ol_kmsg_continues("oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=", "/a/b") &&
	      !ol_kmsg_continues("oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=",
				 "Memory cgroup out of memory: Killed process 1 (a)"),
	      "a constraint line continues with a path, not with a line of words");
	CHECK(P("Tasks in /test1 are going to be killed due to memory.oom.group set") == OL_KMSG_OOM_GROUP &&
	      ol_kspan_eq(f.memcg, "/test1"), "memory.oom.group");
	CHECK(!strcmp(ol_kmsg_skip_stamp("[   12.695233] oom_reaper: x"), "oom_reaper: x") &&
	      !strcmp(ol_kmsg_skip_stamp("[   37.07][ T9185] a"), "a") &&
	      !strcmp(ol_kmsg_skip_stamp("[T12] a"), "a") &&
	      !strcmp(ol_kmsg_skip_stamp("[drm] x"), "[drm] x"), "printk's own prefix");
}

/* The domain each fact implies (README "Domains"). */
static void domains(void)
{
	static const struct { const char *line, *want; } t[] = {
		{ "oom-kill:constraint=CONSTRAINT_CPUSET,nodemask=(null),cpuset=test,mems_allowed=0-1,global_oom,task=a,pid=1,uid=0", "cpuset:0-1" },
		{ "oom-kill:constraint=CONSTRAINT_MEMORY_POLICY,nodemask=1,cpuset=/,mems_allowed=0-1,global_oom,task=a,pid=1,uid=0", "mempolicy:1" },
		{ "oom-kill:constraint=CONSTRAINT_MEMORY_POLICY,nodemask=(null),global_oom,task=a,pid=1,uid=0", "mempolicy" },
		{ "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task=a,pid=1,uid=0", "global" },
		{ "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/k/p,task_memcg=/k/p/c,task=a,pid=1,uid=0", "/k/p" },
		{ "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/test1,task_memcg=/test1,task=a,pid=1,uid=0", "/test1" },
		{ "Memory cgroup out of memory: Killed process 1 (a)", "memcg" },
		{ "Out of memory: Killed process 1 (a)", "global" },
		{ "Out of memory (oom_kill_allocating_task): Killed process 1 (a)", "global" },
		{ "Memory cgroup out of memory: Kill process 1 (a) score 1 or sacrifice child", "memcg" },
		{ "Task in /a/b killed as a result of limit of /a", "/a" },
		{ "Killed process 1 (a)", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *d;

		P(t[i].line);
		d = ol_kmsg_domain(&f);
		CHECK(t[i].want ? d && !strcmp(d, t[i].want) : !d, "domain %s: %s",
		      t[i].want ? t[i].want : "(none)", d ? d : "(none)");
		free(d);
	}
}

/* The memory picture's lines (kgrammar-mem.c). */
static void picture(void)
{
	struct ol_kmem m;
	struct ol_kspan k;
	long long v;
	const char *u;

	CHECK(ol_kmem_line("Node 0 DMA32 free:59728kB min:7832kB low:9788kB high:11748kB "
			   "reserved_highatomic:0KB", false, &m) == OL_KMEM_ZONE && m.node == 0 &&
	      ol_kspan_eq(m.zone, "DMA32") && ol_kmem_next(&m, &k, &v, &u) &&
	      ol_kspan_eq(k, "free") && v == 59728 && !strcmp(u, "kB"), "a zone line");
	CHECK(ol_kmem_line("Node 0 active_anon:872kB all_unreclaimable? no shmem_thp: 0kB", false, &m) ==
	      OL_KMEM_NODE, "a node line");
	while (ol_kmem_next(&m, &k, &v, &u) && !ol_kspan_eq(k, "shmem_thp"))
		;
	CHECK(ol_kspan_eq(k, "shmem_thp") && v == 0, "... 'shmem_thp: 0kB' after a word value");
	CHECK(ol_kmem_line(" active_anon:218 inactive_anon:202527 isolated_anon:0", false, &m) ==
	      OL_KMEM_GLOBAL && ol_kmem_next(&m, &k, &v, &u) && !strcmp(u, "pages"),
	      "Mem-Info counters, in pages");
	CHECK(ol_kmem_line("255744 pages RAM", false, &m) == OL_KMEM_GLOBAL &&
	      ol_kmem_next(&m, &k, &v, &u) && ol_kspan_eq(k, "pages RAM") && v == 255744, "pages RAM");
	CHECK(ol_kmem_line("Total swap = 2097148kB", false, &m) == OL_KMEM_SWAP &&
	      ol_kmem_next(&m, &k, &v, &u) && ol_kspan_eq(k, "Total swap") && v == 2097148, "swap");
	CHECK(ol_kmem_line("Node 0 hugepages_total=0 hugepages_free=0 hugepages_size=2048kB", false, &m) ==
	      OL_KMEM_HUGEPAGES, "hugepages");
	CHECK(ol_kmem_line("Node 0 DMA32: 476*4kB 56*8kB = 4624kB", false, &m) == OL_KMEM_NONE,
	      "a buddy list is not kept");
	CHECK(ol_kmem_line("Memory cgroup stats for /x: cache:0KB rss:49484KB", false, &m) ==
	      OL_KMEM_MEMCG && m.header && ol_kmem_next(&m, &k, &v, &u) &&
	      ol_kmem_next(&m, &k, &v, &u) && ol_kspan_eq(k, "rss") && v == 49484, "memcg v1 stats inline");
	CHECK(ol_kmem_line("anon 133853184", true, &m) == OL_KMEM_MEMCG &&
	      ol_kmem_next(&m, &k, &v, &u) && !strcmp(u, "bytes") && v == 133853184,
	      "memcg v2 stat line, in bytes");
	CHECK(ol_kmem_line("anon 133853184", false, &m) == OL_KMEM_NONE,
	      "... only after the stats header");
}

int main(void)
{
	picture();
	old_eras();
	cut_and_odd();
	domains();
	invoked();
	constraint();
	killed();
	reaper_and_others();
	task_table();
	return unit_done();
}
