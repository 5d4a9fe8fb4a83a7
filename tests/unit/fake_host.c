/*
 * tests/unit/fake_host.c — the recording pagerd_host of fake_host.h.
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

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static void
fh_log(void *ctx, enum pagerd_log_level level, const char *fmt, ...)
{
	(void)ctx;
	(void)level;
	(void)fmt;
}

static struct pagerd_http_call *
fh_http(void *ctx, const struct pagerd_http_request *req,
    pagerd_http_cb *cb, void *arg)
{
	struct fake_host	*fh = ctx;
	size_t			 i;

	fake_host_forget(fh);
	fh->nrequests++;
	fh->url = strdup(req->url);
	fh->body = req->body != NULL ? strndup(req->body, req->body_len) :
	    NULL;
	fh->body_len = req->body_len;
	fh->userpwd = dup_or_null(req->userpwd);
	fh->mail_from = dup_or_null(req->mail_from);
	for (i = 0; i < req->nheaders && i < FH_MAX; i++)
		fh->headers[i] = strdup(req->headers[i]);
	fh->nheaders = i;
	for (i = 0; i < req->nmail_rcpt && i < FH_MAX; i++)
		fh->rcpt[i] = strdup(req->mail_rcpt[i]);
	fh->nrcpt = req->nmail_rcpt;
	fh->http_cb = cb;
	fh->http_arg = arg;
	return (struct pagerd_http_call *)fh;
}

static void
fh_cancel(void *ctx, struct pagerd_http_call *c)
{
	struct fake_host	*fh = ctx;

	(void)c;
	fh->http_cb = NULL;
}

/* Secrets: "pw" holds "s3cret", "token" holds "tok:en"; others fail. */
static long
fh_secret(void *ctx, const char *name, char *buf, size_t len)
{
	(void)ctx;
	if (strcmp(name, "pw") == 0)
		return snprintf(buf, len, "s3cret");
	if (strcmp(name, "token") == 0)
		return snprintf(buf, len, "tok:en");
	return -1;
}

static int64_t
fh_now(void *ctx)
{
	(void)ctx;
	return 1764000000000LL;
}

static int
fh_route(void *ctx, const char *path, pagerd_inbound_handler *h, void *arg)
{
	struct fake_host	*fh = ctx;

	if (fh->nroutes == FH_MAX || strncmp(path, "/hooks/", 7) != 0)
		return -1;
	fh->route_path[fh->nroutes] = strdup(path);
	fh->route_handler[fh->nroutes] = h;
	fh->route_arg[fh->nroutes] = arg;
	fh->nroutes++;
	return 0;
}

static void
fh_reply_id(void *ctx, const char *from, const char *text,
    const char *message_id, pagerd_reply_cb *cb, void *arg)
{
	struct fake_host	*fh = ctx;

	fh->nreplies++;
	fh->reply_with_id = 1;
	free(fh->reply_from);
	free(fh->reply_text);
	free(fh->reply_id);
	fh->reply_from = strdup(from);
	fh->reply_text = strdup(text);
	fh->reply_id = dup_or_null(message_id);
	fh->reply_cb = cb;
	fh->reply_arg = arg;
}

static void
fh_reply(void *ctx, const char *from, const char *text, pagerd_reply_cb *cb,
    void *arg)
{
	struct fake_host	*fh = ctx;

	fh_reply_id(ctx, from, text, NULL, cb, arg);
	fh->reply_with_id = 0;
}

static void
fh_update(void *ctx, const char *id, enum pagerd_notify_result result,
    const char *reason)
{
	struct fake_host	*fh = ctx;

	fh->nupdates++;
	free(fh->update_id);
	free(fh->update_reason);
	fh->update_id = strdup(id);
	fh->update_reason = dup_or_null(reason);
	fh->update_result = result;
}

const struct pagerd_host *
fake_host_init(struct fake_host *fh, size_t size)
{
	memset(fh, 0, sizeof(*fh));
	fh->host.size = size != 0 ? size : sizeof(struct pagerd_host);
	fh->host.abi = PAGERD_NOTIFIER_ABI;
	fh->host.ctx = fh;
	fh->host.log = fh_log;
	fh->host.http_request = fh_http;
	fh->host.http_cancel = fh_cancel;
	fh->host.read_secret = fh_secret;
	fh->host.now_ms = fh_now;
	fh->host.route_add = fh_route;
	fh->host.reply_submit = fh_reply;
	if (PAGERD_HOST_HAS(&fh->host, reply_submit_id))
		fh->host.reply_submit_id = fh_reply_id;
	if (PAGERD_HOST_HAS(&fh->host, delivery_update))
		fh->host.delivery_update = fh_update;
	return &fh->host;
}

