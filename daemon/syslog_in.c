/*
 * daemon/syslog_in.c — receive syslog datagrams, keep those a rule
 * matches, and submit them to the store as one group per read burst.
 */
#include "autoconf.h"

#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "alert.h"
#include "config.h"
#include "log.h"
#include "metrics.h"
#include "pagerd.h"
#include "pipeline.h"
#include "store.h"
#include "syslog_in.h"
#include "syslog_parse.h"
#include "syslog_rules.h"
#include "udp.h"

#define SL_BATCH	64
#define SL_MAXDGRAM	8192	/* RFC 5424 6.1: receivers SHOULD take 2048 */
#define SL_ROUNDS	16

struct sl_sock {
	struct syslog_in	*srv;
	int			 fd;
	struct event		*ev;
};

struct syslog_in {
	struct pagerd		*pd;
	struct sl_sock		*socks;
	size_t			 nsocks;
	struct syslog_rules	 rules;
	char			*bufs;
	struct mmsghdr		 msgs[SL_BATCH];
	struct iovec		 iov[SL_BATCH];
	struct log_limit	 ll;
};

static void
count(struct pagerd *pd, const char *result, double n)
{
	const char	*kv[2] = { "result", result };

	if (n > 0)
		metrics_add(pd->metrics, "pagerd_syslog_messages_total", n, 1,
		    kv);
}

static void
sl_done(void *arg, int ok, const struct store_result *res, size_t n)
{
	static const char *const names[] = { "new", "deduplicated",
	    "resolved", "ignored" };
	struct pagerd	*pd = arg;
	const char	*kv[4] = { "source", pd->cfg->syslog_source, "result",
	    NULL };
	size_t		 i;

	for (i = 0; i < n; i++) {
		kv[3] = ok && res[i].outcome <= STORE_IGNORED ?
		    names[res[i].outcome] : "unavailable";
		metrics_add(pd->metrics, "pagerd_alerts_received_total", 1, 2,
		    kv);
	}
	if (!ok)
		log_warnx("syslog: %zu alerts lost: the store failed", n);
}

static int
build_rules(struct pagerd *pd, struct syslog_rules *rs)
{
	const struct config	*c = pd->cfg;
	char			 err[256];
	size_t			 i;

	memset(rs, 0, sizeof(*rs));
	for (i = 0; i < c->n_syslog_rules; i++) {
		const struct syslog_rule_cfg *r = &c->syslog_rules[i];

		if (syslog_rules_add(rs, r->name,
		    (const char *const *)r->facility, r->n_facility,
		    r->severity, r->host, r->app, r->message, r->summary,
		    r->dedup_key, (const char *const *)r->labels, r->n_labels,
		    err, sizeof(err)) == -1) {
			log_warnx("syslog rule %s: %s", r->name, err);
			syslog_rules_free(rs);
			return -1;
		}
	}
	return 0;
}

