/*
 * daemon/http_intake.c — POST /api/v1/alerts: pagerd's own JSON, one alert
 * or an array. Authenticates the integration key, decodes, hands the
 * alerts to the store's group commit and answers 202 only once Redis has
 * them.
 */
#include "autoconf.h"

#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include <openssl/evp.h>

#include "alert.h"
#include "config.h"
#include "decode_generic.h"
#include "decode_pagerduty.h"
#include "http.h"
#include "http_check.h"
#include "intake.h"
#include "log.h"
#include "metrics.h"
#include "pagerd.h"
#include "pipeline.h"
#include "store.h"
#include "timers.h"

/* One request waiting for its group commit. */
struct intake_req {
	struct pagerd		*pd;
	struct http_req	*req;
	struct alert		*alerts;	/* NULL once fps is set */
	char			**fps;		/* their fingerprints */
	unsigned char		*pages_now;	/* per alert, or NULL: none
						 * pages at once (timers.h) */
	size_t			 n;
	char			*source;	/* the integration's, for metrics */
	enum intake_style	 style;
	char			*pd_dedup_key;	/* INTAKE_PAGERDUTY */
};

static const char *const outcome_name[] = {
	[STORE_NEW] = "new",
	[STORE_DEDUP] = "deduplicated",
	[STORE_RESOLVED] = "resolved",
	[STORE_IGNORED] = "ignored",
};

static void
count_alerts(struct pagerd *pd, const char *source, const char *result,
    size_t n)
{
	const char	*kv[4] = { "source", source, "result", result };

	if (n > 0)
		metrics_add(pd->metrics, "pagerd_alerts_received_total",
		    (double)n, 2, kv);
}

static void
intake_req_free(struct intake_req *ir)
{
	alert_array_free(ir->alerts, ir->n);
	free(ir->fps);
	free(ir->pages_now);
	free(ir->source);
	free(ir->pd_dedup_key);
	free(ir);
}

static void
intake_done(void *arg, int ok, const struct store_result *res, size_t n)
{
	struct intake_req	*ir = arg;
	struct pagerd		*pd = ir->pd;
	struct evbuffer		*b;
	size_t			 i, counts[4] = { 0, 0, 0, 0 };

	if (!ok || n != ir->n) {
		count_alerts(pd, ir->source, "unavailable", ir->n);
		http_reply_error(pd, ir->req, 503,
		    "alert store unavailable: not persisted, retry", -1);
		intake_req_free(ir);
		return;
	}
	timers_ingested(pd->timers, ir->pages_now, res, n);
	if (ir->style == INTAKE_PAGERDUTY) {
		char *ok_body = pd_render_success(ir->pd_dedup_key);

		for (i = 0; i < n; i++)
			counts[res[i].outcome <= STORE_IGNORED ?
			    res[i].outcome : STORE_IGNORED]++;
		for (i = 0; i < 4; i++)
			count_alerts(pd, ir->source, outcome_name[i],
			    counts[i]);
		if (ok_body == NULL)
			http_reply_error(pd, ir->req, 500, "out of memory", -1);
		else
			http_reply_raw_json(pd, ir->req, 202, ok_body,
			    strlen(ok_body));
		free(ok_body);
		intake_req_free(ir);
		return;
	}
	if ((b = evbuffer_new()) == NULL) {
		http_reply_error(pd, ir->req, 503, "out of memory", -1);
		intake_req_free(ir);
		return;
	}
	evbuffer_add(b, "{\"alerts\":[", 11);
	for (i = 0; i < n; i++) {
		unsigned o = res[i].outcome <= STORE_IGNORED ?
		    res[i].outcome : STORE_IGNORED;

		counts[o]++;
		evbuffer_add(b, i ? ",{\"fingerprint\":\"" :
		    "{\"fingerprint\":\"", i ? 17 : 16);
		http_json_escape(b, ir->fps != NULL ? ir->fps[i] :
		    ir->alerts[i].fingerprint);
		if (res[i].incident > 0) {
			evbuffer_add(b, "\",\"incident\":", 13);
			http_add_uint(b, res[i].incident);
			evbuffer_add(b, ",\"result\":\"", 11);
		} else
			evbuffer_add(b, "\",\"incident\":null,\"result\":\"",
			    28);
		evbuffer_add(b, outcome_name[o], strlen(outcome_name[o]));
		evbuffer_add(b, "\"}", 2);
	}
	evbuffer_add(b, "]}\n", 3);
	for (i = 0; i < 4; i++)
		count_alerts(pd, ir->source, outcome_name[i], counts[i]);
	/* Alertmanager and Prometheus expect 200; ours says "accepted". */
	http_reply_body(pd, ir->req, ir->style == INTAKE_GENERIC ? 202 : 200,
	    "application/json", b);
	evbuffer_free(b);
	intake_req_free(ir);
}

