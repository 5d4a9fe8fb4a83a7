/*
 * daemon/http.h — the HTTP front: the server's life (http_server.c:
 * listeners, connection limits and deadlines, framing checks) and the
 * routes (intake, API, health, metrics; http.c). Handlers answer JSON;
 * errors are {"error": ..., "index": N}. The request object and its
 * accessors are in http_server.h.
 */
#ifndef PAGERD_HTTP_H
#define PAGERD_HTTP_H

#include <stddef.h>

#include "http_server.h"

struct pagerd;
struct http_server;
struct http_req;

/* Bind every http.listen address. NULL with a logged reason on failure. */
struct http_server	*http_start(struct pagerd *);

/*
 * Re-apply limits and timeouts from pd->cfg after a reload. Listen
 * addresses are bound once at start; a changed list is logged as needing
 * a restart.
 */
void			 http_reconfigure(struct http_server *);

/* Stop accepting; connections with requests in flight finish. */
void			 http_stop_accepting(struct http_server *);

void			 http_free(struct http_server *);

/* Route handlers (http_intake.c, http_api.c). */
void	http_intake_generic(struct pagerd *, struct http_req *);
void	http_intake_am_webhook(struct pagerd *, struct http_req *);
void	http_intake_am_alerts(struct pagerd *, struct http_req *);
void	http_intake_pagerduty(struct pagerd *, struct http_req *);
void	http_api_healthz(struct pagerd *, struct http_req *);
void	http_api_metrics(struct pagerd *, struct http_req *);
void	http_api_incidents(struct pagerd *, struct http_req *);
void	http_api_incident(struct pagerd *, struct http_req *,
	    const char *id);
void	http_api_oncall(struct pagerd *, struct http_req *);
/* rest: after "/api/v1/incidents/" ("42/ack"); http_escalation.c. */
void	http_api_incident_act(struct pagerd *, struct http_req *,
	    const char *rest);
/* path: after "/api/v1/rotas/" ("R/schedule", "R/fairness", "R.ics"),
 * "/api/v1/people/". */
void	http_api_rotas(struct pagerd *, struct http_req *,
	    const char *path);
void	http_api_people(struct pagerd *, struct http_req *,
	    const char *path);
/* path: after "/api/v1/notifiers" ("", "/NAME/test"); http_notifiers.c */
void	http_api_notifiers(struct pagerd *, struct http_req *,
	    const char *path);

/* Helpers shared by the handlers (http.c). Every reply is counted. */
struct evbuffer;

/* {"error": msg, "index": index} (index left out when < 0). 503 adds
 * Retry-After, 401 adds WWW-Authenticate. */
void	http_reply_error(struct pagerd *, struct http_req *, int code,
	    const char *msg, long index);
/* Send body (may be NULL) with the given Content-Type; body is drained. */
void	http_reply_body(struct pagerd *, struct http_req *, int code,
	    const char *ctype, struct evbuffer *body);
/* 405 with an Allow header: allow "GET, HEAD", use "GET" in the text. */
void	http_reply_method(struct pagerd *, struct http_req *,
	    const char *allow, const char *use);
void	http_reply_raw_json(struct pagerd *, struct http_req *,
	    int code, const char *json, size_t len);
/* o dumped compactly (503 when o is NULL or out of memory); takes o. */
struct json_t;
void	http_reply_json(struct pagerd *, struct http_req *, int code,
	    struct json_t *o);
void	http_count(struct pagerd *, int code);
/* Append s JSON-escaped (no quotes added). */
void	http_json_escape(struct evbuffer *, const char *s);
/* The "Authorization: Bearer X" value, or NULL; valid with the request. */
const char *http_bearer(struct http_req *);
/* 1 when the request has a valid API token; otherwise answers 401. */
int	http_auth_token(struct pagerd *, struct http_req *);
/* Connections open now (for the gauge). */
int	http_open_connections(const struct http_server *);

#endif /* PAGERD_HTTP_H */
