/*
 * tests/unit/test_route.c — lib/route.c: routes pick services in order
 * (first match wins, "continue" goes on, default takes the rest),
 * severity rules need both their matchers and their raw values, group
 * keys are stable, read like Alertmanager's and never let two different
 * groups share a key, and service names stay plain.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "matcher.h"
#include "route.h"

/* An alert over labels kv (sorted by name, NULL-terminated pairs). */
static void
mkalert(struct alert *a, const char *fp, const char *const *kv)
{
	static struct label	 l[8];
	size_t			 n = 0;

	memset(a, 0, sizeof(*a));
	for (; kv[2 * n] != NULL; n++) {
		l[n].name = (char *)kv[2 * n];
		l[n].value = (char *)kv[2 * n + 1];
	}
	a->fingerprint = (char *)fp;
	a->labels = l;
	a->nlabels = n;
}

static void
mkservice(struct service *s, const char *name, const char *const *by,
    size_t n)
{
	memset(s, 0, sizeof(*s));
	s->name = (char *)name;
	s->group_by = (char **)by;
	s->n_group_by = n;
}

static void
expect_key(const struct service *s, const struct alert *a,
    const char *want)
{
	char	*k = route_group_key(s, a);

	assert_non_null(k);
	assert_string_equal(k, want);
	free(k);
}

/* Table-driven: group_by and labels in, key out. */
static void
test_group_key_table(void **state)
{
	static const char *const each[] = { "..." };
	static const char *const two[] = { "alertname", "cluster" };
	static const char *const rev[] = { "cluster", "alertname" };
	static const char *const lbl[] = { "alertname", "DiskFull",
	    "cluster", "eu1", "host", "db01", NULL };
	static const char *const none[] = { NULL };
	static const struct {
		const char		*svc;
		const char *const	*by;
		size_t			 n;
		const char *const	*kv;
		const char		*want;
	} t[] = {
		{ "default", each, 1, lbl, "default:4f1c0d3e9a2b7c66" },
		{ "db", two, 2, lbl,
		    "db{alertname=\"DiskFull\",cluster=\"eu1\"}" },
		/* the order group_by gives, not the labels' */
		{ "db", rev, 2, lbl,
		    "db{cluster=\"eu1\",alertname=\"DiskFull\"}" },
		/* [] is one group for the whole service */
		{ "db", NULL, 0, lbl, "db{}" },
		/* a label the alert lacks counts as "" */
		{ "db", two, 2, none, "db{alertname=\"\",cluster=\"\"}" },
	};
	struct service	 s;
	struct alert	 a;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		mkservice(&s, t[i].svc, t[i].by, t[i].n);
		mkalert(&a, "4f1c0d3e9a2b7c66", t[i].kv);
		expect_key(&s, &a, t[i].want);
	}
}

/* Values that look like the syntax cannot forge another group's key. */
static void
test_group_key_escapes_values(void **state)
{
	static const char *const two[] = { "a", "b" };
	static const char *const tricky[] = { "a", "x\",b=\"y", "b", "",
	    NULL };
	static const char *const plain[] = { "a", "x", "b", "y", NULL };
	static const char *const nl[] = { "a", "1\n2\\", "b", "", NULL };
	struct service	 s;
	struct alert	 a1, a2;
	char		*k1, *k2;

	(void)state;
	mkservice(&s, "svc", two, 2);
	mkalert(&a1, "f", tricky);
	k1 = route_group_key(&s, &a1);
	mkalert(&a2, "f", plain);
	k2 = route_group_key(&s, &a2);
	assert_non_null(k1);
	assert_non_null(k2);
	assert_string_not_equal(k1, k2);
	assert_string_equal(k1, "svc{a=\"x\\\",b=\\\"y\",b=\"\"}");
	free(k1);
	free(k2);
	mkalert(&a1, "f", nl);
	expect_key(&s, &a1, "svc{a=\"1\\n2\\\\\",b=\"\"}");
}

/* Same labels, same key; the fingerprint only matters for "...". */
static void
test_group_key_ignores_other_labels(void **state)
{
	static const char *const by[] = { "team" };
	static const char *const l1[] = { "host", "a", "team", "db", NULL };
	static const char *const l2[] = { "host", "b", "team", "db", NULL };
	struct service	 s;
	struct alert	 a1, a2;
	char		*k1, *k2;

	(void)state;
	mkservice(&s, "db", by, 1);
	mkalert(&a1, "fp1", l1);
	k1 = route_group_key(&s, &a1);
	mkalert(&a2, "fp2", l2);
	k2 = route_group_key(&s, &a2);
	assert_string_equal(k1, k2);
	assert_string_equal(k1, "db{team=\"db\"}");
	free(k1);
	free(k2);
}

