/*
 * tests/unit/test_timefmt.c — lib/timefmt.c: strict RFC 3339 and
 * duration parsing, and printing that reads back to the same value.
 * Expected instants were computed with Python's datetime.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "timefmt.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct ts_ok {
	const char	*s;
	int64_t		 ms;
} ts_ok[] = {
	{ "2026-11-25T10:00:00Z", 1795600800000LL },
	{ "2026-11-25T10:00:00.123+01:00", 1795597200123LL },
	{ "1970-01-01T00:00:00Z", 0 },
	{ "2024-02-29T23:59:59.999Z", 1709251199999LL },	/* leap year */
	{ "2000-02-29T12:00:00-05:30", 951845400000LL },	/* 400y leap */
	{ "1969-12-31T23:59:59.5Z", -500 },
	{ "0000-01-01T00:00:00Z", -62167219200000LL },
	{ "0001-01-01T00:00:00Z", -62135596800000LL },
	{ "9999-12-31T23:59:59.999999999Z", 253402300799999LL },
	{ "2026-11-25T10:00:00.1Z", 1795600800100LL },
	{ "2026-03-29t01:30:00z", 1774747800000LL },		/* lower case */
	{ "2026-01-01T00:30:00+23:59", 1767141060000LL },
	{ "2026-01-01T00:30:00-23:59", 1767313740000LL },
	{ "2026-01-01T00:30:00-00:00", 1767227400000LL },
};

static void
test_parses_valid_rfc3339(void **state)
{
	size_t	 i;

	for (i = 0; i < NELEM(ts_ok); i++) {
		int64_t	 ms = 42;

		assert_int_equal(time_parse_rfc3339(ts_ok[i].s,
		    strlen(ts_ok[i].s), &ms), 0);
		assert_int_equal(ms, ts_ok[i].ms);
	}
}

static const char *const ts_bad[] = {
	"",
	"2026-11-25",				/* date only */
	"2026-11-25T10:00:00",			/* no offset */
	"2026-11-25 10:00:00Z",			/* space for T */
	"2026-11-25T10:00Z",			/* no seconds */
	"2026-11-25T10:00:00.Z",		/* empty fraction */
	"2026-11-25T10:00:00.1234567890Z",	/* 10 fraction digits */
	"2026-11-25T10:00:00+0100",		/* offset without colon */
	"2026-11-25T10:00:00+01",
	"2026-11-25T10:00:00+24:00",		/* offset hour */
	"2026-11-25T10:00:00+01:60",		/* offset minute */
	"2026-11-25T10:00:00ZZ",		/* trailing junk */
	"2026-11-25T10:00:00Z ",
	" 2026-11-25T10:00:00Z",
	"2026-13-01T00:00:00Z",			/* month 13 */
	"2026-00-01T00:00:00Z",
	"2026-01-00T00:00:00Z",			/* day 0 */
	"2026-04-31T00:00:00Z",			/* April has 30 days */
	"2026-02-29T00:00:00Z",			/* 2026 is not leap */
	"1900-02-29T00:00:00Z",			/* century, not leap */
	"2026-01-01T24:00:00Z",
	"2026-01-01T23:60:00Z",
	"2026-12-31T23:59:60Z",			/* leap second */
	"+2026-01-01T00:00:00Z",
	"20260-01-01T00:00:00Z",
	"2026-1-01T00:00:00Z",
	"2026-01-01T00:00:00.12a4Z",
	"2O26-01-01T00:00:00Z",			/* letter O */
	"2026-01-01T00:00:00-1:00",
};

static void
test_rejects_malformed_rfc3339(void **state)
{
	size_t	 i;

	for (i = 0; i < NELEM(ts_bad); i++) {
		int64_t	 ms = 42;

		if (time_parse_rfc3339(ts_bad[i], strlen(ts_bad[i]), &ms) != -1)
			fail_msg("accepted \"%s\"", ts_bad[i]);
		assert_int_equal(ms, 42);
	}
}

static void
test_parse_uses_len_not_nul(void **state)
{
	const char	*s = "2026-11-25T10:00:00Zgarbage";
	int64_t		 ms;

	assert_int_equal(time_parse_rfc3339(s, 20, &ms), 0);
	assert_int_equal(ms, 1795600800000LL);
	assert_int_equal(time_parse_rfc3339(s, strlen(s), &ms), -1);
	/* A NUL inside the length is junk, not an end. */
	assert_int_equal(time_parse_rfc3339("2026-11-25T10:00:00Z\0", 21,
	    &ms), -1);
}

static const struct ts_fmt {
	int64_t		 ms;
	const char	*s;
} ts_fmt[] = {
	{ 0, "1970-01-01T00:00:00.000Z" },
	{ 1795600800123LL, "2026-11-25T10:00:00.123Z" },
	{ -500, "1969-12-31T23:59:59.500Z" },
	{ -1, "1969-12-31T23:59:59.999Z" },
	{ 1709251199999LL, "2024-02-29T23:59:59.999Z" },
	{ 253402300799999LL, "9999-12-31T23:59:59.999Z" },
	{ -62167219200000LL, "0000-01-01T00:00:00.000Z" },
};

