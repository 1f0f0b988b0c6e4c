// SPDX-License-Identifier: GPL-2.0
/*
 * oomlens — analyze Linux OOM-killer incidents.
 *
 * One binary, subcommands dispatched from one table (as git and trace-cmd
 * do).  Each front end lives next to the library code it drives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect.h"
#include "analyze/analyze.h"
#include "reports/report.h"
#include "tui/tui.h"
#include "cmd/cmd.h"

static int cmd_import(int argc, char **argv);
static int cmd_record(int argc, char **argv);
static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const char *help;
};

static const struct command commands[] = {
	{ "record",  cmd_record,  "record [-o DB] [--watch] [-- CMD...]",
	  "record OOM events live (tracefs) into a database and analyze it" },
	{ "import",  cmd_import,  "import FILE... [-o DB]",
	  "read trace.dat, ftrace text and kernel logs into a database and analyze it" },
	{ "analyze", cmd_analyze, "analyze DB",
	  "(re)build victims, timelines and verdicts in DB" },
	{ "report",  cmd_report,  "report DB [--format F] [-o FILE]",
	  "write a report: text (LKML), markdown, json, csv or html" },
	{ "tui",     cmd_tui,     "tui DB", "browse victims, timelines and verdicts in a terminal" },
	{ "export",  cmd_export,  "export DB [--format F] [-o FILE]",
	  "victims and episodes as JSON lines (warehouse) or a Chrome trace (Perfetto)" },
	{ "metrics", cmd_metrics, "metrics DB [-o FILE]",
	  "Prometheus metrics for node_exporter's textfile collector" },
	{ "merge",   cmd_merge,   "merge DB... -o OUT",
	  "several hosts' or boots' databases in one; reports group by host" },
	{ "version", cmd_version, "version", "print the version" },
	{ "help",    cmd_help,    "help [COMMAND]", "list the commands, or one command's options" },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/*
 * import = collect/ reads the files into the database, then analyze/
 * rebuilds the analysis tables, so that a database is always ready for
 * `report` and `tui`.
 */
static int cmd_import(int argc, char **argv)
{
	char *db = NULL, *err = NULL;
	int ret = ol_import_main(argc, argv, &db);

	if (ret || !db)
		return ret;
	if (ol_analyze_db(db, &err)) {
		fprintf(stderr, "oomlens: %s\n", err);
		ret = 1;
	} else {
		fprintf(stderr, "oomlens: imported into '%s'; see 'oomlens report %s'\n", db, db);
	}
	free(err);
	free(db);
	return ret;
}

/*
 * record = collect/ records live into the database, then analyze/, as
 * for import.  The exit code is the recorded command's when there was one.
 */
static int cmd_record(int argc, char **argv)
{
	char *db = NULL, *err = NULL;
	int ret;

	ol_record_set_episode_hook(cmd_metrics_after_episode);
	ret = ol_record_main(argc, argv, &db);
	if (!db)
		return ret;
	if (ol_analyze_db(db, &err)) {
		fprintf(stderr, "oomlens: %s\n", err);
		if (!ret)
			ret = 1;
	} else {
		fprintf(stderr, "oomlens: recorded into '%s'; see 'oomlens report %s'\n", db, db);
	}
	free(err);
	free(db);
	return ret;
}

static int cmd_version(int argc, char **argv)
{
	printf("oomlens %s (database schema %d)\n", OL_VERSION, OL_SCHEMA_VERSION);
	return 0;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: oomlens <command> [<args>]\n\ncommands:\n");
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "   %-32s %s\n", commands[i].usage, commands[i].help);
	fprintf(f, "\n'oomlens help COMMAND' shows a command's options; the manuals are\n"
		   "oomlens(1), oomlens-COMMAND(1) and oomlens-db(5) for the database.\n");
}

/*
 * `oomlens help COMMAND` is `oomlens COMMAND --help`: each front end owns
 * its one usage text, and tests/t-man.sh checks that the options in it
 * and in its manual page are the same.
 */
static int cmd_help(int argc, char **argv)
{
	char *args[] = { NULL, "--help", NULL };
	size_t i;

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < NR_COMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		if (commands[i].fn == cmd_help || commands[i].fn == cmd_version) {
			printf("usage: oomlens %s\n", commands[i].usage);
			return 0;
		}
		args[0] = (char *)commands[i].name;
		return commands[i].fn(2, args);
	}
	fprintf(stderr, "oomlens: '%s' is not an oomlens command; see 'oomlens help'\n",
		argv[1]);
	return 2;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version"))
		return cmd_version(argc - 1, argv + 1);
	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "oomlens: '%s' is not an oomlens command; see 'oomlens help'\n",
		argv[1]);
	return 2;
}
