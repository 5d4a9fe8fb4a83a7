/*
 * tests/unit/test_rota.c — lib/rota.c: who is on call at an instant.
 * Rotas are built from specs written out here; every expectation was
 * worked out by hand from the rules in lib/rota.h (comments give the
 * arithmetic), with instants checked against `TZ=... date`.
 */
#include "autoconf.h"

#include <sys/stat.h>

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
#include "rota.h"
#include "tz.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define LIST(...)	(char *[]){ __VA_ARGS__ }, \
			NELEM(((char *[]){ __VA_ARGS__ }))
#define NONE		NULL, 0

static struct rota_person_spec people[] = {
	{ "a", "A", "+31600000001", NULL, NULL, NULL, 0 },
	{ "b", "B", "+31600000002", NULL, NULL, NULL, 0 },
	{ "c", "C", "+31600000003", NULL, NULL, NULL, 0 },
	{ "d", "D", "+31600000004", NULL, NULL, NULL, 0 },
	{ "e", "E", "+31600000005", NULL, NULL, NULL, 0 },
	{ "f", "F", "+31600000006", NULL, NULL, NULL, 0 },
	{ "g", "G", "+12125550100", NULL, "America/New_York", NULL, 0 },
};

/* A small Dutch calendar: enough for the holiday cases. */
static struct holiday_day_spec nl_days[] = {
	{ "Nieuwjaarsdag", "01-01", NULL, 0, 0, 0 },
	{ "Koningsdag", "04-27", "sun->sat", 0, 0, 0 },
	{ "Eerste Kerstdag", "12-25", NULL, 0, 0, 0 },
	{ "Tweede Kerstdag", "12-26", NULL, 0, 0, 0 },
};
static struct holiday_cal_spec cals[] = {
	{ "nl", "Netherlands", nl_days, NELEM(nl_days) },
};

static struct rota_set *
build(struct rota_spec *rotas, size_t n)
{
	struct rota_set_spec	 spec = { people, NELEM(people), cals,
	    NELEM(cals), rotas, n };
	struct perr_list	 errs = { 0 };
	struct rota_set		*set;

	if ((set = rota_set_build(&spec, NULL, &errs)) == NULL)
		fail_msg("%s: %s", errs.n ? errs.v[0].key : "",
		    errs.n ? errs.v[0].msg : "out of memory");
	return set;
}

/* "2026-03-29 02:30" on z's wall clock (DST policy applies). */
static int64_t
wall(const struct tz *z, const char *s)
{
	int	 y, m, d, hh, mm;

	if (sscanf(s, "%d-%d-%d %d:%d", &y, &m, &d, &hh, &mm) != 5)
		fail_msg("bad time %s", s);
	return tz_mktime(z, y, m, d, hh, mm, 0, NULL);
}

/* An instant as "2026-10-25 02:30 CEST" on z's clock. */
static const char *
show(const struct tz *z, int64_t ms, char *buf, size_t len)
{
	struct tz_tm	 tm;

	if (ms == INT64_MAX)
		return "never";
	tz_localtime(z, ms, &tm);
	snprintf(buf, len, "%04lld-%02d-%02d %02d:%02d %s",
	    (long long)tm.year, tm.mon, tm.mday, tm.hour, tm.min, tm.abbr);
	return buf;
}

/*
 * One expectation: at instant `at` (UTC ms; 0: use `when` on the rota's
 * wall clock), level `level` has `who` on call ("-": nobody) through
 * `layer` for `reason`, until `until` (as show() prints it).
 */
struct expect {
	int		 level;
	const char	*when;
	int64_t		 at;
	const char	*who;
	const char	*layer;
	enum rota_reason reason;
	const char	*until;
};

static void
check(const struct rota *r, const struct rota_override *extra,
    size_t n_extra, const struct expect *e, size_t n)
{
	struct rota_answer	 ans;
	const struct tz		*z = rota_tz(r);
	char			 b1[64], b2[64];
	int64_t			 at;
	size_t			 i;

	for (i = 0; i < n; i++) {
		at = e[i].when ? wall(z, e[i].when) : e[i].at;
		assert_int_equal(rota_resolve_with(r, extra, n_extra,
		    e[i].level, at, &ans), 0);
		show(z, ans.until_ms, b1, sizeof(b1));
		if (strcmp(ans.who ? ans.who->id : "-", e[i].who) != 0 ||
		    strcmp(ans.layer_name ? ans.layer_name : "-",
		    e[i].layer) != 0 || ans.reason != e[i].reason ||
		    strcmp(ans.until_ms == INT64_MAX ? "never" : b1,
		    e[i].until) != 0)
			fail_msg("case %zu, level %d at %s: got %s/%s/%d "
			    "until %s; want %s/%s/%d until %s", i,
			    e[i].level, show(z, at, b2, sizeof(b2)),
			    ans.who ? ans.who->id : "-",
			    ans.layer_name ? ans.layer_name : "-",
			    ans.reason,
			    ans.until_ms == INT64_MAX ? "never" : b1,
			    e[i].who, e[i].layer,
			    e[i].reason, e[i].until);
	}
}

#define R	ROTA_ROTATION
#define H	ROTA_HOLIDAY
#define O	ROTA_OVERRIDE
#define N	ROTA_NOBODY

/* ------------------------------------------------------------ DST */

/*
 * Amsterdam, daily shifts handing off at 02:30 (inside the spring gap
 * and inside the repeated autumn hour) and at 09:00. Anchor Sunday
 * 2026-03-01: shift k belongs to members[k mod 3]. 29 March is k = 28
 * (b); 25 October is k = 238 (b).
 */
static void
test_daily_rotation_across_amsterdam_dst(void **state)
{
	struct rota_layer_spec	 l1[] = { { "night-handoff",
	    LIST("a", "b", "c"), "1d", "02:30", "2026-03-01", NONE } };
	struct rota_layer_spec	 l2[] = { { "day-handoff",
	    LIST("a", "b", "c"), "1d", "09:00", "2026-03-01", NONE } };
	struct rota_level_spec	 lv[] = { { "l1", l1, 1 },
	    { "l2", l2, 1 } };
	struct rota_spec	 rs[] = { { "ams", "Europe/Amsterdam", NULL,
	    NULL, lv, 2, NULL, 0, NULL } };
	struct rota_set		*set = build(rs, 1);
	const struct rota	*r = rota_set_find(set, "ams");
	struct rota_answer	 ans;
	static const struct expect e[] = {
		/* 01:59:59 CET: still a's shift, which ends when 02:30
		 * would come: the gap's end, 03:00 CEST (01:00 UTC). */
		{ 1, NULL, 1774745999000LL, "a", "night-handoff", R,
		  "2026-03-29 03:00 CEST" },
		{ 1, NULL, 1774746000000LL, "b", "night-handoff", R,
		  "2026-03-30 02:30 CEST" },
		{ 1, "2026-03-29 02:30", 0, "b", "night-handoff", R,
		  "2026-03-30 02:30 CEST" },
		/* Autumn: 02:30 CEST (00:30 UTC) is the handoff. */
		{ 1, NULL, 1792888199000LL, "a", "night-handoff", R,
		  "2026-10-25 02:30 CEST" },
		{ 1, NULL, 1792888200000LL, "b", "night-handoff", R,
		  "2026-10-26 02:30 CET" },
		/* 02:15 CET, the second pass: the handoff has happened. */
		{ 1, NULL, 1792890900000LL, "b", "night-handoff", R,
		  "2026-10-26 02:30 CET" },
		/* 09:00 handoffs are plain wall-clock 09:00. */
		{ 2, "2026-03-29 08:59", 0, "a", "day-handoff", R,
		  "2026-03-29 09:00 CEST" },
		{ 2, "2026-03-29 09:00", 0, "b", "day-handoff", R,
		  "2026-03-30 09:00 CEST" },
		{ 2, "2026-10-25 09:00", 0, "b", "day-handoff", R,
		  "2026-10-26 09:00 CET" },
	};

	check(r, NULL, 0, e, NELEM(e));
	/* The spring shift lasts 23.5 hours, the autumn one 25. */
	assert_int_equal(rota_resolve(r, 1, 1774746000000LL, &ans), 0);
	assert_int_equal(ans.shift_start_ms, 1774746000000LL);
	assert_int_equal(ans.shift_end_ms - ans.shift_start_ms,
	    23 * 3600000LL + 1800000);
	assert_int_equal(rota_resolve(r, 1, 1792888200000LL, &ans), 0);
	assert_int_equal(ans.shift_end_ms - ans.shift_start_ms, 25 * 3600000LL);
	assert_int_equal(rota_resolve(r, 3, 0, &ans), -1);
	assert_int_equal(rota_resolve(r, 0, 0, &ans), -1);
	rota_set_free(set);
}

