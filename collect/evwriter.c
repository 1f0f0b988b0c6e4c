// SPDX-License-Identifier: GPL-2.0
/*
 * The event rows' way into the ev table: blocks of pending rows, written
 * 64 rows per INSERT (one statement execution instead of 64), by a
 * writer thread of their own while the caller decodes the next block.
 * On a lock-heavy trace SQLite's work and the decoding are about even, so
 * the two overlap instead of adding up.
 *
 * Threads and SQLite: the connection is the store's (opened without
 * mutexes); only one thread uses it at a time.  The writer owns it while
 * a block is being written; every other use by the store waits for that
 * first (ol_evw_sync()).  Without a thread (pthread_create failing) the
 * blocks are written by the caller.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "collect/collect-local.h"

#define PER_STMT	64
#define EV_COLS		13
#define BLOCK		4096	/* rows: 2 blocks of ~350 KB whatever the trace's size */

struct block {
	struct ol_pendrow	rows[BLOCK];
	int		n;
	struct ol_buf	text;	/* JSON fields of the rows that keep them */
};

struct ol_evwriter {
	sqlite3		*db;
	sqlite3_stmt	*one, *many;	/* 1 and PER_STMT rows */
	struct block	blk[2];
	int		cur;		/* the caller fills blk[cur] */
	pthread_t	th;
	bool		started, threaded;
	pthread_mutex_t	mu;
	pthread_cond_t	cv;
	int		pending;	/* block being written, -1 none */
	bool		quit;
	char		*err;		/* the writer's first failure */
};

static void bind_row(sqlite3_stmt *s, int base, const struct block *b,
		     const struct ol_pendrow *r)
{
	int i;

	sqlite3_bind_int64(s, base + 1, r->id);
	sqlite3_bind_int(s, base + 2, r->source);
	sqlite3_bind_int64(s, base + 3, r->ts);
	sqlite3_bind_int(s, base + 4, r->cpu);
	sqlite3_bind_int(s, base + 5, r->pid);
	if (r->comm)
		sqlite3_bind_int(s, base + 6, r->comm);
	else
		sqlite3_bind_null(s, base + 6);
	sqlite3_bind_int(s, base + 7, r->name);
	if (r->target >= 0)
		sqlite3_bind_int(s, base + 8, r->target);
	else
		sqlite3_bind_null(s, base + 8);
	for (i = 0; i < OL_EVENT_COLS; i++)
		if (r->nulls & (1u << i))
			sqlite3_bind_null(s, base + 9 + i);
		else
			sqlite3_bind_int64(s, base + 9 + i, r->v[i]);
	if (r->fields >= 0)
		sqlite3_bind_text(s, base + 13, b->text.s + r->fields, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, base + 13);
}

