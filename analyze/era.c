// SPDX-License-Identifier: GPL-2.0
/*
 * Which kernel rules apply, decided from the stored event formats (stable
 * kernels carry backports, so features are read from each event's format,
 * not from the version number; see KERNEL.md).  The kernel release in
 * meta only breaks ties the formats cannot decide.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze-local.h"

const char *ol_exit_rule_name(enum ol_exit_rule r)
{
	switch (r) {
	case EXIT_RULE_AFTER_FREE:	return "exit-sets-skip-after-free(<=4.13)";
	case EXIT_RULE_BEFORE_UNMAP:	return "exit-sets-skip-before-unmap(4.14-6.0)";
	case EXIT_RULE_AFTER_UNMAP:	return "exit-sets-skip-after-unmap(6.1+)";
	default:			return "unknown";
	}
}

static bool has_format(sqlite3 *db, const char *sys, const char *ev, const char *needle)
{
	sqlite3_stmt *s = NULL;
	bool found = false;

	if (sqlite3_prepare_v2(db, "SELECT format FROM formats WHERE system = ?1 AND event = ?2",
			       -1, &s, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(s, 1, sys, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, ev, -1, SQLITE_STATIC);
	while (!found && sqlite3_step(s) == SQLITE_ROW) {
		const char *f = (const char *)sqlite3_column_text(s, 0);

		found = !needle || (f && strstr(f, needle));
	}
	sqlite3_finalize(s);
	return found;
}

/*
 * A database without formats (a kernel log import): fall back on events.
 * names holds the name of every stored event (schema 2) and nothing else.
 */
static bool has_events(sqlite3 *db, const char *name)
{
	sqlite3_stmt *s = NULL;
	bool found = false;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM names WHERE name = ?1 LIMIT 1",
			       -1, &s, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return found;
}

static bool have(sqlite3 *db, const char *sys, const char *ev, const char *needle)
{
	char name[96];

	if (has_format(db, sys, ev, needle))
		return true;
	if (needle)
		return false;
	snprintf(name, sizeof(name), "%s:%s", sys, ev);
	return has_events(db, name);
}

static void kernel_version(sqlite3 *db, struct ol_era *era)
{
	sqlite3_stmt *s = NULL;

	era->kver_major = era->kver_minor = 0;
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'kernel_release'",
			       -1, &s, NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(s) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(s, 0);

		if (v && sscanf(v, "%d.%d", &era->kver_major, &era->kver_minor) != 2)
			era->kver_major = era->kver_minor = 0;
		if (v)
			snprintf(era->release, sizeof(era->release), "%s", v);
	}
	sqlite3_finalize(s);
}

static int kver(const struct ol_era *e)
{
	return e->kver_major * 1000 + e->kver_minor;
}

/*
 * What the database holds: a kernel log alone has no event formats and
 * no trace events, only its OOM lines as printk:console events, so every
 * time and verdict from it is at most inferred.
 */
