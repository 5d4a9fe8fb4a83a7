/*
 * tests/unit/test_decode_pagerduty.c — lib/decode_pagerduty.c against
 * Events API v2 bodies as PagerDuty's clients and Alertmanager send them
 * (tests/unit/fixtures/) and hostile ones: refusals must list every
 * problem in PagerDuty's words, answers must be PagerDuty's bodies, and
 * nothing may leak on any path (run under ASan or valgrind).
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

#include "decode_testutil.h"

#include <jansson.h>

#include "decode_pagerduty.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* What the daemon would pass: 32 hex digits it made up. */
#define NEW_KEY		"4f1c0e8a9b2d47e3a6c5d8f0b1e2a3c4"

#define MSG_SEVERITY	"'payload.severity' is invalid (must be one of the " \
			"following: 'critical', 'warning', 'error' or 'info')"
#define MSG_ACTION	"'event_action' is invalid (must be one of the " \
			"following: 'trigger', 'acknowledge' or 'resolve')"

/* A growable string for building bodies. */
static void
decode_ok(const char *body, size_t len, struct pd_event *ev)
{
	struct alert_limits	 lim;
	struct pd_err		 err;

	alert_limits_default(&lim);
	if (decode_pd_event(body, len, &lim, NEW_KEY, ev, &err) != 0)
		fail_msg("refused (%d, %s): %zu errors, first \"%s\"",
		    err.status, err.reason, err.n, err.n ? err.errors[0] : "");
}

static void
fixture_ok(const char *name, struct pd_event *ev)
{
	size_t	 len;
	char	*body;

	body = read_fixture(name, &len);
	decode_ok(body, len, ev);
	free(body);
}

/*
 * Decode and expect a refusal with exactly the errors given (NULL
 * ends the list; a string ending in '*' is a prefix). Checks that
 * nothing is handed back and every string is clean UTF-8.
 */
static void
expect_errs_lim(const char *body, size_t len, const struct alert_limits *lim,
    int status, const char *reason, ...)
{
	struct alert_limits	 def;
	struct pd_err		 err;
	struct pd_event		 ev;
	const char		*want;
	size_t			 i = 0, wlen;
	va_list			 ap;
	int			 r;

	if (lim == NULL) {
		alert_limits_default(&def);
		lim = &def;
	}
	memset(&ev, 0xa5, sizeof(ev));
	r = decode_pd_event(body, len, lim, NEW_KEY, &ev, &err);
	if (r != -1 || err.status != status || strcmp(err.reason, reason) != 0)
		fail_msg("body %.80s: got %d (%d, %s), want (%d, %s)", body,
		    r, err.status, err.reason, status, reason);
	va_start(ap, reason);
	while ((want = va_arg(ap, const char *)) != NULL) {
		if (i >= err.n)
			fail_msg("body %.80s: %zu errors, want \"%s\" too",
			    body, err.n, want);
		wlen = strlen(want);
		if (wlen > 0 && want[wlen - 1] == '*' ?
		    strncmp(err.errors[i], want, wlen - 1) != 0 :
		    strcmp(err.errors[i], want) != 0)
			fail_msg("body %.80s: error %zu is \"%s\", want "
			    "\"%s\"", body, i, err.errors[i], want);
		i++;
	}
	va_end(ap);
	if (i != err.n)
		fail_msg("body %.80s: %zu errors, want %zu; extra \"%s\"",
		    body, err.n, i, err.errors[i]);
	for (i = 0; i < err.n; i++)
		assert_true(clean_utf8(err.errors[i]));
	assert_null(ev.routing_key);
	assert_null(ev.dedup_key);
	assert_null(ev.alert);
}

#define expect_errs(body, status, reason, ...)				\
	expect_errs_lim(body, strlen(body), NULL, status, reason,	\
	    __VA_ARGS__)

