// SPDX-License-Identifier: GPL-2.0
/*
 * The layout of a version 7 trace.dat (trace-cmd.dat.v7(5); what Debian
 * 12's trace-cmd 3.1.6 writes by default, zstd-compressed): sections
 * (u16 id, u16 flags, u32 string id, u64 size; flag 1: the body is u32
 * compressed size, u32 size, zstd data), chained options sections (u16 id,
 * u32 size, data; DONE, id 0, holds the offset of the next section),
 * options pointing at the header sections (16-21) and at each buffer's
 * flyrecord section and per-CPU data (BUFFER, 3: chunks of whole pages,
 * u32 count, then u32 compressed size, u32 size, data).
 *
 * ol_v7_bad() checks what libtracecmd trusts before tracecmd_open_head()
 * reads it, as tracedat.c does for version 6: every section inside the
 * file and its sizes within bounds (it mallocs what a size says: a flipped
 * byte asked for 18 GB), the option records (ol_td_option_ok(), and a
 * BUFFER option's CPU table), the sizes inside the header sections, the
 * printk formats (ol_td_printk_ok()), each CPU's chunk table, and the
 * pages of each CPU's first chunk (tracecmd_init_data() walks the first
 * page with kbuffer).  flyrecord.c reads the event data through the same
 * functions.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "collect/collect-local.h"

#define MAX_SECTION	(256u << 20)	/* uncompressed bytes of a header or options section */
#define MAX_CHUNK	(64u << 20)	/* uncompressed bytes of a chunk of event data */
#define MAX_SECTIONS	64		/* options sections */

static const char corrupt_opt[] = "cannot read this trace.dat (corrupt: a bad option record)";
static const char corrupt_sec[] = "cannot read this trace.dat (truncated or corrupt: a section runs past its end or its sizes do not fit)";
static const char corrupt_cpu[] = "cannot read this trace.dat (truncated or corrupt: event data past its end or unreadable)";

