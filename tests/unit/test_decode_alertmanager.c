/*
 * tests/unit/test_decode_alertmanager.c — lib/decode_alertmanager.c
 * against bodies shaped as Alertmanager and Prometheus send them
 * (tests/unit/fixtures/) and hostile ones: every refusal must carry the
 * right status, alert index, reason token and a message naming the
 * field, and leave nothing allocated (run under ASan or valgrind).
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

#include "decode_alertmanager.h"
#include "decode_util.h"
#include "fingerprint.h"
#include "jscan.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* 2026-11-25T10:02:00Z: between the fixture's alerts' ends. */
#define NOW_MS		1795600920000LL

enum fmt { WEBHOOK, API };

static int
decode(enum fmt fmt, const char *body, size_t len,
    const struct alert_limits *lim, struct alert **out, size_t *n,
    uint64_t *trunc, struct decode_err *err)
{
	if (fmt == WEBHOOK)
		return decode_am_webhook(body, len, lim, out, n, trunc, err);
	return decode_am_alerts(body, len, lim, NOW_MS, AM_RESOLVE_TIMEOUT_MS,
	    out, n, err);
}

/*
 * Decode and expect a refusal; checks that nothing is handed back and
 * that the message is clean UTF-8. msg ending in '*' is a prefix.
 */
static void
expect_err(enum fmt fmt, const char *body, size_t len,
    const struct alert_limits *lim, int status, long index,
    const char *reason, const char *msg)
{
	struct alert_limits	 def;
	struct decode_err	 err;
	struct alert		*out = (struct alert *)&def;
	size_t			 n = 99, mlen;
	uint64_t		 trunc = 99;
	int			 r, msg_ok;

	if (lim == NULL) {
		alert_limits_default(&def);
		lim = &def;
	}
	r = decode(fmt, body, len, lim, &out, &n, &trunc, &err);
	mlen = strlen(msg);
	if (mlen > 0 && msg[mlen - 1] == '*')
		msg_ok = strncmp(err.msg, msg, mlen - 1) == 0;
	else
		msg_ok = strcmp(err.msg, msg) == 0;
	if (r != -1 || err.status != status || err.index != index ||
	    strcmp(err.reason, reason) != 0 || !msg_ok)
		fail_msg("body %.80s: got %d (%d, %ld, %s, \"%s\"), "
		    "want (%d, %ld, %s, \"%s\")", body, r, err.status,
		    err.index, err.reason, err.msg, status, index, reason,
		    msg);
	assert_null(out);
	assert_int_equal(n, 0);
	if (fmt == WEBHOOK)
		assert_int_equal(trunc, 0);
	assert_true(clean_utf8(err.msg));
}

static void
expect_err_str(enum fmt fmt, const char *body, int status, long index,
    const char *reason, const char *msg)
{
	expect_err(fmt, body, strlen(body), NULL, status, index, reason, msg);
}

/* Decode and expect success; returns the alerts (caller frees). */
static struct alert *
expect_ok(enum fmt fmt, const char *body, size_t len,
    const struct alert_limits *lim, size_t want_n)
{
	struct alert_limits	 def;
	struct decode_err	 err;
	struct alert		*out = NULL;
	size_t			 n = 0;

	if (lim == NULL) {
		alert_limits_default(&def);
		lim = &def;
	}
	if (decode(fmt, body, len, lim, &out, &n, NULL, &err) != 0)
		fail_msg("refused (%d, %ld, %s): %s", err.status, err.index,
		    err.reason, err.msg);
	assert_int_equal(n, want_n);
	if (want_n > 0)
		assert_non_null(out);
	return out;
}

static struct alert *
expect_ok_lim_str(enum fmt fmt, const char *body,
    const struct alert_limits *lim, size_t want_n)
{
	return expect_ok(fmt, body, strlen(body), lim, want_n);
}

static struct alert *
expect_ok_str(enum fmt fmt, const char *body, size_t want_n)
{
	return expect_ok(fmt, body, strlen(body), NULL, want_n);
}

/* A webhook around one alert's JSON. */
static char *
webhook1(const char *alert)
{
	struct sb	 b = { 0 };

	sb_str(&b, "{\"version\":\"4\",\"alerts\":[");
	sb_str(&b, alert);
	sb_str(&b, "]}");
	return b.s;
}

static int
has(const char *hay, const char *needle)
{
	return hay != NULL && strstr(hay, needle) != NULL;
}

#define GEN_URL	"http://prometheus.example.org:9090/graph?g0.expr=" \
		"histogram_quantile%280.99%2C+rate%28http_request_duration" \
		"_seconds_bucket%5B5m%5D%29%29+%3E+1&g0.tab=1"

