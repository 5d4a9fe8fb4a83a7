/*
 * plugins/notify_webhook.c — deliver a notification as a signed JSON POST
 * to a URL of the user's (a chat bridge, a ticket system, their own
 * paging glue). The receiver checks X-Pagerd-Signature (lib/
 * sign_webhook.h) and deduplicates on Idempotency-Key, which stays the
 * same across retries of one notification.
 *
 * Config keys:
 *	url = "https://hooks.example.com/pagerd";	# required
 *	secret = "...";  or  secret_file = "webhook.secret";
 *	timeout = 10;				# seconds, 1..60
 *	header = [ "Authorization: Bearer x" ];	# extra headers
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "notify_http.h"
#include "notify_post.h"
#include "pagerd_notifier.h"
#include "sign_webhook.h"

#define WH_SECRET_MAX	1024
#define WH_HEADERS_MAX	16

/* Headers the plugin writes itself; a configured one may not replace them. */
static const char *const reserved[] = {
	"Content-Type", "Content-Length", "Transfer-Encoding", "Host",
	"Expect", "Idempotency-Key", SIGN_WEBHOOK_HEADER, NULL
};

struct webhook {
	const struct pagerd_host	*host;
	struct notify_posts		 posts;
	char				*url;
	char				*secret;	/* NULL: unsigned */
	int				 timeout_ms;
	char				*headers[WH_HEADERS_MAX];
	size_t				 nheaders;
};

static void
wh_free(struct webhook *wh)
{
	size_t	 i;

	free(wh->url);
	if (wh->secret != NULL) {
		/* volatile: the compiler must not drop the wipe. */
		volatile char *p = wh->secret;

		while (*p != '\0')
			*p++ = '\0';
		free(wh->secret);
	}
	for (i = 0; i < wh->nheaders; i++)
		free(wh->headers[i]);
	free(wh);
}

static int
set_secret(struct webhook *wh, const char *key, const char *v, int file,
    struct pagerd_notifier_error *err)
{
	char	 buf[WH_SECRET_MAX];
	long	 n;

	if (wh->secret != NULL) {
		notify_set_error(err, key, "set secret or secret_file, once");
		return -1;
	}
	if (file) {
		if ((n = wh->host->read_secret(wh->host->ctx, v, buf,
		    sizeof(buf))) < 0) {
			notify_set_error(err, key, "cannot read %.100s (see "
			    "the log)", v);
			return -1;
		}
		v = buf;
	}
	if (*v == '\0') {
		notify_set_error(err, key, "must not be empty");
		return -1;
	}
	wh->secret = strdup(v);
	memset(buf, 0, sizeof(buf));
	if (wh->secret == NULL) {
		notify_set_error(err, key, "out of memory");
		return -1;
	}
	return 0;
}

static void *
wh_create(const char *instance, const struct pagerd_kv *cfg, size_t ncfg,
    const struct pagerd_host *host, struct pagerd_notifier_error *err)
{
	struct webhook	*wh;
	const char	*why;
	size_t		 i;

	if ((wh = calloc(1, sizeof(*wh))) == NULL)
		return notify_set_error(err, "", "out of memory");
	wh->host = host;
	wh->timeout_ms = 10000;
	notify_posts_init(&wh->posts, host);
	for (i = 0; i < ncfg; i++) {
		const char	*k = cfg[i].key, *v = cfg[i].value;

		if (strcmp(k, "url") == 0) {
			if ((why = notify_http_check_url(v)) != NULL) {
				notify_set_error(err, k, "%s", why);
				goto fail;
			}
			free(wh->url);
			if ((wh->url = strdup(v)) == NULL)
				goto nomem;
		} else if (strcmp(k, "secret") == 0 ||
		    strcmp(k, "secret_file") == 0) {
			if (set_secret(wh, k, v, k[6] == '_', err) == -1)
				goto fail;
		} else if (strcmp(k, "timeout") == 0) {
			if ((wh->timeout_ms = notify_http_timeout_ms(v)) < 0) {
				notify_set_error(err, k, "must be 1 to 60 "
				    "seconds (\"10\", \"10s\")");
				goto fail;
			}
		} else if (strcmp(k, "header") == 0) {
			if ((why = notify_http_check_header(v, reserved)) !=
			    NULL) {
				notify_set_error(err, k, "\"%.80s\" %s", v,
				    why);
				goto fail;
			}
			if (wh->nheaders == WH_HEADERS_MAX) {
				notify_set_error(err, k, "at most %d headers",
				    WH_HEADERS_MAX);
				goto fail;
			}
			if ((wh->headers[wh->nheaders] = strdup(v)) == NULL)
				goto nomem;
			wh->nheaders++;
		} else {
			notify_set_error(err, k, "unknown key (known: url, "
			    "secret, secret_file, timeout, header)");
			goto fail;
		}
	}
	if (wh->url == NULL) {
		notify_set_error(err, "url", "missing: where to POST");
		goto fail;
	}
	if (wh->secret == NULL)
		host->log(host->ctx, PAGERD_LOG_WARNING, "no secret: requests "
		    "are not signed, so the receiver cannot tell them from "
		    "forgeries");
	return wh;
nomem:
	notify_set_error(err, "", "out of memory");
fail:
	wh_free(wh);
	return NULL;
}

