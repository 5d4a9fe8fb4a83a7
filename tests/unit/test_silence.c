/*
 * tests/unit/test_silence.c — lib/silence.c: API bodies are validated
 * field by field with errors naming the field, both matcher forms are
 * read, and a silence matches only inside its window and only when all
 * its matchers match; inhibit rules see pagerd's level and service and
 * key sources by the equal labels.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "silence.h"

#define NOW	1767225600000LL		/* 2026-01-01T00:00:00Z */
#define HOUR	3600000LL
#define MAXD	(30 * 24 * HOUR)

static int
parse(const char *text, struct silence *s, char *err, size_t errlen)
{
	json_t	*doc = json_loads(text, 0, NULL);
	int	 rv;

	assert_non_null(doc);
	rv = silence_from_request(doc, NOW, MAXD, s, err, errlen);
	json_decref(doc);
	return rv;
}

static void
test_valid_bodies(void **state)
{
	struct silence	 s;
	char		 err[300];

	(void)state;
	assert_int_equal(parse("{\"matchers\": [{\"name\": \"a\", "
	    "\"value\": \"b\", \"isRegex\": false}], "
	    "\"ends_at\": \"2026-01-01T02:00:00Z\", \"created_by\": \"me\", "
	    "\"comment\": \"why\"}", &s, err, sizeof(err)), 0);
	assert_int_equal(s.starts_at_ms, NOW);
	assert_int_equal(s.ends_at_ms, NOW + 2 * HOUR);
	assert_int_equal(s.matchers.n, 1);
	assert_string_equal(s.created_by, "me");
	assert_null(s.id);
	silence_clear(&s);

	/* Text matchers and Alertmanager's spellings. */
	assert_int_equal(parse("{\"matchers\": \"{a=\\\"b\\\", c=~\\\"d.*\\\"}\","
	    " \"startsAt\": \"2026-01-01T01:00:00Z\", "
	    "\"endsAt\": \"2026-01-01T02:00:00Z\", \"createdBy\": \"me\", "
	    "\"comment\": \"why\"}", &s, err, sizeof(err)), 0);
	assert_int_equal(s.starts_at_ms, NOW + HOUR);
	assert_int_equal(s.matchers.n, 2);
	assert_int_equal(s.matchers.v[1].type, MATCH_RE);
	silence_clear(&s);
}

/* Table-driven: a bad body and the start of its error. */
static void
test_errors_name_the_field(void **state)
{
	static const struct {
		const char	*body;
		const char	*err;
	} t[] = {
		{ "[]", "body:" },
		{ "{\"ends_at\": \"2026-01-01T02:00:00Z\", \"created_by\": "
		  "\"x\", \"comment\": \"y\"}", "matchers: required" },
		{ "{\"matchers\": [], \"ends_at\": \"2026-01-01T02:00:00Z\"}",
		  "matchers: must not be empty" },
		{ "{\"matchers\": [{\"name\": 1, \"value\": \"b\", "
		  "\"isRegex\": false}]}", "matchers[0].name" },
		{ "{\"matchers\": \"{a=~\\\"((\\\"}\"}", "matchers: " },
		{ "{\"matchers\": \"{a=\\\"b\\\"}\", \"created_by\": \"x\", "
		  "\"comment\": \"y\"}", "ends_at: required" },
		{ "{\"matchers\": \"{a=\\\"b\\\"}\", \"ends_at\": \"soon\"}",
		  "ends_at: must be an RFC 3339" },
		{ "{\"matchers\": \"{a=\\\"b\\\"}\", \"starts_at\": 5, "
		  "\"ends_at\": \"2026-01-01T02:00:00Z\"}", "starts_at:" },
		{ "{\"matchers\": \"{a=\\\"b\\\"}\", "
		  "\"starts_at\": \"2026-01-01T03:00:00Z\", "
		  "\"ends_at\": \"2026-01-01T02:00:00Z\"}",
		  "ends_at: must be after starts_at" },
		{ "{\"matchers\": \"{a=\\\"b\\\"}\", "
		  "\"starts_at\": \"2025-12-31T00:00:00Z\", "
		  "\"ends_at\": \"2025-12-31T02:00:00Z\"}",
		  "ends_at: must be in the future" },
		{ "{\"matchers\": \"{a=\\\"b\\\"}\", "
		  "\"ends_at\": \"2026-03-01T00:00:00Z\"}",
		  "ends_at: at most 4w2d after starts_at" },
		{ "{\"matchers\": \"{a=\\\"b\\\"}\", "
		  "\"ends_at\": \"2026-01-01T02:00:00Z\", \"comment\": \"y\"}",
		  "created_by: required" },
		{ "{\"matchers\": \"{a=\\\"b\\\"}\", "
		  "\"ends_at\": \"2026-01-01T02:00:00Z\", \"created_by\": \"x\","
		  " \"comment\": \"\"}", "comment: required" },
		{ "{\"matchers\": \"{a=\\\"b\\\"}\", \"id\": \"3\"}",
		  "id: unknown field" },
	};
	struct silence	 s;
	char		 err[300];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(err, 0, sizeof(err));
		if (parse(t[i].body, &s, err, sizeof(err)) != -1)
			fail_msg("accepted %s", t[i].body);
		if (strncmp(err, t[i].err, strlen(t[i].err)) != 0)
			fail_msg("%s: got \"%s\", want \"%s...\"", t[i].body,
			    err, t[i].err);
		assert_null(s.matchers.v);
		assert_null(s.created_by);
	}
}

