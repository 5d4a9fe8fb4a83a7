/*
 * daemon/overrides_api.c — /api/v1/rotas/R/overrides: list (the
 * config's and the API's), add, delete. Checks are lib/override.c's;
 * storage and the clash check across instances are in the scripts of
 * overrides_lua.c; every change refreshes this instance's copy before
 * the answer goes out, so a client that reads right after writing sees
 * its change.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <hiredis/hiredis.h>
#include <jansson.h>

#include "config.h"
#include "http.h"
#include "override.h"
#include "overrides.h"
#include "overrides_lua.h"
#include "pagerd.h"
#include "rota.h"
#include "rota_json.h"
#include "store.h"

/* A request waiting for Redis (and then for the refresh). */
struct oreq {
	struct pagerd		*pd;
	struct http_req	*req;
	char			 rota[OVERRIDE_ID_MAX];
	int			 code;		/* to answer with */
	json_t			*body;		/* the answer */
};

static struct oreq *
oreq_new(struct pagerd *pd, struct http_req *req, const char *rota)
{
	struct oreq	*o;

	if (!store_ready(pd->store)) {
		http_reply_error(pd, req, 503, store_reason(pd->store), -1);
		return NULL;
	}
	if ((o = calloc(1, sizeof(*o))) == NULL) {
		http_reply_error(pd, req, 503, "out of memory", -1);
		return NULL;
	}
	o->pd = pd;
	o->req = req;
	snprintf(o->rota, sizeof(o->rota), "%s", rota);
	return o;
}

/* The rota of the request, looked up again: a reload may have come. */
static const struct rota *
oreq_rota(const struct oreq *o)
{
	return o->pd->cfg->rotas != NULL ?
	    rota_set_find(o->pd->cfg->rotas, o->rota) : NULL;
}

static const char *
elem(const redisReply *r, size_t i)
{
	return i < r->elements && r->element[i]->type == REDIS_REPLY_STRING ?
	    r->element[i]->str : "";
}

static long long
elem_num(const redisReply *r, size_t i)
{
	return strtoll(elem(r, i), NULL, 10);
}