static void
test_formats_rfc3339_with_millis(void **state)
{
	size_t	 i;
	char	 buf[25];

	for (i = 0; i < NELEM(ts_fmt); i++) {
		time_format_rfc3339(ts_fmt[i].ms, buf, sizeof(buf));
		assert_string_equal(buf, ts_fmt[i].s);
	}
}

static void
test_format_then_parse_round_trips(void **state)
{
	int64_t	 ms, back;
	char	 buf[25];

	/* Every ~37 hours plus some odd millis, 1600 to 2400. */
	for (ms = -11676096000000LL; ms < 13569465600000LL;
	    ms += 133333333337LL) {
		time_format_rfc3339(ms, buf, sizeof(buf));
		assert_int_equal(time_parse_rfc3339(buf, strlen(buf), &back),
		    0);
		assert_int_equal(back, ms);
	}
}

static const struct dur_ok {
	const char	*s;
	int64_t		 ms;
} dur_ok[] = {
	{ "90s", 90000 },
	{ "1h30m", 5400000 },
	{ "7d", 604800000 },
	{ "250ms", 250 },
	{ "90", 90000 },			/* bare integer = seconds */
	{ "0", 0 },
	{ "0s", 0 },
	{ "2w", 1209600000 },
	{ "1w2d3h4m5s6ms", 788645006 },
	{ "1m500ms", 60500 },
	{ "007s", 7000 },
	{ "36525d", 3155760000000LL },		/* exactly 100 years */
};

static void
test_parses_valid_durations(void **state)
{
	size_t	 i;

	for (i = 0; i < NELEM(dur_ok); i++) {
		int64_t	 ms = 42;

		if (duration_parse(dur_ok[i].s, &ms) != 0)
			fail_msg("refused \"%s\"", dur_ok[i].s);
		assert_int_equal(ms, dur_ok[i].ms);
	}
}

static const char *const dur_bad[] = {
	"",
	"-5s",					/* negative */
	"s",					/* no number */
	"5x",					/* unknown unit */
	"5S",					/* units are lower case */
	"5sec",
	"1y",
	"1h30",					/* bare number after a unit */
	"30m1h",				/* units out of order */
	"1h1h",					/* repeated unit */
	"5s ",					/* trailing junk */
	" 5s",
	"1.5h",					/* no fractions */
	"+5s",
	"36526d",				/* over 100 years */
	"5218w",
	"3155760000001ms",
	"99999999999999999999s",		/* int64 overflow */
	"9223372036854775807ms",
	"36525d1ms",
};

static void
test_rejects_malformed_durations(void **state)
{
	size_t	 i;

	for (i = 0; i < NELEM(dur_bad); i++) {
		int64_t	 ms = 42;

		if (duration_parse(dur_bad[i], &ms) != -1)
			fail_msg("accepted \"%s\"", dur_bad[i]);
		assert_int_equal(ms, 42);
	}
}

static void
test_rejects_null_duration(void **state)
{
	int64_t	 ms;

	assert_int_equal(duration_parse(NULL, &ms), -1);
}

static const struct dur_fmt {
	int64_t		 ms;
	const char	*s;
} dur_fmt[] = {
	{ 0, "0s" },
	{ 250, "250ms" },
	{ 5400000, "1h30m" },
	{ 90000, "1m30s" },
	{ 604800000, "1w" },
	{ 788645006, "1w2d3h4m5s6ms" },
	{ 86400001, "1d1ms" },
	{ -90000, "-1m30s" },
};

static void
test_formats_durations_compactly(void **state)
{
	size_t	 i;
	char	 buf[32];

	for (i = 0; i < NELEM(dur_fmt); i++) {
		duration_format(dur_fmt[i].ms, buf, sizeof(buf));
		assert_string_equal(buf, dur_fmt[i].s);
	}
}

static void
test_duration_format_survives_extremes(void **state)
{
	char	 buf[32];
	int64_t	 ms;

	duration_format(INT64_MIN, buf, sizeof(buf));
	assert_string_equal(buf, "-15250284452w3d7h12m55s808ms");
	duration_format(INT64_MAX, buf, sizeof(buf));
	assert_string_equal(buf, "15250284452w3d7h12m55s807ms");
	/* A short buffer truncates, never overflows. */
	duration_format(788645006, buf, 6);
	assert_string_equal(buf, "1w2d3");
	/* What it prints for a valid duration parses back. */
	duration_format(3155760000000LL, buf, sizeof(buf));
	assert_int_equal(duration_parse(buf, &ms), 0);
	assert_int_equal(ms, 3155760000000LL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parses_valid_rfc3339),
		cmocka_unit_test(test_rejects_malformed_rfc3339),
		cmocka_unit_test(test_parse_uses_len_not_nul),
		cmocka_unit_test(test_formats_rfc3339_with_millis),
		cmocka_unit_test(test_format_then_parse_round_trips),
		cmocka_unit_test(test_parses_valid_durations),
		cmocka_unit_test(test_rejects_malformed_durations),
		cmocka_unit_test(test_rejects_null_duration),
		cmocka_unit_test(test_formats_durations_compactly),
		cmocka_unit_test(test_duration_format_survives_extremes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