/*
 * New York, weekly shifts from Sunday 2026-03-01: handing off "sun 02:30"
 * (in the 8 March gap) and "sun 01:30" (ambiguous on 1 November). Week
 * k belongs to members[k mod 2]: 8 March is k = 1 (b), 1 November k = 35.
 */
static void
test_weekly_rotation_across_new_york_dst(void **state)
{
	struct rota_layer_spec	 l1[] = { { "gap", LIST("a", "b"), "1w",
	    "sun 02:30", "2026-03-01", NONE } };
	struct rota_layer_spec	 l2[] = { { "twice", LIST("a", "b"), "1w",
	    "sun 01:30", "2026-03-01", NONE } };
	struct rota_level_spec	 lv[] = { { NULL, l1, 1 },
	    { NULL, l2, 1 } };
	struct rota_spec	 rs[] = { { "nyc", "America/New_York", NULL,
	    NULL, lv, 2, NULL, 0, NULL } };
	struct rota_set		*set = build(rs, 1);
	const struct rota	*r = rota_set_find(set, "nyc");
	struct rota_answer	 ans;
	static const struct expect e[] = {
		/* 01:59:59 EST (06:59:59 UTC), then 03:00 EDT. */
		{ 1, NULL, 1772953199000LL, "a", "gap", R,
		  "2026-03-08 03:00 EDT" },
		{ 1, NULL, 1772953200000LL, "b", "gap", R,
		  "2026-03-15 02:30 EDT" },
		/* 01:29 EDT, then 01:30 EDT (05:30 UTC) hands off. */
		{ 2, NULL, 1793510940000LL, "a", "twice", R,
		  "2026-11-01 01:30 EDT" },
		{ 2, NULL, 1793511000000LL, "b", "twice", R,
		  "2026-11-08 01:30 EST" },
		/* 01:15 EST, the repeat: b stays. */
		{ 2, NULL, 1793514900000LL, "b", "twice", R,
		  "2026-11-08 01:30 EST" },
	};

	check(r, NULL, 0, e, NELEM(e));
	/* b's first New York week is an hour short, the November one long. */
	assert_int_equal(rota_resolve(r, 1, 1772953200000LL, &ans), 0);
	assert_int_equal(ans.shift_end_ms - ans.shift_start_ms,
	    168 * 3600000LL - 1800000);
	assert_int_equal(rota_resolve(r, 2, 1793511000000LL, &ans), 0);
	assert_int_equal(ans.shift_end_ms - ans.shift_start_ms,
	    169 * 3600000LL);
	rota_set_free(set);
}

/* ------------------------------------------------------------ restrictions */

/*
 * Business hours, nights (every day, across midnight) and weekends on
 * top, queried at the turn of months and of the year. Each layer has one
 * member, so the layer alone says who: b business, c nights, d weekend.
 */
static void
test_nights_and_weekends_across_midnight_month_and_year(void **state)
{
	struct rota_layer_spec	 ly[] = {
		{ "business", LIST("b"), "1w", "mon 09:00", "2026-01-05",
		  LIST("mon-fri 09:00-18:00") },
		{ "nights", LIST("c"), "1d", "18:00", "2026-01-05",
		  LIST("18:00-09:00") },
		{ "weekend", LIST("d"), "1w", "fri 18:00", "2026-01-02",
		  LIST("fri 18:00 - mon 09:00") },
	};
	struct rota_level_spec	 lv[] = { { NULL, ly, NELEM(ly) } };
	struct rota_spec	 rs[] = { { "t", "Europe/Amsterdam", NULL, NULL,
	    lv, 1, NULL, 0, NULL } };
	struct rota_set		*set = build(rs, 1);
	static const struct expect e[] = {
		/* Saturday 31 January into Sunday 1 February. */
		{ 1, "2026-01-31 23:59", 0, "d", "weekend", R,
		  "2026-02-02 09:00 CET" },
		{ 1, "2026-02-01 00:00", 0, "d", "weekend", R,
		  "2026-02-02 09:00 CET" },
		/* Tuesday 31 March into Wednesday 1 April (CEST). */
		{ 1, "2026-03-31 17:59", 0, "b", "business", R,
		  "2026-03-31 18:00 CEST" },
		{ 1, "2026-03-31 23:59", 0, "c", "nights", R,
		  "2026-04-01 09:00 CEST" },
		{ 1, "2026-04-01 00:00", 0, "c", "nights", R,
		  "2026-04-01 09:00 CEST" },
		/* Thursday 31 December 2026 to Monday 4 January 2027. */
		{ 1, "2026-12-31 23:30", 0, "c", "nights", R,
		  "2027-01-01 09:00 CET" },
		{ 1, "2027-01-01 08:59", 0, "c", "nights", R,
		  "2027-01-01 09:00 CET" },
		{ 1, "2027-01-01 09:00", 0, "b", "business", R,
		  "2027-01-01 18:00 CET" },
		{ 1, "2027-01-01 18:00", 0, "d", "weekend", R,
		  "2027-01-04 09:00 CET" },
		{ 1, "2027-01-04 08:59", 0, "d", "weekend", R,
		  "2027-01-04 09:00 CET" },
		{ 1, "2027-01-04 09:00", 0, "b", "business", R,
		  "2027-01-04 18:00 CET" },
	};

	check(rota_set_find(set, "t"), NULL, 0, e, NELEM(e));
	rota_set_free(set);
}

/* ------------------------------------------------------------ turns */

