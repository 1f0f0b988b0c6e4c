// SPDX-License-Identifier: GPL-2.0
/*
 * ftrace text import: the tracefs `trace` file
 *   "   comm-pid   (tgid) [cpu] flags   ts: event: text"
 * and `trace-cmd report` output
 *   "[instance:]   comm-pid  [cpu]   ts: event:      text"
 * ((tgid), [cpu] and the flags are optional columns).  The printed text is
 * all there is: fields are read back from its "key=value" / "key:value"
 * pairs and renamed to the names of the event's format (the names a
 * trace.dat import stores), so the analysis reads both the same way.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect-local.h"


/* The kept events by bare name (the text does not print the system). */
static const struct { const char *event, *system; } systems[] = {
	{ "mark_victim", "oom" }, { "wake_reaper", "oom" },
	{ "start_task_reaping", "oom" }, { "finish_task_reaping", "oom" },
	{ "skip_task_reaping", "oom" }, { "oom_score_adj_update", "oom" },
	{ "reclaim_retry_zone", "oom" }, { "compact_retry", "oom" },
	{ "sched_process_exit", "sched" }, { "sched_process_free", "sched" },
	{ "sched_process_fork", "sched" },
	{ "task_newtask", "task" }, { "task_rename", "task" },
	{ "signal_generate", "signal" }, { "exit_mmap", "mmap" }, { "rss_stat", "kmem" },
	{ "mmap_lock_start_locking", "mmap_lock" },
	{ "mmap_lock_acquire_returned", "mmap_lock" },
	{ "mmap_lock_released", "mmap_lock" },
	{ "console", "printk" },
};

/* Printed key -> format field name, where they differ. */
static const struct { const char *event, *from, *to; } renames[] = {
	{ "sched_process_fork", "comm", "parent_comm" },
	{ "sched_process_fork", "pid", "parent_pid" },
	{ "signal_generate", "grp", "group" },
	{ "signal_generate", "res", "result" },
	{ "rss_stat", "type", "member" },
	{ "reclaim_retry_zone", "zone", "zone_idx" },
	{ "compact_retry", "compaction_result", "result" },
	{ "compact_retry", "should_retry", "ret" },
};

/* __print_symbolic() values back to numbers (the events' TP_printk). */
static const struct { const char *field, *sym; int value; } symbols[] = {
	{ "member", "MM_FILEPAGES", 0 }, { "member", "MM_ANONPAGES", 1 },
	{ "member", "MM_SWAPENTS", 2 }, { "member", "MM_SHMEMPAGES", 3 },
	{ "zone_idx", "DMA", 0 }, { "zone_idx", "DMA32", 1 },
	{ "zone_idx", "Normal", 2 }, { "zone_idx", "Movable", 3 },
	{ "priority", "COMPACT_PRIO_SYNC_FULL", 0 }, { "priority", "COMPACT_PRIO_SYNC_LIGHT", 1 },
	{ "priority", "COMPACT_PRIO_ASYNC", 2 },
	{ "result", "failed", 1 }, { "result", "withdrawn", 2 }, { "result", "progress", 3 },
};

struct fline {
	const char	*comm;
	size_t		comm_len;
	int		pid, cpu;
	int64_t		ts;
	const char	*event;
	size_t		event_len;
	const char	*text;
	size_t		text_len;
};

static bool is_flags(const char *s, size_t n)
{
	size_t i;

	if (n < 3 || n > 8)
		return false;
	for (i = 0; i < n; i++)
		if (!strchr(".dDNnhHsSbBXxzZpP0123456789", s[i]))
			return false;
	return true;
}

/* Right-to-left over the columns before the timestamp. */
static bool parse_head(const char *p, const char *e, struct fline *f)
{
	const char *t, *dash;

	f->cpu = -1;
	for (;;) {
		while (e > p && e[-1] == ' ')
			e--;
		for (t = e; t > p && t[-1] != ' '; t--)
			;
		if (t < e && *t == '[' && e[-1] == ']') {		/* [001] */
			f->cpu = atoi(t + 1);
			e = t;
		} else if (e > p && e[-1] == ')') {			/* (  1234) */
			const char *o = e - 1;

			while (o > p && *o != '(')
				o--;
			if (*o != '(')
				return false;
			e = o;
		} else if (f->cpu < 0 && is_flags(t, (size_t)(e - t))) {
			e = t;		/* irq flags, right of [cpu] */
		} else {
			break;
		}
	}
	while (p < e && *p == ' ')
		p++;
	/* "instance:" column of trace-cmd report */
	for (t = p; t < e && *t != ' '; t++)
		;
	if (t < e && t > p && t[-1] == ':')
		for (p = t; p < e && *p == ' '; p++)
			;
	for (dash = e - 1; dash > p && *dash != '-'; dash--)
		;
	if (dash <= p || dash + 1 >= e)
		return false;
	for (t = dash + 1; t < e; t++)
		if (!isdigit((unsigned char)*t))
			return false;
	f->pid = atoi(dash + 1);
	f->comm = p;
	f->comm_len = (size_t)(dash - p);
	return true;
}

