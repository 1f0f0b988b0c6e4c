// SPDX-License-Identifier: GPL-2.0
/*
 * The origins of a merged database (analyze/merge.c): which host, boot,
 * kernel and clock each victim and episode comes from.  An origin owns
 * one id range per table (victims, episodes), and ids are indexes.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze-local.h"

static char *txt(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return ol_xstrdup(t ? (const char *)t : "");
}

int ol_load_origins(sqlite3 *db, struct ol_analysis *a)
{
	sqlite3_stmt *s = NULL;
	struct ol_origin *o;
	int rc = -1;

	if (sqlite3_prepare_v2(db, "SELECT host, boot_id, kernel_release, clock, db_path,"
			       " coalesce(lost_total, -1), first_victim, victims, first_episode,"
			       " episodes FROM origins ORDER BY id", -1, &s, NULL) != SQLITE_OK)
		return 0;	/* not a merged database */
	while (sqlite3_step(s) == SQLITE_ROW) {
		int64_t fv = sqlite3_column_int64(s, 6), nv = sqlite3_column_int64(s, 7);
		int64_t fe = sqlite3_column_int64(s, 8), ne = sqlite3_column_int64(s, 9), k;
		int idx = (int)a->norigins;

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
		for (k = fv; nv > 0 && k < fv + nv; k++)
			if (k >= 0 && (size_t)k < a->nvictims)
				a->victims[k].origin = idx;
		for (k = fe; ne > 0 && k < fe + ne; k++)
			if (k >= 0 && (size_t)k < a->nepisodes)
				a->episodes[k].origin = idx;
	}
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