static void
test_webhook_fixture_gives_one_alert_per_element(void **state)
{
	struct alert_limits	 lim;
	struct decode_err	 err;
	struct alert		*a = NULL;
	size_t			 n = 0, len;
	uint64_t		 trunc = 0;
	char			*body;

	alert_limits_default(&lim);
	body = read_fixture("alertmanager_webhook.json", &len);
	if (decode_am_webhook(body, len, &lim, &a, &n, &trunc, &err) != 0)
		fail_msg("refused: %s", err.msg);
	assert_int_equal(n, 3);
	assert_int_equal(trunc, 2);

	/* firing, with Alertmanager's fingerprint and a summary */
	assert_int_equal(a[0].status, ALERT_FIRING);
	assert_string_equal(a[0].fingerprint, "a068f62e0bb1ac5a");
	assert_null(a[0].dedup_key);
	assert_string_equal(a[0].summary,
	    "High request latency on api-1:9100");
	assert_null(a[0].source);
	assert_string_equal(a[0].severity, "page");
	assert_int_equal(a[0].nlabels, 4);
	assert_string_equal(a[0].labels[0].name, "alertname");
	assert_string_equal(a[0].labels[1].name, "instance");
	assert_string_equal(a[0].labels[1].value, "api-1:9100");
	assert_string_equal(a[0].labels[3].name, "severity");
	assert_int_equal(a[0].timestamp_ms, 1795600800123LL);
	assert_int_equal(a[0].ends_at_ms, 0);
	/* endsAt was Go's zero time: absent, so not in the details */
	assert_string_equal(a[0].details_json,
	    "{\"annotations\":{\"description\":\"p99 latency is 2.3s "
	    "(threshold 1s)\",\"runbook_url\":\"https://runbooks.example.org"
	    "/HighLatency\",\"summary\":\"High request latency on "
	    "api-1:9100\"},\"externalURL\":\"http://alertmanager.example.org"
	    ":9093\",\"generatorURL\":\"" GEN_URL "\",\"groupKey\":"
	    "\"{}:{alertname=\\\"HighLatency\\\"}\",\"receiver\":\"pagerd\","
	    "\"startsAt\":\"2026-11-25T10:00:00.123456789Z\"}");
	/* Alertmanager's fingerprint is ours for the same labels. */
	{
		char	 hex[17];

		fp_format(fp_labels(a[0].labels, a[0].nlabels), hex);
		assert_string_equal(hex, a[0].fingerprint);
	}

	/* resolved: status per alert, summary from the description */
	assert_int_equal(a[1].status, ALERT_RESOLVED);
	assert_string_equal(a[1].fingerprint, "26a04a7e8f59e96b");
	assert_string_equal(a[1].summary, "p99 latency is 1.4s (threshold 1s)");
	assert_int_equal(a[1].timestamp_ms, 1795600500000LL);
	assert_int_equal(a[1].ends_at_ms, 0);
	assert_true(has(a[1].details_json,
	    "\"endsAt\":\"2026-11-25T10:04:30.5Z\""));

	/* no annotations to speak of: the alert name */
	assert_int_equal(a[2].status, ALERT_FIRING);
	assert_string_equal(a[2].summary, "HighLatency");
	assert_true(has(a[2].details_json, "\"annotations\":{}"));
	assert_false(has(a[2].details_json, "endsAt"));

	alert_array_free(a, n);
	free(body);
}

static void
test_webhook_without_fingerprint_hashes_labels(void **state)
{
	char		*body = webhook1("{\"status\":\"firing\",\"labels\":{"
	    "\"severity\":\"page\",\"job\":\"api\",\"instance\":\"api-1:9100\","
	    "\"alertname\":\"HighLatency\"}}");
	struct alert	*a;

	/* the value Alertmanager put in the fixture for this label set */
	a = expect_ok_str(WEBHOOK, body, 1);
	assert_string_equal(a->fingerprint, "a068f62e0bb1ac5a");
	assert_string_equal(a->details_json, "{}");
	alert_array_free(a, 1);
	free(body);
}

static const struct summary_case {
	const char	*alert;
	const char	*want;
} summary_cases[] = {
	{ "\"annotations\":{\"summary\":\"S\",\"description\":\"D\","
	    "\"message\":\"M\"},\"labels\":{\"alertname\":\"A\"}", "S" },
	{ "\"annotations\":{\"summary\":\"\",\"description\":\"D\","
	    "\"message\":\"M\"},\"labels\":{\"alertname\":\"A\"}", "D" },
	{ "\"annotations\":{\"message\":\"M\"},"
	    "\"labels\":{\"alertname\":\"A\"}", "M" },
	{ "\"annotations\":{\"runbook_url\":\"R\"},"
	    "\"labels\":{\"alertname\":\"A\"}", "A" },
	{ "\"labels\":{\"alertname\":\"A\"}", "A" },
	/* fp({job="x"}) */
	{ "\"labels\":{\"job\":\"x\"}", "alert 39091cb762a6cfa4" },
	{ "\"labels\":{\"job\":\"x\"},\"fingerprint\":\"f00\"", "alert f00" },
};

static void
test_webhook_summary_falls_back_in_order(void **state)
{
	struct sb	 b = { 0 };
	struct alert	*a;
	char		*body;
	size_t		 i;

	for (i = 0; i < NELEM(summary_cases); i++) {
		b.len = 0;
		sb_printf(&b, "{\"status\":\"firing\",%s}",
		    summary_cases[i].alert);
		body = webhook1(b.s);
		a = expect_ok_str(WEBHOOK, body, 1);
		if (strcmp(a->summary, summary_cases[i].want) != 0)
			fail_msg("case %zu: summary \"%s\", want \"%s\"", i,
			    a->summary, summary_cases[i].want);
		alert_array_free(a, 1);
		free(body);
	}
	free(b.s);
}

static void
test_long_description_is_cut_not_refused(void **state)
{
	struct sb	 b = { 0 };
	struct alert	*a;
	char		*body;
	size_t		 len;

	/* 1500 x "é": 3000 bytes, cut to at most 1024 on a boundary */
	sb_str(&b, "{\"status\":\"firing\",\"labels\":{\"a\":\"b\"},"
	    "\"annotations\":{\"description\":\"");
	sb_repeat(&b, "\xc3\xa9", 1500);
	sb_str(&b, "\"}}");
	body = webhook1(b.s);
	a = expect_ok_str(WEBHOOK, body, 1);
	len = strlen(a->summary);
	assert_true(len <= 1024 && len >= 1020);
	assert_string_equal(a->summary + len - 3, "\xe2\x80\xa6");
	assert_true(clean_utf8(a->summary));
	/* the details keep the whole text */
	assert_true(strlen(a->details_json) > 3000);
	alert_array_free(a, 1);
	free(body);
	free(b.s);
}

static void
test_webhook_tolerates_unknown_fields(void **state)
{
	struct sb	 b = { 0 };
	struct alert	*a;

	/* Fields a later Alertmanager might add, at both levels. */
	sb_str(&b, "{\"version\":\"4\",\"status\":\"firing\","
	    "\"newField\":{\"x\":[1,2,{\"y\":null}]},\"groupLabels\":7,"
	    "\"alerts\":[{\"status\":\"resolved\",\"labels\":{\"a\":\"b\"},"
	    "\"silencedBy\":[\"x\"],\"extra\":");
	sb_repeat(&b, "[", 200);
	sb_repeat(&b, "]", 200);
	sb_str(&b, "}]}");
	a = expect_ok(WEBHOOK, b.s, b.len, NULL, 1);
	assert_int_equal(a->status, ALERT_RESOLVED);
	alert_array_free(a, 1);
	free(b.s);
}

