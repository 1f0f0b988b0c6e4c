// SPDX-License-Identifier: GPL-2.0
/*
 * `oomlens metrics`: the analysis as Prometheus metrics in the text
 * exposition format that node_exporter's textfile collector reads
 * (README.md "oomlens metrics" lists the series).  Every series has a
 * host label, so that one query covers a fleet; the histograms have
 * only that label, to keep the number of series small.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report-local.h"

/* Bucket bounds in seconds: the reaper's 2 s delay (5.18+) sits inside. */
static const double bounds[] = { 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10, 30, 60 };
#define NB	(sizeof(bounds) / sizeof(bounds[0]))

struct hist {
	uint64_t	le[NB];		/* cumulative at output */
	uint64_t	count;
	double		sum;
};

/* How the oom_reaper ended with a victim. */
#define MX_REAPER(_)				\
	_(REAPED,	"reaped")		\
	_(GAVE_UP,	"gave-up")		\
	_(NOT_RUN,	"not-run")

enum mx_reaper {
#define _(id, str) MX_##id,
	MX_REAPER(_)
#undef _
	MX_REAPER_NR
};

static const char *const reaper_names[] = {
#define _(id, str) str,
	MX_REAPER(_)
#undef _
};

struct host {
	const char	*name;		/* borrowed from the analysis */
	struct hist	ttf, skip;
	uint64_t	reaper[MX_REAPER_NR];
	uint64_t	bypasses, episodes, unnecessary, lost_in_window;
	long long	lost;		/* the ring buffer's losses, -1 unknown */
};

/* one (host, domain, verdict) kill counter */
struct kills {
	const char	*host, *domain;
	enum ol_verdict_kind verdict;
	uint64_t	n;
};

struct mx {
	struct host	*hosts;
	size_t		nhosts;
	struct kills	*kills;
	size_t		nkills;
};

static struct host *host_of(struct mx *m, const char *name)
{
	struct host *h;
	size_t i;

	for (i = 0; i < m->nhosts; i++)
		if (!strcmp(m->hosts[i].name, name))
			return &m->hosts[i];
	h = realloc(m->hosts, (m->nhosts + 1) * sizeof(*h));
	if (!h)
		return NULL;
	m->hosts = h;
	h = &m->hosts[m->nhosts++];
	memset(h, 0, sizeof(*h));
	h->name = name;
	h->lost = -1;
	return h;
}

static int count_kill(struct mx *m, const char *host, const char *domain,
		      enum ol_verdict_kind verdict)
{
	struct kills *k;
	size_t i;

	for (i = 0; i < m->nkills; i++) {
		k = &m->kills[i];
		if (k->verdict == verdict && !strcmp(k->host, host) &&
		    !strcmp(k->domain, domain)) {
			k->n++;
			return 0;
		}
	}
	k = realloc(m->kills, (m->nkills + 1) * sizeof(*k));
	if (!k)
		return -1;
	m->kills = k;
	m->kills[m->nkills++] = (struct kills){ host, domain, verdict, 1 };
	return 0;
}

static void observe(struct hist *h, int64_t from, int64_t to)
{
	double s;
	size_t i;

	if (from == OL_NONE || to == OL_NONE || to < from)
		return;
	s = (to - from) / 1e9;
	for (i = 0; i < NB; i++)
		if (s <= bounds[i])
			h->le[i]++;
	h->count++;
	h->sum += s;
}

/* A label value: \\, \" and \n as the format says; other bytes outside
 * printable ASCII as the text \xNN (a kernel name is untrusted). */
static void put_label(FILE *f, const char *s)
{
	const unsigned char *p;

	putc('"', f);
	for (p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '\\' || *p == '"')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\\\x%02x", *p);
		else
			putc(*p, f);
	}
	putc('"', f);
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void host_counter(FILE *f, const struct mx *m, const char *name,
			 const char *help, size_t offset)
{
	size_t i;

	family(f, name, "counter", help);
	for (i = 0; i < m->nhosts; i++) {
		fprintf(f, "%s{host=", name);
		put_label(f, m->hosts[i].name);
		fprintf(f, "} %" PRIu64 "\n",
			*(const uint64_t *)((const char *)&m->hosts[i] + offset));
	}
}

static void histogram(FILE *f, const struct mx *m, const char *name,
		      const char *help, size_t offset)
{
	size_t i, b;

	family(f, name, "histogram", help);
	for (i = 0; i < m->nhosts; i++) {
		const struct hist *h = (const void *)((const char *)&m->hosts[i] + offset);

		for (b = 0; b < NB; b++) {
			fprintf(f, "%s_bucket{host=", name);
			put_label(f, m->hosts[i].name);
			fprintf(f, ",le=\"%g\"} %" PRIu64 "\n", bounds[b], h->le[b]);
		}
		fprintf(f, "%s_bucket{host=", name);
		put_label(f, m->hosts[i].name);
		fprintf(f, ",le=\"+Inf\"} %" PRIu64 "\n", h->count);
		fprintf(f, "%s_sum{host=", name);
		put_label(f, m->hosts[i].name);
		fprintf(f, "} %.9f\n", h->sum);
		fprintf(f, "%s_count{host=", name);
		put_label(f, m->hosts[i].name);
		fprintf(f, "} %" PRIu64 "\n", h->count);
	}
}

