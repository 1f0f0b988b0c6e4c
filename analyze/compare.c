// SPDX-License-Identifier: GPL-2.0
/*
 * The figures of one or more recordings, for `oomlens diff BEFORE AFTER`
 * (a patch author's kernel before and after the patch) and `oomlens
 * summary` (the table `make scenarios` prints).  Computed from loaded
 * analyses (ol_analysis_load()), plus what each database says was
 * recorded, so that a difference in the data is stated next to a
 * difference in the kernel's behaviour.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collect/collect.h"	/* ol_db_open_readonly() */
#include "analyze/analyze-local.h"

static int cmp64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return (a > b) - (a < b);
}

/* Nearest-rank percentiles of @n values (sorted here), OL_NONE if none. */
static void pcts(int64_t *v, size_t n, int64_t *p50, int64_t *p90, int64_t *max)
{
	*p50 = *p90 = *max = OL_NONE;
	if (!n)
		return;
	qsort(v, n, sizeof(*v), cmp64);
	*p50 = v[(n * 50 + 99) / 100 - 1];
	*p90 = v[(n * 90 + 99) / 100 - 1];
	*max = v[n - 1];
}

/* What victim @v still held at @ts (kB), from its curve and freed times. */
static int64_t held_at(const struct ol_victim *v, int64_t ts)
{
	int64_t h = v->rss_kb;
	size_t i;

	if (ts < v->kill_ns)
		return v->rss_kb;
	if (v->last_freed_ns != OL_NONE && ts >= v->last_freed_ns)
		return 0;
	if (v->ncurve && v->curve[0].ts_ns <= ts) {
		for (i = 0; i < v->ncurve && v->curve[i].ts_ns <= ts; i++)
			h = v->curve[i].held_kb;
		return h;
	}
	if (v->freed_ns != OL_NONE && ts >= v->freed_ns)
		return v->rss_kb != OL_NONE ? v->rss_kb / 10 : 0;
	return h;
}

/* Add the figures of @a to @f; @ttf / @skip collect the durations. */
static void add_analysis(struct ol_runfig *f, const struct ol_analysis *a,
			 int64_t *ttf, int64_t *skip)
{
	size_t i, k;

	f->victims += a->nvictims;
	f->sharers += a->nsharers;
	for (i = 0; i < a->nvictims; i++) {
		const struct ol_victim *v = &a->victims[i];
		bool seen[OL_VERDICT_NR] = { false };

		for (k = 0; k < v->nverdicts; k++)
			if ((unsigned)v->verdicts[k].kind < OL_VERDICT_NR &&
			    !seen[v->verdicts[k].kind]) {
				seen[v->verdicts[k].kind] = true;
				f->verdicts[v->verdicts[k].kind]++;
			}
		if (v->bypass)
			f->bypasses++;
		else
			f->kills++;
		if (v->freed_ns != OL_NONE)
			ttf[f->with_ttf++] = v->freed_ns - v->kill_ns;
		if (v->skip_ns != OL_NONE)
			skip[f->with_skip++] = v->skip_ns - v->kill_ns;
		if ((unsigned)v->skip_by < OL_SKIP_BY_NR && v->skip_ns != OL_NONE)
			f->skip_by[v->skip_by]++;
		if (v->reaper.gave_up)
			f->gave_up++;
		else if (v->reaper.start_ns != OL_NONE || v->reaper.end_ns != OL_NONE)
			f->reaped++;
		else
			f->not_needed++;
	}
	/* memory the episode's earlier victims still held at each further kill */
	for (i = 0; i < a->nepisodes; i++) {
		const struct ol_episode *e = &a->episodes[i];
		size_t b, x;

		for (b = e->first + 1; b < e->first + e->count && b < a->nvictims; b++) {
			const struct ol_victim *B = &a->victims[b];
			int64_t sum = 0;

			if (B->bypass)
				continue;
			for (x = e->first; x < b; x++) {
				int64_t h = held_at(&a->victims[x], B->kill_ns);

				if (h != OL_NONE && h > 0)
					sum += h;
			}
			f->further++;
			f->held_sum_kb += sum;
			if (sum > f->held_max_kb)
				f->held_max_kb = sum;
		}
	}
}

static void fig_finish(struct ol_runfig *f, int64_t *ttf, int64_t *skip)
{
	pcts(ttf, f->with_ttf, &f->ttf_p50, &f->ttf_p90, &f->ttf_max);
	pcts(skip, f->with_skip, &f->skip_p50, &f->skip_p90, &f->skip_max);
}

/* analysis_meta's record of which event classes the data has. */
static char *recorded_of(const char *path)
{
	static const char *const keys[] = {
		"mark_victim", "exit_mmap", "group_dead", "rss_stat", "mmap_lock", "console",
	};
	char buf[256] = "", *err = NULL;
	sqlite3 *db = ol_db_open_readonly(path, &err);
	sqlite3_stmt *s = NULL;
	size_t i, at = 0;

	free(err);	/* it opened a moment ago for the analysis */
	if (db && sqlite3_prepare_v2(db, "SELECT value FROM analysis_meta WHERE key = ?1",
				     -1, &s, NULL) == SQLITE_OK) {
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			const char *v = "?";

			sqlite3_bind_text(s, 1, keys[i], -1, SQLITE_STATIC);
			if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
				v = (const char *)sqlite3_column_text(s, 0);
			at += (size_t)snprintf(buf + at, sizeof(buf) - at, "%s%s=%s",
					       i ? " " : "", keys[i], v);
			if (at >= sizeof(buf))
				at = sizeof(buf) - 1;
			sqlite3_reset(s);
		}
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	return ol_xstrdup(buf);
}

