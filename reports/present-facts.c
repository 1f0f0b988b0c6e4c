// SPDX-License-Identifier: GPL-2.0
/*
 * What is said about victims, written once for every format and the
 * TUI: a victim's labelled facts, the verdict explanations (an
 * explanation shared by several victims is one entry listing them), and
 * the summary a patch mail starts with.  Every string is ASCII with the
 * untrusted kernel strings escaped (pr_ascii); renderers only mark up.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/present.h"
#include "version.h"

static char *vfmt(const char *fmt, va_list ap)
{
	char *s;

	return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

/* --- a victim's facts ------------------------------------------------- */

static int add(struct pr_facts *f, const char *label, bool warn, int victim,
	       const char *fm, ...) __attribute__((format(printf, 5, 6)));
static int add(struct pr_facts *f, const char *label, bool warn, int victim,
	       const char *fm, ...)
{
	struct pr_fact *n = realloc(f->v, (f->n + 1) * sizeof(*n));
	va_list ap;
	char *s;

	if (!n)
		return -1;
	f->v = n;
	va_start(ap, fm);
	s = vfmt(fm, ap);
	va_end(ap);
	if (!s)
		return -1;
	f->v[f->n++] = (struct pr_fact){ label, s, warn, victim };
	return 0;
}

void pr_facts_free(struct pr_facts *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->v[i].text);
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

/* The kernel's OOM report of the kill in one line, or NULL. */
static char *oom_report(const struct ol_victim *v)
{
	char buf[1024], e[300];
	size_t n = 0;

#define ADD(...) do { if (n < sizeof(buf)) \
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, __VA_ARGS__); } while (0)
	if (!v->gfp_mask && !v->constraint)
		return NULL;
	if (v->gfp_mask)
		ADD("gfp_mask=%s", pr_ascii_buf(e, sizeof(e), v->gfp_mask));
	if (v->order >= 0)
		ADD("%sorder=%d", n ? ", " : "", v->order);
	if (v->constraint)
		ADD("%s%s", n ? ", " : "", pr_ascii_buf(e, sizeof(e), v->constraint));
	if (v->nodemask && strcmp(v->nodemask, "(null)"))
		ADD("%snodemask=%s", n ? ", " : "", pr_ascii_buf(e, sizeof(e), v->nodemask));
	/* the domain already names oom_memcg: the task's own when it differs */
	if (v->task_memcg && (!v->oom_memcg || strcmp(v->task_memcg, v->oom_memcg)))
		ADD("%stask_memcg=%s", n ? ", " : "", pr_ascii_buf(e, sizeof(e), v->task_memcg));
	if (v->invoker && (!v->trigger_comm || strcmp(v->invoker, v->trigger_comm)))
		ADD("%sinvoked by %s", n ? ", " : "", pr_ascii_buf(e, sizeof(e), v->invoker));
	if (v->memcg_limit_kb > 0 && v->memcg_usage_kb >= 0)
		ADD("%smemcg usage %lld kB of limit %lld kB", n ? ", " : "",
		    (long long)v->memcg_usage_kb, (long long)v->memcg_limit_kb);
#undef ADD
	return strdup(buf);
}

/* A summary of the memory picture; its task names are untrusted. */
static int picture(struct pr_facts *out, const char *label, const char *text, bool warn)
{
	char *e;
	int r;

	if (!text)
		return 0;
	e = pr_ascii(text);
	if (!e)
		return -1;
	r = add(out, label, warn, -1, "%s", e);
	free(e);
	return r;
}

int pr_victim_facts(const struct ol_analysis *a, const struct ol_victim *v, int64_t res,
		    struct pr_facts *out)
{
	const struct ol_reaper_run *rr = &v->reaper;
	char b[6][PR_BUF], tcomm[80], dom[300], *s;
	int r = 0;