static void write_metrics(const struct ol_analysis *a, const struct mx *m, FILE *f)
{
	size_t i, r;

	family(f, "oomlens_kills_total", "counter",
	       "OOM kills by headline verdict, OOM domain and host.");
	for (i = 0; i < m->nkills; i++) {
		fputs("oomlens_kills_total{host=", f);
		put_label(f, m->kills[i].host);
		fputs(",domain=", f);
		put_label(f, m->kills[i].domain);
		fprintf(f, ",verdict=\"%s\"} %" PRIu64 "\n",
			pr_verdict(m->kills[i].verdict), m->kills[i].n);
	}
	host_counter(f, m, "oomlens_bypasses_total",
		     "Victims marked without a kill (task_will_free_mem).",
		     offsetof(struct host, bypasses));
	host_counter(f, m, "oomlens_episodes_total",
		     "OOM episodes: kills in one domain close in time.",
		     offsetof(struct host, episodes));
	host_counter(f, m, "oomlens_unnecessary_kills_total",
		     "Kills while an earlier victim still held memory it released later.",
		     offsetof(struct host, unnecessary));
	histogram(f, m, "oomlens_time_to_free_seconds",
		  "Time from the kill until 90% of the victim's memory was given back.",
		  offsetof(struct host, ttf));
	histogram(f, m, "oomlens_time_to_skip_seconds",
		  "Time from the kill until MMF_OOM_SKIP hid the victim from the OOM killer.",
		  offsetof(struct host, skip));
	family(f, "oomlens_reaper_outcomes_total", "counter",
	       "Kills by what the oom_reaper did: reaped, gave up after its tries, or did not run.");
	for (i = 0; i < m->nhosts; i++)
		for (r = 0; r < MX_REAPER_NR; r++) {
			fputs("oomlens_reaper_outcomes_total{host=", f);
			put_label(f, m->hosts[i].name);
			fprintf(f, ",outcome=\"%s\"} %" PRIu64 "\n", reaper_names[r],
				m->hosts[i].reaper[r]);
		}
	host_counter(f, m, "oomlens_victims_lost_events_total",
		     "Victims with trace events lost in their kill..freed window.",
		     offsetof(struct host, lost_in_window));
	/* the ring buffer's own count; absent for a host whose sources cannot say */
	family(f, "oomlens_events_lost_total", "counter",
	       "Trace events the ring buffer lost while recording.");
	for (i = 0; i < m->nhosts; i++) {
		if (m->hosts[i].lost < 0)
			continue;
		fputs("oomlens_events_lost_total{host=", f);
		put_label(f, m->hosts[i].name);
		fprintf(f, "} %lld\n", m->hosts[i].lost);
	}
}

int ol_metrics_render(const struct ol_analysis *a, FILE *out, char **err)
{
	const char *why = "out of memory";
	struct mx m = { 0 };
	struct rp_origin o;
	struct host *h;
	size_t i;
	int ret = -1;

	/* every host even without a victim: zero series */
	for (i = 0; i < a->norigins; i++) {
		h = host_of(&m, a->origins[i].host);
		if (!h)
			goto out;
		if (a->origins[i].lost_total >= 0)
			h->lost = (h->lost < 0 ? 0 : h->lost) + a->origins[i].lost_total;
	}
	if (!a->norigins) {
		h = host_of(&m, a->hostname && *a->hostname ? a->hostname : "unknown");
		if (!h)
			goto out;
		h->lost = a->lost_total;
	}
	for (i = 0; i < a->nepisodes; i++) {
		rp_episode_origin(a, &a->episodes[i], &o);
		h = host_of(&m, *o.host ? o.host : "unknown");
		if (!h)
			goto out;
		h->episodes++;
		h->unnecessary += a->episodes[i].unnecessary;
	}
	for (i = 0; i < a->nvictims; i++) {
		const struct ol_victim *v = &a->victims[i];
		const struct ol_reaper_run *rr = &v->reaper;

		rp_origin(a, v, &o);
		h = host_of(&m, *o.host ? o.host : "unknown");
		if (!h)
			goto out;
		if (v->lost_in_window)
			h->lost_in_window++;
		if (v->bypass) {
			h->bypasses++;
			continue;
		}
		if (count_kill(&m, h->name, v->domain ? v->domain : "unknown", v->verdict))
			goto out;
		observe(&h->ttf, v->kill_ns, v->freed_ns);
		observe(&h->skip, v->kill_ns, v->skip_ns);
		if (rr->start_ns == OL_NONE && rr->wake_ns == OL_NONE)
			h->reaper[MX_NOT_RUN]++;
		else
			h->reaper[rr->gave_up ? MX_GAVE_UP : MX_REAPED]++;
	}
	write_metrics(a, &m, out);
	why = "write error";
	if (fflush(out) || ferror(out))
		goto out;
	ret = 0;
out:
	if (ret)
		*err = strdup(why);
	free(m.hosts);
	free(m.kills);
	return ret;
}
