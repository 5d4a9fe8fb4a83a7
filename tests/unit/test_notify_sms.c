/*
 * tests/unit/test_notify_sms.c — plugins/notify_sms.c driven through its
 * ABI by a recording host (tests/unit/fake_host.c): the Messages API
 * request, answers to results, and the webhooks as far as the host sees
 * them — reply_submit_id with the MessageSid (or reply_submit from an
 * older host), the answer as escaped TwiML, delivery_update from a
 * status report, nothing at all for a bad signature. The integration
 * test (test_sms.py) covers the wire; this one what the engine gets.
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

#include "fake_host.h"
#include "pagerd_notifier.h"
#include "strbuf.h"
#include "twilio_api.h"
#include "twilio_sig.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define SID		"AC0123456789abcdef0123456789abcdef"
#define TOKEN		"0123456789abcdef"
#define PUBLIC		"https://pagerd.example.com"

static struct fake_host	 fh;

static void *
make(size_t host_size)
{
	static const struct pagerd_kv cfg[] = {
		{ "account_sid", SID },
		{ "auth_token", TOKEN },
		{ "from", "+15550000000" },
		{ "base_url", "http://127.0.0.1:9/" },
		{ "public_url", PUBLIC "/" },
	};
	struct pagerd_notifier_error	 err;
	void				*inst;

	inst = pagerd_notifier_v1.create("oncall", cfg, NELEM(cfg),
	    fake_host_init(&fh, host_size), &err);
	assert_non_null(inst);
	return inst;
}

static struct pagerd_notification
page(void)
{
	struct pagerd_notification	 n;

	memset(&n, 0, sizeof(n));
	n.kind = PAGERD_NOTIFY_PAGE;
	n.incident_id = 42;
	n.severity = "sev1";
	n.title = "db-primary down";
	n.summary = "replication stopped";
	n.status = "triggered";
	n.recipient.id = "alice";
	n.recipient.name = "Alice";
	n.recipient.address = "+15551230001";
	n.reply_code = 3;
	n.idempotency_key = "inc42:s1:alice";
	n.attempt = 1;
	return n;
}

static void
test_send_request_and_delivered(void **state)
{
	struct pagerd_notification	 n = page();
	struct twilio_form		 f;
	void				*inst = make(0);

	(void)state;
	pagerd_notifier_v1.send(inst, &n, fake_host_done, &fh);
	assert_int_equal(fh.nrequests, 1);
	assert_int_equal(fh.ndone, 0);
	assert_string_equal(fh.url, "http://127.0.0.1:9/2010-04-01/Accounts/"
	    SID "/Messages.json");
	assert_string_equal(fh.userpwd, SID ":" TOKEN);
	assert_int_equal(twilio_form_parse(fh.body, fh.body_len, &f), 0);
	assert_int_equal(f.nparams, 4);
	assert_string_equal(twilio_form_get(&f, "To"), "+15551230001");
	assert_string_equal(twilio_form_get(&f, "From"), "+15550000000");
	assert_string_equal(twilio_form_get(&f, "Body"),
	    "#42 SEV1 db-primary down. Reply 3a ack, 3r resolve");
	assert_string_equal(twilio_form_get(&f, "StatusCallback"),
	    PUBLIC "/hooks/sms/oncall/status");
	twilio_form_free(&f);

	fake_host_answer(&fh, 201, NULL, "{\"sid\": \"SM0123\", \"status\": "
	    "\"queued\"}", NULL, 0);
	assert_int_equal(fh.ndone, 1);
	assert_int_equal(fh.st.result, PAGERD_NOTIFY_DELIVERED);
	assert_string_equal(fh.provider_id, "SM0123");
	pagerd_notifier_v1.destroy(inst);
	fake_host_free(&fh);
}

static void
test_answers(void **state)
{
	static const char *const ra[] = { "Content-Type: application/json",
	    "retry-after: 9" };
	struct pagerd_notification	 n = page();
	void				*inst = make(0);

	(void)state;
	pagerd_notifier_v1.send(inst, &n, fake_host_done, &fh);
	fake_host_answer(&fh, 429, NULL, "{\"code\": 20429}", ra, NELEM(ra));
	assert_int_equal(fh.st.result, PAGERD_NOTIFY_RETRY);
	assert_int_equal(fh.st.retry_after_s, 9);

	pagerd_notifier_v1.send(inst, &n, fake_host_done, &fh);
	fake_host_answer(&fh, 400, NULL, "{\"code\": 21211}", NULL, 0);
	assert_int_equal(fh.st.result, PAGERD_NOTIFY_PERMANENT);
	assert_string_equal(fh.reason, "Twilio 21211: invalid 'To' number");

	pagerd_notifier_v1.send(inst, &n, fake_host_done, &fh);
	fake_host_answer(&fh, 0, "Couldn't connect\r\nto server", "", NULL, 0);
	assert_int_equal(fh.st.result, PAGERD_NOTIFY_RETRY);
	assert_string_equal(fh.reason, "no answer: Couldn't connect??to "
	    "server");
	pagerd_notifier_v1.destroy(inst);
	fake_host_free(&fh);
}

static void
test_destroy_cancels_without_done(void **state)
{
	struct pagerd_notification	 n = page();
	void				*inst = make(0);

	(void)state;
	pagerd_notifier_v1.send(inst, &n, fake_host_done, &fh);
	assert_non_null(fh.http_cb);
	pagerd_notifier_v1.destroy(inst);
	assert_null(fh.http_cb);	/* cancelled */
	assert_int_equal(fh.ndone, 0);
	fake_host_free(&fh);
}