static void
test_trigger_fixture_maps_every_field(void **state)
{
	struct pd_event	 ev;
	struct alert	*a;

	fixture_ok("pagerduty_trigger.json", &ev);
	assert_int_equal(ev.action, PD_TRIGGER);
	assert_string_equal(ev.routing_key,
	    "0123456789abcdef0123456789abcdef");
	assert_string_equal(ev.dedup_key, "db-prod-03/mysql");
	a = ev.alert;
	assert_non_null(a);
	assert_string_equal(a->fingerprint, "db-prod-03/mysql");
	assert_string_equal(a->dedup_key, "db-prod-03/mysql");
	assert_string_equal(a->summary,
	    "DISK at 99% on machine db-prod-03.example.com");
	assert_string_equal(a->source, "db-prod-03.example.com");
	assert_string_equal(a->severity, "critical");
	assert_int_equal(a->status, ALERT_FIRING);
	/* "+0000", ISO 8601's basic offset, as in PagerDuty's example */
	assert_int_equal(a->timestamp_ms, 1795596178315LL);
	assert_int_equal(a->ends_at_ms, 0);
	assert_int_equal(a->nlabels, 3);
	assert_string_equal(a->labels[0].name, "class");
	assert_string_equal(a->labels[0].value, "disk");
	assert_string_equal(a->labels[1].name, "component");
	assert_string_equal(a->labels[1].value, "mysql");
	assert_string_equal(a->labels[2].name, "group");
	assert_string_equal(a->labels[2].value, "prod-datapipe");
	assert_string_equal(a->details_json,
	    "{\"client\":\"Sample Monitoring Service\","
	    "\"client_url\":\"https://monitoring.example.com\","
	    "\"custom_details\":{\"free space\":\"1%\",\"load avg\":0.75,"
	    "\"ping time\":\"1500ms\"},"
	    "\"images\":[{\"alt\":\"Disk usage, last 24 hours\","
	    "\"href\":\"https://monitoring.example.com/graphs/db-prod-03\","
	    "\"src\":\"https://monitoring.example.com/graphs/db-prod-03/"
	    "disk.png\"}],"
	    "\"links\":[{\"href\":\"https://monitoring.example.com/hosts/"
	    "db-prod-03\",\"text\":\"Host page\"}]}");
	assert_string_equal(pd_action_name(ev.action), "trigger");
	pd_event_clear(&ev);
	assert_null(ev.alert);
}

static void
test_acknowledge_fixture_is_key_only(void **state)
{
	struct pd_event	 ev;

	fixture_ok("pagerduty_acknowledge.json", &ev);
	assert_int_equal(ev.action, PD_ACKNOWLEDGE);
	assert_string_equal(ev.dedup_key, "db-prod-03/mysql");
	assert_null(ev.alert);
	assert_string_equal(pd_action_name(ev.action), "acknowledge");
	pd_event_clear(&ev);
}

static void
test_resolve_fixture_gives_resolved_alert(void **state)
{
	struct pd_event	 ev;

	fixture_ok("pagerduty_resolve.json", &ev);
	assert_int_equal(ev.action, PD_RESOLVE);
	assert_string_equal(ev.dedup_key, "db-prod-03/mysql");
	assert_non_null(ev.alert);
	assert_int_equal(ev.alert->status, ALERT_RESOLVED);
	assert_string_equal(ev.alert->fingerprint, "db-prod-03/mysql");
	assert_string_equal(ev.alert->dedup_key, "db-prod-03/mysql");
	assert_non_null(ev.alert->summary);
	assert_null(ev.alert->details_json);
	assert_string_equal(pd_action_name(ev.action), "resolve");
	pd_event_clear(&ev);
}

#define AM_KEY	"d4061866bc333de2350285b0452a21f7" \
		"8349e3d63b4f06b6c956f64f95d7be36"

static void
test_alertmanager_pagerduty_configs_trigger(void **state)
{
	struct pd_event	 ev;
	struct alert	*a;

	fixture_ok("alertmanager_pagerduty_trigger.json", &ev);
	assert_int_equal(ev.action, PD_TRIGGER);
	assert_string_equal(ev.routing_key,
	    "e93facc04764012d7bfb002500d5d1a6");
	/* Alertmanager's dedup key: SHA-256 of the group key */
	assert_string_equal(ev.dedup_key, AM_KEY);
	a = ev.alert;
	assert_string_equal(a->fingerprint, AM_KEY);
	assert_string_equal(a->summary, "[FIRING:2] HighLatency (api page)");
	assert_string_equal(a->source, "Alertmanager");
	assert_string_equal(a->severity, "error");
	assert_int_equal(a->nlabels, 0);
	assert_int_equal(a->timestamp_ms, 0);
	assert_non_null(strstr(a->details_json,
	    "\"num_firing\":\"2\",\"num_resolved\":\"0\""));
	assert_non_null(strstr(a->details_json,
	    "\"client_url\":\"http://alertmanager.example.org:9093/#/alerts"
	    "?receiver=pagerduty-oncall\""));
	/* Go's \u0026 came in, a plain & is stored */
	assert_non_null(strstr(a->details_json, "panelId=2&orgId=1"));
	assert_non_null(strstr(a->details_json,
	    "\"links\":[{\"href\":\"https://runbooks.example.org/"
	    "HighLatency\",\"text\":\"Runbook\"}]"));
	pd_event_clear(&ev);
}

