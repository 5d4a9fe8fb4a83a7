/*
 * daemon/http_api.c — read endpoints: /healthz for load balancers and
 * systemd checks, /metrics for Prometheus, and the incident API that
 * pagerctl uses.
 */
#include "autoconf.h"

#include <errno.h>
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "config.h"
#include "http.h"
#include "ics.h"
#include "log.h"
#include "metrics.h"
#include "overrides.h"
#include "pagerd.h"
#include "rota.h"
#include "rota_check.h"
#include "rota_json.h"
#include "store.h"
#include "strbuf.h"

/*
 * Healthy when both Redis connections are ready: the intake's, and the
 * paging path's (an instance that accepts alerts but cannot page is not
 * healthy: a Redis at maxclients refuses just the second one).
 */
static int
redis_up(struct pagerd *pd)
{
	return store_ready(pd->store) && store_ready(pd->page_store);
}

void
http_api_healthz(struct pagerd *pd, struct http_req *req)
{
	struct evbuffer	*b = evbuffer_new();
	int		 up = redis_up(pd);

	if (b == NULL) {
		http_reply_error(pd, req, 503, "out of memory", -1);
		return;
	}
	if (up)
		evbuffer_add_printf(b, "{\"status\":\"ok\",\"redis\":\"up\"}\n");
	else {
		evbuffer_add_printf(b, "{\"status\":\"unavailable\","
		    "\"redis\":\"down\",\"reason\":\"");
		if (store_ready(pd->store)) {
			evbuffer_add_printf(b, "paging connection: ");
			http_json_escape(b, store_reason(pd->page_store));
		} else
			http_json_escape(b, store_reason(pd->store));
		evbuffer_add(b, "\"}\n", 3);
		evhttp_add_header(http_req_output_headers(req),
		    "Retry-After", "1");
	}
	http_reply_body(pd, req, up ? 200 : 503, "application/json", b);
	evbuffer_free(b);
}

void
http_api_metrics(struct pagerd *pd, struct http_req *req)
{
	struct evbuffer	*b;
	char		*text;
	size_t		 len;

	metrics_set(pd->metrics, "pagerd_redis_up", redis_up(pd),
	    0, NULL);
	if (pd->http != NULL)
		metrics_set(pd->metrics, "pagerd_http_connections",
		    http_open_connections(pd->http), 0, NULL);
	if ((text = metrics_render(pd->metrics, &len)) == NULL ||
	    (b = evbuffer_new()) == NULL) {
		free(text);
		http_reply_error(pd, req, 503, "out of memory", -1);
		return;
	}
	evbuffer_add(b, text, len);
	free(text);
	http_reply_body(pd, req, 200, "text/plain; version=0.0.4; charset=utf-8",
	    b);
	evbuffer_free(b);
}

/* A pending API read: the request to answer when the store replies. */
struct api_req {
	struct pagerd		*pd;
	struct http_req	*req;
};

static void
api_done(void *arg, int status, const char *json, size_t len)
{
	struct api_req	*ar = arg;

	if (status == 200)
		http_reply_raw_json(ar->pd, ar->req, 200, json, len);
	else if (status == 404)
		http_reply_error(ar->pd, ar->req, 404, "no such incident", -1);
	else
		http_reply_error(ar->pd, ar->req, 503,
		    "alert store unavailable", -1);
	free(ar);
}

static struct api_req *
api_req_new(struct pagerd *pd, struct http_req *req)
{
	struct api_req	*ar;

	if (!store_ready(pd->store)) {
		http_reply_error(pd, req, 503, store_reason(pd->store), -1);
		return NULL;
	}
	if ((ar = malloc(sizeof(*ar))) == NULL) {
		http_reply_error(pd, req, 503, "out of memory", -1);
		return NULL;
	}
	ar->pd = pd;
	ar->req = req;
	return ar;
}