/*
 * The turn moves per shift the layer covers. Weeknights (Mon-Thu, daily
 * shifts at 18:00 from Monday 5 January 2026) with a, b, c: Mon a, Tue b,
 * Wed c, Thu a; Friday to Sunday are not covered, so next Monday is b.
 * Business days (daily at 09:00) with a, b: the weekend costs no turn.
 * A 24/7 daily layer under a weekend layer: Saturday's and Sunday's
 * shifts (09:00 to 09:00) are hidden entirely and do not count either,
 * but Friday's does (09:00-18:00 shows).
 */
static void
test_turns_advance_only_over_covered_shifts(void **state)
{
	struct rota_layer_spec	 nights[] = { { "nights",
	    LIST("a", "b", "c"), "1d", "18:00", "2026-01-05",
	    LIST("mon-thu 18:00-09:00") } };
	struct rota_layer_spec	 days[] = { { "days", LIST("a", "b"),
	    "1d", "09:00", "2026-01-05", LIST("mon-fri 09:00-18:00") } };
	struct rota_layer_spec	 masked[] = {
		{ "base", LIST("a", "b", "c"), "1d", "09:00", "2026-01-05",
		  NONE },
		{ "weekend", LIST("f"), "1w", "fri 18:00", "2026-01-02",
		  LIST("fri 18:00 - mon 09:00") },
	};
	struct rota_level_spec	 lv[] = { { NULL, nights, 1 },
	    { NULL, days, 1 }, { NULL, masked, 2 } };
	struct rota_spec	 rs[] = { { "t", "Europe/Amsterdam", NULL, NULL,
	    lv, 3, NULL, 0, NULL } };
	struct rota_set		*set = build(rs, 1);
	static const char *const want_nights[] = {
		/* Mon..Thu of the weeks of 5, 12 and 19 January */
		"a", "b", "c", "a", "b", "c", "a", "b", "c", "a", "b", "c"
	};
	static const char *const want_days[] = {
		/* Mon..Fri of the weeks of 5 and 12 January */
		"a", "b", "a", "b", "a", "b", "a", "b", "a", "b"
	};
	static const struct expect e[] = {
		/* Before the anchor: Thursday 1 January is turn -1 (c). */
		{ 1, "2026-01-01 20:00", 0, "c", "nights", R,
		  "2026-01-02 09:00 CET" },
		/* Base: Mon 5 a, Tue b, Wed c, Thu a, Fri b (09-18). */
		{ 3, "2026-01-09 12:00", 0, "b", "base", R,
		  "2026-01-09 18:00 CET" },
		{ 3, "2026-01-10 12:00", 0, "f", "weekend", R,
		  "2026-01-12 09:00 CET" },
		/* Saturday and Sunday cost no turn: Monday 12 is c. */
		{ 3, "2026-01-12 12:00", 0, "c", "base", R,
		  "2026-01-13 09:00 CET" },
	};
	const struct rota	*r = rota_set_find(set, "t");
	struct rota_answer	 ans;
	int64_t			 day;
	size_t			 i, n;

	for (i = 0, n = 0; n < NELEM(want_nights); i++) {
		day = civil_days(2026, 1, 5) + (int64_t)i;
		if (civil_weekday(day) == 5 || civil_weekday(day) == 6 ||
		    civil_weekday(day) == 0)
			continue;
		/* 23:00 that night */
		assert_int_equal(rota_resolve(r, 1, tz_utc_ms(rota_tz(r),
		    (day * 1440 + 23 * 60) * 60000LL, NULL), &ans), 0);
		assert_non_null(ans.who);
		if (strcmp(ans.who->id, want_nights[n]) != 0)
			fail_msg("night %zu: %s, want %s", n, ans.who->id,
			    want_nights[n]);
		n++;
	}
	for (i = 0, n = 0; n < NELEM(want_days); i++) {
		day = civil_days(2026, 1, 5) + (int64_t)i;
		if (civil_weekday(day) == 6 || civil_weekday(day) == 0)
			continue;
		assert_int_equal(rota_resolve(r, 2, tz_utc_ms(rota_tz(r),
		    (day * 1440 + 12 * 60) * 60000LL, NULL), &ans), 0);
		if (strcmp(ans.who->id, want_days[n]) != 0)
			fail_msg("day %zu: %s, want %s", n, ans.who->id,
			    want_days[n]);
		n++;
	}
	check(r, NULL, 0, e, NELEM(e));
	rota_set_free(set);
}

/*
 * Walk a year of a level's schedule: whenever a layer comes on top in a
 * new shift, its member must be the next one in turn after that layer's
 * previous shift. That is "nobody loses a turn", checked for restricted,
 * hidden and holiday layers, DST included.
 */
static void
check_turns_cycle(const struct rota *r, int level, const char *from,
    int days, int nlayers, const int *nmembers,
    struct rota_layer_spec *specs)
{
	struct rota_iter	 it;
	struct rota_span	 sp, prev = { 0 };
	int64_t			 last_shift[8];
	int			 last_idx[8], i, idx, seen = 0;
	int64_t			 t0 = wall(rota_tz(r), from);

	for (i = 0; i < nlayers; i++) {
		last_shift[i] = INT64_MIN;
		last_idx[i] = -1;
	}
	rota_iter_init(&it, r, NULL, 0, level, t0,
	    t0 + (int64_t)days * 86400000LL);
	while (rota_iter_next(&it, &sp)) {
		/* Consecutive spans differ, and touch. */
		if (seen) {
			assert_int_equal(sp.start_ms, prev.end_ms);
			assert_false(sp.answer.who == prev.answer.who &&
			    sp.answer.layer == prev.answer.layer &&
			    sp.answer.reason == prev.answer.reason);
		}
		seen = 1;
		prev = sp;
		if ((i = sp.answer.layer) < 0 ||
		    sp.answer.shift_start_ms == last_shift[i])
			continue;
		for (idx = 0; idx < nmembers[i]; idx++)
			if (strcmp(specs[i].members[idx],
			    sp.answer.who->id) == 0)
				break;
		assert_true(idx < nmembers[i]);
		if (last_idx[i] != -1 && idx != (last_idx[i] + 1) % nmembers[i])
			fail_msg("layer %d: %s after member %d", i,
			    sp.answer.who->id, last_idx[i]);
		last_idx[i] = idx;
		last_shift[i] = sp.answer.shift_start_ms;
	}
}

