// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON report: one document, field names documented in README.md
 * ("JSON report") and stable within a schema_version.  Times are absolute
 * nanoseconds on the trace clock (integers) plus relative-to-kill seconds
 * or milliseconds; anything unknown is null.  Victims and episodes are
 * named by their database ids ("id"), as every report and the TUI show
 * them, and references use the ids.
 */
#include <inttypes.h>
#include <string.h>

#include "reports/report-local.h"

/*
 * A tiny pretty-printing writer: members get commas and indentation;
 * "flat" objects (timeline points, curve samples) stay on one line.
 */
struct jw {
	FILE	*f;
	int	depth;
	bool	first[64];
	bool	flat[64];
};

static const char spaces[] = "                                                  "
	"                                                                  ";

static void newline(struct jw *w)
{
	size_t n = 2 * (size_t)w->depth;

	putc('\n', w->f);
	fwrite(spaces, 1, n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1, w->f);
}

static void jsep(struct jw *w, const char *key)
{
	if (!w->first[w->depth])
		fputs(w->flat[w->depth] ? ", " : ",", w->f);
	if (!w->flat[w->depth]) {
		newline(w);
	}
	w->first[w->depth] = false;
	if (key) {
		/* keys are ours: no escaping */
		putc('"', w->f);
		fputs(key, w->f);
		fputs("\": ", w->f);
	}
}

static void jopen_as(struct jw *w, const char *key, char brace, bool flat)
{
	jsep(w, key);
	putc(brace, w->f);
	if (w->depth < 63)
		w->depth++;
	w->first[w->depth] = true;
	w->flat[w->depth] = flat || w->flat[w->depth - 1];
}

static void jopen(struct jw *w, const char *key, char brace)
{
	jopen_as(w, key, brace, false);
}

static void jclose(struct jw *w, char brace)
{
	bool empty = w->first[w->depth], flat = w->flat[w->depth];

	w->depth--;
	if (!empty && !flat) {
		newline(w);
	}
	putc(brace, w->f);
}

static void put_i64(FILE *f, int64_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? (uint64_t)-(v + 1) + 1 : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	fwrite(p, 1, buf + sizeof(buf) - p, f);
}

static void jstr(struct jw *w, const char *key, const char *s)
{
	jsep(w, key);
	rp_put_json(w->f, s);
}

/* a string the analysis leaves "" when unknown */
static void jstr_known(struct jw *w, const char *key, const char *s)
{
	jstr(w, key, s && *s ? s : NULL);
}

static void jint(struct jw *w, const char *key, int64_t v)
{
	jsep(w, key);
	if (v == OL_NONE)
		fputs("null", w->f);
	else
		put_i64(w->f, v);
}

static void jbool(struct jw *w, const char *key, bool b)
{
	jsep(w, key);
	fputs(b ? "true" : "false", w->f);
}

/* @ns divided by @unit (10^k), exactly, as a JSON number; null if unknown */
static void jscaled(struct jw *w, const char *key, int64_t ns, int64_t unit)
{
	char buf[PR_BUF];
	uint64_t mag, ip, fp;
	int digits = 0, i;
	int64_t u;

	jsep(w, key);
	if (ns == OL_NONE) {
		fputs("null", w->f);
		return;
	}
	for (u = unit; u > 1 && digits < 18; u /= 10)
		digits++;
	mag = ns < 0 ? (uint64_t)-(ns + 1) + 1 : (uint64_t)ns;
	ip = mag / (uint64_t)unit;
	fp = mag % (uint64_t)unit;
	if (ns < 0)
		putc('-', w->f);
	put_i64(w->f, (int64_t)ip);
	if (fp) {
		snprintf(buf, sizeof(buf), ".%0*" PRIu64, digits & 31, fp);
		for (i = (int)strlen(buf) - 1; i > 0 && buf[i] == '0'; i--)
			buf[i] = '\0';
		fputs(buf, w->f);
	}
}

