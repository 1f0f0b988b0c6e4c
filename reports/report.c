// SPDX-License-Identifier: GPL-2.0
/* ol_report_render(): the format table and the one entry point. */
#include <errno.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report-local.h"

static const char *const format_names[] = {
#define _(id, str) str,
	OL_REPORT_FORMATS(_)
#undef _
};

const char *ol_report_format_name(enum ol_report_format f)
{
	return (unsigned)f < OL_REPORT_NR ? format_names[f] : NULL;
}

int ol_report_format_parse(const char *name)
{
	int i;

	for (i = 0; i < OL_REPORT_NR; i++)
		if (!strcmp(name, format_names[i]))
			return i;
	if (!strcmp(name, "md"))
		return OL_REPORT_MARKDOWN;
	return -1;
}

/* In the order of OL_REPORT_FORMATS. */
static int (*const renderers[OL_REPORT_NR])(const struct rp *) = {
	rp_text, rp_markdown, rp_json, rp_csv, rp_html,
};

/* Which victims are shown: chosen by the options, or drawn for context. */
static int select_victims(struct rp *r, char **err)
{
	const struct ol_report_opts *o = r->o;
	const struct ol_analysis *a = r->a;
	size_t i, k, chosen = 0;

	if (o->by_episode && (o->episode < 0 || (size_t)o->episode >= a->nepisodes)) {
		if (asprintf(err, "no episode %d (the ids are 0 to %zu)", o->episode,
			     a->nepisodes ? a->nepisodes - 1 : 0) < 0)
			*err = NULL;
		return -1;
	}
	if (o->by_victim && (o->victim < 0 || (size_t)o->victim >= a->nvictims)) {
		if (asprintf(err, "no victim %d (the ids are 0 to %zu)", o->victim,
			     a->nvictims ? a->nvictims - 1 : 0) < 0)
			*err = NULL;
		return -1;
	}
	r->show = calloc(a->nvictims + 1, 1);
	if (!r->show) {
		*err = strdup("out of memory");
		return -1;
	}
	for (i = 0; i < a->nvictims; i++) {
		const struct ol_victim *v = &a->victims[i];

		if ((o->by_episode && v->episode != o->episode) ||
		    (o->by_victim && v->index != o->victim) ||
		    (o->pid > 0 && v->pid != o->pid && v->tgid != o->pid))
			continue;
		r->show[i] = RP_SELECTED;
		chosen++;
	}
	if (!chosen && (o->by_episode || o->by_victim || o->pid > 0)) {
		if ((o->pid > 0 ? asprintf(err, "no victim with pid %d%s", o->pid,
					   o->by_episode || o->by_victim ? " in that selection" : "") :
		     asprintf(err, "victim %d is not in episode %d", o->victim, o->episode)) < 0)
			*err = NULL;
		return -1;
	}
	/* a verdict about another victim cannot be read without that one */
	for (i = 0; i < a->nvictims && (o->by_victim || o->pid > 0); i++)
		for (k = 0; r->show[i] == RP_SELECTED && k < a->victims[i].nverdicts; k++) {
			int other = a->victims[i].verdicts[k].other;

			if (other >= 0 && (size_t)other < a->nvictims && !r->show[other])
				r->show[other] = RP_CONTEXT;
		}
	return 0;
}

int ol_report_render(const struct ol_analysis *a, enum ol_report_format f,
		     const struct ol_report_opts *o, FILE *out, char **err)
{
	static const struct ol_report_opts all;
	struct rp r = { a, o ? o : &all, out, pr_resolution(a), NULL };
	int ret, lock;

	*err = NULL;
	if (select_victims(&r, err)) {
		free(r.show);
		return -1;
	}
	/*
	 * Renderers write byte by byte in places; a report of 10,000
	 * victims is tens of MB, so skip stdio's per-call locking (we are
	 * the only user of @out while rendering).
	 */
	lock = __fsetlocking(out, FSETLOCKING_BYCALLER);
	if ((unsigned)f < OL_REPORT_NR) {
		ret = renderers[f](&r);
	} else {
		*err = strdup("unknown report format");
		ret = -1;
	}
	__fsetlocking(out, lock);
	free(r.show);
	if (ret == 0 && (fflush(out) || ferror(out))) {
		/* nothing half-said: the caller drops a partial -o file */
		if (asprintf(err, "write error: %s", strerror(errno)) < 0)
			*err = NULL;
		return -1;
	}
	return ret;
}