static void
test_turn_order_never_skips_a_member(void **state)
{
	struct rota_layer_spec	 team[] = {
		{ "base", LIST("a", "b", "c"), "12h", "08:00", "2026-01-05",
		  NONE },
		{ "business", LIST("b", "d", "e"), "1d", "09:00", "2026-01-05",
		  LIST("mon-fri 09:00-18:00") },
		{ "nights", LIST("a", "c", "e", "f"), "1d", "18:00",
		  "2026-01-05", LIST("mon-thu 18:00-09:00") },
		{ "weekend", LIST("d", "f"), "1w", "fri 18:00", "2026-01-02",
		  LIST("fri 18:00 - mon 09:00") },
		{ "holiday", LIST("a", "b", "c", "d", "e"), "1d", "00:00",
		  "2026-01-01", LIST("holidays") },
	};
	struct rota_layer_spec	 odd[] = {
		{ "odd", LIST("a", "b", "c", "d", "e", "f", "g"), "10h",
		  "07:00", "2026-02-03", LIST("tue,thu", "sat 22:00-02:00") },
		{ "top", LIST("a", "b"), "3d", "13:00", "2026-02-01",
		  LIST("wed 10:00 - thu 15:00", "holidays") },
	};
	struct rota_level_spec	 lv[] = { { NULL, team, NELEM(team) },
	    { NULL, odd, NELEM(odd) } };
	struct rota_spec	 rs[] = {
		{ "layer", "Europe/Amsterdam", "nl", "layer", lv, 2, NULL, 0,
		  NULL },
		{ "weekend", "America/New_York", "nl", "weekend", lv, 2,
		  NULL, 0, NULL },
	};
	struct rota_set		*set = build(rs, 2);
	static const int	 nteam[] = { 3, 3, 4, 2, 5 }, nodd[] = { 7, 2 };

	check_turns_cycle(rota_set_find(set, "layer"), 1, "2026-01-01 00:00",
	    400, NELEM(team), nteam, team);
	check_turns_cycle(rota_set_find(set, "layer"), 2, "2025-11-01 00:00",
	    500, NELEM(odd), nodd, odd);
	check_turns_cycle(rota_set_find(set, "weekend"), 1,
	    "2026-01-01 00:00", 400, NELEM(team), nteam, team);
	check_turns_cycle(rota_set_find(set, "weekend"), 2,
	    "2026-01-01 00:00", 400, NELEM(odd), nodd, odd);
	rota_set_free(set);
}

/*
 * until_ms is the next change, exactly: at every minute before it the
 * answer is the same, at it the answer differs. Random instants (fixed
 * seed) on a busy level with every kind of layer, DST and holidays.
 */
static void
test_until_is_the_next_change(void **state)
{
	struct rota_layer_spec	 team[] = {
		{ "base", LIST("a", "b", "c"), "12h", "08:00", "2026-01-05",
		  NONE },
		{ "business", LIST("b", "d", "e"), "1d", "09:00", "2026-01-05",
		  LIST("mon-fri 09:00-18:00") },
		{ "nights", LIST("a", "c", "e", "f"), "1d", "18:00",
		  "2026-01-05", LIST("mon-thu 18:00-09:00") },
		{ "weekend", LIST("d"), "1w", "fri 18:00", "2026-01-02",
		  LIST("fri 18:00 - mon 09:00") },
		{ "holiday", LIST("a", "b"), "1d", "00:00", "2026-01-01",
		  LIST("holidays") },
		{ "odd", LIST("f", "g"), "10h", "02:30", "2026-02-03",
		  LIST("tue 01:00-03:30", "sun 02:15 - sun 02:45") },
	};
	struct rota_level_spec	 lv[] = { { NULL, team, NELEM(team) } };
	struct rota_override_spec ov[] = {
		{ "g", "a", 0, "2026-03-27 00:00", "2026-04-02 00:00", NULL },
		{ "f", NULL, 1, "2026-10-24 20:00", "2026-10-25 02:40", NULL },
	};
	struct rota_spec	 rs[] = { { "t", "Europe/Amsterdam", "nl",
	    "weekend", lv, 1, ov, NELEM(ov), NULL } };
	struct rota_set		*set = build(rs, 1);
	const struct rota	*r = rota_set_find(set, "t");
	struct rota_answer	 a, b;
	uint64_t		 seed = 12345;
	int64_t			 t, m, lo = wall(rota_tz(r), "2026-03-20 00:00");
	int			 i;

	for (i = 0; i < 300; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		/* Spring and autumn DST weeks, Christmas, and anywhere. */
		t = lo + (int64_t)((seed >> 33) % (300ULL * 86400000));
		if (i % 3 == 1)
			t = lo + (int64_t)((seed >> 33) % (14ULL * 86400000));
		if (i % 3 == 2)
			t = wall(rota_tz(r), "2026-10-20 00:00") +
			    (int64_t)((seed >> 33) % (10ULL * 86400000));
		assert_int_equal(rota_resolve(r, 1, t, &a), 0);
		assert_true(a.until_ms > t);
		for (m = t + 60000; m < a.until_ms &&
		    m < t + 8 * 86400000LL; m += 60000) {
			assert_int_equal(rota_resolve(r, 1, m, &b), 0);
			if (b.who != a.who || b.layer != a.layer ||
			    b.reason != a.reason || b.override != a.override)
				fail_msg("at %lld: changed at %lld before "
				    "until %lld", (long long)t, (long long)m,
				    (long long)a.until_ms);
		}
		if (a.until_ms == INT64_MAX)
			continue;
		assert_int_equal(rota_resolve(r, 1, a.until_ms, &b), 0);
		assert_false(b.who == a.who && b.layer == a.layer &&
		    b.reason == a.reason && b.override == a.override);
		assert_int_equal(rota_resolve(r, 1, a.until_ms - 1, &b), 0);
		assert_true(b.who == a.who && b.layer == a.layer &&
		    b.reason == a.reason && b.override == a.override);
	}
	rota_set_free(set);
}

/* ------------------------------------------------------------ holidays */

/*
 * One team under the three holiday policies. Koningsdag, Monday 27 April
 * 2026; layers: business a (Mon-Fri 09-18), weeknights b (Mon-Thu
 * 18-09), weekend c (Fri 18 - Mon 09), holiday d ("holidays"; absent
 * under "ignore" and "weekend", where it would be refused or redundant).
 */
