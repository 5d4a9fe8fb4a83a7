/*
 * lib/decimal.h — a 64-bit integer as decimal text, for the numbers the
 * store sends with every alert (times, durations, the digest). snprintf
 * parses its format and sets up a stream for each one: ~9 % of pagerd's
 * time on the dedup path went to it (docs/BENCHMARKS.md). Inline, so
 * the benchmark programs that build lib/fingerprint.c get it too.
 */
#ifndef PAGERD_DECIMAL_H
#define PAGERD_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

/* Room for INT64_MIN's 20 characters and the NUL. */
#define DECIMAL_LEN	21

/* v into out (DECIMAL_LEN bytes or more), NUL-terminated; its length. */
static inline size_t
decimal_i64(char *out, int64_t v)
{
	char		 tmp[20];
	uint64_t	 u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t		 n = 0, i = 0;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		out[i++] = '-';
	while (n > 0)
		out[i++] = tmp[--n];
	out[i] = '\0';
	return i;
}

#endif /* PAGERD_DECIMAL_H */
