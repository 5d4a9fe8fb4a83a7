/*
 * tests/unit/test_holiday.c — lib/holiday.c: rule syntax, Easter,
 * observed-day shifts and the errors a bad calendar gets.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "civil.h"
#include "holiday.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ syntax */

static void
test_rule_syntax(void **state)
{
	static const char *const good[] = { "12-25", "02-29", "2026-12-24",
	    "2026-12-24..2026-12-26", "2026-12-24 .. 2027-01-02",
	    "12-24..12-26", "easter", "easter+39", "easter-2", "easter + 1",
	    "last monday of may", "4th thursday of november",
	    "first Monday of September", "2nd monday in october",
	    "3rd mon of jan", "fifth friday of march", "  12-25  " };
	static const char *const bad[] = { "", "12-32", "13-01", "2-14",
	    "02-30", "2026-02-29", "12-25x", "2026-12-26..2026-12-24",
	    "12-26..12-24", "2026-12-24..12-26", "easter+", "easter*2",
	    "easter+400", "6th monday of may", "last moonday of may",
	    "last monday may", "last monday of mayo", "christmas",
	    "2026-01-01..2027-06-01" };
	size_t	 i;

	for (i = 0; i < NELEM(good); i++)
		if (holiday_rule_check(good[i]) != NULL)
			fail_msg("refused \"%s\": %s", good[i],
			    holiday_rule_check(good[i]));
	for (i = 0; i < NELEM(bad); i++)
		if (holiday_rule_check(bad[i]) == NULL)
			fail_msg("accepted \"%s\"", bad[i]);
	assert_null(holiday_observed_check("sat->fri, sun->mon"));
	assert_null(holiday_observed_check("sun->sat"));
	assert_null(holiday_observed_check("none"));
	assert_non_null(holiday_observed_check("sat->sat"));
	assert_non_null(holiday_observed_check("sat->fri, sat->mon"));
	assert_non_null(holiday_observed_check("saturday to friday"));
	assert_non_null(holiday_observed_check("sat->fri,"));
}

static void
test_easter_dates(void **state)
{
	static const struct { int y, m, d; } easter[] = {
		{ 2026, 4, 5 }, { 2027, 3, 28 }, { 2028, 4, 16 },
		{ 2029, 4, 1 }, { 2030, 4, 21 }, { 2031, 4, 13 },
		{ 2032, 3, 28 }, { 2033, 4, 17 }, { 2034, 4, 9 },
		{ 2035, 3, 25 },
		/* The extremes: 22 March and 25 April. */
		{ 2285, 3, 22 }, { 2038, 4, 25 }, { 2000, 4, 23 },
	};
	size_t	 i;

	for (i = 0; i < NELEM(easter); i++)
		assert_int_equal(holiday_easter(easter[i].y),
		    civil_days(easter[i].y, easter[i].m, easter[i].d));
}

/* ------------------------------------------------------------ rules */

static struct holiday_cal *
cal_of(struct holiday_day_spec *days, size_t n)
{
	struct holiday_cal_spec	 spec = { "t", "test", days, n };
	struct perr_list	 errs = { 0 };
	struct holiday_cal	*cal = holiday_cal_build(&spec, "holidays.t",
	    &errs);

	if (cal == NULL)
		fail_msg("%s: %s", errs.n ? errs.v[0].key : "",
		    errs.n ? errs.v[0].msg : "out of memory");
	perr_list_clear(&errs);
	return cal;
}

