/*
 * bench/loadgen.c — the load generator of `make bench`: keeps N HTTP/1.1
 * keep-alive connections busy with Prometheus-shaped POST /api/v2/alerts
 * bodies (raw requests on libevent bufferevents: evhttp's client would
 * cost more than the servers it measures), sends UDP datagrams at a rate,
 * or times one alert at a time up to a webhook sink. Prints one JSON line.
 * A benchmark tool, not a test: it exits 1 on any error or non-2xx.
 * SIGTERM ends a run early as its time limit would (a background load).
 *
 *	loadgen [-m http|udp|latency] [-p PORT] [-c CONNS] [-d SECS]
 *	    [-n REQUESTS] [-b BATCH] [-f dedup|new] [-k KEY] [-r RATE]
 *	    [-S SINKPORT] [-w WINDOW_SECS] [-u PATH] [-R RUNID] [-E]
 *	    [-P PORT2]
 *
 * -P (latency mode): the alerts go to PORT and PORT2 in turn, both
 * paging the one sink, and PORT2's figures are printed as "pair_*":
 * two receivers measured alert by alert at the same time, so that the
 * machine's slower and faster minutes fall on both alike.
 *
 * -E: each time the dedup set comes round again its alerts carry an
 * endsAt one second later, as Prometheus re-sends a firing alert with
 * a fresh end at every evaluation (without it the end is fixed).
 */
#include "autoconf.h"

#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <signal.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "am_alert.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>

#define MAX_CONNS	4096
#define DEDUP_SET	1000	/* distinct alerts of the dedup shape */
#define MAX_WINDOWS	1024

enum mode { MODE_HTTP, MODE_UDP, MODE_LATENCY };

struct conn;

struct run {
	struct event_base	*base;
	enum mode		 mode;
	const char		*host, *path, *key, *runid;
	int			 port, sinkport;
	int			 port2;		/* -P: latency, in turn */
	int			 nconns, batch, dedup;
	double			 secs, window, rate;
	long			 limit;	/* requests; 0 = by time */

	uint64_t		 seq;		/* next alert number */
	long			 issued, done, errors, non2xx, open;
	long			 status[6];	/* 1xx..5xx */
	int			 stopping;
	int64_t			 t0, tend;

	uint32_t		*lat;		/* µs, one per request */
	size_t			 nlat, caplat;
	uint32_t		*lat2;		/* -P: PORT2's, moved here */
	size_t			 nlat2, caplat2;

	long			 win[MAX_WINDOWS]; /* alerts per window */
	struct event		*ev_win, *ev_stop, *ev_udp;
	int			 nwin;
	long			 win_last;

	char			 starts[32], ends[32];
	int			 fresh_ends;	/* -E */
	time_t			 ends_t;
	char			*body;		/* scratch */
	size_t			 bodycap;
	struct conn		*conns;

	int			 udpfd;		/* MODE_UDP */
	double			 credit;
	int64_t			 udp_last;
	long			 sent, udp_dropped;

	int64_t			 sink_at;	/* latency mode: sink hit */
	struct evhttp		*sink;
	char			 token[64];	/* in the alert awaited */
	long			 sink_other;	/* hits without it */
	struct event		*ev_term;
};

struct conn {
	struct run		*run;
	int			 port;
	struct bufferevent	*bev;
	int64_t			 sent_at;
	int			 busy;
};

static int64_t
now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
rfc3339(char *buf, size_t len, time_t t)
{
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
lat_push(uint32_t **v, size_t *n, size_t *cap, int64_t us)
{
	uint32_t	*p;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 65536;
		if ((p = realloc(*v, *cap * sizeof(*p))) == NULL) {
			fprintf(stderr, "loadgen: out of memory\n");
			exit(2);
		}
		*v = p;
	}
	(*v)[(*n)++] = us < 0 ? 0 : (uint32_t)us;
}