static void
test_alertmanager_pagerduty_configs_resolve(void **state)
{
	struct pd_event	 ev;

	fixture_ok("alertmanager_pagerduty_resolve.json", &ev);
	assert_int_equal(ev.action, PD_RESOLVE);
	assert_string_equal(ev.dedup_key, AM_KEY);
	assert_int_equal(ev.alert->status, ALERT_RESOLVED);
	assert_string_equal(ev.alert->fingerprint, AM_KEY);
	pd_event_clear(&ev);
}

static void
test_trigger_without_dedup_key_gets_the_new_one(void **state)
{
	static const char *const	 bodies[] = {
		"{\"routing_key\":\"k\",\"event_action\":\"trigger\","
		    "\"payload\":{\"summary\":\"s\",\"source\":\"h\","
		    "\"severity\":\"info\"}}",
		"{\"routing_key\":\"k\",\"event_action\":\"trigger\","
		    "\"dedup_key\":null,\"payload\":{\"summary\":\"s\","
		    "\"source\":\"h\",\"severity\":\"info\"}}",
		"{\"routing_key\":\"k\",\"event_action\":\"trigger\","
		    "\"dedup_key\":\"\",\"payload\":{\"summary\":\"s\","
		    "\"source\":\"h\",\"severity\":\"info\"}}",
	};
	struct pd_event			 ev;
	char				*ok;
	size_t				 i;

	for (i = 0; i < NELEM(bodies); i++) {
		decode_ok(bodies[i], strlen(bodies[i]), &ev);
		assert_string_equal(ev.dedup_key, NEW_KEY);
		assert_string_equal(ev.alert->fingerprint, NEW_KEY);
		assert_null(ev.alert->details_json);
		assert_int_equal(ev.alert->nlabels, 0);
		ok = pd_render_success(ev.dedup_key);
		assert_string_equal(ok, "{\"status\":\"success\","
		    "\"message\":\"Event processed\",\"dedup_key\":\""
		    NEW_KEY "\"}");
		free(ok);
		pd_event_clear(&ev);
	}
}

static void
test_no_new_key_is_an_internal_error(void **state)
{
	struct alert_limits	 lim;
	struct pd_err		 err;
	struct pd_event		 ev;
	const char		*body = "{\"routing_key\":\"k\","
	    "\"event_action\":\"trigger\",\"payload\":{\"summary\":\"s\","
	    "\"source\":\"h\",\"severity\":\"info\"}}";

	alert_limits_default(&lim);
	assert_int_equal(decode_pd_event(body, strlen(body), &lim, NULL, &ev,
	    &err), -1);
	assert_int_equal(err.status, 500);
	assert_null(ev.alert);
}

static void
test_reports_every_error_at_once(void **state)
{
	expect_errs("{}", 400, "invalid_event",
	    "'routing_key' is missing or blank",
	    "'event_action' is missing or blank", NULL);
	expect_errs("{\"event_action\":\"trigger\",\"payload\":{}}", 400,
	    "invalid_event",
	    "'routing_key' is missing or blank",
	    "'payload.summary' is missing or blank",
	    "'payload.source' is missing or blank",
	    "'payload.severity' is missing or blank", NULL);
	expect_errs("{\"routing_key\":\" \",\"event_action\":\"trigger\","
	    "\"payload\":{\"summary\":\"\\t\",\"source\":7,"
	    "\"severity\":\"CRITICAL\",\"timestamp\":\"now\"},"
	    "\"images\":[{\"alt\":1}],\"links\":{},\"client\":[]}", 400,
	    "invalid_event",
	    "'routing_key' is missing or blank",
	    "'payload.summary' is missing or blank",
	    "'payload.source' is invalid (must be a string)",
	    MSG_SEVERITY,
	    "'payload.timestamp' is invalid (must be an ISO 8601 date-time)",
	    "'images[0].src' is missing or blank",
	    "'images[0].alt' is invalid (must be a string)",
	    "'links' is invalid (must be an array)",
	    "'client' is invalid (must be a string)", NULL);
}

