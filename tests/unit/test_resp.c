/*
 * tests/unit/test_resp.c — lib/resp.c against hiredis's own formatter:
 * the store hands resp_format()'s bytes to redisAsyncFormattedCommand(),
 * so they must be exactly what redisFormatCommandArgv() would send.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <hiredis/hiredis.h>

#include "resp.h"

static void
same_as_hiredis(int argc, const char **argv, const size_t *len)
{
	char	*mine, *theirs = NULL;
	size_t	 n;
	int	 tn;

	mine = resp_format(argc, argv, len, &n);
	assert_non_null(mine);
	tn = redisFormatCommandArgv(&theirs, argc, argv, len);
	assert_true(tn > 0);
	assert_int_equal(n, (size_t)tn);
	assert_int_equal(resp_size(argc, len), n);
	assert_memory_equal(mine, theirs, n);
	free(mine);
	redisFreeCommand(theirs);
}

static void
test_fixed(void **state)
{
	const char	*a[] = { "EVALSHA", "0123456789abcdef", "0", "", "x" };
	size_t		 l[] = { 7, 16, 1, 0, 1 };
	size_t		 dummy;

	(void)state;
	same_as_hiredis(5, a, l);
	same_as_hiredis(1, a, l);
	assert_null(resp_format(0, a, l, &dummy));
}

/* Binary bytes (CR, LF, NUL) and lengths across 1..6 digits. */
static void
test_random(void **state)
{
	static char	 data[200000];
	const char	*a[64];
	size_t		 l[64], i, round;
	uint32_t	 x = 12345;

	(void)state;
	for (i = 0; i < sizeof(data); i++) {
		x = x * 1103515245 + 12345;
		data[i] = (char)(x >> 16);
	}
	for (round = 0; round < 200; round++) {
		int	 argc = 1 + (int)(round % 64), k;

		for (k = 0; k < argc; k++) {
			x = x * 1103515245 + 12345;
			l[k] = (x >> 8) % (k % 7 == 6 ? sizeof(data) :
			    k % 3 == 0 ? 10 : 1200);
			a[k] = data + (sizeof(data) - l[k]) / 2;
		}
		same_as_hiredis(argc, a, l);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