void
http_api_incidents(struct pagerd *pd, struct http_req *req)
{
	const struct evhttp_uri	*uri = http_req_uri(req);
	struct evkeyvalq	 q;
	struct evkeyval		*kv;
	struct api_req		*ar;
	const char		*status = NULL, *qs;
	char			 statusbuf[16];
	long			 limit = 50;
	char			*end;

	if (!http_auth_token(pd, req))
		return;
	TAILQ_INIT(&q);
	if ((qs = evhttp_uri_get_query(uri)) != NULL &&
	    evhttp_parse_query_str(qs, &q) == -1) {
		http_reply_error(pd, req, 400, "malformed query string", -1);
		return;
	}
	TAILQ_FOREACH(kv, &q, next) {
		if (strcmp(kv->key, "status") == 0) {
			if (strcmp(kv->value, "triggered") != 0 &&
			    strcmp(kv->value, "resolved") != 0 &&
			    strcmp(kv->value, "all") != 0) {
				evhttp_clear_headers(&q);
				http_reply_error(pd, req, 400, "status: must be "
				    "triggered, resolved or all", -1);
				return;
			}
			snprintf(statusbuf, sizeof(statusbuf), "%s", kv->value);
			status = strcmp(statusbuf, "all") ? statusbuf : NULL;
		} else if (strcmp(kv->key, "limit") == 0) {
			errno = 0;
			limit = strtol(kv->value, &end, 10);
			if (errno || *end != '\0' || limit < 1 ||
			    limit > 1000) {
				evhttp_clear_headers(&q);
				http_reply_error(pd, req, 400,
				    "limit: must be an integer 1..1000", -1);
				return;
			}
		} else {
			char msg[128];

			snprintf(msg, sizeof(msg), "%.64s: unknown parameter",
			    kv->key);
			evhttp_clear_headers(&q);
			http_reply_error(pd, req, 400, msg, -1);
			return;
		}
	}
	evhttp_clear_headers(&q);
	if ((ar = api_req_new(pd, req)) != NULL)
		store_list_incidents(pd->store, status, limit, api_done, ar);
}

void
http_api_incident(struct pagerd *pd, struct http_req *req,
    const char *id)
{
	struct api_req	*ar;
	long long	 n;
	char		*end;

	if (!http_auth_token(pd, req))
		return;
	errno = 0;
	n = strtoll(id, &end, 10);
	if (errno || end == id || *end != '\0' || n < 1) {
		http_reply_error(pd, req, 404, "no such incident", -1);
		return;
	}
	if ((ar = api_req_new(pd, req)) != NULL)
		store_get_incident(pd->store, n, api_done, ar);
}

/* 200 with root (NULL: out of memory, 503), which this consumes. */
static void
reply_json(struct pagerd *pd, struct http_req *req, json_t *root)
{
	char	*dump;

	dump = root != NULL ? json_dumps(root, JSON_COMPACT) : NULL;
	json_decref(root);
	if (dump == NULL) {
		http_reply_error(pd, req, 503, "out of memory", -1);
		return;
	}
	http_reply_raw_json(pd, req, 200, dump, strlen(dump));
	free(dump);
}

/*
 * GET /api/v1/oncall?rota=R&at=T: who is on call, from the running
 * config, as lib/rota_json.h renders it (pagerctl oncall --json reading
 * the files prints the same). at: RFC 3339, or "YYYY-MM-DD HH:MM" on each
 * rota's wall clock; default now. Needs no Redis: the rotas live in the
 * config, the overrides from the API in pd->rota_overrides' copy.
 */
