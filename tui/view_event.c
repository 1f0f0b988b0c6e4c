// SPDX-License-Identifier: GPL-2.0
/*
 * The event detail page: every field of one timeline point as the
 * analysis gives it, the victim it belongs to, and each verdict with the
 * evidence behind it.  Built once into a text page (escaped), then shown
 * by the text view.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tui/tui-local.h"

#define ADD(...) do { if (text_page_add(p, __VA_ARGS__) < 0) return -1; } while (0)
#define WRAP(s, ind) do { if (text_page_wrap(p, s, width, ind) < 0) return -1; } while (0)

static const char *num(char *buf, size_t n, int64_t v)
{
	if (v == OL_NONE)
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%" PRId64, v);
	return buf;
}

/* "12345.678901 (+2.010000s)" for a time of victim @v */
static const char *when(char *buf, size_t n, const struct ol_victim *v, int64_t ts)
{
	char abs[32], rel[32];

	if (ts == OL_NONE)
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%s (%ss)", tui_fmt_ts(abs, sizeof(abs), ts),
			 tui_fmt_rel(rel, sizeof(rel), ol_since_kill(v, ts)));
	return buf;
}

static int add_point(struct text_page *p, const struct ol_victim *v,
		     const struct ol_point *pt, int width)
{
	char esc[1024], b1[64];

	ADD("Event");
	ADD("  what:        %s", tui_escape(esc, sizeof(esc), pt->what));
	ADD("  time:        %s  (trace clock s; since kill)", when(b1, sizeof(b1), v, pt->ts_ns));
	if (pt->event_id >= 0)
		ADD("  event id:    %" PRId64 "  (sqlite3 DB \"SELECT * FROM events WHERE id = %" PRId64 "\")",
		    pt->event_id, pt->event_id);
	else
		ADD("  event id:    -1 (derived by the analysis, not one stored event)");
	ADD("  detail:");
	WRAP(tui_escape(esc, sizeof(esc), pt->detail ? pt->detail : "-"), 4);
	ADD("%s", "");
	return 0;
}

