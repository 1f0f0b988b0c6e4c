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
#include <trace-cmd.h>
#include <traceevent/kbuffer.h>

#include "collect/collect-local.h"

#define MAX_STREAMS	(64 * 8192)

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
	struct ol_v7 *v;		/* the caller's, open */
	unsigned int hdr;		/* page header bytes */
	struct stream *s;
	int ns;
	unsigned long long bad_at;
};

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
		      unsigned long long off, unsigned long long size)
{
	unsigned long long fsize = f->v->size;
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
	s->kb = kbuffer_alloc(f->v->lsize == 8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4,
			      KBUFFER_ENDIAN_LITTLE);
	if (!s->kb)
		return -1;
	f->ns++;
	if (f->v->zstd) {
		unsigned char c[4];

		if (size < 4 || !ol_v7_read(f->v, c, 4, off))
			return -1;
		s->left = ol_le32(c);
		s->pos = off + 4;
		s->end = ol_v7_chunks_end(f->v, off, size);
	}
	return 0;
}

/* One BUFFER option (id 3) of @b[0..@n): its CPUs as streams of @h. */
static int buffer_option(struct ol_fly *f, const unsigned char *b, unsigned int n,
			 struct tracecmd_input *h, int hi)
{
	unsigned int i = 8, page, cpus, c;

	if (n < 8 || !str_in(b, n, &i) || !str_in(b, n, &i) || n - i < 8)
		return -1;
	page = ol_le32(b + i);
	cpus = ol_le32(b + i + 4);
	i += 8;
	if (page != f->v->page || cpus > (n - i) / 20)
		return -1;
	for (c = 0; c < cpus; c++, i += 20) {
		unsigned int id = ol_le32(b + i);

		/* libtracecmd indexes its CPUs by id, and so does the merge */
		if (id >= 8192 || (c && id <= ol_le32(b + i - 20)) ||
		    add_stream(f, h, hi, (int)id, ol_le64(b + i + 4), ol_le64(b + i + 12)))
			return -1;
	}
	return 0;
}

struct opts {
	struct ol_fly *f;
	struct tracecmd_input **handles;
	const char *const *names;
	int nh;
};

/*
 * Each BUFFER option's CPUs become streams of the handle whose buffer has
 * that name (@names[i] of @handles[i], "" the top buffer); a buffer that
 * is not among them is not merged, as libtracecmd would not.  Non-zero
 * for anything this reader does not take (see the top of the file).
 */
static int on_option(void *ctx, unsigned int id, const unsigned char *d, unsigned int len)
{
	struct opts *o = ctx;
	unsigned int k = 8;
	const char *name;
	int i;

	if (id == 1 || id == 7 || id == 12 || id == 13 || id == 14)
		return 1;	/* time stamps moved or mapped */
	if (id != 3)
		return 0;
	if (!(name = len > 8 ? str_in(d, len, &k) : NULL))
		return 1;
	for (i = 0; i < o->nh && strcmp(o->names[i], name); i++)
		;
	return i < o->nh && buffer_option(o->f, d, len, o->handles[i], i);
}

/*
 * The next page of @s loaded into its kbuffer: 1, 0 at the end of its
 * data, -1 corrupt (f->bad_at set).
 */
static int next_page(struct ol_fly *f, struct stream *s)
{
	unsigned int page = f->v->page;

	if (s->loaded && s->page_at + page < s->len) {
		s->page_at += page;
	} else if (!f->v->zstd) {
		if (s->pos >= s->end)
			return 0;
		if (s->end - s->pos < page)
			goto bad;
		if (!s->buf && !(s->buf = malloc(page)))
			goto bad;
		s->at = s->pos;
		if (!ol_v7_read(f->v, s->buf, page, s->pos))
			goto bad;
		s->pos += page;
		s->len = page;
		s->page_at = 0;
	} else {
		unsigned int zn, n;

		if (!s->left)
			return 0;
		s->at = s->pos;
		if (!ol_v7_chunk(f->v, s->pos, s->end, &zn, &n) ||
		    !ol_v7_reserve(&s->buf, &s->cap, n) ||
		    !ol_v7_inflate(f->v, s->pos + 8, zn, s->buf, n))
			goto bad;
		s->pos += 8 + (unsigned long long)zn;
		s->left--;
		s->len = n;
		s->page_at = 0;
	}
	s->loaded = true;
	if (!ol_rb_page_ok(s->buf + s->page_at, page, f->hdr, false))
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

struct ol_fly *ol_fly_open(struct ol_v7 *v, struct tracecmd_input **handles,
			   const char *const *names, int nh)
{
	struct tep_handle *tep = nh > 0 ? tracecmd_get_tep(handles[0]) : NULL;
	struct opts o = { NULL, handles, names, nh };
	struct ol_fly *f;

	if (!v || !tep || tep_is_file_bigendian(tep) || tep_is_old_format(tep) ||
	    tracecmd_get_in_file_version(handles[0]) != 7 || !(f = calloc(1, sizeof(*f))))
		return NULL;
	o.f = f;
	f->v = v;
	f->hdr = 8 + v->lsize;
	if (ol_v7_options(v, on_option, &o) || !f->ns)
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
	free(f);
}
