/*
 * tests/unit/test_twilio_api.c — lib/twilio_api.c: the form body of a
 * Messages API request, what each answer means, and TwiML.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "notify_http.h"
#include "strbuf.h"
#include "twilio_api.h"
#include "twilio_sig.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void
test_form_add_encodes_and_round_trips(void **state)
{
	struct strbuf		 b = STRBUF_INIT;
	struct twilio_form	 f;

	(void)state;
	twilio_form_add(&b, "To", "+15551230001");
	twilio_form_add(&b, "Body", "#42 SEV1 a&b=c ü\n~");
	twilio_form_add(&b, "Empty", "");
	assert_false(b.oom);
	assert_string_equal(b.s, "To=%2B15551230001"
	    "&Body=%2342+SEV1+a%26b%3Dc+%C3%BC%0A%7E&Empty=");

	/* What we encode, the inbound parser decodes to the same bytes. */
	assert_int_equal(twilio_form_parse(b.s, b.len, &f), 0);
	assert_int_equal(f.nparams, 3);
	assert_string_equal(twilio_form_get(&f, "Body"),
	    "#42 SEV1 a&b=c ü\n~");
	assert_string_equal(twilio_form_get(&f, "To"), "+15551230001");
	assert_string_equal(twilio_form_get(&f, "Empty"), "");
	twilio_form_free(&f);
	free(b.s);
}

static const struct cls_vec {
	const char		*what;
	int			 status;
	const char		*body;
	const char		*retry_after;
	enum twilio_outcome	 outcome;
	int			 code;
	int			 retry_after_s;
	const char		*sid;
	const char		*reason;
} cls_vecs[] = {
	{ "201 with a sid is sent", 201,
	  "{\"sid\": \"SM0123456789abcdef0123456789abcdef\", "
	  "\"status\": \"queued\"}", NULL,
	  TWILIO_SENT, 0, 0, "SM0123456789abcdef0123456789abcdef", "" },
	{ "200 with a sid is sent too", 200, "{\"sid\": \"SMx1\"}", NULL,
	  TWILIO_SENT, 0, 0, "SMx1", "" },
	{ "201 without a sid: retry", 201, "{}", NULL,
	  TWILIO_RETRY, 0, 0, "", "HTTP 201 without a message sid" },
	{ "201 with a hostile sid: retry", 201, "{\"sid\": \"SM\\r\\nX\"}",
	  NULL, TWILIO_RETRY, 0, 0, "", "HTTP 201 without a message sid" },
	{ "201 that is not JSON: retry", 201, "<html>", NULL,
	  TWILIO_RETRY, 0, 0, "", "HTTP 201 without a message sid" },
	{ "21211 invalid To", 400,
	  "{\"code\": 21211, \"message\": \"The 'To' number +1555 is not a "
	  "valid phone number.\", \"more_info\": "
	  "\"https://www.twilio.com/docs/errors/21211\", \"status\": 400}",
	  NULL, TWILIO_PERMANENT, 21211, 0, "",
	  "Twilio 21211: invalid 'To' number" },
	{ "21614 not a mobile", 400, "{\"code\": 21614}", NULL,
	  TWILIO_PERMANENT, 21614, 0, "",
	  "Twilio 21614: 'To' number is not a mobile number" },
	{ "21610 opted out", 400, "{\"code\": 21610}", NULL,
	  TWILIO_PERMANENT, 21610, 0, "",
	  "Twilio 21610: recipient has opted out (replied STOP; START "
	  "re-enables)" },
	{ "20003 auth", 401, "{\"code\": 20003, \"message\": "
	  "\"Authenticate\"}", NULL, TWILIO_PERMANENT, 20003, 0, "",
	  "Twilio 20003: authentication failed (check account_sid and "
	  "auth_token)" },
	{ "401 without a body", 401, "", NULL, TWILIO_PERMANENT, 0, 0, "",
	  "HTTP 401: authentication failed (check account_sid and "
	  "auth_token)" },
	{ "unknown code: Twilio's message, cleaned", 400,
	  "{\"code\": 21999, \"message\": \"Bad\\r\\nthing\\u00e9\"}", NULL,
	  TWILIO_PERMANENT, 21999, 0, "", "Twilio 21999: Badthing" },
	{ "unknown code without message", 400, "{\"code\": 21999}", NULL,
	  TWILIO_PERMANENT, 21999, 0, "", "Twilio 21999 (HTTP 400)" },
	{ "429 with Retry-After", 429, "{\"code\": 20429}", "17",
	  TWILIO_RETRY, 20429, 17, "", "Twilio 20429: too many requests" },
	{ "Retry-After is capped", 429, "", "999999999999",
	  TWILIO_RETRY, 0, NOTIFY_HTTP_RETRY_MAX, "", "HTTP 429" },
	{ "an HTTP-date Retry-After is ignored", 503, "",
	  "Wed, 21 Oct 2015 07:28:00 GMT", TWILIO_RETRY, 0, 0, "",
	  "HTTP 503" },
	{ "Retry-After junk is ignored", 503, "", "5x",
	  TWILIO_RETRY, 0, 0, "", "HTTP 503" },
	{ "500 from a proxy", 500, "<html>oops</html>", NULL,
	  TWILIO_RETRY, 0, 0, "", "HTTP 500" },
	{ "21611 queue full retries whatever the status", 400,
	  "{\"code\": 21611}", NULL, TWILIO_RETRY, 21611, 0, "",
	  "Twilio 21611: message queue of the 'From' number is full" },
	{ "no answer", 0, "", NULL, TWILIO_RETRY, 0, 0, "", "no answer" },
	{ "a redirect is a misconfigured base_url", 301, "", NULL,
	  TWILIO_PERMANENT, 0, 0, "", "HTTP 301" },
	{ "404 wrong account", 404, "{\"code\": 20404}", NULL,
	  TWILIO_PERMANENT, 20404, 0, "",
	  "Twilio 20404: account not found (check account_sid)" },
};

