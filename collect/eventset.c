// SPDX-License-Identifier: GPL-2.0
/*
 * The events oomlens keeps, and how each is decoded into an ol_event:
 * every field of the event's own format into a JSON object (read by name,
 * so a 4.13 pid-only mark_victim and a 6.9+ extended one both work), the
 * task it is about, and the thread -> process facts it implies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event-parse.h>

#include "collect/collect-local.h"

const char *const ol_event_set[] = {
	"oom:*",
	"sched:sched_process_exit", "sched:sched_process_free",
	"sched:sched_process_fork",
	"task:task_newtask", "task:task_rename",
	"signal:signal_generate",
	"mmap:exit_mmap",
	"kmem:rss_stat",
	"mmap_lock:*",
	"printk:console",
	NULL
};

bool ol_event_wanted(const char *system, const char *event)
{
	size_t sl = strlen(system);
	int i;

	for (i = 0; ol_event_set[i]; i++) {
		const char *w = ol_event_set[i];

		if (strncmp(w, system, sl) || w[sl] != ':')
			continue;
		if (!strcmp(w + sl + 1, "*") || !strcmp(w + sl + 1, event))
			return true;
	}
	return false;
}

/* What kind of event an id is, cached per id: the hot path is a lookup. */
enum kind {
	K_UNSEEN = 0, K_SKIP, K_KEEP, K_SIGNAL, K_FORK, K_NEWTASK, K_RENAME,
	K_MARK_VICTIM, K_LOCK,
};

/*
 * What is looked up once per kept event id: the event, the field naming
 * its target, and how its fields become typed columns (schema 2): at
 * most OL_EVENT_COLS of them, each a char array, a pointer or a number
 * of at most 8 bytes (cols[0] NULL: the fields stay JSON).
 */
struct layout {
	struct tep_event *e;
	struct tep_format_field *target;	/* NULL: names no task */
	struct tep_format_field *mm;		/* mmap_lock:*: the mm */
	const char	*cols[OL_EVENT_COLS + 1];	/* "t:field", NULL-terminated */
	struct tep_format_field *f[OL_EVENT_COLS];
	char		text[OL_EVENT_COLS][80];
};

struct ol_conv {
	struct tep_handle *tep;
	unsigned char	*kind;		/* by event id */
	char		**names;	/* "system:event" by event id, made once */
	struct layout	**layouts;	/* by event id, made with its kind */
	int		nkind;
	struct ol_buf	fields;
	char		str[OL_EVENT_COLS][256];	/* typed string columns */
	struct ol_taskmap tasks;
	/* what the last converted event says about tasks */
	enum kind	last;
	char		tcomm[64];
	long long	clone_flags;
	bool		have_flags;
	struct ol_flood	*flood;		/* NULL: every mmap_lock event */
	int		not_reaper;	/* the last pid whose comm is not oom_reaper */
};

struct ol_conv *ol_conv_new(struct tep_handle *tep)
{
	struct ol_conv *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->tep = tep;
	return c;
}

/*
 * The tables by event id grow to the largest id seen (ids are 16 bits in
 * the ring buffer; a kernel has a few thousand), zero-filled.
 */
static int grow(struct ol_conv *c, int id)
{
	int n = c->nkind ? c->nkind : 256;
	unsigned char *kind;
	char **names;
	struct layout **layouts;

	while (n <= id)
		n *= 2;
	kind = realloc(c->kind, (size_t)n);
	if (kind)
		c->kind = kind;
	names = realloc(c->names, (size_t)n * sizeof(*names));
	if (names)
		c->names = names;
	layouts = realloc(c->layouts, (size_t)n * sizeof(*layouts));
	if (layouts)
		c->layouts = layouts;
	if (!kind || !names || !layouts)
		return -1;
	memset(kind + c->nkind, 0, (size_t)(n - c->nkind));
	memset(names + c->nkind, 0, (size_t)(n - c->nkind) * sizeof(*names));
	memset(layouts + c->nkind, 0, (size_t)(n - c->nkind) * sizeof(*layouts));
	c->nkind = n;
	return 0;
}