static void
test_holiday_policies(void **state)
{
	struct rota_layer_spec	 with[] = {
		{ "business", LIST("a"), "1w", "mon 09:00", "2026-01-05",
		  LIST("mon-fri 09:00-18:00") },
		{ "weeknights", LIST("b"), "1d", "18:00", "2026-01-05",
		  LIST("mon-thu 18:00-09:00") },
		{ "weekend", LIST("c"), "1w", "fri 18:00", "2026-01-02",
		  LIST("fri 18:00 - mon 09:00") },
		{ "holiday", LIST("d", "e"), "1d", "00:00", "2026-01-01",
		  LIST("holidays") },
	};
	struct rota_level_spec	 lv_with[] = { { NULL, with, 4 } };
	struct rota_level_spec	 lv_without[] = { { NULL, with, 3 } };
	struct rota_spec	 rs[] = {
		{ "layer", "Europe/Amsterdam", "nl", "layer", lv_with, 1,
		  NULL, 0, NULL },
		{ "weekend", "Europe/Amsterdam", "nl", "weekend", lv_without,
		  1, NULL, 0, NULL },
		{ "ignore", "Europe/Amsterdam", "nl", "ignore", lv_without, 1,
		  NULL, 0, NULL },
	};
	struct rota_set		*set = build(rs, 3);
	static const struct expect layer[] = {
		/* Sunday 26 April, the weekend layer until the holiday. */
		{ 1, "2026-04-26 23:59", 0, "c", "weekend", R,
		  "2026-04-27 00:00 CEST" },
		/* Holidays 2026 so far: 01-01 (d); Koningsdag is e. */
		{ 1, "2026-04-27 12:00", 0, "e", "holiday", H,
		  "2026-04-28 00:00 CEST" },
		{ 1, "2026-04-28 00:00", 0, "b", "weeknights", R,
		  "2026-04-28 09:00 CEST" },
		/* Friday 25 December, Saturday 26 December: d then e. */
		{ 1, "2026-12-24 23:59", 0, "b", "weeknights", R,
		  "2026-12-25 00:00 CET" },
		{ 1, "2026-12-25 12:00", 0, "d", "holiday", H,
		  "2026-12-26 00:00 CET" },
		{ 1, "2026-12-26 12:00", 0, "e", "holiday", H,
		  "2026-12-27 00:00 CET" },
		{ 1, "2026-12-27 12:00", 0, "c", "weekend", R,
		  "2026-12-28 09:00 CET" },
	};
	static const struct expect weekend[] = {
		/* The weekend layer takes Monday 27 April as a Saturday... */
		{ 1, "2026-04-27 12:00", 0, "c", "weekend", H,
		  "2026-04-28 00:00 CEST" },
		/* ...and Monday night's window still ends Tuesday 09:00. */
		{ 1, "2026-04-28 00:00", 0, "b", "weeknights", R,
		  "2026-04-28 09:00 CEST" },
		/* Thursday 1 January 2026: weekend from 00:00. */
		{ 1, "2025-12-31 23:00", 0, "b", "weeknights", R,
		  "2026-01-01 00:00 CET" },
		{ 1, "2026-01-01 09:30", 0, "c", "weekend", H,
		  "2026-01-02 00:00 CET" },
		{ 1, "2026-01-02 00:00", 0, "b", "weeknights", R,
		  "2026-01-02 09:00 CET" },
	};
	static const struct expect ignore[] = {
		{ 1, "2026-04-27 12:00", 0, "a", "business", R,
		  "2026-04-27 18:00 CEST" },
		{ 1, "2026-12-25 12:00", 0, "a", "business", R,
		  "2026-12-25 18:00 CET" },
	};
	struct rota_answer	 ans;

	check(rota_set_find(set, "layer"), NULL, 0, layer, NELEM(layer));
	check(rota_set_find(set, "weekend"), NULL, 0, weekend,
	    NELEM(weekend));
	check(rota_set_find(set, "ignore"), NULL, 0, ignore, NELEM(ignore));
	assert_int_equal(rota_resolve(rota_set_find(set, "layer"), 1,
	    wall(rota_tz(rota_set_find(set, "layer")), "2026-04-27 12:00"),
	    &ans), 0);
	assert_string_equal(ans.holiday, "Koningsdag");
	rota_set_free(set);
}

/* ------------------------------------------------------------ overrides */

/*
 * A 24/7 weekly rota (a, b from Monday 5 January 09:00), two levels.
 * From the config: c covers a from Tue 6 Jan 12:00 to Thu 8 Jan 12:00;
 * d takes level 1 from Wed 7 Jan 09:00 to 18:00 (a level override beats
 * a person override); e covers a from Wed 7 Jan 20:00 to Fri 9 Jan 00:00
 * (started after c's: wins). f covers b on every level all of February.
 * An expired override (a covers b in 2025) changes nothing.
 */
static void
test_override_precedence_and_expiry(void **state)
{
	struct rota_layer_spec	 base[] = { { "base", LIST("a", "b"),
	    "1w", "mon 09:00", "2026-01-05", NONE } };
	struct rota_layer_spec	 day[] = { { "day", LIST("b"), "1d",
	    "09:00", "2026-01-05", LIST("mon-fri 09:00-17:00") } };
	struct rota_level_spec	 lv[] = { { NULL, base, 1 },
	    { NULL, day, 1 } };
	struct rota_override_spec ov[] = {
		{ "c", "a", 0, "2026-01-06 12:00", "2026-01-08 12:00", NULL },
		{ "d", NULL, 1, "2026-01-07 09:00", "2026-01-07 18:00",
		  "training" },
		{ "e", "a", 1, "2026-01-07 20:00", "2026-01-09 00:00", NULL },
		{ "f", "b", 0, "2026-02-01T00:00:00+01:00",
		  "2026-03-01 00:00", NULL },
		{ "a", "b", 0, "2025-01-01 00:00", "2025-02-01 00:00", NULL },
		/* Fills a gap: level 2 has nobody at night. */
		{ "g", NULL, 2, "2026-01-05 20:00", "2026-01-06 08:00", NULL },
	};
	struct rota_spec	 rs[] = { { "t", "Europe/Amsterdam", NULL, NULL,
	    lv, 2, ov, NELEM(ov), NULL } };
	struct rota_set		*set = build(rs, 1);
	const struct rota	*r = rota_set_find(set, "t");
	static const struct expect e[] = {
		{ 1, "2026-01-06 11:59", 0, "a", "base", R,
		  "2026-01-06 12:00 CET" },
		{ 1, "2026-01-06 12:00", 0, "c", "base", O,
		  "2026-01-07 09:00 CET" },
		{ 1, "2026-01-07 09:00", 0, "d", "base", O,
		  "2026-01-07 18:00 CET" },
		{ 1, "2026-01-07 18:00", 0, "c", "base", O,
		  "2026-01-07 20:00 CET" },
		{ 1, "2026-01-07 20:00", 0, "e", "base", O,
		  "2026-01-09 00:00 CET" },
		/* c's override ended Thursday noon; e's runs on. */
		{ 1, "2026-01-08 12:30", 0, "e", "base", O,
		  "2026-01-09 00:00 CET" },
		{ 1, "2026-01-09 00:00", 0, "a", "base", R,
		  "2026-01-12 09:00 CET" },
		/* e is level 1 only; c covers a on every level, but a is not
		 * on level 2. */
		{ 2, "2026-01-08 10:00", 0, "b", "day", R,
		  "2026-01-08 17:00 CET" },
		/* f covers b from 1 February: weeks go a, b, a, b from
		 * 5 January, so 26 January - 2 February is b's. */
		{ 1, "2026-01-31 23:59", 0, "b", "base", R,
		  "2026-02-01 00:00 CET" },
		{ 1, "2026-02-01 12:00", 0, "f", "base", O,
		  "2026-02-02 09:00 CET" },
		{ 1, "2026-02-02 09:00", 0, "a", "base", R,
		  "2026-02-09 09:00 CET" },
		{ 2, "2026-02-02 09:00", 0, "f", "day", O,
		  "2026-02-02 17:00 CET" },
		/* Week k = -51 (13 January 2025) is b's: a covers it. */
		{ 1, "2025-01-13 10:00", 0, "a", "base", O,
		  "2025-01-20 09:00 CET" },
		{ 1, "2025-01-20 10:00", 0, "a", "base", R,
		  "2025-01-27 09:00 CET" },
		/* Expired: week -43 (10 March 2025) is b's own again. */
		{ 1, "2025-03-10 10:00", 0, "b", "base", R,
		  "2025-03-17 09:00 CET" },
		{ 2, "2026-01-05 19:00", 0, "-", "-", N,
		  "2026-01-05 20:00 CET" },
		{ 2, "2026-01-05 20:00", 0, "g", "-", O,
		  "2026-01-06 08:00 CET" },
		{ 2, "2026-01-06 08:00", 0, "-", "-", N,
		  "2026-01-06 09:00 CET" },
	};
	/* From the API: b takes level 1 Wednesday 10-11, over d. */
	struct rota_override	 api[] = { { 1, -1, 1, 0, 0, "api" } };
	static const struct expect with_api[] = {
		{ 1, "2026-01-07 10:30", 0, "b", "base", O,
		  "2026-01-07 11:00 CET" },
		{ 1, "2026-01-07 11:00", 0, "d", "base", O,
		  "2026-01-07 18:00 CET" },
	};
	struct rota_answer	 ans;
	size_t			 n;

	check(r, NULL, 0, e, NELEM(e));
	api[0].from_ms = wall(rota_tz(r), "2026-01-07 09:00");
	api[0].until_ms = wall(rota_tz(r), "2026-01-07 11:00");
	check(r, api, 1, with_api, NELEM(with_api));
	assert_int_equal(rota_resolve(r, 1, wall(rota_tz(r),
	    "2026-01-07 12:00"), &ans), 0);
	assert_string_equal(ans.scheduled->id, "a");
	assert_string_equal(ans.override->note, "training");
	(void)rota_overrides(r, &n);
	assert_int_equal(n, NELEM(ov));
	rota_set_free(set);
}