static char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	n = strlen(b);
	if (n > 3 && !strcmp(b + n - 3, ".db"))
		n -= 3;
	return strndup(b, n);
}

static int name_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The databases @path names: itself, or the *.db files of a folder. */
static char **db_paths(const char *path, size_t *n, char **err)
{
	struct stat st;
	struct dirent *d;
	char **v = NULL;
	size_t cap = 0;
	DIR *dir;

	*n = 0;
	if (stat(path, &st)) {
		*err = ol_fmt("'%s': no such file or folder", path);
		return NULL;
	}
	if (!S_ISDIR(st.st_mode)) {
		v = malloc(sizeof(*v));
		if (v && (v[0] = ol_xstrdup(path)))
			*n = 1;
		return v;
	}
	if (!(dir = opendir(path))) {
		*err = ol_fmt("'%s': cannot read the folder", path);
		return NULL;
	}
	while ((d = readdir(dir))) {
		size_t len = strlen(d->d_name);
		char **g;

		if (len < 4 || strcmp(d->d_name + len - 3, ".db"))
			continue;
		g = ol_grow(v, &cap, *n + 1, sizeof(*v));
		if (!g)
			break;
		v = g;
		v[(*n)++] = ol_fmt("%s/%s", path, d->d_name);
	}
	closedir(dir);
	if (!*n) {
		*err = ol_fmt("'%s': no *.db databases in this folder", path);
		free(v);
		return NULL;
	}
	qsort(v, *n, sizeof(*v), name_cmp);
	return v;
}

/* Append @k to the ", "-joined list @list unless it is in it already. */
static char *join_unique(char *list, const char *k)
{
	char *r;
	const char *p;
	size_t kl = strlen(k);

	if (!*k)
		k = "unknown", kl = 7;
	for (p = list; p && (p = strstr(p, k)); p += kl)
		if ((p == list || p[-1] == ' ') && (!p[kl] || p[kl] == ','))
			return list;
	r = list && *list ? ol_fmt("%s, %s", list, k) : ol_xstrdup(k);
	free(list);
	return r;
}

int ol_runset_load(const char *path, struct ol_runset *rs, char **err)
{
	struct ol_analysis **as = NULL;
	int64_t *ttf = NULL, *skip = NULL, *t1 = NULL, *s1 = NULL;
	size_t n = 0, i, nv = 0;
	char **paths;
	int ret = -1;

	memset(rs, 0, sizeof(*rs));
	rs->path = ol_xstrdup(path);
	if (!(paths = db_paths(path, &n, err)))
		goto out;
	as = calloc(n, sizeof(*as));
	rs->runs = calloc(n, sizeof(*rs->runs));
	if (!as || !rs->runs) {
		*err = ol_fmt("out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct ol_run *r = &rs->runs[i];

		if (!(as[i] = ol_analysis_load(paths[i], err)))
			goto out;
		rs->nruns++;
		r->path = ol_xstrdup(paths[i]);
		r->name = base_name(paths[i]);
		r->kernel = ol_xstrdup(as[i]->kernel ? as[i]->kernel : "");
		r->era = ol_xstrdup(as[i]->era ? as[i]->era : "");
		r->evidence = ol_xstrdup(as[i]->evidence ? as[i]->evidence : "");
		r->lost = as[i]->lost_total;
		r->recorded = recorded_of(paths[i]);
		rs->kernels = join_unique(rs->kernels, r->kernel);
		nv += as[i]->nvictims;
	}
	ttf = malloc((nv + 1) * sizeof(*ttf));
	skip = malloc((nv + 1) * sizeof(*skip));
	t1 = malloc((nv + 1) * sizeof(*t1));
	s1 = malloc((nv + 1) * sizeof(*s1));
	if (!ttf || !skip || !t1 || !s1) {
		*err = ol_fmt("out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct ol_runfig *f = &rs->runs[i].fig;

		add_analysis(f, as[i], t1, s1);
		fig_finish(f, t1, s1);
		/* the total pools every victim of every run */
		add_analysis(&rs->total, as[i], ttf, skip);
	}
	fig_finish(&rs->total, ttf, skip);
	ret = 0;
out:
	for (i = 0; as && i < n; i++)
		ol_analysis_free(as[i]);
	for (i = 0; paths && i < n; i++)
		free(paths[i]);
	free(paths);
	free(as);
	free(ttf);
	free(skip);
	free(t1);
	free(s1);
	if (ret)
		ol_runset_free(rs);
	return ret;
}

void ol_runset_free(struct ol_runset *rs)
{
	size_t i;

	for (i = 0; rs->runs && i < rs->nruns; i++) {
		free(rs->runs[i].name);
		free(rs->runs[i].path);
		free(rs->runs[i].kernel);
		free(rs->runs[i].era);
		free(rs->runs[i].evidence);
		free(rs->runs[i].recorded);
	}
	free(rs->runs);
	free(rs->path);
	free(rs->kernels);
	memset(rs, 0, sizeof(*rs));
}
