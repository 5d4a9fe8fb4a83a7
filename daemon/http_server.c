/*
 * daemon/http_server.c — pagerd's own HTTP/1.1 server on the event loop.
 *
 * Why not evhttp: per request it costs 21.4 usec of CPU against 9.9 for
 * the same work done plainly (bench/floor -M 1 vs -M 0, docs/BENCHMARKS.md):
 * it disables and enables the read and write events around every request
 * (4 epoll_ctl), asks FIONREAD before each read, mallocs every header and
 * printf()s every answer. It also has no connection limit, no whole-
 * request deadline and frames bodies in ways a proxy may disagree with.
 *
 * Here a connection has one persistent read event; the answer goes out
 * with one writev(2) and the write event is armed only when the socket
 * would block. Requests on a connection are handled strictly one after
 * another: while one waits for its handler (Redis), later pipelined
 * bytes stay in the input buffer unparsed (reading stops past
 * IN_PAUSE bytes of them). The parsing itself is lib/http_parse.c and
 * lib/http_check.c (framing: what could smuggle a request is refused).
 *
 * Deadlines: a request must arrive whole within http.request_timeout of
 * its first byte (or of the accept); a connection between requests is
 * closed after http.idle_timeout. Refused requests get their JSON error,
 * then SHUT_WR, and the input is thrown away for a second (so the peer
 * reads the answer instead of a reset) before the close.
 */
#include "autoconf.h"

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "config.h"
#include "http.h"
#include "http_check.h"
#include "http_parse.h"
#include "http_server.h"
#include "log.h"
#include "metrics.h"
#include "pagerd.h"

#define READ_SIZE	16384		/* bytes asked of one read(2) */
#define IN_PAUSE	65536		/* pipelined bytes read while busy */
#define OUT_MAX		262144		/* unread answers before we stop */
#define LINGER_MS	1000		/* reading after a refusal */
#define ACCEPT_BATCH	64

enum conn_state {
	CONN_IDLE,	/* between requests: idle_timeout runs */
	CONN_READING,	/* a request is arriving: request_timeout runs */
	CONN_BUSY,	/* request handed to a handler: no deadline */
	CONN_LINGER	/* answered, SHUT_WR: input thrown away */
};

enum parse_state {
	PARSE_HEAD,
	PARSE_BODY,	/* Content-Length: body_left bytes to come */
	PARSE_CHUNKED
};

struct http_req {
	struct http_conn	*conn;		/* NULL once it is gone */
	enum evhttp_cmd_type	 method;
	int			 minor;		/* HTTP/1.minor */
	int			 keepalive;
	int			 expect;	/* 100-continue asked */
	struct evhttp_uri	*uri;
	struct evkeyvalq	 in, out;
	struct evbuffer		*body;
};

struct http_conn {
	TAILQ_ENTRY(http_conn)	 entry;
	struct http_server	*srv;
	int			 fd;
	struct event		*rev, *wev, *deadline;
	struct evbuffer		*in, *out;
	enum conn_state		 state;
	enum parse_state	 ps;
	struct http_scan	 scan;
	size_t			 scanned;	/* bytes of in fed to scan */
	struct http_req		*req;		/* being read or handled */
	size_t			 body_left;
	struct http_chunked	 chunked;
	int			 counted;	/* in srv->nconns */
	int			 reading;	/* rev is added */
	int			 eof;		/* the peer has shut */
	int			 closing;	/* linger once out is sent */
	int			 in_process;	/* conn_process on the stack */
	int			 dead;		/* free when it returns */
	unsigned short		 port;
	char			 peer[INET6_ADDRSTRLEN];
};

TAILQ_HEAD(conn_list, http_conn);

struct listener {
	int		 fd;
	struct event	*ev;
};

struct http_server {
	struct pagerd		*pd;
	struct listener		*ls;
	size_t			 nls;
	struct event		*accept_pause;	/* after EMFILE */
	struct conn_list	 conns;
	int			 nconns;	/* counted against the limit */
	struct log_limit	 ll_reject;
};