	memset(out, 0, sizeof(*out));
	pr_ascii_buf(tcomm, sizeof(tcomm), v->trigger_comm ? v->trigger_comm : "?");
	pr_ascii_buf(dom, sizeof(dom), v->domain ? v->domain : "unknown");
	r |= add(out, v->bypass ? "marked" : "killed", false, -1,
		 "at %s s in %s, while pid %d (%s) was allocating; tgid %d, uid %s, "
		 "oom_score_adj %s", pr_abs(b[0], v->kill_ns, 6, res, "unknown"), dom,
		 v->trigger_pid, tcomm, v->tgid,
		 v->uid == OL_NONE ? "unknown" : (snprintf(b[1], PR_BUF, "%" PRId64, v->uid), b[1]),
		 v->oom_score_adj_known ? (snprintf(b[2], PR_BUF, "%d", v->oom_score_adj), b[2]) :
		 "unknown");
	/* processes killed with it for sharing its mm (analyze/sharers.c) */
	for (size_t k = 0; k < v->nsharers; k++) {
		const struct ol_sharer *sh = &v->sharers[k];
		char sc[80];

		r |= add(out, "shares its mm", false, -1, "with pid %d (%s), %s %s; SIGKILL %s, "
			 "exited %s", sh->pid, pr_ascii_buf(sc, sizeof(sc), sh->comm ? sh->comm : "?"),
			 sh->parent ? "its parent, the victim came from" : "created by",
			 ol_sharer_created_name(sh->created),
			 pr_rel(b[0], pr_since(v, sh->sigkill_ns), res, "unknown"),
			 pr_rel(b[1], pr_since(v, sh->exit_ns), res, "unknown"));
	}
	r |= add(out, "memory", false, -1, "rss %s (anon %s, file %s, shmem %s), total_vm %s, "
		 "page tables %s at the kill; from %s", pr_kb_exact(b[0], v->rss_kb),
		 pr_kb_exact(b[1], v->anon_kb), pr_kb_exact(b[2], v->file_kb),
		 pr_kb_exact(b[3], v->shmem_kb), pr_kb_exact(b[4], v->total_vm_kb),
		 pr_kb_exact(b[5], v->pgtables_kb),
		 v->mem_source && !strcmp(v->mem_source, "event") ? "the mark_victim event" :
		 v->mem_source && !strcmp(v->mem_source, "kmsg") ? "the kernel log" :
		 "nowhere (not recorded)");
	s = oom_report(v);
	if (s) {
		r |= add(out, "oom report", false, -1, "%s", s);
		free(s);
	}
	/* the report's memory picture (analyze/mempic.c), as OOMAnalyser reads it */
	r |= picture(out, "memory then", v->picture_memory, false);
	r |= picture(out, "watermarks", v->picture_watermarks,
		     v->picture_watermarks && strstr(v->picture_watermarks, "below min"));
	r |= picture(out, "chosen", v->picture_badness, false);
	if (v->skip_ns != OL_NONE)
		r |= add(out, "MMF_OOM_SKIP", false, -1, "%s after the kill, set by %s (%s); "
			 "bracket %s .. %s", pr_rel(b[0], pr_since(v, v->skip_ns), res, "?"),
			 pr_skip_by(v->skip_by), pr_conf(v->skip_confidence),
			 pr_rel(b[1], pr_since(v, v->skip_lo_ns), res, "unknown"),
			 pr_rel(b[2], pr_since(v, v->skip_hi_ns), res, "unknown"));
	else
		r |= add(out, "MMF_OOM_SKIP", false, -1, "unknown (%s)", pr_conf(v->skip_confidence));
	if (v->freed_ns != OL_NONE)
		r |= add(out, "freed", false, -1, "90%% of rss %s after the kill, by %s (%s); "
			 "all %s", pr_rel(b[0], pr_since(v, v->freed_ns), res, "?"),
			 pr_freed_by(v->freed_by), pr_conf(v->freed_confidence),
			 pr_rel(b[1], pr_since(v, v->last_freed_ns), res, "unknown"));
	else
		r |= add(out, "freed", false, -1, "%s (%s)", v->freed_by == OL_FREED_BY_NOT_FREED ?
			 "not within the recording" : "unknown", pr_conf(v->freed_confidence));
	r |= add(out, "exit", false, -1, "last thread exited %s, task freed %s",
		 pr_rel(b[0], pr_since(v, v->exit_ns), res, "unknown"),
		 pr_rel(b[1], pr_since(v, v->process_free_ns), res, "unknown"));
	if (rr->attempts > 0 || pr_mark_ns(v, PR_MARK_REAPER) != OL_NONE)
		r |= add(out, "oom_reaper", false, -1, "woke %s, ran %s .. %s, %d attempt%s, "
			 "%d failed%s; reaped %s, left %s",
			 pr_rel(b[0], pr_since(v, pr_reaper_ns(rr->wake_ns)), res, "unknown"),
			 pr_rel(b[1], pr_since(v, pr_reaper_ns(rr->start_ns)), res, "unknown"),
			 pr_rel(b[2], pr_since(v, pr_reaper_ns(rr->end_ns)), res, "unknown"),
			 rr->attempts, rr->attempts == 1 ? "" : "s", rr->failures,
			 rr->gave_up ? ", gave up" : "", pr_kb_exact(b[3], rr->reaped_kb),
			 pr_kb_exact(b[4], rr->left_kb));
	else
		r |= add(out, "oom_reaper", false, -1, "did not run on it");
	if (v->lost_in_window)
		r |= add(out, "warning", true, -1, "events were lost between this kill and the "
			 "freeing: this timeline may be incomplete");
	if (r) {
		pr_facts_free(out);
		return -1;
	}
	return 0;
}

