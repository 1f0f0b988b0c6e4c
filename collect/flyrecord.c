// SPDX-License-Identifier: GPL-2.0
/*
 * The event data of a version 7 trace.dat (what `trace-cmd record` and
 * `trace-cmd extract` 3.x write, zstd-compressed or not), read without
 * libtracecmd's page cache.  libtracecmd 3.1.6 (Debian 12) keeps every
 * decompressed chunk for good and walks the list of them on every page it
 * frees (free_zpage() compares the wrong way round; fixed upstream by
 * 5274db32, "Use an rbtree for mapping of cache pages", 3.2): the walk is
 * quadratic in the chunks of a CPU and the memory grows with the file.
 *
 * Here each CPU's chunks are decompressed one at a time (libzstd),
 * each page checked (ol_rb_page_ok()) and walked with libtraceevent's
 * kbuffer, and the CPUs of every buffer merged in time order as
 * tracecmd_iterate_events_multi() merges them (the smallest time stamp
 * first; on a tie the earlier buffer, then the lower CPU).  libtracecmd
 * still reads the headers and formats, and stays the reader of every other
 * file: ol_fly_open() says no to a version 6 file, a big-endian or
 * old-format one, another compression (zlib: Debian's trace-cmd cannot
 * write it, so nothing here could test it), options that move time stamps
 * (DATE, OFFSET, TIME_SHIFT, TSC2NSEC, GUEST), and to any file whose first
 * event per CPU is not the one libtracecmd reads there (ts, size, bytes).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <zstd.h>
#include <trace-cmd.h>
#include <traceevent/kbuffer.h>

#include "collect/collect-local.h"

#define MAX_SECTIONS	64
#define MAX_OPTIONS	(16u << 20)	/* bytes of one options section */
#define MAX_CHUNK	(64u << 20)	/* uncompressed bytes of one chunk */
#define MAX_STREAMS	(64 * 8192)

enum codec { Z_NONE, Z_ZSTD };

struct stream {
	struct tracecmd_input *h;
	int hi, cpu;			/* handle index, CPU id: the merge's tie order */
	unsigned long long pos, end;	/* next chunk (or page) in the file, end of data */
	unsigned int left;		/* chunks still to read (compressed) */
	unsigned long long at;		/* file offset of the current chunk or page */
	unsigned char *buf;		/* the current chunk, uncompressed */
	size_t len, cap, page_at;
	bool loaded, have, bad;
	struct kbuffer *kb;
	unsigned long long ts;
	void *data;
};

struct ol_fly {
	int fd;
	enum codec codec;
	unsigned int page, hdr;
	ZSTD_DCtx *zd;
	unsigned char *zbuf;
	size_t zcap;
	struct stream *s;
	int ns;
	unsigned long long bad_at;
};

static bool pread_all(int fd, void *buf, size_t n, unsigned long long off)
{
	size_t got = 0;

	if (off > (unsigned long long)INT64_MAX - n)
		return false;
	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));

		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	return true;
}

static unsigned int u32_at(const unsigned char *p)
{
	unsigned int v;

	memcpy(&v, p, 4);
	return v;	/* little-endian files only (ol_fly_open) */
}

static unsigned long long u64_at(const unsigned char *p)
{
	unsigned long long v;

	memcpy(&v, p, 8);
	return v;
}

/* @zn zstd-compressed bytes at @off into @out (@n bytes exactly). */
static bool inflate_at(struct ol_fly *f, unsigned long long off, unsigned int zn,
		       unsigned char *out, unsigned int n)
{
	size_t r;

	if (f->zcap < zn) {
		unsigned char *p = realloc(f->zbuf, zn);

		if (!p)
			return false;
		f->zbuf = p;
		f->zcap = zn;
	}
	if (!pread_all(f->fd, f->zbuf, zn, off))
		return false;
	r = ZSTD_decompressDCtx(f->zd, out, n, f->zbuf, zn);
	return !ZSTD_isError(r) && r == n;
}

/*
 * A section's body (after its 16-byte header at @off): decompressed when
 * its flags say so.  NULL when it does not fit the file or the limits.
 */
