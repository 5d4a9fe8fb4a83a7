/*
 * tests/unit/test_decimal.c — decimal_i64() against snprintf("%lld"):
 * the edges, and a spread of values of every length and sign.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "decimal.h"

static void
same_as_printf(int64_t v)
{
	char	 want[32], got[DECIMAL_LEN];
	size_t	 n;

	snprintf(want, sizeof(want), "%lld", (long long)v);
	n = decimal_i64(got, v);
	assert_string_equal(got, want);
	assert_int_equal(n, strlen(want));
}

static void
test_edges(void **state)
{
	char	 out[DECIMAL_LEN];

	(void)state;
	same_as_printf(0);
	same_as_printf(1);
	same_as_printf(-1);
	same_as_printf(9);
	same_as_printf(10);
	same_as_printf(-10);
	same_as_printf(INT64_MAX);
	same_as_printf(INT64_MIN);
	assert_int_equal(decimal_i64(out, INT64_MIN), DECIMAL_LEN - 1);
	assert_string_equal(out, "-9223372036854775808");
}

/* Every power of ten and its neighbours, both signs; and an LCG's walk. */
static void
test_spread(void **state)
{
	int64_t		 p = 1;
	uint64_t	 x = 88172645463325252ULL;
	int		 i;

	(void)state;
	for (i = 0; i < 18; i++, p *= 10) {
		same_as_printf(p - 1);
		same_as_printf(p);
		same_as_printf(p + 1);
		same_as_printf(-p);
		same_as_printf(-p + 1);
	}
	for (i = 0; i < 10000; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		same_as_printf((int64_t)x);
		same_as_printf((int64_t)(x >> (x % 64)));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_spread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
