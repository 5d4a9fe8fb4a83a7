/*
 * tests/unit/test_decode_generic.c — lib/decode_generic.c against good
 * bodies and hostile ones: every refusal must come back with the right
 * HTTP status, alert index, reason token and a message naming the field,
 * and must leave nothing allocated (run under ASan or valgrind).
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

#include "decode_generic.h"
#include "fingerprint.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Decode and expect a refusal; checks that nothing is handed back and
 * that the message is clean UTF-8. msg ending in '*' is a prefix
 * (jansson's own wording follows it).
 */
static void
expect_err(const char *body, size_t len, int flags,
    const struct alert_limits *lim, int status, long index,
    const char *reason, const char *msg)
{
	struct alert_limits	 def;
	struct decode_err	 err;
	struct alert		*out = (struct alert *)&def;
	size_t			 n = 99, mlen;
	char			*key = (char *)&def;
	int			 r, msg_ok;

	if (lim == NULL) {
		alert_limits_default(&def);
		lim = &def;
	}
	r = decode_generic(body, len, flags, lim, "src", &out, &n, &key, &err);
	mlen = strlen(msg);
	if (mlen > 0 && msg[mlen - 1] == '*')
		msg_ok = strncmp(err.msg, msg, mlen - 1) == 0;
	else
		msg_ok = strcmp(err.msg, msg) == 0;
	/* Name the body (its start) so a table failure says which row. */
	if (r != -1 || err.status != status || err.index != index ||
	    strcmp(err.reason, reason) != 0 || !msg_ok)
		fail_msg("body %.60s: got %d (%d, %ld, %s, \"%s\"), "
		    "want (%d, %ld, %s, \"%s\")", body, r, err.status,
		    err.index, err.reason, err.msg, status, index, reason,
		    msg);
	assert_null(out);
	assert_int_equal(n, 0);
	assert_null(key);
	assert_true(clean_utf8(err.msg));
}

static void
expect_err_str(const char *body, int status, long index, const char *reason,
    const char *msg)
{
	expect_err(body, strlen(body), 0, NULL, status, index, reason, msg);
}

/* Decode and expect success; returns the alerts (caller frees). */
static struct alert *
expect_ok(const char *body, size_t len, int flags,
    const struct alert_limits *lim, const char *defsrc, size_t want_n,
    char **key)
{
	struct alert_limits	 def;
	struct decode_err	 err;
	struct alert		*out = NULL;
	size_t			 n = 0;

	if (lim == NULL) {
		alert_limits_default(&def);
		lim = &def;
	}
	if (decode_generic(body, len, flags, lim, defsrc, &out, &n, key,
	    &err) != 0)
		fail_msg("refused (%d, %ld, %s): %s", err.status, err.index,
		    err.reason, err.msg);
	assert_non_null(out);
	assert_int_equal(n, want_n);
	return out;
}

