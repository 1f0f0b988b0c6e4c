/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cmd/ — the subcommand front ends: options, messages on stderr, exit
 * codes (0 done, 1 error, 2 usage).  Each is `int cmd_NAME(argc, argv)`
 * with argv[0] the subcommand's name; the logic is in the library
 * folders.
 */
#ifndef OOMLENS_CMD_H
#define OOMLENS_CMD_H

#include <stdio.h>

int cmd_export(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_merge(int argc, char **argv);

/* Load @db's analysis and write its metrics to @output (NULL: stdout);
 * also used by `record --watch --metrics` after each episode.  0 or 1. */
int cmd_metrics_write(const char *db, const char *output);
/* `record --watch --metrics FILE`: analyze @db, then write @metrics. */
void cmd_metrics_after_episode(const char *db, const char *metrics);

/*
 * Writing an output file all or nothing: cmd_out_open() gives stdout for
 * NULL or "-", else a temporary file next to @path; cmd_out_close()
 * flushes and renames it into place (@ok) or removes it.  Both print one
 * line naming the file on error and return NULL / -1.
 */
struct cmd_out;
struct cmd_out *cmd_out_open(const char *path);
FILE *cmd_out_file(struct cmd_out *o);
int cmd_out_close(struct cmd_out *o, int ok);

#endif /* OOMLENS_CMD_H */
