/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the unit tests (each tests/unit/test-*.c is its own program):
 * CHECK(cond, fmt, ...) prints "ok - ..." or "not ok - file:line: ...";
 * unit_done() prints the runner's closing line "N passed, N failed" and
 * returns the exit code.
 */
#ifndef OOMLENS_UNIT_H
#define OOMLENS_UNIT_H

#include <stdio.h>

static int failed, checks;

#define CHECK(cond, ...) do {						\
	checks++;							\
	if (!(cond)) {							\
		failed++;						\
		printf("not ok - %s:%d: ", __FILE__, __LINE__);	\
	} else {							\
		printf("ok - ");					\
	}								\
	printf(__VA_ARGS__);						\
	putchar('\n');							\
} while (0)

static inline int unit_done(void)
{
	printf("%d passed, %d failed\n", checks - failed, failed);
	return failed ? 1 : 0;
}

#endif
