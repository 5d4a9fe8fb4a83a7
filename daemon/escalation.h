/*
 * daemon/escalation.h — the escalation engine: from "group_wait is over"
 * to pages through the notifiers, step by step, until someone
 * acknowledges; and the actions people take on an incident (ack,
 * resolve, escalate) from the API, pagerctl and SMS replies.
 *
 * State lives in Redis (keys below, P = redis.prefix) so that any
 * instance can carry on any incident, and a kill -9 loses nothing:
 *
 *   P timers                  zset  (shared with daemon/timers.c) also
 *                                   holds "esc:ID" (the next step of
 *                                   incident ID is due), "contact:..."
 *                                   (a person's later contact rule),
 *                                   "retry:..." (a notification to try
 *                                   again) and "unack:ID" (a timed ack
 *                                   ends); claimed with a lease
 *   P outbox                  stream notifications to send, consumer
 *                                   group "pagerd"; fields incident,
 *                                   person, notifier, address,
 *                                   reply_code, kind, attempt, step and
 *                                   idem, the idempotency key
 *                                   "ID:EPOCH:STEP:ROUND:PERSON:RULE";
 *                                   kind "inform": no incident, a
 *                                   title, idem "IDEM:RULE"
 *   P person:PID:codes        hash  reply code -> incident id, the
 *                                   latest incident given that code
 *                                   (the smallest free code is used:
 *                                   short replies); field v: codes
 *                                   1..v are each held or free
 *   P person:PID:free         zset  codes free again (score = code):
 *                                   their incidents resolved
 *   P incident:ID:codes       hash  person id -> the code this
 *                                   incident's pages to them carry
 *   P person:PID:pages        zset  incident id -> time of the latest
 *                                   page to that person ("a" = latest)
 *   P optout                  set   phone numbers that sent STOP
 *   P inform:IDEM             string an escalation_inform() done (7 days)
 *   P incident:ID             hash  adds esc_step (the step due next,
 *                                   from 0; -1: none left), esc_round,
 *                                   esc_due (ms), esc_epoch (restarts),
 *                                   acked_by, acked_via, acked_at,
 *                                   ack_until, resolved_by
 *   P incident:ID:esc_timers  set   its members of P timers (an ack
 *                                   removes exactly those)
 *   P incident:ID:esc_people  set   persons paged (resolve frees their
 *                                   reply codes and takes the incident
 *                                   off their pages)
 *   P note:IDEM               hash  a notification waiting for its
 *                                   contact:/retry: timer (the outbox
 *                                   entry's fields)
 *   P provider:NOTIFIER:PID   string IDEM of a delivered message, for
 *                                   delivery reports (7 days)
 *   P incident:ID:timeline    stream adds paged, delivered, failed,
 *                                   retry, skipped, deferred,
 *                                   acknowledged, unacknowledged,
 *                                   escalated, escalate_requested,
 *                                   resolved (by a person), dropped
 *                                   (queued page of an acked incident);
 *                                   fields person, notifier, target,
 *                                   reason, step, round, code, attempt,
 *                                   provider_id, by, via, until
 */
#ifndef PAGERD_ESCALATION_H
#define PAGERD_ESCALATION_H

#include <stdint.h>

struct pagerd;
struct escalation;

enum escalation_action {
	ESC_ACK = 0,		/* stop escalating; for_ms > 0: until then */
	ESC_RESOLVE,		/* close the incident */
	ESC_ESCALATE		/* go to the next step now */
};

enum escalation_outcome {
	ESC_DONE = 0,		/* done now */
	ESC_ALREADY,		/* nothing to do: already acked/resolved */
	ESC_NOT_FOUND,		/* no such incident */
	ESC_FAILED		/* Redis unavailable: try again */
};

/*
 * The end of one escalation_act(): title is the incident's title (for
 * "Acknowledged #42 db-primary down"), or NULL; borrowed for the call.
 */
typedef void	escalation_act_cb(void *arg, enum escalation_outcome,
		    const char *title);

struct escalation	*escalation_start(struct pagerd *);

/*
 * daemon/timers.c hands over the claimed members of P timers that are
 * the engine's ("esc:", "contact:", "retry:", "unack:"); for "esc:ID"
 * incident holds the incident's fields as the claim read them
 * (store.h STORE_ESC_FIELDS; borrowed for the call; NULL: the timer
 * fails and its lease lapses). cb is called once, maybe from inside
 * the call: ok = 0 when Redis failed (the lease lapses and the timer
 * comes back), acted = 1 when it changed something.
 */
typedef void		 escalation_fire_cb(void *arg, int ok, int acted);
void			 escalation_fire(struct escalation *,
			    const char *member, const char *const *incident,
			    int64_t now_ms, escalation_fire_cb *cb,
			    void *arg);

/*
 * Apply action to incident id on behalf of who ("alice", "api:admin"),
 * through via ("sms", "api", "pagerctl", "pagerduty"). for_ms is the
 * length of a timed ack (0: until resolved). An ack or resolve stops
 * every pending step and drops the incident's queued notifications,
 * whichever instance holds them, within a second. cb is called exactly
 * once, never from inside the call.
 */
void			 escalation_act(struct escalation *, long long id,
			    enum escalation_action, const char *who,
			    const char *via, int64_t for_ms,
			    escalation_act_cb *cb, void *arg);

/*
 * Tell person_id something for information (no incident, nothing to
 * answer): a PAGERD_NOTIFY_UPDATE with title text through each of their
 * first contact rules (after = 0), by the outbox, so it is durable,
 * retried and sent by one instance. The first call with idem queues it,
 * later ones with the same idem (7 days) nothing.
 */
void			 escalation_inform(struct escalation *,
			    const char *person_id, const char *text,
			    const char *idem);

/* Config reloaded (pd->cfg is the new one). */
void			 escalation_reconfigure(struct escalation *);
void			 escalation_stop(struct escalation *);
void			 escalation_free(struct escalation *);

#endif /* PAGERD_ESCALATION_H */
