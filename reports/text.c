// SPDX-License-Identifier: GPL-2.0
/*
 * The plain-text report, made to be pasted into an LKML mail: ASCII only,
 * no tabs, no line over 72 columns, colour only when asked for (a
 * terminal).  Kernel strings are shown with rp_ascii() escaping.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report-local.h"

#define BOLD	"\033[1m"
#define RED	"\033[1;31m"
#define GREEN	"\033[32m"
#define YELLOW	"\033[33m"
#define RESET	"\033[0m"

static const char *verdict_color(enum ol_verdict_kind k)
{
	switch (k) {
	case OL_VERDICT_OK:
		return GREEN;
	case OL_VERDICT_UNNECESSARY:
	case OL_VERDICT_INEFFECTIVE:
	case OL_VERDICT_PREMATURE:
		return RED;
	default:
		return YELLOW;
	}
}

static void heading(const struct rp *r, char under, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A title line (already ASCII, caller escapes) and its underline. */
static void heading(const struct rp *r, char under, const char *fmt, ...)
{
	char line[RP_COLS * 4];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > RP_COLS) {
		/* an escaped cgroup path can be long: cut, keep the rule */
		memcpy(line + RP_COLS - 3, "...", 4);
		n = RP_COLS;
	}
	fprintf(r->out, "\n%s%s%s\n", r->o->color ? BOLD : "", line,
		r->o->color ? RESET : "");
	while (n-- > 0)
		putc(under, r->out);
	putc('\n', r->out);
}

/* "label:    value" with the value wrapped under itself. */
static void field(const struct rp *r, const char *label, const char *value)
{
	char *v = rp_ascii(value && *value ? value : "unknown");

	fprintf(r->out, "%-10s ", label);
	rp_wrap(r->out, v ? v : "", 11, 11, RP_COLS);
	free(v);
}

static void header(const struct rp *r)
{
	const struct ol_analysis *a = r->a;
	char line[256], b1[RP_BUF], b2[RP_BUF], b3[RP_BUF];
	char *s;

	fprintf(r->out, "OOM report: %zu victim%s in %zu episode%s\n",
		a->nvictims, a->nvictims == 1 ? "" : "s",
		a->nepisodes, a->nepisodes == 1 ? "" : "s");
	if (a->cpus > 0 && a->kernel && *a->kernel) {
		s = rp_ascii(a->kernel);
		snprintf(line, sizeof(line), "%s (%d cpus)", s ? s : "", a->cpus);
		free(s);
		field(r, "kernel:", line);
	} else {
		field(r, "kernel:", a->kernel);
	}
	field(r, "host:", a->hostname);
	field(r, "sources:", a->sources);
	snprintf(line, sizeof(line), "%s, recorded %s .. %s (%s)",
		 a->clock && *a->clock ? a->clock : "unknown",
		 rp_abs(b1, a->first_ns, 3, "?"), rp_abs(b2, a->last_ns, 3, "?"),
		 a->first_ns == OL_NONE || a->last_ns == OL_NONE ? "?" :
		 rp_dur(b3, a->last_ns - a->first_ns, "?"));
	field(r, "clock:", line);
	field(r, "rules:", a->era);
	if (a->kmsg_only)
		field(r, "data:", RP_KMSG_ONLY);
	if (a->lost_total > 0) {
		snprintf(line, sizeof(line), "%lld LOST", a->lost_total);
		field(r, "events:", line);
		fprintf(r->out, "%s", r->o->color ? RED : "");
		rp_wrap(r->out, "!!! WARNING: the ring buffer overflowed and "
			"events are missing, so some timelines below may be "
			"incomplete or wrong (victims affected are marked).",
			0, 4, RP_COLS);
		fprintf(r->out, "%s", r->o->color ? RESET : "");
	} else {
		field(r, "events:", a->lost_total == 0 ? "none lost" :
		      "unknown whether any were lost");
	}
	field(r, "database:", a->db_path);
	field(r, "generated:", "oomlens " OL_REPORT_VERSION);
}

/* --- the summary table -------------------------------------------------- */

