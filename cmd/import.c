// SPDX-License-Identifier: GPL-2.0
/*
 * `oomlens import FILE... [-o DB]`: the front end of the importers.
 * collect/ reads the files into the database, then analyze/ rebuilds the
 * analysis tables, so that a database is always ready for `report` and
 * `tui`.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "collect/collect.h"
#include "cmd/outfile.h"
#include "cmd/contain.h"

const char cmd_import_usage[] =
	"usage: oomlens import FILE... [-o DB] [-q] [--keep-all]\n"
	"  FILE   trace.dat (trace-cmd record/extract), ftrace text (tracefs `trace`,\n"
	"         `trace-cmd report`), kernel log (dmesg [-T], journalctl -k [-o json],\n"
	"         syslog, a paste); kind by content; gzip/xz/zstd/bzip2 compressed\n"
	"         or not; - reads standard input\n"
	"  -o DB  database to create or add to (default: first FILE with .db)\n"
	"  -q     no progress on stderr\n"
	"  --keep-all\n"
	"         store every mmap_lock event of a trace.dat (default: those of\n"
	"         victims' tasks, the oom_reaper and victims' mm; the rest counted)\n";

/* The trace.dat importer's progress, on a terminal only. */
static void draw_progress(void *ctx, const char *path, int percent, long long kept)
{
	if (percent < 0)
		fprintf(stderr, "\r\033[K");
	else
		fprintf(stderr, "\roomlens: importing %s: %3d%% (%lld events kept)",
			path, percent, kept);
}

/* "x/run.dat" -> "run.db" in the current directory. */
static char *default_db(const char *file)
{
	const char *base = strrchr(file, '/');
	const char *dot;

	if (!strcmp(file, "-"))
		return strdup("oomlens.db");
	base = base ? base + 1 : file;
	dot = strrchr(base, '.');
	int n = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
	char *db = NULL;

	return asprintf(&db, "%.*s.db", n, base) < 0 ? NULL : db;
}