/* ------------------------------------------------------------ gaps */

/*
 * Evenings every day, early mornings Saturday to Thursday, weekends all
 * day, business hours Monday to Friday: Friday 00:00-09:00 is uncovered.
 */
static void
test_coverage_gaps(void **state)
{
	struct rota_layer_spec	 ly[] = {
		{ "business", LIST("a"), "1w", "mon 09:00", "2026-01-05",
		  LIST("mon-fri 09:00-18:00") },
		{ "evenings", LIST("b"), "1d", "18:00", "2026-01-05",
		  LIST("18:00-24:00") },
		{ "mornings", LIST("c"), "1d", "00:00", "2026-01-05",
		  LIST("sat-thu 00:00-09:00", "sat,sun") },
	};
	struct rota_layer_spec	 nights[] = { { "nights", LIST("b"), "1d",
	    "18:00", "2026-01-05", LIST("mon-thu 18:00-09:00") } };
	struct rota_level_spec	 lv[] = { { NULL, ly, 3 },
	    { NULL, nights, 1 } };
	struct rota_spec	 rs[] = { { "db", "Europe/Amsterdam", NULL,
	    NULL, lv, 2, NULL, 0, NULL } };
	struct rota_set		*set = build(rs, 1);
	const struct rota	*r = rota_set_find(set, "db");
	static const char *const want1[] = {
		"rota db level 1: nobody on call 2026-12-25 00:00\xe2\x80\x93"
		    "09:00 Europe/Amsterdam",
		"rota db level 1: nobody on call 2027-01-01 00:00\xe2\x80\x93"
		    "09:00 Europe/Amsterdam",
	};
	static const char *const want2[] = {
		"rota db level 2: nobody on call 2026-12-21 00:00\xe2\x80\x93"
		    "18:00 Europe/Amsterdam",
		"rota db level 2: nobody on call 2026-12-22 09:00\xe2\x80\x93"
		    "18:00 Europe/Amsterdam",
		"rota db level 2: nobody on call 2026-12-23 09:00\xe2\x80\x93"
		    "18:00 Europe/Amsterdam",
		"rota db level 2: nobody on call 2026-12-24 09:00\xe2\x80\x93"
		    "18:00 Europe/Amsterdam",
		"rota db level 2: nobody on call 2026-12-25 09:00 \xe2\x80\x93"
		    " 2026-12-28 18:00 Europe/Amsterdam",
	};
	struct rota_iter	 it;
	struct rota_span	 sp;
	char			 buf[200];
	int64_t			 from;
	size_t			 n = 0;

	from = wall(rota_tz(r), "2026-12-21 00:00");
	rota_iter_init(&it, r, NULL, 0, 1, from, from + 14 * 86400000LL);
	while (rota_gap_next(&it, &sp)) {
		assert_true(n < NELEM(want1));
		rota_gap_format(r, 1, &sp, buf, sizeof(buf));
		assert_string_equal(buf, want1[n]);
		n++;
	}
	assert_int_equal(n, NELEM(want1));

	n = 0;
	rota_iter_init(&it, r, NULL, 0, 2, from, wall(rota_tz(r),
	    "2026-12-29 00:00"));
	while (rota_gap_next(&it, &sp)) {
		assert_true(n < NELEM(want2));
		rota_gap_format(r, 2, &sp, buf, sizeof(buf));
		assert_string_equal(buf, want2[n]);
		n++;
	}
	assert_int_equal(n, NELEM(want2));
	rota_set_free(set);
}

/* A gap that ends at midnight reads 00:00-24:00, not the next day. */
static void
test_gap_to_midnight_reads_24_00(void **state)
{
	struct rota_layer_spec	 ly[] = { { "wd", LIST("a"), "1d",
	    "00:00", "2026-01-05", LIST("mon-fri") } };
	struct rota_level_spec	 lv[] = { { NULL, ly, 1 } };
	struct rota_spec	 rs[] = { { "x", "UTC", NULL, NULL, lv, 1,
	    NULL, 0, NULL } };
	struct rota_set		*set = build(rs, 1);
	const struct rota	*r = rota_set_find(set, "x");
	struct rota_span	 sp = { 0 };
	char			 buf[200];

	sp.start_ms = wall(rota_tz(r), "2026-01-10 00:00");
	sp.end_ms = wall(rota_tz(r), "2026-01-11 00:00");
	rota_gap_format(r, 1, &sp, buf, sizeof(buf));
	assert_string_equal(buf, "rota x level 1: nobody on call 2026-01-10 "
	    "00:00\xe2\x80\x93" "24:00 UTC");
	rota_set_free(set);
}

/* ------------------------------------------------------------ errors */