static const struct bad_case {
	const char	*body;
	int		 status;
	long		 index;
	const char	*reason;
	const char	*msg;
} bad_cases[] = {
	/* body-level */
	{ "{\"summary\": }", 400, -1, "json",
	    "invalid JSON at line 1 column 13: *" },
	{ "", 400, -1, "json", "invalid JSON at line 1 column 0: *" },
	{ "{\"summary\":\"a\"} x", 400, -1, "json", "invalid JSON at *" },
	{ "42", 400, -1, "type",
	    "body: must be an object or an array of objects" },
	{ "\"summary\"", 400, -1, "type",
	    "body: must be an object or an array of objects" },
	{ "null", 400, -1, "type",
	    "body: must be an object or an array of objects" },
	{ "[]", 400, -1, "invalid_value",
	    "body: empty array, send at least one alert" },
	{ "[{\"summary\":\"a\"}, 1]", 400, 1, "type",
	    "alert: must be an object" },
	{ "[{\"summary\":\"a\"}, [\"summary\"]]", 400, 1, "type",
	    "alert: must be an object" },
	{ "[{\"summary\":\"a\"}, {\"summary\":\"b\"}, {}]", 400, 2,
	    "missing_field", "summary: required" },
	/* fields */
	{ "{}", 400, 0, "missing_field", "summary: required" },
	{ "{\"summary\":\"a\",\"foo\":1}", 400, 0, "unknown_field",
	    "foo: unknown field" },
	{ "{\"foo\":1}", 400, 0, "unknown_field", "foo: unknown field" },
	{ "{\"summary\":\"a\",\"Summary\":\"b\"}", 400, 0, "unknown_field",
	    "Summary: unknown field" },
	{ "{\"summary\":\"a\",\"key\":\"k\"}", 400, 0, "unknown_field",
	    "key: unknown field" },
	{ "{\"summary\":42}", 400, 0, "type", "summary: must be a string" },
	{ "{\"summary\":null}", 400, 0, "type", "summary: must be a string" },
	{ "{\"summary\":[\"a\"]}", 400, 0, "type",
	    "summary: must be a string" },
	{ "{\"summary\":\"\"}", 400, 0, "invalid_value",
	    "summary: must not be empty" },
	{ "{\"summary\":\"a\",\"dedup_key\":7}", 400, 0, "type",
	    "dedup_key: must be a string" },
	{ "{\"summary\":\"a\",\"dedup_key\":\"\"}", 400, 0, "invalid_value",
	    "dedup_key: must not be empty" },
	{ "{\"summary\":\"a\",\"source\":true}", 400, 0, "type",
	    "source: must be a string" },
	{ "{\"summary\":\"a\",\"severity\":1}", 400, 0, "type",
	    "severity: must be a string" },
	{ "{\"summary\":\"a\",\"labels\":[]}", 400, 0, "type",
	    "labels: must be an object" },
	{ "{\"summary\":\"a\",\"labels\":\"env=prod\"}", 400, 0, "type",
	    "labels: must be an object" },
	{ "{\"summary\":\"a\",\"labels\":{\"env\":1}}", 400, 0, "type",
	    "labels.env: must be a string" },
	{ "{\"summary\":\"a\",\"labels\":{\"a\":\"b\",\"env\":null}}", 400, 0,
	    "type", "labels.env: must be a string" },
	{ "{\"summary\":\"a\",\"labels\":{\"env\":{\"x\":\"y\"}}}", 400, 0,
	    "type", "labels.env: must be a string" },
	{ "{\"summary\":\"a\",\"labels\":{\"\":\"x\"}}", 400, 0,
	    "invalid_value", "labels: empty label name" },
	{ "{\"summary\":\"a\",\"details\":[1]}", 400, 0, "type",
	    "details: must be an object" },
	{ "{\"summary\":\"a\",\"details\":\"x\"}", 400, 0, "type",
	    "details: must be an object" },
	{ "{\"summary\":\"a\",\"status\":\"FIRING\"}", 400, 0,
	    "invalid_value", "status: must be \"firing\" or \"resolved\"" },
	{ "{\"summary\":\"a\",\"status\":\"acknowledged\"}", 400, 0,
	    "invalid_value", "status: must be \"firing\" or \"resolved\"" },
	{ "{\"summary\":\"a\",\"status\":1}", 400, 0, "type",
	    "status: must be \"firing\" or \"resolved\"" },
	{ "{\"summary\":\"a\",\"timestamp\":\"yesterday\"}", 400, 0,
	    "invalid_value", "timestamp: not an RFC 3339 time" },
	{ "{\"summary\":\"a\",\"timestamp\":\"2026-02-30T00:00:00Z\"}", 400,
	    0, "invalid_value", "timestamp: not an RFC 3339 time" },
	{ "{\"summary\":\"a\",\"timestamp\":1795600800}", 400, 0, "type",
	    "timestamp: must be a string" },
	/* hostile JSON the parser must refuse */
	{ "{\"summary\":\"a\",\"summary\":\"b\"}", 400, -1, "json",
	    "invalid JSON at line 1 column 24: duplicate object key*" },
	{ "{\"summary\":\"a\",\"labels\":{\"x\":\"1\",\"x\":\"2\"}}", 400, -1,
	    "json", "invalid JSON at *" },
	{ "{\"summary\":\"a\\u0000b\"}", 400, -1, "json",
	    "invalid JSON at line 1 column 21: \\u0000 is not allowed*" },
	{ "{\"summary\":\"a\",\"labels\":{\"a\\u0000\":\"b\"}}", 400, -1,
	    "json", "invalid JSON at *" },
	{ "{\"summary\":\"\\ud800\"}", 400, -1, "json", "invalid JSON at *" },
	{ "{\"summary\":\"\xff\"}", 400, -1, "json", "invalid JSON at *" },
	{ "{\"summary\":\"\xc0\xaf\"}", 400, -1, "json",
	    "invalid JSON at *" },
	{ "{\"summary\":\"\xed\xa0\x80\"}", 400, -1, "json",
	    "invalid JSON at *" },
	{ "{\"summary\":\"a\xe2\x82\"}", 400, -1, "json",
	    "invalid JSON at *" },
	{ "{\"summ\xffry\":\"a\"}", 400, -1, "json", "invalid JSON at *" },
	{ "{\"summary\":\"a\",\"details\":{\"n\":1e999}}", 400, -1, "json",
	    "invalid JSON at *" },
	{ "{\"summary\":\"a\",\"details\":{\"n\":99999999999999999999}}", 400,
	    -1, "json", "invalid JSON at *" },
	{ "{'summary':'a'}", 400, -1, "json", "invalid JSON at *" },
	{ "{\"summary\":\"a\",}", 400, -1, "json", "invalid JSON at *" },
};