void ol_conv_free(struct ol_conv *c)
{
	if (!c)
		return;
	int i;

	for (i = 0; i < c->nkind; i++) {	/* most ids are unused */
		if (c->names[i])
			free(c->names[i]);
		if (c->layouts[i])
			free(c->layouts[i]);
	}
	free(c->names);
	free(c->layouts);
	free(c->kind);
	ol_taskmap_free(&c->tasks);
	ol_buf_free(&c->fields);
	free(c);
}

static enum kind classify(struct tep_event *e)
{
	if (!ol_event_wanted(e->system, e->name))
		return K_SKIP;
	if (!strcmp(e->name, "signal_generate"))
		return K_SIGNAL;
	if (!strcmp(e->name, "sched_process_fork"))
		return K_FORK;
	if (!strcmp(e->name, "task_newtask"))
		return K_NEWTASK;
	if (!strcmp(e->name, "task_rename"))
		return K_RENAME;
	if (!strcmp(e->name, "mark_victim"))
		return K_MARK_VICTIM;
	if (!strcmp(e->system, "mmap_lock"))
		return K_LOCK;
	return K_KEEP;
}

/*
 * The bytes of @f inside @rec, or NULL when they are not all inside it.
 * libtraceevent (1.7) reads a field at the offset and size its format
 * says, and a __data_loc field where the record's own u32 points, without
 * comparing either with the record's size: a corrupt trace.dat made
 * oomlens read past the mapped file (SIGBUS in ol_buf_json_str).
 */
static const char *field_bytes(struct tep_handle *tep, struct tep_format_field *f,
			       struct tep_record *rec, int *len)
{
	unsigned int size = rec->size > 0 ? (unsigned int)rec->size : 0;
	const char *data = rec->data;

	*len = 0;
	if (!data || f->offset < 0 || f->size <= 0 ||
	    (unsigned int)f->size > size || (unsigned int)f->offset > size - (unsigned int)f->size)
		return NULL;
	if (f->flags & TEP_FIELD_IS_DYNAMIC) {
		unsigned long long v;
		unsigned int off, n;

		if (f->size != 4)
			return NULL;
		v = tep_read_number(tep, data + f->offset, 4);
		off = (unsigned int)(v & 0xffff);
		n = (unsigned int)(v >> 16) & 0xffff;
		/* __rel_loc (5.18+): relative to the end of the field */
		if (f->flags & TEP_FIELD_IS_RELATIVE)
			off += (unsigned int)f->offset + 4;
		if (off > size || n > size - off)
			return NULL;
		*len = (int)n;
		return data + off;
	}
	*len = f->size;
	return data + f->offset;
}

static long long field_num(struct tep_format_field *f, struct tep_record *rec, bool *ok)
{
	unsigned long long v = 0;
	int len;

	*ok = field_bytes(f->event->tep, f, rec, &len) &&
	      tep_read_number_field(f, rec->data, &v) == 0;
	if (!*ok)
		return 0;
	if ((f->flags & TEP_FIELD_IS_SIGNED) && f->size < 8) {
		int shift = 64 - 8 * f->size;

		return (long long)(v << shift) >> shift;
	}
	return (long long)v;
}

static bool is_char_array(const struct tep_format_field *f)
{
	return (f->flags & (TEP_FIELD_IS_STRING | TEP_FIELD_IS_DYNAMIC)) ||
	       ((f->flags & TEP_FIELD_IS_ARRAY) && !strncmp(f->type, "char", 4));
}

static bool is_pointer(const struct tep_format_field *f)
{
	return (f->flags & TEP_FIELD_IS_POINTER) || strchr(f->type, '*');
}

/* Append one field as "name":value to the JSON object being built. */
static void field_json(struct ol_conv *c, struct tep_event *e,
		       struct tep_format_field *f, struct tep_record *rec)
{
	struct ol_buf *b = &c->fields;
	bool ok;

