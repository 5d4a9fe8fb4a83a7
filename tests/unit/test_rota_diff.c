/*
 * tests/unit/test_rota_diff.c — what an edit does to the schedule: two
 * daily rotations that differ by member order swap two shifts; equal
 * configs differ in nothing; a dropped level hands its time to nobody.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rota.h"
#include "rota_diff.h"
#include "tz.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define DAY		(86400 * 1000LL)

static struct rota_person_spec people[] = {
	{ "a", "A", "+31600000001", NULL, NULL, NULL, 0 },
	{ "b", "B", "+31600000002", NULL, NULL, NULL, 0 },
	{ "c", "C", "+31600000003", NULL, NULL, NULL, 0 },
};

static char *abc[] = { "a", "b", "c" };
static char *bac[] = { "b", "a", "c" };

static struct rota_set *
build_in(const char *zone, char **members, int levels)
{
	static struct rota_layer_spec	 layer;
	static struct rota_level_spec	 lv[2];
	static struct rota_spec		 rota;
	struct rota_set_spec		 spec;
	struct perr_list		 errs = { 0 };
	struct rota_set			*set;

	layer = (struct rota_layer_spec){ "daily", members, 3, "1d",
	    "09:00", "2026-01-05", NULL, 0 };
	lv[0] = (struct rota_level_spec){ "primary", &layer, 1 };
	lv[1] = (struct rota_level_spec){ "secondary", &layer, 1 };
	rota = (struct rota_spec){ "db", (char *)zone, NULL, NULL, lv, levels,
	    NULL, 0, NULL };
	spec = (struct rota_set_spec){ people, NELEM(people), NULL, 0,
	    &rota, 1 };
	if ((set = rota_set_build(&spec, NULL, &errs)) == NULL)
		fail_msg("%s: %s", errs.n ? errs.v[0].key : "",
		    errs.n ? errs.v[0].msg : "out of memory");
	return set;
}

static struct rota_set *
build(char **members, int levels)
{
	return build_in("UTC", members, levels);
}

static void
expect(const struct rota_change *c, int level, const char *person,
    int gained, int64_t start, int64_t end)
{
	assert_int_equal(c->level, level);
	if (person == NULL)
		assert_null(c->person);
	else
		assert_string_equal(c->person, person);
	assert_int_equal(c->gained, gained);
	assert_int_equal(c->start_ms, start);
	assert_int_equal(c->end_ms, end);
}

static void
test_member_order_swaps_two_shifts(void **state)
{
	struct rota_set		*o = build(abc, 1), *n = build(bac, 1);
	struct rota_diff	 d;
	int64_t			 t0;

	(void)state;
	/* 2026-01-05 09:00 UTC: a's first shift in the old order. */
	t0 = tz_mktime(rota_tz(rota_set_find(o, "db")), 2026, 1, 5, 9, 0, 0,
	    NULL);
	assert_int_equal(rota_diff(rota_set_find(o, "db"),
	    rota_set_find(n, "db"), t0, t0 + 6 * DAY, &d), 0);
	/* a b c a b c  against  b a c b a c */
	assert_int_equal(d.n, 8);
	expect(&d.v[0], 1, "a", 0, t0, t0 + DAY);
	expect(&d.v[1], 1, "b", 1, t0, t0 + DAY);
	expect(&d.v[2], 1, "b", 0, t0 + DAY, t0 + 2 * DAY);
	expect(&d.v[3], 1, "a", 1, t0 + DAY, t0 + 2 * DAY);
	expect(&d.v[4], 1, "a", 0, t0 + 3 * DAY, t0 + 4 * DAY);
	expect(&d.v[7], 1, "a", 1, t0 + 4 * DAY, t0 + 5 * DAY);
	rota_diff_free(&d);
	rota_set_free(o);
	rota_set_free(n);
}

static void
test_same_config_no_changes(void **state)
{
	struct rota_set		*o = build(abc, 2), *n = build(abc, 2);
	struct rota_diff	 d;

	(void)state;
	assert_int_equal(rota_diff(rota_set_find(o, "db"),
	    rota_set_find(n, "db"), 0, 400 * DAY, &d), 0);
	assert_int_equal(d.n, 0);
	rota_diff_free(&d);
	rota_set_free(o);
	rota_set_free(n);
}

/* Shifts cut by the window's edges; adjacent ones of a person merge. */
static void
test_dropped_level_goes_to_nobody(void **state)
{
	struct rota_set		*o = build(abc, 2), *n = build(abc, 1);
	struct rota_diff	 d;
	int64_t			 t0;

	(void)state;
	t0 = tz_mktime(rota_tz(rota_set_find(o, "db")), 2026, 1, 5, 0, 0, 0,
	    NULL);
	assert_int_equal(rota_diff(rota_set_find(o, "db"),
	    rota_set_find(n, "db"), t0, t0 + 2 * DAY, &d), 0);
	/* Level 2: c until 09:00, a, b from 09:00 the next day. */
	assert_int_equal(d.n, 4);
	expect(&d.v[0], 2, "c", 0, t0, t0 + 9 * 3600000LL);
	expect(&d.v[1], 2, NULL, 1, t0, t0 + 2 * DAY);
	expect(&d.v[2], 2, "a", 0, t0 + 9 * 3600000LL,
	    t0 + DAY + 9 * 3600000LL);
	expect(&d.v[3], 2, "b", 0, t0 + DAY + 9 * 3600000LL, t0 + 2 * DAY);
	rota_diff_free(&d);
	rota_set_free(o);
	rota_set_free(n);
}

/* The shift of the spring-forward day is 23 hours, and so is the loss. */
static void
test_across_dst(void **state)
{
	struct rota_set		*o = build_in("Europe/Amsterdam", abc, 1);
	struct rota_set		*n = build_in("Europe/Amsterdam", bac, 1);
	const struct tz		*z;
	struct rota_diff	 d;
	int64_t			 t0, t1;

	(void)state;
	z = rota_tz(rota_set_find(o, "db"));
	/* 2026-03-28 09:00 CET: day 82 since the anchor, b's (old order). */
	t0 = tz_mktime(z, 2026, 3, 28, 9, 0, 0, NULL);
	t1 = tz_mktime(z, 2026, 3, 29, 9, 0, 0, NULL);
	assert_int_equal(t1 - t0, 23 * 3600000LL);
	assert_int_equal(rota_diff(rota_set_find(o, "db"),
	    rota_set_find(n, "db"), t0, t1, &d), 0);
	assert_int_equal(d.n, 2);
	expect(&d.v[0], 1, "b", 0, t0, t1);
	expect(&d.v[1], 1, "a", 1, t0, t1);
	rota_diff_free(&d);
	rota_set_free(o);
	rota_set_free(n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_member_order_swaps_two_shifts),
		cmocka_unit_test(test_same_config_no_changes),
		cmocka_unit_test(test_dropped_level_goes_to_nobody),
		cmocka_unit_test(test_across_dst),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