/* --- the header ------------------------------------------------------ */

int pr_header(const struct ol_analysis *a, int64_t res, struct pr_facts *out)
{
	char b[3][PR_BUF], *k = pr_ascii(a->kernel && *a->kernel ? a->kernel : "unknown");
	char *h = pr_ascii(a->hostname && *a->hostname ? a->hostname : "unknown");
	char *src = pr_ascii(a->sources && *a->sources ? a->sources : "unknown");
	char *clk = pr_ascii(a->clock && *a->clock ? a->clock : "unknown");
	char *era = pr_ascii(a->era && *a->era ? a->era : "unknown");
	char *db = pr_ascii(a->db_path && *a->db_path ? a->db_path : "unknown");
	int r = !k || !h || !src || !clk || !era || !db;

	memset(out, 0, sizeof(*out));
	r = r || add(out, "kernel", false, -1, "%s%s", k ? k : "", a->cpus > 0 ?
		     (snprintf(b[0], PR_BUF, " (%d cpus)", a->cpus), b[0]) : "");
	r = r || add(out, "sources", false, -1, "%s", src);
	r = r || add(out, "clock", false, -1, "%s, recorded %s .. %s s (%s)%s", clk,
		     pr_abs(b[0], a->first_ns, 3, res, "?"), pr_abs(b[1], a->last_ns, 3, res, "?"),
		     pr_dur(b[2], a->first_ns == OL_NONE || a->last_ns == OL_NONE ? OL_NONE :
			    a->last_ns - a->first_ns, res, "?"),
		     res >= PR_SECOND ? ", 1 s resolution" : "");
	r = r || add(out, "rules", false, -1, "%s", era);
	if (a->kmsg_only)
		r = r || add(out, "data", false, -1, "kernel log only (no trace events): times "
			     "come from the log, verdicts are at most inferred");
	if (a->lost_total > 0)
		r = r || add(out, "events", true, -1, "%lld LOST: the ring buffer overflowed; "
			     "some timelines may be incomplete or wrong (their victims are marked)",
			     a->lost_total);
	else
		r = r || add(out, "events", false, -1, "%s", a->lost_total == 0 ? "none lost" :
			     "unknown whether any were lost");
	if (a->not_stored > 0)
		r = r || add(out, "not stored", false, -1, "%lld mmap_lock events about no "
			     "victim's task or mm (import --keep-all stores them)", a->not_stored);
	/* what differs between two runs on the same data comes last */
	r = r || add(out, "host", false, -1, "%s", h);
	r = r || add(out, "database", false, -1, "%s", db);
	r = r || add(out, "generated", false, -1, "oomlens %s", OL_VERSION);
	free(k);
	free(h);
	free(src);
	free(clk);
	free(era);
	free(db);
	if (r) {
		pr_facts_free(out);
		return -1;
	}
	return 0;
}

