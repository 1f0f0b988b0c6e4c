/*
 * oomhog - provoke real memcg OOM kills for oomlens sample recordings.
 *
 * Must be started inside a memory cgroup with a limit (see run-scenario.sh);
 * every mode allocates until the memcg OOM killer steps in.
 *
 *   oomhog selfexit                 grow private anon memory until killed;
 *                                   the victim exits at once (no reaping)
 *   oomhog reaped     -d DEV        a thread sits in D state in an O_DIRECT
 *                                   read of DEV (throttled by blkio), the
 *                                   main thread grows private anon memory
 *                                   until killed: the oom_reaper frees it
 *   oomhog unreapable -d DEV        like reaped, but the victim's memory is
 *                                   MAP_SHARED|MAP_ANONYMOUS (shmem) that
 *                                   the reaper cannot free; bystander
 *                                   children keep allocating and get killed
 *                                   after the reaper gives the victim up
 *   oomhog sharedmm                 two processes share one mm
 *                                   (clone(CLONE_VM) without CLONE_THREAD);
 *                                   the OOM killer kills both
 *   oomhog pinned     -d DEV        the victim's threads exit at once, but
 *                                   a second process in the memcg holds its
 *                                   mm through a /proc/PID/mem read whose
 *                                   destination faults on a private mapping
 *                                   of the throttled DEV; bystanders are
 *                                   killed meanwhile
 *
 * Seed-thread behaviours (samples/README.md: scenario -> seed -> verdicts):
 *
 *   oomhog lockheld   -d DEV        the oom_reaper gives up on mmap_lock
 *                                   contention: a /proc/PID/mem reader holds
 *                                   the victim's mmap_lock for read while
 *                                   GUP faults pages of a throttled DEV
 *                                   mapping in, a writer waits for the write
 *                                   lock (/proc/PID/clear_refs), so every
 *                                   trylock fails
 *   oomhog racedexit  -d DEV -m MB -k KB  a large anon victim whose D-state
 *                                   thread leaves its read about 2.0-2.15 s
 *                                   after the kill: the reaper and exit_mmap
 *                                   unmap the same mm at once
 *   oomhog exitedvictim -m MB       the victim (one thread, MB of shared
 *                                   memory) exits at once; bystanders keep
 *                                   charging while its exit_mmap runs: the
 *                                   scan no longer sees it, a new victim is
 *                                   chosen within milliseconds
 *   oomhog memfd      -d DEV        MAP_SHARED memfd memory the reaper cannot
 *                                   free (shmem), a D-state thread
 *   oomhog vforkmm    -d DEV        one mm shared by the parent, a
 *                                   clone(CLONE_VM) child (in a D-state read)
 *                                   and a vfork child (allocating)
 *   oomhog bypass     -d DEV        a process SIGKILLed by userspace, stuck
 *                                   in D state, is chosen: "already exiting",
 *                                   marked without a kill
 *   oomhog mlocked    -d DEV        like reaped with all memory mlocked
 *                                   (the reaper frees it since 5.18)
 *
 * Options: -d DEV (block device for the D-state read), -r MB (read size,
 * default 4), -m MB (victim size, default 0 = grow until killed),
 * -b N (bystanders, default 3), -s MB (bystander step, default 1),
 * -i MS (bystander step interval, default 20), -w MS (delay before the
 * bystanders start, default 1000), -k KB (racedexit: size of the timed
 * read, default 1112), -c MB (bystander cap, 0 = grow until killed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MB (1024UL * 1024UL)

static const char *dev;
static unsigned long read_mb = 4, victim_mb, step_mb = 1, race_kb = 1112, cap_mb;
static int nbystanders = 3, step_ms = 20, start_ms = 1000;
static struct timespec t0;

static void logmsg(const char *fmt, ...)
{
	struct timespec t;
	va_list ap;
	char buf[256];
	int n;

	clock_gettime(CLOCK_MONOTONIC, &t);
	n = snprintf(buf, sizeof(buf), "oomhog[%d] %+.3f ", (int)getpid(),
		     (t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9);
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	n = strlen(buf);
	if (n < (int)sizeof(buf) - 1) {
		buf[n++] = '\n';
		buf[n] = 0;
	}
	if (write(2, buf, n) < 0) { /* nothing to do */ }
}

static void die(const char *what)
{
	logmsg("%s: %s", what, strerror(errno));
	exit(2);
}

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void setname(const char *name)
{
	prctl(PR_SET_NAME, name, 0, 0, 0);
}

/* raise our oom_score_adj (lowering it needs CAP_SYS_RESOURCE) */
static void set_oom_score_adj(int adj)
{
	FILE *f = fopen("/proc/self/oom_score_adj", "w");

	if (!f || fprintf(f, "%d\n", adj) < 0 || fclose(f))
		logmsg("cannot set oom_score_adj %d: %s", adj, strerror(errno));
}

/* map and touch len bytes; shared = MAP_SHARED|MAP_ANONYMOUS (shmem) */
static char *grab(unsigned long len, int shared)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap");
	for (unsigned long off = 0; off < len; off += 4096)
		p[off] = 1;
	return p;
}

