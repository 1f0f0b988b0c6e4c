// SPDX-License-Identifier: GPL-2.0
/*
 * Safe output files (see cmd/outfile.h).  A report written with -o onto
 * /dev/stdout or /dev/null must not replace the link or the device by a
 * regular file (rename() would, as root); a regular file must never be
 * seen half-written; and no PATH.tmp-PID may outlive the run that made
 * it, or, when the run was killed (SIGKILL runs no handler), the next one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "cmd/outfile.h"

struct ol_out {
	FILE	*f;
	char	*path, *tmp;
	bool	std, regular;
};

#define MAX_TMPS 8

/* Read by the signal handler: set before it can run, cleared after. */
static char *volatile tmps[MAX_TMPS];
static pid_t tmps_owner;

static char *fmt(const char *a, const char *b, const char *c)
{
	char *s = NULL;

	if (asprintf(&s, "%s%s%s", a, b, c) < 0)
		return NULL;
	return s;
}

static void remove_tmps(void)
{
	int i;

	/* a forked child (importer workers) inherits this: not its files */
	if (getpid() != tmps_owner)
		return;
	for (i = 0; i < MAX_TMPS; i++)
		if (tmps[i])
			unlink(tmps[i]);
}

static void on_fatal(int sig)
{
	int saved = errno;

	remove_tmps();
	signal(sig, SIG_DFL);
	raise(sig);
	errno = saved;
}

static void install_once(void)
{
	static bool done;
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	size_t i;

	if (done)
		return;
	done = true;
	tmps_owner = getpid();
	atexit(remove_tmps);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old, sa = { .sa_handler = on_fatal };

		/* a command with handlers of its own (record) keeps them */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL) {
			sigemptyset(&sa.sa_mask);
			sa.sa_flags = SA_RESETHAND;
			sigaction(sigs[i], &sa, NULL);
		}
	}
}