/* --- lists of victims -------------------------------------------------- */

char *pr_victim_list(const int *ids, size_t n)
{
	char *s = NULL;
	size_t len = 0, i;
	FILE *m = open_memstream(&s, &len);

	if (!m)
		return NULL;
	fprintf(m, "victim%s ", n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		if (i && n > 8 && i == 7) {
			fprintf(m, " ... and %d (%zu in all)", ids[n - 1], n);
			break;
		}
		fprintf(m, "%s%d", !i ? "" : i + 1 == n ? " and " : ", ", ids[i]);
	}
	if (fclose(m)) {
		free(s);
		return NULL;
	}
	return s;
}

/* --- explanations ------------------------------------------------------ */

void pr_explanations_free(struct pr_explanations *e)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		free(e->v[i].text);
		free(e->v[i].victims);
	}
	free(e->v);
	e->v = NULL;
	e->n = 0;
}

static int push_victim(struct pr_explanation *x, int id)
{
	int *n = realloc(x->victims, (x->nvictims + 1) * sizeof(*n));

	if (!n)
		return -1;
	x->victims = n;
	x->victims[x->nvictims++] = id;
	return 0;
}

/*
 * An explanation is shared when the kind, confidence, the victim it is
 * about and the evidence are the same (the analysis words the evidence
 * of an unnecessary kill without anything of the later victim, so the
 * bystanders of one holder share it).
 */
int pr_explain(const struct ol_analysis *a, int64_t res, bool all,
	       bool (*sel)(const struct ol_victim *, const void *), const void *ctx,
	       struct pr_explanations *out)
{
	size_t i, k, j;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < a->nvictims; i++) {
		const struct ol_victim *v = &a->victims[i];

		if (sel && !sel(v, ctx))
			continue;
		for (k = 0; k < v->nverdicts && (all || k < 1); k++) {
			const struct ol_verdict *vd = &v->verdicts[k];
			int about = vd->other >= 0 && (size_t)vd->other < a->nvictims ? vd->other : -1;
			const char *ev = vd->evidence ? vd->evidence : "";
			struct pr_explanation *x = NULL, *n;

			for (j = 0; j < out->n && !x; j++) {
				const struct pr_explanation *y = &out->v[j];

				if (y->kind == vd->kind && y->confidence == vd->confidence &&
				    y->about == about && !strcmp(y->text, ev))
					x = &out->v[j];
			}
			if (!x) {
				n = realloc(out->v, (out->n + 1) * sizeof(*n));
				if (!n)
					goto fail;
				out->v = n;
				x = &out->v[out->n];
				memset(x, 0, sizeof(*x));
				x->kind = vd->kind;
				x->confidence = vd->confidence;
				x->about = about;
				/* the raw evidence first: compared above, escaped below */
				x->text = strdup(ev);
				if (!x->text)
					goto fail;
				out->n++;
			}
			if (push_victim(x, v->index))
				goto fail;
		}
	}
	for (j = 0; j < out->n; j++) {
		char *e = pr_ascii(out->v[j].text);

		if (!e)
			goto fail;
		free(out->v[j].text);
		out->v[j].text = e;
	}
	(void)res;
	return 0;
fail:
	pr_explanations_free(out);
	return -1;
}

/* --- the summary --------------------------------------------------------- */

struct lines {
	char	**v;
	size_t	n;
	int	oom;
};

static void line(struct lines *l, const char *f, ...) __attribute__((format(printf, 2, 3)));
static void line(struct lines *l, const char *f, ...)
{
	char **n = realloc(l->v, (l->n + 2) * sizeof(*n));
	va_list ap;

	if (!n) {
		l->oom = 1;
		return;
	}
	l->v = n;
	va_start(ap, f);
	l->v[l->n] = vfmt(f, ap);
	va_end(ap);
	if (!l->v[l->n])
		l->oom = 1;
	else
		l->n++;
	l->v[l->n] = NULL;
}

