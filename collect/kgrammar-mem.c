// SPDX-License-Identifier: GPL-2.0
/*
 * The memory picture of an OOM report (kgrammar.h, "memory picture"):
 * show_mem() ("Mem-Info:", per node, per zone, swap, hugepages, page
 * counts; 2.6-6.x) and the memcg's stats (v1 on one line "key:NKB" up to
 * 5.x, one "key N" line per counter for v2 and for v1 on 6.x).  The
 * values are kept as printed, with their unit; nothing is computed here.
 */
#include <ctype.h>
#include <limits.h>
#include <string.h>

#include "collect/kgrammar.h"

const char *ol_kmem_scope_name(enum ol_kmem_scope s)
{
	static const char *const n[] = { "none", "global", "node", "zone", "hugepages",
					 "swap", "memcg" };

	return (unsigned)s < sizeof(n) / sizeof(n[0]) ? n[s] : "none";
}

/* blanks, and the newlines of a multi-line record */
static const char *spaces(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	return p;
}

/* a decimal that fits */
static const char *number(const char *p, long long *v)
{
	long long x = 0;

	if (!isdigit((unsigned char)*p))
		return NULL;
	for (; isdigit((unsigned char)*p); p++) {
		if (x > (LLONG_MAX - 9) / 10)
			return NULL;
		x = x * 10 + (*p - '0');
	}
	*v = x;
	return p;
}

/* Every token is "key:N" (pages: the Mem-Info counters) */
static bool counters_only(const char *p)
{
	int n = 0;

	for (p = spaces(p); *p; p = spaces(p)) {
		const char *c = p;
		long long v;

		while (*c && *c != ':' && *c != ' ' && *c != '\n')
			c++;
		if (*c != ':' || c == p || !(c = number(c + 1, &v)) || (*c && *c != ' ' && *c != '\n'))
			return false;
		p = c;
		n++;
	}
	return n > 0;
}

enum ol_kmem_scope ol_kmem_line(const char *msg, bool in_memcg_stats, struct ol_kmem *m)
{
	const char *p = spaces(msg), *q;
	long long v;

	memset(m, 0, sizeof(*m));
	m->node = -1;
	m->unit = "kB";
	if (!strcmp(p, "Mem-Info:")) {
		m->header = true;
		m->p = "";
		return m->scope = OL_KMEM_GLOBAL;
	}
	if (!strncmp(p, "Memory cgroup stats for ", 24)) {
		q = strstr(p + 24, ": ");
		m->header = true;
		m->unit = "kB";
		m->p = q ? q + 2 : "";	/* v1 <= 5.x: the counters on this line */
		return m->scope = OL_KMEM_MEMCG;
	}
	if (in_memcg_stats) {	/* "anon 1234" */
		q = p;
		while (*q && (isalnum((unsigned char)*q) || *q == '_'))
			q++;
		if (q > p && *q == ' ' && (q = number(q + 1, &v)) && !*spaces(q)) {
			m->unit = "bytes";
			m->p = p;
			return m->scope = OL_KMEM_MEMCG;
		}
		return OL_KMEM_NONE;
	}
	if (!strncmp(p, "Free swap", 9) || !strncmp(p, "Total swap", 10)) {
		m->p = p;
		return m->scope = OL_KMEM_SWAP;
	}
	/* "255744 pages RAM", "1154 total pagecache pages", "0 pages in swap cache" */
	if ((q = number(p, &v)) && *q == ' ' && strstr(q, "pages") && !strchr(q, ':') &&
	    !strchr(q, '=')) {
		m->unit = "pages";
		m->p = p;
		return m->scope = OL_KMEM_GLOBAL;
	}
	if (!strncmp(p, "Node ", 5) && (q = number(p + 5, &v)) && *q == ' ' && v <= INT_MAX) {
		const char *w = q + 1, *we = w;

		m->node = (int)v;
		while (*we && *we != ' ' && *we != ':' && *we != '=')
			we++;
		if (*we == '=' && !strncmp(w, "hugepages_", 10)) {
			m->p = w;
			return m->scope = OL_KMEM_HUGEPAGES;
		}
		if (*we == ':') {
			if (we[1] == ' ' && isdigit((unsigned char)we[2]) && strchr(we, '*'))
				return OL_KMEM_NONE;	/* "Node 0 DMA: 1*4kB ..." buddy list */
			if (we[1] == ' ' && !isdigit((unsigned char)we[2]))
				return OL_KMEM_NONE;
			m->p = w;
			return m->scope = OL_KMEM_NODE;
		}
		if (*we == ' ' && !strncmp(we + 1, "free:", 5)) {
			m->zone.p = w;
			m->zone.n = (int)(we - w);
			m->p = we + 1;
			return m->scope = OL_KMEM_ZONE;
		}
		return OL_KMEM_NONE;
	}
	/* 2.6: "DMA32 free:4624kB min:..." */
	q = p;
	while (*q && isalnum((unsigned char)*q))
		q++;
	if (q > p && !strncmp(q, " free:", 6) && strstr(q, "kB min:")) {
		m->zone.p = p;
		m->zone.n = (int)(q - p);
		m->p = q + 1;
		return m->scope = OL_KMEM_ZONE;
	}
	if (counters_only(p)) {
		m->unit = "pages";
		m->p = p;
		return m->scope = OL_KMEM_GLOBAL;
	}
	return OL_KMEM_NONE;
}

bool ol_kmem_next(struct ol_kmem *m, struct ol_kspan *key, long long *value, const char **unit)
{
	const char *p = m->p, *k, *ke, *q;

	while (p && *p) {
		p = spaces(p);
		k = p;
		/* "N total pagecache pages" / "N pages RAM": the words are the key */
		if (isdigit((unsigned char)*p) && m->scope == OL_KMEM_GLOBAL && !strcmp(m->unit, "pages") &&
		    (q = number(p, value)) && *q == ' ') {
			key->p = q + 1;
			key->n = (int)strlen(q + 1);
			*unit = "pages";
			m->p = q + 1 + key->n;
			return true;
		}
		ke = k;
		while (*ke && *ke != ':' && *ke != '=' && *ke != '\n' &&
		       !(*ke == ' ' && m->scope != OL_KMEM_SWAP))
			ke++;
		if (!*ke) {
			m->p = ke;
			return false;
		}
		q = ke;
		if (*q == ' ' && m->scope == OL_KMEM_MEMCG && !strcmp(m->unit, "bytes"))
			;	/* "anon 1234" */
		else if (*q == '\n') {
			p = q;
			continue;
		} else if (*q != ':' && *q != '=') {
			p = q;
			continue;
		}
		q = spaces(q + 1);
		if (*q == '=')		/* "Free swap  = 0kB" */
			q = spaces(q + 1);
		key->p = k;
		key->n = (int)(ke - k);
		while (key->n && k[key->n - 1] == ' ')
			key->n--;
		if (!(q = number(q, value))) {
			/* "all_unreclaimable? no", "shmem_thp: 0kB" handled above */
			while (*p && *p != ' ')
				p++;
			p = ke + 1;
			while (*p && *p != ' ')
				p++;
			continue;
		}
		if (!strncmp(q, "kB", 2) || !strncmp(q, "KB", 2)) {
			*unit = "kB";
			q += 2;
		} else {
			*unit = m->unit;
		}
		m->p = q;
		return true;
	}
	m->p = p;
	return false;
}