static void
test_webhook_empty_alerts_is_nothing_to_do(void **state)
{
	struct alert	*a;

	a = expect_ok_str(WEBHOOK, "{\"version\":\"4\",\"alerts\":[]}", 0);
	assert_null(a);
}

static void
test_empty_label_values_are_dropped(void **state)
{
	char		*body = webhook1("{\"status\":\"firing\",\"labels\":{"
	    "\"job\":\"x\",\"empty\":\"\"}}");
	struct alert	*a;

	/* Alertmanager drops them before hashing: fp({job="x"}) */
	a = expect_ok_str(WEBHOOK, body, 1);
	assert_int_equal(a->nlabels, 1);
	assert_string_equal(a->labels[0].name, "job");
	assert_string_equal(a->fingerprint, "39091cb762a6cfa4");
	alert_array_free(a, 1);
	free(body);
}

static void
test_label_names_may_be_utf8(void **state)
{
	const char	*body = "[{\"labels\":{\"service.name\":\"api\","
	    "\"r\xc3\xa9gion\":\"eu\",\"0start\":\"x\"}}]";
	struct alert	*a;

	/* Alertmanager >= 0.27 and Prometheus 3 allow any UTF-8 name. */
	a = expect_ok_str(API, body, 1);
	assert_int_equal(a->nlabels, 3);
	assert_string_equal(a->labels[0].name, "0start");
	assert_string_equal(a->labels[2].name, "service.name");
	alert_array_free(a, 1);
}

static void
test_go_zero_time_means_absent(void **state)
{
	char		*body = webhook1("{\"status\":\"firing\","
	    "\"labels\":{\"a\":\"b\"},\"startsAt\":\"0001-01-01T00:00:00Z\","
	    "\"endsAt\":\"0001-01-01T00:00:00Z\"}");
	struct alert	*a;

	a = expect_ok_str(WEBHOOK, body, 1);
	assert_int_equal(a->timestamp_ms, 0);
	assert_string_equal(a->details_json, "{}");
	alert_array_free(a, 1);
	free(body);
	a = expect_ok_str(API, "[{\"labels\":{\"a\":\"b\"},"
	    "\"startsAt\":\"0001-01-01T00:00:00Z\"}]", 1);
	assert_int_equal(a->timestamp_ms, 0);
	assert_int_equal(a->ends_at_ms, NOW_MS + AM_RESOLVE_TIMEOUT_MS);
	alert_array_free(a, 1);
}

static void
test_truncated_may_be_null(void **state)
{
	struct alert_limits	 lim;
	struct decode_err	 err;
	struct alert		*a;
	size_t			 n;
	const char		*body = "{\"version\":\"4\",\"alerts\":[],"
	    "\"truncatedAlerts\":5}";

	alert_limits_default(&lim);
	assert_int_equal(decode_am_webhook(body, strlen(body), &lim, &a, &n,
	    NULL, &err), 0);
	assert_int_equal(n, 0);
}

