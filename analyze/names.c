// SPDX-License-Identifier: GPL-2.0
/* Names of the analysis enums, from the X-macro lists in analyze.h. */
#include "analyze/analyze.h"

const char *ol_confidence_name(enum ol_confidence c)
{
	static const char *const names[] = {
#define _(id, str) [OL_CONF_##id] = str,
		OL_CONFIDENCE(_)
#undef _
	};
	return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "?";
}

const char *ol_verdict_name(enum ol_verdict_kind k)
{
	static const char *const names[] = {
#define _(id, str, help) [OL_VERDICT_##id] = str,
		OL_VERDICTS(_)
#undef _
	};
	return (unsigned)k < OL_VERDICT_NR ? names[k] : "?";
}

const char *ol_verdict_help(enum ol_verdict_kind k)
{
	static const char *const help[] = {
#define _(id, str, h) [OL_VERDICT_##id] = h,
		OL_VERDICTS(_)
#undef _
	};
	return (unsigned)k < OL_VERDICT_NR ? help[k] : "?";
}

const char *ol_skip_by_name(enum ol_skip_by s)
{
	static const char *const names[] = {
#define _(id, str) [OL_SKIP_BY_##id] = str,
		OL_SKIP_BY(_)
#undef _
	};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

const char *ol_freed_by_name(enum ol_freed_by f)
{
	static const char *const names[] = {
#define _(id, str) [OL_FREED_BY_##id] = str,
		OL_FREED_BY(_)
#undef _
	};
	return (unsigned)f < sizeof(names) / sizeof(names[0]) ? names[f] : "?";
}

const char *ol_sharer_created_name(enum ol_sharer_created c)
{
	static const char *const names[] = {
#define _(id, str) [OL_SHARER_##id] = str,
		OL_SHARER_CREATED(_)
#undef _
	};
	return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "?";
}

int64_t ol_since_kill(const struct ol_victim *v, int64_t ts_ns)
{
	if (v->kill_ns == OL_NONE || ts_ns == OL_NONE)
		return OL_NONE;
	return ts_ns - v->kill_ns;
}
