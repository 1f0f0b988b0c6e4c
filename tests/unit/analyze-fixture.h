/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hand-built event sequences for the analyzer tests, written through the
 * store API as a source would write them, with each kernel era's formats.
 */
#ifndef OOMLENS_ANALYZE_FIXTURE_H
#define OOMLENS_ANALYZE_FIXTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/collect-local.h"
#include "analyze/analyze.h"

#define MS	1000000LL
#define T0	(100LL * 1000000000LL)

static struct ol_store *st;
static char dbpath[512];

static const char F_MV_PID[] = "field:int pid;\nprint fmt: \"pid=%d\"";
static const char F_MV_EXT[] = "field:int pid;\nfield:__data_loc char[] comm;\n"
	"field:unsigned long total_vm;\nfield:unsigned long anon_rss;\n"
	"field:unsigned long file_rss;\nfield:unsigned long shmem_rss;\n"
	"field:uid_t uid;\nfield:unsigned long pgtables;\nfield:short oom_score_adj;";
static const char F_EXIT_OLD[] = "field:char[16] comm;\nfield:pid_t pid;\nfield:int prio;";
static const char F_EXIT_GD[] = "field:char[16] comm;\nfield:pid_t pid;\nfield:int prio;\n"
	"field:bool group_dead;";

/* A fresh database $T_OUT/<prefix>-<name>.db with one open source. */
static void fx_open(const char *prefix, const char *name, const char *kernel, const char *kind)
{
	const char *dir = getenv("T_OUT");
	char *err = NULL;

	if (dir && *dir)
		mkdir(dir, 0755);	/* the runner names it, the test makes it */
	snprintf(dbpath, sizeof(dbpath), "%s/%s-%s.db", dir && *dir ? dir : "/tmp", prefix, name);
	unlink(dbpath);
	st = ol_store_open(dbpath, &err);
	if (!st) {
		printf("cannot open %s: %s\n", dbpath, err);
		exit(1);
	}
	if (ol_store_begin_source(st, name, kind) < 0)
		exit(1);
	ol_store_set_meta(st, "kernel_release", kernel);
}

/* The formats every era since 4.13 has. */
static void fx_common_formats(void)
{
	ol_store_add_format(st, "oom", "wake_reaper", 1, "field:int pid;");
	ol_store_add_format(st, "oom", "start_task_reaping", 2, "field:int pid;");
	ol_store_add_format(st, "oom", "finish_task_reaping", 3, "field:int pid;");
	ol_store_add_format(st, "oom", "skip_task_reaping", 4, "field:int pid;");
	ol_store_add_format(st, "signal", "signal_generate", 5, "field:int sig;");
	ol_store_add_format(st, "printk", "console", 6, "field:__data_loc char[] msg;");
	ol_store_add_format(st, "sched", "sched_process_free", 7, F_EXIT_OLD);
}

/* What a 6.16+ kernel adds: extended mark_victim, group_dead, exit_mmap ... */
static __attribute__((unused)) void fx_v6_formats(void)
{
	ol_store_add_format(st, "oom", "mark_victim", 10, F_MV_EXT);
	ol_store_add_format(st, "sched", "sched_process_exit", 11, F_EXIT_GD);
	ol_store_add_format(st, "kmem", "rss_stat", 12, "field:unsigned int mm_id;");
	ol_store_add_format(st, "mmap", "exit_mmap", 13, "field:struct mm_struct * mm;");
	ol_store_add_format(st, "mmap_lock", "mmap_lock_start_locking", 14, "field:struct mm_struct * mm;");
	ol_store_add_format(st, "mmap_lock", "mmap_lock_acquire_returned", 15, "field:struct mm_struct * mm;");
	ol_store_add_format(st, "mmap_lock", "mmap_lock_released", 16, "field:struct mm_struct * mm;");
}

static void ev(int64_t ts, int cpu, int pid, const char *comm, const char *name, int target,
	       const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void ev(int64_t ts, int cpu, int pid, const char *comm, const char *name, int target,
	       const char *fmt, ...)
{
	char fields[1024];
	struct ol_event e;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fields, sizeof(fields), fmt, ap);
	va_end(ap);
	e.ts_ns = ts;
	e.cpu = cpu;
	e.pid = pid;
	e.comm = comm;
	e.name = name;
	e.target = target;
	e.fields = fields;
	if (ol_store_add_event(st, &e)) {
		printf("add_event: %s\n", ol_store_errmsg(st));
		exit(1);
	}
}

/* One kernel log line as the printk:console tracepoint records it. */
static void console(int64_t ts, int pid, const char *comm, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void console(int64_t ts, int pid, const char *comm, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ev(ts, 0, pid, comm, "printk:console", -1, "{\"msg\":\"%s\"}", msg);
}

/* Commit the source, analyze the database and load the analysis. */
static struct ol_analysis *fx_close_analyze(void)
{
	struct ol_analysis *a;
	char *err = NULL;

	if (ol_store_end_source(st, true)) {
		printf("end_source: %s\n", ol_store_errmsg(st));
		exit(1);
	}
	ol_store_close(st);
	st = NULL;
	if (ol_analyze_db(dbpath, &err)) {
		printf("analyze: %s\n", err);
		exit(1);
	}
	a = ol_analysis_load(dbpath, &err);
	if (!a) {
		printf("load: %s\n", err);
		exit(1);
	}
	return a;
}

#endif
