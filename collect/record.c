// SPDX-License-Identifier: GPL-2.0
/*
 * The live recorder's tracefs side: a private instance "oomlens-<pid>"
 * with the oomlens event set enabled (kernel-side filters on the frequent
 * events), its per-CPU loss counters, and the facts a recording carries
 * besides events (uname, clock, formats, the tasks alive at the start).
 *
 * Only the instance's own files are ever written: the top-level tracing
 * settings (set_event, tracing_on, buffer_size_kb, current_tracer,
 * trace_clock) are never touched, and only event files are needed, so
 * this works without the function tracer or a writable ftrace_enabled.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <tracefs.h>
#include <event-parse.h>

#include "collect/collect-local.h"

#define INSTANCE_PREFIX	"oomlens-"

struct ol_live {
	struct tracefs_instance	*inst;
	struct tep_handle	*tep;
	int			ncpu;
	long long		*overrun0, *dropped0;	/* at start, per cpu */
	char			*missing;		/* events not on this kernel */
	char			*filtered;		/* filters applied, for meta */
	char			*skipped;		/* left out by option */
};

/* The systems the event set needs: the tep parses only these. */
static const char *const systems[] = {
	"oom", "sched", "task", "signal", "mmap", "kmem", "mmap_lock", "printk", NULL
};

/*
 * Where tracefs is mounted, from /proc/mounts (libtracefs would try to
 * mount it itself; a recorder should say what is missing instead).
 */
static char *tracefs_mount(void)
{
	FILE *f = fopen("/proc/mounts", "re");
	char dev[256], dir[1024], type[64], *found = NULL;

	if (!f)
		return NULL;
	while (!found && fscanf(f, "%255s %1023s %63s %*[^\n]", dev, dir, type) == 3) {
		if (!strcmp(type, "tracefs"))
			found = strdup(dir);
		else if (!strcmp(type, "debugfs")) {
			char p[1100];

			snprintf(p, sizeof(p), "%s/tracing/instances", dir);
			if (!access(p, F_OK))
				found = ol_strdupf("%s/tracing", dir);
		}
	}
	fclose(f);
	return found;
}

/* "oomlens-1234" -> 1234, or 0 when the name is not one of ours. */
static pid_t instance_owner(const char *name)
{
	const char *p = name + strlen(INSTANCE_PREFIX);
	char *end;
	long v;

	if (strncmp(name, INSTANCE_PREFIX, strlen(INSTANCE_PREFIX)) || !isdigit((unsigned char)*p))
		return 0;
	errno = 0;
	v = strtol(p, &end, 10);
	return *end || errno || v <= 0 || v > 0x3fffffff ? 0 : (pid_t)v;
}

static bool pid_alive(pid_t pid)
{
	return kill(pid, 0) == 0 || errno != ESRCH;
}

int ol_live_remove_stale(char **names)
{
	char **list = tracefs_instances(NULL);
	struct ol_buf done = { 0 };
	int i, n = 0;

	*names = NULL;
	for (i = 0; list && list[i]; i++) {
		pid_t owner = instance_owner(list[i]);
		struct tracefs_instance *inst;

		/* a live owner (or our own pid, re-used) is not stale */
		if (!owner || owner == getpid() || pid_alive(owner))
			continue;
		inst = tracefs_instance_alloc(NULL, list[i]);
		if (!inst)
			continue;
		tracefs_trace_off(inst);
		if (tracefs_instance_destroy(inst) == 0) {
			ol_buf_printf(&done, "%s%s", n ? ", " : "", list[i]);
			n++;
		}
		tracefs_instance_free(inst);
	}
	tracefs_list_free(list);
	*names = done.s;
	return n;
}

static void note(char **list, const char *what)
{
	char *s = ol_strdupf("%s%s%s", *list ? *list : "", *list ? ", " : "", what);

	if (s) {
		free(*list);
		*list = s;
	}
}

static int write_filter(struct ol_live *lv, const char *sys, const char *ev,
			const char *filter)
{
	char *what;

	if (tracefs_event_file_write(lv->inst, sys, ev, "filter", filter) < 0)
		return -1;
	what = ol_strdupf("%s:%s [%s]", sys, ev, filter);
	if (what)
		note(&lv->filtered, what);
	free(what);
	return 0;
}

