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

#include "pagerd_notifier.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* What the fake host saw. */
static struct {
	char				*body;
	char				*mail_from;
	char				*rcpt[4];
	size_t				 nrcpt;
	pagerd_http_cb			*cb;
	void				*arg;
	int				 done;
	struct pagerd_notify_status	 st;
	char				 reason[256];
} seen;

static void
fake_log(void *ctx, enum pagerd_log_level level, const char *fmt, ...)
{
	(void)ctx;
	(void)level;
	(void)fmt;
}

static struct pagerd_http_call *
fake_http(void *ctx, const struct pagerd_http_request *req,
    pagerd_http_cb *cb, void *arg)
{
	size_t	 i;

	(void)ctx;
	seen.body = strndup(req->body, req->body_len);
	seen.mail_from = strdup(req->mail_from);
	seen.nrcpt = req->nmail_rcpt;
	for (i = 0; i < req->nmail_rcpt && i < NELEM(seen.rcpt); i++)
		seen.rcpt[i] = strdup(req->mail_rcpt[i]);
	seen.cb = cb;
	seen.arg = arg;
	return (struct pagerd_http_call *)&seen;
}

static void
fake_cancel(void *ctx, struct pagerd_http_call *c)
{
	(void)ctx;
	(void)c;
}

static long
fake_secret(void *ctx, const char *name, char *buf, size_t len)
{
	(void)ctx;
	if (strcmp(name, "pw") != 0)
		return -1;
	return snprintf(buf, len, "s3cret");
}

static int64_t
fake_now(void *ctx)
{
	(void)ctx;
	return 1764000000000LL;
}

static const struct pagerd_host host = {
	.size = sizeof(struct pagerd_host),
	.abi = PAGERD_NOTIFIER_ABI,
	.log = fake_log,
	.http_request = fake_http,
	.http_cancel = fake_cancel,
	.read_secret = fake_secret,
	.now_ms = fake_now,
};

static void
done(void *arg, const struct pagerd_notify_status *st)
{
	(void)arg;
	seen.done++;
	seen.st = *st;
	snprintf(seen.reason, sizeof(seen.reason), "%s",
	    st->reason ? st->reason : "");
}

static void
forget(void)
{
	size_t	 i;

	free(seen.body);
	free(seen.mail_from);
	for (i = 0; i < NELEM(seen.rcpt); i++)
		free(seen.rcpt[i]);
	memset(&seen, 0, sizeof(seen));
}

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

	inst = pagerd_notifier_v1.create("mail", cfg, NELEM(cfg), &host,
	    &err);
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
	pagerd_notifier_v1.send(inst, &n, done, NULL);
	assert_int_equal(seen.done, 0);
	assert_non_null(seen.body);

	/* One recipient, the envelope sender configured. */
	assert_int_equal(seen.nrcpt, 1);
	assert_string_equal(seen.rcpt[0], "alice@example.com");
	assert_string_equal(seen.mail_from, "pagerd@example.com");

	/* No header but ours; exactly one To, no Bcc or Cc. */
	assert_false(header_starts(seen.body, "bcc:"));
	assert_false(header_starts(seen.body, "cc:"));
	assert_true(header_starts(seen.body, "subject: [pagerd] #42 sev1 "
	    "triggered: Disk full Bcc: x@y.example fake body"));
	assert_true(header_starts(seen.body, "message-id: "
	    "<inc42-s1-alice@example.com>"));
	assert_true(header_starts(seen.body, "in-reply-to: "
	    "<pagerd-incident-42@example.com>"));
	/* Every line ends in CRLF: no bare CR or LF anywhere. */
	for (p = seen.body; *p != '\0'; p++) {
		if (*p == '\r')
			assert_int_equal(p[1], '\n');
		if (*p == '\n')
			assert_true(p > seen.body && p[-1] == '\r');
	}
	/* A lone "." line in the body would end the DATA: dot-stuffed or
	 * encoded, never there. */
	assert_null(strstr(seen.body, "\r\n.\r\n"));

	seen.cb(seen.arg, &(struct pagerd_http_response){ .status = 250,
	    .body = "" });
	assert_int_equal(seen.done, 1);
	assert_int_equal(seen.st.result, PAGERD_NOTIFY_DELIVERED);
	forget();
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
		pagerd_notifier_v1.send(inst, &n, done, NULL);
		seen.cb(seen.arg, &(struct pagerd_http_response){
		    .status = v->status, .error = v->error, .body = "" });
		assert_int_equal(seen.done, 1);
		assert_int_equal(seen.st.result, v->result);
		assert_string_equal(seen.reason, v->reason);
		forget();
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
		pagerd_notifier_v1.send(inst, &n, done, NULL);
		assert_int_equal(seen.done, 1);
		assert_int_equal(seen.st.result, PAGERD_NOTIFY_PERMANENT);
		assert_null(seen.body);
		forget();
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
	pagerd_notifier_v1.send(inst, &n, done, NULL);
	pagerd_notifier_v1.destroy(inst);
	assert_int_equal(seen.done, 0);
	forget();
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
	struct pagerd_notifier_error	 err;
	size_t				 i;

	(void)state;
	for (i = 0; i < NELEM(vecs); i++) {
		memset(&err, 0, sizeof(err));
		assert_null(pagerd_notifier_v1.create("x", vecs[i].cfg,
		    vecs[i].n, &host, &err));
		assert_string_equal(err.key, vecs[i].key);
		assert_true(err.msg[0] != '\0');
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crlf_in_alert_text_stays_out_of_headers),
		cmocka_unit_test(test_smtp_replies),
		cmocka_unit_test(test_bad_recipient_is_permanent_and_not_sent),
		cmocka_unit_test(test_destroy_with_a_send_in_flight_calls_no_done),
		cmocka_unit_test(test_create_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