static void
test_build_errors_name_the_key(void **state)
{
	struct rota_layer_spec	 ly[] = {
		{ NULL, LIST("a", "zed"), "1w", "mon 09:00", "2026-01-06",
		  LIST("mon-fri 09:00-18:00", "holidays") },
		{ NULL, LIST("a"), "1d", "mon 09:00", "2026-01-05",
		  LIST("fri 18:00-mon 09:00x") },
	};
	struct rota_level_spec	 lv[] = { { NULL, ly, 2 } };
	struct rota_layer_spec	 fine[] = { { NULL, LIST("a"), "1d",
	    "09:00", "2026-01-05", NONE } };
	struct rota_level_spec	 lv_fine[] = { { NULL, fine, 1 } };
	struct rota_override_spec ov[] = {
		{ "nobody", NULL, 0, "2026-01-01 00:00", "2025-01-01", NULL },
		{ "a", "b", 3, "2026-01-01 00:00", "2026-01-01 00:00", NULL },
	};
	struct rota_spec	 rs[] = {
		{ "t", "Europe/Amsterdam", "xx", "sometimes", lv, 1, ov, 2,
		  "nobody" },
		{ "u", "Mars/Olympus_Mons", NULL, NULL, lv_fine, 1, NULL, 0,
		  "a" },
	};
	struct rota_set_spec	 spec = { people, NELEM(people), cals,
	    NELEM(cals), rs, NELEM(rs) };
	struct perr_list	 errs = { 0 };
	static const struct { const char *key, *msg; } want[] = {
		{ "rotas.t.holiday_policy", "\"sometimes\" must be layer" },
		{ "rotas.t.holidays", "no holiday calendar \"xx\"" },
		{ "rotas.t.owner", "owner \"nobody\" is not in people" },
		{ "rotas.t.levels[0].layers[0].members[1]",
		  "no person \"zed\" in people" },
		{ "rotas.t.levels[0].layers[0].anchor",
		  "2026-01-06 is a Tue, but the handoff is on Mons" },
		{ "rotas.t.levels[0].layers[0].restrictions[1]",
		  "\"holidays\" needs a calendar" },
		{ "rotas.t.levels[0].layers[1].handoff",
		  "names a weekday, which needs a shift of whole weeks" },
		{ "rotas.t.levels[0].layers[1].restrictions[0]",
		  "\"fri 18:00-mon 09:00x\" has extra text" },
		{ "rotas.t.overrides[0]", "person \"nobody\" is not in" },
		{ "rotas.t.overrides[0]", "needs covers (a person) or level" },
		{ "rotas.t.overrides[1]", "level 3: the rota has levels 1..1" },
		{ "rotas.u.time_zone",
		  "unknown time zone \"Mars/Olympus_Mons\"" },
	};
	size_t			 i;

	assert_null(rota_set_build(&spec, NULL, &errs));
	for (i = 0; i < errs.n && i < NELEM(want); i++) {
		assert_string_equal(errs.v[i].file, "");
		if (strcmp(errs.v[i].key, want[i].key) != 0 ||
		    strstr(errs.v[i].msg, want[i].msg) == NULL)
			fail_msg("error %zu: %s: %s; want %s: %s", i,
			    errs.v[i].key, errs.v[i].msg, want[i].key,
			    want[i].msg);
	}
	assert_int_equal(errs.n, NELEM(want));
	perr_list_clear(&errs);
}

static void
test_value_checks(void **state)
{
	static const char *const phones_ok[] = { "+31612345678",
	    "+12125550123", "+4930123456" };
	static const char *const phones_bad[] = { "", "0612345678",
	    "+31 6 12345678", "+0612345678", "+3161234", "+3161234567890123",
	    "+31-612345678" };
	static const char *const restr_ok[] = { "mon-fri 09:00-18:00",
	    "18:00-09:00", "fri 18:00 - mon 09:00", "sat,sun", "sat-sun",
	    "holidays", "Mon-Thu 18:00-9:00", "fri-mon", "00:00-24:00",
	    "sun 22:00-02:00", "mon,wed,fri 08:00-12:00" };
	static const char *const restr_bad[] = { "", "weekdays",
	    "mon-fri 09:00", "09:00-09:00", "mon 09:00 - mon 09:00",
	    "24:00-06:00", "mon-fri 9-18", "mon-fri 09:00-18:60",
	    "mon-wed 18:00 - fri 09:00", "holidays mon" };
	size_t	 i;

	for (i = 0; i < NELEM(phones_ok); i++)
		assert_null(rota_check_phone(phones_ok[i]));
	for (i = 0; i < NELEM(phones_bad); i++)
		assert_non_null(rota_check_phone(phones_bad[i]));
	for (i = 0; i < NELEM(restr_ok); i++)
		if (rota_check_restriction(restr_ok[i]) != NULL)
			fail_msg("refused %s", restr_ok[i]);
	for (i = 0; i < NELEM(restr_bad); i++)
		if (rota_check_restriction(restr_bad[i]) == NULL)
			fail_msg("accepted %s", restr_bad[i]);
	assert_null(rota_check_shift("12h"));
	assert_null(rota_check_shift("2w"));
	assert_non_null(rota_check_shift("0d"));
	assert_non_null(rota_check_shift("53w"));
	assert_non_null(rota_check_shift("1 fortnight"));
	assert_null(rota_check_handoff("mon 09:00"));
	assert_non_null(rota_check_handoff("09:00 mon"));
	assert_non_null(rota_check_handoff("24:00"));
	assert_null(rota_check_date("2028-02-29"));
	assert_non_null(rota_check_date("2026-02-29"));
	assert_null(rota_check_when("2026-12-24 18:00"));
	assert_null(rota_check_when("2026-12-24"));
	assert_null(rota_check_when("2026-12-24T18:00:00Z"));
	assert_non_null(rota_check_when("24 Dec 2026"));
	assert_null(rota_check_email("anna@example.com"));
	assert_non_null(rota_check_email("anna@localhost"));
	assert_non_null(rota_check_email("anna example@x.com"));
}

/* ------------------------------------------------------------ config */

struct fx {
	struct config	*cfg;
};

/* The shipped sample, read as pagerd -t reads it. */
static int
setup_sample(void **state)
{
	static struct fx	 fx;
	struct perr_list	 errs = { 0 };
	const char		*src = getenv("PAGERD_SRCDIR");
	char			 p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/etc/pagerd.conf", src ? src : ".");
	if ((fx.cfg = config_load(p, NULL, 0, NULL, &errs)) == NULL) {
		print_error("%s:%d: %s: %s\n", errs.v[0].file,
		    errs.v[0].line, errs.v[0].key, errs.v[0].msg);
		perr_list_clear(&errs);
		return -1;
	}
	*state = &fx;
	return 0;
}

static int
teardown_sample(void **state)
{
	struct fx	*fx = *state;

	config_free(fx->cfg);
	return 0;
}

/*
 * etc/rota.d/example.conf: business-hours anna, bram, chloe, daan
 * (weekly from Monday 5 January); weeknights eva, finn, gijs, olivia
 * (Mon-Thu, nightly from 5 January); weekends chloe, daan, eva, finn,
 * gijs (from Friday 2 January); holidays gijs, finn, eva, daan, chloe,
 * bram, anna from 1 January 2026 (the 10th NL holiday of 2026 is
 * Christmas Day: eva; the 11th Boxing Day: daan).
 */
static void
test_sample_team(void **state)
{
	struct fx		*fx = *state;
	const struct rota	*r = rota_set_find(fx->cfg->rotas, "db");
	static const struct expect e[] = {
		{ 1, "2026-01-01 12:00", 0, "gijs", "holidays", H,
		  "2026-01-02 00:00 CET" },
		/* Week of 21 December = week 50 from 5 January: chloe's,
		 * but bram covers her from Wednesday 23 December. */
		{ 1, "2026-12-22 10:00", 0, "chloe", "business-hours", R,
		  "2026-12-22 18:00 CET" },
		{ 1, "2026-12-23 10:00", 0, "bram", "business-hours", O,
		  "2026-12-23 18:00 CET" },
		{ 1, "2026-12-25 03:00", 0, "eva", "holidays", H,
		  "2026-12-26 00:00 CET" },
		{ 1, "2026-12-26 03:00", 0, "daan", "holidays", H,
		  "2026-12-27 00:00 CET" },
		/* 19 July 2027 starts shift 40 of the leads: lotte's. */
		{ 2, "2027-07-18 12:00", 0, "maarten", "leads", R,
		  "2027-07-19 09:00 CEST" },
		{ 2, "2027-07-27 12:00", 0, "maarten", "leads", O,
		  "2027-08-02 09:00 CEST" },
	};
	struct rota_iter	 it;
	struct rota_span	 sp;
	int64_t			 t0;
	int			 level;

	assert_non_null(r);
	assert_int_equal(rota_levels(r), 2);
	assert_string_equal(rota_level_name(r, 2), "secondary");
	check(r, NULL, 0, e, NELEM(e));
	/* The sample team has nobody missing, on any level, for 2 years. */
	t0 = wall(rota_tz(r), "2026-01-01 00:00");
	for (level = 1; level <= 2; level++) {
		rota_iter_init(&it, r, NULL, 0, level, t0,
		    t0 + 730 * 86400000LL);
		assert_false(rota_gap_next(&it, &sp));
	}
	assert_int_equal(rota_set_person_index(fx->cfg->rotas, "olivia"),
	    9);
	assert_string_equal(tz_name(rota_set_person(fx->cfg->rotas,
	    9)->tz), "America/New_York");
}