static void	conn_process(struct http_conn *);
static int	conn_flush(struct http_conn *);
static void	conn_close(struct http_conn *);

/* ------------------------------------------------------------ request */

enum evhttp_cmd_type
http_req_method(const struct http_req *req)
{
	return req->method;
}

const struct evhttp_uri *
http_req_uri(const struct http_req *req)
{
	return req->uri;
}

struct evkeyvalq *
http_req_input_headers(struct http_req *req)
{
	return &req->in;
}

struct evkeyvalq *
http_req_output_headers(struct http_req *req)
{
	return &req->out;
}

struct evbuffer *
http_req_body(struct http_req *req)
{
	return req->body;
}

const char *
http_req_peer(const struct http_req *req, unsigned short *port)
{
	if (req->conn == NULL) {
		*port = 0;
		return "?";
	}
	*port = req->conn->port;
	return req->conn->peer;
}

static struct http_req *
req_new(void)
{
	struct http_req	*req;

	if ((req = calloc(1, sizeof(*req))) == NULL)
		return NULL;
	TAILQ_INIT(&req->in);
	TAILQ_INIT(&req->out);
	if ((req->body = evbuffer_new()) == NULL) {
		free(req);
		return NULL;
	}
	return req;
}

static void
req_free(struct http_req *req)
{
	if (req == NULL)
		return;
	if (req->uri != NULL)
		evhttp_uri_free(req->uri);
	evhttp_clear_headers(&req->in);
	evhttp_clear_headers(&req->out);
	evbuffer_free(req->body);
	free(req);
}

/* ------------------------------------------------------------ answers */

static const char *
reason_of(int code)
{
	switch (code) {
	case 100: return "Continue";
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default:  return code < 300 ? "OK" : code < 500 ? "Client Error" :
		      "Server Error";
	}
}

/*
 * The Date header, formatted once a second: gmtime and strftime cost
 * more than the rest of the headers.
 */
static const char *
http_date(size_t *len)
{
	static char	 buf[64];
	static size_t	 blen;
	static time_t	 last = -1;
	struct tm	 tm;
	time_t		 now = time(NULL);

	if (now != last && gmtime_r(&now, &tm) != NULL) {
		evutil_date_rfc1123(buf, sizeof(buf), &tm);
		blen = strlen(buf);
		last = now;
	}
	*len = blen;
	return buf;
}

void
http_add_uint(struct evbuffer *b, unsigned long long v)
{
	char	 d[24], *p = d + sizeof(d);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 && p > d);
	evbuffer_add(b, p, (size_t)(d + sizeof(d) - p));
}

static void
add_header(struct evbuffer *b, const char *name, size_t nlen,
    const char *value, size_t vlen)
{
	struct evbuffer_iovec	 v[1];
	char			*p;
	size_t			 len = nlen + vlen + 4;

	if (evbuffer_reserve_space(b, (ev_ssize_t)len, v, 1) < 1 ||
	    v[0].iov_len < len)
		return;
	p = v[0].iov_base;
	memcpy(p, name, nlen);
	p += nlen;
	*p++ = ':';
	*p++ = ' ';
	memcpy(p, value, vlen);
	p += vlen;
	*p++ = '\r';
	*p = '\n';
	v[0].iov_len = len;
	evbuffer_commit_space(b, v, 1);
}

#define ADD_LIT(b, s)	evbuffer_add((b), (s), sizeof(s) - 1)

/* Does the comma-separated header value hold token (any case)? */
static int
has_token(const char *value, const char *token)
{
	size_t		 tlen = strlen(token), n;
	const char	*p = value;

	while (p != NULL && *p != '\0') {
		p += strspn(p, " \t,");
		n = strcspn(p, " \t,");
		if (n == tlen && strncasecmp(p, token, n) == 0)
			return 1;
		p += n;
	}
	return 0;
}

void
http_req_send(struct http_req *req, int code, const char *ctype,
    struct evbuffer *body)
{
	struct http_conn	*c = req->conn;
	struct evbuffer		*out;
	struct evkeyval		*kv;
	const char		*reason, *date;
	size_t			 blen, dlen;
	int			 ka, conn_hdr = 0, nobody;

