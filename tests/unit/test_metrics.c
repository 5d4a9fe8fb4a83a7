/*
 * tests/unit/test_metrics.c — lib/metrics.c: what the registry accepts,
 * and the exact Prometheus text (format 0.0.4) it renders.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "metrics.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static int
setup(void **state)
{
	*state = metrics_new();
	return *state == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	metrics_free(*state);
	return 0;
}

static void
expect_render(const struct metrics *m, const char *want)
{
	char	*s;
	size_t	 len = 0;

	s = metrics_render(m, &len);
	assert_non_null(s);
	assert_string_equal(s, want);
	assert_int_equal(len, strlen(want));
	free(s);
}

static void
test_empty_registry_renders_empty_string(void **state)
{
	expect_render(*state, "");
}

static void
test_declared_family_renders_zero_before_first_sample(void **state)
{
	struct metrics	*m = *state;

	assert_int_equal(metrics_declare(m, "pagerd_alerts_total",
	    METRIC_COUNTER, "Alerts accepted."), 0);
	assert_int_equal(metrics_declare(m, "pagerd_redis_up", METRIC_GAUGE,
	    "1 when Redis answers."), 0);
	expect_render(m,
	    "# HELP pagerd_alerts_total Alerts accepted.\n"
	    "# TYPE pagerd_alerts_total counter\n"
	    "pagerd_alerts_total 0\n"
	    "# HELP pagerd_redis_up 1 when Redis answers.\n"
	    "# TYPE pagerd_redis_up gauge\n"
	    "pagerd_redis_up 0\n");
}

static void
test_families_sorted_by_name_and_samples_by_labels(void **state)
{
	struct metrics		*m = *state;
	const char *const	 http[] = { "source", "http" };
	const char *const	 udp[] = { "source", "udp" };
	const char *const	 am[] = { "source", "alertmanager" };

	assert_int_equal(metrics_declare(m, "zz_total", METRIC_COUNTER,
	    NULL), 0);
	assert_int_equal(metrics_declare(m, "aa", METRIC_GAUGE, NULL), 0);
	assert_int_equal(metrics_declare(m, "mm_total", METRIC_COUNTER,
	    NULL), 0);
	assert_int_equal(metrics_add(m, "mm_total", 1, 1, udp), 0);
	assert_int_equal(metrics_add(m, "mm_total", 2, 1, http), 0);
	assert_int_equal(metrics_add(m, "mm_total", 3, 1, am), 0);
	assert_int_equal(metrics_set(m, "aa", 5, 0, NULL), 0);
	expect_render(m,
	    "# TYPE aa gauge\n"
	    "aa 5\n"
	    "# TYPE mm_total counter\n"
	    "mm_total{source=\"alertmanager\"} 3\n"
	    "mm_total{source=\"http\"} 2\n"
	    "mm_total{source=\"udp\"} 1\n"
	    "# TYPE zz_total counter\n"
	    "zz_total 0\n");
}

static void
test_label_order_does_not_make_a_new_series(void **state)
{
	struct metrics		*m = *state;
	const char *const	 ab[] = { "b", "2", "a", "1" };
	const char *const	 ba[] = { "a", "1", "b", "2" };

	assert_int_equal(metrics_declare(m, "x_total", METRIC_COUNTER, "h"),
	    0);
	assert_int_equal(metrics_add(m, "x_total", 1, 2, ab), 0);
	assert_int_equal(metrics_add(m, "x_total", 1, 2, ba), 0);
	assert_true(metrics_get(m, "x_total", 2, ab) == 2.0);
	expect_render(m,
	    "# HELP x_total h\n"
	    "# TYPE x_total counter\n"
	    "x_total{a=\"1\",b=\"2\"} 2\n");
}

static void
test_counter_adds_and_gauge_sets(void **state)
{
	struct metrics	*m = *state;

	metrics_declare(m, "c_total", METRIC_COUNTER, NULL);
	metrics_declare(m, "g", METRIC_GAUGE, NULL);
	assert_int_equal(metrics_add(m, "c_total", 2, 0, NULL), 0);
	assert_int_equal(metrics_add(m, "c_total", 3, 0, NULL), 0);
	assert_int_equal(metrics_set(m, "g", 7, 0, NULL), 0);
	assert_int_equal(metrics_set(m, "g", 4, 0, NULL), 0);
	assert_int_equal(metrics_add(m, "g", -1.5, 0, NULL), 0);
	assert_true(metrics_get(m, "c_total", 0, NULL) == 5.0);
	assert_true(metrics_get(m, "g", 0, NULL) == 2.5);
}

static void
test_counter_refuses_to_go_down(void **state)
{
	struct metrics	*m = *state;

	metrics_declare(m, "c_total", METRIC_COUNTER, NULL);
	assert_int_equal(metrics_add(m, "c_total", 5, 0, NULL), 0);
	assert_int_equal(metrics_add(m, "c_total", -1, 0, NULL), -1);
	assert_int_equal(metrics_add(m, "c_total", NAN, 0, NULL), -1);
	assert_int_equal(metrics_set(m, "c_total", -1, 0, NULL), -1);
	assert_true(metrics_get(m, "c_total", 0, NULL) == 5.0);
}

static void
test_undeclared_family_is_ignored(void **state)
{
	struct metrics	*m = *state;

	assert_int_equal(metrics_add(m, "nope_total", 1, 0, NULL), -1);
	assert_int_equal(metrics_set(m, "nope", 1, 0, NULL), -1);
	assert_true(metrics_get(m, "nope", 0, NULL) == 0.0);
	expect_render(m, "");
}

static void
test_get_absent_sample_is_zero(void **state)
{
	struct metrics		*m = *state;
	const char *const	 kv[] = { "k", "v" };

	metrics_declare(m, "g", METRIC_GAUGE, NULL);
	assert_true(metrics_get(m, "g", 1, kv) == 0.0);
	assert_int_equal(metrics_set(m, "g", 3, 0, NULL), 0);
	assert_true(metrics_get(m, "g", 1, kv) == 0.0);
}

static const struct name_case {
	const char		*name;
	enum metric_type	 type;
	int			 want;
} name_cases[] = {
	{ "pagerd_alerts_total", METRIC_COUNTER, 0 },
	{ "pagerd:alerts:rate", METRIC_GAUGE, 0 },
	{ "_x", METRIC_GAUGE, 0 },
	{ "pagerd_alerts", METRIC_COUNTER, -1 },	/* no _total */
	{ "_total", METRIC_COUNTER, 0 },
	{ "total", METRIC_COUNTER, -1 },
	{ "", METRIC_GAUGE, -1 },
	{ "9lives", METRIC_GAUGE, -1 },
	{ "has space", METRIC_GAUGE, -1 },
	{ "has-dash", METRIC_GAUGE, -1 },
	{ "caf\xc3\xa9", METRIC_GAUGE, -1 },
	{ NULL, METRIC_GAUGE, -1 },
};

