/*
 * daemon/intake.h — what every HTTP intake format shares (http_intake.c):
 * authenticating the integration, taking the body, and handing decoded
 * alerts to the store's group commit with the reply the sender's own
 * protocol expects.
 */
#ifndef PAGERD_INTAKE_H
#define PAGERD_INTAKE_H

#include <stddef.h>

struct alert;
struct http_req;
struct integration;
struct pagerd;

enum intake_style {
	INTAKE_GENERIC,		/* 202 {"alerts":[...]} */
	INTAKE_ALERTMANAGER,	/* 200 {"alerts":[...]}: AM and Prometheus */
	INTAKE_PAGERDUTY	/* 202 {"status":"success",...,"dedup_key"} */
};

/*
 * The integration from "Authorization: Bearer KEY", basic auth with the
 * key as password (Alertmanager's http_config), or "?key=KEY". NULL after
 * answering 401. The pointer is valid until the next config reload; do not
 * keep it across the loop.
 */
const struct integration *intake_auth(struct pagerd *,
		    struct http_req *);

/*
 * The request body after the Content-Type (415), size (413, over max) and
 * store (503) checks; NULL after answering. Valid while the request is.
 */
const char	*intake_body(struct pagerd *, struct http_req *,
		    size_t max, size_t *len);

/* Count one rejected request for the integration. */
void		 intake_rejected(struct pagerd *, const struct integration *);

/*
 * Submit n alerts (ownership passes: freed when the reply is sent) and
 * answer in style once Redis has them, or 503. pd_dedup_key (copied) is
 * echoed in the PagerDuty reply.
 */
void		 intake_submit(struct pagerd *, struct http_req *,
		    const struct integration *, struct alert *alerts,
		    size_t n, enum intake_style, const char *pd_dedup_key);

#endif /* PAGERD_INTAKE_H */
