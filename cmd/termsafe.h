/* SPDX-License-Identifier: GPL-2.0 */
/* cmd/termsafe.c: what reaches the terminal through stderr is escaped. */
#ifndef OOMLENS_CMD_TERMSAFE_H
#define OOMLENS_CMD_TERMSAFE_H

#include <stddef.h>

/*
 * Copy @n bytes of @in to @out (at most @cap bytes), control characters,
 * C1 codes, bidi controls and invalid UTF-8 shown as \xNN / \u{NNNN}.
 * Returns the bytes written (stops early, at a whole character, when
 * @out is full).
 */
size_t ol_term_escape(char *out, size_t cap, const char *in, size_t n);

/* Route stderr through ol_term_escape().  0 or -1 (stderr unchanged). */
int ol_stderr_filter(void);

#endif
