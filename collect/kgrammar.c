// SPDX-License-Identifier: GPL-2.0
/*
 * The OOM lines of the kernel log, 2.6 ... 6.x (KERNEL.md, "Kernel log
 * lines (exact)"), one message at a time, without state.  Comms are
 * untrusted: they may hold spaces, commas and parentheses, so a comm is
 * always cut at the literal text the kernel prints after it, taking the
 * last place where the rest still parses.  Numbers are read with
 * overflow checks: a value no kernel can print is "not understood",
 * never a wrapped-around size.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/kgrammar.h"


static struct ol_kspan span(const char *p, size_t n)
{
	struct ol_kspan s = { p, (int)(n > INT_MAX ? INT_MAX : n) };

	return s;
}

bool ol_kspan_eq(struct ol_kspan s, const char *lit)
{
	size_t n = strlen(lit);

	return s.p && (size_t)s.n == n && !memcmp(s.p, lit, n);
}

void ol_kspan_copy(char *dst, size_t cap, struct ol_kspan s)
{
	size_t n = s.p ? (size_t)s.n : 0;

	if (!cap)
		return;
	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(dst, s.p, n);
	dst[n] = '\0';
}

static const char *skip(const char *s, const char *lit)
{
	size_t n = strlen(lit);

	return s && !strncmp(s, lit, n) ? s + n : NULL;
}

/* A decimal number, optionally negative, that fits a long long. */
static const char *num(const char *s, long long *v)
{
	unsigned long long x = 0;
	bool neg = false;
	const char *p = s;

	if (!p)
		return NULL;
	if (*p == '-')
		neg = true, p++;
	if (!isdigit((unsigned char)*p))
		return NULL;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');

		if (x > (ULLONG_MAX - d) / 10)
			return NULL;
		x = x * 10 + d;
	}
	if (x > (unsigned long long)LLONG_MAX)
		return NULL;
	*v = neg ? -(long long)x : (long long)x;
	return p;
}

/* "123kB": a size the kernel printed in kB. */
static const char *kb(const char *s, long long *v)
{
	s = skip(num(s, v), "kB");
	return s && *v >= 0 && *v <= OL_KB_MAX ? s : NULL;
}

/* The last "(comm)" + @after in @s: comms may hold @after themselves. */
static const char *comm_until(const char *s, const char *after, struct ol_kspan *comm)
{
	const char *e = NULL, *p;

	if (!s || *s != '(')
		return NULL;
	for (p = strstr(s + 1, after); p; p = strstr(p + 1, after))
		e = p;
	if (!e)
		return NULL;
	*comm = span(s + 1, (size_t)(e - s - 1));
	return e + strlen(after);
}

/* "(comm)" running to the end of the message. */
static bool comm_to_end(const char *s, struct ol_kspan *comm)
{
	size_t n;

	if (!s || *s != '(')
		return false;
	n = strlen(s);
	if (n < 2 || s[n - 1] != ')')
		return false;
	*comm = span(s + 1, n - 2);
	return true;
}

/* "P: " before @k (k > msg): the prefix naming the OOM killer. */
static void prefix_of(const char *msg, const char *k, struct ol_kmsg_fact *f)
{
	if (k - msg >= 2 && k[-2] == ':' && k[-1] == ' ')
		f->prefix = span(msg, (size_t)(k - msg - 2));
}

/*
 * The memory fields after a killed task's comm, every era:
 *   2.6.35-3.x  " vsz:%lukB, anon-rss:%lukB, file-rss:%lukB"
 *   3.x-4.4     " total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB"
 *   4.5+        ", shmem-rss:%lukB" added;  5.4+ ", UID:%u pgtables:%lukB oom_score_adj:%hd"
 *   RHEL 7      ", UID %u," before total-vm (its 3.10 backport)
 *   older       none (or a trailing ".")
 * 1: all there, 0: cut in the middle (more to come), -1: not these fields.
 */
