// SPDX-License-Identifier: GPL-2.0
/*
 * analyze/ on hand-built event sequences, one per kernel era of KERNEL.md,
 * written through the store API with each era's formats:
 *   4.13  pid-only mark_victim, reaper woken at the kill, kmsg memory
 *   5.10  exit path sets MMF_OOM_SKIP before unmapping (no exit_mmap)
 *   6.1   exit path sets it after unmap: observed mmap_lock bracket
 *   6.16  sched_process_exit before exit_mm with group_dead
 *   lost  a gap in a victim's window makes its verdict uncertain
 * Exit 0 when every check passes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/collect-local.h"
#include "analyze/analyze.h"
#include "unit.h"
#include "analyze-fixture.h"

/* A database for one era: the formats every era since 4.13 has. */
static void db_begin(const char *name, const char *kernel)
{
	fx_open("era", name, kernel, "live");
	fx_common_formats();
}

/* The OOM report of a memcg OOM for victim @pid, then SIGKILL (+ mark_victim). */
static void kill_seq(int64_t ts, int trig, int pid, const char *comm, bool ext, long anon_kb)
{
	char msg[512];

	console(ts - 30000, trig, "trig", "trig invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0");
	console(ts - 20000, trig, "trig", "memory: usage 262144kB, limit 262144kB, failcnt 9");
	snprintf(msg, sizeof(msg), "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,"
		 "mems_allowed=0,oom_memcg=/box,task_memcg=/box,task=%s,pid=%d,uid=0", comm, pid);
	console(ts - 10000, trig, "trig", "%s", msg);
	ev(ts - 2000, 0, trig, "trig", "signal:signal_generate", pid,
	   "{\"sig\":9,\"errno\":0,\"code\":128,\"comm\":\"%s\",\"pid\":%d,\"group\":1,\"result\":0}",
	   comm, pid);
	if (ext)
		ev(ts, 0, trig, "trig", "oom:mark_victim", pid,
		   "{\"pid\":%d,\"comm\":\"%s\",\"total_vm\":%ld,\"anon_rss\":%ld,\"file_rss\":0,"
		   "\"shmem_rss\":0,\"uid\":0,\"pgtables\":100,\"oom_score_adj\":0}",
		   pid, comm, anon_kb + 1000, anon_kb);
	else
		ev(ts, 0, trig, "trig", "oom:mark_victim", pid, "{\"pid\":%d}", pid);
	snprintf(msg, sizeof(msg), "Memory cgroup out of memory: Killed process %d (%s) "
		 "total-vm:%ldkB, anon-rss:%ldkB, file-rss:0kB, shmem-rss:0kB, UID:0 "
		 "pgtables:100kB oom_score_adj:0", pid, comm, anon_kb + 1000, anon_kb);
	console(ts + 2000, trig, "trig", "%s", msg);
}

static void rss_down(int64_t ts, int pid, const char *comm, unsigned mm_id, long from_kb,
		     int steps, int64_t step_ns)
{
	int i;

	for (i = 1; i <= steps; i++)
		ev(ts + i * step_ns, 1, pid, comm, "kmem:rss_stat", -1,
		   "{\"mm_id\":%u,\"curr\":0,\"member\":1,\"size\":%ld}", mm_id,
		   from_kb * 1024 / steps * (steps - i));
}

static const struct ol_point *point(const struct ol_victim *v, const char *what)
{
	size_t i;

	for (i = 0; i < v->npoints; i++)
		if (!strcmp(v->points[i].what, what))
			return &v->points[i];
	return NULL;
}

static bool has_verdict(const struct ol_victim *v, enum ol_verdict_kind k, const char *needle)
{
	size_t i;

	for (i = 0; i < v->nverdicts; i++)
		if (v->verdicts[i].kind == k && (!needle || strstr(v->verdicts[i].evidence, needle)))
			return true;
	return false;
}