static int add_victim(struct text_page *p, const struct ol_analysis *a,
		      const struct ol_victim *v, int width)
{
	const struct ol_reaper_run *r = &v->reaper;
	char esc[512], e2[128], b1[64], b2[64], b3[64], b4[64], b5[64];

	ADD("Victim %d of %zu, episode %d", v->index + 1, a->nvictims, v->episode + 1);
	ADD("  pid %d  tgid %d  comm %s", v->pid, v->tgid, tui_escape(esc, sizeof(esc), v->comm));
	ADD("  domain:      %s", tui_escape(esc, sizeof(esc), v->domain));
	ADD("  uid %s  oom_score_adj %s%s", num(b1, sizeof(b1), v->uid),
	    v->oom_score_adj_known ? "" : "unknown",
	    v->oom_score_adj_known ? num(b2, sizeof(b2), v->oom_score_adj) : "");
	ADD("  trigger:     pid %d %s (the allocating task)", v->trigger_pid,
	    tui_escape(e2, sizeof(e2), v->trigger_comm));
	ADD("  at kill, kB: rss %s = anon %s + file %s + shmem %s",
	    num(b1, sizeof(b1), v->rss_kb), num(b2, sizeof(b2), v->anon_kb),
	    num(b3, sizeof(b3), v->file_kb), num(b4, sizeof(b4), v->shmem_kb));
	ADD("               total_vm %s, pgtables %s (from %s)",
	    num(b5, sizeof(b5), v->total_vm_kb), num(esc, sizeof(esc), v->pgtables_kb),
	    v->mem_source ? v->mem_source : "unknown");
	if (v->gfp_mask || v->constraint) {
		char line[1024], m1[300], m2[300], inv[80], cs[48];

		snprintf(line, sizeof(line), "oom report:  gfp_mask %s, order %s, %s",
			 tui_escape(esc, sizeof(esc), v->gfp_mask ? v->gfp_mask : "-"),
			 v->order >= 0 ? num(b1, sizeof(b1), v->order) : "-",
			 tui_escape(cs, sizeof(cs), v->constraint ? v->constraint : "-"));
		WRAP(line, 2);
		snprintf(line, sizeof(line), "nodemask %s, oom_memcg %s, task_memcg %s",
			 tui_escape(e2, sizeof(e2), v->nodemask ? v->nodemask : "-"),
			 tui_escape(m1, sizeof(m1), v->oom_memcg ? v->oom_memcg : "-"),
			 tui_escape(m2, sizeof(m2), v->task_memcg ? v->task_memcg : "-"));
		WRAP(line, 15);
		snprintf(line, sizeof(line), "invoked by %s; memcg usage %s kB of limit %s kB; "
			 "%zu tasks in its task table (oom_tasks)",
			 tui_escape(inv, sizeof(inv), v->invoker ? v->invoker : "-"),
			 v->memcg_limit_kb > 0 ? num(b2, sizeof(b2), v->memcg_usage_kb) : "-",
			 v->memcg_limit_kb > 0 ? num(b3, sizeof(b3), v->memcg_limit_kb) : "-",
			 v->ntasks);
		WRAP(line, 15);
	}
	if (v->bypass)
		ADD("  bypass: marked as victim without a kill");
	for (size_t k = 0; k < v->nsharers; k++) {
		const struct ol_sharer *sh = &v->sharers[k];
		char sc[80];

		ADD("  shares its mm with pid %d (%s), %s %s", sh->pid,
		    tui_escape(sc, sizeof(sc), sh->comm), sh->parent ?
		    "its parent, the victim came from" : "created by",
		    ol_sharer_created_name(sh->created));
	}
	ADD("  kill:        %s", when(b1, sizeof(b1), v, v->kill_ns));
	ADD("  MMF_OOM_SKIP: %s  by %s (%s)", when(b1, sizeof(b1), v, v->skip_ns),
	    ol_skip_by_name(v->skip_by), ol_confidence_name(v->skip_confidence));
	ADD("    bracket:   %s .. %ss since kill",
	    tui_fmt_rel(b2, sizeof(b2), ol_since_kill(v, v->skip_lo_ns)),
	    tui_fmt_rel(b3, sizeof(b3), ol_since_kill(v, v->skip_hi_ns)));
	ADD("  freed:       %s  by %s (%s)", when(b1, sizeof(b1), v, v->freed_ns),
	    ol_freed_by_name(v->freed_by), ol_confidence_name(v->freed_confidence));
	ADD("  last freed:  %s", when(b1, sizeof(b1), v, v->last_freed_ns));
	ADD("  exit:        %s", when(b1, sizeof(b1), v, v->exit_ns));
	ADD("  process free: %s", when(b1, sizeof(b1), v, v->process_free_ns));
	if (r->wake_ns != OL_NONE || r->start_ns != OL_NONE || r->attempts) {
		ADD("  reaper:      woken %s", when(b1, sizeof(b1), v, r->wake_ns));
		ADD("               start %s", when(b1, sizeof(b1), v, r->start_ns));
		ADD("               end   %s", when(b1, sizeof(b1), v, r->end_ns));
		ADD("               %d attempt%s, %d failure%s%s; reaped %s kB, left %s kB",
		    r->attempts, r->attempts == 1 ? "" : "s", r->failures,
		    r->failures == 1 ? "" : "s", r->gave_up ? ", gave up" : "",
		    num(b2, sizeof(b2), r->reaped_kb), num(b3, sizeof(b3), r->left_kb));
	} else {
		ADD("  reaper:      no run seen");
	}
	if (v->lost_in_window)
		ADD("  WARNING: events were lost between the kill and the memory being freed");
	ADD("%s", "");
	return 0;
}

static int add_verdicts(struct text_page *p, const struct ol_analysis *a,
			const struct ol_victim *v, int width)
{
	char esc[4096], e2[64];
	size_t i;

	ADD("Verdicts (headline: %s, %s)", ol_verdict_name(v->verdict),
	    ol_confidence_name(v->verdict_confidence));
	if (!v->nverdicts)
		ADD("  (none recorded)");
	for (i = 0; i < v->nverdicts; i++) {
		const struct ol_verdict *vd = &v->verdicts[i];

		ADD("  %s%s (%s): %s", vd->kind == OL_VERDICT_UNNECESSARY ? "! " : "",
		    ol_verdict_name(vd->kind), ol_confidence_name(vd->confidence),
		    ol_verdict_help(vd->kind));
		if (vd->other >= 0 && (size_t)vd->other < a->nvictims)
			ADD("    related victim: %d, pid %d %s", vd->other + 1,
			    a->victims[vd->other].pid,
			    tui_escape(e2, sizeof(e2), a->victims[vd->other].comm));
		ADD("    evidence:");
		WRAP(tui_escape(esc, sizeof(esc), vd->evidence ? vd->evidence : "-"), 6);
	}
	return 0;
}

int tui_event_page(const struct ol_analysis *a, const struct event_ref *r,
		   int width, struct text_page *p)
{
	const struct ol_victim *v = &a->victims[r->victim];

	memset(p, 0, sizeof(*p));
	p->title = "Event detail";
	if (r->point >= 0 && (size_t)r->point < v->npoints &&
	    add_point(p, v, &v->points[r->point], width) < 0)
		goto fail;
	if (add_victim(p, a, v, width) < 0 || add_verdicts(p, a, v, width) < 0)
		goto fail;
	return 0;
fail:
	text_page_free(p);
	return -1;
}