	if (c == NULL) {
		/* The connection went away while the handler worked. */
		if (body != NULL)
			evbuffer_drain(body, evbuffer_get_length(body));
		req_free(req);
		return;
	}
	out = c->out;
	blen = body != NULL ? evbuffer_get_length(body) : 0;
	ka = req->keepalive && !c->srv->pd->stopping;
	TAILQ_FOREACH(kv, &req->out, next)
		if (strcasecmp(kv->key, "Connection") == 0) {
			conn_hdr = 1;
			if (has_token(kv->value, "close"))
				ka = 0;
		}

	/* As evhttp did: a body without a type is JSON, like all of ours. */
	if (ctype == NULL && blen > 0 &&
	    evhttp_find_header(&req->out, "Content-Type") == NULL)
		ctype = "application/json";
	reason = reason_of(code);
	ADD_LIT(out, "HTTP/1.");
	evbuffer_add(out, req->minor == 0 ? "0 " : "1 ", 2);
	http_add_uint(out, (size_t)code);
	evbuffer_add(out, " ", 1);
	evbuffer_add(out, reason, strlen(reason));
	ADD_LIT(out, "\r\n");
	if (ctype != NULL)
		add_header(out, "Content-Type", 12, ctype, strlen(ctype));
	date = http_date(&dlen);
	if (dlen > 0)
		add_header(out, "Date", 4, date, dlen);
	TAILQ_FOREACH(kv, &req->out, next)
		add_header(out, kv->key, strlen(kv->key), kv->value,
		    strlen(kv->value));
	if (!ka && !conn_hdr)
		ADD_LIT(out, "Connection: close\r\n");
	else if (ka && req->minor == 0 && !conn_hdr)
		ADD_LIT(out, "Connection: keep-alive\r\n");
	nobody = code == 204 || code == 304 || (code >= 100 && code < 200);
	if (!nobody) {
		ADD_LIT(out, "Content-Length: ");
		http_add_uint(out, blen);
		ADD_LIT(out, "\r\n");
	}
	ADD_LIT(out, "\r\n");
	if (blen > 0) {
		if (nobody || req->method == EVHTTP_REQ_HEAD)
			evbuffer_drain(body, blen);
		else
			evbuffer_add_buffer(out, body);
	}

	c->req = NULL;
	req_free(req);
	if (!ka)
		c->closing = 1;
	if (c->state == CONN_BUSY) {
		struct config	*cfg = c->srv->pd->cfg;
		struct timeval	 tv;

		c->state = CONN_IDLE;
		http_scan_reset(&c->scan);
		c->scanned = 0;
		tv.tv_sec = cfg->http_idle_timeout_ms / 1000;
		tv.tv_usec = (cfg->http_idle_timeout_ms % 1000) * 1000;
		evtimer_add(c->deadline, &tv);
	}
	if (conn_flush(c) == -1)
		return;
	if (!c->in_process)
		conn_process(c);
}

/* ------------------------------------------------------- connections */

static void
conn_arm(struct http_conn *c, enum conn_state st)
{
	struct config	*cfg = c->srv->pd->cfg;
	struct timeval	 tv;
	int64_t		 ms;

	c->state = st;
	if (st == CONN_BUSY) {
		event_del(c->deadline);
		return;
	}
	ms = st == CONN_READING ? cfg->http_request_timeout_ms :
	    st == CONN_LINGER ? LINGER_MS : cfg->http_idle_timeout_ms;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(c->deadline, &tv);
}

/* Read while there is room for more; one event, added when needed. */
static void
conn_update_read(struct http_conn *c)
{
	int	 want;

	want = !c->eof && !c->dead && (c->state == CONN_LINGER ||
	    ((c->state != CONN_BUSY || evbuffer_get_length(c->in) < IN_PAUSE) &&
	    evbuffer_get_length(c->out) <= OUT_MAX));
	if (want && !c->reading)
		event_add(c->rev, NULL);
	else if (!want && c->reading)
		event_del(c->rev);
	c->reading = want;
}

