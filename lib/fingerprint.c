/*
 * lib/fingerprint.c — alert identity, byte for byte the same hash as
 * Prometheus' model.LabelSet.Fingerprint() so that an alert forwarded by
 * Alertmanager keeps the fingerprint Alertmanager shows for it.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include <xxhash.h>

#include "decimal.h"
#include "fingerprint.h"

/* FNV-1a 64 (prometheus/common model/fnv.go). */
#define FNV_OFFSET64	14695981039346656037ULL
#define FNV_PRIME64	1099511628211ULL

/*
 * Prometheus' model.SeparatorByte: it cannot occur in valid UTF-8, so
 * {a="bc"} and {ab="c"} never hash the same bytes.
 */
#define FP_SEPARATOR	0xff

static uint64_t
fnv_add(uint64_t h, const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		h ^= *p;
		h *= FNV_PRIME64;
	}
	return h;
}

static uint64_t
fnv_add_byte(uint64_t h, unsigned char b)
{
	h ^= b;
	h *= FNV_PRIME64;
	return h;
}

uint64_t
fp_labels(const struct label *labels, size_t n)
{
	uint64_t	 h = FNV_OFFSET64;
	size_t		 i;

	for (i = 0; i < n; i++) {
		h = fnv_add(h, labels[i].name);
		h = fnv_add_byte(h, FP_SEPARATOR);
		h = fnv_add(h, labels[i].value);
		h = fnv_add_byte(h, FP_SEPARATOR);
	}
	return h;
}

/*
 * XXH3 (64 bits) of each string in turn, each seeded with the hash of
 * those before it (so {"ab", "c"} and {"a", "bc"} differ, and "" differs
 * from nothing), formatted as a signed decimal: Redis keeps such a value
 * in a hash as an 8-byte integer, not as text. Not FNV, as the
 * fingerprint is: the digest covers an alert's details, hundreds of
 * bytes hashed for every alert received, and FNV's byte-at-a-time
 * multiply was ~10 % of pagerd's time on the dedup path
 * (docs/BENCHMARKS.md). Nothing outside pagerd sees it; a digest stored
 * by an older pagerd only makes that alert's next repeat write its
 * content once.
 */
uint64_t
fp_digest(const char *const *v, size_t n, char out[FP_DIGEST_LEN])
{
	XXH64_hash_t	 h = 0;
	const char	*s;
	size_t		 i;

	for (i = 0; i < n; i++) {
		s = v[i] != NULL ? v[i] : "";
		h = XXH3_64bits_withSeed(s, strlen(s), h);
	}
	(void)decimal_i64(out, (int64_t)h);
	return h;
}

void
fp_format(uint64_t fp, char out[17])
{
	snprintf(out, 17, "%016llx", (unsigned long long)fp);
}
