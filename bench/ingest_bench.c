/*
 * bench/ingest_bench.c — the ingest script's cost in Redis, without
 * HTTP, pagerd or the machine's other load in the figure: it sends
 * batches of alerts shaped like bench/loadgen's (Prometheus' body as
 * pagerd stores it) straight to the script and reads back what Redis
 * itself counted: INFO commandstats' usec per EVALSHA (CPU time inside
 * the script, not wall time) and INFO memory's used_memory before and
 * after the new alerts.
 *
 *     bench/ingest_bench -s /path/redis.sock [-n ALERTS] [-b BATCH]
 *         [-g GROUPS] [-E] [-S SCRIPT]
 *     bench/ingest_bench -P
 *
 * -E gives each pass's alerts an end 5 minutes on, so that every repeat
 * moves its end later, as Prometheus' re-sends do (bench/loadgen -E).
 * -P prints the ingest script; -S runs a script read from a file in its
 * place, so that a change to it is measured without a rebuild.
 *
 * Point it at a redis-server of its own (it FLUSHALLs). It prints
 * "new", "first_repeat" (the same alerts again, unchanged), "dedup"
 * (and again: a repeat from then on), "dedup_short" (and again without
 * their content, as pagerd sends a repeat whose digest it has seen
 * stored, lib/seen.h) and "bytes_per_alert" lines.
 */
#include "autoconf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "../daemon/store_lua.h"
#include "../lib/fingerprint.h"

#define NFIELDS	22	/* an alert's fields, in the order fill() makes */
#define NARGS	6	/* its script arguments (daemon/store_lua.h) */
#define BATCH_MAX	100

#define HDR	8	/* EVALSHA sha 0 prefix now retention N resend */

/* One batch's EVALSHA arguments: HDR in front, NARGS per alert. */
struct args {
	const char	*v[HDR + BATCH_MAX * NARGS];
	size_t		 len[HDR + BATCH_MAX * NARGS];
	char		 buf[BATCH_MAX][NFIELDS][640];
	char		 rest[BATCH_MAX][NFIELDS * 640];
};

static void
die(const char *what, redisContext *c)
{
	fprintf(stderr, "ingest_bench: %s: %s\n", what,
	    c != NULL && c->err ? c->errstr : "unexpected reply");
	exit(2);
}

static redisReply *
cmd(redisContext *c, const char *fmt, const char *arg)
{
	redisReply	*r;

	r = arg != NULL ? redisCommand(c, fmt, arg) : redisCommand(c, fmt);
	if (r == NULL || r->type == REDIS_REPLY_ERROR)
		die(fmt, r != NULL && r->type == REDIS_REPLY_ERROR ? NULL : c);
	return r;
}

/* A number after "key:" (or "key=") in an INFO text; 0 when absent. */
static double
info_num(const char *text, const char *key)
{
	const char	*p = strstr(text, key);

	return p != NULL ? strtod(p + strlen(key), NULL) : 0;
}

static uint64_t groups = 997;	/* loadgen: instance = host-(n % 997) */
/*
 * -E: each pass's alerts end 5 minutes after it, so that every repeat
 * moves its end later, as Prometheus' re-sends do (loadgen -E); else
 * they have no end.
 */
static int	fresh_ends;
static int64_t	ends_at;

