/*
 * plugins/notify_sms.c — pages by SMS through Twilio's Messages API (or
 * any gateway that speaks it), and takes the replies ("3 ack") and
 * delivery reports Twilio posts back to /hooks/sms/INSTANCE. It sends
 * and checks signatures; what a reply means is the host's business.
 *
 * Config keys:
 *	account_sid = "AC...";			# required
 *	auth_token_file = "twilio-token";	# or auth_token = "..."
 *	from = "+15551230000";			# or messaging_service_sid
 *	base_url = "https://api.twilio.com";	# the default
 *	public_url = "https://pagerd.example.com"; # how Twilio reaches us:
 *					# enables replies and delivery reports
 *	timeout = "10s";
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify_http.h"
#include "notify_post.h"
#include "notify_util.h"
#include "pagerd_notifier.h"
#include "sms_text.h"
#include "strbuf.h"
#include "twilio_api.h"
#include "twilio_sig.h"

#define SMS_TOKEN_MAX		256
#define SMS_TIMEOUT_MAX_S	60
#define SMS_PATH_PREFIX		"/hooks/sms/"

struct sms {
	const struct pagerd_host	*host;
	char				*account_sid;
	char				*token;
	char				*from;
	char				*service_sid;
	char				*messages_url;
	char				*public_url;	/* or NULL */
	char				*status_url;	/* or NULL */
	char				*userpwd;
	int				 timeout_ms;
	struct nu_call			*calls;		/* in flight */
	struct sms_reply		*replies;	/* at the host */
};

/*
 * A reply handed to the host, waiting for its answer. The host never
 * answers one after destroy() (it answers the webhook 503 itself), so
 * destroy() frees those still waiting.
 */
struct sms_reply {
	struct sms			*sms;
	pagerd_inbound_respond_cb	*respond;
	void				*respond_arg;
	struct sms_reply		*prev, *next;
};

static void
sms_reply_unlink(struct sms_reply *r)
{
	if (r->prev != NULL)
		r->prev->next = r->next;
	else
		r->sms->replies = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
}

static void
sms_free(struct sms *sms)
{
	if (sms == NULL)
		return;
	if (sms->token != NULL)
		explicit_bzero(sms->token, strlen(sms->token));
	if (sms->userpwd != NULL)
		explicit_bzero(sms->userpwd, strlen(sms->userpwd));
	free(sms->account_sid);
	free(sms->token);
	free(sms->from);
	free(sms->service_sid);
	free(sms->messages_url);
	free(sms->public_url);
	free(sms->status_url);
	free(sms->userpwd);
	free(sms);
}

static void	sms_hook_reply(void *, const struct pagerd_inbound_request *,
		    pagerd_inbound_respond_cb *, void *);
static void	sms_hook_status(void *, const struct pagerd_inbound_request *,
		    pagerd_inbound_respond_cb *, void *);

