/*
 * bench/floor.c — the floor of this design, for `make bench`: a bare
 * evhttp server that pagerd's figures are measured against. It does the
 * least any server on this stack must do per alert, and nothing else:
 *
 *	-M 0	-M 1 without evhttp: a persistent read event per
 *		connection, read(2), the request framed by its
 *		Content-Length, the answer written with one write(2). What
 *		HTTP costs on this machine when the server does not re-arm
 *		its events per request (evhttp: 4 epoll_ctl and an ioctl).
 *	-M 1	read the body, answer 202
 *	-M 2	one EVALSHA per request (a dedup script: EXISTS, then
 *		HINCRBY count + HSET last_seen, or HSET the fields + ZADD)
 *	-M 3	group commit: the requests that arrived in one loop
 *		iteration go to Redis as ONE EVALSHA; each is answered
 *		only after its reply
 *
 * Alerts are found by scanning for `{"labels"` and fingerprinted by
 * hashing their labels' bytes: no JSON parse, no routing, no incidents. Not a
 * server for anything but benchmarks.
 *
 *	floor [-M 0|1|2|3] [-p PORT] [-s REDIS_SOCKET]
 */
#include "autoconf.h"

#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <errno.h>
#include <netinet/in.h>
#include <strings.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#define MAX_ALERTS	1000	/* per request */
#define FP_LEN		17

/* One script serves modes 2 and 3: ARGV[1] = now, ARGV[2..] = fingerprints. */
static const char dedup_lua[] =
	"local now = ARGV[1]\n"
	"local out = {}\n"
	"for i = 2, #ARGV do\n"
	"  local k = 'floor:alert:' .. ARGV[i]\n"
	"  if redis.call('EXISTS', k) == 1 then\n"
	"    redis.call('HINCRBY', k, 'count', 1)\n"
	"    redis.call('HSET', k, 'last_seen', now)\n"
	"    out[#out + 1] = 0\n"
	"  else\n"
	"    redis.call('HSET', k, 'fingerprint', ARGV[i], 'status',\n"
	"      'firing', 'count', 1, 'first_seen', now, 'last_seen', now)\n"
	"    redis.call('ZADD', 'floor:recent', now, ARGV[i])\n"
	"    out[#out + 1] = 1\n"
	"  end\n"
	"end\n"
	"return out\n";

struct req {
	struct evhttp_request	*req;
	size_t			 nfp;
};

struct floor {
	struct event_base	*base;
	redisAsyncContext	*ac;
	int			 mode;
	char			 sha[41];

	/* mode 3: what arrived in this loop iteration */
	struct req		*q;
	size_t			 nq, capq;
	char			**argv;
	size_t			*argvlen;
	size_t			 nargv, capargv;
	struct event		*ev_flush;
};

struct group {
	struct req	*q;
	size_t		 nq;
};

static void
die(const char *msg)
{
	fprintf(stderr, "floor: %s\n", msg);
	exit(1);
}

static void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n)) == NULL)
		die("out of memory");
	return p;
}