bool ol_v7_read(const struct ol_v7 *v, void *buf, size_t n, unsigned long long off)
{
	size_t got = 0;

	if (off > v->size || n > v->size - off)
		return false;
	while (got < n) {
		ssize_t r = pread(v->fd, (char *)buf + got, n - got, (off_t)(off + got));

		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	return true;
}

unsigned int ol_v7_u32(const struct ol_v7 *v, const unsigned char *p)
{
	return v->be ? (unsigned int)p[0] << 24 | (unsigned int)p[1] << 16 |
		       (unsigned int)p[2] << 8 | p[3] : ol_le32(p);
}

unsigned long long ol_v7_u64(const struct ol_v7 *v, const unsigned char *p)
{
	return v->be ? (unsigned long long)ol_v7_u32(v, p) << 32 | ol_v7_u32(v, p + 4) : ol_le64(p);
}

static unsigned int u16_of(const struct ol_v7 *v, const unsigned char *p)
{
	return v->be ? (unsigned int)p[0] << 8 | p[1] : p[0] | (unsigned int)p[1] << 8;
}

int ol_v7_open(struct ol_v7 *v, const char *path, const char **bad)
{
	unsigned char head[4096];
	const unsigned char *z;
	unsigned int i, h;
	off_t end;
	ssize_t n;

	memset(v, 0, sizeof(*v));
	v->fd = -1;
	*bad = NULL;
	v->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (v->fd < 0 || (end = lseek(v->fd, 0, SEEK_END)) < 0)
		goto no;
	v->size = (unsigned long long)end;
	memset(head, 0, sizeof(head));
	n = pread(v->fd, head, sizeof(head) - 1, 0);
	/*
	 * magic (10), the version string (libtracecmd takes strtol() of it:
	 * 7 and above have sections), endian, long size, page size; a
	 * version string without its NUL is refused by tracedat.c
	 */
	if (n < 12 || memcmp(head + 3, "tracing", 7) || !(z = memchr(head + 10, 0, (size_t)n - 10)) ||
	    strtol((const char *)head + 10, NULL, 10) < 7)
		goto no;
	h = (unsigned int)(z - head) + 1;
	if ((unsigned int)n < h + 6 || head[h] > 1) {
		/* libtracecmd takes any byte order but 0 as big-endian */
		*bad = "cannot read this trace.dat (corrupt: the byte order is neither 0 nor 1)";
		goto no;
	}
	v->be = head[h];
	v->lsize = head[h + 1];
	v->page = ol_v7_u32(v, head + h + 2);
	if (v->lsize != 4 && v->lsize != 8) {
		*bad = "cannot read this trace.dat (corrupt: the long size is not 4 or 8)";
		goto no;
	}
	if (v->page < 4096 || v->page > MAX_CHUNK || (v->page & (v->page - 1))) {
		*bad = "cannot read this trace.dat (corrupt: the page size is not a power of two of at least 4096)";
		goto no;
	}
	/* compression name\0 version\0, then the first options section */
	h += 6;
	z = memchr(head + h, 0, (size_t)n - h);			/* end of the name */
	if (z)
		z = memchr(z + 1, 0, (size_t)(head + n - z - 1));	/* of the version */
	if (!z || (i = (unsigned int)(z - head) + 1) + 8 > (unsigned int)n) {
		*bad = "cannot read this trace.dat (corrupt: no end to its compression header)";
		goto no;
	}
	if (!strcmp((const char *)head + h, "zstd")) {
		if (!(v->zd = ZSTD_createDCtx())) {
			*bad = "cannot read this trace.dat (out of memory)";
			goto no;
		}
		v->zstd = true;
	} else if (strcmp((const char *)head + h, "none")) {
		*bad = "cannot read this trace.dat (compressed with an algorithm this build of libtracecmd does not have)";
		goto no;
	}
	v->options = ol_v7_u64(v, head + i);
	v->first = i + 8;
	return 1;
no:
	ol_v7_close(v);
	return *bad ? -1 : 0;
}

void ol_v7_close(struct ol_v7 *v)
{
	if (v->fd >= 0)
		close(v->fd);
	v->fd = -1;
	ZSTD_freeDCtx(v->zd);
	v->zd = NULL;
	free(v->zbuf);
	v->zbuf = NULL;
	v->zcap = 0;
}

bool ol_v7_reserve(unsigned char **buf, size_t *cap, size_t n)
{
	unsigned char *p;

	if (*cap >= n)
		return true;
	if (!(p = realloc(*buf, n)))
		return false;
	*buf = p;
	*cap = n;
	return true;
}

bool ol_v7_inflate(struct ol_v7 *v, unsigned long long off, unsigned int zn,
		   unsigned char *out, unsigned int n)
{
	size_t r;

	if (!v->zstd || !ol_v7_reserve(&v->zbuf, &v->zcap, zn) || !ol_v7_read(v, v->zbuf, zn, off))
		return false;
	r = ZSTD_decompressDCtx(v->zd, out, n, v->zbuf, zn);
	return !ZSTD_isError(r) && r == n;
}

unsigned long long ol_v7_chunks_end(const struct ol_v7 *v, unsigned long long off,
				    unsigned long long size)
{
	if (off > v->size || v->size - off < 4 || size > v->size - off - 4)
		return v->size;
	return off + size + 4;
}

bool ol_v7_chunk(const struct ol_v7 *v, unsigned long long pos, unsigned long long end,
		 unsigned int *zn, unsigned int *n)
{
	unsigned char h[8];

	if (pos > end || end - pos < 8 || !ol_v7_read(v, h, 8, pos))
		return false;
	*zn = ol_v7_u32(v, h);
	*n = ol_v7_u32(v, h + 4);
	return *zn <= end - pos - 8 && *n && *n <= MAX_CHUNK && !(*n % v->page);
}

unsigned char *ol_v7_section(struct ol_v7 *v, unsigned long long off, unsigned int id,
			     unsigned int *len)
{
	unsigned char h[16], *b;
	unsigned long long size;

	if (!ol_v7_read(v, h, 16, off) || u16_of(v, h) != id)
		return NULL;
	size = ol_v7_u64(v, h + 8);
	if (size > v->size - off - 16)
		return NULL;
	if (u16_of(v, h + 2) & 1) {		/* compressed */
		unsigned char zh[8];
		unsigned int zn, n;

		if (size < 8 || !ol_v7_read(v, zh, 8, off + 16))
			return NULL;
		zn = ol_v7_u32(v, zh);
		n = ol_v7_u32(v, zh + 4);
		if (zn > size - 8 || n > MAX_SECTION || !(b = malloc(n ? n : 1)))
			return NULL;
		if (!ol_v7_inflate(v, off + 24, zn, b, n)) {
			free(b);
			return NULL;
		}
		*len = n;
		return b;
	}
	if (size > MAX_SECTION || !(b = malloc(size ? size : 1)))
		return NULL;
	if (!ol_v7_read(v, b, size, off + 16)) {
		free(b);
		return NULL;
	}
	*len = (unsigned int)size;
	return b;
}

int ol_v7_options(struct ol_v7 *v, ol_v7_option_fn *fn, void *ctx)
{
	unsigned long long off = v->options;
	int sec, r;

	for (sec = 0; off && sec < MAX_SECTIONS; sec++) {
		unsigned int n, at = 0;
		unsigned char *b = ol_v7_section(v, off, 0, &n);

		if (!b)
			return -1;
		off = 0;
		for (;;) {
			unsigned int id, len;

			if (n - at < 6) {
				free(b);
				return -1;	/* no DONE */
			}
			id = u16_of(v, b + at);
			len = ol_v7_u32(v, b + at + 2);
			if (len > n - at - 6) {
				free(b);
				return -1;
			}
			if (id == 0) {
				off = len >= 8 ? ol_v7_u64(v, b + at + 6) : 0;
				break;
			}
			if ((r = fn(ctx, id, b + at + 6, len))) {
				free(b);
				return r;
			}
			at += 6 + len;
		}
		free(b);
	}
	return off ? -1 : 0;
}

/* Skips a u64 (@w 8) or u32 (@w 4) size and that many bytes of @b: false past @n. */
static bool skip_sized(const struct ol_v7 *v, const unsigned char *b, unsigned int n,
		       unsigned int *at, int w)
{
	unsigned long long l;

	if (n - *at < (unsigned int)w)
		return false;
	l = w == 8 ? ol_v7_u64(v, b + *at) : ol_v7_u32(v, b + *at);
	*at += (unsigned int)w;
	if (l > n - *at)
		return false;
	*at += (unsigned int)l;
	return true;
}

/* The sizes inside header section @id (16-21, uncompressed @b of @n bytes). */
static const char *header_bad(const struct ol_v7 *v, unsigned int id, unsigned char *b,
			      unsigned int n)
{
	unsigned int at = 0, i, j, cnt, m;

	switch (id) {
	case 16:		/* "header_page\0" u64 size data "header_event\0" u64 size data */
		for (i = 0; i < 2; i++) {
			const char *name = i ? "header_event" : "header_page";
			size_t l = strlen(name) + 1;

			if (n - at < l || memcmp(b + at, name, l))
				return corrupt_sec;
			at += (unsigned int)l;
			if (!skip_sized(v, b, n, &at, 8))
				return corrupt_sec;
		}
		return NULL;
	case 17:		/* u32 count, each u64 size + format */
		if (n < 4)
			return corrupt_sec;
		cnt = ol_v7_u32(v, b);
		for (at = 4, i = 0; i < cnt; i++)
			if (!skip_sized(v, b, n, &at, 8))
				return corrupt_sec;
		return NULL;
	case 18:		/* u32 systems, each name\0 u32 count, each u64 size + format */
		if (n < 4)
			return corrupt_sec;
		cnt = ol_v7_u32(v, b);
		for (at = 4, i = 0; i < cnt; i++) {
			const unsigned char *z = memchr(b + at, 0, n - at);

			if (!z)
				return corrupt_sec;
			at = (unsigned int)(z - b) + 1;
			if (n - at < 4)
				return corrupt_sec;
			m = ol_v7_u32(v, b + at);
			for (at += 4, j = 0; j < m; j++)
				if (!skip_sized(v, b, n, &at, 8))
					return corrupt_sec;
		}
		return NULL;
	case 19:		/* kallsyms: u32 size + text */
		return skip_sized(v, b, n, &at, 4) ? NULL : corrupt_sec;
	case 20:		/* printk formats: u32 size + text */
		if (!skip_sized(v, b, n, &at, 4))
			return corrupt_sec;
		{
			unsigned int l = ol_v7_u32(v, b);
			char *t = malloc((size_t)l + 1);
			bool ok;

			if (!t)
				return "cannot read this trace.dat (out of memory)";
			memcpy(t, b + 4, l);
			t[l] = '\0';
			ok = ol_td_printk_ok(t);
			free(t);
			return ok ? NULL : "cannot read this trace.dat (corrupt: a printk format line without an address or a format)";
		}
	case 21:		/* saved command lines: u64 size + text */
		return skip_sized(v, b, n, &at, 8) ? NULL : corrupt_sec;
	}
	return NULL;
}

/*
 * One CPU's event data (@off, @size): the chunk table, and the pages of
 * the first chunk (or, uncompressed, every page), which
 * tracecmd_init_data() starts reading with kbuffer.
 */
static const char *cpu_bad(struct ol_v7 *v, unsigned long long off, unsigned long long size,
			   unsigned long long *bad_at)
{
	unsigned char h[4], *buf;
	unsigned long long pos, end, p;
	unsigned int count, i, zn, n;
	const char *bad = NULL;

	if (!size)
		return NULL;
	if (off > v->size || size > v->size - off)
		return corrupt_cpu;
	if (!v->zstd) {
		if (size % v->page || !(buf = malloc(v->page)))
			return corrupt_cpu;
		for (p = 0; p < size && !bad; p += v->page)
			if (!ol_v7_read(v, buf, v->page, off + p) ||
			    !ol_rb_page_ok(buf, v->page, 8 + v->lsize, v->be)) {
				*bad_at = off + p;
				bad = corrupt_cpu;
			}
		free(buf);
		return bad;
	}
	end = ol_v7_chunks_end(v, off, size);
	if (size < 4 || !ol_v7_read(v, h, 4, off))
		return corrupt_cpu;
	count = ol_v7_u32(v, h);
	if (count > size / 8)
		return corrupt_cpu;	/* libtracecmd callocs the table */
	for (pos = off + 4, i = 0; i < count; i++) {
		if (!ol_v7_chunk(v, pos, end, &zn, &n))
			return corrupt_cpu;
		if (i == 0) {
			if (!(buf = malloc(n)))
				return "cannot read this trace.dat (out of memory)";
			if (!ol_v7_inflate(v, pos + 8, zn, buf, n))
				bad = corrupt_cpu;
			for (p = 0; !bad && p < n; p += v->page)
				if (!ol_rb_page_ok(buf + p, v->page, 8 + v->lsize, v->be)) {
					*bad_at = pos;
					bad = corrupt_cpu;
				}
			free(buf);
			if (bad)
				return bad;
		}
		pos += 8 + (unsigned long long)zn;
	}
	return NULL;
}

struct check {
	struct ol_v7 *v;
	const char *bad;
	unsigned long long bad_at;
};

static int check_option(void *ctx, unsigned int id, const unsigned char *d, unsigned int n)
{
	struct check *c = ctx;
	struct ol_v7 *v = c->v;

	if (!ol_td_option_ok((int)id, d, n)) {
		c->bad = corrupt_opt;
		return 1;
	}
	if (id >= 16 && id <= 21) {	/* the offset of a header section */
		unsigned char *b;
		unsigned int len;

		if (n < 8 || !(b = ol_v7_section(v, ol_v7_u64(v, d), id, &len))) {
			c->bad = corrupt_sec;
			return 1;
		}
		c->bad = header_bad(v, id, b, len);
		free(b);
		return c->bad != NULL;
	}
	if (id == 3) {			/* BUFFER: u64 section, name\0, clock\0, u32 page, u32 cpus, CPUs */
		const unsigned char *z;
		unsigned int at, cpus, i;
		unsigned char h[16];

		if (!(z = memchr(d + 8, 0, n - 8)) || !(z = memchr(z + 1, 0, (size_t)(d + n - z - 1))))
			goto bad;
		at = (unsigned int)(z - d) + 1;
		if (n - at < 8 || ol_v7_u32(v, d + at) != v->page)
			goto bad;
		cpus = ol_v7_u32(v, d + at + 4);
		at += 8;
		if (cpus > 8192 || cpus > (n - at) / 20)
			goto bad;
		/* its flyrecord section (id 3) */
		if (!ol_v7_read(v, h, 16, ol_v7_u64(v, d)) || u16_of(v, h) != 3 ||
		    ol_v7_u64(v, h + 8) > v->size - ol_v7_u64(v, d) - 16)
			goto bad;
		for (i = 0; i < cpus; i++, at += 20) {
			if (ol_v7_u32(v, d + at) >= 8192)
				goto bad;
			if ((c->bad = cpu_bad(v, ol_v7_u64(v, d + at + 4), ol_v7_u64(v, d + at + 12), &c->bad_at)))
				return 1;
		}
		return 0;
bad:
		c->bad = corrupt_opt;
		return 1;
	}
	if (id == 22) {			/* BUFFER_TEXT: u64 section, name\0, clock\0 */
		const unsigned char *z = memchr(d + 8, 0, n - 8);

		/* an instance of latency data (a name): its handle has CPUs
		 * but no CPU data, and tracecmd_peek_data() crashes (as in
		 * version 6); oomlens reads no latency data anyway */
		if (!z || z != d + 8 || !memchr(z + 1, 0, (size_t)(d + n - z - 1)) ||
		    ol_v7_u64(v, d) > v->size - 16) {
			c->bad = corrupt_opt;
			return 1;
		}
	}
	return 0;
}

/*
 * libtracecmd's read_metadata_strings() (tracecmd_open_head()) walks every
 * section from the end of the file header to the end of the file, header
 * by header, skipping each with lseek(size, SEEK_CUR): a size negative as
 * an off_t steps back and the walk never ends (found by fuzzing: a
 * timeout).  The STRINGS section (15) it reads instead: its size, or its
 * uncompressed size, is malloc'd.
 */
static const char *sections_bad(struct ol_v7 *v)
{
	unsigned long long pos = v->first;
	unsigned int steps;

	for (steps = 0; steps < 65536; steps++) {
		unsigned char h[16], zh[8];
		unsigned long long size;

		if (!ol_v7_read(v, h, 16, pos))
			return NULL;	/* its end: libtracecmd's walk stops */
		size = ol_v7_u64(v, h + 8);
		if ((long long)size < 0)
			return corrupt_sec;
		if (u16_of(v, h) == 15) {
			if (size > MAX_SECTION)
				return corrupt_sec;
			/* compressed: read whole, as the section's size says */
			if ((u16_of(v, h + 2) & 1) &&
			    (size < 8 || !ol_v7_read(v, zh, 8, pos + 16) ||
			     ol_v7_u32(v, zh) != size - 8 || ol_v7_u32(v, zh + 4) > MAX_SECTION))
				return corrupt_sec;
		}
		if (size > v->size - pos - 16)
			return NULL;	/* the next read fails: the walk stops */
		pos += 16 + size;
	}
	return corrupt_sec;
}

const char *ol_v7_bad(struct ol_v7 *v, unsigned long long *bad_at)
{
	struct check c = { v, NULL, 0 };

	*bad_at = 0;
	if ((c.bad = sections_bad(v)))
		return c.bad;
	if (ol_v7_options(v, check_option, &c) < 0)
		return c.bad ? c.bad : corrupt_sec;
	*bad_at = c.bad_at;
	return c.bad;
}
