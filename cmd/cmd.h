/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cmd/ — the front ends, one file per subcommand (as git's builtin/ and
 * trace-cmd's tracecmd/).  Only this folder prints to stderr and picks
 * exit codes; the library folders (collect/ analyze/ reports/ tui/)
 * return -1/NULL with a message.
 *
 * Exit codes: 0 success, 1 failure (the message names the file), 2 bad
 * usage (the usage follows on stderr).  `oomlens help CMD`,
 * `oomlens CMD --help` and `oomlens CMD -h` print the same usage on
 * stdout and exit 0.
 */
#ifndef OOMLENS_CMD_H
#define OOMLENS_CMD_H

#include <stdio.h>

struct ol_command {
	const char	*name;
	int		(*fn)(int argc, char **argv);
	const char	*synopsis;	/* one line, for `oomlens help` */
	const char	*summary;
	const char	*usage;		/* the full usage, for `help CMD`, --help */
};

/* The subcommand table (oomlens.c). */
extern const struct ol_command ol_commands[];
extern const size_t ol_ncommands;

int cmd_import(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_tui(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_summary(int argc, char **argv);

extern const char cmd_import_usage[], cmd_record_usage[], cmd_analyze_usage[],
	cmd_report_usage[], cmd_tui_usage[], cmd_version_usage[], cmd_help_usage[],
	cmd_export_usage[], cmd_metrics_usage[], cmd_merge_usage[],
	cmd_diff_usage[], cmd_summary_usage[];

/* The command named @name, or NULL. */
const struct ol_command *cmd_find(const char *name);

/* Print @name's usage to @f; returns @status (0 for --help, 2 on misuse). */
int cmd_usage(const char *name, FILE *f, int status);

/* `oomlens` alone: the command list on stderr; returns 2. */
int cmd_main_usage(void);

/* true when @arg is -h or --help */
int cmd_is_help(const char *arg);

/* `oomlens import` and `record` end by analyzing what they wrote. */
int cmd_analyze_after(const char *db, const char *what);

/* "oomlens: '<file>': <err>" unless @err names @file already. */
void cmd_error_file(const char *file, const char *err);

struct ol_analysis;
/*
 * Renders @a into @out for cmd_render(); 0, or -1 with *@err set (a
 * failed write leaves ferror(@out) set).
 */
typedef int cmd_render_fn(const struct ol_analysis *a, FILE *out, void *arg, char **err);
/*
 * Load @db's analysis and render it with @render into @output (NULL or
 * "-": standard output), as report, export and metrics do; what fails is
 * said on stderr.  Returns the exit status, 0 or 1.
 */
int cmd_render(const char *db, const char *output, cmd_render_fn *render, void *arg);

/* Load @db's analysis and write its metrics to @output (NULL: stdout);
 * also used by `record --watch --metrics` after each episode.  0 or 1. */
int cmd_metrics_write(const char *db, const char *output);
/* `record --watch --metrics FILE`: analyze @db, then write @metrics. */
void cmd_metrics_after_episode(const char *db, const char *metrics);

#endif /* OOMLENS_CMD_H */
