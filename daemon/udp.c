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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/util.h>

#include "alert.h"
#include "config.h"
#include "decode_generic.h"
#include "dgram.h"
#include "log.h"
#include "metrics.h"
#include "pagerd.h"
#include "pipeline.h"
#include "replay.h"
#include "store.h"
#include "udp.h"
#include "udp_sig.h"

#define UDP_MAXDGRAM	65536		/* the largest UDP payload fits */
#define UDP_REPLAY_CAP	(1 << 18)	/* signed datagrams remembered */

struct udp_server {
	struct pagerd		*pd;
	struct dgram		*dg;
	struct log_limit	 ll;
	struct replay		*replay;	/* MACs of signed datagrams */
	/* What one burst collected, submitted at its end. */
	struct alert		 batch[DGRAM_MAX_BURST];
	char			*sources[DGRAM_MAX_BURST];
	size_t			 nb;
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
udp_datagram(void *arg, const char *dg, size_t len, int truncated)
{
	struct udp_server		*srv = arg;
	struct pagerd			*pd = srv->pd;
	const struct integration	*in;
	struct alert			*a = NULL;
	size_t				 na = 0;

	metrics_add(pd->metrics, "pagerd_udp_datagrams_total", 1, 0, NULL);
	if (truncated) {
		udp_reject(srv, "too_large", "truncated");
		return;
	}
	if (udp_authenticate(srv, dg, len, &a, &na, &in) == -1)
		return;
	if (!store_ready(pd->store)) {
		udp_reject(srv, "store_unavailable", store_reason(pd->store));
		alert_array_free(a, na);
		return;
	}
	if (a[0].source == NULL)
		a[0].source = strdup(in->source);
	if (pipeline_prepare(pd, in, a, 1) == -1) {
		udp_reject(srv, "no_memory", "out of memory");
		alert_array_free(a, na);
		return;
	}
	srv->batch[srv->nb] = a[0];
	free(a);
	srv->sources[srv->nb] = strdup(in->source);
	srv->nb++;
}

/* The end of a read burst: everything accepted goes as one group. */
static void
udp_burst(void *arg, size_t ndatagrams)
{
	struct udp_server	*srv = arg;
	struct pagerd		*pd = srv->pd;
	struct udp_group	*g;
	size_t			 i, nb = srv->nb;

	srv->nb = 0;
	if (nb == 0)
		return;
	if ((g = calloc(1, sizeof(*g))) == NULL ||
	    (g->sources = malloc(nb * sizeof(char *))) == NULL) {
		free(g);
		for (i = 0; i < nb; i++) {
			free(srv->sources[i]);
			udp_reject(srv, "no_memory", "out of memory");
		}
		goto out;
	}
	g->pd = pd;
	memcpy(g->sources, srv->sources, nb * sizeof(char *));
	g->n = nb;
	if (store_submit(pd->store, srv->batch, nb, pagerd_now_ms(), udp_done,
	    g) == -1) {
		for (i = 0; i < nb; i++)
			udp_reject(srv, "store_unavailable",
			    store_reason(pd->store));
		udp_group_free(g);
	}
out:
	for (i = 0; i < nb; i++)
		alert_clear(&srv->batch[i]);
}

struct udp_server *
udp_start(struct pagerd *pd)
{
	struct udp_server	*srv;

	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		return NULL;
	srv->pd = pd;
	srv->ll.burst = 5;
	if ((srv->replay = replay_new(UDP_REPLAY_CAP)) == NULL ||
	    (srv->dg = dgram_start(pd->base, pd->cfg->udp_listen,
	    pd->cfg->n_udp_listen, UDP_MAXDGRAM, "udp", udp_datagram,
	    udp_burst, srv)) == NULL) {
		udp_stop(srv);
		return NULL;
	}
	return srv;
}

void
udp_stop(struct udp_server *srv)
{
	if (srv == NULL)
		return;
	dgram_stop(srv->dg);
	replay_free(srv->replay);
	free(srv);
}
