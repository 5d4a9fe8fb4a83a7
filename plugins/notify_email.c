/*
 * plugins/notify_email.c — pages by email: one RFC 5322 message per
 * notification (lib/mail_text.c builds it, so alert text never reaches a
 * header raw), handed to an SMTP server through the host's libcurl.
 * Replies by mail are not read: acknowledging is by SMS, API or pagerctl.
 *
 * Config keys:
 *	url = "smtp://mail.example.com:587";	# or smtps://...:465; required
 *	from = "pagerd@example.com";		# envelope and From:; required
 *	username = "pagerd";			# SMTP AUTH, with password_file
 *	password_file = "smtp-password";
 *	subject_prefix = "[pagerd]";
 *	timeout = "30s";
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail_text.h"
#include "notify_http.h"
#include "notify_post.h"
#include "notify_util.h"
#include "pagerd_notifier.h"
#include "strbuf.h"

#define EMAIL_SECRET_MAX	256
#define EMAIL_TIMEOUT_MAX_S	60
#define EMAIL_PREFIX_MAX	64

struct email {
	const struct pagerd_host	*host;
	char				*url;
	char				*from;
	const char			*domain;	/* in from */
	char				*username;
	char				*userpwd;	/* or NULL */
	char				*subject_prefix;	/* or NULL */
	int				 timeout_ms;
	struct nu_call			*calls;		/* in flight */
};

static void
email_free(struct email *em)
{
	if (em == NULL)
		return;
	if (em->userpwd != NULL)
		explicit_bzero(em->userpwd, strlen(em->userpwd));
	free(em->url);
	free(em->from);
	free(em->username);
	free(em->userpwd);
	free(em->subject_prefix);
	free(em);
}

/* smtp:// or smtps://, a host, and nothing libcurl could misread. */
static int
smtp_url_ok(const char *s)
{
	const char	*host;

	if (strncmp(s, "smtps://", 8) == 0)
		host = s + 8;
	else if (strncmp(s, "smtp://", 7) == 0)
		host = s + 7;
	else
		return 0;
	if (*host == '\0' || *host == '/' || *host == ':')
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f || *s == '@' ||
		    *s == '?' || *s == '#')
			return 0;
	return 1;
}

/* Only printable ASCII in a prefix: it goes in every subject. */
static int
prefix_ok(const char *s)
{
	size_t	 n;

	for (n = 0; s[n] != '\0'; n++)
		if (s[n] < 0x20 || s[n] >= 0x7f)
			return 0;
	return n <= EMAIL_PREFIX_MAX;
}

static void *
email_create(const char *instance, const struct pagerd_kv *cfg,
    size_t ncfg, const struct pagerd_host *host,
    struct pagerd_notifier_error *err)
{
	struct email	*em;
	char		*password_file = NULL, buf[EMAIL_SECRET_MAX];
	size_t		 i;
	long		 n;

	if ((em = calloc(1, sizeof(*em))) == NULL)
		return notify_set_error(err, "", "out of memory");
	em->host = host;
	em->timeout_ms = 30000;

	for (i = 0; i < ncfg; i++) {
		const char	*k = cfg[i].key, *v = cfg[i].value;
		char		**slot = NULL;

		if (strcmp(k, "url") == 0) {
			if (!smtp_url_ok(v)) {
				notify_set_error(err, k,
				    "must be smtp://HOST[:PORT] "
				    "or smtps://HOST[:PORT] (no user or "
				    "query: use username and password_file)");
				goto fail;
			}
			slot = &em->url;
		} else if (strcmp(k, "from") == 0) {
			if (!mail_addr_valid(v)) {
				notify_set_error(err, k,
				    "must be a plain address "
				    "(\"pagerd@example.com\")");
				goto fail;
			}
			slot = &em->from;
		} else if (strcmp(k, "username") == 0) {
			if (*v == '\0' || strchr(v, ':') != NULL) {
				notify_set_error(err, k,
				    "must be non-empty, without "
				    "':'");
				goto fail;
			}
			slot = &em->username;
		} else if (strcmp(k, "password_file") == 0)
			slot = &password_file;
		else if (strcmp(k, "subject_prefix") == 0) {
			if (!prefix_ok(v)) {
				notify_set_error(err, k,
				    "must be printable ASCII, "
				    "%d characters at most", EMAIL_PREFIX_MAX);
				goto fail;
			}
			slot = &em->subject_prefix;
		} else if (strcmp(k, "timeout") == 0) {
			if (nu_timeout(k, v, EMAIL_TIMEOUT_MAX_S,
			    &em->timeout_ms, err) == -1)
				goto fail;
		} else {
			notify_set_error(err, k,
			    "unknown key (known: url, from, "
			    "username, password_file, subject_prefix, "
			    "timeout)");
			goto fail;
		}
		if (slot != NULL && nu_set(slot, k, v, err) == -1)
			goto fail;
	}