static void
fill(struct args *a, int k, uint64_t n, const char *run)
{
	char	(*f)[640] = a->buf[k];

	snprintf(f[0], 640, "%016" PRIx64, (uint64_t)(n * 0x9e3779b97f4a7c15ULL));
	strcpy(f[1], "firing");
	snprintf(f[2], 640, "Latency above 500ms on host-%" PRIu64, n % groups);
	strcpy(f[3], "alertmanager");
	strcpy(f[4], "warning");
	snprintf(f[5], 640, "{\"alertname\":\"BenchHighLatency\",\"instance\":"
	    "\"host-%" PRIu64 ".example.com:9100\",\"job\":\"node\",\"n\":"
	    "\"%" PRIu64 "\",\"run\":\"%s\",\"severity\":\"warning\","
	    "\"team\":\"bench\"}", n % groups, n, run);
	snprintf(f[6], 640, "{\"annotations\":{\"description\":\"The 99th "
	    "percentile of request latency has been above 500ms for 5 "
	    "minutes.\",\"runbook_url\":\"https://runbooks.example.com/"
	    "latency\",\"summary\":\"Latency above 500ms on host-%" PRIu64
	    "\"},\"endsAt\":\"2026-11-25T21:00:00Z\",\"generatorURL\":"
	    "\"http://prometheus.example.com:9090/graph?g0.expr=histogram_"
	    "quantile%%280.99%%2C+rate%%28http_request_duration_seconds_"
	    "bucket%%5B5m%%5D%%29%%29+%%3E+0.5&g0.tab=1\",\"startsAt\":"
	    "\"2026-11-25T20:00:00Z\"}", n % groups);
	strcpy(f[7], "");
	snprintf(f[8], 640, "%" PRId64, fresh_ends ? ends_at : 0);
	strcpy(f[9], "3");
	strcpy(f[10], "bench");
	snprintf(f[11], 640, "bench\n{alertname=\"BenchHighLatency\","
	    "instance=\"host-%" PRIu64 ".example.com:9100\"}", n % groups);
	strcpy(f[12], "0");
	strcpy(f[13], "300000");
	strcpy(f[14], "14400000");
	strcpy(f[15], "1");
	strcpy(f[16], "default");
	strcpy(f[17], "1795000000000");
	strcpy(f[18], "");
	strcpy(f[19], "");
	snprintf(f[20], 640, "0 host-%" PRIu64 ".example.com:9100",
	    n % groups);
	/* The content digest, as daemon/store.c batch_add_alert() makes it. */
	{
		const char	*content[7] = { f[2], f[4], f[6], f[9], f[18],
				    f[19], f[20] };

		fp_digest(content, 7, f[21]);
	}
}

/*
 * Alert k's script arguments from its fields, as daemon/store.c
 * batch_add_alert() sends them: fingerprint, status, timestamp, ends_at,
 * digest, then the other 17 fields each followed by a NUL.
 */
static void
pack(struct args *a, int k)
{
	/* Each field's own argument, or -1: in the rest. */
	static const int	 slot[NFIELDS] = { 0, 1, -1, -1, -1, -1, -1,
				    -1, 2, -1, -1, -1, -1, -1, -1, -1, -1, 3,
				    -1, -1, -1, 4 };
	char			*p = a->rest[k];
	size_t			 n;
	int			 f, x = HDR + k * NARGS;

	for (f = 0; f < NFIELDS; f++) {
		n = strlen(a->buf[k][f]);
		if (slot[f] >= 0) {
			a->v[x + slot[f]] = a->buf[k][f];
			a->len[x + slot[f]] = n;
			continue;
		}
		memcpy(p, a->buf[k][f], n + 1);
		p += n + 1;
	}
	a->v[x + NARGS - 1] = a->rest[k];
	a->len[x + NARGS - 1] = (size_t)(p - a->rest[k]);
}

/*
 * Ingest alerts first..first+count-1 in batches; usec per alert. short:
 * without their content (an empty last argument).
 */
static double
pass(redisContext *c, const char *sha, struct args *a, uint64_t first,
    int count, int batch, const char *run, int64_t now, int short_)
{
	redisReply	*r;
	char		 nowbuf[24], nbuf[16];
	double		 usec;
	int		 done, k, j, m, argc;

	freeReplyObject(cmd(c, "CONFIG RESETSTAT", NULL));
	ends_at = now + 300000;
	for (done = 0; done < count; done += m) {
		m = count - done < batch ? count - done : batch;
		/* EVALSHA sha 0 prefix now retention n 0, then the alerts. */
		snprintf(nowbuf, sizeof(nowbuf), "%" PRId64, now + done);
		snprintf(nbuf, sizeof(nbuf), "%d", m);
		a->v[0] = "EVALSHA";
		a->v[1] = sha;
		a->v[2] = "0";
		a->v[3] = "pagerd:";
		a->v[4] = nowbuf;
		a->v[5] = "604800000";
		a->v[6] = nbuf;
		a->v[7] = "0";
		for (k = 0; k < m; k++) {
			fill(a, k, first + (uint64_t)(done + k), run);
			pack(a, k);
			if (short_)
				a->len[HDR + k * NARGS + NARGS - 1] = 0;
		}
		argc = HDR + m * NARGS;
		for (j = 0; j < HDR; j++)
			a->len[j] = strlen(a->v[j]);
		r = redisCommandArgv(c, argc, a->v, a->len);
		if (r == NULL)
			die("EVALSHA", c);
		if (r->type != REDIS_REPLY_ARRAY) {
			fprintf(stderr, "ingest_bench: EVALSHA: %s\n",
			    r->type == REDIS_REPLY_ERROR ? r->str : "not an array");
			exit(2);
		}
		/* A repeat sent back (4) would be a cheap, wrong figure. */
		for (k = 0; short_ && k < m; k++)
			if (r->elements != (size_t)m * 2 ||
			    r->element[2 * k]->integer != 1) {
				fprintf(stderr, "ingest_bench: a repeat without "
				    "its content was not a plain repeat\n");
				exit(2);
			}
		freeReplyObject(r);
	}
	r = cmd(c, "INFO commandstats", NULL);
	if (getenv("INGEST_BENCH_STATS") != NULL)
		fputs(r->str, stderr);
	usec = strstr(r->str, "cmdstat_evalsha:") != NULL ?
	    info_num(strstr(r->str, "cmdstat_evalsha:"), ",usec=") : 0;
	freeReplyObject(r);
	return usec / count;
}

