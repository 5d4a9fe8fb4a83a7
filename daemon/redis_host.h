/*
 * daemon/redis_host.h — what pagerd does for a Redis that runs on its
 * own machine as its own user: the spawned one, and one of the same
 * user on a unix socket (found by the socket's peer credentials). A
 * Redis over TCP is left alone; so is one of another user (logged once).
 *
 * redis.child_nice: its fork children (the AOF rewrite, a snapshot) get
 * this nice value. During an alert storm a rewrite copies everything
 * stored so far; at the priority of Redis itself it takes up to half of
 * the core that intake runs on, just when intake needs it. At nice 10 it
 * gets about a tenth of a busy core, for about ten times as long. Not
 * 19: a rewrite then outlasts a storm, and Redis does not grow its key
 * table while a fork lives (copy-on-write), so lookups slow down as a
 * storm adds keys (docs/BENCHMARKS.md, figure 2). Nothing is less
 * durable meanwhile: Redis keeps appending every write to its AOF.
 *
 * redis.drop_aof_cache: its append-only files stay out of the page
 * cache. Every write Redis persists lands in its AOF, and the kernel
 * keeps each written page cached, so a storm of new alerts grows the
 * page cache by ~1.1 KB per alert on top of Redis's own ~0.9 KB. Nothing
 * reads those pages back until a restart reads the file once. Each of
 * them is a page of fresh memory; on a virtual machine whose host backs
 * guest memory on first touch, that costs ~13 usec a page once the
 * guest's recently freed pages run out (docs/BENCHMARKS.md, figure 2).
 * Dropping the cached pages that are already on disk
 * (POSIX_FADV_DONTNEED, as PostgreSQL does for its WAL) hands them
 * straight back to the kernel, where the next AOF write and Redis's own
 * growth find them. Durability is Redis's appendfsync as before.
 *
 * redis.quiet_rewrite: its AOF is rewritten when intake is quiet. Redis
 * rewrites by itself when the file has grown by a percentage over its
 * last rewrite, and it grows fastest in an alert storm: that is when
 * the fork and the dump come. pagerd watches how many alerts intake
 * takes each second; once none of the last quiet_for took more than
 * quiet_rate, it reads INFO persistence once a second and, when the
 * file has grown by quiet_rewrite percent (and to 64 MB), asks for a
 * rewrite (BGREWRITEAOF), then waits a minute before asking again. The
 * next storm starts from a compact file, far from Redis's own threshold
 * (lib/aof_quiet.h).
 */
#ifndef PAGERD_REDIS_HOST_H
#define PAGERD_REDIS_HOST_H

struct pagerd;
struct redis_host;

/*
 * Looks for new children of pd->store's Redis every 100 ms while
 * redis.child_nice > 0, drops its AOF files' page cache every second
 * while redis.drop_aof_cache, and watches intake for a quiet rewrite
 * while redis.quiet_rewrite > 0 (all read at each look, so a reload
 * applies at the next). NULL when out of memory.
 */
struct redis_host	*redis_host_start(struct pagerd *);
void			 redis_host_free(struct redis_host *);

#endif /* PAGERD_REDIS_HOST_H */