/* grow until killed (or until limit_mb if nonzero, then sleep forever) */
static void grow(unsigned long limit_mb, int shared, unsigned long chunk_mb,
		 int interval_ms)
{
	unsigned long total = 0;

	for (;;) {
		if (limit_mb && total >= limit_mb)
			break;
		grab(chunk_mb * MB, shared);
		total += chunk_mb;
		if (interval_ms)
			msleep(interval_ms);
	}
	logmsg("holding %lu MB", total);
	for (;;)
		pause();
}

/* ---- the D-state reader thread ---- */

static char *readbuf;
static volatile int reader_started;

static void *reader(void *arg)
{
	size_t len = read_mb * MB;
	int fd;
	ssize_t n;

	(void)arg;
	setname("oomhog-dread");
	fd = open(dev, O_RDONLY | O_DIRECT);
	if (fd < 0)
		die("open O_DIRECT");
	logmsg("reader: O_DIRECT read of %lu MB from %s", read_mb, dev);
	reader_started = 1;
	n = pread(fd, readbuf, len, 0);
	logmsg("reader: read returned %zd", n);
	close(fd);
	return NULL;
}

static void start_reader(int shared)
{
	pthread_t th;

	if (!dev) {
		fprintf(stderr, "oomhog: this mode needs -d DEV\n");
		exit(2);
	}
	readbuf = grab(read_mb * MB, shared);
	if (pthread_create(&th, NULL, reader, NULL))
		die("pthread_create");
	while (!reader_started)
		msleep(10);
	msleep(300);	/* let the first bios reach the throttle */
}

/* ---- modes ---- */

static void mode_selfexit(void)
{
	setname("oomhog-self");
	grow(victim_mb, 0, 1, 0);
}

static void mode_reaped(void)
{
	setname("oomhog-reaped");
	start_reader(0);
	logmsg("growing private anon memory");
	grow(victim_mb, 0, 1, 0);
}

static void bystander(int i)
{
	char name[32];

	snprintf(name, sizeof(name), "oomhog-bystd%d", i % 100);
	setname(name);
	msleep(start_ms);
	logmsg("%s: allocating %lu MB every %d ms", name, step_mb, step_ms);
	if (cap_mb) {	/* bounded: exit once it holds cap_mb */
		for (unsigned long got = 0; got < cap_mb; got += step_mb) {
			grab(step_mb * MB, 0);
			if (step_ms)
				msleep(step_ms);
		}
		logmsg("%s: holds %lu MB, exits", name, cap_mb);
		_exit(0);
	}
	grow(0, 0, step_mb, step_ms);
}

static void mode_unreapable(void)
{
	unsigned long shm_mb;

	setname("oomhog-shmem");
	/* fork bystanders first: they must not inherit the shmem mapping */
	for (int i = 0; i < nbystanders; i++) {
		pid_t p = fork();

		if (p < 0)
			die("fork");
		if (p == 0) {
			bystander(i);
			_exit(0);
		}
		logmsg("bystander %d: pid %d", i, (int)p);
	}
	start_reader(1);
	shm_mb = victim_mb ? victim_mb : 120;
	logmsg("touching %lu MB of MAP_SHARED|MAP_ANONYMOUS memory", shm_mb);
	grab(shm_mb * MB, 1);
	logmsg("holding shmem, waiting to be killed");
	for (;;)
		pause();
}

/*
 * A child on our mm (clone(CLONE_VM) without CLONE_THREAD: a process of
 * its own sharing the mm) running @fn on a stack of its own; its pid.
 * @fn shares our TLS: raw syscalls only.
 */
