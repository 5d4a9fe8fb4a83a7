/*
 * lib/decode_alertmanager.h — the two bodies Prometheus' alerting stack
 * sends: an Alertmanager webhook notification (webhook_configs, version
 * "4") and the alert list Prometheus POSTs to an Alertmanager's
 * /api/v2/alerts. JSON in, struct alert out; no I/O, no clock.
 */
#ifndef PAGERD_DECODE_ALERTMANAGER_H
#define PAGERD_DECODE_ALERTMANAGER_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "decode_generic.h"	/* struct decode_err */

/* Alertmanager's default global resolve_timeout (5m). */
#define AM_RESOLVE_TIMEOUT_MS	(5 * 60 * 1000LL)

/*
 * Decode an Alertmanager webhook body (len bytes, need not be
 * NUL-terminated). "version" must be "4"; "alerts" (an array) is
 * required; receiver, externalURL and groupKey must be strings when
 * present, truncatedAlerts a non-negative integer. Other top-level
 * fields (status, groupLabels, commonLabels, commonAnnotations, and
 * whatever newer releases add) are ignored, as are unknown fields of an
 * alert.
 *
 * Each element of alerts[] becomes one alert: status from its "status"
 * ("firing" | "resolved", required); labels (object of strings, at least
 * one non-empty value; empty values are dropped, as Prometheus treats an
 * empty label as absent); fingerprint = its "fingerprint" when present
 * (non-empty, at most lim->max_dedup_key bytes), else fp_labels(); summary
 * = annotations summary, description or message, else labels.alertname,
 * else "alert <fingerprint>", cut to lim->max_summary bytes with "…";
 * severity = labels.severity; source NULL (the integration's applies);
 * timestamp_ms = startsAt; ends_at_ms = 0, because Alertmanager itself
 * sends the resolution; details_json = {annotations, generatorURL,
 * startsAt, endsAt, externalURL, receiver, groupKey}, the ones present.
 * Go's zero time "0001-01-01T00:00:00Z" counts as absent.
 *
 * Limits: lim->max_batch alerts (413), max_alert_size bytes of each
 * alert's compact JSON (413), labels as for every decoder (400). Refuses
 * invalid UTF-8, NUL bytes and duplicate keys. err->index is the position
 * in alerts[], -1 for the body.
 *
 * Returns 0 with *out (malloc'd, free with alert_array_free(); NULL when
 * alerts[] is empty; each alert's decoded strings are one block, its
 * strings member, see alert.h) and *n; *truncated (may be NULL) gets truncatedAlerts,
 * the alerts Alertmanager left out of this notification (max_alerts).
 * Returns -1 with err filled and nothing allocated.
 */
int	decode_am_webhook(const char *body, size_t len,
	    const struct alert_limits *lim, struct alert **out, size_t *n,
	    uint64_t *truncated, struct decode_err *err);

/*
 * Decode the body of POST /api/v2/alerts: a JSON array (empty is fine:
 * *n = 0) of {labels (required, at least one non-empty value),
 * annotations, startsAt, endsAt, generatorURL}; unknown fields are
 * ignored. now_ms is the current time, resolve_timeout_ms Alertmanager's
 * resolve_timeout (AM_RESOLVE_TIMEOUT_MS by default).
 *
 * As in Alertmanager: fingerprint = fp_labels(labels); the alert is
 * resolved when endsAt is set and not after now_ms, else firing;
 * ends_at_ms = endsAt when set, else now_ms + resolve_timeout_ms (an
 * alert that is not sent again resolves then); endsAt before startsAt is
 * refused. timestamp_ms = startsAt, else endsAt, else 0. Summary,
 * severity, source, label rules and limits as for decode_am_webhook();
 * details_json = {annotations, generatorURL, startsAt, endsAt}.
 *
 * Returns as decode_am_webhook(); err->index is the array position.
 */
int	decode_am_alerts(const char *body, size_t len,
	    const struct alert_limits *lim, int64_t now_ms,
	    int64_t resolve_timeout_ms, struct alert **out, size_t *n,
	    struct decode_err *err);

#endif /* PAGERD_DECODE_ALERTMANAGER_H */