/* The body the receiver gets: every field of the notification. */
static char *
wh_body(const struct pagerd_notification *n)
{
	json_t	*doc, *details = NULL;
	char	*text;

	if (n->details_json != NULL)
		details = json_loads(n->details_json, 0, NULL);
	doc = json_pack("{s:s, s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, "
	    "s:{s:s?, s:s?, s:s?}, s:i, s:s?, s:i, s:o}",
	    "kind", n->kind == PAGERD_NOTIFY_PAGE ? "page" : "update",
	    "incident_id", (json_int_t)n->incident_id,
	    "severity", n->severity,
	    "title", n->title,
	    "summary", n->summary,
	    "status", n->status,
	    "service", n->service,
	    "url", n->url,
	    "recipient",
	      "id", n->recipient.id,
	      "name", n->recipient.name,
	      "address", n->recipient.address,
	    "reply_code", n->reply_code,
	    "idempotency_key", n->idempotency_key,
	    "attempt", n->attempt,
	    "details", details != NULL ? details : json_null());
	if (doc == NULL)
		return NULL;
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return text;
}

static void
wh_send(void *inst, const struct pagerd_notification *n,
    pagerd_notify_done_cb *done, void *done_arg)
{
	struct webhook			*wh = inst;
	struct pagerd_notify_status	 st;
	const char			*hdrs[WH_HEADERS_MAX + 3];
	char				 idem[100], sig[SIGN_WEBHOOK_SIZE + 32];
	char				 value[SIGN_WEBHOOK_SIZE];
	char				*body;
	size_t				 nh = 0, i, len;

	memset(&st, 0, sizeof(st));
	if ((body = wh_body(n)) == NULL) {
		/* Only text that is not UTF-8 or no memory gets here. */
		st.result = PAGERD_NOTIFY_RETRY;
		st.reason = "cannot encode the notification as JSON";
		done(done_arg, &st);
		return;
	}
	len = strlen(body);
	hdrs[nh++] = "Content-Type: application/json";
	snprintf(idem, sizeof(idem), "Idempotency-Key: %.64s",
	    n->idempotency_key);
	hdrs[nh++] = idem;
	if (wh->secret != NULL) {
		if (sign_webhook_value(wh->secret, wh->host->now_ms(
		    wh->host->ctx) / 1000, body, len, value) == -1) {
			free(body);
			st.result = PAGERD_NOTIFY_RETRY;
			st.reason = "cannot sign the request (out of memory)";
			done(done_arg, &st);
			return;
		}
		snprintf(sig, sizeof(sig), "%s: %s", SIGN_WEBHOOK_HEADER,
		    value);
		hdrs[nh++] = sig;
	}
	for (i = 0; i < wh->nheaders; i++)
		hdrs[nh++] = wh->headers[i];
	notify_post(&wh->posts, wh->url, hdrs, nh, body, len, wh->timeout_ms,
	    done, done_arg);
	free(body);
}

static void
wh_destroy(void *inst)
{
	struct webhook	*wh = inst;

	notify_posts_cancel(&wh->posts);
	wh_free(wh);
}

const struct pagerd_notifier pagerd_notifier_v1 = {
	.abi = PAGERD_NOTIFIER_ABI,
	.name = "webhook",
	.description = "POST signed JSON to a URL",
	.create = wh_create,
	.send = wh_send,
	.destroy = wh_destroy,
};