static const struct bad_case {
	enum fmt	 fmt;
	const char	*body;
	int		 status;
	long		 index;
	const char	*reason;
	const char	*msg;
} bad_cases[] = {
	/* webhook, body level */
	{ WEBHOOK, "", 400, -1, "json", "invalid JSON at line 1 column 0: *" },
	{ WEBHOOK, "{\"version\":\"4\",}", 400, -1, "json",
	    "invalid JSON at *" },
	{ WEBHOOK, "[]", 400, -1, "type",
	    "body: must be an Alertmanager webhook object" },
	{ WEBHOOK, "\"4\"", 400, -1, "type",
	    "body: must be an Alertmanager webhook object" },
	{ WEBHOOK, "{\"alerts\":[]}", 400, -1, "missing_field",
	    "version: required (Alertmanager sends \"4\")" },
	{ WEBHOOK, "{\"version\":4,\"alerts\":[]}", 400, -1, "type",
	    "version: must be a string" },
	{ WEBHOOK, "{\"version\":\"3\",\"alerts\":[]}", 400, -1,
	    "invalid_value", "version: \"3\" is not supported, only \"4\"" },
	{ WEBHOOK, "{\"version\":\"\",\"alerts\":[]}", 400, -1,
	    "invalid_value", "version: \"\" is not supported, only \"4\"" },
	{ WEBHOOK, "{\"version\":\"4\"}", 400, -1, "missing_field",
	    "alerts: required" },
	{ WEBHOOK, "{\"version\":\"4\",\"alerts\":{}}", 400, -1, "type",
	    "alerts: must be an array" },
	{ WEBHOOK, "{\"version\":\"4\",\"alerts\":null}", 400, -1, "type",
	    "alerts: must be an array" },
	{ WEBHOOK, "{\"version\":\"4\",\"alerts\":[],\"receiver\":1}", 400,
	    -1, "type", "receiver: must be a string" },
	{ WEBHOOK, "{\"version\":\"4\",\"alerts\":[],\"externalURL\":[]}",
	    400, -1, "type", "externalURL: must be a string" },
	{ WEBHOOK, "{\"version\":\"4\",\"alerts\":[],\"groupKey\":{}}", 400,
	    -1, "type", "groupKey: must be a string" },
	{ WEBHOOK, "{\"version\":\"4\",\"alerts\":[],\"truncatedAlerts\":-1}",
	    400, -1, "invalid_value",
	    "truncatedAlerts: must be a non-negative integer" },
	{ WEBHOOK, "{\"version\":\"4\",\"alerts\":[],\"truncatedAlerts\":"
	    "\"2\"}", 400, -1, "type",
	    "truncatedAlerts: must be a non-negative integer" },
	{ WEBHOOK, "{\"version\":\"4\",\"alerts\":[],\"truncatedAlerts\":1.5}",
	    400, -1, "type",
	    "truncatedAlerts: must be a non-negative integer" },
	/* webhook, per alert */
	{ WEBHOOK, "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\","
	    "\"labels\":{\"a\":\"b\"}},1]}", 400, 1, "type",
	    "alert: must be an object" },
	{ WEBHOOK, "{\"version\":\"4\",\"alerts\":[{\"labels\":"
	    "{\"a\":\"b\"}}]}", 400, 0, "missing_field", "status: required" },
	{ WEBHOOK, "{\"version\":\"4\",\"alerts\":[{\"status\":\"FIRING\","
	    "\"labels\":{\"a\":\"b\"}}]}", 400, 0, "invalid_value",
	    "status: must be \"firing\" or \"resolved\"" },
	{ WEBHOOK, "{\"version\":\"4\",\"alerts\":[{\"status\":true,"
	    "\"labels\":{\"a\":\"b\"}}]}", 400, 0, "type",
	    "status: must be \"firing\" or \"resolved\"" },
	{ WEBHOOK, "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\"}]}",
	    400, 0, "missing_field", "labels: required" },
	{ WEBHOOK, "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\","
	    "\"labels\":{\"a\":\"b\"},\"fingerprint\":\"\"}]}", 400, 0,
	    "invalid_value", "fingerprint: must not be empty" },
	{ WEBHOOK, "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\","
	    "\"labels\":{\"a\":\"b\"},\"fingerprint\":12}]}", 400, 0, "type",
	    "fingerprint: must be a string" },
	/* both formats' alert fields, via the API list */
	{ API, "[{}]", 400, 0, "missing_field", "labels: required" },
	{ API, "[{\"labels\":[]}]", 400, 0, "type",
	    "labels: must be an object" },
	{ API, "[{\"labels\":\"a=b\"}]", 400, 0, "type",
	    "labels: must be an object" },
	{ API, "[{\"labels\":{}}]", 400, 0, "invalid_value",
	    "labels: at least one label pair required" },
	{ API, "[{\"labels\":{\"a\":\"\"}}]", 400, 0, "invalid_value",
	    "labels: at least one label pair required" },
	{ API, "[{\"labels\":{\"a\":1}}]", 400, 0, "type",
	    "labels.a: must be a string" },
	{ API, "[{\"labels\":{\"a\":null}}]", 400, 0, "type",
	    "labels.a: must be a string" },
	{ API, "[{\"labels\":{\"\":\"x\"}}]", 400, 0, "invalid_value",
	    "labels: empty label name" },
	{ API, "[{\"labels\":{\"a\":\"b\"},\"annotations\":[]}]", 400, 0,
	    "type", "annotations: must be an object" },
	{ API, "[{\"labels\":{\"a\":\"b\"},\"annotations\":{\"s\":1}}]", 400,
	    0, "type", "annotations.s: must be a string" },
	{ API, "[{\"labels\":{\"a\":\"b\"},\"annotations\":{\"\":\"x\"}}]",
	    400, 0, "invalid_value", "annotations: empty name" },
	{ API, "[{\"labels\":{\"a\":\"b\"},\"startsAt\":\"yesterday\"}]", 400,
	    0, "invalid_value", "startsAt: not an RFC 3339 time" },
	{ API, "[{\"labels\":{\"a\":\"b\"},\"startsAt\":1795600800}]", 400, 0,
	    "type", "startsAt: must be a string" },
	{ API, "[{\"labels\":{\"a\":\"b\"},"
	    "\"endsAt\":\"2026-02-30T00:00:00Z\"}]", 400, 0, "invalid_value",
	    "endsAt: not an RFC 3339 time" },
	{ API, "[{\"labels\":{\"a\":\"b\"},\"generatorURL\":5}]", 400, 0,
	    "type", "generatorURL: must be a string" },
	{ API, "[{\"labels\":{\"a\":\"b\"},"
	    "\"startsAt\":\"2026-11-25T10:00:00Z\","
	    "\"endsAt\":\"2026-11-25T09:59:59.999Z\"}]", 400, 0,
	    "invalid_value", "endsAt: before startsAt" },
	{ API, "[{\"labels\":{\"a\":\"b\"}},{\"labels\":{\"a\":\"b\"}},"
	    "{\"labels\":{}}]", 400, 2, "invalid_value",
	    "labels: at least one label pair required" },
	/* API list, body level */
	{ API, "{\"labels\":{\"a\":\"b\"}}", 400, -1, "type",
	    "body: must be an array of alerts" },
	{ API, "null", 400, -1, "type", "body: must be an array of alerts" },
	{ API, "[\"a\"]", 400, 0, "type", "alert: must be an object" },
	/* hostile JSON the parser must refuse */
	{ WEBHOOK, "{\"version\":\"4\",\"version\":\"4\",\"alerts\":[]}", 400,
	    -1, "json", "invalid JSON at line 1 column 24: duplicate object "
	    "key*" },
	{ API, "[{\"labels\":{\"a\":\"1\",\"a\":\"2\"}}]", 400, -1, "json",
	    "invalid JSON at *" },
	{ API, "[{\"labels\":{\"a\":\"b\\u0000c\"}}]", 400, -1, "json",
	    "invalid JSON at *" },
	{ API, "[{\"labels\":{\"a\":\"\xff\"}}]", 400, -1, "json",
	    "invalid JSON at *" },
	{ API, "[{\"labels\":{\"a\":\"\xed\xa0\x80\"}}]", 400, -1, "json",
	    "invalid JSON at *" },
	{ API, "[{\"labels\":{\"a\":\"\\ud800\"}}]", 400, -1, "json",
	    "invalid JSON at *" },
	{ API, "[{\"labels\":{\"a\":\"b\"},\"x\":1e999}]", 400, -1, "json",
	    "invalid JSON at *" },
	{ WEBHOOK, "{'version':'4'}", 400, -1, "json", "invalid JSON at *" },
};

static void
test_refuses_bad_bodies_with_precise_errors(void **state)
{
	size_t	 i;

	for (i = 0; i < NELEM(bad_cases); i++)
		expect_err_str(bad_cases[i].fmt, bad_cases[i].body,
		    bad_cases[i].status, bad_cases[i].index,
		    bad_cases[i].reason, bad_cases[i].msg);
}