static int kill_fields(const char *p, struct ol_kmsg_fact *f)
{
	static const char *const names[] = { "total-vm", "vsz", "anon-rss", "file-rss",
					     "shmem-rss", "UID", "pgtables", "oom_score_adj" };
	int n = 0;

	for (;;) {
		const char *q;
		long long v;
		size_t i, len;

		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			return n || 1;	/* nothing, or everything, printed */
		if (*p == '.' && !p[1])
			return 1;	/* 2.6: "Killed process 1 (x)." */
		for (q = p; *q && *q != ':' && *q != ' ' && *q != ','; q++)
			;
		len = (size_t)(q - p);
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i]) == len && !strncmp(p, names[i], len))
				break;
		if (i == sizeof(names) / sizeof(names[0])) {
			/* the start of a name, cut */
			for (i = 0; !*q && i < sizeof(names) / sizeof(names[0]); i++)
				if (!strncmp(names[i], p, len))
					return 0;
			return -1;
		}
		if (!*q || (*q == ':' && !q[1]))
			return 0;
		if (i == 5 && *q == ' ' && isdigit((unsigned char)q[1])) {
			/* RHEL 7's 3.10: "Killed process N (c), UID 0, total-vm:..." */
		} else if (*q != ':') {
			return -1;
		}
		q++;
		if (i == 5 || i == 7) {		/* UID, oom_score_adj: no unit */
			const char *d = num(q, &v);

			if (!d)
				return *q == '-' && !q[1] ? 0 : -1;
			q = d;
		} else {
			const char *d = num(q, &v);

			if (!d)
				return -1;
			if (!*d || (d[0] == 'k' && !d[1]))
				return 0;	/* "123" or "123k": the unit is still to come */
			if (!(q = kb(q, &v)))
				return -1;
		}
		switch (i) {
		case 0: case 1: f->total_vm_kb = v; break;
		case 2: f->anon_rss_kb = v; break;
		case 3: f->file_rss_kb = v; break;
		case 4: f->shmem_rss_kb = v; break;
		case 5: f->uid = v; break;
		case 6: f->pgtables_kb = v; break;
		default: f->oom_score_adj = v; break;
		}
		n++;
		p = q;
		if (*p && *p != ',' && *p != ' ')
			return -1;
	}
}

/*
 * "Killed process %d (%s)..." and RHEL 6's "Killed process %d, UID %d,
 * (%s)...".  The comm ends at the last ')' after which the fields parse.
 * 1, 0 (cut: more to come) or -1.
 */
static int killed(const char *msg, const char *k, struct ol_kmsg_fact *f)
{
	const char *p = k + strlen("Killed process "), *open, *c;
	long long pid, uid;
	bool closed = false;

	prefix_of(msg, k, f);
	if (!*p)
		return 0;
	if (!(p = num(p, &pid)) || pid <= 0 || pid > INT_MAX)
		return -1;
	if (!*p)
		return 0;
	if (skip(p, ", UID ")) {		/* RHEL 6 (2.6.32) */
		p = num(p + 6, &uid);
		if (!p)
			return -1;
		f->uid = uid;
		if (*p == ',')
			p++;
	}
	if (*p != ' ')
		return -1;
	open = p + 1;
	if (!*open)
		return 0;
	if (*open != '(')
		return -1;
	f->pid = (int)pid;
	for (c = open + strlen(open); c > open; c--) {
		struct ol_kmsg_fact g;
		int r;

		if (*c != ')')
			continue;
		closed = true;
		g = *f;
		r = kill_fields(c + 1, &g);
		if (r < 0)
			continue;
		g.comm = span(open + 1, (size_t)(c - open - 1));
		*f = g;
		if (r == 0)
			return 0;
		f->kind = OL_KMSG_KILLED;
		return 1;
	}
	if (!closed)
		return 0;	/* no closing ')' yet: cut */
	/*
	 * Fields we cannot read (cut by a mail: "shmemB", elided "...",
	 * typed by hand: "VS2: 59500kB"): the pid and the comm up to the
	 * first ") " are still a kill; the line counts as not understood.
	 */
	c = strstr(open, ") ");
	if (!c)
		return -1;
	f->comm = span(open + 1, (size_t)(c - open - 1));
	f->partial = true;
	f->kind = OL_KMSG_KILLED;
	return 1;
}

/* "..., nodemask=..., order=..." values run to the next ", " (or the end). */
static struct ol_kspan field_to(const char *s)
{
	const char *e = strstr(s, ", ");