static void
test_service_names(void **state)
{
	static const char *const good[] = { "db", "default", "team-a.eu_1",
	    "X" };
	static const char *const bad[] = { "a b", "a:b", "a{b", "é", "a/b",
	    "a\"" };
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_null(route_check_service_name(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_non_null(route_check_service_name(bad[i]));
}

/* ------------------------------------------------------------ routes */

static struct matcher_set *
compile(const char *text)
{
	struct matcher_set	*set;
	char			 err[128];

	if (text == NULL)
		return NULL;
	set = calloc(1, sizeof(*set));
	assert_non_null(set);
	if (matcher_set_parse(text, set, err, sizeof(err)) == -1)
		fail_msg("%s: %s", text, err);
	return set;
}

static void
drop(struct matcher_set *set)
{
	matcher_set_free(set);
	free(set);
}

/* Labels from "name=value" pairs, sorted as struct alert keeps them. */
static size_t
labels_of(struct label *l, const char *const *kv)
{
	size_t	n;

	for (n = 0; kv[2 * n] != NULL; n++) {
		l[n].name = (char *)kv[2 * n];
		l[n].value = (char *)kv[2 * n + 1];
	}
	return n;
}

static void
test_route_select_table(void **state)
{
	static const char *const each[] = { "..." };
	struct service		 svc[4];
	struct route		 rt[4];
	const struct service	*out[4];
	struct label		 l[4];
	static const struct {
		const char *const	 kv[7];
		const char		*want[4];	/* NULL-terminated */
	} t[] = {
		/* the first route matches and does not continue */
		{ { "severity", "page", "team", "web", NULL },
		    { "web", NULL } },
		/* regexes are anchored: "critical" is not "crit" */
		{ { "severity", "critical", "team", "web", NULL },
		    { "webdev", NULL } },
		{ { "env", "prod", "team", "web", NULL }, { "default", NULL } },
		/* continue: ops, then the next match too, once each */
		{ { "team", "ops", NULL }, { "ops", "web", NULL } },
		{ { "team", "nobody", NULL }, { "default", NULL } },
		{ { NULL }, { "default", NULL } },
	};
	static const char *const names[] = { "default", "web", "webdev",
	    "ops" };
	size_t	 i, j, n;

	(void)state;
	for (i = 0; i < 4; i++)
		mkservice(&svc[i], names[i], each, 1);
	memset(rt, 0, sizeof(rt));
	rt[0].matchers = compile("team=\"web\", severity=~\"crit|page\"");
	rt[0].svc = &svc[1];
	rt[1].matchers = compile("{team=\"web\", env!=\"prod\"}");
	rt[1].svc = &svc[2];
	rt[2].matchers = compile("team=\"ops\"");
	rt[2].svc = &svc[3];
	rt[2].cont = 1;
	rt[3].matchers = compile("team=~\"ops|web\", env!=\"prod\"");
	rt[3].svc = &svc[1];
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = route_select(rt, 4, l, labels_of(l, t[i].kv), &svc[0],
		    out, 4);
		for (j = 0; t[i].want[j] != NULL; j++) {
			assert_true(j < n);
			assert_string_equal(out[j]->name, t[i].want[j]);
		}
		assert_int_equal(n, j);
		/* max 1: only where it is stored */
		assert_int_equal(route_select(rt, 4, l, labels_of(l,
		    t[i].kv), &svc[0], out, 1), 1);
		assert_string_equal(out[0]->name, t[i].want[0]);
	}
	assert_int_equal(route_select(rt, 4, l, 0, &svc[0], out, 0), 0);
	for (i = 0; i < 4; i++)
		drop(rt[i].matchers);
}

/* No routes, or a route without matchers: everything goes one way. */
static void
test_route_select_edges(void **state)
{
	static const char *const each[] = { "..." };
	struct service		 d, all;
	struct route		 rt;
	const struct service	*out[2];
	struct label		 l[1] = { { "a", "b" } };

	(void)state;
	mkservice(&d, "default", each, 1);
	mkservice(&all, "all", each, 1);
	assert_int_equal(route_select(NULL, 0, l, 1, &d, out, 2), 1);
	assert_ptr_equal(out[0], &d);
	memset(&rt, 0, sizeof(rt));
	rt.svc = &all;
	assert_int_equal(route_select(&rt, 1, l, 1, &d, out, 2), 1);
	assert_ptr_equal(out[0], &all);
}

static void
test_severity_rules(void **state)
{
	static char *raw_crit[] = { "critical", "P1" };
	static char *raw_urgent[] = { "urgent" };
	struct severity_rule	 r[3];
	struct alert		 a;
	static const char *const dba[] = { "team", "dba", NULL };
	static const char *const web[] = { "team", "web", NULL };

	(void)state;
	memset(r, 0, sizeof(r));
	/* raw only */
	r[0].raw = raw_crit;
	r[0].n_raw = 2;
	r[0].level = 1;
	/* matchers and raw: both must hold */
	r[1].matchers = compile("team=\"dba\"");
	r[1].n_match = 1;
	r[1].raw = raw_urgent;
	r[1].n_raw = 1;
	r[1].level = 2;
	/* matchers only */
	r[2].matchers = compile("team=~\"db.*\"");
	r[2].n_match = 1;
	r[2].level = 3;

	mkalert(&a, "f", web);
	a.severity = "CRITICAL";
	assert_int_equal(route_severity(r, 3, &a), 1);
	a.severity = "p1";
	assert_int_equal(route_severity(r, 3, &a), 1);
	a.severity = "urgent";
	assert_int_equal(route_severity(r, 3, &a), 0);
	a.severity = NULL;
	assert_int_equal(route_severity(r, 3, &a), 0);
	mkalert(&a, "f", dba);
	a.severity = "Urgent";
	assert_int_equal(route_severity(r, 3, &a), 2);
	a.severity = "warning";
	assert_int_equal(route_severity(r, 3, &a), 3);
	a.severity = NULL;
	assert_int_equal(route_severity(r, 3, &a), 3);
	assert_int_equal(route_severity(r, 0, &a), 0);
	drop(r[1].matchers);
	drop(r[2].matchers);
}

/* What senders write, and what it maps to; labels only without raw. */
static void
test_builtin_levels_table(void **state)
{
	static const struct {
		const char	*raw;
		const char	*label;		/* the severity label */
		int		 want;
	} t[] = {
		{ "critical", NULL, 1 }, { "CRITICAL", NULL, 1 },
		{ "error", NULL, 2 }, { "warning", NULL, 3 }, { "info", NULL, 3 },
		{ "P1", NULL, 1 }, { "p2", NULL, 2 }, { "P3", NULL, 3 },
		{ "P5", NULL, 3 }, { "P6", NULL, 0 },
		{ "emerg", NULL, 1 }, { "alert", NULL, 1 }, { "crit", NULL, 1 },
		{ "err", NULL, 2 }, { "notice", NULL, 3 }, { "debug", NULL, 3 },
		{ "sev1", NULL, 1 }, { "Sev2", NULL, 2 }, { "sev3", NULL, 3 },
		{ "urgent", NULL, 0 }, { "", NULL, 0 }, { NULL, NULL, 0 },
		/* no raw value (or an unknown one): the label */
		{ NULL, "critical", 1 }, { "whatever", "warning", 3 },
		/* the raw value wins over the label */
		{ "info", "critical", 3 },
		{ NULL, "page", 1 }, { NULL, "major", 2 }, { NULL, "minor", 3 },
	};
	struct alert	 a;
	struct label	 l[1];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&a, 0, sizeof(a));
		a.severity = (char *)t[i].raw;
		if (t[i].label != NULL) {
			l[0].name = "severity";
			l[0].value = (char *)t[i].label;
			a.labels = l;
			a.nlabels = 1;
		}
		if (route_builtin_level(&a) != t[i].want)
			fail_msg("raw %s label %s: got %d, want %d",
			    t[i].raw ? t[i].raw : "(none)",
			    t[i].label ? t[i].label : "(none)",
			    route_builtin_level(&a), t[i].want);
	}
}

static void
test_builtin_priority_label_before_severity_label(void **state)
{
	struct label	 l[2] = { { "priority", "P1" }, { "severity", "info" } };
	struct alert	 a;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.labels = l;
	a.nlabels = 2;
	assert_int_equal(route_builtin_level(&a), 1);
	l[0].value = "P4";
	assert_int_equal(route_builtin_level(&a), 3);
	a.severity = "critical";
	assert_int_equal(route_builtin_level(&a), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_builtin_priority_label_before_severity_label),
		cmocka_unit_test(test_route_select_table),
		cmocka_unit_test(test_route_select_edges),
		cmocka_unit_test(test_severity_rules),
		cmocka_unit_test(test_builtin_levels_table),
		cmocka_unit_test(test_group_key_table),
		cmocka_unit_test(test_group_key_escapes_values),
		cmocka_unit_test(test_group_key_ignores_other_labels),
		cmocka_unit_test(test_service_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
