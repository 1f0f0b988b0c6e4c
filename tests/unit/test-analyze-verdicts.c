// SPDX-License-Identifier: GPL-2.0
/*
 * analyze/ verdicts and MMF_OOM_SKIP setters that the recorded samples do
 * not reach, on hand-built event sequences written through the store API:
 *   raced     the victim's own exit teardown inside the reaper's run
 *   gaveup    10 skip_task_reaping ~100 ms apart + "unable to reap"
 *   pinned    "oom killer %d (%s) has mm pinned by %d (%s)"
 *   bypass    mark_victim with the kernel log recorded, no kill line, no SIGKILL
 *   premature a memcg OOM with usage far below the limit
 *   logonly   a 4.x kernel log only: "Killed process" without mark_victim
 *   sacrifice pre-5.0 "Kill process P ... or sacrifice child" + "Killed process C"
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

#define REAPER	30

/* A database for one scenario; @kind "live" with the 6.18 formats (@v6),
 * or a kernel log import ("kmsg", console events only). */
static void db_begin(const char *name, const char *kernel, const char *kind, bool v6)
{
	fx_open("verdict", name, kernel, kind);
	if (!v6)
		return;
	fx_common_formats();
	fx_v6_formats();
}

/* The OOM report of a memcg OOM (usage/limit in kB), SIGKILL, mark_victim
 * and the "Killed process" line. */