/* 4.13: pid-only mark_victim, wake_reaper right at the kill, no rss_stat/exit_mmap. */
static void era_413(void)
{
	struct ol_analysis *a;
	const struct ol_victim *v;

	db_begin("4.13", "4.13.0");
	ol_store_add_format(st, "oom", "mark_victim", 10, F_MV_PID);
	ol_store_add_format(st, "sched", "sched_process_exit", 11, F_EXIT_OLD);
	ol_store_add_task(st, 100, 100, "hog", "newtask");
	ol_store_add_task(st, 200, 200, "quick", "newtask");
	kill_seq(T0, 99, 100, "hog", false, 50000);
	ev(T0 + 10000, 0, 99, "trig", "oom:wake_reaper", 100, "{\"pid\":100}");
	ev(T0 + 1 * MS, 1, 30, "oom_reaper", "oom:start_task_reaping", 100, "{\"pid\":100}");
	console(T0 + 5 * MS, 30, "oom_reaper", "oom_reaper: reaped process 100 (hog), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB");
	ev(T0 + 5 * MS + 1000, 1, 30, "oom_reaper", "oom:finish_task_reaping", 100, "{\"pid\":100}");
	ev(T0 + 5 * MS + 9000, 1, 30, "oom_reaper", "sched:sched_process_free", 77, "{\"pid\":77}");
	ev(T0 + 50 * MS, 0, 100, "hog", "sched:sched_process_exit", 100, "{\"comm\":\"hog\",\"pid\":100,\"prio\":120}");
	/* a second victim that exits on its own before the reaper gets to it */
	kill_seq(T0 + 20000 * MS, 99, 200, "quick", false, 30000);
	ev(T0 + 20000 * MS + 10000, 0, 99, "trig", "oom:wake_reaper", 200, "{\"pid\":200}");
	ev(T0 + 20003 * MS, 0, 200, "quick", "sched:sched_process_exit", 200, "{\"comm\":\"quick\",\"pid\":200,\"prio\":120}");
	a = fx_close_analyze();
	CHECK(a->nvictims == 2, "4.13: two victims (%zu)", a->nvictims);
	if (a->nvictims != 2)
		goto out;
	v = &a->victims[0];
	CHECK(!strcmp(v->mem_source, "kmsg") && v->anon_kb == 50000, "4.13: memory from the kernel log (%s, %lld)",
	      v->mem_source, (long long)v->anon_kb);
	CHECK(!strcmp(v->domain, "/box"), "4.13: domain from the constraint line (%s)", v->domain);
	CHECK(v->reaper.wake_ns == T0 + 10000, "4.13: wake_reaper at the kill");
	CHECK(point(v, "wake_reaper") && point(v, "reap_start") && point(v, "reap_finish") &&
	      point(v, "sigkill"), "4.13: timeline has sigkill, wake, start, finish");
	CHECK(v->skip_by == OL_SKIP_BY_REAPER && v->skip_confidence == OL_CONF_OBSERVED,
	      "4.13: MMF_OOM_SKIP by the reaper, observed (%s/%s)", ol_skip_by_name(v->skip_by),
	      ol_confidence_name(v->skip_confidence));
	CHECK(v->skip_lo_ns == T0 + 5 * MS + 1000 && v->skip_hi_ns == T0 + 5 * MS + 9000,
	      "4.13: bracket = finish .. next reaper event (%lld..%lld)",
	      (long long)(v->skip_lo_ns - T0), (long long)(v->skip_hi_ns - T0));
	CHECK(v->freed_by == OL_FREED_BY_REAPER && v->freed_ns == T0 + 5 * MS,
	      "4.13: freed by the reaper at its log line");
	CHECK(v->reaper.reaped_kb == 50000 && v->reaper.left_kb == 0, "4.13: reaped 50000 kB");
	v = &a->victims[1];
	CHECK(v->skip_by == OL_SKIP_BY_EXIT && v->skip_confidence == OL_CONF_INFERRED,
	      "4.13: self-exit: skip by exit, inferred (%s/%s)", ol_skip_by_name(v->skip_by),
	      ol_confidence_name(v->skip_confidence));
	CHECK(v->skip_hi_ns == T0 + 20003 * MS, "4.13: bracket ends at the exit (after exit_mm)");
	CHECK(strstr(a->era, "<=4.13") && strstr(a->era, "reaper-immediate") &&
	      strstr(a->era, "pid-only"), "4.13: era %s", a->era);
out:
	ol_analysis_free(a);
}