static void
test_matching_window_and_all_matchers(void **state)
{
	struct label	 l[] = { { "alertname", "DiskFull" },
			    { "env", "prod-eu" } };
	struct silence	 s;
	char		 err[300];

	(void)state;
	assert_int_equal(parse("{\"matchers\": \"{alertname=\\\"DiskFull\\\","
	    " env=~\\\"prod.*\\\"}\", \"starts_at\": "
	    "\"2026-01-01T01:00:00Z\", \"ends_at\": \"2026-01-01T02:00:00Z\","
	    " \"created_by\": \"x\", \"comment\": \"y\"}", &s, err,
	    sizeof(err)), 0);
	assert_string_equal(silence_state(&s, NOW), "pending");
	assert_int_equal(silence_matches(&s, l, 2, NOW), 0);
	assert_string_equal(silence_state(&s, NOW + HOUR), "active");
	assert_int_equal(silence_matches(&s, l, 2, NOW + HOUR), 1);
	assert_int_equal(silence_matches(&s, l, 1, NOW + HOUR), 0);
	assert_string_equal(silence_state(&s, NOW + 2 * HOUR), "expired");
	assert_int_equal(silence_matches(&s, l, 2, NOW + 2 * HOUR), 0);
	silence_clear(&s);
}

static void
test_stored_form_round_trip(void **state)
{
	struct silence	 s, back;
	json_t		*m, *o;
	char		 err[300];

	(void)state;
	assert_int_equal(parse("{\"matchers\": \"{a!=\\\"b\\\", c!~\\\"d\\\"}\","
	    " \"ends_at\": \"2026-01-01T02:00:00Z\", \"created_by\": \"x\", "
	    "\"comment\": \"y\"}", &s, err, sizeof(err)), 0);
	m = silence_matchers_json(&s.matchers);
	assert_non_null(m);
	assert_true(json_is_false(json_object_get(json_array_get(m, 0),
	    "isEqual")));
	assert_true(json_is_true(json_object_get(json_array_get(m, 1),
	    "isRegex")));
	o = json_pack("{s:s, s:o, s:I, s:I, s:s, s:s}", "id", "7",
	    "matchers", m, "starts_at", (json_int_t)NOW, "ends_at",
	    (json_int_t)(NOW + HOUR), "created_by", "x", "comment", "y");
	assert_int_equal(silence_from_stored(o, &back, err, sizeof(err)), 0);
	assert_string_equal(back.id, "7");
	assert_int_equal(back.matchers.n, 2);
	assert_int_equal(back.matchers.v[0].type, MATCH_NE);
	assert_int_equal(back.matchers.v[1].type, MATCH_NRE);
	json_decref(o);
	silence_clear(&back);
	silence_clear(&s);
}

/* Build a rule over one source and one target matcher string. */
static void
mkrule(struct inhibit_rule *r, char **src, char **tgt, char **eq,
    size_t neq)
{
	char	 err[200];

	memset(r, 0, sizeof(*r));
	r->source = src;
	r->n_source = 1;
	r->target = tgt;
	r->n_target = 1;
	r->equal = eq;
	r->n_equal = neq;
	r->source_m = calloc(1, sizeof(*r->source_m));
	r->target_m = calloc(1, sizeof(*r->target_m));
	assert_int_equal(matcher_set_parse(src[0], r->source_m, err,
	    sizeof(err)), 0);
	assert_int_equal(matcher_set_parse(tgt[0], r->target_m, err,
	    sizeof(err)), 0);
	inhibit_rule_set_id(r);
}

static void
rule_free(struct inhibit_rule *r)
{
	matcher_set_free(r->source_m);
	matcher_set_free(r->target_m);
	free(r->source_m);
	free(r->target_m);
}

/* An alert of service db at level with labels l[0..n). */
static void
mkalert(struct alert *a, struct label *l, size_t n, int level)
{
	memset(a, 0, sizeof(*a));
	a->labels = l;
	a->nlabels = n;
	a->service = "db";
	a->level = level;
}