static void
conn_free(struct http_conn *c)
{
	struct http_server	*srv = c->srv;

	if (c->req != NULL) {
		if (c->state == CONN_BUSY)
			c->req->conn = NULL;	/* its handler frees it */
		else
			req_free(c->req);
	}
	TAILQ_REMOVE(&srv->conns, c, entry);
	if (c->counted)
		srv->nconns--;
	event_free(c->rev);
	event_free(c->wev);
	event_free(c->deadline);
	evbuffer_free(c->in);
	evbuffer_free(c->out);
	close(c->fd);
	free(c);
}

/* Deferred while conn_process is on the stack: it frees on return. */
static void
conn_close(struct http_conn *c)
{
	if (c->in_process) {
		c->dead = 1;
		event_del(c->rev);
		event_del(c->wev);
		event_del(c->deadline);
		return;
	}
	conn_free(c);
}

/*
 * Write what is queued. Once it is all out on a connection that is
 * closing: SHUT_WR, and read on for a moment so the peer sees the
 * answer and EOF rather than a reset. -1 when the connection is closed.
 */
static int
conn_flush(struct http_conn *c)
{
	int	 n;

	while (evbuffer_get_length(c->out) > 0) {
		n = evbuffer_write(c->out, c->fd);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR)) {
			if (errno == EINTR)
				continue;
			event_add(c->wev, NULL);
			conn_update_read(c);
			return 0;
		}
		if (n <= 0) {
			log_debug("http: write to %s: %s", c->peer,
			    n < 0 ? strerror(errno) : "nothing written");
			conn_close(c);
			return -1;
		}
	}
	if (c->closing && c->state != CONN_BUSY && c->state != CONN_LINGER) {
		shutdown(c->fd, SHUT_WR);
		conn_arm(c, CONN_LINGER);
	}
	if (c->state == CONN_LINGER && c->eof) {
		conn_close(c);
		return -1;
	}
	conn_update_read(c);
	return 0;
}

/*
 * Answer a request refused before any handler saw it, and close: what
 * follows on the connection cannot be framed.
 */
static void
conn_refuse(struct http_conn *c, int code, const char *msg)
{
	struct evbuffer	*out = c->out;
	char		 body[192];
	const char	*reason = reason_of(code);
	int		 blen;

	blen = snprintf(body, sizeof(body), "{\"error\":\"%s\"}\n", msg);
	if (blen < 0 || (size_t)blen >= sizeof(body))
		blen = snprintf(body, sizeof(body), "{\"error\":\"bad "
		    "request\"}\n");
	ADD_LIT(out, "HTTP/1.1 ");
	http_add_uint(out, (size_t)code);
	evbuffer_add(out, " ", 1);
	evbuffer_add(out, reason, strlen(reason));
	ADD_LIT(out, "\r\nContent-Type: application/json\r\n");
	if (code == 503)
		ADD_LIT(out, "Retry-After: 1\r\n");
	ADD_LIT(out, "Connection: close\r\nContent-Length: ");
	http_add_uint(out, (size_t)blen);
	ADD_LIT(out, "\r\n\r\n");
	evbuffer_add(out, body, (size_t)blen);
	http_count(c->srv->pd, code);
	req_free(c->req);
	c->req = NULL;
	evbuffer_drain(c->in, evbuffer_get_length(c->in));
	c->closing = 1;
	c->state = CONN_IDLE;
	conn_flush(c);
}

static void
refuse_logged(struct http_conn *c, int code, const char *msg)
{
	log_warnx_limited(&c->srv->ll_reject, "http: refusing a request "
	    "from %s: %s", c->peer, msg);
	conn_refuse(c, code, msg);
}