static uint64_t
fnv1a(const char *p, size_t n)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;

	while (n-- > 0) {
		h ^= (unsigned char)*p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void
now_arg(char *buf, size_t len)
{
	struct timeval	 tv;

	gettimeofday(&tv, NULL);
	snprintf(buf, len, "%lld",
	    (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000);
}

static void
argv_push(struct floor *f, const char *s, size_t len)
{
	if (f->nargv == f->capargv) {
		f->capargv = f->capargv ? f->capargv * 2 : 1024;
		f->argv = xrealloc(f->argv, f->capargv * sizeof(*f->argv));
		f->argvlen = xrealloc(f->argvlen,
		    f->capargv * sizeof(*f->argvlen));
	}
	f->argv[f->nargv] = xrealloc(NULL, len + 1);
	memcpy(f->argv[f->nargv], s, len);
	f->argv[f->nargv][len] = '\0';
	f->argvlen[f->nargv++] = len;
}

static void
argv_reset(struct floor *f)
{
	size_t	 i;

	for (i = 0; i < f->nargv; i++)
		free(f->argv[i]);
	f->nargv = 0;
}

static void
argv_start(struct floor *f)
{
	char	 now[24];

	argv_reset(f);
	argv_push(f, "EVALSHA", 7);
	argv_push(f, f->sha, 40);
	argv_push(f, "0", 1);
	now_arg(now, sizeof(now));
	argv_push(f, now, strlen(now));
}

/*
 * The alerts of a body: one fingerprint per `{"labels"`, of the bytes of
 * its labels object (up to its first `}`: loadgen's label values have
 * none), so that a repeat with a later endsAt (loadgen -E, as Prometheus
 * sends them) is the same alert.
 */
static size_t
push_fingerprints(struct floor *f, const char *body, size_t len)
{
	static const char	 mark[] = "{\"labels\"";
	const char		*p = body, *end = body + len, *next, *close;
	char			 fp[FP_LEN];
	size_t			 n = 0;

	while (n < MAX_ALERTS && (p = memmem(p, (size_t)(end - p), mark,
	    sizeof(mark) - 1)) != NULL) {
		next = memmem(p + 1, (size_t)(end - p - 1), mark,
		    sizeof(mark) - 1);
		if (next == NULL)
			next = end;
		close = memchr(p + sizeof(mark) - 1, '}',
		    (size_t)(next - p) - (sizeof(mark) - 1));
		snprintf(fp, sizeof(fp), "%016" PRIx64,
		    fnv1a(p, (size_t)((close != NULL ? close : next) - p)));
		argv_push(f, fp, 16);
		n++;
		p = next;
	}
	if (n == 0) {		/* not our shape: the whole body is one */
		snprintf(fp, sizeof(fp), "%016" PRIx64, fnv1a(body, len));
		argv_push(f, fp, 16);
		n = 1;
	}
	return n;
}

static void
answer(struct evhttp_request *req, int ok, size_t n)
{
	struct evbuffer	*b = evbuffer_new();

	if (b == NULL)
		die("out of memory");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json");
	if (ok) {
		evbuffer_add_printf(b, "{\"accepted\":%zu}\n", n);
		evhttp_send_reply(req, 202, "Accepted", b);
	} else {
		evbuffer_add_printf(b, "{\"error\":\"redis\"}\n");
		evhttp_send_reply(req, 503, "Service Unavailable", b);
	}
	evbuffer_free(b);
}

static void
group_reply(redisAsyncContext *ac, void *r, void *arg)
{
	struct group	*g = arg;
	redisReply	*reply = r;
	size_t		 i;
	int		 ok;

	(void)ac;
	ok = reply != NULL && reply->type == REDIS_REPLY_ARRAY;
	if (reply != NULL && reply->type == REDIS_REPLY_ERROR)
		fprintf(stderr, "floor: redis: %s\n", reply->str);
	for (i = 0; i < g->nq; i++)
		answer(g->q[i].req, ok, g->q[i].nfp);
	free(g->q);
	free(g);
}

static void
send_group(struct floor *f, struct req *q, size_t nq)
{
	struct group	*g = xrealloc(NULL, sizeof(*g));

	g->q = q;
	g->nq = nq;
	if (redisAsyncCommandArgv(f->ac, group_reply, g, (int)f->nargv,
	    (const char **)f->argv, f->argvlen) != REDIS_OK)
		die("redisAsyncCommandArgv failed");
	argv_reset(f);
}

/* Mode 3: runs once per loop iteration in which requests arrived. */
static void
flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct floor	*f = arg;

	(void)fd, (void)what;
	if (f->nq == 0)
		return;
	send_group(f, f->q, f->nq);
	f->q = NULL;
	f->nq = f->capq = 0;
}

static void
alerts_cb(struct evhttp_request *req, void *arg)
{
	struct floor	*f = arg;
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);
	size_t		 len = evbuffer_get_length(in), n;
	const char	*body;
	struct req	*one;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		evhttp_send_error(req, 405, NULL);
		return;
	}
	body = (const char *)evbuffer_pullup(in, -1);
	if (f->mode == 1) {
		answer(req, 1, 1);
		return;
	}
	if (f->mode == 2 || f->nq == 0)
		argv_start(f);
	n = push_fingerprints(f, body ? body : "", body ? len : 0);
	if (f->mode == 2) {
		one = xrealloc(NULL, sizeof(*one));
		one->req = req;
		one->nfp = n;
		send_group(f, one, 1);
		return;
	}
	if (f->nq == f->capq) {
		f->capq = f->capq ? f->capq * 2 : 64;
		f->q = xrealloc(f->q, f->capq * sizeof(*f->q));
	}
	f->q[f->nq].req = req;
	f->q[f->nq++].nfp = n;
	if (f->nq == 1)
		event_active(f->ev_flush, EV_TIMEOUT, 1);
}

static void
connect_cb(const redisAsyncContext *ac, int status)
{
	if (status != REDIS_OK)
		die(ac->errstr);
}

static void
disconnect_cb(const redisAsyncContext *ac, int status)
{
	(void)ac, (void)status;
	die("redis went away");
}

static void
load_script(struct floor *f, const char *sock)
{
	redisContext	*c = redisConnectUnix(sock);
	redisReply	*r;

	if (c == NULL || c->err)
		die("cannot connect to redis");
	r = redisCommand(c, "SCRIPT LOAD %s", dedup_lua);
	if (r == NULL || r->type != REDIS_REPLY_STRING || r->len != 40)
		die("SCRIPT LOAD failed");
	memcpy(f->sha, r->str, 41);
	freeReplyObject(r);
	redisFree(c);
}

/* ------------------------------------------------------------ mode 0 */