/*
 * The password of "Authorization: Basic base64(user:password)" into buf:
 * what Alertmanager's http_config basic_auth sends. Returns buf or NULL.
 */
static const char *
basic_password(struct http_req *req, char *buf, size_t len)
{
	const char	*h, *colon;
	unsigned char	 dec[768];
	size_t		 hl;
	int		 n;

	h = evhttp_find_header(http_req_input_headers(req),
	    "Authorization");
	if (h == NULL || strncasecmp(h, "Basic ", 6) != 0)
		return NULL;
	h += 6;
	while (*h == ' ')
		h++;
	hl = strlen(h);
	if (hl == 0 || hl % 4 != 0 || hl / 4 * 3 >= sizeof(dec))
		return NULL;
	if ((n = EVP_DecodeBlock(dec, (const unsigned char *)h, (int)hl)) < 0)
		return NULL;
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	while (hl > 0 && h[hl - 1] == '=' && n > 0) {
		hl--;
		n--;
	}
	dec[n] = '\0';
	if (memchr(dec, '\0', (size_t)n) != NULL ||
	    (colon = strchr((char *)dec, ':')) == NULL ||
	    strlen(colon + 1) >= len)
		return NULL;
	snprintf(buf, len, "%s", colon + 1);
	return buf;
}

const struct integration *
intake_auth(struct pagerd *pd, struct http_req *req)
{
	const struct integration *in;
	const struct evhttp_uri	*uri = http_req_uri(req);
	const char		*key = http_bearer(req), *q;
	struct evkeyvalq	 params;
	char			 pw[512];

	TAILQ_INIT(&params);
	if (key == NULL)
		key = basic_password(req, pw, sizeof(pw));
	if (key == NULL && uri != NULL &&
	    (q = evhttp_uri_get_query(uri)) != NULL &&
	    evhttp_parse_query_str(q, &params) == 0)
		key = evhttp_find_header(&params, "key");
	if (key == NULL) {
		evhttp_clear_headers(&params);
		http_reply_error(pd, req, 401, "missing integration key: send "
		    "\"Authorization: Bearer KEY\", basic auth with the key "
		    "as password, or ?key=KEY", -1);
		return NULL;
	}
	in = config_find_integration(pd->cfg, key);
	evhttp_clear_headers(&params);
	explicit_bzero(pw, sizeof(pw));
	if (in == NULL)
		http_reply_error(pd, req, 401, "unknown integration key", -1);
	return in;
}

const char *
intake_body(struct pagerd *pd, struct http_req *req, size_t max,
    size_t *lenp)
{
	struct evbuffer	*body = http_req_body(req);
	const char	*ct, *data;
	size_t		 len;

	ct = evhttp_find_header(http_req_input_headers(req),
	    "Content-Type");
	if (!http_check_json_type(ct)) {
		http_reply_error(pd, req, 415,
		    "Content-Type must be application/json", -1);
		return NULL;
	}
	len = evbuffer_get_length(body);
	if (len > max) {
		http_reply_error(pd, req, 413, "body too large", -1);
		return NULL;
	}
	if (!store_ready(pd->store)) {
		http_reply_error(pd, req, 503, store_reason(pd->store), -1);
		return NULL;
	}
	data = (const char *)evbuffer_pullup(body, -1);
	*lenp = len;
	return data != NULL ? data : "";
}

