/*
 * tests/unit/test_tz.c — lib/tz.c: TZif and POSIX TZ strings, instants
 * to wall clocks and back under the DST policy (gap: first instant after
 * it; ambiguous: first occurrence). Expected instants were checked by
 * hand with `TZ=Europe/Amsterdam date -d '2026-10-25 02:30 CEST' +%s`
 * and friends, and with Python's zoneinfo for the far future.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tz.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Zone names, short enough for one table row per case. */
#define AMS	"Europe/Amsterdam"
#define NYC	"America/New_York"
#define SYD	"Australia/Sydney"

static struct tz *
load(const char *name)
{
	char		 err[256];
	struct tz	*z = tz_load(NULL, name, err, sizeof(err));

	if (z == NULL)
		fail_msg("%s: %s", name, err);
	return z;
}

/* ------------------------------------------------------------ to local */

static const struct to_local {
	const char	*zone;
	int64_t		 utc_s;
	const char	*wall;		/* YYYY-MM-DD HH:MM:SS */
	const char	*abbr;
	int32_t		 utoff;
} to_local[] = {
	/* Amsterdam, spring forward 2026-03-29 01:00 UTC. */
	{ AMS, 1774745999, "2026-03-29 01:59:59", "CET", 3600 },
	{ AMS, 1774746000, "2026-03-29 03:00:00", "CEST", 7200 },
	/* Fall back 2026-10-25 01:00 UTC: 02:00-03:00 happens twice. */
	{ AMS, 1792888200, "2026-10-25 02:30:00", "CEST", 7200 },
	{ AMS, 1792889999, "2026-10-25 02:59:59", "CEST", 7200 },
	{ AMS, 1792890000, "2026-10-25 02:00:00", "CET", 3600 },
	{ AMS, 1792891800, "2026-10-25 02:30:00", "CET", 3600 },
	/* New York: 2026-03-08 07:00 UTC and 2026-11-01 06:00 UTC. */
	{ NYC, 1772953199, "2026-03-08 01:59:59", "EST", -18000 },
	{ NYC, 1772953200, "2026-03-08 03:00:00", "EDT", -14400 },
	{ NYC, 1793511000, "2026-11-01 01:30:00", "EDT", -14400 },
	{ NYC, 1793512799, "2026-11-01 01:59:59", "EDT", -14400 },
	{ NYC, 1793512800, "2026-11-01 01:00:00", "EST", -18000 },
	{ NYC, 1798207200, "2026-12-25 09:00:00", "EST", -18000 },
	{ "Asia/Tokyo", 1774719000, "2026-03-29 02:30:00", "JST", 32400 },
	{ "Asia/Tokyo", 1792890000, "2026-10-25 10:00:00", "JST", 32400 },
	{ "UTC", 1774751400, "2026-03-29 02:30:00", "UTC", 0 },
	/* Southern hemisphere: Sydney falls back in April. */
	{ SYD, 1775318399, "2026-04-05 02:59:59", "AEDT", 39600 },
	{ SYD, 1775318400, "2026-04-05 02:00:00", "AEST", 36000 },
	{ SYD, 1791043200, "2026-10-04 03:00:00", "AEDT", 39600 },
	/* Past the fat file's 2037: the footer rule, then 400-year folds. */
	{ AMS, 4109878799, "2100-03-28 01:59:59", "CET", 3600 },
	{ AMS, 4109878800, "2100-03-28 03:00:00", "CEST", 7200 },
	{ AMS, 16751408399, "2500-10-31 02:59:59", "CEST", 7200 },
	{ AMS, 16751408400, "2500-10-31 02:00:00", "CET", 3600 },
	{ NYC, 33330207599, "3026-03-12 01:59:59", "EST", -18000 },
	{ NYC, 33330207600, "3026-03-12 03:00:00", "EDT", -14400 },
	/* Footer with negative rule times (RFC 8536 version 3). */
	{ "America/Nuuk", 1774745999, "2026-03-28 22:59:59", "-02", -7200 },
	{ "America/Nuuk", 1774746000, "2026-03-29 00:00:00", "-01", -3600 },
	{ "America/Nuuk", 1792890000, "2026-10-24 23:00:00", "-02", -7200 },
};

