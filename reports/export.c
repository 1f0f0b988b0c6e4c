// SPDX-License-Identifier: GPL-2.0
/*
 * ol_export_render(): the exports for tools outside oomlens, and the
 * origin (host, boot, kernel, clock) every exported record carries so
 * that the lines of many hosts can share one table.
 */
#include <errno.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report-local.h"

static const char *const export_names[] = {
#define _(id, str) str,
	OL_EXPORT_FORMATS(_)
#undef _
};

int ol_export_format_parse(const char *name)
{
	int i;

	for (i = 0; i < OL_EXPORT_NR; i++)
		if (!strcmp(name, export_names[i]))
			return i;
	return -1;
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

void rp_origin(const struct ol_analysis *a, const struct ol_victim *v,
	       struct rp_origin *o)
{
	if (v && a->norigins) {
		const struct ol_origin *g = &a->origins[v->origin];

		o->host = g->host;
		o->boot_id = g->boot_id;
		o->kernel = g->kernel;
		o->clock = g->clock;
		return;
	}
	o->host = nz(a->hostname);
	o->boot_id = nz(a->boot_id);
	o->kernel = nz(a->kernel);
	o->clock = nz(a->clock);
}

void rp_episode_origin(const struct ol_analysis *a, const struct ol_episode *e,
		       struct rp_origin *o)
{
	rp_origin(a, e->count ? &a->victims[e->first] : NULL, o);
}

const char *rp_episode_host(const struct ol_analysis *a, const struct ol_episode *e)
{
	return a->norigins ? a->origins[e->origin].host : NULL;
}

const char *rp_host_heading(const struct ol_analysis *a, size_t e)
{
	const char *h = rp_episode_host(a, &a->episodes[e]);

	if (!h || (e > 0 && !strcmp(h, rp_episode_host(a, &a->episodes[e - 1]))))
		return NULL;
	return h;
}

int ol_export_render(const struct ol_analysis *a, enum ol_export_format f,
		     FILE *out, char **err)
{
	int ret, lock;

	lock = __fsetlocking(out, FSETLOCKING_BYCALLER);
	switch (f) {
	case OL_EXPORT_JSONL:
		ret = rp_export_jsonl(a, out);
		break;
	case OL_EXPORT_CHROME:
		ret = rp_export_chrome(a, out);
		break;
	default:
		__fsetlocking(out, lock);
		*err = strdup("unknown export format");
		return -1;
	}
	__fsetlocking(out, lock);
	if (ret == 0 && (fflush(out) || ferror(out))) {
		if (asprintf(err, "write error: %s", strerror(errno)) < 0)
			*err = NULL;
		return -1;
	}
	if (ret)
		*err = strdup("out of memory");
	return ret;
}
