/*
 * daemon/silences.c — the silence API and the in-memory copy of the
 * active silences (see silences.h). Redis is the truth; the copy only
 * saves intake a round trip per alert.
 */
#include "autoconf.h"

#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "alert.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "pagerd.h"
#include "silence.h"
#include "silences.h"
#include "store.h"
#include "timefmt.h"

#define SILENCES_POLL_MS	500

struct silences {
	struct pagerd	*pd;
	struct event	*ev;
	char		 version[32];	/* "" until the first load */
	struct silence	*v;
	size_t		 n;
	int		 stopped;
};

static void
poll_arm(struct silences *sl)
{
	struct timeval	 tv = { 0, SILENCES_POLL_MS * 1000 };

	if (!sl->stopped)
		evtimer_add(sl->ev, &tv);
}

static void
set_free(struct silence *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		silence_clear(&v[i]);
	free(v);
}

/* Replace the copy with the list in doc; the old one stays on failure. */
static void
load(struct silences *sl, json_t *doc)
{
	json_t		*arr = json_object_get(doc, "silences"), *o;
	const char	*ver = json_string_value(json_object_get(doc,
			    "version"));
	struct silence	*v;
	size_t		 i, n = 0;
	char		 err[200];

	if (!json_is_array(arr) || ver == NULL)
		return;
	if ((v = calloc(json_array_size(arr) + 1, sizeof(*v))) == NULL)
		return;
	json_array_foreach(arr, i, o) {
		if (silence_from_stored(o, &v[n], err, sizeof(err)) == -1)
			log_warnx("silences: skipping one: %s", err);
		else
			n++;
	}
	set_free(sl->v, sl->n);
	sl->v = v;
	sl->n = n;
	snprintf(sl->version, sizeof(sl->version), "%s", ver);
	log_debug("silences: %zu loaded (version %s)", n, ver);
}

static void
polled(void *arg, int status, const char *json, size_t len)
{
	struct silences	*sl = arg;
	json_t		*doc;

	if (status == 200 && (doc = json_loadb(json, len, 0, NULL)) != NULL) {
		if (!json_is_true(json_object_get(doc, "unchanged")))
			load(sl, doc);
		json_decref(doc);
	}
	poll_arm(sl);
}

/*
 * Also runs right after each (re)connect, as the store answers once it
 * is ready: a silence made while this instance was away applies at once.
 */
static void
poll_cb(evutil_socket_t fd, short what, void *arg)
{
	struct silences	*sl = arg;

	if (sl->stopped)
		return;
	if (!store_ready(sl->pd->store)) {
		sl->version[0] = '\0';	/* reload everything once back */
		poll_arm(sl);
		return;
	}
	store_silence_list(sl->pd->store, pagerd_now_ms(), 0, sl->version,
	    polled, sl);
}

struct silences *
silences_start(struct pagerd *pd)
{
	struct silences	*sl;
	struct timeval	 tv = { 0, 0 };

	if ((sl = calloc(1, sizeof(*sl))) == NULL)
		return NULL;
	sl->pd = pd;
	if ((sl->ev = evtimer_new(pd->base, poll_cb, sl)) == NULL) {
		free(sl);
		return NULL;
	}
	evtimer_add(sl->ev, &tv);
	return sl;
}

void
silences_stop(struct silences *sl)
{
	if (sl == NULL)
		return;
	sl->stopped = 1;
	evtimer_del(sl->ev);
}

void
silences_free(struct silences *sl)
{
	if (sl == NULL)
		return;
	event_free(sl->ev);
	set_free(sl->v, sl->n);
	free(sl);
}

int
silences_mark(struct silences *sl, struct alert *a, int64_t now_ms)
{
	char	*ids = NULL, *p;
	size_t	 i, len = 0, idl;

	free(a->silenced);
	a->silenced = NULL;
	if (sl == NULL || a->status != ALERT_FIRING)
		return 0;
	for (i = 0; i < sl->n; i++) {
		if (!silence_matches(&sl->v[i], a->labels, a->nlabels, now_ms))
			continue;
		idl = strlen(sl->v[i].id);
		if ((p = realloc(ids, len + idl + 2)) == NULL) {
			free(ids);
			return -1;
		}
		ids = p;
		if (len > 0)
			ids[len++] = ',';
		memcpy(ids + len, sl->v[i].id, idl + 1);
		len += idl;
	}
	a->silenced = ids;
	return 0;
}