static void
test_localtime_across_dst(void **state)
{
	struct tz_tm	 tm;
	struct tz	*z;
	char		 wall[64];
	size_t		 i;

	for (i = 0; i < NELEM(to_local); i++) {
		z = load(to_local[i].zone);
		tz_localtime(z, to_local[i].utc_s * 1000, &tm);
		snprintf(wall, sizeof(wall), "%04lld-%02d-%02d %02d:%02d:%02d",
		    (long long)tm.year, tm.mon, tm.mday, tm.hour, tm.min,
		    tm.sec);
		if (strcmp(wall, to_local[i].wall) != 0 ||
		    strcmp(tm.abbr, to_local[i].abbr) != 0 ||
		    tm.utoff != to_local[i].utoff)
			fail_msg("%s @%lld: got %s %s %d, want %s %s %d",
			    to_local[i].zone, (long long)to_local[i].utc_s,
			    wall, tm.abbr, tm.utoff, to_local[i].wall,
			    to_local[i].abbr, to_local[i].utoff);
		assert_int_equal(tz_utoff(z, to_local[i].utc_s * 1000),
		    to_local[i].utoff);
		tz_free(z);
	}
}

/* ------------------------------------------------------------ to UTC */

static const struct to_utc {
	const char	*zone;
	int		 y, m, d, hh, mm;
	int64_t		 utc_s;
	enum tz_kind	 kind;
} to_utc[] = {
	/* In the gap: the first instant after it, 03:00 CEST. */
	{ AMS, 2026, 3, 29, 1, 59, 1774745940, TZ_UNIQUE },
	{ AMS, 2026, 3, 29, 2, 0, 1774746000, TZ_GAP },
	{ AMS, 2026, 3, 29, 2, 30, 1774746000, TZ_GAP },
	{ AMS, 2026, 3, 29, 2, 59, 1774746000, TZ_GAP },
	{ AMS, 2026, 3, 29, 3, 0, 1774746000, TZ_UNIQUE },
	{ AMS, 2026, 3, 29, 3, 30, 1774747800, TZ_UNIQUE },
	/* Repeated: the first occurrence, still CEST. */
	{ AMS, 2026, 10, 25, 1, 59, 1792886340, TZ_UNIQUE },
	{ AMS, 2026, 10, 25, 2, 0, 1792886400, TZ_AMBIGUOUS },
	{ AMS, 2026, 10, 25, 2, 30, 1792888200, TZ_AMBIGUOUS },
	{ AMS, 2026, 10, 25, 2, 59, 1792889940, TZ_AMBIGUOUS },
	{ AMS, 2026, 10, 25, 3, 0, 1792893600, TZ_UNIQUE },
	{ NYC, 2026, 3, 8, 1, 59, 1772953140, TZ_UNIQUE },
	{ NYC, 2026, 3, 8, 2, 30, 1772953200, TZ_GAP },
	{ NYC, 2026, 3, 8, 3, 0, 1772953200, TZ_UNIQUE },
	{ NYC, 2026, 11, 1, 0, 59, 1793509140, TZ_UNIQUE },
	{ NYC, 2026, 11, 1, 1, 0, 1793509200, TZ_AMBIGUOUS },
	{ NYC, 2026, 11, 1, 1, 30, 1793511000, TZ_AMBIGUOUS },
	{ NYC, 2026, 11, 1, 2, 0, 1793516400, TZ_UNIQUE },
	{ "Asia/Tokyo", 2026, 3, 29, 2, 30, 1774719000, TZ_UNIQUE },
	{ "UTC", 2026, 3, 29, 2, 30, 1774751400, TZ_UNIQUE },
	{ AMS, 2026, 7, 1, 12, 0, 1782900000, TZ_UNIQUE },
	{ NYC, 2026, 12, 25, 9, 0, 1798207200, TZ_UNIQUE },
	{ NYC, 3026, 3, 12, 3, 0, 33330207600, TZ_UNIQUE },
	{ NYC, 3026, 3, 12, 2, 30, 33330207600, TZ_GAP },
};