/* POST path with body, signed over PUBLIC + sign_path (NULL: not at
 * all). */
static int
post_as(const char *path, const char *sign_path, const char *body)
{
	struct twilio_form	 f;
	struct strbuf		 url = STRBUF_INIT;
	char			 sig[TWILIO_SIG_LEN + 1], hdr[64];
	const char		*headers[3] = {
		"Content-Type: application/x-www-form-urlencoded", NULL, NULL
	};
	int			 rc;

	strbuf_str(&url, PUBLIC);
	strbuf_str(&url, sign_path ? sign_path : path);
	assert_int_equal(twilio_form_parse(body, strlen(body), &f), 0);
	assert_int_equal(twilio_sig_compute(TOKEN, url.s, &f, sig), 0);
	if (sign_path != NULL) {
		snprintf(hdr, sizeof(hdr), "x-twilio-signature: %s", sig);
		headers[1] = hdr;
	}
	rc = fake_host_inbound(&fh, path, NULL, headers, body);
	twilio_form_free(&f);
	free(url.s);
	return rc;
}

/* POST path with body, signed (or not) as Twilio would. */
static int
post(const char *path, const char *body, int sign)
{
	return post_as(path, sign ? path : NULL, body);
}

#define REPLY	"From=%2B15551230001&To=%2B15550000000&Body=3+ack" \
		"&MessageSid=SMabc&AccountSid=" SID

static void
test_reply_reaches_the_host_with_its_sid(void **state)
{
	void	*inst = make(0);

	(void)state;
	assert_int_equal(post("/hooks/sms/oncall", REPLY, 1), 0);
	assert_int_equal(fh.nreplies, 1);
	assert_true(fh.reply_with_id);
	assert_string_equal(fh.reply_from, "+15551230001");
	assert_string_equal(fh.reply_text, "3 ack");
	assert_string_equal(fh.reply_id, "SMabc");
	assert_int_equal(fh.nresponses, 0);	/* waits for the answer */

	fh.reply_cb(fh.reply_arg, "incident 42 <acked> & \"done\"");
	assert_int_equal(fh.nresponses, 1);
	assert_int_equal(fh.resp_status, 200);
	assert_string_equal(fh.resp_type, "text/xml");
	assert_string_equal(fh.resp_body, "<?xml version=\"1.0\" encoding="
	    "\"UTF-8\"?><Response><Message>incident 42 &lt;acked&gt; &amp; "
	    "&quot;done&quot;</Message></Response>");
	pagerd_notifier_v1.destroy(inst);
	fake_host_free(&fh);
}

static void
test_destroy_with_a_reply_at_the_host(void **state)
{
	void	*inst = make(0);

	(void)state;
	assert_int_equal(post("/hooks/sms/oncall", REPLY, 1), 0);
	assert_int_equal(fh.nreplies, 1);
	/* The host answers the webhook itself and never calls back. */
	pagerd_notifier_v1.destroy(inst);
	assert_int_equal(fh.nresponses, 0);
	fake_host_free(&fh);
}

static void
test_bad_signature_reaches_nothing(void **state)
{
	void	*inst = make(0);

	(void)state;
	assert_int_equal(post("/hooks/sms/oncall", REPLY, 0), 0);
	assert_int_equal(fh.resp_status, 403);
	assert_int_equal(post("/hooks/sms/oncall/status", "MessageSid=SM1"
	    "&MessageStatus=failed", 0), 0);
	assert_int_equal(fh.resp_status, 403);
	/* Signed for the reply URL, posted to the status one. */
	assert_int_equal(post_as("/hooks/sms/oncall/status",
	    "/hooks/sms/oncall", "MessageSid=SM1&MessageStatus=failed"), 0);
	assert_int_equal(fh.resp_status, 403);
	/* Signed for a path it was not posted to. */
	fh.nresponses = 0;
	assert_int_equal(post_as("/hooks/sms/oncall", "/hooks/sms/oncall/x",
	    REPLY), 0);
	assert_int_equal(fh.resp_status, 403);
	assert_int_equal(fh.nreplies, 0);
	assert_int_equal(fh.nupdates, 0);
	pagerd_notifier_v1.destroy(inst);
	fake_host_free(&fh);
}

