/*
 * daemon/dgram.c — datagram sockets read with recvmmsg(2), one burst per
 * readable event.
 */
#include "autoconf.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "dgram.h"
#include "log.h"

struct dgram_sock {
	struct dgram		*d;
	int			 fd;
	struct event		*ev;
};

struct dgram {
	struct dgram_sock	*socks;
	size_t			 nsocks;
	size_t			 maxlen;
	const char		*what;
	dgram_fn		*fn;
	dgram_burst_fn		*burst;
	void			*arg;
	char			*bufs;		/* DGRAM_BATCH * maxlen */
	struct mmsghdr		 msgs[DGRAM_BATCH];
	struct iovec		 iov[DGRAM_BATCH];
};

static void
dgram_read(evutil_socket_t fd, short what, void *arg)
{
	struct dgram_sock	*ds = arg;
	struct dgram		*d = ds->d;
	size_t			 i, total = 0;
	int			 round, got;

	for (round = 0; round < DGRAM_ROUNDS; round++) {
		for (i = 0; i < DGRAM_BATCH; i++) {
			d->iov[i].iov_base = d->bufs + i * d->maxlen;
			d->iov[i].iov_len = d->maxlen;
			memset(&d->msgs[i].msg_hdr, 0,
			    sizeof(d->msgs[i].msg_hdr));
			d->msgs[i].msg_hdr.msg_iov = &d->iov[i];
			d->msgs[i].msg_hdr.msg_iovlen = 1;
		}
		got = recvmmsg(fd, d->msgs, DGRAM_BATCH, MSG_DONTWAIT, NULL);
		if (got <= 0) {
			if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_warn("%s: recvmmsg", d->what);
			break;
		}
		for (i = 0; i < (size_t)got; i++)
			d->fn(d->arg, d->iov[i].iov_base, d->msgs[i].msg_len,
			    (d->msgs[i].msg_hdr.msg_flags & MSG_TRUNC) != 0);
		total += (size_t)got;
		if (got < DGRAM_BATCH)
			break;
	}
	if (total > 0)
		d->burst(d->arg, total);
}

static int
dgram_bind(const char *what, const char *addr, int *fdp)
{
	struct addrinfo	 hints, *res = NULL;
	char		 host[256];
	const char	*colon, *h = addr, *port;
	size_t		 hl;
	int		 fd = -1, rc, one = 1, rcvbuf = 4 << 20;

	if (addr[0] == '[') {
		const char *rb = strchr(addr, ']');
		if (rb == NULL || rb[1] != ':')
			return -1;
		h = addr + 1;
		hl = rb - h;
		port = rb + 2;
	} else {
		if ((colon = strrchr(addr, ':')) == NULL)
			return -1;
		hl = colon - addr;
		port = colon + 1;
	}
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		log_warnx("%s: %s: %s", what, addr, gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1)
		goto fail;
	/* Several pagerd processes may share the port (DESIGN.md). */
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	/* A burst must wait in the kernel, not be dropped, while we commit. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, res->ai_addr, res->ai_addrlen) == -1)
		goto fail;
	freeaddrinfo(res);
	*fdp = fd;
	return 0;
fail:
	log_warn("%s: cannot listen on %s", what, addr);
	if (fd != -1)
		close(fd);
	freeaddrinfo(res);
	return -1;
}

struct dgram *
dgram_start(struct event_base *base, char *const *addrs, size_t n,
    size_t maxlen, const char *what, dgram_fn *fn, dgram_burst_fn *burst,
    void *arg)
{
	struct dgram	*d;
	size_t		 i;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->maxlen = maxlen;
	d->what = what;
	d->fn = fn;
	d->burst = burst;
	d->arg = arg;
	if (n == 0)
		return d;
	if ((d->socks = calloc(n, sizeof(*d->socks))) == NULL ||
	    (d->bufs = malloc(DGRAM_BATCH * maxlen)) == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		struct dgram_sock *ds = &d->socks[i];

		ds->d = d;
		if (dgram_bind(what, addrs[i], &ds->fd) == -1)
			goto fail;
		d->nsocks++;
		ds->ev = event_new(base, ds->fd, EV_READ | EV_PERSIST,
		    dgram_read, ds);
		if (ds->ev == NULL || event_add(ds->ev, NULL) == -1)
			goto fail;
		log_info("%s: listening on %s", what, addrs[i]);
	}
	return d;
fail:
	dgram_stop(d);
	return NULL;
}

void
dgram_stop(struct dgram *d)
{
	size_t	 i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nsocks; i++) {
		if (d->socks[i].ev != NULL)
			event_free(d->socks[i].ev);
		close(d->socks[i].fd);
	}
	free(d->socks);
	free(d->bufs);
	free(d);
}
