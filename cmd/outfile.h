/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cmd/outfile.c: writing an output file safely (report -o, the database
 * of import).  "-" is standard output; an existing symlink, FIFO or
 * device is written in place, never replaced; a regular file is written
 * to PATH.tmp-PID (O_EXCL|O_NOFOLLOW), fsync'ed and renamed over PATH,
 * then the directory is fsync'ed.  Temporaries are removed on every exit
 * path (a handler for SIGINT/SIGTERM/SIGHUP/SIGQUIT, atexit), and those
 * of a killed run (dead PID) are removed by the next run on PATH.
 */
#ifndef OOMLENS_CMD_OUTFILE_H
#define OOMLENS_CMD_OUTFILE_H

#include <signal.h>
#include <stdio.h>

struct ol_out;

/* NULL with *@err (naming @path) on failure. */
struct ol_out *ol_out_open(const char *path, char **err);
FILE *ol_out_file(struct ol_out *o);
/* Flush, sync and put into place; frees @o.  0 or -1 with *@err. */
int ol_out_commit(struct ol_out *o, char **err);
/* Give up: the temporary goes away, the target is as it was; frees @o. */
void ol_out_abort(struct ol_out *o);

/* The temporary name for @path of this process ("PATH.tmp-PID"), malloc'ed. */
char *ol_tmp_name(const char *path);
/* Remove @tmp on a fatal signal or exit until ol_tmp_forget(@tmp). */
void ol_tmp_track(const char *tmp);
void ol_tmp_forget(const char *tmp);
/*
 * Hold SIGINT, SIGTERM, SIGHUP and SIGQUIT from before a temporary is
 * created until it is tracked, so that none can leave it behind; the
 * held signal is delivered (and the temporary removed) on release.
 */
void ol_tmp_hold(sigset_t *old);
void ol_tmp_release(const sigset_t *old);
/* Remove PATH.tmp-PID[-journal] files whose PID is dead; how many. */
int ol_tmp_clean_stale(const char *path);
/* fsync the directory that holds @path (a rename is durable after it). */
void ol_sync_dir(const char *path);

/*
 * Serialise writers of @path (two imports creating one new database would
 * otherwise both publish, and one would be lost): an exclusive flock on
 * its directory, held until ol_unlock(fd); says on stderr when it waits.
 * Returns the fd, or -1 when the directory cannot be locked (the caller
 * goes on: SQLite's own locking still applies to an existing database).
 */
int ol_lock_dir(const char *path);
void ol_unlock(int fd);

#endif
