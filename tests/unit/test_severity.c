/*
 * tests/unit/test_severity.c — lib/severity.c: every built-in mapping,
 * rule order, the default level, the rule constructor's refusals and
 * ownership, the level helpers, and every allocation failure (malloc is
 * wrapped at link time).
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

#include "severity.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* As in test_matcher.c: the fail_at-th allocation from now fails once. */
static long	 fail_at = -1;

void	*__real_malloc(size_t);
void	*__real_calloc(size_t, size_t);
void	*__real_realloc(void *, size_t);
void	*__wrap_malloc(size_t);
void	*__wrap_calloc(size_t, size_t);
void	*__wrap_realloc(void *, size_t);

static int
should_fail(void)
{
	if (fail_at < 0)
		return 0;
	return fail_at-- == 0;
}

void *
__wrap_malloc(size_t n)
{
	return should_fail() ? NULL : __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t size)
{
	return should_fail() ? NULL : __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t n)
{
	return should_fail() ? NULL : __real_realloc(p, n);
}

/* An alert with a raw severity and up to two labels, sorted by name. */
struct fixture {
	struct label	 labels[2];
	struct alert	 a;
};

static const struct alert *
mk(struct fixture *f, const char *raw, const char *n1, const char *v1,
    const char *n2, const char *v2)
{
	memset(f, 0, sizeof(*f));
	f->a.severity = (char *)raw;
	f->a.labels = f->labels;
	if (n1 != NULL) {
		f->labels[f->a.nlabels].name = (char *)n1;
		f->labels[f->a.nlabels++].value = (char *)v1;
	}
	if (n2 != NULL) {
		f->labels[f->a.nlabels].name = (char *)n2;
		f->labels[f->a.nlabels++].value = (char *)v2;
	}
	return &f->a;
}

/* Indexes of the built-in rules, in the order severity.h lists them. */
enum {
	RAW_1, RAW_2, RAW_3, PRIO_1, PRIO_2, PRIO_3, SEVL_1, SEVL_2, SEVL_3,
	NBUILTIN
};

static const struct {
	const char	*raw;
	const char	*label;		/* NULL: no label */
	const char	*value;
	enum sev_level	 want;
	size_t		 rule;
} builtin_cases[] = {
	/* PagerDuty Events v2 payload.severity */
	{ "critical", NULL, NULL, SEV_1, RAW_1 },
	{ "error", NULL, NULL, SEV_2, RAW_2 },
	{ "warning", NULL, NULL, SEV_3, RAW_3 },
	{ "info", NULL, NULL, SEV_3, RAW_3 },
	/* any case */
	{ "CRITICAL", NULL, NULL, SEV_1, RAW_1 },
	{ "Error", NULL, NULL, SEV_2, RAW_2 },
	{ "wArNiNg", NULL, NULL, SEV_3, RAW_3 },
	/* Opsgenie priorities as the raw severity */
	{ "P1", NULL, NULL, SEV_1, RAW_1 },
	{ "p1", NULL, NULL, SEV_1, RAW_1 },
	{ "P2", NULL, NULL, SEV_2, RAW_2 },
	{ "P3", NULL, NULL, SEV_3, RAW_3 },
	{ "P4", NULL, NULL, SEV_3, RAW_3 },
	{ "P5", NULL, NULL, SEV_3, RAW_3 },
	/* syslog severity names */
	{ "emerg", NULL, NULL, SEV_1, RAW_1 },
	{ "alert", NULL, NULL, SEV_1, RAW_1 },
	{ "crit", NULL, NULL, SEV_1, RAW_1 },
	{ "err", NULL, NULL, SEV_2, RAW_2 },
	{ "warning", NULL, NULL, SEV_3, RAW_3 },
	{ "warn", NULL, NULL, SEV_3, RAW_3 },
	{ "notice", NULL, NULL, SEV_3, RAW_3 },
	{ "debug", NULL, NULL, SEV_3, RAW_3 },
	/* the priority label */
	{ NULL, "priority", "P1", SEV_1, PRIO_1 },
	{ NULL, "priority", "p1", SEV_1, PRIO_1 },
	{ NULL, "priority", "P2", SEV_2, PRIO_2 },
	{ NULL, "priority", "P3", SEV_3, PRIO_3 },
	{ NULL, "priority", "P4", SEV_3, PRIO_3 },
	{ NULL, "priority", "P5", SEV_3, PRIO_3 },
	/* the severity label */
	{ NULL, "severity", "critical", SEV_1, SEVL_1 },
	{ NULL, "severity", "page", SEV_1, SEVL_1 },
	{ NULL, "severity", "error", SEV_2, SEVL_2 },
	{ NULL, "severity", "major", SEV_2, SEVL_2 },
	{ NULL, "severity", "warning", SEV_3, SEVL_3 },
	{ NULL, "severity", "info", SEV_3, SEVL_3 },
	{ NULL, "severity", "minor", SEV_3, SEVL_3 },
	{ NULL, "severity", "Critical", SEV_1, SEVL_1 },
	{ NULL, "severity", "MAJOR", SEV_2, SEVL_2 },
	/* nothing the built-ins know: the default */
	{ NULL, NULL, NULL, SEV_NONE, NBUILTIN },
	{ "", NULL, NULL, SEV_NONE, NBUILTIN },
	{ "high", NULL, NULL, SEV_NONE, NBUILTIN },
	{ "critical ", NULL, NULL, SEV_NONE, NBUILTIN },
	{ "P0", NULL, NULL, SEV_NONE, NBUILTIN },
	{ NULL, "priority", "P6", SEV_NONE, NBUILTIN },
	{ NULL, "priority", "P10", SEV_NONE, NBUILTIN },
	{ NULL, "severity", "crit", SEV_NONE, NBUILTIN },
	{ NULL, "severity", "criticality", SEV_NONE, NBUILTIN },
	{ NULL, "severity", "", SEV_NONE, NBUILTIN },
	{ NULL, "level", "critical", SEV_NONE, NBUILTIN },
};

