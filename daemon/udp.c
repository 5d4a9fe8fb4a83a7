/*
 * daemon/udp.c — UDP intake: one JSON alert per datagram, the integration
 * key in its "key" field. Each readable event drains the socket with
 * recvmmsg(2) and submits all accepted datagrams of that read as one
 * group. UDP cannot answer, so rejects are counted per reason and logged
 * at a limited rate.
 */
#include "autoconf.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/util.h>

#include "alert.h"
#include "config.h"
#include "decode_generic.h"
#include "log.h"
#include "metrics.h"
#include "pagerd.h"
#include "pipeline.h"
#include "replay.h"
#include "store.h"
#include "udp.h"
#include "udp_sig.h"

#define UDP_BATCH	64		/* datagrams per recvmmsg */
#define UDP_MAXDGRAM	65536		/* the largest UDP payload fits */
#define UDP_ROUNDS	16		/* recvmmsg calls per event: fairness */
#define UDP_REPLAY_CAP	(1 << 18)	/* signed datagrams remembered */

struct udp_sock {
	struct udp_server	*srv;
	evutil_socket_t		 fd;
	struct event		*ev;
};

struct udp_server {
	struct pagerd		*pd;
	struct udp_sock		*socks;
	size_t			 nsocks;
	char			*bufs;		/* UDP_BATCH * UDP_MAXDGRAM */
	struct mmsghdr		 msgs[UDP_BATCH];
	struct iovec		 iov[UDP_BATCH];
	struct log_limit	 ll;
	struct replay		*replay;	/* MACs of signed datagrams */
};

/* The sources of one submitted group, for counting the results. */
struct udp_group {
	struct pagerd	*pd;
	char		**sources;
	size_t		 n;
};

static void
udp_reject(struct udp_server *srv, const char *reason, const char *detail)
{
	const char	*kv[2] = { "reason", reason };

	metrics_add(srv->pd->metrics, "pagerd_udp_rejects_total", 1, 1, kv);
	log_warnx_limited(&srv->ll, "udp: datagram rejected (%s): %s", reason,
	    detail);
}

static void
udp_group_free(struct udp_group *g)
{
	size_t	 i;

	for (i = 0; i < g->n; i++)
		free(g->sources[i]);
	free(g->sources);
	free(g);
}

static void
udp_done(void *arg, int ok, const struct store_result *res, size_t n)
{
	static const char *const names[] = { "new", "deduplicated",
	    "resolved", "ignored" };
	struct udp_group	*g = arg;
	const char		*kv[4];
	size_t			 i;

	for (i = 0; i < g->n; i++) {
		kv[0] = "source";
		kv[1] = g->sources[i];
		kv[2] = "result";
		kv[3] = ok && i < n && res[i].outcome <= STORE_IGNORED ?
		    names[res[i].outcome] : "unavailable";
		metrics_add(g->pd->metrics, "pagerd_alerts_received_total", 1,
		    2, kv);
	}
	if (!ok)
		log_warnx("udp: %zu alerts lost: the store failed", g->n);
	udp_group_free(g);
}

/*
 * Decode one datagram and find its integration: either a signed datagram
 * (PAGERD-SIG line, see lib/udp_sig.h) or, unless udp.require_signature,
 * a plain one carrying its key. Returns 0 with the alert, or -1 after
 * counting the reject.
 */
static int
udp_authenticate(struct udp_server *srv, const char *dg, size_t len,
    struct alert **a, size_t *na, const struct integration **inp)
{
	struct pagerd			*pd = srv->pd;
	const struct integration	*in;
	struct decode_err		 err;
	struct udp_sig			 sig;
	char				*key = NULL, why[128];
	int64_t				 now = pagerd_now_ms();
	int				 signed_dg;

