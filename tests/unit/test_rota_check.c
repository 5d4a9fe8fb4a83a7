/*
 * tests/unit/test_rota_check.c — lib/rota_check.c: the advice pagerd -t
 * gives about valid rotas (gaps, expired and overlapping overrides, DST
 * shifts), with the exact messages an admin reads.
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
#include "rota_check.h"
#include "tz.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define LIST(...)	(char *[]){ __VA_ARGS__ }, \
			NELEM(((char *[]){ __VA_ARGS__ }))
#define NONE		NULL, 0
#define DASH		"\xe2\x80\x93"

static struct rota_person_spec people[] = {
	{ "a", "A", "+31600000001", NULL, NULL, NULL, 0 },
	{ "b", "B", "+31600000002", NULL, NULL, NULL, 0 },
	{ "c", "C", "+31600000003", NULL, NULL, NULL, 0 },
	{ "d", "D", "+31600000004", NULL, NULL, NULL, 0 },
	{ "e", "E", "+31600000005", NULL, NULL, NULL, 0 },
};

struct seen {
	char	 msg[8][256];
	int	 kind[8];
	size_t	 n;
};

static void
collect(void *arg, enum rota_warning kind, const char *msg)
{
	struct seen	*s = arg;

	if (s->n < NELEM(s->msg)) {
		snprintf(s->msg[s->n], sizeof(s->msg[0]), "%s", msg);
		s->kind[s->n] = kind;
	}
	s->n++;
}

static struct rota_set *
build(struct rota_spec *rs)
{
	struct rota_set_spec	 spec = { people, NELEM(people), NULL, 0, rs,
	    1 };
	struct perr_list	 errs = { 0 };
	struct rota_set		*set;

	if ((set = rota_set_build(&spec, NULL, &errs)) == NULL)
		fail_msg("%s: %s", errs.n ? errs.v[0].key : "",
		    errs.n ? errs.v[0].msg : "out of memory");
	return set;
}

static void
expect(struct rota_set *set, const char *from, int days,
    const int *kinds, const char *const *msgs, size_t n)
{
	const struct tz	*z = rota_tz(rota_set_get(set, 0));
	struct seen	 s = { .n = 0 };
	int		 y, m, d, hh, mm;
	size_t		 i;

	assert_int_equal(sscanf(from, "%d-%d-%d %d:%d", &y, &m, &d, &hh,
	    &mm), 5);
	assert_int_equal(rota_check(set, tz_mktime(z, y, m, d, hh, mm, 0,
	    NULL), days, collect, &s), n);
	assert_int_equal(s.n, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(s.kind[i], kinds[i]);
		assert_string_equal(s.msg[i], msgs[i]);
	}
}

/* Friday 00:00-09:00 is nobody's: rota db, level 1. */
static struct rota_set *
build_gappy(void)
{
	struct rota_layer_spec	 ly[] = {
		{ "business", LIST("a"), "1w", "mon 09:00", "2026-01-05",
		  LIST("mon-fri 09:00-18:00") },
		{ "evenings", LIST("b"), "1d", "18:00", "2026-01-05",
		  LIST("18:00-24:00") },
		{ "mornings", LIST("c"), "1d", "00:00", "2026-01-05",
		  LIST("sat-thu 00:00-09:00", "sat,sun") },
	};
	struct rota_level_spec	 lv[] = { { NULL, ly, 3 } };
	struct rota_spec	 rs[] = { { "db", "Europe/Amsterdam",
	    NULL, NULL, lv, 1, NULL, 0, NULL } };

	return build(rs);
}

/* Friday 00:00-09:00 is nobody's: Christmas and New Year's Day. */
static void
test_gaps_in_the_coming_days(void **state)
{
	struct rota_set		*set = build_gappy();
	static const int	 kinds[] = { ROTA_WARN_GAP, ROTA_WARN_GAP };
	static const char *const msgs[] = {
		"rota db level 1: nobody on call 2026-12-25 00:00" DASH
		    "09:00 Europe/Amsterdam",
		"rota db level 1: nobody on call 2027-01-01 00:00" DASH
		    "09:00 Europe/Amsterdam",
	};

	expect(set, "2026-12-21 00:00", 14, kinds, msgs, NELEM(msgs));
	rota_set_free(set);
}