	return span(s, e ? (size_t)(e - s) : strlen(s));
}

/*
 * "%s invoked oom-killer: gfp_mask=%#x(%pGg), order=%d, oom_score_adj=%hd"
 * (5.0+); <5.0 ", nodemask=%*pbl," before order= (two spaces in
 * 4.11-4.14); 2.6-3.x ", oom_adj=%d" / "oomkilladj=%d"; the fields are
 * optional (a shortened paste says just "X invoked oom-killer").
 */
static int invoked(const char *msg, const char *k, struct ol_kmsg_fact *f)
{
	const char *p = k + strlen(" invoked oom-killer"), *q;
	char *end;

	f->comm = span(msg, (size_t)(k - msg));
	f->kind = OL_KMSG_INVOKED;
	if (!(p = skip(p, ": ")) || !(p = skip(p, "gfp_mask=")))
		return f->kind;
	f->gfp = span(p, strcspn(p, ", "));
	f->gfp_mask = strtoll(p, &end, 0);
	if (end == p || f->gfp_mask < 0)
		return -1;
	p = end;
	if (*p == '(') {
		q = strchr(p, ')');
		if (!q)
			return -1;
		f->gfp_flags = span(p + 1, (size_t)(q - p - 1));
		p = q + 1;
	}
	if ((q = strstr(p, "nodemask=")))
		f->nodemask = field_to(q + 9);
	if ((q = strstr(p, "order=")) && !num(q + 6, &f->order))
		return -1;
	if ((q = strstr(p, "oom_score_adj=")) && !num(q + 14, &f->oom_score_adj))
		return -1;
	return f->kind;
}

/* The last ",pid=N,uid=N" of a constraint line, at its very end. */
static const char *constraint_tail(const char *s, long long *pid, long long *uid)
{
	const char *t = NULL, *x, *u;

	for (x = strstr(s, ",pid="); x; x = strstr(x + 1, ",pid="))
		t = x;
	if (!t || !(u = skip(num(t + 5, pid), ",uid=")) || !(u = num(u, uid)) || *u)
		return NULL;
	return t;
}

/*
 * "oom-kill:constraint=C,nodemask=N[,cpuset=..,mems_allowed=..]
 *  [,oom_memcg=P|,global_oom][,task_memcg=P],task=COMM,pid=N,uid=N":
 * task= is a comm (commas allowed), so pid/uid are read from the end.
 */
static int constraint(const char *msg, struct ol_kmsg_fact *f)
{
	const char *p = msg + strlen("oom-kill:"), *t, *e = NULL, *tok;
	long long pid, uid;

	t = constraint_tail(p, &pid, &uid);
	if (t && (pid <= 0 || pid > INT_MAX))
		return -1;
	if (!t)		/* cut after task= (a shortened paste): the head still says */
		t = p + strlen(p);
	for (tok = strstr(p, ",task="); tok && tok < t; tok = strstr(tok + 1, ",task="))
		e = tok;
	if (!e)
		e = t;
	if (e != t) {
		f->comm = span(e + 6, (size_t)(t - e - 6));
		if (*t) {
			f->pid = (int)pid;
			f->uid = uid;
		}
	}
	/* the head: comma-separated key=value up to ",task=" */
	for (tok = p; tok < e;) {
		const char *end = memchr(tok, ',', (size_t)(e - tok)), *eq;
		size_t n;

		if (!end)
			end = e;
		n = (size_t)(end - tok);
		eq = memchr(tok, '=', n);
		if (n == 10 && !strncmp(tok, "global_oom", 10)) {
			f->global_oom = true;
		} else if (eq) {
			struct ol_kspan v = span(eq + 1, (size_t)(end - eq - 1));
			size_t kn = (size_t)(eq - tok);

#define KEY(name, field) else if (kn == strlen(name) && !strncmp(tok, name, kn)) f->field = v
			if (0) {}
			KEY("constraint", constraint);
			KEY("nodemask", nodemask);
			KEY("cpuset", cpuset);
			KEY("mems_allowed", mems_allowed);
			KEY("oom_memcg", oom_memcg);
			KEY("task_memcg", task_memcg);
#undef KEY
		}
		tok = end + 1;
	}
	if (!f->constraint.p || f->constraint.n <= 11 || strncmp(f->constraint.p, "CONSTRAINT_", 11))
		return -1;
	/* a head cut inside a memcg path cannot name the domain */
	if (e == t && !*t && (f->oom_memcg.p || f->task_memcg.p) && !f->global_oom &&
	    ol_kspan_eq(f->constraint, "CONSTRAINT_MEMCG") && !f->oom_memcg.n)
		return -1;
	return f->kind = OL_KMSG_CONSTRAINT;
}