static void
sl_read(evutil_socket_t fd, short what, void *arg)
{
	struct sl_sock		*ss = arg;
	struct syslog_in	*srv = ss->srv;
	struct pagerd		*pd = srv->pd;
	struct alert		 batch[SL_BATCH * SL_ROUNDS];
	size_t			 nb = 0, i, unmatched = 0, invalid = 0;
	int			 round, got;
	int64_t			 now = pagerd_now_ms();

	for (round = 0; round < SL_ROUNDS; round++) {
		for (i = 0; i < SL_BATCH; i++) {
			srv->iov[i].iov_base = srv->bufs + i * SL_MAXDGRAM;
			srv->iov[i].iov_len = SL_MAXDGRAM;
			memset(&srv->msgs[i].msg_hdr, 0,
			    sizeof(srv->msgs[i].msg_hdr));
			srv->msgs[i].msg_hdr.msg_iov = &srv->iov[i];
			srv->msgs[i].msg_hdr.msg_iovlen = 1;
		}
		got = recvmmsg(fd, srv->msgs, SL_BATCH, MSG_DONTWAIT, NULL);
		if (got <= 0) {
			if (got < 0 && errno != EAGAIN && errno != EINTR)
				log_warn("syslog: recvmmsg");
			break;
		}
		for (i = 0; i < (size_t)got; i++) {
			struct syslog_msg	 m;
			char			 err[128];
			int			 rc;

			/* A truncated line is still a line: parse what came. */
			if (syslog_parse(srv->iov[i].iov_base,
			    srv->msgs[i].msg_len, now, &m, err,
			    sizeof(err)) == -1) {
				invalid++;
				log_warnx_limited(&srv->ll, "syslog: unreadable "
				    "datagram: %s", err);
				continue;
			}
			rc = syslog_rules_apply(&srv->rules, &m,
			    &pd->cfg->limits, pd->cfg->syslog_source,
			    &batch[nb]);
			if (rc == 1)
				nb++;
			else if (rc == 0)
				unmatched++;
			else
				invalid++;
		}
		if (got < SL_BATCH)
			break;
	}
	count(pd, "unmatched", (double)unmatched);
	count(pd, "invalid", (double)invalid);
	count(pd, "alert", (double)nb);
	if (nb == 0)
		return;
	/* Syslog has no integration to pin a service: routes decide. */
	if (!store_ready(pd->store) ||
	    pipeline_prepare(pd, NULL, batch, nb) == -1 ||
	    store_submit(pd->store, batch, nb, now, sl_done, pd) == -1) {
		log_warnx_limited(&srv->ll, "syslog: %zu alerts dropped: %s",
		    nb, store_reason(pd->store));
		count(pd, "store_unavailable", (double)nb);
	}
	for (i = 0; i < nb; i++)
		alert_clear(&batch[i]);
}

struct syslog_in *
syslog_in_start(struct pagerd *pd)
{
	struct syslog_in	*srv;
	size_t			 i, n = pd->cfg->n_syslog_listen;

	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		return NULL;
	srv->pd = pd;
	srv->ll.burst = 5;
	if (build_rules(pd, &srv->rules) == -1)
		goto fail;
	if (n == 0)
		return srv;
	if (pd->cfg->n_syslog_rules == 0)
		log_warnx("syslog: listening but syslog.rules is empty: every "
		    "line will be counted as unmatched");
	if ((srv->socks = calloc(n, sizeof(*srv->socks))) == NULL ||
	    (srv->bufs = malloc((size_t)SL_BATCH * SL_MAXDGRAM)) == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		struct sl_sock *ss = &srv->socks[i];

		ss->srv = srv;
		if (udp_bind(pd->cfg->syslog_listen[i], &ss->fd) == -1)
			goto fail;
		srv->nsocks++;
		ss->ev = event_new(pd->base, ss->fd, EV_READ | EV_PERSIST,
		    sl_read, ss);
		if (ss->ev == NULL || event_add(ss->ev, NULL) == -1)
			goto fail;
		log_info("syslog: listening on %s", pd->cfg->syslog_listen[i]);
	}
	return srv;
fail:
	syslog_in_stop(srv);
	return NULL;
}

int
syslog_in_reconfigure(struct syslog_in *srv)
{
	struct syslog_rules	 nr;

	if (build_rules(srv->pd, &nr) == -1)
		return -1;
	syslog_rules_free(&srv->rules);
	srv->rules = nr;
	return 0;
}

void
syslog_in_stop(struct syslog_in *srv)
{
	size_t	 i;

	if (srv == NULL)
		return;
	for (i = 0; i < srv->nsocks; i++) {
		if (srv->socks[i].ev != NULL)
			event_free(srv->socks[i].ev);
		close(srv->socks[i].fd);
	}
	syslog_rules_free(&srv->rules);
	free(srv->socks);
	free(srv->bufs);
	free(srv);
}
