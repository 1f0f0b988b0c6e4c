/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cmd/contain.c: run an import in a child process, so that a crash in a
 * library parsing a hostile file (libtracecmd, libtraceevent) becomes one
 * line naming the file and the offset, with nothing left behind.
 */
#ifndef OOMLENS_CMD_CONTAIN_H
#define OOMLENS_CMD_CONTAIN_H

/* Shared with the child: where it is. */
struct ol_where {
	char			db[4096];	/* the database being written */
	char			file[4096];	/* the input being read */
	char			input_tmp[4096];	/* its decompressed copy, if any */
	volatile unsigned long long offset;	/* trace.dat record offset, 0 unknown */
	int			tty;		/* the parent's stderr is a terminal */
	volatile int		quiet_libs;	/* from now on only "oomlens: " lines */
};

/* The child's view (NULL in the parent and when not contained). */
extern struct ol_where *ol_where;

/*
 * Run @fn(@argc, @argv) in a child with ol_where set and return its exit
 * code.  The child's stderr reaches ours through a pipe; once the child
 * sets quiet_libs (it is about to run the parsers), only its "oomlens: "
 * lines and progress: what the libraries print on their own (perror,
 * warnings at TEP_LOG_NONE) is dropped.  When the child dies of a signal, print one line naming the file
 * (and the offset), remove its temporary database, roll back what it left
 * in an existing one, and return 1 (a signal the user sent: the same
 * signal, re-raised).
 */
int ol_contain(int (*fn)(int argc, char **argv), int argc, char **argv);

#endif