static int run(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Writes block @b and empties it: NULL, or an error message. */
static char *write_block(struct ol_evwriter *w, struct block *b)
{
	int i = 0, j;
	char *err = NULL;

	for (; i + PER_STMT <= b->n; i += PER_STMT) {
		for (j = 0; j < PER_STMT; j++)
			bind_row(w->many, j * EV_COLS, b, &b->rows[i + j]);
		if (run(w->many))
			goto fail;
	}
	for (; i < b->n; i++) {
		bind_row(w->one, 0, b, &b->rows[i]);
		if (run(w->one))
			goto fail;
	}
	goto out;
fail:
	err = ol_strdupf("%s", sqlite3_errmsg(w->db));
	if (!err)
		err = strdup("out of memory");
out:
	b->n = 0;
	ol_buf_reset(&b->text);
	return err;
}

static void *writer_main(void *arg)
{
	struct ol_evwriter *w = arg;

	pthread_setname_np(pthread_self(), "oomlens-writer");
	pthread_mutex_lock(&w->mu);
	for (;;) {
		char *err;
		int p;

		while (w->pending < 0 && !w->quit)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->pending < 0)
			break;
		p = w->pending;
		pthread_mutex_unlock(&w->mu);
		err = write_block(w, &w->blk[p]);
		pthread_mutex_lock(&w->mu);
		if (err && !w->err)
			w->err = err;
		else
			free(err);
		w->pending = -1;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

struct ol_evwriter *ol_evw_new(void *db, char **err)
{
	struct ol_evwriter *w = calloc(1, sizeof(*w));
	struct ol_buf sql = { 0 };
	int i;

	if (!w) {
		*err = strdup("out of memory");
		return NULL;
	}
	w->db = db;
	w->pending = -1;
	static const char head[] = "INSERT INTO ev(id, source_id, ts_ns, cpu, pid, comm, name,"
				   " target, a, b, c, d, fields) VALUES ";
	static const char one[] = "(?,?,?,?,?,?,?,?,?,?,?,?,?)";	/* EV_COLS */

	ol_buf_puts(&sql, head);
	for (i = 0; i < PER_STMT; i++) {
		if (i)
			ol_buf_puts(&sql, ",");
		ol_buf_puts(&sql, one);
	}
	if (sql.oom) {
		*err = strdup("out of memory");
		goto fail;
	}
	if (sqlite3_prepare_v3(w->db, sql.s, -1, SQLITE_PREPARE_PERSISTENT, &w->many,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(w->db, sql.s, (int)(strlen(head) + strlen(one)),
			       SQLITE_PREPARE_PERSISTENT, &w->one, NULL) != SQLITE_OK) {
		*err = ol_strdupf("%s", sqlite3_errmsg(w->db));
		goto fail;
	}
	ol_buf_free(&sql);
	return w;
fail:
	ol_buf_free(&sql);
	ol_evw_free(w);
	return NULL;
}

/* Starts the thread on first need; false: write in the caller. */
static bool start(struct ol_evwriter *w)
{
	sigset_t all, old;

	if (w->started)
		return w->threaded;
	w->started = true;
	if (pthread_mutex_init(&w->mu, NULL))
		return false;
	if (pthread_cond_init(&w->cv, NULL)) {
		pthread_mutex_destroy(&w->mu);
		return false;
	}
	/* signals stay with the calling thread (record's SIGINT handling) */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	w->threaded = !pthread_create(&w->th, NULL, writer_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!w->threaded) {
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
	}
	return w->threaded;
}

int ol_evw_sync(struct ol_evwriter *w, char **err)
{
	char *e = NULL;

	if (!w->threaded)
		return 0;
	pthread_mutex_lock(&w->mu);
	while (w->pending >= 0)
		pthread_cond_wait(&w->cv, &w->mu);
	e = w->err;
	w->err = NULL;
	pthread_mutex_unlock(&w->mu);
	if (!e)
		return 0;
	*err = e;
	return -1;
}

struct ol_pendrow *ol_evw_row(struct ol_evwriter *w, char **err)
{
	struct block *b = &w->blk[w->cur];

	if (b->n == BLOCK) {
		if (!start(w)) {
			if ((*err = write_block(w, b)))
				return NULL;
		} else {
			if (ol_evw_sync(w, err))
				return NULL;
			pthread_mutex_lock(&w->mu);
			w->pending = w->cur;
			pthread_cond_broadcast(&w->cv);
			pthread_mutex_unlock(&w->mu);
			w->cur ^= 1;
			b = &w->blk[w->cur];
		}
	}
	b->rows[b->n].fields = -1;
	return &b->rows[b->n++];
}

int ol_evw_text(struct ol_evwriter *w, struct ol_pendrow *r, const char *text)
{
	struct block *b = &w->blk[w->cur];

	r->fields = (ptrdiff_t)b->text.len;
	ol_buf_add(&b->text, text, strlen(text) + 1);
	return b->text.oom ? -1 : 0;
}

int ol_evw_flush(struct ol_evwriter *w, char **err)
{
	if (ol_evw_sync(w, err))
		return -1;
	*err = write_block(w, &w->blk[w->cur]);
	return *err ? -1 : 0;
}

void ol_evw_discard(struct ol_evwriter *w)
{
	char *e = NULL;
	int i;

	ol_evw_sync(w, &e);
	free(e);
	for (i = 0; i < 2; i++) {
		w->blk[i].n = 0;
		ol_buf_reset(&w->blk[i].text);
	}
}

void ol_evw_free(struct ol_evwriter *w)
{
	int i;

	if (!w)
		return;
	if (w->threaded) {
		pthread_mutex_lock(&w->mu);
		while (w->pending >= 0)
			pthread_cond_wait(&w->cv, &w->mu);
		w->quit = true;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->th, NULL);
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
	}
	free(w->err);
	sqlite3_finalize(w->many);
	sqlite3_finalize(w->one);
	for (i = 0; i < 2; i++)
		ol_buf_free(&w->blk[i].text);
	free(w);
}
