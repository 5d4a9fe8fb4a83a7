/*
 * daemon/http_intake_formats.c — the intake endpoints that speak other
 * systems' protocols, so they can send to pagerd unchanged:
 *   POST /api/v1/integrations/alertmanager  Alertmanager webhook (v4)
 *   POST /api/v2/alerts                     Prometheus -> "Alertmanager"
 *   POST /v2/enqueue                        PagerDuty Events API v2
 * Decoding is in lib/; persistence and replies in http_intake.c.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

#include <openssl/rand.h>

#include "alert.h"
#include "config.h"
#include "decode_alertmanager.h"
#include "decode_pagerduty.h"
#include "http.h"
#include "intake.h"
#include "log.h"
#include "metrics.h"
#include "pagerd.h"
#include "store.h"

void
http_intake_am_webhook(struct pagerd *pd, struct http_req *req)
{
	const struct integration *in;
	struct decode_err	 err;
	struct alert		*alerts = NULL;
	size_t			 n = 0, len, i;
	uint64_t		 truncated = 0;
	const char		*data;

	if ((in = intake_auth(pd, req)) == NULL ||
	    (data = intake_body(pd, req, pd->cfg->http_max_body, &len)) ==
	    NULL)
		return;
	if (decode_am_webhook(data, len, &pd->cfg->limits, &alerts, &n,
	    &truncated, &err) == -1) {
		intake_rejected(pd, in);
		http_reply_error(pd, req, err.status, err.msg, err.index);
		return;
	}
	/* Alertmanager left some out (max_alerts): they are not lost to it,
	 * but we never saw them; say so. */
	if (truncated > 0)
		log_warnx("alertmanager webhook from %s: %llu alerts truncated "
		    "by the sender (max_alerts)", in->name,
		    (unsigned long long)truncated);
	for (i = 0; i < n; i++)
		if (alerts[i].source == NULL)
			alerts[i].source = strdup(in->source);
	intake_submit(pd, req, in, alerts, n, INTAKE_ALERTMANAGER, NULL);
}

void
http_intake_am_alerts(struct pagerd *pd, struct http_req *req)
{
	const struct integration *in;
	struct decode_err	 err;
	struct alert		*alerts = NULL;
	size_t			 n = 0, len, i;
	const char		*data;

	if ((in = intake_auth(pd, req)) == NULL ||
	    (data = intake_body(pd, req, pd->cfg->http_max_body, &len)) ==
	    NULL)
		return;
	if (decode_am_alerts(data, len, &pd->cfg->limits, pagerd_now_ms(),
	    AM_RESOLVE_TIMEOUT_MS, &alerts, &n, &err) == -1) {
		intake_rejected(pd, in);
		http_reply_error(pd, req, err.status, err.msg, err.index);
		return;
	}
	for (i = 0; i < n; i++)
		if (alerts[i].source == NULL)
			alerts[i].source = strdup(in->source);
	intake_submit(pd, req, in, alerts, n, INTAKE_ALERTMANAGER, NULL);
}

static void
pd_reply_error(struct pagerd *pd, struct http_req *req,
    const struct pd_err *err)
{
	char	*body = pd_render_error(err);

	if (body == NULL) {
		http_reply_error(pd, req, 500, "out of memory", -1);
		return;
	}
	http_reply_raw_json(pd, req, err->status, body, strlen(body));
	free(body);
}

/* A PagerDuty acknowledge waiting for Redis. */
struct pd_ack {
	struct pagerd		*pd;
	struct http_req	*req;
	char			*dedup_key;
};

static void
pd_ack_done(void *arg, int status, const char *json, size_t len)
{
	struct pd_ack	*pa = arg;
	char		*body;

	/*
	 * PagerDuty answers success for a dedup_key it has no incident for;
	 * so do we. Only a store failure is an error (503: retry).
	 */
	if (status != 200 && status != 404)
		http_reply_error(pa->pd, pa->req, 503,
		    "alert store unavailable: not acknowledged, retry", -1);
	else if ((body = pd_render_success(pa->dedup_key)) == NULL)
		http_reply_error(pa->pd, pa->req, 500, "out of memory", -1);
	else {
		http_reply_raw_json(pa->pd, pa->req, 202, body, strlen(body));
		free(body);
	}
	free(pa->dedup_key);
	free(pa);
}

/* event_action acknowledge: the alert's open incident is acknowledged. */
static void
pd_acknowledge(struct pagerd *pd, struct http_req *req,
    const struct integration *in, const char *dedup_key)
{
	struct pd_ack	*pa;
	char		 by[160];

	if ((pa = calloc(1, sizeof(*pa))) == NULL ||
	    (pa->dedup_key = strdup(dedup_key)) == NULL) {
		free(pa);
		http_reply_error(pd, req, 503, "out of memory", -1);
		return;
	}
	pa->pd = pd;
	pa->req = req;
	snprintf(by, sizeof(by), "pagerduty:%s", in->name);
	store_ack_alert(pd->store, pagerd_now_ms(), dedup_key, by,
	    pd_ack_done, pa);
}

/*
 * PagerDuty clients authenticate with routing_key inside the body, so the
 * body is decoded first and the key checked after.
 */
void
http_intake_pagerduty(struct pagerd *pd, struct http_req *req)
{
	const struct integration *in;
	struct pd_event		 ev;
	struct pd_err		 err;
	struct alert		*a;
	unsigned char		 rnd[16];
	char			 newkey[33];
	size_t			 len, max, i;
	const char		*data;

	max = pd->cfg->http_max_body < PD_MAX_BODY ? pd->cfg->http_max_body :
	    PD_MAX_BODY;
	if ((data = intake_body(pd, req, max, &len)) == NULL)
		return;
	/* A trigger without dedup_key gets a fresh one, returned to it. */
	if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
		http_reply_error(pd, req, 503, "no randomness", -1);
		return;
	}
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(newkey + 2 * i, 3, "%02x", rnd[i]);
	memset(&ev, 0, sizeof(ev));
	if (decode_pd_event(data, len, &pd->cfg->limits, newkey, &ev, &err) ==
	    -1) {
		pd_reply_error(pd, req, &err);
		return;
	}
	if ((in = config_find_integration(pd->cfg, ev.routing_key)) == NULL) {
		memset(&err, 0, sizeof(err));
		err.status = 400;
		snprintf(err.reason, sizeof(err.reason), "invalid_event");
		snprintf(err.errors[0], sizeof(err.errors[0]),
		    "'routing_key' is invalid");
		err.n = 1;
		pd_event_clear(&ev);
		pd_reply_error(pd, req, &err);
		return;
	}
	if (ev.action == PD_ACKNOWLEDGE || ev.alert == NULL) {
		pd_acknowledge(pd, req, in, ev.dedup_key);
		pd_event_clear(&ev);
		return;
	}
	a = ev.alert;
	ev.alert = NULL;
	if (a->source == NULL)
		a->source = strdup(in->source);
	intake_submit(pd, req, in, a, 1, INTAKE_PAGERDUTY, ev.dedup_key);
	pd_event_clear(&ev);
}