void
fake_host_forget(struct fake_host *fh)
{
	size_t	 i;

	free(fh->url);
	free(fh->body);
	free(fh->userpwd);
	free(fh->mail_from);
	for (i = 0; i < FH_MAX; i++) {
		free(fh->headers[i]);
		free(fh->rcpt[i]);
		fh->headers[i] = fh->rcpt[i] = NULL;
	}
	free(fh->reply_from);
	free(fh->reply_text);
	free(fh->reply_id);
	free(fh->update_id);
	free(fh->update_reason);
	free(fh->resp_type);
	free(fh->resp_body);
	fh->url = fh->body = fh->userpwd = fh->mail_from = NULL;
	fh->reply_from = fh->reply_text = fh->reply_id = NULL;
	fh->update_id = fh->update_reason = NULL;
	fh->resp_type = fh->resp_body = NULL;
	fh->nheaders = fh->nrcpt = fh->body_len = 0;
	fh->http_cb = NULL;
	fh->nrequests = fh->nreplies = fh->nupdates = fh->ndone = 0;
	fh->nresponses = fh->resp_status = 0;
	fh->reply_cb = NULL;
	memset(&fh->st, 0, sizeof(fh->st));
	fh->reason[0] = fh->provider_id[0] = '\0';
}

void
fake_host_free(struct fake_host *fh)
{
	size_t	 i;

	fake_host_forget(fh);
	for (i = 0; i < fh->nroutes; i++)
		free(fh->route_path[i]);
	fh->nroutes = 0;
}

void
fake_host_done(void *arg, const struct pagerd_notify_status *st)
{
	struct fake_host	*fh = arg;

	fh->ndone++;
	fh->st = *st;
	snprintf(fh->reason, sizeof(fh->reason), "%s",
	    st->reason ? st->reason : "");
	snprintf(fh->provider_id, sizeof(fh->provider_id), "%s",
	    st->provider_id ? st->provider_id : "");
	fh->st.reason = NULL;
	fh->st.provider_id = NULL;
}

void
fake_host_answer(struct fake_host *fh, int status, const char *error,
    const char *body, const char *const *headers, size_t nheaders)
{
	struct pagerd_http_response	 res;
	pagerd_http_cb			*cb = fh->http_cb;

	memset(&res, 0, sizeof(res));
	res.status = status;
	res.error = error;
	res.body = body != NULL ? body : "";
	res.body_len = strlen(res.body);
	res.headers = headers;
	res.nheaders = nheaders;
	fh->http_cb = NULL;
	cb(fh->http_arg, &res);
}

static void
fh_respond(void *arg, int status, const char *type, const char *body,
    size_t len)
{
	struct fake_host	*fh = arg;

	fh->nresponses++;
	fh->resp_status = status;
	free(fh->resp_type);
	free(fh->resp_body);
	fh->resp_type = dup_or_null(type);
	fh->resp_body = body != NULL ? strndup(body, len) : NULL;
}

int
fake_host_inbound(struct fake_host *fh, const char *path, const char *query,
    const char *const *headers, const char *body)
{
	struct pagerd_inbound_request	 req;
	size_t				 i, n = 0;

	while (headers != NULL && headers[n] != NULL)
		n++;
	for (i = 0; i < fh->nroutes; i++)
		if (strcmp(fh->route_path[i], path) == 0)
			break;
	if (i == fh->nroutes)
		return -1;
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.path = path;
	req.query = query;
	req.headers = headers;
	req.nheaders = n;
	req.body = body;
	req.body_len = strlen(body);
	req.peer = "203.0.113.7:51234";
	fh->route_handler[i](fh->route_arg[i], &req, fh_respond, fh);
	return 0;
}

void
fake_host_create_error(const struct pagerd_notifier *plugin,
    const struct pagerd_kv *cfg, size_t ncfg, const char *key)
{
	struct fake_host		 fh;
	struct pagerd_notifier_error	 err;

	memset(&err, 0, sizeof(err));
	assert_null(plugin->create("x", cfg, ncfg, fake_host_init(&fh, 0),
	    &err));
	assert_string_equal(err.key, key);
	assert_true(err.msg[0] != '\0');
	fake_host_free(&fh);
}
