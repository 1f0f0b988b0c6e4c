// SPDX-License-Identifier: GPL-2.0
/*
 * tui/ without a terminal: escaping of untrusted names, formats, the
 * victims rows (grouping, sort, filter, search), the event detail page,
 * and the views drawn into an ncurses screen whose output goes to
 * /dev/null, read back with mvinnstr().  The analysis is built by hand
 * (fake_analysis), so this test does not depend on analyze/'s loader.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui.h"
#include "tui/tui-local.h"
#include "unit.h"

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		abort();
	return d;
}

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);

	if (!p)
		abort();
	return p;
}

static void add_point(struct ol_victim *v, int64_t ts, const char *what, const char *detail,
		      int64_t id)
{
	struct ol_point *p = &v->points[v->npoints++];

	p->ts_ns = ts;
	p->what = what;
	p->detail = xstrdup(detail);
	p->event_id = id;
}

/*
 * @nvictims victims in @nepisodes episodes, 3 s apart within an episode.
 * Victim 1 of each episode with >1 victims is stuck (reaped after 2 s,
 * memory freed at +6 s) and its followers are unnecessary kills.
 * Victim 0's comm carries an escape sequence.  Free with fake_free().
 */
static struct ol_analysis *fake_analysis(size_t nvictims, size_t nepisodes)
{
	struct ol_analysis *a = xcalloc(1, sizeof(*a));
	size_t e, i, per = (nvictims + nepisodes - 1) / nepisodes;
	int64_t s = 1000000000, t0 = 5000 * s;
	char buf[256];

