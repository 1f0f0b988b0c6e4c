// SPDX-License-Identifier: GPL-2.0
/*
 * `oomlens diff BEFORE AFTER` and `oomlens summary RUN`: recordings of
 * the scenarios on two kernels (before and after a patch) side by side,
 * per scenario and in total, as plain text for under a patch's `---`
 * (<= 72 ASCII columns), markdown or JSON; and one run's table.
 *
 * Each figure is described once (metrics[] below) and every format walks
 * that list; times, sizes and untrusted names go through the shared
 * formatters of reports/present.h.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "reports/present.h"
#include "reports/report-local.h"

static char *rp_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *rp_fmt(const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static const char *lost_str(char *buf, long long lost)
{
	if (lost < 0)
		snprintf(buf, PR_BUF, "unknown");
	else
		snprintf(buf, PR_BUF, "%lld", lost);
	return buf;
}

enum mkind { M_COUNT, M_DUR, M_KB, M_SHARE };

struct metric {
	const char	*key;		/* JSON */
	const char	*label;		/* text, markdown */
	enum mkind	kind;
	bool		always;		/* shown per scenario even when 0 / unknown */
	int64_t		(*get)(const struct ol_runfig *f);
};

#define G(name, expr) static int64_t get_##name(const struct ol_runfig *f) { return (int64_t)(expr); }
G(kills, f->kills)
G(bypasses, f->bypasses)
G(sharers, f->sharers)
G(unnecessary, f->verdicts[OL_VERDICT_UNNECESSARY])
G(ineffective, f->verdicts[OL_VERDICT_INEFFECTIVE])
G(raced, f->verdicts[OL_VERDICT_RACED])
G(ttf_p50, f->ttf_p50)
G(ttf_p90, f->ttf_p90)
G(ttf_max, f->ttf_max)
G(skip_p50, f->skip_p50)
G(skip_p90, f->skip_p90)
G(skip_max, f->skip_max)
G(by_reaper, f->skip_by[OL_SKIP_BY_REAPER])
G(by_gave_up, f->skip_by[OL_SKIP_BY_REAPER_GAVE_UP])
G(by_exit, f->skip_by[OL_SKIP_BY_EXIT])
G(by_pinned, f->skip_by[OL_SKIP_BY_MM_PINNED])
G(by_unknown, f->skip_by[OL_SKIP_BY_UNKNOWN])
G(reaped, f->reaped)
G(gave_up, f->gave_up)
G(not_needed, f->not_needed)
G(further, f->further)
G(held_sum, f->further ? f->held_sum_kb : OL_NONE)
G(held_max, f->further ? f->held_max_kb : OL_NONE)
#undef G

static const struct metric metrics[] = {
	{ "kills",		"kills",			M_COUNT, true,	get_kills },
	{ "bypasses",		"marked, no kill (bypass)",	M_COUNT, false,	get_bypasses },
	{ "sharers",		"sharers killed with them",	M_COUNT, false,	get_sharers },
	{ "unnecessary",	"unnecessary kills",		M_COUNT, true,	get_unnecessary },
	{ "ineffective",	"ineffective kills",		M_COUNT, true,	get_ineffective },
	{ "reaper_raced_exit",	"reaper raced the exit",	M_COUNT, false,	get_raced },
	{ "ttf_p50_s",		"time-to-free p50",		M_DUR,	 true,	get_ttf_p50 },
	{ "ttf_p90_s",		"time-to-free p90",		M_DUR,	 false,	get_ttf_p90 },
	{ "ttf_max_s",		"time-to-free max",		M_DUR,	 true,	get_ttf_max },
	{ "skip_p50_s",		"to MMF_OOM_SKIP p50",		M_DUR,	 true,	get_skip_p50 },
	{ "skip_p90_s",		"to MMF_OOM_SKIP p90",		M_DUR,	 false,	get_skip_p90 },
	{ "skip_max_s",		"to MMF_OOM_SKIP max",		M_DUR,	 false,	get_skip_max },
	{ "skip_by_reaper",	"  set by the reaper",		M_SHARE, false,	get_by_reaper },
	{ "skip_by_reaper_gave_up", "  set by the reaper, gave up", M_SHARE, false, get_by_gave_up },
	{ "skip_by_exit",	"  set by the exit path",	M_SHARE, false,	get_by_exit },
	{ "skip_by_mm_pinned",	"  set as mm pinned by init",	M_SHARE, false,	get_by_pinned },
	{ "skip_by_unknown",	"  setter unknown",		M_SHARE, false,	get_by_unknown },
	{ "reaper_reaped",	"reaper reaped",		M_COUNT, false,	get_reaped },
	{ "reaper_gave_up",	"reaper gave up",		M_COUNT, false,	get_gave_up },
	{ "reaper_not_needed",	"reaper not needed",		M_COUNT, false,	get_not_needed },
	{ "further_kills",	"further kills in an episode",	M_COUNT, false,	get_further },
	{ "held_at_further_kb",	"  held at them, sum",		M_KB,	 false,	get_held_sum },
	{ "held_at_further_max_kb", "  held at one, max",	M_KB,	 false,	get_held_max },
};
#define NMETRICS (sizeof(metrics) / sizeof(metrics[0]))

