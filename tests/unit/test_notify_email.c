/*
 * tests/unit/test_notify_email.c — plugins/notify_email.c driven through
 * its ABI by a host that records the SMTP request instead of sending it:
 * CR and LF in alert text (which the test API refuses, so the
 * integration test cannot send them) never start a header or add a
 * recipient, and SMTP replies map to results.
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

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static struct fake_host	 fh;

static void *
make(void)
{
	static const struct pagerd_kv cfg[] = {
		{ "url", "smtp://127.0.0.1:25" },
		{ "from", "pagerd@example.com" },
		{ "subject_prefix", "[pagerd]" },
	};
	struct pagerd_notifier_error	 err;
	void				*inst;

	inst = pagerd_notifier_v1.create("mail", cfg, NELEM(cfg),
	    fake_host_init(&fh, 0), &err);
	assert_non_null(inst);
	return inst;
}

static struct pagerd_notification
notification(const char *title, const char *summary, const char *to)
{
	struct pagerd_notification	 n;

	memset(&n, 0, sizeof(n));
	n.kind = PAGERD_NOTIFY_PAGE;
	n.incident_id = 42;
	n.severity = "sev1";
	n.title = title;
	n.summary = summary;
	n.status = "triggered";
	n.recipient.id = "alice";
	n.recipient.name = "Alice\r\nCc: evil@example.net";
	n.recipient.address = to;
	n.reply_code = 3;
	n.idempotency_key = "inc42:s1:alice";
	n.attempt = 1;
	return n;
}

/* The header block of the recorded message, lines lower-cased. */
static int
header_starts(const char *msg, const char *prefix)
{
	const char	*p = msg, *end = strstr(msg, "\r\n\r\n");
	size_t		 n = strlen(prefix);

	assert_non_null(end);
	while (p < end) {
		if (strncasecmp(p, prefix, n) == 0)
			return 1;
		if ((p = strstr(p, "\r\n")) == NULL)
			break;
		p += 2;
	}
	return 0;
}

static void
test_crlf_in_alert_text_stays_out_of_headers(void **state)
{
	struct pagerd_notification	 n;
	void				*inst = make();
	const char			*p;

	(void)state;
	n = notification("Disk full\r\nBcc: x@y.example\r\n\r\nfake body",
	    "line one\r\nBcc: x@y.example\n.\r\nQUIT", "alice@example.com");
	pagerd_notifier_v1.send(inst, &n, fake_host_done, &fh);
	assert_int_equal(fh.ndone, 0);
	assert_non_null(fh.body);

	/* One recipient, the envelope sender configured. */
	assert_int_equal(fh.nrcpt, 1);
	assert_string_equal(fh.rcpt[0], "alice@example.com");
	assert_string_equal(fh.mail_from, "pagerd@example.com");

	/* No header but ours; exactly one To, no Bcc or Cc. */
	assert_false(header_starts(fh.body, "bcc:"));
	assert_false(header_starts(fh.body, "cc:"));
	assert_true(header_starts(fh.body, "subject: [pagerd] #42 sev1 "
	    "triggered: Disk full Bcc: x@y.example fake body"));
	assert_true(header_starts(fh.body, "message-id: "
	    "<inc42-s1-alice@example.com>"));
	assert_true(header_starts(fh.body, "in-reply-to: "
	    "<pagerd-incident-42@example.com>"));
	/* Every line ends in CRLF: no bare CR or LF anywhere. */
	for (p = fh.body; *p != '\0'; p++) {
		if (*p == '\r')
			assert_int_equal(p[1], '\n');
		if (*p == '\n')
			assert_true(p > fh.body && p[-1] == '\r');
	}
	/* A lone "." line in the body would end the DATA: dot-stuffed or
	 * encoded, never there. */
	assert_null(strstr(fh.body, "\r\n.\r\n"));

	fake_host_answer(&fh, 250, NULL, "", NULL, 0);
	assert_int_equal(fh.ndone, 1);
	assert_int_equal(fh.st.result, PAGERD_NOTIFY_DELIVERED);
	assert_string_equal(fh.provider_id, "inc42-s1-alice@example.com");
	fake_host_forget(&fh);
	pagerd_notifier_v1.destroy(inst);
}

