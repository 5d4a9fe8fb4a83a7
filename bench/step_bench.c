/*
 * bench/step_bench.c — what one escalation step costs Redis as the paged
 * person's open pages pile up (an alert storm paging one on-call): the
 * step script (daemon/escalation_lua.c, LUA_STEP) pages one person
 * through one notifier, as pagerd's engine calls it, for new incidents
 * while OPEN incidents already page that person. Prints the usec per
 * step Redis itself counted (INFO commandstats, EVALSHA) from 0, 1000
 * and 5000 open pages on (each measured step adds one).
 *
 *     bench/step_bench -s /path/redis.sock [-n STEPS]
 *
 * Point it at a redis-server of its own (it FLUSHALLs); make bench-step
 * starts one. The reply code a step gives must not cost more with more
 * open pages.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "../daemon/escalation_lua.h"

#define PREFIX	"pagerd:"
#define NOW	1795000000000LL

static void
die(const char *what, redisContext *c, redisReply *r)
{
	fprintf(stderr, "step_bench: %s: %s\n", what,
	    r != NULL && r->type == REDIS_REPLY_ERROR ? r->str :
	    c != NULL && c->err ? c->errstr : "unexpected reply");
	exit(2);
}

static redisReply *
cmd(redisContext *c, const char *fmt, ...)
{
	redisReply	*r;
	va_list		 ap;

	va_start(ap, fmt);
	r = redisvCommand(c, fmt, ap);
	va_end(ap);
	if (r == NULL || r->type == REDIS_REPLY_ERROR)
		die(fmt, c, r);
	return r;
}

/*
 * Open incidents first..last-1 (as the ingest and claim scripts leave
 * one whose first step is due) and run their first step, which pages
 * anna. Pipelined: the setup is not what is measured.
 */
static void
steps(redisContext *c, const char *sha, long first, long last)
{
	redisReply	*r;
	char		 id[24], now[24];
	long		 i;
	int		 k;

	snprintf(now, sizeof(now), "%lld", NOW);
	for (i = first; i < last; i++) {
		snprintf(id, sizeof(id), "%ld", i);
		redisAppendCommand(c, "HSET " PREFIX "incident:%s status "
		    "triggered esc_step 0 esc_round 0 esc_epoch 0 esc_due 0",
		    id);
		redisAppendCommand(c, "ZADD " PREFIX "incidents:triggered "
		    "%s %s", id, id);
		/*
		 * P now id step round epoch what next_step next_round
		 * next_ms reason N, then the person: id target reason
		 * phone M, and its rule: notifier address after_ms.
		 */
		redisAppendCommand(c, "EVALSHA %s 0 " PREFIX " %s %s 0 0 0 "
		    "page -1 0 9223372036854775807 - 1 anna person:anna "
		    "direct +31612345601 1 sms +31612345601 0", sha, now, id);
	}
	for (i = first; i < last; i++)
		for (k = 0; k < 3; k++) {
			if (redisGetReply(c, (void **)&r) != REDIS_OK)
				die("pipeline", c, NULL);
			if (r->type == REDIS_REPLY_ERROR ||
			    (k == 2 && (r->type != REDIS_REPLY_INTEGER ||
			    r->integer != 1)))
				die("step", c, r);
			freeReplyObject(r);
		}
}

static double
evalsha_usec(redisContext *c)
{
	redisReply	*r = cmd(c, "INFO commandstats");
	const char	*p = strstr(r->str, "cmdstat_evalsha:");
	double		 v = 0;

	if (p != NULL && (p = strstr(p, ",usec=")) != NULL)
		v = strtod(p + 6, NULL);
	freeReplyObject(r);
	return v;
}

int
main(int argc, char **argv)
{
	static const long	 open[] = { 0, 1000, 5000 };
	redisContext		*c;
	redisReply		*r;
	const char		*sock = NULL;
	char			 sha[48];
	long			 have = 1, n = 200;
	size_t			 i;
	int			 ch;

	while ((ch = getopt(argc, argv, "s:n:")) != -1) {
		switch (ch) {
		case 's': sock = optarg; break;
		case 'n': n = atol(optarg); break;
		default:
			fprintf(stderr, "usage: step_bench -s SOCKET "
			    "[-n STEPS]\n");
			return 2;
		}
	}
	if (sock == NULL || n <= 0) {
		fprintf(stderr, "step_bench: -s SOCKET, -n > 0\n");
		return 2;
	}
	if ((c = redisConnectUnix(sock)) == NULL || c->err)
		die(sock, c, NULL);
	freeReplyObject(cmd(c, "FLUSHALL"));
	r = cmd(c, "SCRIPT LOAD %s", esc_lua_step.text);
	snprintf(sha, sizeof(sha), "%s", r->str);
	freeReplyObject(r);
	for (i = 0; i < sizeof(open) / sizeof(open[0]); i++) {
		/* Incident ids from 1; have - 1 of them page anna now. */
		if (have < 1 + open[i]) {
			steps(c, sha, have, 1 + open[i]);
			have = 1 + open[i];
		}
		freeReplyObject(cmd(c, "CONFIG RESETSTAT"));
		steps(c, sha, have, have + n);
		/* The measured ones stay open: the next OPEN counts them. */
		printf("open_pages %ld-%ld: %.2f usec/step (EVALSHA)\n",
		    have - 1, have - 1 + n, evalsha_usec(c) / (double)n);
		have += n;
	}
	redisFree(c);
	return 0;
}