/* 4.19/5.10: rss_stat, no exit_mmap/mmap_lock; exit path sets the flag before unmapping. */
static void era_510(void)
{
	struct ol_analysis *a;
	const struct ol_victim *v;

	db_begin("5.10", "5.10.0-20-amd64");
	ol_store_add_format(st, "oom", "mark_victim", 10, F_MV_PID);
	ol_store_add_format(st, "sched", "sched_process_exit", 11, F_EXIT_OLD);
	ol_store_add_format(st, "kmem", "rss_stat", 12, "field:unsigned int mm_id;\nprint fmt: \"mm_id=%u curr=%d member=%d size=%ldB\"");
	ol_store_add_task(st, 100, 100, "hog", "newtask");
	kill_seq(T0, 99, 100, "hog", false, 40960);
	ev(T0 + 10000, 0, 99, "trig", "oom:wake_reaper", 100, "{\"pid\":100}");
	rss_down(T0 + 1 * MS, 100, "hog", 777, 40960, 10, MS);
	ev(T0 + 12 * MS, 1, 100, "hog", "sched:sched_process_exit", 100, "{\"comm\":\"hog\",\"pid\":100,\"prio\":120}");
	ev(T0 + 13 * MS, 1, 30, "oom_reaper", "oom:skip_task_reaping", 100, "{\"pid\":100}");
	a = fx_close_analyze();
	CHECK(a->nvictims == 1, "5.10: one victim");
	if (a->nvictims != 1)
		goto out;
	v = &a->victims[0];
	CHECK(v->skip_by == OL_SKIP_BY_EXIT && v->skip_confidence == OL_CONF_INFERRED,
	      "5.10: skip by exit, inferred (%s/%s)", ol_skip_by_name(v->skip_by),
	      ol_confidence_name(v->skip_confidence));
	CHECK(v->skip_lo_ns == T0 + 2 * MS && v->skip_hi_ns == T0 + 12 * MS,
	      "5.10: bracket first teardown rss_stat .. last exit (%lld..%lld)",
	      (long long)(v->skip_lo_ns - T0), (long long)(v->skip_hi_ns - T0));
	CHECK(v->freed_by == OL_FREED_BY_EXIT && v->freed_ns == T0 + 10 * MS,
	      "5.10: freed (90%%) by exit from rss_stat at +%lld ns", (long long)(v->freed_ns - T0));
	CHECK(v->ncurve >= 5, "5.10: rss curve (%zu samples)", v->ncurve);
	CHECK(point(v, "reap_skip") != NULL, "5.10: reaper skip on the timeline");
	CHECK(strstr(a->era, "4.14-6.0") != NULL, "5.10: era %s", a->era);
out:
	ol_analysis_free(a);
}

static void formats_61(bool group_dead)
{
	ol_store_add_format(st, "oom", "mark_victim", 10, F_MV_EXT);
	ol_store_add_format(st, "sched", "sched_process_exit", 11, group_dead ? F_EXIT_GD : F_EXIT_OLD);
	ol_store_add_format(st, "kmem", "rss_stat", 12, "field:unsigned int mm_id;");
	ol_store_add_format(st, "mmap", "exit_mmap", 13, "field:struct mm_struct * mm;");
	ol_store_add_format(st, "mmap_lock", "mmap_lock_start_locking", 14, "field:struct mm_struct * mm;");
	ol_store_add_format(st, "mmap_lock", "mmap_lock_acquire_returned", 15, "field:struct mm_struct * mm;");
	ol_store_add_format(st, "mmap_lock", "mmap_lock_released", 16, "field:struct mm_struct * mm;");
}