void ol_tmp_track(const char *tmp)
{
	sigset_t all, old;
	int i;

	install_once();
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	for (i = 0; i < MAX_TMPS; i++)
		if (!tmps[i]) {
			tmps[i] = strdup(tmp);
			break;
		}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

void ol_tmp_hold(sigset_t *old)
{
	sigset_t fatal;

	/* the handler must be there when the held signal is let through */
	install_once();
	sigemptyset(&fatal);
	sigaddset(&fatal, SIGINT);
	sigaddset(&fatal, SIGTERM);
	sigaddset(&fatal, SIGHUP);
	sigaddset(&fatal, SIGQUIT);
	sigprocmask(SIG_BLOCK, &fatal, old);
}

void ol_tmp_release(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

void ol_tmp_forget(const char *tmp)
{
	sigset_t all, old;
	int i;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	for (i = 0; i < MAX_TMPS; i++)
		if (tmps[i] && !strcmp(tmps[i], tmp)) {
			free(tmps[i]);
			tmps[i] = NULL;
		}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

char *ol_tmp_name(const char *path)
{
	char *s = NULL;

	if (asprintf(&s, "%s.tmp-%d", path, (int)getpid()) < 0)
		return NULL;
	return s;
}

/* dirname/basename of @path, malloc'ed. */
static int split(const char *path, char **dir, char **base)
{
	char *a = strdup(path), *b = strdup(path);

	*dir = *base = NULL;
	if (!a || !b) {
		free(a);
		free(b);
		return -1;
	}
	*dir = strdup(dirname(a));
	*base = strdup(basename(b));
	free(a);
	free(b);
	return *dir && *base ? 0 : -1;
}

int ol_tmp_clean_stale(const char *path)
{
	char *dir, *base;
	DIR *d;
	struct dirent *e;
	size_t bl;
	int n = 0;

	if (split(path, &dir, &base))
		goto out;
	d = opendir(dir);
	if (!d)
		goto out;
	bl = strlen(base);
	while ((e = readdir(d))) {
		const char *p = e->d_name;
		char *end, *full;
		long pid;

		if (strncmp(p, base, bl) || strncmp(p + bl, ".tmp-", 5))
			continue;
		errno = 0;
		pid = strtol(p + bl + 5, &end, 10);
		if (errno || pid <= 0 || end == p + bl + 5 || (*end && strcmp(end, "-journal")))
			continue;
		/* alive (or not ours to ask about): leave it */
		if (pid == getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		full = fmt(dir, "/", p);
		if (full && unlink(full) == 0)
			n++;
		free(full);
	}
	closedir(d);
out:
	free(dir);
	free(base);
	return n;
}

void ol_sync_dir(const char *path)
{
	char *dir, *base;
	int fd;

	if (split(path, &dir, &base) == 0) {
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
	}
	free(dir);
	free(base);
}

static void set_err(char **err, const char *path, const char *what)
{
	int e = errno;

	if (err && asprintf(err, "'%s': %s: %s", path, what, strerror(e)) < 0)
		*err = NULL;
}

struct ol_out *ol_out_open(const char *path, char **err)
{
	struct ol_out *o = calloc(1, sizeof(*o));
	struct stat lsb, sb;
	int fd = -1;

	if (!o || !(o->path = strdup(path))) {
		errno = ENOMEM;
		set_err(err, path, "cannot create");
		free(o);
		return NULL;
	}
	if (!strcmp(path, "-")) {
		o->std = true;
		o->f = stdout;
		return o;
	}
	if (lstat(path, &lsb) == 0 &&
	    (S_ISLNK(lsb.st_mode) || !S_ISREG(lsb.st_mode))) {
		/* a link, FIFO or device: write through it, keep it */
		bool reg = stat(path, &sb) == 0 && S_ISREG(sb.st_mode);

		fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | (reg ? O_TRUNC : 0) |
			  (S_ISLNK(lsb.st_mode) ? O_CREAT : 0), 0666);
		if (fd < 0) {
			set_err(err, path, "cannot open");
			goto fail;
		}
		o->regular = reg;
	} else {
		ol_tmp_clean_stale(path);
		o->tmp = ol_tmp_name(path);
		if (!o->tmp) {
			errno = ENOMEM;
			set_err(err, path, "cannot create");
			goto fail;
		}
		ol_tmp_track(o->tmp);
		fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
			  0666);
		if (fd < 0) {
			set_err(err, path, "cannot create");
			ol_tmp_forget(o->tmp);
			goto fail;
		}
		o->regular = true;
	}
	o->f = fdopen(fd, "w");
	if (!o->f) {
		set_err(err, path, "cannot create");
		close(fd);
		if (o->tmp)
			unlink(o->tmp);
		goto fail;
	}
	return o;
fail:
	if (o->tmp)
		ol_tmp_forget(o->tmp);
	free(o->tmp);
	free(o->path);
	free(o);
	return NULL;
}

FILE *ol_out_file(struct ol_out *o)
{
	return o->f;
}

static void out_free(struct ol_out *o)
{
	if (o->tmp)
		ol_tmp_forget(o->tmp);
	free(o->tmp);
	free(o->path);
	free(o);
}

int ol_out_commit(struct ol_out *o, char **err)
{
	int ret = -1, sync_err = 0;

	if (o->std) {
		if (fflush(stdout) == 0 && !ferror(stdout))
			ret = 0;
		else
			set_err(err, "-", "write error");
		out_free(o);
		return ret;
	}
	if (fflush(o->f) != 0)
		sync_err = errno;
	else if (o->regular && fsync(fileno(o->f)) != 0)
		sync_err = errno;
	if (fclose(o->f) != 0 && !sync_err)
		sync_err = errno;
	o->f = NULL;
	if (sync_err) {
		errno = sync_err;
		set_err(err, o->path, "write error");
		goto out;
	}
	if (o->tmp) {
		if (rename(o->tmp, o->path) != 0) {
			set_err(err, o->path, "cannot rename into place");
			goto out;
		}
		ol_sync_dir(o->path);
	}
	ret = 0;
out:
	if (ret && o->tmp)
		unlink(o->tmp);
	out_free(o);
	return ret;
}

void ol_out_abort(struct ol_out *o)
{
	if (!o)
		return;
	if (o->f && !o->std)
		fclose(o->f);
	if (o->tmp)
		unlink(o->tmp);
	out_free(o);
}

int ol_lock_dir(const char *path)
{
	char *dir, *base;
	int fd = -1;

	if (split(path, &dir, &base) == 0)
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	free(base);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		fprintf(stderr, "oomlens: '%s': waiting for another oomlens writing there\n", path);
		if (flock(fd, LOCK_EX) != 0) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

void ol_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
