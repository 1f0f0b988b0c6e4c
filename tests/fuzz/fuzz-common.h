/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the libFuzzer harnesses: one input goes through the same
 * path as `oomlens import FILE -o DB` (a file on disk, the bulk store,
 * one outer transaction, the importer of the file's kind, commit, close,
 * then the analysis and its loader), into a fresh database each time.
 *
 * Inputs and databases live in a private directory under /dev/shm (or
 * $TMPDIR) so that a run does not wear a disk.  OOMLENS_FUZZ_NO_ANALYZE=1
 * stops after the import (to fuzz collect/ alone).
 */
#ifndef OOMLENS_FUZZ_COMMON_H
#define OOMLENS_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/collect-local.h"
#include "analyze/analyze.h"

static char fuzz_in[512], fuzz_db[512];
static int fuzz_analyze = 1;

static void fuzz_setup(void)
{
	static char dir[256];
	const char *base;

	if (dir[0])
		return;
	base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/oomlens-fuzz-XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		abort();
	}
	snprintf(fuzz_in, sizeof(fuzz_in), "%s/input", dir);
	snprintf(fuzz_db, sizeof(fuzz_db), "%s/input.db", dir);
	if (getenv("OOMLENS_FUZZ_NO_ANALYZE"))
		fuzz_analyze = 0;
}

static int fuzz_write(const uint8_t *data, size_t size)
{
	FILE *f = fopen(fuzz_in, "wb");

	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f))
		abort();
	return 0;
}

/*
 * Import fuzz_in as @kind (forced, so that inputs the content probe would
 * reject still reach the importer) into a new database; then analyze and
 * load it when the import succeeded.  Every failure must be an error
 * message, never a crash or a leak, and a failed import must leave no file.
 */
static void fuzz_import(enum ol_file_kind kind)
{
	struct ol_store *st = NULL;
	char *err = NULL, *note = NULL;
	int r = -1;

	unlink(fuzz_db);
	(void)ol_detect_file(fuzz_in);
	st = ol_store_open_bulk(fuzz_db, &err);
	if (!st)
		goto out;
	if (ol_store_begin(st))
		goto out;
	if (kind == OL_FILE_TRACEDAT)
		r = ol_import_tracedat(st, fuzz_in, 0, NULL, NULL, &err);
	else if (kind == OL_FILE_FTRACE_TEXT)
		r = ol_import_ftrace_text(st, fuzz_in, &err);
	else
		r = ol_import_kmsg(st, fuzz_in, &note, &err);
	if (r == 0)
		r = ol_store_commit(st, true);
	else if (!err)
		abort();	/* a failure must say why */
out:
	ol_store_close(st);
	free(err);
	free(note);
	err = NULL;
	if (r != 0) {
		if (access(fuzz_db, F_OK) == 0)
			abort();	/* a failed import left a database behind */
		return;
	}
	if (fuzz_analyze) {
		struct ol_analysis *a = NULL;

		if (ol_analyze_db(fuzz_db, &err) == 0)
			a = ol_analysis_load(fuzz_db, &err);
		ol_analysis_free(a);
		free(err);
	}
	unlink(fuzz_db);
}

#endif
