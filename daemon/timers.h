/*
 * daemon/timers.h — the claim loop for work that falls due in Redis: an
 * incident's group_wait (its first notification) and an alert's endsAt.
 * Every 250 ms it claims due timers with a 30 s lease and fires each one
 * (store.h TIMERS); several instances share the work, and a timer whose
 * instance died is taken by another once its lease lapses. A group_wait
 * is done by the claim script itself, which claims the first step it
 * arms in the same call. Paging itself is the escalation engine's: the
 * members that are its ("esc:", "contact:", "retry:", "unack:") go to
 * escalation_fire(). It runs on pd->page_store, the paging path's Redis
 * connection.
 */
#ifndef PAGERD_TIMERS_H
#define PAGERD_TIMERS_H

#include <stddef.h>

struct alert;
struct pagerd;
struct store_result;
struct timers;

/* Start claiming on pd->base through pd->store. NULL when out of memory. */
struct timers	*timers_start(struct pagerd *);

/*
 * Claim on the next loop iteration instead of at the next tick (or, with
 * a round in flight, as soon as it ends): something fell due now. The
 * claim with its lease stays the only way a timer fires, so instances
 * sharing the Redis still fire each timer once.
 */
void		 timers_kick(struct timers *);

/*
 * Does this alert page at once when it is new: a service with group_wait
 * 0 and an escalation policy? The intake asks before the store has the
 * alerts, as it frees them while Redis works (see http_intake.c).
 */
int		 timers_pages_now(const struct alert *);

/*
 * After alerts were persisted (res as store_submit_cb's): kick when one
 * of them is new and pages_now[i] (timers_pages_now() of alert i; NULL:
 * none does), so its notify timer, due now, is done (and its first step
 * claimed) now rather than up to a tick later. Not for one whose first
 * step the ingest script did itself (res[i].stepped: store.h
 * store_first_step; it left no notify timer). Services that page no
 * one wait for the tick (no claim per request under load).
 */
void		 timers_ingested(struct timers *, const unsigned char *pages_now,
		    const struct store_result *, size_t);

/*
 * Claim nothing more (a stopping daemon). Handlers already sent still
 * get their replies, so the struct lives on until timers_free().
 */
void		 timers_stop(struct timers *);

/* Free; call after store_free(), which answers what was in flight. */
void		 timers_free(struct timers *);

#endif /* PAGERD_TIMERS_H */