static void
test_refuses_bad_bodies_with_precise_errors(void **state)
{
	size_t	 i;

	for (i = 0; i < NELEM(bad_cases); i++) {
		const struct bad_case	*c = &bad_cases[i];

		expect_err_str(c->body, c->status, c->index, c->reason,
		    c->msg);
	}
}

static void
test_rejects_duplicate_keys(void **state)
{
	expect_err_str("{\"summary\":\"a\",\"source\":\"x\",\"source\":\"y\"}",
	    400, -1, "json",
	    "invalid JSON at line 1 column 36: duplicate object key*");
}

static void
test_rejects_raw_nul_byte(void **state)
{
	static const char	 body[] = "{\"summary\":\"a\0b\"}";

	expect_err(body, sizeof(body) - 1, 0, NULL, 400, -1, "json",
	    "invalid JSON at line 1 column 13: control character 0x0*");
}

static void
test_rejects_invalid_utf8_with_clean_message(void **state)
{
	/* jansson quotes the bad bytes; the message must not. */
	expect_err_str("{\"summary\":\"\xff\xfe\x01\"}", 400, -1, "json",
	    "invalid JSON at line 1 column 12: *");
}

static void
test_rejects_nesting_10000_deep_in_details(void **state)
{
	struct sb	 b = { 0 };

	sb_str(&b, "{\"summary\":\"a\",\"details\":");
	sb_repeat(&b, "[", 10000);
	sb_repeat(&b, "]", 10000);
	sb_str(&b, "}");
	expect_err(b.s, b.len, 0, NULL, 400, 0, "too_deep",
	    "details: nested deeper than 64");
	free(b.s);
}

static void
test_error_message_never_echoes_invalid_utf8(void **state)
{
	struct sb	 b = { 0 };

	/* The depth check runs before jansson and quotes the raw key. */
	sb_str(&b, "{\"summary\":\"a\",\"\xff\x01\xc3\":");
	sb_repeat(&b, "[", 100);
	expect_err(b.s, b.len, 0, NULL, 400, 0, "too_deep",
	    "???: nested deeper than 64");
	free(b.s);
}

static void
test_rejects_nesting_10000_deep_array_body(void **state)
{
	struct sb	 b = { 0 };

	/* Unterminated on purpose: the depth is what must stop it. */
	sb_repeat(&b, "[", 10000);
	expect_err(b.s, b.len, 0, NULL, 400, 0, "too_deep",
	    "alert: nested deeper than 64");
	free(b.s);
}

static void
test_rejects_deep_nesting_in_later_alert(void **state)
{
	struct sb	 b = { 0 };

	sb_str(&b, "[{\"summary\":\"a\"},{\"summary\":\"b\",\"details\":");
	sb_repeat(&b, "{\"x\":", 65);
	sb_str(&b, "1");
	sb_repeat(&b, "}", 65);
	sb_str(&b, "}]");
	expect_err(b.s, b.len, 0, NULL, 400, 1, "too_deep",
	    "details: nested deeper than 64");
	free(b.s);
}

static void
test_accepts_details_exactly_64_deep(void **state)
{
	struct sb	 b = { 0 };
	struct alert	*a;

	sb_str(&b, "[{\"summary\":\"b\",\"details\":");
	sb_repeat(&b, "{\"x\":", 63);
	sb_str(&b, "[1]");
	sb_repeat(&b, "}", 63);
	sb_str(&b, "}]");
	a = expect_ok(b.s, b.len, 0, NULL, NULL, 1, NULL);
	assert_int_equal(strncmp(a[0].details_json, "{\"x\":{\"x\":", 10),
	    0);
	alert_array_free(a, 1);
	free(b.s);
}