static unsigned char *section(struct ol_fly *f, unsigned long long off, unsigned long long fsize,
			      unsigned int *len)
{
	unsigned char h[16], *b;
	unsigned long long size;

	if (!pread_all(f->fd, h, 16, off) || h[0] | h[1])	/* id 0: options */
		return NULL;
	size = u64_at(h + 8);
	if (size > fsize || off + 16 > fsize - size)
		return NULL;
	if (u32_at(h) >> 16 & 1) {		/* compressed: u32 zsize, u32 size, data */
		unsigned char zh[8];
		unsigned int zn, n;

		if (f->codec == Z_NONE || size < 8 || !pread_all(f->fd, zh, 8, off + 16))
			return NULL;
		zn = u32_at(zh);
		n = u32_at(zh + 4);
		if (zn > size - 8 || n > MAX_OPTIONS || !(b = malloc(n ? n : 1)))
			return NULL;
		if (!inflate_at(f, off + 24, zn, b, n)) {
			free(b);
			return NULL;
		}
		*len = n;
		return b;
	}
	if (size > MAX_OPTIONS || !(b = malloc(size ? size : 1)))
		return NULL;
	if (!pread_all(f->fd, b, size, off + 16)) {
		free(b);
		return NULL;
	}
	*len = (unsigned int)size;
	return b;
}

/* A NUL-terminated string at @b[*@i] (< @n): its start, @i moved past it. */
static const char *str_in(const unsigned char *b, unsigned int n, unsigned int *i)
{
	const unsigned char *e = memchr(b + *i, 0, n - *i);
	const char *s = (const char *)b + *i;

	if (!e)
		return NULL;
	*i = (unsigned int)(e - b) + 1;
	return s;
}

static int add_stream(struct ol_fly *f, struct tracecmd_input *h, int hi, int cpu,
		      unsigned long long off, unsigned long long size, unsigned long long fsize)
{
	struct stream *s, *n;

	if (!size)
		return 0;
	if (size > fsize || off > fsize - size || f->ns >= MAX_STREAMS)
		return -1;
	n = realloc(f->s, (size_t)(f->ns + 1) * sizeof(*f->s));
	if (!n)
		return -1;
	f->s = n;
	s = &f->s[f->ns];
	memset(s, 0, sizeof(*s));
	s->h = h;
	s->hi = hi;
	s->cpu = cpu;
	s->pos = off;
	s->end = off + size;
	s->kb = kbuffer_alloc(f->hdr == 16 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4, KBUFFER_ENDIAN_LITTLE);
	if (!s->kb)
		return -1;
	f->ns++;
	if (f->codec != Z_NONE) {
		unsigned char c[4];

		if (size < 4 || !pread_all(f->fd, c, 4, off))
			return -1;
		s->left = u32_at(c);
		s->pos = off + 4;
		/* the size written is that of the chunks, after their count */
		s->end = off + size + 4 <= fsize ? off + size + 4 : fsize;
	}
	return 0;
}

/* One BUFFER option (id 3) of @b[0..@n): its CPUs as streams of @h. */
static int buffer_option(struct ol_fly *f, const unsigned char *b, unsigned int n,
			 struct tracecmd_input *h, int hi, unsigned long long fsize)
{
	unsigned int i = 8, page, cpus, c;

	if (n < 8 || !str_in(b, n, &i) || !str_in(b, n, &i) || n - i < 8)
		return -1;
	page = u32_at(b + i);
	cpus = u32_at(b + i + 4);
	i += 8;
	if (page != f->page || cpus > (n - i) / 20)
		return -1;
	for (c = 0; c < cpus; c++, i += 20) {
		unsigned int id = u32_at(b + i);

		/* libtracecmd indexes its CPUs by id, and so does the merge */
		if (id >= 8192 || (c && id <= u32_at(b + i - 20)) ||
		    add_stream(f, h, hi, (int)id, u64_at(b + i + 4), u64_at(b + i + 12), fsize))
			return -1;
	}
	return 0;
}

/*
 * The options sections from @off: each BUFFER option's CPUs become
 * streams of the handle whose buffer has that name (@names[i] of
 * @handles[i], "" the top buffer).  -1 for anything this reader does not
 * take (see the top of the file).
 */
static int read_options(struct ol_fly *f, unsigned long long off, unsigned long long fsize,
			struct tracecmd_input **handles, const char *const *names, int nh)
{
	int sec, i;