/* The JSON of the stored fields at r->element[off...] (OVF_* order). */
static json_t *
stored_json(const struct rota *r, const redisReply *h, size_t off)
{
	json_t	*o;

	o = override_json(r, elem(h, off + OVF_ID), "api",
	    elem(h, off + OVF_PERSON), elem(h, off + OVF_COVERS),
	    (int)elem_num(h, off + OVF_LEVEL), elem_num(h, off + OVF_FROM),
	    elem_num(h, off + OVF_UNTIL), elem(h, off + OVF_NOTE));
	if (o != NULL && (json_object_set_new(o, "created_by",
	    json_string(elem(h, off + OVF_CREATED_BY))) == -1 ||
	    json_object_set_new(o, "created_at",
	    json_integer(elem_num(h, off + OVF_CREATED_AT))) == -1)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
 * Run lua with ARGV prefix, now_ms, args[0..n) for o; cb gets the
 * reply. When out of memory, answers 503 and frees o.
 */
static void
run(struct oreq *o, struct store_lua *lua, int64_t now_ms, const char **args,
    int n, store_reply_cb *cb)
{
	const char	*argv[16];
	char		 now[24];
	int		 i;

	snprintf(now, sizeof(now), "%lld", (long long)now_ms);
	argv[0] = store_prefix(o->pd->store);
	argv[1] = now;
	for (i = 0; i < n && i < 14; i++)
		argv[2 + i] = args[i];
	if (store_eval(o->pd->store, lua, i + 2, argv, NULL, cb, o) == -1) {
		http_reply_error(o->pd, o->req, 503, "out of memory", -1);
		json_decref(o->body);
		free(o);
	}
}

/* A config override of r as the API shows it. */
static json_t *
config_json(const struct rota *r, const struct rota_set *set,
    const struct rota_override *v)
{
	return override_json(r, NULL, "config",
	    rota_set_person(set, v->person)->id, v->covers >= 0 ?
	    rota_set_person(set, v->covers)->id : NULL, v->level, v->from_ms,
	    v->until_ms, v->note);
}

/* "bram covering chloe" / "bram taking level 2 (secondary)". */
static void
describe(const struct rota *r, const char *person, const char *covers,
    int level, int64_t from_ms, int64_t until_ms, char *buf, size_t len)
{
	char	 f[48], u[48], what[160];

	if (covers != NULL && covers[0] != '\0')
		snprintf(what, sizeof(what), "%s covering %s", person, covers);
	else
		snprintf(what, sizeof(what), "%s taking level %d (%s)", person,
		    level, rota_level_name(r, level) ?
		    rota_level_name(r, level) : "");
	rota_json_local(r, from_ms, f, sizeof(f));
	rota_json_local(r, until_ms, u, sizeof(u));
	snprintf(buf, len, "%s from %s until %s", what, f, u);
}

/* The copy is fresh: answer. */
static void
answer_now(void *arg)
{
	struct oreq	*o = arg;

	http_reply_json(o->pd, o->req, o->code, o->body);
	free(o);
}

static void
added(void *arg, const struct redisReply *r)
{
	struct oreq		*o = arg;
	const struct rota	*rota = oreq_rota(o);
	const char		*what;
	char			 msg[400];
	json_t			*doc;

	what = r != NULL && r->type == REDIS_REPLY_ARRAY ? elem(r, 0) : "";
	if (strcmp(what, "ok") == 0) {
		o->code = 201;
		doc = o->body;
		if (json_object_set_new(doc, "id",
		    json_string(elem(r, 1))) == -1) {
			json_decref(doc);
			o->body = NULL;
		}
		overrides_refresh(o->pd->rota_overrides, answer_now, o);
		return;
	}
	json_decref(o->body);
	if (strcmp(what, "clash") == 0 && rota != NULL) {
		describe(rota, elem(r, 1 + OVF_PERSON), elem(r, 1 + OVF_COVERS),
		    (int)elem_num(r, 1 + OVF_LEVEL), elem_num(r, 1 + OVF_FROM),
		    elem_num(r, 1 + OVF_UNTIL), msg, sizeof(msg));
		doc = json_object();
		json_object_set_new(doc, "conflict", stored_json(rota, r, 1));
		json_object_set_new(doc, "error", json_sprintf("overlaps "
		    "override %s: %s", elem(r, 1 + OVF_ID), msg));
		http_reply_json(o->pd, o->req, 409, doc);
	} else if (strcmp(what, "full") == 0) {
		snprintf(msg, sizeof(msg), "rota %s already has %d live "
		    "overrides: delete some", o->rota, OVERRIDES_MAX);
		http_reply_error(o->pd, o->req, 409, msg, -1);
	} else
		http_reply_error(o->pd, o->req, 503, "alert store unavailable",
		    -1);
	free(o);
}

/* 1 (and 409 answered) when q clashes with a live config override. */
static int
config_clash(struct pagerd *pd, struct http_req *req,
    const struct rota *r, const struct override_req *q, int64_t now_ms)
{
	const struct rota_set		*set = pd->cfg->rotas;
	const struct rota_override	*v;
	struct rota_override		 mine;
	json_t				*doc;
	char				 msg[400];
	size_t				 i, n;

	if (override_compile(set, q->person, q->covers, q->level,
	    q->from_ms, q->until_ms, NULL, &mine) == -1)
		return 0;	/* cannot happen: override_parse checked */
	v = rota_overrides(r, &n);
	for (i = 0; i < n; i++) {
		if (v[i].until_ms <= now_ms || !override_overlaps(&mine, &v[i]))
			continue;
		describe(r, rota_set_person(set, v[i].person)->id,
		    v[i].covers >= 0 ? rota_set_person(set, v[i].covers)->id :
		    NULL, v[i].level, v[i].from_ms, v[i].until_ms, msg,
		    sizeof(msg));
		doc = json_object();
		json_object_set_new(doc, "conflict",
		    config_json(r, set, &v[i]));
		json_object_set_new(doc, "error", json_sprintf("overlaps an "
		    "override in the rota file: %s", msg));
		http_reply_json(pd, req, 409, doc);
		return 1;
	}
	return 0;
}

static void
add(struct pagerd *pd, struct http_req *req, const struct rota *r)
{
	struct evbuffer		*in = http_req_body(req);
	const struct api_token	*tok;
	struct override_req	 q;
	struct oreq		*o;
	json_error_t		 jerr;
	json_t			*doc;
	const char		*data, *args[10];
	char			 err[300], lvl[12], from[24], until[24];
	char			 grace[24], max[24];
	size_t			 len = evbuffer_get_length(in);
	int64_t			 now_ms = pagerd_now_ms();

	if (len > pd->cfg->http_max_body) {
		http_reply_error(pd, req, 413, "body too large", -1);
		return;
	}
	data = (const char *)evbuffer_pullup(in, -1);
	if ((doc = json_loadb(data != NULL ? data : "", len, 0, &jerr)) ==
	    NULL) {
		snprintf(err, sizeof(err), "body: invalid JSON: %s", jerr.text);
		http_reply_error(pd, req, 400, err, -1);
		return;
	}
	if (override_parse(doc, pd->cfg->rotas, r, now_ms, &q, err,
	    sizeof(err)) == -1) {
		json_decref(doc);
		http_reply_error(pd, req, 400, err, -1);
		return;
	}
	json_decref(doc);
	if (config_clash(pd, req, r, &q, now_ms) ||
	    (o = oreq_new(pd, req, rota_id(r))) == NULL)
		return;
	tok = config_find_token(pd->cfg, http_bearer(req));
	if ((o->body = override_json(r, NULL, "api", q.person, q.covers,
	    q.level, q.from_ms, q.until_ms, q.note)) == NULL ||
	    json_object_set_new(o->body, "created_by",
	    json_string(tok->name)) == -1 ||
	    json_object_set_new(o->body, "created_at",
	    json_integer(now_ms)) == -1) {
		json_decref(o->body);
		free(o);
		http_reply_error(pd, req, 503, "out of memory", -1);
		return;
	}
	snprintf(lvl, sizeof(lvl), "%d", q.level);
	snprintf(from, sizeof(from), "%lld", (long long)q.from_ms);
	snprintf(until, sizeof(until), "%lld", (long long)q.until_ms);
	snprintf(grace, sizeof(grace), "%d", OVERRIDES_GRACE_MS);
	snprintf(max, sizeof(max), "%d", OVERRIDES_MAX);
	args[0] = rota_id(r);
	args[1] = q.person;
	args[2] = q.covers;
	args[3] = lvl;
	args[4] = from;
	args[5] = until;
	args[6] = q.note;
	args[7] = tok->name;
	args[8] = grace;
	args[9] = max;
	run(o, &overrides_lua_add, now_ms, args, 10, added);
}

static void
listed(void *arg, const struct redisReply *r)
{
	struct oreq			*o = arg;
	const struct rota		*rota = oreq_rota(o);
	const struct rota_set		*set = o->pd->cfg->rotas;
	const struct rota_override	*v;
	json_t				*list, *doc;
	size_t				 i, n;
	int64_t				 now = pagerd_now_ms();
	int				 rc = 0;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY || rota == NULL) {
		http_reply_error(o->pd, o->req, rota == NULL ? 404 : 503,
		    rota == NULL ? "no such rota" : "alert store unavailable",
		    -1);
		free(o);
		return;
	}
	if ((list = json_array()) == NULL) {
		http_reply_error(o->pd, o->req, 503, "out of memory", -1);
		free(o);
		return;
	}
	v = rota_overrides(rota, &n);
	for (i = 0; i < n; i++)
		if (v[i].until_ms > now)
			rc |= json_array_append_new(list,
			    config_json(rota, set, &v[i]));
	for (i = 0; i < r->elements; i++)
		if (r->element[i]->type == REDIS_REPLY_ARRAY &&
		    r->element[i]->elements == 1 + OVF_N)
			rc |= json_array_append_new(list,
			    stored_json(rota, r->element[i], 1));
	doc = json_pack("{s:s, s:o}", "rota", o->rota, "overrides", list);
	http_reply_json(o->pd, o->req, 200, rc == 0 ? doc : NULL);
	if (rc != 0)
		json_decref(doc);
	free(o);
}

static void
list(struct pagerd *pd, struct http_req *req, const struct rota *r)
{
	struct oreq	*o;
	const char	*args[1];

	if ((o = oreq_new(pd, req, rota_id(r))) == NULL)
		return;
	args[0] = rota_id(r);
	run(o, &overrides_lua_list, pagerd_now_ms(), args, 1, listed);
}

static void
deleted(void *arg, const struct redisReply *r)
{
	struct oreq		*o = arg;
	const struct rota	*rota = oreq_rota(o);

	if (r == NULL || r->type != REDIS_REPLY_ARRAY || rota == NULL) {
		http_reply_error(o->pd, o->req, 503, "alert store unavailable",
		    -1);
		free(o);
	} else if (r->elements != OVF_N) {
		http_reply_error(o->pd, o->req, 404, "no such override", -1);
		free(o);
	} else {
		o->code = 200;
		o->body = stored_json(rota, r, 0);
		overrides_refresh(o->pd->rota_overrides, answer_now, o);
	}
}

static void
delete(struct pagerd *pd, struct http_req *req, const struct rota *r,
    const char *id)
{
	struct oreq	*o;
	const char	*args[2];

	/* The id becomes part of a Redis key: digits only. */
	if (id[0] == '\0' || strlen(id) > 20 ||
	    strspn(id, "0123456789") != strlen(id)) {
		http_reply_error(pd, req, 404, "no such override", -1);
		return;
	}
	if ((o = oreq_new(pd, req, rota_id(r))) == NULL)
		return;
	args[0] = rota_id(r);
	args[1] = id;
	run(o, &overrides_lua_delete, pagerd_now_ms(), args, 2, deleted);
}

static void
not_allowed(struct pagerd *pd, struct http_req *req,
    const char *allow)
{
	char	 msg[80];

	evhttp_add_header(http_req_output_headers(req), "Allow",
	    allow);
	snprintf(msg, sizeof(msg), "method not allowed: use %s", allow);
	http_reply_error(pd, req, 405, msg, -1);
}

int
http_api_overrides(struct pagerd *pd, struct http_req *req,
    const char *path)
{
	enum evhttp_cmd_type	 m = http_req_method(req);
	const struct rota	*r;
	const char		*rest, *id = NULL;
	char			 rota[OVERRIDE_ID_MAX];
	size_t			 n = strcspn(path, "/.");

	rest = path + n;
	if (strncmp(rest, "/overrides", 10) != 0)
		return 0;
	if (rest[10] == '/' && rest[11] != '\0')
		id = rest + 11;
	else if (rest[10] != '\0' && strcmp(rest + 10, "/") != 0)
		return 0;
	if (!http_auth_token(pd, req))
		return 1;
	if (n == 0 || n >= sizeof(rota)) {
		http_reply_error(pd, req, 404, "no such rota", -1);
		return 1;
	}
	memcpy(rota, path, n);
	rota[n] = '\0';
	if (pd->cfg->rotas == NULL ||
	    (r = rota_set_find(pd->cfg->rotas, rota)) == NULL) {
		http_reply_error(pd, req, 404, "no such rota", -1);
		return 1;
	}
	if (id != NULL) {
		if (m == EVHTTP_REQ_DELETE)
			delete(pd, req, r, id);
		else
			not_allowed(pd, req, "DELETE");
	} else if (m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD)
		list(pd, req, r);
	else if (m == EVHTTP_REQ_POST)
		add(pd, req, r);
	else
		not_allowed(pd, req, "GET, HEAD, POST");
	return 1;
}