static void
test_rejects_raw_nul_and_invalid_utf8_with_clean_message(void **state)
{
	static const char	 nul[] = "[{\"labels\":{\"a\":\"b\0c\"}}]";

	expect_err(API, nul, sizeof(nul) - 1, NULL, 400, -1, "json",
	    "invalid JSON at line 1 column 18: control character 0x0*");
	/* the bad bytes must not reach the message */
	expect_err_str(WEBHOOK, "{\"version\":\"\xff\xfe\x01\"}", 400, -1,
	    "json", "invalid JSON at line 1 column 12: *");
}

static void
test_each_limit_has_its_own_error(void **state)
{
	struct sb	 b = { 0 };
	size_t		 i;

	/* labels: 64 non-empty; empty ones do not count */
	sb_str(&b, "[{\"labels\":{\"e\":\"\"");
	for (i = 0; i < 64; i++)
		sb_printf(&b, ",\"l%zu\":\"v\"", i);
	sb_str(&b, "}},{\"labels\":{");
	for (i = 0; i < 65; i++)
		sb_printf(&b, "%s\"l%zu\":\"v\"", i ? "," : "", i);
	sb_str(&b, "}}]");
	expect_err(API, b.s, b.len, NULL, 400, 1, "too_many_labels",
	    "labels: more than 64 labels");
	b.len = 0;

	/* label name: 128 bytes, shown cut to 64 */
	sb_str(&b, "[{\"labels\":{\"");
	sb_repeat(&b, "n", 129);
	sb_str(&b, "\":\"v\"}}]");
	expect_err(API, b.s, b.len, NULL, 400, 0, "label_too_long",
	    "labels.nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
	    "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn...: name longer than 128 bytes");
	b.len = 0;

	/* label value: 2048 bytes */
	sb_str(&b, "[{\"labels\":{\"env\":\"");
	sb_repeat(&b, "v", 2049);
	sb_str(&b, "\"}}]");
	expect_err(API, b.s, b.len, NULL, 400, 0, "label_too_long",
	    "labels.env: longer than 2048 bytes");
	b.len = 0;

	/* fingerprint: 255 bytes */
	sb_str(&b, "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\","
	    "\"labels\":{\"a\":\"b\"},\"fingerprint\":\"");
	sb_repeat(&b, "f", 256);
	sb_str(&b, "\"}]}");
	expect_err(WEBHOOK, b.s, b.len, NULL, 400, 0, "too_large",
	    "fingerprint: longer than 255 bytes");
	b.len = 0;

	/* alert size: 64 KiB of compact JSON, in the second alert */
	sb_str(&b, "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\","
	    "\"labels\":{\"a\":\"b\"}},{\"status\":\"firing\","
	    "\"labels\":{\"a\":\"b\"},\"annotations\":{\"d\":\"");
	sb_repeat(&b, "x", 65536);
	sb_str(&b, "\"}}]}");
	expect_err(WEBHOOK, b.s, b.len, NULL, 413, 1, "too_large",
	    "alert: larger than 65536 bytes");
	free(b.s);
}

static void
test_limits_are_inclusive(void **state)
{
	struct alert_limits	 lim;
	struct sb		 b = { 0 };
	struct alert		*a;
	size_t			 i;

	sb_str(&b, "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\","
	    "\"fingerprint\":\"");
	sb_repeat(&b, "f", 255);
	sb_str(&b, "\",\"labels\":{\"");
	sb_repeat(&b, "n", 128);
	sb_str(&b, "\":\"");
	sb_repeat(&b, "v", 2048);
	sb_str(&b, "\"");
	for (i = 1; i < 64; i++)
		sb_printf(&b, ",\"l%02zu\":\"v\"", i);
	sb_str(&b, "}}]}");
	a = expect_ok(WEBHOOK, b.s, b.len, NULL, 1);
	assert_int_equal(strlen(a->fingerprint), 255);
	assert_int_equal(a->nlabels, 64);
	alert_array_free(a, 1);
	free(b.s);

	/* {"labels":{"a":"b"}} is 20 bytes compact; blanks do not count */
	alert_limits_default(&lim);
	lim.max_alert_size = 20;
	a = expect_ok_lim_str(API, "[ { \"labels\" : { \"a\" : \"b\" } } ]",
	    &lim, 1);
	alert_array_free(a, 1);
	lim.max_alert_size = 19;
	expect_err(API, "[{\"labels\":{\"a\":\"b\"}}]", 22, &lim, 413, 0,
	    "too_large", "alert: larger than 19 bytes");
}

static void
test_batch_limit(void **state)
{
	struct alert_limits	 lim;
	struct alert		*a;
	const char		*two = "[{\"labels\":{\"a\":\"1\"}},"
	    "{\"labels\":{\"a\":\"2\"}}]";
	const char		*three = "[{\"labels\":{\"a\":\"1\"}},"
	    "{\"labels\":{\"a\":\"2\"}},{\"labels\":{\"a\":\"3\"}}]";
	const char		*wh =
	    "{\"version\":\"4\",\"alerts\":[{},{},{}]}";

	alert_limits_default(&lim);
	lim.max_batch = 2;
	a = expect_ok(API, two, strlen(two), &lim, 2);
	alert_array_free(a, 2);
	expect_err(API, three, strlen(three), &lim, 413, -1,
	    "batch_too_large", "body: more than 2 alerts");
	expect_err(WEBHOOK, wh, strlen(wh), &lim, 413, -1, "batch_too_large",
	    "alerts: more than 2 alerts");
}

static void
test_long_unicode_name_is_cut_on_char_boundary(void **state)
{
	struct sb	 b = { 0 };
	struct sb	 want = { 0 };

	/* 100 x "é" = 200-byte label name with a wrong-typed value */
	sb_str(&b, "[{\"labels\":{\"");
	sb_repeat(&b, "\xc3\xa9", 100);
	sb_str(&b, "\":1}}]");
	sb_str(&want, "labels.");
	sb_repeat(&want, "\xc3\xa9", 32);
	sb_str(&want, "...: must be a string");
	expect_err(API, b.s, b.len, NULL, 400, 0, "type", want.s);
	free(b.s);
	free(want.s);
}