static void
test_declare_checks_names(void **state)
{
	size_t	 i;

	for (i = 0; i < NELEM(name_cases); i++) {
		struct metrics	*m = metrics_new();

		assert_non_null(m);
		if (metrics_declare(m, name_cases[i].name, name_cases[i].type,
		    NULL) != name_cases[i].want)
			fail_msg("name \"%s\"", name_cases[i].name ?
			    name_cases[i].name : "(null)");
		metrics_free(m);
	}
}

static void
test_redeclare_same_type_ok_other_type_refused(void **state)
{
	struct metrics	*m = *state;

	assert_int_equal(metrics_declare(m, "a_total", METRIC_COUNTER, "one"),
	    0);
	assert_int_equal(metrics_declare(m, "a_total", METRIC_COUNTER, "two"),
	    0);
	assert_int_equal(metrics_declare(m, "a_total", METRIC_GAUGE, "x"), -1);
	expect_render(m,
	    "# HELP a_total one\n"
	    "# TYPE a_total counter\n"
	    "a_total 0\n");
}

static void
test_bad_labels_are_refused(void **state)
{
	struct metrics		*m = *state;
	const char *const	 dup[] = { "a", "1", "a", "2" };
	const char *const	 badname[] = { "a-b", "1" };
	const char *const	 colon[] = { "a:b", "1" };
	const char *const	 nullval[] = { "a", NULL };
	const char		*many[2 * 17];
	size_t			 i;

	metrics_declare(m, "g", METRIC_GAUGE, NULL);
	assert_int_equal(metrics_set(m, "g", 1, 2, dup), -1);
	assert_int_equal(metrics_set(m, "g", 1, 1, badname), -1);
	assert_int_equal(metrics_set(m, "g", 1, 1, colon), -1);
	assert_int_equal(metrics_set(m, "g", 1, 1, nullval), -1);
	assert_int_equal(metrics_set(m, "g", 1, 1, NULL), -1);
	for (i = 0; i < 17; i++) {
		static const char *const names[17] = { "a", "b", "c", "d",
		    "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
		    "p", "q" };

		many[2 * i] = names[i];
		many[2 * i + 1] = "v";
	}
	assert_int_equal(metrics_set(m, "g", 1, 17, many), -1);
	assert_int_equal(metrics_set(m, "g", 1, 16, many), 0);
}

