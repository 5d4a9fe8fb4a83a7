/*
 * daemon/store_lua.h — the Lua scripts the store runs inside Redis, so
 * that everything that must change together changes atomically. Only
 * the store includes this; other modules see the data through the API.
 *
 * Key layout (P is the configured prefix, e.g. "pagerd:"):
 *
 *   P incident:seq              string  INCR: short numeric incident ids
 *                                       (they must fit an SMS reply)
 *   P alert:FP                  hash    one per fingerprint FP, with short
 *                                       field names (Redis holds ~1 KB per
 *                                       alert, and each name is stored in
 *                                       every hash):
 *                                         s status (firing|resolved)
 *                                         i incident (its id)
 *                                         v level (1..3: sev1..sev3;
 *                                           absent = 3)
 *                                         c count (absent = 1),
 *                                         f first_seen, l last_seen
 *                                           (absent = f)
 *                                         m summary, y severity (as sent)
 *                                         L labels (JSON object text)
 *                                         d details (JSON text)
 *                                         o source, V service (absent =
 *                                           the incident's)
 *                                         t timestamp (sender's)
 *                                         e ends_at, r resolved_at
 *                                         k dedup_key
 *                                         x silenced, a inhibit_src,
 *                                         g inhibit_tgt (below)
 *                                         h pagerd's digest of what a
 *                                           repeat may change (summary,
 *                                           severity, details, level,
 *                                           x, a, g): a repeat with the
 *                                           same h writes only c, l and
 *                                           the times that moved;
 *                                           absent until the first
 *                                           repeat, which compares
 *                                           the content as stored and
 *                                           rewrites it only when it
 *                                           differs
 *                                       Sparse: an empty optional field (m,
 *                                       y, d, k, x, a, g; 0 for t and e; r
 *                                       while firing) is not stored, and
 *                                       absent reads as empty. The
 *                                       fingerprint is the key's end and
 *                                       the group key is the incident's:
 *                                       neither is stored. No TTL while
 *                                       firing; expires retention_ms after
 *                                       it resolves. Hashes of an older
 *                                       pagerd (long names: status,
 *                                       incident, ...) are migrated once,
 *                                       at connect (STORE_SCRIPT_MIGRATE;
 *                                       P alerts:shape = "2" after it):
 *                                       stop older instances first.
 *   P incident:ID               hash    id, title (the first alert's
 *                                       summary, then " (+N more)"),
 *                                       summary (the first alert's), status
 *                                       (triggered|resolved), level (1..3),
 *                                       severity (sev1..sev3), service,
 *                                       group_key, policy, group_wait,
 *                                       group_interval, repeat_interval
 *                                       (ms, the service's when it opened),
 *                                       auto_resolve (1|0), notified_at (""
 *                                       until group_wait is over), source,
 *                                       created, updated (its last change:
 *                                       not bumped by a repeat that changes
 *                                       nothing), resolved_at ("" = open),
 *                                       alert_count, firing_count
 *   P incident:ID:alerts        set     fingerprints of the incident's
 *                                       alerts
 *   P incident:ID:timeline      stream  XADD event=created|alert_added|
 *                                       more_alerts|alert_resolved|
 *                                       resolved|severity_raised|
 *                                       group_wait_elapsed|silenced|
 *                                       inhibited, fingerprint, from, to
 *                                       (severity events), after
 *                                       (more_alerts), at; alert_added
 *                                       for the first 25 alerts only,
 *                                       then one more_alerts
 *   P incidents                 zset    every incident, score = id
 *   P incidents:triggered       zset    open incidents, score = id
 *   P incidents:resolved        zset    resolved incidents, score = id
 *   P group:KEY                 string  the open incident of group KEY
 *                                       (route_group_key()); deleted when
 *                                       it resolves
 *   P events                    stream  for the escalation engine:
 *                                       type=severity_raised, incident,
 *                                       from, to, at (capped near 100,000)
 *   P timers                    zset    member "notify:ID" (group_wait of
 *                                       incident ID), score = due time; a
 *                                       claimed member's score is its lease.
 *                                       None for an incident that pages at
 *                                       once (group_wait 0, a planned first
 *                                       step, nothing holding it): the
 *                                       ingest script does its notify and
 *                                       first step as it opens it
 *   P alerts:ends               zset    "incident:ID" for each incident
 *                                       with a firing alert that has an
 *                                       endsAt; score <= the earliest
 *                                       such ends_at (ZADD LT; a re-send
 *                                       moving an end later leaves it
 *                                       early, and the fire script puts
 *                                       it at the next end). Members that
 *                                       are fingerprints (older pagerds:
 *                                       one per alert) still work.
 *   P alerts:shape              string  "2": the alert hashes have the
 *                                       short field names (migrated)
 *   P ingest:deferred           hash    fingerprint -> when (ms): alerts
 *                                       the ingest script sent back for
 *                                       their content; until pagerd's
 *                                       resend clears the entry, every
 *                                       other call sends the fingerprint
 *                                       back too (order); ignored and
 *                                       dropped after a minute
 *   P silence:seq               string  INCR: silence ids
 *   P silence:ID                hash    id, matchers (API v2 JSON text),
 *                                       starts_at, ends_at, created_by,
 *                                       comment, created_at, updated_at
 *   P silence:ID:incidents      set     incidents whose notification it
 *                                       held (re-armed when it expires)
 *   P silences                  zset    silence ids, score = ends_at
 *   P silences:version          string  INCR at every silence write
 *
 *   P inhibit:RULE              hash    KEY -> how many firing alerts are
 *                                       sources of inhibit rule RULE with
 *                                       equal-label values KEY
 *   P inhibit:RULE:held:KEY     set     incidents whose notification that
 *                                       held; re-armed when the count
 *                                       drops to 0
 *
 * An alert hash also has inhibit_src (a) and inhibit_tgt (g) (as passed
 * to ingest; a goes when it resolves) and silenced (x): the ids of the
 * silences that matched it at its last intake, comma-separated (absent
 * or "" = none); each is checked against its silence's window when it
 * is used.
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
	 * ARGV: prefix, now_ms, retention_ms, N, resend ("1": every alert
	 * of this call was sent back by an earlier one), then per alert 6
	 * arguments: fingerprint, status ("firing"|"resolved"),
	 * timestamp_ms ("0" when absent), ends_at_ms ("0": none), dg
	 * (fingerprint.h fp_digest() of summary, severity, details_json,
	 * level, silenced, inhibit_src, inhibit_tgt as sent), and the
	 * content, each string followed by a NUL: summary, source,
	 * severity, labels_json, details_json, dedup_key, level ("1".."3";
	 * else 3), service ("": default), group_key ("": an incident of its
	 * own), group_wait_ms, group_interval_ms, repeat_interval_ms,
	 * auto_resolve ("1"|"0"), policy, silenced (silence ids,
	 * comma-separated; "" = none), inhibit_src and inhibit_tgt
	 * (silence.h inhibit_mark(); "" = none), then optionally the
	 * plan of the first escalation step of the incident it would open
	 * (store.h store_first_step). The content may be "" (left out) for
	 * a resolve, and for a firing alert pagerd thinks Redis holds with
	 * digest dg (lib/seen.h). After the alerts, optionally the outbox
	 * read's ARGV from its third on (escalation_lua.h esc_lua_read).
	 * Returns {outcome, incident} * N as integers; outcome is enum
	 * store_outcome, or 4: sent back (the alert needs its content, or
	 * an alert of its fingerprint was sent back before it: P
	 * ingest:deferred), nothing done, incident 0. Then {alert index,
	 * what, result} per first step done, as integers; then, when a
	 * step queued pages and the read ARGV came, the outbox read's
	 * answer (one element: the pages read for that consumer).
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
	/*
	 * ARGV: prefix, now_ms, lease_ms, limit, maint. Claims up to limit
	 * due members of each of P timers and P alerts:ends (score <= now)
	 * by moving their score to now + lease. A due "notify:ID" is done
	 * at once instead: it removes the member; sets notified_at, adds
	 * group_wait_elapsed to the timeline and arms the first escalation
	 * step "esc:ID" (claimed too, in the same reply) unless the
	 * incident is resolved or was notified; while its service is in
	 * maint (JSON {service: [owner, until_ms]}, "" = none) it adds a
	 * "maintenance" event and re-arms the timer for until_ms; while
	 * every firing alert is silenced or inhibited it adds "silenced"
	 * or "inhibited", re-arms the timer at the earliest silence end
	 * and notes the incident on the silences and inhibit keys that
	 * held it (they re-arm it when they end). Returns {zset, member,
	 * x} triples, zset being "timers" or "alerts:ends"; x is for
	 * "notify:ID" 1 (notified), 2 (held) or 0 (nothing to do), for a
	 * claimed "esc:ID" the incident's status, level, service, policy,
	 * esc_step, esc_round, esc_epoch (nil when absent), else 0.
	 */
	STORE_SCRIPT_CLAIM,
	/*
	 * ARGV: prefix, now_ms, retention_ms, member of P alerts:ends
	 * ("incident:ID" or an older pagerd's fingerprint). Resolves each
	 * alert whose ends_at has passed as the ingest script resolves one;
	 * puts the member back at the next ends_at (or drops it). Returns 1
	 * when it resolved an alert.
	 */
	STORE_SCRIPT_FIRE_ENDS,
	/*
	 * ARGV: prefix, now_ms, starts_at, ends_at, created_by, comment,
	 * matchers (API v2 JSON text). Returns {"id":"N"}.
	 */
	STORE_SCRIPT_SILENCE_ADD,
	/*
	 * ARGV: prefix, now_ms, all ("1": expired too), known version ("":
	 * none). Returns {"version":"V","unchanged":true} when V is the
	 * known one, else {"version":"V","silences":[...]}, latest end first.
	 */
	STORE_SCRIPT_SILENCE_LIST,
	/* ARGV: prefix, id. Returns the silence's JSON, or nil. */
	STORE_SCRIPT_SILENCE_GET,
	/*
	 * ARGV: prefix, now_ms, id. Ends the silence now, re-arms the
	 * notification of the incidents it held. Its JSON, or nil.
	 */
	STORE_SCRIPT_SILENCE_EXPIRE,
	/*
	 * ARGV: prefix, now_ms, fingerprint, who. Acknowledges the alert's
	 * incident if it is triggered. {"incident":N,"status":"..."}, or nil
	 * for an unknown alert.
	 */
	STORE_SCRIPT_ACK_ALERT,
	/*
	 * ARGV: prefix, cursor. One step of the one-time migration of alert
	 * hashes from the long field names of older pagerds to the short
	 * ones (up to ~1,000 keys of a SCAN). Returns the next cursor, "0"
	 * when done (P alerts:shape is then "2", and later calls return "0"
	 * at once).
	 */
	STORE_SCRIPT_MIGRATE,
	STORE_SCRIPT_COUNT
};

struct store_script_def {
	const char	*name;		/* for logs */
	const char	*text;		/* Lua source */
};

/* Indexed by enum store_script; static data, never freed. */
extern const struct store_script_def store_scripts[STORE_SCRIPT_COUNT];

/*
 * The Lua functions the write scripts share (resolve an alert, raise an
 * incident's severity, inhibition counts), for the escalation engine's
 * resolve, which must leave the alerts as a sender's resolve would.
 */
extern const char store_lua_write_lib[];

#endif /* PAGERD_STORE_LUA_H */