static void
test_rejects_100000_labels_as_too_many(void **state)
{
	struct sb	 b = { 0 };
	size_t		 i;

	sb_str(&b, "{\"summary\":\"a\",\"labels\":{");
	for (i = 0; i < 100000; i++)
		sb_printf(&b, "%s\"l%zu\":\"v\"", i ? "," : "", i);
	sb_str(&b, "}}");
	/* Within the alert size limit, so the label count is what fails. */
	{
		struct alert_limits	 lim;

		alert_limits_default(&lim);
		lim.max_alert_size = 4 * 1024 * 1024;
		expect_err(b.s, b.len, 0, &lim, 400, 0, "too_many_labels",
		    "labels: more than 64 labels");
	}
	/* With the default limits the size check refuses it first. */
	expect_err(b.s, b.len, 0, NULL, 413, 0, "too_large",
	    "alert: larger than 65536 bytes");
	free(b.s);
}

static void
test_each_limit_has_its_own_error(void **state)
{
	struct sb	 b = { 0 };
	size_t		 i;

	/* summary: 1024 bytes pass, 1025 fail */
	sb_str(&b, "{\"summary\":\"");
	sb_repeat(&b, "s", 1025);
	sb_str(&b, "\"}");
	expect_err(b.s, b.len, 0, NULL, 400, 0, "too_large",
	    "summary: longer than 1024 bytes");
	b.len = 0;

	/* dedup_key: 255 */
	sb_str(&b, "{\"summary\":\"a\",\"dedup_key\":\"");
	sb_repeat(&b, "k", 256);
	sb_str(&b, "\"}");
	expect_err(b.s, b.len, 0, NULL, 400, 0, "too_large",
	    "dedup_key: longer than 255 bytes");
	b.len = 0;

	/* labels: 64 */
	sb_str(&b, "{\"summary\":\"a\",\"labels\":{");
	for (i = 0; i < 65; i++)
		sb_printf(&b, "%s\"l%zu\":\"v\"", i ? "," : "", i);
	sb_str(&b, "}}");
	expect_err(b.s, b.len, 0, NULL, 400, 0, "too_many_labels",
	    "labels: more than 64 labels");
	b.len = 0;

	/* label name: 128, shown cut to 64 bytes */
	sb_str(&b, "{\"summary\":\"a\",\"labels\":{\"");
	sb_repeat(&b, "n", 129);
	sb_str(&b, "\":\"v\"}}");
	expect_err(b.s, b.len, 0, NULL, 400, 0, "label_too_long",
	    "labels.nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"	/* 32 */
	    "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"		/* 64 */
	    "...: name longer than 128 bytes");
	b.len = 0;

	/* label value: 2048 */
	sb_str(&b, "{\"summary\":\"a\",\"labels\":{\"env\":\"");
	sb_repeat(&b, "v", 2049);
	sb_str(&b, "\"}}");
	expect_err(b.s, b.len, 0, NULL, 400, 0, "label_too_long",
	    "labels.env: longer than 2048 bytes");
	b.len = 0;

	/* alert size: 64 KiB, in the third alert of a batch */
	sb_str(&b, "[{\"summary\":\"a\"},{\"summary\":\"b\"},"
	    "{\"summary\":\"c\",\"details\":{\"blob\":\"");
	sb_repeat(&b, "x", 65536);
	sb_str(&b, "\"}}]");
	expect_err(b.s, b.len, 0, NULL, 413, 2, "too_large",
	    "alert: larger than 65536 bytes");
	free(b.s);
}

