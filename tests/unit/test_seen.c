/*
 * tests/unit/test_seen.c — the store's memory of repeated alerts'
 * digests: a match needs the same fingerprint and digest; a newer
 * fingerprint takes a shared slot over; forget and clear.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "seen.h"

/* The store passes lengths; these tests use C strings. */
static int
match(const struct seen *t, const char *fp, uint64_t dg)
{
	return seen_match(t, fp, strlen(fp), dg);
}

static void
put(struct seen *t, const char *fp, uint64_t dg)
{
	seen_put(t, fp, strlen(fp), dg);
}

static void
forget(struct seen *t, const char *fp)
{
	seen_forget(t, fp, strlen(fp));
}

static void
test_put_match(void **state)
{
	struct seen	*t = seen_new(1024);

	(void)state;
	assert_non_null(t);
	assert_false(match(t, "a1b2c3d4e5f60718", 42));
	put(t, "a1b2c3d4e5f60718", 42);
	assert_true(match(t, "a1b2c3d4e5f60718", 42));
	/* Another digest: the content changed. */
	assert_false(match(t, "a1b2c3d4e5f60718", 43));
	/* Another fingerprint, whatever its slot. */
	assert_false(match(t, "a1b2c3d4e5f60719", 42));
	put(t, "a1b2c3d4e5f60718", 43);
	assert_true(match(t, "a1b2c3d4e5f60718", 43));
	assert_false(match(t, "a1b2c3d4e5f60718", 42));
	seen_free(t);
}

static void
test_shared_slot(void **state)
{
	struct seen	*t = seen_new(1);	/* every fingerprint shares it */

	(void)state;
	assert_non_null(t);
	put(t, "one", 1);
	put(t, "two", 2);
	assert_false(match(t, "one", 1));
	assert_true(match(t, "two", 2));
	/* Forgetting one that lost its slot leaves the slot's owner. */
	forget(t, "one");
	assert_true(match(t, "two", 2));
	forget(t, "two");
	assert_false(match(t, "two", 2));
	seen_free(t);
}

static void
test_many(void **state)
{
	struct seen	*t = seen_new(3000);	/* 4096 slots */
	char		 fp[17];
	int		 i, kept = 0;

	(void)state;
	assert_non_null(t);
	for (i = 0; i < 2000; i++) {
		snprintf(fp, sizeof(fp), "%016x", i);
		put(t, fp, (uint64_t)i * 7);
	}
	for (i = 0; i < 2000; i++) {
		snprintf(fp, sizeof(fp), "%016x", i);
		kept += match(t, fp, (uint64_t)i * 7);
		assert_false(match(t, fp, (uint64_t)i * 7 + 1));
	}
	/* Direct-mapped: most stay (half full), the last of a slot wins. */
	assert_true(kept > 1500);
	assert_true(kept < 2000);
	seen_clear(t);
	for (i = 0; i < 2000; i++) {
		snprintf(fp, sizeof(fp), "%016x", i);
		assert_false(match(t, fp, (uint64_t)i * 7));
	}
	seen_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_match),
		cmocka_unit_test(test_shared_slot),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
