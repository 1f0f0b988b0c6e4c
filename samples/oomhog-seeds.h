/*
 * oomhog's modes for the behaviours of the seed threads (included once by
 * oomhog.c, which stays one standalone program; samples/README.md lists
 * scenario -> seed -> expected verdicts per kernel era).
 *
 * Uses oomhog.c's helpers: logmsg, die, msleep, setname, set_oom_score_adj,
 * grab, grow, start_reader, bystander, dev, read_mb, victim_mb, race_kb,
 * nbystanders.
 */
#include <stdbool.h>

/* Map @len bytes of private anon memory without touching it. */
static char *reserve(unsigned long len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

/* Touch @from .. @to of @p (page faults: per-VMA locks, no mmap() call). */
static void touch(char *p, unsigned long from, unsigned long to)
{
	for (unsigned long off = from; off < to; off += 4096)
		p[off] = 1;
}

/* ---- lockheld (seed 000): the reaper gives up on mmap_lock ---- */

/*
 * A helper process outside the kill (oom_score_adj -1000): reads the
 * victim's never-touched MAP_SHARED mapping of DEV through /proc/V/mem.
 * __access_remote_vm() holds the victim's mmap_lock for read around
 * get_user_pages_remote() with no retry allowed, so each page's fault
 * waits for the throttled device with the lock held.
 */
static void lock_reader(pid_t v, unsigned long addr, unsigned long len, int go)
{
	char path[64], *buf = malloc(64 * 1024), c;
	int fd;

	setname("oomhog-lkreader");
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)v);
	fd = open(path, O_RDONLY);
	if (fd < 0 || !buf)
		die("open /proc/PID/mem");
	if (read(go, &c, 1) != 1)
		_exit(0);
	for (unsigned long off = 0; off < len; off += 64 * 1024)
		if (pread(fd, buf, 64 * 1024, (off_t)(addr + off)) <= 0)
			break;	/* the victim's mm is gone */
	logmsg("lock reader: done");
	_exit(0);
}

/*
 * A helper writing "5" (reset the peak RSS) to /proc/V/clear_refs in a
 * loop: clear_refs_write() takes mmap_write_lock_killable().  While the
 * reader holds the lock, this writer waits, and a waiting writer makes
 * every mmap_read_trylock() fail (RWSEM_FLAG_WAITERS), the reaper's too.
 */
static void lock_writer(pid_t v, int go)
{
	char path[64], c;
	int fd;

	setname("oomhog-lkwriter");
	snprintf(path, sizeof(path), "/proc/%d/clear_refs", (int)v);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		die("open /proc/PID/clear_refs");
	if (read(go, &c, 1) != 1)
		_exit(0);
	while (write(fd, "5", 1) == 1)
		;
	logmsg("lock writer: done (%s)", strerror(errno));
	_exit(0);
}

/*
 * Everything that needs mmap() happens before the helpers start: once
 * they run, any mmap_write_lock() of the victim (mmap, fork) waits
 * seconds.  The victim then grows by page faults only (per-VMA locks,
 * 6.4+), is killed, and a D-state thread (a throttled O_DIRECT read that
 * shares the device's budget with the reader) keeps it in the task list,
 * so the writer goes on waiting through the reaper's ten tries.  The
 * helpers are small: the victim is the largest task.
 */
