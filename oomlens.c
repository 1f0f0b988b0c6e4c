// SPDX-License-Identifier: GPL-2.0
/*
 * oomlens — analyze Linux OOM-killer incidents.
 *
 * One binary, subcommands dispatched from one table (as git and trace-cmd
 * do); each front end is cmd/NAME.c.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/termsafe.h"

const struct ol_command ol_commands[] = {
	{ "record",  cmd_record,  "record [-o DB] [--watch] [-- CMD...]",
	  "record OOM events live (tracefs) into a database and analyze it", cmd_record_usage },
	{ "import",  cmd_import,  "import FILE... [-o DB]",
	  "read trace.dat, ftrace text and kernel logs into a database and analyze it",
	  cmd_import_usage },
	{ "analyze", cmd_analyze, "analyze DB",
	  "(re)build victims, timelines and verdicts in DB", cmd_analyze_usage },
	{ "report",  cmd_report,  "report DB [--format F] [-o FILE]",
	  "write a report: text (LKML), markdown, json, csv or html", cmd_report_usage },
	{ "tui",     cmd_tui,     "tui DB", "browse victims, timelines and verdicts in a terminal",
	  cmd_tui_usage },
	{ "export",  cmd_export,  "export DB [--format F] [-o FILE]",
	  "victims and episodes as JSON lines (warehouse) or a Chrome trace (Perfetto)",
	  cmd_export_usage },
	{ "metrics", cmd_metrics, "metrics DB [-o FILE]",
	  "Prometheus metrics for node_exporter's textfile collector", cmd_metrics_usage },
	{ "merge",   cmd_merge,   "merge DB... -o OUT",
	  "several hosts' or boots' databases in one; reports group by host",
	  cmd_merge_usage },
	{ "diff",    cmd_diff,    "diff BEFORE AFTER [--format F]",
	  "compare two runs (databases or folders of them), per scenario and in total",
	  cmd_diff_usage },
	{ "summary", cmd_summary, "summary RUN [--format F]",
	  "one line per recording of a run (make scenarios)", cmd_summary_usage },
	{ "version", cmd_version, "version", "print the version", cmd_version_usage },
	{ "help",    cmd_help,    "help [COMMAND]", "list the commands, or show one's usage",
	  cmd_help_usage },
};

const size_t ol_ncommands = sizeof(ol_commands) / sizeof(ol_commands[0]);

int main(int argc, char **argv)
{
	const struct ol_command *c;

	/* error lines quote file contents: nothing raw reaches the terminal */
	ol_stderr_filter();
	if (argc < 2)
		return cmd_main_usage();
	if (cmd_is_help(argv[1]))
		return cmd_help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))
		return cmd_version(argc - 1, argv + 1);
	c = cmd_find(argv[1]);
	if (!c) {
		fprintf(stderr, "oomlens: '%s' is not an oomlens command; see 'oomlens help'\n",
			argv[1]);
		return 2;
	}
	/* the same usage for every command, whatever its own parser does */
	if (argc >= 3 && cmd_is_help(argv[2]))
		return cmd_usage(c->name, stdout, 0);
	return c->fn(argc - 1, argv + 1);
}
