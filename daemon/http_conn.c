/*
 * daemon/http_conn.c — one HTTP connection: reading (one persistent
 * EV_READ), parsing requests one after another (lib/http_parse.c and the
 * framing scan of lib/http_check.c), deadlines, refusals, and writing
 * answers with EV_WRITE armed only when the socket would block.
 */
#include "autoconf.h"

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "config.h"
#include "http.h"
#include "http_conn.h"
#include "http_server.h"
#include "log.h"
#include "metrics.h"
#include "pagerd.h"

static int	conn_flush(struct http_conn *);
static void	conn_close(struct http_conn *);

/*
 * The handler answered (the bytes are in c->out): the idle deadline runs
 * again, the answer goes out, and pipelined requests are read on.
 */
void
conn_answered(struct http_conn *c, int keepalive)
{
	if (!keepalive)
		c->closing = 1;
	if (c->state == CONN_BUSY) {
		http_scan_reset(&c->scan);
		c->scanned = 0;
		conn_arm(c, CONN_IDLE);
	}
	if (conn_flush(c) == -1)
		return;
	if (!c->in_process)
		conn_process(c);
}

void
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
void
conn_update_read(struct http_conn *c)
{
	int	 want;

	want = !c->eof && !c->dead && (c->state == CONN_LINGER ||
	    (!c->closing &&
	    (c->state != CONN_BUSY || evbuffer_get_length(c->in) < IN_PAUSE) &&
	    evbuffer_get_length(c->out) <= OUT_MAX));
	if (want && !c->reading)
		event_add(c->rev, NULL);
	else if (!want && c->reading)
		event_del(c->rev);
	c->reading = want;
}

void
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
void
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

/*
 * The header block src[0..len): copied into the request, whose headers
 * point into the copy.
 */
static int
parse_head(struct http_conn *c, const char *src, size_t len)
{
	struct config		*cfg = c->srv->pd->cfg;
	struct http_reqline	 rl;
	struct http_req		*req;
	struct evkeyval		*kv;
	const char		*name, *value, *h;
	char			*p, *line, *nl, *end, *target;
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

	if ((c->req = req = req_new(src, len)) == NULL) {
		conn_refuse(c, 503, "out of memory");
		return -1;
	}
	req->conn = c;
	p = req->block;
	end = p + len;
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
		if (req->nkv == req->maxkv) {
			refuse_logged(c, 400, "bad header block");
			return -1;
		}
		kv = &req->kv[req->nkv++];
		kv->key = line;
		kv->value = (char *)value;
		TAILQ_INSERT_TAIL(&req->in, kv, next);
	}
	if (first) {
		refuse_logged(c, 400, "bad request line");
		return -1;
	}

	h = evhttp_find_header(&req->in, "Connection");
	req->keepalive = req->minor >= 1 ? !(h != NULL &&
	    has_token(h, "close")) : (h != NULL && has_token(h, "keep-alive"));
	/*
	 * 100-continue is the only expectation there is (RFC 9110
	 * 10.1.1); any other is refused before its body is read. An
	 * HTTP/1.0 client's is ignored, as it cannot take a 100.
	 */
	h = evhttp_find_header(&req->in, "Expect");
	req->expect = req->minor >= 1 && h != NULL &&
	    strcasecmp(h, "100-continue") == 0;
	if (req->minor >= 1 && h != NULL && !req->expect) {
		refuse_logged(c, 417, "unsupported Expect");
		return -1;
	}

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
		if (parse_head(c, (const char *)p, c->scanned) == -1)
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

void
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

struct http_conn *
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