	if (em->url == NULL) {
		notify_set_error(err, "url", "is required");
		goto fail;
	}
	if (em->from == NULL) {
		notify_set_error(err, "from", "is required");
		goto fail;
	}
	em->domain = strchr(em->from, '@') + 1;
	if ((em->username == NULL) != (password_file == NULL)) {
		notify_set_error(err,
		    em->username ? "password_file" : "username",
		    "give both username and password_file, or neither");
		goto fail;
	}
	if (password_file != NULL) {
		n = host->read_secret(host->ctx, password_file, buf,
		    sizeof(buf));
		if (n <= 0) {
			notify_set_error(err, "password_file", "cannot read a "
			    "password from %s (see the log)", password_file);
			goto fail;
		}
		em->userpwd = nu_strf("%s:%s", em->username, buf);
		explicit_bzero(buf, sizeof(buf));
		if (em->userpwd == NULL) {
			notify_set_error(err, "", "out of memory");
			goto fail;
		}
	}
	if (strncmp(em->url, "smtp://", 7) == 0 && em->userpwd != NULL)
		host->log(host->ctx, PAGERD_LOG_NOTICE, "instance %s: "
		    "smtp:// uses STARTTLS only when the server offers it: "
		    "with a password, prefer smtps://", instance);
	free(password_file);
	return em;

fail:
	free(password_file);
	email_free(em);
	return NULL;
}

/* The subject: "[prefix] #42 sev1 triggered: title". */
static char *
email_subject(const struct email *em, const struct pagerd_notification *n)
{
	return nu_strf("%s%s#%lld %s %s: %s",
	    em->subject_prefix ? em->subject_prefix : "",
	    em->subject_prefix && *em->subject_prefix ? " " : "",
	    n->incident_id, n->severity ? n->severity : "",
	    n->status ? n->status : "page", n->title ? n->title : "");
}

static void
body_line(struct strbuf *b, const char *label, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	strbuf_str(b, label);
	strbuf_str(b, value);
	strbuf_char(b, '\n');
}

/* The body: the facts one per line, then the summary. mail_build()
 * cleans and encodes it. */
