// SPDX-License-Identifier: GPL-2.0
/*
 * The events SELECT stepped by reader threads.  Stepping SQLite and
 * decoding its records is most of the analysis' time (millions of rows),
 * and it needs nothing of the analysis' state: so reader threads step the
 * statement and copy each row into a compact batch (the columns the row's
 * kind needs, as the one-thread loop read them) while the calling thread
 * runs the state machine over the batches, in order.  Each reader has a
 * ring of NBATCH batches, reused (one mutex, two condition variables), so
 * memory stays bounded whatever the number of events.
 *
 * In rowid order (the usual case) NREADERS threads share the scan: the id
 * range is cut into chunks of CHUNK_IDS ids, reader j reads chunks j,
 * j + NREADERS, ..., and the caller takes the chunks in turn, so the rows
 * arrive in exactly the order of one "ORDER BY id" scan.  Each reader has
 * its own read-only connection; all of them open their read transaction
 * while the first one holds its shared lock, so in a rollback-journal
 * database (the store's mode) they all see the same snapshot.  A WAL
 * database, an id range much sparser than the rows, or the ts_ns index
 * order get a single reader.
 *
 * Threads and SQLite: a connection is used by one thread at a time (the
 * caller until ol_reader_start(), then its reader until ol_reader_end()),
 * which is what SQLITE_OPEN_NOMUTEX ("multi-thread" mode) allows.
 * Without a connection of our own (an open transaction, an in-memory
 * database) the batches are filled in the calling thread, as it asks.
 */
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze-local.h"
#include "collect/collect.h"

#define NREADERS	2
#define NBATCH		8		/* per reader: slack for the two readers' jitter */
#define BATCH_ROWS	4096
#define BATCH_TEXT	(1u << 20)	/* a batch ends early past 1 MB of text */
#define CHUNK_IDS	16384

/*
 * The ev table of schema 2 (collect/schema.c): name and comm are ids into
 * the names and strings tables, read once into memory; an event's fields
 * are either the JSON text of `fields` or the typed columns a..d that
 * names.f1..f4 describe, which are turned back into the same JSON text
 * here (the handlers read fields by name, whatever the layout).  tgid is
 * not stored: the caller takes it from the tasks table.
 */
#define SELECT_COLS	"SELECT id, ts_ns, cpu, pid, comm, name, target, a, b, c, d, fields FROM ev "
enum { C_ID, C_TS, C_CPU, C_PID, C_COMM, C_NAME, C_TARGET, C_A, C_FIELDS = C_A + 4 };
#define NCOLS		4

/* One names row: the kind and, for typed rows, each column's JSON key. */
struct rname {
	uint8_t kind;			/* enum ol_kind; K_NONE: unknown id */
	int nf;				/* typed columns, 0: JSON fields */
	char type[NCOLS];		/* i, p, s */
	char *pre[NCOLS];		/* "{\"key\":" or ",\"key\":" */
	size_t prelen[NCOLS];
	/* ol_reader_ints(): for the last two key lists asked, the key
	 * each column is (-1: none) */
	struct {
		const char *const *keys;
		int n;
		int8_t key[NCOLS];
	} kc[2];
	uint8_t kc_next;
};

struct rthread {
	struct ol_reader *rd;
	sqlite3 *db;			/* [0]: the caller's; others: opened here */
	sqlite3_stmt *s;
	pthread_t th;
	bool started;
	struct ol_batch bt[NBATCH];
	unsigned head, tail, nfull;	/* fills bt[head], the caller reads bt[tail] */
	bool done;			/* the last batch is published */
	/* the reader's own (read by the caller after the join) */
	bool ended;			/* reached the end or an error */
	int status;			/* 0 or -1 (err) */
	char *err;
	bool reaper_seen;
	uint64_t chunk;			/* next chunk to read (chunked) */
	bool in_chunk;
};

