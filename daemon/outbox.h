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

struct argv;
struct outbox;
struct pagerd;
struct redisReply;

struct outbox	*outbox_start(struct pagerd *);
/* Something was queued here: read now rather than at the next poll. */
void		 outbox_kick(struct outbox *);
/*
 * The read script's ARGV from its third on (consumer, count, idle 0,
 * the phone notifiers), for another script that reads for this
 * consumer (the ingest's, store.h store_first_step); nothing once
 * stopped.
 */
void		 outbox_read_args(const struct outbox *, struct argv *);
/*
 * What such a script read (the read script's answer): sent as a read
 * of this outbox's own would be. NULL (or not an array): it read
 * nothing, so the outbox reads now.
 */
void		 outbox_take(struct outbox *, const struct redisReply *);
/* Read nothing more; sends in flight still finish and are recorded. */
void		 outbox_stop(struct outbox *);
/* After store_free() and notifier_host_free(): nothing is in flight. */
void		 outbox_free(struct outbox *);

#endif /* PAGERD_OUTBOX_H */
