// SPDX-License-Identifier: GPL-2.0
/*
 * Escaping and formatting shared by the renderers.
 *
 * comm is whatever the task wrote with prctl(PR_SET_NAME) and cgroup
 * paths are chosen by whoever created the cgroup: both may hold any byte
 * but NUL, so each output format gets its own escaping here.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report-local.h"

bool rp_victim_selected(const struct rp *r, const struct ol_victim *v)
{
	const struct ol_report_opts *o = r->o;

	if (o->episode > 0 && v->episode + 1 != o->episode)
		return false;
	if (o->victim_pid > 0 && v->pid != o->victim_pid &&
	    v->tgid != o->victim_pid)
		return false;
	return true;
}

bool rp_episode_selected(const struct rp *r, const struct ol_episode *e)
{
	size_t i;

	for (i = e->first; i < e->first + e->count && i < r->a->nvictims; i++)
		if (rp_victim_selected(r, &r->a->victims[i]))
			return true;
	return false;
}

static bool printable(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

/*
 * Punctuation the analysis' own sentences may use, spelt in ASCII for
 * the text and markdown reports (anything else becomes \xNN).
 */
static const struct { const char *utf8, *ascii; } translit[] = {
	{ "\xe2\x80\x94", "--" },	/* em dash */
	{ "\xe2\x80\x93", "-" },	/* en dash */
	{ "\xe2\x80\xa6", "..." },	/* ellipsis */
	{ "\xe2\x80\x98", "'" }, { "\xe2\x80\x99", "'" },
	{ "\xe2\x80\x9c", "\"" }, { "\xe2\x80\x9d", "\"" },
	{ "\xe2\x86\x92", "->" },	/* rightwards arrow */
	{ "\xe2\x89\xa5", ">=" }, { "\xe2\x89\xa4", "<=" },
	{ "\xc2\xb5", "u" },		/* micro sign */
	{ "\xc3\x97", "x" },		/* multiplication sign */
};

/* The ASCII spelling of the character at @p, or NULL; *@len its bytes. */
static const char *ascii_for(const unsigned char *p, size_t *len)
{
	size_t i, n;

	if (*p < 0x80)
		return NULL;
	for (i = 0; i < sizeof(translit) / sizeof(translit[0]); i++) {
		n = strlen(translit[i].utf8);
		if (!strncmp((const char *)p, translit[i].utf8, n)) {
			*len = n;
			return translit[i].ascii;
		}
	}
	return NULL;
}

char *rp_ascii(const char *s)
{
	const unsigned char *p;
	size_t n = 1, len;
	char *out, *q;
	const char *a;

	if (!s)
		s = "";
	for (p = (const unsigned char *)s; *p; p++)
		n += printable(*p) ? 1 : 4;	/* a transliteration is shorter */
	out = malloc(n);
	if (!out)
		return NULL;
	for (q = out, p = (const unsigned char *)s; *p; p++) {
		if (printable(*p)) {
			*q++ = *p;
		} else if ((a = ascii_for(p, &len))) {
			q = stpcpy(q, a);
			p += len - 1;
		} else {
			sprintf(q, "\\x%02x", *p);
			q += 4;
		}
	}
	*q = '\0';
	return out;
}

void rp_put_ascii(FILE *f, const char *s)
{
	const unsigned char *p, *run;
	const char *a;
	size_t len;

	for (p = (const unsigned char *)(s ? s : ""); *p; p++) {
		for (run = p; printable(*p); p++)
			;
		if (p > run)
			fwrite(run, 1, p - run, f);
		if (!*p)
			break;
		if ((a = ascii_for(p, &len))) {
			fputs(a, f);
			p += len - 1;
		} else {
			fprintf(f, "\\x%02x", *p);
		}
	}
}

void rp_put_md(FILE *f, const char *s)
{
	const unsigned char *p;
	const char *a;
	size_t len;

	/*
	 * CommonMark lets any ASCII punctuation be backslash-escaped; these
	 * are the ones that could start markup, links, raw HTML or end a
	 * table cell.
	 */
	for (p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (!printable(*p) && (a = ascii_for(p, &len))) {
			fputs(a, f);	/* none of them is markup */
			p += len - 1;
		} else if (!printable(*p))
			fprintf(f, "\\\\x%02x", *p);
		else if (strchr("\\`*_[]<>|~&#!", *p))
			fprintf(f, "\\%c", *p);
		else
			putc(*p, f);
	}
}