static const struct bad_case {
	const char	*body;
	const char	*error;
} bad_cases[] = {
	{ "{\"routing_key\":1,\"event_action\":\"resolve\","
	    "\"dedup_key\":\"d\"}",
	    "'routing_key' is invalid (must be a string)" },
	{ "{\"routing_key\":null,\"event_action\":\"resolve\","
	    "\"dedup_key\":\"d\"}", "'routing_key' is missing or blank" },
	{ "{\"routing_key\":\"k\",\"dedup_key\":\"d\"}",
	    "'event_action' is missing or blank" },
	{ "{\"routing_key\":\"k\",\"event_action\":\"\",\"dedup_key\":\"d\"}",
	    "'event_action' is missing or blank" },
	{ "{\"routing_key\":\"k\",\"event_action\":\"Trigger\"}", MSG_ACTION },
	{ "{\"routing_key\":\"k\",\"event_action\":\"ack\","
	    "\"dedup_key\":\"d\"}", MSG_ACTION },
	{ "{\"routing_key\":\"k\",\"event_action\":1,\"dedup_key\":\"d\"}",
	    MSG_ACTION },
	{ "{\"routing_key\":\"k\",\"event_action\":\"acknowledge\"}",
	    "'dedup_key' is missing or blank" },
	{ "{\"routing_key\":\"k\",\"event_action\":\"resolve\","
	    "\"dedup_key\":\"  \"}", "'dedup_key' is missing or blank" },
	{ "{\"routing_key\":\"k\",\"event_action\":\"resolve\","
	    "\"dedup_key\":42}", "'dedup_key' is invalid (must be a string)" },
	{ "{\"routing_key\":\"k\",\"event_action\":\"trigger\"}",
	    "'payload' is missing or blank" },
	{ "{\"routing_key\":\"k\",\"event_action\":\"trigger\","
	    "\"payload\":null}", "'payload' is missing or blank" },
	{ "{\"routing_key\":\"k\",\"event_action\":\"trigger\","
	    "\"payload\":\"disk full\"}",
	    "'payload' is invalid (must be an object)" },
	{ "{\"routing_key\":\"k\",\"event_action\":\"trigger\",\"payload\":"
	    "{\"summary\":\"s\",\"source\":\"h\",\"severity\":null}}",
	    "'payload.severity' is missing or blank" },
	{ "{\"routing_key\":\"k\",\"event_action\":\"trigger\",\"payload\":"
	    "{\"summary\":\"s\",\"source\":\"h\",\"severity\":\"page\"}}",
	    MSG_SEVERITY },
	{ "{\"routing_key\":\"k\",\"event_action\":\"trigger\",\"payload\":"
	    "{\"summary\":\"s\",\"source\":\"h\",\"severity\":3}}",
	    MSG_SEVERITY },
	{ "{\"routing_key\":\"k\",\"event_action\":\"trigger\",\"payload\":"
	    "{\"summary\":[],\"source\":\"h\",\"severity\":\"info\"}}",
	    "'payload.summary' is invalid (must be a string)" },
	{ "{\"routing_key\":\"k\",\"event_action\":\"trigger\",\"payload\":"
	    "{\"summary\":\"s\",\"source\":\"h\",\"severity\":\"info\","
	    "\"timestamp\":1795596178}}",
	    "'payload.timestamp' is invalid (must be an ISO 8601 date-time)" },
	{ "{\"routing_key\":\"k\",\"event_action\":\"trigger\",\"payload\":"
	    "{\"summary\":\"s\",\"source\":\"h\",\"severity\":\"info\","
	    "\"timestamp\":\"2026-11-25\"}}",
	    "'payload.timestamp' is invalid (must be an ISO 8601 date-time)" },
	{ "{\"routing_key\":\"k\",\"event_action\":\"trigger\",\"payload\":"
	    "{\"summary\":\"s\",\"source\":\"h\",\"severity\":\"info\","
	    "\"timestamp\":\"2026-11-25T10:00:00+2500\"}}",
	    "'payload.timestamp' is invalid (must be an ISO 8601 date-time)" },
	{ "{\"routing_key\":\"k\",\"event_action\":\"trigger\",\"payload\":"
	    "{\"summary\":\"s\",\"source\":\"h\",\"severity\":\"info\","
	    "\"component\":1}}",
	    "'payload.component' is invalid (must be a string)" },
	{ "{\"routing_key\":\"k\",\"event_action\":\"trigger\",\"payload\":"
	    "{\"summary\":\"s\",\"source\":\"h\",\"severity\":\"info\","
	    "\"group\":{}}}", "'payload.group' is invalid (must be a string)" },
	{ "{\"routing_key\":\"k\",\"event_action\":\"trigger\",\"payload\":"
	    "{\"summary\":\"s\",\"source\":\"h\",\"severity\":\"info\","
	    "\"class\":true}}",
	    "'payload.class' is invalid (must be a string)" },
	{ "{\"routing_key\":\"k\",\"event_action\":\"trigger\",\"payload\":"
	    "{\"summary\":\"s\",\"source\":\"h\",\"severity\":\"info\"},"
	    "\"images\":\"x.png\"}", "'images' is invalid (must be an array)" },
	{ "{\"routing_key\":\"k\",\"event_action\":\"trigger\",\"payload\":"
	    "{\"summary\":\"s\",\"source\":\"h\",\"severity\":\"info\"},"
	    "\"images\":[\"x.png\"]}",
	    "'images[0]' is invalid (must be an object)" },
	{ "{\"routing_key\":\"k\",\"event_action\":\"trigger\",\"payload\":"
	    "{\"summary\":\"s\",\"source\":\"h\",\"severity\":\"info\"},"
	    "\"images\":[{\"src\":\"a\",\"href\":1}]}",
	    "'images[0].href' is invalid (must be a string)" },
	{ "{\"routing_key\":\"k\",\"event_action\":\"trigger\",\"payload\":"
	    "{\"summary\":\"s\",\"source\":\"h\",\"severity\":\"info\"},"
	    "\"links\":[{\"href\":\"a\"},{\"text\":\"t\"}]}",
	    "'links[1].href' is missing or blank" },
	{ "{\"routing_key\":\"k\",\"event_action\":\"trigger\",\"payload\":"
	    "{\"summary\":\"s\",\"source\":\"h\",\"severity\":\"info\"},"
	    "\"links\":[{\"href\":\"a\",\"text\":[]}]}",
	    "'links[0].text' is invalid (must be a string)" },
	{ "{\"routing_key\":\"k\",\"event_action\":\"trigger\",\"payload\":"
	    "{\"summary\":\"s\",\"source\":\"h\",\"severity\":\"info\"},"
	    "\"client_url\":5}",
	    "'client_url' is invalid (must be a string)" },
};

