/*
 * tests/unit/test_esc_plan.c — lib/esc_plan.c: whom one escalation step
 * pages at an instant, what is due next, and the low-urgency (sev3)
 * rules with working hours and holidays. All instants are UTC;
 * 2026-11-25 is a Wednesday, 2026-12-25 a Friday.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "esc_plan.h"
#include "holiday.h"
#include "rota.h"
#include "timefmt.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define LIST(...)	(char *[]){ __VA_ARGS__ }, \
			NELEM(((char *[]){ __VA_ARGS__ }))
#define MIN		60000LL

static struct rota_person_spec people[] = {
	{ "a", "A", "+31600000001", NULL, NULL, NULL, 0 },
	{ "b", "B", "+31600000002", NULL, NULL, NULL, 0 },
	{ "c", "C", "+31600000003", NULL, NULL, NULL, 0 },
	{ "d", "D", "+31600000004", NULL, NULL, NULL, 0 },
};

static struct holiday_day_spec nl_days[] = {
	{ "Eerste Kerstdag", "12-25", NULL, 0, 0, 0 },
	{ "Tweede Kerstdag", "12-26", NULL, 0, 0, 0 },
};
static struct holiday_cal_spec cals[] = {
	{ "nl", "Netherlands", nl_days, NELEM(nl_days) },
};

/* One member each, unrestricted: the answer does not depend on time. */
static struct rota_layer_spec db1[] = {
	{ "l", LIST("a"), "1w", "mon 09:00", "2026-01-05", NULL, 0 } };
static struct rota_layer_spec db2[] = {
	{ "l", LIST("b"), "1w", "mon 09:00", "2026-01-05", NULL, 0 } };
/* Nights only: nobody during the day. */
static struct rota_layer_spec nights1[] = {
	{ "l", LIST("c"), "1d", "09:00", "2026-01-05",
	  LIST("18:00-09:00") } };
static struct rota_level_spec db_levels[] = {
	{ "primary", db1, 1 }, { "secondary", db2, 1 } };
static struct rota_level_spec nights_levels[] = { { "primary", nights1, 1 } };
static struct rota_spec rotas[] = {
	{ "db", "UTC", NULL, NULL, db_levels, 2, NULL, 0, NULL },
	{ "nights", "UTC", NULL, NULL, nights_levels, 1, NULL, 0, NULL },
};

static struct esc_step steps[] = {
	{ LIST("rota:db", "person:a"), 10 * MIN },
	{ LIST("rota:nights"), 5 * MIN },
	{ LIST("rota:db:secondary", "rota:db:2", "person:d"), 5 * MIN },
};
static struct esc_policy policy = { "dba", steps, 3, 1, 1 };

static struct esc_hours_spec hours_spec = { NULL,
	LIST("mon-fri 09:00-18:00"), "nl" };

static struct rota_set	*set;
static struct esc_hours	*hours;

static int64_t
at(const char *s)
{
	int64_t	 ms;

	if (s == NULL)
		return INT64_MAX;
	assert_int_equal(time_parse_rfc3339(s, strlen(s), &ms), 0);
	return ms;
}

static int
setup(void **state)
{
	struct rota_set_spec	 spec = { people, NELEM(people), cals,
	    NELEM(cals), rotas, NELEM(rotas) };
	struct perr_list	 errs = { 0 };

	(void)state;
	if ((set = rota_set_build(&spec, NULL, &errs)) == NULL)
		fail_msg("%s: %s", errs.n ? errs.v[0].key : "",
		    errs.n ? errs.v[0].msg : "out of memory");
	hours = esc_hours_build(&hours_spec, set, NULL, "working_hours",
	    &errs);
	if (hours == NULL)
		fail_msg("%s", errs.n ? errs.v[0].msg : "no hours");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	esc_hours_free(hours);
	rota_set_free(set);
	return 0;
}

/* One row: plan (step, round, level) at `when`; expect what, whom
 * ("a,b"; reasons "a=rotation"), the next step/round and when. */
struct row {
	int		 step, round, level;
	const char	*when;
	enum esc_what	 what;
	const char	*pages;
	int		 next_step, next_round;
	const char	*next_at;
};