/* The header block, NUL-terminated in place: p[0..len) is ours. */
static int
parse_head(struct http_conn *c, char *p, size_t len)
{
	struct config		*cfg = c->srv->pd->cfg;
	struct http_reqline	 rl;
	struct http_req		*req;
	const char		*name, *value, *h;
	char			*line, *nl, *end = p + len, *target;
	char			 msg[64];
	size_t			 llen, nlen, vlen;
	unsigned long long	 cl;
	int			 rc, first = 1;
	static const enum evhttp_cmd_type methods[] = {
		[HTTP_M_GET] = EVHTTP_REQ_GET,
		[HTTP_M_POST] = EVHTTP_REQ_POST,
		[HTTP_M_HEAD] = EVHTTP_REQ_HEAD,
		[HTTP_M_PUT] = EVHTTP_REQ_PUT,
		[HTTP_M_DELETE] = EVHTTP_REQ_DELETE,
		[HTTP_M_OPTIONS] = EVHTTP_REQ_OPTIONS,
		[HTTP_M_TRACE] = EVHTTP_REQ_TRACE,
		[HTTP_M_CONNECT] = EVHTTP_REQ_CONNECT,
		[HTTP_M_PATCH] = EVHTTP_REQ_PATCH,
	};

	if ((c->req = req = req_new()) == NULL) {
		conn_refuse(c, 503, "out of memory");
		return -1;
	}
	req->conn = c;
	for (line = p; line < end; line = nl + 1) {
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			break;
		llen = (size_t)(nl - line);
		if (llen > 0 && line[llen - 1] == '\r')
			llen--;
		if (first) {
			if (llen == 0)
				continue;	/* RFC 9112 2.2 */
			first = 0;
			rc = http_parse_reqline(line, llen, &rl, msg,
			    sizeof(msg));
			if (rc < 0) {
				refuse_logged(c, rc == -2 ? 501 : rc == -3 ?
				    505 : 400, msg);
				return -1;
			}
			req->method = methods[rl.method];
			req->minor = rl.minor;
			target = (char *)rl.target;
			target[rl.target_len] = '\0';
			req->uri = evhttp_uri_parse_with_flags(target,
			    EVHTTP_URI_NONCONFORMANT);
			if (req->uri == NULL) {
				refuse_logged(c, 400, "bad request URI");
				return -1;
			}
			continue;
		}
		if (llen == 0)
			break;		/* the blank line */
		if (http_parse_header(line, llen, &name, &nlen, &value, &vlen,
		    msg, sizeof(msg)) == -1) {
			refuse_logged(c, 400, msg);
			return -1;
		}
		line[nlen] = '\0';
		((char *)value)[vlen] = '\0';
		if (evhttp_add_header(&req->in, name, value) == -1) {
			refuse_logged(c, 400, "bad header line");
			return -1;
		}
	}
	if (first) {
		refuse_logged(c, 400, "bad request line");
		return -1;
	}

	h = evhttp_find_header(&req->in, "Connection");
	req->keepalive = req->minor >= 1 ? !(h != NULL &&
	    has_token(h, "close")) : (h != NULL && has_token(h, "keep-alive"));
	h = evhttp_find_header(&req->in, "Expect");
	req->expect = req->minor >= 1 && h != NULL &&
	    strcasecmp(h, "100-continue") == 0;

	/* Framing was checked by the scan (lib/http_check.c). */
	c->body_left = 0;
	if (evhttp_find_header(&req->in, "Transfer-Encoding") != NULL) {
		http_chunked_init(&c->chunked, cfg->http_max_body);
		c->ps = PARSE_CHUNKED;
	} else if ((h = evhttp_find_header(&req->in, "Content-Length")) !=
	    NULL) {
		cl = strtoull(h, NULL, 10);
		if (cl > cfg->http_max_body) {
			refuse_logged(c, 413, "request body too large");
			return -1;
		}
		c->body_left = (size_t)cl;
		c->ps = PARSE_BODY;
	} else
		c->ps = PARSE_BODY;
	return 0;
}

static void
body_add(void *arg, const char *p, size_t n)
{
	evbuffer_add(arg, p, n);
}

/* The request is whole: hand it to the router. */
static void
dispatch(struct http_conn *c)
{
	c->ps = PARSE_HEAD;
	conn_arm(c, CONN_BUSY);
	http_route(c->srv->pd, c->req);
}

/*
 * Parse what has arrived, one step. 1: progress (a request dispatched,
 * or a header block parsed), 0: need more input, -1: refused.
 */
