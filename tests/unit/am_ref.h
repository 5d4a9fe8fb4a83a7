/*
 * tests/unit/am_ref.h — the jansson-based Alertmanager decoders kept as a
 * reference for the differential test (tests/unit/am_ref.c). Same
 * contract as decode_am_webhook() and decode_am_alerts().
 */
#ifndef PAGERD_AM_REF_H
#define PAGERD_AM_REF_H

#include "decode_alertmanager.h"

int	ref_decode_am_webhook(const char *body, size_t len,
	    const struct alert_limits *lim, struct alert **out, size_t *n,
	    uint64_t *truncated, struct decode_err *err);
int	ref_decode_am_alerts(const char *body, size_t len,
	    const struct alert_limits *lim, int64_t now_ms,
	    int64_t resolve_timeout_ms, struct alert **out, size_t *n,
	    struct decode_err *err);

#endif /* PAGERD_AM_REF_H */