struct ol_reader {
	struct rname *names;		/* by names.id */
	int nnames;
	char **strs;			/* strings.text by id */
	int nstrs;
	int reaper_comm;		/* strings.id of "oom_reaper", -1 none */
	char *scratch;			/* ol_reader_fields()'s, TYPED_MAX bytes */
	bool threaded, chunked;
	int nr;				/* readers */
	int cur;			/* the reader whose batch comes next */
	bool holding;			/* the caller holds r[cur].bt[tail] */
	int64_t lo, hi;			/* ids (chunked); hi < lo: none */
	pthread_mutex_t mu;
	pthread_cond_t full_cv, free_cv;
	bool go, stop;
	struct rthread r[NREADERS];
};

static int col_or(sqlite3_stmt *s, int i, int dflt)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? dflt : sqlite3_column_int(s, i);
}

/* Binds the next chunk of @rt; false when it starts past the last id. */
static bool next_chunk(struct rthread *rt)
{
	struct ol_reader *rd = rt->rd;
	uint64_t span = (uint64_t)rd->hi - (uint64_t)rd->lo, first;

	if (rd->hi < rd->lo || rt->chunk > span / CHUNK_IDS)
		return false;
	first = rt->chunk * CHUNK_IDS;
	sqlite3_reset(rt->s);
	sqlite3_bind_int64(rt->s, 1, (int64_t)((uint64_t)rd->lo + first));
	sqlite3_bind_int64(rt->s, 2, span - first < CHUNK_IDS - 1 ? rd->hi :
			   (int64_t)((uint64_t)rd->lo + first + CHUNK_IDS - 1));
	rt->chunk += (uint64_t)rd->nr;
	rt->in_chunk = true;
	return true;
}

/* Room for @n more bytes of text in @bt: a pointer to them, NULL out of memory. */
static char *reserve(struct ol_batch *bt, size_t n)
{
	if (bt->tlen + n > bt->tcap) {
		size_t cap = bt->tcap ? bt->tcap : BATCH_TEXT / 4;
		char *p;

		while (cap < bt->tlen + n)
			cap *= 2;
		if (!(p = realloc(bt->text, cap)))
			return NULL;
		bt->text = p;
		bt->tcap = cap;
	}
	return bt->text + bt->tlen;
}

/* Appends @t (NUL-terminated) with its NUL: the offset, or -1. */
static ptrdiff_t put_str(struct ol_batch *bt, const char *t)
{
	size_t len = strlen(t), off = bt->tlen;
	char *p = reserve(bt, len + 1);

	if (!p)
		return -1;
	memcpy(p, t, len + 1);
	bt->tlen += len + 1;
	return (ptrdiff_t)off;
}

/*
 * Column @col's text (@dflt when NULL), as put_str(): up to the first NUL,
 * all a C string shows the handlers.
 */
static ptrdiff_t put_text(struct ol_batch *bt, sqlite3_stmt *s, int col, const char *dflt)
{
	const char *t = (const char *)sqlite3_column_text(s, col);

	return put_str(bt, t ? t : dflt);
}

static const char *str_of(const struct ol_reader *rd, sqlite3_stmt *s, int col)
{
	int id;

	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return NULL;
	id = sqlite3_column_int(s, col);
	return id > 0 && id < rd->nstrs ? rd->strs[id] : NULL;
}

/* @v in decimal (@hex: "0x" and lowercase hex of its bits) at @p: the end. */
static char *put_num(char *p, int64_t v, bool hex)
{
	char tmp[24], *t = tmp + sizeof(tmp);
	uint64_t u = (uint64_t)v;

	if (hex) {
		do
			*--t = "0123456789abcdef"[u & 15];
		while (u >>= 4);
		*p++ = '"';
		*p++ = '0';
		*p++ = 'x';
	} else {
		if (v < 0)
			u = -u;
		do
			*--t = (char)('0' + u % 10);
		while (u /= 10);
		if (v < 0)
			*--t = '-';
	}
	memcpy(p, t, (size_t)(tmp + sizeof(tmp) - t));
	p += tmp + sizeof(tmp) - t;
	if (hex)
		*p++ = '"';
	return p;
}

/* Room for one typed row's JSON: NCOLS keys of < 80 and strings of < 256. */
#define TYPED_MAX	(NCOLS * (84 + 260) + 4)