/* Task table rows: "[%5d]" or "[%7d]" then 7 (4.15-6.6), 8 (<=4.14) or 10 (6.8+) numbers;
 * 2.6-3.x "[ pid ]   uid  tgid total_vm      rss cpu oom_adj oom_score_adj name" (7). */
static int row(const char *msg, struct ol_kmsg_fact *f)
{
	long long v[12], pid;
	const char *p = msg + 1;
	int n = 0;

	while (*p == ' ')
		p++;
	if (!(p = num(p, &pid)) || *p != ']' || pid < 0 || pid > INT_MAX)
		return OL_KMSG_NONE;
	p++;
	while (n < 12) {
		const char *q = p, *r;

		while (*q == ' ')
			q++;
		r = num(q, &v[n]);
		if (!r || (*r != ' ' && *r != '\0'))
			break;
		n++;
		p = r;
	}
	while (*p == ' ')
		p++;
	f->pid = (int)pid;
	f->uid = v[0];
	f->tgid = v[1];
	switch (n) {
	case 7:		/* uid tgid total_vm rss pgtables_bytes swapents adj */
		f->table_era = 415;
		f->rss = v[3], f->pgtables_bytes = v[4], f->swapents = v[5];
		f->oom_score_adj = v[6];
		break;
	case 8:		/* uid tgid total_vm rss nr_ptes nr_pmds swapents adj */
		f->table_era = 414;
		f->rss = v[3], f->nr_ptes = v[4], f->nr_pmds = v[5], f->swapents = v[6];
		f->oom_score_adj = v[7];
		break;
	case 10:	/* uid tgid total_vm rss anon file shmem pgtables_bytes swapents adj */
		f->table_era = 608;
		f->rss = v[3], f->rss_anon = v[4], f->rss_file = v[5], f->rss_shmem = v[6];
		f->pgtables_bytes = v[7], f->swapents = v[8], f->oom_score_adj = v[9];
		break;
	default:
		return n >= 5 ? -1 : OL_KMSG_NONE;
	}
	f->total_vm = v[2];
	f->comm = span(p, strlen(p));
	return f->kind = OL_KMSG_TASK_ROW;
}

static int header(const char *msg, struct ol_kmsg_fact *f)
{
	if (strstr(msg, "rss_anon"))
		f->table_era = 608;
	else if (strstr(msg, "nr_ptes"))
		f->table_era = 414;
	else if (strstr(msg, "pgtables_bytes"))
		f->table_era = 415;
	else
		f->table_era = 0;	/* 2.6-3.x: "rss cpu oom_adj oom_score_adj" */
	return f->kind = OL_KMSG_TASK_HEADER;
}

static int usage(const char *msg, const char *u, struct ol_kmsg_fact *f)
{
	const char *p;

	f->counter = span(msg, (size_t)(u - msg));
	p = skip(kb(u + strlen(": usage "), &f->usage_kb), ", limit ");
	p = skip(kb(p, &f->limit_kb), ", failcnt ");
	if (!num(p, &f->failcnt))
		return -1;
	return f->kind = OL_KMSG_USAGE;
}

bool ol_kmsg_looks_oom(const char *msg)
{
	return strstr(msg, "oom-kill") || strstr(msg, "Killed process") ||
	       strstr(msg, "Kill process") || strstr(msg, "kill process") ||
	       strstr(msg, "oom_reaper") || strstr(msg, "OOM victim") ||
	       strstr(msg, "oom killer") || strstr(msg, "sacrifice child") ||
	       strstr(msg, "memory.oom.group");
}

/* "P: Kill process %d (%s) score %u or sacrifice child" (3.x-4.x);
 * 2.6: "kill process" lowercase, "... score %lu or a child" / "and children." */
