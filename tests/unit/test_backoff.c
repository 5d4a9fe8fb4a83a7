/*
 * tests/unit/test_backoff.c — lib/backoff.c: full-jitter exponential
 * retry delays.
 */
#include "autoconf.h"

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "backoff.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct row {
	int64_t		 base, cap;
	int		 attempt;
	int64_t		 want;
} rows[] = {
	{ 1000, 60000, 1, 1000 },
	{ 1000, 60000, 2, 2000 },
	{ 1000, 60000, 3, 4000 },
	{ 1000, 60000, 4, 8000 },
	{ 1000, 60000, 5, 16000 },
	{ 1000, 60000, 6, 32000 },
	{ 1000, 60000, 7, 60000 },	/* 64000 capped */
	{ 1000, 60000, 8, 60000 },
	{ 1000, 60000, 100, 60000 },
	{ 1000, 60000, INT_MAX, 60000 },
	{ 1000, 60000, 0, 1000 },	/* attempt < 1 counts as 1 */
	{ 1000, 60000, -5, 1000 },
	{ 0, 60000, 5, 0 },		/* no base: no wait */
	{ -1, 60000, 5, 0 },
	{ 1000, 0, 5, 0 },
	{ 1000, 500, 1, 500 },		/* cap below base */
	{ 1000, 1000, 9, 1000 },
	{ 1, INT64_MAX, 63, INT64_C(1) << 62 },
	{ 1, INT64_MAX, 64, INT64_MAX },	/* 2^63 would overflow */
	{ INT64_MAX, INT64_MAX, INT_MAX, INT64_MAX },
	{ INT64_MAX / 2 + 1, INT64_MAX, 2, INT64_MAX },
};

static void
test_ceiling_doubles_up_to_the_cap(void **state)
{
	size_t	 i;

	for (i = 0; i < NELEM(rows); i++)
		if (backoff_ceiling_ms(rows[i].base, rows[i].cap,
		    rows[i].attempt) != rows[i].want)
			fail_msg("row %zu: got %lld, want %lld", i,
			    (long long)backoff_ceiling_ms(rows[i].base,
			    rows[i].cap, rows[i].attempt),
			    (long long)rows[i].want);
}

static void
test_delay_spans_zero_to_the_ceiling(void **state)
{
	uint64_t	 r;

	/* Random values 0 .. 4000 give every delay 0 .. 4000 once. */
	for (r = 0; r <= 4000; r++)
		assert_int_equal(backoff_delay_ms(1000, 60000, 3, r),
		    (int64_t)r);
	assert_int_equal(backoff_delay_ms(1000, 60000, 3, 4001), 0);
	assert_true(backoff_delay_ms(1000, 60000, 3, UINT64_MAX) <= 4000);
	assert_int_equal(backoff_delay_ms(0, 60000, 3, UINT64_MAX), 0);
	/* The widest span there is. */
	assert_int_equal(backoff_delay_ms(1, INT64_MAX, 64, UINT64_MAX),
	    INT64_MAX);
}

static void
test_delays_are_spread_not_bunched(void **state)
{
	uint64_t	 x = 88172645463325252ULL;
	int64_t		 ceil = backoff_ceiling_ms(1000, 60000, 5);
	int64_t		 d, lo = ceil, hi = 0;
	double		 sum = 0;
	int		 i, n = 100000, buckets[10] = { 0 };

	for (i = 0; i < n; i++) {
		/* xorshift64: a stand-in for the daemon's generator. */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		d = backoff_delay_ms(1000, 60000, 5, x);
		assert_true(d >= 0 && d <= ceil);
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
		sum += (double)d;
		buckets[d * 10 / (ceil + 1)]++;
	}
	/* Uniform over [0, 16000]: mean 8000, each tenth about 10%. */
	assert_true(sum / n > 7800 && sum / n < 8200);
	assert_true(lo < 100 && hi > 15900);
	for (i = 0; i < 10; i++)
		assert_true(buckets[i] > n / 10 * 9 / 10 &&
		    buckets[i] < n / 10 * 11 / 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ceiling_doubles_up_to_the_cap),
		cmocka_unit_test(test_delay_spans_zero_to_the_ceiling),
		cmocka_unit_test(test_delays_are_spread_not_bunched),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