/* The denominator of a share: the victims whose MMF_OOM_SKIP is known. */
static int64_t share_of(const struct ol_runfig *f)
{
	return (int64_t)f->with_skip;
}

static char *fmt_value(char *buf, const struct metric *m, const struct ol_runfig *f)
{
	int64_t v;

	if (!f) {
		snprintf(buf, PR_BUF, "-");
		return buf;
	}
	v = m->get(f);
	switch (m->kind) {
	case M_DUR:
		return pr_dur(buf, v, 1, "-");
	case M_KB:
		return pr_kb(buf, v, "-");
	case M_SHARE:
		if (share_of(f) > 0 && v > 0)
			snprintf(buf, PR_BUF, "%" PRId64 " (%" PRId64 "%%)", v,
				 (v * 100 + share_of(f) / 2) / share_of(f));
		else
			snprintf(buf, PR_BUF, "%" PRId64, v);
		return buf;
	default:
		snprintf(buf, PR_BUF, "%" PRId64, v);
		return buf;
	}
}

/* The change from @b to @a: "+2", "-0.012s", "=" for none, "" if unknown. */
static char *fmt_change(char *buf, const struct metric *m, const struct ol_runfig *b,
			const struct ol_runfig *a)
{
	int64_t x, y, d;

	buf[0] = 0;
	if (!a || !b)
		return buf;
	x = m->get(b);
	y = m->get(a);
	if (x == OL_NONE || y == OL_NONE) {
		if (x != y)
			snprintf(buf, PR_BUF, "%s", x == OL_NONE ? "new" : "gone");
		return buf;
	}
	d = y - x;
	if (!d) {
		snprintf(buf, PR_BUF, "=");
		return buf;
	}
	switch (m->kind) {
	case M_DUR:
		pr_dur(buf + 1, d < 0 ? -d : d, 1, "");
		break;
	case M_KB:
		pr_kb(buf + 1, d < 0 ? -d : d, "");
		break;
	default:
		snprintf(buf + 1, PR_BUF - 1, "%" PRId64, d < 0 ? -d : d);
		break;
	}
	buf[0] = d < 0 ? '-' : '+';
	return buf;
}

static bool changed(const struct metric *m, const struct ol_runfig *b, const struct ol_runfig *a)
{
	return !a || !b || m->get(a) != m->get(b);
}

static bool shown(const struct metric *m, const struct ol_runfig *b, const struct ol_runfig *a)
{
	int64_t x = b ? m->get(b) : OL_NONE, y = a ? m->get(a) : OL_NONE;

	return m->always || (x != OL_NONE && x != 0) || (y != OL_NONE && y != 0);
}

/* ---- pairing: scenarios by name (two single databases: one pair) ---- */

struct pair {
	const char		*name;
	const struct ol_run	*b, *a;
};

static struct pair *pairs_of(const struct ol_runset *b, const struct ol_runset *a, size_t *n)
{
	struct pair *p = calloc(b->nruns + a->nruns + 1, sizeof(*p));
	size_t i = 0, j = 0;

