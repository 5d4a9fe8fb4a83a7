/*
 * plugins/notify_slack.c — post a notification to a Slack channel
 * through an incoming webhook. Alert text is escaped (lib/slack_text.h)
 * so that it cannot mention @channel or disguise a link.
 *
 * Config keys:
 *	webhook_url = "https://hooks.slack.com/services/T/B/X";	# required
 *	channel = "#oncall";	# override the webhook's channel (legacy
 *	username = "pagerd";	#   webhooks only honour these)
 *	timeout = 10;		# seconds, 1..60
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "notify_http.h"
#include "notify_post.h"
#include "pagerd_notifier.h"
#include "slack_text.h"

#define SL_NAME_MAX	80

struct slack {
	const struct pagerd_host	*host;
	struct notify_posts		 posts;
	char				*url;
	char				*channel;	/* or NULL */
	char				*username;	/* or NULL */
	int				 timeout_ms;
};

static void
sl_free(struct slack *sl)
{
	free(sl->url);
	free(sl->channel);
	free(sl->username);
	free(sl);
}

/* A channel or user name: printable, no Slack markup characters. */
static const char *
check_name(const char *s)
{
	size_t	 len = strlen(s);

	if (len == 0 || len > SL_NAME_MAX)
		return "must be 1..80 bytes";
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f ||
		    strchr("<>&|", *s) != NULL)
			return "must not contain control characters or <>&|";
	return NULL;
}

static int
set_string(char **field, const char *v)
{
	free(*field);
	return (*field = strdup(v)) == NULL ? -1 : 0;
}

static void *
sl_create(const char *instance, const struct pagerd_kv *cfg, size_t ncfg,
    const struct pagerd_host *host, struct pagerd_notifier_error *err)
{
	struct slack	*sl;
	const char	*why;
	size_t		 i;

	if ((sl = calloc(1, sizeof(*sl))) == NULL)
		return notify_set_error(err, "", "out of memory");
	sl->host = host;
	sl->timeout_ms = 10000;
	notify_posts_init(&sl->posts, host);
	for (i = 0; i < ncfg; i++) {
		const char	*k = cfg[i].key, *v = cfg[i].value;

		why = NULL;
		if (strcmp(k, "webhook_url") == 0) {
			if ((why = notify_http_check_url(v)) == NULL &&
			    set_string(&sl->url, v) == -1)
				why = "out of memory";
		} else if (strcmp(k, "channel") == 0 ||
		    strcmp(k, "username") == 0) {
			if ((why = check_name(v)) == NULL &&
			    set_string(k[0] == 'c' ? &sl->channel :
			    &sl->username, v) == -1)
				why = "out of memory";
		} else if (strcmp(k, "timeout") == 0) {
			if ((sl->timeout_ms = notify_http_timeout_ms(v)) < 0)
				why = "must be 1 to 60 seconds (\"10\", "
				    "\"10s\")";
		} else
			why = "unknown key (known: webhook_url, channel, "
			    "username, timeout)";
		if (why != NULL) {
			notify_set_error(err, k, "%s", why);
			sl_free(sl);
			return NULL;
		}
	}
	if (sl->url == NULL) {
		notify_set_error(err, "webhook_url", "missing: the Slack "
		    "incoming webhook's URL");
		sl_free(sl);
		return NULL;
	}
	return sl;
}

/* slack_page_json's message, with the channel and name overrides. */
static char *
sl_body(struct slack *sl, const struct pagerd_notification *n, char *err,
    size_t errlen)
{
	struct slack_page	 page;
	json_t			*doc;
	char			*text;

	memset(&page, 0, sizeof(page));
	page.incident_id = n->incident_id;
	page.severity = n->severity;
	page.status = n->kind == PAGERD_NOTIFY_PAGE ? NULL : n->status;
	page.title = n->title;
	page.summary = n->summary;
	page.url = n->url;
	if ((text = slack_page_json(&page, err, errlen)) == NULL)
		return NULL;
	if (sl->channel == NULL && sl->username == NULL)
		return text;
	doc = json_loads(text, 0, NULL);
	free(text);
	if (doc == NULL ||
	    (sl->channel != NULL && json_object_set_new(doc, "channel",
	    json_string(sl->channel)) == -1) ||
	    (sl->username != NULL && json_object_set_new(doc, "username",
	    json_string(sl->username)) == -1)) {
		json_decref(doc);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (text == NULL)
		snprintf(err, errlen, "out of memory");
	return text;
}

static void
sl_send(void *inst, const struct pagerd_notification *n,
    pagerd_notify_done_cb *done, void *done_arg)
{
	struct slack			*sl = inst;
	struct pagerd_notify_status	 st;
	const char			*hdrs[] = {
	    "Content-Type: application/json" };
	char				 err[200], *body;

	if ((body = sl_body(sl, n, err, sizeof(err))) == NULL) {
		memset(&st, 0, sizeof(st));
		st.result = strcmp(err, "out of memory") == 0 ?
		    PAGERD_NOTIFY_RETRY : PAGERD_NOTIFY_PERMANENT;
		st.reason = err;
		done(done_arg, &st);
		return;
	}
	notify_post(&sl->posts, sl->url, hdrs, 1, body, strlen(body),
	    sl->timeout_ms, done, done_arg);
	free(body);
}

static void
sl_destroy(void *inst)
{
	struct slack	*sl = inst;

	notify_posts_cancel(&sl->posts);
	sl_free(sl);
}

const struct pagerd_notifier pagerd_notifier_v1 = {
	.abi = PAGERD_NOTIFIER_ABI,
	.name = "slack",
	.description = "post to a Slack channel through an incoming webhook",
	.create = sl_create,
	.send = sl_send,
	.destroy = sl_destroy,
};