	if (b->len > 1)
		ol_buf_add(b, ",", 1);
	ol_buf_json_str(b, f->name, strlen(f->name));
	ol_buf_add(b, ":", 1);
	if (is_char_array(f)) {
		int len = 0;
		const char *p = field_bytes(c->tep, f, rec, &len);

		if (p && len > 0)
			ol_buf_json_str(b, p, (size_t)len);
		else
			ol_buf_puts(b, "null");
	} else if ((f->flags & TEP_FIELD_IS_ARRAY) || f->size > 8) {
		ol_buf_puts(b, "null");	/* no array the analysis needs */
	} else if (is_pointer(f)) {
		unsigned long long v = (unsigned long long)field_num(f, rec, &ok);

		/* kernel pointers do not fit JSON's doubles: hex strings */
		ol_buf_printf(b, ok ? "\"0x%llx\"" : "null", v);
	} else {
		long long v = field_num(f, rec, &ok);

		if (!ok)
			ol_buf_puts(b, "null");
		else if (f->flags & TEP_FIELD_IS_SIGNED)
			ol_buf_printf(b, "%lld", v);
		else
			ol_buf_printf(b, "%llu", (unsigned long long)v);
	}
}

static long long get_num(struct tep_event *e, const char *name,
			 struct tep_record *rec, bool *ok)
{
	struct tep_format_field *f = tep_find_field(e, name);

	*ok = false;
	return f ? field_num(f, rec, ok) : 0;
}

/* The task an event is about; -1 when it names none. */
static int event_target(const struct layout *l, struct tep_record *rec)
{
	long long v;
	bool ok;

	if (!l->target)
		return -1;
	v = field_num(l->target, rec, &ok);
	return ok ? (int)v : -1;
}

static const char *const comm_field[] = {
	[K_NEWTASK] = "comm", [K_FORK] = "child_comm", [K_RENAME] = "newcomm",
	[K_MARK_VICTIM] = "comm",
};

static void task_facts(struct ol_conv *c, struct tep_event *e, enum kind k,
		       struct tep_record *rec)
{
	struct tep_format_field *f;
	const char *p;
	int len = 0;

	c->last = k;
	c->tcomm[0] = '\0';
	c->have_flags = false;
	if (k < K_FORK || k > K_MARK_VICTIM)	/* the kinds that name a task's comm */
		return;
	f = tep_find_field(e, comm_field[k]);
	p = f ? field_bytes(c->tep, f, rec, &len) : NULL;
	if (p && len > 0) {
		size_t n = strnlen(p, (size_t)len);

		if (n >= sizeof(c->tcomm))
			n = sizeof(c->tcomm) - 1;
		memcpy(c->tcomm, p, n);
		c->tcomm[n] = '\0';
	}
	if (k == K_NEWTASK)
		c->clone_flags = get_num(e, "clone_flags", rec, &c->have_flags);
}

/* The per-id facts of @e of kind @k; NULL out of memory. */
static struct layout *make_layout(struct tep_event *e, enum kind k)
{
	struct tep_format_field *f;
	struct layout *l = calloc(1, sizeof(*l));
	int n = 0;

	if (!l)
		return NULL;
	l->e = e;
	l->target = tep_find_field(e, k == K_FORK ? "child_pid" : "pid");
	if (k == K_LOCK)
		l->mm = tep_find_field(e, "mm");
	for (f = e->format.fields; f; f = f->next, n++)
		if (n == OL_EVENT_COLS || strlen(f->name) > 70 ||
		    (!is_char_array(f) && ((f->flags & TEP_FIELD_IS_ARRAY) || f->size > 8)))
			return l;	/* JSON */
	for (n = 0, f = e->format.fields; f; f = f->next, n++) {
		snprintf(l->text[n], sizeof(l->text[n]), "%c:%s",
			 is_char_array(f) ? 's' : is_pointer(f) ? 'p' : 'i', f->name);
		l->cols[n] = l->text[n];
		l->f[n] = f;
	}
	return l;
}