static void
test_each_field_error_in_pagerdutys_words(void **state)
{
	size_t	 i;

	for (i = 0; i < NELEM(bad_cases); i++)
		expect_errs(bad_cases[i].body, 400, "invalid_event",
		    bad_cases[i].error, NULL);
}

static void
test_ack_and_resolve_ignore_what_pagerduty_ignores(void **state)
{
	const char	*body = "{\"routing_key\":\"k\","
	    "\"event_action\":\"resolve\",\"dedup_key\":\"d\","
	    "\"payload\":\"junk\",\"images\":7,\"links\":{},\"client\":[],"
	    "\"unknown\":{\"x\":1}}";
	struct pd_event	 ev;

	decode_ok(body, strlen(body), &ev);
	assert_int_equal(ev.action, PD_RESOLVE);
	assert_string_equal(ev.alert->summary, "d");
	pd_event_clear(&ev);
}

static void
test_optional_blank_and_null_fields_are_absent(void **state)
{
	const char	*body = "{\"routing_key\":\"k\","
	    "\"event_action\":\"trigger\",\"dedup_key\":\"d\",\"payload\":{"
	    "\"summary\":\"s\",\"source\":\"h\",\"severity\":\"warning\","
	    "\"timestamp\":null,\"component\":\"\",\"group\":null,"
	    "\"class\":\"c\",\"custom_details\":null},\"images\":null,"
	    "\"links\":[],\"client\":null,\"client_url\":\"\"}";
	struct pd_event	 ev;

	decode_ok(body, strlen(body), &ev);
	assert_int_equal(ev.alert->timestamp_ms, 0);
	assert_int_equal(ev.alert->nlabels, 1);
	assert_string_equal(ev.alert->labels[0].name, "class");
	assert_null(ev.alert->details_json);
	pd_event_clear(&ev);
}

static void
test_timestamps_iso8601_and_rfc3339(void **state)
{
	static const struct {
		const char	*ts;
		int64_t		 ms;
	} cases[] = {
		{ "2026-11-25T10:00:00Z", 1795600800000LL },
		{ "2026-11-25T10:00:00.5+00:00", 1795600800500LL },
		{ "2026-11-25T15:30:00+0530", 1795600800000LL },
		{ "2026-11-25T02:00:00-0800", 1795600800000LL },
		{ "2026-11-25T08:42:58.315+0000", 1795596178315LL },
	};
	struct sb	 b = { 0 };
	struct pd_event	 ev;
	size_t		 i;

	for (i = 0; i < NELEM(cases); i++) {
		b.len = 0;
		sb_str(&b, "{\"routing_key\":\"k\",\"event_action\":"
		    "\"trigger\",\"payload\":{\"summary\":\"s\","
		    "\"source\":\"h\",\"severity\":\"info\",\"timestamp\":\"");
		sb_str(&b, cases[i].ts);
		sb_str(&b, "\"}}");
		decode_ok(b.s, b.len, &ev);
		if (ev.alert->timestamp_ms != cases[i].ms)
			fail_msg("%s: got %lld", cases[i].ts,
			    (long long)ev.alert->timestamp_ms);
		pd_event_clear(&ev);
	}
	free(b.s);
}