/* ------------------------------------------------------------------ API */

struct sreq {
	struct pagerd		*pd;
	struct http_req	*req;
};

static struct sreq *
sreq_new(struct pagerd *pd, struct http_req *req)
{
	struct sreq	*r;

	if (!store_ready(pd->store)) {
		http_reply_error(pd, req, 503, store_reason(pd->store), -1);
		return NULL;
	}
	if ((r = malloc(sizeof(*r))) == NULL) {
		http_reply_error(pd, req, 503, "out of memory", -1);
		return NULL;
	}
	r->pd = pd;
	r->req = req;
	return r;
}

static int
set_time(json_t *o, const char *key, int64_t ms)
{
	char	 buf[40];

	time_format_rfc3339(ms, buf, sizeof(buf));
	return json_object_set_new(o, key, json_string(buf));
}

/*
 * The stored form (times in ms) as the API shows it: RFC 3339 times and
 * a status.state as in Alertmanager's API v2. A new object, or NULL.
 */
static json_t *
api_form(json_t *st, int64_t now_ms)
{
	json_t		*o;
	int64_t		 starts, ends;
	const char	*state;

	starts = json_integer_value(json_object_get(st, "starts_at"));
	ends = json_integer_value(json_object_get(st, "ends_at"));
	state = now_ms < starts ? "pending" : now_ms < ends ? "active" :
	    "expired";
	if ((o = json_pack("{s:O, s:O, s:O, s:O, s:{s:s}}",
	    "id", json_object_get(st, "id"),
	    "matchers", json_object_get(st, "matchers"),
	    "created_by", json_object_get(st, "created_by"),
	    "comment", json_object_get(st, "comment"),
	    "status", "state", state)) == NULL)
		return NULL;
	if (set_time(o, "starts_at", starts) == -1 ||
	    set_time(o, "ends_at", ends) == -1 ||
	    set_time(o, "updated_at", json_integer_value(json_object_get(st,
	    "updated_at"))) == -1) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* A store answer: fail with its status, else the parsed document. */
static json_t *
answer(struct sreq *r, int status, const char *json, size_t len)
{
	json_t	*doc = NULL;

	if (status == 404)
		http_reply_error(r->pd, r->req, 404, "no such silence", -1);
	else if (status != 200 ||
	    (doc = json_loadb(json, len, 0, NULL)) == NULL)
		http_reply_error(r->pd, r->req, 503,
		    "alert store unavailable", -1);
	return doc;
}

static void
one_done(void *arg, int status, const char *json, size_t len)
{
	struct sreq	*r = arg;
	json_t		*doc;

	if ((doc = answer(r, status, json, len)) != NULL) {
		http_reply_json(r->pd, r->req, 200, api_form(doc,
		    pagerd_now_ms()));
		json_decref(doc);
	}
	free(r);
}

static void
list_done(void *arg, int status, const char *json, size_t len)
{
	struct sreq	*r = arg;
	json_t		*doc, *arr, *out, *o;
	size_t		 i;
	int64_t		 now = pagerd_now_ms();

	if ((doc = answer(r, status, json, len)) == NULL) {
		free(r);
		return;
	}
	arr = json_object_get(doc, "silences");
	if ((out = json_array()) != NULL)
		json_array_foreach(arr, i, o)
			if (json_array_append_new(out, api_form(o, now)) == -1) {
				json_decref(out);
				out = NULL;
				break;
			}
	json_decref(doc);
	http_reply_json(r->pd, r->req, 200, out == NULL ? NULL :
	    json_pack("{s:o}", "silences", out));
	free(r);
}

static void
add_done(void *arg, int status, const char *json, size_t len)
{
	struct sreq	*r = arg;

	if (status == 200)
		http_reply_raw_json(r->pd, r->req, 201, json, len);
	else
		http_reply_error(r->pd, r->req, 503,
		    "alert store unavailable", -1);
	free(r);
}

static void
silence_post(struct pagerd *pd, struct http_req *req)
{
	struct evbuffer	*body = http_req_body(req);
	struct silence	 s;
	struct sreq	*r;
	json_error_t	 jerr;
	json_t		*doc, *m;
	char		 err[300], *mtext;
	const char	*data;
	size_t		 len = evbuffer_get_length(body);
	int64_t		 now = pagerd_now_ms();

	if (len > pd->cfg->http_max_body) {
		http_reply_error(pd, req, 413, "body too large", -1);
		return;
	}
	data = (const char *)evbuffer_pullup(body, -1);
	if ((doc = json_loadb(data != NULL ? data : "", len, 0, &jerr)) ==
	    NULL) {
		snprintf(err, sizeof(err), "body: invalid JSON: %s", jerr.text);
		http_reply_error(pd, req, 400, err, -1);
		return;
	}
	if (silence_from_request(doc, now, pd->cfg->silences_max_duration_ms,
	    &s, err, sizeof(err)) == -1) {
		json_decref(doc);
		http_reply_error(pd, req, 400, err, -1);
		return;
	}
	json_decref(doc);
	mtext = NULL;
	if ((m = silence_matchers_json(&s.matchers)) != NULL)
		mtext = json_dumps(m, JSON_COMPACT);
	json_decref(m);
	if (mtext == NULL) {
		silence_clear(&s);
		http_reply_error(pd, req, 503, "out of memory", -1);
		return;
	}
	if ((r = sreq_new(pd, req)) != NULL)
		store_silence_add(pd->store, now, s.starts_at_ms, s.ends_at_ms,
		    s.created_by, s.comment, mtext, add_done, r);
	free(mtext);
	silence_clear(&s);
}

void
http_api_silences(struct pagerd *pd, struct http_req *req)
{
	const struct evhttp_uri	*uri = http_req_uri(req);
	enum evhttp_cmd_type	 m = http_req_method(req);
	struct evkeyvalq	 q;
	struct evkeyval		*kv;
	struct sreq		*r;
	const char		*qs;
	char			 msg[128];
	int			 all = 0;

	if (!http_auth_token(pd, req))
		return;
	if (m == EVHTTP_REQ_POST) {
		silence_post(pd, req);
		return;
	}
	if (m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD) {
		evhttp_add_header(http_req_output_headers(req),
		    "Allow", "GET, HEAD, POST");
		http_reply_error(pd, req, 405,
		    "method not allowed: use GET or POST", -1);
		return;
	}
	TAILQ_INIT(&q);
	if ((qs = evhttp_uri_get_query(uri)) != NULL &&
	    evhttp_parse_query_str(qs, &q) == -1) {
		http_reply_error(pd, req, 400, "malformed query string", -1);
		return;
	}
	TAILQ_FOREACH(kv, &q, next) {
		if (strcmp(kv->key, "all") == 0 &&
		    (strcmp(kv->value, "1") == 0 ||
		    strcmp(kv->value, "true") == 0))
			all = 1;
		else if (strcmp(kv->key, "all") == 0 &&
		    (strcmp(kv->value, "0") == 0 ||
		    strcmp(kv->value, "false") == 0))
			all = 0;
		else {
			snprintf(msg, sizeof(msg), "%.64s: unknown parameter "
			    "or bad value (all=1 lists expired ones too)",
			    kv->key);
			evhttp_clear_headers(&q);
			http_reply_error(pd, req, 400, msg, -1);
			return;
		}
	}
	evhttp_clear_headers(&q);
	if ((r = sreq_new(pd, req)) != NULL)
		store_silence_list(pd->store, pagerd_now_ms(), all, NULL,
		    list_done, r);
}

void
http_api_silence(struct pagerd *pd, struct http_req *req,
    const char *id)
{
	enum evhttp_cmd_type	 m = http_req_method(req);
	struct sreq		*r;

	if (!http_auth_token(pd, req))
		return;
	/* The id becomes part of a Redis key: digits only. */
	if (id[0] == '\0' || strlen(id) > 20 ||
	    strspn(id, "0123456789") != strlen(id)) {
		http_reply_error(pd, req, 404, "no such silence", -1);
		return;
	}
	if (m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD &&
	    m != EVHTTP_REQ_DELETE) {
		evhttp_add_header(http_req_output_headers(req),
		    "Allow", "GET, HEAD, DELETE");
		http_reply_error(pd, req, 405,
		    "method not allowed: use GET or DELETE", -1);
		return;
	}
	if ((r = sreq_new(pd, req)) == NULL)
		return;
	if (m == EVHTTP_REQ_DELETE)
		store_silence_expire(pd->store, pagerd_now_ms(), id, one_done,
		    r);
	else
		store_silence_get(pd->store, id, one_done, r);
}
