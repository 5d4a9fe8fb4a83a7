/*
 * daemon/http_conn.h — the HTTP server's insides, shared by its three
 * files and by nothing else: http_server.c (listeners, accepting, the
 * server's life), http_conn.c (one connection: reading, parsing,
 * deadlines, writing) and http_req.c (the request and its answer).
 */
#ifndef PAGERD_HTTP_CONN_H
#define PAGERD_HTTP_CONN_H

#include <sys/queue.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "http_check.h"
#include "http_parse.h"
#include "log.h"

#define READ_SIZE	16384		/* bytes asked of one read(2) */
#define IN_PAUSE	65536		/* pipelined bytes read while busy */
#define OUT_MAX		262144		/* unread answers before we stop */
#define LINGER_MS	1000		/* reading after a refusal */

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
	/*
	 * The input headers live in this one allocation, after the
	 * struct: nkv entries of in (of at most maxkv), pointing into a
	 * copy of the header block that parsing NUL-terminates in place.
	 * in is read-only for the handlers; out is evhttp's (malloc'd).
	 */
	struct evkeyval		*kv;
	size_t			 nkv, maxkv;
	char			*block;
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

#define ADD_LIT(b, s)	evbuffer_add((b), (s), sizeof(s) - 1)

/* http_req.c */
/* A request with room for the header block p[0..len), copied. */
struct http_req	*req_new(const char *p, size_t len);
void		 req_free(struct http_req *);
const char	*reason_of(int code);
/* Does the comma-separated header value hold token (any case)? */
int		 has_token(const char *value, const char *token);

/* http_conn.c */
struct http_conn *conn_new(struct http_server *, int fd,
		    const struct sockaddr *);
void		 conn_free(struct http_conn *);
void		 conn_arm(struct http_conn *, enum conn_state);
void		 conn_update_read(struct http_conn *);
void		 conn_process(struct http_conn *);
/* Answer code with {"error": msg} and close (for requests not routed). */
void		 conn_refuse(struct http_conn *, int code, const char *msg);
void		 conn_answered(struct http_conn *, int keepalive);

#endif /* PAGERD_HTTP_CONN_H */
