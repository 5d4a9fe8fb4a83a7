/*
 * tests/unit/test_redis_event.c — daemon/redis_event.c, hiredis on the
 * libevent loop, against a real redis-server ($REDIS_SERVER, on a unix
 * socket of its own): commands are answered in order, whether queued
 * many in one turn, from a reply's callback, or too big for one write
 * (the socket is watched for the rest); a lost server ends every
 * callback and the context.
 */
#include "autoconf.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <signal.h>
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
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include "redis_event.h"

struct server {
	pid_t	 pid;
	char	 dir[64];
	char	 sock[96];
};

struct conn {
	struct event_base	*base;
	redisAsyncContext	*ac;
	int			 connected;	/* 1 ok, -1 failed */
	int			 gone;		/* disconnect callback ran */
	int			 answers;	/* replies counted */
	int			 errors;	/* NULL or error replies */
	long long		 last;		/* last INCR seen */
	int			 order_ok;
	int			 more;		/* INCRs to send from replies */
};

static int
setup(void **state)
{
	struct server	*sv = calloc(1, sizeof(*sv));
	const char	*bin = getenv("REDIS_SERVER");
	struct stat	 st;
	int		 i;

	assert_non_null(sv);
	if (bin == NULL || *bin == '\0')
		bin = "/usr/bin/redis-server";
	snprintf(sv->dir, sizeof(sv->dir), "/tmp/pagerd-redis-event.XXXXXX");
	assert_non_null(mkdtemp(sv->dir));
	snprintf(sv->sock, sizeof(sv->sock), "%s/redis.sock", sv->dir);
	if ((sv->pid = fork()) == 0) {
		execl(bin, bin, "--port", "0", "--unixsocket", sv->sock,
		    "--dir", sv->dir, "--save", "", "--appendonly", "no",
		    "--loglevel", "warning", "--logfile", "redis.log",
		    (char *)NULL);
		_exit(127);
	}
	assert_true(sv->pid > 0);
	for (i = 0; i < 500 && stat(sv->sock, &st) == -1; i++)
		usleep(10000);
	assert_int_equal(stat(sv->sock, &st), 0);
	*state = sv;
	return 0;
}

static void
server_stop(struct server *sv)
{
	if (sv->pid > 0) {
		kill(sv->pid, SIGKILL);
		waitpid(sv->pid, NULL, 0);
		sv->pid = 0;
	}
}

static int
teardown(void **state)
{
	struct server	*sv = *state;

	server_stop(sv);
	unlink(sv->sock);
	snprintf(sv->sock, sizeof(sv->sock), "%s/redis.log", sv->dir);
	unlink(sv->sock);
	rmdir(sv->dir);
	free(sv);
	return 0;
}

static void
on_connect(const redisAsyncContext *ac, int status)
{
	struct conn	*c = ac->data;

	c->connected = status == REDIS_OK ? 1 : -1;
}

static void
on_disconnect(const redisAsyncContext *ac, int status)
{
	struct conn	*c = ac->data;

	(void)status;
	c->gone = 1;
	c->ac = NULL;
}

static void
open_conn(struct conn *c, const struct server *sv)
{
	memset(c, 0, sizeof(*c));
	c->order_ok = 1;
	c->base = event_base_new();
	assert_non_null(c->base);
	c->ac = redisAsyncConnectUnix(sv->sock);
	assert_non_null(c->ac);
	assert_int_equal(c->ac->err, 0);
	c->ac->data = c;
	assert_int_equal(redis_event_attach(c->ac, c->base), 0);
	redisAsyncSetConnectCallback(c->ac, on_connect);
	redisAsyncSetDisconnectCallback(c->ac, on_disconnect);
}

/* Turn the loop until cond holds (10 s at most, looking every 0.1 s). */
#define SPIN(c, cond) do {						\
	struct timeval tick_ = { 0, 100000 };				\
	time_t t0_ = time(NULL);					\
	while (!(cond) && time(NULL) - t0_ < 10) {			\
		event_base_loopexit((c)->base, &tick_);			\
		event_base_loop((c)->base, EVLOOP_ONCE);		\
	}								\
	assert_true(cond);						\
} while (0)

