// SPDX-License-Identifier: GPL-2.0
/*
 * `oomlens export --format chrome-trace`: the Trace Event Format (the
 * JSON object form, {"traceEvents": [...]}) that Perfetto
 * (ui.perfetto.dev) and chrome://tracing open.
 *
 * One process per episode (named "HOST: episode ID DOMAIN", pid = id + 1),
 * one thread track per victim ("victim ID: COMM", tid = id + 1) with complete slices ("ph":"X"):
 * kill -> MMF_OOM_SKIP, kill -> exit, the oom_reaper's run; an instant
 * ("ph":"i") per timeline point; and the memory the victim still held as
 * a counter ("ph":"C").  Times are microseconds since the recording
 * started (ns kept as three decimals).
 *
 * Slices on one thread must nest: a slice that would cross the end of
 * the slice it starts in (the reaper still running when the victim's
 * last thread exits, 6.x) is cut there, and its args keep the real end.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "reports/report-local.h"

struct slice {
	const char	*name;
	int64_t		start, end;	/* ns */
	const char	*k1, *v1;	/* one string arg, or NULL */
	const char	*k2;		/* one number arg, or NULL */
	int64_t		v2;
};

struct ct {
	FILE		*f;
	int64_t		t0;
	bool		first;
};

/* "ts": microseconds since t0, exact to the ns */
static void put_us(FILE *f, int64_t ns)
{
	uint64_t u = ns < 0 ? (uint64_t)-(ns + 1) + 1 : (uint64_t)ns;

	fprintf(f, "%s%" PRIu64 ".%03u", ns < 0 ? "-" : "", u / 1000,
		(unsigned)(u % 1000));
}

/* the start of one event object, with its separator */
static void ev(struct ct *c, const char *ph, int pid, int tid)
{
	fprintf(c->f, "%s\n{\"ph\":\"%s\",\"pid\":%d,\"tid\":%d", c->first ? "" : ",",
		ph, pid, tid);
	c->first = false;
}

static void ts(struct ct *c, const char *k, int64_t ns)
{
	fprintf(c->f, ",\"%s\":", k);
	put_us(c->f, ns);
}

/* @key<@a@b@c as one JSON string> (pieces may be untrusted) */
static int name3(FILE *f, const char *key, const char *a, const char *b,
		 const char *d)
{
	char *s = NULL;

	if (asprintf(&s, "%s%s%s", a, b ? b : "", d ? d : "") < 0)
		return -1;
	fputs(key, f);
	rp_put_json(f, s);
	free(s);
	return 0;
}

static int meta(struct ct *c, int pid, int tid, const char *what,
		const char *a, const char *b, const char *d)
{
	ev(c, "M", pid, tid);
	fprintf(c->f, ",\"name\":\"%s\",\"args\":{", what);
	if (name3(c->f, "\"name\":", a, b, d))
		return -1;
	fputs("}}", c->f);
	return 0;
}

static void sort_index(struct ct *c, int pid, int tid, const char *what, int idx)
{
	ev(c, "M", pid, tid);
	fprintf(c->f, ",\"name\":\"%s\",\"args\":{\"sort_index\":%d}}", what, idx);
}

static int cmp_slice(const void *x, const void *y)
{
	const struct slice *a = x, *b = y;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->end > b->end ? -1 : a->end < b->end;
}

static void put_slices(struct ct *c, int pid, int tid, struct slice *s, int n)
{
	int64_t stack[8];
	int i, depth = 0;

	qsort(s, n, sizeof(*s), cmp_slice);
	for (i = 0; i < n; i++) {
		int64_t end = s[i].end;

		while (depth && stack[depth - 1] <= s[i].start)
			depth--;
		if (depth && stack[depth - 1] < end)
			end = stack[depth - 1];
		ev(c, "X", pid, tid);
		fprintf(c->f, ",\"cat\":\"oom\",\"name\":\"%s\"", s[i].name);
		ts(c, "ts", s[i].start - c->t0);
		ts(c, "dur", end - s[i].start);
		fputs(",\"args\":{", c->f);
		fprintf(c->f, "\"start_ns\":%" PRId64 ",\"end_ns\":%" PRId64,
			s[i].start, s[i].end);
		if (s[i].k1) {
			fprintf(c->f, ",\"%s\":", s[i].k1);
			rp_put_json(c->f, s[i].v1);
		}
		if (s[i].k2)
			fprintf(c->f, ",\"%s\":%" PRId64, s[i].k2, s[i].v2);
		fputs("}}", c->f);
		if (depth < (int)(sizeof(stack) / sizeof(stack[0])))
			stack[depth++] = end;
	}
}

