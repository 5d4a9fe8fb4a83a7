/*
 * tests/unit/test_sign_webhook.c — lib/sign_webhook.c: the webhook
 * notifier's X-Pagerd-Signature. Expected MACs from Python:
 *
 *   hmac.new(SECRET.encode(), str(t).encode() + b"." + BODY,
 *       hashlib.sha256).hexdigest()
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sign_webhook.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define T0		1751371200LL
#define BODY		"{\"incident\":42}"
#define SECRET		"whsec_test"
#define MAC0		"e9bedb84427bc9d0b1a15dfd5c45719a" \
			"202c9dbc148408549da23057ec47ee22"

static const struct vec {
	const char	*secret;
	int64_t		 t;
	const char	*body;
	size_t		 len;
	const char	*want;
} vecs[] = {
	{ SECRET, T0, BODY, sizeof(BODY) - 1, "t=1751371200,v1=" MAC0 },
	{ "s", 0, "", 0, "t=0,v1=2572e102ebbc88d57bc0ef48471ee28b"
	  "b7fc8c6e9c0558b3c8e5d276f84ac9c3" },
	{ "rotated-secret", T0, "{\"summary\":\"caf\xc3\xa9\"}", 19,
	  "t=1751371200,v1=b600134932bc1fe56cc194a2e89953a5"
	  "a34d2e23a3bfa4a8185926c876142e11" },
	{ "s", 1, "a\0b", 3, "t=1,v1=922face44385b54a0e3021c08313306e"
	  "cd7cc6d22c7d008ce9f76a82cc82b738" },
};

static void
test_values_match_python_hmac(void **state)
{
	char	 out[SIGN_WEBHOOK_SIZE], err[128];
	size_t	 i;

	for (i = 0; i < NELEM(vecs); i++) {
		assert_int_equal(sign_webhook_value(vecs[i].secret, vecs[i].t,
		    vecs[i].body, vecs[i].len, out), 0);
		assert_string_equal(out, vecs[i].want);
		assert_int_equal(sign_webhook_verify(vecs[i].secret, out,
		    vecs[i].body, vecs[i].len, vecs[i].t, 300, err,
		    sizeof(err)), 0);
	}
}

static void
test_largest_value_fits(void **state)
{
	char	 out[SIGN_WEBHOOK_SIZE];

	assert_int_equal(sign_webhook_value("k", INT64_MAX, "", 0, out), 0);
	assert_int_equal(strlen(out), 2 + 19 + 4 + 64);
	assert_true(strlen(out) < SIGN_WEBHOOK_SIZE);
}

static void
test_empty_secret_is_refused(void **state)
{
	char	 out[SIGN_WEBHOOK_SIZE], err[128];

	assert_int_equal(sign_webhook_value("", T0, BODY, 15, out), -1);
	assert_string_equal(out, "");
	assert_int_equal(sign_webhook_verify("", "t=1751371200,v1=" MAC0,
	    BODY, 15, T0, 300, err, sizeof(err)), -1);
}

static const struct vrow {
	const char	*what;
	const char	*value;
	const char	*body;
	int64_t		 now;
	int		 want;
	const char	*err;
} vrows[] = {
	{ "as sent", "t=1751371200,v1=" MAC0, BODY, T0, 0, NULL },
	{ "upper-case hex", "t=1751371200,v1=E9BEDB84427BC9D0B1A15DFD5C45719A"
	  "202C9DBC148408549DA23057EC47EE22", BODY, T0, 0, NULL },
	{ "spaces after commas", "t=1751371200, v1=" MAC0, BODY, T0, 0, NULL },
	{ "v1 first", "v1=" MAC0 ",t=1751371200", BODY, T0, 0, NULL },
	{ "rotation: a second v1 matches", "t=1751371200,v1=" MAC0 ",v1="
	  "0000000000000000000000000000000000000000000000000000000000000000",
	  BODY, T0, 0, NULL },
	{ "rotation: the first v1 is stale", "t=1751371200,v1="
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  ",v1=" MAC0, BODY, T0, 0, NULL },
	{ "other schemes are ignored", "t=1751371200,v0=abc,v1=" MAC0 ",v2=x",
	  BODY, T0, 0, NULL },
	{ "300 s late is on time", "t=1751371200,v1=" MAC0, BODY, T0 + 300, 0,
	  NULL },
	{ "301 s late", "t=1751371200,v1=" MAC0, BODY, T0 + 301, -1,
	  "signature too old or from the future" },
	{ "301 s early", "t=1751371200,v1=" MAC0, BODY, T0 - 301, -1,
	  "signature too old or from the future" },
	{ "tampered body", "t=1751371200,v1=" MAC0, "{\"incident\":43}", T0,
	  -1, "signature does not match" },
	{ "tampered time", "t=1751371201,v1=" MAC0, BODY, T0, -1,
	  "signature does not match" },
	{ "forged time far away", "t=1,v1=" MAC0, BODY, T0, -1,
	  "signature does not match" },
	{ "no v1", "t=1751371200", BODY, T0, -1,
	  "signature: needs t and v1" },
	{ "no t", "v1=" MAC0, BODY, T0, -1, "signature: needs t and v1" },
	{ "two t", "t=1751371200,t=1751371200,v1=" MAC0, BODY, T0, -1,
	  "signature: bad t" },
	{ "negative t", "t=-1751371200,v1=" MAC0, BODY, T0, -1,
	  "signature: bad t" },
	{ "t not a number", "t=17513x1200,v1=" MAC0, BODY, T0, -1,
	  "signature: bad t" },
	{ "t out of range", "t=99999999999999999999,v1=" MAC0, BODY, T0, -1,
	  "signature: bad t" },
	{ "short v1", "t=1751371200,v1=e9bedb84", BODY, T0, -1,
	  "signature: v1 must be 64 hex digits" },
	{ "v1 not hex", "t=1751371200,v1=g9bedb84427bc9d0b1a15dfd5c45719a"
	  "202c9dbc148408549da23057ec47ee22", BODY, T0, -1,
	  "signature: v1 must be 64 hex digits" },
	{ "no '='", "t1751371200", BODY, T0, -1,
	  "signature: expected t=...,v1=..." },
	{ "empty", "", BODY, T0, -1, "signature: needs t and v1" },
	{ "too many v1", "t=1,v1=" MAC0 ",v1=" MAC0 ",v1=" MAC0 ",v1=" MAC0
	  ",v1=" MAC0, BODY, T0, -1, "signature: too many v1" },
};

static void
test_verify_from_the_table(void **state)
{
	size_t	 i;

	for (i = 0; i < NELEM(vrows); i++) {
		char	 err[128] = "";
		int	 rc;

		rc = sign_webhook_verify(SECRET, vrows[i].value, vrows[i].body,
		    strlen(vrows[i].body), vrows[i].now, 300, err,
		    sizeof(err));
		if (rc != vrows[i].want || (vrows[i].err != NULL &&
		    strcmp(err, vrows[i].err) != 0))
			fail_msg("%s: got %d \"%s\"", vrows[i].what, rc, err);
	}
}

static void
test_wrong_secret_and_missing_header_fail(void **state)
{
	char	 err[128];

	assert_int_equal(sign_webhook_verify("other", "t=1751371200,v1="
	    MAC0, BODY, 15, T0, 300, err, sizeof(err)), -1);
	assert_string_equal(err, "signature does not match");
	assert_int_equal(sign_webhook_verify(SECRET, NULL, BODY, 15, T0, 300,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "no signature");
	/* err may be left out. */
	assert_int_equal(sign_webhook_verify(SECRET, NULL, BODY, 15, T0, 300,
	    NULL, 0), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_match_python_hmac),
		cmocka_unit_test(test_largest_value_fits),
		cmocka_unit_test(test_empty_secret_is_refused),
		cmocka_unit_test(test_verify_from_the_table),
		cmocka_unit_test(test_wrong_secret_and_missing_header_fail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
