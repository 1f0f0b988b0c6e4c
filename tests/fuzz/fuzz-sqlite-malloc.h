/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SQLite's own memory, for the harnesses that use SQLite: straight from
 * glibc (__libc_malloc and friends), past the AddressSanitizer allocator,
 * and without SQLite's memory statistics (a mutex per call).  SQLite is
 * not what is fuzzed, and its many small allocations, each with a
 * redzone, a quarantine slot and a lock, were most of an execution.
 * oomlens's own allocations stay checked.  Call fuzz_sqlite_malloc()
 * before the first SQLite call.
 */
#ifndef OOMLENS_FUZZ_SQLITE_MALLOC_H
#define OOMLENS_FUZZ_SQLITE_MALLOC_H

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sqlite3.h>

void *__libc_malloc(size_t n);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);

/* a size header in front: SQLite asks for the size of its blocks */
static void *fsm_malloc(int n)
{
	int64_t *p = __libc_malloc((size_t)n + 16);

	if (!p)
		return NULL;
	p[0] = n;
	return p + 2;
}

static void fsm_free(void *p)
{
	if (p)
		__libc_free((int64_t *)p - 2);
}

static void *fsm_realloc(void *p, int n)
{
	int64_t *q = __libc_realloc((int64_t *)p - 2, (size_t)n + 16);

	if (!q)
		return NULL;
	q[0] = n;
	return q + 2;
}

static int fsm_size(void *p)
{
	return p ? (int)((int64_t *)p)[-2] : 0;
}

static int fsm_roundup(int n)
{
	return (n + 7) & ~7;
}

static int fsm_init(void *x)
{
	(void)x;
	return SQLITE_OK;
}

static void fsm_shutdown(void *x)
{
	(void)x;
}

static void fuzz_sqlite_malloc(void)
{
	static const sqlite3_mem_methods m = {
		fsm_malloc, fsm_free, fsm_realloc, fsm_size, fsm_roundup,
		fsm_init, fsm_shutdown, NULL,
	};
	static int done;

	if (done++)
		return;
	if (sqlite3_config(SQLITE_CONFIG_MALLOC, &m) != SQLITE_OK ||
	    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
		abort();
}

#endif
