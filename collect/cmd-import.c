// SPDX-License-Identifier: GPL-2.0
/* `oomlens import FILE... [-o DB]`: the front end of the importers. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/collect.h"

static void import_usage(FILE *f)
{
	fprintf(f, "usage: oomlens import FILE... [-o DB] [-q]\n"
		   "  FILE   trace.dat (trace-cmd record/extract)\n"
		   "  -o DB  database to create or add to (default: first FILE with .db)\n"
		   "  -q     no progress on stderr\n");
}

/* "x/run.dat" -> "run.db" in the current directory. */
static char *default_db(const char *file)
{
	const char *base = strrchr(file, '/');
	const char *dot;

	base = base ? base + 1 : file;
	dot = strrchr(base, '.');
	int n = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
	char *db = NULL;

	return asprintf(&db, "%.*s.db", n, base) < 0 ? NULL : db;
}

int ol_import_main(int argc, char **argv, char **db_out)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "quiet",  no_argument,       NULL, 'q' },
		{ "help",   no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ol_store *st = NULL;
	char *db = NULL, *err = NULL;
	bool quiet = false;
	int c, i, ret = 1;

	*db_out = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			free(db);
			db = strdup(optarg);
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			import_usage(stdout);
			free(db);
			return 0;
		default:
			import_usage(stderr);
			free(db);
			return 2;
		}
	}
	if (optind >= argc) {
		import_usage(stderr);
		free(db);
		return 2;
	}
	if (!db)
		db = default_db(argv[optind]);
	/* Check every input before touching the database. */
	for (i = optind; i < argc; i++) {
		if (access(argv[i], R_OK) != 0) {
			fprintf(stderr, "oomlens: '%s': cannot read: %m\n", argv[i]);
			goto out;
		}
		if (!ol_probe_tracedat(argv[i])) {
			fprintf(stderr, "oomlens: '%s': not a trace.dat file "
				"(no trace-cmd magic); kernel logs and ftrace text are not supported yet\n",
				argv[i]);
			goto out;
		}
	}
	st = ol_store_open_bulk(db, &err);
	if (!st) {
		fprintf(stderr, "oomlens: %s\n", err);
		goto out;
	}
	if (ol_store_begin(st)) {
		fprintf(stderr, "oomlens: %s\n", ol_store_errmsg(st));
		goto out;
	}
	for (i = optind; i < argc; i++) {
		if (ol_import_tracedat(st, argv[i], !quiet && isatty(2), &err)) {
			fprintf(stderr, "oomlens: %s\n", err);
			goto out;	/* closing the store rolls back every file */
		}
	}
	if (ol_store_commit(st, true)) {
		fprintf(stderr, "oomlens: %s\n", ol_store_errmsg(st));
		goto out;
	}
	ret = 0;
	*db_out = db;
	db = NULL;
out:
	ol_store_close(st);
	free(err);
	free(db);
	return ret;
}