	a->db_path = xstrdup("fake.db");
	a->kernel = xstrdup("6.18.0-fake");
	a->hostname = xstrdup("host");
	a->clock = xstrdup("local");
	a->sources = xstrdup("fake");
	a->era = xstrdup("6.x");
	a->cpus = 2;
	a->lost_total = 0;
	a->first_ns = t0;
	a->nepisodes = nepisodes;
	a->episodes = xcalloc(nepisodes, sizeof(*a->episodes));
	a->nvictims = nvictims;
	a->victims = xcalloc(nvictims, sizeof(*a->victims));
	for (e = 0, i = 0; e < nepisodes; e++) {
		struct ol_episode *ep = &a->episodes[e];
		size_t k;

		snprintf(buf, sizeof(buf), "/oomlens-sample-%zu/hog", e);
		ep->index = (int)e;
		ep->domain = xstrdup(e == 1 ? "global" : buf);
		ep->first = i;
		ep->start_ns = t0 + (int64_t)e * 100 * s;
		for (k = 0; k < per && i < nvictims; k++, i++) {
			struct ol_victim *v = &a->victims[i];
			int64_t kill = ep->start_ns + (int64_t)k * 3 * s;
			bool stuck = k == 0 && per > 1;

			v->index = (int)i;
			v->episode = (int)e;
			v->pid = 1000 + (int)i;
			v->tgid = v->pid;
			snprintf(buf, sizeof(buf), i == 0 ? "evil\033[31m" : "hog-%zu", i);
			v->comm = xstrdup(buf);
			v->uid = 0;
			v->oom_score_adj = 0;
			v->oom_score_adj_known = true;
			v->anon_kb = 40000 + (int64_t)(i % 7) * 1000;
			v->file_kb = 100;
			v->shmem_kb = stuck ? 60000 : 0;
			v->total_vm_kb = 200000;
			v->pgtables_kb = 300;
			v->rss_kb = v->anon_kb + v->file_kb + v->shmem_kb;
			v->mem_source = "event";
			v->trigger_pid = v->pid;
			v->trigger_comm = xstrdup("hog");
			v->domain = xstrdup(ep->domain);
			v->group = -1;
			v->kill_ns = kill;
			v->skip_lo_ns = kill + (stuck ? 2 * s : 1000000);
			v->skip_hi_ns = v->skip_lo_ns + 50000;
			v->skip_ns = v->skip_hi_ns;
			v->skip_by = stuck ? OL_SKIP_BY_REAPER : OL_SKIP_BY_EXIT;
			v->skip_confidence = OL_CONF_OBSERVED;
			v->freed_ns = kill + (stuck ? 6 * s : 2000000);
			v->last_freed_ns = v->freed_ns;
			v->freed_by = stuck ? OL_FREED_BY_EXIT : OL_FREED_BY_EXIT;
			v->freed_confidence = OL_CONF_OBSERVED;
			v->exit_ns = v->freed_ns + 100000;
			v->process_free_ns = OL_NONE;
			v->reaper = (struct ol_reaper_run){ OL_NONE, OL_NONE, OL_NONE, 0, 0, false,
							    OL_NONE, OL_NONE };
			v->points = xcalloc(8, sizeof(*v->points));
			add_point(v, kill, "kill", "mark_victim: oom killer chose this task", (int64_t)i * 10);
			if (stuck) {
				v->reaper = (struct ol_reaper_run){ kill + 2 * s, kill + 2 * s,
					kill + 2 * s + 40000, 1, 0, false, 0, 60000 };
				add_point(v, kill + 2 * s, "wake_reaper", "oom_reaper woken", (int64_t)i * 10 + 1);
				add_point(v, kill + 2 * s + 1000, "reap_start", "start_task_reaping", (int64_t)i * 10 + 2);
				add_point(v, kill + 2 * s + 40000, "reap_finish", "finish_task_reaping: reaped 0 kB", (int64_t)i * 10 + 3);
				add_point(v, v->skip_ns, "skip_set", "MMF_OOM_SKIP set after reaping", -1);
			} else {
				add_point(v, v->skip_ns, "skip_set", "MMF_OOM_SKIP set by exit_mmap", -1);
			}
			add_point(v, v->freed_ns, "freed", "rss down to 10% of the kill", -1);
			add_point(v, v->exit_ns, "last_exit", "sched_process_exit group_dead=1", (int64_t)i * 10 + 5);
			v->curve = xcalloc(4, sizeof(*v->curve));
			v->curve[v->ncurve++] = (struct ol_rss_sample){ kill, v->rss_kb };
			v->curve[v->ncurve++] = (struct ol_rss_sample){ kill + (v->freed_ns - kill) / 2, v->rss_kb * 3 / 4 };
			v->curve[v->ncurve++] = (struct ol_rss_sample){ v->freed_ns, v->rss_kb / 20 };
			v->curve[v->ncurve++] = (struct ol_rss_sample){ v->exit_ns, 0 };
			v->verdicts = xcalloc(1, sizeof(*v->verdicts));
			v->nverdicts = 1;
			if (k > 0 && k <= 2 && per > 1) {
				v->verdict = OL_VERDICT_UNNECESSARY;
				v->verdicts[0].other = (int)ep->first;
				snprintf(buf, sizeof(buf), "victim %zu still held 60000 kB at this kill and released it %d s later",
					 ep->first + 1, 6 - 3 * (int)k);
			} else {
				v->verdict = OL_VERDICT_OK;
				v->verdicts[0].other = -1;
				snprintf(buf, sizeof(buf), "memory freed %s after the kill", stuck ? "6 s" : "2 ms");
			}
			v->verdict_confidence = OL_CONF_OBSERVED;
			v->verdicts[0].kind = v->verdict;
			v->verdicts[0].confidence = OL_CONF_OBSERVED;
			v->verdicts[0].evidence = xstrdup(buf);
			if (v->verdict == OL_VERDICT_UNNECESSARY)
				ep->unnecessary++;
			a->summary.verdicts[v->verdict]++;
			ep->end_ns = v->exit_ns > ep->end_ns ? v->exit_ns : ep->end_ns;
			a->last_ns = ep->end_ns;
		}
		ep->count = i - ep->first;
	}
	a->summary.victims = a->summary.kills = nvictims;
	return a;
}

/* A hand-built analysis owns every array and string: the loader's free. */
static void fake_free(struct ol_analysis *a)
{
	ol_analysis_free(a);
}

#ifndef TUI_NO_TEST_MAIN

/* The TUI shows untrusted strings and numbers as every report does. */
static void test_escape(void)
{
	char buf[64];

	pr_ascii_buf(buf, sizeof(buf), "evil\033[31m");
	CHECK(!strcmp(buf, "evil\\x1b[31m"), "escape sequence escaped: %s", buf);
	pr_ascii_buf(buf, sizeof(buf), "a\\b\x7f\xc3\xa9\n");
	CHECK(!strcmp(buf, "a\\\\b\\x7f\\xc3\\xa9\\x0a"), "backslash/DEL/high/newline: %s", buf);
	pr_ascii_buf(buf, 8, "ab\033\033\033");
	CHECK(!strcmp(buf, "ab\\x1b"), "truncation keeps escapes whole: %s", buf);
}