static const struct smtp_vec {
	int			 status;
	const char		*error;
	enum pagerd_notify_result result;
	const char		*reason;
} smtp_vecs[] = {
	{ 250, NULL, PAGERD_NOTIFY_DELIVERED, "" },
	{ 0, "Failed sending data to the peer: RCPT failed: 550",
	  PAGERD_NOTIFY_PERMANENT, "SMTP 550: Failed sending data to the "
	  "peer: RCPT failed: 550" },
	{ 0, "Failed sending data to the peer: RCPT failed: 451",
	  PAGERD_NOTIFY_RETRY, "SMTP 451: Failed sending data to the peer: "
	  "RCPT failed: 451" },
	{ 0, "Login denied", PAGERD_NOTIFY_PERMANENT,
	  "SMTP 535: Login denied" },
	{ 0, "Couldn't connect to server", PAGERD_NOTIFY_RETRY,
	  "no answer: Couldn't connect to server" },
	{ 0, "Timeout was reached: failed: 5500 ms", PAGERD_NOTIFY_RETRY,
	  "no answer: Timeout was reached: failed: 5500 ms" },
	{ 554, NULL, PAGERD_NOTIFY_PERMANENT, "SMTP 554" },
	{ 421, NULL, PAGERD_NOTIFY_RETRY, "SMTP 421" },
};

static void
test_smtp_replies(void **state)
{
	struct pagerd_notification	 n;
	void				*inst = make();
	size_t				 i;

	(void)state;
	for (i = 0; i < NELEM(smtp_vecs); i++) {
		const struct smtp_vec	*v = &smtp_vecs[i];

		n = notification("t", "s", "bob@example.com");
		pagerd_notifier_v1.send(inst, &n, fake_host_done, &fh);
		fake_host_answer(&fh, v->status, v->error, "", NULL, 0);
		assert_int_equal(fh.ndone, 1);
		assert_int_equal(fh.st.result, v->result);
		assert_string_equal(fh.reason, v->reason);
		fake_host_forget(&fh);
	}
	pagerd_notifier_v1.destroy(inst);
}

static void
test_bad_recipient_is_permanent_and_not_sent(void **state)
{
	static const char *const bad[] = { "alice", "a@b\r\nRCPT TO:<x@y>",
	    "<a@example.com>", "a b@example.com", "" };
	struct pagerd_notification	 n;
	void				*inst = make();
	size_t				 i;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		n = notification("t", "s", bad[i]);
		pagerd_notifier_v1.send(inst, &n, fake_host_done, &fh);
		assert_int_equal(fh.ndone, 1);
		assert_int_equal(fh.st.result, PAGERD_NOTIFY_PERMANENT);
		assert_null(fh.body);
		fake_host_forget(&fh);
	}
	pagerd_notifier_v1.destroy(inst);
}

static void
test_destroy_with_a_send_in_flight_calls_no_done(void **state)
{
	struct pagerd_notification	 n;
	void				*inst = make();

	(void)state;
	n = notification("t", "s", "bob@example.com");
	pagerd_notifier_v1.send(inst, &n, fake_host_done, &fh);
	pagerd_notifier_v1.destroy(inst);
	assert_int_equal(fh.ndone, 0);
	fake_host_forget(&fh);
}

static void
test_create_errors(void **state)
{
	static const struct {
		struct pagerd_kv	 cfg[3];
		size_t			 n;
		const char		*key;
	} vecs[] = {
		{ { { "url", "smtp://h" } }, 1, "from" },
		{ { { "from", "a@example.com" } }, 1, "url" },
		{ { { "url", "smtp://h\r\nx" }, { "from", "a@example.com" } },
		  2, "url" },
		{ { { "url", "smtp://h" }, { "from", "a@example.com" },
		    { "password_file", "nope" } }, 3, "username" },
		{ { { "url", "smtp://h" }, { "from", "a@example.com" },
		    { "from", "b@example.com" } }, 3, "from" },
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
		cmocka_unit_test(test_crlf_in_alert_text_stays_out_of_headers),
		cmocka_unit_test(test_smtp_replies),
		cmocka_unit_test(test_bad_recipient_is_permanent_and_not_sent),
		cmocka_unit_test(
		    test_destroy_with_a_send_in_flight_calls_no_done),
		cmocka_unit_test(test_create_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