static void
test_lengths_count_characters(void **state)
{
	struct alert_limits	 lim;
	struct sb		 b = { 0 };
	struct pd_event		 ev;
	const char		*small = "{\"routing_key\":\"k\","
	    "\"event_action\":\"trigger\",\"payload\":{\"summary\":\"abcd\","
	    "\"source\":\"abc\",\"severity\":\"info\","
	    "\"component\":\"\xc3\xa9\xc3\xa9\",\"group\":\"abc\"}}";

	/* 1024 x "é" is 2048 bytes and still 1024 characters: fine */
	sb_str(&b, "{\"routing_key\":\"k\",\"event_action\":\"trigger\","
	    "\"payload\":{\"source\":\"h\",\"severity\":\"info\","
	    "\"summary\":\"");
	sb_repeat(&b, "\xc3\xa9", 1024);
	sb_str(&b, "\"}}");
	decode_ok(b.s, b.len, &ev);
	assert_int_equal(strlen(ev.alert->summary), 2048);
	pd_event_clear(&ev);
	b.len -= 3;
	sb_str(&b, "x\"}}");
	expect_errs_lim(b.s, b.len, NULL, 400, "invalid_event",
	    "'payload.summary' is too long (maximum 1024 characters)", NULL);

	/* dedup_key and routing_key: 255 characters */
	b.len = 0;
	sb_str(&b, "{\"event_action\":\"resolve\",\"routing_key\":\"");
	sb_repeat(&b, "\xe2\x82\xac", 255);
	sb_str(&b, "\",\"dedup_key\":\"");
	sb_repeat(&b, "k", 255);
	sb_str(&b, "\"}");
	decode_ok(b.s, b.len, &ev);
	pd_event_clear(&ev);
	b.len = 0;
	sb_str(&b, "{\"event_action\":\"resolve\",\"routing_key\":\"");
	sb_repeat(&b, "r", 256);
	sb_str(&b, "\",\"dedup_key\":\"");
	sb_repeat(&b, "k", 256);
	sb_str(&b, "\"}");
	expect_errs_lim(b.s, b.len, NULL, 400, "invalid_event",
	    "'routing_key' is too long (maximum 255 characters)",
	    "'dedup_key' is too long (maximum 255 characters)", NULL);

	/* the limits come from the configuration */
	alert_limits_default(&lim);
	lim.max_summary = 3;
	lim.max_label_value = 2;
	expect_errs_lim(small, strlen(small), &lim, 400, "invalid_event",
	    "'payload.summary' is too long (maximum 3 characters)",
	    "'payload.source' is too long (maximum 2 characters)",
	    "'payload.group' is too long (maximum 2 characters)", NULL);
	free(b.s);
}

static void
test_custom_details_any_json_up_to_64_deep(void **state)
{
	static const char *const	 details[] = {
		"\"just text\"", "[1,2,3]", "42", "{\"a\":{\"b\":[null]}}",
	};
	struct sb			 b = { 0 };
	struct pd_event			 ev;
	size_t				 i;

	for (i = 0; i < NELEM(details); i++) {
		b.len = 0;
		sb_str(&b, "{\"routing_key\":\"k\",\"event_action\":"
		    "\"trigger\",\"payload\":{\"summary\":\"s\","
		    "\"source\":\"h\",\"severity\":\"info\","
		    "\"custom_details\":");
		sb_str(&b, details[i]);
		sb_str(&b, "}}");
		decode_ok(b.s, b.len, &ev);
		assert_non_null(strstr(ev.alert->details_json, details[i]));
		pd_event_clear(&ev);
	}

	b.len = 0;
	sb_str(&b, "{\"routing_key\":\"k\",\"event_action\":\"trigger\","
	    "\"payload\":{\"summary\":\"s\",\"source\":\"h\","
	    "\"severity\":\"info\",\"custom_details\":");
	sb_repeat(&b, "[", 64);
	sb_repeat(&b, "]", 64);
	sb_str(&b, "}}");
	decode_ok(b.s, b.len, &ev);
	pd_event_clear(&ev);

	b.len = 0;
	sb_str(&b, "{\"routing_key\":\"k\",\"event_action\":\"trigger\","
	    "\"payload\":{\"summary\":\"s\",\"source\":\"h\","
	    "\"severity\":\"info\",\"custom_details\":");
	sb_repeat(&b, "{\"x\":", 65);
	sb_str(&b, "1");
	sb_repeat(&b, "}", 65);
	sb_str(&b, "}}");
	expect_errs_lim(b.s, b.len, NULL, 400, "invalid_event",
	    "'payload.custom_details' is nested too deeply (maximum 64 "
	    "levels)", NULL);
	free(b.s);
}