/*
 * level and service go in among the alert's own labels at their sorted
 * places: labels before, between and after them are all found.
 */
static void
test_inhibit_mark_labels_around_level_and_service(void **state)
{
	char		*src1[] = { "level=\"sev2\"", "service=\"db\"",
			    "alertname=\"A\"", "zone=\"z1\"" },
			*tgt1[] = { "level=\"sev3\"" },
			*eq1[] = { "zone", "service", "alertname", "level",
			    "region" };
	struct label	 l[] = { { "alertname", "A" }, { "region", "r1" },
			    { "zone", "z1" } };
	struct inhibit_rule r;
	struct alert	 a;
	char		*s, *t, want[128];

	(void)state;
	mkrule(&r, src1, tgt1, eq1, 5);
	mkalert(&a, l, 3, 2);
	assert_int_equal(inhibit_mark(&r, 1, &a, &s, &t), 0);
	snprintf(want, sizeof(want), "%s [\"z1\",\"db\",\"A\",\"sev2\","
	    "\"r1\"]", r.id);
	assert_non_null(s);
	assert_string_equal(s, want);
	assert_null(t);
	free(s);
	rule_free(&r);
}

static void
test_inhibit_mark_level_service_and_equal(void **state)
{
	char		*src1[] = { "level=\"sev1\"" },
			*tgt1[] = { "level=\"sev3\"" },
			*eq1[] = { "service", "cluster" };
	struct label	 l[] = { { "cluster", "eu" }, { "level", "fake" },
			    { "service", "not-this" } };
	struct inhibit_rule r, r2;
	struct alert	 a;
	char		*s, *t, want[128];

	(void)state;
	mkrule(&r, src1, tgt1, eq1, 2);
	mkrule(&r2, src1, tgt1, eq1, 1);
	assert_int_equal(strlen(r.id), 16);
	assert_string_not_equal(r.id, r2.id);

	mkalert(&a, l, 3, 1);
	assert_int_equal(inhibit_mark(&r, 1, &a, &s, &t), 0);
	/* pagerd's level and service replace the labels of that name. */
	snprintf(want, sizeof(want), "%s [\"db\",\"eu\"]", r.id);
	assert_non_null(s);
	assert_string_equal(s, want);
	assert_null(t);
	free(s);

	a.level = 3;
	a.nlabels = 0;		/* a missing equal label counts as "" */
	assert_int_equal(inhibit_mark(&r, 1, &a, &s, &t), 0);
	assert_null(s);
	snprintf(want, sizeof(want), "%s [\"db\",\"\"]", r.id);
	assert_non_null(t);
	assert_string_equal(t, want);
	free(t);

	a.level = 2;
	assert_int_equal(inhibit_mark(&r, 1, &a, &s, &t), 0);
	assert_null(s);
	assert_null(t);
	rule_free(&r);
	rule_free(&r2);
}

/*
 * Two rules that both match give two lines, and a value that needs
 * escaping is written as jansson's compact dump of the array would be
 * (the store compares these texts with what older pagerd wrote).
 */
static void
test_inhibit_mark_lines_and_escaping(void **state)
{
	char		*src1[] = { "level=\"sev1\"" },
			*eq1[] = { "cluster" }, *eq2[] = { "cluster", "dc" };
	struct label	 l[] = { { "cluster", "e\"u\\\n\x01\t/\xc3\xa9" },
			    { "dc", "" } };
	struct inhibit_rule r[2];
	struct alert	 a;
	json_t		*arr;
	char		*s, *t, *k1, *k2, want[512];

	(void)state;
	mkrule(&r[0], src1, src1, eq1, 1);
	mkrule(&r[1], src1, src1, eq2, 2);
	memset(&a, 0, sizeof(a));
	a.labels = l;
	a.nlabels = 2;
	a.level = 1;
	assert_int_equal(inhibit_mark(r, 2, &a, &s, &t), 0);

	arr = json_pack("[s]", l[0].value);
	k1 = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	arr = json_pack("[ss]", l[0].value, "");
	k2 = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	snprintf(want, sizeof(want), "%s %s\n%s %s", r[0].id, k1, r[1].id, k2);
	assert_string_equal(s, want);
	assert_string_equal(t, want);	/* the same rules as targets */
	free(k1);
	free(k2);
	free(s);
	free(t);
	rule_free(&r[0]);
	rule_free(&r[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_bodies),
		cmocka_unit_test(test_errors_name_the_field),
		cmocka_unit_test(test_matching_window_and_all_matchers),
		cmocka_unit_test(test_stored_form_round_trip),
		cmocka_unit_test(test_inhibit_mark_level_service_and_equal),
		cmocka_unit_test(
		    test_inhibit_mark_labels_around_level_and_service),
		cmocka_unit_test(test_inhibit_mark_lines_and_escaping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
