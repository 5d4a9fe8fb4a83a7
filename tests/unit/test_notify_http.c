/*
 * tests/unit/test_notify_http.c — lib/notify_http.c: which provider
 * answers are delivered, retried or permanent, the reason a person
 * reads, Retry-After, and the config checks of the HTTP plugins.
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

#include "notify_http.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct vrow {
	const char			*what;
	int				 status;
	const char			*error;
	const char			*body;
	const char			*retry_after;
	enum pagerd_notify_result	 want;
	int				 want_after;
	const char			*want_reason;	/* NULL: none */
} vrows[] = {
	{ "200 is delivered", 200, NULL, "ok", NULL,
	  PAGERD_NOTIFY_DELIVERED, 0, NULL },
	{ "204 is delivered", 204, NULL, "", NULL,
	  PAGERD_NOTIFY_DELIVERED, 0, NULL },
	{ "no answer is retried with the error", 0,
	  "Timeout was reached", "", NULL, PAGERD_NOTIFY_RETRY, 0,
	  "no answer: Timeout was reached" },
	{ "500 is retried with the body", 500, NULL, "boom", NULL,
	  PAGERD_NOTIFY_RETRY, 0, "HTTP 500: boom" },
	{ "503 honours Retry-After", 503, NULL, "", "120",
	  PAGERD_NOTIFY_RETRY, 120, "HTTP 503" },
	{ "429 honours Retry-After", 429, NULL, "slow down", "7",
	  PAGERD_NOTIFY_RETRY, 7, "HTTP 429: slow down" },
	{ "408 is retried", 408, NULL, "", NULL, PAGERD_NOTIFY_RETRY, 0,
	  "HTTP 408" },
	{ "an HTTP-date Retry-After means our backoff", 503, NULL, "",
	  "Wed, 21 Oct 2015 07:28:00 GMT", PAGERD_NOTIFY_RETRY, 0,
	  "HTTP 503" },
	{ "a huge Retry-After is capped", 503, NULL, "", "99999999999",
	  PAGERD_NOTIFY_RETRY, NOTIFY_HTTP_RETRY_MAX, "HTTP 503" },
	{ "400 is permanent with the body", 400, NULL,
	  "{\"error\":\"bad\"}", NULL, PAGERD_NOTIFY_PERMANENT, 0,
	  "HTTP 400: {\"error\":\"bad\"}" },
	{ "404 is permanent", 404, NULL, "no such hook\n", NULL,
	  PAGERD_NOTIFY_PERMANENT, 0, "HTTP 404: no such hook" },
	{ "a redirect is permanent (not followed)", 301, NULL, "", NULL,
	  PAGERD_NOTIFY_PERMANENT, 0, "HTTP 301" },
	{ "control characters in the body become spaces", 400, NULL,
	  "a\r\nb\tc\x1b", NULL, PAGERD_NOTIFY_PERMANENT, 0,
	  "HTTP 400: a  b c" },
};

static void
test_verdicts(void **state)
{
	struct pagerd_http_response	 r;
	struct pagerd_notify_status	 st;
	char				 reason[NOTIFY_HTTP_REASON_MAX];
	char				 ra[64];
	const char			*hdrs[2];
	size_t				 i;

	for (i = 0; i < NELEM(vrows); i++) {
		const struct vrow *v = &vrows[i];

		memset(&r, 0, sizeof(r));
		r.status = v->status;
		r.error = v->error;
		r.body = v->body;
		r.body_len = strlen(v->body);
		hdrs[0] = "Content-Type: text/plain";
		r.headers = hdrs;
		r.nheaders = 1;
		if (v->retry_after != NULL) {
			snprintf(ra, sizeof(ra), "retry-after: %s",
			    v->retry_after);
			hdrs[1] = ra;
			r.nheaders = 2;
		}
		notify_http_verdict(&r, &st, reason);
		print_message("# %s\n", v->what);
		assert_int_equal(st.result, v->want);
		assert_int_equal(st.retry_after_s, v->want_after);
		assert_null(st.provider_id);
		if (v->want_reason == NULL)
			assert_null(st.reason);
		else
			assert_string_equal(st.reason, v->want_reason);
	}
}

static void
test_reason_quotes_200_bytes_on_a_character_boundary(void **state)
{
	struct pagerd_http_response	 r;
	struct pagerd_notify_status	 st;
	char				 body[600];
	char				 reason[NOTIFY_HTTP_REASON_MAX];
	size_t				 i;

	/* 'a' then two-byte characters, so byte 200 falls inside one. */
	body[0] = 'a';
	for (i = 1; i + 1 < sizeof(body); i += 2) {
		body[i] = '\xc3';
		body[i + 1] = '\xa9';
	}
	body[sizeof(body) - 1] = '\0';
	memset(&r, 0, sizeof(r));
	r.status = 400;
	r.body = body;
	r.body_len = strlen(body);
	notify_http_verdict(&r, &st, reason);
	assert_int_equal(strncmp(reason, "HTTP 400: a\xc3\xa9", 13), 0);
	/* "HTTP 400: " + 'a' + 99 whole characters. */
	assert_int_equal(strlen(reason), 10 + 1 + 99 * 2);
}

static void
test_retry_after(void **state)
{
	assert_int_equal(notify_http_retry_after(NULL), 0);
	assert_int_equal(notify_http_retry_after("30"), 30);
	assert_int_equal(notify_http_retry_after(" 30 "), 30);
	assert_int_equal(notify_http_retry_after("30s"), 0);
	assert_int_equal(notify_http_retry_after("-1"), 0);
	assert_int_equal(notify_http_retry_after(""), 0);
}

static void
test_header_lookup(void **state)
{
	const char	*h[] = { "X-A: 1", "Retry-Afterx: 2", "retry-after:3",
	    "Retry-After: 4" };

	assert_string_equal(notify_http_header(h, 4, "x-a"), "1");
	assert_string_equal(notify_http_header(h, 4, "Retry-After"), "3");
	assert_null(notify_http_header(h, 4, "Missing"));
	assert_null(notify_http_header(NULL, 0, "X-A"));
}

static void
test_config_checks(void **state)
{
	static const char *const res[] = { "Content-Type", NULL };

	assert_null(notify_http_check_url("https://hooks.example.com/x?a=b"));
	assert_null(notify_http_check_url("http://127.0.0.1:8080/"));
	assert_non_null(notify_http_check_url("ftp://x"));
	assert_non_null(notify_http_check_url("https://"));
	assert_non_null(notify_http_check_url("https://a b"));
	assert_non_null(notify_http_check_url("https://a\r\nX: y"));
	assert_int_equal(notify_http_timeout_ms("10"), 10000);
	assert_int_equal(notify_http_timeout_ms("10s"), 10000);
	assert_int_equal(notify_http_timeout_ms("1500ms"), 1500);
	assert_int_equal(notify_http_timeout_ms("61"), -1);
	assert_int_equal(notify_http_timeout_ms("0"), -1);
	assert_int_equal(notify_http_timeout_ms("5m"), -1);
	assert_int_equal(notify_http_timeout_ms(""), -1);
	assert_null(notify_http_check_header("Authorization: Bearer x", res));
	assert_non_null(notify_http_check_header("content-type: x", res));
	assert_non_null(notify_http_check_header("X: a\r\nY: b", res));
	assert_non_null(notify_http_check_header("Bad Name: x", res));
	assert_non_null(notify_http_check_header("no colon", res));
	assert_non_null(notify_http_check_header(": x", res));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(
		    test_reason_quotes_200_bytes_on_a_character_boundary),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_header_lookup),
		cmocka_unit_test(test_config_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