static const struct row rows[] = {
	/* Step 1 names a twice: paged once, for the first target. */
	{ 0, 0, 1, "2026-11-25T12:00:00Z", ESC_PAGE, "a=rotation",
	  1, 0, "2026-11-25T12:10:00Z" },
	/* Nights rota has nobody at noon: skipped, step 3 due at once. */
	{ 1, 0, 1, "2026-11-25T12:00:00Z", ESC_SKIP, "",
	  2, 0, "2026-11-25T12:00:00Z" },
	{ 1, 0, 2, "2026-11-25T20:00:00Z", ESC_PAGE, "c=rotation",
	  2, 0, "2026-11-25T20:05:00Z" },
	/* Level by name and by number are one person; person: direct. */
	{ 2, 0, 1, "2026-11-25T12:00:00Z", ESC_PAGE, "b=rotation,d=direct",
	  0, 1, "2026-11-25T12:05:00Z" },
	/* repeat = 1: round 2 is the last. */
	{ 2, 1, 1, "2026-11-25T12:00:00Z", ESC_PAGE, "b=rotation,d=direct",
	  -1, 0, NULL },
	{ 3, 0, 1, "2026-11-25T12:00:00Z", ESC_STOP, "", -1, 0, NULL },
	{ 0, 2, 1, "2026-11-25T12:00:00Z", ESC_STOP, "", -1, 0, NULL },
	/* sev3 in working hours: one step, no repeat. */
	{ 0, 0, 3, "2026-11-25T12:00:00Z", ESC_PAGE, "a=rotation",
	  -1, 0, NULL },
	{ 1, 0, 3, "2026-11-25T12:00:00Z", ESC_STOP, "", -1, 0, NULL },
	{ 0, 1, 3, "2026-11-25T12:00:00Z", ESC_STOP, "", -1, 0, NULL },
	/* sev3 at night: the next morning. */
	{ 0, 0, 3, "2026-11-25T20:00:00Z", ESC_DEFER, "",
	  0, 0, "2026-11-26T09:00:00Z" },
	{ 0, 0, 3, "2026-11-25T17:59:00Z", ESC_PAGE, "a=rotation",
	  -1, 0, NULL },
	{ 0, 0, 3, "2026-11-25T18:00:00Z", ESC_DEFER, "",
	  0, 0, "2026-11-26T09:00:00Z" },
	/* Friday: Monday. Christmas (Fri) and Boxing Day: Monday 28th. */
	{ 0, 0, 3, "2026-11-27T19:00:00Z", ESC_DEFER, "",
	  0, 0, "2026-11-30T09:00:00Z" },
	{ 0, 0, 3, "2026-12-25T10:00:00Z", ESC_DEFER, "",
	  0, 0, "2026-12-28T09:00:00Z" },
	{ 0, 0, 3, "2026-12-24T08:59:30Z", ESC_DEFER, "",
	  0, 0, "2026-12-24T09:00:00Z" },
	/* sev2 pages at night and on holidays. */
	{ 0, 0, 2, "2026-12-25T03:00:00Z", ESC_PAGE, "a=rotation",
	  1, 0, "2026-12-25T03:10:00Z" },
};

static void
pages_text(const struct esc_plan *p, char *buf, size_t len)
{
	const struct rota_person	*who;
	size_t				 i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < p->n_pages && o < len; i++) {
		who = rota_set_person(set, p->pages[i].person);
		o += (size_t)snprintf(buf + o, len - o, "%s%s=%s",
		    i ? "," : "", who ? who->id : "?", p->pages[i].reason);
	}
}

static void
test_rows(void **state)
{
	struct esc_plan	 p;
	char		 got[256];
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		esc_plan(&policy, rows[i].step, rows[i].round, rows[i].level,
		    at(rows[i].when), set, NULL, hours, &p);
		pages_text(&p, got, sizeof(got));
		if (p.what != rows[i].what || strcmp(got, rows[i].pages) ||
		    p.next_step != rows[i].next_step ||
		    (p.next_step >= 0 && p.next_round != rows[i].next_round) ||
		    p.next_ms != at(rows[i].next_at))
			fail_msg("row %zu: what %d pages \"%s\" next %d/%d at "
			    "%lld", i, p.what, got, p.next_step, p.next_round,
			    (long long)p.next_ms);
	}
}

