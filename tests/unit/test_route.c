/*
 * tests/unit/test_route.c — lib/route.c: group keys are stable, read
 * like Alertmanager's, and never let two different groups share a key;
 * service names stay plain.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group_key_table),
		cmocka_unit_test(test_group_key_escapes_values),
		cmocka_unit_test(test_group_key_ignores_other_labels),
		cmocka_unit_test(test_service_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
