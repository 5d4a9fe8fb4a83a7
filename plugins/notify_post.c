/*
 * plugins/notify_post.c — POST one notification and report the verdict
 * (notify_post.h), shared by the webhook and slack plugins.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify_http.h"
#include "notify_post.h"

struct notify_post {
	TAILQ_ENTRY(notify_post)	 entry;
	struct notify_posts		*set;
	struct pagerd_http_call		*call;
	pagerd_notify_done_cb		*done;
	void				*done_arg;
};

void
notify_posts_init(struct notify_posts *ps, const struct pagerd_host *host)
{
	ps->host = host;
	TAILQ_INIT(&ps->calls);
}

static void
posted(void *arg, const struct pagerd_http_response *resp)
{
	struct notify_post		*p = arg;
	struct pagerd_notify_status	 st;
	char				 reason[NOTIFY_HTTP_REASON_MAX];

	TAILQ_REMOVE(&p->set->calls, p, entry);
	notify_http_verdict(resp, &st, reason);
	p->done(p->done_arg, &st);
	free(p);
}

void
notify_post(struct notify_posts *ps, const char *url,
    const char *const *headers, size_t nheaders, const char *body,
    size_t len, int timeout_ms, pagerd_notify_done_cb *done, void *done_arg)
{
	const struct pagerd_host	*h = ps->host;
	struct pagerd_http_request	 req;
	struct pagerd_notify_status	 st;
	struct notify_post		*p;

	memset(&st, 0, sizeof(st));
	st.result = PAGERD_NOTIFY_RETRY;
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		st.reason = "out of memory";
		done(done_arg, &st);
		return;
	}
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = url;
	req.headers = headers;
	req.nheaders = nheaders;
	req.body = body;
	req.body_len = len;
	req.timeout_ms = timeout_ms;
	p->set = ps;
	p->done = done;
	p->done_arg = done_arg;
	if ((p->call = h->http_request(h->ctx, &req, posted, p)) == NULL) {
		free(p);
		st.reason = "the request could not start (see the log)";
		done(done_arg, &st);
		return;
	}
	TAILQ_INSERT_TAIL(&ps->calls, p, entry);
}

void
notify_posts_cancel(struct notify_posts *ps)
{
	struct notify_post	*p;

	while ((p = TAILQ_FIRST(&ps->calls)) != NULL) {
		TAILQ_REMOVE(&ps->calls, p, entry);
		ps->host->http_cancel(ps->host->ctx, p->call);
		free(p);
	}
}

void *
notify_set_error(struct pagerd_notifier_error *err, const char *key,
    const char *fmt, ...)
{
	va_list	 ap;

	snprintf(err->key, sizeof(err->key), "%s", key);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return NULL;
}
