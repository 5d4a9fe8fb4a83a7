/*
 * daemon/dgram.h — datagram listeners shared by the UDP alert intake and
 * the syslog intake: sockets bound to "host:port" addresses, drained with
 * recvmmsg(2) on each readable event. Every datagram of one event goes to
 * a callback, then one call marks the end of the burst, so the caller can
 * hand everything it collected to the store as one group commit.
 */
#ifndef PAGERD_DGRAM_H
#define PAGERD_DGRAM_H

#include <stddef.h>

struct dgram;
struct event_base;

#define DGRAM_BATCH	64	/* datagrams per recvmmsg call */
#define DGRAM_ROUNDS	16	/* recvmmsg calls per event: fairness */
#define DGRAM_MAX_BURST	(DGRAM_BATCH * DGRAM_ROUNDS)

/*
 * One datagram: data is valid only during the call. truncated: it was
 * longer than maxlen and cut (the rest is lost).
 */
typedef void	dgram_fn(void *arg, const char *data, size_t len,
		    int truncated);

/* The end of one event's burst of n (<= DGRAM_MAX_BURST) datagrams. */
typedef void	dgram_burst_fn(void *arg, size_t n);

/*
 * Bind every address (SO_REUSEPORT, a large receive buffer) and start
 * reading. what names the listener in logs ("udp", "syslog"). NULL after
 * logging why when an address cannot be bound. n may be 0 (nothing to
 * listen on, still a valid handle).
 */
struct dgram	*dgram_start(struct event_base *, char *const *addrs,
		    size_t n, size_t maxlen, const char *what, dgram_fn *,
		    dgram_burst_fn *, void *arg);

/* Close the sockets and free; NULL-safe. No callback runs after. */
void		 dgram_stop(struct dgram *);

#endif /* PAGERD_DGRAM_H */