void
http_api_oncall(struct pagerd *pd, struct http_req *req)
{
	const struct evhttp_uri	*uri = http_req_uri(req);
	struct evkeyvalq	 q;
	struct evkeyval		*kv;
	const char		*rota = NULL, *at = NULL, *qs, *err;
	char			 msg[128];
	json_t			*root;

	if (!http_auth_token(pd, req))
		return;
	TAILQ_INIT(&q);
	if ((qs = evhttp_uri_get_query(uri)) != NULL &&
	    evhttp_parse_query_str(qs, &q) == -1) {
		http_reply_error(pd, req, 400, "malformed query string", -1);
		return;
	}
	TAILQ_FOREACH(kv, &q, next) {
		if (strcmp(kv->key, "rota") == 0)
			rota = kv->value;
		else if (strcmp(kv->key, "at") == 0)
			at = kv->value;
		else {
			snprintf(msg, sizeof(msg), "%.64s: unknown parameter",
			    kv->key);
			evhttp_clear_headers(&q);
			http_reply_error(pd, req, 400, msg, -1);
			return;
		}
	}
	root = rota_json_oncall_with(pd->cfg->rotas,
	    overrides_extra(pd->rota_overrides), rota, at, pagerd_now_ms(),
	    &err);
	evhttp_clear_headers(&q);	/* rota and at point into q */
	if (root == NULL) {
		if (strcmp(err, "no such rota") == 0)
			http_reply_error(pd, req, 404, err, -1);
		else if (strncmp(err, "at:", 3) == 0)
			http_reply_error(pd, req, 400, err, -1);
		else
			http_reply_error(pd, req, 503, err, -1);
		return;
	}
	reply_json(pd, req, root);
}

/*
 * The start of a GET on a rota: the token, rota id (NULL: none; *r set
 * when r is not NULL) and the query string into q. 1 when fine (clear
 * q); else 0, answered.
 */
static int
rota_query(struct pagerd *pd, struct http_req *req, const char *id,
    const struct rota **r, struct evkeyvalq *q)
{
	const struct evhttp_uri	*uri = http_req_uri(req);
	const struct rota	*found = NULL;
	const char		*qs;

	if (!http_auth_token(pd, req))
		return 0;
	if (id != NULL && (pd->cfg->rotas == NULL ||
	    (found = rota_set_find(pd->cfg->rotas, id)) == NULL)) {
		http_reply_error(pd, req, 404, "no such rota", -1);
		return 0;
	}
	if (r != NULL)
		*r = found;
	TAILQ_INIT(q);
	if ((qs = evhttp_uri_get_query(uri)) != NULL &&
	    evhttp_parse_query_str(qs, q) == -1) {
		http_reply_error(pd, req, 400, "malformed query string", -1);
		return 0;
	}
	return 1;
}

/* ?days=v: *days, or a message in msg when v is not 1..max. */
static void
query_days(const char *v, long max, long *days, char *msg, size_t len)
{
	char	*end;

	errno = 0;
	*days = strtol(v, &end, 10);
	if (errno || *v == '\0' || *end != '\0' || *days < 1 || *days > max)
		snprintf(msg, len, "days: must be an integer 1..%ld", max);
}

/*
 * GET /api/v1/rotas/R/schedule?from=...&days=N: the JSON of pagerctl
 * schedule --json (lib/rota_json.h), so the tool can ask the daemon;
 * .../fairness (fairness set) the same for pagerctl fairness --json.
 */