static void jsince_s(struct jw *w, const char *key, const struct ol_victim *v,
		     int64_t ts)
{
	jscaled(w, key, pr_since(v, ts), 1000000000);
}

static void header(struct jw *w, const struct rp *r)
{
	const struct ol_analysis *a = r->a;

	jopen(w, "generator", '{');
	jstr(w, "name", "oomlens");
	jstr(w, "version", OL_REPORT_VERSION);
	jclose(w, '}');
	jopen(w, "header", '{');
	jstr_known(w, "db_path", a->db_path);
	jstr_known(w, "kernel", a->kernel);
	jstr_known(w, "hostname", a->hostname);
	jstr_known(w, "clock", a->clock);
	jstr_known(w, "sources", a->sources);
	jstr_known(w, "rules", a->era);
	jstr_known(w, "evidence", a->evidence);
	jint(w, "cpus", a->cpus > 0 ? a->cpus : OL_NONE);
	jint(w, "events_lost", a->lost_total < 0 ? OL_NONE : a->lost_total);
	if (a->not_stored > 0)	/* only when the import left events out */
		jint(w, "events_not_stored", a->not_stored);
	jint(w, "first_ns", a->first_ns);
	jint(w, "last_ns", a->last_ns);
	jclose(w, '}');
	jopen(w, "selection", '{');
	jint(w, "episode", r->o->by_episode ? r->o->episode : OL_NONE);
	jint(w, "victim", r->o->by_victim ? r->o->victim : OL_NONE);
	jint(w, "pid", r->o->pid > 0 ? r->o->pid : OL_NONE);
	jclose(w, '}');
}

static void summary(struct jw *w, const struct ol_summary *s)
{
	size_t k;

	jopen(w, "summary", '{');
	jint(w, "victims", (int64_t)s->victims);
	jint(w, "kills", (int64_t)s->kills);
	jint(w, "bypasses", (int64_t)s->bypasses);
	jint(w, "with_ttf", (int64_t)s->with_ttf);
	jint(w, "ttf_p50_ns", s->ttf_p50_ns);
	jint(w, "ttf_p90_ns", s->ttf_p90_ns);
	jint(w, "ttf_max_ns", s->ttf_max_ns);
	jscaled(w, "ttf_p50_s", s->ttf_p50_ns, 1000000000);
	jscaled(w, "ttf_p90_s", s->ttf_p90_ns, 1000000000);
	jscaled(w, "ttf_max_s", s->ttf_max_ns, 1000000000);
	jint(w, "reaped", (int64_t)s->reaped);
	jint(w, "self_exited", (int64_t)s->self_exited);
	jint(w, "gave_up", (int64_t)s->gave_up);
	jint(w, "unknown_free", (int64_t)s->unknown_free);
	jopen(w, "verdicts", '{');
	for (k = 0; k < OL_VERDICT_NR; k++)
		jint(w, pr_verdict(k), (int64_t)s->verdicts[k]);
	jclose(w, '}');
	jclose(w, '}');
}

static void episodes(struct jw *w, const struct rp *r)
{
	const struct ol_analysis *a = r->a;
	size_t e, k;

	jopen(w, "episodes", '[');
	for (e = 0; e < a->nepisodes; e++) {
		const struct ol_episode *ep = &a->episodes[e];

		if (!rp_episode_selected(r, ep))
			continue;
		jopen(w, NULL, '{');
		jint(w, "id", ep->index);
		jstr(w, "domain", ep->domain);
		if (rp_episode_host(r->a, ep))
			jstr(w, "host", rp_episode_host(r->a, ep));
		jint(w, "start_ns", ep->start_ns);
		jint(w, "end_ns", ep->end_ns);
		jscaled(w, "duration_s", ep->start_ns == OL_NONE ||
			ep->end_ns == OL_NONE ? OL_NONE :
			ep->end_ns - ep->start_ns, 1000000000);
		jint(w, "unnecessary", ep->unnecessary);
		jopen_as(w, "victims", '[', true);
		for (k = ep->first; k < ep->first + ep->count && k < a->nvictims;
		     k++)
			if (rp_victim_selected(r, &a->victims[k]))
				jint(w, NULL, (int64_t)k);
		jclose(w, ']');
		jclose(w, '}');
	}
	jclose(w, ']');
}

