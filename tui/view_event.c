// SPDX-License-Identifier: GPL-2.0
/*
 * The event detail page: one timeline point, then the victim's facts and
 * the explanations of its verdicts, as the presentation layer words them
 * for every report (reports/present.h).  Built once into a text page,
 * then shown by the text view.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tui/tui-local.h"

#define ADD(...) do { if (text_page_add(p, __VA_ARGS__) < 0) goto fail; } while (0)
#define WRAP(s, first, ind) do { if (text_page_wrap(p, s, width, first, ind) < 0) goto fail; } while (0)

static bool only(const struct ol_victim *v, const void *want)
{
	return v == want;
}

int tui_event_page(const struct ol_analysis *a, const char *dbname,
		   const struct event_ref *r, int width, struct text_page *p)
{
	const struct ol_victim *v = &a->victims[r->victim];
	int64_t res = pr_resolution(a);
	struct pr_facts f = { 0 };
	struct pr_explanations ex = { 0 };
	char esc[4096], db[512], b1[PR_BUF], b2[PR_BUF];
	size_t i;

	memset(p, 0, sizeof(*p));
	p->title = "Event detail";
	if (r->point >= 0 && (size_t)r->point < v->npoints) {
		const struct ol_point *pt = &v->points[r->point];

		ADD("Event");
		ADD("  what:  %s", pr_ascii_buf(esc, sizeof(esc), pt->what));
		ADD("  time:  %s s on the trace clock, %s from the kill",
		    pr_abs(b1, pt->ts_ns, 6, res, "unknown"),
		    pr_rel(b2, pr_since(v, pt->ts_ns), res, "unknown"));
		/* the database the user opened: the hint runs as it is */
		pr_ascii_buf(db, sizeof(db), dbname);
		if (pt->event_id >= 0)
			ADD("  event: id %" PRId64 "  (sqlite3 '%s' \"SELECT * FROM events "
			    "WHERE id = %" PRId64 "\")", pt->event_id, db, pt->event_id);
		else
			ADD("  event: none (derived by the analysis, not one stored event)");
		ADD("  detail:");
		WRAP(pr_ascii_buf(esc, sizeof(esc), pt->detail ? pt->detail : "-"), 4, 4);
		ADD("%s", "");
	}
	ADD("Victim %d of episode %d: pid %d (%s)", v->index, v->episode, v->pid,
	    pr_ascii_buf(esc, sizeof(esc), v->comm));
	if (pr_victim_facts(a, v, res, &f))
		goto fail;
	for (i = 0; i < f.n; i++) {
		snprintf(esc, sizeof(esc), "%s%s: %s", f.v[i].warn ? "WARNING " : "",
			 f.v[i].label, f.v[i].text);
		WRAP(esc, 2, 4);
	}
	ADD("%s", "");
	if (pr_explain(a, res, true, only, v, &ex))
		goto fail;
	ADD("Verdicts (headline: %s, %s)", pr_verdict(v->verdict), pr_conf(v->verdict_confidence));
	if (!ex.n)
		ADD("  (none recorded)");
	for (i = 0; i < ex.n; i++) {
		ADD("  %s%s (%s): %s", ex.v[i].kind == OL_VERDICT_UNNECESSARY ? "! " : "",
		    pr_verdict(ex.v[i].kind), pr_conf(ex.v[i].confidence),
		    ol_verdict_help(ex.v[i].kind));
		if (ex.v[i].about >= 0)
			ADD("    about victim %d (pid %d)", ex.v[i].about, a->victims[ex.v[i].about].pid);
		WRAP(*ex.v[i].text ? ex.v[i].text : "-", 4, 4);
	}
	pr_facts_free(&f);
	pr_explanations_free(&ex);
	return 0;
fail:
	pr_facts_free(&f);
	pr_explanations_free(&ex);
	text_page_free(p);
	return -1;
}
