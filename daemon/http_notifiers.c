/*
 * daemon/http_notifiers.c — GET /api/v1/notifiers (what is configured)
 * and POST /api/v1/notifiers/NAME/test, which sends one test
 * notification through an instance and answers with the provider's
 * verdict: what an ops person does right after setting up a notifier.
 * Needs no incident, escalation or Redis.
 */
#include "autoconf.h"

#include <sys/random.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>

#include "config.h"
#include "http.h"
#include "log.h"
#include "notifier_host.h"
#include "pagerd.h"

#define TEST_ADDRESS_MAX	256
#define TEST_TITLE_MAX		200

static const char *
address_name(enum notifier_address a)
{
	switch (a) {
	case NOTIFIER_ADDRESS_PHONE:	return "phone";
	case NOTIFIER_ADDRESS_EMAIL:	return "email";
	case NOTIFIER_ADDRESS_ID:	return "id";
	}
	return "id";
}

static void
reply_json(struct pagerd *pd, struct http_req *req, int code,
    json_t *doc)
{
	char	*text = doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;

	json_decref(doc);
	if (text == NULL) {
		http_reply_error(pd, req, 503, "out of memory", -1);
		return;
	}
	http_reply_raw_json(pd, req, code, text, strlen(text));
	free(text);
}

static void
list(struct pagerd *pd, struct http_req *req)
{
	json_t		*doc = json_object(), *arr = json_array(), *o;
	const char	*name;
	size_t		 i;

	if (doc == NULL || arr == NULL ||
	    json_object_set_new(doc, "notifiers", arr) == -1) {
		json_decref(doc);
		http_reply_error(pd, req, 503, "out of memory", -1);
		return;
	}
	for (i = 0; (name = notifier_name_at(pd->notifiers, i)) != NULL; i++) {
		o = json_pack("{s:s, s:s, s:s}", "name", name, "type",
		    notifier_type(pd->notifiers, name), "address",
		    address_name(notifier_address_of(pd->notifiers, name)));
		if (o == NULL || json_array_append_new(arr, o) == -1) {
			json_decref(doc);
			http_reply_error(pd, req, 503, "out of memory", -1);
			return;
		}
	}
	reply_json(pd, req, 200, doc);
}

/* The test request waiting for its notification's outcome. */
struct test_req {
	struct pagerd		*pd;
	struct http_req	*req;
};

static void
test_done(void *arg, const struct pagerd_notify_status *st)
{
	struct test_req	*t = arg;
	json_t		*doc;

	switch (st->result) {
	case PAGERD_NOTIFY_DELIVERED:
		doc = json_pack("{s:s, s:s?}", "result", "delivered",
		    "provider_id", st->provider_id);
		reply_json(t->pd, t->req, 200, doc);
		break;
	case PAGERD_NOTIFY_RETRY:
		doc = json_pack("{s:s, s:s, s:i}", "result", "retry", "error",
		    st->reason ? st->reason : "failed for now",
		    "retry_after", st->retry_after_s);
		reply_json(t->pd, t->req, 502, doc);
		break;
	default:
		doc = json_pack("{s:s, s:s}", "result", "permanent", "error",
		    st->reason ? st->reason : "failed");
		reply_json(t->pd, t->req, 502, doc);
		break;
	}
	free(t);
}

/*
 * Text for a field (jansson has checked the UTF-8): bounded, no control
 * characters (NUL included) except that a title, like an alert's, may
 * hold line breaks and tabs: a test shows what the plugin makes of them.
 */
static const char *
check_text(json_t *v, size_t max, int breaks)
{
	const char	*s;
	size_t		 i, len;

	if (!json_is_string(v))
		return "must be a string";
	s = json_string_value(v);
	len = json_string_length(v);
	if (len == 0 || len > max)
		return "must be 1..256 bytes (title 1..200)";
	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] < 0x20 || s[i] == 0x7f) &&
		    !(breaks && strchr("\r\n\t", s[i]) != NULL && s[i]))
			return "must not contain control characters";
	return NULL;
}