static void victim(struct jw *w, const struct rp *r, const struct ol_victim *v)
{
	const struct ol_reaper_run *rr = &v->reaper;
	size_t k;

	jopen(w, NULL, '{');
	jint(w, "id", v->index);
	jint(w, "episode", v->episode);
	jint(w, "pid", v->pid);
	jint(w, "tgid", v->tgid);
	jstr(w, "comm", v->comm);
	jstr(w, "domain", v->domain);
	jint(w, "uid", v->uid);
	jint(w, "oom_score_adj", v->oom_score_adj_known ? v->oom_score_adj :
	     OL_NONE);
	jbool(w, "bypass", v->bypass);
	jopen(w, "sharers", '[');
	for (k = 0; k < v->nsharers; k++) {
		const struct ol_sharer *sh = &v->sharers[k];

		jopen_as(w, NULL, '{', true);
		jint(w, "pid", sh->pid);
		jint(w, "tgid", sh->tgid);
		jstr(w, "comm", sh->comm);
		jstr(w, "created", ol_sharer_created_name(sh->created));
		jbool(w, "parent", sh->parent);
		jsince_s(w, "sigkill_s", v, sh->sigkill_ns);
		jsince_s(w, "exit_s", v, sh->exit_ns);
		jclose(w, '}');
	}
	jclose(w, ']');
	jopen_as(w, "trigger", '{', true);
	jint(w, "pid", v->trigger_pid > 0 ? v->trigger_pid : OL_NONE);
	jstr(w, "comm", v->trigger_comm);
	jclose(w, '}');
	jopen(w, "memory_kb", '{');
	jint(w, "rss", v->rss_kb);
	jint(w, "anon", v->anon_kb);
	jint(w, "file", v->file_kb);
	jint(w, "shmem", v->shmem_kb);
	jint(w, "total_vm", v->total_vm_kb);
	jint(w, "pgtables", v->pgtables_kb);
	jstr(w, "source", v->mem_source);
	jclose(w, '}');
	jint(w, "kill_ns", v->kill_ns);
	jsince_s(w, "time_to_skip_s", v, v->skip_ns);
	jsince_s(w, "time_to_free_s", v, v->freed_ns);
	jopen(w, "skip", '{');
	jint(w, "ns", v->skip_ns);
	jint(w, "lo_ns", v->skip_lo_ns);
	jint(w, "hi_ns", v->skip_hi_ns);
	jstr(w, "by", pr_skip_by(v->skip_by));
	jstr(w, "confidence", pr_conf(v->skip_confidence));
	jclose(w, '}');
	jopen(w, "freed", '{');
	jint(w, "ns", v->freed_ns);
	jint(w, "last_ns", v->last_freed_ns);
	jsince_s(w, "last_since_kill_s", v, v->last_freed_ns);
	jstr(w, "by", pr_freed_by(v->freed_by));
	jstr(w, "confidence", pr_conf(v->freed_confidence));
	jclose(w, '}');
	jint(w, "exit_ns", v->exit_ns);
	jsince_s(w, "exit_since_kill_s", v, v->exit_ns);
	jint(w, "process_free_ns", v->process_free_ns);
	if (rr->attempts > 0 || pr_mark_ns(v, PR_MARK_REAPER) != OL_NONE) {
		jopen(w, "reaper", '{');
		jint(w, "wake_ns", pr_reaper_ns(rr->wake_ns));
		jint(w, "start_ns", pr_reaper_ns(rr->start_ns));
		jint(w, "end_ns", pr_reaper_ns(rr->end_ns));
		jint(w, "attempts", rr->attempts);
		jint(w, "failures", rr->failures);
		jbool(w, "gave_up", rr->gave_up);
		jint(w, "reaped_kb", rr->reaped_kb);
		jint(w, "left_kb", rr->left_kb);
		jclose(w, '}');
	} else {
		jsep(w, "reaper");
		fputs("null", w->f);
	}
	if (v->gfp_mask || v->constraint) {
		jopen(w, "oom_report", '{');
		jstr(w, "gfp_mask", v->gfp_mask);
		jint(w, "order", v->order >= 0 ? v->order : OL_NONE);
		jstr(w, "constraint", v->constraint);
		jstr(w, "nodemask", v->nodemask);
		jstr(w, "oom_memcg", v->oom_memcg);
		jstr(w, "task_memcg", v->task_memcg);
		jstr(w, "invoker", v->invoker);
		jint(w, "memcg_usage_kb", v->memcg_limit_kb > 0 ? v->memcg_usage_kb : OL_NONE);
		jint(w, "memcg_limit_kb", v->memcg_limit_kb > 0 ? v->memcg_limit_kb : OL_NONE);
		jint(w, "tasks", (int64_t)v->ntasks);
		jclose(w, '}');
	} else {
		jsep(w, "oom_report");
		fputs("null", w->f);
	}
	jbool(w, "events_lost_in_window", v->lost_in_window);
	jopen_as(w, "verdict", '{', true);
	jstr(w, "kind", pr_verdict(v->verdict));
	jstr(w, "confidence", pr_conf(v->verdict_confidence));
	jclose(w, '}');
	jopen(w, "verdicts", '[');
	for (k = 0; k < v->nverdicts; k++) {
		const struct ol_verdict *vd = &v->verdicts[k];

		jopen(w, NULL, '{');
		jstr(w, "kind", pr_verdict(vd->kind));
		jstr(w, "confidence", pr_conf(vd->confidence));
		jstr(w, "meaning", ol_verdict_help(vd->kind));
		jstr(w, "evidence", vd->evidence);
		jint(w, "related_victim", vd->other >= 0 &&
		     (size_t)vd->other < r->a->nvictims ? vd->other : OL_NONE);
		jclose(w, '}');
	}
	jclose(w, ']');
	jopen(w, "timeline", '[');
	for (k = 0; k < v->npoints; k++) {
		const struct ol_point *p = &v->points[k];

		jopen_as(w, NULL, '{', true);
		jint(w, "ts_ns", p->ts_ns);
		jscaled(w, "since_kill_ms", pr_since(v, p->ts_ns), 1000000);
		jstr(w, "what", p->what);
		jstr(w, "detail", p->detail);
		jint(w, "event_id", p->event_id >= 0 ? p->event_id : OL_NONE);
		jclose(w, '}');
	}
	jclose(w, ']');
	jopen(w, "curve", '[');
	for (k = 0; k < v->ncurve; k++) {
		jopen_as(w, NULL, '{', true);
		jint(w, "ts_ns", v->curve[k].ts_ns);
		jscaled(w, "since_kill_ms", pr_since(v, v->curve[k].ts_ns), 1000000);
		jint(w, "held_kb", v->curve[k].held_kb);
		jclose(w, '}');
	}
	jclose(w, ']');
	jclose(w, '}');
}

int rp_json(const struct rp *r)
{
	struct jw w = { .f = r->out, .depth = 0 };
	size_t k;

	w.first[0] = true;
	putc('{', w.f);
	w.depth = 1;
	w.first[1] = true;
	jint(&w, "schema_version", OL_REPORT_JSON_SCHEMA);
	header(&w, r);
	summary(&w, &r->a->summary);
	episodes(&w, r);
	jopen(&w, "victims", '[');
	for (k = 0; k < r->a->nvictims; k++)
		if (rp_victim_selected(r, &r->a->victims[k]))
			victim(&w, r, &r->a->victims[k]);
	jclose(&w, ']');
	fputs("\n}\n", w.f);
	return 0;
}