int rp_utf8_len(const unsigned char *p)
{
	uint32_t cp;
	int n, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2; cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3; cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4; cp = p[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/* bytes that go into a JSON string as they are (UTF-8 checked apart) */
static bool json_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '<' &&
		c != '>' && c != '&';
}

void rp_put_json(FILE *f, const char *s)
{
	const unsigned char *p, *run;
	int n;

	if (!s) {
		fputs("null", f);
		return;
	}
	putc('"', f);
	for (p = (const unsigned char *)s; *p; p += n) {
		/* write runs of plain bytes at once: reports can be large */
		for (run = p; json_plain(*p); p++)
			;
		if (p > run)
			fwrite(run, 1, p - run, f);
		if (!*p)
			break;
		n = rp_utf8_len(p);
		if (n == 0) {
			/* not UTF-8: JSON text must be; keep the position visible */
			fputs("\\ufffd", f);
			n = 1;
		} else if (n > 1) {
			fwrite(p, 1, n, f);
		} else if (*p == '"' || *p == '\\') {
			putc('\\', f);
			putc(*p, f);
		} else if (*p == '\n') {
			fputs("\\n", f);
		} else {
			/* <>& too, so the document can sit inside an HTML <script> */
			fprintf(f, "\\u%04x", *p);
		}
	}
	putc('"', f);
}

void rp_put_html(FILE *f, const char *s)
{
	const unsigned char *p, *run;
	int n;

	for (p = (const unsigned char *)(s ? s : ""); *p; p += n) {
		for (run = p; printable(*p) && !strchr("&<>\"'", *p); p++)
			;
		if (p > run)
			fwrite(run, 1, p - run, f);
		if (!*p)
			break;
		n = rp_utf8_len(p);
		if (n == 0) {
			fputs("&#xfffd;", f);
			n = 1;
		} else if (n > 1) {
			fwrite(p, 1, n, f);
		} else if (*p == '&') {
			fputs("&amp;", f);
		} else if (*p == '<') {
			fputs("&lt;", f);
		} else if (*p == '>') {
			fputs("&gt;", f);
		} else if (*p == '"') {
			fputs("&quot;", f);
		} else if (*p == '\'') {
			fputs("&#39;", f);
		} else if (*p == '\n') {
			putc('\n', f);
		} else if (!printable(*p)) {
			fprintf(f, "\\x%02x", *p);
		} else {
			putc(*p, f);
		}
	}
}

void rp_put_csv(FILE *f, const char *s)
{
	const unsigned char *p;
	bool quote;
	int n;

	if (!s)
		return;
	/*
	 * RFC 4180 quoting for , and ".  Control bytes and bytes that are
	 * not UTF-8 become \xNN so every row stays one valid UTF-8 line.
	 * A field starting with = + - @ is a formula to spreadsheets: an
	 * apostrophe keeps a hostile comm from running as one.
	 */
	quote = strpbrk(s, ",\"") || (s[0] && strchr("=+-@", s[0]));
	if (quote)
		putc('"', f);
	if (s[0] && strchr("=+-@", s[0]))
		putc('\'', f);
	for (p = (const unsigned char *)s; *p; p += n) {
		n = rp_utf8_len(p);
		if (n > 1) {
			fwrite(p, 1, n, f);
			continue;
		}
		n = 1;
		if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\x%02x", *p);
		else if (*p == '"')
			fputs("\"\"", f);
		else
			putc(*p, f);
	}
	if (quote)
		putc('"', f);
}

static char *fmt_ms(char *buf, int64_t ns, const char *sign_pos)
{
	uint64_t ms;
	const char *sign = sign_pos;

	if (ns < 0) {
		sign = "-";
		ms = ((uint64_t)-(ns + 1) + 1 + 500000) / 1000000;
	} else {
		ms = ((uint64_t)ns + 500000) / 1000000;
	}
	snprintf(buf, RP_BUF, "%s%" PRIu64 ".%03" PRIu64 "s", sign,
		 ms / 1000, ms % 1000);
	return buf;
}

char *rp_rel(char *buf, int64_t ns, const char *unknown)
{
	if (ns == OL_NONE) {
		snprintf(buf, RP_BUF, "%s", unknown);
		return buf;
	}
	return fmt_ms(buf, ns, "+");
}

char *rp_dur(char *buf, int64_t ns, const char *unknown)
{
	if (ns == OL_NONE) {
		snprintf(buf, RP_BUF, "%s", unknown);
		return buf;
	}
	return fmt_ms(buf, ns, "");
}

char *rp_abs(char *buf, int64_t ns, int decimals, const char *unknown)
{
	if (ns == OL_NONE) {
		snprintf(buf, RP_BUF, "%s", unknown);
	} else if (ns < 0) {
		snprintf(buf, RP_BUF, "%.*f", decimals, ns / 1e9);
	} else if (decimals == 6) {
		snprintf(buf, RP_BUF, "%" PRId64 ".%06" PRId64,
			 ns / 1000000000, ns % 1000000000 / 1000);
	} else {
		snprintf(buf, RP_BUF, "%" PRId64 ".%03" PRId64,
			 ns / 1000000000, ns % 1000000000 / 1000000);
	}
	return buf;
}

char *rp_kb(char *buf, int64_t kb, const char *unknown)
{
	if (kb == OL_NONE || kb < 0)
		snprintf(buf, RP_BUF, "%s", unknown);
	else if (kb < 1024)
		snprintf(buf, RP_BUF, "%" PRId64 "K", kb);
	else if (kb < 1024 * 1024)
		snprintf(buf, RP_BUF, "%.1fM", kb / 1024.0);
	else
		snprintf(buf, RP_BUF, "%.1fG", kb / (1024.0 * 1024.0));
	return buf;
}

char *rp_secs_exact(char *buf, int64_t ns)
{
	if (ns == OL_NONE)
		buf[0] = '\0';
	else if (ns < 0)
		snprintf(buf, RP_BUF, "-%" PRIu64 ".%09" PRIu64,
			 ((uint64_t)-(ns + 1) + 1) / 1000000000,
			 ((uint64_t)-(ns + 1) + 1) % 1000000000);
	else
		snprintf(buf, RP_BUF, "%" PRId64 ".%09" PRId64,
			 ns / 1000000000, ns % 1000000000);
	return buf;
}

int64_t rp_since(const struct ol_victim *v, int64_t ts)
{
	if (ts == OL_NONE || v->kill_ns == OL_NONE)
		return OL_NONE;
	return ts - v->kill_ns;
}

static const char *nn(const char *s)
{
	return s ? s : "unknown";
}

const char *rp_verdict(enum ol_verdict_kind k)
{
	return nn(ol_verdict_name(k));
}

const char *rp_conf(enum ol_confidence c)
{
	return nn(ol_confidence_name(c));
}

const char *rp_skip_by(enum ol_skip_by s)
{
	return nn(ol_skip_by_name(s));
}

const char *rp_freed_by(enum ol_freed_by f)
{
	return nn(ol_freed_by_name(f));
}

void rp_wrap(FILE *f, const char *s, int first, int indent, int width)
{
	int col = first, len, room;
	bool fresh = true;	/* no word on this line yet */
	const char *w;

	if (indent >= width)
		indent = 0;
	while (*s) {
		while (*s == ' ' || *s == '\n')
			s++;
		if (!*s)
			break;
		for (w = s; *w && *w != ' ' && *w != '\n'; w++)
			;
		len = (int)(w - s);
		/* move to a new line, unless the word is too long anyway and
		 * a good piece of it still fits here */
		if (col > indent && col + !fresh + len > width &&
		    (len <= width - indent || width - col - 1 < 8)) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
			fresh = true;
		}
		if (!fresh) {
			putc(' ', f);
			col++;
		}
		/* a word wider than a whole line is cut into pieces */
		while (col + len > width) {
			room = width - col;
			if (room > 0) {
				fwrite(s, 1, room, f);
				s += room;
				len -= room;
			}
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		}
		fwrite(s, 1, len, f);
		col += len;
		fresh = false;
		s = w;
	}
	putc('\n', f);
}