static bool event_exists(struct ol_live *lv, const char *sys, const char *ev)
{
	char dir[256];

	if (!ev) {
		snprintf(dir, sizeof(dir), "events/%s", sys);
		return tracefs_dir_exists(lv->inst, dir);
	}
	return tracefs_event_file_exists(lv->inst, sys, ev, "enable");
}

/*
 * mmap_lock with --lock-events (not "all"): only write locks and failed
 * trylocks.  That keeps exit_mmap's mmap_write_lock (6.1+: MMF_OOM_SKIP is
 * set just before it, so its start_locking is the upper bracket) and the
 * reaper's failed trylocks, and drops the read locks every page fault
 * fallback, /proc read and mmap takes.
 */
static int enable_lock_events(struct ol_live *lv, bool all)
{
	static const char *const f[][2] = {
		{ "mmap_lock_start_locking", "write == 1" },
		{ "mmap_lock_acquire_returned", "write == 1 || success == 0" },
		{ "mmap_lock_released", "write == 1" },
	};
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (!event_exists(lv, "mmap_lock", f[i][0])) {
			note(&lv->missing, f[i][0]);
			continue;
		}
		if (!all && write_filter(lv, "mmap_lock", f[i][0], f[i][1]) < 0)
			return -1;
		if (tracefs_event_enable(lv->inst, "mmap_lock", f[i][0]) < 0)
			return -1;
	}
	return 0;
}

static int enable_events(struct ol_live *lv, const struct ol_live_opts *o, char **err)
{
	int i;

	for (i = 0; ol_event_set[i]; i++) {
		char sys[64], ev[128];
		const char *name = NULL;

		if (sscanf(ol_event_set[i], "%63[^:]:%127s", sys, ev) != 2)
			continue;
		if (strcmp(ev, "*"))
			name = ev;
		if (!strcmp(sys, "mmap_lock")) {
			if (!o->lock_events)
				note(&lv->skipped, ol_event_set[i]);
			else if (enable_lock_events(lv, o->lock_events > 1))
				goto fail;
			continue;
		}
		if (!strcmp(ol_event_set[i], "kmem:rss_stat") && o->rss < 0) {
			note(&lv->skipped, ol_event_set[i]);
			continue;
		}
		if (!event_exists(lv, sys, name)) {
			note(&lv->missing, ol_event_set[i]);
			continue;
		}
		/*
		 * rss_stat fires on every RSS change of every process.  curr
		 * is 0 when the mm is not current->mm: the oom_reaper
		 * unmapping a victim, and a task's own exit_mmap (mm already
		 * detached): exactly the freeing the analysis measures.
		 */
		if (!strcmp(ol_event_set[i], "kmem:rss_stat") && o->rss == 0 &&
		    write_filter(lv, sys, name, "curr == 0") < 0)
			goto fail;
		/* only SIGKILLs matter (ol_conv_record drops the rest anyway) */
		if (!strcmp(ol_event_set[i], "signal:signal_generate") &&
		    write_filter(lv, sys, name, "sig == 9") < 0)
			goto fail;
		if (tracefs_event_enable(lv->inst, sys, name) < 0)
			goto fail;
		continue;
fail:
		*err = ol_strdupf("cannot enable %s in instance %s: %s", ol_event_set[i],
				  tracefs_instance_get_name(lv->inst), strerror(errno));
		return -1;
	}
	return 0;
}

/* "overrun: N" and "dropped events: N" of one CPU's stats file. */
static int read_stats(struct ol_live *lv, int cpu, long long *overrun, long long *dropped)
{
	char file[64], *text, *p;

	*overrun = *dropped = 0;
	snprintf(file, sizeof(file), "per_cpu/cpu%d/stats", cpu);
	text = tracefs_instance_file_read(lv->inst, file, NULL);
	if (!text)
		return -1;
	if ((p = strstr(text, "overrun:")))
		*overrun = strtoll(p + 8, NULL, 10);
	if ((p = strstr(text, "dropped events:")))
		*dropped = strtoll(p + 15, NULL, 10);
	free(text);
	return 0;
}

struct ol_live *ol_live_start(const struct ol_live_opts *o, char **err)
{
	struct ol_live *lv = calloc(1, sizeof(*lv));
	char name[64], *mnt = NULL, kb[32], inst_dir[1100];
	int cpu;