void pr_lines_free(char **lines)
{
	size_t i;

	for (i = 0; lines && lines[i]; i++)
		free(lines[i]);
	free(lines);
}

static int cmp64(const void *x, const void *y)
{
	int64_t p = *(const int64_t *)x, q = *(const int64_t *)y;

	return (p > q) - (p < q);
}

/*
 * "pinned by pid 6715 (oomhog-pinner)" out of an unnecessary kill's
 * evidence (analyze/verdicts.c names the task whose exit_mmap tore the
 * mm down when it is none of the victim's threads); "" when it does not.
 */
static void pinner(const struct ol_verdict *vd, char *buf, size_t n)
{
	const char *p = vd->evidence ? strstr(vd->evidence, "pinned by pid ") : NULL;
	const char *e = p ? strstr(p, ") until ") : NULL;
	char raw[128];

	buf[0] = '\0';
	if (!e || (size_t)(e + 1 - p) >= sizeof(raw))
		return;
	memcpy(raw, p, (size_t)(e + 1 - p));
	raw[e + 1 - p] = '\0';
	pr_ascii_buf(buf, n, raw);
}

/* The holders of unnecessary kills, each with the victims killed meanwhile. */
static void holders(struct lines *l, const struct ol_analysis *a, int64_t res,
		    bool (*sel)(const struct ol_victim *, const void *), const void *ctx)
{
	size_t i, k;

	for (i = 0; i < a->nvictims; i++) {
		const struct ol_victim *A = &a->victims[i];
		const struct ol_verdict *first = NULL;
		int *ids = NULL, *n;
		size_t nids = 0;
		char *list, b[4][PR_BUF], comm[80], pin[160], mostly[40] = "", until[128];

		for (k = 0; k < a->nvictims; k++) {
			const struct ol_victim *B = &a->victims[k];

			if ((sel && !sel(B, ctx)) || B->verdict != OL_VERDICT_UNNECESSARY ||
			    !B->nverdicts || B->verdicts[0].other != (int)i)
				continue;
			n = realloc(ids, (nids + 1) * sizeof(*n));
			if (!n) {
				l->oom = 1;
				break;
			}
			ids = n;
			ids[nids++] = B->index;
			if (!first)
				first = &B->verdicts[0];
		}
		if (!nids) {
			free(ids);
			continue;
		}
		list = pr_victim_list(ids, nids);
		free(ids);
		pr_ascii_buf(comm, sizeof(comm), A->comm);
		pinner(first, pin, sizeof(pin));
		if (A->shmem_kb != OL_NONE && A->rss_kb > 0 && A->shmem_kb * 2 >= A->rss_kb)
			snprintf(mostly, sizeof(mostly), ", mostly shmem the reaper cannot free");
		/* until when: the freeing when the data shows it */
		if (A->freed_ns != OL_NONE)
			snprintf(until, sizeof(until), "it had it until %s s (%s after its kill%s)",
				 pr_abs(b[1], A->freed_ns, 3, res, "?"),
				 pr_rel(b[2], pr_since(A, A->freed_ns), res, "?"),
				 A->freed_by == OL_FREED_BY_REAPER ? ", by the oom_reaper" :
				 A->freed_by == OL_FREED_BY_EXIT ? ", by its exit" : "");
		else
			snprintf(until, sizeof(until), "when it came back is not in the data");
		line(l, "unnecessary: %s %s killed while victim %d (pid %d, %s) still held %s%s; "
		     "%s%s%s%s", list ? list : "victims", nids == 1 ? "was" : "were", A->index,
		     A->pid, comm, pr_kb(b[0], A->rss_kb, "memory"), mostly, until,
		     pin[0] ? "; its mm was " : "", pin, first->confidence == OL_CONF_OBSERVED ?
		     "" : " (inferred)");
		free(list);
	}
}

