/*
 * lib/replay.c — an open-addressing hash set of MAC prefixes with expiry
 * times. Lookups probe until an empty slot, so expired entries are reused
 * only after checking that the MAC is not live further along the chain;
 * when the used slots (live or expired) pass 3/4 the table is rebuilt
 * without the expired ones.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "replay.h"

struct slot {
	uint64_t	 a, b;		/* first 16 bytes of the MAC */
	int64_t		 expires_ms;	/* 0 = never used */
};

struct replay {
	struct slot	*v;
	struct slot	*tmp;		/* rebuild space, same size */
	size_t		 mask;
	size_t		 used;		/* slots ever filled since rebuild */
	size_t		 capacity;	/* live entries allowed */
};

struct replay *
replay_new(size_t capacity)
{
	struct replay	*r;
	size_t		 n = 16;

	while (n < capacity * 2)
		n *= 2;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->v = calloc(n, sizeof(*r->v));
	r->tmp = calloc(n, sizeof(*r->tmp));
	if (r->v == NULL || r->tmp == NULL) {
		replay_free(r);
		return NULL;
	}
	r->mask = n - 1;
	r->capacity = capacity;
	return r;
}

void
replay_free(struct replay *r)
{
	if (r == NULL)
		return;
	free(r->v);
	free(r->tmp);
	free(r);
}

static size_t
slot_of(const struct replay *r, uint64_t a)
{
	/* The MAC is uniformly random: its bits are the hash. */
	return (size_t)a & r->mask;
}

static size_t
rebuild(struct replay *r, int64_t now_ms)
{
	struct slot	*old = r->v;
	size_t		 i, j, live = 0;

	memset(r->tmp, 0, (r->mask + 1) * sizeof(*r->tmp));
	for (i = 0; i <= r->mask; i++) {
		if (old[i].expires_ms <= now_ms)
			continue;
		for (j = slot_of(r, old[i].a); r->tmp[j].expires_ms != 0;
		    j = (j + 1) & r->mask)
			;
		r->tmp[j] = old[i];
		live++;
	}
	r->v = r->tmp;
	r->tmp = old;
	r->used = live;
	return live;
}

enum replay_result
replay_check(struct replay *r, const unsigned char *mac, int64_t now_ms,
    int64_t expires_ms)
{
	uint64_t	 a, b;
	size_t		 i, reuse = (size_t)-1;

	memcpy(&a, mac, 8);
	memcpy(&b, mac + 8, 8);
	for (i = slot_of(r, a); r->v[i].expires_ms != 0;
	    i = (i + 1) & r->mask) {
		if (r->v[i].a == a && r->v[i].b == b) {
			if (r->v[i].expires_ms > now_ms)
				return REPLAY_SEEN;
			reuse = i;
			break;
		}
		if (r->v[i].expires_ms <= now_ms && reuse == (size_t)-1)
			reuse = i;
	}
	if (reuse == (size_t)-1) {
		if (r->used + 1 > (r->mask + 1) * 3 / 4) {
			if (rebuild(r, now_ms) >= r->capacity)
				return REPLAY_FULL;
			return replay_check(r, mac, now_ms, expires_ms);
		}
		r->used++;
		reuse = i;
	}
	r->v[reuse].a = a;
	r->v[reuse].b = b;
	r->v[reuse].expires_ms = expires_ms;
	return REPLAY_NEW;
}
