/*
 * daemon/pipeline.h — what happens to decoded alerts between an intake
 * and the store: the severity level, the service (the integration's pin,
 * else the routes, else "default") and the group key. Every intake path
 * (each HTTP format, UDP) calls it right before store_submit(), so they
 * all route and group alike.
 */
#ifndef PAGERD_PIPELINE_H
#define PAGERD_PIPELINE_H

#include <stddef.h>

struct alert;
struct integration;
struct pagerd;

/*
 * Fill level, service, group_key, policy and the service's timings of
 * alerts[0..n-1] from pd->cfg, and silenced, inhibit_src and inhibit_tgt
 * from pd->silences and the inhibit rules; in is the integration they came through
 * (from the same config; NULL: none). Strings are malloc'd into the
 * alerts and freed by alert_clear(). Returns 0, or -1 when out of
 * memory (the caller answers 503; the alerts stay safe to free).
 */
int	pipeline_prepare(struct pagerd *pd, const struct integration *in,
	    struct alert *alerts, size_t n);

#endif /* PAGERD_PIPELINE_H */