char **pr_summary(const struct ol_analysis *a, int64_t res,
		  bool (*sel)(const struct ol_victim *, const void *), const void *ctx)
{
	struct lines l = { 0 };
	size_t counts[OL_VERDICT_NR] = { 0 }, kills = 0, bypass = 0, nttf = 0, i, k;
	size_t by_reaper = 0, by_exit = 0, gave_up = 0, episodes = 0, lost = 0;
	int last_ep = -1;
	int64_t *ttf = calloc(a->nvictims + 1, sizeof(*ttf));
	char vs[256] = "", b[3][PR_BUF];
	size_t n = 0;

	if (!ttf)
		return NULL;
	for (i = 0; i < a->nvictims; i++) {
		const struct ol_victim *v = &a->victims[i];

		if (sel && !sel(v, ctx))
			continue;
		if (v->episode != last_ep) {
			episodes++;
			last_ep = v->episode;
		}
		if ((unsigned)v->verdict < OL_VERDICT_NR)
			counts[v->verdict]++;
		lost += v->lost_in_window;
		if (v->bypass) {
			bypass++;
			continue;
		}
		kills++;
		gave_up += v->reaper.gave_up;
		by_reaper += v->freed_by == OL_FREED_BY_REAPER;
		by_exit += v->freed_by == OL_FREED_BY_EXIT;
		if (v->freed_ns != OL_NONE && v->kill_ns != OL_NONE)
			ttf[nttf++] = v->freed_ns - v->kill_ns;
	}
	/* the headline verdicts: one per victim, so they add up */
	for (k = 0; k < OL_VERDICT_NR; k++)
		if (counts[k] && n < sizeof(vs))
			n += (size_t)snprintf(vs + n, sizeof(vs) - n, "%s%zu %s", n ? ", " : "",
					      counts[k], pr_verdict((enum ol_verdict_kind)k));
	line(&l, "%zu kill%s%s in %zu episode%s: %s", kills, kills == 1 ? "" : "s",
	     bypass ? (snprintf(b[0], PR_BUF, " (+%zu marked without a kill)", bypass), b[0]) : "",
	     episodes, episodes == 1 ? "" : "s", n ? vs : "no verdicts");
	holders(&l, a, res, sel, ctx);
	if (nttf) {
		qsort(ttf, nttf, sizeof(*ttf), cmp64);
		/* nearest rank, as the analysis' own summary */
		line(&l, "time-to-free (kill to 90%% of rss freed): p50 %s, p90 %s, max %s "
		     "over %zu kill%s; freed by exit %zu, by the oom_reaper %zu%s",
		     pr_dur(b[0], ttf[(nttf * 50 + 99) / 100 - 1], res, "?"),
		     pr_dur(b[1], ttf[(nttf * 90 + 99) / 100 - 1], res, "?"),
		     pr_dur(b[2], ttf[nttf - 1], res, "?"), nttf, nttf == 1 ? "" : "s",
		     by_exit, by_reaper, gave_up ? (snprintf(vs, sizeof(vs), "; the reaper gave "
		     "up on %zu", gave_up), vs) : "");
	} else if (kills) {
		line(&l, "time-to-free: unknown for every kill (the data does not show the "
		     "memory coming back)");
	}
	if (a->lost_total > 0)
		line(&l, "WARNING: %lld events were lost (ring buffer overflow); %zu "
		     "timeline%s may be incomplete", a->lost_total, lost, lost == 1 ? "" : "s");
	if (a->kmsg_only)
		line(&l, "kernel log only (no trace events): times come from the log%s, "
		     "verdicts are at most inferred", res >= PR_SECOND ?
		     " at 1 s resolution" : "");
	free(ttf);
	if (l.oom) {
		pr_lines_free(l.v);
		return NULL;
	}
	return l.v;
}

size_t pr_header_stable(const struct pr_facts *f)
{
	size_t i;

	for (i = 0; i < f->n && strcmp(f->v[i].label, "host"); i++)
		;
	return i;
}