static void test_formats(void)
{
	char b[PR_BUF];

	CHECK(!strcmp(pr_dur(b, OL_NONE, 1, "-"), "-"), "dur unknown -");
	CHECK(!strcmp(pr_dur(b, 2010000000, 1, "-"), "2.010s"), "dur 2.010s: %s", b);
	/* rounded, not truncated to 4ms */
	CHECK(!strcmp(pr_rel(b, 4956000, 1, "-"), "+0.005s"), "rel +0.005s: %s", b);
	CHECK(!strcmp(pr_kb(b, 512, "-"), "512K"), "kb 512K: %s", b);
	CHECK(!strcmp(pr_kb(b, 1536, "-"), "1.5M"), "kb 1.5M: %s", b);
	CHECK(!strcmp(pr_kb(b, 3 * 1024 * 1024, "-"), "3.0G"), "kb 3.0G: %s", b);
	CHECK(!strcmp(pr_abs(b, 12345678901234, 6, 1, "-"), "12345.678901"), "ts: %s", b);
	CHECK(!strcmp(tui_fit_tail(b, sizeof(b), "/a/long/cgroup", 8), "~/cgroup"), "fit tail: %s", b);
}

static void test_rows(const struct ol_analysis *a)
{
	struct vfilter all = { 0 }, unn = { 1, OL_VERDICT_UNNECESSARY, NULL };
	struct vfilter glob = { 2, OL_VERDICT_OK, "global" };
	struct vrow *r;
	size_t n, i, headers = 0, bad = 0;

	r = tui_victim_rows(a, PR_COL_TIME, false, &all, &n);
	for (i = 0; i < n; i++)
		headers += r[i].victim < 0;
	CHECK(n == a->nvictims + a->nepisodes && headers == a->nepisodes,
	      "rows grouped: %zu rows, %zu headers", n, headers);
	free(r);

	r = tui_victim_rows(a, PR_COL_RSS, true, &all, &n);
	for (i = 1; i < n; i++)
		if (r[i].victim >= 0 && r[i - 1].victim >= 0 &&
		    a->victims[r[i].victim].rss_kb > a->victims[r[i - 1].victim].rss_kb)
			bad++;
	CHECK(!bad && r[0].victim < 0 && r[1].victim == (int)a->episodes[0].first,
	      "rss reversed: descending inside each episode, stuck victim first");
	free(r);

	r = tui_victim_rows(a, PR_COL_PID, false, &unn, &n);
	for (i = 0, bad = 0; i < n; i++)
		if (r[i].victim >= 0 && a->victims[r[i].victim].verdict != OL_VERDICT_UNNECESSARY)
			bad++;
	CHECK(n > 0 && !bad, "verdict filter keeps only unnecessary kills (%zu rows)", n);
	free(r);

	r = tui_victim_rows(a, PR_COL_PID, false, &glob, &n);
	CHECK(n == a->episodes[1].count + 1 && r[0].episode == 1, "domain filter: one episode");
	free(r);

	CHECK(tui_victim_matches(&a->victims[3], "1003"), "search by pid");
	CHECK(tui_victim_matches(&a->victims[3], "g-3"), "search by comm substring");
	CHECK(!tui_victim_matches(&a->victims[3], "100"), "pid search is exact");
}

