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
	return v->index >= 0 && (size_t)v->index < r->a->nvictims && r->show[v->index];
}

bool rp_victim_chosen(const struct ol_victim *v, const void *rp)
{
	const struct rp *r = rp;

	return rp_victim_selected(r, v) && r->show[v->index] == RP_SELECTED;
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

void rp_put_ascii(FILE *f, const char *s)
{
	char *e = pr_ascii(s);

	fputs(e ? e : "", f);
	free(e);
}

void rp_put_md_text(FILE *f, const char *s)
{
	/*
	 * CommonMark lets any ASCII punctuation be backslash-escaped; these
	 * are the ones that could start markup, links, raw HTML or end a
	 * table cell (and the backslash of a \xNN escape).
	 */
	for (; s && *s; s++) {
		if (strchr("\\`*_[]<>|~&#!", *s))
			putc('\\', f);
		putc(*s, f);
	}
}

void rp_put_md(FILE *f, const char *s)
{
	char *e = pr_ascii(s);

	rp_put_md_text(f, e);
	free(e);
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

/*
 * UTF-8 text out: runs of @plain bytes and valid multi-byte sequences as
 * they are, a byte that is not UTF-8 as @bad, any other byte as @one
 * writes it.  Runs are written at once: reports can be large.
 */
static void put_utf8(FILE *f, const char *s, bool (*plain)(unsigned char),
		     void (*one)(FILE *, unsigned char), const char *bad)
{
	const unsigned char *p, *run;
	int n;

	for (p = (const unsigned char *)(s ? s : ""); *p; p += n) {
		for (run = p; plain(*p); p++)
			;
		if (p > run)
			fwrite(run, 1, p - run, f);
		if (!*p)
			break;
		n = rp_utf8_len(p);
		if (n == 0) {
			fputs(bad, f);	/* keep the position visible */
			n = 1;
		} else if (n > 1) {
			fwrite(p, 1, n, f);
		} else {
			one(f, *p);
		}
	}
}

/* bytes that go into a JSON string as they are */
static bool json_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '<' &&
		c != '>' && c != '&';
}

static void json_one(FILE *f, unsigned char c)
{
	if (c == '"' || c == '\\')
		fprintf(f, "\\%c", c);
	else if (c == '\n')
		fputs("\\n", f);
	else	/* <>& too, so the document can sit inside an HTML <script> */
		fprintf(f, "\\u%04x", c);
}

void rp_put_json(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	putc('"', f);
	/* JSON text must be UTF-8 */
	put_utf8(f, s, json_plain, json_one, "\\ufffd");
	putc('"', f);
}

static bool html_plain(unsigned char c)
{
	return printable(c) && !strchr("&<>\"'", c);
}

static void html_one(FILE *f, unsigned char c)
{
	static const char *const ent[] = { ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;",
					   ['"'] = "&quot;", ['\''] = "&#39;" };

	if (c < sizeof(ent) / sizeof(ent[0]) && ent[c])
		fputs(ent[c], f);
	else if (c == '\n')
		putc('\n', f);
	else
		fprintf(f, "\\x%02x", c);
}

void rp_put_html(FILE *f, const char *s)
{
	put_utf8(f, s, html_plain, html_one, "&#xfffd;");
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