	*n = 0;
	if (!p)
		return NULL;
	if (b->nruns == 1 && a->nruns == 1) {
		p[0] = (struct pair){ a->runs[0].name, &b->runs[0], &a->runs[0] };
		*n = 1;
		return p;
	}
	while (i < b->nruns || j < a->nruns) {	/* both sorted by name */
		int c = i >= b->nruns ? 1 : j >= a->nruns ? -1 :
			strcmp(b->runs[i].name, a->runs[j].name);

		if (c == 0)
			p[(*n)++] = (struct pair){ a->runs[j].name, &b->runs[i++], &a->runs[j++] };
		else if (c < 0)
			p[(*n)++] = (struct pair){ b->runs[i].name, &b->runs[i++], NULL };
		else
			p[(*n)++] = (struct pair){ a->runs[j].name, NULL, &a->runs[j++] };
	}
	return p;
}

/* Every difference in what was recorded, as sentences (NULL-terminated,
 * malloc()ed strings in a malloc()ed array); raw (escape for output). */
static char **recorded_diffs(const struct ol_runset *b, const struct ol_runset *a,
			     const struct pair *p, size_t np)
{
	char **v = calloc(4 * np + 8, sizeof(*v));
	size_t n = 0, i;

	if (!v)
		return NULL;
	for (i = 0; i < np; i++) {
		const struct ol_run *x = p[i].b, *y = p[i].a;

		if (!x || !y) {
			v[n++] = rp_fmt("%s: recorded %s only", p[i].name, x ? "before" : "after");
			continue;
		}
		if (strcmp(x->recorded, y->recorded))
			v[n++] = rp_fmt("%s: events recorded differ: before %s; after %s",
					p[i].name, x->recorded, y->recorded);
		if (strcmp(x->evidence, y->evidence))
			v[n++] = rp_fmt("%s: evidence differs: before %s, after %s", p[i].name,
					x->evidence, y->evidence);
		if (x->lost != 0 || y->lost != 0) {
			char l1[PR_BUF], l2[PR_BUF];

			v[n++] = rp_fmt("%s: events lost: before %s, after %s", p[i].name,
					lost_str(l1, x->lost), lost_str(l2, y->lost));
		}
		if (n && !v[n - 1])
			n--;	/* out of memory: the list ends here */
	}
	(void)b;
	(void)a;
	return v;
}

