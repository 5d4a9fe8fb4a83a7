/*
 * daemon/http_server.c — pagerd's own HTTP/1.1 server on the event loop:
 * this file has the listeners, accepting (and the connection limit) and
 * the server's life; http_conn.c a connection, http_req.c the request
 * and its answer, http.c the routes.
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

#include <netdb.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/http.h>

#include "config.h"
#include "http.h"
#include "http_conn.h"
#include "http_server.h"
#include "log.h"
#include "metrics.h"
#include "pagerd.h"

#define ACCEPT_BATCH	64

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
