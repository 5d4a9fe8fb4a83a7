/*
 * daemon/http.c — the HTTP front: evhttp listeners, the connection limit,
 * per-connection deadlines, framing checks and routing. The handlers live
 * in http_intake.c and http_api.c.
 *
 * evhttp 2.1 has no connection limit, no whole-request deadline (its
 * timeout restarts on every byte, so a client sending one byte a second
 * holds a connection for ever) and no hook at accept time. We create each
 * connection's bufferevent ourselves (evhttp_set_bevcb), and one loop
 * iteration later, when evhttp has tied it to its evhttp_connection, we
 * read that connection back from the bufferevent's callback argument and
 * attach our own state: a deadline timer and a close callback.
 */
#include "autoconf.h"

#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "http.h"
#include "silences.h"
#include "overrides.h"
#include "http_check.h"
#include "log.h"
#include "metrics.h"
#include "notifier_host.h"
#include "pagerd.h"
#include "config.h"

enum conn_state {
	CONN_IDLE,	/* between requests: idle_timeout runs */
	CONN_READING,	/* bytes of a request arrived: request_timeout runs */
	CONN_BUSY,	/* request handed to a handler: no deadline */
	CONN_REFUSED	/* answered and shut: input is thrown away */
};

/*
 * Our state for one connection, made with its bufferevent (so the header
 * scan sees the first bytes) and tied to evhttp's connection one loop
 * iteration later (conn_attach). Freed by evhttp's close callback, or by
 * conn_attach if evhttp already dropped the connection.
 */
struct http_conn {
	TAILQ_ENTRY(http_conn)	 entry;
	struct http_server	*srv;
	struct evhttp_connection *evcon;	/* NULL until attached */
	struct bufferevent	*bev;
	struct event		*deadline;
	enum conn_state		 state;
	evutil_socket_t		 fd;
	int			 counted;	/* in srv->nconns */
	int			 attached;	/* conn_attach has run */
	struct http_scan	 scan;
};

TAILQ_HEAD(conn_list, http_conn);

struct http_server {
	struct pagerd		*pd;
	struct evhttp		*http;
	struct evhttp_bound_socket **socks;
	size_t			 nsocks;
	struct conn_list	 conns;		/* every connection */
	int			 nconns;	/* counted against the limit */
	struct http_conn	**by_fd;	/* fd -> connection */
	size_t			 nby_fd;
	struct log_limit	 ll_reject;
};

static void	conn_arm(struct http_conn *, enum conn_state);

/* ------------------------------------------------------------ replies */

void
http_count(struct pagerd *pd, int code)
{
	char		 buf[8];
	const char	*kv[2] = { "code", buf };

	snprintf(buf, sizeof(buf), "%d", code);
	metrics_add(pd->metrics, "pagerd_http_requests_total", 1, 1, kv);
}

static struct http_conn *
conn_of(struct http_server *srv, struct evhttp_request *req)
{
	struct evhttp_connection *evcon;
	struct bufferevent	*bev;
	evutil_socket_t		 fd;

	if ((evcon = evhttp_request_get_connection(req)) == NULL)
		return NULL;
	if ((bev = evhttp_connection_get_bufferevent(evcon)) == NULL)
		return NULL;
	fd = bufferevent_getfd(bev);
	if (fd < 0 || (size_t)fd >= srv->nby_fd)
		return NULL;
	if (srv->by_fd[fd] == NULL || srv->by_fd[fd]->evcon != evcon)
		return NULL;
	return srv->by_fd[fd];
}

/*
 * The Date header, formatted once a second: evhttp formats it for every
 * reply that has none (gmtime and strftime cost more than the rest of
 * the headers).
 */
static const char *
http_date(void)
{
	static char	 buf[64];
	static time_t	 last = -1;
	struct tm	 tm;
	time_t		 now = time(NULL);

	if (now != last && gmtime_r(&now, &tm) != NULL) {
		evutil_date_rfc1123(buf, sizeof(buf), &tm);
		last = now;
	}
	return buf;
}

/*
 * Every reply goes through here: it counts the status and restarts the
 * connection's idle deadline.
 */
