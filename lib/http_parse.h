/*
 * lib/http_parse.h — the pieces of HTTP/1.1 request parsing that need no
 * socket: the request line, one header line, and a strict decoder for
 * chunked request bodies (RFC 9112 sections 3, 5 and 7.1). The daemon's
 * server (daemon/http_server.c) feeds them the bytes it has read.
 */
#ifndef PAGERD_HTTP_PARSE_H
#define PAGERD_HTTP_PARSE_H

#include <stddef.h>

enum http_method {
	HTTP_M_GET = 1,
	HTTP_M_POST,
	HTTP_M_HEAD,
	HTTP_M_PUT,
	HTTP_M_DELETE,
	HTTP_M_OPTIONS,
	HTTP_M_TRACE,
	HTTP_M_CONNECT,
	HTTP_M_PATCH
};

struct http_reqline {
	enum http_method	 method;
	const char		*target;	/* in the line, not NUL-ended */
	size_t			 target_len;
	int			 minor;		/* HTTP/1.minor */
};

/*
 * "METHOD SP request-target SP HTTP/1.D", CR/LF already stripped: single
 * spaces, a visible-ASCII target. Returns 0; -1 with the reason in msg
 * for a malformed line, -2 for an unknown method (501), -3 for a version
 * other than 1.x (505).
 */
int	http_parse_reqline(const char *line, size_t len, struct http_reqline *,
	    char *msg, size_t msglen);

/*
 * "name: value", CR/LF stripped: a token name without blanks before the
 * colon, a value of visible characters, SP and HTAB (optional blanks
 * around it are trimmed). 0 with name/value spans set, or -1 with msg.
 */
int	http_parse_header(const char *line, size_t len, const char **name,
	    size_t *nlen, const char **value, size_t *vlen, char *msg,
	    size_t msglen);

/*
 * Chunked body decoding, incremental: chunk sizes in hex (at most 15
 * digits), extensions skipped within HTTP_CHUNK_LINE bytes, CRLF
 * required after every size line and chunk, trailers skipped up to
 * HTTP_CHUNK_TRAILERS bytes. Fixed size, no allocation.
 */
#define HTTP_CHUNK_LINE		1024
#define HTTP_CHUNK_TRAILERS	8192

struct http_chunked {
	int	 state;
	size_t	 size;		/* of the chunk being read, or left of it */
	size_t	 digits;
	size_t	 line;		/* bytes of the size or trailer line so far */
	size_t	 trailers;	/* trailer bytes so far */
	size_t	 total;		/* body bytes so far */
	size_t	 max;		/* body limit */
	char	 msg[64];
};

void	http_chunked_init(struct http_chunked *, size_t max);

/*
 * Decode from p[0..n). Body bytes are passed to out (when not NULL) as
 * they are found. *used is the bytes consumed. Returns 0 when more input
 * is needed, 1 when the body ended (the bytes after *used belong to the
 * next request), -1 for a malformed body (msg), -2 when the body grew
 * past max (413).
 */
int	http_chunked_feed(struct http_chunked *, const char *p, size_t n,
	    size_t *used, void (*out)(void *, const char *, size_t),
	    void *arg);

#endif /* PAGERD_HTTP_PARSE_H */