enum { C_NR, C_TIME, C_PID, C_COMM, C_RSS, C_SKIP, C_FREE, C_BY, C_VERDICT,
       C_NCOLS };

static const char *const col_names[C_NCOLS] = {
	"#", "time", "pid", "comm", "rss", "skip", "free", "by", "verdict",
};
/* left-aligned columns; the rest are numbers */
static const bool col_left[C_NCOLS] = {
	[C_COMM] = true, [C_BY] = true, [C_VERDICT] = true,
};

static const char *short_freed_by(enum ol_freed_by f)
{
	return f == OL_FREED_BY_NOT_FREED ? "never" : rp_freed_by(f);
}

static void cells(const struct ol_victim *v, char c[C_NCOLS][RP_BUF])
{
	char *comm = rp_ascii(v->comm);

	snprintf(c[C_NR], RP_BUF, "%d", v->index + 1);
	rp_abs(c[C_TIME], v->kill_ns, 3, "-");
	snprintf(c[C_PID], RP_BUF, "%d", v->pid);
	snprintf(c[C_COMM], RP_BUF, "%s", comm ? comm : "");
	rp_kb(c[C_RSS], v->rss_kb, "-");
	rp_rel(c[C_SKIP], rp_since(v, v->skip_ns), "-");
	rp_rel(c[C_FREE], rp_since(v, v->freed_ns), "-");
	snprintf(c[C_BY], RP_BUF, "%s", short_freed_by(v->freed_by));
	snprintf(c[C_VERDICT], RP_BUF, "%s%s", rp_verdict(v->verdict),
		 v->verdict_confidence == OL_CONF_OBSERVED ? "" : "?");
	free(comm);
}

static void row(const struct rp *r, char c[C_NCOLS][RP_BUF], const int *w,
		bool wrap_verdict, enum ol_verdict_kind k, bool head)
{
	int i, col = 0, cw;

	for (i = 0; i < C_NCOLS; i++) {
		if (i == C_VERDICT && wrap_verdict) {
			fprintf(r->out, "\n%*s", RP_COLS - (int)strlen(c[i]), "");
		} else if (i) {
			putc(' ', r->out);
			col++;
		}
		cw = i == C_VERDICT ? (int)strlen(c[i]) : w[i];
		c[i][cw] = '\0';	/* comm may be cut to fit */
		if (i == C_VERDICT && r->o->color && !head)
			fputs(verdict_color(k), r->out);
		fprintf(r->out, col_left[i] && i != C_VERDICT ? "%-*s" : "%*s",
			i == C_VERDICT ? 0 : cw, c[i]);
		if (i == C_VERDICT && r->o->color && !head)
			fputs(RESET, r->out);
		col += cw;
	}
	putc('\n', r->out);
}

static void table(const struct rp *r)
{
	const struct ol_analysis *a = r->a;
	char c[C_NCOLS][RP_BUF], *dom;
	int w[C_NCOLS], i, total, n;
	size_t e, k;
	bool wrap = false;

	for (i = 0; i < C_NCOLS; i++)
		w[i] = (int)strlen(col_names[i]);
	for (k = 0; k < a->nvictims; k++) {
		if (!rp_victim_selected(r, &a->victims[k]))
			continue;
		cells(&a->victims[k], c);
		for (i = 0; i < C_NCOLS; i++)
			if ((int)strlen(c[i]) > w[i])
				w[i] = (int)strlen(c[i]);
	}
	for (total = C_NCOLS - 1, i = 0; i < C_NCOLS; i++)
		total += w[i];
	/* too wide: cut comm (to 6 at least), then move verdicts down */
	if (total > RP_COLS && w[C_COMM] > 6) {
		int cut = total - RP_COLS < w[C_COMM] - 6 ?
			total - RP_COLS : w[C_COMM] - 6;
		w[C_COMM] -= cut;
		total -= cut;
	}
	wrap = total > RP_COLS;

	heading(r, '=', "Victims");
	rp_wrap(r->out, "time: the kill on the trace clock (s); rss: resident "
		"memory at the kill; skip/free: time from the kill to "
		"MMF_OOM_SKIP and to 90% of rss freed; by: who freed it "
		"(reaper, the victim's exit, never within the recording); "
		"a ? marks a verdict that is inferred, not observed.",
		0, 0, RP_COLS);
	putc('\n', r->out);
	for (i = 0; i < C_NCOLS; i++)
		snprintf(c[i], RP_BUF, "%s", col_names[i]);
	row(r, c, w, wrap, OL_VERDICT_OK, true);
	for (e = 0; e < a->nepisodes; e++) {
		const struct ol_episode *ep = &a->episodes[e];

		if (!rp_episode_selected(r, ep))
			continue;
		dom = rp_ascii(ep->domain);
		n = fprintf(r->out, "-- episode %zu, ", e + 1);
		rp_wrap(r->out, dom ? dom : "", n, 6, RP_COLS);
		free(dom);
		for (k = ep->first; k < ep->first + ep->count && k < a->nvictims;
		     k++) {
			if (!rp_victim_selected(r, &a->victims[k]))
				continue;
			cells(&a->victims[k], c);
			row(r, c, w, wrap, a->victims[k].verdict, false);
		}
	}
}