static void kill_seq(int64_t ts, int trig, int pid, const char *comm, long anon_kb,
		     long usage_kb, long limit_kb)
{
	console(ts - 30000, trig, "trig", "trig invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), "
		"order=0, oom_score_adj=0");
	console(ts - 20000, trig, "trig", "memory: usage %ldkB, limit %ldkB, failcnt 0",
		usage_kb, limit_kb);
	console(ts - 10000, trig, "trig", "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),"
		"cpuset=/,mems_allowed=0,oom_memcg=/box,task_memcg=/box,task=%s,pid=%d,uid=0",
		comm, pid);
	ev(ts - 2000, 0, trig, "trig", "signal:signal_generate", pid,
	   "{\"sig\":9,\"errno\":0,\"code\":128,\"comm\":\"%s\",\"pid\":%d,\"group\":1,\"result\":0}",
	   comm, pid);
	ev(ts, 0, trig, "trig", "oom:mark_victim", pid,
	   "{\"pid\":%d,\"comm\":\"%s\",\"total_vm\":%ld,\"anon_rss\":%ld,\"file_rss\":0,"
	   "\"shmem_rss\":0,\"uid\":0,\"pgtables\":100,\"oom_score_adj\":0}",
	   pid, comm, anon_kb + 1000, anon_kb);
	console(ts + 2000, trig, "trig", "Memory cgroup out of memory: Killed process %d (%s) "
		"total-vm:%ldkB, anon-rss:%ldkB, file-rss:0kB, shmem-rss:0kB, UID:0 "
		"pgtables:100kB oom_score_adj:0", pid, comm, anon_kb + 1000, anon_kb);
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

/* The victim's own exit_mmap (6.1+), memory already given back. */
static void exit_mmap_seq(int64_t ts, int pid, const char *comm)
{
	const char *mm = "0xffff888100002000";

	ev(ts, 1, pid, comm, "mmap_lock:mmap_lock_released", -1,
	   "{\"mm\":\"%s\",\"memcg_id\":1,\"write\":0}", mm);
	ev(ts + 1000, 1, pid, comm, "mmap_lock:mmap_lock_start_locking", -1,
	   "{\"mm\":\"%s\",\"memcg_id\":1,\"write\":1}", mm);
	ev(ts + 5000, 1, pid, comm, "mmap:exit_mmap", -1,
	   "{\"mm\":\"%s\",\"mt\":\"0xffff888100002040\"}", mm);
}

static const struct ol_point *point_with(const struct ol_victim *v, const char *what,
					 const char *needle)
{
	size_t i;

	for (i = 0; i < v->npoints; i++)
		if (!strcmp(v->points[i].what, what) &&
		    (!needle || strstr(v->points[i].detail, needle)))
			return &v->points[i];
	return NULL;
}

static const struct ol_verdict *verdict(const struct ol_victim *v, enum ol_verdict_kind k)
{
	size_t i;

	for (i = 0; i < v->nverdicts; i++)
		if (v->verdicts[i].kind == k)
			return &v->verdicts[i];
	return NULL;
}

static void dump(const struct ol_analysis *a)
{
	size_t i, k;

	for (i = 0; i < a->nvictims; i++) {
		const struct ol_victim *v = &a->victims[i];

		printf("#  victim %zu pid %d (%s) verdict %s/%s skip %s/%s freed %s/%s mem %s\n", i,
		       v->pid, v->comm, ol_verdict_name(v->verdict),
		       ol_confidence_name(v->verdict_confidence), ol_skip_by_name(v->skip_by),
		       ol_confidence_name(v->skip_confidence), ol_freed_by_name(v->freed_by),
		       ol_confidence_name(v->freed_confidence), v->mem_source);
		for (k = 0; k < v->nverdicts; k++)
			printf("#    %s (%s): %s\n", ol_verdict_name(v->verdicts[k].kind),
			       ol_confidence_name(v->verdicts[k].confidence), v->verdicts[k].evidence);
	}
}

/* Every string the analysis wrote is plain ASCII (pasted into LKML mails). */
static bool ascii(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

static void check_ascii(const char *name, const struct ol_analysis *a)
{
	size_t i, k;
	bool ok = ascii(a->era);

	for (i = 0; i < a->nvictims; i++) {
		const struct ol_victim *v = &a->victims[i];

		for (k = 0; k < v->nverdicts; k++)
			ok = ok && ascii(v->verdicts[k].evidence);
		for (k = 0; k < v->npoints; k++)
			ok = ok && ascii(v->points[k].detail);
	}
	CHECK(ok, "%s: evidence and timeline details are plain ASCII", name);
}

/* The reaper runs while the victim's own exit tears the mm down. */
static void raced(void)
{
	struct ol_analysis *a;
	const struct ol_victim *v;
	const struct ol_verdict *vd;

	db_begin("raced", "6.18.0", "live", true);
	ol_store_add_task(st, 100, 100, "hog", "newtask");
	kill_seq(T0, 99, 100, "hog", 8192, 262144, 262144);
	ev(T0 + 2000 * MS, 0, REAPER, "oom_reaper", "oom:wake_reaper", 100, "{\"pid\":100}");
	ev(T0 + 2001 * MS, 0, REAPER, "oom_reaper", "oom:start_task_reaping", 100, "{\"pid\":100}");
	ev(T0 + 2001 * MS + 100000, 1, 100, "hog", "sched:sched_process_exit", 100,
	   "{\"comm\":\"hog\",\"pid\":100,\"prio\":120,\"group_dead\":1}");
	/* the victim's exit_mmap unmaps (curr=0, in the victim's thread) */
	rss_down(T0 + 2001 * MS + 200000, 100, "hog", 4242, 8192, 4, 100000);
	ev(T0 + 2003 * MS, 0, REAPER, "oom_reaper", "oom:finish_task_reaping", 100, "{\"pid\":100}");
	console(T0 + 2003 * MS + 1000, REAPER, "oom_reaper", "oom_reaper: reaped process 100 (hog), "
		"now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB");
	exit_mmap_seq(T0 + 2004 * MS, 100, "hog");
	a = fx_close_analyze();
	dump(a);
	CHECK(a->nvictims == 1, "raced: one victim (%zu)", a->nvictims);
	if (a->nvictims != 1)
		goto out;
	v = &a->victims[0];
	vd = verdict(v, OL_VERDICT_RACED);
	CHECK(vd && vd->confidence == OL_CONF_OBSERVED, "raced: reaper-raced-exit, observed");
	CHECK(vd && strstr(vd->evidence, "4 events") && strstr(vd->evidence, "+2.001s .. +2.003s"),
	      "raced: evidence counts the 4 teardown events inside the run (%s)",
	      vd ? vd->evidence : "-");
	CHECK(v->reaper.start_ns == T0 + 2001 * MS && v->reaper.end_ns == T0 + 2003 * MS,
	      "raced: reaper run start..finish");
	check_ascii("raced", a);
out:
	ol_analysis_free(a);
}

/* The reaper cannot take mmap_lock: 10 tries ~100 ms apart, then gives up. */
static void gaveup(void)
{
	struct ol_analysis *a;
	const struct ol_victim *v;
	int i;

	db_begin("gaveup", "6.18.0", "live", true);
	ol_store_add_task(st, 100, 100, "hog", "newtask");
	kill_seq(T0, 99, 100, "hog", 8192, 262144, 262144);
	ev(T0 + 2000 * MS, 0, REAPER, "oom_reaper", "oom:wake_reaper", 100, "{\"pid\":100}");
	for (i = 0; i < 10; i++)
		ev(T0 + (2001 + 100 * i) * MS, 0, REAPER, "oom_reaper", "oom:skip_task_reaping", 100,
		   "{\"pid\":100}");
	console(T0 + 2902 * MS, REAPER, "oom_reaper", "oom_reaper: unable to reap pid:100 (hog)");
	ev(T0 + 2902 * MS + 5000, 0, REAPER, "oom_reaper", "sched:sched_process_free", 77,
	   "{\"pid\":77}");
	/* the victim comes out of D state 5 s later and exits */
	ev(T0 + 7000 * MS, 1, 100, "hog", "sched:sched_process_exit", 100,
	   "{\"comm\":\"hog\",\"pid\":100,\"prio\":120,\"group_dead\":1}");
	rss_down(T0 + 7001 * MS, 100, "hog", 4243, 8192, 4, 100000);
	exit_mmap_seq(T0 + 7002 * MS, 100, "hog");
	a = fx_close_analyze();
	dump(a);
	CHECK(a->nvictims == 1, "gaveup: one victim (%zu)", a->nvictims);
	if (a->nvictims != 1)
		goto out;
	v = &a->victims[0];
	CHECK(v->skip_by == OL_SKIP_BY_REAPER_GAVE_UP && v->skip_confidence == OL_CONF_OBSERVED,
	      "gaveup: skip by reaper-gave-up, observed (%s/%s)", ol_skip_by_name(v->skip_by),
	      ol_confidence_name(v->skip_confidence));
	CHECK(v->skip_lo_ns == T0 + 2902 * MS && v->skip_hi_ns == T0 + 2902 * MS + 5000,
	      "gaveup: bracket at the \"unable to reap\" line (%lld..%lld ms)",
	      (long long)((v->skip_lo_ns - T0) / MS), (long long)((v->skip_hi_ns - T0) / MS));
	CHECK(v->reaper.gave_up && v->reaper.failures == 10 && v->reaper.reaped_kb == 0,
	      "gaveup: reaper run gave up after 10 failures, reaped 0 kB (%d, %d, %lld)",
	      v->reaper.gave_up, v->reaper.failures, (long long)v->reaper.reaped_kb);
	CHECK(v->freed_by == OL_FREED_BY_EXIT && v->freed_ns > T0 + 7000 * MS,
	      "gaveup: memory came back with the exit, 7 s later (%s)", ol_freed_by_name(v->freed_by));
	CHECK(a->summary.gave_up == 1, "gaveup: summary counts it");
	check_ascii("gaveup", a);
out:
	ol_analysis_free(a);
}

/* The victim shares its mm with global init: the OOM killer sets
 * MMF_OOM_SKIP itself at the kill. */
static void pinned(void)
{
	struct ol_analysis *a;
	const struct ol_victim *v;

	db_begin("pinned", "6.18.0", "live", true);
	ol_store_add_task(st, 100, 100, "hog", "newtask");
	kill_seq(T0, 99, 100, "hog", 8192, 262144, 262144);
	console(T0 + 3000, 99, "trig", "oom killer 100 (hog) has mm pinned by 1 (init)");
	ev(T0 + 5 * MS, 1, 100, "hog", "sched:sched_process_exit", 100,
	   "{\"comm\":\"hog\",\"pid\":100,\"prio\":120,\"group_dead\":1}");
	a = fx_close_analyze();
	dump(a);
	CHECK(a->nvictims == 1, "pinned: one victim (%zu)", a->nvictims);
	if (a->nvictims != 1)
		goto out;
	v = &a->victims[0];
	CHECK(v->skip_by == OL_SKIP_BY_MM_PINNED && v->skip_confidence == OL_CONF_OBSERVED,
	      "pinned: skip by mm-pinned, observed (%s/%s)", ol_skip_by_name(v->skip_by),
	      ol_confidence_name(v->skip_confidence));
	CHECK(v->skip_ns == T0 + 3000, "pinned: at the log line");
	CHECK(point_with(v, "log", "has mm pinned by 1 (init)") != NULL, "pinned: line on the timeline");
	check_ascii("pinned", a);
out:
	ol_analysis_free(a);
}

/* task_will_free_mem(): marked, no kill line, no SIGKILL. */
static void bypass(void)
{
	struct ol_analysis *a;
	const struct ol_victim *v;
	const struct ol_verdict *vd;

	db_begin("bypass", "6.18.0", "live", true);
	ol_store_add_task(st, 100, 100, "hog", "newtask");
	ol_store_add_task(st, 200, 200, "dying", "newtask");
	kill_seq(T0, 99, 100, "hog", 8192, 262144, 262144);
	ev(T0 + 5 * MS, 1, 100, "hog", "sched:sched_process_exit", 100,
	   "{\"comm\":\"hog\",\"pid\":100,\"prio\":120,\"group_dead\":1}");
	/* 20 s later an exiting task allocates: marked without a kill */
	ev(T0 + 20000 * MS, 0, 200, "dying", "oom:mark_victim", 200,
	   "{\"pid\":200,\"comm\":\"dying\",\"total_vm\":5000,\"anon_rss\":4000,\"file_rss\":0,"
	   "\"shmem_rss\":0,\"uid\":0,\"pgtables\":100,\"oom_score_adj\":0}");
	ev(T0 + 20001 * MS, 0, 200, "dying", "sched:sched_process_exit", 200,
	   "{\"comm\":\"dying\",\"pid\":200,\"prio\":120,\"group_dead\":1}");
	a = fx_close_analyze();
	dump(a);
	CHECK(a->nvictims == 2, "bypass: two victims (%zu)", a->nvictims);
	if (a->nvictims != 2)
		goto out;
	v = &a->victims[0];
	CHECK(!v->bypass && !verdict(v, OL_VERDICT_BYPASS), "bypass: the real kill is no bypass");
	v = &a->victims[1];
	vd = verdict(v, OL_VERDICT_BYPASS);
	CHECK(v->bypass && v->verdict == OL_VERDICT_BYPASS && vd && vd->confidence == OL_CONF_OBSERVED,
	      "bypass: marked without a kill: bypass, observed (%s)", ol_verdict_name(v->verdict));
	CHECK(a->summary.bypasses == 1 && a->summary.kills == 1, "bypass: summary 1 kill, 1 bypass");
	check_ascii("bypass", a);
out:
	ol_analysis_free(a);
}

/* A memcg OOM while the memcg used 1 MB of its 512 MB limit. */
static void premature(void)
{
	struct ol_analysis *a;
	const struct ol_victim *v;
	const struct ol_verdict *vd;

	db_begin("premature", "6.18.0", "live", true);
	ol_store_add_task(st, 100, 100, "hog", "newtask");
	ol_store_add_task(st, 200, 200, "full", "newtask");
	kill_seq(T0, 99, 100, "hog", 1024, 1024, 524288);
	ev(T0 + 5 * MS, 1, 100, "hog", "sched:sched_process_exit", 100,
	   "{\"comm\":\"hog\",\"pid\":100,\"prio\":120,\"group_dead\":1}");
	/* and a legitimate one: at the limit */
	kill_seq(T0 + 30000 * MS, 98, 200, "full", 500000, 524288, 524288);
	ev(T0 + 30005 * MS, 1, 200, "full", "sched:sched_process_exit", 200,
	   "{\"comm\":\"full\",\"pid\":200,\"prio\":120,\"group_dead\":1}");
	a = fx_close_analyze();
	dump(a);
	CHECK(a->nvictims == 2, "premature: two victims (%zu)", a->nvictims);
	if (a->nvictims != 2)
		goto out;
	v = &a->victims[0];
	vd = verdict(v, OL_VERDICT_PREMATURE);
	CHECK(vd && vd->confidence == OL_CONF_OBSERVED && strstr(vd->evidence, "1024 kB of its 524288 kB"),
	      "premature: usage 1024 of 524288 kB (%s)", vd ? vd->evidence : "-");
	CHECK(v->verdict == OL_VERDICT_PREMATURE, "premature: headline (%s)", ol_verdict_name(v->verdict));
	CHECK(!verdict(&a->victims[1], OL_VERDICT_PREMATURE), "premature: not at the limit");
	check_ascii("premature", a);
out:
	ol_analysis_free(a);
}

/* A 4.9 kernel log alone (a kmsg import): no tracepoints at all. */
static void logonly(void)
{
	struct ol_analysis *a;
	const struct ol_victim *v;
	size_t k;
	bool capped = true;

	db_begin("logonly", "4.9.0-19-amd64", "kmsg", false);
	console(T0 - 30000, 99, "trig", "trig invoked oom-killer: gfp_mask=0x24280ca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), nodemask=0, order=0, oom_score_adj=0");
	console(T0 - 25000, 99, "trig", "Task in /box killed as a result of limit of /box");
	console(T0 - 20000, 99, "trig", "memory: usage 262144kB, limit 262144kB, failcnt 30");
	console(T0 - 1000, 99, "trig", "Memory cgroup out of memory: Kill process 100 (hog) score 990 or sacrifice child");
	console(T0, 99, "trig", "Killed process 100 (hog) total-vm:300000kB, anon-rss:250000kB, file-rss:1000kB, shmem-rss:0kB");
	console(T0 + 40 * MS, REAPER, "oom_reaper", "oom_reaper: reaped process 100 (hog), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB");
	a = fx_close_analyze();
	dump(a);
	CHECK(a->nvictims == 1, "logonly: one victim from the kill line (%zu)", a->nvictims);
	if (a->nvictims != 1)
		goto out;
	v = &a->victims[0];
	CHECK(v->pid == 100 && !strcmp(v->comm, "hog"), "logonly: pid 100 (hog)");
	CHECK(!strcmp(v->mem_source, "kmsg") && v->anon_kb == 250000 && v->rss_kb == 251000,
	      "logonly: memory from the kernel log (%s, %lld kB)", v->mem_source, (long long)v->rss_kb);
	CHECK(v->kill_ns == T0, "logonly: kill at the log line");
	CHECK(!v->bypass, "logonly: not a bypass");
	CHECK(!strcmp(v->domain, "/box"), "logonly: domain from \"Task in ... limit of\" (%s)", v->domain);
	CHECK(v->skip_by == OL_SKIP_BY_REAPER && v->skip_confidence == OL_CONF_INFERRED &&
	      v->skip_ns == T0 + 40 * MS, "logonly: MMF_OOM_SKIP by the reaper at its line, inferred (%s/%s)",
	      ol_skip_by_name(v->skip_by), ol_confidence_name(v->skip_confidence));
	CHECK(v->freed_by == OL_FREED_BY_REAPER && v->freed_ns == T0 + 40 * MS,
	      "logonly: freed by the reaper at its line");
	CHECK(v->verdict == OL_VERDICT_OK && v->verdict_confidence == OL_CONF_INFERRED,
	      "logonly: ok, inferred (%s/%s)", ol_verdict_name(v->verdict),
	      ol_confidence_name(v->verdict_confidence));
	for (k = 0; k < v->nverdicts; k++)
		if (v->verdicts[k].confidence > OL_CONF_INFERRED)
			capped = false;
	CHECK(capped && v->verdict_confidence <= OL_CONF_INFERRED,
	      "logonly: no verdict surer than inferred without the kill event (%s)",
	      ol_confidence_name(v->verdict_confidence));
	check_ascii("logonly", a);
out:
	ol_analysis_free(a);
}

/* Pre-5.0: the OOM killer picks 100 but sacrifices its child 101. */
static void sacrifice(void)
{
	struct ol_analysis *a;
	const struct ol_victim *v;
	const struct ol_point *p;

	db_begin("sacrifice", "4.14.0", "live", false);
	ol_store_add_format(st, "printk", "console", 6, "field:__data_loc char[] msg;");
	ol_store_add_format(st, "oom", "mark_victim", 10, F_MV_PID);
	ol_store_add_format(st, "sched", "sched_process_exit", 11, F_EXIT_OLD);
	ol_store_add_task(st, 100, 100, "parent", "newtask");
	ol_store_add_task(st, 101, 101, "child", "newtask");
	console(T0 - 30000, 99, "trig", "trig invoked oom-killer: gfp_mask=0x14000c0(GFP_KERNEL), nodemask=(null),  order=0, oom_score_adj=0");
	console(T0 - 5000, 99, "trig", "Out of memory: Kill process 100 (parent) score 900 or sacrifice child");
	ev(T0, 0, 99, "trig", "oom:mark_victim", 101, "{\"pid\":101}");
	console(T0 + 1000, 99, "trig", "Killed process 101 (child) total-vm:90000kB, anon-rss:80000kB, file-rss:0kB, shmem-rss:0kB");
	ev(T0 + 3 * MS, 1, 101, "child", "sched:sched_process_exit", 101,
	   "{\"comm\":\"child\",\"pid\":101,\"prio\":120}");
	a = fx_close_analyze();
	dump(a);
	CHECK(a->nvictims == 1, "sacrifice: one victim (%zu)", a->nvictims);
	if (a->nvictims != 1)
		goto out;
	v = &a->victims[0];
	CHECK(v->pid == 101 && !strcmp(v->comm, "child") && v->rss_kb == 80000,
	      "sacrifice: the victim is the killed child 101 (%d %s %lld kB)", v->pid, v->comm,
	      (long long)v->rss_kb);
	CHECK(!v->bypass, "sacrifice: killed, not a bypass");
	p = point_with(v, "log", "Kill process 100 (parent) score 900");
	CHECK(p && p->ts_ns == T0 - 5000, "sacrifice: the selection line is on the child's timeline");
	CHECK(point_with(v, "log", "sacrificed") != NULL, "sacrifice: the timeline says a child was sacrificed");
	check_ascii("sacrifice", a);
out:
	ol_analysis_free(a);
}

int main(void)
{
	raced();
	gaveup();
	pinned();
	bypass();
	premature();
	logonly();
	sacrifice();
	return unit_done();
}
