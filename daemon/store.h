/*
 * daemon/store.h — the Redis store: one async hiredis connection on the
 * libevent loop, Lua scripts loaded at connect, reconnect with backoff,
 * and group commit (every alert submitted in one loop iteration goes to
 * Redis as ONE EVALSHA). Nothing here answers a sender before Redis has
 * answered us.
 */
#ifndef PAGERD_STORE_H
#define PAGERD_STORE_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "alert.h"

struct argv;
struct redisReply;
struct event_base;
struct metrics;
struct store;

enum store_outcome {
	STORE_NEW = 0,		/* new fingerprint (or re-fired): it opened an
				 * incident or joined its group's open one */
	STORE_DEDUP,		/* repeat of a firing alert: count++ */
	STORE_RESOLVED,		/* firing alert resolved */
	STORE_IGNORED		/* resolve for an unknown/already resolved alert */
};

struct store_result {
	long long		 incident;	/* 0 when none */
	enum store_outcome	 outcome;
	int			 stepped;	/* it opened the incident and
						 * did its first step in the
						 * same call (store_first_step) */
};

/*
 * An incident that pages as soon as it opens (group_wait 0) has its
 * first escalation step done by the ingest script that opens it, not
 * by a notify timer two round trips and two script calls later
 * (daemon/escalation.c plans it). plan() appends to out the step
 * script's ARGV from "what" on for alert a at now_ms, or nothing when
 * the alert would not page at once; the script still falls back to
 * the timer when it is silenced or inhibited (out->oom: the timer
 * too). done() is told of each step so done: the incident, what (the
 * plan's enum esc_what, lib/esc_plan.h) and the step script's result
 * (notifications queued; -1 not due).
 *
 * The pages those steps queue leave with the same reply: read() appends
 * the outbox read's ARGV from its third on (consumer, count, ...),
 * which the store sends after the alerts of every call that carries a
 * plan, and the script reads the outbox with it when a step queued
 * pages. After the done()
 * calls of a reply in which a step queued pages, pages() gets that
 * read's answer, or NULL when the script could not read (the group was
 * missing, say): the pages wait in the outbox.
 */
struct store_first_step {
	void	(*plan)(void *arg, const struct alert *a, int64_t now_ms,
		    struct argv *out);
	void	(*done)(void *arg, long long incident, int what,
		    long long result);
	void	(*read)(void *arg, struct argv *out);
	void	(*pages)(void *arg, const struct redisReply *list);
	void	 *arg;
};

/*
 * fs NULL: no more (the timers do every first step). plan or read NULL:
 * no more first steps, or reads (escalation_stop() keeps done() and
 * pages() for the calls already on their way).
 */
void		 store_set_first_step(struct store *,
		    const struct store_first_step *fs);

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

/*
 * metrics may be NULL; several stores may share one, their counters add
 * up (pagerd_redis_up is the daemon's: /metrics asks store_ready() of
 * each connection). name (copied, up to 31 bytes, no spaces) is the
 * connection's CLIENT SETNAME and appears in the logs. Returns NULL
 * when out of memory.
 */
struct store	*store_new(struct event_base *, struct metrics *,
		    const char *name);

/*
 * Apply settings (copied). When the address, password or db changed, the
 * connection is dropped and made again. The first call starts connecting.
 */
int		 store_configure(struct store *, const struct store_settings *);

/* 1 when connected and the scripts are loaded: intake may submit. */
int		 store_ready(const struct store *);

/*
 * The redis-server at the other end of a unix socket connection: its
 * pid and user (SO_PEERCRED). -1 over TCP, while not connected, or when
 * the peer is in another pid namespace.
 */
int		 store_peer(const struct store *, pid_t *pid, uid_t *uid);

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
 * at most limit (1..1000). JSON: {"incidents":[{id,title,status,severity
 * ("sev1".."sev3"),source,created,updated,resolved,alert_count,
 * firing_count,service,group_key,policy,notified_at}, ...]}, times in ms.
 */
void		 store_list_incidents(struct store *, const char *status,
		    long limit, store_json_cb *cb, void *arg);

/* One incident with its alerts and timeline: {"incident":{...,
 * "alerts":[{fingerprint,summary,status,severity (as sent),level
 * ("sev1".."sev3"),service,count,first_seen,last_seen,labels,details,
 * ends_at,...}], "timeline":[{event,fingerprint,at,from,to}]}}. */
void		 store_get_incident(struct store *, long long id,
		    store_json_cb *cb, void *arg);

/*
 * TIMERS
 *
 * Due work lives in Redis (store_lua.h: P timers, P alerts:ends), so it
 * survives restarts and any instance may do it. store_claim_timers()
 * leases due members for lease_ms; store_fire_timer() then does one and
 * removes it. An instance that dies in between lets the lease lapse and
 * another one takes the work. An incident's group_wait (NOTIFY) is done
 * by the claim itself, atomically, and needs no lease.
 */
enum store_timer_kind {
	STORE_TIMER_NOTIFY = 0,	/* group_wait over: done by the claim */
	STORE_TIMER_ENDS,	/* an incident's alert's ends_at passed */
	STORE_TIMER_ESCALATION,	/* "esc:", "contact:", "retry:", "unack:":
				 * the escalation engine's (arg = member) */
	STORE_TIMER_UNKNOWN	/* written by a newer pagerd: left alone */
};

/* The incident fields a claimed "esc:ID" comes with, in this order. */
#define STORE_ESC_FIELDS	7	/* status, level, service, policy,
					 * esc_step, esc_round, esc_epoch */

