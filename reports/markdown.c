// SPDX-License-Identifier: GPL-2.0
/*
 * The markdown report: the text report's content with tables, for
 * tickets and wikis.  Kernel strings go through rp_put_md(): control and
 * non-ASCII bytes become \xNN and markup characters are backslash-escaped,
 * so a comm cannot open a link, raw HTML or end a table cell.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report-local.h"

static const char *kb_or(char *buf, int64_t kb)
{
	if (kb == OL_NONE)
		return "?";
	snprintf(buf, RP_BUF, "%" PRId64 " kB", kb);
	return buf;
}

static void header(const struct rp *r)
{
	const struct ol_analysis *a = r->a;
	FILE *f = r->out;
	char b1[RP_BUF], b2[RP_BUF];

	fprintf(f, "# OOM report: %zu victim%s in %zu episode%s\n\n",
		a->nvictims, a->nvictims == 1 ? "" : "s",
		a->nepisodes, a->nepisodes == 1 ? "" : "s");
	fprintf(f, "| | |\n|---|---|\n| kernel | ");
	rp_put_md(f, a->kernel && *a->kernel ? a->kernel : "unknown");
	if (a->cpus > 0)
		fprintf(f, " (%d cpus)", a->cpus);
	fprintf(f, " |\n| host | ");
	rp_put_md(f, a->hostname && *a->hostname ? a->hostname : "unknown");
	fprintf(f, " |\n| sources | ");
	rp_put_md(f, a->sources && *a->sources ? a->sources : "unknown");
	fprintf(f, " |\n| clock | ");
	rp_put_md(f, a->clock && *a->clock ? a->clock : "unknown");
	fprintf(f, ", recorded %s .. %s |\n| rules | ",
		rp_abs(b1, a->first_ns, 3, "?"), rp_abs(b2, a->last_ns, 3, "?"));
	rp_put_md(f, a->era && *a->era ? a->era : "unknown");
	if (a->kmsg_only)
		fprintf(f, " |\n| data | %s", RP_KMSG_ONLY);
	if (a->lost_total > 0)
		fprintf(f, " |\n| events | **%lld LOST** |\n", a->lost_total);
	else
		fprintf(f, " |\n| events | %s |\n", a->lost_total == 0 ?
			"none lost" : "unknown whether any were lost");
	fprintf(f, "| database | ");
	rp_put_md(f, a->db_path);
	fprintf(f, " |\n| generated | oomlens %s |\n\n", OL_REPORT_VERSION);
	if (a->lost_total > 0)
		fprintf(f, "> **Warning:** the ring buffer overflowed and events "
			"are missing, so some timelines below may be incomplete "
			"or wrong (affected victims are marked).\n\n");
}

static void table(const struct rp *r)
{
	const struct ol_analysis *a = r->a;
	FILE *f = r->out;
	char b[4][RP_BUF];
	size_t k;

	fprintf(f, "## Victims\n\n"
		"Time of the kill on the trace clock; rss at the kill; time from "
		"the kill to MMF_OOM_SKIP and to 90%% of rss freed; who freed "
		"it.\n\n"
		"| # | episode | time (s) | pid | comm | domain | rss | "
		"to MMF_OOM_SKIP | time-to-free | freed by | verdict |\n"
		"|--:|--:|--:|--:|---|---|--:|--:|--:|---|---|\n");
	for (k = 0; k < a->nvictims; k++) {
		const struct ol_victim *v = &a->victims[k];

		if (!rp_victim_selected(r, v))
			continue;
		fprintf(f, "| %d | %d | %s | %d | ", v->index + 1, v->episode + 1,
			rp_abs(b[0], v->kill_ns, 3, "-"), v->pid);
		rp_put_md(f, v->comm);
		fprintf(f, " | ");
		rp_put_md(f, v->domain);
		fprintf(f, " | %s | %s | %s | %s | %s (%s) |\n",
			rp_kb(b[1], v->rss_kb, "-"),
			rp_rel(b[2], rp_since(v, v->skip_ns), "-"),
			rp_rel(b[3], rp_since(v, v->freed_ns), "-"),
			rp_freed_by(v->freed_by), rp_verdict(v->verdict),
			rp_conf(v->verdict_confidence));
	}
	putc('\n', f);
}

static void summary(const struct rp *r)
{
	const struct ol_summary *s = &r->a->summary;
	FILE *f = r->out;
	char b1[RP_BUF], b2[RP_BUF], b3[RP_BUF];
	size_t k, n = 0;

	fprintf(f, "## Summary (whole recording)\n\n");
	fprintf(f, "- victims: %zu (%zu killed, %zu marked without a kill)\n",
		s->victims, s->kills, s->bypasses);
	if (s->with_ttf)
		fprintf(f, "- time-to-free over %zu victims: p50 %s, p90 %s, "
			"max %s\n", s->with_ttf, rp_dur(b1, s->ttf_p50_ns, "?"),
			rp_dur(b2, s->ttf_p90_ns, "?"),
			rp_dur(b3, s->ttf_max_ns, "?"));
	else
		fprintf(f, "- time-to-free: no victim has a known time-to-free\n");
	fprintf(f, "- freed by: the oom_reaper %zu, the victim's exit %zu, "
		"unknown %zu; the reaper gave up on %zu\n", s->reaped,
		s->self_exited, s->unknown_free, s->gave_up);
	fprintf(f, "- verdicts:");
	for (k = 0; k < OL_VERDICT_NR; k++)
		if (s->verdicts[k])
			fprintf(f, "%s %s %zu", n++ ? "," : "", rp_verdict(k),
				s->verdicts[k]);
	fprintf(f, "%s\n\n", n ? "" : " none");
}

static void victim(const struct rp *r, const struct ol_victim *v)
{
	const struct ol_reaper_run *rr = &v->reaper;
	FILE *f = r->out;
	char b[6][RP_BUF];
	size_t k;

	fprintf(f, "### Victim %d: pid %d (", v->index + 1, v->pid);
	rp_put_md(f, v->comm);
	fprintf(f, ")\n\n- %s at %s s (trace clock) in ",
		v->bypass ? "marked as victim without a kill" : "killed",
		rp_abs(b[0], v->kill_ns, 6, "?"));
	rp_put_md(f, v->domain);
	fprintf(f, ", while pid %d (", v->trigger_pid);
	rp_put_md(f, v->trigger_comm);
	fprintf(f, ") was allocating; tgid %d\n", v->tgid);
	for (k = 0; k < v->nsharers; k++) {
		char *fact = rp_sharer_fact(v, &v->sharers[k]);

		fprintf(f, "- shares its mm with ");
		rp_put_md(f, fact);
		fprintf(f, "\n");
		free(fact);
	}
	{
		char *s = rp_oom_facts(v);

		if (s) {
			fprintf(f, "- oom: ");
			rp_put_md(f, s);
			fputc('\n', f);
			free(s);
		}
	}
	fprintf(f, "- memory at the kill: rss %s (anon %s, file %s, shmem %s), "
		"page tables %s\n", kb_or(b[0], v->rss_kb),
		kb_or(b[1], v->anon_kb), kb_or(b[2], v->file_kb),
		kb_or(b[3], v->shmem_kb), kb_or(b[4], v->pgtables_kb));
	fprintf(f, "- MMF_OOM_SKIP: %s after the kill, set by %s (%s)\n",
		rp_rel(b[0], rp_since(v, v->skip_ns), "unknown"),
		rp_skip_by(v->skip_by), rp_conf(v->skip_confidence));
	fprintf(f, "- freed (90%% of rss): %s, by %s (%s)\n",
		rp_rel(b[0], rp_since(v, v->freed_ns),
		       v->freed_by == OL_FREED_BY_NOT_FREED ?
		       "not within the recording" : "unknown"),
		rp_freed_by(v->freed_by), rp_conf(v->freed_confidence));
	if (rr->attempts > 0 || rp_mark_ns(v, RP_MARK_REAPER) != OL_NONE)
		fprintf(f, "- oom_reaper: ran %s .. %s, %d attempt%s, %d failed%s; "
			"reaped %s, left %s\n",
			rp_rel(b[0], rp_since(v, rr->start_ns ? rr->start_ns :
					      OL_NONE), "?"),
			rp_rel(b[1], rp_since(v, rr->end_ns ? rr->end_ns :
					      OL_NONE), "?"),
			rr->attempts, rr->attempts == 1 ? "" : "s", rr->failures,
			rr->gave_up ? ", gave up" : "",
			kb_or(b[2], rr->reaped_kb), kb_or(b[3], rr->left_kb));
	else
		fprintf(f, "- oom_reaper: did not run on it\n");
	if (v->lost_in_window)
		fprintf(f, "- **events were lost between this kill and the "
			"freeing: this timeline may be incomplete**\n");

	fprintf(f, "\n| from kill | event | detail |\n|--:|---|---|\n");
	for (k = 0; k < v->npoints; k++) {
		fprintf(f, "| %s | ", rp_rel(b[0], rp_since(v, v->points[k].ts_ns),
					     "?"));
		rp_put_md(f, v->points[k].what);
		fprintf(f, " | ");
		rp_put_md(f, v->points[k].detail);
		fprintf(f, " |\n");
	}
	putc('\n', f);
	for (k = 0; k < v->nverdicts; k++) {
		const struct ol_verdict *vd = &v->verdicts[k];

		fprintf(f, "**%s: %s** (%s): ", k ? "Also" : "Verdict",
			rp_verdict(vd->kind), rp_conf(vd->confidence));
		rp_put_md(f, ol_verdict_help(vd->kind));
		if (vd->other >= 0 && (size_t)vd->other < r->a->nvictims)
			fprintf(f, " (related victim: %d, pid %d)", vd->other + 1,
				r->a->victims[vd->other].pid);
		fprintf(f, "\n\n");
		if (vd->evidence && *vd->evidence) {
			fprintf(f, "> ");
			rp_put_md(f, vd->evidence);
			fprintf(f, "\n\n");
		}
	}
}

int rp_markdown(const struct rp *r)
{
	const struct ol_analysis *a = r->a;
	FILE *f = r->out;
	char b1[RP_BUF], b2[RP_BUF];
	size_t e, k;

	header(r);
	table(r);
	summary(r);
	for (e = 0; e < a->nepisodes; e++) {
		const struct ol_episode *ep = &a->episodes[e];

		if (!rp_episode_selected(r, ep))
			continue;
		fprintf(f, "## Episode %zu: ", e + 1);
		rp_put_md(f, ep->domain);
		fprintf(f, "\n\n%zu victim%s, %d unnecessary; from %s s to %s s "
			"(trace clock).\n\n```text\n", ep->count,
			ep->count == 1 ? "" : "s", ep->unnecessary,
			rp_abs(b1, ep->start_ns, 3, "?"),
			rp_abs(b2, ep->end_ns, 3, "?"));
		rp_chart_ascii(r, ep);
		fprintf(f, "```\n\n");
		for (k = ep->first; k < ep->first + ep->count && k < a->nvictims;
		     k++)
			if (rp_victim_selected(r, &a->victims[k]))
				victim(r, &a->victims[k]);
	}
	return 0;
}
