/*
 * daemon/redis_event.c — hiredis's async context on the daemon's
 * libevent loop (redis_event.h).
 *
 * In place of hiredis's own libevent adapter, which costs syscalls on
 * the path of every command: its read event is one-shot, so each reply
 * is bracketed by an epoll_ctl DEL and ADD; and a command waits for the
 * loop's next epoll round to learn that the socket, idle and writable
 * all along, may be written (an epoll_ctl to watch it, another to stop).
 * Here the read event stays registered, and a command is written from
 * an activated event later in the same loop turn, with every other
 * command queued by then; the socket is watched for writing only when
 * a write left something behind (or while connecting).
 */
#include "autoconf.h"

#include <stdlib.h>

#include <event2/event.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include "redis_event.h"

struct redis_event {
	redisAsyncContext	*ac;
	struct event		*rev;		/* persistent */
	struct event		*wev;
	int			 reading;	/* rev added */
	int			 writing;	/* hiredis has output */
	int			 activated;	/* wev runs this turn */
	int			 watched;	/* wev added to epoll */
};

static void
on_read(evutil_socket_t fd, short what, void *arg)
{
	struct redis_event	*e = arg;

	(void)fd, (void)what;
	redisAsyncHandleRead(e->ac);	/* may free e */
}

static void
on_write(evutil_socket_t fd, short what, void *arg)
{
	struct redis_event	*e = arg;

	(void)fd, (void)what;
	e->activated = 0;
	redisAsyncHandleWrite(e->ac);	/* may free e */
}

static void
add_read(void *arg)
{
	struct redis_event	*e = arg;

	if (!e->reading && event_add(e->rev, NULL) == 0)
		e->reading = 1;
}

static void
del_read(void *arg)
{
	struct redis_event	*e = arg;

	if (e->reading) {
		event_del(e->rev);
		e->reading = 0;
	}
}

/*
 * Output to write. The first time, from the loop's active queue, after
 * the callback running now. Asked again once that write ran (it left
 * something behind), or while connecting: watch the socket.
 */
static void
add_write(void *arg)
{
	struct redis_event	*e = arg;

	if (!e->writing) {
		e->writing = e->activated = 1;
		event_active(e->wev, EV_WRITE, 1);
	} else if (!e->activated && !e->watched &&
	    event_add(e->wev, NULL) == 0)
		e->watched = 1;
}

static void
del_write(void *arg)
{
	struct redis_event	*e = arg;

	if (e->activated || e->watched)
		event_del(e->wev);	/* off the active queue too */
	e->writing = e->activated = e->watched = 0;
}

static void
cleanup(void *arg)
{
	struct redis_event	*e = arg;

	event_free(e->rev);
	event_free(e->wev);
	free(e);
}

int
redis_event_attach(redisAsyncContext *ac, struct event_base *base)
{
	struct redis_event	*e;
	evutil_socket_t		 fd = ac->c.fd;

	if (ac->ev.data != NULL || (e = calloc(1, sizeof(*e))) == NULL)
		return -1;
	e->ac = ac;
	e->rev = event_new(base, fd, EV_READ | EV_PERSIST, on_read, e);
	e->wev = event_new(base, fd, EV_WRITE | EV_PERSIST, on_write, e);
	if (e->rev == NULL || e->wev == NULL || event_add(e->rev, NULL) ||
	    event_add(e->wev, NULL)) {
		if (e->rev != NULL)
			event_free(e->rev);
		if (e->wev != NULL)
			event_free(e->wev);
		free(e);
		return -1;
	}
	/* Connecting: the socket turns writable when it is done. */
	e->reading = e->writing = e->watched = 1;
	ac->ev.addRead = add_read;
	ac->ev.delRead = del_read;
	ac->ev.addWrite = add_write;
	ac->ev.delWrite = del_write;
	ac->ev.cleanup = cleanup;
	ac->ev.data = e;
	return 0;
}
