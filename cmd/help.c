// SPDX-License-Identifier: GPL-2.0
/* `oomlens help [CMD]`, `oomlens version` and what every front end shares. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "collect/collect.h"	/* OL_SCHEMA_VERSION */
#include "version.h"

const char cmd_help_usage[] =
	"usage: oomlens help [COMMAND]\n"
	"  without COMMAND: list the commands; with one: its usage\n";

const char cmd_version_usage[] =
	"usage: oomlens version   (also: oomlens --version, oomlens -V)\n";

const struct ol_command *cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < ol_ncommands; i++)
		if (!strcmp(name, ol_commands[i].name))
			return &ol_commands[i];
	return NULL;
}

int cmd_is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

int cmd_usage(const char *name, FILE *f, int status)
{
	const struct ol_command *c = cmd_find(name);

	if (c)
		fputs(c->usage, f);
	return status;
}

void cmd_error_file(const char *file, const char *err)
{
	/* library messages often name the file already */
	if (err && strstr(err, file))
		fprintf(stderr, "oomlens: %s\n", err);
	else
		fprintf(stderr, "oomlens: '%s': %s\n", file, err ? err : "out of memory");
}

static void list_commands(FILE *f)
{
	size_t i;

	fprintf(f, "usage: oomlens <command> [<args>]\n\ncommands:\n");
	for (i = 0; i < ol_ncommands; i++)
		fprintf(f, "   %-32s %s\n", ol_commands[i].synopsis, ol_commands[i].summary);
	fprintf(f, "\n'oomlens help COMMAND' or 'oomlens COMMAND --help' shows a command's "
		"options;\nthe manuals are oomlens(1), oomlens-COMMAND(1) and oomlens-db(5) for the database.\n");
}

int cmd_help(int argc, char **argv)
{
	if (argc < 2 || cmd_is_help(argv[1])) {
		if (argc >= 2)
			return cmd_usage("help", stdout, 0);
		list_commands(stdout);
		return 0;
	}
	if (argc > 2 || !cmd_find(argv[1])) {
		fprintf(stderr, "oomlens: '%s' is not an oomlens command; see 'oomlens help'\n",
			argv[1]);
		return 2;
	}
	return cmd_usage(argv[1], stdout, 0);
}

int cmd_version(int argc, char **argv)
{
	if (argc > 1) {
		if (cmd_is_help(argv[1]))
			return cmd_usage("version", stdout, 0);
		return cmd_usage("version", stderr, 2);
	}
	printf("oomlens %s (database schema %d)\n", OL_VERSION, OL_SCHEMA_VERSION);
	return 0;
}

/* Top level with no command: the list, on stderr, as a usage error. */
int cmd_main_usage(void)
{
	list_commands(stderr);
	return 2;
}
