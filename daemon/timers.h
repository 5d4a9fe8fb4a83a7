/*
 * daemon/timers.h — the claim loop for work that falls due in Redis: an
 * incident's group_wait (its first notification) and an alert's endsAt.
 * Every 250 ms it claims due timers with a 30 s lease and fires each one
 * (store.h TIMERS); several instances share the work, and a timer whose
 * instance died is taken by another once its lease lapses. Paging itself
 * is the escalation engine's: the members that are its ("esc:",
 * "contact:", "retry:", "unack:") go to escalation_fire().
 */
#ifndef PAGERD_TIMERS_H
#define PAGERD_TIMERS_H

struct pagerd;
struct timers;

/* Start claiming on pd->base through pd->store. NULL when out of memory. */
struct timers	*timers_start(struct pagerd *);

/*
 * Claim nothing more (a stopping daemon). Handlers already sent still
 * get their replies, so the struct lives on until timers_free().
 */
void		 timers_stop(struct timers *);

/* Free; call after store_free(), which answers what was in flight. */
void		 timers_free(struct timers *);

#endif /* PAGERD_TIMERS_H */
