/*
 * tests/plugins/notify_echo.c — a plugin that exercises the host services
 * the bundled plugins do not: an inbound route (/hooks/echo/INSTANCE)
 * answered later from a timer, reply_submit_id, read_secret, and sends
 * completed from a timer. Its destroy() frees its state but leaves its
 * timers to the host to reap. Built for make check only.
 *
 * Keys: secret_file (optional), delay_ms (send completion, default 10),
 * smtp_url (send mails the title through the host's SMTP client
 * instead), evil_rcpt = true (smuggle "\r\nRCPT TO:" into the envelope
 * recipient, which the host must refuse).
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pagerd_notifier.h"

struct echo;

/* One piece of work waiting for a timer: a send or an inbound answer. */
struct pending {
	struct pending			*next;
	struct echo			*e;
	pagerd_notify_done_cb		*done;
	void				*done_arg;
	pagerd_inbound_respond_cb	*respond;
	void				*respond_arg;
	char				 text[512];
};

struct echo {
	const struct pagerd_host	*host;
	char				 name[64];
	char				 secret[128];
	int				 delay_ms;
	char				 smtp_url[256];
	int				 evil_rcpt;
	struct pending			*pending;
	int				 sent;
};

static void
unlink_pending(struct pending *p)
{
	struct pending	**pp;

	for (pp = &p->e->pending; *pp != NULL; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			return;
		}
}

static struct pending *
new_pending(struct echo *e)
{
	struct pending	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->e = e;
	p->next = e->pending;
	e->pending = p;
	return p;
}

static void
fire(void *arg)
{
	struct pending			*p = arg;
	struct pagerd_notify_status	 st;
	char				 id[32];

	unlink_pending(p);
	if (p->done != NULL) {
		memset(&st, 0, sizeof(st));
		snprintf(id, sizeof(id), "echo-%d", ++p->e->sent);
		st.result = PAGERD_NOTIFY_DELIVERED;
		st.provider_id = id;
		p->done(p->done_arg, &st);
	} else
		p->respond(p->respond_arg, 200, "text/plain", p->text,
		    strlen(p->text));
	free(p);
}

static void
replied(void *arg, const char *answer)
{
	struct pending	*p = arg;

	snprintf(p->text, sizeof(p->text), "answer=%s",
	    answer != NULL ? answer : "(none)");
	unlink_pending(p);
	p->respond(p->respond_arg, 200, "text/plain", p->text,
	    strlen(p->text));
	free(p);
}

static void
inbound(void *arg, const struct pagerd_inbound_request *req,
    pagerd_inbound_respond_cb *respond, void *respond_arg)
{
	struct echo	*e = arg;
	struct pending	*p;

	if ((p = new_pending(e)) == NULL) {
		respond(respond_arg, 503, NULL, NULL, 0);
		return;
	}
	p->respond = respond;
	p->respond_arg = respond_arg;
	if (req->query != NULL && strcmp(req->query, "reply=1") == 0) {
		e->host->reply_submit_id(e->host->ctx, req->body, "3 ack",
		    "msg-1", replied, p);
		return;
	}
	snprintf(p->text, sizeof(p->text), "%s %s %s %s secret=%s body=%.200s",
	    e->name, req->method, req->path, req->query ? req->query : "-",
	    e->secret, req->body);
	if (e->host->timer_add(e->host->ctx, 20, fire, p) == NULL) {
		unlink_pending(p);
		free(p);
		respond(respond_arg, 503, NULL, NULL, 0);
	}
}

static void *
echo_create(const char *instance, const struct pagerd_kv *cfg, size_t ncfg,
    const struct pagerd_host *host, struct pagerd_notifier_error *err)
{
	struct echo	*e;
	char		 path[128];
	size_t		 i;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->host = host;
	e->delay_ms = 10;
	snprintf(e->name, sizeof(e->name), "%s", instance);
	snprintf(e->secret, sizeof(e->secret), "-");
	for (i = 0; i < ncfg; i++) {
		if (strcmp(cfg[i].key, "secret_file") == 0) {
			if (host->read_secret(host->ctx, cfg[i].value,
			    e->secret, sizeof(e->secret)) < 0) {
				snprintf(err->key, sizeof(err->key), "%s",
				    cfg[i].key);
				snprintf(err->msg, sizeof(err->msg),
				    "cannot read it");
				free(e);
				return NULL;
			}
		} else if (strcmp(cfg[i].key, "delay_ms") == 0)
			e->delay_ms = atoi(cfg[i].value);
		else if (strcmp(cfg[i].key, "smtp_url") == 0)
			snprintf(e->smtp_url, sizeof(e->smtp_url), "%s",
			    cfg[i].value);
		else if (strcmp(cfg[i].key, "evil_rcpt") == 0)
			e->evil_rcpt = strcmp(cfg[i].value, "true") == 0;
	}
	snprintf(path, sizeof(path), "/hooks/echo/%s", instance);
	if (host->route_add(host->ctx, path, inbound, e) == -1) {
		snprintf(err->msg, sizeof(err->msg), "route %s refused", path);
		free(e);
		return NULL;
	}
	return e;
}