static void
test(struct pagerd *pd, struct http_req *req, const char *name)
{
	struct evbuffer			*body;
	struct pagerd_notification	 n;
	struct test_req			*t;
	json_error_t			 jerr;
	json_t				*doc, *v;
	const char			*data, *key, *why;
	char				 err[300], idem[40], summary[200];
	unsigned char			 rnd[8];
	size_t				 len, i;

	if (!notifier_exists(pd->notifiers, name)) {
		http_reply_error(pd, req, 404, "no such notifier", -1);
		return;
	}
	body = http_req_body(req);
	len = evbuffer_get_length(body);
	data = (const char *)evbuffer_pullup(body, -1);
	if ((doc = json_loadb(data != NULL ? data : "", len, 0, &jerr)) ==
	    NULL || !json_is_object(doc)) {
		snprintf(err, sizeof(err), "body: %s%s", doc == NULL ?
		    "invalid JSON: " : "must be a JSON object",
		    doc == NULL ? jerr.text : "");
		json_decref(doc);
		http_reply_error(pd, req, 400, err, -1);
		return;
	}
	json_object_foreach(doc, key, v) {
		if (strcmp(key, "address") == 0)
			why = check_text(v, TEST_ADDRESS_MAX, 0);
		else if (strcmp(key, "title") == 0)
			why = check_text(v, TEST_TITLE_MAX, 1);
		else
			why = "unknown field (known: address, title)";
		if (why != NULL) {
			snprintf(err, sizeof(err), "%.64s: %s", key, why);
			json_decref(doc);
			http_reply_error(pd, req, 400, err, -1);
			return;
		}
	}
	if (json_object_get(doc, "address") == NULL) {
		json_decref(doc);
		http_reply_error(pd, req, 400, "address: missing (where the "
		    "test goes: a phone number, an email address or an id, "
		    "as the notifier delivers)", -1);
		return;
	}
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		json_decref(doc);
		http_reply_error(pd, req, 503, "no randomness", -1);
		return;
	}
	strcpy(idem, "test:");
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(idem + 5 + 2 * i, 3, "%02x", rnd[i]);
	snprintf(summary, sizeof(summary), "A test of notifier %s, sent with "
	    "POST /api/v1/notifiers/%s/test. No action is needed.", name,
	    name);
	memset(&n, 0, sizeof(n));
	n.kind = PAGERD_NOTIFY_UPDATE;
	n.incident_id = 0;
	n.severity = "sev3";
	n.title = json_object_get(doc, "title") != NULL ?
	    json_string_value(json_object_get(doc, "title")) :
	    "Test notification from pagerd";
	n.summary = summary;
	n.status = "triggered";
	n.recipient.id = "test";
	n.recipient.name = "pagerd test";
	n.recipient.address = json_string_value(json_object_get(doc,
	    "address"));
	n.idempotency_key = idem;
	n.attempt = 1;
	if ((t = malloc(sizeof(*t))) == NULL) {
		json_decref(doc);
		http_reply_error(pd, req, 503, "out of memory", -1);
		return;
	}
	t->pd = pd;
	t->req = req;
	log_info("notifier %s: test notification %s requested", name, idem);
	if (notifier_send(pd->notifiers, name, &n, test_done, t) == -1) {
		free(t);
		http_reply_error(pd, req, 404, "no such notifier", -1);
	}
	json_decref(doc);
}

void
http_api_notifiers(struct pagerd *pd, struct http_req *req,
    const char *path)
{
	enum evhttp_cmd_type	 m = http_req_method(req);
	const char		*slash;
	char			 name[80];

	if (!http_auth_token(pd, req))
		return;
	if (*path == '\0' || strcmp(path, "/") == 0) {
		if (m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD) {
			http_reply_method(pd, req, "GET, HEAD", "GET");
			return;
		}
		list(pd, req);
		return;
	}
	if (*path != '/' || (slash = strchr(path + 1, '/')) == NULL ||
	    strcmp(slash, "/test") != 0 || slash - path - 1 <= 0 ||
	    (size_t)(slash - path - 1) >= sizeof(name)) {
		http_reply_error(pd, req, 404, "no such endpoint", -1);
		return;
	}
	memcpy(name, path + 1, (size_t)(slash - path - 1));
	name[slash - path - 1] = '\0';
	if (m != EVHTTP_REQ_POST) {
		http_reply_method(pd, req, "POST", "POST");
		return;
	}
	test(pd, req, name);
}