static int
conn_step(struct http_conn *c)
{
	struct config	*cfg = c->srv->pd->cfg;
	size_t		 len = evbuffer_get_length(c->in), used, n;
	unsigned char	*p;
	int		 rc;

	if (len == 0 && !(c->ps == PARSE_BODY && c->body_left == 0 &&
	    c->req != NULL))
		return 0;
	if (c->state == CONN_IDLE)
		conn_arm(c, CONN_READING);
	switch (c->ps) {
	case PARSE_HEAD:
		if (c->scanned >= len)
			return 0;
		if ((p = evbuffer_pullup(c->in, (ev_ssize_t)len)) == NULL) {
			conn_refuse(c, 503, "out of memory");
			return -1;
		}
		rc = http_scan_feed(&c->scan, (char *)p + c->scanned,
		    len - c->scanned, &used);
		c->scanned += used;
		if (rc == -1) {
			refuse_logged(c, 400, c->scan.msg);
			return -1;
		}
		if (c->scanned > cfg->http_max_header_size) {
			refuse_logged(c, 431, "request header too large "
			    "(http.max_header_size)");
			return -1;
		}
		if (rc == 0)
			return 0;
		if (parse_head(c, (char *)p, c->scanned) == -1)
			return -1;
		evbuffer_drain(c->in, c->scanned);
		c->scanned = 0;
		if (c->req->expect && (c->ps == PARSE_CHUNKED ||
		    c->body_left > evbuffer_get_length(c->in))) {
			ADD_LIT(c->out, "HTTP/1.1 100 Continue\r\n\r\n");
			if (conn_flush(c) == -1)
				return -1;
		}
		return 1;
	case PARSE_BODY:
		n = len < c->body_left ? len : c->body_left;
		if (n > 0 && evbuffer_remove_buffer(c->in, c->req->body, n) !=
		    (int)n) {
			conn_refuse(c, 503, "out of memory");
			return -1;
		}
		c->body_left -= n;
		if (c->body_left > 0)
			return 0;
		dispatch(c);
		return 1;
	case PARSE_CHUNKED:
		if ((p = evbuffer_pullup(c->in, (ev_ssize_t)len)) == NULL) {
			conn_refuse(c, 503, "out of memory");
			return -1;
		}
		rc = http_chunked_feed(&c->chunked, (char *)p, len, &used,
		    body_add, c->req->body);
		evbuffer_drain(c->in, used);
		if (rc == -1 || rc == -2) {
			refuse_logged(c, rc == -2 ? 413 : 400, c->chunked.msg);
			return -1;
		}
		if (rc == 0)
			return 0;
		dispatch(c);
		return 1;
	}
	return -1;
}

static void
conn_process(struct http_conn *c)
{
	int	 rc = 1;

	c->in_process++;
	while (!c->dead && rc == 1 && c->state != CONN_BUSY &&
	    c->state != CONN_LINGER && !c->closing &&
	    evbuffer_get_length(c->out) <= OUT_MAX)
		rc = conn_step(c);
	c->in_process--;
	if (c->dead) {
		if (c->in_process == 0)
			conn_free(c);
		return;
	}
	/* The peer shut its side: no more requests will come whole. */
	if (c->eof && c->state != CONN_BUSY && c->state != CONN_LINGER &&
	    (rc != 1 || c->closing)) {
		if (evbuffer_get_length(c->out) == 0) {
			conn_free(c);
			return;
		}
		c->closing = 1;
	}
	conn_update_read(c);
}

static void
conn_read(evutil_socket_t fd, short ev, void *arg)
{
	struct http_conn	*c = arg;
	struct evbuffer_iovec	 v[1];
	ssize_t			 n;

	if (evbuffer_reserve_space(c->in, READ_SIZE, v, 1) < 1) {
		conn_close(c);
		return;
	}
	n = read(fd, v[0].iov_base, v[0].iov_len);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		log_debug("http: read from %s: %s", c->peer, strerror(errno));
		conn_close(c);
		return;
	}
	v[0].iov_len = (size_t)n;
	evbuffer_commit_space(c->in, v, 1);
	if (c->state == CONN_LINGER) {
		evbuffer_drain(c->in, evbuffer_get_length(c->in));
		if (n == 0)
			conn_close(c);
		return;
	}
	if (n == 0) {
		c->eof = 1;
		conn_update_read(c);
		if (c->state == CONN_BUSY)
			return;		/* the answer still goes out */
	}
	if (c->state == CONN_BUSY) {
		conn_update_read(c);
		return;
	}
	conn_process(c);
}