static int victim(struct ct *c, const struct ol_analysis *a, const struct ol_victim *v)
{
	const struct ol_reaper_run *rr = &v->reaper;
	/* pid/tid 0 is the idle task to the viewers: the ids shifted by one */
	int pid = v->episode + 1, tid = v->index + 1;
	struct slice s[3];
	char num[PR_BUF];
	int n = 0;
	size_t i;

	snprintf(num, sizeof(num), "victim %d: ", v->index);
	if (meta(c, pid, tid, "thread_name", num, v->comm, ""))
		return -1;
	sort_index(c, pid, tid, "thread_sort_index", tid);
	if (v->kill_ns == OL_NONE)
		return 0;
	if (v->skip_ns != OL_NONE && v->skip_ns >= v->kill_ns)
		s[n++] = (struct slice){ "kill -> MMF_OOM_SKIP", v->kill_ns, v->skip_ns,
			"by", pr_skip_by(v->skip_by), NULL, 0 };
	if (v->exit_ns != OL_NONE && v->exit_ns >= v->kill_ns)
		s[n++] = (struct slice){ "kill -> exit", v->kill_ns, v->exit_ns,
			NULL, NULL, NULL, 0 };
	if (rr->start_ns != OL_NONE && rr->end_ns != OL_NONE && rr->end_ns >= rr->start_ns)
		s[n++] = (struct slice){ "oom_reaper", rr->start_ns, rr->end_ns,
			"outcome", rr->gave_up ? "gave-up" : "reaped",
			"attempts", rr->attempts };
	put_slices(c, pid, tid, s, n);
	for (i = 0; i < v->npoints; i++) {
		const struct ol_point *p = &v->points[i];

		if (p->ts_ns == OL_NONE)
			continue;
		ev(c, "i", pid, tid);
		fputs(",\"s\":\"t\",\"cat\":\"oom\"", c->f);
		if (name3(c->f, ",\"name\":", p->what, NULL, NULL))
			return -1;
		ts(c, "ts", p->ts_ns - c->t0);
		fputs(",\"args\":{\"detail\":", c->f);
		rp_put_json(c->f, p->detail);
		fprintf(c->f, ",\"event_id\":%" PRId64 "}}", p->event_id);
	}
	for (i = 0; i < v->ncurve; i++) {
		ev(c, "C", pid, tid);
		fprintf(c->f, ",\"cat\":\"oom\",\"name\":\"held_kb victim %d\"", v->index);
		ts(c, "ts", v->curve[i].ts_ns - c->t0);
		fprintf(c->f, ",\"args\":{\"held_kb\":%" PRId64 "}}", v->curve[i].held_kb);
	}
	return 0;
}

int rp_export_chrome(const struct ol_analysis *a, FILE *f)
{
	struct ct c = { f, a->first_ns != OL_NONE ? a->first_ns : 0, true };
	struct rp_origin o;
	char num[PR_BUF];
	size_t i;

	fputs("{\"displayTimeUnit\":\"ms\",\"otherData\":{\"generator\":\"oomlens "
	      OL_REPORT_VERSION "\",\"kernel\":", f);
	rp_put_json(f, a->kernel);
	fputs(",\"host\":", f);
	rp_put_json(f, a->hostname);
	fputs(",\"clock\":", f);
	rp_put_json(f, a->clock);
	fputs(",\"ts_zero_ns\":", f);
	fprintf(f, "%" PRId64 "},\"traceEvents\":[", c.t0);
	for (i = 0; i < a->nepisodes; i++) {
		const struct ol_episode *e = &a->episodes[i];

		rp_episode_origin(a, e, &o);
		snprintf(num, sizeof(num), ": episode %d ", e->index);
		if (meta(&c, e->index + 1, 0, "process_name", o.host, num, e->domain))
			return -1;
		sort_index(&c, e->index + 1, 0, "process_sort_index", e->index + 1);
	}
	for (i = 0; i < a->nvictims; i++)
		if (victim(&c, a, &a->victims[i]))
			return -1;
	fputs("\n]}\n", f);
	return 0;
}
