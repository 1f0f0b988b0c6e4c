/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hand-built analyses for the report tests and the report benchmark:
 * they need no database and no analyzer.  fx_build(n) makes n victims in
 * episodes of up to 3, cycling through the verdicts, with hostile names
 * (control bytes, invalid UTF-8, markup, CSV/markdown metacharacters,
 * very long words) when @hostile is set.  Free with fx_free().
 */
#ifndef TEST_REPORT_FIXTURE_H
#define TEST_REPORT_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"

#define FX_UNUSED __attribute__((unused))
#define FX_S	1000000000LL

static FX_UNUSED char *fx_strdup(const char *s)
{
	char *d = strdup(s);

	if (!d) {
		perror("strdup");
		exit(99);
	}
	return d;
}

static FX_UNUSED void *fx_calloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);

	if (!p) {
		perror("calloc");
		exit(99);
	}
	return p;
}

static const char *const fx_hostile[] = {
	"\x1b[31mred\x1b[0m",
	"a|b*c_`x`<b>&amp;",
	"=cmd|' /C calc'!A0",
	"tab\there\nnl\"q,",
	"\xff\xfe\xc3\x28utf8\xe2\x82\xac",
	"<script>alert(1)</script>",
};

static FX_UNUSED void fx_point(struct ol_victim *v, int64_t ts, const char *what,
			       const char *detail)
{
	struct ol_point *p = &v->points[v->npoints++];

	p->ts_ns = ts;
	p->what = what;
	p->detail = fx_strdup(detail);
	p->event_id = (int64_t)v->npoints * 10;
}

