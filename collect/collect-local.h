/* SPDX-License-Identifier: GPL-2.0 */
/* Internal to collect/: shared helpers of the sources and the store. */
#ifndef OOMLENS_COLLECT_LOCAL_H
#define OOMLENS_COLLECT_LOCAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include "collect/collect.h"

struct tep_handle;
struct tep_event;
struct tep_record;

/*
 * One normalized event.  All pointers are borrowed: the store copies what
 * it keeps before ol_store_add_event() returns.
 *
 * @pid/@comm are the task in whose context the event fired (common_pid);
 * @target is the task the event is about (mark_victim's pid, the
 * signal's receiver, the forked child, the exiting task), or -1.  An oom
 * event's pid is a thread id, not a tgid (KERNEL.md).
 * @fields is a JSON object with the event's own fields, read by name from
 * the source's own format (so a pid-only mark_victim simply has fewer).
 */
#define OL_EVENT_COLS	4

struct ol_event {
	int64_t		ts_ns;
	int		cpu;
	int		pid;
	const char	*comm;		/* may be NULL: unknown */
	const char	*name;		/* "system:event", e.g. "oom:mark_victim" */
	int		target;
	const char	*fields;	/* JSON object text; NULL: the typed fields below */
	/*
	 * Typed fields (fields == NULL): @layout lists up to OL_EVENT_COLS
	 * "t:field" (t: i integer, p pointer, s string), NULL-terminated; the
	 * same array (address and text) for every event of one kind within a
	 * source.  Column i is val[i], or str[i] for an s field (printable
	 * ASCII without '"' or '\\').
	 */
	const char *const *layout;
	int64_t		val[OL_EVENT_COLS];
	const char	*str[OL_EVENT_COLS];
};

/*
 * Start one source: everything until ol_store_end_source() is one
 * transaction, so a source that fails part-way leaves the database as it
 * was.  @kind is "trace.dat", "live", "ftrace-text", "kmsg".
 * Returns the source id (> 0) or -1.
 */
int ol_store_begin_source(struct ol_store *st, const char *path, const char *kind);

/* Commit (@ok true) or roll back the source begun last.  0 or -1. */
int ol_store_end_source(struct ol_store *st, bool ok);

/*
 * A long recording: commit what the current source holds so far and go
 * on in a new transaction of the same source, so that a later failure
 * (a full disk) rolls back only what came after.  Not inside
 * ol_store_begin().  0 or -1.
 */
int ol_store_checkpoint(struct ol_store *st);

/*
 * Add one event of the current source.  0 or -1 (see ol_store_errmsg()).
 * Events get consecutive ids (ev.id) in the order they are added; @n
 * events left out (an import's flood rule) leave a gap of @n ids, so an
 * event has the same id whether the others were stored or not.
 */
int ol_store_add_event(struct ol_store *st, const struct ol_event *ev);
void ol_store_skip_events(struct ol_store *st, long long n);

/*
 * Thread -> process knowledge: @pid is a thread of process @tgid named
 * @comm (NULL: unknown).  @how says where it came from ("newtask",
 * "fork", "proc", "trace-tgid", "kmsg").  A later fact overrides an
 * "assumed" one; comm is updated by later calls (exec, rename).
 */
int ol_store_add_task(struct ol_store *st, int pid, int tgid, const char *comm,
		      const char *how);

/* meta (key, value); replaces an earlier value for @key. */
int ol_store_set_meta(struct ol_store *st, const char *key, const char *value);
/* Same, but an earlier value (e.g. a trace's own uname) wins. */
int ol_store_set_meta_default(struct ol_store *st, const char *key, const char *value);

/* The format text of one event as the source describes it. */
int ol_store_add_format(struct ol_store *st, const char *system,
			const char *event, int id, const char *format);

/*
 * Events lost on @cpu: @count events missing just before @ts_ns (the
 * first event seen after the gap), @prev_ns the last event before it
 * (0 if none).  @count -1: an unknown number.  Kept in the gaps table and
 * summed into meta "lost.cpuN" / "lost.total".
 */
int ol_store_add_gap(struct ol_store *st, int cpu, int64_t prev_ns,
		     int64_t ts_ns, long long count);