static void
lat_add(struct run *r, int64_t us)
{
	lat_push(&r->lat, &r->nlat, &r->caplat, us);
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static double
pct_ms(const uint32_t *v, size_t n, double p)
{
	size_t	 i;

	if (n == 0)
		return 0;
	i = (size_t)(p / 100.0 * (double)n);
	if (i >= n)
		i = n - 1;
	return v[i] / 1000.0;
}

/*
 * The alert number this one carries: the same DEDUP_SET alerts round
 * robin, or a new one each time. runid keeps "new" new across runs
 * against the same Redis.
 */
static uint64_t
next_alert(struct run *r)
{
	uint64_t	 s = r->seq++;

	return r->dedup ? s % DEDUP_SET : s;
}

/* Prometheus' shape: labels, annotations, startsAt, endsAt, generatorURL. */
static int
am_alert(struct run *r, char *p, size_t len, uint64_t n)
{
	char	 ends[32];

	if (!r->fresh_ends)
		return am_alert_format(p, len, n, r->runid, r->starts,
		    r->ends);
	/* next_alert() has counted this one: its round of the set. */
	rfc3339(ends, sizeof(ends), r->ends_t +
	    (time_t)((r->seq - 1) / DEDUP_SET));
	return am_alert_format(p, len, n, r->runid, r->starts, ends);
}

/*
 * Latency mode's alert: labelled page="yes" so that both servers route it
 * to their paging receiver (the load of other figures pages no one), and
 * a token in its summary that the sink finds in either server's webhook
 * body (Alertmanager's annotations, pagerd's title and summary).
 */
static int
page_alert(struct run *r, char *p, size_t len, uint64_t n)
{
	snprintf(r->token, sizeof(r->token), "[pg-%s-%" PRIu64 "]",
	    r->runid, n);
	return snprintf(p, len,
	    "{\"labels\":{\"alertname\":\"BenchPage\",\"team\":\"bench\","
	    "\"page\":\"yes\",\"instance\":\"host-%" PRIu64 ".example.com:"
	    "9100\",\"severity\":\"critical\",\"run\":\"%s\",\"n\":\"%"
	    PRIu64 "\"},\"annotations\":{\"summary\":\"Bench page %s\"},"
	    "\"startsAt\":\"%s\",\"endsAt\":\"%s\"}",
	    n % 997, r->runid, n, r->token, r->starts, r->ends);
}

static size_t
build_body(struct run *r, int nalerts)
{
	size_t	 off = 0, need = (size_t)nalerts * 1024 + 16;
	int	 i, k;

	if (r->bodycap < need) {
		free(r->body);
		r->bodycap = need;
		if ((r->body = malloc(need)) == NULL) {
			fprintf(stderr, "loadgen: out of memory\n");
			exit(2);
		}
	}
	r->body[off++] = '[';
	for (i = 0; i < nalerts; i++) {
		if (i > 0)
			r->body[off++] = ',';
		k = (r->mode == MODE_LATENCY ? page_alert : am_alert)(r,
		    r->body + off, r->bodycap - off, next_alert(r));
		off += (size_t)k;
	}
	r->body[off++] = ']';
	return off;
}

static void	conn_send(struct conn *);

static void
finish_maybe(struct run *r)
{
	if (r->stopping && r->open == 0)
		event_base_loopexit(r->base, NULL);
}

static void
conn_close(struct conn *c)
{
	if (c->bev == NULL)
		return;
	bufferevent_free(c->bev);
	c->bev = NULL;
	c->run->open--;
	finish_maybe(c->run);
}

/* One complete response in the input? Consume it and return its status. */
static int
take_response(struct evbuffer *in, int *status)
{
	struct evbuffer_ptr	 e;
	char			*h, *cl;
	size_t			 hlen;
	long			 blen = 0;

	e = evbuffer_search(in, "\r\n\r\n", 4, NULL);
	if (e.pos < 0)
		return 0;
	hlen = (size_t)e.pos + 4;
	if ((h = (char *)evbuffer_pullup(in, (ssize_t)hlen)) == NULL)
		return -1;
	if (hlen < 12 || strncmp(h, "HTTP/1.", 7) != 0)
		return -1;
	*status = atoi(h + 9);
	/* Our peers answer with Content-Length; chunked is not expected. */
	for (cl = h; (cl = memchr(cl, '\n', hlen - (size_t)(cl - h))) != NULL &&
	    cl < h + hlen - 1; cl++) {
		if (strncasecmp(cl + 1, "content-length:", 15) == 0) {
			blen = atol(cl + 16);
			break;
		}
		if (strncasecmp(cl + 1, "transfer-encoding:", 18) == 0)
			return -1;
	}
	if (evbuffer_get_length(in) < hlen + (size_t)blen)
		return 0;
	evbuffer_drain(in, hlen + (size_t)blen);
	return 1;
}

static void
conn_read(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;
	struct run	*r = c->run;
	int		 st = 0, rv;

	while ((rv = take_response(bufferevent_get_input(bev), &st)) == 1) {
		if (!c->busy) {
			r->errors++;	/* an answer nobody asked for */
			conn_close(c);
			return;
		}
		c->busy = 0;
		r->done++;
		lat_add(r, now_us() - c->sent_at);
		if (st >= 100 && st < 600)
			r->status[st / 100]++;
		if (st < 200 || st > 299)
			r->non2xx++;
		if (r->mode == MODE_LATENCY)
			return;	/* the sink or the timer goes on */
		conn_send(c);
		if (c->bev == NULL)
			return;
	}
	if (rv == -1) {
		r->errors++;
		conn_close(c);
	}
}

static void
conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct conn	*c = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		int one = 1;

		setsockopt(bufferevent_getfd(c->bev), IPPROTO_TCP, TCP_NODELAY,
		    &one, sizeof(one));
		/* Latency: one alert at a time, latency_tick() sends. */
		if (c->run->mode != MODE_LATENCY)
			conn_send(c);
		return;
	}
	if (!c->run->stopping || c->busy)
		c->run->errors++;
	conn_close(c);
}

