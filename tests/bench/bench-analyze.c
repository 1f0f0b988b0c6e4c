// SPDX-License-Identifier: GPL-2.0
/*
 * bench-analyze [VICTIMS] [EVENTS_PER_VICTIM] [DB] — build a database of
 * VICTIMS (default 10000) OOM kills with EVENTS_PER_VICTIM (default 500,
 * so 5M events) through the store API, then time ol_analyze_db() and
 * report its peak RSS.  The database is generated in a child process so
 * that the parent's ru_maxrss is the analysis alone.  Exits 1 when the
 * analysis takes 2 s or more (the target in the analyzer issue).
 *
 * Build: cc -I. ... tests/bench/bench-analyze.c <all lib objects> $(LIBS)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collect/collect-local.h"
#include "analyze/analyze.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct ol_store *st;
static long nev;

static void ev(int64_t ts, int cpu, int pid, const char *comm, const char *name, int target,
	       const char *fields)
{
	struct ol_event e = { ts, cpu, pid, comm, name, target, fields };

	if (ol_store_add_event(st, &e)) {
		fprintf(stderr, "bench-analyze: %s\n", ol_store_errmsg(st));
		exit(1);
	}
	nev++;
}

/*
 * The flood kinds as the trace.dat importer stores them (schema 2): typed
 * columns in the order of the 6.18 formats.
 */
static const char *const rss_layout[] = { "i:mm_id", "i:curr", "i:member", "i:size", NULL };
static const char *const lock_layout[] = { "p:mm", "i:memcg_id", "i:write", NULL };

static void tev(int64_t ts, int cpu, int pid, const char *comm, const char *name,
		const char *const *layout, int64_t a, int64_t b, int64_t c, int64_t d)
{
	struct ol_event e = { ts, cpu, pid, comm, name, -1, NULL, layout, { a, b, c, d }, { 0 } };

	if (ol_store_add_event(st, &e)) {
		fprintf(stderr, "bench-analyze: %s\n", ol_store_errmsg(st));
		exit(1);
	}
	nev++;
}

/* One memcg OOM kill and the victim's teardown in its own context (6.18 shape). */
static void victim(long i, long per, int64_t t)
{
	int pid = 10000 + (int)i, trig = 5000 + (int)(i % 50), k;
	unsigned mm_id = 1000 + (unsigned)(i % 97);	/* ids reused as the kernel does */
	char f[512], mm[32], comm[32];
	long kb = 4096 + (i % 13) * 1024, rss_events, noise;

	snprintf(comm, sizeof(comm), "hog%ld", i % 1000);
	snprintf(mm, sizeof(mm), "0xffff8881%08lx", (unsigned long)(i % 89) * 0x1000);
	ol_store_add_task(st, pid, pid, comm, "newtask");
	snprintf(f, sizeof(f), "{\"msg\":\"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),"
		 "cpuset=/,mems_allowed=0,oom_memcg=/box%ld,task_memcg=/box%ld,task=%s,pid=%d,uid=0\"}",
		 i % 7, i % 7, comm, pid);
	ev(t - 20000, 0, trig, "trig", "printk:console", -1, f);
	snprintf(f, sizeof(f), "{\"sig\":9,\"errno\":0,\"code\":128,\"comm\":\"%s\",\"pid\":%d,"
		 "\"group\":1,\"result\":0}", comm, pid);
	ev(t - 2000, 0, trig, "trig", "signal:signal_generate", pid, f);
	snprintf(f, sizeof(f), "{\"pid\":%d,\"comm\":\"%s\",\"total_vm\":%ld,\"anon_rss\":%ld,"
		 "\"file_rss\":0,\"shmem_rss\":0,\"uid\":0,\"pgtables\":100,\"oom_score_adj\":0}",
		 pid, comm, kb + 1000, kb);
	ev(t, 0, trig, "trig", "oom:mark_victim", pid, f);
	snprintf(f, sizeof(f), "{\"msg\":\"Memory cgroup out of memory: Killed process %d (%s) "
		 "total-vm:%ldkB, anon-rss:%ldkB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:100kB "
		 "oom_score_adj:0\"}", pid, comm, kb + 1000, kb);
	ev(t + 2000, 0, trig, "trig", "printk:console", -1, f);
	snprintf(f, sizeof(f), "{\"comm\":\"%s\",\"pid\":%d,\"prio\":120,\"group_dead\":1}", comm, pid);
	ev(t + 100000, 1, pid, comm, "sched:sched_process_exit", pid, f);
	snprintf(f, sizeof(f), "{\"mm\":\"%s\",\"memcg_id\":9,\"write\":0}", mm);
	ev(t + 110000, 1, pid, comm, "mmap_lock:mmap_lock_start_locking", -1, f);
	rss_events = per * 6 / 10;
	noise = per - rss_events - 12;
	for (k = 1; k <= rss_events; k++)
		tev(t + 120000 + k * 100, 1, pid, comm, "kmem:rss_stat", rss_layout, mm_id, 0, 1,
		    kb * 1024 / rss_events * (rss_events - k));
	/* unrelated tasks working meanwhile */
	for (k = 0; k < noise; k++)
		tev(t + 160000 + k * 150, k & 1, 3 + k % 20, "noise",
		    k % 3 ? "mmap_lock:mmap_lock_acquire_returned" : "mmap_lock:mmap_lock_released",
		    lock_layout, (int64_t)(0xffff888200000000ULL + (unsigned)k), 2, 0, 0);
	snprintf(f, sizeof(f), "{\"mm\":\"%s\",\"memcg_id\":1,\"write\":0}", mm);
	ev(t + 900000, 1, pid, comm, "mmap_lock:mmap_lock_released", -1, f);
	snprintf(f, sizeof(f), "{\"mm\":\"%s\",\"memcg_id\":1,\"write\":1}", mm);
	ev(t + 901000, 1, pid, comm, "mmap_lock:mmap_lock_start_locking", -1, f);
	snprintf(f, sizeof(f), "{\"mm\":\"%s\",\"mt\":\"0x0\"}", mm);
	ev(t + 950000, 1, pid, comm, "mmap:exit_mmap", -1, f);
	snprintf(f, sizeof(f), "{\"mm\":\"%s\",\"memcg_id\":1,\"write\":1}", mm);
	ev(t + 951000, 1, pid, comm, "mmap_lock:mmap_lock_released", -1, f);
	snprintf(f, sizeof(f), "{\"comm\":\"%s\",\"pid\":%d,\"prio\":120}", comm, pid);
	ev(t + 990000, 0, 1, "init", "sched:sched_process_free", pid, f);
}