static struct rota_override	 db_over = { 3, -1, 1, 0, 0, NULL };

/* The runtime overrides per rota: only "db" has one. */
static const struct rota_override *
extra_get(void *arg, const char *rota_id, size_t *n)
{
	(void)arg;
	*n = strcmp(rota_id, "db") == 0;
	return *n ? &db_over : NULL;
}

/* A runtime override of the whole level replaces the rotation. */
static void
test_override(void **state)
{
	struct rota_extra	 ex = { extra_get, NULL };
	struct esc_plan		 p;
	char			 got[64];

	(void)state;
	db_over.from_ms = at("2026-11-25T11:00:00Z");
	db_over.until_ms = at("2026-11-25T21:00:00Z");
	esc_plan(&policy, 0, 0, 1, at("2026-11-25T12:00:00Z"), set, &ex,
	    NULL, &p);
	pages_text(&p, got, sizeof(got));
	/* person:a still names a directly. */
	assert_string_equal(got, "d=override,a=direct");
	/* Only db's: the nights rota keeps its own. */
	esc_plan(&policy, 1, 0, 1, at("2026-11-25T20:00:00Z"), set, &ex,
	    NULL, &p);
	pages_text(&p, got, sizeof(got));
	assert_string_equal(got, "c=rotation");
	esc_plan(&policy, 0, 0, 1, at("2026-11-25T21:00:00Z"), set, &ex,
	    NULL, &p);
	pages_text(&p, got, sizeof(got));
	assert_string_equal(got, "a=rotation");
}

static void
test_targets(void **state)
{
	static const char *good[] = { "rota:db", "rota:db:secondary",
	    "rota:db:2", "rota:nights:1", "person:d" };
	static const char *bad[] = { "rota:db:tertiary", "rota:db:3",
	    "rota:db:0", "rota:db:", "rota:", "rota:nope", "person:zz",
	    "team:x", "" };
	char	 why[128];
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(good); i++)
		assert_null(esc_target_check(set, good[i], why, sizeof(why)));
	for (i = 0; i < NELEM(bad); i++)
		if (esc_target_check(set, bad[i], why, sizeof(why)) == NULL)
			fail_msg("%s accepted", bad[i]);
	esc_target_check(set, "rota:db:tertiary", why, sizeof(why));
	assert_string_equal(why,
	    "rota \"db\" has no level \"tertiary\" (2 levels)");
}

static void
test_hours(void **state)
{
	struct esc_hours_spec	 bad = { NULL, LIST("mon-fri 09:00-18:00"),
	    "xx" };
	struct perr_list	 errs = { 0 };
	int64_t			 next = 0;

	(void)state;
	assert_int_equal(esc_hours_in(NULL, 0, &next), 1);
	assert_int_equal(esc_hours_in(hours, at("2026-11-25T09:00:00Z"),
	    &next), 1);
	assert_int_equal(esc_hours_in(hours, at("2026-11-28T09:00:00Z"),
	    &next), 0);
	assert_int_equal(next, at("2026-11-30T09:00:00Z"));
	assert_null(esc_hours_build(&bad, set, NULL, "wh", &errs));
	assert_int_equal(errs.n, 1);
	perr_list_clear(&errs);
}

static void
test_contact_rules(void **state)
{
	struct esc_contact	 own[] = { { "sms", 0 }, { "email", MIN } };
	struct esc_contact	 dflt[] = { { "log", 0 } };
	const struct esc_contact *r;
	size_t			 n;

	(void)state;
	r = esc_contact_rules(own, 2, dflt, 1, &n);
	assert_ptr_equal(r, own);
	assert_int_equal(n, 2);
	r = esc_contact_rules(NULL, 0, dflt, 1, &n);
	assert_ptr_equal(r, dflt);
	assert_int_equal(n, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_hours),
		cmocka_unit_test(test_contact_rules),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