static void
reply(struct pagerd *pd, struct evhttp_request *req, int code,
    const char *ctype, struct evbuffer *body)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	struct http_conn	*c;
	const char		*reason, *date;

	if (ctype != NULL)
		evhttp_add_header(out, "Content-Type", ctype);
	if ((date = http_date())[0] != '\0')
		evhttp_add_header(out, "Date", date);
	if (pd->stopping)
		evhttp_add_header(out, "Connection", "close");
	switch (code) {
	case 200: reason = "OK"; break;
	case 202: reason = "Accepted"; break;
	case 400: reason = "Bad Request"; break;
	case 401: reason = "Unauthorized"; break;
	case 404: reason = "Not Found"; break;
	case 405: reason = "Method Not Allowed"; break;
	case 502: reason = "Bad Gateway"; break;
	case 413: reason = "Payload Too Large"; break;
	case 415: reason = "Unsupported Media Type"; break;
	case 503: reason = "Service Unavailable"; break;
	default: reason = NULL; break;
	}
	http_count(pd, code);
	if (pd->http != NULL && (c = conn_of(pd->http, req)) != NULL)
		conn_arm(c, CONN_IDLE);
	evhttp_send_reply(req, code, reason, body);
}

static void
reply_json_pd(struct pagerd *pd, struct evhttp_request *req, int code,
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
http_reply_error(struct pagerd *pd, struct evhttp_request *req, int code,
    const char *msg, long index)
{
	struct evbuffer		*b = evbuffer_new();
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);

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
http_reply_body(struct pagerd *pd, struct evhttp_request *req, int code,
    const char *ctype, struct evbuffer *body)
{
	reply(pd, req, code, ctype, body);
}

void
http_reply_method(struct pagerd *pd, struct evhttp_request *req,
    const char *allow, const char *use)
{
	char	 msg[64];

	snprintf(msg, sizeof(msg), "method not allowed: use %s", use);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
	    allow);
	http_reply_error(pd, req, 405, msg, -1);
}

void
http_reply_raw_json(struct pagerd *pd, struct evhttp_request *req, int code,
    const char *json, size_t len)
{
	reply_json_pd(pd, req, code, json, len);
}