static void free_strs(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static bool no_change(const struct ol_runset *b, const struct ol_runset *a,
		      const struct pair *p, size_t np)
{
	size_t i, k;

	for (k = 0; k < NMETRICS; k++)
		if (changed(&metrics[k], &b->total, &a->total))
			return false;
	for (i = 0; i < np; i++) {
		if (!p[i].a || !p[i].b)
			return false;
		for (k = 0; k < NMETRICS; k++)
			if (changed(&metrics[k], &p[i].b->fig, &p[i].a->fig))
				return false;
	}
	return true;
}

/* ---- text (<= 72 columns) ---- */

static void text_side(FILE *f, const char *what, const struct ol_runset *s)
{
	char *path = pr_ascii(s->path), *k = pr_ascii(s->kernels ? s->kernels : "");
	size_t pl = path ? strlen(path) : 0;

	/* the path's tail fits the line */
	fprintf(f, "%-7s %s%s\n", what, pl > 62 ? "..." : "", path ? path + (pl > 62 ? pl - 59 : 0) : "");
	fprintf(f, "        kernel %.56s, %zu recording%s\n", k ? k : "", s->nruns,
		s->nruns == 1 ? "" : "s");
	free(path);
	free(k);
}

static void text_rows(FILE *f, const struct ol_runfig *b, const struct ol_runfig *a, bool all)
{
	char v1[PR_BUF], v2[PR_BUF], d[PR_BUF];
	size_t k;

	for (k = 0; k < NMETRICS; k++) {
		const struct metric *m = &metrics[k];

		if (!all && !shown(m, b, a))
			continue;
		char line[128];
		int n = snprintf(line, sizeof(line), "  %-28s %12s %12s %12s", m->label,
				 fmt_value(v1, m, b), fmt_value(v2, m, a), fmt_change(d, m, b, a));

		while (n > 0 && line[n - 1] == ' ')	/* no trailing blanks in a mail */
			line[--n] = 0;
		fprintf(f, "%s\n", line);
	}
}

/* Print @s (raw) wrapped at 72 columns, continuation lines indented. */
static void text_wrap(FILE *f, const char *s)
{
	char *e = pr_ascii(s), *p = e;
	size_t col = 0, w;

	while (p && *p) {
		w = strcspn(p, " ");
		if (col && col + 1 + w > 72) {
			fputs("\n   ", f);
			col = 3;
		} else if (col) {
			fputc(' ', f);
			col++;
		} else {
			fputs("- ", f);
			col = 2;
		}
		fprintf(f, "%.*s", (int)w, p);
		col += w;
		p += w;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
	free(e);
}

static void render_text(FILE *f, const struct ol_runset *b, const struct ol_runset *a,
			const struct pair *p, size_t np, char **rec)
{
	size_t i;

	fprintf(f, "oomlens diff\n");
	text_side(f, "before:", b);
	text_side(f, "after:", a);
	fprintf(f, "\n  %-28s %12s %12s %12s\n", "", "before", "after", "change");
	fprintf(f, "total (%zu scenario%s)\n", np, np == 1 ? "" : "s");
	text_rows(f, &b->total, &a->total, true);
	for (i = 0; i < np; i++) {
		char *n = pr_ascii(p[i].name), *o = NULL;

		/* two databases of different names are one pair: say both */
		if (p[i].b && p[i].a && strcmp(p[i].b->name, p[i].a->name))
			o = pr_ascii(p[i].b->name);
		fprintf(f, "%.34s%s%.34s\n", o ? o : "", o ? " -> " : "", n ? n : "");
		free(o);
		free(n);
		text_rows(f, p[i].b ? &p[i].b->fig : NULL, p[i].a ? &p[i].a->fig : NULL, false);
	}
	if (rec && rec[0]) {
		fprintf(f, "\nwhat was recorded differs:\n");
		for (i = 0; rec[i]; i++)
			text_wrap(f, rec[i]);
	}
	if (no_change(b, a, p, np))
		fprintf(f, "\nno change\n");
}

/* ---- markdown ---- */

static void md_table(FILE *f, const char *title, const struct ol_runfig *b,
		     const struct ol_runfig *a, bool all)
{
	char v1[PR_BUF], v2[PR_BUF], d[PR_BUF];
	size_t k;

	fprintf(f, "\n### ");
	rp_put_md(f, title);
	fprintf(f, "\n\n| | before | after | change |\n|---|---:|---:|---:|\n");
	for (k = 0; k < NMETRICS; k++) {
		const struct metric *m = &metrics[k];

		if (!all && !shown(m, b, a))
			continue;
		fprintf(f, "| %s | %s | %s | %s |\n", m->label[0] == ' ' ? m->label + 2 : m->label,
			fmt_value(v1, m, b), fmt_value(v2, m, a), fmt_change(d, m, b, a));
	}
}

static void render_md(FILE *f, const struct ol_runset *b, const struct ol_runset *a,
		      const struct pair *p, size_t np, char **rec)
{
	size_t i;

	fprintf(f, "## oomlens diff\n\n- before: `");
	rp_put_ascii(f, b->path);
	fprintf(f, "`, kernel ");
	rp_put_md(f, b->kernels);
	fprintf(f, ", %zu recordings\n- after: `", b->nruns);
	rp_put_ascii(f, a->path);
	fprintf(f, "`, kernel ");
	rp_put_md(f, a->kernels);
	fprintf(f, ", %zu recordings\n", a->nruns);
	md_table(f, "total", &b->total, &a->total, true);
	for (i = 0; i < np; i++)
		md_table(f, p[i].name, p[i].b ? &p[i].b->fig : NULL, p[i].a ? &p[i].a->fig : NULL,
			 false);
	if (rec && rec[0]) {
		fprintf(f, "\n### What was recorded differs\n\n");
		for (i = 0; rec[i]; i++) {
			fprintf(f, "- ");
			rp_put_md(f, rec[i]);
			fprintf(f, "\n");
		}
	}
	if (no_change(b, a, p, np))
		fprintf(f, "\nNo change.\n");
}

/* ---- JSON ---- */

static void json_value(FILE *f, const struct metric *m, const struct ol_runfig *x)
{
	char buf[PR_BUF];
	int64_t v = x ? m->get(x) : OL_NONE;

	if (v == OL_NONE)
		fputs("null", f);
	else if (m->kind == M_DUR)
		fputs(pr_secs_exact(buf, v), f);
	else
		fprintf(f, "%" PRId64, v);
}

static void json_figs(FILE *f, const char *ind, const struct ol_runfig *b,
		      const struct ol_runfig *a)
{
	size_t k;

	fprintf(f, "{");
	for (k = 0; k < NMETRICS; k++) {
		const struct metric *m = &metrics[k];

		fprintf(f, "%s\n%s  \"%s\": {\"before\": ", k ? "," : "", ind, m->key);
		json_value(f, m, b);
		fprintf(f, ", \"after\": ");
		json_value(f, m, a);
		fprintf(f, ", \"changed\": %s}", changed(m, b, a) ? "true" : "false");
	}
	fprintf(f, "\n%s}", ind);
}

static void json_side(FILE *f, const char *key, const struct ol_runset *s)
{
	size_t i;

	fprintf(f, "  \"%s\": {\"path\": ", key);
	rp_put_json(f, s->path);
	fprintf(f, ", \"kernels\": ");
	rp_put_json(f, s->kernels);
	fprintf(f, ", \"recordings\": [");
	for (i = 0; i < s->nruns; i++) {
		const struct ol_run *r = &s->runs[i];

		fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
		rp_put_json(f, r->name);
		fprintf(f, ", \"kernel\": ");
		rp_put_json(f, r->kernel);
		fprintf(f, ", \"era\": ");
		rp_put_json(f, r->era);
		fprintf(f, ", \"evidence\": ");
		rp_put_json(f, r->evidence);
		fprintf(f, ", \"events_lost\": ");
		if (r->lost < 0)
			fputs("null", f);
		else
			fprintf(f, "%lld", r->lost);
		fprintf(f, ", \"recorded\": ");
		rp_put_json(f, r->recorded);
		fprintf(f, "}");
	}
	fprintf(f, "]},\n");
}

static void render_json(FILE *f, const struct ol_runset *b, const struct ol_runset *a,
			const struct pair *p, size_t np, char **rec)
{
	size_t i;

	fprintf(f, "{\n  \"generator\": {\"name\": \"oomlens\", \"version\": \"%s\"},\n",
		OL_REPORT_VERSION);
	json_side(f, "before", b);
	json_side(f, "after", a);
	fprintf(f, "  \"total\": ");
	json_figs(f, "  ", &b->total, &a->total);
	fprintf(f, ",\n  \"scenarios\": [");
	for (i = 0; i < np; i++) {
		fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
		rp_put_json(f, p[i].name);
		fprintf(f, ", \"figures\": ");
		json_figs(f, "    ", p[i].b ? &p[i].b->fig : NULL, p[i].a ? &p[i].a->fig : NULL);
		fprintf(f, "}");
	}
	fprintf(f, "],\n  \"recorded_differences\": [");
	for (i = 0; rec && rec[i]; i++) {
		fprintf(f, "%s\n    ", i ? "," : "");
		rp_put_json(f, rec[i]);
	}
	fprintf(f, "],\n  \"no_change\": %s\n}\n", no_change(b, a, p, np) ? "true" : "false");
}

int ol_diff_render(const struct ol_runset *b, const struct ol_runset *a,
		   enum ol_report_format fmt, FILE *out, char **err)
{
	size_t np;
	struct pair *p = pairs_of(b, a, &np);
	char **rec = p ? recorded_diffs(b, a, p, np) : NULL;
	int ret = -1;

	if (!p || !rec) {
		*err = rp_fmt("out of memory");
		goto out;
	}
	switch (fmt) {
	case OL_REPORT_TEXT:
		render_text(out, b, a, p, np, rec);
		break;
	case OL_REPORT_MARKDOWN:
		render_md(out, b, a, p, np, rec);
		break;
	case OL_REPORT_JSON:
		render_json(out, b, a, p, np, rec);
		break;
	default:
		*err = rp_fmt("diff: format '%s' not supported (text, markdown, json)",
			      ol_report_format_name(fmt));
		goto out;
	}
	if (fflush(out) || ferror(out)) {
		*err = rp_fmt("cannot write the diff");
		goto out;
	}
	ret = 0;
out:
	free_strs(rec);
	free(p);
	return ret;
}

/* ---- one run's table (`oomlens summary`, `make scenarios`) ---- */

/* "unnecessary 2, ineffective 1" (every verdict kind that occurs) */
static void verdict_list(char *buf, size_t len, const struct ol_runfig *f)
{
	size_t at = 0;
	int k;

	buf[0] = 0;
	for (k = 0; k < OL_VERDICT_NR; k++)
		if (f->verdicts[k] && at < len)
			at += (size_t)snprintf(buf + at, len - at, "%s%s %zu", at ? ", " : "",
					       pr_verdict(k), f->verdicts[k]);
}

static void skip_list(char *buf, size_t len, const struct ol_runfig *f)
{
	size_t at = 0;
	int k;

	buf[0] = 0;
	for (k = 0; k < OL_SKIP_BY_NR; k++)
		if (f->skip_by[k] && at < len)
			at += (size_t)snprintf(buf + at, len - at, "%s%s %zu", at ? ", " : "",
					       ol_skip_by_name(k), f->skip_by[k]);
	if (!at)
		snprintf(buf, len, "-");
}

int ol_summary_render(const struct ol_runset *s, enum ol_report_format fmt, FILE *out,
		      char **err)
{
	char vl[256], sk[128], t1[PR_BUF];
	size_t i;

	if (fmt != OL_REPORT_TEXT && fmt != OL_REPORT_JSON) {
		*err = rp_fmt("summary: format '%s' not supported (text, json)",
			      ol_report_format_name(fmt));
		return -1;
	}
	if (fmt == OL_REPORT_JSON) {
		fprintf(out, "{\"path\": ");
		rp_put_json(out, s->path);
		fprintf(out, ", \"kernels\": ");
		rp_put_json(out, s->kernels);
		fprintf(out, ", \"scenarios\": [");
		for (i = 0; i < s->nruns; i++) {
			const struct ol_runfig *f = &s->runs[i].fig;

			verdict_list(vl, sizeof(vl), f);
			skip_list(sk, sizeof(sk), f);
			fprintf(out, "%s\n  {\"name\": ", i ? "," : "");
			rp_put_json(out, s->runs[i].name);
			fprintf(out, ", \"kills\": %zu, \"bypasses\": %zu, \"sharers\": %zu, "
				"\"verdicts\": \"%s\", \"ttf_p50_s\": %s, \"skip_by\": \"%s\"}",
				f->kills, f->bypasses, f->sharers, vl,
				f->ttf_p50 == OL_NONE ? "null" : pr_secs_exact(t1, f->ttf_p50), sk);
		}
		fprintf(out, "]}\n");
	} else {
		char *k = pr_ascii(s->kernels);

		fprintf(out, "kernel %.64s\n", k ? k : "");
		free(k);
		fprintf(out, "%-16s %5s %9s  %s\n", "scenario", "kills", "free p50",
			"MMF_OOM_SKIP set by");
		for (i = 0; i < s->nruns; i++) {
			const struct ol_runfig *f = &s->runs[i].fig;
			char *n = pr_ascii(s->runs[i].name);

			verdict_list(vl, sizeof(vl), f);
			skip_list(sk, sizeof(sk), f);
			fprintf(out, "%-16.16s %5zu %9s  %.38s\n", n ? n : "",
				f->kills + f->bypasses, pr_dur(t1, f->ttf_p50, 1, "-"), sk);
			fprintf(out, "%-16s verdicts: %.45s\n", "", vl[0] ? vl : "-");
			free(n);
		}
	}
	if (fflush(out) || ferror(out)) {
		*err = rp_fmt("cannot write the summary");
		return -1;
	}
	return 0;
}