static void
test_builtin_rules_map_every_documented_value(void **state)
{
	struct severity_rules	*r;
	struct fixture		 f;
	size_t			 i, rule;

	r = severity_rules_builtin(SEV_NONE);
	assert_non_null(r);
	assert_int_equal(r->n, NBUILTIN);
	for (i = 0; i < NELEM(builtin_cases); i++) {
		rule = 999;
		if (severity_eval(r, mk(&f, builtin_cases[i].raw,
		    builtin_cases[i].label, builtin_cases[i].value, NULL,
		    NULL), &rule) != builtin_cases[i].want ||
		    rule != builtin_cases[i].rule)
			fail_msg("raw %s, %s=%s: got rule %zu, want %s by "
			    "rule %zu", builtin_cases[i].raw ?
			    builtin_cases[i].raw : "(none)",
			    builtin_cases[i].label ? builtin_cases[i].label :
			    "-", builtin_cases[i].value ?
			    builtin_cases[i].value : "-", rule,
			    sev_name(builtin_cases[i].want),
			    builtin_cases[i].rule);
	}
	severity_rules_free(r);
}

/*
 * Raw severity before the priority label before the severity label,
 * whatever each says.
 */
static void
test_builtin_order_raw_then_priority_then_severity_label(void **state)
{
	struct severity_rules	*r;
	struct fixture		 f;
	size_t			 rule;

	r = severity_rules_builtin(SEV_NONE);
	assert_non_null(r);
	assert_int_equal(severity_eval(r, mk(&f, "warning", "priority", "P1",
	    "severity", "critical"), &rule), SEV_3);
	assert_int_equal(rule, RAW_3);
	assert_int_equal(severity_eval(r, mk(&f, "critical", "priority", "P5",
	    "severity", "info"), &rule), SEV_1);
	assert_int_equal(rule, RAW_1);
	assert_int_equal(severity_eval(r, mk(&f, NULL, "priority", "P3",
	    "severity", "critical"), &rule), SEV_3);
	assert_int_equal(rule, PRIO_3);
	assert_int_equal(severity_eval(r, mk(&f, "high", "priority", "P9",
	    "severity", "major"), &rule), SEV_2);
	assert_int_equal(rule, SEVL_2);
	severity_rules_free(r);
}

static void
test_default_level_when_no_rule_matches(void **state)
{
	static const enum sev_level	 defaults[] = {
		SEV_NONE, SEV_1, SEV_2, SEV_3
	};
	struct severity_rules		*r;
	struct fixture			 f;
	size_t				 i, rule;

	for (i = 0; i < NELEM(defaults); i++) {
		r = severity_rules_builtin(defaults[i]);
		assert_non_null(r);
		assert_int_equal(severity_eval(r, mk(&f, "bogus", NULL, NULL,
		    NULL, NULL), &rule), defaults[i]);
		assert_int_equal(rule, r->n);
		severity_rules_free(r);

		/* An empty rule list is all default. */
		r = severity_rules_new(defaults[i]);
		assert_non_null(r);
		assert_int_equal(severity_eval(r, mk(&f, "critical", NULL,
		    NULL, NULL, NULL), &rule), defaults[i]);
		assert_int_equal(rule, 0);
		assert_int_equal(severity_eval(r, mk(&f, NULL, NULL, NULL,
		    NULL, NULL), NULL), defaults[i]);
		severity_rules_free(r);
	}
	assert_null(severity_rules_new((enum sev_level)4));
	assert_null(severity_rules_new((enum sev_level)-1));
	assert_null(severity_rules_builtin((enum sev_level)9));
}