static void
test_limits_are_inclusive(void **state)
{
	struct sb	 b = { 0 };
	struct alert	*a;
	size_t		 i;

	sb_str(&b, "{\"summary\":\"");
	sb_repeat(&b, "s", 1024);
	sb_str(&b, "\",\"dedup_key\":\"");
	sb_repeat(&b, "k", 255);
	sb_str(&b, "\",\"labels\":{\"");
	sb_repeat(&b, "n", 128);
	sb_str(&b, "\":\"");
	sb_repeat(&b, "v", 2048);
	sb_str(&b, "\"");
	for (i = 1; i < 64; i++)
		sb_printf(&b, ",\"l%02zu\":\"v\"", i);
	sb_str(&b, "}}");
	a = expect_ok(b.s, b.len, 0, NULL, NULL, 1, NULL);
	assert_int_equal(strlen(a[0].summary), 1024);
	assert_int_equal(strlen(a[0].dedup_key), 255);
	assert_int_equal(a[0].nlabels, 64);
	alert_array_free(a, 1);
	free(b.s);
}

static void
test_alert_size_limit_counts_whole_object(void **state)
{
	struct alert_limits	 lim;
	struct alert		*a;
	const char		*body = "  {\"summary\":\"abc\"}  ";

	/* {"summary":"abc"} is 17 bytes; surrounding blanks do not count. */
	alert_limits_default(&lim);
	lim.max_alert_size = 17;
	a = expect_ok(body, strlen(body), 0, &lim, NULL, 1, NULL);
	alert_array_free(a, 1);
	lim.max_alert_size = 16;
	expect_err(body, strlen(body), 0, &lim, 413, 0, "too_large",
	    "alert: larger than 16 bytes");
}

static void
test_batch_limit(void **state)
{
	struct alert_limits	 lim;
	struct alert		*a;
	const char		*two =
	    "[{\"summary\":\"a\"},{\"summary\":\"b\"}]";
	const char		*three =
	    "[{\"summary\":\"a\"},{\"summary\":\"b\"},{\"summary\":\"c\"}]";

	alert_limits_default(&lim);
	lim.max_batch = 2;
	a = expect_ok(two, strlen(two), 0, &lim, NULL, 2, NULL);
	alert_array_free(a, 2);
	expect_err(three, strlen(three), 0, &lim, 413, -1, "batch_too_large",
	    "body: more than 2 alerts");
}

static void
test_decodes_every_field(void **state)
{
	const char	*body =
	    "{\"summary\":\"Disk full on db1\",\"dedup_key\":\"db1-disk\","
	    "\"source\":\"nagios\",\"severity\":\"critical\","
	    "\"status\":\"resolved\","
	    "\"timestamp\":\"2026-11-25T10:00:00.123Z\","
	    "\"labels\":{\"zone\":\"b\",\"env\":\"prod\",\"host\":\"db1\"},"
	    "\"details\":{\"b\":[1,2],\"a\":{\"y\":null,\"x\":\"\xc3\xa9\"}}}";
	struct alert	*a;

	a = expect_ok(body, strlen(body), 0, NULL, "default", 1, NULL);
	assert_string_equal(a->summary, "Disk full on db1");
	assert_string_equal(a->dedup_key, "db1-disk");
	assert_string_equal(a->fingerprint, "db1-disk");
	assert_string_equal(a->source, "nagios");
	assert_string_equal(a->severity, "critical");
	assert_int_equal(a->status, ALERT_RESOLVED);
	assert_int_equal(a->timestamp_ms, 1795600800123LL);
	assert_int_equal(a->nlabels, 3);
	assert_string_equal(a->labels[0].name, "env");
	assert_string_equal(a->labels[0].value, "prod");
	assert_string_equal(a->labels[1].name, "host");
	assert_string_equal(a->labels[1].value, "db1");
	assert_string_equal(a->labels[2].name, "zone");
	assert_string_equal(a->labels[2].value, "b");
	assert_string_equal(a->details_json,
	    "{\"a\":{\"x\":\"\xc3\xa9\",\"y\":null},\"b\":[1,2]}");
	alert_array_free(a, 1);
}

static void
test_absent_optional_fields_get_defaults(void **state)
{
	const char	*body = "{\"summary\":\"s\"}";
	struct alert	*a;

	a = expect_ok(body, strlen(body), 0, NULL, NULL, 1, NULL);
	assert_null(a->dedup_key);
	assert_null(a->source);
	assert_null(a->severity);
	assert_null(a->labels);
	assert_int_equal(a->nlabels, 0);
	assert_null(a->details_json);
	assert_int_equal(a->status, ALERT_FIRING);
	assert_int_equal(a->timestamp_ms, 0);
	/* fp({summary="s"}): no source to add */
	assert_string_equal(a->fingerprint, "e07dbb345e4d253e");
	alert_array_free(a, 1);
}

