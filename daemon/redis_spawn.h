/*
 * daemon/redis_spawn.h — the embedded Redis (redis.spawn = true): a
 * private redis-server child on a unix socket in the state directory,
 * with AOF on and no TCP port, restarted when it dies and stopped when
 * pagerd exits. The child also gets SIGTERM if pagerd is killed -9
 * (PR_SET_PDEATHSIG), so no orphan keeps the socket.
 */
#ifndef PAGERD_REDIS_SPAWN_H
#define PAGERD_REDIS_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

struct event_base;
struct metrics;
struct redis_spawn;

/*
 * Start redis-server (server: path of the binary) with its data and
 * socket in state_dir (created 0700 if missing). Writes the address to
 * connect to ("unix:STATE_DIR/redis.sock") into addr. Returns NULL with
 * a logged reason when the child cannot be started at all.
 */
struct redis_spawn *redis_spawn_start(struct event_base *,
		    const char *server, const char *state_dir,
		    const char *appendfsync, struct metrics *,
		    char *addr, size_t addrlen);

/* The child's pid, or -1 while it is being restarted. */
pid_t		 redis_spawn_pid(const struct redis_spawn *);

/* SIGTERM the child, wait up to 3 s (then SIGKILL), free everything. */
void		 redis_spawn_stop(struct redis_spawn *);

#endif /* PAGERD_REDIS_SPAWN_H */