/*
 * The JSON fields of a typed row, as the importer wrote them in schema 1
 * (strings in typed columns need no escapes).
 */
const char *ol_reader_fields(struct ol_reader *rd, const struct ol_batch *bt,
			     const struct ol_evrow *e)
{
	const struct rname *n;
	char *p = rd->scratch;
	int i;

	if (e->fields >= 0)
		return bt->text + e->fields;
	n = &rd->names[e->name];
	for (i = 0; i < n->nf; i++) {
		memcpy(p, n->pre[i], n->prelen[i]);
		p += n->prelen[i];
		if (e->nulls & (1u << i)) {
			memcpy(p, "null", 4);
			p += 4;
		} else if (n->type[i] == 's') {
			const char *t = e->v[i] > 0 && e->v[i] < rd->nstrs ? rd->strs[e->v[i]] : NULL;
			size_t len = t ? strnlen(t, 255) : 0;

			*p++ = '"';
			memcpy(p, t ? t : "", len);
			p += len;
			*p++ = '"';
		} else {
			p = put_num(p, e->v[i], n->type[i] == 'p');
		}
	}
	*p++ = '}';
	*p = 0;
	return rd->scratch;
}

unsigned ol_reader_ints(struct ol_reader *rd, const struct ol_batch *bt, const struct ol_evrow *e,
			const char *const *keys, int n, int64_t *out)
{
	struct rname *nm;
	unsigned found = 0;
	int i, j, c;

	if (e->fields >= 0)
		return ol_json_ints(bt->text + e->fields, keys, n, out);
	nm = &rd->names[e->name];
	for (c = 0; c < 2 && (nm->kc[c].keys != keys || nm->kc[c].n != n); c++)
		;
	if (c == 2) {
		c = nm->kc_next;
		nm->kc_next ^= 1;
		nm->kc[c].keys = keys;
		nm->kc[c].n = n;
		for (i = 0; i < nm->nf; i++) {
			/* pre is {"key": or ,"key": */
			const char *k = nm->pre[i] + 2;
			size_t klen = nm->prelen[i] - 4;

			for (j = 0; j < n && (strncmp(keys[j], k, klen) || keys[j][klen]); j++)
				;
			nm->kc[c].key[i] = (int8_t)(j < n ? j : -1);
		}
	}
	for (i = 0; i < nm->nf; i++) {
		if ((j = nm->kc[c].key[i]) < 0)
			continue;
		if (nm->type[i] == 's')	/* a string that may read as a number */
			return ol_json_ints(ol_reader_fields(rd, bt, e), keys, n, out);
		/* null: json_int_at() fails and leaves 0 */
		out[j] = e->nulls & (1u << i) ? 0 : e->v[i];
		if (!(e->nulls & (1u << i)))
			found |= 1u << j;
	}
	return found;
}

/*
 * Copies the current row of @rt->s into @e (text into @bt): 0, or -1 out
 * of memory.  The column reads of the one-thread loop: comm only for
 * mark_victim, signal, console and exit_mmap, target for oom:*, sched:*,
 * signal and newtask, fields for every kind but K_OTHER; an unknown name
 * is passed on as a row of kind K_NONE (its ts still counts for the time
 * order check).
 */