/* Find " 123.456789: event:" and the columns around it. */
static bool parse_fline(const char *p, const char *e, struct fline *f)
{
	const char *c;

	for (c = p; (c = memchr(c, ':', (size_t)(e - c))); c++) {
		const char *d = c, *ev, *x, *secs;
		int64_t sec = 0, frac = 0;
		int nf = 0;

		while (d > p && isdigit((unsigned char)d[-1]))
			d--;
		if (d == c || d - 1 <= p || d[-1] != '.')
			continue;
		x = d - 1;
		while (x > p && isdigit((unsigned char)x[-1]))
			x--;
		/* more than 9 digits of seconds would overflow the ns */
		if (x == d - 1 || x == p || x[-1] != ' ' || d - 1 - x > 9)
			continue;
		secs = x;
		for (; x < d - 1; x++)
			sec = sec * 10 + (*x - '0');
		for (x = d; x < c; x++)
			if (nf < 9)
				frac = frac * 10 + (*x - '0'), nf++;
		for (; nf < 9; nf++)
			frac *= 10;
		if (c + 1 >= e || c[1] != ' ')
			continue;
		for (ev = x = c + 2; x < e && (isalnum((unsigned char)*x) || *x == '_'); x++)
			;
		if (x == ev || x >= e || *x != ':')
			continue;
		f->ts = sec * 1000000000LL + frac;
		f->event = ev;
		f->event_len = (size_t)(x - ev);
		/*
		 * trace-cmd report pads "event:" to 21 columns plus a space;
		 * tracefs prints one space.  Console text keeps its own
		 * leading blanks.
		 */
		{
			size_t pad = f->event_len + 1 < 21 ? 22 - (f->event_len + 1) : 1, sp = 0;

			x++;
			while (x + sp < e && x[sp] == ' ')
				sp++;
			x += sp >= pad ? pad : sp ? 1 : 0;
		}
		f->text = x;
		f->text_len = (size_t)(e - x);
		return parse_head(p, secs, f);
	}
	return false;
}

static const char *system_of(const char *ev, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(systems) / sizeof(systems[0]); i++)
		if (strlen(systems[i].event) == n && !strncmp(systems[i].event, ev, n))
			return systems[i].system;
	return NULL;
}

/* One value: number (a "kB"/"B" unit dropped), true/false, or a string. */
static void put_value(struct ol_buf *b, const char *event, const char *key,
		      const char *v, size_t n)
{
	size_t i, d = 0;

	for (i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++)
		if (!strcmp(symbols[i].field, key) && strlen(symbols[i].sym) == n &&
		    !strncmp(symbols[i].sym, v, n)) {
			ol_buf_printf(b, "%d", symbols[i].value);
			return;
		}
	if (!strcmp(event, "task_newtask") && !strcmp(key, "clone_flags")) {
		char hex[24];	/* printed %lx; @v is not NUL-terminated */

		snprintf(hex, sizeof(hex), "%.*s", (int)(n < 23 ? n : 23), v);
		ol_buf_printf(b, "%llu", strtoull(hex, NULL, 16));
		return;
	}
	if (n == 4 && !strncmp(v, "true", 4)) {
		ol_buf_puts(b, "1");
		return;
	}
	if (n == 5 && !strncmp(v, "false", 5)) {
		ol_buf_puts(b, "0");
		return;
	}
	if (n && v[0] == '-')
		d = 1;
	while (d < n && isdigit((unsigned char)v[d]))
		d++;
	if (d > (n && v[0] == '-') && (d == n || (n - d == 2 && !strncmp(v + d, "kB", 2)) ||
				  (n - d == 1 && v[d] == 'B'))) {
		ol_buf_add(b, v, d);
		return;
	}
	ol_buf_json_str(b, v, n);
}

