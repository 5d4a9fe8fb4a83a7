/*
 * daemon/syslog_in.c — receive syslog datagrams, keep those a rule
 * matches, and submit them to the store as one group per read burst.
 */
#include "autoconf.h"

#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "alert.h"
#include "config.h"
#include "dgram.h"
#include "log.h"
#include "metrics.h"
#include "pagerd.h"
#include "pipeline.h"
#include "store.h"
#include "syslog_in.h"
#include "syslog_parse.h"
#include "syslog_rules.h"

#define SL_MAXDGRAM	8192	/* RFC 5424 6.1: receivers SHOULD take 2048 */

struct syslog_in {
	struct pagerd		*pd;
	struct dgram		*dg;
	struct syslog_rules	 rules;
	struct log_limit	 ll;
	/* What one read burst collected, submitted at its end. */
	struct alert		 batch[DGRAM_MAX_BURST];
	size_t			 nb, unmatched, invalid;
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

/* A truncated line is still a line: parse what came. */
static void
sl_datagram(void *arg, const char *data, size_t len, int truncated)
{
	struct syslog_in	*srv = arg;
	struct pagerd		*pd = srv->pd;
	struct syslog_msg	 m;
	char			 err[128];
	int			 rc;

	if (syslog_parse(data, len, pagerd_now_ms(), &m, err, sizeof(err)) ==
	    -1) {
		srv->invalid++;
		log_warnx_limited(&srv->ll, "syslog: unreadable datagram: %s",
		    err);
		return;
	}
	rc = syslog_rules_apply(&srv->rules, &m, &pd->cfg->limits,
	    pd->cfg->syslog_source, &srv->batch[srv->nb]);
	if (rc == 1)
		srv->nb++;
	else if (rc == 0)
		srv->unmatched++;
	else
		srv->invalid++;
}

static void
sl_burst(void *arg, size_t ndatagrams)
{
	struct syslog_in	*srv = arg;
	struct pagerd		*pd = srv->pd;
	size_t			 i, nb = srv->nb;

	count(pd, "unmatched", (double)srv->unmatched);
	count(pd, "invalid", (double)srv->invalid);
	count(pd, "alert", (double)nb);
	srv->nb = srv->unmatched = srv->invalid = 0;
	if (nb == 0)
		return;
	/* Syslog has no integration to pin a service: routes decide. */
	if (!store_ready(pd->store) ||
	    pipeline_prepare(pd, NULL, srv->batch, nb) == -1 ||
	    store_submit(pd->store, srv->batch, nb, pagerd_now_ms(), sl_done,
	    pd) == -1) {
		log_warnx_limited(&srv->ll, "syslog: %zu alerts dropped: %s",
		    nb, store_reason(pd->store));
		count(pd, "store_unavailable", (double)nb);
	}
	for (i = 0; i < nb; i++)
		alert_clear(&srv->batch[i]);
}

struct syslog_in *
syslog_in_start(struct pagerd *pd)
{
	struct syslog_in	*srv;

	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		return NULL;
	srv->pd = pd;
	srv->ll.burst = 5;
	if (build_rules(pd, &srv->rules) == -1)
		goto fail;
	if (pd->cfg->n_syslog_listen > 0 && pd->cfg->n_syslog_rules == 0)
		log_warnx("syslog: listening but syslog.rules is empty: every "
		    "line will be counted as unmatched");
	srv->dg = dgram_start(pd->base, pd->cfg->syslog_listen,
	    pd->cfg->n_syslog_listen, SL_MAXDGRAM, "syslog", sl_datagram,
	    sl_burst, srv);
	if (srv->dg == NULL)
		goto fail;
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
	if (srv == NULL)
		return;
	dgram_stop(srv->dg);
	syslog_rules_free(&srv->rules);
	free(srv);
}