struct store_timer {
	enum store_timer_kind	 kind;
	const char		*member;	/* "notify:12", "incident:12" */
	const char		*arg;		/* the incident id, or the member */
	/* NOTIFY: what the claim did: 1 notified (its "esc:ID" follows
	 * in the same claim), 2 held (silence, inhibition, maintenance),
	 * 0 nothing (resolved or notified before). */
	int			 result;
	/* "esc:ID": the incident's fields as the claim read them (NULL:
	 * absent), with has_incident = 1. */
	const char		*incident[STORE_ESC_FIELDS];
	int			 has_incident;
};

/*
 * ok = 1: v[0..n-1] are the claimed timers (n may be 0), valid only
 * during the call. ok = 0: Redis failed; nothing was claimed, or the
 * leases will lapse.
 */
typedef void	store_claim_cb(void *arg, int ok, const struct store_timer *v,
		    size_t n);

/* ok = 1 when the handler ran; acted = 1 when it changed something. */
typedef void	store_fire_cb(void *arg, int ok, int acted);

/* A service in maintenance now (lib/maint.h), for store_claim_timers(). */
struct store_maint {
	const char	*service;
	const char	*owner;
	int64_t		 until_ms;	/* when the maintenance ends */
};

/*
 * Claim up to max due members of each timer set (score <= now_ms), and
 * do the due NOTIFY ones: each notes that the incident's group_wait is
 * over (notified_at, a group_wait_elapsed event, its first escalation
 * step armed and claimed), held instead while its service is one of
 * maint[0..n_maint) — a "maintenance" event with the owner, the timer
 * re-armed for until_ms — or while all its firing alerts are silenced
 * or inhibited. maint is copied. cb is called once, from the loop (or
 * at once when out of memory).
 */
void		 store_claim_timers(struct store *, int64_t now_ms,
		    int64_t lease_ms, size_t max,
		    const struct store_maint *maint, size_t n_maint,
		    store_claim_cb *cb, void *arg);

/*
 * Do the work of one claimed ENDS timer: resolve the incident's alerts
 * whose ends_at passed exactly as a "resolved" from their sender would,
 * and re-arm the member for the next end (or remove it). t is copied.
 * Other kinds answer ok = 0.
 */
void		 store_fire_timer(struct store *, const struct store_timer *t,
		    int64_t now_ms, store_fire_cb *cb, void *arg);

/*
 * SILENCES (store_lua.h: P silence:ID, P silences). Each answers through
 * cb as the API reads do: 200 with JSON, 404 (no such silence), 503.
 * Strings are copied before the call returns. id must be decimal digits
 * (the caller checks: it becomes part of a key).
 *
 * add: {"id":"N"}. list: {"version":"V","silences":[stored, ...]} with
 * ends_at > now_ms unless all, or {"version":"V","unchanged":true} when
 * V equals known_version (NULL or "": always the list). get and expire:
 * the stored form {id, matchers, starts_at, ends_at, created_by,
 * comment, updated_at} (times in ms); expire ends it at now_ms and
 * re-arms the notification of the incidents it held.
 */
void		 store_silence_add(struct store *, int64_t now_ms,
		    int64_t starts_at_ms, int64_t ends_at_ms,
		    const char *created_by, const char *comment,
		    const char *matchers_json, store_json_cb *cb, void *arg);
void		 store_silence_list(struct store *, int64_t now_ms, int all,
		    const char *known_version, store_json_cb *cb, void *arg);
void		 store_silence_get(struct store *, const char *id,
		    store_json_cb *cb, void *arg);
void		 store_silence_expire(struct store *, int64_t now_ms,
		    const char *id, store_json_cb *cb, void *arg);

/*
 * Acknowledge the incident of the alert with this fingerprint (a
 * PagerDuty acknowledge event), recording who. JSON {"incident":N,
 * "status":"acknowledged"} (an incident already acknowledged or resolved
 * keeps its status), 404 for an unknown alert, 503 on failure.
 */
void		 store_ack_alert(struct store *, int64_t now_ms,
		    const char *fingerprint, const char *by,
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

/* ------------------------------------------- for the other daemon modules */

/*
 * The escalation engine, the overrides and the reply handler keep their
 * own Lua scripts and commands next to their code; these run them on
 * the store's connection, with its reconnects, watchdog and shutdown
 * drain. Keys are the module's to document (prefix them with
 * store_prefix()).
 */
struct redisReply;

/* A module's script; sha is computed on first use. Static storage. */
struct store_lua {
	const char	*name;		/* for logs: "escalation step" */
	const char	*text;
	char		 sha[41];	/* "" until first used */
};

/*
 * The answer to one store_command() or store_eval(): r is the reply
 * (maybe an error reply: r->type == REDIS_REPLY_ERROR, already logged),
 * or NULL when Redis is unavailable or the connection went away before
 * the reply (the command may or may not have run). r is valid only
 * during the call.
 */
typedef void	store_reply_cb(void *arg, const struct redisReply *r);

/*
 * Send one command (argv[0] the command name) or run one script with
 * EVALSHA (EVAL when Redis has lost it; no keys: pass them as ARGV).
 * argvlen may be NULL for NUL-terminated arguments; all are copied. cb is
 * called exactly once, never from inside the call. Returns 0, or -1 when
 * out of memory (cb is then never called).
 */
int		 store_command(struct store *, int argc, const char **argv,
		    const size_t *argvlen, store_reply_cb *cb, void *arg);
int		 store_eval(struct store *, struct store_lua *, int argc,
		    const char **argv, const size_t *argvlen,
		    store_reply_cb *cb, void *arg);

/* The configured key prefix ("pagerd:"). */
const char	*store_prefix(const struct store *);

#endif /* PAGERD_STORE_H */