/* Add a rule from a matcher list and raw values; assert it worked. */
static void
add(struct severity_rules *r, const char *matchers, const char *raw0,
    const char *raw1, enum sev_level level)
{
	struct matcher_set	 set;
	const char		*raw[2] = { raw0, raw1 };
	char			 err[256];

	assert_int_equal(matcher_set_parse(matchers, &set, err, sizeof(err)),
	    0);
	if (severity_rule_add(r, &set, raw, raw1 ? 2 : raw0 ? 1 : 0, level,
	    err, sizeof(err)) != 0)
		fail_msg("%s: %s", matchers, err);
	assert_null(set.v);
	assert_int_equal(set.n, 0);
}

static void
test_custom_rules_first_match_wins(void **state)
{
	static const struct {
		const char	*raw;
		const char	*n1, *v1, *n2, *v2;
		enum sev_level	 want;
		size_t		 rule;
	} cases[] = {
		/* rule 0 needs both its label and its raw value */
		{ "error", "env", "prod", "service", "db", SEV_1, 0 },
		{ "ERROR", "env", "prod", "service", "db", SEV_1, 0 },
		{ "warning", "env", "prod", "service", "db", SEV_2, 1 },
		{ "error", "env", "dev", "service", "db", SEV_2, 1 },
		/* rule 1: any service=~"db.*" */
		{ NULL, "service", "db-replica", NULL, NULL, SEV_2, 1 },
		/* rule 2: the raw value "" is an absent severity */
		{ NULL, "service", "web", NULL, NULL, SEV_3, 2 },
		{ "", "service", "web", NULL, NULL, SEV_3, 2 },
		/* rule 3: raw only */
		{ "error", "service", "web", NULL, NULL, SEV_3, 3 },
		{ "fatal", "service", "web", NULL, NULL, SEV_3, 3 },
		/* default */
		{ "warning", "service", "web", NULL, NULL, SEV_2, 4 },
	};
	struct severity_rules	*r;
	struct fixture		 f;
	size_t			 i, rule;

	r = severity_rules_new(SEV_2);
	assert_non_null(r);
	add(r, "{env=\"prod\", service=~\"db.*\"}", "error", NULL, SEV_1);
	add(r, "service=~\"db.*\"", NULL, NULL, SEV_2);
	add(r, "", "", NULL, SEV_3);
	add(r, "{}", "error", "fatal", SEV_3);
	assert_int_equal(r->n, 4);
	for (i = 0; i < NELEM(cases); i++) {
		assert_int_equal(severity_eval(r, mk(&f, cases[i].raw,
		    cases[i].n1, cases[i].v1, cases[i].n2, cases[i].v2),
		    &rule), cases[i].want);
		assert_int_equal(rule, cases[i].rule);
	}
	severity_rules_free(r);
}

