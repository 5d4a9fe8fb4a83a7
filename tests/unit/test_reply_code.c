/*
 * tests/unit/test_reply_code.c — lib/reply_code.c: the smallest code not
 * used by a person's open pages.
 */
#include "autoconf.h"

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "reply_code.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define END		INT_MIN

static const struct row {
	const char	*what;
	int		 used[8];	/* up to END */
	int		 want;
} rows[] = {
	{ "no open pages",		{ END }, 1 },
	{ "one open page",		{ 1, END }, 2 },
	{ "a gap at the start",		{ 2, 3, END }, 1 },
	{ "a gap in the middle",	{ 1, 2, 4, 5, END }, 3 },
	{ "unsorted",			{ 3, 1, 2, END }, 4 },
	{ "unsorted with a gap",	{ 5, 1, 4, 2, END }, 3 },
	{ "duplicates",			{ 1, 1, 2, 2, END }, 3 },
	{ "zero and negatives ignored",	{ 0, -1, -7, END }, 1 },
	{ "extremes ignored",		{ INT_MIN + 1, INT_MAX, 1, END }, 2 },
	{ "one digit while under ten",	{ 1, 2, 3, 4, 5, 6, 7, END }, 8 },
	{ "freed code is reused",	{ 1, 3, 4, 5, 6, 7, 8, END }, 2 },
	{ "large codes do not matter",	{ 1000, 999999, END }, 1 },
};

static void
test_picks_smallest_free_code(void **state)
{
	size_t	 i, n;

	for (i = 0; i < NELEM(rows); i++) {
		for (n = 0; rows[i].used[n] != END; n++)
			;
		if (reply_code_pick(rows[i].used, n) != rows[i].want)
			fail_msg("%s: got %d, want %d", rows[i].what,
			    reply_code_pick(rows[i].used, n), rows[i].want);
	}
}

static void
test_null_with_none_used_is_one(void **state)
{
	assert_int_equal(reply_code_pick(NULL, 0), 1);
}

static void
test_backlog_beyond_one_window(void **state)
{
	int	*used;
	size_t	 i, n = 1000;

	/* 1..1000 in reverse, then free 700: 700 comes back. */
	assert_non_null(used = calloc(n, sizeof(*used)));
	for (i = 0; i < n; i++)
		used[i] = (int)(n - i);
	assert_int_equal(reply_code_pick(used, n), 1001);
	used[n - 700] = 0;
	assert_int_equal(reply_code_pick(used, n), 700);
	/* Exactly one full window (1..256) in use: 257. */
	for (i = 0; i < 256; i++)
		used[i] = (int)i + 1;
	assert_int_equal(reply_code_pick(used, 256), 257);
	free(used);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_picks_smallest_free_code),
		cmocka_unit_test(test_null_with_none_used_is_one),
		cmocka_unit_test(test_backlog_beyond_one_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