static int generate(const char *db, long n, long per)
{
	char *err = NULL;
	long i;

	unlink(db);
	st = ol_store_open(db, &err);
	if (!st || ol_store_begin_source(st, "bench", "live") < 0) {
		fprintf(stderr, "bench-analyze: %s\n", err ? err : ol_store_errmsg(st));
		return 1;
	}
	ol_store_add_format(st, "oom", "mark_victim", 1, "field:unsigned long anon_rss;");
	ol_store_add_format(st, "sched", "sched_process_exit", 2, "field:bool group_dead;");
	ol_store_add_format(st, "mmap", "exit_mmap", 3, "field:struct mm_struct * mm;");
	ol_store_add_format(st, "kmem", "rss_stat", 4, "field:unsigned int mm_id;");
	ol_store_add_format(st, "mmap_lock", "mmap_lock_start_locking", 5, "field:u64 memcg_id;");
	ol_store_add_format(st, "printk", "console", 6, "field:__data_loc char[] msg;");
	for (i = 0; i < n; i++)
		victim(i, per, 1000000000LL + i * 3000000LL);	/* a kill every 3 ms */
	if (ol_store_end_source(st, true)) {
		fprintf(stderr, "bench-analyze: %s\n", ol_store_errmsg(st));
		return 1;
	}
	ol_store_close(st);
	printf("generated %ld victims, %ld events\n", n, nev);
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 10000;
	long per = argc > 2 ? strtol(argv[2], NULL, 10) : 500;
	const char *db = argc > 3 ? argv[3] : "/tmp/oomlens-bench-analyze.db";
	struct rusage ru;
	char *err = NULL;
	double t0, dt, tg, cpu0;
	pid_t child;
	int status;

	if (per < 20)
		per = 20;
	tg = now();
	child = fork();
	if (child == 0)
		_exit(generate(db, n, per));
	if (child < 0 || waitpid(child, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return 1;
	printf("generation: %.1f s\n", now() - tg);
	getrusage(RUSAGE_SELF, &ru);
	cpu0 = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
	t0 = now();
	if (ol_analyze_db(db, &err)) {
		fprintf(stderr, "bench-analyze: %s\n", err);
		return 1;
	}
	dt = now() - t0;
	getrusage(RUSAGE_SELF, &ru);
	/* CPU of all threads: on a busy machine the steadier figure */
	printf("ol_analyze_db: %.3f s (target < 2 s), %.3f s CPU, peak RSS %ld MB\n", dt,
	       ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6 - cpu0, ru.ru_maxrss / 1024);
	t0 = now();
	{
		struct ol_analysis *a = ol_analysis_load(db, &err);

		if (!a) {
			fprintf(stderr, "bench-analyze: %s\n", err);
			return 1;
		}
		printf("ol_analysis_load: %.3f s, %zu victims, %zu episodes\n", now() - t0,
		       a->nvictims, a->nepisodes);
		ol_analysis_free(a);
	}
	if (argc <= 3)
		unlink(db);
	return dt < 2.0 ? 0 : 1;
}
