// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer, in process: bytes as an SQLite database file, deserialized
 * into memory, hardened and checked against oomlens's schema
 * (collect/dbopen.c) as every command does before reading; when accepted,
 * the tables the readers use are read through.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "collect/collect.h"

#include "tests/fuzz/fuzz-sqlite-malloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const reads[] = {
		"SELECT key, value FROM meta", "SELECT count(*), max(ts_ns) FROM events",
		"SELECT * FROM victims", "SELECT * FROM episodes", "SELECT * FROM sources",
	};
	sqlite3 *db = NULL;
	unsigned char *copy;
	char *err = NULL;
	size_t i;

	fuzz_sqlite_malloc();
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		abort();
	copy = sqlite3_malloc64(size ? size : 1);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	if (sqlite3_deserialize(db, "main", copy, (sqlite3_int64)size, (sqlite3_int64)size,
				SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY) != SQLITE_OK)
		goto out;
	if (ol_db_harden(db, false) || ol_db_check(db, "fuzz.db", &err))
		goto out;
	for (i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		sqlite3_stmt *s = NULL;

		if (sqlite3_prepare_v2(db, reads[i], -1, &s, NULL) == SQLITE_OK)
			while (sqlite3_step(s) == SQLITE_ROW)
				;
		sqlite3_finalize(s);
	}
out:
	free(err);
	sqlite3_close(db);
	return 0;
}