static void mode_lockheld(void)
{
	unsigned long maplen = 32 * MB, len = 8192 * MB;
	pid_t self = getpid(), p;
	char *map, *mem;
	int fd, go[2];

	setname("oomhog-lockvict");
	fd = open(dev, O_RDONLY);
	if (fd < 0)
		die("open dev");
	map = mmap(NULL, maplen, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap dev");
	/* one page per fault: every page waits for the throttled device */
	madvise(map, maplen, MADV_RANDOM);
	mem = reserve(len);
	/* the first fault sets up the anon_vma under mmap_lock; the later
	 * ones go by the per-VMA lock, past the contention */
	touch(mem, 0, 4096);
	if (pipe(go))
		die("pipe");
	p = fork();
	if (p == 0)
		lock_reader(self, (unsigned long)map, maplen, go[0]);
	logmsg("lock reader: pid %d", (int)p);
	p = fork();
	if (p == 0)
		lock_writer(self, go[0]);
	logmsg("lock writer: pid %d", (int)p);
	start_reader(0);
	if (write(go[1], "gg", 2) != 2)
		die("write");
	msleep(300);
	logmsg("growing by page faults");
	touch(mem, 0, len);
	for (;;)
		pause();
}

/* ---- racedexit (seed 001): reaper and exit_mmap on the same mm ---- */

static volatile int race_go;

static void *race_reader(void *arg)
{
	size_t len = (race_kb * 1024 + 4095) & ~4095UL;
	struct timespec a, b;
	int fd;
	ssize_t n;

	(void)arg;
	setname("oomhog-dread");
	fd = open(dev, O_RDONLY | O_DIRECT);
	if (fd < 0)
		die("open O_DIRECT");
	while (!race_go)
		msleep(1);
	clock_gettime(CLOCK_MONOTONIC, &a);
	n = pread(fd, readbuf, len, 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	/* only if not killed (a SIGKILLed thread never gets here) */
	logmsg("reader: %zd bytes in %.3f s", n,
	       (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
	return NULL;
}

/*
 * Fill the memcg to 32 MB below its limit (-m MB, the limit), start the
 * timed O_DIRECT read (-k KB at the throttled rate: about 2.2 s), wait
 * 100 ms for its bios to queue in the throttle, then take the rest: the
 * kill follows at once, and the read ends about 2.0-2.15 s after it,
 * while the reaper (OOM_REAPER_DELAY, 2 s) is unmapping the same mm.
 */
static void mode_racedexit(void)
{
	unsigned long limit = (victim_mb ? victim_mb : 2048) * MB, len = limit + 512 * MB;
	pthread_t th;
	char *p;

	setname("oomhog-race");
	if (!dev) {
		fprintf(stderr, "oomhog: racedexit needs -d DEV\n");
		exit(2);
	}
	readbuf = grab((race_kb * 1024 + 4095) & ~4095UL, 0);
	if (pthread_create(&th, NULL, race_reader, NULL))
		die("pthread_create");
	p = reserve(len);
	touch(p, 0, limit - 32 * MB);
	logmsg("at limit - 32 MB: starting the %lu kB read", race_kb);
	race_go = 1;
	msleep(100);
	touch(p, limit - 32 * MB, len);
	logmsg("touched %lu MB without being killed", len / MB);
	for (;;)
		pause();
}

/* ---- exitedvictim (seed 003): a new victim while exit_mmap runs ---- */

/* A thread in short throttled O_DIRECT reads, over and over: on SIGKILL it
 * leaves D state last, after the group leader has gone. */
static void *short_reads(void *arg)
{
	int fd = open(dev, O_RDONLY | O_DIRECT);

	(void)arg;
	setname("oomhog-shortrd");
	if (fd < 0)
		die("open O_DIRECT");
	for (;;)
		if (pread(fd, readbuf, 64 * 1024, 0) < 0)
			die("pread");
	return NULL;
}

/*
 * The victim holds -m MB (default 800) of MAP_SHARED|MAP_ANONYMOUS
 * memory; a second thread is in short throttled reads (~0.1 s in D
 * state).  On the kill the group leader exits at once and ends on its
 * css_set's dying list; the reading thread follows and, as the mm's last
 * user, runs exit_mmap.  From then on signal->live is 0 and the memcg
 * scan (css_task_iter, CSS_TASK_ITER_PROCS: leaders only, dying leaders
 * without live threads skipped) no longer sees the victim, while
 * MMF_OOM_SKIP (6.1+: after unmap_vmas) is not set yet: the bystanders,
 * charging all the time (the shmem is uncharged only when its file goes,
 * after exit_mmap), get a new victim chosen within milliseconds.
 */
static void mode_exitedvictim(void)
{
	unsigned long mb = victim_mb ? victim_mb : 800;
	pthread_t th;
	int go[2];
	char c = 1;

	setname("oomhog-exitvict");
	if (pipe(go))
		die("pipe");
	for (int i = 0; i < nbystanders; i++) {
		pid_t p = fork();

		if (p < 0)
			die("fork");
		if (p == 0) {
			close(go[1]);
			if (read(go[0], &c, 1) != 1)
				_exit(0);
			start_ms = 0;
			bystander(i);
			_exit(0);
		}
		logmsg("bystander %d: pid %d", i, (int)p);
	}
	close(go[0]);
	readbuf = grab(64 * 1024, 0);
	if (pthread_create(&th, NULL, short_reads, NULL))
		die("pthread_create");
	grab(mb * MB, 1);
	logmsg("holding %lu MB of shared memory; bystanders start", mb);
	for (int i = 0; i < nbystanders; i++)
		if (write(go[1], &c, 1) != 1)
			die("write");
	for (;;)
		pause();
}

/* ---- memfd (seed 000): MAP_SHARED memfd the reaper cannot free ---- */

static void mode_memfd(void)
{
	unsigned long mb = victim_mb ? victim_mb : 120;
	int fd;
	char *p;

	setname("oomhog-memfd");
	start_reader(0);
	fd = memfd_create("oomhog-memfd", 0);
	if (fd < 0 || ftruncate(fd, (off_t)(mb * 2 * MB)))
		die("memfd_create");
	p = mmap(NULL, mb * 2 * MB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap memfd");
	logmsg("touching up to %lu MB of a MAP_SHARED memfd", mb * 2);
	touch(p, 0, mb * 2 * MB);
	for (;;)
		pause();
}

/* ---- vforkmm (seed 002): clone(CLONE_VM) child and vfork child ---- */

static char *vm_dbuf;
static int vm_dfd = -1;

/* The CLONE_VM child shares our TLS: raw syscalls only. */
static int vm_clone_child(void *arg)
{
	(void)arg;
	syscall(SYS_prctl, PR_SET_NAME, "oomhog-vmclone", 0, 0, 0);
	/* D state for read_mb at the throttled rate: keeps the mm in use */
	syscall(SYS_pread64, vm_dfd, vm_dbuf, read_mb * MB, 0);
	for (;;)
		syscall(SYS_pause);
	return 0;
}

/*
 * The parent clones a CLONE_VM child (it sits in a throttled O_DIRECT
 * read), then vfork()s: the vfork child runs on the parent's mm while the
 * parent waits, and allocates until the OOM killer steps in.  A vfork
 * child is never chosen (in_vfork()), so the victim is the parent or the
 * clone child; the other two are SIGKILLed as sharers of the same mm.
 * The reaper frees the mm 2 s after the kill; the last user exits when
 * the read ends.
 */
static void mode_vforkmm(void)
{
	pid_t p;

	setname("oomhog-vfparent");
	if (!dev) {
		fprintf(stderr, "oomhog: vforkmm needs -d DEV\n");
		exit(2);
	}
	vm_dbuf = grab(read_mb * MB, 0);
	vm_dfd = open(dev, O_RDONLY | O_DIRECT);
	if (vm_dfd < 0)
		die("open O_DIRECT");
	p = clone_vm(vm_clone_child);
	logmsg("clone(CLONE_VM) child: pid %d", (int)p);
	msleep(300);	/* its read reaches the throttle */
	p = vfork();
	if (p == 0) {
		/* on the parent's mm and stack: raw syscalls, no return */
		char *m;

		syscall(SYS_prctl, PR_SET_NAME, "oomhog-vfchild", 0, 0, 0);
		m = (char *)syscall(SYS_mmap, NULL, 8192 * MB, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (m == MAP_FAILED)
			syscall(SYS_exit, 2);
		for (unsigned long off = 0; off < 8192 * MB; off += 4096)
			m[off] = 1;
		syscall(SYS_exit, 0);
	}
	logmsg("vfork child %d done", (int)p);
	for (;;)
		pause();
}

/* ---- bypass (seed 002): the victim was SIGKILLed by userspace ---- */

/*
 * A child holds -m MB (default 90) of anon memory and sits in a
 * throttled read; the parent SIGKILLs it (the read keeps it alive), then
 * starts an allocator of 60 MB.  The memcg OOM chooses the SIGKILLed
 * child: task_will_free_mem() -> "OOM victim %d (%s) is already exiting.
 * Skip killing the task" (5.9+), mark_victim without a kill, the reaper
 * frees it 2 s later and the allocator goes on.
 */
static void mode_bypass(void)
{
	unsigned long mb = victim_mb ? victim_mb : 90;
	int ready[2];
	pid_t x, y;
	char c;

	setname("oomhog-bypass");
	set_oom_score_adj(-1000);
	if (pipe(ready))
		die("pipe");
	x = fork();
	if (x == 0) {
		int fd;

		setname("oomhog-sigkilled");
		set_oom_score_adj(0);
		close(ready[0]);
		grab(mb * MB, 0);
		readbuf = grab(read_mb * MB, 0);
		fd = open(dev, O_RDONLY | O_DIRECT);
		if (fd < 0)
			die("open O_DIRECT");
		if (write(ready[1], "r", 1) != 1)
			_exit(2);
		/* the main thread itself in D state: the SIGKILL leaves the
		 * group leader with its mm, task_will_free_mem() sees it */
		if (pread(fd, readbuf, read_mb * MB, 0) < 0)
			_exit(2);
		for (;;)
			pause();
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		die("child not ready");
	msleep(300);	/* its read reaches the throttle */
	logmsg("SIGKILL to %d (in a D-state read: it stays)", (int)x);
	kill(x, SIGKILL);
	msleep(100);
	y = fork();
	if (y == 0) {
		setname("oomhog-alloc");
		set_oom_score_adj(0);
		for (int i = 0; i < 60; i++)
			grab(MB, 0);
		logmsg("allocator: got 60 MB");
		_exit(0);
	}
	logmsg("allocator: pid %d", (int)y);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	exit(0);
}

/* ---- mlocked: the reaper and VM_LOCKED ---- */

/*
 * Like reaped, with every page mlocked (mlockall(MCL_CURRENT|MCL_FUTURE)).
 * Up to 5.17 the reaper skipped VM_LOCKED areas ("now anon-rss" stays
 * high); since 5.18 it unmaps them too.
 */
static void mode_mlocked(void)
{
	setname("oomhog-mlocked");
	start_reader(0);
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		die("mlockall");
	logmsg("growing mlocked private anon memory");
	grow(victim_mb, 0, 1, 0);
}

/* Runs the seed mode @mode (never returns); false if it is none. */
static bool seed_mode(const char *mode)
{
	static const struct { const char *name; void (*fn)(void); } modes[] = {
		{ "lockheld", mode_lockheld }, { "racedexit", mode_racedexit },
		{ "exitedvictim", mode_exitedvictim }, { "memfd", mode_memfd },
		{ "vforkmm", mode_vforkmm }, { "bypass", mode_bypass },
		{ "mlocked", mode_mlocked },
	};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(mode, modes[i].name)) {
			if (!dev) {
				fprintf(stderr, "oomhog: %s needs -d DEV\n", mode);
				exit(2);
			}
			modes[i].fn();
			exit(0);
		}
	return false;
}
