/*
 * daemon/http_server.h — pagerd's HTTP/1.1 server on the event loop: the
 * listeners, the connections (one persistent read event each, answers
 * written straight to the socket) and the request object the handlers
 * get. http.c routes; the handlers answer through http.c's helpers.
 *
 * Ownership: a request is handed to http_route() and belongs to its
 * handler until the handler answers it (http_req_send, through the
 * helpers in http.c), exactly once; the answer frees it. When the client
 * goes away first, the request stays valid and the answer is dropped.
 */
#ifndef PAGERD_HTTP_SERVER_H
#define PAGERD_HTTP_SERVER_H

#include <event2/http.h>	/* enum evhttp_cmd_type, evhttp_uri */

struct evbuffer;
struct evkeyvalq;
struct http_req;
struct pagerd;

/* Routes a request whose header and body are in (http.c). */
void		 http_route(struct pagerd *, struct http_req *);

enum evhttp_cmd_type	 http_req_method(const struct http_req *);
/* Never NULL: an unparsable target is refused before routing. */
const struct evhttp_uri	*http_req_uri(const struct http_req *);
struct evkeyvalq	*http_req_input_headers(struct http_req *);
struct evkeyvalq	*http_req_output_headers(struct http_req *);
/* The whole body, chunked encoding removed. */
struct evbuffer		*http_req_body(struct http_req *);
/* The client's address ("?" when unknown) and port. */
const char		*http_req_peer(const struct http_req *,
			    unsigned short *port);

/*
 * Answer and free the request: status line, Content-Type (when not
 * NULL), Date, Content-Length, the output headers, and body (drained;
 * may be NULL). Only the bytes of a HEAD answer are left out.
 */
void		 http_req_send(struct http_req *, int code, const char *ctype,
		    struct evbuffer *body);

/* Append v in decimal, without printf: every answer has a number. */
void		 http_add_uint(struct evbuffer *, unsigned long long v);

#endif /* PAGERD_HTTP_SERVER_H */