/* true when @path looks like a trace.dat (magic bytes). */
bool ol_probe_tracedat(const char *path);

/*
 * The event set oomlens keeps, as "system:event" names; "system:*" keeps a
 * whole system.  NULL-terminated, static.
 */
extern const char *const ol_event_set[];
bool ol_event_wanted(const char *system, const char *event);

/* The live recorder's parts that only collect/ uses (record.c, record-sink.c). */
struct tep_handle *ol_live_tep(struct ol_live *lv);
int ol_live_cpus(struct ol_live *lv);
/* Drain what the per-CPU buffers hold now, oldest first. */
int ol_live_read(struct ol_live *lv,
		 int (*cb)(struct tep_event *, struct tep_record *, int, void *), void *ctx);
int ol_live_store_meta(struct ol_live *lv, struct ol_store *st);
long long ol_live_store_stats(struct ol_live *lv, struct ol_store *st, const long long *missed);
int ol_live_scan_proc(struct ol_store *st, void (*seen)(void *, int, int, const char *),
		      void *ctx);

const char *ol_file_kind_name(enum ol_file_kind k);

/*
 * Clock alignment of a kernel log with the trace sources already in @st
 * (collect/kmsg-merge.c): @n log lines (@ts on the log's clock, @msg
 * without newline).  *@offset = trace clock - log clock (0 and *@matches
 * 0 when no line pairs up); @dup[i] = the trace already holds line i.
 */
/* The time the trace sources in @st cover: [*@lo, *@hi], *@lo > *@hi
 * when there is none.  0 or -1 (store error). */
int ol_kmsg_trace_range(struct ol_store *st, int64_t *lo, int64_t *hi);
/* The traces in @st hold an oom:mark_victim of @pid within 1 s of @ts. */
bool ol_kmsg_trace_has_victim(struct ol_store *st, int pid, int64_t ts);
int ol_kmsg_align(struct ol_store *st, const int64_t *ts, const char *const *msg, size_t n,
		  bool *dup, int64_t *offset, int *matches);

/* Content probes on the first bytes of a text file (detect.c). */
bool ol_kmsg_probe_text(const char *buf, size_t len);
bool ol_ftrace_probe_text(const char *buf, size_t len);
struct ol_buf;
/*
 * One ftrace text line -> @fields JSON and, when @out is not NULL, the
 * event's header as the importer would store it; nothing stored (the fuzz
 * harnesses).  1 for an event line, 0 otherwise.
 */
struct ol_ftrace_event {
	int64_t	ts_ns;
	int	cpu, pid, target;	/* target -1: none */
	char	comm[64];
	char	name[96];		/* "system:event" */
};
int ol_ftrace_parse_line(const char *line, size_t n, struct ol_buf *fields,
			 struct ol_ftrace_event *out);


extern const char ol_schema_sql[];
extern const char ol_index_sql[];
extern const char ol_index_multi_sql[];

/* How long a hardened connection waits for another's lock (dbopen.c). */
#define OL_DB_BUSY_MS	10000

/* text -> id (collect/intern.c).  Zero-initialize; ol_intern_clear() frees. */
struct ol_intern_slot {
	char		*text;		/* NULL: free slot */
	unsigned	h;
	int		id;
};
struct ol_intern {
	struct ol_intern_slot *slot;
	size_t		cap, n;
};

const struct ol_intern_slot *ol_intern_get(const struct ol_intern *t, const char *s);
/* Adds or updates @s -> @id: the slot (its text is a stable copy), NULL out of memory. */
const struct ol_intern_slot *ol_intern_put(struct ol_intern *t, const char *s, int id);
void ol_intern_clear(struct ol_intern *t);

/*
 * Pending event rows and the thread that writes them into ev
 * (collect/evwriter.c); only the store uses it.  Every function but
 * ol_evw_row()/ol_evw_text() waits for the writer first; @err is a
 * malloc'ed message (without the file name).
 */
struct ol_pendrow {
	int64_t		id, ts, v[OL_EVENT_COLS];	/* v: typed columns a..d */
	int		source, cpu, pid, comm, name, target;	/* comm 0, target -1: NULL */
	unsigned	nulls;			/* v[i] is NULL: bit i */
	ptrdiff_t	fields;			/* JSON text (ol_evw_text), -1 none */
};
struct ol_evwriter;

