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

int ol_report_render(const struct ol_analysis *a, enum ol_report_format f,
		     const struct ol_report_opts *o, FILE *out, char **err)
{
	static const struct ol_report_opts all;
	struct rp r = { a, o ? o : &all, out };
	size_t i;
	int ret, lock;

	if (r.o->episode > 0 && (size_t)r.o->episode > a->nepisodes) {
		if (asprintf(err, "no episode %d (there %s %zu)", r.o->episode,
			     a->nepisodes == 1 ? "is" : "are", a->nepisodes) < 0)
			*err = NULL;
		return -1;
	}
	for (i = 0; i < a->nvictims; i++)
		if (rp_victim_selected(&r, &a->victims[i]))
			break;
	if (i == a->nvictims && (r.o->episode > 0 || r.o->victim_pid > 0)) {
		if (asprintf(err, "no victim with pid %d%s", r.o->victim_pid,
			     r.o->episode > 0 ? " in that episode" : "") < 0)
			*err = NULL;
		return -1;
	}
	/*
	 * Renderers write byte by byte in places; a report of 10,000
	 * victims is tens of MB, so skip stdio's per-call locking (we are
	 * the only user of @out while rendering).
	 */
	lock = __fsetlocking(out, FSETLOCKING_BYCALLER);
	switch (f) {
	case OL_REPORT_TEXT:
		ret = rp_text(&r);
		break;
	case OL_REPORT_MARKDOWN:
		ret = rp_markdown(&r);
		break;
	case OL_REPORT_JSON:
		ret = rp_json(&r);
		break;
	case OL_REPORT_CSV:
		ret = rp_csv(&r);
		break;
	case OL_REPORT_HTML:
		ret = rp_html(&r);
		break;
	default:
		__fsetlocking(out, lock);
		*err = strdup("unknown report format");
		return -1;
	}
	__fsetlocking(out, lock);
	if (ret == 0 && (fflush(out) || ferror(out))) {
		if (asprintf(err, "write error: %s", strerror(errno)) < 0)
			*err = NULL;
		return -1;
	}
	return ret;
}
