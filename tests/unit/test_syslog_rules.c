/*
 * tests/unit/test_syslog_rules.c — which syslog lines become alerts, and
 * how the rule's templates build them (lib/syslog_rules.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "alert.h"
#include "syslog_parse.h"
#include "syslog_rules.h"

#define NOW	1795627648000LL

static struct alert_limits	lim;

static int
setup(void **state)
{
	alert_limits_default(&lim);
	return 0;
}

static const char *
label(const struct alert *a, const char *name)
{
	size_t	 i;

	for (i = 0; i < a->nlabels; i++)
		if (strcmp(a->labels[i].name, name) == 0)
			return a->labels[i].value;
	return NULL;
}

static int
apply(const struct syslog_rules *rs, const char *line, struct alert *a)
{
	struct syslog_msg	 m;
	char			 err[128];

	assert_int_equal(syslog_parse(line, strlen(line), NOW, &m, err,
	    sizeof(err)), 0);
	return syslog_rules_apply(rs, &m, &lim, "syslog", a);
}

static void
add(struct syslog_rules *rs, const char *name, const char *fac, int sev,
    const char *host, const char *app, const char *msg, const char *summary,
    const char *dedup, const char *lbl)
{
	char	 err[256];
	int	 rc;

	rc = syslog_rules_add(rs, name, fac ? &fac : NULL, fac ? 1 : 0, sev,
	    host, app, msg, summary, dedup, lbl ? &lbl : NULL, lbl ? 1 : 0,
	    err, sizeof(err));
	if (rc != 0)
		fail_msg("rule %s: %s", name, err);
}

static void
test_matching_line_becomes_alert_with_captures(void **state)
{
	struct syslog_rules	 rs = { 0 };
	struct alert		 a;

	add(&rs, "disk", "kern", 3, "^db", NULL,
	    "I/O error, dev ([a-z]+), sector ([0-9]+)",
	    "{host}: disk {1} failing", "{host}/{1}", "team=storage");
	assert_int_equal(apply(&rs, "<3>1 2026-11-25T10:00:00Z db01 kernel - "
	    "- - I/O error, dev sda, sector 1234", &a), 1);
	assert_string_equal(a.summary, "db01: disk sda failing");
	assert_string_equal(a.fingerprint, "db01/sda");
	assert_string_equal(a.dedup_key, "db01/sda");
	assert_string_equal(a.severity, "err");
	assert_string_equal(a.source, "syslog");
	assert_string_equal(label(&a, "team"), "storage");
	assert_string_equal(label(&a, "host"), "db01");
	assert_string_equal(label(&a, "rule"), "disk");
	assert_string_equal(label(&a, "facility"), "kern");
	assert_non_null(strstr(a.details_json, "\"message\":\"I/O error"));
	alert_clear(&a);
	syslog_rules_free(&rs);
}

static void
test_threshold_facility_and_host_filter(void **state)
{
	struct syslog_rules	 rs = { 0 };
	struct alert		 a;

	add(&rs, "crit", "daemon", 2, "^web", NULL, NULL, "{message}", NULL,
	    NULL);
	/* err (3) is less severe than crit (2): no match. */
	assert_int_equal(apply(&rs, "<27>Nov 25 10:00:00 web1 app: x", &a), 0);
	/* crit on daemon (3*8+2 = 26) from web1: match. */
	assert_int_equal(apply(&rs, "<26>Nov 25 10:00:00 web1 app: boom", &a),
	    1);
	assert_string_equal(a.summary, "boom");
	alert_clear(&a);
	/* wrong facility (user = 1: 8+2 = 10) */
	assert_int_equal(apply(&rs, "<10>Nov 25 10:00:00 web1 app: x", &a), 0);
	/* wrong host */
	assert_int_equal(apply(&rs, "<26>Nov 25 10:00:00 db1 app: x", &a), 0);
	syslog_rules_free(&rs);
}

