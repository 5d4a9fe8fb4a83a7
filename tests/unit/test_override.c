/*
 * tests/unit/test_override.c — runtime override requests: every field
 * checked with the message naming it, times on the rota's wall clock,
 * the overlap rule, the stored form compiled back, the API's JSON, and
 * the JSON answers applying overrides given through struct rota_extra.
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

#include "override.h"
#include "rota.h"
#include "rota_json.h"

/* 2026-11-25 12:00 UTC. */
#define NOW	1795608000000LL
/* 2026-12-24 09:00 and 18:00 in Amsterdam (CET, UTC+1). */
#define T0900	1798099200000LL
#define T1800	1798131600000LL
#define DAY	86400000LL

static struct rota_set	*set;
static const struct rota *ops;

static int
setup(void **state)
{
	static char		*m1[] = { "anna", "bram" }, *m2[] = { "carl" };
	static struct rota_person_spec people[] = {
		{ "anna", "Anna", "+31600000001", NULL, NULL, NULL, 0 },
		{ "bram", "Bram", "+31600000002", NULL, NULL, NULL, 0 },
		{ "carl", "Carl", "+31600000003", NULL, NULL, NULL, 0 },
	};
	static struct rota_layer_spec l1 = { "daily", m1, 2, "1d", "09:00",
	    "2026-01-05", NULL, 0 };
	static struct rota_layer_spec l2 = { "backup", m2, 1, "1d", "09:00",
	    "2026-01-05", NULL, 0 };
	static struct rota_level_spec lv[] = {
		{ "primary", &l1, 1 }, { "secondary", &l2, 1 }
	};
	static struct rota_spec rota = { "ops", "Europe/Amsterdam", NULL,
	    NULL, lv, 2, NULL, 0, NULL };
	static struct rota_set_spec spec = { people, 3, NULL, 0, &rota, 1 };
	struct perr_list	 errs = { 0 };

	(void)state;
	if ((set = rota_set_build(&spec, NULL, &errs)) == NULL)
		return -1;
	ops = rota_set_find(set, "ops");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	rota_set_free(set);
	return 0;
}

/* Parse text; NULL when accepted, else the error. */
static const char *
parse(const char *text, struct override_req *q)
{
	static char	 err[300];
	json_t		*doc;
	int		 rc;

	assert_non_null(doc = json_loads(text, 0, NULL));
	rc = override_parse(doc, set, ops, NOW, q, err, sizeof(err));
	json_decref(doc);
	return rc == 0 ? NULL : err;
}

static void
test_parse_ok(void **state)
{
	struct override_req	 q;

	(void)state;
	assert_null(parse("{\"person\":\"bram\",\"covers\":\"anna\","
	    "\"from\":\"2026-12-24 09:00\",\"until\":\"2026-12-24 18:00\","
	    "\"note\":\"swap\"}", &q));
	assert_string_equal(q.person, "bram");
	assert_string_equal(q.covers, "anna");
	assert_int_equal(q.level, 0);
	assert_int_equal(q.from_ms, T0900);
	assert_int_equal(q.until_ms, T1800);
	assert_string_equal(q.note, "swap");
	/* A level by name, from now by default, until with an offset. */
	assert_null(parse("{\"person\":\"bram\",\"level\":\"secondary\","
	    "\"until\":\"2026-12-24T18:00:00+01:00\"}", &q));
	assert_string_equal(q.covers, "");
	assert_int_equal(q.level, 2);
	assert_int_equal(q.from_ms, NOW);
	assert_int_equal(q.until_ms, T1800);
	assert_string_equal(q.note, "");
	/* Covers and level together; "now" spelled out. */
	assert_null(parse("{\"person\":\"carl\",\"covers\":\"anna\","
	    "\"level\":1,\"from\":\"now\",\"until\":\"2026-11-26 00:00\"}",
	    &q));
	assert_int_equal(q.level, 1);
	assert_int_equal(q.from_ms, NOW);
	/* Exactly 90 days is fine. */
	assert_null(parse("{\"person\":\"carl\",\"level\":1,"
	    "\"from\":\"2026-12-24 09:00\",\"until\":\"2027-03-24 09:00\"}",
	    &q));
	assert_int_equal(q.until_ms - q.from_ms, 90 * DAY);
}