	if ((signed_dg = udp_sig_parse(dg, len, &sig, why, sizeof(why))) ==
	    -1) {
		udp_reject(srv, "bad_signature", why);
		return -1;
	}
	if (signed_dg) {
		in = config_find_integration_by_name(pd->cfg, sig.name);
		if (in == NULL) {
			udp_reject(srv, "unknown_key", "signed by an unknown "
			    "integration");
			return -1;
		}
		if (udp_sig_verify(&sig, in->key, now, pd->cfg->udp_max_skew_ms,
		    why, sizeof(why)) == -1) {
			udp_reject(srv, strstr(why, "old") ? "stale" :
			    "bad_signature", why);
			return -1;
		}
		switch (replay_check(srv->replay, sig.mac, now,
		    sig.t_ms + pd->cfg->udp_max_skew_ms + 1)) {
		case REPLAY_NEW:
			break;
		case REPLAY_SEEN:
			udp_reject(srv, "replay", "signature seen before");
			return -1;
		case REPLAY_FULL:
			udp_reject(srv, "replay_cache_full", "too many signed "
			    "datagrams within udp.max_skew");
			return -1;
		}
		if (decode_generic(sig.body, sig.body_len, DECODE_UDP |
		    DECODE_SIGNED, &pd->cfg->limits, NULL, a, na, NULL,
		    &err) == -1) {
			udp_reject(srv, err.reason, err.msg);
			return -1;
		}
		*inp = in;
		return 0;
	}
	if (pd->cfg->udp_require_signature) {
		udp_reject(srv, "unsigned", "udp.require_signature is on");
		return -1;
	}
	if (decode_generic(dg, len, DECODE_UDP, &pd->cfg->limits, NULL, a, na,
	    &key, &err) == -1) {
		udp_reject(srv, err.reason, err.msg);
		return -1;
	}
	in = config_find_integration(pd->cfg, key);
	free(key);
	if (in == NULL) {
		udp_reject(srv, "unknown_key", "unknown integration key");
		alert_array_free(*a, *na);
		return -1;
	}
	*inp = in;
	return 0;
}

static void
udp_read(evutil_socket_t fd, short what, void *arg)
{
	struct udp_sock		*us = arg;
	struct udp_server	*srv = us->srv;
	struct pagerd		*pd = srv->pd;
	struct alert		 batch[UDP_BATCH * UDP_ROUNDS];
	char			*sources[UDP_BATCH * UDP_ROUNDS];
	size_t			 nb = 0, i;
	int			 round, got;

	for (round = 0; round < UDP_ROUNDS; round++) {
		for (i = 0; i < UDP_BATCH; i++) {
			srv->iov[i].iov_base = srv->bufs + i * UDP_MAXDGRAM;
			srv->iov[i].iov_len = UDP_MAXDGRAM;
			memset(&srv->msgs[i].msg_hdr, 0,
			    sizeof(srv->msgs[i].msg_hdr));
			srv->msgs[i].msg_hdr.msg_iov = &srv->iov[i];
			srv->msgs[i].msg_hdr.msg_iovlen = 1;
		}
		got = recvmmsg(fd, srv->msgs, UDP_BATCH, MSG_DONTWAIT, NULL);
		if (got <= 0) {
			if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_warn("udp: recvmmsg");
			break;
		}
		for (i = 0; i < (size_t)got; i++) {
			const struct integration *in;
			struct alert		*a = NULL;
			size_t			 na = 0;
			const char		*dg = srv->iov[i].iov_base;
			size_t			 len = srv->msgs[i].msg_len;

			if (srv->msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
				udp_reject(srv, "too_large", "truncated");
				continue;
			}
			if (udp_authenticate(srv, dg, len, &a, &na, &in) == -1)
				continue;
			if (!store_ready(pd->store)) {
				udp_reject(srv, "store_unavailable",
				    store_reason(pd->store));
				alert_array_free(a, na);
				continue;
			}
			if (a[0].source == NULL)
				a[0].source = strdup(in->source);
			if (pipeline_prepare(pd, in, a, 1) == -1) {
				udp_reject(srv, "no_memory", "out of memory");
				alert_array_free(a, na);
				continue;
			}
			batch[nb] = a[0];
			free(a);
			sources[nb] = strdup(in->source);
			nb++;
		}
		metrics_add(pd->metrics, "pagerd_udp_datagrams_total", got, 0,
		    NULL);
		if (got < UDP_BATCH)
			break;
	}
	if (nb > 0) {
		struct udp_group *g = calloc(1, sizeof(*g));

		if (g != NULL && (g->sources = malloc(nb * sizeof(char *)))) {
			g->pd = pd;
			memcpy(g->sources, sources, nb * sizeof(char *));
			g->n = nb;
			if (store_submit(pd->store, batch, nb, pagerd_now_ms(),
			    udp_done, g) == -1) {
				for (i = 0; i < nb; i++)
					udp_reject(srv, "store_unavailable",
					    store_reason(pd->store));
				udp_group_free(g);
			}
		} else {
			if (g != NULL)
				free(g);
			for (i = 0; i < nb; i++) {
				free(sources[i]);
				udp_reject(srv, "no_memory", "out of memory");
			}
		}
		for (i = 0; i < nb; i++)
			alert_clear(&batch[i]);
	}
}