static void
test_default_source_fills_only_absent_source(void **state)
{
	const char	*without = "{\"summary\":\"s\"}";
	const char	*with = "{\"summary\":\"s\",\"source\":\"body\"}";
	struct alert	*a;

	a = expect_ok(without, strlen(without), 0, NULL, "integration", 1,
	    NULL);
	assert_string_equal(a->source, "integration");
	alert_array_free(a, 1);
	a = expect_ok(with, strlen(with), 0, NULL, "integration", 1, NULL);
	assert_string_equal(a->source, "body");
	alert_array_free(a, 1);
}

static void
test_fingerprint_from_labels_matches_alertmanager(void **state)
{
	const char	*body = "{\"summary\":\"s\",\"source\":\"x\","
	    "\"labels\":{\"severity\":\"page\",\"job\":\"api\","
	    "\"alertname\":\"HighLatency\"}}";
	struct alert	*a;

	/* Same value as fingerprint test's {alertname,job,severity}. */
	a = expect_ok(body, strlen(body), 0, NULL, NULL, 1, NULL);
	assert_string_equal(a->fingerprint, "a105e054dfb59f59");
	alert_array_free(a, 1);
}

static void
test_fingerprint_without_labels_uses_source_and_summary(void **state)
{
	const char	*b1 = "{\"summary\":\"disk full\"}";
	const char	*b2 = "{\"summary\":\"disk full\",\"labels\":{}}";
	const char	*b3 = "{\"summary\":\"cpu hot\"}";
	struct alert	*a;

	/* fp({source="nagios", summary="disk full"}), computed in Python */
	a = expect_ok(b1, strlen(b1), 0, NULL, "nagios", 1, NULL);
	assert_string_equal(a->fingerprint, "7c55d63369e95af5");
	alert_array_free(a, 1);
	a = expect_ok(b2, strlen(b2), 0, NULL, "nagios", 1, NULL);
	assert_string_equal(a->fingerprint, "7c55d63369e95af5");
	alert_array_free(a, 1);
	/* no source at all: fp({summary="disk full"}) */
	a = expect_ok(b1, strlen(b1), 0, NULL, NULL, 1, NULL);
	assert_string_equal(a->fingerprint, "f8a19def88d8c89b");
	alert_array_free(a, 1);
	a = expect_ok(b3, strlen(b3), 0, NULL, "nagios", 1, NULL);
	assert_string_not_equal(a->fingerprint, "7c55d63369e95af5");
	alert_array_free(a, 1);
}

static void
test_batch_keeps_order_and_indexes(void **state)
{
	const char	*body = "[{\"summary\":\"one\"},"
	    "{\"summary\":\"two\",\"status\":\"resolved\"},"
	    "{\"summary\":\"three\",\"dedup_key\":\"k3\"}]";
	struct alert	*a;

	a = expect_ok(body, strlen(body), 0, NULL, NULL, 3, NULL);
	assert_string_equal(a[0].summary, "one");
	assert_string_equal(a[1].summary, "two");
	assert_int_equal(a[1].status, ALERT_RESOLVED);
	assert_string_equal(a[2].summary, "three");
	assert_string_equal(a[2].fingerprint, "k3");
	alert_array_free(a, 3);
}

static void
test_body_need_not_be_nul_terminated(void **state)
{
	const char	 body[] = "{\"summary\":\"s\"}GARBAGE";
	struct alert	*a;

	a = expect_ok(body, 15, 0, NULL, NULL, 1, NULL);
	assert_string_equal(a->summary, "s");
	alert_array_free(a, 1);
}

static void
test_udp_returns_key(void **state)
{
	const char	*body = "{\"key\":\"secret\",\"summary\":\"s\","
	    "\"labels\":{\"a\":\"b\"}}";
	struct alert	*a;
	char		*key = NULL;

	a = expect_ok(body, strlen(body), DECODE_UDP, NULL, NULL, 1, &key);
	assert_string_equal(key, "secret");
	assert_string_equal(a->summary, "s");
	assert_int_equal(a->nlabels, 1);
	alert_array_free(a, 1);
	free(key);
}