static int copy_row(struct rthread *rt, struct ol_batch *bt, struct ol_evrow *e)
{
	const struct ol_reader *rd = rt->rd;
	sqlite3_stmt *s = rt->s;
	const struct rname *n;
	ptrdiff_t off;
	int name, comm;

	e->id = sqlite3_column_int64(s, C_ID);
	e->ts = sqlite3_column_int64(s, C_TS);
	name = sqlite3_column_int(s, C_NAME);
	if (name <= 0 || name >= rd->nnames || rd->names[name].kind == K_NONE) {
		e->kind = K_NONE;
		return 0;
	}
	n = &rd->names[name];
	e->kind = n->kind;
	e->cpu = sqlite3_column_int(s, C_CPU);
	e->pid = sqlite3_column_int(s, C_PID);
	e->tgid = e->target = -1;
	e->comm = e->fields = -1;
	/* the oom_reaper kthread is the first task seen with that comm: flag
	 * rows until one with a usable pid is flagged (the caller has its pid
	 * before it sees any later row of this reader) */
	comm = -1;
	if (!rt->reaper_seen && rd->reaper_comm >= 0 &&
	    !(comm = sqlite3_column_int(s, C_COMM)) && sqlite3_column_type(s, C_COMM) == SQLITE_NULL)
		comm = -1;
	e->reaper = !rt->reaper_seen && comm >= 0 && comm == rd->reaper_comm;
	if (e->reaper && e->pid >= 0)
		rt->reaper_seen = true;
	switch (e->kind) {
	case K_OTHER:
		return 0;
	case K_MARK_VICTIM:
	case K_SIGNAL:
	case K_CONSOLE:
	case K_EXIT_MMAP: {
		const char *t = str_of(rd, s, C_COMM);

		if ((off = put_str(bt, t ? t : "")) < 0)
			return -1;
		e->comm = off;
		break;
	}
	default:
		break;
	}
	switch (e->kind) {
	case K_MARK_VICTIM:
	case K_SIGNAL:
	case K_WAKE_REAPER:
	case K_START_REAPING:
	case K_FINISH_REAPING:
	case K_SKIP_REAPING:
	case K_PROCESS_EXIT:
	case K_PROCESS_FREE:
	case K_NEWTASK:
		e->target = col_or(s, C_TARGET, -1);
		break;
	default:
		break;
	}
	if (n->nf && sqlite3_column_type(s, C_FIELDS) == SQLITE_NULL) {
		int i;

		e->name = name;
		e->nulls = 0;
		for (i = 0; i < n->nf; i++)
			/* 0 is rare: only then ask whether it was NULL */
			if (!(e->v[i] = sqlite3_column_int64(s, C_A + i)) &&
			    sqlite3_column_type(s, C_A + i) == SQLITE_NULL)
				e->nulls |= (uint8_t)(1u << i);
		return 0;
	}
	if ((off = put_text(bt, s, C_FIELDS, "{}")) < 0)
		return -1;
	e->fields = off;
	return 0;
}

/*
 * The names and strings tables into @rd: 0, or -1 (*err set).  Read
 * after the readers' snapshot is taken (a row of a later name is K_NONE).
 */
static int load_dicts(struct ol_reader *rd, sqlite3 *db, char **err)
{
	sqlite3_stmt *s = NULL;
	int ret = -1;

	rd->reaper_comm = -1;
	if (sqlite3_prepare_v2(db, "SELECT (SELECT max(id) FROM names), (SELECT max(id) FROM strings)",
			       -1, &s, NULL) != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW)
		goto sqlerr;
	rd->nnames = sqlite3_column_int(s, 0) + 1;
	rd->nstrs = sqlite3_column_int(s, 1) + 1;
	sqlite3_finalize(s);
	s = NULL;
	rd->names = calloc((size_t)rd->nnames, sizeof(*rd->names));
	rd->strs = calloc((size_t)rd->nstrs, sizeof(*rd->strs));
	rd->scratch = malloc(TYPED_MAX);
	if (!rd->names || !rd->strs || !rd->scratch)
		goto nomem;
	if (sqlite3_prepare_v2(db, "SELECT id, name, f1, f2, f3, f4 FROM names", -1, &s,
			       NULL) != SQLITE_OK)
		goto sqlerr;
	while (sqlite3_step(s) == SQLITE_ROW) {
		int id = sqlite3_column_int(s, 0), i;
		const char *name = (const char *)sqlite3_column_text(s, 1);
		struct rname *n;

		if (id <= 0 || id >= rd->nnames || !name)
			continue;
		n = &rd->names[id];
		n->kind = (uint8_t)ol_kind_of(name, (size_t)sqlite3_column_bytes(s, 1));
		for (i = 0; i < NCOLS; i++) {
			const char *f = (const char *)sqlite3_column_text(s, 2 + i);

			if (!f || strlen(f) < 3 || strlen(f) > 80 || f[1] != ':')
				break;
			n->type[i] = f[0];
			if (!(n->pre[i] = ol_fmt("%c\"%s\":", i ? ',' : '{', f + 2)))
				goto nomem;
			n->prelen[i] = strlen(n->pre[i]);
		}
		n->nf = i;
	}
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(db, "SELECT id, text FROM strings", -1, &s, NULL) != SQLITE_OK)
		goto sqlerr;
	while (sqlite3_step(s) == SQLITE_ROW) {
		int id = sqlite3_column_int(s, 0);
		const char *t = (const char *)sqlite3_column_text(s, 1);

		if (id <= 0 || id >= rd->nstrs || !t)
			continue;
		if (!(rd->strs[id] = strdup(t)))
			goto nomem;
		if (!strcmp(t, "oom_reaper"))
			rd->reaper_comm = id;
	}
	ret = 0;
	goto out;
