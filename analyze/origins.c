// SPDX-License-Identifier: GPL-2.0
/*
 * The origins of a merged database (analyze/merge.c): which host, boot,
 * kernel and clock each victim and episode comes from.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze-local.h"

static char *txt(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return ol_xstrdup(t ? (const char *)t : "");
}

/* victims.origin / episodes.origin into @field of each element */
static int load_refs(sqlite3 *db, const char *sql, void *base, size_t n, size_t size,
		     size_t field, size_t norigins)
{
	sqlite3_stmt *s = NULL;
	size_t i = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	while (i < n && sqlite3_step(s) == SQLITE_ROW) {
		int o = sqlite3_column_int(s, 0);

		*(int *)((char *)base + i++ * size + field) =
			o >= 0 && (size_t)o < norigins ? o : 0;
	}
	sqlite3_finalize(s);
	return 0;
}

int ol_load_origins(sqlite3 *db, struct ol_analysis *a)
{
	sqlite3_stmt *s = NULL;
	struct ol_origin *o;
	int rc = -1;

	if (sqlite3_prepare_v2(db, "SELECT host, boot_id, kernel_release, clock, db_path,"
			       " coalesce(lost_total, -1)"
			       " FROM origins ORDER BY id", -1, &s, NULL) != SQLITE_OK)
		return 0;	/* not a merged database */
	while (sqlite3_step(s) == SQLITE_ROW) {
		o = realloc(a->origins, (a->norigins + 1) * sizeof(*o));
		if (!o)
			goto out;
		a->origins = o;
		o = &o[a->norigins++];
		o->host = txt(s, 0);
		o->boot_id = txt(s, 1);
		o->kernel = txt(s, 2);
		o->clock = txt(s, 3);
		o->db_path = txt(s, 4);
		o->lost_total = sqlite3_column_int64(s, 5);
	}
	if (a->norigins &&
	    (load_refs(db, "SELECT origin FROM victims ORDER BY id", a->victims, a->nvictims,
		       sizeof(*a->victims), offsetof(struct ol_victim, origin), a->norigins) ||
	     load_refs(db, "SELECT origin FROM episodes ORDER BY id", a->episodes,
		       a->nepisodes, sizeof(*a->episodes), offsetof(struct ol_episode, origin),
		       a->norigins)))
		goto out;
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc;
}

void ol_origins_free(struct ol_analysis *a)
{
	size_t i;

	for (i = 0; i < a->norigins; i++) {
		free(a->origins[i].host);
		free(a->origins[i].boot_id);
		free(a->origins[i].kernel);
		free(a->origins[i].clock);
		free(a->origins[i].db_path);
	}
	free(a->origins);
	a->origins = NULL;
	a->norigins = 0;
}
