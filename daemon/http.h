/*
 * daemon/http.h — the HTTP front: evhttp listeners, connection limits and
 * deadlines, framing checks, and the routes (intake, API, health,
 * metrics). Handlers answer JSON; errors are {"error": ..., "index": N}.
 */
#ifndef PAGERD_HTTP_H
#define PAGERD_HTTP_H

struct pagerd;
struct http_server;
struct evhttp_request;

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
void	http_intake_generic(struct pagerd *, struct evhttp_request *);
void	http_api_healthz(struct pagerd *, struct evhttp_request *);
void	http_api_metrics(struct pagerd *, struct evhttp_request *);
void	http_api_incidents(struct pagerd *, struct evhttp_request *);
void	http_api_incident(struct pagerd *, struct evhttp_request *,
	    const char *id);

/* Helpers shared by the handlers. */
void	http_reply_json(struct evhttp_request *, int code, const char *json);
void	http_reply_error(struct pagerd *, struct evhttp_request *, int code,
	    const char *msg, long index);
void	http_count(struct pagerd *, int code);
int	http_auth_token(struct pagerd *, struct evhttp_request *);

#endif /* PAGERD_HTTP_H */