static void *
sms_create(const char *instance, const struct pagerd_kv *cfg, size_t ncfg,
    const struct pagerd_host *host, struct pagerd_notifier_error *err)
{
	struct sms	*sms;
	char		*base_url = NULL, *token_file = NULL, *path = NULL;
	char		 buf[SMS_TOKEN_MAX];
	size_t		 i;
	long		 n;

	if ((sms = calloc(1, sizeof(*sms))) == NULL)
		return notify_set_error(err, "", "out of memory");
	sms->host = host;
	sms->timeout_ms = 10000;

	for (i = 0; i < ncfg; i++) {
		const char	*k = cfg[i].key, *v = cfg[i].value;

		if (strcmp(k, "account_sid") == 0) {
			if (!twilio_sid_ok(v)) {
				notify_set_error(err, k,
				    "must be letters and digits "
				    "(\"AC\" and 32 hex digits at Twilio)");
				goto fail;
			}
			if (nu_set(&sms->account_sid, k, v, err) == -1)
				goto fail;
		} else if (strcmp(k, "auth_token") == 0) {
			if (*v == '\0' || strchr(v, ':') != NULL) {
				notify_set_error(err, k,
				    "must be a non-empty token "
				    "without ':'");
				goto fail;
			}
			if (nu_set(&sms->token, k, v, err) == -1)
				goto fail;
		} else if (strcmp(k, "auth_token_file") == 0) {
			if (nu_set(&token_file, k, v, err) == -1)
				goto fail;
		} else if (strcmp(k, "from") == 0) {
			if (!nu_e164(v)) {
				notify_set_error(err, k,
				    "must be an E.164 number "
				    "(\"+15551230000\")");
				goto fail;
			}
			if (nu_set(&sms->from, k, v, err) == -1)
				goto fail;
		} else if (strcmp(k, "messaging_service_sid") == 0) {
			if (!twilio_sid_ok(v)) {
				notify_set_error(err, k,
				    "must be letters and digits "
				    "(\"MG\" and 32 hex digits)");
				goto fail;
			}
			if (nu_set(&sms->service_sid, k, v, err) == -1)
				goto fail;
		} else if (strcmp(k, "base_url") == 0) {
			if (base_url != NULL) {
				notify_set_error(err, k, "given twice");
				goto fail;
			}
			if ((base_url = nu_base_url(k, v, err)) == NULL)
				goto fail;
		} else if (strcmp(k, "public_url") == 0) {
			if (sms->public_url != NULL) {
				notify_set_error(err, k, "given twice");
				goto fail;
			}
			if ((sms->public_url = nu_base_url(k, v, err)) == NULL)
				goto fail;
		} else if (strcmp(k, "timeout") == 0) {
			if (nu_timeout(k, v, SMS_TIMEOUT_MAX_S,
			    &sms->timeout_ms, err) == -1)
				goto fail;
		} else {
			/* A typo must not silently stop paging. */
			notify_set_error(err, k,
			    "unknown key (known: account_sid, "
			    "auth_token, auth_token_file, from, "
			    "messaging_service_sid, base_url, public_url, "
			    "timeout)");
			goto fail;
		}
	}

	if (sms->account_sid == NULL) {
		notify_set_error(err, "account_sid", "is required");
		goto fail;
	}
	if ((sms->token == NULL) == (token_file == NULL)) {
		notify_set_error(err,
		    token_file ? "auth_token_file" : "auth_token",
		    "give exactly one of auth_token and auth_token_file");
		goto fail;
	}
	if ((sms->from == NULL) == (sms->service_sid == NULL)) {
		notify_set_error(err,
		    sms->from ? "messaging_service_sid" : "from",
		    "give exactly one of from and messaging_service_sid");
		goto fail;
	}
	if (token_file != NULL) {
		n = host->read_secret(host->ctx, token_file, buf, sizeof(buf));
		if (n <= 0 || memchr(buf, ':', (size_t)n) != NULL) {
			notify_set_error(err, "auth_token_file",
			    "cannot read a "
			    "token from %s (see the log)", token_file);
			explicit_bzero(buf, sizeof(buf));
			goto fail;
		}
		sms->token = strdup(buf);
		explicit_bzero(buf, sizeof(buf));
		if (sms->token == NULL) {
			notify_set_error(err, "", "out of memory");
			goto fail;
		}
	}

	sms->messages_url = nu_strf("%s/2010-04-01/Accounts/%s/Messages.json",
	    base_url ? base_url : "https://api.twilio.com", sms->account_sid);
	sms->userpwd = nu_strf("%s:%s", sms->account_sid, sms->token);
	if (sms->messages_url == NULL || sms->userpwd == NULL) {
		notify_set_error(err, "", "out of memory");
		goto fail;
	}

	/*
	 * Replies and delivery reports need the URL Twilio signs with, so
	 * without public_url there are no routes: an unsigned webhook must
	 * never act on an incident.
	 */
	if (sms->public_url != NULL) {
		path = nu_strf(SMS_PATH_PREFIX "%s", instance);
		sms->status_url = nu_strf("%s%s/status", sms->public_url,
		    path ? path : "");
		if (path == NULL || sms->status_url == NULL) {
			notify_set_error(err, "", "out of memory");
			goto fail;
		}
		if (host->route_add(host->ctx, path, sms_hook_reply, sms) ==
		    -1) {
			notify_set_error(err, "public_url", "cannot serve %s "
			    "(taken by another instance?)", path);
			goto fail;
		}
		free(path);
		path = nu_strf(SMS_PATH_PREFIX "%s/status", instance);
		if (path == NULL || host->route_add(host->ctx, path,
		    sms_hook_status, sms) == -1) {
			notify_set_error(err, "public_url", "cannot serve the "
			    "status path of %s", instance);
			goto fail;
		}
	}
	free(path);
	free(base_url);
	free(token_file);
	return sms;

fail:
	free(path);
	free(base_url);
	free(token_file);
	sms_free(sms);
	return NULL;
}