static void
api_schedule(struct pagerd *pd, struct http_req *req,
    const char *id, int fairness)
{
	const struct rota_extra	*ex = overrides_extra(pd->rota_overrides);
	const struct rota	*r;
	struct evkeyvalq	 q;
	struct evkeyval		*kv;
	const char		*from = NULL;
	char			 msg[128], *dump;
	long			 days = 14;
	int64_t			 from_ms, to_ms;
	json_t			*root;

	if (!rota_query(pd, req, id, &r, &q))
		return;
	msg[0] = '\0';
	TAILQ_FOREACH(kv, &q, next) {
		if (strcmp(kv->key, "from") == 0)
			from = kv->value;
		else if (strcmp(kv->key, "days") == 0)
			query_days(kv->value, 3660, &days, msg, sizeof(msg));
		else
			snprintf(msg, sizeof(msg), "%.64s: unknown parameter",
			    kv->key);
	}
	if (msg[0] == '\0' && rota_json_window(r, from, days,
	    pagerd_now_ms(), &from_ms, &to_ms) == -1)
		snprintf(msg, sizeof(msg), "from: must be \"YYYY-MM-DD\", "
		    "\"YYYY-MM-DD HH:MM\" or RFC 3339");
	evhttp_clear_headers(&q);	/* from points into q */
	if (msg[0] != '\0') {
		http_reply_error(pd, req, 400, msg, -1);
		return;
	}
	root = fairness ? rota_json_fairness_with(r, ex, from_ms, to_ms) :
	    rota_json_schedule_with(r, ex, from_ms, to_ms);
	if (root == NULL ||
	    (dump = json_dumps(root, JSON_COMPACT)) == NULL) {
		json_decref(root);
		http_reply_error(pd, req, 503, "out of memory", -1);
		return;
	}
	json_decref(root);
	http_reply_raw_json(pd, req, 200, dump, strlen(dump));
	free(dump);
}

/*
 * The API token of a feed: "Authorization: Bearer" as everywhere, or
 * ?token= because calendar apps subscribe to a bare URL and cannot send
 * headers. Such a URL is a credential: it lands in the calendar app and
 * in proxies' logs, so give feeds a token of their own (tokens can be
 * revoked one by one). 1 when fine; else answers 401 or 400.
 */
static int
feed_auth(struct pagerd *pd, struct http_req *req)
{
	const struct evhttp_uri	*uri = http_req_uri(req);
	struct evkeyvalq	 q;
	struct evkeyval		*kv;
	const char		*qs;
	int			 ok = -1;

	if (http_bearer(req) != NULL)
		return http_auth_token(pd, req);
	TAILQ_INIT(&q);
	if ((qs = evhttp_uri_get_query(uri)) != NULL &&
	    evhttp_parse_query_str(qs, &q) == -1) {
		http_reply_error(pd, req, 400, "malformed query string", -1);
		return 0;
	}
	TAILQ_FOREACH(kv, &q, next)
		if (strcmp(kv->key, "token") == 0)
			ok = config_find_token(pd->cfg, kv->value) != NULL;
	evhttp_clear_headers(&q);
	if (ok == 1)
		return 1;
	http_reply_error(pd, req, 401, ok == 0 ? "unknown API token" :
	    "missing API token (Authorization: Bearer TOKEN, or ?token=)",
	    -1);
	return 0;
}

/* A feed of rota (NULL: all) for person (NULL: anyone), named name. */
static void
api_feed(struct pagerd *pd, struct http_req *req, const char *rota,
    const char *person, const char *name)
{
	struct strbuf	 b = STRBUF_INIT;
	struct evbuffer	*out;

	if (!feed_auth(pd, req))
		return;
	if (ics_feed_with(&b, pd->cfg->rotas,
	    overrides_extra(pd->rota_overrides), rota, person, name,
	    pagerd_now_ms()) == -1) {
		free(b.s);
		http_reply_error(pd, req, 404, rota ? "no such rota" :
		    "no such person", -1);
		return;
	}
	if (b.oom || (out = evbuffer_new()) == NULL) {
		free(b.s);
		http_reply_error(pd, req, 503, "out of memory", -1);
		return;
	}
	evbuffer_add(out, b.s, b.len);
	free(b.s);
	http_reply_body(pd, req, 200, "text/calendar; charset=utf-8", out);
	evbuffer_free(out);
}

static const char *const check_kinds[] = {
	[ROTA_WARN_GAP] = "gap",
	[ROTA_WARN_OVERRIDE_EXPIRED] = "override_expired",
	[ROTA_WARN_OVERRIDE_OVERLAP] = "override_overlap",
	[ROTA_WARN_DST_SHIFT] = "dst"
};

struct check_out {
	const struct rota_set	*set;
	json_t			*list;
	int			 oom;
};