static void
test_udp_refuses_arrays_and_missing_key(void **state)
{
	const char	*arr = "[{\"key\":\"k\",\"summary\":\"s\"}]";
	const char	*nokey = "{\"summary\":\"s\"}";
	const char	*numkey = "{\"key\":5,\"summary\":\"s\"}";
	const char	*emptykey = "{\"key\":\"\",\"summary\":\"s\"}";

	expect_err(arr, strlen(arr), DECODE_UDP, NULL, 400, -1, "type",
	    "body: must be one object");
	expect_err(nokey, strlen(nokey), DECODE_UDP, NULL, 400, 0,
	    "missing_field", "key: required");
	expect_err(numkey, strlen(numkey), DECODE_UDP, NULL, 400, 0, "type",
	    "key: must be a string");
	expect_err(emptykey, strlen(emptykey), DECODE_UDP, NULL, 400, 0,
	    "invalid_value", "key: must not be empty");
}

static void
test_long_unicode_name_is_cut_on_char_boundary(void **state)
{
	struct sb	 b = { 0 };
	struct sb	 want = { 0 };

	/* 100 x "é" (2 bytes each) = 200-byte unknown field name */
	sb_str(&b, "{\"summary\":\"a\",\"");
	sb_repeat(&b, "\xc3\xa9", 100);
	sb_str(&b, "\":1}");
	sb_repeat(&want, "\xc3\xa9", 32);
	sb_str(&want, "...: unknown field");
	expect_err(b.s, b.len, 0, NULL, 400, 0, "unknown_field", want.s);
	free(b.s);
	free(want.s);
}

static void
test_labels_sorted_bytewise(void **state)
{
	const char	*body = "{\"summary\":\"s\",\"labels\":{"
	    "\"b\":\"1\",\"B\":\"2\",\"_a\":\"3\",\"a\":\"4\","
	    "\"\xc3\xa9\":\"5\"}}";
	struct alert	*a;

	a = expect_ok(body, strlen(body), 0, NULL, NULL, 1, NULL);
	assert_int_equal(a->nlabels, 5);
	assert_string_equal(a->labels[0].name, "B");
	assert_string_equal(a->labels[1].name, "_a");
	assert_string_equal(a->labels[2].name, "a");
	assert_string_equal(a->labels[3].name, "b");
	assert_string_equal(a->labels[4].name, "\xc3\xa9");
	alert_array_free(a, 1);
}

static void
test_unknown_field_wins_over_missing_summary(void **state)
{
	/* A typo of "summary" must be named as such, not as "required". */
	expect_err_str("{\"sumary\":\"a\"}", 400, 0, "unknown_field",
	    "sumary: unknown field");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refuses_bad_bodies_with_precise_errors),
		cmocka_unit_test(test_rejects_duplicate_keys),
		cmocka_unit_test(test_rejects_raw_nul_byte),
		cmocka_unit_test(test_rejects_invalid_utf8_with_clean_message),
		cmocka_unit_test(test_rejects_nesting_10000_deep_in_details),
		cmocka_unit_test(test_error_message_never_echoes_invalid_utf8),
		cmocka_unit_test(test_rejects_nesting_10000_deep_array_body),
		cmocka_unit_test(test_rejects_deep_nesting_in_later_alert),
		cmocka_unit_test(test_accepts_details_exactly_64_deep),
		cmocka_unit_test(test_rejects_100000_labels_as_too_many),
		cmocka_unit_test(test_each_limit_has_its_own_error),
		cmocka_unit_test(test_limits_are_inclusive),
		cmocka_unit_test(test_alert_size_limit_counts_whole_object),
		cmocka_unit_test(test_batch_limit),
		cmocka_unit_test(test_decodes_every_field),
		cmocka_unit_test(test_absent_optional_fields_get_defaults),
		cmocka_unit_test(test_default_source_fills_only_absent_source),
		cmocka_unit_test(
		    test_fingerprint_from_labels_matches_alertmanager),
		cmocka_unit_test(
		    test_fingerprint_without_labels_uses_source_and_summary),
		cmocka_unit_test(test_batch_keeps_order_and_indexes),
		cmocka_unit_test(test_body_need_not_be_nul_terminated),
		cmocka_unit_test(test_udp_returns_key),
		cmocka_unit_test(test_udp_refuses_arrays_and_missing_key),
		cmocka_unit_test(
		    test_long_unicode_name_is_cut_on_char_boundary),
		cmocka_unit_test(test_labels_sorted_bytewise),
		cmocka_unit_test(test_unknown_field_wins_over_missing_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