static void
sms_answer(void *arg, const struct pagerd_http_response *res)
{
	struct nu_call			*c = arg;
	const struct pagerd_host	*host = c->host;
	struct pagerd_notify_status	 st;
	struct twilio_result		 r;
	char				 reason[300];

	twilio_classify(res->status, res->body, res->body_len,
	    notify_http_header(res->headers, res->nheaders, "Retry-After"), &r);
	memset(&st, 0, sizeof(st));
	switch (r.outcome) {
	case TWILIO_SENT:
		st.result = PAGERD_NOTIFY_DELIVERED;
		st.provider_id = r.sid;
		host->log(host->ctx, PAGERD_LOG_INFO, "SMS to %s accepted "
		    "as %s", c->to, r.sid);
		break;
	case TWILIO_RETRY:
		st.result = PAGERD_NOTIFY_RETRY;
		st.retry_after_s = r.retry_after_s;
		break;
	case TWILIO_PERMANENT:
		st.result = PAGERD_NOTIFY_PERMANENT;
		break;
	}
	if (r.outcome != TWILIO_SENT) {
		/* The transport's own words say why nothing came back. */
		if (res->status == 0 && res->error != NULL) {
			char	 e[160];

			snprintf(reason, sizeof(reason), "no answer: %s",
			    nu_clean(res->error, e, sizeof(e)));
		} else
			snprintf(reason, sizeof(reason), "%s", r.reason);
		st.reason = reason;
		host->log(host->ctx, PAGERD_LOG_WARNING, "SMS to %s %s: %s",
		    c->to, r.outcome == TWILIO_RETRY ? "failed for now" :
		    "failed", reason);
	}
	nu_call_finish(c, &st);
}

static void
sms_send(void *inst, const struct pagerd_notification *n,
    pagerd_notify_done_cb *done, void *done_arg)
{
	struct sms			*sms = inst;
	struct pagerd_notify_status	 st;
	struct pagerd_http_request	 req;
	struct sms_page			 page;
	struct strbuf			 form = STRBUF_INIT;
	char				 text[SMS_TEXT_SIZE(1)];
	static const char *const	 headers[] = {
		"Accept: application/json"
	};

	memset(&st, 0, sizeof(st));
	if (!nu_e164(n->recipient.address)) {
		st.result = PAGERD_NOTIFY_PERMANENT;
		st.reason = "recipient address is not an E.164 phone number";
		done(done_arg, &st);
		return;
	}

	memset(&page, 0, sizeof(page));
	page.incident_id = n->incident_id;
	page.severity = n->severity;
	page.status = n->kind == PAGERD_NOTIFY_UPDATE ? n->status : NULL;
	page.summary = n->title != NULL && *n->title != '\0' ? n->title :
	    n->summary;
	page.reply_code = n->kind == PAGERD_NOTIFY_PAGE ? n->reply_code : 0;
	page.max_segments = 1;
	if (sms_page_text(&page, text, sizeof(text), NULL) == -1) {
		st.result = PAGERD_NOTIFY_PERMANENT;
		st.reason = "cannot build the SMS text";
		done(done_arg, &st);
		return;
	}

	twilio_form_add(&form, "To", n->recipient.address);
	if (sms->from != NULL)
		twilio_form_add(&form, "From", sms->from);
	else
		twilio_form_add(&form, "MessagingServiceSid", sms->service_sid);
	twilio_form_add(&form, "Body", text);
	if (sms->status_url != NULL)
		twilio_form_add(&form, "StatusCallback", sms->status_url);

	st.result = PAGERD_NOTIFY_RETRY;
	if (form.oom) {
		free(form.s);
		st.reason = "out of memory";
		done(done_arg, &st);
		return;
	}
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = sms->messages_url;
	req.headers = headers;
	req.nheaders = sizeof(headers) / sizeof(headers[0]);
	req.body = form.s;
	req.body_len = form.len;
	req.userpwd = sms->userpwd;
	req.timeout_ms = sms->timeout_ms;
	if (nu_call_start(&sms->calls, sms->host, &req, sms_answer,
	    n->recipient.address, NULL, done, done_arg) == -1) {
		st.reason = "cannot start the HTTP request";
		done(done_arg, &st);
	}
	free(form.s);
}

/*
 * Parse and authenticate a webhook. Twilio signs the URL it was given
 * (public_url + path + query) and every POST parameter; anything that
 * does not verify is answered 403 and goes no further. Returns 0 with
 * *form filled, or -1 after answering.
 */
static int
sms_hook_verify(struct sms *sms, const struct pagerd_inbound_request *req,
    pagerd_inbound_respond_cb *respond, void *respond_arg,
    struct twilio_form *form)
{
	const struct pagerd_host	*host = sms->host;
	char				*url;
	char				 peer[64];
	int				 rc;

	memset(form, 0, sizeof(*form));
	if (strcmp(req->method, "POST") != 0) {
		respond(respond_arg, 405, "text/plain", "POST only\n", 10);
		return -1;
	}
	url = nu_strf("%s%s%s%s", sms->public_url, req->path,
	    req->query != NULL ? "?" : "",
	    req->query != NULL ? req->query : "");
	if (url == NULL || twilio_form_parse(req->body, req->body_len,
	    form) == -1) {
		free(url);
		twilio_form_free(form);
		respond(respond_arg, 503, "text/plain", "out of memory\n", 14);
		return -1;
	}
	rc = twilio_sig_verify(sms->token, url, form,
	    notify_http_header(req->headers, req->nheaders, TWILIO_SIG_HEADER));
	free(url);
	if (rc == -1) {
		host->log(host->ctx, PAGERD_LOG_WARNING, "refused a webhook "
		    "from %s: missing or wrong %s", nu_clean(req->peer, peer,
		    sizeof(peer)), TWILIO_SIG_HEADER);
		twilio_form_free(form);
		respond(respond_arg, 403, "text/plain",
		    "invalid signature\n", 18);
		return -1;
	}
	return 0;
}