/*
 * Now is 25 November 2026. a for b in January has ended; c and d both
 * cover a from 5 to 10 December; e takes level 1 on 6 December, which
 * is another kind of target; the January pair overlapped in the past.
 */
static void
test_expired_and_overlapping_overrides(void **state)
{
	struct rota_layer_spec	 ly[] = { { "base", LIST("a", "b"), "1w",
	    "mon 09:00", "2026-01-05", NONE } };
	struct rota_level_spec	 lv[] = { { NULL, ly, 1 } };
	struct rota_override_spec ov[] = {
		{ "a", "b", 0, "2026-01-01 00:00", "2026-02-01 00:00", NULL },
		{ "c", "b", 0, "2026-01-10 00:00", "2026-01-20 00:00", NULL },
		{ "c", "a", 0, "2026-12-01 00:00", "2026-12-10 00:00", NULL },
		{ "d", "a", 1, "2026-12-05 00:00", "2026-12-20 00:00", NULL },
		{ "e", NULL, 1, "2026-12-06 00:00", "2026-12-07 00:00", NULL },
	};
	struct rota_spec	 rs[] = { { "o", "UTC", NULL, NULL, lv, 1, ov,
	    NELEM(ov), NULL } };
	struct rota_set		*set = build(rs);
	static const int	 kinds[] = { ROTA_WARN_OVERRIDE_EXPIRED,
	    ROTA_WARN_OVERRIDE_EXPIRED, ROTA_WARN_OVERRIDE_OVERLAP };
	static const char *const msgs[] = {
		"rota o: the override a for b ended 2026-02-01 00:00 UTC; "
		    "it does nothing now",
		"rota o: the override c for b ended 2026-01-20 00:00 UTC; "
		    "it does nothing now",
		"rota o: overrides c for a and d for a overlap 2026-12-05 "
		    "00:00 " DASH " 2026-12-10 00:00 UTC; the later one wins",
	};

	expect(set, "2026-11-25 00:00", 90, kinds, msgs, NELEM(msgs));
	rota_set_free(set);
}

/*
 * Clocks go forward on Sunday 28 March 2027 in Amsterdam: the business
 * week from Monday 22 and the weekend week from Friday 26 are an hour
 * short; back on 31 October, the weeks from 25 and 29 October are an
 * hour long. The weeknights layer's Saturday-to-Sunday shifts change
 * too, but the layer never shows in them.
 */
static void
test_shifts_that_dst_changes(void **state)
{
	struct rota_layer_spec	 ly[] = {
		{ "business", LIST("a", "b"), "1w", "mon 09:00", "2027-01-04",
		  LIST("mon-fri 09:00-18:00") },
		{ "weeknights", LIST("c", "d"), "1d", "18:00", "2027-01-04",
		  LIST("mon-thu 18:00-09:00") },
		{ "weekend", LIST("e"), "1w", "fri 18:00", "2027-01-01",
		  LIST("fri 18:00 - mon 09:00") },
	};
	struct rota_level_spec	 lv[] = { { NULL, ly, 3 } };
	struct rota_spec	 rs[] = { { "ams", "Europe/Amsterdam", NULL,
	    NULL, lv, 1, NULL, 0, NULL } };
	struct rota_set		*set = build(rs);
	static const int	 kinds[] = { ROTA_WARN_DST_SHIFT,
	    ROTA_WARN_DST_SHIFT };
	static const char *const spring[] = {
		"rota ams level 1 (business): the shift 2027-03-22 09:00 "
		    DASH " 2027-03-29 09:00 Europe/Amsterdam is 1h shorter, "
		    "as the clocks change",
		"rota ams level 1 (weekend): the shift 2027-03-26 18:00 "
		    DASH " 2027-04-02 18:00 Europe/Amsterdam is 1h shorter, "
		    "as the clocks change",
	};
	static const char *const autumn[] = {
		"rota ams level 1 (business): the shift 2027-10-25 09:00 "
		    DASH " 2027-11-01 09:00 Europe/Amsterdam is 1h longer, "
		    "as the clocks change",
		"rota ams level 1 (weekend): the shift 2027-10-29 18:00 "
		    DASH " 2027-11-05 18:00 Europe/Amsterdam is 1h longer, "
		    "as the clocks change",
	};

	expect(set, "2027-03-20 00:00", 14, kinds, spring, NELEM(spring));
	expect(set, "2027-10-25 00:00", 5, kinds, autumn, NELEM(autumn));
	rota_set_free(set);
}