static pid_t clone_vm(int (*fn)(void *))
{
	size_t stsz = 256 * 1024;
	char *stack;
	pid_t p;

	stack = mmap(NULL, stsz, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		die("mmap stack");
	p = clone(fn, stack + stsz, CLONE_VM | SIGCHLD, NULL);
	if (p < 0)
		die("clone");
	return p;
}

/* sharedmm: the CLONE_VM child uses raw syscalls only (it shares our TLS) */
static int sharer(void *arg)
{
	(void)arg;
	syscall(SYS_prctl, PR_SET_NAME, "oomhog-mmshare", 0, 0, 0);
	for (;;)
		syscall(SYS_pause);
	return 0;
}

static void mode_sharedmm(void)
{
	pid_t p;

	setname("oomhog-mmowner");
	p = clone_vm(sharer);
	logmsg("CLONE_VM sharer: pid %d", (int)p);
	msleep(200);
	grow(victim_mb, 0, 1, 0);
}

/*
 * pinned: the parent "pinner" (SIGCHLD ignored so the victim is reaped at
 * once; the others run with oom_score_adj 500 so the pinner goes last) reads the victim's memory through
 * /proc/VICTIM/mem into a destination buffer that is a private file mapping
 * of DEV (read-throttled): every page of the copy faults and waits for the
 * throttled device while mem_rw() holds a reference (mmget) on the victim's
 * mm.  The victim holds -m MB (default 100) of private anon memory; the
 * bystanders grow until the memcg is full.  When the victim is killed its
 * threads exit at once but its mm lives on (pinned), so further victims are
 * chosen right away while the victim's memory is freed only by the
 * oom_reaper 2 s later (or by the pinner's final mmput).
 */
static void mode_pinned(void)
{
	char path[64];
	pid_t v;
	int fd, mfd;
	char *dst;
	size_t len = read_mb * MB;
	FILE *f;

	if (!dev) {
		fprintf(stderr, "oomhog: pinned needs -d DEV\n");
		exit(2);
	}
	setname("oomhog-pinner");
	signal(SIGCHLD, SIG_IGN);	/* auto-reap: the dead victim leaves the task list */
	v = fork();
	if (v < 0)
		die("fork");
	if (v == 0) {
		setname("oomhog-pinvict");
		set_oom_score_adj(500);
		grab(16 * MB, 0);
		msleep(300);
		grow(victim_mb ? victim_mb : 100, 0, 1, 1);
	}
	logmsg("victim: pid %d", (int)v);
	for (int i = 0; i < nbystanders; i++) {
		pid_t p = fork();

		if (p < 0)
			die("fork");
		if (p == 0) {
			set_oom_score_adj(500);	/* kill them before the pinner */
			bystander(i);
			_exit(0);
		}
		logmsg("bystander %d: pid %d", i, (int)p);
	}
	fd = open(dev, O_RDONLY);
	if (fd < 0)
		die("open dev");
	dst = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (dst == MAP_FAILED)
		die("mmap dev");
	msleep(100);
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)v);
	mfd = open(path, O_RDONLY);
	if (mfd < 0)
		die("open /proc/PID/mem");
	for (;;) {
		char line[256];
		unsigned long lo = 0, hi = 0;
		ssize_t n;

		/* the victim's first anonymous area of >= 16 MB */
		snprintf(path, sizeof(path), "/proc/%d/maps", (int)v);
		f = fopen(path, "r");
		if (!f)
			break;
		while (fgets(line, sizeof(line), f)) {
			unsigned long a, b;

			if (sscanf(line, "%lx-%lx", &a, &b) == 2 &&
			    b - a >= 16 * MB && strstr(line, "rw-p")) {
				lo = a;
				hi = b;
				break;
			}
		}
		fclose(f);
		if (!lo)
			break;
		logmsg("pinner: reading %lu kB of victim %d through a throttled mapping",
		       (unsigned long)((hi - lo < len ? hi - lo : len) / 1024), (int)v);
		n = pread(mfd, dst, hi - lo < len ? hi - lo : len, (off_t)lo);
		logmsg("pinner: read returned %zd", n);
		if (n <= 0)
			break;
		/* drop the pages so the next read faults (and waits) again */
		if (madvise(dst, len, MADV_DONTNEED))
			die("madvise");
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	}
	close(mfd);
	logmsg("pinner: victim gone, waiting for the bystanders");
	while (wait(NULL) > 0 || errno == EINTR)
		;
	exit(0);
}

#include "oomhog-seeds.h"

int main(int argc, char **argv)
{
	const char *mode;
	int c;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (argc < 2) {
		fprintf(stderr, "usage: oomhog selfexit|reaped|unreapable|sharedmm|pinned|"
			"lockheld|racedexit|exitedvictim|memfd|vforkmm|bypass|mlocked "
			"[-d DEV] [-r MB] [-m MB] [-b N] [-s MB] [-i MS] [-w MS] [-k KB] [-c MB]\n");
		return 2;
	}
	mode = argv[1];
	optind = 2;
	while ((c = getopt(argc, argv, "d:r:m:b:s:i:w:k:c:")) != -1) {
		switch (c) {
		case 'd': dev = optarg; break;
		case 'r': read_mb = strtoul(optarg, NULL, 0); break;
		case 'm': victim_mb = strtoul(optarg, NULL, 0); break;
		case 'b': nbystanders = atoi(optarg); break;
		case 's': step_mb = strtoul(optarg, NULL, 0); break;
		case 'i': step_ms = atoi(optarg); break;
		case 'w': start_ms = atoi(optarg); break;
		case 'k': race_kb = strtoul(optarg, NULL, 0); break;
		case 'c': cap_mb = strtoul(optarg, NULL, 0); break;
		default: return 2;
		}
	}
	logmsg("mode %s", mode);
	if (!strcmp(mode, "selfexit"))
		mode_selfexit();
	else if (!strcmp(mode, "reaped"))
		mode_reaped();
	else if (!strcmp(mode, "unreapable"))
		mode_unreapable();
	else if (!strcmp(mode, "sharedmm"))
		mode_sharedmm();
	else if (!strcmp(mode, "pinned"))
		mode_pinned();
	else if (seed_mode(mode))
		;	/* does not return */
	else {
		fprintf(stderr, "oomhog: unknown mode %s\n", mode);
		return 2;
	}
	return 0;
}