static void
conn_send(struct conn *c)
{
	struct run	*r = c->run;
	struct evbuffer	*out;
	size_t		 blen;

	if (r->stopping || (r->limit > 0 && r->issued >= r->limit)) {
		if (!r->stopping && r->done >= r->limit) {
			r->stopping = 1;
			r->tend = now_us();
		}
		conn_close(c);
		return;
	}
	blen = build_body(r, r->batch);
	out = bufferevent_get_output(c->bev);
	evbuffer_add_printf(out, "POST %s HTTP/1.1\r\nHost: %s:%d\r\n"
	    "User-Agent: pagerd-loadgen\r\nAuthorization: Bearer %s\r\n"
	    "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
	    r->path, r->host, c->port, r->key, blen);
	evbuffer_add(out, r->body, blen);
	c->busy = 1;
	c->sent_at = now_us();
	r->issued++;
}

static int
conn_open(struct run *r, struct conn *c)
{
	struct sockaddr_in	 sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)c->port);
	inet_pton(AF_INET, r->host, &sin.sin_addr);
	c->run = r;
	c->bev = bufferevent_socket_new(r->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL)
		return -1;
	bufferevent_setcb(c->bev, conn_read, NULL, conn_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(c->bev, (struct sockaddr *)&sin,
	    sizeof(sin)) == -1) {
		bufferevent_free(c->bev);
		c->bev = NULL;
		return -1;
	}
	r->open++;
	return 0;
}

/* Every window seconds: alerts completed since the last one. */
static void
window_cb(evutil_socket_t fd, short what, void *arg)
{
	struct run	*r = arg;
	long		 now = r->mode == MODE_UDP ? r->sent :
			    r->done * r->batch;

	(void)fd, (void)what;
	if (r->nwin < MAX_WINDOWS)
		r->win[r->nwin++] = now - r->win_last;
	r->win_last = now;
}