sqlerr:
	*err = ol_fmt("cannot read the event names: %s", sqlite3_errmsg(db));
	goto out;
nomem:
	*err = ol_fmt("out of memory");
out:
	sqlite3_finalize(s);
	return ret;
}

static void free_dicts(struct ol_reader *rd)
{
	int i, j;

	for (i = 0; i < rd->nnames; i++)
		for (j = 0; j < NCOLS; j++)
			free(rd->names[i].pre[j]);
	for (i = 0; i < rd->nstrs; i++)
		free(rd->strs[i]);
	free(rd->names);
	free(rd->strs);
	free(rd->scratch);
}

/*
 * Fills @bt with the next rows.  Returns 0 when more may follow, 1 at the
 * end (rt->status, rt->err say how it ended; the rows before an error
 * are handed on, as the one-thread loop processed them).  In chunked
 * mode a batch holds rows of one chunk, @bt->chunk_end says it is the
 * chunk's last.
 */
static int fill(struct rthread *rt, struct ol_batch *bt)
{
	int rc;

	bt->n = bt->tlen = 0;
	bt->chunk_end = false;
	if (!bt->rows && !(bt->rows = malloc(BATCH_ROWS * sizeof(*bt->rows))))
		goto nomem;
	if (rt->rd->chunked && !rt->in_chunk && !next_chunk(rt)) {
		rt->status = 0;
		return 1;
	}
	while (bt->n < BATCH_ROWS && bt->tlen < BATCH_TEXT) {
		if ((rc = sqlite3_step(rt->s)) != SQLITE_ROW) {
			if (rc == SQLITE_DONE && rt->rd->chunked) {
				rt->in_chunk = false;
				bt->chunk_end = true;
				return 0;
			}
			if (rc == SQLITE_DONE) {
				rt->status = 0;
			} else {
				rt->status = -1;
				rt->err = ol_fmt("reading the events failed: %s", sqlite3_errmsg(rt->db));
			}
			return 1;
		}
		if (copy_row(rt, bt, &bt->rows[bt->n]))
			goto nomem;
		bt->n++;
	}
	return 0;
nomem:
	rt->status = -1;
	rt->err = ol_fmt("out of memory");
	return 1;
}

static void *reader_main(void *arg)
{
	struct rthread *rt = arg;
	struct ol_reader *rd = rt->rd;
	int end = 0;

	pthread_setname_np(pthread_self(), "oomlens-reader");
	pthread_mutex_lock(&rd->mu);
	while (!rd->go)
		pthread_cond_wait(&rd->free_cv, &rd->mu);
	while (!end) {
		struct ol_batch *bt;

		while (rt->nfull == NBATCH && !rd->stop)
			pthread_cond_wait(&rd->free_cv, &rd->mu);
		if (rd->stop)
			break;
		bt = &rt->bt[rt->head];
		pthread_mutex_unlock(&rd->mu);

		end = fill(rt, bt);

		pthread_mutex_lock(&rd->mu);
		rt->ended = end;
		rt->head = (rt->head + 1) % NBATCH;
		rt->nfull++;
		pthread_cond_signal(&rd->full_cv);
	}
	rt->done = true;
	pthread_cond_signal(&rd->full_cv);
	pthread_mutex_unlock(&rd->mu);
	return NULL;
}