static void
test_error_list_is_capped(void **state)
{
	struct alert_limits	 lim;
	struct pd_err		 err;
	struct pd_event		 ev;
	struct sb		 b = { 0 };
	char			*s;
	size_t			 i;

	sb_str(&b, "{\"routing_key\":\"k\",\"event_action\":\"trigger\","
	    "\"payload\":{\"summary\":\"s\",\"source\":\"h\","
	    "\"severity\":\"info\"},\"images\":[");
	for (i = 0; i < 1000; i++)
		sb_str(&b, i ? ",1" : "1");
	sb_str(&b, "]}");
	alert_limits_default(&lim);
	assert_int_equal(decode_pd_event(b.s, b.len, &lim, NEW_KEY, &ev,
	    &err), -1);
	assert_int_equal(err.n, PD_ERRORS_MAX);
	assert_string_equal(err.errors[15],
	    "'images[15]' is invalid (must be an object)");
	s = pd_render_error(&err);
	assert_non_null(s);
	assert_non_null(strstr(s, "'images[15]'"));
	assert_null(strstr(s, "'images[16]'"));
	free(s);
	free(b.s);
}

static void
test_unrecognized_bodies(void **state)
{
	static const char	 nul[] = "{\"routing_key\":\"a\0b\"}";

	expect_errs("", 400, "json", "JSON parse error",
	    "line 1 column 0: *", NULL);
	expect_errs("{\"routing_key\":\"k\",}", 400, "json",
	    "JSON parse error", "line 1 column 20: *", NULL);
	expect_errs("{\"event_action\":\"trigger\","
	    "\"event_action\":\"resolve\"}", 400, "json",
	    "JSON parse error", "line 1 column 40: duplicate object key*",
	    NULL);
	expect_errs("{\"routing_key\":\"\xff\xfe\x01\"}", 400, "json",
	    "JSON parse error", "line 1 column 16: *", NULL);
	expect_errs("{\"routing_key\":\"\\u0000\"}", 400, "json",
	    "JSON parse error", "line 1 column 23: \\u0000 is not allowed*",
	    NULL);
	expect_errs_lim(nul, sizeof(nul) - 1, NULL, 400, "json",
	    "JSON parse error", "line 1 column 17: control character 0x0*",
	    NULL);
	expect_errs("[{\"routing_key\":\"k\"}]", 400, "type",
	    "Event object must be a JSON object", NULL);
	expect_errs("\"trigger\"", 400, "type",
	    "Event object must be a JSON object", NULL);
	expect_errs("null", 400, "type",
	    "Event object must be a JSON object", NULL);
}

static void
test_body_over_512k_is_413(void **state)
{
	char	*body;

	/* Refused on size alone, before a byte is parsed. */
	body = malloc(PD_MAX_BODY + 1);
	assert_non_null(body);
	memset(body, ' ', PD_MAX_BODY + 1);
	body[0] = '{';
	expect_errs_lim(body, PD_MAX_BODY + 1, NULL, 413, "too_large",
	    "Event object is larger than 524288 bytes", NULL);
	free(body);
}

static void
test_body_need_not_be_nul_terminated(void **state)
{
	const char	 body[] = "{\"routing_key\":\"k\","
	    "\"event_action\":\"acknowledge\",\"dedup_key\":\"d\"}GARBAGE";
	struct pd_event	 ev;

	decode_ok(body, sizeof(body) - 1 - 7, &ev);
	assert_int_equal(ev.action, PD_ACKNOWLEDGE);
	pd_event_clear(&ev);
}

#define UNRECOGNIZED	"{\"status\":\"Unrecognized object\"," \
			"\"message\":\"Event object format is unrecognized\"," \
			"\"errors\":[\"JSON parse error\",\"line 1 column "