static void
stop_cb(evutil_socket_t fd, short what, void *arg)
{
	struct run	*r = arg;
	struct timeval	 grace = { 5, 0 };
	int		 i;

	(void)fd, (void)what;
	if (r->stopping)
		return;		/* SIGTERM, then the time limit */
	r->stopping = 1;
	r->tend = now_us();
	if (r->mode == MODE_UDP) {
		event_base_loopexit(r->base, NULL);
		return;
	}
	/* Idle connections close now; busy ones when answered (or after). */
	for (i = 0; i < r->nconns; i++)
		if (r->conns[i].bev != NULL && !r->conns[i].busy)
			conn_close(&r->conns[i]);
	finish_maybe(r);
	event_base_loopexit(r->base, &grace);
}

/* ------------------------------------------------------------------ UDP */

/* Send what the rate allows since the last tick (1 ms ticks). */
static void
udp_tick(evutil_socket_t fd, short what, void *arg)
{
	struct run	*r = arg;
	struct mmsghdr	 mm[64];
	struct iovec	 iov[64];
	static char	 dg[64][768];
	int64_t		 t = now_us();
	int		 n, i, k;

	(void)fd, (void)what;
	r->credit += r->rate * (double)(t - r->udp_last) / 1e6;
	r->udp_last = t;
	if (r->credit > r->rate / 10 + 64)	/* no bursts after a stall */
		r->credit = r->rate / 10 + 64;
	while (r->credit >= 1 && (r->limit == 0 || r->sent < r->limit)) {
		n = r->credit < 64 ? (int)r->credit : 64;
		if (r->limit > 0 && r->sent + n > r->limit)
			n = (int)(r->limit - r->sent);
		memset(mm, 0, sizeof(mm));
		for (i = 0; i < n; i++) {
			uint64_t a = next_alert(r);

			k = snprintf(dg[i], sizeof(dg[i]), "{\"key\":\"%s\","
			    "\"summary\":\"Disk full on host-%" PRIu64 "\","
			    "\"severity\":\"warning\",\"labels\":{\"team\":"
			    "\"bench\",\"alertname\":\"BenchDiskFull\","
			    "\"instance\":\"host-%" PRIu64 "\",\"run\":\"%s\","
			    "\"n\":\"%" PRIu64 "\"}}", r->key, a % 997,
			    a % 997, r->runid, a);
			iov[i].iov_base = dg[i];
			iov[i].iov_len = (size_t)k;
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
		}
		k = sendmmsg(r->udpfd, mm, (unsigned)n, 0);
		if (k < 0) {
			if (errno == EAGAIN || errno == ENOBUFS) {
				r->udp_dropped += n;
				r->credit -= n;
				break;
			}
			r->errors++;
			break;
		}
		r->sent += k;
		r->credit -= k;
		if (k < n)
			break;
	}
	if (r->limit > 0 && r->sent >= r->limit) {
		r->tend = now_us();
		event_base_loopexit(r->base, NULL);
	}
}