static sqlite3 *open_like(sqlite3 *db)
{
	const char *fn = sqlite3_db_filename(db, "main");
	sqlite3 *r = NULL;

	if (!fn || !*fn ||
	    sqlite3_open_v2(fn, &r, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		sqlite3_close(r);
		return NULL;
	}
	/* the file was checked by the first connection; harden this one too */
	if (ol_db_harden(r, false)) {
		sqlite3_close(r);
		return NULL;
	}
	return r;
}

/* BEGIN and the id range, which takes the read lock: false on failure. */
static bool begin_range(sqlite3 *db, int64_t *lo, int64_t *hi)
{
	sqlite3_stmt *s = NULL;
	bool ok = false;

	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return false;
	if (sqlite3_prepare_v2(db, "SELECT (SELECT min(id) FROM ev), (SELECT max(id) "
			       "FROM ev), (SELECT sum(events) FROM sources)", -1, &s, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(s) != SQLITE_ROW)
		goto out;
	if (sqlite3_column_type(s, 0) == SQLITE_NULL) {
		*lo = 1;
		*hi = 0;
		ok = true;
		goto out;
	}
	*lo = sqlite3_column_int64(s, 0);
	*hi = sqlite3_column_int64(s, 1);
	/* a range much sparser than the rows would be read as empty chunks */
	ok = (uint64_t)*hi - (uint64_t)*lo <=
	     2 * (uint64_t)sqlite3_column_int64(s, 2) + 16 * CHUNK_IDS;
out:
	sqlite3_finalize(s);
	return ok;
}

static bool is_wal(sqlite3 *db)
{
	sqlite3_stmt *s = NULL;
	bool wal = true;

	if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(s, 0);

		wal = m && !strcmp(m, "wal");
	}
	sqlite3_finalize(s);
	return wal;
}

/* Chunked mode on @db and a second connection, or false (nothing changed). */
static bool setup_chunked(struct ol_reader *rd, sqlite3 *db)
{
	int64_t lo, hi, lo2, hi2;
	sqlite3 *db2;
	int i;

	if (is_wal(db))
		return false;
	if (!begin_range(db, &lo, &hi)) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return false;
	}
	if (!(db2 = open_like(db)) || !begin_range(db2, &lo2, &hi2) || lo2 != lo || hi2 != hi) {
		sqlite3_close(db2);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return false;
	}
	rd->r[0].db = db;
	rd->r[1].db = db2;
	for (i = 0; i < NREADERS; i++) {
		if (sqlite3_prepare_v2(rd->r[i].db, SELECT_COLS "WHERE id >= ?1 AND id <= ?2 ORDER BY id",
				       -1, &rd->r[i].s, NULL) != SQLITE_OK) {
			sqlite3_finalize(rd->r[0].s);
			rd->r[0].s = NULL;
			sqlite3_close(db2);
			rd->r[1].db = NULL;
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return false;
		}
	}
	rd->r[1].chunk = 1;
	rd->lo = lo;
	rd->hi = hi;
	rd->nr = NREADERS;
	rd->chunked = true;
	return true;
}

static void start_threads(struct ol_reader *rd)
{
	sigset_t all, old;
	int i;

	if (pthread_mutex_init(&rd->mu, NULL))
		return;
	if (pthread_cond_init(&rd->full_cv, NULL)) {
		pthread_mutex_destroy(&rd->mu);
		return;
	}
	if (pthread_cond_init(&rd->free_cv, NULL)) {
		pthread_cond_destroy(&rd->full_cv);
		pthread_mutex_destroy(&rd->mu);
		return;
	}
	/* signals stay with the calling thread (record's SIGINT handling) */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 0; i < rd->nr; i++)
		rd->r[i].started = !pthread_create(&rd->r[i].th, NULL, reader_main, &rd->r[i]);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	rd->threaded = true;
	pthread_mutex_lock(&rd->mu);
	/* chunked readers need each other; a single one can do the rest */
	if (!rd->r[0].started || (rd->nr > 1 && !rd->r[1].started))
		rd->stop = true;
	rd->go = true;
	pthread_cond_broadcast(&rd->free_cv);
	pthread_mutex_unlock(&rd->mu);
}