/* ------------------------------------------------------------ config errors */

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	return remove(path);
}

static void
put(const char *dir, const char *name, const char *text)
{
	char	 p[PATH_MAX];
	FILE	*f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	assert_non_null(f = fopen(p, "w"));
	fputs(text, f);
	fclose(f);
}

/*
 * Mistakes spread over a main file and three @included ones: every one
 * is reported in one run, as FILE:LINE: key: message, whether the table
 * walker found it (syntax) or lib/rota.c did (references, weekdays).
 */
static void
test_config_errors_name_file_and_line(void **state)
{
	char			 dir[64], p[PATH_MAX], f[4][PATH_MAX];
	struct perr_list	 errs = { 0 };
	struct config		*c;
	size_t			 i;
	struct {
		int		 file, line;
		const char	*key, *msg;
	} want[] = {
		{ 0, 3, "people.bram.phone", "must be E.164" },
		{ 1, 3, "holidays.nl.days[1].rule", "\"12-32\" not a holiday" },
		{ 2, 9, "rotas.t.levels[0].layers[0].restrictions[0]",
		  "\"mon-fri 9-18\" must be like" },
		{ 2, 13, "rotas.t.colour", "unknown key" },
		{ 2, 14, "rotas.t.id", "is the name of the group" },
		{ 3, 1, "rotas.u.time_zone", "missing" },
		{ 2, 2, "rotas.t.time_zone", "unknown time zone" },
		{ 2, 6, "rotas.t.levels[0].layers[0].members[1]",
		  "no person \"zoe\" in people" },
		{ 2, 8, "rotas.t.levels[0].layers[0].anchor",
		  "2026-01-06 is a Tue" },
		{ 2, 11, "rotas.t.overrides[0]", "level 2: the rota has" },
		{ 3, 1, "rotas.u", "needs levels" },
	};

	snprintf(dir, sizeof(dir), "/tmp/pagerd-rota-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/rota.d", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	put(dir, "main.conf",
	    "people: {\n"
	    "\tanna: { phone = \"+31612345601\"; };\n"
	    "\tbram: { phone = \"0612345602\"; };\n"
	    "};\n"
	    "holidays: {\n"
	    "@include \"cal.conf\"\n"
	    "};\n"
	    "rotas: {\n"
	    "@include \"rota.d/t.conf\"\n"
	    "@include \"rota.d/u.conf\"\n"
	    "};\n");
	put(dir, "cal.conf",
	    "nl: { days = (\n"
	    "\t{ name = \"Kerst\"; rule = \"12-25\"; },\n"
	    "\t{ name = \"Oops\"; rule = \"12-32\"; }\n"
	    "); };\n");
	put(dir, "rota.d/t.conf",
	    "t: {\n"
	    "\ttime_zone = \"Europe/Amsterdm\";\n"
	    "\tholidays = \"nl\";\n"
	    "\tlevels = ( { layers = (\n"
	    "\t\t{ members = [ \"anna\",\n"
	    "\t\t    \"zoe\" ];\n"
	    "\t\t  shift = \"1w\"; handoff = \"mon 09:00\";\n"
	    "\t\t  anchor = \"2026-01-06\";\n"
	    "\t\t  restrictions = [ \"mon-fri 9-18\" ]; }\n"
	    "\t); } );\n"
	    "\toverrides = ( { person = \"anna\"; level = 2;\n"
	    "\t  from = \"2026-01-01 00:00\"; until = \"2026-01-02\"; } );\n"
	    "\tcolour = \"red\";\n"
	    "\tid = \"t\";\n"
	    "};\n");
	put(dir, "rota.d/u.conf",
	    "u: {\n"
	    "\tlevels = ( );\n"
	    "};\n");
	snprintf(f[0], sizeof(f[0]), "%s/main.conf", dir);
	snprintf(f[1], sizeof(f[1]), "%s/cal.conf", dir);
	snprintf(f[2], sizeof(f[2]), "%s/rota.d/t.conf", dir);
	snprintf(f[3], sizeof(f[3]), "%s/rota.d/u.conf", dir);

	c = config_load(f[0], NULL, 0, NULL, &errs);
	assert_null(c);
	for (i = 0; i < errs.n && i < NELEM(want); i++) {
		if (strcmp(errs.v[i].file, f[want[i].file]) != 0 ||
		    errs.v[i].line != want[i].line ||
		    strcmp(errs.v[i].key, want[i].key) != 0 ||
		    strstr(errs.v[i].msg, want[i].msg) == NULL)
			fail_msg("error %zu: %s:%d: %s: %s; want %s:%d: %s: "
			    "%s", i, errs.v[i].file, errs.v[i].line,
			    errs.v[i].key, errs.v[i].msg, f[want[i].file],
			    want[i].line, want[i].key, want[i].msg);
	}
	assert_int_equal(errs.n, NELEM(want));
	perr_list_clear(&errs);

	/* Entries of a map cannot be set with -s. */
	{
		struct config_override	 ov = { "rotas.t.time_zone",
		    "UTC" };

		put(dir, "ok.conf", "people: { };\n");
		snprintf(p, sizeof(p), "%s/ok.conf", dir);
		assert_null(config_load(p, &ov, 1, NULL, &errs));
		assert_non_null(strstr(errs.v[0].msg, "cannot be overridden"));
		perr_list_clear(&errs);
	}
	(void)nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_daily_rotation_across_amsterdam_dst),
		cmocka_unit_test(test_weekly_rotation_across_new_york_dst),
		cmocka_unit_test(
		    test_nights_and_weekends_across_midnight_month_and_year),
		cmocka_unit_test(test_turns_advance_only_over_covered_shifts),
		cmocka_unit_test(test_turn_order_never_skips_a_member),
		cmocka_unit_test(test_until_is_the_next_change),
		cmocka_unit_test(test_holiday_policies),
		cmocka_unit_test(test_override_precedence_and_expiry),
		cmocka_unit_test(test_coverage_gaps),
		cmocka_unit_test(test_gap_to_midnight_reads_24_00),
		cmocka_unit_test(test_build_errors_name_the_key),
		cmocka_unit_test(test_value_checks),
		cmocka_unit_test(test_config_errors_name_file_and_line),
		cmocka_unit_test_setup_teardown(test_sample_team, setup_sample,
		    teardown_sample),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