static FX_UNUSED struct ol_analysis *fx_build(size_t n, int hostile)
{
	struct ol_analysis *a = fx_calloc(1, sizeof(*a));
	size_t i, e, k;
	char buf[512];
	int64_t t = 191 * FX_S + 944190000LL;

	a->db_path = fx_strdup("/tmp/fixture.db");
	a->kernel = fx_strdup("6.18.44-fc-v769");
	a->hostname = fx_strdup(hostile ? "host\x07name" : "testhost");
	a->clock = fx_strdup("local");
	a->sources = fx_strdup("trace.dat samples/data/unreapable.dat (1432007 "
			       "bytes), kmsg samples/data/unreapable.dmesg");
	a->era = fx_strdup("5.18+: OOM_REAPER_DELAY 2s, exit_mmap sets "
			   "MMF_OOM_SKIP after unmapping");
	a->cpus = 2;
	a->lost_total = hostile ? 42 : 0;
	a->first_ns = t - FX_S;
	a->nvictims = n;
	a->victims = fx_calloc(n, sizeof(*a->victims));
	a->nepisodes = (n + 2) / 3;
	a->episodes = fx_calloc(a->nepisodes, sizeof(*a->episodes));
	a->summary.ttf_p50_ns = a->summary.ttf_p90_ns = a->summary.ttf_max_ns =
		OL_NONE;

	for (i = 0; i < n; i++) {
		struct ol_victim *v = &a->victims[i];
		int kind = (int)(i % OL_VERDICT_NR);
		int slow = i % 3 == 0;

		e = i / 3;
		v->index = (int)i;
		v->episode = (int)e;
		v->pid = 2921 + (int)i * 7;
		v->tgid = v->pid;
		if (hostile)
			v->comm = fx_strdup(fx_hostile[i % 6]);
		else
			v->comm = fx_strdup(i % 2 ? "oomhog-shm" : "oomhog-self");
		v->uid = i % 4 ? 0 : OL_NONE;
		v->oom_score_adj = i % 5 ? 0 : -1000 + (int)i;
		v->oom_score_adj_known = i % 7 != 0;
		v->anon_kb = 1000 + (int64_t)i * 37;
		v->file_kb = 4;
		v->shmem_kb = slow ? 262144 : 0;
		v->pgtables_kb = 132;
		v->total_vm_kb = v->anon_kb + v->shmem_kb + 10000;
		v->rss_kb = i % 11 == 10 ? OL_NONE :
			v->anon_kb + v->file_kb + v->shmem_kb;
		v->mem_source = i % 11 == 10 ? "unknown" : "event";
		v->trigger_pid = v->pid + 1;
		v->trigger_comm = fx_strdup(hostile ? fx_hostile[(i + 1) % 6] :
					    "oomhog");
		if (hostile)
			snprintf(buf, sizeof(buf), "/sys/fs/cgroup/memory/%s/%s",
				 "a-very-long-cgroup-name-that-goes-on-and-on-"
				 "and-on-beyond-any-terminal-width-really",
				 fx_hostile[e % 6]);
		else
			snprintf(buf, sizeof(buf), "/oomlens/scenario%zu", e);
		v->domain = fx_strdup(buf);
		v->bypass = kind == OL_VERDICT_BYPASS;
		v->group = kind == OL_VERDICT_SHARED_MM && i ? (int)i - 1 : -1;

		v->kill_ns = t + (int64_t)(i % 3) * 1500000000LL;
		v->skip_lo_ns = v->kill_ns + (slow ? 2010000000LL : 3000000LL);
		v->skip_hi_ns = v->skip_lo_ns + 1000000;
		v->skip_ns = v->skip_hi_ns;
		v->skip_by = slow ? OL_SKIP_BY_REAPER : OL_SKIP_BY_EXIT;
		v->skip_confidence = slow ? OL_CONF_OBSERVED : OL_CONF_INFERRED;
		v->freed_ns = i % 11 == 9 ? OL_NONE :
			v->kill_ns + (slow ? 7530000000LL : 2500000LL);
		v->last_freed_ns = v->freed_ns == OL_NONE ? OL_NONE :
			v->freed_ns + 1000000;
		v->freed_by = v->freed_ns == OL_NONE ? OL_FREED_BY_NOT_FREED :
			OL_FREED_BY_EXIT;
		v->freed_confidence = OL_CONF_OBSERVED;
		v->exit_ns = v->last_freed_ns;
		v->process_free_ns = OL_NONE;
		v->reaper.wake_ns = v->reaper.start_ns = v->reaper.end_ns = OL_NONE;
		v->reaper.reaped_kb = v->reaper.left_kb = OL_NONE;
		if (slow) {
			v->reaper.wake_ns = v->kill_ns + 2000000000LL;
			v->reaper.start_ns = v->reaper.wake_ns + 10000000;
			v->reaper.end_ns = v->reaper.start_ns + 900000;
			v->reaper.attempts = 1;
			v->reaper.reaped_kb = 0;
			v->reaper.left_kb = v->shmem_kb;
		}
		v->verdict = kind;
		v->verdict_confidence = i % 2 ? OL_CONF_OBSERVED : OL_CONF_INFERRED;
		v->nverdicts = 1 + (i % 4 == 3);
		v->verdicts = fx_calloc(v->nverdicts, sizeof(*v->verdicts));
		for (k = 0; k < v->nverdicts; k++) {
			struct ol_verdict *vd = &v->verdicts[k];

			vd->kind = k ? OL_VERDICT_UNKNOWN : kind;
			vd->confidence = v->verdict_confidence;
			vd->other = kind == OL_VERDICT_UNNECESSARY && i ? (int)i - 1 : -1;
			snprintf(buf, sizeof(buf), "Victim %zu (pid %d, %s) still held "
				 "%lld kB when this one was killed and released "
				 "them %.3f s later, after its MMF_OOM_SKIP. %s",
				 i, v->pid, hostile ? fx_hostile[(i + 2) % 6] : "oomhog",
				 (long long)v->shmem_kb, 5.52,
				 hostile ? "Averyveryveryveryveryveryveryveryveryveryvery"
				 "veryveryveryveryveryveryveryverylongword." : "");
			vd->evidence = fx_strdup(buf);
		}
		v->points = fx_calloc(8, sizeof(*v->points));
		fx_point(v, v->kill_ns - 4000, "sigkill", "SIGKILL sent by the OOM "
			 "killer");
		fx_point(v, v->kill_ns, "kill", hostile ? fx_hostile[i % 6] :
			 "mark_victim: the OOM killer chose this task");
		if (slow) {
			fx_point(v, v->reaper.wake_ns, "wake_reaper", "");
			fx_point(v, v->reaper.start_ns, "reap_start", "oom_reaper "
				 "starts unmapping");
			fx_point(v, v->reaper.end_ns, "reap_finish", "oom_reaper: "
				 "reaped process, now anon-rss:0kB, file-rss:0kB, "
				 "shmem-rss:262144kB");
		}
		fx_point(v, v->skip_ns, "skip_set", "MMF_OOM_SKIP set (bracket)");
		if (v->freed_ns != OL_NONE)
			fx_point(v, v->freed_ns, "freed", "90% of rss given back");
		fx_point(v, v->kill_ns + 9 * FX_S, "a_very_long_point_name_here",
			 "detail");
		v->ncurve = slow ? 4 : 0;
		v->curve = fx_calloc(4, sizeof(*v->curve));
		for (k = 0; k < v->ncurve; k++) {
			v->curve[k].ts_ns = v->kill_ns + (int64_t)k * 2500000000LL;
			v->curve[k].held_kb = k < 3 ? v->rss_kb == OL_NONE ? 1000 :
				v->rss_kb - (int64_t)k * 10 : 0;
		}
		v->lost_in_window = hostile && i == 1;

		a->summary.victims++;
		a->summary.kills += !v->bypass;
		a->summary.bypasses += v->bypass;
		a->summary.verdicts[kind]++;
		if (v->freed_ns != OL_NONE) {
			a->summary.with_ttf++;
			a->summary.self_exited++;
		} else {
			a->summary.unknown_free++;
		}
	}
	if (a->summary.with_ttf) {
		a->summary.ttf_p50_ns = 2500000;
		a->summary.ttf_p90_ns = a->summary.ttf_max_ns = 7530000000LL;
	}
	for (e = 0; e < a->nepisodes; e++) {
		struct ol_episode *ep = &a->episodes[e];

		ep->index = (int)e;
		ep->first = e * 3;
		ep->count = n - e * 3 < 3 ? n - e * 3 : 3;
		ep->domain = fx_strdup(a->victims[e * 3].domain);
		ep->start_ns = a->victims[e * 3].kill_ns;
		ep->end_ns = ep->start_ns + 10 * FX_S;
		for (k = ep->first; k < ep->first + ep->count; k++)
			ep->unnecessary += a->victims[k].verdict ==
				OL_VERDICT_UNNECESSARY;
	}
	a->last_ns = t + 12 * FX_S;
	return a;
}

/* A hand-built analysis owns every array and string: the loader's free. */
static FX_UNUSED void fx_free(struct ol_analysis *a)
{
	ol_analysis_free(a);
}

#endif /* TEST_REPORT_FIXTURE_H */