static void
test_parse_refused(void **state)
{
	static const struct {
		const char	*body;
		const char	*err;	/* its beginning */
	} t[] = {
		{ "[]", "body: must be a JSON object" },
		{ "{\"person\":\"bram\",\"level\":1,\"until\":\"2026-12-24 "
		  "18:00\",\"who\":1}", "who: unknown field" },
		{ "{\"level\":1,\"until\":\"2026-12-24 18:00\"}",
		  "person: required" },
		{ "{\"person\":\"zoe\",\"level\":1,\"until\":\"2026-12-24 "
		  "18:00\"}", "person: no person \"zoe\"" },
		{ "{\"person\":1,\"level\":1,\"until\":\"2026-12-24 18:00\"}",
		  "person: must be a string" },
		{ "{\"person\":\"bram\",\"covers\":\"zoe\",\"until\":"
		  "\"2026-12-24 18:00\"}", "covers: no person \"zoe\"" },
		{ "{\"person\":\"bram\",\"covers\":\"bram\",\"until\":"
		  "\"2026-12-24 18:00\"}", "covers: bram cannot cover" },
		{ "{\"person\":\"bram\",\"until\":\"2026-12-24 18:00\"}",
		  "covers: give covers" },
		{ "{\"person\":\"bram\",\"level\":3,\"until\":\"2026-12-24 "
		  "18:00\"}", "level: the rota \"ops\" has levels 1..2" },
		{ "{\"person\":\"bram\",\"level\":0,\"until\":\"2026-12-24 "
		  "18:00\"}", "level:" },
		{ "{\"person\":\"bram\",\"level\":\"third\",\"until\":"
		  "\"2026-12-24 18:00\"}", "level:" },
		{ "{\"person\":\"bram\",\"level\":1.5,\"until\":\"2026-12-24 "
		  "18:00\"}", "level:" },
		{ "{\"person\":\"bram\",\"level\":1}", "until: required" },
		{ "{\"person\":\"bram\",\"level\":1,\"until\":\"soon\"}",
		  "until: \"soon\" must be" },
		{ "{\"person\":\"bram\",\"level\":1,\"from\":\"24/12/2026\","
		  "\"until\":\"2026-12-24 18:00\"}", "from: \"24/12/2026\"" },
		{ "{\"person\":\"bram\",\"level\":1,\"from\":null,"
		  "\"until\":\"2026-12-24 18:00\"}", "from: must be a string" },
		{ "{\"person\":\"bram\",\"level\":1,\"from\":\"2026-12-24 "
		  "18:00\",\"until\":\"2026-12-24 18:00\"}",
		  "until: must be after from" },
		{ "{\"person\":\"bram\",\"level\":1,\"from\":\"2026-11-01 "
		  "00:00\",\"until\":\"2026-11-25 12:00\"}",
		  "until: is in the past" },
		{ "{\"person\":\"bram\",\"level\":1,\"from\":\"2026-12-24 "
		  "09:00\",\"until\":\"2027-03-24 09:01\"}",
		  "until: an override lasts at most 90 days" },
		{ "{\"person\":\"bram\",\"level\":1,\"from\":\"2027-11-27 "
		  "00:00\",\"until\":\"2027-11-28 00:00\"}",
		  "from: at most 366 days ahead" },
		{ "{\"person\":\"bram\",\"level\":1,\"until\":\"2026-12-24 "
		  "18:00\",\"note\":\"a\\nb\"}", "note: at most" },
		{ "{\"person\":\"bram\",\"level\":1,\"until\":\"2026-12-24 "
		  "18:00\",\"note\":\"\\u202e\"}", "note: at most" },
		{ "{\"person\":\"bram\",\"level\":1,\"until\":\"2026-12-24 "
		  "18:00\",\"note\":3}", "note: must be a string" },
	};
	struct override_req	 q;
	const char		*err;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err = parse(t[i].body, &q);
		if (err == NULL)
			fail_msg("accepted: %s", t[i].body);
		if (strncmp(err, t[i].err, strlen(t[i].err)) != 0)
			fail_msg("%s: got \"%s\", want \"%s...\"", t[i].body,
			    err, t[i].err);
	}
}

