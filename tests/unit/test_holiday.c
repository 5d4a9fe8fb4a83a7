/*
 * tests/unit/test_holiday.c — lib/holiday.c and the calendars shipped in
 * etc/holidays/: rule syntax, Easter, observed-day shifts, and every
 * Dutch and US federal holiday of 2026-2035 against the published lists
 * (OPM's federal holiday pages; Rijksoverheid's "Wettelijke
 * feestdagen"), which are written out below, year by year.
 */
#include "autoconf.h"

#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "civil.h"
#include "config.h"
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

/* ------------------------------------------------------------ calendars */

struct fx {
	char		 dir[64];
	struct config	*cfg;
};

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	return remove(path);
}

/* Load etc/holidays/ through the real config loader, as pagerd does. */
static int
setup(void **state)
{
	static struct fx	 fx;
	struct perr_list	 errs = { 0 };
	const char		*src = getenv("PAGERD_SRCDIR");
	char			 p[512], target[PATH_MAX];
	FILE			*f;

	snprintf(fx.dir, sizeof(fx.dir), "/tmp/pagerd-holiday-XXXXXX");
	if (mkdtemp(fx.dir) == NULL)
		return -1;
	snprintf(p, sizeof(p), "%s/etc/holidays", src != NULL ? src : ".");
	if (realpath(p, target) == NULL)
		return -1;
	snprintf(p, sizeof(p), "%s/holidays", fx.dir);
	if (symlink(target, p) == -1)
		return -1;
	snprintf(p, sizeof(p), "%s/pagerd.conf", fx.dir);
	if ((f = fopen(p, "w")) == NULL)
		return -1;
	fputs("holidays: {\n@include \"holidays/nl.conf\"\n"
	    "@include \"holidays/us.conf\"\n};\n", f);
	fclose(f);
	fx.cfg = config_load(p, NULL, 0, NULL, &errs);
	if (fx.cfg == NULL) {
		print_error("%s:%d: %s: %s\n", errs.v[0].file, errs.v[0].line,
		    errs.v[0].key, errs.v[0].msg);
		perr_list_clear(&errs);
		return -1;
	}
	*state = &fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*fx = *state;

	config_free(fx->cfg);
	(void)nftw(fx->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	return 0;
}

struct year {
	int		 y;
	const char	*days;		/* "MM-DD MM-DD ..." in order */
};

/* US federal holidays as observed (OPM), including 12-31 for 1 January. */
static const struct year us_years[] = {
	{ 2026, "01-01 01-19 02-16 05-25 06-19 07-03 09-07 10-12 11-11 "
	    "11-26 12-25" },
	{ 2027, "01-01 01-18 02-15 05-31 06-18 07-05 09-06 10-11 11-11 "
	    "11-25 12-24 12-31" },
	{ 2028, "01-17 02-21 05-29 06-19 07-04 09-04 10-09 11-10 11-23 "
	    "12-25" },
	{ 2029, "01-01 01-15 02-19 05-28 06-19 07-04 09-03 10-08 11-12 "
	    "11-22 12-25" },
	{ 2030, "01-01 01-21 02-18 05-27 06-19 07-04 09-02 10-14 11-11 "
	    "11-28 12-25" },
	{ 2031, "01-01 01-20 02-17 05-26 06-19 07-04 09-01 10-13 11-11 "
	    "11-27 12-25" },
	{ 2032, "01-01 01-19 02-16 05-31 06-18 07-05 09-06 10-11 11-11 "
	    "11-25 12-24 12-31" },
	{ 2033, "01-17 02-21 05-30 06-20 07-04 09-05 10-10 11-11 11-24 "
	    "12-26" },
	{ 2034, "01-02 01-16 02-20 05-29 06-19 07-04 09-04 10-09 11-10 "
	    "11-23 12-25" },
	{ 2035, "01-01 01-15 02-19 05-28 06-19 07-04 09-03 10-08 11-12 "
	    "11-22 12-25" },
};

/*
 * Dutch holidays: Nieuwjaar, Goede Vrijdag, Pasen 1/2, Koningsdag,
 * Bevrijdingsdag, Hemelvaart, Pinksteren 1/2, Kerstmis 1/2.
 */
static const struct year nl_years[] = {
	{ 2026, "01-01 04-03 04-05 04-06 04-27 05-05 05-14 05-24 05-25 "
	    "12-25 12-26" },
	{ 2027, "01-01 03-26 03-28 03-29 04-27 05-05 05-06 05-16 05-17 "
	    "12-25 12-26" },
	{ 2028, "01-01 04-14 04-16 04-17 04-27 05-05 05-25 06-04 06-05 "
	    "12-25 12-26" },
	{ 2029, "01-01 03-30 04-01 04-02 04-27 05-05 05-10 05-20 05-21 "
	    "12-25 12-26" },
	{ 2030, "01-01 04-19 04-21 04-22 04-27 05-05 05-30 06-09 06-10 "
	    "12-25 12-26" },
	{ 2031, "01-01 04-11 04-13 04-14 04-26 05-05 05-22 06-01 06-02 "
	    "12-25 12-26" },
	{ 2032, "01-01 03-26 03-28 03-29 04-27 05-05 05-06 05-16 05-17 "
	    "12-25 12-26" },
	{ 2033, "01-01 04-15 04-17 04-18 04-27 05-05 05-26 06-05 06-06 "
	    "12-25 12-26" },
	{ 2034, "01-01 04-07 04-09 04-10 04-27 05-05 05-18 05-28 05-29 "
	    "12-25 12-26" },
	{ 2035, "01-01 03-23 03-25 03-26 04-27 05-03 05-05 05-13 05-14 "
	    "12-25 12-26" },
};

/*
 * The year's holidays must be exactly the table's: holiday_year() lists
 * them, and holiday_on() agrees on every single day of the year.
 */
static void
check_years(const struct holiday_cal *cal, const struct year *years,
    size_t n)
{
	int64_t		 v[64], day, yy;
	char		 got[512];
	size_t		 i, j, k, o;
	int		 m, d, listed;

	for (i = 0; i < n; i++) {
		k = holiday_year(cal, years[i].y, v, NELEM(v));
		for (j = 0, o = 0; j < k && o < sizeof(got); j++) {
			civil_from_days(v[j], &yy, &m, &d);
			o += (size_t)snprintf(got + o, sizeof(got) - o,
			    "%s%02d-%02d", j ? " " : "", m, d);
		}
		got[k ? o : 0] = '\0';
		if (strcmp(got, years[i].days) != 0)
			fail_msg("%s %d:\n got  %s\n want %s",
			    holiday_cal_id(cal), years[i].y, got,
			    years[i].days);
		for (day = civil_days(years[i].y, 1, 1);
		    day <= civil_days(years[i].y, 12, 31); day++) {
			for (listed = 0, j = 0; j < k; j++)
				listed |= v[j] == day;
			if ((holiday_on_day(cal, day) != NULL) != listed)
				fail_msg("%s: day %lld disagrees",
				    holiday_cal_id(cal), (long long)day);
		}
	}
}

static void
test_us_federal_2026_2035(void **state)
{
	struct fx			*fx = *state;
	const struct holiday_cal	*us;

	us = rota_set_calendar(fx->cfg->rotas, "us");
	assert_non_null(us);
	check_years(us, us_years, NELEM(us_years));
	/* Observed days carry the holiday's name, nominal ones do not. */
	assert_string_equal(holiday_on(us, 2026, 7, 3), "Independence Day");
	assert_null(holiday_on(us, 2026, 7, 4));
	assert_string_equal(holiday_on(us, 2027, 12, 31), "New Year's Day");
	assert_null(holiday_on(us, 2028, 1, 1));
	assert_string_equal(holiday_on(us, 2026, 11, 26), "Thanksgiving Day");
	assert_string_equal(holiday_on(us, 2026, 5, 25), "Memorial Day");
	assert_null(holiday_on(us, 2020, 6, 19));	/* since 2021 */
}

static void
test_nl_2026_2035(void **state)
{
	struct fx			*fx = *state;
	const struct holiday_cal	*nl;

	nl = rota_set_calendar(fx->cfg->rotas, "nl");
	assert_non_null(nl);
	check_years(nl, nl_years, NELEM(nl_years));
	/* 27 April 2031 is a Sunday: Koningsdag is Saturday the 26th. */
	assert_string_equal(holiday_on(nl, 2031, 4, 26), "Koningsdag");
	assert_null(holiday_on(nl, 2031, 4, 27));
	/* 27 April 2030 is a Saturday: it stays. */
	assert_string_equal(holiday_on(nl, 2030, 4, 27), "Koningsdag");
	assert_string_equal(holiday_on(nl, 2026, 5, 14), "Hemelvaartsdag");
	assert_string_equal(holiday_on(nl, 2035, 5, 5), "Bevrijdingsdag");
	assert_null(holiday_on(nl, 2013, 4, 27));	/* Koninginnedag */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_syntax),
		cmocka_unit_test(test_easter_dates),
		cmocka_unit_test(test_rule_kinds),
		cmocka_unit_test(test_build_errors_name_the_entry),
		cmocka_unit_test_setup_teardown(test_us_federal_2026_2035,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_nl_2026_2035, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