static void
test_classify_table(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cls_vecs); i++) {
		const struct cls_vec	*v = &cls_vecs[i];
		struct twilio_result	 r;

		print_message("# %s\n", v->what);
		twilio_classify(v->status, v->body, strlen(v->body),
		    v->retry_after, &r);
		assert_int_equal(r.outcome, v->outcome);
		assert_int_equal(r.code, v->code);
		assert_int_equal(r.retry_after_s, v->retry_after_s);
		assert_string_equal(r.sid, v->sid);
		assert_string_equal(r.reason, v->reason);
	}
}

static void
test_classify_long_message_is_cut(void **state)
{
	struct twilio_result	 r;
	char			 body[2000];

	(void)state;
	memset(body, 0, sizeof(body));
	strcpy(body, "{\"code\": 21999, \"message\": \"");
	memset(body + strlen(body), 'x', 1500);
	strcat(body, "\"}");
	twilio_classify(400, body, strlen(body), NULL, &r);
	assert_int_equal(r.outcome, TWILIO_PERMANENT);
	assert_true(strlen(r.reason) < sizeof(r.reason));
	assert_memory_equal(r.reason, "Twilio 21999: xxx", 17);
}

static const struct twiml_vec {
	const char	*answer;
	const char	*xml;
} twiml_vecs[] = {
	{ NULL, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>" },
	{ "", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>" },
	{ "incident 3 acknowledged",
	  "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>"
	  "incident 3 acknowledged</Message></Response>" },
	{ "a<b & \"c\" 'd' </Message><Redirect>x",
	  "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>"
	  "a&lt;b &amp; &quot;c&quot; &apos;d&apos; &lt;/Message&gt;"
	  "&lt;Redirect&gt;x</Message></Response>" },
	{ "ctl\x01\x1b[0m\tok\nü\xff\xef\xbf\xbe",
	  "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>"
	  "ctl[0m\tok\nü\xef\xbf\xbd</Message></Response>" },
};

static void
test_twiml(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(twiml_vecs); i++) {
		struct strbuf	 b = STRBUF_INIT;

		twilio_twiml_message(&b, twiml_vecs[i].answer);
		assert_false(b.oom);
		assert_string_equal(b.s, twiml_vecs[i].xml);
		free(b.s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form_add_encodes_and_round_trips),
		cmocka_unit_test(test_classify_table),
		cmocka_unit_test(test_classify_long_message_is_cut),
		cmocka_unit_test(test_twiml),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