static int
udp_open(struct run *r)
{
	struct sockaddr_in	 sin;
	int			 sz = 4 << 20;

	if ((r->udpfd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return -1;
	setsockopt(r->udpfd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)r->port);
	inet_pton(AF_INET, r->host, &sin.sin_addr);
	return connect(r->udpfd, (struct sockaddr *)&sin, sizeof(sin));
}

/* -------------------------------------------------------------- latency */

/*
 * The webhook sink: a notification arrived; note when if it is about the
 * alert awaited (its token is in the body), else count it: a stray page
 * must not pass for the one being timed.
 */
static void
sink_cb(struct evhttp_request *req, void *arg)
{
	struct run		*r = arg;
	int64_t			 at = now_us();
	struct evbuffer		*in = evhttp_request_get_input_buffer(req);
	struct evbuffer_ptr	 p;

	p.pos = -1;
	if (r->token[0] != '\0')
		p = evbuffer_search(in, r->token, strlen(r->token), NULL);
	if (p.pos >= 0) {
		if (r->sink_at == 0)
			r->sink_at = at;
	} else
		r->sink_other++;
	evhttp_send_reply(req, 200, "OK", NULL);
}

/*
 * One alert at a time: send, wait for the answer and (with a sink) the
 * notification, then the next one 20 ms later. The latency recorded is
 * intake → sink when there is a sink, else the request's round trip.
 * With -P, to each of the two ports in turn (conns[0] and conns[1]).
 */
static void
latency_tick(evutil_socket_t fd, short what, void *arg)
{
	struct run	*r = arg;
	int		 nc = r->port2 > 0 ? 2 : 1;
	struct conn	*c = &r->conns[r->issued > 0 ? (r->issued - 1) % nc :
			    0];
	struct timeval	 tv = { 0, 1000 };

	(void)fd, (void)what;
	if (c->bev == NULL || r->stopping) {
		event_base_loopexit(r->base, NULL);
		return;
	}
	if (c->busy || (r->sinkport > 0 && r->sink_at == 0 && r->issued > 0 &&
	    now_us() - c->sent_at < 5000000)) {
		evtimer_add(r->ev_udp, &tv);	/* still waiting */
		return;
	}
	if (r->issued > 0 && r->sinkport > 0) {
		if (r->sink_at == 0)
			r->errors++;		/* never paged */
		else
			r->lat[r->nlat - 1] = (uint32_t)(r->sink_at -
			    c->sent_at);
		if (c == &r->conns[1] && r->nlat > 0)
			lat_push(&r->lat2, &r->nlat2, &r->caplat2,
			    r->lat[--r->nlat]);
	}
	if (r->limit > 0 && r->issued >= r->limit) {
		r->tend = now_us();
		event_base_loopexit(r->base, NULL);
		return;
	}
	r->sink_at = 0;
	c = &r->conns[r->issued % nc];
	if (c->bev == NULL) {
		event_base_loopexit(r->base, NULL);
		return;
	}
	conn_send(c);
	tv.tv_usec = 20000;
	evtimer_add(r->ev_udp, &tv);
}

/* --------------------------------------------------------------- output */

static void
report(struct run *r)
{
	double	 secs = (double)(r->tend - r->t0) / 1e6;
	long	 alerts = r->mode == MODE_UDP ? r->sent :
		    r->done * r->batch;
	int	 i;

	if (r->nlat > 0)
		qsort(r->lat, r->nlat, sizeof(*r->lat), cmp_u32);
	if (r->nlat2 > 0)
		qsort(r->lat2, r->nlat2, sizeof(*r->lat2), cmp_u32);
	if (secs <= 0)
		secs = 1e-6;
	printf("{\"mode\":\"%s\",\"shape\":\"%s\",\"batch\":%d,"
	    "\"conns\":%d,\"secs\":%.3f,\"requests\":%ld,\"alerts\":%ld,"
	    "\"rps\":%.1f,\"aps\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
	    "\"p999_ms\":%.3f,\"max_ms\":%.3f,\"errors\":%ld,\"non2xx\":%ld,"
	    "\"udp_dropped\":%ld,\"sink_other\":%ld,\"status\":{\"2xx\":%ld,"
	    "\"4xx\":%ld,\"5xx\":%ld},\"window_secs\":%g,\"windows\":[",
	    r->mode == MODE_HTTP ? "http" : r->mode == MODE_UDP ? "udp" :
	    "latency", r->dedup ? "dedup" : "new", r->batch, r->nconns, secs,
	    r->mode == MODE_UDP ? r->sent : r->done, alerts,
	    (r->mode == MODE_UDP ? r->sent : r->done) / secs, alerts / secs,
	    pct_ms(r->lat, r->nlat, 50), pct_ms(r->lat, r->nlat, 99),
	    pct_ms(r->lat, r->nlat, 99.9),
	    r->nlat ? r->lat[r->nlat - 1] / 1000.0 : 0.0, r->errors,
	    r->non2xx, r->udp_dropped, r->sink_other, r->status[2],
	    r->status[4], r->status[5], r->window);
	for (i = 0; i < r->nwin; i++)
		printf("%s%.1f", i ? "," : "", r->win[i] / r->window);
	printf("]");
	if (r->port2 > 0)
		printf(",\"pair_n\":%zu,\"pair_p50_ms\":%.3f,"
		    "\"pair_p99_ms\":%.3f,\"pair_p999_ms\":%.3f,"
		    "\"pair_max_ms\":%.3f,\"n\":%zu", r->nlat2,
		    pct_ms(r->lat2, r->nlat2, 50),
		    pct_ms(r->lat2, r->nlat2, 99),
		    pct_ms(r->lat2, r->nlat2, 99.9),
		    r->nlat2 ? r->lat2[r->nlat2 - 1] / 1000.0 : 0.0, r->nlat);
	printf("}\n");
	fflush(stdout);
}

static void
usage(void)
{
	fprintf(stderr, "usage: loadgen [-m http|udp|latency] [-H HOST] "
	    "[-p PORT] [-u PATH] [-k KEY]\n\t[-c CONNS] [-d SECS] "
	    "[-n COUNT] [-b BATCH] [-f dedup|new] [-r RATE]\n\t"
	    "[-S SINKPORT] [-w WINDOW_SECS] [-R RUNID] [-E] [-P PORT2]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct run	 r;
	struct timeval	 tv;
	char		 runid[32];
	time_t		 now = time(NULL);
	int		 ch, i, rv;

	memset(&r, 0, sizeof(r));
	r.host = "127.0.0.1";
	r.path = "/api/v2/alerts";
	r.key = "bench-key";
	r.port = 8080;
	r.nconns = 64;
	r.batch = 1;
	r.dedup = 1;
	r.secs = 10;
	r.window = 10;
	r.rate = 10000;
	r.udpfd = -1;
	snprintf(runid, sizeof(runid), "%lx-%d", (long)now, (int)getpid());
	r.runid = runid;
	while ((ch = getopt(argc, argv, "b:c:d:Ef:H:k:m:n:p:P:r:R:S:u:w:")) !=
	    -1) {
		switch (ch) {
		case 'b': r.batch = atoi(optarg); break;
		case 'c': r.nconns = atoi(optarg); break;
		case 'd': r.secs = atof(optarg); break;
		case 'E': r.fresh_ends = 1; break;
		case 'f':
			if (strcmp(optarg, "dedup") == 0)
				r.dedup = 1;
			else if (strcmp(optarg, "new") == 0)
				r.dedup = 0;
			else
				usage();
			break;
		case 'H': r.host = optarg; break;
		case 'k': r.key = optarg; break;
		case 'm':
			if (strcmp(optarg, "http") == 0)
				r.mode = MODE_HTTP;
			else if (strcmp(optarg, "udp") == 0)
				r.mode = MODE_UDP;
			else if (strcmp(optarg, "latency") == 0)
				r.mode = MODE_LATENCY;
			else
				usage();
			break;
		case 'n': r.limit = atol(optarg); break;
		case 'p': r.port = atoi(optarg); break;
		case 'P': r.port2 = atoi(optarg); break;
		case 'r': r.rate = atof(optarg); break;
		case 'R': r.runid = optarg; break;
		case 'S': r.sinkport = atoi(optarg); break;
		case 'u': r.path = optarg; break;
		case 'w': r.window = atof(optarg); break;
		default: usage();
		}
	}
	if (r.batch < 1 || r.batch > 10000 || r.nconns < 1 ||
	    r.nconns > MAX_CONNS || r.secs <= 0 || r.window <= 0 ||
	    r.rate <= 0 || r.port < 1 || r.port > 65535)
		usage();
	if (r.port2 < 0 || r.port2 > 65535 ||
	    (r.port2 > 0 && r.mode != MODE_LATENCY))
		usage();
	if (r.mode == MODE_LATENCY)
		r.nconns = r.port2 > 0 ? 2 : 1;
	rfc3339(r.starts, sizeof(r.starts), now);
	r.ends_t = now + 3600;
	rfc3339(r.ends, sizeof(r.ends), r.ends_t);
	if ((r.base = event_base_new()) == NULL ||
	    (r.conns = calloc((size_t)r.nconns, sizeof(*r.conns))) == NULL) {
		fprintf(stderr, "loadgen: out of memory\n");
		return 2;
	}
	r.ev_win = event_new(r.base, -1, EV_PERSIST, window_cb, &r);
	r.ev_stop = evtimer_new(r.base, stop_cb, &r);
	r.ev_term = evsignal_new(r.base, SIGTERM, stop_cb, &r);
	if (r.ev_term == NULL || evsignal_add(r.ev_term, NULL) == -1) {
		fprintf(stderr, "loadgen: SIGTERM handler\n");
		return 2;
	}
	tv.tv_sec = (time_t)r.window;
	tv.tv_usec = (suseconds_t)((r.window - (double)tv.tv_sec) * 1e6);
	event_add(r.ev_win, &tv);
	r.t0 = now_us();
	if (r.mode == MODE_UDP) {
		if (udp_open(&r) == -1) {
			perror("loadgen: udp");
			return 2;
		}
		r.udp_last = r.t0;
		r.ev_udp = event_new(r.base, -1, EV_PERSIST, udp_tick, &r);
		tv.tv_sec = 0;
		tv.tv_usec = 1000;
		event_add(r.ev_udp, &tv);
	} else {
		if (r.mode == MODE_LATENCY && r.sinkport > 0) {
			r.sink = evhttp_new(r.base);
			if (r.sink == NULL || evhttp_bind_socket(r.sink,
			    "127.0.0.1", (uint16_t)r.sinkport) == -1) {
				fprintf(stderr, "loadgen: cannot listen on "
				    "sink port %d\n", r.sinkport);
				return 2;
			}
			evhttp_set_gencb(r.sink, sink_cb, &r);
		}
		for (i = 0; i < r.nconns; i++)
			r.conns[i].port = i == 1 && r.port2 > 0 ? r.port2 :
			    r.port;
		for (i = 0; i < r.nconns; i++)
			if (conn_open(&r, &r.conns[i]) == -1) {
				fprintf(stderr, "loadgen: cannot connect\n");
				return 2;
			}
		if (r.mode == MODE_LATENCY) {
			r.ev_udp = evtimer_new(r.base, latency_tick, &r);
			tv.tv_sec = 0;
			tv.tv_usec = 50000;
			evtimer_add(r.ev_udp, &tv);
		}
	}
	/* With a count the run ends when it is done; the time is a cap. */
	tv.tv_sec = (time_t)r.secs;
	tv.tv_usec = (suseconds_t)((r.secs - (double)tv.tv_sec) * 1e6);
	evtimer_add(r.ev_stop, &tv);
	event_base_dispatch(r.base);
	if (r.tend == 0)
		r.tend = now_us();
	/* A partial last window (a count-limited run) is left out. */
	report(&r);
	rv = r.errors > 0 || r.non2xx > 0 ||
	    (r.mode != MODE_UDP && r.done == 0) ||
	    (r.mode == MODE_UDP && r.sent == 0);
	/* Everything freed, so a sanitizer build's leak check stays quiet. */
	for (i = 0; i < r.nconns; i++)
		if (r.conns[i].bev != NULL)
			bufferevent_free(r.conns[i].bev);
	if (r.sink != NULL)
		evhttp_free(r.sink);
	if (r.ev_udp != NULL)
		event_free(r.ev_udp);
	event_free(r.ev_win);
	event_free(r.ev_stop);
	event_free(r.ev_term);
	if (r.udpfd != -1)
		close(r.udpfd);
	event_base_free(r.base);
	free(r.conns);
	free(r.lat);
	free(r.lat2);
	free(r.body);
	return rv;
}