/* A string a typed column may hold: the JSON text needs no escape. */
static bool plain(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e || p[i] == '"' || p[i] == '\\')
			return false;
	return true;
}

/*
 * The fields of @rec into @ev's typed columns: false when one does not
 * fit (a string with bytes JSON escapes, an unsigned value past INT64_MAX,
 * an unreadable field), and the row keeps JSON fields.
 */
static bool fill_typed(struct ol_conv *c, const struct layout *l, struct tep_event *e,
		       struct tep_record *rec, struct ol_event *ev)
{
	int i;

	for (i = 0; l->cols[i]; i++) {
		struct tep_format_field *f = l->f[i];
		bool ok;

		if (l->cols[i][0] == 's') {
			int len = 0;
			/* bounds-checked against the record, unlike tep_get_field_raw() */
			const char *p = field_bytes(c->tep, f, rec, &len);
			size_t n;

			if (!p || len <= 0)
				return false;
			n = strnlen(p, (size_t)len);
			if (n >= sizeof(c->str[i]) || !plain(p, n))
				return false;
			memcpy(c->str[i], p, n);
			c->str[i][n] = '\0';
			ev->str[i] = c->str[i];
			continue;
		}
		ev->val[i] = field_num(f, rec, &ok);
		if (!ok || (ev->val[i] < 0 && l->cols[i][0] == 'i' &&
			    !(f->flags & TEP_FIELD_IS_SIGNED)))
			return false;
	}
	ev->layout = l->cols;
	return true;
}

void ol_conv_set_flood(struct ol_conv *c, struct ol_flood *f)
{
	c->flood = f;
	c->not_reaper = -1;
}

/* Before the event is decoded: its task and mm, as little as is read. */
static bool lock_wanted(struct ol_conv *c, const struct layout *l, struct tep_record *rec)
{
	int pid = tep_data_pid(c->tep, rec), len;
	const char *p = l->mm ? field_bytes(c->tep, l->mm, rec, &len) : NULL;
	bool reaper = false;

	if (!p || (len != 8 && len != 4))
		return true;	/* cannot tell: stored */
	if (pid != c->not_reaper) {
		const char *comm = tep_data_comm_from_pid(c->tep, pid);

		reaper = comm && !strcmp(comm, "oom_reaper");
		if (!reaper)
			c->not_reaper = pid;
	}
	return ol_flood_lock(c->flood, rec->cpu, pid, ol_taskmap_tgid(&c->tasks, pid),
			     tep_read_number(c->tep, p, len), reaper);
}

