/*
 * daemon/store_lua.h — the Lua scripts the store runs inside Redis, so
 * that everything that must change together changes atomically. Only
 * the store includes this; other modules see the data through the API.
 *
 * Key layout (P is the configured prefix, e.g. "pagerd:"):
 *
 *   P incident:seq              string  INCR: short numeric incident ids
 *                                       (they must fit an SMS reply)
 *   P alert:FP                  hash    one per fingerprint FP: fingerprint,
 *                                       summary, source, severity, status
 *                                       (firing|resolved), labels (JSON
 *                                       object text), details (JSON text or
 *                                       ""), dedup_key, count, first_seen,
 *                                       last_seen, timestamp (sender's, 0 =
 *                                       absent), resolved_at ("" while
 *                                       firing), incident. No TTL while
 *                                       firing; expires retention_ms after
 *                                       it resolves.
 *   P incident:ID               hash    id, title (the first alert's
 *                                       summary), status (triggered|
 *                                       resolved), severity, source,
 *                                       created, updated, resolved_at ("" =
 *                                       open), alert_count, firing_count
 *   P incident:ID:alerts        set     fingerprints of the incident's
 *                                       alerts
 *   P incident:ID:timeline      stream  XADD event=created|alert_added|
 *                                       alert_resolved|resolved,
 *                                       fingerprint, at
 *   P incidents                 zset    every incident, score = id
 *   P incidents:triggered       zset    open incidents, score = id
 *   P incidents:resolved        zset    resolved incidents, score = id
 *
 * All times are milliseconds since the epoch, written by pagerd (scripts
 * never read Redis's clock, so a replayed AOF gives the same data).
 * Scripts get no KEYS: every key is derived from the prefix in ARGV[1],
 * which is fine on a single primary and would need hash tags on Cluster.
 */
#ifndef PAGERD_STORE_LUA_H
#define PAGERD_STORE_LUA_H

enum store_script {
	/*
	 * ARGV: prefix, now_ms, retention_ms, N, then per alert 9 fields:
	 * fingerprint, status ("firing"|"resolved"), summary, source,
	 * severity, labels_json, details_json, dedup_key, timestamp_ms
	 * ("0" when absent). Returns {outcome, incident} * N as integers;
	 * outcome is enum store_outcome.
	 */
	STORE_SCRIPT_INGEST = 0,
	/*
	 * ARGV: prefix, status ("triggered", "resolved" or "" for all),
	 * limit. Returns the JSON text {"incidents":[...]}, newest first.
	 */
	STORE_SCRIPT_LIST,
	/*
	 * ARGV: prefix, id. Returns the JSON text {"incident":{...}}, or nil
	 * when there is no such incident.
	 */
	STORE_SCRIPT_GET,
	STORE_SCRIPT_COUNT
};

struct store_script_def {
	const char	*name;		/* for logs */
	const char	*text;		/* Lua source */
};

/* Indexed by enum store_script; static data, never freed. */
extern const struct store_script_def store_scripts[STORE_SCRIPT_COUNT];

#endif /* PAGERD_STORE_LUA_H */