static void
test_renders_pagerdutys_bodies(void **state)
{
	struct alert_limits	 lim;
	struct pd_err		 err;
	struct pd_event		 ev;
	char			*s;
	const char		*bad = "{\"routing_key\":\"k\","
	    "\"event_action\":\"trigger\",\"payload\":{\"summary\":\"s\","
	    "\"source\":\"h\",\"severity\":\"fatal\"}}";

	alert_limits_default(&lim);
	assert_int_equal(decode_pd_event(bad, strlen(bad), &lim, NEW_KEY,
	    &ev, &err), -1);
	s = pd_render_error(&err);
	assert_string_equal(s, "{\"status\":\"invalid event\","
	    "\"message\":\"Event object is invalid\",\"errors\":[\""
	    MSG_SEVERITY "\"]}");
	free(s);

	assert_int_equal(decode_pd_event("{x", 2, &lim, NEW_KEY, &ev, &err),
	    -1);
	s = pd_render_error(&err);
	assert_true(strncmp(s, UNRECOGNIZED, strlen(UNRECOGNIZED)) == 0);
	free(s);

	err.status = 413;
	snprintf(err.reason, sizeof(err.reason), "too_large");
	err.n = 1;
	snprintf(err.errors[0], sizeof(err.errors[0]), "big");
	s = pd_render_error(&err);
	assert_string_equal(s, "{\"status\":\"invalid event\","
	    "\"message\":\"Event object is too large\",\"errors\":[\"big\"]}");
	free(s);

	s = pd_render_success("srv01/HTTP");
	assert_string_equal(s, "{\"status\":\"success\","
	    "\"message\":\"Event processed\",\"dedup_key\":\"srv01/HTTP\"}");
	free(s);
	/* not UTF-8: no answer rather than a broken one */
	assert_null(pd_render_success("\xff"));
}

/* jansson's allocator, failing the Nth allocation. */
static long	fail_at = -1;

static void *
failing_malloc(size_t size)
{
	if (fail_at == 0)
		return NULL;
	if (fail_at > 0)
		fail_at--;
	return malloc(size);
}

static void
test_jansson_out_of_memory_leaks_nothing(void **state)
{
	struct alert_limits	 lim;
	struct pd_err		 err;
	struct pd_event		 ev;
	size_t			 len;
	long			 i;
	char			*body, *s;

	alert_limits_default(&lim);
	body = read_fixture("pagerduty_trigger.json", &len);
	json_set_alloc_funcs(failing_malloc, free);
	for (i = 0;; i++) {
		fail_at = i;
		if (decode_pd_event(body, len, &lim, NEW_KEY, &ev, &err) ==
		    0) {
			pd_event_clear(&ev);
			break;
		}
		/* jansson's parse failures may look like bad input */
		if (err.status != 500)
			assert_string_equal(err.reason, "json");
		assert_null(ev.alert);
	}
	assert_true(i > 10);
	/* the renderers give up as cleanly */
	for (i = 0; i < 4; i++) {
		fail_at = i;
		free(pd_render_success("d"));
		free(pd_render_error(&err));
	}
	fail_at = -1;
	json_set_alloc_funcs(malloc, free);
	err.status = 500;
	snprintf(err.reason, sizeof(err.reason), "nomem");
	err.n = 1;
	snprintf(err.errors[0], sizeof(err.errors[0]), "out of memory");
	s = pd_render_error(&err);
	assert_string_equal(s, "{\"status\":\"internal error\","
	    "\"message\":\"Event was not processed\","
	    "\"errors\":[\"out of memory\"]}");
	free(s);
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trigger_fixture_maps_every_field),
		cmocka_unit_test(test_acknowledge_fixture_is_key_only),
		cmocka_unit_test(test_resolve_fixture_gives_resolved_alert),
		cmocka_unit_test(test_alertmanager_pagerduty_configs_trigger),
		cmocka_unit_test(test_alertmanager_pagerduty_configs_resolve),
		cmocka_unit_test(
		    test_trigger_without_dedup_key_gets_the_new_one),
		cmocka_unit_test(test_no_new_key_is_an_internal_error),
		cmocka_unit_test(test_reports_every_error_at_once),
		cmocka_unit_test(test_each_field_error_in_pagerdutys_words),
		cmocka_unit_test(
		    test_ack_and_resolve_ignore_what_pagerduty_ignores),
		cmocka_unit_test(
		    test_optional_blank_and_null_fields_are_absent),
		cmocka_unit_test(test_timestamps_iso8601_and_rfc3339),
		cmocka_unit_test(test_lengths_count_characters),
		cmocka_unit_test(test_custom_details_any_json_up_to_64_deep),
		cmocka_unit_test(test_error_list_is_capped),
		cmocka_unit_test(test_unrecognized_bodies),
		cmocka_unit_test(test_body_over_512k_is_413),
		cmocka_unit_test(test_body_need_not_be_nul_terminated),
		cmocka_unit_test(test_renders_pagerdutys_bodies),
		cmocka_unit_test(test_jansson_out_of_memory_leaks_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
