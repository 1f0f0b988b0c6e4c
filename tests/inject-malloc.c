// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for tests/t-inject.sh: the OL_FAIL_AT-th allocation
 * (malloc, calloc, realloc, counted from the start of main's process
 * constructors) returns NULL with ENOMEM; every other one goes to glibc.
 * OL_FAIL_COUNT=1 only prints how many allocations the command made (at
 * exit, on stderr), to choose the range to sample.
 *
 * OL_FAIL_SPARE_OPEN=1: allocations made while tracecmd_open() runs are
 * not failed (counted, but the failure moves to the first one after it).
 * libtraceevent 1.7 itself crashes on some allocation failures while
 * parsing event formats (strcmp on a NULL name under tep_parse_event()),
 * which is not oomlens' code.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static long fail_at = -1, count;
static int active, done, spare;

static void report(void)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "inject-malloc: %ld allocations\n", count);

	if (write(2, buf, (size_t)n) < 0)
		return;
}

__attribute__((constructor)) static void init(void)
{
	const char *s = getenv("OL_FAIL_AT");

	if (s)
		fail_at = atol(s);
	spare = getenv("OL_FAIL_SPARE_OPEN") != NULL;
	if (getenv("OL_FAIL_COUNT"))
		atexit(report);
	active = 1;
}

static int in_open;

/* oomlens calls tracecmd_open() through the PLT: this one runs instead. */
struct tracecmd_input;
struct tracecmd_input *tracecmd_open(const char *file, int flags);

struct tracecmd_input *tracecmd_open(const char *file, int flags)
{
	struct tracecmd_input *(*real)(const char *, int);
	struct tracecmd_input *h;

	*(void **)&real = dlsym(RTLD_NEXT, "tracecmd_open");
	if (!real)
		return NULL;
	in_open += spare;
	h = real(file, flags);
	in_open -= spare;
	return h;
}

static int fail(void)
{
	int r = 0;

	if (!active || done)
		return 0;
	if (++count >= fail_at && fail_at > 0 && !in_open) {
		done = 1;
		errno = ENOMEM;
		r = 1;
	}
	return r;
}

void *malloc(size_t n)
{
	return fail() ? NULL : __libc_malloc(n);
}

void *calloc(size_t a, size_t b)
{
	return fail() ? NULL : __libc_calloc(a, b);
}

void *realloc(void *p, size_t n)
{
	return fail() ? NULL : __libc_realloc(p, n);
}