/* "key=value key:value ..." -> JSON object in @b. */
static void text_fields(struct ol_buf *b, const char *event, const char *t, size_t n)
{
	const char *e = t + n, *tok, *sep;
	bool first = true;

	ol_buf_puts(b, "{");
	if (!strcmp(event, "console")) {
		ol_buf_puts(b, "\"msg\":");
		ol_buf_json_str(b, t, n);
	} else if (!strcmp(event, "exit_mmap")) {
		/* "mt_mod %p, DESTROY": only the maple tree pointer is printed */
		const char *x = memmem(t, n, "0x", 2);
		size_t l = 0;

		if (x)
			for (l = 2; x + l < e && isxdigit((unsigned char)x[l]); l++)
				;
		ol_buf_puts(b, "\"mm\":null,\"mt\":");
		if (x && l > 2)
			ol_buf_json_str(b, x, l);
		else
			ol_buf_puts(b, "null");
	} else {
		while (t < e) {
			char key[64];
			size_t kl, i, vl;
			const char *v, *ve;

			while (t < e && *t == ' ')
				t++;
			for (tok = t; t < e && *t != ' '; t++)
				;
			if (tok == t)
				break;
			sep = tok;
			while (sep < t && *sep != '=' && *sep != ':')
				sep++;
			if (sep == t || sep == tok)
				continue;	/* a word without a key */
			kl = (size_t)(sep - tok) < sizeof(key) - 1 ? (size_t)(sep - tok) : sizeof(key) - 1;
			for (i = 0; i < kl; i++)
				key[i] = tok[i] == '-' ? '_' : tok[i];
			key[kl] = '\0';
			for (i = 0; i < sizeof(renames) / sizeof(renames[0]); i++)
				if (!strcmp(renames[i].event, event) && !strcmp(renames[i].from, key))
					snprintf(key, sizeof(key), "%s", renames[i].to);
			/* a comm with spaces: words up to the next key belong to it */
			v = sep + 1;
			ve = t;
			for (;;) {
				const char *w = ve, *we;

				while (w < e && *w == ' ')
					w++;
				for (we = w; we < e && *we != ' ' && *we != '=' && *we != ':'; we++)
					;
				if (w >= e || (we < e && *we != ' '))
					break;
				ve = t = we;
			}
			vl = (size_t)(ve - v);
			if (vl && v[vl - 1] == ',')
				vl--;
			if (!first)
				ol_buf_puts(b, ",");
			first = false;
			ol_buf_json_str(b, key, strlen(key));
			ol_buf_puts(b, ":");
			put_value(b, event, key, v, vl);
		}
	}
	ol_buf_puts(b, "}");
}

/*
 * exit_mmap prints only its maple tree pointer (mt, embedded in the
 * mm_struct): the mm is the one the same task write-unlocks right after
 * (exit_mmap fires just before mmap_write_unlock, 6.1+), so the event
 * waits for that mmap_lock_released to learn its mm.
 */
#define HELD_MAX	32
#define MT_IN_MM	4096	/* mm_mt lies within the first page of mm_struct */

struct held {
	int64_t		ts;
	int		cpu, pid;
	unsigned long long mt;
	char		comm[64];
	bool		used, has_comm;
};

struct ftext {
	struct held	held[HELD_MAX];
	struct ol_store	*st;
	struct ol_buf	fields, name, comm;
	struct ol_taskmap tasks;
	long long	kept, lines;
};

/* A number field of the JSON we just built ("key":123). */
static long long jnum(const char *json, const char *key, bool *ok)
{
	char pat[80];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	*ok = p && (isdigit((unsigned char)p[strlen(pat)]) || p[strlen(pat)] == '-');
	return *ok ? strtoll(p + strlen(pat), NULL, 10) : 0;
}

/* The task an event is about: its pid field (child_pid for a fork), -1. */
static int target_of(const char *ev, const char *fields)
{
	bool ok;
	long long v = jnum(fields, !strcmp(ev, "sched_process_fork") ? "child_pid" : "pid", &ok);

	return ok && strcmp(ev, "console") ? (int)v : -1;
}