static void
check_found(void *arg, const struct rota_finding *f)
{
	struct check_out	*c = arg;
	const struct rota	*r = rota_set_find(c->set, f->rota);
	json_t			*o;

	o = json_pack("{s:s, s:o, s:s, s:s}", "rota", f->rota,
	    "level", f->level > 0 ? json_integer(f->level) : json_null(),
	    "kind", check_kinds[f->kind], "message", f->msg);
	if (o == NULL || rota_json_set_time(o, r, "from", "from_local",
	    f->from_ms) == -1 || rota_json_set_time(o, r, "until",
	    "until_local", f->until_ms) == -1 ||
	    json_array_append_new(c->list, o) == -1) {
		json_decref(o);
		c->oom = 1;
	}
}

/*
 * GET /api/v1/rotas/check?days=N and .../rotas/R/check: the warnings of
 * pagerd -t (lib/rota_check.h) as this daemon sees the rotas, with the
 * overrides made through the API: one may close a gap, or overlap one
 * from the config. id NULL: every rota.
 */
static void
api_check(struct pagerd *pd, struct http_req *req, const char *id)
{
	struct check_out	 c = { pd->cfg->rotas, NULL, 0 };
	struct evkeyvalq	 q;
	struct evkeyval		*kv;
	char			 msg[128];
	long			 days = 90;	/* as pagerd -t */
	json_t			*root;

	if (!rota_query(pd, req, id, NULL, &q))
		return;
	msg[0] = '\0';
	TAILQ_FOREACH(kv, &q, next) {
		if (strcmp(kv->key, "days") == 0)
			query_days(kv->value, 366, &days, msg, sizeof(msg));
		else
			snprintf(msg, sizeof(msg), "%.64s: unknown parameter",
			    kv->key);
	}
	evhttp_clear_headers(&q);
	if (msg[0] != '\0') {
		http_reply_error(pd, req, 400, msg, -1);
		return;
	}
	if ((c.list = json_array()) == NULL) {
		http_reply_error(pd, req, 503, "out of memory", -1);
		return;
	}
	if (c.set != NULL)
		(void)rota_check_with(c.set,
		    overrides_extra(pd->rota_overrides), id, pagerd_now_ms(),
		    (int)days, check_found, &c);
	root = c.oom ? NULL : json_pack("{s:O}", "warnings", c.list);
	json_decref(c.list);
	reply_json(pd, req, root);
}

/* path: what follows "/api/v1/rotas/": "R/schedule", "R/fairness" or
 * "R.ics". */
void
http_api_rotas(struct pagerd *pd, struct http_req *req,
    const char *path)
{
	char	 id[128];
	size_t	 n = strcspn(path, "/.");

	if (strcmp(path, "check") == 0) {
		api_check(pd, req, NULL);
		return;
	}
	if (n == 0 || n >= sizeof(id)) {
		http_reply_error(pd, req, 404, "no such endpoint", -1);
		return;
	}
	memcpy(id, path, n);
	id[n] = '\0';
	if (strcmp(path + n, "/schedule") == 0)
		api_schedule(pd, req, id, 0);
	else if (strcmp(path + n, "/fairness") == 0)
		api_schedule(pd, req, id, 1);
	else if (strcmp(path + n, ".ics") == 0)
		api_feed(pd, req, id, NULL, id);
	else if (strcmp(path + n, "/check") == 0)
		api_check(pd, req, id);
	else
		http_reply_error(pd, req, 404, "no such endpoint", -1);
}

/* path: what follows "/api/v1/people/": "ID.ics". */
void
http_api_people(struct pagerd *pd, struct http_req *req,
    const char *path)
{
	char	 id[128];
	size_t	 n = strcspn(path, "/.");

	if (n == 0 || n >= sizeof(id) || strcmp(path + n, ".ics") != 0) {
		http_reply_error(pd, req, 404, "no such endpoint", -1);
		return;
	}
	memcpy(id, path, n);
	id[n] = '\0';
	api_feed(pd, req, NULL, id, id);
}