static void
conn_write(evutil_socket_t fd, short ev, void *arg)
{
	struct http_conn	*c = arg;

	if (conn_flush(c) == -1)
		return;
	if (evbuffer_get_length(c->out) == 0 && c->state != CONN_BUSY &&
	    c->state != CONN_LINGER)
		conn_process(c);
}

static void
conn_deadline(evutil_socket_t fd, short ev, void *arg)
{
	struct http_conn	*c = arg;

	log_debug("http: closing connection from %s: %s", c->peer,
	    c->state == CONN_READING ? "request_timeout passed" :
	    c->state == CONN_LINGER ? "refused" : "idle_timeout passed");
	conn_close(c);
}

static struct http_conn *
conn_new(struct http_server *srv, int fd, const struct sockaddr *sa)
{
	struct event_base	*base = srv->pd->base;
	struct http_conn	*c;
	int			 one = 1;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->srv = srv;
	c->fd = fd;
	c->rev = event_new(base, fd, EV_READ | EV_PERSIST, conn_read, c);
	c->wev = event_new(base, fd, EV_WRITE, conn_write, c);
	c->deadline = evtimer_new(base, conn_deadline, c);
	c->in = evbuffer_new();
	c->out = evbuffer_new();
	if (c->rev == NULL || c->wev == NULL || c->deadline == NULL ||
	    c->in == NULL || c->out == NULL) {
		if (c->rev != NULL)
			event_free(c->rev);
		if (c->wev != NULL)
			event_free(c->wev);
		if (c->deadline != NULL)
			event_free(c->deadline);
		if (c->in != NULL)
			evbuffer_free(c->in);
		if (c->out != NULL)
			evbuffer_free(c->out);
		free(c);
		return NULL;
	}
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;

		inet_ntop(AF_INET, &s4->sin_addr, c->peer, sizeof(c->peer));
		c->port = ntohs(s4->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, c->peer, sizeof(c->peer));
		c->port = ntohs(s6->sin6_port);
	} else
		snprintf(c->peer, sizeof(c->peer), "?");
	/* Answers leave in one write; a 100 Continue must not wait. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	http_scan_reset(&c->scan);
	c->state = CONN_IDLE;
	c->ps = PARSE_HEAD;
	TAILQ_INSERT_TAIL(&srv->conns, c, entry);
	return c;
}

static void
accept_resume(evutil_socket_t fd, short ev, void *arg)
{
	struct http_server	*srv = arg;
	size_t			 i;

	for (i = 0; i < srv->nls; i++)
		event_add(srv->ls[i].ev, NULL);
}

static void
accept_cb(evutil_socket_t lfd, short ev, void *arg)
{
	struct http_server	*srv = arg;
	struct sockaddr_storage	 ss;
	struct http_conn	*c;
	socklen_t		 sl;
	int			 fd, i;
	size_t			 k;
	struct timeval		 tv = { 0, 100000 };

	for (i = 0; i < ACCEPT_BATCH; i++) {
		sl = sizeof(ss);
		fd = accept4(lfd, (struct sockaddr *)&ss, &sl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR || errno == ECONNABORTED)
				return;
			log_warnx_limited(&srv->ll_reject, "http: accept: %s",
			    strerror(errno));
			/* Out of descriptors: the backlog would wake us at
			 * once, again and again; look again in 100 ms. */
			for (k = 0; k < srv->nls; k++)
				event_del(srv->ls[k].ev);
			evtimer_add(srv->accept_pause, &tv);
			return;
		}
		if ((c = conn_new(srv, fd, (struct sockaddr *)&ss)) == NULL) {
			log_warnx("http: out of memory: dropping a connection");
			close(fd);
			continue;
		}
		if (srv->nconns >= srv->pd->cfg->http_max_connections) {
			metrics_add(srv->pd->metrics,
			    "pagerd_http_connections_rejected_total", 1, 0,
			    NULL);
			log_warnx_limited(&srv->ll_reject, "http: %d "
			    "connections open (http.max_connections): "
			    "refusing one", srv->nconns);
			conn_refuse(c, 503, "too many open connections");
			continue;
		}
		srv->nconns++;
		c->counted = 1;
		/* The first request is due within request_timeout. */
		conn_arm(c, CONN_READING);
		conn_update_read(c);
	}
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
	if (colon[1] == '\0' || *end != '\0' || p < 0 || p > 65535)
		return -1;
	*port = (unsigned short)p;
	return 0;
}

