/*
 * daemon/redis_nice.h — give Redis's fork children (the AOF rewrite, a
 * snapshot) the CPU priority redis.child_nice. During an alert storm a
 * rewrite copies everything stored so far; at the priority of Redis
 * itself it takes up to half of the core that intake runs on, just when
 * intake needs it. At nice 10 it gets about a tenth of a busy core, for
 * about ten times as long. Not 19: a rewrite then outlasts a storm, and
 * Redis does not grow its key table while a fork lives (copy-on-write),
 * so lookups slow down as a storm adds keys (docs/BENCHMARKS.md,
 * figure 2).
 * Nothing is less durable meanwhile: Redis keeps appending every write
 * to its AOF.
 *
 * Applies to a redis-server this process may renice: the embedded one,
 * and one of the same user on a unix socket (found by the socket's peer
 * credentials). A Redis over TCP is left alone; so is one of another
 * user (logged once).
 */
#ifndef PAGERD_REDIS_NICE_H
#define PAGERD_REDIS_NICE_H

struct pagerd;
struct redis_nice;

/*
 * Looks for new children of pd->store's Redis every 100 ms, while
 * pd->cfg->redis_child_nice > 0 (read at each look, so a reload applies
 * from the next child on). NULL when out of memory.
 */
struct redis_nice	*redis_nice_start(struct pagerd *);
void			 redis_nice_free(struct redis_nice *);

#endif /* PAGERD_REDIS_NICE_H */