static void summary(const struct rp *r)
{
	const struct ol_summary *s = &r->a->summary;
	char b1[RP_BUF], b2[RP_BUF], b3[RP_BUF], line[512];
	size_t k, n = 0, len;

	heading(r, '=', "Summary (whole recording)");
	fprintf(r->out, "victims: %zu (%zu killed, %zu marked without a kill)\n",
		s->victims, s->kills, s->bypasses);
	if (s->with_ttf) {
		snprintf(line, sizeof(line), "time-to-free (kill to 90%% of rss "
			 "freed) over %zu victims: p50 %s, p90 %s, max %s",
			 s->with_ttf, rp_dur(b1, s->ttf_p50_ns, "?"),
			 rp_dur(b2, s->ttf_p90_ns, "?"),
			 rp_dur(b3, s->ttf_max_ns, "?"));
	} else {
		snprintf(line, sizeof(line), "time-to-free: no victim has a "
			 "known time-to-free");
	}
	rp_wrap(r->out, line, 0, 2, RP_COLS);
	snprintf(line, sizeof(line), "freed by: the oom_reaper %zu, the "
		 "victim's exit %zu, unknown %zu; the reaper gave up on %zu",
		 s->reaped, s->self_exited, s->unknown_free, s->gave_up);
	rp_wrap(r->out, line, 0, 2, RP_COLS);
	len = snprintf(line, sizeof(line), "verdicts:");
	for (k = 0; k < OL_VERDICT_NR; k++)
		if (s->verdicts[k] && len < sizeof(line))
			len += snprintf(line + len, sizeof(line) - len, "%s %s %zu",
					n++ ? "," : "", rp_verdict(k),
					s->verdicts[k]);
	if (!n)
		snprintf(line, sizeof(line), "verdicts: none");
	rp_wrap(r->out, line, 0, 2, RP_COLS);
}

/* --- one victim ---------------------------------------------------------- */

