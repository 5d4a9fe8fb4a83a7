/*
 * lib/alert.h — the normalized alert every decoder produces and the store
 * persists, and the limits that bound it. Pure data, no I/O.
 */
#ifndef PAGERD_ALERT_H
#define PAGERD_ALERT_H

#include <stddef.h>
#include <stdint.h>

enum alert_status {
	ALERT_FIRING = 0,
	ALERT_RESOLVED
};

struct label {
	char	*name;
	char	*value;
};

/*
 * All strings are NUL-terminated, valid UTF-8 without NUL bytes, and owned
 * by the alert (alert_clear() frees them). A decoder may put the ones it
 * makes in one block, strings: then fingerprint, summary, severity,
 * labels (the array, every name and value) and details_json point into
 * it, may share bytes, and are freed with it, not one by one; nothing
 * may replace them after decoding. The other strings are always
 * allocations of their own.
 */
struct alert {
	char			*fingerprint;	/* dedup_key, or 16 hex digits */
	char			*dedup_key;	/* NULL when absent */
	char			*summary;	/* required, never NULL */
	char			*source;	/* from the body or the integration */
	char			*severity;	/* sender's raw value or NULL */
	enum alert_status	 status;
	struct label		*labels;	/* sorted by name, names unique */
	size_t			 nlabels;
	char			*details_json;	/* compact JSON object or NULL */
	int64_t			 timestamp_ms;	/* sender's time; 0 = absent */
	int64_t			 ends_at_ms;	/* resolves by itself then; 0 = never
						 * (Alertmanager endsAt) */

	/*
	 * What routing decided (daemon/pipeline.c, before the store sees
	 * the alert); decoders leave these zero, and the store then gives
	 * the alert an incident of its own in the default service at sev3.
	 * The service's settings are copied: the alert may outlive a
	 * reload of the config they came from.
	 */
	int			 level;		/* 1 = sev1 (highest) .. 3 = sev3;
						 * 0 = not mapped */
	char			*service;	/* the service's name */
	char			*group_key;	/* route_group_key() */
	char			*policy;	/* the service's; NULL = none */
	int64_t			 group_wait_ms;
	int64_t			 group_interval_ms;
	int64_t			 repeat_interval_ms;
	int			 auto_resolve;
	char			*silenced;	/* ids of the active silences that
						 * match it, comma-separated;
						 * NULL = none */
	char			*inhibit_src;	/* silence.h inhibit_mark() */
	char			*inhibit_tgt;
	char			*strings;	/* the block above; NULL = none */
};

/* Bounds every decoder enforces; each has its own error message. */
struct alert_limits {
	size_t	max_batch;		/* alerts per request body */
	size_t	max_labels;		/* labels per alert */
	size_t	max_label_name;		/* bytes */
	size_t	max_label_value;	/* bytes */
	size_t	max_summary;		/* bytes */
	size_t	max_dedup_key;		/* bytes */
	size_t	max_alert_size;		/* bytes of one alert's JSON */
};

/* Defaults: batch 1000, 64 labels, name 128, value 2048, summary 1024,
 * dedup key 255, alert 64 KiB. */
void	alert_limits_default(struct alert_limits *);

/* Free everything the alert owns and zero it. NULL-safe. */
void	alert_clear(struct alert *);

/* alert_clear() each of n alerts, then free(v). NULL-safe. */
void	alert_array_free(struct alert *v, size_t n);

/* "firing" / "resolved" */
const char *alert_status_name(enum alert_status);

#endif /* PAGERD_ALERT_H */
