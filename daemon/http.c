/*
 * daemon/http.c — the HTTP front's replies and routing: the JSON error
 * shape, the helpers every handler answers through, and the table from
 * paths to the handlers in http_intake*.c, http_api.c, http_escalation.c,
 * http_notifiers.c, silences.c, overrides_api.c and the plugins' /hooks/.
 * The server itself (listeners, connections, parsing, deadlines) is
 * http_server.c, http_conn.c and http_req.c.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "http.h"
#include "http_server.h"
#include "silences.h"
#include "overrides.h"
#include "log.h"
#include "metrics.h"
#include "notifier_host.h"
#include "pagerd.h"
#include "config.h"

/* ------------------------------------------------------------ replies */

void
http_count(struct pagerd *pd, int code)
{
	char		 buf[8];
	const char	*kv[2] = { "code", buf };

	snprintf(buf, sizeof(buf), "%d", code);
	metrics_add(pd->metrics, "pagerd_http_requests_total", 1, 1, kv);
}

/* Every reply goes through here: it counts the status. */
static void
reply(struct pagerd *pd, struct http_req *req, int code,
    const char *ctype, struct evbuffer *body)
{
	http_count(pd, code);
	http_req_send(req, code, ctype, body);
}

static void
reply_json_pd(struct pagerd *pd, struct http_req *req, int code,
    const char *json, size_t len)
{
	struct evbuffer	*b = evbuffer_new();

	if (b != NULL)
		evbuffer_add(b, json, len);
	reply(pd, req, code, "application/json", b);
	if (b != NULL)
		evbuffer_free(b);
}

/* JSON-escape s into b (RFC 8259 section 7). */
void
http_json_escape(struct evbuffer *b, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	const unsigned char	*run = p;

	for (; *p != '\0'; p++) {
		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		evbuffer_add(b, run, p - run);
		switch (*p) {
		case '"':  evbuffer_add(b, "\\\"", 2); break;
		case '\\': evbuffer_add(b, "\\\\", 2); break;
		case '\n': evbuffer_add(b, "\\n", 2); break;
		case '\r': evbuffer_add(b, "\\r", 2); break;
		case '\t': evbuffer_add(b, "\\t", 2); break;
		default:   evbuffer_add_printf(b, "\\u%04x", *p); break;
		}
		run = p + 1;
	}
	evbuffer_add(b, run, p - run);
}

void
http_reply_error(struct pagerd *pd, struct http_req *req, int code,
    const char *msg, long index)
{
	struct evbuffer		*b = evbuffer_new();
	struct evkeyvalq	*out = http_req_output_headers(req);

	if (code == 503)
		evhttp_add_header(out, "Retry-After", "1");
	if (code == 401)
		evhttp_add_header(out, "WWW-Authenticate", "Bearer");
	if (b != NULL) {
		evbuffer_add(b, "{\"error\":\"", 10);
		http_json_escape(b, msg);
		evbuffer_add(b, "\"", 1);
		if (index >= 0)
			evbuffer_add_printf(b, ",\"index\":%ld", index);
		evbuffer_add(b, "}\n", 2);
	}
	reply(pd, req, code, "application/json", b);
	if (b != NULL)
		evbuffer_free(b);
}

void
http_reply_body(struct pagerd *pd, struct http_req *req, int code,
    const char *ctype, struct evbuffer *body)
{
	reply(pd, req, code, ctype, body);
}

void
http_reply_method(struct pagerd *pd, struct http_req *req,
    const char *allow, const char *use)
{
	char	 msg[64];

	snprintf(msg, sizeof(msg), "method not allowed: use %s", use);
	evhttp_add_header(http_req_output_headers(req), "Allow",
	    allow);
	http_reply_error(pd, req, 405, msg, -1);
}

void
http_reply_raw_json(struct pagerd *pd, struct http_req *req, int code,
    const char *json, size_t len)
{
	reply_json_pd(pd, req, code, json, len);
}

void
http_reply_json(struct pagerd *pd, struct http_req *req, int code,
    json_t *o)
{
	char	*text;

	if (o == NULL || (text = json_dumps(o, JSON_COMPACT)) == NULL) {
		json_decref(o);
		http_reply_error(pd, req, 503, "out of memory", -1);
		return;
	}
	json_decref(o);
	reply_json_pd(pd, req, code, text, strlen(text));
	free(text);
}

/*
 * Bearer token from Authorization, or NULL. Returns a pointer into the
 * request's headers, valid while the request lives.
 */
const char *
http_bearer(struct http_req *req)
{
	const char	*h;

	h = evhttp_find_header(http_req_input_headers(req),
	    "Authorization");
	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return *h != '\0' ? h : NULL;
}