static void
test_status_reports(void **state)
{
	void	*inst = make(0);

	(void)state;
	assert_int_equal(post("/hooks/sms/oncall/status", "MessageSid=SM1"
	    "&MessageStatus=undelivered&ErrorCode=30003", 1), 0);
	assert_int_equal(fh.resp_status, 204);
	assert_int_equal(fh.nupdates, 1);
	assert_string_equal(fh.update_id, "SM1");
	assert_int_equal(fh.update_result, PAGERD_NOTIFY_PERMANENT);
	assert_string_equal(fh.update_reason, "undelivered: ErrorCode 30003");

	assert_int_equal(post("/hooks/sms/oncall/status", "MessageSid=SM2"
	    "&MessageStatus=failed", 1), 0);
	assert_int_equal(fh.update_result, PAGERD_NOTIFY_PERMANENT);
	assert_string_equal(fh.update_reason, "failed: ErrorCode none");

	assert_int_equal(post("/hooks/sms/oncall/status", "MessageSid=SM3"
	    "&MessageStatus=delivered", 1), 0);
	assert_int_equal(fh.update_result, PAGERD_NOTIFY_DELIVERED);
	assert_string_equal(fh.update_id, "SM3");

	assert_int_equal(post("/hooks/sms/oncall/status", "MessageSid=SM4"
	    "&MessageStatus=sent", 1), 0);
	assert_int_equal(fh.resp_status, 204);
	assert_int_equal(fh.nupdates, 3);	/* "sent" is no news */
	pagerd_notifier_v1.destroy(inst);
	fake_host_free(&fh);
}

static void
test_older_host_without_the_abi_1_additions(void **state)
{
	void	*inst = make(offsetof(struct pagerd_host, reply_submit_id));

	(void)state;
	assert_int_equal(post("/hooks/sms/oncall", REPLY, 1), 0);
	assert_int_equal(fh.nreplies, 1);
	assert_false(fh.reply_with_id);		/* reply_submit */
	fh.reply_cb(fh.reply_arg, NULL);
	assert_int_equal(fh.resp_status, 200);
	assert_string_equal(fh.resp_body, "<?xml version=\"1.0\" encoding="
	    "\"UTF-8\"?><Response/>");

	assert_int_equal(post("/hooks/sms/oncall/status", "MessageSid=SM1"
	    "&MessageStatus=undelivered", 1), 0);
	assert_int_equal(fh.resp_status, 204);
	assert_int_equal(fh.nupdates, 0);
	pagerd_notifier_v1.destroy(inst);
	fake_host_free(&fh);
}

static void
test_create_errors(void **state)
{
	static const struct {
		struct pagerd_kv	 cfg[4];
		size_t			 n;
		const char		*key;
	} vecs[] = {
		{ { { "account_sid", SID }, { "auth_token_file", "token" },
		    { "from", "+15550000000" } }, 3, "auth_token_file" },
		{ { { "account_sid", SID }, { "auth_token", "t" },
		    { "from", "+15550000000" }, { "from", "+15550000001" } },
		  4, "from" },
		{ { { "account_sid", SID }, { "auth_token", "t" },
		    { "from", "+15550000000" }, { "public_url", "x" } },
		  4, "public_url" },
		{ { { "account_sid", SID }, { "auth_token", "t" },
		    { "from", "+15550000000" }, { "Timeout", "5s" } },
		  4, "Timeout" },
	};
	size_t				 i;

	(void)state;
	for (i = 0; i < NELEM(vecs); i++)
		fake_host_create_error(&pagerd_notifier_v1, vecs[i].cfg,
		    vecs[i].n, vecs[i].key);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_send_request_and_delivered),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_destroy_cancels_without_done),
		cmocka_unit_test(test_reply_reaches_the_host_with_its_sid),
		cmocka_unit_test(test_destroy_with_a_reply_at_the_host),
		cmocka_unit_test(test_bad_signature_reaches_nothing),
		cmocka_unit_test(test_status_reports),
		cmocka_unit_test(test_older_host_without_the_abi_1_additions),
		cmocka_unit_test(test_create_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