static void
test_rule_add_refuses_catch_all_and_bad_level(void **state)
{
	struct severity_rules	*r;
	struct matcher_set	 set;
	const char		*raw[1] = { "x" };
	char			 err[256];

	r = severity_rules_new(SEV_NONE);
	assert_non_null(r);
	assert_int_equal(severity_rule_add(r, NULL, NULL, 0, SEV_1, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "would match every alert"));
	assert_int_equal(matcher_set_parse("{}", &set, err, sizeof(err)), 0);
	assert_int_equal(severity_rule_add(r, &set, raw, 0, SEV_1, err,
	    sizeof(err)), -1);
	assert_int_equal(severity_rule_add(r, NULL, raw, 1, SEV_NONE, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "level must be sev1, sev2 or sev3");
	assert_int_equal(severity_rule_add(r, NULL, raw, 1, (enum sev_level)4,
	    NULL, 0), -1);

	/* A refused rule leaves the matchers with the caller. */
	assert_int_equal(matcher_set_parse("a=\"b\"", &set, err, sizeof(err)),
	    0);
	assert_int_equal(severity_rule_add(r, &set, NULL, 0, SEV_NONE, err,
	    sizeof(err)), -1);
	assert_int_equal(set.n, 1);
	assert_int_equal(r->n, 0);
	/* An accepted one takes them; raw values are copied. */
	assert_int_equal(severity_rule_add(r, &set, raw, 1, SEV_2, err,
	    sizeof(err)), 0);
	assert_int_equal(set.n, 0);
	assert_null(set.v);
	assert_int_equal(r->n, 1);
	assert_string_equal(r->v[0].raw[0], "x");
	assert_ptr_not_equal(r->v[0].raw[0], raw[0]);
	assert_string_equal(r->v[0].matchers.v[0].name, "a");
	assert_int_equal(r->v[0].level, SEV_2);
	severity_rules_free(r);
	severity_rules_free(NULL);
}

static void
test_level_names_parse_and_max(void **state)
{
	static const struct {
		const char	*s;
		int		 rc;
		enum sev_level	 l;
	} parse[] = {
		{ "sev1", 0, SEV_1 }, { "sev2", 0, SEV_2 },
		{ "sev3", 0, SEV_3 }, { "SEV1", 0, SEV_1 },
		{ "Sev2", 0, SEV_2 }, { "1", 0, SEV_1 }, { "3", 0, SEV_3 },
		{ "sev0", -1, 0 }, { "sev4", -1, 0 }, { "4", -1, 0 },
		{ "0", -1, 0 }, { "none", -1, 0 }, { "", -1, 0 },
		{ "sev", -1, 0 }, { "s", -1, 0 }, { "sev11", -1, 0 },
		{ " sev1", -1, 0 }, { "sev1 ", -1, 0 }, { "sev-1", -1, 0 },
		{ "critical", -1, 0 },
	};
	static const struct {
		enum sev_level	 a, b, max;
	} max[] = {
		{ SEV_1, SEV_3, SEV_1 }, { SEV_3, SEV_1, SEV_1 },
		{ SEV_2, SEV_3, SEV_2 }, { SEV_2, SEV_2, SEV_2 },
		{ SEV_NONE, SEV_3, SEV_3 }, { SEV_2, SEV_NONE, SEV_2 },
		{ SEV_NONE, SEV_NONE, SEV_NONE },
		{ (enum sev_level)7, SEV_3, SEV_3 },
		{ SEV_1, (enum sev_level)7, SEV_1 },
	};
	enum sev_level	 l, acc;
	size_t		 i;

	assert_string_equal(sev_name(SEV_1), "sev1");
	assert_string_equal(sev_name(SEV_2), "sev2");
	assert_string_equal(sev_name(SEV_3), "sev3");
	assert_string_equal(sev_name(SEV_NONE), "none");
	assert_string_equal(sev_name((enum sev_level)42), "none");
	for (i = 0; i < NELEM(parse); i++) {
		l = SEV_NONE;
		if (sev_parse(parse[i].s, &l) != parse[i].rc)
			fail_msg("sev_parse(\"%s\")", parse[i].s);
		if (parse[i].rc == 0)
			assert_int_equal(l, parse[i].l);
	}
	/* What sev_name() prints parses back. */
	for (l = SEV_1; l <= SEV_3; l++) {
		assert_int_equal(sev_parse(sev_name(l), &acc), 0);
		assert_int_equal(acc, l);
	}
	for (i = 0; i < NELEM(max); i++)
		assert_int_equal(sev_max(max[i].a, max[i].b), max[i].max);
	/* An incident's level over its firing alerts. */
	acc = SEV_NONE;
	acc = sev_max(acc, SEV_3);
	acc = sev_max(acc, SEV_NONE);
	acc = sev_max(acc, SEV_2);
	acc = sev_max(acc, SEV_3);
	assert_int_equal(acc, SEV_2);
}

/* Fail each allocation in turn: NULL or -1, and nothing leaked. */
static void
test_every_allocation_failure_is_clean(void **state)
{
	struct severity_rules	*r, *b;
	struct matcher_set	 set;
	const char		*raw[3] = { "a", "b", "c" };
	char			 err[256];
	long			 k;
	int			 rc;

	for (k = 0;; k++) {
		fail_at = k;
		b = severity_rules_builtin(SEV_3);
		if (fail_at >= 0)
			break;
		assert_null(b);
	}
	fail_at = -1;
	assert_non_null(b);
	assert_true(k > NBUILTIN);
	severity_rules_free(b);

	r = severity_rules_new(SEV_NONE);
	assert_non_null(r);
	for (k = 0;; k++) {
		assert_int_equal(matcher_set_parse("a=\"1\"", &set, err,
		    sizeof(err)), 0);
		fail_at = k;
		rc = severity_rule_add(r, &set, raw, 3, SEV_1, err,
		    sizeof(err));
		if (fail_at >= 0)
			break;
		fail_at = -1;
		assert_int_equal(rc, -1);
		assert_string_equal(err, "out of memory");
		assert_int_equal(set.n, 1);
		assert_int_equal(r->n, 0);
		matcher_set_free(&set);
	}
	fail_at = -1;
	assert_int_equal(rc, 0);
	assert_int_equal(r->n, 1);
	severity_rules_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_builtin_rules_map_every_documented_value),
		cmocka_unit_test(
		    test_builtin_order_raw_then_priority_then_severity_label),
		cmocka_unit_test(test_default_level_when_no_rule_matches),
		cmocka_unit_test(test_custom_rules_first_match_wins),
		cmocka_unit_test(
		    test_rule_add_refuses_catch_all_and_bad_level),
		cmocka_unit_test(test_level_names_parse_and_max),
		cmocka_unit_test(test_every_allocation_failure_is_clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