/*
 * Once the store has copied the alerts into its script's arguments, the
 * answer needs only their fingerprints: keep those (one allocation) and
 * free the alerts and the request's body now rather than when Redis
 * answers. In a storm of batches, 64 connections x 100 alerts wait for
 * Redis at once, and each alert's labels and details (~1 KB) would be
 * held twice; freed early they leave memory that later requests reuse
 * (docs/BENCHMARKS.md, figure 6). Without memory it keeps the alerts.
 */
static void
intake_keep_fingerprints(struct intake_req *ir)
{
	size_t	 i, len, total = 0;
	char	*p;

	for (i = 0; i < ir->n; i++)
		total += strlen(ir->alerts[i].fingerprint) + 1;
	if (ir->n == 0 ||
	    (ir->fps = malloc(ir->n * sizeof(char *) + total)) == NULL)
		return;
	p = (char *)(ir->fps + ir->n);
	for (i = 0; i < ir->n; i++) {
		len = strlen(ir->alerts[i].fingerprint) + 1;
		memcpy(p, ir->alerts[i].fingerprint, len);
		ir->fps[i] = p;
		p += len;
	}
	alert_array_free(ir->alerts, ir->n);
	ir->alerts = NULL;
	evbuffer_drain(http_req_body(ir->req),
	    evbuffer_get_length(http_req_body(ir->req)));
}

/*
 * Which alerts page at once when new (a group_wait 0 service with a
 * policy): noted now, as the alerts are freed before Redis answers. No
 * array when none does, the usual case under load.
 */
static void
mark_pages_now(struct intake_req *ir)
{
	size_t	 i;

	for (i = 0; i < ir->n; i++) {
		if (!timers_pages_now(&ir->alerts[i]))
			continue;
		/* Out of memory: no kick; the tick claims it, 250 ms on. */
		if (ir->pages_now == NULL &&
		    (ir->pages_now = calloc(ir->n, 1)) == NULL)
			return;
		ir->pages_now[i] = 1;
	}
}

void
intake_rejected(struct pagerd *pd, const struct integration *in)
{
	count_alerts(pd, in->source, "rejected", 1);
}

void
intake_submit(struct pagerd *pd, struct http_req *req,
    const struct integration *in, struct alert *alerts, size_t n,
    enum intake_style style, const char *pd_dedup_key)
{
	struct intake_req	*ir;

	if ((ir = calloc(1, sizeof(*ir))) == NULL ||
	    (ir->source = strdup(in->source)) == NULL ||
	    (pd_dedup_key != NULL &&
	    (ir->pd_dedup_key = strdup(pd_dedup_key)) == NULL)) {
		if (ir != NULL)
			free(ir->source);
		free(ir);
		alert_array_free(alerts, n);
		http_reply_error(pd, req, 503, "out of memory", -1);
		return;
	}
	ir->pd = pd;
	ir->req = req;
	ir->alerts = alerts;
	ir->n = n;
	ir->style = style;
	if (pipeline_prepare(pd, in, alerts, n) == -1) {
		http_reply_error(pd, req, 503, "out of memory", -1);
		intake_req_free(ir);
		return;
	}
	mark_pages_now(ir);
	if (store_submit(pd->store, alerts, n, pagerd_now_ms(), intake_done,
	    ir) == -1) {
		http_reply_error(pd, req, 503, store_reason(pd->store), -1);
		intake_req_free(ir);
		return;
	}
	intake_keep_fingerprints(ir);
}

void
http_intake_generic(struct pagerd *pd, struct http_req *req)
{
	const struct integration *in;
	struct decode_err	 err;
	struct alert		*alerts = NULL;
	size_t			 n = 0, len;
	const char		*data;

	if ((in = intake_auth(pd, req)) == NULL ||
	    (data = intake_body(pd, req, pd->cfg->http_max_body, &len)) ==
	    NULL)
		return;
	if (decode_generic(data, len, 0, &pd->cfg->limits, in->source,
	    &alerts, &n, NULL, &err) == -1) {
		intake_rejected(pd, in);
		http_reply_error(pd, req, err.status, err.msg, err.index);
		return;
	}
	intake_submit(pd, req, in, alerts, n, INTAKE_GENERIC, NULL);
}
