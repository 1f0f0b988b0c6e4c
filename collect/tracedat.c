// SPDX-License-Identifier: GPL-2.0
/*
 * trace.dat import through libtracecmd.  Records of every buffer (the
 * top-level one and the instances that `trace-cmd extract -B` saves) are
 * merged in time order; events outside the oomlens set are skipped by an
 * id lookup before anything is decoded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <trace-cmd.h>

#include "collect/collect-local.h"

#define MAX_HANDLES	64
#define MAX_CPUS	8192

struct import {
	struct ol_store	*st;
	struct ol_conv	*conv;
	struct ol_flood	*flood;		/* NULL: --keep-all */
	const char	*path;
	off_t		size;
	ol_progress_fn	*progress;
	void		*progress_ctx;
	time_t		last_draw;
	long long	records, kept, dropped;
	int64_t		first_ns, last_ns;	/* of the events stored or left out */
	int64_t		*last_ts;	/* per cpu, for gap bounds */
	long long	*missed;	/* per cpu */
	int		failed;
};

bool ol_probe_tracedat(const char *path)
{
	static const unsigned char magic[] = { 23, 8, 68, 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	unsigned char buf[sizeof(magic)];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = read(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf) &&
	     !memcmp(buf, magic, sizeof(magic));
	close(fd);
	return ok;
}

static void draw_progress(struct import *im, unsigned long long offset)
{
	time_t now = time(NULL);

	if (now == im->last_draw)
		return;
	im->last_draw = now;
	im->progress(im->progress_ctx, im->path,
		     im->size ? (int)(offset * 100 / (unsigned long long)im->size) : 0, im->kept);
}

volatile unsigned long long *ol_tracedat_where;

static void span(struct import *im, int64_t ts)
{
	if (ts < im->first_ns)
		im->first_ns = ts;
	if (ts > im->last_ns)
		im->last_ns = ts;
}

static int on_record(struct tracecmd_input *h, struct tep_record *rec, int cpu, void *data)
{
	struct import *im = data;
	struct ol_event ev;
	int r;

	im->records++;
	if (ol_tracedat_where)
		*ol_tracedat_where = rec->offset;
	if (rec->cpu >= 0 && rec->cpu < MAX_CPUS) {
		/*
		 * missed_events > 0: that many were lost before this record
		 * on its CPU; -1: some were, the count is unknown.
		 */
		if (rec->missed_events) {
			if (im->st && ol_store_add_gap(im->st, rec->cpu, im->last_ts[rec->cpu],
					     (int64_t)rec->ts, rec->missed_events))
				goto fail;
			im->missed[rec->cpu] += rec->missed_events > 0 ? rec->missed_events : 1;
		}
		im->last_ts[rec->cpu] = (int64_t)rec->ts;
	}
	if (im->progress && (im->records & 0xffff) == 0)
		draw_progress(im, rec->offset);
	r = ol_conv_record(im->conv, rec, &ev);
	if (r == 0) {
		long long d = ol_flood_dropped(im->flood);

		if (d != im->dropped) {		/* left out: its id stays free */
			if (im->st)
				ol_store_skip_events(im->st, d - im->dropped);
			span(im, (int64_t)rec->ts);
		}
		im->dropped = d;
		return 0;
	}
	span(im, ev.ts_ns);
	if (r < 0 || (im->st && (ol_store_add_event(im->st, &ev) ||
				 ol_conv_tasks(im->conv, im->st, &ev))))
		goto fail;
	im->kept++;
	return 0;
fail:
	im->failed = 1;
	return 1;	/* stops the iteration */
}

/* "Linux host 6.18.0 #1 SMP ... x86_64": sysname nodename release version machine */
static int store_uname(struct ol_store *st, const char *uname)
{
	char sys[65] = "", node[65] = "", rel[129] = "";

	if (!uname)
		return 0;
	if (ol_store_set_meta(st, "uname", uname))
		return -1;
	if (sscanf(uname, "%64s %64s %128s", sys, node, rel) == 3)
		return ol_store_set_meta(st, "hostname", node) ||
		       ol_store_set_meta(st, "kernel_release", rel);
	return 0;
}

/* trace_clock file text, "[local] global counter ...": the bracketed one. */
static int store_clock(struct ol_store *st, const char *text)
{
	char clock[64] = "local";
	const char *p = text ? strchr(text, '[') : NULL;

	if (p)
		sscanf(p + 1, "%63[^]]", clock);
	return ol_store_set_meta(st, "clock", clock);
}

/*
 * The per-CPU stats saved at extract time ("CPU: N", "overrun: N",
 * "dropped events: N", ...).  Overruns are events the ring buffer
 * overwrote; when they exceed what the data itself marked as missed, the
 * difference is a gap of unknown position (ts 0).
 */
static int store_cpustats(struct import *im, const char *stats)
{
	const char *p = stats;
	int cpu = -1;

	while (p && *p) {
		long long v;
		char key[64], val[32];

		if (sscanf(p, "CPU: %d", &cpu) == 1) {
		} else if (cpu >= 0 && cpu < MAX_CPUS &&
			   (sscanf(p, "overrun: %lld", &v) == 1 ||
			    sscanf(p, "dropped events: %lld", &v) == 1)) {
			bool overrun = !strncmp(p, "overrun", 7);

			snprintf(key, sizeof(key), "%s.cpu%d",
				 overrun ? "overrun" : "dropped", cpu);
			snprintf(val, sizeof(val), "%lld", v);
			if (im->st && ol_store_set_meta(im->st, key, val))
				return -1;
			if (v > im->missed[cpu]) {
				if (im->st && ol_store_add_gap(im->st, cpu, 0, 0, v - im->missed[cpu]))
					return -1;
				im->missed[cpu] = v;
			}
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

static bool read_at(int fd, void *buf, size_t n, unsigned long long off)
{
	return off < (unsigned long long)INT64_MAX &&
	       pread(fd, buf, n, (off_t)off) == (ssize_t)n;
}

/*
 * libtracecmd 1.x crashes (a NULL dereference in tracecmd_close() on its
 * own error path) in tracecmd_buffer_instance_handle() when the CPU data
 * of a version 6 file lies past its end: a truncated trace.dat with
 * instance buffers.  Version 7 files are checked by tracecmd_open().  For
 * version 6, walk the options (u16 id, u32 size, data; id 0 ends them):
 * each BUFFER option (id 3) starts with the u64 offset of its instance's
 * "flyrecord\0", which is followed by a (u64 offset, u64 size) per CPU,
 * as is the top buffer's "flyrecord\0" right after the options.  Every
 * CPU's data must be inside the file.  Little-endian files only.
 */
/*
 * The ring-buffer pages of one CPU of a version 6 file (@len bytes at
 * @off), each through ol_rb_page_ok(): the file offset of the first bad
 * page, 0 if all are fine.
 */
static unsigned long long v6_bad_page(int fd, unsigned long long off, unsigned long long len,
				      unsigned int page, unsigned int hdr)
{
	unsigned char *buf;
	unsigned long long p, bad = 0;

	if (page < 2 * hdr || !(buf = malloc(page)))
		return off;
	for (p = 0; p + page <= len && !bad; p += page)
		if (!read_at(fd, buf, page, off + p) || !ol_rb_page_ok(buf, page, hdr, false))
			bad = off + p;
	free(buf);
	return bad;
}

/*
 * Where the endian byte is in a file libtracecmd reads with the layout of
 * version 6 and before (it takes the version as strtol() of the string
 * after the magic, and any version below 7 has no sections), little-endian
 * only: -1 for any other file, -2 for a version string without its NUL in
 * the first 4 KB (libtracecmd would read on, whatever follows), -3 for a
 * byte order other than 0 or 1.  Then come
 * the long size, the u32 page size and the header sections.
 */
static int v6_head(int fd)
{
	char v[4096];
	char *nul;
	ssize_t n = pread(fd, v, sizeof(v), 0);

	if (n < 12)
		return -1;
	/* libtracecmd reads the version string to its NUL, however far */
	if (!(nul = memchr(v + 10, '\0', (size_t)n - 10)) || nul + 1 >= v + n)
		return -2;
	if (strtol(v + 10, NULL, 10) >= 7)
		return -1;
	if ((unsigned char)v[nul - v + 1] > 1)
		return -3;	/* libtracecmd takes any byte order but 0 as big-endian */
	if (v[nul - v + 1] != 0)
		return -1;
	return (int)(nul - v) + 1;
}

static unsigned long long bad_page_at;

static bool v6_data_in_file(struct tracecmd_input *h, const char *path, off_t size)
{
	unsigned long long off = tracecmd_get_options_offset(h), fly[MAX_HANDLES];
	unsigned long long end = (unsigned long long)size;
	unsigned int page = 0, lsize = 0;
	int fd, i, nfly = 0, cpus = tracecmd_cpus(h), c;
	bool ok = false, clock = false;

	if (tracecmd_get_in_file_version(h) >= 7 || !off || cpus <= 0 || cpus > MAX_CPUS ||
	    tep_is_file_bigendian(tracecmd_get_tep(h)))
		return true;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;	/* libtracecmd will say it cannot read it */
	{
		unsigned char fh[6];
		int at = v6_head(fd);

		if (at < 0) {
			ok = true;
			goto out;
		}
		if (!read_at(fd, fh, sizeof(fh), (unsigned)at))
			goto out;
		memcpy(&page, fh + 2, 4);
		lsize = fh[1];
	}
	for (i = 0; i < 65536; i++) {
		unsigned char opt[6];
		unsigned short id;
		unsigned int len;

		if (!read_at(fd, opt, sizeof(opt), off))
			goto out;
		memcpy(&id, opt, 2);
		memcpy(&len, opt + 2, 4);
		if (id == 0) {
			off += 2;
			break;
		}
		if (id == 3 && nfly < MAX_HANDLES - 1 &&
		    !read_at(fd, &fly[nfly++], 8, off + 6))
			goto out;
		clock |= id == 4;	/* TRACECLOCK */
		off += 6 + (unsigned long long)len;
		if (off > end)
			goto out;
	}
	fly[nfly++] = off;	/* the top buffer's, unless "latency  \0" */
	/*
	 * With a TRACECLOCK option, tracecmd_init_data() reads the trace
	 * clock text (u64 size, text) after the top buffer's CPU table and
	 * parses it as the option's (ol_td_clock_ok()).
	 */
	if (clock) {
		unsigned long long at = off + 10 + 16ULL * (unsigned)cpus, n;
		unsigned char *t;
		bool fits;

		if (!read_at(fd, &n, 8, at) || n > end || at + 8 > end - n)
			goto out;
		if (!(t = malloc(n ? n : 1)))
			goto out;
		fits = read_at(fd, t, n, at + 8) && ol_td_clock_ok(t, n);
		free(t);
		if (!fits)
			goto out;
	}
	for (i = 0; i < nfly; i++) {
		char magic[10];

		if (!read_at(fd, magic, sizeof(magic), fly[i]))
			goto out;
		/*
		 * as libtracecmd compares; an instance's buffer that is
		 * neither crashes it (tracecmd_buffer_instance_handle ->
		 * tracecmd_close on its error path)
		 */
		if (memcmp(magic, "flyrecord", 9)) {
			/* an instance of latency data: its handle has CPUs
			 * but no CPU data, and tracecmd_peek_data() crashes */
			if (i < nfly - 1)
				goto out;
			continue;
		}
		for (c = 0; c < cpus; c++) {
			unsigned long long cpu[2];

			if (!read_at(fd, cpu, sizeof(cpu), fly[i] + 10 + 16ULL * (unsigned)c))
				goto out;
			if (cpu[1] && (cpu[0] > end || cpu[1] > end - cpu[0]))
				goto out;
			/* trace-cmd writes whole ring-buffer pages, page aligned,
			 * after the buffer's CPU table */
			if (cpu[1] && (cpu[0] % page || cpu[1] % page ||
				       cpu[0] < fly[i] + 10 + 16ULL * (unsigned)cpus))
				goto out;
			if (cpu[1] && (lsize == 8 || lsize == 4) &&
			    (bad_page_at = v6_bad_page(fd, cpu[0], cpu[1], page, 8 + lsize)))
				goto out;
		}
	}
	ok = true;
out:
	close(fd);
	return ok;
}


/*
 * The option records of a version 6 file ("options  \0", then u16 id,
 * u32 size, data; id 0 ends them), each through ol_td_option_ok().
 * Returns NULL when fine, else what is wrong.
 */
static const char *v6_options_bad(int fd, unsigned long long off, unsigned long long size)
{
	static const char corrupt[] = "cannot read this trace.dat (corrupt: a bad option record)";
	unsigned char *b = NULL;
	char magic[10];
	int i;

	/* libtracecmd compares 7 bytes ("options"), not the 10 it reads */
	if (!read_at(fd, magic, sizeof(magic), off) || memcmp(magic, "options", 7))
		return NULL;	/* latency or flyrecord: no options */
	off += 10;
	for (i = 0; i < 65536; i++) {
		unsigned char head[6];
		unsigned short id;
		unsigned int n;
		bool ok;

		if (!read_at(fd, head, sizeof(head), off))
			return corrupt;
		memcpy(&id, head, 2);
		if (id == 0)
			return NULL;
		memcpy(&n, head + 2, 4);
		off += 6;
		if (n > size || off > size - n)
			return corrupt;
		b = malloc(n ? n : 1);
		if (!b)
			return "cannot read this trace.dat (out of memory)";
		ok = read_at(fd, b, n, off) && ol_td_option_ok(id, b, n);
		free(b);
		if (!ok)
			return corrupt;
		off += n;
	}
	return corrupt;
}

/* The printk formats section at @off (u32 size, text): ol_td_printk_ok(). */
static bool printk_fits(int fd, unsigned long long off, unsigned long long size)
{
	unsigned int n;
	char *b;
	bool ok;

	if (!read_at(fd, &n, 4, off) || off + 4 > size || n > size - off - 4)
		return true;	/* the size check that follows says it */
	b = malloc((size_t)n + 1);
	if (!b)
		return true;
	ok = !read_at(fd, b, n, off + 4) || (b[n] = '\0', ol_td_printk_ok(b));
	free(b);
	return ok;
}

/*
 * A version 6 file's header sections before libtracecmd reads them: it
 * mallocs whatever size a section claims (a flipped byte asked for 9 GB)
 * and loops over the CPU count it finds (50 million took minutes and
 * 1.5 GB).  Walks header_page, header_event, the ftrace and event formats,
 * kallsyms, printk formats and the saved command lines (u32 or u64 sizes,
 * little-endian only) and checks that each lies inside the file and that
 * the CPU count after them is at most MAX_CPUS and fits the file.
 * Returns NULL when fine, else what is wrong.
 */
static const char *v6_headers_bad(const char *path, off_t fsize)
{
	unsigned long long size = (unsigned long long)fsize, off;
	const char *bad = NULL;
	unsigned int n, i, j, cpus;
	int fd = open(path, O_RDONLY | O_CLOEXEC), at;

	if (fd < 0)
		return NULL;	/* libtracecmd will say it cannot read it */
#define U32(o, v) do { if (!read_at(fd, &(v), 4, (o))) goto trunc; } while (0)
#define SKIP64(o) do { unsigned long long _l; \
		if (!read_at(fd, &_l, 8, (o)) || _l > size || (o) + 8 > size - _l) goto trunc; \
		(o) += 8 + _l; } while (0)
#define SKIP32(o) do { unsigned int _l; U32((o), _l); \
		if ((unsigned long long)_l > size || (o) + 4 > size - _l) goto trunc; \
		(o) += 4 + (unsigned long long)_l; } while (0)
	/* magic (10), "6\0", endian, long size, page size (u32) */
	if ((at = v6_head(fd)) == -2) {
		bad = "cannot read this trace.dat (corrupt: no end to its version string)";
		goto out;
	}
	if (at == -3) {
		bad = "cannot read this trace.dat (corrupt: the byte order is neither 0 nor 1)";
		goto out;
	}
	if (at < 0)
		goto out;	/* not version 6 little-endian: nothing to check here */
	/*
	 * The ring-buffer page size: a power of two, at least 4096 (no Linux
	 * architecture has smaller pages).  A smaller one makes libtracecmd
	 * fail to map the first page of an instance and crash on its own
	 * error path (tracecmd_buffer_instance_handle -> tracecmd_close).
	 */
	{
		unsigned int page;

		unsigned char lsize;

		U32((unsigned)at + 2, page);
		if (page < 4096 || (page & (page - 1))) {
			bad = "cannot read this trace.dat (corrupt: the page size is not a power of two of at least 4096)";
			goto out;
		}
		/* kbuffer knows longs of 4 and 8 bytes; any other is corruption */
		if (!read_at(fd, &lsize, 1, (unsigned)at + 1) || (lsize != 4 && lsize != 8)) {
			bad = "cannot read this trace.dat (corrupt: the long size is not 4 or 8)";
			goto out;
		}
	}
	off = (unsigned)at + 6;
	for (i = 0; i < 2; i++) {
		char name[13];
		size_t l = i ? 13 : 12;

		if (!read_at(fd, name, l, off) || memcmp(name, i ? "header_event" : "header_page", l))
			goto trunc;
		off += l;
		SKIP64(off);
	}
	U32(off, n);		/* ftrace event formats */
	off += 4;
	for (i = 0; i < n; i++)
		SKIP64(off);
	U32(off, n);		/* event systems: name\0, count, formats */
	off += 4;
	for (i = 0; i < n; i++) {
		char c;
		unsigned int m;

		for (;;) {
			if (!read_at(fd, &c, 1, off))
				goto trunc;
			off++;
			if (!c)
				break;
		}
		U32(off, m);
		off += 4;
		for (j = 0; j < m; j++)
			SKIP64(off);
	}
	SKIP32(off);		/* kallsyms */
	if (!printk_fits(fd, off, size)) {
		bad = "cannot read this trace.dat (corrupt: a printk format line without an address or a format)";
		goto out;
	}
	SKIP32(off);		/* printk formats */
	SKIP64(off);		/* saved command lines */
	U32(off, cpus);
	off += 4;
	if (cpus > MAX_CPUS)
		bad = "cannot read this trace.dat (corrupt: more than 8192 CPUs)";
	else if (16ULL * cpus > size - off)
		bad = "cannot read this trace.dat (corrupt: more CPUs than the file holds)";
	else
		bad = v6_options_bad(fd, off, size);
	goto out;
trunc:
	bad = "cannot read this trace.dat (truncated or corrupt: a header section runs past its end)";
out:
#undef U32
#undef SKIP64
#undef SKIP32
	close(fd);
	return bad;
}

static char *errf(const char *path, const char *what)
{
	return ol_strdupf("'%s': %s", path, what);
}

/* A bad chunk or page of a version 7 file, at file offset @at. */
static char *bad_data(const char *path, unsigned long long at)
{
	return ol_strdupf("'%s': cannot read this trace.dat (corrupt ring-buffer data at offset %llu)",
			  path, at);
}

/* meta @key = @v combined with its value so far by @op (sum, min, max). */
static int meta_merge(struct ol_store *st, const char *key, long long v, char op)
{
	char *prev = ol_store_get_meta(st, key), val[32];
	long long p = prev ? atoll(prev) : v;

	free(prev);
	v = op == '+' ? (prev ? p + v : v) : op == '<' ? (p < v ? p : v) : (p > v ? p : v);
	snprintf(val, sizeof(val), "%lld", v);
	return ol_store_set_meta(st, key, val);
}

/*
 * What the flood rule left out, summed over sources, and the span of the
 * events stored or left out (the analysis's recording span).
 */
static int store_not_stored(struct import *im)
{
	long long n = ol_flood_dropped(im->flood);

	if (!n || !im->st)
		return 0;
	return meta_merge(im->st, "not_stored.mmap_lock", n, '+') ||
	       meta_merge(im->st, "span.first_ns", im->first_ns, '<') ||
	       meta_merge(im->st, "span.last_ns", im->last_ns, '>');
}

int ol_import_tracedat(struct ol_store *st, const char *path, unsigned flags,
		       ol_progress_fn *progress, void *progress_ctx, char **err)
{
	struct tracecmd_input *h = NULL, *handles[MAX_HANDLES];
	const char *names[MAX_HANDLES], *reader;
	struct ol_fly *fly = NULL;
	struct ol_v7 v7;
	bool is_v7;
	struct import im = { .st = st, .path = path, .progress = progress,
			     .progress_ctx = progress_ctx, .first_ns = INT64_MAX,
			     .last_ns = INT64_MIN };
	struct stat sb;
	int nh = 0, i, n, ret = -1, cpus;
	const char *bad;
	char val[32];

	*err = NULL;
	if (stat(path, &sb) != 0) {
		*err = errf(path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		*err = errf(path, "not a regular file");
		return -1;
	}
	im.size = sb.st_size;
	if (!ol_probe_tracedat(path)) {
		*err = errf(path, "not a trace.dat file (no trace-cmd magic)");
		return -1;
	}
	tracecmd_set_loglevel(TEP_LOG_NONE);
	tep_set_loglevel(TEP_LOG_NONE);
	if ((bad = v6_headers_bad(path, im.size))) {
		*err = errf(path, bad);
		return -1;
	}
	/* a version 7 file: checked here, kept open for flyrecord.c */
	if ((is_v7 = ol_v7_open(&v7, path, &bad) > 0)) {
		unsigned long long at = 0;

		if ((bad = ol_v7_bad(&v7, &at))) {
			*err = at ? bad_data(path, at) : errf(path, bad);
			ol_v7_close(&v7);
			return -1;
		}
	}
	if (bad) {
		*err = errf(path, bad);
		return -1;
	}
	/*
	 * tracecmd_open() is open_head + init_data; between them, the CPU
	 * count (any version) is checked before per-CPU state is allocated.
	 */
	h = tracecmd_open_head(path, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!h) {
		*err = errf(path, "cannot read this trace.dat (truncated or corrupt headers)");
		if (is_v7)
			ol_v7_close(&v7);
		return -1;
	}
	cpus = tracecmd_cpus(h);
	if (cpus < 0 || cpus > MAX_CPUS) {
		*err = errf(path, "cannot read this trace.dat (corrupt: more than 8192 CPUs)");
		goto out;
	}
	/* before init_data: it loads each CPU's first page and the clock */
	bad_page_at = 0;
	if (!v6_data_in_file(h, path, im.size)) {
		*err = bad_page_at ?
		       ol_strdupf("'%s': cannot read this trace.dat (corrupt ring-buffer page at "
				  "offset %llu)", path, bad_page_at) :
		       errf(path, "cannot read this trace.dat (truncated or corrupt: event data "
			    "or trace clock past its end or unreadable)");
		goto out;
	}
	if (tracecmd_init_data(h) < 0) {
		*err = errf(path, "cannot read this trace.dat (truncated or corrupt headers)");
		goto out;
	}
	im.last_ts = calloc(MAX_CPUS, sizeof(*im.last_ts));
	im.missed = calloc(MAX_CPUS, sizeof(*im.missed));
	im.conv = ol_conv_new(tracecmd_get_tep(h));
	if (!(flags & OL_IMPORT_KEEP_ALL) && (im.flood = ol_flood_new()) && im.conv)
		ol_conv_set_flood(im.conv, im.flood);
	if (!im.last_ts || !im.missed || !im.conv || (!(flags & OL_IMPORT_KEEP_ALL) && !im.flood)) {
		*err = errf(path, "out of memory");
		goto out;
	}
	if (tracecmd_cpus(h) > 0) {
		names[nh] = "";
		handles[nh++] = h;
	}
	n = tracecmd_buffer_instances(h);
	for (i = 0; i < n && nh < MAX_HANDLES; i++) {
		struct tracecmd_input *b = tracecmd_buffer_instance_handle(h, i);
		const char *name = tracecmd_buffer_instance_name(h, i);

		if (b) {
			names[nh] = name ? name : "\n";	/* no buffer is named so */
			handles[nh++] = b;
		}
	}
	if (!nh) {
		*err = errf(path, "the trace holds no event data");
		goto out;
	}
	cpus = tep_get_cpus(tracecmd_get_tep(h));
	snprintf(val, sizeof(val), "%d", cpus);
	if (st && (ol_store_begin_source(st, path, "trace.dat") < 0 ||
		   store_uname(st, tracecmd_get_uname(h)) ||
		   store_clock(st, tracecmd_get_trace_clock(handles[nh - 1])) ||
		   ol_store_set_meta(st, "cpus", val) ||
		   ol_conv_store_formats(im.conv, st)))
		goto store_err;
	/*
	 * A version 7 file: read past libtracecmd's page cache (flyrecord.c).
	 * OOMLENS_TRACEDAT_READER=libtracecmd always iterates with
	 * libtracecmd, =flyrecord fails where flyrecord.c says no (tests).
	 */
	reader = getenv("OOMLENS_TRACEDAT_READER");
	if (!reader || strcmp(reader, "libtracecmd"))
		fly = ol_fly_open(is_v7 ? &v7 : NULL, handles, names, nh);
	if (!fly && reader && !strcmp(reader, "flyrecord")) {
		*err = errf(path, "OOMLENS_TRACEDAT_READER=flyrecord: this file is for libtracecmd");
		goto out;
	}
	if (fly) {
		unsigned long long bad_at;

		if (ol_fly_iterate(fly, on_record, &im, &bad_at) < 0 && !im.failed) {
			*err = bad_at ? bad_data(path, bad_at) :
					errf(path, "cannot read the event data (truncated or corrupt)");
			goto out;
		}
	} else if (tracecmd_iterate_events_multi(handles, nh, on_record, &im) < 0 && !im.failed) {
		*err = errf(path, "cannot read the event data (truncated or corrupt)");
		goto out;
	}
	if (im.failed || store_not_stored(&im))
		goto store_err;
	for (i = 0; i < nh; i++)
		if (store_cpustats(&im, tracecmd_get_cpustats(handles[i])))
			goto store_err;
	if (progress)
		progress(progress_ctx, path, -1, im.kept);
	ret = 0;
	goto out;
store_err:
	*err = st ? strdup(ol_store_errmsg(st)) : errf(path, "out of memory");
out:
	if (!st)
		;	/* parse only (the fuzz harness) */
	else if (ret)
		ol_store_end_source(st, false);
	else if (ol_store_end_source(st, true)) {
		*err = strdup(ol_store_errmsg(st));
		ret = -1;
	}
	for (i = 0; i < nh; i++)
		if (handles[i] != h)
			tracecmd_close(handles[i]);
	ol_fly_free(fly);
	if (is_v7)
		ol_v7_close(&v7);
	tracecmd_close(h);
	ol_conv_free(im.conv);
	ol_flood_free(im.flood);
	free(im.last_ts);
	free(im.missed);
	return ret;
}