static void
mailed(void *arg, const struct pagerd_http_response *resp)
{
	struct pending			*p = arg;
	struct pagerd_notify_status	 st;
	char				 why[300];

	unlink_pending(p);
	memset(&st, 0, sizeof(st));
	st.result = resp->status == 250 ? PAGERD_NOTIFY_DELIVERED :
	    PAGERD_NOTIFY_RETRY;
	if (st.result != PAGERD_NOTIFY_DELIVERED) {
		snprintf(why, sizeof(why), "SMTP %d: %s", resp->status,
		    resp->error ? resp->error : "-");
		st.reason = why;
	}
	p->done(p->done_arg, &st);
	free(p);
}

/* A send that could not start: drop its record (p may be NULL). */
static void
fail(struct pending *p, enum pagerd_notify_result result, const char *why,
    pagerd_notify_done_cb *done, void *done_arg)
{
	struct pagerd_notify_status	 st;

	if (p != NULL) {
		unlink_pending(p);
		free(p);
	}
	memset(&st, 0, sizeof(st));
	st.result = result;
	st.reason = why;
	done(done_arg, &st);
}

/* The title as a mail through the host's SMTP client. */
static void
echo_mail(struct echo *e, const struct pagerd_notification *n,
    pagerd_notify_done_cb *done, void *done_arg)
{
	struct pagerd_http_request	 req;
	struct pending			*p;
	char				 rcpt[300], body[600];
	const char			*rcpts[1] = { rcpt };

	snprintf(rcpt, sizeof(rcpt), "%s%s", n->recipient.address,
	    e->evil_rcpt ? "\r\nRCPT TO:<evil@example.com>" : "");
	snprintf(body, sizeof(body), "From: pagerd@example.com\r\n"
	    "To: %s\r\nSubject: test\r\n\r\n%s\r\n",
	    n->recipient.address, n->title);
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = e->smtp_url;
	req.body = body;
	req.body_len = strlen(body);
	req.mail_from = "pagerd@example.com";
	req.mail_rcpt = rcpts;
	req.nmail_rcpt = 1;
	if ((p = new_pending(e)) == NULL ||
	    e->host->http_request(e->host->ctx, &req, mailed, p) == NULL) {
		fail(p, PAGERD_NOTIFY_PERMANENT, "the host refused the mail",
		    done, done_arg);
		return;
	}
	p->done = done;
	p->done_arg = done_arg;
}

static void
echo_send(void *inst, const struct pagerd_notification *n,
    pagerd_notify_done_cb *done, void *done_arg)
{
	struct echo			*e = inst;
	struct pending			*p;

	if (e->smtp_url[0] != '\0') {
		echo_mail(e, n, done, done_arg);
		return;
	}
	if ((p = new_pending(e)) == NULL ||
	    e->host->timer_add(e->host->ctx, e->delay_ms, fire, p) == NULL) {
		fail(p, PAGERD_NOTIFY_RETRY, "out of memory", done, done_arg);
		return;
	}
	p->done = done;
	p->done_arg = done_arg;
}

static void
echo_destroy(void *inst)
{
	struct echo	*e = inst;
	struct pending	*p;

	/* The timers are left on purpose: the host must reap them. */
	while ((p = e->pending) != NULL) {
		e->pending = p->next;
		free(p);
	}
	free(e);
}

const struct pagerd_notifier pagerd_notifier_v1 = {
	.abi = PAGERD_NOTIFIER_ABI,
	.name = "echo",
	.create = echo_create,
	.send = echo_send,
	.destroy = echo_destroy,
};
