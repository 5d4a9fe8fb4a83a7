/*
 * daemon/replies.h — acting on on-call staff's SMS replies: the handler
 * the plugin host calls with a reply a notifier received ("3a", "who",
 * STOP). It checks the sender is a configured person, drops provider
 * retries of a message already handled, parses (lib/reply.h), applies
 * the action through the escalation engine and composes the answer
 * (lib/reply_answer.h). Signatures are the plugin's job, not this one's.
 *
 * Redis keys (P = redis.prefix), besides the engine's person:PID:codes,
 * person:PID:pages and optout (daemon/escalation.h):
 *
 *   P reply:MSGID        string  "P" while the message is being handled
 *                                (lapses after 15 s, so a crash does not
 *                                swallow the retry), then "A" + the
 *                                answer, or "N" for none, for a day
 *                                (provider retries come within minutes)
 *   P reply:rate:PHONE   string  passive answers (help, who) sent to
 *                                PHONE in the current window
 *   P optout:log         stream  type=stop|start, person, rotas, at:
 *                                who opted out of SMS, for the rotas'
 *                                owners (capped near 1000)
 */
#ifndef PAGERD_REPLIES_H
#define PAGERD_REPLIES_H

struct pagerd;
struct replies;

/* Passive answers per number and window: more get no answer. */
#define REPLIES_RATE_MAX	3
#define REPLIES_RATE_WINDOW_MS	(10 * 60 * 1000)

/*
 * Register with pd->notifiers as its reply handler. Needs pd->store and
 * pd->escalation. NULL when out of memory.
 */
struct replies	*replies_start(struct pagerd *);

/* Take no more replies (SIGTERM); those in flight finish. */
void		 replies_stop(struct replies *);

/*
 * Free, after the store and the engine have answered their calls in
 * flight: a reply still waiting is answered with nothing.
 */
void		 replies_free(struct replies *);

#endif /* PAGERD_REPLIES_H */