static void
counted(redisAsyncContext *ac, void *r, void *priv)
{
	struct conn	*c = priv;
	redisReply	*reply = r;

	(void)ac;
	if (reply == NULL || reply->type == REDIS_REPLY_ERROR) {
		c->errors++;
		return;
	}
	c->answers++;
	if (reply->type == REDIS_REPLY_INTEGER) {
		if (reply->integer != c->last + 1)
			c->order_ok = 0;
		c->last = reply->integer;
	}
	/* From inside a reply: the next goes out this turn. */
	if (c->more > 0 && c->ac != NULL) {
		c->more--;
		assert_int_equal(redisAsyncCommand(c->ac, counted, c,
		    "INCR chain"), REDIS_OK);
	}
}

static void
close_conn(struct conn *c)
{
	if (c->ac != NULL) {
		redisAsyncDisconnect(c->ac);
		SPIN(c, c->gone);
	}
	event_base_free(c->base);
}

static void
test_many_in_one_turn(void **state)
{
	struct conn	 c;
	int		 i;

	open_conn(&c, *state);
	/* Queued before the connection is up: sent once it is. */
	for (i = 0; i < 1000; i++)
		assert_int_equal(redisAsyncCommand(c.ac, counted, &c,
		    "INCR many"), REDIS_OK);
	SPIN(&c, c.answers == 1000);
	assert_int_equal(c.connected, 1);
	assert_true(c.order_ok);
	/* And once connected, all queued in one callback turn. */
	for (i = 0; i < 1000; i++)
		assert_int_equal(redisAsyncCommand(c.ac, counted, &c,
		    "INCR many"), REDIS_OK);
	SPIN(&c, c.answers == 2000);
	assert_true(c.order_ok);
	assert_int_equal(c.last, 2000);
	assert_int_equal(c.errors, 0);
	close_conn(&c);
}

static void
test_from_replies(void **state)
{
	struct conn	 c;

	open_conn(&c, *state);
	c.more = 500;
	assert_int_equal(redisAsyncCommand(c.ac, counted, &c, "INCR chain"),
	    REDIS_OK);
	SPIN(&c, c.answers == 501);
	assert_true(c.order_ok);
	assert_int_equal(c.last, 501);
	close_conn(&c);
}

static void
got_len(redisAsyncContext *ac, void *r, void *priv)
{
	struct conn	*c = priv;
	redisReply	*reply = r;

	(void)ac;
	if (reply != NULL && reply->type == REDIS_REPLY_INTEGER)
		c->last = reply->integer;
	else if (reply == NULL || reply->type == REDIS_REPLY_ERROR) {
		fprintf(stderr, "# %s\n", reply ? reply->str : "no reply");
		c->errors++;
	}
	c->answers++;
}

static void
test_bigger_than_one_write(void **state)
{
	struct conn	 c;
	size_t		 n = 16 * 1024 * 1024;
	char		*big = malloc(n);

	assert_non_null(big);
	memset(big, 'x', n);
	open_conn(&c, *state);
	SPIN(&c, c.connected != 0);
	/* 16 MB: more than a unix socket takes at once. */
	assert_int_equal(redisAsyncCommand(c.ac, got_len, &c, "SET big %b",
	    big, n), REDIS_OK);
	assert_int_equal(redisAsyncCommand(c.ac, got_len, &c, "STRLEN big"),
	    REDIS_OK);
	SPIN(&c, c.answers == 2);
	assert_int_equal(c.errors, 0);
	assert_int_equal(c.last, (long long)n);
	free(big);
	close_conn(&c);
}

static void
test_server_lost(void **state)
{
	struct server	*sv = *state;
	struct conn	 c;

	open_conn(&c, sv);
	assert_int_equal(redisAsyncCommand(c.ac, counted, &c, "INCR lost"),
	    REDIS_OK);
	SPIN(&c, c.answers == 1);
	server_stop(sv);
	/* The command in flight gets NULL; the context goes. */
	assert_int_equal(redisAsyncCommand(c.ac, counted, &c, "INCR lost"),
	    REDIS_OK);
	SPIN(&c, c.gone);
	assert_int_equal(c.errors, 1);
	event_base_free(c.base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_many_in_one_turn, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_from_replies, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bigger_than_one_write,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_lost, setup,
		    teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