/* 1 when the request carries a valid API token; else answers 401. */
int
http_auth_token(struct pagerd *pd, struct http_req *req)
{
	const char	*tok = http_bearer(req);

	if (tok == NULL) {
		http_reply_error(pd, req, 401,
		    "missing API token (Authorization: Bearer TOKEN)", -1);
		return 0;
	}
	if (config_find_token(pd->cfg, tok) == NULL) {
		http_reply_error(pd, req, 401, "unknown API token", -1);
		return 0;
	}
	return 1;
}

/* ------------------------------------------------------------ routing */

/* POST endpoints that take alerts, one per wire format. */
static const struct {
	const char	*path;
	void		(*fn)(struct pagerd *, struct http_req *);
} intake_routes[] = {
	{ "/api/v1/alerts", http_intake_generic },
	{ "/api/v1/integrations/alertmanager", http_intake_am_webhook },
	{ "/api/v2/alerts", http_intake_am_alerts },
	{ "/v2/enqueue", http_intake_pagerduty },
};

void
http_route(struct pagerd *pd, struct http_req *req)
{
	const char		*path;
	enum evhttp_cmd_type	 m = http_req_method(req);
	const struct evhttp_uri	*uri = http_req_uri(req);
	size_t			 i;

	path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	if (path == NULL) {
		http_reply_error(pd, req, 400, "bad request URI", -1);
		return;
	}
	if (pd->stopping) {
		http_reply_error(pd, req, 503, "shutting down", -1);
		return;
	}
	for (i = 0; i < sizeof(intake_routes) / sizeof(intake_routes[0]);
	    i++) {
		if (strcmp(path, intake_routes[i].path) != 0)
			continue;
		if (m != EVHTTP_REQ_POST) {
			evhttp_add_header(http_req_output_headers(req),
			    "Allow", "POST");
			http_reply_error(pd, req, 405,
			    "method not allowed: use POST", -1);
			return;
		}
		intake_routes[i].fn(pd, req);
		return;
	}
	/* Plugin webhooks (an SMS provider's replies): theirs or 404. */
	if (strncmp(path, "/hooks/", 7) == 0) {
		if (pd->notifiers == NULL ||
		    !notifier_host_route(pd->notifiers, req, path))
			http_reply_error(pd, req, 404, "no such endpoint", -1);
		return;
	}
	if (strncmp(path, "/api/v1/notifiers", 17) == 0 &&
	    (path[17] == '\0' || path[17] == '/')) {
		http_api_notifiers(pd, req, path + 17);
		return;
	}
	if (strncmp(path, "/api/v1/silences", 16) == 0) {
		if (path[16] == '\0' || strcmp(path + 16, "/") == 0)
			http_api_silences(pd, req);
		else if (path[16] == '/')
			http_api_silence(pd, req, path + 17);
		else
			http_reply_error(pd, req, 404, "no such endpoint", -1);
		return;
	}
	if (strncmp(path, "/api/v1/rotas/", 14) == 0 &&
	    http_api_overrides(pd, req, path + 14))
		return;
	if (strncmp(path, "/api/v1/incidents/", 18) == 0 &&
	    m == EVHTTP_REQ_POST) {
		http_api_incident_act(pd, req, path + 18);
		return;
	}
	if (strcmp(path, "/healthz") == 0 || strcmp(path, "/metrics") == 0 ||
	    strcmp(path, "/api/v1/oncall") == 0 ||
	    strncmp(path, "/api/v1/rotas/", 14) == 0 ||
	    strncmp(path, "/api/v1/people/", 15) == 0 ||
	    strncmp(path, "/api/v1/incidents", 17) == 0) {
		if (m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD) {
			evhttp_add_header(http_req_output_headers(req),
			    "Allow", "GET, HEAD");
			http_reply_error(pd, req, 405,
			    "method not allowed: use GET", -1);
			return;
		}
		if (path[1] == 'h')
			http_api_healthz(pd, req);
		else if (path[1] == 'm')
			http_api_metrics(pd, req);
		else if (path[8] == 'o')
			http_api_oncall(pd, req);
		else if (path[8] == 'r')
			http_api_rotas(pd, req, path + 14);
		else if (path[8] == 'p')
			http_api_people(pd, req, path + 15);
		else if (path[17] == '\0' || strcmp(path + 17, "/") == 0)
			http_api_incidents(pd, req);
		else if (path[17] == '/')
			http_api_incident(pd, req, path + 18);
		else
			http_reply_error(pd, req, 404, "no such endpoint", -1);
		return;
	}
	http_reply_error(pd, req, 404, "no such endpoint", -1);
}
