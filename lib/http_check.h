/*
 * lib/http_check.h — request framing checks. A proxy in front of pagerd
 * and pagerd must agree on where each request ends, or a sender can
 * smuggle a second request inside the first one's body (evhttp, which
 * pagerd used before daemon/http_server.c, took the first of several
 * Content-Lengths and read "gzip, chunked" as no body). The server runs
 * these checks on every request and closes the connection when one
 * fails. Pure: the caller passes the header list or the bytes.
 */
#ifndef PAGERD_HTTP_CHECK_H
#define PAGERD_HTTP_CHECK_H

#include <stddef.h>

struct http_header {
	const char	*name;
	const char	*value;
};

/*
 * Check the request framing headers. Refuses: more than one
 * Content-Length (even when equal), a Content-Length that is not a plain
 * decimal number, any Transfer-Encoding other than a single "chunked",
 * and Transfer-Encoding together with Content-Length (RFC 9112 6.3).
 * Returns 0, or -1 with a short human message in msg.
 */
int	http_check_framing(const struct http_header *h, size_t n,
	    char *msg, size_t msglen);

/*
 * Is the Content-Type acceptable for a JSON body? "application/json"
 * with optional parameters (charset=utf-8 only), case-insensitive.
 * ct may be NULL (absent): not acceptable.
 */
int	http_check_json_type(const char *ct);

/*
 * An incremental look at a request's header block as its bytes arrive,
 * before it is parsed: it finds where the block ends and refuses, with a
 * message for a JSON 400, NUL bytes, obsolete line folding (RFC 9112
 * 5.2), and the framing http_check_framing() refuses. Fixed size, no
 * allocation.
 */
#define HTTP_SCAN_LINE		1024	/* bytes of a line that are kept */
#define HTTP_SCAN_FRAMING	8	/* CL/TE headers looked at */

struct http_scan {
	int	 state;			/* 0 request line, 1 headers, 2 done */
	size_t	 len;			/* bytes in line */
	int	 overflow;		/* the line is longer than line[] */
	size_t	 nfr;
	char	 names[HTTP_SCAN_FRAMING][20];
	char	 values[HTTP_SCAN_FRAMING][64];
	char	 line[HTTP_SCAN_LINE];
	char	 msg[128];		/* why, after -1 */
};

void	http_scan_reset(struct http_scan *);

/*
 * Feed the next n bytes of the connection. Returns 0 while the header
 * block is incomplete, 1 once it is complete and acceptable (later bytes
 * are the body: stop feeding until the next request, after a reset), or
 * -1 when it must be refused (why in s->msg). *used is how many of the
 * bytes belonged to the header block.
 */
int	http_scan_feed(struct http_scan *, const char *p, size_t n,
	    size_t *used);

#endif /* PAGERD_HTTP_CHECK_H */