/* A listening socket on host:port (SO_REUSEADDR), or -1 with errno. */
static int
listen_on(const char *host, unsigned short port)
{
	struct addrinfo	 hints, *ai = NULL;
	char		 sport[8];
	int		 fd, one = 1, rc, saved;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(sport, sizeof(sport), "%u", (unsigned)port);
	if ((rc = getaddrinfo(host[0] != '\0' ? host : NULL, sport, &hints,
	    &ai)) != 0) {
		log_warnx("http: %s: %s", host, gai_strerror(rc));
		errno = EINVAL;
		return -1;
	}
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1)
		goto fail;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ==
	    -1 || bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    listen(fd, SOMAXCONN) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		goto fail;
	}
	freeaddrinfo(ai);
	return fd;
fail:
	saved = errno;
	freeaddrinfo(ai);
	errno = saved;
	return -1;
}

struct http_server *
http_start(struct pagerd *pd)
{
	struct http_server	*srv;
	char			 host[256];
	unsigned short		 port;
	size_t			 i;
	int			 fd;

	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		return NULL;
	srv->pd = pd;
	TAILQ_INIT(&srv->conns);
	srv->ll_reject.burst = 5;
	srv->accept_pause = evtimer_new(pd->base, accept_resume, srv);
	srv->ls = calloc(pd->cfg->n_http_listen + 1, sizeof(*srv->ls));
	if (srv->ls == NULL || srv->accept_pause == NULL)
		goto fail;
	for (i = 0; i < pd->cfg->n_http_listen; i++) {
		const char *l = pd->cfg->http_listen[i];

		if (split_hostport(l, host, sizeof(host), &port) == -1) {
			log_warnx("http: bad listen address %s", l);
			goto fail;
		}
		if ((fd = listen_on(host, port)) == -1) {
			log_warn("http: cannot listen on %s", l);
			goto fail;
		}
		srv->ls[i].fd = fd;
		srv->ls[i].ev = event_new(pd->base, fd, EV_READ | EV_PERSIST,
		    accept_cb, srv);
		srv->nls++;
		if (srv->ls[i].ev == NULL ||
		    event_add(srv->ls[i].ev, NULL) == -1) {
			log_warnx("http: cannot listen on %s: out of memory",
			    l);
			goto fail;
		}
		log_info("http: listening on %s", l);
	}
	return srv;
fail:
	http_free(srv);
	return NULL;
}

/* Limits and timeouts are read from pd->cfg as each request needs them. */
void
http_reconfigure(struct http_server *srv)
{
}

void
http_stop_accepting(struct http_server *srv)
{
	size_t	 i;

	if (srv->accept_pause != NULL)
		event_del(srv->accept_pause);
	for (i = 0; i < srv->nls; i++) {
		if (srv->ls[i].ev != NULL)
			event_free(srv->ls[i].ev);
		close(srv->ls[i].fd);
	}
	srv->nls = 0;
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
	http_stop_accepting(srv);
	/* Requests still with their handlers are answered into the void. */
	while ((c = TAILQ_FIRST(&srv->conns)) != NULL)
		conn_free(c);
	if (srv->accept_pause != NULL)
		event_free(srv->accept_pause);
	free(srv->ls);
	free(srv);
}