static void
test_api_fixture_follows_alertmanager_semantics(void **state)
{
	struct alert	*a;
	size_t		 len;
	char		*body;

	body = read_fixture("prometheus_alerts_v2.json", &len);
	a = expect_ok(API, body, len, NULL, 2);

	/* endsAt 10:04:00.123 is after now (10:02): still firing */
	assert_int_equal(a[0].status, ALERT_FIRING);
	assert_string_equal(a[0].fingerprint, "b739e02afeca9737");
	assert_string_equal(a[0].summary,
	    "High request latency on api-1:9100");
	assert_string_equal(a[0].severity, "page");
	assert_int_equal(a[0].nlabels, 5);
	assert_string_equal(a[0].labels[3].name, "prometheus");
	assert_int_equal(a[0].timestamp_ms, 1795600800123LL);
	assert_int_equal(a[0].ends_at_ms, 1795601040123LL);
	/* A firing alert's end is its ends_at, not part of its details. */
	assert_string_equal(a[0].details_json,
	    "{\"annotations\":{\"description\":\"p99 latency is 2.3s "
	    "(threshold 1s)\",\"runbook_url\":\"https://runbooks.example.org"
	    "/HighLatency\",\"summary\":\"High request latency on "
	    "api-1:9100\"},"
	    "\"generatorURL\":\"" GEN_URL "\",\"startsAt\":"
	    "\"2026-11-25T10:00:00.123456789Z\"}");

	/* endsAt 10:00:30 has passed: resolved then */
	assert_int_equal(a[1].status, ALERT_RESOLVED);
	assert_string_equal(a[1].fingerprint, "fc4c2eb6d8ab75fa");
	assert_int_equal(a[1].timestamp_ms, 1795600500000LL);
	assert_int_equal(a[1].ends_at_ms, 1795600830000LL);
	assert_true(has(a[1].details_json, "\"endsAt\""));
	alert_array_free(a, 2);
	free(body);
}

/*
 * Prometheus re-sends a firing alert with a fresh endsAt at every
 * evaluation: the details stay the same (the store would take each
 * re-send for a change of content), the end moves.
 */
static void
test_api_fresh_end_is_not_new_content(void **state)
{
	struct alert_limits	 lim;
	struct decode_err	 err;
	struct alert		*a, *b;
	size_t			 n;
	const char		*one = "[{\"labels\":{\"a\":\"b\"},"
	    "\"annotations\":{\"summary\":\"s\"},"
	    "\"startsAt\":\"2026-11-25T10:00:00Z\","
	    "\"endsAt\":\"2026-11-25T10:06:00Z\"}]";
	const char		*two = "[{\"labels\":{\"a\":\"b\"},"
	    "\"annotations\":{\"summary\":\"s\"},"
	    "\"startsAt\":\"2026-11-25T10:00:00Z\","
	    "\"endsAt\":\"2026-11-25T10:07:00Z\"}]";

	alert_limits_default(&lim);
	assert_int_equal(decode_am_alerts(one, strlen(one), &lim, NOW_MS,
	    AM_RESOLVE_TIMEOUT_MS, &a, &n, &err), 0);
	assert_int_equal(decode_am_alerts(two, strlen(two), &lim, NOW_MS,
	    AM_RESOLVE_TIMEOUT_MS, &b, &n, &err), 0);
	assert_int_equal(a->status, ALERT_FIRING);
	assert_int_equal(b->status, ALERT_FIRING);
	assert_string_equal(a->details_json, b->details_json);
	assert_false(has(a->details_json, "endsAt"));
	assert_int_equal(b->ends_at_ms - a->ends_at_ms, 60000);
	alert_array_free(a, 1);
	alert_array_free(b, 1);
}

static void
test_api_status_and_end_around_now(void **state)
{
	struct alert_limits	 lim;
	struct decode_err	 err;
	struct alert		*a;
	size_t			 n;
	const char		*body = "[{\"labels\":{\"a\":\"b\"},"
	    "\"endsAt\":\"2026-11-25T10:02:00Z\"}]";

	alert_limits_default(&lim);
	/* an end equal to now has been reached */
	assert_int_equal(decode_am_alerts(body, strlen(body), &lim, NOW_MS,
	    AM_RESOLVE_TIMEOUT_MS, &a, &n, &err), 0);
	assert_int_equal(a->status, ALERT_RESOLVED);
	assert_int_equal(a->ends_at_ms, NOW_MS);
	/* no start: the end stands in, as in Alertmanager */
	assert_int_equal(a->timestamp_ms, NOW_MS);
	alert_array_free(a, n);
	assert_int_equal(decode_am_alerts(body, strlen(body), &lim,
	    NOW_MS - 1, AM_RESOLVE_TIMEOUT_MS, &a, &n, &err), 0);
	assert_int_equal(a->status, ALERT_FIRING);
	assert_int_equal(a->ends_at_ms, NOW_MS);
	alert_array_free(a, n);
}

static void
test_api_without_end_resolves_after_timeout(void **state)
{
	struct alert_limits	 lim;
	struct decode_err	 err;
	struct alert		*a;
	size_t			 n;
	const char		*body = "[{\"labels\":{\"a\":\"b\"},"
	    "\"startsAt\":\"2026-11-25T10:00:00Z\",\"unknown\":[1]}]";

	alert_limits_default(&lim);
	assert_int_equal(decode_am_alerts(body, strlen(body), &lim, NOW_MS,
	    60000, &a, &n, &err), 0);
	assert_int_equal(a->status, ALERT_FIRING);
	assert_int_equal(a->ends_at_ms, NOW_MS + 60000);
	assert_int_equal(a->timestamp_ms, 1795600800000LL);
	alert_array_free(a, n);
}

static void
test_api_empty_array_is_valid(void **state)
{
	struct alert	*a;

	a = expect_ok_str(API, "[]", 0);
	assert_null(a);
	a = expect_ok_str(API, " [ ] ", 0);
	assert_null(a);
}

static void
test_body_need_not_be_nul_terminated(void **state)
{
	const char	 body[] = "[{\"labels\":{\"a\":\"b\"}}]GARBAGE";
	struct alert	*a;

	a = expect_ok(API, body, 22, NULL, 1);
	alert_array_free(a, 1);
}