static int chosen(const char *msg, const char *k, struct ol_kmsg_fact *f)
{
	const char *p, *q;
	long long v;

	prefix_of(msg, k, f);
	p = skip(num(k + 13, &v), " ");
	q = comm_until(p, ") score ", &f->comm);
	if (!q || !num(q, &f->score)) {
		/* typed by hand ("source 929"): who and which killer, no score */
		const char *c = p && *p == '(' ? strstr(p, ") ") : NULL;

		if (!c)
			return -1;
		f->comm = span(p + 1, (size_t)(c - p - 1));
		f->score = -1;
		f->partial = true;
	}
	if (v <= 0 || v > INT_MAX)
		return -1;
	f->pid = (int)v;
	return f->kind = OL_KMSG_CHOSEN;
}

static void init(struct ol_kmsg_fact *f)
{
	memset(f, 0, sizeof(*f));
	f->pid = f->pid2 = -1;
	f->total_vm_kb = f->anon_rss_kb = f->file_rss_kb = f->shmem_rss_kb = -1;
	f->pgtables_kb = f->uid = f->oom_score_adj = f->score = -1;
	f->gfp_mask = f->order = f->usage_kb = f->limit_kb = f->failcnt = -1;
	f->tgid = f->total_vm = f->rss = f->rss_anon = f->rss_file = f->rss_shmem = -1;
	f->pgtables_bytes = f->nr_ptes = f->nr_pmds = f->swapents = -1;
}

/* dump_stack()'s header names the task in whose context the report
 * was printed: "CPU: 3 PID: 42 Comm: x ..." (3.x+; 6.10+ "CPU: 3 UID: 0
 * PID: 42"), 2.6 "Pid: 42, comm: x ...". */
static int caller(const char *msg, struct ol_kmsg_fact *f)
{
	const char *k = strstr(msg, " PID: ");
	long long v;

	if (!strncmp(msg, "CPU: ", 5) && k && num(k + 6, &v) && v >= 0 && v <= INT_MAX) {
		f->pid = (int)v;
		return f->kind = OL_KMSG_CALLER;
	}
	if (!strncmp(msg, "Pid: ", 5) && num(msg + 5, &v) && v >= 0 && v <= INT_MAX) {
		f->pid = (int)v;
		return f->kind = OL_KMSG_CALLER;
	}
	return OL_KMSG_NONE;
}

