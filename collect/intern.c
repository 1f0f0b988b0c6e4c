// SPDX-License-Identifier: GPL-2.0
/*
 * Strings interned by the store (comms, string fields, event names): text
 * -> database id in an open-addressing hash table, so that a row costs a
 * hash lookup instead of a query.  The texts are copies owned here; their
 * addresses stay put while the table grows.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect-local.h"

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct ol_intern_slot *find(const struct ol_intern *t, const char *s, uint32_t h)
{
	size_t mask = t->cap - 1, i = h & mask;

	for (;; i = (i + 1) & mask) {
		struct ol_intern_slot *e = &t->slot[i];

		if (!e->text || (e->h == h && !strcmp(e->text, s)))
			return e;
	}
}

const struct ol_intern_slot *ol_intern_get(const struct ol_intern *t, const char *s)
{
	const struct ol_intern_slot *e;

	if (!t->cap)
		return NULL;
	e = find(t, s, hash(s));
	return e->text ? e : NULL;
}

const struct ol_intern_slot *ol_intern_put(struct ol_intern *t, const char *s, int id)
{
	struct ol_intern_slot *e;
	uint32_t h = hash(s);

	if ((t->n + 1) * 2 > t->cap) {
		struct ol_intern old = *t;
		size_t i;

		t->cap = old.cap ? old.cap * 2 : 256;
		t->slot = calloc(t->cap, sizeof(*t->slot));
		if (!t->slot) {
			*t = old;
			return NULL;
		}
		for (i = 0; i < old.cap; i++)
			if (old.slot[i].text)
				*find(t, old.slot[i].text, old.slot[i].h) = old.slot[i];
		free(old.slot);
	}
	e = find(t, s, h);
	if (!e->text) {
		if (!(e->text = strdup(s)))
			return NULL;
		e->h = h;
		t->n++;
	}
	e->id = id;
	return e;
}

void ol_intern_clear(struct ol_intern *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->slot[i].text);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}
