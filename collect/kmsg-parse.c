// SPDX-License-Identifier: GPL-2.0
/*
 * The OOM lines of the kernel log, 4.9 ... 6.19 (KERNEL.md, "Kernel log
 * lines (exact)"), one line at a time, without state.  Comms are
 * untrusted: they may hold spaces, commas and parentheses, so a comm is
 * always cut at the literal text the kernel prints after it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect-local.h"

static const char *skip(const char *s, const char *lit)
{
	size_t n = strlen(lit);

	return s && !strncmp(s, lit, n) ? s + n : NULL;
}

/* A decimal number (optionally negative); NULL when there is none. */
static const char *num(const char *s, long long *v)
{
	char *end;

	if (!s || !(isdigit((unsigned char)*s) || (*s == '-' && isdigit((unsigned char)s[1]))))
		return NULL;
	*v = strtoll(s, &end, 10);
	return end;
}

static void copy(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* "(comm)" + @after: the comm is cut at the LAST "@after" (comms may hold it). */
static const char *comm_until(const char *s, const char *after, char *comm, size_t cap)
{
	const char *e, *p;
	size_t an = strlen(after);

	if (!s || *s != '(')
		return NULL;
	e = NULL;
	for (p = strstr(s + 1, after); p; p = strstr(p + 1, after))
		e = p;
	if (!e)
		return NULL;
	copy(comm, cap, s + 1, (size_t)(e - s - 1));
	return e + an;
}

/* "total-vm:1kB, anon-rss:2kB, file-rss:3kB, shmem-rss:4kB" (Killed, reaped). */
static const char *rss4(const char *p, struct ol_kmsg_fact *f, bool total)
{
	if (total) {
		p = num(skip(p, "total-vm:"), &f->total_vm_kb);
		p = skip(p, "kB, ");
	}
	p = skip(num(skip(p, "anon-rss:"), &f->anon_rss_kb), "kB, ");
	p = skip(num(skip(p, "file-rss:"), &f->file_rss_kb), "kB, ");
	return skip(num(skip(p, "shmem-rss:"), &f->shmem_rss_kb), "kB");
}

static int parse_killed(const char *msg, const char *k, struct ol_kmsg_fact *f)
{
	long long pid;
	const char *p;

	if (k - msg >= 2 && k[-2] == ':' && k[-1] == ' ')
		copy(f->prefix, sizeof(f->prefix), msg, (size_t)(k - msg - 2));
	p = num(k + strlen("Killed process "), &pid);
	p = skip(p, " ");
	p = comm_until(p, ") total-vm:", f->comm, sizeof(f->comm));
	if (p)
		p -= strlen("total-vm:");
	p = rss4(p, f, true);
	if (!p)
		return -1;
	f->pid = (int)pid;
	/* 5.4+: ", UID:%u pgtables:%lukB oom_score_adj:%hd" */
	if (skip(p, ", UID:")) {
		p = num(skip(p, ", UID:"), &f->uid);
		p = skip(num(skip(p, " pgtables:"), &f->pgtables_kb), "kB");
		p = num(skip(p, " oom_score_adj:"), &f->oom_score_adj);
		if (!p)
			return -1;
	}
	return f->kind = OL_KMSG_KILLED;
}

/* "..., nodemask=..., order=..." values run to the next ", " (or the end). */
static void field_to(char *dst, size_t cap, const char *s)
{
	const char *e = strstr(s, ", ");

	copy(dst, cap, s, e ? (size_t)(e - s) : strlen(s));
}

static int parse_invoked(const char *msg, const char *k, struct ol_kmsg_fact *f)
{
	const char *p = k + strlen(" invoked oom-killer: "), *q;
	char *end;

	copy(f->comm, sizeof(f->comm), msg, (size_t)(k - msg));
	if (!(p = skip(p, "gfp_mask=")))
		return -1;
	f->gfp_mask = strtoll(p, &end, 0);
	if (end == p)
		return -1;
	p = end;
	if (*p == '(') {
		q = strchr(p, ')');
		if (!q)
			return -1;
		copy(f->gfp_flags, sizeof(f->gfp_flags), p + 1, (size_t)(q - p - 1));
		p = q + 1;
	}
	/* <5.0: ", nodemask=%*pbl," then one or two spaces before order= */
	if ((q = strstr(p, "nodemask=")))
		field_to(f->nodemask, sizeof(f->nodemask), q + 9);
	if (!(q = strstr(p, "order=")) || !num(q + 6, &f->order))
		return -1;
	if (!(q = strstr(q, "oom_score_adj=")) || !num(q + 14, &f->oom_score_adj))
		return -1;
	return f->kind = OL_KMSG_INVOKED;
}

/*
 * "oom-kill:constraint=C,nodemask=N[,cpuset=..,mems_allowed=..]
 *  [,oom_memcg=P|,global_oom][,task_memcg=P],task=COMM,pid=N,uid=N":
 * task= is a comm (commas allowed), so read pid/uid from the end.
 */
static int parse_constraint(const char *msg, struct ol_kmsg_fact *f)
{
	const char *p = msg + strlen("oom-kill:"), *t, *e;
	long long pid, uid;

	e = NULL;
	for (t = strstr(p, ",task="); t; t = strstr(t + 1, ",task="))
		e = t;
	if (!e)
		return -1;
	t = strstr(e + 6, ",pid=");
	{
		const char *last = NULL, *x;

		for (x = t; x; x = strstr(x + 1, ",pid="))
			last = x;
		t = last;
	}
	if (!t || !num(t + 5, &pid))
		return -1;
	{
		const char *u = num(t + 5, &pid);

		if (!(u = skip(u, ",uid=")) || !num(u, &uid))
			return -1;
	}
	copy(f->comm, sizeof(f->comm), e + 6, (size_t)(t - e - 6));
	f->pid = (int)pid;
	f->uid = uid;
	/* the head: comma-separated key=value up to ",task=" (paths without commas) */
	{
		char head[1024];
		char *save = NULL, *tok;

		copy(head, sizeof(head), p, (size_t)(e - p));
		for (tok = strtok_r(head, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			char *v = strchr(tok, '=');

			if (!strcmp(tok, "global_oom")) {
				f->global_oom = true;
				continue;
			}
			if (!v)
				continue;
			*v++ = '\0';
			if (!strcmp(tok, "constraint"))
				copy(f->constraint, sizeof(f->constraint), v, strlen(v));
			else if (!strcmp(tok, "nodemask"))
				copy(f->nodemask, sizeof(f->nodemask), v, strlen(v));
			else if (!strcmp(tok, "cpuset"))
				copy(f->cpuset, sizeof(f->cpuset), v, strlen(v));
			else if (!strcmp(tok, "mems_allowed"))
				copy(f->mems_allowed, sizeof(f->mems_allowed), v, strlen(v));
			else if (!strcmp(tok, "oom_memcg"))
				copy(f->oom_memcg, sizeof(f->oom_memcg), v, strlen(v));
			else if (!strcmp(tok, "task_memcg"))
				copy(f->task_memcg, sizeof(f->task_memcg), v, strlen(v));
		}
	}
	if (strncmp(f->constraint, "CONSTRAINT_", 11))
		return -1;
	return f->kind = OL_KMSG_CONSTRAINT;
}

/* Task table rows: "[%5d]" or "[%7d]" then 7 (4.15-6.6), 8 (<=4.14) or 10 (6.8+) numbers. */
static int parse_row(const char *msg, struct ol_kmsg_fact *f)
{
	long long v[12], pid;
	const char *p = msg + 1;
	int n = 0;

	while (*p == ' ')
		p++;
	if (!(p = num(p, &pid)) || *p != ']')
		return OL_KMSG_NONE;
	p++;
	while (n < 12) {
		const char *q = p;

		while (*q == ' ')
			q++;
		const char *r = num(q, &v[n]);

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
	copy(f->comm, sizeof(f->comm), p, strlen(p));
	return f->kind = OL_KMSG_TASK_ROW;
}

static int parse_header(const char *msg, struct ol_kmsg_fact *f)
{
	if (strstr(msg, "rss_anon"))
		f->table_era = 608;
	else if (strstr(msg, "nr_ptes"))
		f->table_era = 414;
	else if (strstr(msg, "pgtables_bytes"))
		f->table_era = 415;
	else
		return -1;
	return f->kind = OL_KMSG_TASK_HEADER;
}

static int parse_usage(const char *msg, const char *u, struct ol_kmsg_fact *f)
{
	const char *p;

	copy(f->counter, sizeof(f->counter), msg, (size_t)(u - msg));
	p = skip(num(u + strlen(": usage "), &f->usage_kb), "kB, limit ");
	p = skip(num(p, &f->limit_kb), "kB, failcnt ");
	if (!num(p, &f->failcnt))
		return -1;
	return f->kind = OL_KMSG_USAGE;
}

/* Words that make a line an OOM line, parsed or not. */
static bool looks_oom(const char *msg)
{
	return strstr(msg, "oom-kill") || strstr(msg, "Killed process") ||
	       strstr(msg, "Kill process") || strstr(msg, "oom_reaper") ||
	       strstr(msg, "OOM victim") || strstr(msg, "oom killer") ||
	       strstr(msg, "sacrifice child");
}

int ol_kmsg_parse_line(const char *msg, struct ol_kmsg_fact *f)
{
	const char *k, *p;
	long long v;

	memset(f, 0, sizeof(*f));
	f->pid = f->pid2 = -1;
	f->total_vm_kb = f->anon_rss_kb = f->file_rss_kb = f->shmem_rss_kb = -1;
	f->pgtables_kb = f->uid = f->oom_score_adj = f->score = -1;
	f->gfp_mask = f->order = f->usage_kb = f->limit_kb = f->failcnt = -1;
	f->tgid = f->total_vm = f->rss = f->rss_anon = f->rss_file = f->rss_shmem = -1;
	f->pgtables_bytes = f->nr_ptes = f->nr_pmds = f->swapents = -1;

	if ((k = strstr(msg, " invoked oom-killer: ")))
		return parse_invoked(msg, k, f);
	if (!strncmp(msg, "oom-kill:", 9))
		return parse_constraint(msg, f);
	if ((k = strstr(msg, "Killed process ")))
		return parse_killed(msg, k, f);
	if ((p = skip(msg, "oom_reaper: reaped process "))) {
		p = skip(num(p, &v), " ");
		p = comm_until(p, "), now ", f->comm, sizeof(f->comm));
		if (!rss4(p, f, false))
			return -1;
		f->pid = (int)v;
		return f->kind = OL_KMSG_REAPED;
	}
	if ((p = skip(msg, "oom_reaper: unable to reap pid:"))) {
		p = skip(num(p, &v), " ");
		if (!p || *p != '(' || msg[strlen(msg) - 1] != ')')
			return -1;
		copy(f->comm, sizeof(f->comm), p + 1, strlen(p) - 2);
		f->pid = (int)v;
		return f->kind = OL_KMSG_UNABLE;
	}
	if ((k = strstr(msg, "Kill process ")) && strstr(k, " or sacrifice child")) {
		if (k - msg >= 2 && k[-2] == ':')
			copy(f->prefix, sizeof(f->prefix), msg, (size_t)(k - msg - 2));
		p = skip(num(k + 13, &v), " ");
		p = comm_until(p, ") score ", f->comm, sizeof(f->comm));
		if (!p || !num(p, &f->score))
			return -1;
		f->pid = (int)v;
		return f->kind = OL_KMSG_CHOSEN;
	}
	if ((k = strstr(msg, "OOM victim ")) && strstr(k, ") is already exiting. Skip killing")) {
		if (k - msg >= 2 && k[-2] == ':')
			copy(f->prefix, sizeof(f->prefix), msg, (size_t)(k - msg - 2));
		p = skip(num(k + 11, &v), " ");
		if (!comm_until(p, ") is already exiting", f->comm, sizeof(f->comm)))
			return -1;
		f->pid = (int)v;
		return f->kind = OL_KMSG_EXITING;
	}
	if ((k = strstr(msg, "oom killer ")) && (p = strstr(k, " has mm pinned by "))) {
		long long v2;
		const char *q = skip(num(k + 11, &v), " ");

		if (!comm_until(q, ") has mm pinned by ", f->comm, sizeof(f->comm)))
			return -1;
		q = skip(num(p + 18, &v2), " ");
		if (!q || *q != '(' || msg[strlen(msg) - 1] != ')')
			return -1;
		copy(f->comm2, sizeof(f->comm2), q + 1, strlen(q) - 2);
		f->pid = (int)v, f->pid2 = (int)v2;
		return f->kind = OL_KMSG_PINNED;
	}
	if ((k = strstr(msg, ": usage ")) && k - msg <= 12 && k > msg &&
	    (strstr(msg, "memory") == msg || strstr(msg, "swap") == msg ||
	     strstr(msg, "kmem") == msg))
		return parse_usage(msg, k, f);
	if ((p = skip(msg, "Task in ")) && (k = strstr(p, " killed as a result of limit of "))) {
		copy(f->memcg, sizeof(f->memcg), p, (size_t)(k - p));
		p = k + strlen(" killed as a result of limit of ");
		copy(f->limit_memcg, sizeof(f->limit_memcg), p, strlen(p));
		return f->kind = OL_KMSG_TASK_IN;
	}
	if (!strncmp(msg, "Tasks state (memory values in pages)", 36))
		return f->kind = OL_KMSG_TASKS_STATE;
	if (msg[0] == '[' && strstr(msg, "pid") && strstr(msg, "tgid total_vm"))
		return parse_header(msg, f);
	if (msg[0] == '[') {
		int r = parse_row(msg, f);

		if (r != OL_KMSG_NONE)
			return r;
		memset(f, 0, sizeof(*f));
		f->kind = OL_KMSG_NONE;
	}
	return looks_oom(msg) ? -1 : OL_KMSG_NONE;
}