static void
test_rule_kinds(void **state)
{
	struct holiday_day_spec	 days[] = {
		{ "Range", "2026-12-24..2026-12-27", NULL, 0, 0, 0 },
		{ "Once", "2027-03-03", NULL, 0, 0, 0 },
		{ "Yearly range", "08-01..08-03", NULL, 0, 0, 0 },
		{ "Leap", "02-29", NULL, 0, 0, 0 },
		{ "Fifth", "5th monday of march", NULL, 0, 0, 0 },
		{ "Lustrum", "05-05", NULL, 2025, 0, 5 },
		{ "Bounded", "06-01", NULL, 2027, 2028, 0 },
		{ "Moved", "10-10", "sat->mon, sun->mon", 0, 0, 0 },
	};
	struct holiday_cal	*cal = cal_of(days, NELEM(days));
	int64_t			 v[32];

	assert_string_equal(holiday_cal_id(cal), "t");
	assert_null(holiday_on(cal, 2026, 12, 23));
	assert_string_equal(holiday_on(cal, 2026, 12, 24), "Range");
	assert_string_equal(holiday_on(cal, 2026, 12, 27), "Range");
	assert_null(holiday_on(cal, 2026, 12, 28));
	assert_null(holiday_on(cal, 2027, 12, 24));
	assert_string_equal(holiday_on(cal, 2027, 3, 3), "Once");
	assert_null(holiday_on(cal, 2028, 3, 3));
	assert_string_equal(holiday_on(cal, 2031, 8, 2), "Yearly range");
	assert_null(holiday_on(cal, 2031, 8, 4));
	/* February 29 only in leap years, never rolled to March 1. */
	assert_string_equal(holiday_on(cal, 2028, 2, 29), "Leap");
	assert_null(holiday_on(cal, 2027, 3, 1));
	/* March 2026 has five Mondays (the 30th), March 2028 four. */
	assert_string_equal(holiday_on(cal, 2026, 3, 30), "Fifth");
	assert_null(holiday_on(cal, 2028, 3, 27));
	/* 2028: the yearly range, 02-29, Bounded and 10-10 (a Tuesday). */
	assert_int_equal(holiday_year(cal, 2028, v, NELEM(v)), 6);
	assert_int_equal(v[0], civil_days(2028, 2, 29));
	/* Every fifth year from 2025. */
	assert_string_equal(holiday_on(cal, 2030, 5, 5), "Lustrum");
	assert_null(holiday_on(cal, 2026, 5, 5));
	assert_null(holiday_on(cal, 2020 + 4, 5, 5));
	assert_null(holiday_on(cal, 2026, 6, 1));
	assert_string_equal(holiday_on(cal, 2028, 6, 1), "Bounded");
	assert_null(holiday_on(cal, 2029, 6, 1));
	/* 2026-10-10 is a Saturday: moved to Monday the 12th. */
	assert_null(holiday_on(cal, 2026, 10, 10));
	assert_string_equal(holiday_on(cal, 2026, 10, 12), "Moved");
	assert_null(holiday_on(cal, 2026, 2, 30));
	holiday_cal_free(cal);
}

static void
test_build_errors_name_the_entry(void **state)
{
	struct holiday_day_spec	 days[] = {
		{ "ok", "12-25", NULL, 0, 0, 0 },
		{ "a", "12-32", NULL, 0, 0, 0 },
		{ "b", "05-05", NULL, 0, 0, 5 },
		{ "c", "05-05", NULL, 2030, 2020, 0 },
		{ "d", "12-24..12-26", "sat->fri", 0, 0, 0 },
		{ "e", "12-25", "fri->fri", 0, 0, 0 },
		{ NULL, "12-25", NULL, 0, 0, 0 },	/* skipped */
	};
	struct holiday_cal_spec	 spec = { "x", NULL, days, NELEM(days) };
	struct perr_list	 errs = { 0 };

	assert_null(holiday_cal_build(&spec, "holidays.x", &errs));
	assert_int_equal(errs.n, 5);
	assert_string_equal(errs.v[0].key, "holidays.x.days[1]");
	assert_non_null(strstr(errs.v[0].msg, "12-32"));
	assert_string_equal(errs.v[1].key, "holidays.x.days[2]");
	assert_non_null(strstr(errs.v[1].msg, "every needs since"));
	assert_non_null(strstr(errs.v[2].msg, "after until"));
	assert_non_null(strstr(errs.v[3].msg, "not ranges"));
	assert_non_null(strstr(errs.v[4].msg, "onto itself"));
	perr_list_clear(&errs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_syntax),
		cmocka_unit_test(test_easter_dates),
		cmocka_unit_test(test_rule_kinds),
		cmocka_unit_test(test_build_errors_name_the_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
