/*
 * lib/http_check.h — framing checks evhttp 2.1 does not make. evhttp takes
 * the first of several Content-Length headers and treats any
 * Transfer-Encoding other than exactly "chunked" as "no body", which lets
 * a sender smuggle a second request inside the first one's body. The
 * daemon runs these checks on every request and closes the connection
 * when one fails. Pure: the caller passes the header list.
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

#endif /* PAGERD_HTTP_CHECK_H */