static void
test_first_matching_rule_wins(void **state)
{
	struct syslog_rules	 rs = { 0 };
	struct alert		 a;

	add(&rs, "first", NULL, 7, NULL, "^sshd$", NULL, "one", NULL, NULL);
	add(&rs, "second", NULL, 7, NULL, NULL, NULL, "two", NULL, NULL);
	assert_int_equal(apply(&rs, "<38>Nov 25 10:00:00 h sshd[12]: x", &a),
	    1);
	assert_string_equal(a.summary, "one");
	assert_string_equal(label(&a, "rule"), "first");
	alert_clear(&a);
	assert_int_equal(apply(&rs, "<38>Nov 25 10:00:00 h cron[1]: x", &a), 1);
	assert_string_equal(a.summary, "two");
	alert_clear(&a);
	syslog_rules_free(&rs);
}

static void
test_same_rule_host_app_same_fingerprint(void **state)
{
	struct syslog_rules	 rs = { 0 };
	struct alert		 a, b;

	add(&rs, "r", NULL, 7, NULL, NULL, NULL, "{message}", NULL, NULL);
	assert_int_equal(apply(&rs, "<38>Nov 25 10:00:00 h app: one", &a), 1);
	assert_int_equal(apply(&rs, "<38>Nov 25 10:01:00 h app: two", &b), 1);
	assert_string_equal(a.fingerprint, b.fingerprint);
	assert_int_equal(strlen(a.fingerprint), 16);
	alert_clear(&a);
	alert_clear(&b);
	syslog_rules_free(&rs);
}

static void
test_invalid_utf8_and_long_messages_are_made_safe(void **state)
{
	struct syslog_rules	 rs = { 0 };
	struct alert		 a;
	char			 line[4096];

	lim.max_summary = 40;
	add(&rs, "r", NULL, 7, NULL, NULL, NULL, "{message}", NULL, NULL);
	memset(line, 'x', sizeof(line));
	memcpy(line, "<38>Nov 25 10:00:00 h app: \xff\xfe", 29);
	line[sizeof(line) - 1] = '\0';
	assert_int_equal(apply(&rs, line, &a), 1);
	assert_true(strlen(a.summary) <= 40);
	assert_null(memchr(a.summary, 0xff, strlen(a.summary)));
	alert_clear(&a);
	syslog_rules_free(&rs);
	alert_limits_default(&lim);
}

static void
test_bad_rules_are_refused(void **state)
{
	struct syslog_rules	 rs = { 0 };
	const char		*fac = "nosuch", *lbl = "novalue";
	char			 err[256];

	assert_int_equal(syslog_rules_add(&rs, "r", &fac, 1, 7, NULL, NULL,
	    NULL, "x", NULL, NULL, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "facility"));
	assert_int_equal(syslog_rules_add(&rs, "r", NULL, 0, 7, "(", NULL,
	    NULL, "x", NULL, NULL, 0, err, sizeof(err)), -1);
	assert_int_equal(syslog_rules_add(&rs, "r", NULL, 0, 7, NULL, NULL,
	    NULL, "{nope}", NULL, NULL, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nope"));
	assert_int_equal(syslog_rules_add(&rs, "r", NULL, 0, 7, NULL, NULL,
	    NULL, "{host", NULL, NULL, 0, err, sizeof(err)), -1);
	assert_int_equal(syslog_rules_add(&rs, "r", NULL, 0, 7, NULL, NULL,
	    NULL, "x", NULL, &lbl, 1, err, sizeof(err)), -1);
	assert_int_equal(rs.n, 0);
	assert_int_equal(syslog_template_check("a {{literal} {host}", err,
	    sizeof(err)), 0);
	syslog_rules_free(&rs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matching_line_becomes_alert_with_captures),
		cmocka_unit_test(test_threshold_facility_and_host_filter),
		cmocka_unit_test(test_first_matching_rule_wins),
		cmocka_unit_test(test_same_rule_host_app_same_fingerprint),
		cmocka_unit_test(
		    test_invalid_utf8_and_long_messages_are_made_safe),
		cmocka_unit_test(test_bad_rules_are_refused),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
