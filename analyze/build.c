// SPDX-License-Identifier: GPL-2.0
/* ol_analyze_db() / ol_analyze_handle(): (re)build the analysis tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect.h"
#include "analyze/analyze-local.h"

static void build_free(struct ol_build *b)
{
	size_t i;

	for (i = 0; b->vs && i < b->a->nvictims; i++)
		free(b->vs[i].constraint);
	free(b->vs);
	for (i = 0; i < (size_t)b->npend; i++)
		ol_pending_free(&b->pend[i]);
	free(b->otasks);
	free(b->omem);
	free(b->mms);
	free(b->gaps);
	ol_map_free(&b->pid2tgid);
	ol_map_free(&b->exit_ns);
	ol_map_free(&b->tgid2v);
	ol_map_free(&b->pid2v);
	ol_map_free(&b->mmid2mm);
	ol_map_free(&b->mmptr2mm);
	ol_map_free(&b->vmsharer);
	ol_map_free(&b->vforked);
	ol_map_free(&b->sharer2s);
}

static int build_init(struct ol_build *b, sqlite3 *db, char **err)
{
	memset(b, 0, sizeof(*b));
	b->db = db;
	b->a = calloc(1, sizeof(*b->a));
	if (!b->a) {
		*err = ol_fmt("out of memory");
		return -1;
	}
	return ol_era_detect(db, &b->era, err);
}

/*
 * The recording's span is that of its events, stored or not: an import
 * that left mmap_lock events out (collect/flood.c) saved the span of
 * them all in meta span.first_ns / span.last_ns.
 */
static void widen_span(struct ol_build *b)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(b->db, "SELECT (SELECT CAST(value AS INTEGER) FROM meta WHERE"
			       " key = 'span.first_ns'), (SELECT CAST(value AS INTEGER) FROM"
			       " meta WHERE key = 'span.last_ns')", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW) {
		if (sqlite3_column_type(s, 0) == SQLITE_INTEGER &&
		    (b->first_ns == OL_NONE || sqlite3_column_int64(s, 0) < b->first_ns))
			b->first_ns = sqlite3_column_int64(s, 0);
		if (sqlite3_column_type(s, 1) == SQLITE_INTEGER &&
		    (b->last_ns == OL_NONE || sqlite3_column_int64(s, 1) > b->last_ns))
			b->last_ns = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
}

/* Same as ol_analyze_db() on an open sqlite3 handle (passed as void *). */
int ol_analyze_handle(void *sqlite_db, char **err)
{
	struct ol_build b;
	int rc = -1, s;

	*err = NULL;
	if (build_init(&b, sqlite_db, err))
		goto out;
	s = ol_stream_events(&b, true, err);
	if (s == 1) {
		/* rows not in time order (several sources): use the index */
		build_free(&b);
		ol_analysis_free(b.a);
		if (build_init(&b, sqlite_db, err))
			goto out;
		s = ol_stream_events(&b, false, err);
	}
	if (s)
		goto out;
	widen_span(&b);
	ol_era_resolution(&b.era, b.a);
	ol_finish_victims(&b);
	ol_era_finish(&b.era, b.a);
	ol_build_verdicts(&b);
	ol_build_episodes(&b);
	if (ol_write_tables(&b, err))
		goto out;
	rc = 0;
out:
	build_free(&b);
	ol_analysis_free(b.a);
	return rc;
}

int ol_analyze_db(const char *path, char **err)
{
	struct ol_store *st = ol_store_open(path, err);
	int rc;

	if (!st)
		return -1;
	rc = ol_analyze_handle(ol_store_db(st), err);
	if (rc && *err) {
		char *e = ol_fmt("'%s': %s", path, *err);

		free(*err);
		*err = e;
	}
	ol_store_close(st);
	return rc;
}

static const char *row_fields(void *ctx)
{
	return ((const struct ol_row *)ctx)->fields;
}

struct ol_analysis *ol_analyze_rows(const struct ol_era *era, struct ol_row *rows, size_t n)
{
	struct ol_analysis *a;
	struct ol_build b;
	size_t i;

	memset(&b, 0, sizeof(b));
	if (!(b.a = calloc(1, sizeof(*b.a))))
		return NULL;
	b.era = *era;
	ol_era_rules(&b.era);
	ol_stream_begin(&b);
	for (i = 0; i < n; i++) {
		struct ol_row r = rows[i];

		r.fields = "{}";
		ol_stream_row(&b, &r, !strcmp(rows[i].comm, "oom_reaper"), row_fields, NULL,
			      &rows[i]);
	}
	ol_resolve_signal(&b, NULL);
	ol_era_resolution(&b.era, b.a);
	ol_finish_victims(&b);
	ol_era_finish(&b.era, b.a);
	ol_build_verdicts(&b);
	ol_build_episodes(&b);
	a = b.a;
	build_free(&b);
	return a;
}