static void evidence(sqlite3 *db, struct ol_era *era)
{
	sqlite3_stmt *s = NULL;
	int kmsg = 0, other = 0;

	if (sqlite3_prepare_v2(db, "SELECT coalesce(sum(kind = 'kmsg'), 0),"
			       " coalesce(sum(kind != 'kmsg'), 0) FROM sources",
			       -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
		kmsg = sqlite3_column_int(s, 0);
		other = sqlite3_column_int(s, 1);
	}
	sqlite3_finalize(s);
	era->has_kmsg = kmsg > 0;
	era->kmsg_sources = kmsg;
	era->kmsg_only = kmsg > 0 && !other;
	era->evidence = era->kmsg_only ? "kernel-log-only" : kmsg ? "trace+kernel-log" : "trace";
}

int ol_era_detect(sqlite3 *db, struct ol_era *era, char **err)
{
	memset(era, 0, sizeof(*era));
	era->has_mark_victim = have(db, "oom", "mark_victim", NULL);
	era->mark_victim_ext = has_format(db, "oom", "mark_victim", "anon_rss");
	era->has_exit_mmap = have(db, "mmap", "exit_mmap", NULL);
	era->group_dead = has_format(db, "sched", "sched_process_exit", "group_dead");
	era->has_rss_stat = have(db, "kmem", "rss_stat", NULL);
	era->has_mmap_lock = have(db, "mmap_lock", "mmap_lock_start_locking", NULL);
	era->has_console = have(db, "printk", "console", NULL);
	era->has_signal = have(db, "signal", "signal_generate", NULL);
	era->has_newtask = have(db, "task", "task_newtask", NULL);
	era->has_reaper_events = have(db, "oom", "start_task_reaping", NULL);
	era->has_process_free = have(db, "sched", "sched_process_free", NULL);
	kernel_version(db, era);
	evidence(db, era);
	ol_era_rules(era);
	(void)err;
	return 0;
}

void ol_era_rules(struct ol_era *era)
{
	/* mmap:exit_mmap exists from 6.1, the same release that moved the
	 * exit path's MMF_OOM_SKIP after unmap_vmas(): observed from formats. */
	if (era->has_exit_mmap) {
		era->exit_rule = EXIT_RULE_AFTER_UNMAP;
		era->exit_rule_conf = OL_CONF_OBSERVED;
	} else if (kver(era) && kver(era) <= 4013) {
		era->exit_rule = EXIT_RULE_AFTER_FREE;
		era->exit_rule_conf = OL_CONF_INFERRED;
		era->from_release = true;
	} else if (kver(era) && kver(era) < 6001) {
		era->exit_rule = EXIT_RULE_BEFORE_UNMAP;
		era->exit_rule_conf = OL_CONF_INFERRED;
		era->from_release = true;
	} else if (kver(era)) {
		/* 6.1+ without the exit_mmap format: a kernel log alone (or
		 * the event not recorded); a backport cannot be seen */
		era->exit_rule = EXIT_RULE_AFTER_UNMAP;
		era->exit_rule_conf = OL_CONF_INFERRED;
		era->from_release = true;
	} else {
		/* no exit_mmap format and no usable version: most kernels
		 * in the field without the event are 4.14 .. 6.0 */
		era->exit_rule = EXIT_RULE_BEFORE_UNMAP;
		era->exit_rule_conf = OL_CONF_UNKNOWN;
	}
	era->reaper_delay = -1;
	era->reaper_delay_conf = OL_CONF_UNKNOWN;
}

void ol_era_resolution(struct ol_era *era, const struct ol_analysis *a)
{
	int64_t res = NS_PER_SEC;
	size_t i, j;

	era->res_ns = 1;
	if (!era->kmsg_only)
		return;
	/* the coarsest power of ten that divides every time of the log */
	for (i = 0; i < a->nvictims && res > 1; i++) {
		const struct ol_victim *v = &a->victims[i];

		while (res > 1 && v->kill_ns != OL_NONE && v->kill_ns % res)
			res /= 10;
		for (j = 0; j < v->npoints && res > 1; j++)
			while (res > 1 && v->points[j].ts_ns % res)
				res /= 10;
	}
	era->res_ns = res;
}

/*
 * OOM_REAPER_DELAY (5.18+, and backports): wake_reaper ~2 s after the
 * kill.  Infer it from the data; fall back on exit_mmap (6.1+ has it).
 */
void ol_era_finish(struct ol_era *era, const struct ol_analysis *a)
{
	size_t i, j;
	int delayed = 0, immediate = 0;

	for (i = 0; i < a->nvictims; i++) {
		const struct ol_victim *v = &a->victims[i];

		for (j = 0; j < v->npoints; j++) {
			int64_t d;

			if (strcmp(v->points[j].what, "wake_reaper"))
				continue;
			d = v->points[j].ts_ns - v->kill_ns;
			if (d >= 1500 * NS_PER_MS)
				delayed++;
			else if (d < 500 * NS_PER_MS)
				immediate++;
			break;
		}
	}
	if (delayed && !immediate) {
		era->reaper_delay = 1;
		era->reaper_delay_conf = OL_CONF_OBSERVED;
	} else if (immediate && !delayed) {
		era->reaper_delay = 0;
		era->reaper_delay_conf = OL_CONF_OBSERVED;
	} else if (era->has_exit_mmap || kver(era) >= 5018) {
		era->reaper_delay = 1;
		era->reaper_delay_conf = OL_CONF_INFERRED;
	} else if (kver(era) && kver(era) < 5018) {
		era->reaper_delay = 0;
		era->reaper_delay_conf = OL_CONF_INFERRED;
	}
	{
		/* without formats, sched_process_exit's group_dead (6.16+)
		 * can only come from the release */
		bool gd = era->group_dead || (era->from_release && kver(era) >= 6016);
		char src[112] = "";

		if (era->from_release)
			snprintf(src, sizeof(src), " (inferred from the kernel release %.64s)",
				 era->release);
		snprintf(era->name, sizeof(era->name), "%s%s%s%s%s",
			 era->exit_rule == EXIT_RULE_AFTER_UNMAP ? "6.1+" :
			 era->exit_rule == EXIT_RULE_AFTER_FREE ? "<=4.13" :
			 era->exit_rule == EXIT_RULE_BEFORE_UNMAP ? "4.14-6.0" : "unknown",
			 gd ? ", exit-before-mm(6.16+)" : "",
			 era->reaper_delay == 1 ? ", reaper-delay-2s" :
			 era->reaper_delay == 0 ? ", reaper-immediate" : "",
			 !era->has_mark_victim ? ", no-mark_victim" :
			 era->mark_victim_ext ? ", mark_victim-extended" : ", mark_victim-pid-only",
			 src);
	}
}