	*err = NULL;
	if (!lv)
		goto nomem;
	mnt = tracefs_mount();
	if (!mnt) {
		*err = strdup("tracefs is not mounted; mount it with "
			      "'mount -t tracefs nodev /sys/kernel/tracing'");
		goto fail;
	}
	snprintf(inst_dir, sizeof(inst_dir), "%s/instances", mnt);
	if (access(inst_dir, W_OK) != 0) {
		*err = ol_strdupf("'%s': %s: recording needs root (or write access to tracefs)",
				  inst_dir, strerror(errno));
		goto fail;
	}
	snprintf(name, sizeof(name), INSTANCE_PREFIX "%d", (int)getpid());
	lv->inst = tracefs_instance_create(name);
	if (!lv->inst) {
		*err = ol_strdupf("'%s/%s': cannot create tracefs instance: %s", inst_dir,
				  name, strerror(errno));
		goto fail;
	}
	if (!tracefs_instance_is_new(lv->inst)) {
		/* left by a dead process that had our pid: start clean */
		tracefs_instance_destroy(lv->inst);
		tracefs_instance_free(lv->inst);
		lv->inst = tracefs_instance_create(name);
		if (!lv->inst || !tracefs_instance_is_new(lv->inst)) {
			*err = ol_strdupf("'%s/%s': a stale instance cannot be removed", inst_dir, name);
			goto fail;
		}
	}
	tracefs_trace_off(lv->inst);
	snprintf(kb, sizeof(kb), "%u", o->buffer_kb);
	if (tracefs_instance_file_write(lv->inst, "buffer_size_kb", kb) < 0) {
		*err = ol_strdupf("instance %s: cannot size the buffers to %s kB per CPU: %s",
				  name, kb, strerror(errno));
		goto fail;
	}
	if (enable_events(lv, o, err))
		goto fail;
	lv->tep = tracefs_local_events_system(mnt, systems);
	if (!lv->tep) {
		*err = ol_strdupf("'%s/events': cannot parse the event formats", mnt);
		goto fail;
	}
	lv->ncpu = (int)sysconf(_SC_NPROCESSORS_CONF);
	lv->overrun0 = calloc((size_t)lv->ncpu, sizeof(long long));
	lv->dropped0 = calloc((size_t)lv->ncpu, sizeof(long long));
	if (!lv->overrun0 || !lv->dropped0)
		goto nomem;
	for (cpu = 0; cpu < lv->ncpu; cpu++)
		read_stats(lv, cpu, &lv->overrun0[cpu], &lv->dropped0[cpu]);
	if (tracefs_trace_on(lv->inst) < 0) {
		*err = ol_strdupf("instance %s: cannot turn tracing on: %s", name, strerror(errno));
		goto fail;
	}
	free(mnt);
	return lv;
nomem:
	*err = strdup("out of memory");
fail:
	free(mnt);
	ol_live_stop(lv);
	return NULL;
}

struct tep_handle *ol_live_tep(struct ol_live *lv)
{
	return lv->tep;
}

const char *ol_live_missing(struct ol_live *lv)
{
	return lv->missing;
}

int ol_live_cpus(struct ol_live *lv)
{
	return lv->ncpu;
}

void ol_live_pause(struct ol_live *lv)
{
	tracefs_trace_off(lv->inst);
}

int ol_live_read(struct ol_live *lv,
		 int (*cb)(struct tep_event *, struct tep_record *, int, void *), void *ctx)
{
	return tracefs_iterate_raw_events(lv->tep, lv->inst, NULL, 0, cb, ctx);
}

/* /proc/sys/kernel/random/boot_id without its newline; false if absent */
bool ol_boot_id(char *buf, size_t len)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	bool ok = f && fgets(buf, (int)len, f) && buf[0] && buf[0] != '\n';

	if (f)
		fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