int ol_kmsg_parse_line(const char *msg, struct ol_kmsg_fact *f)
{
	const char *k, *p;
	long long v;

	init(f);
	if ((k = strstr(msg, " invoked oom-killer")))
		return invoked(msg, k, f);
	if (!strncmp(msg, "oom-kill:", 9))
		return constraint(msg, f);
	if ((k = strstr(msg, "Killed process ")))
		return killed(msg, k, f) == 1 ? OL_KMSG_KILLED : -1;
	if ((p = skip(msg, "oom_reaper: reaped process "))) {
		p = skip(num(p, &v), " ");
		p = comm_until(p, "), now ", &f->comm);
		p = skip(kb(skip(p, "anon-rss:"), &f->anon_rss_kb), ", ");
		p = skip(kb(skip(p, "file-rss:"), &f->file_rss_kb), ", ");
		if (!kb(skip(p, "shmem-rss:"), &f->shmem_rss_kb) || v <= 0 || v > INT_MAX)
			return -1;
		f->pid = (int)v;
		return f->kind = OL_KMSG_REAPED;
	}
	if ((p = skip(msg, "oom_reaper: unable to reap pid:"))) {
		p = skip(num(p, &v), " ");
		if (!comm_to_end(p, &f->comm) || v <= 0 || v > INT_MAX)
			return -1;
		f->pid = (int)v;
		return f->kind = OL_KMSG_UNABLE;
	}
	if (((k = strstr(msg, "Kill process ")) || (k = strstr(msg, "kill process "))) &&
	    (strstr(k, " or sacrifice child") || strstr(k, " and children") ||
	     strstr(k, " or a child")))
		return chosen(msg, k, f);
	if ((k = strstr(msg, "OOM victim ")) && strstr(k, ") is already exiting. Skip killing")) {
		prefix_of(msg, k, f);
		p = skip(num(k + 11, &v), " ");
		if (!comm_until(p, ") is already exiting", &f->comm) || v <= 0 || v > INT_MAX)
			return -1;
		f->pid = (int)v;
		return f->kind = OL_KMSG_EXITING;
	}
	if ((k = strstr(msg, "oom killer ")) && (p = strstr(k, " has mm pinned by "))) {
		long long v2;
		const char *q = skip(num(k + 11, &v), " ");

		if (!comm_until(q, ") has mm pinned by ", &f->comm))
			return -1;
		q = skip(num(p + 18, &v2), " ");
		if (!comm_to_end(q, &f->comm2) || v <= 0 || v > INT_MAX || v2 < 0 || v2 > INT_MAX)
			return -1;
		f->pid = (int)v, f->pid2 = (int)v2;
		return f->kind = OL_KMSG_PINNED;
	}
	if ((k = strstr(msg, ": usage ")) && k - msg <= 12 && k > msg &&
	    (!strncmp(msg, "memory", 6) || !strncmp(msg, "swap", 4) || !strncmp(msg, "kmem", 4)))
		return usage(msg, k, f);
	if ((p = skip(msg, "Task in ")) && (k = strstr(p, " killed as a result of limit of "))) {
		f->memcg = span(p, (size_t)(k - p));
		p = k + strlen(" killed as a result of limit of ");
		f->limit_memcg = span(p, strlen(p));
		return f->kind = OL_KMSG_TASK_IN;
	}
	if ((p = skip(msg, "Tasks in ")) &&
	    (k = strstr(p, " are going to be killed due to memory.oom.group set"))) {
		f->memcg = span(p, (size_t)(k - p));
		return f->kind = OL_KMSG_OOM_GROUP;
	}
	if (!strncmp(msg, "Tasks state (memory values in pages)", 36))
		return f->kind = OL_KMSG_TASKS_STATE;
	if (msg[0] == '[' && strstr(msg, "pid") && strstr(msg, "tgid total_vm"))
		return header(msg, f);
	if (msg[0] == '[') {
		int r = row(msg, f);

		if (r != OL_KMSG_NONE)
			return r;
		init(f);
	}
	if ((k = strstr(msg, " cpuset=")) && (p = strstr(k, " mems_allowed="))) {
		/* < 5.0, after the invoked line: "hog cpuset=/ mems_allowed=0" */
		f->comm = span(msg, (size_t)(k - msg));
		f->cpuset = span(k + 8, (size_t)(p - k - 8));
		f->mems_allowed = span(p + 14, strlen(p + 14));
		return f->kind = OL_KMSG_CPUSET;
	}
	if (caller(msg, f))
		return f->kind;
	return ol_kmsg_looks_oom(msg) ? -1 : OL_KMSG_NONE;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

bool ol_kmsg_incomplete(const char *m)
{
	const char *k;
	long long pid, uid;

	if (!strncmp(m, "oom-kill:", 9))
		return !constraint_tail(m, &pid, &uid);
	if ((k = strstr(m, "Killed process")) && !k[14])
		return true;
	/* "Out of memory: Killed" + wrap: a prefix, then the start of the words */
	if ((k = strstr(m, "memory: ")) && strlen(k + 8) < 15 &&
	    (!strncmp("Killed process ", k + 8, strlen(k + 8)) ||
	     !strncmp("Kill process ", k + 8, strlen(k + 8))))
		return true;
	if ((k = strstr(m, "Killed process "))) {
		struct ol_kmsg_fact f;

		init(&f);
		return killed(m, k, &f) == 0;
	}
	return !strncmp(m, "Memory cgroup stats for", 23) && !ends_with(m, ":");
}

bool ol_kmsg_continues(const char *prev, const char *next)
{
	static const char *const kill_fields_start[] = { "total-vm:", "vsz:", "anon-rss:",
		"file-rss:", "shmem-rss:", "UID:", "pgtables:", "oom_score_adj:", "kB" };
	size_t i;

	/* 5.x prints the memcg paths of these lines with pr_cont(): the
	 * pieces start with ',' or '/' (a path), or are one word after "=";
	 * a line of words is a line of its own, even after a cut one */
	if (!strncmp(prev, "oom-kill:", 9) || !strncmp(prev, "Memory cgroup stats for", 23))
		return next[0] == ',' || next[0] == '/' || !strcmp(next, ":") ||
		       ((ends_with(prev, "=") || ends_with(prev, "for ")) && *next &&
			!strchr(next, ' '));
	if (!strstr(prev, "Killed process"))
		return false;
	while (*next == ',' || *next == ' ')
		next++;
	for (i = 0; i < sizeof(kill_fields_start) / sizeof(kill_fields_start[0]); i++)
		if (!strncmp(next, kill_fields_start[i], strlen(kill_fields_start[i])))
			return true;
	return false;
}

/* "[T1234]" / "[C1]" / "[ T1234]": the printk caller id; past it or NULL. */
static const char *caller_id(const char *p)
{
	const char *q = p + 1;

	if (p[0] != '[')
		return NULL;
	while (*q == ' ')
		q++;
	if ((*q != 'T' && *q != 'C') || !isdigit((unsigned char)q[1]))
		return NULL;
	for (q++; isdigit((unsigned char)*q); q++)
		;
	return *q == ']' ? q + 1 : NULL;
}

const char *ol_kmsg_skip_stamp(const char *msg)
{
	const char *p = msg, *q;

	if (*p == '[') {
		for (q = p + 1; *q == ' '; q++)
			;
		if (isdigit((unsigned char)*q)) {
			while (isdigit((unsigned char)*q))
				q++;
			if (*q == '.' && isdigit((unsigned char)q[1])) {
				for (q++; isdigit((unsigned char)*q); q++)
					;
				if (*q == ']')
					p = q + 1;
			}
		}
	}
	if (p != msg && *p == ' ' && caller_id(p + 1))
		p++;
	if ((q = caller_id(p)))
		p = q;
	if (p != msg && *p == ' ')
		p++;
	return p;
}

static char *dupf(const char *pre, struct ol_kspan s)
{
	size_t a = strlen(pre), n = s.p ? (size_t)s.n : 0;
	char *d = malloc(a + n + 1);

	if (!d)
		return NULL;
	memcpy(d, pre, a);
	if (n)
		memcpy(d + a, s.p, n);
	d[a + n] = '\0';
	return d;
}

char *ol_kmsg_domain(const struct ol_kmsg_fact *f)
{
	struct ol_kspan none = { NULL, 0 };

	switch (f->kind) {
	case OL_KMSG_CONSTRAINT:
		if (ol_kspan_eq(f->constraint, "CONSTRAINT_MEMCG"))
			return f->oom_memcg.n ? dupf("", f->oom_memcg) : dupf("memcg", none);
		if (ol_kspan_eq(f->constraint, "CONSTRAINT_CPUSET"))
			return f->mems_allowed.n ? dupf("cpuset:", f->mems_allowed)
						 : dupf("cpuset", none);
		if (ol_kspan_eq(f->constraint, "CONSTRAINT_MEMORY_POLICY"))
			return f->nodemask.n && !ol_kspan_eq(f->nodemask, "(null)")
				? dupf("mempolicy:", f->nodemask) : dupf("mempolicy", none);
		if (f->oom_memcg.n)
			return dupf("", f->oom_memcg);
		return dupf("global", none);
	case OL_KMSG_KILLED:
	case OL_KMSG_CHOSEN:
	case OL_KMSG_EXITING:
		/* 5.2+ names the killer in the prefix; 3.x-4.x "Kill process" too */
		if (f->prefix.n >= 13 && !strncmp(f->prefix.p, "Memory cgroup", 13))
			return dupf("memcg", none);
		if (f->prefix.n >= 13 && !strncasecmp(f->prefix.p, "Out of memory", 13))
			return dupf("global", none);
		return NULL;
	case OL_KMSG_TASK_IN:
		return f->limit_memcg.n ? dupf("", f->limit_memcg) : dupf("memcg", none);
	case OL_KMSG_OOM_GROUP:
		return f->memcg.n ? dupf("", f->memcg) : dupf("memcg", none);
	default:
		return NULL;
	}
}
