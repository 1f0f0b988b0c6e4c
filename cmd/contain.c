// SPDX-License-Identifier: GPL-2.0
/*
 * Crash containment for import (cmd/contain.h).  libtracecmd and
 * libtraceevent trust a trace.dat's page headers, record lengths and
 * section sizes in places (README, "Robustness": the known bugs); what
 * oomlens can check it checks before the libraries see it, and for the
 * rest the whole import runs in a child: its memory is bounded, and if it
 * dies of SIGSEGV/SIGBUS/SIGABRT/SIGFPE/SIGILL the parent reports it,
 * removes the child's DB.tmp-PID and rolls back the hot journal of an
 * existing database (its transaction never committed).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cmd/contain.h"
#include "cmd/outfile.h"
#include "collect/collect.h"

struct ol_where *ol_where;

static volatile pid_t child;

/* SIGTERM/SIGHUP to the parent: the child stops first (and cleans up). */
static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

/*
 * Memory: a trace.dat that claims 9 GB for a section makes libtracecmd
 * malloc it.  Bound the child's address space (not under ASan, whose
 * shadow memory needs terabytes of it).
 */
static void bound_memory(int argc, char **argv)
{
#if !defined(__SANITIZE_ADDRESS__)
# if defined(__has_feature)
#  if __has_feature(address_sanitizer)
#   define OL_NO_RLIMIT
#  endif
# endif
# ifndef OL_NO_RLIMIT
	/* 4 GB and twice the inputs (mapped pages of a large trace count) */
	struct rlimit r = { 4ULL << 30, 4ULL << 30 };
	const char *e = getenv("OOMLENS_IMPORT_MEM_MB");
	struct stat sb;
	int i;

	for (i = 1; i < argc; i++)
		if (stat(argv[i], &sb) == 0 && S_ISREG(sb.st_mode))
			r.rlim_cur = r.rlim_max = r.rlim_cur + 2 * (rlim_t)sb.st_size;

	if (e && atoll(e) > 0)
		r.rlim_cur = r.rlim_max = (rlim_t)atoll(e) << 20;
	setrlimit(RLIMIT_AS, &r);
# endif
#endif
}

/* The child's transaction never committed: undo what it left. */
static void clean_after(const struct ol_where *w, pid_t pid)
{
	char tmp[4200];
	struct ol_store *st;
	char *err = NULL;

	/* a compressed trace.dat is read from a decompressed copy */
	if (w->input_tmp[0] && memchr(w->input_tmp, '\0', sizeof(w->input_tmp)))
		unlink(w->input_tmp);
	if (!w->db[0])
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp-%d", w->db, (int)pid);
	unlink(tmp);
	snprintf(tmp, sizeof(tmp), "%s.tmp-%d-journal", w->db, (int)pid);
	unlink(tmp);
	/*
	 * Opening an existing database rolls a hot journal back.  A journal
	 * the child had only begun (its header not yet written) is not hot:
	 * SQLite ignores it and leaves it there.  Inside our own write
	 * transaction (the RESERVED lock held, after the first read would
	 * have rolled back a hot one) it is stale, and removed.
	 */
	if (access(w->db, F_OK) == 0) {
		st = ol_store_open(w->db, &err);
		if (st && ol_store_begin(st) == 0) {
			snprintf(tmp, sizeof(tmp), "%s-journal", w->db);
			unlink(tmp);
			ol_store_commit(st, false);
		}
		ol_store_close(st);
		free(err);
	}
}

/*
 * Relay the child's stderr: lines that start with "oomlens: " (after a
 * status line's "\r" and "ESC [ K"), and a pending status line at once.
 */
static struct ol_where *relay_where;

static void keep(const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	if (!relay_where->quiet_libs) {
		fwrite(s, 1, n, stderr);
		return;
	}
	while (p < end && (*p == '\r' || *p == '\033' || *p == '[' || *p == 'K'))
		p++;
	if ((p == end && n && s[0] == '\r') ||
	    ((size_t)(end - p) >= 9 && !memcmp(p, "oomlens: ", 9)))
		fwrite(s, 1, n, stderr);
}

static void relay(int fd)
{
	char buf[16384];
	size_t len = 0;
	ssize_t r;

	for (;;) {
		char *nl;

		r = read(fd, buf + len, sizeof(buf) - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		while ((nl = memchr(buf, '\n', len))) {
			size_t n = (size_t)(nl - buf) + 1;

			keep(buf, n);
			memmove(buf, buf + n, len - n);
			len -= n;
		}
		/* a status line (no newline): show it now; a full buffer: a line */
		if (len && (buf[0] == '\r' || len == sizeof(buf))) {
			keep(buf, len);
			len = 0;
		}
	}
	if (len)
		keep(buf, len);
}

int ol_contain(int (*fn)(int argc, char **argv), int argc, char **argv)
{
	int pfd[2];

	struct sigaction sa = { .sa_handler = forward }, ign = { .sa_handler = SIG_IGN };
	struct sigaction old_term, old_hup, old_int, old_quit;
	sigset_t block, old_mask;
	struct ol_where *w;
	int status, sig, rc;
	pid_t pid;

	w = mmap(NULL, sizeof(*w), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (w == MAP_FAILED)
		return fn(argc, argv);	/* uncontained, but working */
	memset(w, 0, sizeof(*w));
	w->tty = isatty(2);
	if (pipe2(pfd, O_CLOEXEC)) {
		munmap(w, sizeof(*w));
		return fn(argc, argv);
	}
	fflush(NULL);
	/*
	 * The parent's handlers are in place before the child exists (a
	 * SIGTERM right after fork must not orphan it); the child gets
	 * SIGTERM/SIGHUP at their defaults again, unblocked.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old_mask);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	pid = fork();
	if (pid <= 0) {
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGHUP, &old_hup, NULL);
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
	}
	if (pid < 0) {
		munmap(w, sizeof(*w));
		close(pfd[0]);
		close(pfd[1]);
		return fn(argc, argv);
	}
	if (pid == 0) {
		close(pfd[0]);
		dup2(pfd[1], 2);
		close(pfd[1]);
		ol_where = w;
		bound_memory(argc, argv);
		exit(fn(argc, argv));
	}
	close(pfd[1]);
	child = pid;
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	/* ^C reaches the child from the terminal: the parent waits for it */
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	relay_where = w;
	relay(pfd[0]);
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	child = 0;
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	if (WIFEXITED(status)) {
		rc = WEXITSTATUS(status);
		goto out;
	}
	sig = WIFSIGNALED(status) ? WTERMSIG(status) : SIGKILL;
	clean_after(w, pid);
	if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT) {
		/* stopped on request: end the same way, quietly */
		munmap(w, sizeof(*w));
		signal(sig, SIG_DFL);
		raise(sig);
		return 128 + sig;
	}
	w->file[sizeof(w->file) - 1] = '\0';
	if (sig == SIGKILL || sig == SIGXCPU)
		fprintf(stderr, "oomlens: '%s': the import was killed (%s; out of memory?); "
			"nothing imported\n", w->file[0] ? w->file : "?", strsignal(sig));
	else if (w->offset)
		fprintf(stderr, "oomlens: '%s': corrupt: reading it crashed (%s) near offset %llu; "
			"nothing imported\n", w->file[0] ? w->file : "?", strsignal(sig), w->offset);
	else
		fprintf(stderr, "oomlens: '%s': corrupt: reading it crashed (%s); nothing imported\n",
			w->file[0] ? w->file : "?", strsignal(sig));
	rc = 1;
out:
	munmap(w, sizeof(*w));
	return rc;
}