/*
 * Escapes anywhere, field names included: values come out unescaped,
 * and the details are re-escaped as jansson's compact dump writes them
 * (\u00XX for control characters, '/' and UTF-8 as they are).
 */
static void
test_escapes_are_decoded_and_details_reescaped(void **state)
{
	const char	*body = "[{\"l\\u0061bels\":{\"alertn\\u0061me\":"
	    "\"A\\u00e9\\\"\\/\\n\",\"severity\":\"p\\u0061ge\",\"e\\u0301\":"
	    "\"\"},\"annotations\":{\"z\":\"\\u0001\\t\\u007f\","
	    "\"summ\\u0061ry\":\"\\ud83d\\ude00 s\"},"
	    "\"startsAt\":\"2026-11-25T10:00:00\\u005a\"}]";
	struct alert	*a;

	(void)state;
	a = expect_ok_str(API, body, 1);
	assert_int_equal(a->nlabels, 2);
	assert_string_equal(a->labels[0].name, "alertname");
	assert_string_equal(a->labels[0].value, "A\xc3\xa9\"/\n");
	assert_string_equal(a->severity, "page");
	assert_string_equal(a->summary, "\xf0\x9f\x98\x80 s");
	assert_int_equal(a->timestamp_ms, 1795600800000LL);
	assert_string_equal(a->details_json, "{\"annotations\":{\"summary\":"
	    "\"\xf0\x9f\x98\x80 s\",\"z\":\"\\u0001\\t\x7f\"},\"startsAt\":"
	    "\"2026-11-25T10:00:00Z\"}");
	alert_array_free(a, 1);
}

/* Where a duplicate key is, however deep: "column" is its end. */
static void
expect_dup(const char *body)
{
	char		 want[96];
	const char	*p, *last = NULL;

	for (p = body; (p = strstr(p, "\"k\"")) != NULL; p++)
		last = p;
	snprintf(want, sizeof(want), "invalid JSON at line 1 column %d: "
	    "duplicate object key", (int)(last + 3 - body));
	expect_err_str(API, body, 400, -1, "json", want);
}

static void
test_duplicate_keys_refused_at_every_level(void **state)
{
	(void)state;
	expect_dup("[{\"k\":1,\"labels\":{\"a\":\"b\"},\"k\":2}]");
	expect_dup("[{\"labels\":{\"k\":\"b\",\"k\":\"c\"}}]");
	expect_dup("[{\"labels\":{\"a\":\"b\"},\"annotations\":{\"k\":\"1\","
	    "\"k\":\"2\"}}]");
	expect_dup("[{\"labels\":{\"a\":\"b\"},\"x\":{\"y\":[{\"k\":1,"
	    "\"k\":2}]}}]");
	/* The same key spelled two ways is the same key. */
	expect_dup("[{\"labels\":{\"\\u006b\":\"b\",\"k\":\"c\"}}]");
}

static void
test_json_errors_say_where(void **state)
{
	(void)state;
	expect_err_str(API, "[\n{\"labels\":{\"a\":\"b\"},\n \"x\": 01}]", 400,
	    -1, "json", "invalid JSON at line 3 column 8: invalid number: "
	    "leading zero");
	expect_err_str(API, "[{\"labels\":{\"a\":\"b\"},\"x\":"
	    "18446744073709551616}]", 400, -1, "json",
	    "invalid JSON at line 1 column 45: too big integer");
	expect_err_str(API, "[{\"labels\":{\"a\":\"b\"},\"x\":1e309}]", 400,
	    -1, "json", "invalid JSON at line 1 column 30: real number "
	    "overflow");
	expect_err_str(API, "[{\"labels\":{\"a\":\"b\\u0000\"}}]", 400, -1,
	    "json", "invalid JSON at line 1 column 24: \\u0000 is not "
	    "allowed");
	expect_err_str(API, "[{\"labels\":{\"a\":\"b\"}},]", 400, -1, "json",
	    "invalid JSON at line 1 column 23: value expected near ']'");
	/* The extremes of an integer are fine in an unknown field. */
	alert_array_free(expect_ok_str(API, "[{\"labels\":{\"a\":\"b\"},"
	    "\"x\":[-9223372036854775808,9223372036854775807,-0,1.5e-400]}]",
	    1), 1);
}

/* Every prefix of a valid body is refused as JSON, and cleanly. */
static void
test_truncated_bodies_refused(void **state)
{
	char	*body;
	size_t	 len, i;

	(void)state;
	body = read_fixture("prometheus_alerts_v2.json", &len);
	for (i = 0; i < len; i++)
		if (strspn(body + i, " \t\r\n") < len - i)
			expect_err(API, body, i, NULL, 400, -1, "json",
			    "invalid JSON at line *");
	free(body);
}

/* jansson's depth limit: 2048 values deep counting the alert's own. */
static void
test_depth_limit(void **state)
{
	struct sb	 b = { 0 };
	struct alert	*a;

	(void)state;
	/* The body's array and the alert object are two levels. */
	sb_str(&b, "[{\"labels\":{\"a\":\"b\"},\"x\":");
	sb_repeat(&b, "[", JSCAN_MAX_DEPTH - 2);
	sb_repeat(&b, "]", JSCAN_MAX_DEPTH - 2);
	sb_str(&b, "}]");
	a = expect_ok(API, b.s, b.len, NULL, 1);
	alert_array_free(a, 1);
	free(b.s);
	memset(&b, 0, sizeof(b));
	sb_str(&b, "[{\"labels\":{\"a\":\"b\"},\"x\":");
	sb_repeat(&b, "[", JSCAN_MAX_DEPTH - 1);
	sb_repeat(&b, "]", JSCAN_MAX_DEPTH - 1);
	sb_str(&b, "}]");
	expect_err(API, b.s, b.len, NULL, 400, -1, "json",
	    "invalid JSON at line 1 column 2072: maximum parsing depth "
	    "reached");
	free(b.s);
}

/*
 * The C library's allocator, failing the Nth allocation while armed:
 * every decoder path must give up cleanly (nothing leaked, err filled).
 * Interposed by defining malloc() here, which glibc's __libc_* entry
 * points make possible; not under the sanitizers, which interpose it
 * themselves.
 */