/* exit_mmap in @pid's context: read lock, unmap, unlock, [flag], write lock, exit_mmap */
static void exit_mmap_seq(int64_t ts, int pid, const char *comm, unsigned mm_id, long kb)
{
	const char *mm = "0xffff888100001000";

	ev(ts, 1, pid, comm, "mmap_lock:mmap_lock_start_locking", -1, "{\"mm\":\"%s\",\"memcg_id\":1,\"write\":0}", mm);
	ev(ts + 1000, 1, pid, comm, "mmap_lock:mmap_lock_acquire_returned", -1, "{\"mm\":\"%s\",\"memcg_id\":1,\"write\":0,\"success\":1}", mm);
	rss_down(ts + 2000, pid, comm, mm_id, kb, 4, 100000);
	ev(ts + 600000, 1, pid, comm, "mmap_lock:mmap_lock_released", -1, "{\"mm\":\"%s\",\"memcg_id\":1,\"write\":0}", mm);
	ev(ts + 601000, 1, pid, comm, "mmap_lock:mmap_lock_start_locking", -1, "{\"mm\":\"%s\",\"memcg_id\":1,\"write\":1}", mm);
	ev(ts + 602000, 1, pid, comm, "mmap_lock:mmap_lock_acquire_returned", -1, "{\"mm\":\"%s\",\"memcg_id\":1,\"write\":1,\"success\":1}", mm);
	ev(ts + 900000, 1, pid, comm, "mmap:exit_mmap", -1, "{\"mm\":\"%s\",\"mt\":\"0xffff888100001040\"}", mm);
	ev(ts + 901000, 1, pid, comm, "mmap_lock:mmap_lock_released", -1, "{\"mm\":\"%s\",\"memcg_id\":1,\"write\":1}", mm);
}

/* 6.1: exit_mmap exists; sched_process_exit still after exit_mm(). */
static void era_61(void)
{
	struct ol_analysis *a;
	const struct ol_victim *v;

	db_begin("6.1", "6.1.0-30-amd64");
	formats_61(false);
	ol_store_add_task(st, 100, 100, "hog", "newtask");
	kill_seq(T0, 99, 100, "hog", true, 8192);
	exit_mmap_seq(T0 + 1 * MS, 100, "hog", 555, 8192);
	ev(T0 + 3 * MS, 1, 100, "hog", "sched:sched_process_exit", 100, "{\"comm\":\"hog\",\"pid\":100,\"prio\":120}");
	a = fx_close_analyze();
	CHECK(a->nvictims == 1, "6.1: one victim");
	if (a->nvictims != 1)
		goto out;
	v = &a->victims[0];
	CHECK(!strcmp(v->mem_source, "event") && v->rss_kb == 8192, "6.1: memory from mark_victim");
	CHECK(v->skip_by == OL_SKIP_BY_EXIT && v->skip_confidence == OL_CONF_OBSERVED,
	      "6.1: skip by exit, observed (%s/%s)", ol_skip_by_name(v->skip_by),
	      ol_confidence_name(v->skip_confidence));
	CHECK(v->skip_lo_ns == T0 + 1 * MS + 600000 && v->skip_hi_ns == T0 + 1 * MS + 601000,
	      "6.1: bracket read-unlock .. write-lock (%lld..%lld)",
	      (long long)(v->skip_lo_ns - T0), (long long)(v->skip_hi_ns - T0));
	CHECK(v->last_freed_ns == T0 + 1 * MS + 900000 && v->freed_by == OL_FREED_BY_EXIT,
	      "6.1: last_freed at exit_mmap, freed by exit");
	CHECK(point(v, "exit_mmap") && point(v, "skip_set") && point(v, "freed"),
	      "6.1: timeline has exit_mmap, skip_set, freed");
	CHECK(v->verdict == OL_VERDICT_OK, "6.1: verdict ok (%s)", ol_verdict_name(v->verdict));
	CHECK(strstr(a->era, "6.1+") && !strstr(a->era, "6.16"), "6.1: era %s", a->era);
out:
	ol_analysis_free(a);
}