static void
test_wall_time_to_utc_policy(void **state)
{
	struct tz	*z;
	enum tz_kind	 kind;
	int64_t		 ms;
	size_t		 i;

	for (i = 0; i < NELEM(to_utc); i++) {
		z = load(to_utc[i].zone);
		ms = tz_mktime(z, to_utc[i].y, to_utc[i].m, to_utc[i].d,
		    to_utc[i].hh, to_utc[i].mm, 0, &kind);
		if (ms != to_utc[i].utc_s * 1000 || kind != to_utc[i].kind)
			fail_msg("%s %04d-%02d-%02d %02d:%02d: got %lld/%d, "
			    "want %lld/%d", to_utc[i].zone, to_utc[i].y,
			    to_utc[i].m, to_utc[i].d, to_utc[i].hh,
			    to_utc[i].mm, (long long)ms / 1000, kind,
			    (long long)to_utc[i].utc_s, to_utc[i].kind);
		tz_free(z);
	}
}

/* mktime normalises fields that run over, like mktime(3). */
static void
test_mktime_normalises_fields(void **state)
{
	struct tz	*z = load("Europe/Amsterdam");

	/* 2026-13-01 is 2027-01-01; 2026-02-29 is March 1. */
	assert_int_equal(tz_mktime(z, 2026, 13, 1, 0, 0, 0, NULL),
	    tz_mktime(z, 2027, 1, 1, 0, 0, 0, NULL));
	assert_int_equal(tz_mktime(z, 2026, 2, 29, 0, 0, 0, NULL),
	    tz_mktime(z, 2026, 3, 1, 0, 0, 0, NULL));
	assert_int_equal(tz_mktime(z, 2026, 3, 28, 24, 0, 0, NULL),
	    tz_mktime(z, 2026, 3, 29, 0, 0, 0, NULL));
	tz_free(z);
}

/*
 * The monotone wall clock: during the repeated hour it stays just before
 * 03:00, and tz_local_max_ms(t) >= x exactly when tz_utc_ms(x) <= t.
 */
static void
test_local_max_is_monotone_and_matches_policy(void **state)
{
	const char	*zones[] = { AMS, "America/New_York",
	    "Australia/Sydney", "Asia/Tokyo" };
	struct tz	*z;
	int64_t		 t, x, m, prev;
	size_t		 i;

	z = load("Europe/Amsterdam");
	/* 02:00 CET, the second pass: the clock has been at 02:59:59.999. */
	assert_int_equal(tz_local_max_ms(z, 1792890000000LL),
	    tz_local_ms(z, 1792889999999LL));
	assert_int_equal(tz_local_max_ms(z, 1792893600000LL),
	    tz_local_ms(z, 1792893600000LL));
	tz_free(z);

	for (i = 0; i < NELEM(zones); i++) {
		z = load(zones[i]);
		prev = INT64_MIN;
		/* Around the 2026 changes, in 10-minute steps. */
		for (t = 1772900000000LL; t < 1798000000000LL;
		    t += 600000LL) {
			m = tz_local_max_ms(z, t);
			assert_true(m >= prev);
			prev = m;
			for (x = m - 7200000; x <= m + 7200000; x += 900000)
				assert_int_equal(m >= x,
				    tz_utc_ms(z, x, NULL) <= t);
		}
		tz_free(z);
	}
}

/* ------------------------------------------------------------ names */

static void
test_zone_names_are_checked(void **state)
{
	static const char *const bad[] = { "", "/etc/localtime",
	    "../../etc/passwd", "Europe/../../etc/passwd", "Europe/",
	    "Europe//Amsterdam", "Europe/Amster dam", "Europe/Amsterdam\n" };
	static const char *const good[] = { AMS, "UTC",
	    "Etc/GMT+5", "America/Port-au-Prince",
	    "America/Argentina/Buenos_Aires" };
	char		 err[256];
	size_t		 i;
	struct tz	*z;

	for (i = 0; i < NELEM(bad); i++) {
		assert_non_null(tz_name_check(bad[i]));
		assert_null(tz_load(NULL, bad[i], err, sizeof(err)));
	}
	for (i = 0; i < NELEM(good); i++) {
		assert_null(tz_name_check(good[i]));
		z = load(good[i]);
		assert_string_equal(tz_name(z), good[i]);
		tz_free(z);
	}
	assert_null(tz_load(NULL, "Europe/Amsterdm", err, sizeof(err)));
	assert_non_null(strstr(err, "unknown time zone \"Europe/Amsterdm\""));
	/* A directory or a file that is not TZif. */
	assert_null(tz_load(NULL, "Europe", err, sizeof(err)));
	assert_null(tz_load(NULL, "zone.tab", err, sizeof(err)));
	assert_null(tz_load("/nonexistent", "UTC", err, sizeof(err)));
}

/* ------------------------------------------------------------ POSIX */

