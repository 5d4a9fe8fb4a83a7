/*
 * daemon/redis_event.h — a hiredis async context driven by the daemon's
 * libevent loop, without a syscall per command or per reply (hiredis's
 * own adapter re-arms its read event for every reply and waits an epoll
 * round to write each command).
 */
#ifndef PAGERD_REDIS_EVENT_H
#define PAGERD_REDIS_EVENT_H

struct event_base;
struct redisAsyncContext;

/*
 * Attach ac (just made by redisAsyncConnect*()) to base. 0, or -1 out of
 * memory; redisAsyncFree() detaches.
 */
int	redis_event_attach(struct redisAsyncContext *ac,
	    struct event_base *base);

#endif /* PAGERD_REDIS_EVENT_H */
