/*
 * daemon/http_req.c — the request object the handlers get (accessors)
 * and its answer: status line, headers and body written into the
 * connection's output in one go, without printf. The answer frees the
 * request, also when its connection is already gone (http_server.h).
 */
#include "autoconf.h"

#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "http.h"
#include "http_conn.h"
#include "http_server.h"
#include "pagerd.h"

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

struct http_req *
req_new(const char *p, size_t len)
{
	struct http_req	*req;
	const char	*q, *end = p + len;
	size_t		 n = 0;

	/* At most one header per line: one allocation for all of them. */
	for (q = p; q < end && (q = memchr(q, '\n', (size_t)(end - q))) !=
	    NULL; q++)
		n++;
	if ((req = calloc(1, sizeof(*req) + n * sizeof(*req->kv) + len + 1)) ==
	    NULL)
		return NULL;
	req->kv = (struct evkeyval *)(req + 1);
	req->maxkv = n;
	req->block = (char *)(req->kv + n);
	memcpy(req->block, p, len);
	TAILQ_INIT(&req->in);
	TAILQ_INIT(&req->out);
	if ((req->body = evbuffer_new()) == NULL) {
		free(req);
		return NULL;
	}
	return req;
}

void
req_free(struct http_req *req)
{
	if (req == NULL)
		return;
	if (req->uri != NULL)
		evhttp_uri_free(req->uri);
	evhttp_clear_headers(&req->out);
	evbuffer_free(req->body);
	free(req);		/* with the input headers */
}

/* ------------------------------------------------------------ answers */

const char *
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
	case 417: return "Expectation Failed";
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

/* Does the comma-separated header value hold token (any case)? */
int
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
	conn_answered(c, ka);
}