static void
test_posix_strings(void **state)
{
	static const struct {
		const char	*spec;
		int64_t		 utc_s;
		int32_t		 utoff;
	} cases[] = {
		{ "CET-1CEST,M3.5.0,M10.5.0/3", 1774745999, 3600 },
		{ "CET-1CEST,M3.5.0,M10.5.0/3", 1774746000, 7200 },
		{ "CET-1CEST,M3.5.0,M10.5.0/3", 1792889999, 7200 },
		{ "CET-1CEST,M3.5.0,M10.5.0/3", 1792890000, 3600 },
		/* Before 1970 and far after: 400-year folds both ways. */
		{ "CET-1CEST,M3.5.0,M10.5.0/3", -1009843200, 3600 },
		{ "CET-1CEST,M3.5.0,M10.5.0/3", -1000000000, 7200 },
		{ "CET-1CEST,M3.5.0,M10.5.0/3", 16751408399, 7200 },
		{ "EST5EDT,M3.2.0,M11.1.0", 1772953200, -14400 },
		{ "EST5EDT", 1772953200, -14400 },	/* default US rule */
		{ "JST-9", 1774719000, 32400 },
		{ "<+0530>-5:30", 0, 19800 },
		{ "<-03>3", 1774719000, -10800 },
		/* DST all year (RFC 8536 3.3.1's example). */
		{ "EST5EDT,0/0,J365/25", 1767225600, -14400 },
		{ "EST5EDT,0/0,J365/25", 1782900000, -14400 },
		{ "EST5EDT,0/0,J365/25", 1798761599, -14400 },
		/* Julian days without February 29, zero-based with it. */
		{ "XST-1XDT,J60/0,J300/0", 1772409600, 7200 }, /* 03-02 */
		{ "XST-1XDT,59/0,300/0", 1772323200, 7200 },	/* 03-01 */
		{ "XST-1XDT,59/0,300/0", 1772236800, 3600 },	/* 02-28 */
		/* 2028-02-29 12:00: J60 is March 1, day 59 is February 29. */
		{ "XST-1XDT,J60/0,J300/0", 1835438400, 3600 },
		{ "XST-1XDT,59/0,300/0", 1835438400, 7200 },
		/* v3 times past 24h and negative (America/Nuuk). */
		{ "<-02>2<-01>,M3.5.0/-1,M10.5.0/0", 1774746000, -3600 },
		{ "<-02>2<-01>,M3.5.0/-1,M10.5.0/0", 1774745999, -7200 },
	};
	static const char *const bad[] = { "", "CE-1", "CET", "CET-1CEST,",
	    "CET-1CEST,M3.5.0", "CET-1CEST,M13.5.0,M10.5.0",
	    "CET-1CEST,M3.6.0,M10.5.0", "CET-25", "CET-1CEST,J0,J365",
	    "CET-1 CEST", "<ab", "CET-1CEST,M3.5.0/168,M10.5.0" };
	struct tz	*z;
	char		 err[256];
	size_t		 i;

	for (i = 0; i < NELEM(cases); i++) {
		z = tz_from_posix(cases[i].spec, err, sizeof(err));
		if (z == NULL)
			fail_msg("%s: %s", cases[i].spec, err);
		if (tz_utoff(z, cases[i].utc_s * 1000) != cases[i].utoff)
			fail_msg("%s @%lld: %d, want %d", cases[i].spec,
			    (long long)cases[i].utc_s,
			    tz_utoff(z, cases[i].utc_s * 1000),
			    cases[i].utoff);
		tz_free(z);
	}
	for (i = 0; i < NELEM(bad); i++) {
		z = tz_from_posix(bad[i], err, sizeof(err));
		if (z != NULL)
			fail_msg("accepted \"%s\"", bad[i]);
	}
}

/* ------------------------------------------------------------ TZif */

struct ttype {
	int32_t		 utoff;
	uint8_t		 isdst, abbr;
};

static size_t
put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
	return 4;
}