int ol_conv_record(struct ol_conv *c, struct tep_record *rec, struct ol_event *ev)
{
	struct tep_event *e;
	struct tep_format_field *f;
	enum kind k;
	int id;

	id = tep_data_type(c->tep, rec);
	if (id < 0 || id > 65535)
		return 0;
	if (id >= c->nkind && grow(c, id))
		return -1;
	k = c->kind[id];
	if (k == K_SKIP)
		return 0;
	c->last = K_SKIP;
	if (k == K_UNSEEN) {
		if (!(e = tep_find_event(c->tep, id))) {
			c->kind[id] = K_SKIP;
			return 0;
		}
		k = classify(e);
		if (k != K_SKIP && (!(c->names[id] = ol_strdupf("%s:%s", e->system, e->name)) ||
				    !(c->layouts[id] = make_layout(e, k))))
			return -1;
		c->kind[id] = k;
		if (k == K_SKIP)
			return 0;
	}
	e = c->layouts[id]->e;
	if (k == K_LOCK && c->flood && !lock_wanted(c, c->layouts[id], rec))
		return 0;
	if (k == K_SIGNAL) {
		bool ok;

		/* only the SIGKILL of a kill matters */
		if (get_num(e, "sig", rec, &ok) != 9 || !ok)
			return 0;
	}
	memset(ev, 0, sizeof(*ev));
	if (!c->layouts[id]->cols[0] || !fill_typed(c, c->layouts[id], e, rec, ev)) {
		ol_buf_reset(&c->fields);
		ol_buf_add(&c->fields, "{", 1);
		for (f = e->format.fields; f; f = f->next)
			field_json(c, e, f, rec);
		ol_buf_add(&c->fields, "}", 1);
		if (c->fields.oom)
			return -1;
		ev->fields = c->fields.s;
		ev->layout = NULL;
	}
	ev->ts_ns = (int64_t)rec->ts;
	ev->cpu = rec->cpu;
	ev->pid = tep_data_pid(c->tep, rec);
	ev->comm = ev->pid > 0 ? tep_data_comm_from_pid(c->tep, ev->pid) : "<idle>";
	if (ev->comm && !strcmp(ev->comm, "<...>"))
		ev->comm = NULL;
	ev->name = c->names[id];
	ev->target = event_target(c->layouts[id], rec);
	task_facts(c, e, k, rec);
	if (k == K_MARK_VICTIM && c->flood)
		ol_flood_victim(c->flood, ev->target, ol_taskmap_tgid(&c->tasks, ev->target));
	if (k != K_LOCK && c->flood)
		ol_flood_stored(c->flood, rec->cpu);
	return 1;
}

int ol_conv_tasks(struct ol_conv *c, struct ol_store *st, const struct ol_event *ev)
{
	static const int task_event[] = {
		[K_NEWTASK] = OL_TASK_NEWTASK + 1, [K_FORK] = OL_TASK_FORK + 1,
		[K_RENAME] = OL_TASK_RENAME + 1, [K_MARK_VICTIM] = OL_TASK_VICTIM + 1,
	};
	int k = (size_t)c->last < sizeof(task_event) / sizeof(task_event[0]) ?
		task_event[c->last] : 0;

	if (!k)
		return 0;
	return ol_taskmap_fact(&c->tasks, st, (enum ol_task_event)(k - 1), ev->pid, ev->target,
			       c->tcomm[0] ? c->tcomm : NULL, c->have_flags, c->clone_flags);
}

/* The format file of @e as libtraceevent parsed it (print args are not kept). */
static void format_text(struct ol_buf *b, struct tep_event *e)
{
	struct tep_format_field *f;

	ol_buf_printf(b, "name: %s\nID: %d\nformat:\n", e->name, e->id);
	for (f = e->format.common_fields; f; f = f->next)
		ol_buf_printf(b, "\tfield:%s %s;\toffset:%d;\tsize:%d;\tsigned:%d;\n",
			      f->type, f->name, f->offset, f->size,
			      !!(f->flags & TEP_FIELD_IS_SIGNED));
	ol_buf_puts(b, "\n");
	for (f = e->format.fields; f; f = f->next)
		ol_buf_printf(b, "\tfield:%s %s;\toffset:%d;\tsize:%d;\tsigned:%d;\n",
			      f->type, f->name, f->offset, f->size,
			      !!(f->flags & TEP_FIELD_IS_SIGNED));
	ol_buf_printf(b, "\nprint fmt: \"%s\"\n",
		      e->print_fmt.format ? e->print_fmt.format : "");
}

int ol_conv_store_formats(struct ol_conv *c, struct ol_store *st)
{
	struct ol_buf b = { 0 };
	int i, n = tep_get_events_count(c->tep), ret = 0;

	for (i = 0; i < n && !ret; i++) {
		struct tep_event *e = tep_get_event(c->tep, i);

		if (!e || !e->system || !ol_event_wanted(e->system, e->name))
			continue;
		ol_buf_reset(&b);
		format_text(&b, e);
		if (b.oom)
			ret = -1;
		else
			ret = ol_store_add_format(st, e->system, e->name, e->id, b.s);
	}
	ol_buf_free(&b);
	return ret;
}