struct ol_reader *ol_reader_start(sqlite3 *db, bool by_id, bool threaded, char **err)
{
	struct ol_reader *rd = calloc(1, sizeof(*rd));
	int i;

	if (!rd) {
		*err = ol_fmt("out of memory");
		return NULL;
	}
	for (i = 0; i < NREADERS; i++)
		rd->r[i].rd = rd;
	rd->nr = 1;
	if (!(threaded && by_id && setup_chunked(rd, db))) {
		rd->r[0].db = db;
		if (sqlite3_prepare_v2(db, by_id ? SELECT_COLS "ORDER BY id" :
				       SELECT_COLS "ORDER BY ts_ns, id", -1, &rd->r[0].s,
				       NULL) != SQLITE_OK) {
			*err = ol_fmt("cannot read the events: %s", sqlite3_errmsg(db));
			free(rd);
			return NULL;
		}
	}
	if (load_dicts(rd, db, err)) {
		char *e2 = NULL;

		ol_reader_end(rd, &e2);
		free(e2);
		return NULL;
	}
	if (threaded)
		start_threads(rd);
	if (threaded && (!rd->threaded || rd->stop)) {
		/* no threads (or not all of them): read in this thread */
		ol_reader_end(rd, err);
		return ol_reader_start(db, by_id, false, err);
	}
	return rd;
}

const struct ol_batch *ol_reader_next(struct ol_reader *rd)
{
	struct rthread *rt;

	if (!rd->threaded) {
		rt = &rd->r[0];
		if (rt->done)
			return NULL;
		rt->done = rt->ended = fill(rt, &rt->bt[0]);
		return &rt->bt[0];
	}
	pthread_mutex_lock(&rd->mu);
	if (rd->holding) {
		rt = &rd->r[rd->cur];
		rd->holding = false;
		if (rt->bt[rt->tail].chunk_end)
			rd->cur = (rd->cur + 1) % rd->nr;
		rt->tail = (rt->tail + 1) % NBATCH;
		rt->nfull--;
		pthread_cond_broadcast(&rd->free_cv);
	}
	rt = &rd->r[rd->cur];
	while (!rt->nfull && !rt->done)
		pthread_cond_wait(&rd->full_cv, &rd->mu);
	rd->holding = rt->nfull > 0;
	pthread_mutex_unlock(&rd->mu);
	return rd->holding ? &rt->bt[rt->tail] : NULL;
}

int ol_reader_end(struct ol_reader *rd, char **err)
{
	int i, j, ret = 0;

	if (!rd)
		return -1;
	if (rd->threaded) {
		pthread_mutex_lock(&rd->mu);
		rd->stop = true;
		pthread_cond_broadcast(&rd->free_cv);
		pthread_mutex_unlock(&rd->mu);
		for (i = 0; i < rd->nr; i++)
			if (rd->r[i].started)
				pthread_join(rd->r[i].th, NULL);
		pthread_cond_destroy(&rd->free_cv);
		pthread_cond_destroy(&rd->full_cv);
		pthread_mutex_destroy(&rd->mu);
	}
	for (i = 0; i < rd->nr; i++) {
		struct rthread *rt = &rd->r[i];

		if (rt->ended && rt->status < 0 && !ret) {
			ret = -1;
			*err = rt->err;
			rt->err = NULL;
		}
		free(rt->err);
		for (j = 0; j < NBATCH; j++) {
			free(rt->bt[j].rows);
			free(rt->bt[j].text);
		}
		sqlite3_finalize(rt->s);
		if (rd->chunked)
			sqlite3_exec(rt->db, "COMMIT", NULL, NULL, NULL);
		if (i > 0)
			sqlite3_close(rt->db);
	}
	free_dicts(rd);
	free(rd);
	return ret;
}