static size_t
put_block(unsigned char *p, char version, size_t tsz, const int64_t *at,
    const uint8_t *idx, size_t n, const struct ttype *tt, size_t ntt,
    const char *chars, size_t nchars, uint32_t leapcnt)
{
	size_t	 o = 0, i;

	memcpy(p, "TZif", 4);
	p[4] = version;
	memset(p + 5, 0, 15);
	o = 20;
	o += put32(p + o, 0);
	o += put32(p + o, 0);
	o += put32(p + o, leapcnt);
	o += put32(p + o, (uint32_t)n);
	o += put32(p + o, (uint32_t)ntt);
	o += put32(p + o, (uint32_t)nchars);
	for (i = 0; i < n; i++) {
		if (tsz == 8)
			o += put32(p + o, (uint32_t)((uint64_t)at[i] >> 32));
		o += put32(p + o, (uint32_t)at[i]);
	}
	for (i = 0; i < n; i++)
		p[o++] = idx[i];
	for (i = 0; i < ntt; i++) {
		o += put32(p + o, (uint32_t)tt[i].utoff);
		p[o++] = tt[i].isdst;
		p[o++] = tt[i].abbr;
	}
	memcpy(p + o, chars, nchars);
	o += nchars;
	for (i = 0; i < leapcnt; i++) {
		memset(p + o, 0, tsz + 4);
		o += tsz + 4;
	}
	return o;
}

/*
 * A "slim" file (zic -b slim): no transitions after 1996, the footer
 * rules the rest. And a version 1 file, which has no footer.
 */
static void
test_tzif_slim_footer_and_v1(void **state)
{
	static const int64_t	 at[] = { 828838800 }; /* 1996-04-01 */
	static const uint8_t	 idx[] = { 1 };
	static const struct ttype tt[] = { { 3600, 0, 0 }, { 7200, 1, 4 } };
	static const char	 chars[] = "CET\0CEST";
	static const char	 footer[] = "\nCET-1CEST,M3.5.0,M10.5.0/3\n";
	unsigned char		 buf[512];
	size_t			 n;
	struct tz		*z;
	char			 err[256];

	n = put_block(buf, '2', 4, at, idx, 1, tt, 2, chars, 9, 0);
	n += put_block(buf + n, '2', 8, at, idx, 1, tt, 2, chars, 9, 0);
	memcpy(buf + n, footer, sizeof(footer) - 1);
	n += sizeof(footer) - 1;
	z = tz_from_tzif("Slim/Amsterdam", buf, n, err, sizeof(err));
	if (z == NULL)
		fail_msg("%s", err);
	assert_int_equal(tz_utoff(z, 1774745999000LL), 3600);
	assert_int_equal(tz_utoff(z, 1774746000000LL), 7200);
	assert_int_equal(tz_utoff(z, 1792890000000LL), 3600);
	assert_int_equal(tz_utc_ms(z, 1792895400000LL, NULL),
	    1792888200000LL);	/* 10-25 02:30 local: the first one */
	tz_free(z);

	/* Truncated anywhere: refused, never read past the end. */
	for (size_t cut = 0; cut < n - 1; cut++) {
		z = tz_from_tzif("cut", buf, cut, err, sizeof(err));
		if (z != NULL)
			fail_msg("accepted a file cut at %zu", cut);
	}

	n = put_block(buf, 0, 4, at, idx, 1, tt, 2, chars, 9, 0);
	z = tz_from_tzif("v1", buf, n, err, sizeof(err));
	if (z == NULL)
		fail_msg("%s", err);
	assert_int_equal(tz_utoff(z, 0), 3600);
	assert_int_equal(tz_utoff(z, 1774746000000LL), 7200);
	tz_free(z);

	/* Leap-second ("right/") data is refused, not misread. */
	n = put_block(buf, '2', 4, at, idx, 1, tt, 2, chars, 9, 1);
	n += put_block(buf + n, '2', 8, at, idx, 1, tt, 2, chars, 9, 1);
	memcpy(buf + n, footer, sizeof(footer) - 1);
	n += sizeof(footer) - 1;
	assert_null(tz_from_tzif("right", buf, n, err, sizeof(err)));
	assert_non_null(strstr(err, "leap seconds"));

	assert_null(tz_from_tzif("junk", (const unsigned char *)"TZjunk", 6,
	    err, sizeof(err)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_localtime_across_dst),
		cmocka_unit_test(test_wall_time_to_utc_policy),
		cmocka_unit_test(test_mktime_normalises_fields),
		cmocka_unit_test(test_local_max_is_monotone_and_matches_policy),
		cmocka_unit_test(test_zone_names_are_checked),
		cmocka_unit_test(test_posix_strings),
		cmocka_unit_test(test_tzif_slim_footer_and_v1),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