static void test_event_page(const struct ol_analysis *a)
{
	struct event_ref r = { 0, 0 };
	struct text_page p;
	size_t i, ctrl = 0;
	bool esc = false, evidence = false;

	CHECK(tui_event_page(a, "/tmp/x.db", &r, 80, &p) == 0, "event page built");
	for (i = 0; i < p.nlines; i++) {
		const char *s;

		for (s = p.lines[i]; *s; s++)
			ctrl += (unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f;
		esc |= strstr(p.lines[i], "evil\\x1b[31m") != NULL;
		evidence |= strstr(p.lines[i], "memory freed") != NULL;
	}
	CHECK(!ctrl, "event page has no control bytes");
	CHECK(esc, "event page shows comm escaped");
	CHECK(evidence, "event page shows the verdict evidence");
	text_page_free(&p);
}

/* Row @row of the virtual screen as text. */
static const char *screen_row(int row)
{
	static char buf[512];
	int i;

	mvinnstr(row, 0, buf, COLS);
	for (i = (int)strlen(buf); i > 0 && buf[i - 1] == ' '; i--)
		buf[i - 1] = '\0';
	return buf;
}

static bool screen_has(const char *text)
{
	int r;

	for (r = 0; r < LINES; r++)
		if (strstr(screen_row(r), text))
			return true;
	return false;
}

static void test_screens(const struct ol_analysis *a)
{
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	SCREEN *scr;
	struct tui t;
	struct view *v;

	setenv("LINES", "24", 1);
	setenv("COLUMNS", "80", 1);
	scr = out && in ? newterm("xterm-256color", out, in) : NULL;
	if (!scr) {
		CHECK(false, "newterm on /dev/null");
		return;
	}
	memset(&t, 0, sizeof(t));
	t.a = a;
	t.dbname = "fake.db";
	tui_update_size(&t);
	CHECK(t.rows == 24 && t.cols == 80, "virtual screen 80x24");
	CHECK(tui_push(&t, tui_view_victims(), NULL) == 0, "victims view opens");
	tui_draw(&t);
	CHECK(strstr(screen_row(0), "Victims 1/") != NULL, "title: %s", screen_row(0));
	CHECK(screen_has("-- episode 1"), "episode header shown");
	CHECK(screen_has(" evil\\x1b[") && !screen_has("\033"), "comm escaped on screen");
	CHECK(strstr(screen_row(23), "fake.db | 40 victims, 8 unnecessary | kernel 6.18.0-fake"),
	      "status line: %s", screen_row(23));
	CHECK(screen_row(3)[0] == '!' || screen_row(4)[0] == '!', "unnecessary kill marked !");

	v = &t.stack[0];
	v->ops->request(v, &t, REQ_SORT);
	tui_draw(&t);
	CHECK(strstr(screen_row(0), "sort: pid") != NULL, "s: sort by pid: %s", screen_row(0));
	v->ops->request(v, &t, REQ_FILTER);
	tui_draw(&t);
	CHECK(strstr(screen_row(0), "filter: verdict=ok") != NULL, "f: filter: %s", screen_row(0));
	v->ops->request(v, &t, REQ_FILTER_CLEAR);
	v->ops->request(v, &t, REQ_DOWN);
	CHECK(v->ops->request(v, &t, REQ_ENTER) == TUI_PUSH, "Enter opens the timeline");
	tui_push(&t, t.next_ops, t.next_arg);
	tui_draw(&t);
	/* numbered by the database ids: episode 0, victim 1 */
	CHECK(strstr(screen_row(0), "Timeline  episode 0") != NULL, "timeline: %s", screen_row(0));
	CHECK(screen_has(">!#1 1001 hog-1"), "selected lane marked");
	CHECK(screen_has("events of #1 1001 hog-1"), "event list of the selected victim");
	v = &t.stack[1];
	v->ops->request(v, &t, REQ_ZOOM_IN);
	tui_draw(&t);
	CHECK(strstr(screen_row(0), "(2x)") != NULL, "zoom in: %s", screen_row(0));
	v->ops->request(v, &t, REQ_NEXT);
	CHECK(v->ops->request(v, &t, REQ_ENTER) == TUI_PUSH, "Enter opens the detail");
	tui_push(&t, t.next_ops, t.next_arg);
	tui_draw(&t);
	CHECK(screen_has("what:  skip_set"), "detail shows the event");
	CHECK(screen_has("event: none (derived by the analysis"), "derived point said so");
	v = &t.stack[2];
	v->ops->request(v, &t, REQ_LAST);
	tui_draw(&t);
	CHECK(screen_has("! unnecessary (observed)"), "detail shows the verdict");
	CHECK(screen_has("about victim 0 (pid 1000)"), "detail names the related victim");
	while (t.depth > 0) {
		v = &t.stack[--t.depth];
		v->ops->close(v);
	}
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
}

int main(void)
{
	struct ol_analysis *a = fake_analysis(40, 4);

	test_escape();
	test_formats();
	test_rows(a);
	test_event_page(a);
	test_screens(a);
	fake_free(a);
	return unit_done();
}
#endif
