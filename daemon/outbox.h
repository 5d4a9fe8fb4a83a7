/*
 * daemon/outbox.h — the consumer of the notification outbox (P outbox,
 * consumer group "pagerd", one consumer per process: "host:pid"). It
 * polls every 100 ms (at once after a kick), drops entries whose
 * incident was acknowledged or resolved meanwhile (or whose phone opted
 * out), sends the rest through the notifier host and records each
 * result; an entry is acknowledged only once its send has answered (at
 * least once), and entries a dead instance left pending for 90 s are
 * taken over (XAUTOCLAIM, every 5 s).
 */
#ifndef PAGERD_OUTBOX_H
#define PAGERD_OUTBOX_H

struct outbox;
struct pagerd;

struct outbox	*outbox_start(struct pagerd *);
/* Something was queued here: read now rather than at the next poll. */
void		 outbox_kick(struct outbox *);
/* Read nothing more; sends in flight still finish and are recorded. */
void		 outbox_stop(struct outbox *);
/* After store_free() and notifier_host_free(): nothing is in flight. */
void		 outbox_free(struct outbox *);

#endif /* PAGERD_OUTBOX_H */
