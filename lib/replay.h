/*
 * lib/replay.h — remembers the MACs of signed datagrams for as long as
 * their timestamps are acceptable, so that a captured datagram sent again
 * is refused. Fixed memory (chosen at creation), no allocation after it;
 * when full of live entries it refuses new ones (fails closed). Pure:
 * time is a parameter.
 */
#ifndef PAGERD_REPLAY_H
#define PAGERD_REPLAY_H

#include <stddef.h>
#include <stdint.h>

struct replay;

/* Room for capacity live MACs. NULL when out of memory. */
struct replay	*replay_new(size_t capacity);
void		 replay_free(struct replay *);

enum replay_result {
	REPLAY_NEW = 0,		/* first sighting: remembered until expires */
	REPLAY_SEEN,		/* a replay: refuse the datagram */
	REPLAY_FULL		/* no room: refuse, the cache is flooded */
};

/* Check mac (32 bytes) and remember it until expires_ms. */
enum replay_result replay_check(struct replay *, const unsigned char *mac,
		    int64_t now_ms, int64_t expires_ms);

#endif /* PAGERD_REPLAY_H */