struct ol_evwriter *ol_evw_new(void *db, char **err);
/* The next row to fill (written later, in order); NULL and *err on failure. */
struct ol_pendrow *ol_evw_row(struct ol_evwriter *w, char **err);
/* Row @r (the last one given) keeps @text as its JSON fields: 0 or -1 (memory). */
int ol_evw_text(struct ol_evwriter *w, struct ol_pendrow *r, const char *text);
/* Waits for the writer: 0, or -1 with the error of a block it wrote. */
int ol_evw_sync(struct ol_evwriter *w, char **err);
/* Writes every pending row (the database is the caller's again): 0 or -1. */
int ol_evw_flush(struct ol_evwriter *w, char **err);
/* Drops the pending rows (a source rolled back). */
void ol_evw_discard(struct ol_evwriter *w);
void ol_evw_free(struct ol_evwriter *w);

/* A growable string buffer (never fails silently: ->oom is set). */
struct ol_buf {
	char	*s;
	size_t	len, cap;
	int	oom;
};

void ol_buf_reset(struct ol_buf *b);
void ol_buf_free(struct ol_buf *b);
void ol_buf_add(struct ol_buf *b, const char *s, size_t n);
void ol_buf_puts(struct ol_buf *b, const char *s);
void ol_buf_printf(struct ol_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append @s (@n bytes, stops at NUL) as a JSON string literal. */
void ol_buf_json_str(struct ol_buf *b, const char *s, size_t n);

/*
 * The recogniser of collect/kline.c: where the kernel's message starts in
 * a line of any log, and the time stamps in front of it.
 */
enum { OL_CLK_NONE, OL_CLK_MONO, OL_CLK_REAL };

struct ol_kline_ctx {
	int	year;		/* for stamps without one ("Nov 22 12:15:01") */
	int	last_month;	/* for a localised month name not known, -1 */
	bool	numbered;	/* the file is a numbered listing */
};

struct ol_kstamp {
	int		clock;		/* OL_CLK_*: the line's own (MONO when both) */
	int64_t		wall, mono;	/* ns: since the epoch / since boot */
	bool		has_wall, has_mono, has_tag;
	bool		kernel_stamp;	/* the kernel's [mono] after a wall stamp/tag */
	bool		month_unknown;	/* a localised month name not in our table */
	bool		fence;		/* a markdown code fence line, no message */
	const char	*style;		/* "dmesg", "dmesg -T", "syslog", ... */
	const char	*msg;		/* the kernel's message, @len bytes */
	size_t		len;
};

void ol_kline_split(struct ol_kline_ctx *c, const char *p, const char *e, struct ol_kstamp *st);
/* Most of the first lines of @buf carry consecutive line numbers. */
bool ol_kline_numbered(const char *buf, size_t len);

/*
 * Transports undone on a whole log (collect/ktransport.c).  The
 * journal's json/json-pretty/json-seq/export outputs -> "[s.us] msg"
 * lines (malloc'ed, NULL when out of memory; *@bad entries that did not
 * parse); quoted-printable -> text (malloc'ed).
 */
bool ol_journal_probe(const char *buf, size_t len);
char *ol_journal_to_text(const char *buf, size_t len, size_t *outlen, const char **style,
			 long long *bad);
bool ol_qp_probe(const char *buf, size_t len);
char *ol_qp_decode(const char *buf, size_t len, size_t *outlen);

/* malloc'ed printf; NULL on allocation failure. */
char *ol_strdupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Thread -> process knowledge built while a source is read (collect/tasks.c):
 * what task_newtask's clone flags, a fork, a rename or mark_victim's comm
 * say about @target, written to the store.  Zero-initialize; free with
 * ol_taskmap_free().
 */
struct ol_taskmap {
	struct { int pid, tgid; } *slot;	/* pid -> tgid known so far */
	int	n, used;			/* slots (a power of two), in use */
};

enum ol_task_event { OL_TASK_NEWTASK, OL_TASK_FORK, OL_TASK_RENAME, OL_TASK_VICTIM };

/* @pid: the task the event fired in (the parent for newtask).  0 or -1. */
int ol_taskmap_fact(struct ol_taskmap *m, struct ol_store *st, enum ol_task_event k,
		    int pid, int target, const char *comm, bool have_flags,
		    long long clone_flags);
void ol_taskmap_free(struct ol_taskmap *m);

/*
 * What of an mmap_lock flood an import stores (collect/flood.c: the
 * events of victims' tasks, of the oom_reaper and of victims' mm, and the
 * first on a CPU after another stored event; the rest is counted).
 * ol_flood_victim() on each mark_victim; ol_flood_stored() for every
 * other stored event; ol_flood_lock() for each mmap_lock event says
 * whether it is stored.
 */
#define OL_FLOOD_CPUS	8192
struct ol_flood;
struct ol_flood *ol_flood_new(void);
void ol_flood_free(struct ol_flood *f);
void ol_flood_victim(struct ol_flood *f, int pid, int tgid);
void ol_flood_stored(struct ol_flood *f, int cpu);
bool ol_flood_lock(struct ol_flood *f, int cpu, int pid, int tgid, uint64_t mm, bool reaper);
long long ol_flood_dropped(const struct ol_flood *f);

/* What the map knows of @pid's process: its tgid, or @pid. */
int ol_taskmap_tgid(const struct ol_taskmap *m, int pid);

/*
 * tep record -> ol_event, shared by the trace.dat importer and the live
 * recorder (both decode with libtraceevent).
 */
struct ol_conv;

/* Must be freed with ol_conv_free().  NULL on allocation failure. */
struct ol_conv *ol_conv_new(struct tep_handle *tep);
void ol_conv_free(struct ol_conv *c);

/*
 * Decode @rec.  Returns 1 and fills *@ev (its strings are owned by @c and
 * valid until the next call) when the event belongs to the oomlens event
 * set, 0 when it is skipped, -1 on allocation failure.
 */
int ol_conv_record(struct ol_conv *c, struct tep_record *rec, struct ol_event *ev);
/* From now on, skip (return 0) the mmap_lock events @f does not keep. */
void ol_conv_set_flood(struct ol_conv *c, struct ol_flood *f);

/*
 * Thread -> process facts implied by a converted event (task_newtask's
 * clone flags, fork, rename, mark_victim's comm) into the store.
 */
int ol_conv_tasks(struct ol_conv *c, struct ol_store *st, const struct ol_event *ev);

/* Store the format of every event of the set that @tep knows. */
int ol_conv_store_formats(struct ol_conv *c, struct ol_store *st);

/*
 * Exported by libtracecmd 1.x but declared only in its private header
 * (trace-cmd-private.h); trace-cmd itself uses them for `trace-cmd report
 * --uname / --stat`.
 */
struct tracecmd_input;
struct tep_record;
const char *tracecmd_get_uname(struct tracecmd_input *handle);
const char *tracecmd_get_trace_clock(struct tracecmd_input *handle);
const char *tracecmd_get_cpustats(struct tracecmd_input *handle);
int tracecmd_cpus(struct tracecmd_input *handle);
unsigned long long tracecmd_get_options_offset(struct tracecmd_input *handle);
unsigned long tracecmd_get_in_file_version(struct tracecmd_input *handle);
struct tep_record *tracecmd_peek_data(struct tracecmd_input *handle, int cpu);

/*
 * tdcheck.c: a trace clock text, the printk formats text (NUL-terminated)
 * and an option record (id, data) that libtracecmd can read safely.
 */
bool ol_td_clock_ok(const unsigned char *t, size_t n);
bool ol_td_printk_ok(const char *text);
bool ol_td_option_ok(int id, const unsigned char *b, unsigned int n);

/*
 * rbpage.c: a ring-buffer page of @page bytes (@hdr of them its header;
 * @be: big-endian) that kbuffer can walk without reading past it or
 * looping.
 */
bool ol_rb_page_ok(const unsigned char *buf, unsigned int page, unsigned int hdr, bool be);

/*
 * tracedat7.c: a version 7 trace.dat.  ol_v7_open(): 1 open, 0 not a
 * little-endian version 7 file, -1 one that cannot be read (*@bad says
 * why).  ol_v7_section(): the body of the section of id @id at @off
 * (decompressed; malloc'd), NULL when it is not one or does not fit.
 * ol_v7_options(): @fn on each option record of every options section:
 * 0, -1 when the sections are corrupt, or what @fn returned non-zero.
 * ol_v7_bad(): what libtracecmd would trust wrongly, NULL when nothing
 * (*@bad_at: the file offset of a bad chunk or page, 0 when unknown).
 */
struct ol_v7 {
	int fd;
	unsigned long long size;	/* of the file */
	unsigned int page, lsize;
	bool be;			/* big-endian */
	bool zstd;			/* else "none" */
	unsigned long long options;	/* the first options section */
	unsigned long long first;	/* the first section, after the header */
	void *zd;			/* ZSTD_DCtx */
	unsigned char *zbuf;
	size_t zcap;
};
typedef int ol_v7_option_fn(void *ctx, unsigned int id, const unsigned char *d, unsigned int n);
/*
 * The header of the chunk at @pos (u32 compressed size, u32 size) of CPU
 * data ending at @end: false unless it fits before @end and its size is
 * whole pages, at most 64 MB.
 */
bool ol_v7_chunk(const struct ol_v7 *v, unsigned long long pos, unsigned long long end,
		 unsigned int *zn, unsigned int *n);
/* Where the chunks of CPU data at @off end (its BUFFER size @size counts
 * them without their u32 count before them). */
unsigned long long ol_v7_chunks_end(const struct ol_v7 *v, unsigned long long off,
				    unsigned long long size);
/* A u32 / u64 in the file's byte order. */
unsigned int ol_v7_u32(const struct ol_v7 *v, const unsigned char *p);
unsigned long long ol_v7_u64(const struct ol_v7 *v, const unsigned char *p);
/* Little-endian numbers. */
static inline unsigned int ol_le32(const unsigned char *p)
{
	return (unsigned int)p[0] | (unsigned int)p[1] << 8 | (unsigned int)p[2] << 16 |
	       (unsigned int)p[3] << 24;
}

static inline unsigned long long ol_le64(const unsigned char *p)
{
	return ol_le32(p) | (unsigned long long)ol_le32(p + 4) << 32;
}
int ol_v7_open(struct ol_v7 *v, const char *path, const char **bad);
void ol_v7_close(struct ol_v7 *v);
bool ol_v7_read(const struct ol_v7 *v, void *buf, size_t n, unsigned long long off);
bool ol_v7_inflate(struct ol_v7 *v, unsigned long long off, unsigned int zn,
		   unsigned char *out, unsigned int n);
/* @*buf (of @*cap bytes) holding at least @n: false out of memory. */
bool ol_v7_reserve(unsigned char **buf, size_t *cap, size_t n);
unsigned char *ol_v7_section(struct ol_v7 *v, unsigned long long off, unsigned int id,
			     unsigned int *len);
int ol_v7_options(struct ol_v7 *v, ol_v7_option_fn *fn, void *ctx);
const char *ol_v7_bad(struct ol_v7 *v, unsigned long long *bad_at);

/*
 * flyrecord.c: the events of a compressed version 7 trace.dat without
 * libtracecmd's page cache.  ol_fly_open(): NULL when this file is for
 * libtracecmd (see flyrecord.c, or @v NULL: not version 7); @v is the
 * file, checked by ol_v7_bad() and open until ol_fly_free(); @handles
 * and @names (the buffer of each, "" the top one) as
 * tracecmd_iterate_events_multi() would get them.  ol_fly_iterate(): @fn on every event in time order: 0, 1 when
 * @fn returned non-zero, -1 on a corrupt chunk or page (*@bad_at: its
 * file offset).
 */
typedef int ol_fly_fn(struct tracecmd_input *h, struct tep_record *rec, int cpu, void *data);
struct ol_fly;
struct ol_fly *ol_fly_open(struct ol_v7 *v, struct tracecmd_input **handles,
			   const char *const *names, int nh);
int ol_fly_iterate(struct ol_fly *f, ol_fly_fn *fn, void *data, unsigned long long *bad_at);
void ol_fly_free(struct ol_fly *f);

#endif