int
udp_bind(const char *addr, evutil_socket_t *fdp)
{
	struct addrinfo	 hints, *res = NULL;
	char		 host[256];
	const char	*colon, *h = addr, *port;
	size_t		 hl;
	int		 fd = -1, rc, one = 1, rcvbuf = 4 << 20;

	if (addr[0] == '[') {
		const char *rb = strchr(addr, ']');
		if (rb == NULL || rb[1] != ':')
			return -1;
		h = addr + 1;
		hl = rb - h;
		port = rb + 2;
	} else {
		if ((colon = strrchr(addr, ':')) == NULL)
			return -1;
		hl = colon - addr;
		port = colon + 1;
	}
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		log_warnx("udp: %s: %s", addr, gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1)
		goto fail;
	/* Several pagerd processes may share the port (DESIGN.md). */
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	/* A burst must wait in the kernel, not be dropped, while we commit. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, res->ai_addr, res->ai_addrlen) == -1)
		goto fail;
	freeaddrinfo(res);
	*fdp = fd;
	return 0;
fail:
	log_warn("udp: cannot listen on %s", addr);
	if (fd != -1)
		close(fd);
	freeaddrinfo(res);
	return -1;
}

struct udp_server *
udp_start(struct pagerd *pd)
{
	struct udp_server	*srv;
	size_t			 i, n = pd->cfg->n_udp_listen;

	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		return NULL;
	srv->pd = pd;
	srv->ll.burst = 5;
	if (n == 0)
		return srv;
	if ((srv->socks = calloc(n, sizeof(*srv->socks))) == NULL ||
	    (srv->replay = replay_new(UDP_REPLAY_CAP)) == NULL ||
	    (srv->bufs = malloc((size_t)UDP_BATCH * UDP_MAXDGRAM)) == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		struct udp_sock *us = &srv->socks[i];

		us->srv = srv;
		if (udp_bind(pd->cfg->udp_listen[i], &us->fd) == -1)
			goto fail;
		srv->nsocks++;
		us->ev = event_new(pd->base, us->fd, EV_READ | EV_PERSIST,
		    udp_read, us);
		if (us->ev == NULL || event_add(us->ev, NULL) == -1)
			goto fail;
		log_info("udp: listening on %s", pd->cfg->udp_listen[i]);
	}
	return srv;
fail:
	udp_stop(srv);
	return NULL;
}

void
udp_stop(struct udp_server *srv)
{
	size_t	 i;

	if (srv == NULL)
		return;
	for (i = 0; i < srv->nsocks; i++) {
		if (srv->socks[i].ev != NULL)
			event_free(srv->socks[i].ev);
		close(srv->socks[i].fd);
	}
	free(srv->socks);
	free(srv->bufs);
	replay_free(srv->replay);
	free(srv);
}
