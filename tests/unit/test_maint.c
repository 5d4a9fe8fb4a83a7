/*
 * tests/unit/test_maint.c — lib/maint.c: whether a maintenance window
 * covers an instant, and when it ends. Instants are written in RFC 3339
 * with the offset Europe/Amsterdam has on that day (checked with
 * `TZ=Europe/Amsterdam date`); 2026-11-25 is a Wednesday.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "maint.h"
#include "perr.h"
#include "timefmt.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define LIST(...)	(char *[]){ __VA_ARGS__ }, \
			NELEM(((char *[]){ __VA_ARGS__ }))

static int64_t
at(const char *s)
{
	int64_t	 ms;

	assert_int_equal(time_parse_rfc3339(s, strlen(s), &ms), 0);
	return ms;
}

static struct maint *
build(const struct maint_spec *sp, size_t n)
{
	struct perr_list	 errs;
	struct maint		*m;

	memset(&errs, 0, sizeof(errs));
	m = maint_build(sp, n, NULL, "maintenance", &errs);
	if (errs.n > 0)
		fail_msg("%s: %s", errs.v[0].key, errs.v[0].msg);
	assert_non_null(m);
	perr_list_clear(&errs);
	return m;
}

/* Covered: 1 and the end; else 0. */
static void
expect(const struct maint *m, const char *when, const char *end)
{
	struct maint_answer	 a;

	if (end == NULL) {
		assert_int_equal(maint_active(m, at(when), &a), 0);
		return;
	}
	assert_int_equal(maint_active(m, at(when), &a), 1);
	assert_int_equal(a.end_ms, at(end));
}

static void
test_across_midnight(void **state)
{
	struct maint_spec	 sp = { "ops", "Europe/Amsterdam",
	    LIST("mon-fri 22:00-02:00"), NULL, NULL };
	struct maint		*m = build(&sp, 1);

	(void)state;
	/* Friday's window runs into Saturday morning. */
	expect(m, "2026-11-27T23:30:00+01:00", "2026-11-28T02:00:00+01:00");
	expect(m, "2026-11-28T01:59:00+01:00", "2026-11-28T02:00:00+01:00");
	expect(m, "2026-11-28T02:00:00+01:00", NULL);
	expect(m, "2026-11-28T22:30:00+01:00", NULL);	/* Saturday */
	expect(m, "2026-11-30T01:00:00+01:00", NULL);	/* Sunday night */
	expect(m, "2026-12-01T01:00:00+01:00", "2026-12-01T02:00:00+01:00");
	expect(m, "2026-11-25T21:59:59+01:00", NULL);
	expect(m, "2026-11-25T22:00:00+01:00", "2026-11-26T02:00:00+01:00");
	maint_free(m);
}

static void
test_dst(void **state)
{
	struct maint_spec	 sp[] = {
		{ "a", "Europe/Amsterdam", LIST("sun 01:00-03:00"), NULL,
		  NULL },
	};
	struct maint_spec	 late = { "b", "Europe/Amsterdam",
	    LIST("sun 02:30-04:00"), NULL, NULL };
	struct maint_spec	 fall = { "c", "Europe/Amsterdam",
	    LIST("sun 01:00-02:30"), NULL, NULL };
	struct maint		*m;

	(void)state;
	/* 2026-03-29: 02:00 CET is 03:00 CEST; the window lasts 1 hour. */
	m = build(sp, 1);
	expect(m, "2026-03-29T01:30:00+01:00", "2026-03-29T03:00:00+02:00");
	expect(m, "2026-03-29T03:00:00+02:00", NULL);
	maint_free(m);
	/* A start inside the gap: it starts at 03:00 CEST. */
	m = build(&late, 1);
	expect(m, "2026-03-29T01:59:00+01:00", NULL);
	expect(m, "2026-03-29T03:00:00+02:00", "2026-03-29T04:00:00+02:00");
	maint_free(m);
	/*
	 * 2026-10-25: 03:00 CEST is 02:00 CET. The window ends at the first
	 * 02:30 and does not come back in the repeated hour.
	 */
	m = build(&fall, 1);
	expect(m, "2026-10-25T02:15:00+02:00", "2026-10-25T02:30:00+02:00");
	expect(m, "2026-10-25T02:45:00+02:00", NULL);
	expect(m, "2026-10-25T02:15:00+01:00", NULL);
	maint_free(m);
}

static void
test_dates(void **state)
{
	struct maint_spec	 sp = { "ops", "Europe/Amsterdam",
	    LIST("sat,sun"), "2026-12-01", "2027-01-01" };
	struct maint_spec	 cut = { "ops", "Europe/Amsterdam",
	    LIST("sat,sun"), NULL, "2026-12-06 12:00" };
	struct maint		*m;

	(void)state;
	m = build(&sp, 1);
	expect(m, "2026-11-28T12:00:00+01:00", NULL);	/* before from */
	expect(m, "2026-12-05T12:00:00+01:00", "2026-12-07T00:00:00+01:00");
	expect(m, "2026-12-27T12:00:00+01:00", "2026-12-28T00:00:00+01:00");
	expect(m, "2027-01-02T12:00:00+01:00", NULL);	/* until passed */
	maint_free(m);
	m = build(&cut, 1);
	expect(m, "2026-12-05T12:00:00+01:00", "2026-12-06T12:00:00+01:00");
	expect(m, "2026-12-06T12:00:00+01:00", NULL);
	maint_free(m);
}

static void
test_chain_owner_utc(void **state)
{
	struct maint_spec	 sp[] = {
		{ "first", NULL, LIST("mon 08:00-10:00"), NULL, NULL },
		{ "second", NULL, LIST("mon 10:00-12:00"), NULL, NULL },
	};
	struct maint		*m = build(sp, 2);
	struct maint_answer	 a;

	(void)state;
	assert_int_equal(maint_active(m, at("2026-11-30T09:00:00Z"), &a), 1);
	assert_string_equal(a.owner, "first");
	assert_int_equal(a.end_ms, at("2026-11-30T12:00:00Z"));
	assert_int_equal(maint_active(m, at("2026-11-30T11:00:00Z"), &a), 1);
	assert_string_equal(a.owner, "second");
	assert_int_equal(maint_active(m, at("2026-11-30T12:00:00Z"), &a), 0);
	assert_int_equal(maint_active(NULL, 0, &a), 0);
	maint_free(m);
}

static void
test_errors(void **state)
{
	struct maint_spec	 sp[] = {
		{ "a", NULL, LIST("holidays"), NULL, NULL },
		{ "b", "Europe/Nowhere", LIST("sun"), NULL, NULL },
		{ "c", NULL, NULL, 0, NULL, NULL },
		{ "d", NULL, LIST("sun"), "2026-12-01", "2026-12-01" },
	};
	struct perr_list	 errs;

	(void)state;
	memset(&errs, 0, sizeof(errs));
	assert_null(maint_build(sp, NELEM(sp), NULL, "m", &errs));
	assert_int_equal(errs.n, 4);
	assert_string_equal(errs.v[0].key, "m[0].restrictions[0]");
	assert_string_equal(errs.v[1].key, "m[1].time_zone");
	assert_string_equal(errs.v[2].key, "m[2].restrictions");
	assert_string_equal(errs.v[3].key, "m[3].until");
	perr_list_clear(&errs);
	assert_null(maint_build(NULL, 0, NULL, "m", &errs));
	assert_int_equal(errs.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_across_midnight),
		cmocka_unit_test(test_dst),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_chain_owner_utc),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