#if !defined(__SANITIZE_ADDRESS__)
#define FAIL_ALLOCS	1
extern void	*__libc_malloc(size_t);
extern void	*__libc_calloc(size_t, size_t);
extern void	*__libc_realloc(void *, size_t);

static long	fail_at = -1;
static long	nallocs;	/* that came through here */

static int
fail_now(void)
{
	nallocs++;
	if (fail_at == 0)
		return 1;
	if (fail_at > 0)
		fail_at--;
	return 0;
}

void *
malloc(size_t size)
{
	return fail_now() ? NULL : __libc_malloc(size);
}

void *
calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : __libc_calloc(n, size);
}

void *
realloc(void *p, size_t size)
{
	return fail_now() ? NULL : __libc_realloc(p, size);
}

void *
reallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	return fail_now() ? NULL : __libc_realloc(p, n * size);
}
#endif

static void
test_out_of_memory_leaks_nothing(void **state)
{
#ifdef FAIL_ALLOCS
	struct alert_limits	 lim;
	struct decode_err	 err;
	struct alert		*a;
	const char		*names[] = { "alertmanager_webhook.json",
	    "prometheus_alerts_v2.json", "big" };
	struct sb		 big = { 0 };
	size_t			 n, len, f, k;
	long			 i;
	char			*body;
	int			 r;

	/* Past the scanner's stack tokens, with sorted annotations. */
	sb_str(&big, "[");
	for (k = 0; k < 40; k++) {
		sb_printf(&big, "%s{\"labels\":{\"a\":\"%zu\"},"
		    "\"annotations\":{", k ? "," : "", k);
		for (i = 0; i < 40; i++)
			sb_printf(&big, "%s\"k%ld\":\"v\"", i ? "," : "",
			    39 - i);
		sb_str(&big, "}}");
	}
	sb_str(&big, "]");

	alert_limits_default(&lim);
	for (f = 0; f < NELEM(names); f++) {
		if (f < 2)
			body = read_fixture(names[f], &len);
		else {
			body = big.s;
			len = big.len;
		}
		for (i = 0;; i++) {
			fail_at = i;
			r = f == 0 ? decode_am_webhook(body, len, &lim, &a, &n,
			    NULL, &err) : decode_am_alerts(body, len, &lim,
			    NOW_MS, AM_RESOLVE_TIMEOUT_MS, &a, &n, &err);
			fail_at = -1;
			if (r == 0) {
				alert_array_free(a, n);
				break;
			}
			assert_int_equal(err.status, 500);
			assert_string_equal(err.reason, "nomem");
			assert_null(a);
		}
		/* The alert array and one block per alert at least. */
		assert_true(i > 2);
		free(body);
	}
#endif
}

/*
 * Whether the allocator above is the one the decoders get: one alert
 * takes two allocations (the array, its block). Not under the
 * sanitizers (not built) nor valgrind (whose malloc() wins over ours):
 * there the out-of-memory test is left out of the run, as a test that
 * cannot fail there, not reported as a skip (cmocka writes a skip as
 * "not ok # SKIP", which the TAP driver counts as a failure).
 */
static int
failing_allocs_work(void)
{
#ifdef FAIL_ALLOCS
	struct alert_limits	 lim;
	struct decode_err	 err;
	struct alert		*a;
	const char		*body = "[{\"labels\":{\"a\":\"b\"}}]";
	size_t			 n;

	alert_limits_default(&lim);
	nallocs = 0;
	if (decode_am_alerts(body, strlen(body), &lim, NOW_MS,
	    AM_RESOLVE_TIMEOUT_MS, &a, &n, &err) != 0)
		return 0;
	alert_array_free(a, n);
	return nallocs == 2;
#else
	return 0;
#endif
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_webhook_fixture_gives_one_alert_per_element),
		cmocka_unit_test(
		    test_webhook_without_fingerprint_hashes_labels),
		cmocka_unit_test(test_webhook_summary_falls_back_in_order),
		cmocka_unit_test(test_long_description_is_cut_not_refused),
		cmocka_unit_test(test_webhook_tolerates_unknown_fields),
		cmocka_unit_test(test_webhook_empty_alerts_is_nothing_to_do),
		cmocka_unit_test(test_empty_label_values_are_dropped),
		cmocka_unit_test(test_label_names_may_be_utf8),
		cmocka_unit_test(test_go_zero_time_means_absent),
		cmocka_unit_test(test_truncated_may_be_null),
		cmocka_unit_test(test_refuses_bad_bodies_with_precise_errors),
		cmocka_unit_test(
		    test_rejects_raw_nul_and_invalid_utf8_with_clean_message),
		cmocka_unit_test(test_each_limit_has_its_own_error),
		cmocka_unit_test(test_limits_are_inclusive),
		cmocka_unit_test(test_batch_limit),
		cmocka_unit_test(
		    test_long_unicode_name_is_cut_on_char_boundary),
		cmocka_unit_test(
		    test_api_fixture_follows_alertmanager_semantics),
		cmocka_unit_test(test_api_status_and_end_around_now),
		cmocka_unit_test(test_api_fresh_end_is_not_new_content),
		cmocka_unit_test(test_api_without_end_resolves_after_timeout),
		cmocka_unit_test(test_api_empty_array_is_valid),
		cmocka_unit_test(test_body_need_not_be_nul_terminated),
		cmocka_unit_test(
		    test_escapes_are_decoded_and_details_reescaped),
		cmocka_unit_test(test_duplicate_keys_refused_at_every_level),
		cmocka_unit_test(test_json_errors_say_where),
		cmocka_unit_test(test_truncated_bodies_refused),
		cmocka_unit_test(test_depth_limit),
		/* Last: left out where failing_allocs_work() says no. */
		cmocka_unit_test(test_out_of_memory_leaks_nothing),
	};
	size_t	 n = sizeof(tests) / sizeof(tests[0]);

	if (!failing_allocs_work())
		n--;
	return _cmocka_run_group_tests("test_decode_alertmanager", tests, n,
	    NULL, NULL);
}