/* The comm in a JSON string field, unescaped only if plain. */
static const char *jstr(const char *json, const char *key, char *out, size_t cap)
{
	char pat[80];
	const char *p, *q;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(json, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	q = strchr(p, '"');
	if (!q || memchr(p, '\\', (size_t)(q - p)) || (size_t)(q - p) >= cap)
		return NULL;
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = '\0';
	return out;
}

static int store_held(struct ftext *x, struct held *h, unsigned long long mm)
{
	char fields[96];
	struct ol_event e = { .ts_ns = h->ts, .cpu = h->cpu, .pid = h->pid,
			      .comm = h->has_comm ? h->comm : NULL, .name = "mmap:exit_mmap",
			      .target = -1, .fields = fields };

	if (mm)
		snprintf(fields, sizeof(fields), "{\"mm\":\"0x%llx\",\"mt\":\"0x%llx\"}", mm, h->mt);
	else
		snprintf(fields, sizeof(fields), "{\"mm\":null,\"mt\":\"0x%llx\"}", h->mt);
	h->used = false;
	x->kept++;
	return ol_store_add_event(x->st, &e);
}

static int hold_exit_mmap(struct ftext *x, const struct fline *f, const char *fields)
{
	const char *m = strstr(fields, "\"mt\":\"0x");
	struct held *h = NULL;
	int i;

	for (i = 0; i < HELD_MAX && !h; i++)
		if (!x->held[i].used)
			h = &x->held[i];
	if (!h) {	/* full: the oldest goes without its mm */
		h = &x->held[0];
		for (i = 1; i < HELD_MAX; i++)
			if (x->held[i].ts < h->ts)
				h = &x->held[i];
		if (store_held(x, h, 0))
			return -1;
	}
	h->used = true;
	h->ts = f->ts;
	h->cpu = f->cpu;
	h->pid = f->pid;
	h->mt = m ? strtoull(m + 6, NULL, 16) : 0;
	h->has_comm = f->comm_len < sizeof(h->comm) &&
		      !(f->comm_len == 5 && !strncmp(f->comm, "<...>", 5));
	if (h->has_comm) {
		memcpy(h->comm, f->comm, f->comm_len);
		h->comm[f->comm_len] = '\0';
	}
	return 0;
}

static int release_held(struct ftext *x, int pid, const char *fields)
{
	const char *m = strstr(fields, "\"mm\":\"0x");
	unsigned long long mm;
	bool ok;
	int i;

	if (!m || jnum(fields, "write", &ok) != 1 || !ok)
		return 0;
	mm = strtoull(m + 6, NULL, 16);
	for (i = 0; i < HELD_MAX; i++) {
		struct held *h = &x->held[i];

		if (h->used && h->pid == pid && h->mt >= mm && h->mt - mm < MT_IN_MM)
			return store_held(x, h, mm);
	}
	return 0;
}

static int one_event(struct ftext *x, struct fline *f)
{
	char ev[64], comm[64];
	const char *sys;
	struct ol_event e = { 0 };
	bool ok;

	if (f->event_len >= sizeof(ev) || !(sys = system_of(f->event, f->event_len)))
		return 0;
	memcpy(ev, f->event, f->event_len);
	ev[f->event_len] = '\0';
	ol_buf_reset(&x->fields);
	text_fields(&x->fields, ev, f->text, f->text_len);
	if (!strcmp(ev, "signal_generate") && (jnum(x->fields.s, "sig", &ok) != 9 || !ok))
		return 0;	/* only the SIGKILL of a kill matters */
	if (x->fields.oom)
		return -1;
	if (!strcmp(ev, "exit_mmap"))
		return hold_exit_mmap(x, f, x->fields.s);
	if (!strcmp(ev, "mmap_lock_released") && release_held(x, f->pid, x->fields.s))
		return -1;
	ol_buf_reset(&x->name);
	ol_buf_printf(&x->name, "%s:%s", sys, ev);
	ol_buf_reset(&x->comm);
	ol_buf_add(&x->comm, f->comm, f->comm_len);
	if (x->fields.oom || x->name.oom || x->comm.oom)
		return -1;
	e.ts_ns = f->ts;
	e.cpu = f->cpu;
	e.pid = f->pid;
	e.comm = strcmp(x->comm.s, "<...>") ? x->comm.s : NULL;
	e.name = x->name.s;
	e.target = target_of(ev, x->fields.s);
	e.fields = x->fields.s;
	if (ol_store_add_event(x->st, &e))
		return -1;
	x->kept++;
	/* thread -> process facts, drawn as for a trace.dat (collect/tasks.c) */
	if (!strcmp(ev, "task_newtask")) {
		long long fl = jnum(x->fields.s, "clone_flags", &ok);

		return ol_taskmap_fact(&x->tasks, x->st, OL_TASK_NEWTASK, e.pid, e.target,
				       jstr(e.fields, "comm", comm, sizeof(comm)), ok, fl);
	}
	if (!strcmp(ev, "sched_process_fork"))
		return ol_taskmap_fact(&x->tasks, x->st, OL_TASK_FORK, e.pid, e.target,
				       jstr(e.fields, "child_comm", comm, sizeof(comm)), false, 0);
	if (!strcmp(ev, "task_rename"))
		return ol_taskmap_fact(&x->tasks, x->st, OL_TASK_RENAME, e.pid, e.target,
				       jstr(e.fields, "newcomm", comm, sizeof(comm)), false, 0);
	if (!strcmp(ev, "mark_victim"))
		return ol_taskmap_fact(&x->tasks, x->st, OL_TASK_VICTIM, e.pid, e.target,
				       jstr(e.fields, "comm", comm, sizeof(comm)), false, 0);
	return 0;
}

bool ol_ftrace_probe_text(const char *buf, size_t len)
{
	const char *p = buf, *e = buf + len, *nl;
	int lines = 0, hits = 0;

	for (; p < e && lines < 100; p = nl + 1) {
		struct fline f;

		nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl)
			nl = e;
		if (nl - p >= 9 && !strncmp(p, "# tracer:", 9))
			return true;
		if (nl == p || *p == '#' || !strncmp(p, "cpus=", 5) || !strncmp(p, "version", 7) ||
		    !strncmp(p, "CPU ", 4) || !strncmp(p, "CPU:", 4))
			continue;
		lines++;
		hits += parse_fline(p, nl, &f);
	}
	return hits && hits * 2 >= lines;
}

