// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer, in process: bytes as a trace.dat in a memory file (memfd),
 * through oomlens's checks, libtracecmd and the record decoder
 * (ol_import_tracedat with no store: every record decoded, nothing
 * written).  Inputs without the trace-cmd magic are given it.
 *
 * oomlens itself reads a trace.dat in a child process (cmd/contain.c), so
 * that a fault inside libtraceevent or libtracecmd becomes a one-line
 * error.  The harness does the same in process: a SIGSEGV, SIGBUS, SIGFPE
 * or SIGILL whose faulting instruction is inside one of those two
 * libraries (or in a libc function it called) is contained (counted in
 * $FUZZ_LIBCRASH_DIR/counts, when set, the first inputs of each place
 * saved there as libcrash-SIG-LIB+OFFSET-HASH), and the run goes on.  A
 * fault anywhere else, oomlens's code included, goes to the sanitizer's
 * handler and is a finding.  The files the aborted import had open are
 * closed; its memory is lost (fork mode restarts a job at -rss_limit_mb).
 * Memory errors that ASan reports are always
 * findings.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>
#include <sys/mman.h>

#include "collect/collect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int guarded[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL };
static struct sigaction prev[sizeof(guarded) / sizeof(guarded[0])];
static sigjmp_buf back;
static volatile sig_atomic_t in_import, caught;
static unsigned char had_fd[4096];	/* open before the first input */

static void mark_fds(int close_new)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);

		if (e->d_name[0] < '0' || e->d_name[0] > '9' || fd == dirfd(d) ||
		    fd >= (int)sizeof(had_fd))
			continue;
		if (!close_new)
			had_fd[fd] = 1;
		else if (!had_fd[fd])
			close(fd);
	}
	closedir(d);
}

static char where[96];	/* library+offset of the contained fault */

static int in_library(const void *pc)
{
	Dl_info di;
	const char *base;

	if (!dladdr(pc, &di) || !di.dli_fname ||
	    !(strstr(di.dli_fname, "/libtraceevent.so") || strstr(di.dli_fname, "/libtracecmd.so")))
		return 0;
	base = strrchr(di.dli_fname, '/') + 4;	/* past "/lib" */
	snprintf(where, sizeof(where), "%.*s+%lx", (int)strcspn(base, "."), base,
		 (unsigned long)((const char *)pc - (const char *)di.dli_fbase));
	return 1;
}

/*
 * The faulting instruction, or (for a libc function the sanitizer
 * intercepts, such as strcmp on NULL) its caller: the return address
 * above the frame pointer, when that lies on the stack just above.
 */
static int fault_in_library(const ucontext_t *uc)
{
	const void *pc = (const void *)uc->uc_mcontext.gregs[REG_RIP];
	uintptr_t sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
	uintptr_t fp = (uintptr_t)uc->uc_mcontext.gregs[REG_RBP];

	if (in_library(pc))
		return 1;
	return fp >= sp && fp - sp < 4096 && in_library(*(void *const *)(fp + 8));
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	size_t i;

	if (in_import && fault_in_library(uc)) {
		caught = sig;
		siglongjmp(back, 1);
	}
	for (i = 0; i < sizeof(guarded) / sizeof(guarded[0]); i++)
		if (guarded[i] == sig) {
			if (prev[i].sa_flags & SA_SIGINFO)
				prev[i].sa_sigaction(sig, si, uc);
			else if (prev[i].sa_handler != SIG_IGN && prev[i].sa_handler != SIG_DFL)
				prev[i].sa_handler(sig);
			else {
				signal(sig, SIG_DFL);
				raise(sig);
			}
		}
}

static void guard(void)
{
	static char stack[1 << 16];
	stack_t ss = { .ss_sp = stack, .ss_size = sizeof(stack) };
	struct sigaction sa;
	size_t i;

	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	for (i = 0; i < sizeof(guarded) / sizeof(guarded[0]); i++)
		sigaction(guarded[i], &sa, &prev[i]);
	mark_fds(0);
}

/*
 * A contained fault: one line "SIG-LIB+OFFSET" appended to
 * $FUZZ_LIBCRASH_DIR/counts, and the input saved as
 * libcrash-SIG-LIB+OFFSET-HASH for the first few of each place this
 * process meets (a long campaign meets hundreds of thousands).
 */
static void keep(int sig, const uint8_t *data, size_t size)
{
	static struct { char where[96]; int n; } seen[64];
	const char *dir = getenv("FUZZ_LIBCRASH_DIR");
	uint64_t h = 1469598103934665603ULL;
	char path[4096], line[128];
	size_t i;
	int fd, n;

	if (!dir)
		return;
	n = snprintf(line, sizeof(line), "%s-%s\n", sigabbrev_np(sig), where);
	snprintf(path, sizeof(path), "%s/counts", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (write(fd, line, (size_t)n) != n)
			; /* a count lost is not a finding */
		close(fd);
	}
	for (i = 0; i < 64 && seen[i].n && strcmp(seen[i].where, line); i++)
		;
	if (i == 64 || seen[i].n >= 5)
		return;
	if (!seen[i].n)
		snprintf(seen[i].where, sizeof(seen[i].where), "%s", line);
	seen[i].n++;
	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 1099511628211ULL;
	snprintf(path, sizeof(path), "%s/libcrash-%s-%s-%016llx", dir, sigabbrev_np(sig), where,
		 (unsigned long long)h);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, data, size) != (ssize_t)size)
		unlink(path);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t magic[10] = { 23, 8, 68, 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	static int fd = -1;
	static char path[64];
	char *err = NULL;

	if (size < sizeof(magic))
		return 0;
	if (fd < 0) {
		fd = memfd_create("oomlens-fuzz.dat", MFD_CLOEXEC);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		guard();
	}
	/* write, then cut to size: the file keeps its pages between inputs */
	if (pwrite(fd, magic, sizeof(magic), 0) != (ssize_t)sizeof(magic) ||
	    pwrite(fd, data + sizeof(magic), size - sizeof(magic), sizeof(magic)) !=
	    (ssize_t)(size - sizeof(magic)) || ftruncate(fd, (off_t)size))
		abort();
	if (sigsetjmp(back, 1)) {
		in_import = 0;
		mark_fds(1);	/* what the aborted import had open */
		keep(caught, data, size);
		return 0;	/* contained, as cmd/contain.c does; err is lost with the frame */
	}
	in_import = 1;
	if (ol_import_tracedat(NULL, path, 0, NULL, NULL, &err) && !err)
		abort();	/* a failure must say why */
	in_import = 0;
	free(err);
	return 0;
}