static void
test_label_values_are_escaped(void **state)
{
	struct metrics		*m = *state;
	const char *const	 kv[] = { "path", "C:\\dir\n\"q\"" };

	metrics_declare(m, "g", METRIC_GAUGE, "line one\nback\\slash \"q\"");
	metrics_set(m, "g", 1, 1, kv);
	expect_render(m,
	    "# HELP g line one\\nback\\\\slash \"q\"\n"
	    "# TYPE g gauge\n"
	    "g{path=\"C:\\\\dir\\n\\\"q\\\"\"} 1\n");
}

static const struct num_case {
	double		 v;
	const char	*want;
} num_cases[] = {
	{ 0, "0" },
	{ -0.0, "0" },
	{ 1, "1" },
	{ 1e6, "1000000" },
	{ 123456789012.0, "123456789012" },
	{ 9007199254740993.0, "9007199254740992" },	/* 2^53 + 1 rounds */
	{ 1e20, "100000000000000000000" },
	{ -42, "-42" },
	{ 0.5, "0.5" },
	{ 0.1, "0.1" },
	{ 1.25, "1.25" },
	{ -3.75, "-3.75" },
	{ 1.0 / 3.0, "0.3333333333333333" },
	{ 1e-7, "1e-07" },
	{ INFINITY, "+Inf" },
	{ -INFINITY, "-Inf" },
	{ NAN, "NaN" },
};

static void
test_numbers_print_integers_without_exponent(void **state)
{
	size_t	 i;

	for (i = 0; i < NELEM(num_cases); i++) {
		struct metrics	*m = metrics_new();
		char		*s, want[128];

		assert_non_null(m);
		metrics_declare(m, "g", METRIC_GAUGE, NULL);
		assert_int_equal(metrics_set(m, "g", num_cases[i].v, 0, NULL),
		    0);
		snprintf(want, sizeof(want), "# TYPE g gauge\ng %s\n",
		    num_cases[i].want);
		s = metrics_render(m, NULL);
		assert_non_null(s);
		assert_string_equal(s, want);
		free(s);
		metrics_free(m);
	}
}

static void
test_many_samples_stay_sorted(void **state)
{
	struct metrics	*m = *state;
	char		 v[16], *s, *p;
	const char	*kv[2];
	int		 i, prev = -1, n = 0;

	metrics_declare(m, "c_total", METRIC_COUNTER, NULL);
	/* Insert 500 series in a scrambled order. */
	for (i = 0; i < 500; i++) {
		snprintf(v, sizeof(v), "%03d", (i * 7919) % 500);
		kv[0] = "n";
		kv[1] = v;
		assert_int_equal(metrics_add(m, "c_total", 1, 1, kv), 0);
	}
	s = metrics_render(m, NULL);
	assert_non_null(s);
	for (p = strstr(s, "c_total{n=\""); p != NULL;
	    p = strstr(p + 1, "c_total{n=\"")) {
		i = atoi(p + strlen("c_total{n=\""));
		assert_true(i > prev);
		prev = i;
		n++;
	}
	assert_int_equal(n, 500);
	free(s);
}

static void
test_free_null_is_safe(void **state)
{
	metrics_free(NULL);
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_empty_registry_renders_empty_string),
		T(test_declared_family_renders_zero_before_first_sample),
		T(test_families_sorted_by_name_and_samples_by_labels),
		T(test_label_order_does_not_make_a_new_series),
		T(test_counter_adds_and_gauge_sets),
		T(test_counter_refuses_to_go_down),
		T(test_undeclared_family_is_ignored),
		T(test_get_absent_sample_is_zero),
		T(test_declare_checks_names),
		T(test_redeclare_same_type_ok_other_type_refused),
		T(test_bad_labels_are_refused),
		T(test_label_values_are_escaped),
		T(test_numbers_print_integers_without_exponent),
		T(test_many_samples_stay_sorted),
		T(test_free_null_is_safe),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