/* 6.16+: group_dead, exit event before exit_mm(); two threads.  With
 * @lost, CPU 1 lost events inside the victim's window. */
static void era_616(bool lost)
{
	struct ol_analysis *a;
	const struct ol_victim *v;
	const struct ol_point *p;

	db_begin(lost ? "lost" : "6.16", "6.18.44");
	formats_61(true);
	ol_store_add_task(st, 300, 300, "hog", "newtask");
	ol_store_add_task(st, 301, 300, "hog-t", "newtask");
	kill_seq(T0, 99, 301, "hog-t", true, 8192);	/* pid is a thread id */
	ev(T0 + 1 * MS, 1, 301, "hog-t", "sched:sched_process_exit", 301, "{\"comm\":\"hog-t\",\"pid\":301,\"prio\":120,\"group_dead\":0}");
	ev(T0 + 2 * MS, 1, 300, "hog", "sched:sched_process_exit", 300, "{\"comm\":\"hog\",\"pid\":300,\"prio\":120,\"group_dead\":1}");
	exit_mmap_seq(T0 + 3 * MS, 300, "hog", 556, 8192);
	ev(T0 + 5 * MS, 0, 1, "init", "sched:sched_process_free", 300, "{\"comm\":\"hog\",\"pid\":300,\"prio\":120}");
	if (lost)
		ol_store_add_gap(st, 1, T0 + 3 * MS + 100000, T0 + 3 * MS + 300000, 42);
	a = fx_close_analyze();
	CHECK(a->nvictims == 1, "%s: one victim", lost ? "lost" : "6.16");
	if (a->nvictims != 1)
		goto out;
	v = &a->victims[0];
	CHECK(v->pid == 301 && v->tgid == 300, "6.16: thread 301 of process 300 (%d/%d)", v->pid, v->tgid);
	CHECK(v->exit_ns == T0 + 2 * MS, "6.16: exit_ns at the group_dead exit");
	p = point(v, "last_exit");
	CHECK(p && p->event_id > 0 && p->ts_ns == T0 + 2 * MS, "6.16: last_exit point with its event");
	CHECK(point(v, "exit") != NULL, "6.16: the other thread's exit on the timeline");
	CHECK(v->skip_by == OL_SKIP_BY_EXIT && v->skip_hi_ns == T0 + 3 * MS + 601000,
	      "6.16: exit path bracket observed after the group_dead exit");
	CHECK(v->process_free_ns == T0 + 5 * MS, "6.16: process_free");
	CHECK(strstr(a->era, "6.16+") != NULL, "6.16: era %s", a->era);
	if (lost) {
		CHECK(v->lost_in_window, "lost: lost_in_window set");
		CHECK(has_verdict(v, OL_VERDICT_UNKNOWN, "CPU 1 lost 42 events"),
		      "lost: unknown verdict names CPU 1 and 42 events");
		CHECK(v->verdict_confidence <= OL_CONF_INFERRED && v->verdict == OL_VERDICT_UNKNOWN,
		      "lost: headline uncertain (%s, %s)", ol_verdict_name(v->verdict),
		      ol_confidence_name(v->verdict_confidence));
	} else {
		CHECK(!v->lost_in_window && v->verdict == OL_VERDICT_OK, "6.16: no loss, ok");
	}
out:
	ol_analysis_free(a);
}

int main(void)
{
	era_413();
	era_510();
	era_61();
	era_616(false);
	era_616(true);
	return unit_done();
}
