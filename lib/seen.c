/*
 * lib/seen.c — fingerprint -> digest, direct-mapped (see seen.h).
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "seen.h"

/*
 * A slot holds a 64-bit hash of the fingerprint as its tag (0: empty)
 * and the digest. Two fingerprints with the same 64-bit hash would share
 * what is remembered; the script's own digest check keeps that harmless.
 */
struct slot {
	uint64_t	 tag;
	uint64_t	 dg;
};

struct seen {
	size_t		 mask;
	struct slot	 slot[];
};

static uint64_t
tag_of(const char *fp, size_t len)
{
	uint64_t	 h = XXH3_64bits(fp, len);

	return h != 0 ? h : 1;
}

struct seen *
seen_new(size_t slots)
{
	struct seen	*t;
	size_t		 n = 1;

	while (n < slots && n < ((size_t)1 << 30))
		n <<= 1;
	if ((t = calloc(1, sizeof(*t) + n * sizeof(t->slot[0]))) == NULL)
		return NULL;
	t->mask = n - 1;
	return t;
}

void
seen_free(struct seen *t)
{
	free(t);
}

int
seen_match(const struct seen *t, const char *fp, size_t len, uint64_t dg)
{
	uint64_t		 tag = tag_of(fp, len);
	const struct slot	*s = &t->slot[tag & t->mask];

	return s->tag == tag && s->dg == dg;
}

void
seen_put(struct seen *t, const char *fp, size_t len, uint64_t dg)
{
	uint64_t	 tag = tag_of(fp, len);
	struct slot	*s = &t->slot[tag & t->mask];

	s->tag = tag;
	s->dg = dg;
}

void
seen_forget(struct seen *t, const char *fp, size_t len)
{
	uint64_t	 tag = tag_of(fp, len);
	struct slot	*s = &t->slot[tag & t->mask];

	if (s->tag == tag)
		s->tag = 0;
}

void
seen_clear(struct seen *t)
{
	memset(t->slot, 0, (t->mask + 1) * sizeof(t->slot[0]));
}