	for (sec = 0; off && sec < MAX_SECTIONS; sec++) {
		unsigned int n, at = 0;
		unsigned char *b = section(f, off, fsize, &n);

		if (!b)
			return -1;
		off = 0;
		while (at + 6 <= n) {
			unsigned int id = b[at] | b[at + 1] << 8, len = u32_at(b + at + 2);
			const unsigned char *d = b + at + 6;

			if (len > n - at - 6)
				break;
			at += 6 + len;
			if (id == 0) {		/* DONE: the next section */
				off = len >= 8 ? u64_at(d) : 0;
				break;
			}
			if (id == 1 || id == 7 || id == 12 || id == 13 || id == 14)
				goto no;	/* time stamps moved or mapped */
			if (id == 3) {
				unsigned int k = 8;
				const char *name = len > 8 ? str_in(d, len, &k) : NULL;

				for (i = 0; name && i < nh && strcmp(names[i], name); i++)
					;
				/* a buffer oomlens does not read: its CPUs are not merged */
				if (name && i < nh && buffer_option(f, d, len, handles[i], i, fsize))
					goto no;
				if (!name)
					goto no;
			}
		}
		free(b);
		continue;
no:
		free(b);
		return -1;
	}
	return off ? -1 : 0;
}

/*
 * The next page of @s loaded into its kbuffer: 1, 0 at the end of its
 * data, -1 corrupt (f->bad_at set).
 */
static int next_page(struct ol_fly *f, struct stream *s)
{
	if (s->loaded && s->page_at + f->page < s->len) {
		s->page_at += f->page;
	} else if (f->codec == Z_NONE) {
		if (s->pos >= s->end)
			return 0;
		if (s->end - s->pos < f->page)
			goto bad;
		if (!s->buf && !(s->buf = malloc(f->page)))
			goto bad;
		s->at = s->pos;
		if (!pread_all(f->fd, s->buf, f->page, s->pos))
			goto bad;
		s->pos += f->page;
		s->len = f->page;
		s->page_at = 0;
	} else {
		unsigned char ch[8];
		unsigned int zn, n;

		if (!s->left)
			return 0;
		s->at = s->pos;
		if (s->pos > s->end || s->end - s->pos < 8 || !pread_all(f->fd, ch, 8, s->pos))
			goto bad;
		zn = u32_at(ch);
		n = u32_at(ch + 4);
		/* the uncompressed size of a chunk is whole pages */
		if (zn > s->end - s->pos - 8 || !n || n > MAX_CHUNK || n % f->page)
			goto bad;
		if (s->cap < n) {
			unsigned char *p = realloc(s->buf, n);

			if (!p)
				goto bad;
			s->buf = p;
			s->cap = n;
		}
		if (!inflate_at(f, s->pos + 8, zn, s->buf, n))
			goto bad;
		s->pos += 8 + (unsigned long long)zn;
		s->left--;
		s->len = n;
		s->page_at = 0;
	}
	s->loaded = true;
	if (!ol_rb_page_ok(s->buf + s->page_at, f->page, f->hdr))
		goto bad;
	kbuffer_load_subbuffer(s->kb, s->buf + s->page_at);
	return 1;
bad:
	s->bad = true;
	f->bad_at = s->at;
	return -1;
}

/* The current event of @s (s->have), reading pages as needed: 1, 0, -1. */
static int fetch(struct ol_fly *f, struct stream *s)
{
	int r;

	if (s->have)
		return 1;
	if (s->bad)
		return -1;
	while (!s->loaded || !(s->data = kbuffer_read_event(s->kb, &s->ts)))
		if ((r = next_page(f, s)) <= 0)
			return r;
	s->have = true;
	return 1;
}

static void record_of(const struct stream *s, struct tep_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->ts = s->ts;
	rec->offset = s->at;
	rec->missed_events = kbuffer_missed_events(s->kb);
	rec->record_size = kbuffer_curr_size(s->kb);
	rec->size = kbuffer_event_size(s->kb);
	rec->data = s->data;
	rec->cpu = s->cpu;
	rec->ref_count = 1;
}

/*
 * The first event of each stream is the one libtracecmd reads on that
 * handle and CPU, and libtracecmd has no CPU with data that is not a
 * stream.
 */