int ol_import_ftrace_text(struct ol_store *st, const char *path, char **err)
{
	struct ol_input in;
	int ret = -1;

	if (!ol_input_open(&in, path, err))
		ret = ol_import_ftrace_text_input(st, &in, err);
	ol_input_close(&in);
	return ret;
}

/* Lines before the trace (a shell session: "# echo 1 > events/oom/enable")
 * and around it are not events: parse_fline() skips them. */
int ol_import_ftrace_text_input(struct ol_store *st, const struct ol_input *in, char **err)
{
	struct ftext x = { .st = st };
	const char *p = in->data, *e = p ? p + in->len : NULL, *nl;	/* NULL: empty */
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int ret = -1;

	*err = NULL;
	if (ol_store_begin_source(st, in->name, "ftrace-text") < 0)
		goto store_err;
	for (; p && p < e; p = nl + 1) {
		struct fline f;
		int cpu;
		long long lost;

		nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl)
			nl = e;
		n = nl - p;
		if ((size_t)n + 1 > cap) {
			char *nb = realloc(line, (size_t)n + 1);

			if (!nb) {
				*err = ol_strdupf("'%s': out of memory", in->name);
				goto out;
			}
			line = nb;
			cap = (size_t)n + 1;
		}
		memcpy(line, p, (size_t)n);
		line[n] = '\0';
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		x.lines++;
		/* tracefs: "CPU:1 [LOST 23 EVENTS]" (position known only roughly) */
		if (sscanf(line, "CPU:%d [LOST %lld EVENTS]", &cpu, &lost) == 2) {
			if (ol_store_add_gap(st, cpu, 0, 0, lost))
				goto store_err;
			continue;
		}
		if (!parse_fline(line, line + n, &f))
			continue;
		if (one_event(&x, &f))
			goto store_err;
	}
	for (n = 0; n < HELD_MAX; n++)
		if (x.held[n].used && store_held(&x, &x.held[n], 0))
			goto store_err;
	if (ol_store_end_source(st, true))
		goto store_err;
	ret = 0;
	goto out;
store_err:
	*err = strdup(ol_store_errmsg(st));
out:
	if (ret)
		ol_store_end_source(st, false);
	free(line);
	ol_taskmap_free(&x.tasks);
	ol_buf_free(&x.fields);
	ol_buf_free(&x.name);
	ol_buf_free(&x.comm);
	return ret;
}

/*
 * One line, parsed as the importer parses it, into @fields (JSON) with
 * nothing stored: for the in-process fuzz harness
 * (tests/fuzz/fuzz-ftrace-line.c).  1 an event oomlens keeps, 0 not.
 */
int ol_ftrace_parse_line(const char *line, size_t n, struct ol_buf *fields,
			 struct ol_ftrace_event *out)
{
	struct fline f;
	const char *sys;
	char ev[64];

	if (!parse_fline(line, line + n, &f) || f.event_len >= sizeof(ev) ||
	    !(sys = system_of(f.event, f.event_len)))
		return 0;
	memcpy(ev, f.event, f.event_len);
	ev[f.event_len] = '\0';
	ol_buf_reset(fields);
	text_fields(fields, ev, f.text, f.text_len);
	if (!out || fields->oom)
		return 1;
	memset(out, 0, sizeof(*out));
	out->ts_ns = f.ts;
	out->cpu = f.cpu;
	out->pid = f.pid;
	snprintf(out->comm, sizeof(out->comm), "%.*s", (int)f.comm_len, f.comm);
	snprintf(out->name, sizeof(out->name), "%s:%s", sys, ev);
	out->target = target_of(ev, fields->s);
	return 1;
}