struct raw_conn {
	struct event	*ev;
	char		*buf;
	size_t		 len, cap;
};

static void
raw_close(struct raw_conn *c)
{
	close(event_get_fd(c->ev));
	event_free(c->ev);
	free(c->buf);
	free(c);
}

/* The length of the complete request at the start of p, or 0. */
static size_t
raw_request(const char *p, size_t n)
{
	const char	*end = memmem(p, n, "\r\n\r\n", 4), *h;
	size_t		 hl, cl = 0;

	if (end == NULL)
		return 0;
	hl = (size_t)(end - p) + 4;
	for (h = p; h < end && (h = memchr(h, '\n', (size_t)(end - h))) != NULL;
	    h++)
		if (strncasecmp(h + 1, "Content-Length:", 15) == 0)
			cl = strtoul(h + 16, NULL, 10);
	return n >= hl + cl ? hl + cl : 0;
}

static void
raw_read(evutil_socket_t fd, short what, void *arg)
{
	static const char	 ok[] = "HTTP/1.1 202 Accepted\r\n"
	    "Content-Type: application/json\r\nContent-Length: 15\r\n\r\n"
	    "{\"accepted\":1}\n";
	struct raw_conn		*c = arg;
	size_t			 used;
	ssize_t			 r;

	(void)what;
	if (c->cap - c->len < 65536) {
		c->cap = c->cap ? c->cap * 2 : 131072;
		c->buf = xrealloc(c->buf, c->cap);
	}
	if ((r = read(fd, c->buf + c->len, c->cap - c->len)) <= 0) {
		if (r == 0 || (errno != EAGAIN && errno != EINTR))
			raw_close(c);
		return;
	}
	c->len += (size_t)r;
	while ((used = raw_request(c->buf, c->len)) > 0) {
		/* Loopback takes 48 bytes at once; a bench, not a server. */
		if (write(fd, ok, sizeof(ok) - 1) != (ssize_t)sizeof(ok) - 1) {
			raw_close(c);
			return;
		}
		memmove(c->buf, c->buf + used, c->len - used);
		c->len -= used;
	}
}

static void
raw_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct floor	*f = arg;
	struct raw_conn	*c = xrealloc(NULL, sizeof(*c));

	(void)l, (void)sa, (void)salen;
	memset(c, 0, sizeof(*c));
	evutil_make_socket_nonblocking(fd);
	if ((c->ev = event_new(f->base, fd, EV_READ | EV_PERSIST, raw_read,
	    c)) == NULL || event_add(c->ev, NULL) == -1)
		die("event_new failed");
}

static void
raw_listen(struct floor *f, int port)
{
	struct sockaddr_in	 sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(0x7f000001);
	if (evconnlistener_new_bind(f->base, raw_accept, f,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 128,
	    (struct sockaddr *)&sin, sizeof(sin)) == NULL)
		die("cannot listen");
}

int
main(int argc, char *argv[])
{
	struct floor	 f;
	struct evhttp	*http;
	const char	*sock = NULL;
	int		 ch, port = 9100;

	memset(&f, 0, sizeof(f));
	f.mode = 1;
	while ((ch = getopt(argc, argv, "M:p:s:")) != -1) {
		switch (ch) {
		case 'M': f.mode = atoi(optarg); break;
		case 'p': port = atoi(optarg); break;
		case 's': sock = optarg; break;
		default:
			fprintf(stderr, "usage: floor [-M 0|1|2|3] [-p PORT] "
			    "[-s REDIS_SOCKET]\n");
			return 2;
		}
	}
	if (f.mode < 0 || f.mode > 3 || port < 1 || port > 65535 ||
	    (f.mode > 1 && sock == NULL))
		die("bad arguments (modes 2 and 3 need -s REDIS_SOCKET)");
	signal(SIGPIPE, SIG_IGN);
	if ((f.base = event_base_new()) == NULL)
		die("event_base_new failed");
	if (f.mode > 1) {
		load_script(&f, sock);
		f.ac = redisAsyncConnectUnix(sock);
		if (f.ac == NULL || f.ac->err)
			die("cannot connect to redis");
		redisLibeventAttach(f.ac, f.base);
		redisAsyncSetConnectCallback(f.ac, connect_cb);
		redisAsyncSetDisconnectCallback(f.ac, disconnect_cb);
		f.ev_flush = event_new(f.base, -1, 0, flush_cb, &f);
	}
	if (f.mode == 0) {
		raw_listen(&f, port);
		event_base_dispatch(f.base);
		return 0;
	}
	if ((http = evhttp_new(f.base)) == NULL ||
	    evhttp_bind_socket(http, "127.0.0.1", (uint16_t)port) == -1)
		die("cannot listen");
	evhttp_set_max_body_size(http, 4 << 20);
	evhttp_set_cb(http, "/api/v2/alerts", alerts_cb, &f);
	event_base_dispatch(f.base);
	return 0;
}