static bool agrees(struct ol_fly *f, struct tracecmd_input **handles, int nh)
{
	int i, cpu, k;

	for (i = 0; i < nh; i++) {
		int cpus = tracecmd_cpus(handles[i]);

		for (cpu = 0; cpu < cpus; cpu++) {
			struct tep_record *t = tracecmd_peek_data(handles[i], cpu);
			struct stream *s = NULL;

			for (k = 0; k < f->ns; k++) {
				if (f->s[k].h != handles[i] || f->s[k].cpu != cpu)
					continue;
				if (s)
					return false;	/* a CPU given twice */
				s = &f->s[k];
			}
			if (!s) {
				if (t)
					return false;
				continue;
			}
			/* a page our check refuses: the iteration says so */
			if (fetch(f, s) < 0 || (!s->have && !t))
				continue;
			if (!t || !s->have || t->ts != s->ts || t->size != kbuffer_event_size(s->kb) ||
			    t->size < 0 || memcmp(t->data, s->data, (size_t)t->size))
				return false;
		}
	}
	return true;
}

static int stream_cmp(const void *a, const void *b)
{
	const struct stream *x = a, *y = b;

	return x->hi != y->hi ? (x->hi > y->hi) - (x->hi < y->hi) : (x->cpu > y->cpu) - (x->cpu < y->cpu);
}

struct ol_fly *ol_fly_open(const char *path, struct tracecmd_input **handles,
			   const char *const *names, int nh)
{
	struct tep_handle *tep = nh > 0 ? tracecmd_get_tep(handles[0]) : NULL;
	unsigned char head[4096];
	struct ol_fly *f;
	unsigned int i, lsize;
	unsigned long long fsize;
	const char *zname, *zver;
	off_t end;

	if (!tep || tep_is_file_bigendian(tep) || tep_is_old_format(tep) ||
	    tracecmd_get_in_file_version(handles[0]) != 7 || !(f = calloc(1, sizeof(*f))))
		return NULL;
	f->fd = -1;
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0 || (end = lseek(f->fd, 0, SEEK_END)) < 0)
		goto no;
	fsize = (unsigned long long)end;
	memset(head, 0, sizeof(head));
	if (pread(f->fd, head, sizeof(head) - 1, 0) < 32 || memcmp(head + 10, "7\0", 2) || head[12])
		goto no;
	lsize = head[13];
	f->page = u32_at(head + 14);
	i = 18;
	if ((lsize != 4 && lsize != 8) || f->page < 4096 || f->page > MAX_CHUNK ||
	    (f->page & (f->page - 1)) || !(zname = str_in(head, sizeof(head) - 1, &i)) ||
	    !(zver = str_in(head, sizeof(head) - 1, &i)) || i + 8 > sizeof(head) - 1)
		goto no;
	f->hdr = 8 + lsize;
	if (!strcmp(zname, "none"))
		f->codec = Z_NONE;
	else if (!strcmp(zname, "zstd") && (f->zd = ZSTD_createDCtx()))
		f->codec = Z_ZSTD;
	else
		goto no;
	(void)zver;
	if (read_options(f, u64_at(head + i), fsize, handles, names, nh) || !f->ns)
		goto no;
	qsort(f->s, (size_t)f->ns, sizeof(*f->s), stream_cmp);
	if (!agrees(f, handles, nh))
		goto no;
	return f;
no:
	ol_fly_free(f);
	return NULL;
}

int ol_fly_iterate(struct ol_fly *f, ol_fly_fn *fn, void *data, unsigned long long *bad_at)
{
	int k, r;

	*bad_at = 0;
	for (;;) {
		struct stream *next = NULL;
		struct tep_record rec;

		for (k = 0; k < f->ns; k++) {
			struct stream *s = &f->s[k];

			if ((r = fetch(f, s)) < 0) {
				*bad_at = f->bad_at;
				return -1;
			}
			if (r && (!next || s->ts < next->ts))
				next = s;
		}
		if (!next)
			return 0;
		record_of(next, &rec);
		if (fn(next->h, &rec, next->cpu, data))
			return 1;
		next->have = false;
		kbuffer_next_event(next->kb, NULL);
	}
}

void ol_fly_free(struct ol_fly *f)
{
	int k;

	if (!f)
		return;
	for (k = 0; k < f->ns; k++) {
		kbuffer_free(f->s[k].kb);
		free(f->s[k].buf);
	}
	free(f->s);
	free(f->zbuf);
	ZSTD_freeDCtx(f->zd);
	if (f->fd >= 0)
		close(f->fd);
	free(f);
}