static int import_files(int argc, char **argv, char **db_out, bool *created)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "quiet",  no_argument,       NULL, 'q' },
		{ "keep-all", no_argument,     NULL, 'K' },
		{ "help",   no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ol_store *st = NULL;
	sigset_t held;
	char *db = NULL, *err = NULL;
	bool quiet = false, keep_all = false;
	enum ol_file_kind *kinds = NULL;
	struct ol_input *ins = NULL;
	int c, i, pass, ret = 1, lock = -1;

	*db_out = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			free(db);
			db = strdup(optarg);
			if (!db) {
				fprintf(stderr, "oomlens: out of memory\n");
				return 1;
			}
			break;
		case 'q':
			quiet = true;
			break;
		case 'K':
			keep_all = true;
			break;
		case 'h':
			free(db);
			return cmd_usage("import", stdout, 0);
		default:
			free(db);
			return cmd_usage("import", stderr, 2);
		}
	}
	if (optind >= argc) {
		free(db);
		return cmd_usage("import", stderr, 2);
	}
	if (!db)
		db = default_db(argv[optind]);
	/* Check every input before touching the database. */
	kinds = calloc((size_t)argc, sizeof(*kinds));
	ins = calloc((size_t)argc, sizeof(*ins));
	if (!kinds || !ins || !db) {
		fprintf(stderr, "oomlens: out of memory\n");
		goto out;
	}
	/* each input is read once (a pipe can be read only once) */
	for (i = optind; i < argc; i++) {
		if (ol_input_open(&ins[i], argv[i], &err)) {
			fprintf(stderr, "oomlens: %s\n", err);
			goto out;
		}
		kinds[i] = ol_detect_buf(ins[i].data, ins[i].len);
		switch (kinds[i]) {
		case OL_FILE_TRACEDAT:
		case OL_FILE_FTRACE_TEXT:
		case OL_FILE_KMSG:
			break;
		case OL_FILE_EMPTY:
			fprintf(stderr, "oomlens: '%s': empty%s, nothing to import\n", ins[i].name,
				ins[i].compression ? " after decompression" : " file");
			goto out;
		case OL_FILE_BINARY:
			fprintf(stderr, "oomlens: '%s': binary data, but not a trace.dat file "
				"(no trace-cmd magic) nor gzip/xz/zstd/bzip2 data\n", ins[i].name);
			goto out;
		default:
			fprintf(stderr, "oomlens: '%s': not a trace.dat, ftrace text or kernel log "
				"(no kernel OOM line and no line with a known timestamp format)\n",
				ins[i].name);
			goto out;
		}
	}
	if (ol_where) {
		snprintf(ol_where->db, sizeof(ol_where->db), "%s", db);
		ol_tracedat_where = &ol_where->offset;
	}
	/* one writer at a time: a second import waits, then adds to the first's */
	lock = ol_lock_dir(db);
	ol_tmp_clean_stale(db);
	ol_tmp_hold(&held);
	st = ol_store_open_bulk(db, &err);
	if (st && ol_store_tmp_path(st))
		ol_tmp_track(ol_store_tmp_path(st));
	ol_tmp_release(&held);
	if (!st) {
		fprintf(stderr, "oomlens: %s\n", err);
		goto out;
	}
	if (ol_store_begin(st)) {
		fprintf(stderr, "oomlens: %s\n", ol_store_errmsg(st));
		goto out;
	}
	if (ol_where)
		ol_where->quiet_libs = 1;	/* the parsers run from here */
	/*
	 * Traces first, kernel logs last: a log is aligned with and
	 * deduplicated against the console lines of the traces.
	 */
	for (pass = 0; pass < 2; pass++) {
		for (i = optind; i < argc; i++) {
			char *note = NULL;
			int r;

			if ((kinds[i] == OL_FILE_KMSG) != (pass == 1))
				continue;
			if (ol_where) {
				snprintf(ol_where->file, sizeof(ol_where->file), "%s", argv[i]);
				ol_where->offset = 0;
			}
			if (kinds[i] == OL_FILE_TRACEDAT) {
				const char *path = ol_input_path(&ins[i], &err);

				/* a decompressed copy: removed on a signal or a crash too */
				if (path && strcmp(path, argv[i])) {
					ol_tmp_track(path);
					if (ol_where)
						snprintf(ol_where->input_tmp,
							 sizeof(ol_where->input_tmp), "%s", path);
				}

				r = path ? ol_import_tracedat(st, path,
							       keep_all ? OL_IMPORT_KEEP_ALL : 0,
							       !quiet && (ol_where ? ol_where->tty : isatty(2)) ?
							       draw_progress : NULL,
							       NULL, &err) : -1;
			} else if (kinds[i] == OL_FILE_FTRACE_TEXT) {
				r = ol_import_ftrace_text_input(st, &ins[i], &err);
			} else {
				r = ol_import_kmsg_input(st, &ins[i], &note, &err);
			}
			ol_input_drop(&ins[i]);
			if (r) {
				fprintf(stderr, "oomlens: %s\n", err);
				goto out;	/* closing the store rolls back every file */
			}
			if (note)
				fprintf(stderr, "oomlens: %s\n", note);
			free(note);
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
	for (i = 0; ins && i < argc; i++)
		if (ins[i].name)
			ol_input_close(&ins[i]);
	free(ins);
	free(kinds);
	if (st && ol_store_tmp_path(st)) {
		char *tmp = strdup(ol_store_tmp_path(st));

		*created = true;	/* a new database (published if ret == 0) */
		ol_store_close(st);
		if (tmp)
			ol_tmp_forget(tmp);
		free(tmp);
	} else {
		ol_store_close(st);
	}
	ol_unlock(lock);
	free(err);
	free(db);
	return ret;
}

static int import_and_analyze(int argc, char **argv)
{
	char *db = NULL;
	bool created = false;
	int ret = import_files(argc, argv, &db, &created);

	if (ret || !db)
		return ret;
	if (ol_where) {
		/* a crash from here on is the analysis's, over the database */
		snprintf(ol_where->file, sizeof(ol_where->file), "%s", db);
		ol_where->offset = 0;
		ol_where->db[0] = '\0';	/* committed: nothing to roll back */
	}
	ret = cmd_analyze_after(db, "imported");
	/*
	 * All or nothing: a database this import created is removed when its
	 * analysis cannot be written (a full disk), as a failed import would
	 * leave none; an existing one keeps what it had plus the new source.
	 */
	if (ret && created)
		unlink(db);
	free(db);
	return ret;
}

/* In a child: a library crash on a hostile file is one line, not a signal. */
int cmd_import(int argc, char **argv)
{
	return ol_contain(import_and_analyze, argc, argv);
}
