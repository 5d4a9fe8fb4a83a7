/*
 * daemon/store.h — the Redis store: one async hiredis connection on the
 * libevent loop, Lua scripts loaded at connect, reconnect with backoff,
 * and group commit (every alert submitted in one loop iteration goes to
 * Redis as ONE EVALSHA). Nothing here answers a sender before Redis has
 * answered us.
 */
#ifndef PAGERD_STORE_H
#define PAGERD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"

struct event_base;
struct metrics;
struct store;

enum store_outcome {
	STORE_NEW = 0,		/* new fingerprint (or re-fired): new incident */
	STORE_DEDUP,		/* repeat of a firing alert: count++ */
	STORE_RESOLVED,		/* firing alert resolved */
	STORE_IGNORED		/* resolve for an unknown/already resolved alert */
};

struct store_result {
	long long		 incident;	/* 0 when none */
	enum store_outcome	 outcome;
};

/* Store settings, copied by store_configure(). */
struct store_settings {
	const char	*address;	/* "unix:/path" or "host:port" */
	const char	*password;	/* NULL: no AUTH */
	int		 db;
	const char	*prefix;	/* key prefix */
	int64_t		 connect_timeout_ms;
	int64_t		 reconnect_max_ms;
	int64_t		 command_timeout_ms; /* no reply within: drop and reconnect */
	int64_t		 retention_ms;	/* resolved alerts expire after */
};

/*
 * Called once per store_submit(). ok = 1: res[0..n-1] in the order the
 * alerts were submitted, all persisted. ok = 0: Redis failed or went away;
 * the caller must answer 503 (some may have been persisted: the sender's
 * retry is deduplicated). res is valid only during the call.
 */
typedef void	store_submit_cb(void *arg, int ok,
		    const struct store_result *res, size_t n);

/*
 * A JSON answer for the API: status 200 with a JSON document, 404 (no
 * such incident), or 503 (Redis unavailable). json is valid only during
 * the call; NULL unless status is 200.
 */
typedef void	store_json_cb(void *arg, int status, const char *json,
		    size_t len);

/* metrics may be NULL. Returns NULL when out of memory. */
struct store	*store_new(struct event_base *, struct metrics *);

/*
 * Apply settings (copied). When the address, password or db changed, the
 * connection is dropped and made again. The first call starts connecting.
 */
int		 store_configure(struct store *, const struct store_settings *);

/* 1 when connected and the scripts are loaded: intake may submit. */
int		 store_ready(const struct store *);

/* Why the store is not ready ("connecting to unix:/x", "redis: ..."). */
const char	*store_reason(const struct store *);

/*
 * Queue n alerts for the next group commit. Copies everything it needs
 * before returning: the caller may free alerts at once. now_ms is the
 * receive time. Returns 0 (cb will be called exactly once, from the loop,
 * never from inside this call) or -1 when not ready (cb is not called).
 */
int		 store_submit(struct store *, const struct alert *alerts,
		    size_t n, int64_t now_ms, store_submit_cb *cb, void *arg);

/*
 * Incidents, newest first. status: "triggered", "resolved" or NULL (all);
 * at most limit (1..1000). JSON: {"incidents":[{id,title,status,severity,
 * source,created,updated,resolved,alert_count}, ...]}, times in ms.
 */
void		 store_list_incidents(struct store *, const char *status,
		    long limit, store_json_cb *cb, void *arg);

/* One incident with its alerts: {"incident":{..., "alerts":[{fingerprint,
 * summary,status,count,first_seen,last_seen,labels,details,...}]}}. */
void		 store_get_incident(struct store *, long long id,
		    store_json_cb *cb, void *arg);

/*
 * Stop: wait for in-flight commands (each gets its reply and callback),
 * flush any queued batch first, then disconnect and call done(arg). New
 * submits are refused from here on.
 */
void		 store_shutdown(struct store *, void (*done)(void *),
		    void *arg);

/* Free everything; pending callbacks are called with ok = 0 / 503. */
void		 store_free(struct store *);

#endif /* PAGERD_STORE_H */