char *rp_oom_facts(const struct ol_victim *v)
{
	char buf[1024];
	size_t n = 0;

#define ADD(...) do { if (n < sizeof(buf)) \
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, __VA_ARGS__); } while (0)
	if (!v->gfp_mask && !v->constraint)
		return NULL;
	if (v->gfp_mask)
		ADD("gfp_mask=%s", v->gfp_mask);
	if (v->order >= 0)
		ADD("%sorder=%d", n ? ", " : "", v->order);
	if (v->constraint)
		ADD("%s%s", n ? ", " : "", v->constraint);
	if (v->nodemask && strcmp(v->nodemask, "(null)"))
		ADD("%snodemask=%s", n ? ", " : "", v->nodemask);
	/* the domain already names oom_memcg: the task's own when it differs */
	if (v->task_memcg && (!v->oom_memcg || strcmp(v->task_memcg, v->oom_memcg)))
		ADD("%stask_memcg=%s", n ? ", " : "", v->task_memcg);
	if (v->invoker && (!v->trigger_comm || strcmp(v->invoker, v->trigger_comm)))
		ADD("%sinvoked by %s", n ? ", " : "", v->invoker);
	if (v->memcg_limit_kb > 0 && v->memcg_usage_kb >= 0)
		ADD("%smemcg usage %lld kB of limit %lld kB", n ? ", " : "",
		    (long long)v->memcg_usage_kb, (long long)v->memcg_limit_kb);
#undef ADD
	return strdup(buf);
}
