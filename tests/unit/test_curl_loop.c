/*
 * tests/unit/test_curl_loop.c — daemon/curl_loop.c against a real HTTP
 * peer on loopback (a thread of this program): curl_loop_run() sends a
 * request on a kept-alive connection before the event loop turns again
 * (a page leaves before pagerd writes its answer to the intake), a
 * request left to the loop is not sent until it turns, one started and
 * run from a transfer's callback gets there too, and a refused
 * connection ends in its callback.
 */
#include "autoconf.h"

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/event.h>

#include "curl_loop.h"

/* The peer: answers every request of its one connection 200 "ok". */
struct peer {
	int		 lfd;
	int		 port;
	pthread_t	 th;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 requests;	/* heads read */
	int		 fd;		/* the connection, or -1 */
};

static size_t
content_length(const char *head)
{
	const char	*p = strcasestr(head, "\r\nContent-Length:");

	return p != NULL ? (size_t)strtoul(p + 17, NULL, 10) : 0;
}

static void *
peer_run(void *arg)
{
	static const char	 ok[] = "HTTP/1.1 200 OK\r\n"
				    "Content-Length: 2\r\n\r\nok";
	struct peer		*pe = arg;
	char			 buf[8192], *end;
	size_t			 have = 0, need;
	ssize_t			 n;
	int			 fd;

	while ((fd = accept(pe->lfd, NULL, NULL)) != -1) {
		pthread_mutex_lock(&pe->mu);
		pe->fd = fd;
		pthread_mutex_unlock(&pe->mu);
		have = 0;
		for (;;) {
			buf[have] = '\0';
			if ((end = strstr(buf, "\r\n\r\n")) != NULL &&
			    have >= (need = (size_t)(end + 4 - buf) +
			    content_length(buf))) {
				pthread_mutex_lock(&pe->mu);
				pe->requests++;
				pthread_cond_broadcast(&pe->cv);
				pthread_mutex_unlock(&pe->mu);
				memmove(buf, buf + need, have - need);
				have -= need;
				if (write(fd, ok, sizeof(ok) - 1) == -1)
					break;
				continue;
			}
			n = read(fd, buf + have, sizeof(buf) - 1 - have);
			if (n <= 0)
				break;
			have += (size_t)n;
		}
		pthread_mutex_lock(&pe->mu);
		pe->fd = -1;
		pthread_mutex_unlock(&pe->mu);
		close(fd);
	}
	return NULL;
}

static int
setup(void **state)
{
	struct peer		*pe = calloc(1, sizeof(*pe));
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);

	assert_non_null(pe);
	pe->fd = -1;
	pe->lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(pe->lfd, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	assert_int_equal(listen(pe->lfd, 8), 0);
	assert_int_equal(getsockname(pe->lfd, (struct sockaddr *)&sin,
	    &len), 0);
	pe->port = ntohs(sin.sin_port);
	pthread_mutex_init(&pe->mu, NULL);
	pthread_cond_init(&pe->cv, NULL);
	assert_int_equal(pthread_create(&pe->th, NULL, peer_run, pe), 0);
	*state = pe;
	return 0;
}

static int
teardown(void **state)
{
	struct peer	*pe = *state;

	/* Also when a failed test left its transfer open. */
	shutdown(pe->lfd, SHUT_RDWR);
	pthread_mutex_lock(&pe->mu);
	if (pe->fd != -1)
		shutdown(pe->fd, SHUT_RDWR);
	pthread_mutex_unlock(&pe->mu);
	pthread_join(pe->th, NULL);
	close(pe->lfd);
	free(pe);
	return 0;
}

/* Whether the peer has read n requests within ms. */
static int
peer_has(struct peer *pe, int n, int ms)
{
	struct timespec	 until;
	int		 got;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&pe->mu);
	while (pe->requests < n &&
	    pthread_cond_timedwait(&pe->cv, &pe->mu, &until) == 0)
		;
	got = pe->requests >= n;
	pthread_mutex_unlock(&pe->mu);
	return got;
}

struct call {
	struct event_base	*base;
	struct curl_loop	*cl;
	char			 url[64];
	int			 done;
	int			 status;
	/* From the callback: start one more and try to run it at once. */
	int			 chain;
	struct call		*next;
};

static void
called(void *arg, const struct pagerd_http_response *resp)
{
	struct call	*c = arg;
	char		 err[128];

	c->done = 1;
	c->status = resp->status;
	if (c->chain && c->next != NULL) {
		assert_non_null(curl_loop_start(c->cl, NULL,
		    &(struct pagerd_http_request){ .method = "POST",
		    .url = c->next->url, .body = "x", .body_len = 1 },
		    called, c->next, err, sizeof(err)));
		curl_loop_run(c->cl);	/* in the loop's curl turn */
	}
	event_base_loopbreak(c->base);
}

static void
start(struct call *c)
{
	struct pagerd_http_request	 req = { .method = "POST",
					    .url = c->url, .body = "page",
					    .body_len = 4 };
	char				 err[128];

	assert_non_null(curl_loop_start(c->cl, NULL, &req, called, c, err,
	    sizeof(err)));
}

static void
until_done(struct call *c)
{
	time_t	 t0 = time(NULL);

	while (!c->done && time(NULL) - t0 < 10)
		event_base_loop(c->base, EVLOOP_ONCE);
	assert_true(c->done);
}

static void
test_run_sends_before_the_loop_turns(void **state)
{
	struct peer		*pe = *state;
	struct event_base	*base = event_base_new();
	struct curl_loop	*cl = curl_loop_new(base);
	struct call		 c[5];
	int			 i;

	assert_non_null(cl);
	memset(c, 0, sizeof(c));
	for (i = 0; i < 5; i++) {
		c[i].base = base;
		c[i].cl = cl;
		snprintf(c[i].url, sizeof(c[i].url),
		    "http://127.0.0.1:%d/hook", pe->port);
	}
	/* The first opens the connection, through the loop. */
	start(&c[0]);
	until_done(&c[0]);
	assert_int_equal(c[0].status, 200);
	assert_true(peer_has(pe, 1, 0));

	/* Left to the loop, the next is not sent while it does not turn. */
	start(&c[1]);
	assert_false(peer_has(pe, 2, 300));
	until_done(&c[1]);
	assert_int_equal(c[1].status, 200);

	/* curl_loop_run(): on the kept-alive connection, sent at once. */
	start(&c[2]);
	curl_loop_run(cl);
	assert_true(peer_has(pe, 3, 2000));
	until_done(&c[2]);
	assert_int_equal(c[2].status, 200);

	/* Started and run from a callback, it gets there too. */
	c[3].chain = 1;
	c[3].next = &c[4];
	start(&c[3]);
	until_done(&c[3]);
	until_done(&c[4]);
	assert_int_equal(c[4].status, 200);
	assert_true(peer_has(pe, 5, 0));

	curl_loop_free(cl);
	event_base_free(base);
}

static void
test_run_refused(void **state)
{
	struct peer		*pe = *state;
	struct event_base	*base = event_base_new();
	struct curl_loop	*cl = curl_loop_new(base);
	struct call		 c;
	int			 fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);

	(void)pe;
	/* A port nobody listens on: bound, never listening. */
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	memset(&c, 0, sizeof(c));
	c.base = base;
	c.cl = cl;
	snprintf(c.url, sizeof(c.url), "http://127.0.0.1:%d/hook",
	    ntohs(sin.sin_port));
	start(&c);
	curl_loop_run(cl);
	until_done(&c);
	assert_int_equal(c.status, 0);
	close(fd);
	curl_loop_free(cl);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_run_sends_before_the_loop_turns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_refused, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
