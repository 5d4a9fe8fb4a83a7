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

#include "alert.h"
#include "config.h"
#include "decode_generic.h"
#include "http.h"
#include "http_check.h"
#include "log.h"
#include "metrics.h"
#include "pagerd.h"
#include "store.h"

/* One request waiting for its group commit. */
struct intake_req {
	struct pagerd		*pd;
	struct evhttp_request	*req;
	struct alert		*alerts;
	size_t			 n;
	char			*source;	/* the integration's, for metrics */
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
	free(ir->source);
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
		http_json_escape(b, ir->alerts[i].fingerprint);
		if (res[i].incident > 0)
			evbuffer_add_printf(b, "\",\"incident\":%lld,",
			    res[i].incident);
		else
			evbuffer_add(b, "\",\"incident\":null,", 17);
		evbuffer_add_printf(b, "\"result\":\"%s\"}", outcome_name[o]);
	}
	evbuffer_add(b, "]}\n", 3);
	for (i = 0; i < 4; i++)
		count_alerts(pd, ir->source, outcome_name[i], counts[i]);
	http_reply_body(pd, ir->req, 202, "application/json", b);
	evbuffer_free(b);
	intake_req_free(ir);
}

/*
 * The integration key: "Authorization: Bearer KEY" or "?key=KEY". Returns
 * the integration, or NULL after answering 401.
 */
static const struct integration *
intake_auth(struct pagerd *pd, struct evhttp_request *req)
{
	const struct integration *in;
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*key = http_bearer(req), *q;
	struct evkeyvalq	 params;

	TAILQ_INIT(&params);
	if (key == NULL && uri != NULL &&
	    (q = evhttp_uri_get_query(uri)) != NULL &&
	    evhttp_parse_query_str(q, &params) == 0)
		key = evhttp_find_header(&params, "key");
	if (key == NULL) {
		evhttp_clear_headers(&params);
		http_reply_error(pd, req, 401, "missing integration key: send "
		    "\"Authorization: Bearer KEY\" or ?key=KEY", -1);
		return NULL;
	}
	in = config_find_integration(pd->cfg, key);
	evhttp_clear_headers(&params);
	if (in == NULL)
		http_reply_error(pd, req, 401, "unknown integration key", -1);
	return in;
}

void
http_intake_generic(struct pagerd *pd, struct evhttp_request *req)
{
	const struct integration *in;
	struct evbuffer		*body = evhttp_request_get_input_buffer(req);
	struct intake_req	*ir;
	struct decode_err	 err;
	struct alert		*alerts = NULL;
	size_t			 n = 0, len;
	const char		*ct, *data;

	if ((in = intake_auth(pd, req)) == NULL)
		return;
	ct = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Content-Type");
	if (!http_check_json_type(ct)) {
		http_reply_error(pd, req, 415,
		    "Content-Type must be application/json", -1);
		return;
	}
	len = evbuffer_get_length(body);
	if (len > pd->cfg->http_max_body) {
		http_reply_error(pd, req, 413, "body larger than http.max_body",
		    -1);
		return;
	}
	if (!store_ready(pd->store)) {
		http_reply_error(pd, req, 503, store_reason(pd->store), -1);
		return;
	}
	data = (const char *)evbuffer_pullup(body, -1);
	if (decode_generic(data != NULL ? data : "", len, 0, &pd->cfg->limits,
	    in->source, &alerts, &n, NULL, &err) == -1) {
		count_alerts(pd, in->source, "rejected", 1);
		http_reply_error(pd, req, err.status, err.msg, err.index);
		return;
	}
	if ((ir = calloc(1, sizeof(*ir))) == NULL ||
	    (ir->source = strdup(in->source)) == NULL) {
		free(ir);
		alert_array_free(alerts, n);
		http_reply_error(pd, req, 503, "out of memory", -1);
		return;
	}
	ir->pd = pd;
	ir->req = req;
	ir->alerts = alerts;
	ir->n = n;
	if (store_submit(pd->store, alerts, n, pagerd_now_ms(), intake_done,
	    ir) == -1) {
		http_reply_error(pd, req, 503, store_reason(pd->store), -1);
		intake_req_free(ir);
	}
}
