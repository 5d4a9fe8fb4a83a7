/*
 * lib/decode_pagerduty.h — PagerDuty Events API v2 (POST /v2/enqueue):
 * the events PagerDuty's client libraries and Alertmanager's
 * pagerduty_configs send, and the answers PagerDuty gives, so that a
 * sender pointed at pagerd sees what it would see from PagerDuty. JSON
 * in, struct alert out; no I/O, no clock, no randomness.
 */
#ifndef PAGERD_DECODE_PAGERDUTY_H
#define PAGERD_DECODE_PAGERDUTY_H

#include <stddef.h>

#include "alert.h"

/* PagerDuty's limit on an event's size; bigger bodies get 413. */
#define PD_MAX_BODY		(512 * 1024)
/* PagerDuty's keys are 32 characters; any routing key up to this goes. */
#define PD_MAX_ROUTING_KEY	255
/* Error strings kept; further ones are dropped (n stops growing). */
#define PD_ERRORS_MAX		16
#define PD_ERROR_LEN		256

enum pd_action {
	PD_TRIGGER = 0,
	PD_ACKNOWLEDGE,
	PD_RESOLVE
};

/* A decoded event; every pointer is owned by it (pd_event_clear()). */
struct pd_event {
	enum pd_action	 action;
	char		*routing_key;	/* the integration key, not yet
					 * checked: the caller authenticates */
	char		*dedup_key;	/* as sent, or the caller's new key
					 * for a trigger without one */
	struct alert	*alert;		/* trigger: the alert; resolve: status
					 * resolved, fingerprint = dedup_key;
					 * acknowledge: NULL */
};

/*
 * Why an event was refused, in PagerDuty's terms. errors[] holds the
 * strings of PagerDuty's "errors" array, one per problem, all of them at
 * once as PagerDuty reports them. They are valid UTF-8 and never quote a
 * field's value (the routing key is a secret), though the text of a JSON
 * syntax error quotes the few bytes where parsing stopped.
 */
struct pd_err {
	int	 status;	/* 400, 413; 500 = no memory */
	char	 reason[32];	/* for metrics: "json" (not JSON), "type"
				 * (not an object), "invalid_event",
				 * "too_large", "nomem" */
	size_t	 n;		/* strings in errors[] */
	char	 errors[PD_ERRORS_MAX][PD_ERROR_LEN];
};

/*
 * Decode one event (len bytes, need not be NUL-terminated; more than
 * PD_MAX_BODY is refused with 413). Checks, and reports every failure
 * with PagerDuty's wording: routing_key (required, at most
 * PD_MAX_ROUTING_KEY characters), event_action (required: trigger,
 * acknowledge or resolve), dedup_key (at most lim->max_dedup_key
 * characters; required unless trigger). For a trigger also payload
 * (required object): summary (required, at most lim->max_summary
 * characters), source (required), severity (required: critical, error,
 * warning or info), timestamp (ISO 8601: RFC 3339, or an offset written
 * +hhmm), component, group, class (strings), custom_details (any JSON
 * nested at most 64 deep); images[] ({src, href, alt}, src required),
 * links[] ({href, text}, href required), client and client_url
 * (strings). What PagerDuty ignores for acknowledge and resolve (payload
 * and the rest) is ignored here too, and so are unknown fields. A JSON
 * null counts as absent, a string of blanks as blank.
 *
 * Lengths are counted in characters (Unicode code points), as PagerDuty
 * documents them and Alertmanager truncates to them: lim->max_summary
 * and lim->max_dedup_key are taken as characters here. Source and the
 * payload strings that become labels are bounded by lim->max_label_value
 * characters.
 *
 * new_dedup_key (PagerDuty makes 32 hex digits) becomes the dedup key of
 * a trigger that has none; it is copied, and ignored otherwise.
 *
 * A trigger's alert: fingerprint and dedup_key = the dedup key, summary,
 * source, severity (raw), status firing, labels class, component and
 * group when present and non-empty, timestamp_ms from payload.timestamp
 * (0 when absent), details_json = {custom_details, links, images, client,
 * client_url}, those present (NULL when none).
 *
 * Returns 0 with *ev filled (free with pd_event_clear()), or -1 with err
 * filled and nothing allocated.
 */
int	decode_pd_event(const char *body, size_t len,
	    const struct alert_limits *lim, const char *new_dedup_key,
	    struct pd_event *ev, struct pd_err *err);

/* Free everything the event owns and zero it. NULL-safe. */
void	pd_event_clear(struct pd_event *ev);

/* "trigger" / "acknowledge" / "resolve" */
const char *pd_action_name(enum pd_action);

/*
 * PagerDuty's answer to a refused event, to send with err->status:
 * {"status":"invalid event","message":"Event object is invalid",
 * "errors":[...]}, or for a body that is not a JSON object
 * {"status":"Unrecognized object","message":"Event object format is
 * unrecognized","errors":["JSON parse error",...]}. Returns a malloc'd
 * string (caller frees), NULL when out of memory.
 */
char	*pd_render_error(const struct pd_err *err);

/*
 * PagerDuty's 202 answer: {"status":"success","message":"Event
 * processed","dedup_key":"..."}. Returns a malloc'd string (caller
 * frees), NULL when out of memory or dedup_key is not valid UTF-8.
 */
char	*pd_render_success(const char *dedup_key);

#endif /* PAGERD_DECODE_PAGERDUTY_H */