static void say(const struct rp *r, int indent, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * printf, then wrapped (the arguments must already be ASCII); later lines
 * are indented 2 more than the first, which is indented @indent.
 */
static void say(const struct rp *r, int indent, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(r->out, "%*s", indent, "");
	rp_wrap(r->out, line, indent, indent + 2, RP_COLS);
}

static const char *kb_or(char *buf, int64_t kb)
{
	if (kb == OL_NONE)
		return "?";
	snprintf(buf, RP_BUF, "%" PRId64 " kB", kb);
	return buf;
}

static void victim_memory(const struct rp *r, const struct ol_victim *v)
{
	char b[6][RP_BUF];

	say(r, 0, "memory at the kill: rss %s (anon %s, file %s, shmem %s), "
	    "total_vm %s, page tables %s; from %s",
	    kb_or(b[0], v->rss_kb), kb_or(b[1], v->anon_kb),
	    kb_or(b[2], v->file_kb), kb_or(b[3], v->shmem_kb),
	    kb_or(b[4], v->total_vm_kb), kb_or(b[5], v->pgtables_kb),
	    v->mem_source && !strcmp(v->mem_source, "event") ?
	    "the mark_victim event" : v->mem_source &&
	    !strcmp(v->mem_source, "kmsg") ? "the kernel log" :
	    "nowhere (not recorded)");
}

static void victim_times(const struct rp *r, const struct ol_victim *v)
{
	const struct ol_reaper_run *rr = &v->reaper;
	char b[6][RP_BUF];

	say(r, 0, "MMF_OOM_SKIP: %s after the kill, set by %s (%s); "
	    "bracket %s .. %s",
	    rp_rel(b[0], rp_since(v, v->skip_ns), "unknown"),
	    rp_skip_by(v->skip_by), rp_conf(v->skip_confidence),
	    rp_rel(b[1], rp_since(v, v->skip_lo_ns), "?"),
	    rp_rel(b[2], rp_since(v, v->skip_hi_ns), "?"));
	if (v->freed_ns != OL_NONE)
		say(r, 0, "freed (90%% of rss given back): %s after the kill, "
		    "by %s (%s); last freed %s",
		    rp_rel(b[0], rp_since(v, v->freed_ns), "?"),
		    rp_freed_by(v->freed_by), rp_conf(v->freed_confidence),
		    rp_rel(b[1], rp_since(v, v->last_freed_ns), "unknown"));
	else
		say(r, 0, "freed: %s (%s)",
		    v->freed_by == OL_FREED_BY_NOT_FREED ?
		    "not within the recording" : "unknown",
		    rp_conf(v->freed_confidence));
	say(r, 0, "exit: last thread exited %s, task freed %s",
	    rp_rel(b[0], rp_since(v, v->exit_ns), "unknown"),
	    rp_rel(b[1], rp_since(v, v->process_free_ns), "unknown"));
	if (rr->attempts > 0 || rp_mark_ns(v, RP_MARK_REAPER) != OL_NONE)
		say(r, 0, "oom_reaper: woke %s, ran %s .. %s, %d attempt%s, "
		    "%d failed%s; reaped %s, left %s",
		    rp_rel(b[0], rp_since(v, rr->wake_ns ? rr->wake_ns :
					  OL_NONE), "?"),
		    rp_rel(b[1], rp_since(v, rr->start_ns ? rr->start_ns :
					  OL_NONE), "?"),
		    rp_rel(b[2], rp_since(v, rr->end_ns ? rr->end_ns :
					  OL_NONE), "?"),
		    rr->attempts, rr->attempts == 1 ? "" : "s", rr->failures,
		    rr->gave_up ? ", gave up" : "",
		    kb_or(b[3], rr->reaped_kb), kb_or(b[4], rr->left_kb));
	else
		say(r, 0, "oom_reaper: did not run on it");
}

static void victim(const struct rp *r, const struct ol_victim *v)
{
	const struct ol_analysis *a = r->a;
	char b1[RP_BUF], b2[RP_BUF], b3[RP_BUF], *comm, *tcomm, *dom, *s;
	size_t k;
	int n;

	comm = rp_ascii(v->comm);
	tcomm = rp_ascii(v->trigger_comm);
	dom = rp_ascii(v->domain);
	heading(r, '-', "Victim %d: pid %d (%s)", v->index + 1, v->pid,
		comm ? comm : "");
	say(r, 0, "%s at %s s (trace clock) in %s, while pid %d (%s) was "
	    "allocating; tgid %d, uid %s, oom_score_adj %s",
	    v->bypass ? "marked as victim without a kill" : "killed",
	    rp_abs(b1, v->kill_ns, 6, "?"), dom ? dom : "",
	    v->trigger_pid, tcomm ? tcomm : "", v->tgid,
	    v->uid == OL_NONE ? "?" : (snprintf(b2, RP_BUF, "%" PRId64,
					       v->uid), b2),
	    v->oom_score_adj_known ?
	    (snprintf(b3, RP_BUF, "%d", v->oom_score_adj), b3) : "?");
	free(comm);
	free(tcomm);
	free(dom);
	for (k = 0; k < v->nsharers; k++) {
		char *fact = rp_sharer_fact(v, &v->sharers[k]), *e = rp_ascii(fact);

		say(r, 0, "shares its mm with %s", e ? e : "");
		free(e);
		free(fact);
	}
	victim_memory(r, v);
	s = rp_oom_facts(v);
	if (s) {
		char *e = rp_ascii(s);

		say(r, 0, "oom: %s", e ? e : "");
		free(e);
		free(s);
	}
	victim_times(r, v);
	if (v->lost_in_window) {
		fprintf(r->out, "%s", r->o->color ? RED : "");
		rp_wrap(r->out, "!!! events were lost between this kill and "
			"the freeing: this timeline may be incomplete", 0, 4,
			RP_COLS);
		fprintf(r->out, "%s", r->o->color ? RESET : "");
	}

	fprintf(r->out, "\n  timeline (time from the kill):\n");
	for (k = 0; k < v->npoints; k++) {
		const struct ol_point *p = &v->points[k];

		s = rp_ascii(p->what);
		n = fprintf(r->out, "  %9s  %-*s", rp_rel(b1, rp_since(v,
				p->ts_ns), "?"), p->detail && *p->detail ? 13 : 0,
			    s ? s : "");
		free(s);
		s = rp_ascii(p->detail);
		if (s && *s) {
			putc(' ', r->out);
			rp_wrap(r->out, s, n + 1, 27, RP_COLS);
		} else {
			putc('\n', r->out);
		}
		free(s);
	}
	if (!v->npoints)
		fprintf(r->out, "  (no events)\n");

	for (k = 0; k < v->nverdicts; k++) {
		const struct ol_verdict *vd = &v->verdicts[k];

		putc('\n', r->out);
		n = fprintf(r->out, "  %s ", k ? "also:   " : "verdict:");
		if (r->o->color)
			fputs(verdict_color(vd->kind), r->out);
		n += fprintf(r->out, "%s", rp_verdict(vd->kind));
		if (r->o->color)
			fputs(RESET, r->out);
		n += fprintf(r->out, " (%s)", rp_conf(vd->confidence));
		s = rp_ascii(ol_verdict_help(vd->kind));
		if (s && *s) {
			n += fprintf(r->out, ": ");
			rp_wrap(r->out, s, n, 4, RP_COLS);
		} else {
			putc('\n', r->out);
		}
		free(s);
		if (vd->other >= 0 && (size_t)vd->other < a->nvictims)
			say(r, 4, "related victim: %d (pid %d)", vd->other + 1,
			    a->victims[vd->other].pid);
		s = rp_ascii(vd->evidence);
		if (s && *s) {
			fprintf(r->out, "    ");
			rp_wrap(r->out, s, 4, 4, RP_COLS);
		}
		free(s);
	}
}

int rp_text(const struct rp *r)
{
	const struct ol_analysis *a = r->a;
	char *dom, b1[RP_BUF], b2[RP_BUF];
	size_t e, k;

	header(r);
	table(r);
	summary(r);
	for (e = 0; e < a->nepisodes; e++) {
		const struct ol_episode *ep = &a->episodes[e];

		if (!rp_episode_selected(r, ep))
			continue;
		dom = rp_ascii(ep->domain);
		heading(r, '=', "Episode %zu: %s", e + 1, dom ? dom : "");
		free(dom);
		say(r, 0, "%zu victim%s, %d unnecessary; from %s s to %s s "
		    "(trace clock)", ep->count, ep->count == 1 ? "" : "s",
		    ep->unnecessary, rp_abs(b1, ep->start_ns, 3, "?"),
		    rp_abs(b2, ep->end_ns, 3, "?"));
		putc('\n', r->out);
		rp_chart_ascii(r, ep);
		for (k = ep->first; k < ep->first + ep->count && k < a->nvictims;
		     k++)
			if (rp_victim_selected(r, &a->victims[k]))
				victim(r, &a->victims[k]);
	}
	return 0;
}