void
http_reply_json(struct pagerd *pd, struct evhttp_request *req, int code,
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
http_bearer(struct evhttp_request *req)
{
	const char	*h;

	h = evhttp_find_header(evhttp_request_get_input_headers(req),
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
http_auth_token(struct pagerd *pd, struct evhttp_request *req)
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

static int
framing_ok(struct pagerd *pd, struct evhttp_request *req)
{
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);
	struct evkeyval		*kv;
	struct http_header	 h[64];
	size_t			 n = 0;
	char			 msg[128];

	TAILQ_FOREACH(kv, in, next) {
		if (strcasecmp(kv->key, "Content-Length") != 0 &&
		    strcasecmp(kv->key, "Transfer-Encoding") != 0)
			continue;
		if (n == sizeof(h) / sizeof(h[0])) {
			snprintf(msg, sizeof(msg), "too many framing headers");
			goto bad;
		}
		h[n].name = kv->key;
		h[n].value = kv->value;
		n++;
	}
	if (http_check_framing(h, n, msg, sizeof(msg)) == 0)
		return 1;
bad:
	/*
	 * The body was framed by evhttp's guess; whatever follows on the
	 * connection cannot be trusted, so close it after answering.
	 */
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Connection", "close");
	http_reply_error(pd, req, 400, msg, -1);
	return 0;
}

/* POST endpoints that take alerts, one per wire format. */
static const struct {
	const char	*path;
	void		(*fn)(struct pagerd *, struct evhttp_request *);
} intake_routes[] = {
	{ "/api/v1/alerts", http_intake_generic },
	{ "/api/v1/integrations/alertmanager", http_intake_am_webhook },
	{ "/api/v2/alerts", http_intake_am_alerts },
	{ "/v2/enqueue", http_intake_pagerduty },
};

static void
route(struct evhttp_request *req, void *arg)
{
	struct http_server	*srv = arg;
	struct pagerd		*pd = srv->pd;
	struct http_conn	*c;
	const char		*path;
	enum evhttp_cmd_type	 m = evhttp_request_get_command(req);
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	size_t			 i;

	if ((c = conn_of(srv, req)) != NULL)
		conn_arm(c, CONN_BUSY);
	if (!framing_ok(pd, req))
		return;
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
			evhttp_add_header(evhttp_request_get_output_headers(req),
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
			evhttp_add_header(evhttp_request_get_output_headers(req),
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

/* ------------------------------------------------------- connections */

/*
 * Closing is always shutdown(2), never evhttp_connection_free(): a request
 * of this connection may be waiting for its Redis reply, and evhttp only
 * detaches such a request safely when it sees the connection fail by
 * itself. After SHUT_WR the peer gets what was sent, then EOF.
 */
static void
conn_shut(struct http_conn *c, int how)
{
	if (c->fd >= 0)
		shutdown(c->fd, how);
}

static void
conn_deadline(evutil_socket_t fd, short ev, void *arg)
{
	struct http_conn	*c = arg;

	log_debug("http: closing connection %d: %s", (int)c->fd,
	    c->state == CONN_READING ? "request_timeout passed" :
	    c->state == CONN_REFUSED ? "refused" : "idle_timeout passed");
	conn_shut(c, SHUT_RDWR);
}

static void
conn_arm(struct http_conn *c, enum conn_state st)
{
	struct config	*cfg = c->srv->pd->cfg;
	struct timeval	 tv;
	int64_t		 ms;

	if (c->state == CONN_REFUSED)
		return;
	if (st == CONN_IDLE)
		http_scan_reset(&c->scan);
	c->state = st;
	if (st == CONN_BUSY) {
		event_del(c->deadline);
		return;
	}
	ms = st == CONN_READING ? cfg->http_request_timeout_ms :
	    st == CONN_REFUSED ? 1000 : cfg->http_idle_timeout_ms;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(c->deadline, &tv);
}

/*
 * Answer code with a JSON error straight on the socket and stop reading:
 * for requests refused before evhttp has parsed them.
 */
static void
conn_refuse(struct http_conn *c, int code, const char *msg)
{
	struct http_server	*srv = c->srv;
	char			 resp[512];
	int			 n, blen;
	char			 body[256];

	blen = snprintf(body, sizeof(body), "{\"error\":\"%s\"}\n", msg);
	n = snprintf(resp, sizeof(resp), "HTTP/1.1 %d %s\r\n"
	    "Content-Type: application/json\r\n"
	    "%s"
	    "Connection: close\r\n"
	    "Content-Length: %d\r\n\r\n%s", code,
	    code == 503 ? "Service Unavailable" : "Bad Request",
	    code == 503 ? "Retry-After: 1\r\n" : "", blen, body);
	/* A small reply fits the socket's send buffer whole. */
	if (send(c->fd, resp, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_debug("http: refuse: %s", strerror(errno));
	http_count(srv->pd, code);
	conn_shut(c, SHUT_WR);
	conn_arm(c, CONN_REFUSED);
	c->state = CONN_REFUSED;
}

/*
 * Every byte the connection reads passes here before evhttp sees it. The
 * header scan refuses what evhttp would mishandle; a refused connection's
 * input is thrown away so evhttp never parses it.
 */
static void
conn_input(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct http_conn	*c = arg;
	struct evbuffer_ptr	 pos;
	char			 tmp[2048];
	size_t			 left, used, n;
	int			 rc = 0;

	if (info->n_added == 0)
		return;
	if (c->state == CONN_REFUSED) {
		evbuffer_drain(buf, evbuffer_get_length(buf));
		return;
	}
	if (c->fd < 0)
		c->fd = bufferevent_getfd(c->bev);
	if (c->state == CONN_IDLE && c->evcon != NULL)
		conn_arm(c, CONN_READING);
	if (c->state == CONN_BUSY || c->scan.state == 2)
		return;
	/* The new bytes are the last n_added of the buffer. */
	if (evbuffer_ptr_set(buf, &pos, evbuffer_get_length(buf) -
	    info->n_added, EVBUFFER_PTR_SET) == -1)
		return;
	for (left = info->n_added; left > 0 && rc == 0; left -= n) {
		n = left < sizeof(tmp) ? left : sizeof(tmp);
		if (evbuffer_copyout_from(buf, &pos, tmp, n) != (ev_ssize_t)n)
			return;
		rc = http_scan_feed(&c->scan, tmp, n, &used);
		evbuffer_ptr_set(buf, &pos, n, EVBUFFER_PTR_ADD);
	}
	if (rc == -1) {
		log_warnx_limited(&c->srv->ll_reject, "http: refusing a "
		    "request: %s", c->scan.msg);
		evbuffer_drain(buf, evbuffer_get_length(buf));
		conn_refuse(c, 400, c->scan.msg);
	}
}

static void
conn_free(struct http_conn *c)
{
	struct http_server	*srv = c->srv;

	TAILQ_REMOVE(&srv->conns, c, entry);
	if (c->counted)
		srv->nconns--;
	if (c->fd >= 0 && (size_t)c->fd < srv->nby_fd && srv->by_fd[c->fd] == c)
		srv->by_fd[c->fd] = NULL;
	evbuffer_remove_cb(bufferevent_get_input(c->bev), conn_input, c);
	event_free(c->deadline);
	free(c);
}

static void
conn_closed(struct evhttp_connection *evcon, void *arg)
{
	conn_free(arg);
}

static int
by_fd_set(struct http_server *srv, evutil_socket_t fd, struct http_conn *c)
{
	struct http_conn	**nv;
	size_t			 n;

	if ((size_t)fd >= srv->nby_fd) {
		n = srv->nby_fd ? srv->nby_fd : 256;
		while (n <= (size_t)fd)
			n *= 2;
		if ((nv = realloc(srv->by_fd, n * sizeof(*nv))) == NULL)
			return -1;
		memset(nv + srv->nby_fd, 0, (n - srv->nby_fd) * sizeof(*nv));
		srv->by_fd = nv;
		srv->nby_fd = n;
	}
	srv->by_fd[fd] = c;
	return 0;
}

/*
 * One iteration after accept: evhttp has set the bufferevent's callbacks
 * with its evhttp_connection as the argument. A bufferevent that evhttp
 * already freed has its callbacks cleared (the reference taken in
 * conn_new_bev keeps its memory ours to look at).
 */
static void
conn_attach(evutil_socket_t unused, short ev, void *arg)
{
	struct http_conn	*c = arg;
	struct http_server	*srv = c->srv;
	struct bufferevent	*bev = c->bev;
	bufferevent_data_cb	 rcb, wcb;
	bufferevent_event_cb	 ecb;
	void			*cbarg = NULL;

	c->attached = 1;
	bufferevent_getcb(bev, &rcb, &wcb, &ecb, &cbarg);
	c->fd = bufferevent_getfd(bev);
	if (rcb == NULL || cbarg == NULL || c->fd < 0) {
		c->fd = -1;
		conn_free(c);
		bufferevent_decref(bev);
		return;
	}
	bufferevent_decref(bev);	/* evhttp's reference keeps it alive */
	c->evcon = cbarg;
	evhttp_connection_set_closecb(c->evcon, conn_closed, c);
	if (by_fd_set(srv, c->fd, c) == -1) {
		log_warnx("http: out of memory: dropping a connection");
		conn_shut(c, SHUT_RDWR);
		return;
	}
	if (c->state == CONN_REFUSED)
		return;
	if (srv->nconns >= srv->pd->cfg->http_max_connections) {
		metrics_add(srv->pd->metrics,
		    "pagerd_http_connections_rejected_total", 1, 0, NULL);
		log_warnx_limited(&srv->ll_reject, "http: %d connections open "
		    "(http.max_connections): refusing one", srv->nconns);
		conn_refuse(c, 503, "too many open connections");
		return;
	}
	srv->nconns++;
	c->counted = 1;
	/* A request may already be in (or past) evhttp: the deadline of
	 * reading one applies unless route() has marked it busy. */
	if (c->state == CONN_IDLE)
		conn_arm(c, CONN_READING);
}

static struct bufferevent *
conn_new_bev(struct event_base *base, void *arg)
{
	struct http_server	*srv = arg;
	struct bufferevent	*bev;
	struct http_conn	*c;
	struct timeval		 zero = { 0, 0 };

	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		return NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->deadline = evtimer_new(base, conn_deadline, c)) == NULL)
		goto untracked;
	c->srv = srv;
	c->bev = bev;
	c->fd = -1;
	c->state = CONN_IDLE;
	http_scan_reset(&c->scan);
	bufferevent_incref(bev);
	if (event_base_once(base, -1, EV_TIMEOUT, conn_attach, c, &zero) ==
	    -1) {
		bufferevent_decref(bev);
		goto untracked;
	}
	evbuffer_add_cb(bufferevent_get_input(bev), conn_input, c);
	TAILQ_INSERT_TAIL(&srv->conns, c, entry);
	return bev;
untracked:
	/* Served, but without our limits: only when out of memory. */
	if (c != NULL && c->deadline != NULL)
		event_free(c->deadline);
	free(c);
	return bev;
}

/* ------------------------------------------------------------ server */

static int
split_hostport(const char *s, char *host, size_t hlen, unsigned short *port)
{
	const char	*colon;
	long		 p;
	char		*end;

	if (s[0] == '[') {
		const char *rb = strchr(s, ']');
		if (rb == NULL || rb[1] != ':')
			return -1;
		if ((size_t)(rb - s - 1) >= hlen)
			return -1;
		memcpy(host, s + 1, rb - s - 1);
		host[rb - s - 1] = '\0';
		colon = rb + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL ||
		    (size_t)(colon - s) >= hlen)
			return -1;
		memcpy(host, s, colon - s);
		host[colon - s] = '\0';
	}
	p = strtol(colon + 1, &end, 10);
	if (*end != '\0' || p < 0 || p > 65535)
		return -1;
	*port = (unsigned short)p;
	return 0;
}

static void
apply_limits(struct http_server *srv)
{
	struct config	*cfg = srv->pd->cfg;

	evhttp_set_max_body_size(srv->http, (ev_ssize_t)cfg->http_max_body);
	evhttp_set_max_headers_size(srv->http,
	    (ev_ssize_t)cfg->http_max_header_size);
	/* evhttp's own per-read timeout backs up our deadlines. */
	evhttp_set_timeout(srv->http,
	    (int)((cfg->http_idle_timeout_ms + 999) / 1000));
}

struct http_server *
http_start(struct pagerd *pd)
{
	struct http_server	*srv;
	char			 host[256];
	unsigned short		 port;
	size_t			 i;

	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		return NULL;
	srv->pd = pd;
	TAILQ_INIT(&srv->conns);
	srv->ll_reject.burst = 5;
	if ((srv->http = evhttp_new(pd->base)) == NULL)
		goto fail;
	/* Let every method through so that 405s are ours, in JSON. */
	evhttp_set_allowed_methods(srv->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_default_content_type(srv->http, "application/json");
	evhttp_set_gencb(srv->http, route, srv);
	evhttp_set_bevcb(srv->http, conn_new_bev, srv);
	apply_limits(srv);
	srv->socks = calloc(pd->cfg->n_http_listen + 1, sizeof(*srv->socks));
	if (srv->socks == NULL)
		goto fail;
	for (i = 0; i < pd->cfg->n_http_listen; i++) {
		const char *l = pd->cfg->http_listen[i];

		if (split_hostport(l, host, sizeof(host), &port) == -1) {
			log_warnx("http: bad listen address %s", l);
			goto fail;
		}
		srv->socks[i] = evhttp_bind_socket_with_handle(srv->http, host,
		    port);
		if (srv->socks[i] == NULL) {
			log_warn("http: cannot listen on %s", l);
			goto fail;
		}
		srv->nsocks++;
		log_info("http: listening on %s", l);
	}
	return srv;
fail:
	http_free(srv);
	return NULL;
}

void
http_reconfigure(struct http_server *srv)
{
	apply_limits(srv);
}

void
http_stop_accepting(struct http_server *srv)
{
	size_t	 i;

	for (i = 0; i < srv->nsocks; i++)
		if (srv->socks[i] != NULL)
			evhttp_del_accept_socket(srv->http, srv->socks[i]);
	srv->nsocks = 0;
}

int
http_open_connections(const struct http_server *srv)
{
	return srv->nconns;
}

void
http_free(struct http_server *srv)
{
	struct http_conn	*c;

	if (srv == NULL)
		return;
	/* evhttp_free frees the connections; their close callbacks run. */
	if (srv->http != NULL)
		evhttp_free(srv->http);
	/* Left: connections accepted in the loop's last iteration, whose
	 * conn_attach will not run; they hold a bufferevent reference. */
	while ((c = TAILQ_FIRST(&srv->conns)) != NULL) {
		struct bufferevent	*bev = c->bev;
		int			 attached = c->attached;

		c->fd = -1;
		conn_free(c);
		if (!attached)
			bufferevent_decref(bev);
	}
	free(srv->socks);
	free(srv->by_fd);
	free(srv);
}