int ol_live_store_meta(struct ol_live *lv, struct ol_store *st)
{
	char boot[64];
	struct utsname u;
	char *uname_s = NULL, *clock = tracefs_get_clock(lv->inst);
	char cpus[16];
	int ret = -1;

	if (uname(&u) == 0)
		uname_s = ol_strdupf("%s %s %s %s %s", u.sysname, u.nodename, u.release,
				     u.version, u.machine);
	snprintf(cpus, sizeof(cpus), "%d", lv->ncpu);
	if (uname_s && (ol_store_set_meta(st, "uname", uname_s) ||
			ol_store_set_meta(st, "hostname", u.nodename) ||
			ol_store_set_meta(st, "kernel_release", u.release)))
		goto out;
	/* which boot the trace clock belongs to (oomlens merge keeps it) */
	if (ol_boot_id(boot, sizeof(boot)) && ol_store_set_meta(st, "boot_id", boot))
		goto out;
	if (ol_store_set_meta(st, "clock", clock ? clock : "local") ||
	    ol_store_set_meta(st, "cpus", cpus) ||
	    (lv->filtered && ol_store_set_meta(st, "record.filters", lv->filtered)) ||
	    (lv->missing && ol_store_set_meta(st, "record.missing", lv->missing)) ||
	    (lv->skipped && ol_store_set_meta(st, "record.not_recorded", lv->skipped)))
		goto out;
	ret = 0;
out:
	free(uname_s);
	free(clock);
	return ret;
}

/*
 * Ring-buffer losses since the start: overruns (the writer lapped the
 * reader) and dropped events (buffer full) from per_cpu/cpuN/stats.
 * @missed[cpu] is what the pages themselves reported (already stored as
 * gaps); any excess becomes a gap of unknown position.  Returns the total
 * lost, or -1 on a store error.
 */
long long ol_live_store_stats(struct ol_live *lv, struct ol_store *st, const long long *missed)
{
	long long total = 0;
	int cpu;

	for (cpu = 0; cpu < lv->ncpu; cpu++) {
		long long ov, dr, lost;
		char key[32], val[32];

		if (read_stats(lv, cpu, &ov, &dr))
			continue;
		ov -= lv->overrun0[cpu];
		dr -= lv->dropped0[cpu];
		snprintf(key, sizeof(key), "overrun.cpu%d", cpu);
		snprintf(val, sizeof(val), "%lld", ov);
		if (ol_store_set_meta(st, key, val))
			return -1;
		snprintf(key, sizeof(key), "dropped.cpu%d", cpu);
		snprintf(val, sizeof(val), "%lld", dr);
		if (ol_store_set_meta(st, key, val))
			return -1;
		lost = ov + dr;
		if (missed && lost > missed[cpu]) {
			if (ol_store_add_gap(st, cpu, 0, 0, lost - missed[cpu]))
				return -1;
		}
		total += missed && missed[cpu] > lost ? missed[cpu] : lost;
	}
	return total;
}

void ol_live_stop(struct ol_live *lv)
{
	if (!lv)
		return;
	if (lv->inst) {
		tracefs_trace_off(lv->inst);
		tracefs_instance_destroy(lv->inst);
		tracefs_instance_free(lv->inst);
	}
	if (lv->tep)
		tep_free(lv->tep);
	free(lv->overrun0);
	free(lv->dropped0);
	free(lv->missing);
	free(lv->filtered);
	free(lv->skipped);
	free(lv);
}

/* One thread: its comm from /proc/PID/task/TID/comm. */
static int add_thread(struct ol_store *st, int tgid, int tid,
		      void (*seen)(void *, int, int, const char *), void *ctx)
{
	char path[96], comm[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", tgid, tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;	/* exited meanwhile */
	n = read(fd, comm, sizeof(comm) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	comm[n] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
	if (seen)
		seen(ctx, tid, tgid, comm);
	return st ? ol_store_add_task(st, tid, tgid, comm, "proc") : 0;
}

/*
 * Every thread alive now, so that a victim that was started before the
 * recording (and never forks or renames while recorded) has a known
 * process and name, also on kernels whose mark_victim carries only a pid.
 */
int ol_live_scan_proc(struct ol_store *st, void (*seen)(void *, int, int, const char *),
		      void *ctx)
{
	DIR *proc = opendir("/proc");
	struct dirent *d;
	int ret = 0;

	if (!proc)
		return 0;
	while (!ret && (d = readdir(proc))) {
		char path[64];
		struct dirent *t;
		DIR *task;
		int tgid = atoi(d->d_name);

		if (tgid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task", tgid);
		task = opendir(path);
		if (!task)
			continue;
		while (!ret && (t = readdir(task))) {
			int tid = atoi(t->d_name);

			if (tid > 0)
				ret = add_thread(st, tgid, tid, seen, ctx);
		}
		closedir(task);
	}
	closedir(proc);
	return ret;
}