static void
sms_reply_answer(void *arg, const char *answer)
{
	struct sms_reply	*r = arg;
	struct strbuf		 b = STRBUF_INIT;

	twilio_twiml_message(&b, answer);
	if (b.oom)
		r->respond(r->respond_arg, 503, "text/plain",
		    "out of memory\n", 14);
	else
		r->respond(r->respond_arg, 200, "text/xml", b.s, b.len);
	free(b.s);
	sms_reply_unlink(r);
	free(r);
}

/* POST /hooks/sms/INSTANCE: a person answered a page. */
static void
sms_hook_reply(void *arg, const struct pagerd_inbound_request *req,
    pagerd_inbound_respond_cb *respond, void *respond_arg)
{
	struct sms			*sms = arg;
	const struct pagerd_host	*host = sms->host;
	struct twilio_form		 form;
	struct sms_reply		*r;
	const char			*from, *body, *sid;

	if (sms_hook_verify(sms, req, respond, respond_arg, &form) == -1)
		return;
	from = twilio_form_get(&form, "From");
	body = twilio_form_get(&form, "Body");
	sid = twilio_form_get(&form, "MessageSid");
	if (from == NULL || body == NULL) {
		twilio_form_free(&form);
		respond(respond_arg, 400, "text/plain",
		    "From and Body are required\n", 27);
		return;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		twilio_form_free(&form);
		respond(respond_arg, 503, "text/plain", "out of memory\n", 14);
		return;
	}
	r->sms = sms;
	r->respond = respond;
	r->respond_arg = respond_arg;
	if ((r->next = sms->replies) != NULL)
		r->next->prev = r;
	sms->replies = r;
	if (PAGERD_HOST_HAS(host, reply_submit_id))
		host->reply_submit_id(host->ctx, from, body, sid,
		    sms_reply_answer, r);
	else
		host->reply_submit(host->ctx, from, body, sms_reply_answer, r);
	twilio_form_free(&form);
}

/* POST /hooks/sms/INSTANCE/status: Twilio's delivery report. */
static void
sms_hook_status(void *arg, const struct pagerd_inbound_request *req,
    pagerd_inbound_respond_cb *respond, void *respond_arg)
{
	struct sms			*sms = arg;
	const struct pagerd_host	*host = sms->host;
	struct twilio_form		 form;
	const char			*sid, *status, *code;
	char				 reason[120], c[16];

	if (sms_hook_verify(sms, req, respond, respond_arg, &form) == -1)
		return;
	sid = twilio_form_get(&form, "MessageSid");
	status = twilio_form_get(&form, "MessageStatus");
	code = twilio_form_get(&form, "ErrorCode");
	if (sid == NULL || status == NULL) {
		twilio_form_free(&form);
		respond(respond_arg, 400, "text/plain",
		    "MessageSid and MessageStatus are required\n", 42);
		return;
	}
	if (PAGERD_HOST_HAS(host, delivery_update)) {
		if (strcmp(status, "undelivered") == 0 ||
		    strcmp(status, "failed") == 0) {
			snprintf(reason, sizeof(reason), "%s: ErrorCode %s",
			    status, code != NULL && *code != '\0' ?
			    nu_clean(code, c, sizeof(c)) : "none");
			host->delivery_update(host->ctx, sid,
			    PAGERD_NOTIFY_PERMANENT, reason);
		} else if (strcmp(status, "delivered") == 0)
			host->delivery_update(host->ctx, sid,
			    PAGERD_NOTIFY_DELIVERED, "delivered to the phone");
	}
	/* queued, sent, accepted...: steps on the way, nothing to record. */
	twilio_form_free(&form);
	respond(respond_arg, 204, NULL, NULL, 0);
}

static void
sms_destroy(void *inst)
{
	struct sms	*sms = inst;
	struct sms_reply *r;

	/* Sends in flight are written off by the host: no done calls. */
	nu_call_cancel_all(&sms->calls);
	while ((r = sms->replies) != NULL) {
		sms_reply_unlink(r);
		free(r);
	}
	sms_free(sms);
}

const struct pagerd_notifier pagerd_notifier_v1 = {
	.abi = PAGERD_NOTIFIER_ABI,
	.name = "sms",
	.description = "SMS through Twilio's Messages API, with replies",
	.create = sms_create,
	.send = sms_send,
	.destroy = sms_destroy,
};