static void
test_note_length(void **state)
{
	struct override_req	 q;
	char			 body[600];

	(void)state;
	snprintf(body, sizeof(body), "{\"person\":\"bram\",\"level\":1,"
	    "\"until\":\"2026-12-24 18:00\",\"note\":\"%0*d\"}",
	    OVERRIDE_NOTE_MAX, 0);
	assert_null(parse(body, &q));
	assert_int_equal(strlen(q.note), OVERRIDE_NOTE_MAX);
	snprintf(body, sizeof(body), "{\"person\":\"bram\",\"level\":1,"
	    "\"until\":\"2026-12-24 18:00\",\"note\":\"%0*d\"}",
	    OVERRIDE_NOTE_MAX + 1, 0);
	assert_non_null(parse(body, &q));
}

static void
test_overlaps(void **state)
{
	/* person, covers, level, from, until */
	static const struct {
		struct rota_override	 a, b;
		int			 want;
	} t[] = {
		/* The same person covered, windows intersecting. */
		{ { 1, 0, 0, 10, 20, NULL }, { 2, 0, 0, 15, 25, NULL }, 1 },
		/* Back to back: until is exclusive. */
		{ { 1, 0, 0, 10, 20, NULL }, { 2, 0, 0, 20, 25, NULL }, 0 },
		{ { 1, 0, 0, 20, 30, NULL }, { 2, 0, 0, 10, 20, NULL }, 0 },
		/* Different people covered. */
		{ { 1, 0, 0, 10, 20, NULL }, { 2, 1, 0, 10, 20, NULL }, 0 },
		/* Levels: 0 is every level, so it meets any. */
		{ { 1, 0, 1, 10, 20, NULL }, { 2, 0, 2, 10, 20, NULL }, 0 },
		{ { 1, 0, 1, 10, 20, NULL }, { 2, 0, 0, 10, 20, NULL }, 1 },
		{ { 1, 0, 2, 10, 20, NULL }, { 2, 0, 2, 10, 20, NULL }, 1 },
		/* Whole levels: the same level only. */
		{ { 1, -1, 1, 10, 20, NULL }, { 2, -1, 1, 5, 11, NULL }, 1 },
		{ { 1, -1, 1, 10, 20, NULL }, { 2, -1, 2, 5, 11, NULL }, 0 },
		/* A level and a person never clash. */
		{ { 1, -1, 1, 10, 20, NULL }, { 2, 0, 1, 10, 20, NULL }, 0 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (override_overlaps(&t[i].a, &t[i].b) != t[i].want)
			fail_msg("case %zu: want %d", i, t[i].want);
		if (override_overlaps(&t[i].b, &t[i].a) != t[i].want)
			fail_msg("case %zu reversed: want %d", i, t[i].want);
	}
}

static void
test_compile(void **state)
{
	struct rota_override	 o;

	(void)state;
	assert_int_equal(override_compile(set, "carl", "bram", 0, 1, 2, "x",
	    &o), 0);
	assert_int_equal(o.person, rota_set_person_index(set, "carl"));
	assert_int_equal(o.covers, rota_set_person_index(set, "bram"));
	assert_string_equal(o.note, "x");
	assert_int_equal(override_compile(set, "carl", "", 2, 1, 2, "", &o),
	    0);
	assert_int_equal(o.covers, -1);
	assert_int_equal(o.level, 2);
	assert_null(o.note);
	/* People the rota file no longer has; a level override without one. */
	assert_int_equal(override_compile(set, "zoe", "", 1, 1, 2, NULL, &o),
	    -1);
	assert_int_equal(override_compile(set, "carl", "zoe", 0, 1, 2, NULL,
	    &o), -1);
	assert_int_equal(override_compile(set, "carl", NULL, 0, 1, 2, NULL,
	    &o), -1);
}

static void
test_json(void **state)
{
	json_t	*o;

	(void)state;
	assert_non_null(o = override_json(ops, "7", "api", "bram", "", 2,
	    T0900, T1800, ""));
	assert_string_equal(json_string_value(json_object_get(o, "id")), "7");
	assert_true(json_is_null(json_object_get(o, "covers")));
	assert_true(json_is_null(json_object_get(o, "note")));
	assert_int_equal(json_integer_value(json_object_get(o, "level")), 2);
	assert_string_equal(json_string_value(json_object_get(o,
	    "level_name")), "secondary");
	assert_string_equal(json_string_value(json_object_get(o, "from")),
	    "2026-12-24T08:00:00.000Z");
	assert_string_equal(json_string_value(json_object_get(o,
	    "until_local")), "2026-12-24 18:00 CET");
	json_decref(o);
	assert_non_null(o = override_json(ops, NULL, "config", "carl", "bram",
	    0, T0900, T1800, "dentist"));
	assert_true(json_is_null(json_object_get(o, "id")));
	assert_true(json_is_null(json_object_get(o, "level")));
	assert_string_equal(json_string_value(json_object_get(o, "covers")),
	    "bram");
	json_decref(o);
}

/* struct rota_extra's source: one override of rota "ops". */
static struct rota_override extra_v[1];

static const struct rota_override *
extra_get(void *arg, const char *rota_id, size_t *n)
{
	*n = strcmp(rota_id, "ops") == 0 ? 1 : 0;
	(void)arg;
	return *n ? extra_v : NULL;
}

static void
test_extra_applies(void **state)
{
	struct rota_extra	 ex = { extra_get, NULL };
	json_t			*doc, *lv, *sh;
	const char		*err;
	size_t			 i, n = 0;

	(void)state;
	/* carl takes level 1 on 24 December 12:00-14:00 CET. */
	assert_int_equal(override_compile(set, "carl", "", 1,
	    T0900 + 3 * 3600000, T0900 + 5 * 3600000, "api one",
	    &extra_v[0]), 0);
	assert_non_null(doc = rota_json_oncall_with(set, &ex, "ops",
	    "2026-12-24 13:00", NOW, &err));
	lv = json_array_get(json_object_get(json_array_get(
	    json_object_get(doc, "rotas"), 0), "levels"), 0);
	assert_string_equal(json_string_value(json_object_get(lv, "person")),
	    "carl");
	assert_string_equal(json_string_value(json_object_get(lv, "reason")),
	    "override");
	assert_string_equal(json_string_value(json_object_get(lv, "note")),
	    "api one");
	json_decref(doc);
	/* Without it: the rotation. */
	assert_non_null(doc = rota_json_oncall(set, "ops", "2026-12-24 13:00",
	    NOW, &err));
	lv = json_array_get(json_object_get(json_array_get(
	    json_object_get(doc, "rotas"), 0), "levels"), 0);
	assert_string_equal(json_string_value(json_object_get(lv, "reason")),
	    "rotation");
	json_decref(doc);
	/* The schedule has a span of carl's; fairness gives him 2 hours. */
	assert_non_null(doc = rota_json_schedule_with(ops, &ex, T0900,
	    T1800));
	json_array_foreach(json_object_get(doc, "shifts"), i, sh)
		if (strcmp(json_string_value(json_object_get(sh, "reason")),
		    "override") == 0) {
			assert_string_equal(json_string_value(
			    json_object_get(sh, "start_local")),
			    "2026-12-24 12:00 CET");
			n++;
		}
	assert_int_equal(n, 1);
	json_decref(doc);
	assert_non_null(doc = rota_json_fairness_with(ops, &ex, T0900,
	    T1800));
	n = 0;
	json_array_foreach(json_object_get(doc, "people"), i, sh)
		if (strcmp(json_string_value(json_object_get(sh, "person")),
		    "carl") == 0) {
			/* 9 h on level 2, 2 h for level 1 */
			assert_true(json_real_value(json_object_get(sh,
			    "total")) == 11.0);
			n++;
		}
	assert_int_equal(n, 1);
	json_decref(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_refused),
		cmocka_unit_test(test_note_length),
		cmocka_unit_test(test_overlaps),
		cmocka_unit_test(test_compile),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_extra_applies),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
