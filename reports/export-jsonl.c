// SPDX-License-Identifier: GPL-2.0
/*
 * `oomlens export --format jsonl`: one JSON object per line, one per
 * victim ("type":"victim") and one per episode ("type":"episode"), each
 * with its origin (host, boot id, kernel release, clock), for a warehouse
 * table (README.md "export --format jsonl" has the schema and a
 * ClickHouse definition).  Absolute times are integer ns on the origin's
 * trace clock, durations seconds, unknown null; victim and episode numbers
 * are the database ids, as every report shows them.  Every line is a complete
 * object, so a reader can parse the stream line by line.
 */
#include <inttypes.h>

#include "reports/report-local.h"

/* ,"key": */
static void key(FILE *f, const char *k)
{
	fprintf(f, ",\"%s\":", k);
}

static void num(FILE *f, const char *k, int64_t v)
{
	key(f, k);
	if (v == OL_NONE)
		fputs("null", f);
	else
		fprintf(f, "%" PRId64, v);
}

static void str(FILE *f, const char *k, const char *s)
{
	key(f, k);
	rp_put_json(f, s);
}

static void boolean(FILE *f, const char *k, bool b)
{
	key(f, k);
	fputs(b ? "true" : "false", f);
}

/* seconds from @from to @to, null when either is unknown */
static void secs(FILE *f, const char *k, int64_t from, int64_t to)
{
	char buf[PR_BUF];

	key(f, k);
	if (from == OL_NONE || to == OL_NONE)
		fputs("null", f);
	else
		fputs(pr_secs_exact(buf, to - from), f);
}

static void origin(FILE *f, const char *type, const struct rp_origin *o)
{
	fprintf(f, "{\"type\":\"%s\",\"schema\":%d", type, OL_EXPORT_JSONL_SCHEMA);
	str(f, "host", o->host);
	str(f, "boot_id", *o->boot_id ? o->boot_id : NULL);
	str(f, "kernel", o->kernel);
	str(f, "clock", o->clock);
}

static void victim(const struct ol_analysis *a, const struct ol_victim *v, FILE *f)
{
	const struct ol_reaper_run *rr = &v->reaper;
	bool reaper = rr->start_ns != OL_NONE || rr->wake_ns != OL_NONE;
	int other = v->nverdicts ? v->verdicts[0].other : -1;
	struct rp_origin o;
	size_t i;

	rp_origin(a, v, &o);
	origin(f, "victim", &o);
	num(f, "episode", v->episode);
	num(f, "victim", v->index);
	num(f, "pid", v->pid);
	num(f, "tgid", v->tgid);
	str(f, "comm", v->comm);
	str(f, "domain", v->domain);
	num(f, "uid", v->uid);
	num(f, "oom_score_adj", v->oom_score_adj_known ? v->oom_score_adj : OL_NONE);
	boolean(f, "bypass", v->bypass);
	num(f, "rss_kb", v->rss_kb);
	num(f, "anon_kb", v->anon_kb);
	num(f, "file_kb", v->file_kb);
	num(f, "shmem_kb", v->shmem_kb);
	num(f, "kill_ns", v->kill_ns);
	num(f, "skip_ns", v->skip_ns);
	secs(f, "time_to_skip_s", v->kill_ns, v->skip_ns);
	str(f, "skip_by", pr_skip_by(v->skip_by));
	str(f, "skip_confidence", pr_conf(v->skip_confidence));
	num(f, "freed_ns", v->freed_ns);
	secs(f, "time_to_free_s", v->kill_ns, v->freed_ns);
	str(f, "freed_by", pr_freed_by(v->freed_by));
	str(f, "freed_confidence", pr_conf(v->freed_confidence));
	num(f, "exit_ns", v->exit_ns);
	secs(f, "time_to_exit_s", v->kill_ns, v->exit_ns);
	boolean(f, "reaper_ran", reaper);
	num(f, "reaper_attempts", reaper ? rr->attempts : OL_NONE);
	num(f, "reaper_failures", reaper ? rr->failures : OL_NONE);
	boolean(f, "reaper_gave_up", reaper && rr->gave_up);
	num(f, "reaper_reaped_kb", reaper ? rr->reaped_kb : OL_NONE);
	num(f, "reaper_left_kb", reaper ? rr->left_kb : OL_NONE);
	boolean(f, "lost_in_window", v->lost_in_window);
	str(f, "verdict", pr_verdict(v->verdict));
	str(f, "verdict_confidence", pr_conf(v->verdict_confidence));
	key(f, "verdicts");
	putc('[', f);
	for (i = 0; i < v->nverdicts; i++)
		fprintf(f, "%s\"%s\"", i ? "," : "", pr_verdict(v->verdicts[i].kind));
	putc(']', f);
	num(f, "related_victim", other >= 0 ? other : OL_NONE);
	str(f, "gfp_mask", v->gfp_mask);
	str(f, "constraint", v->constraint);
	str(f, "evidence", a->evidence && *a->evidence ? a->evidence : NULL);
	fputs("}\n", f);
}

static void episode(const struct ol_analysis *a, const struct ol_episode *e, FILE *f)
{
	struct rp_origin o;
	int64_t max = OL_NONE;
	size_t i, kills = 0;

	for (i = e->first; i < e->first + e->count; i++) {
		const struct ol_victim *v = &a->victims[i];

		if (!v->bypass)
			kills++;
		if (v->freed_ns != OL_NONE && v->kill_ns != OL_NONE &&
		    (max == OL_NONE || v->freed_ns - v->kill_ns > max))
			max = v->freed_ns - v->kill_ns;
	}
	rp_episode_origin(a, e, &o);
	origin(f, "episode", &o);
	num(f, "episode", e->index);
	str(f, "domain", e->domain);
	num(f, "start_ns", e->start_ns);
	num(f, "end_ns", e->end_ns);
	secs(f, "duration_s", e->start_ns, e->end_ns);
	num(f, "first_victim", e->count ? (int64_t)e->first : OL_NONE);
	num(f, "victims", (int64_t)e->count);
	num(f, "kills", (int64_t)kills);
	num(f, "unnecessary", e->unnecessary);
	secs(f, "ttf_max_s", 0, max);
	fputs("}\n", f);
}

int rp_export_jsonl(const struct ol_analysis *a, FILE *f)
{
	size_t i;

	/* the episodes' lines, then the victims' lines in kill order */
	for (i = 0; i < a->nepisodes; i++)
		episode(a, &a->episodes[i], f);
	for (i = 0; i < a->nvictims; i++)
		victim(a, &a->victims[i], f);
	return 0;
}