static double
used_memory(redisContext *c)
{
	redisReply	*r = cmd(c, "INFO memory", NULL);
	double		 v = info_num(r->str, "used_memory:");

	freeReplyObject(r);
	return v;
}

/* The whole of file path, NUL-terminated; NULL with errno set. */
static char *
read_file(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	*text = NULL;
	long	 len;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 &&
	    (text = malloc((size_t)len + 1)) != NULL) {
		if (fread(text, 1, (size_t)len, f) != (size_t)len) {
			free(text);
			text = NULL;
		} else
			text[len] = '\0';
	}
	fclose(f);
	return text;
}

int
main(int argc, char **argv)
{
	static struct args	 a;
	redisContext		*c;
	redisReply		*r;
	const char		*sock = NULL;
	char			*text = NULL, sha[48], run[16];
	double			 m0, m1, unew, ufirst, udup, ushort;
	int			 ch, n = 20000, batch = 100;

	while ((ch = getopt(argc, argv, "s:n:b:g:S:PE")) != -1) {
		switch (ch) {
		case 'E': fresh_ends = 1; break;
		case 'P':
			fputs(store_scripts[STORE_SCRIPT_INGEST].text, stdout);
			return 0;
		case 'S':
			if ((text = read_file(optarg)) == NULL) {
				perror(optarg);
				return 2;
			}
			break;
		case 's': sock = optarg; break;
		case 'n': n = atoi(optarg); break;
		case 'b': batch = atoi(optarg); break;
		case 'g': groups = strtoull(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: ingest_bench -s SOCKET "
			    "[-n ALERTS] [-b BATCH] [-g GROUPS] [-E] "
			    "[-S SCRIPT]\n"
			    "       ingest_bench -P\n");
			return 2;
		}
	}
	if (sock == NULL || n <= 0 || batch <= 0 || batch > BATCH_MAX ||
	    groups == 0) {
		fprintf(stderr, "ingest_bench: -s SOCKET, 1 <= -b <= 100\n");
		return 2;
	}
	if ((c = redisConnectUnix(sock)) == NULL || c->err)
		die(sock, c);
	freeReplyObject(cmd(c, "FLUSHALL", NULL));
	r = cmd(c, "SCRIPT LOAD %s", text != NULL ? text :
	    store_scripts[STORE_SCRIPT_INGEST].text);
	snprintf(sha, sizeof(sha), "%s", r->str);
	freeReplyObject(r);
	snprintf(run, sizeof(run), "r%d", (int)getpid());
	m0 = used_memory(c);
	unew = pass(c, sha, &a, 0, n, batch, run, 1795000000000LL, 0);
	m1 = used_memory(c);
	/*
	 * The first repeat of an alert reads its content back to compare
	 * and writes the digest (store_lua.h: a new alert has none); from
	 * the second on a repeat is the steady state of a sender re-sending
	 * every round.
	 */
	ufirst = pass(c, sha, &a, 0, n, batch, run, 1795000100000LL, 0);
	udup = pass(c, sha, &a, 0, n, batch, run, 1795000200000LL, 0);
	ushort = pass(c, sha, &a, 0, n, batch, run, 1795000300000LL, 1);
	printf("new: %.2f usec/alert (EVALSHA, batches of %d)\n", unew,
	    batch);
	printf("first_repeat: %.2f usec/alert\n", ufirst);
	printf("dedup: %.2f usec/alert\n", udup);
	printf("dedup_short: %.2f usec/alert\n", ushort);
	printf("bytes_per_alert: %.0f\n", (m1 - m0) / n);
	redisFree(c);
	free(text);
	return 0;
}
