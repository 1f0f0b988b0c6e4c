// SPDX-License-Identifier: GPL-2.0
/*
 * The one sentence every format writes for a process killed with a
 * victim because it shares the victim's mm (analyze/ "sharers").
 */
#include <stdio.h>
#include <stdlib.h>

#include "reports/report-local.h"

char *rp_sharer_fact(const struct ol_victim *v, const struct ol_sharer *s)
{
	char b1[RP_BUF], b2[RP_BUF], *out = NULL;

	if (asprintf(&out, "pid %d (%s), %s %s; SIGKILL %s, exited %s", s->pid,
		     s->comm ? s->comm : "?", s->parent ? "its parent, the victim came from" :
		     "created by", ol_sharer_created_name(s->created),
		     rp_rel(b1, rp_since(v, s->sigkill_ns), "?"),
		     rp_rel(b2, rp_since(v, s->exit_ns), "unknown")) < 0)
		return NULL;
	return out;
}