static char *
email_body(const struct pagerd_notification *n)
{
	struct strbuf	 b = STRBUF_INIT;
	char		 num[64];

	snprintf(num, sizeof(num), "%lld", n->incident_id);
	body_line(&b, "Incident: #", num);
	body_line(&b, "Title:    ", n->title);
	body_line(&b, "Severity: ", n->severity);
	body_line(&b, "Status:   ", n->status);
	body_line(&b, "Service:  ", n->service);
	body_line(&b, "Link:     ", n->url);
	if (n->kind == PAGERD_NOTIFY_PAGE && n->reply_code > 0) {
		snprintf(num, sizeof(num), "%d (by SMS: \"%d ack\")",
		    n->reply_code, n->reply_code);
		body_line(&b, "Reply code: ", num);
	}
	if (n->summary != NULL && *n->summary != '\0') {
		strbuf_char(&b, '\n');
		strbuf_str(&b, n->summary);
		strbuf_char(&b, '\n');
	}
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/*
 * The SMTP reply code in a libcurl error: the host reports a refused
 * transfer as no answer with libcurl's text ("Failed sending data to
 * the peer: RCPT failed: 550", "Login denied"), not as a status. 0 when
 * there is none.
 */
static int
smtp_code_in(const char *error)
{
	const char	*p;

	if (error == NULL)
		return 0;
	if (strncmp(error, "Login denied", 12) == 0)
		return 535;
	for (p = error; (p = strstr(p, "failed: ")) != NULL; p++)
		if (p[8] >= '2' && p[8] <= '5' && p[9] >= '0' && p[9] <= '9' &&
		    p[10] >= '0' && p[10] <= '9' &&
		    (p[11] < '0' || p[11] > '9'))
			return (p[8] - '0') * 100 + (p[9] - '0') * 10 +
			    (p[10] - '0');
	return 0;
}

/*
 * SMTP replies (RFC 5321 4.2.1): 2yz done, 4yz transient (greylisting,
 * a full mailbox, a busy server: try again), 5yz permanent (no such
 * user, relaying denied). No reply at all is a network failure: retry.
 */
static void
email_answer(void *arg, const struct pagerd_http_response *res)
{
	struct nu_call			*c = arg;
	const struct pagerd_host	*host = c->host;
	struct pagerd_notify_status	 st;
	char				 reason[240], e[160];
	int				 code = res->status;

	if (code == 0)
		code = smtp_code_in(res->error);
	memset(&st, 0, sizeof(st));
	if (code >= 200 && code < 300) {
		/* The Message-ID: what to grep the mail logs for. */
		st.result = PAGERD_NOTIFY_DELIVERED;
		st.provider_id = c->id;
		host->log(host->ctx, PAGERD_LOG_INFO, "mail to %s accepted "
		    "(SMTP %d)", c->to, res->status);
	} else {
		st.result = code >= 500 && code < 600 ?
		    PAGERD_NOTIFY_PERMANENT : PAGERD_NOTIFY_RETRY;
		if (code == 0)
			snprintf(reason, sizeof(reason), "no answer: %s",
			    nu_clean(res->error ? res->error : "unknown", e,
			    sizeof(e)));
		else
			snprintf(reason, sizeof(reason), "SMTP %d%s%s",
			    code, res->error ? ": " : "",
			    res->error ? nu_clean(res->error, e, sizeof(e)) :
			    "");
		st.reason = reason;
		host->log(host->ctx, PAGERD_LOG_WARNING, "mail to %s %s: %s",
		    c->to, st.result == PAGERD_NOTIFY_RETRY ?
		    "failed for now" : "failed", reason);
	}
	nu_call_finish(c, &st);
}

static void
email_send(void *inst, const struct pagerd_notification *n,
    pagerd_notify_done_cb *done, void *done_arg)
{
	struct email			*em = inst;
	struct pagerd_notify_status	 st;
	struct pagerd_http_request	 req;
	struct mail_msg			 m;
	char				 msgid[256], thread[64], tid[256];
	char				 err[128];
	char				*subject = NULL, *body = NULL;
	char				*msg = NULL;
	const char			*rcpt[1];
	size_t				 len;

	memset(&st, 0, sizeof(st));
	if (!mail_addr_valid(n->recipient.address)) {
		st.result = PAGERD_NOTIFY_PERMANENT;
		st.reason = "recipient address is not a plain email address";
		done(done_arg, &st);
		return;
	}
	st.result = PAGERD_NOTIFY_RETRY;
	st.reason = "out of memory";

	/*
	 * The same Message-ID on every retry of one notification (a server
	 * that took the first try can drop the copy), and every mail about
	 * one incident refers to the same id, so mail clients thread them.
	 */
	snprintf(thread, sizeof(thread), "pagerd-incident-%lld",
	    n->incident_id);
	if (mail_message_id(msgid, sizeof(msgid), n->idempotency_key,
	    em->domain) == -1)
		goto fail;
	memset(&m, 0, sizeof(m));
	m.from = em->from;
	m.from_name = "pagerd";
	m.to = n->recipient.address;
	m.to_name = n->recipient.name;
	m.date = em->host->now_ms(em->host->ctx) / 1000;
	m.message_id = msgid;
	if ((m.subject = subject = email_subject(em, n)) == NULL ||
	    (m.body = body = email_body(n)) == NULL)
		goto fail;
	if (mail_message_id(tid, sizeof(tid), thread, em->domain) == 0)
		m.in_reply_to = tid;
	if ((msg = mail_build(&m, &len, err, sizeof(err))) == NULL) {
		st.result = PAGERD_NOTIFY_PERMANENT;
		st.reason = err;
		goto fail;
	}
	rcpt[0] = n->recipient.address;
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = em->url;
	req.body = msg;
	req.body_len = len;
	req.userpwd = em->userpwd;
	req.timeout_ms = em->timeout_ms;
	req.mail_from = em->from;
	req.mail_rcpt = rcpt;
	req.nmail_rcpt = 1;
	if (nu_call_start(&em->calls, em->host, &req, email_answer,
	    n->recipient.address, msgid, done, done_arg) == -1) {
		st.reason = "cannot start the SMTP transfer";
		goto fail;
	}
	free(subject);
	free(body);
	free(msg);
	return;

fail:
	free(subject);
	free(body);
	free(msg);
	done(done_arg, &st);
}

static void
email_destroy(void *inst)
{
	struct email	*em = inst;

	/* Sends in flight are written off by the host: no done calls. */
	nu_call_cancel_all(&em->calls);
	email_free(em);
}

const struct pagerd_notifier pagerd_notifier_v1 = {
	.abi = PAGERD_NOTIFIER_ABI,
	.name = "email",
	.description = "email through an SMTP server",
	.create = email_create,
	.send = email_send,
	.destroy = email_destroy,
};