/* The overrides a test hands rota_check_with() as the API's. */
struct extras {
	struct rota_override	*v;
	size_t			 n;
};

static const struct rota_override *
extras_get(void *arg, const char *rota_id, size_t *n)
{
	struct extras	*x = arg;

	*n = strcmp(rota_id, "db") == 0 ? x->n : 0;
	return *n ? x->v : NULL;
}

static void
collect_found(void *arg, const struct rota_finding *f)
{
	struct rota_finding	*v = arg;
	size_t			 i;

	for (i = 0; i < 7 && v[i].msg != NULL; i++)
		;
	assert_true(i < 7);
	v[i] = *f;
	v[i].msg = strdup(f->msg);
}

/*
 * As test_gaps_in_the_coming_days, with the daemon's view: c takes level
 * 1 over Christmas morning, which closes that gap; c and d both cover a
 * on 24 December 11:00-12:00, which overlaps.
 */
static void
test_with_extra_overrides(void **state)
{
	struct rota_set		*set = build_gappy();
	const struct tz		*z = rota_tz(rota_set_get(set, 0));
	struct rota_override	 ov[3] = {
		{ 2, -1, 1, tz_mktime(z, 2026, 12, 25, 0, 0, 0, NULL),
		  tz_mktime(z, 2026, 12, 25, 9, 0, 0, NULL), NULL },
		{ 2, 0, 0, tz_mktime(z, 2026, 12, 24, 10, 0, 0, NULL),
		  tz_mktime(z, 2026, 12, 24, 12, 0, 0, NULL), NULL },
		{ 3, 0, 0, tz_mktime(z, 2026, 12, 24, 11, 0, 0, NULL),
		  tz_mktime(z, 2026, 12, 24, 13, 0, 0, NULL), NULL },
	};
	struct extras		 x = { ov, 3 };
	struct rota_extra	 ex = { extras_get, &x };
	struct rota_finding	 f[8];
	int64_t			 now = tz_mktime(z, 2026, 12, 21, 0, 0, 0,
				    NULL);
	size_t			 i;

	(void)state;
	memset(f, 0, sizeof(f));
	assert_int_equal(rota_check_with(set, &ex, NULL, now, 14,
	    collect_found, f), 2);
	assert_string_equal(f[0].rota, "db");
	assert_int_equal(f[0].level, 0);
	assert_int_equal(f[0].kind, ROTA_WARN_OVERRIDE_OVERLAP);
	assert_true(f[0].from_ms == ov[2].from_ms);
	assert_true(f[0].until_ms == ov[1].until_ms);
	assert_string_equal(f[0].msg, "rota db: overrides c for a and d for "
	    "a overlap 2026-12-24 11:00 " DASH " 2026-12-24 12:00 "
	    "Europe/Amsterdam; the later one wins");
	assert_int_equal(f[1].level, 1);
	assert_int_equal(f[1].kind, ROTA_WARN_GAP);
	assert_true(f[1].from_ms == tz_mktime(z, 2027, 1, 1, 0, 0, 0, NULL));
	assert_true(f[1].until_ms == tz_mktime(z, 2027, 1, 1, 9, 0, 0, NULL));
	assert_string_equal(f[1].msg, "rota db level 1: nobody on call "
	    "2027-01-01 00:00" DASH "09:00 Europe/Amsterdam");
	for (i = 0; i < 8; i++)
		free((char *)f[i].msg);
	/* Another rota only: nothing; no extras: both gaps. */
	assert_int_equal(rota_check_with(set, &ex, "other", now, 14,
	    collect_found, NULL), 0);
	assert_int_equal(rota_check_with(set, NULL, "db", now, 14,
	    collect_found, memset(f, 0, sizeof(f))), 2);
	assert_int_equal(f[0].kind, ROTA_WARN_GAP);
	assert_true(f[0].from_ms == ov[0].from_ms);
	for (i = 0; i < 8; i++)
		free((char *)f[i].msg);
	rota_set_free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gaps_in_the_coming_days),
		cmocka_unit_test(test_with_extra_overrides),
		cmocka_unit_test(test_expired_and_overlapping_overrides),
		cmocka_unit_test(test_shifts_that_dst_changes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
