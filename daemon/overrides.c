/*
 * daemon/overrides.c — the in-memory copy of the runtime overrides (see
 * overrides.h). Redis is the truth; the copy lets resolution run
 * without a round trip. The HTTP side is overrides_api.c.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>

#include "config.h"
#include "log.h"
#include "override.h"
#include "overrides.h"
#include "overrides_lua.h"
#include "pagerd.h"
#include "rota.h"
#include "store.h"

/* One override as Redis holds it: strings outlive a reload. */
struct ovr_rec {
	char		*rota, *person, *covers, *note;
	int		 level;
	int64_t		 from_ms, until_ms;
};

/* A rota's overrides compiled against the running rota set. */
struct ovr_rota {
	const char		*id;	/* the rota's own, in pd->cfg */
	struct rota_override	*v;
	size_t			 n;
};

struct overrides {
	struct pagerd		*pd;
	struct event		*ev;
	int			 stopped;
	int			 polling;	/* a timed refresh in flight */
	struct ovr_rec		*recs;
	size_t			 nrecs;
	struct ovr_rota		*rotas;
	size_t			 nrotas;
	struct rota_extra	 extra;
};

struct refresh {
	struct overrides	*ov;
	void			(*done)(void *);
	void			*arg;
	int			 timed;
};

static void
recs_free(struct ovr_rec *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].rota);
		free(v[i].person);
		free(v[i].covers);
		free(v[i].note);
	}
	free(v);
}

static void
rotas_free(struct overrides *ov)
{
	size_t	 i;

	for (i = 0; i < ov->nrotas; i++)
		free(ov->rotas[i].v);
	free(ov->rotas);
	ov->rotas = NULL;
	ov->nrotas = 0;
}

/*
 * Rebuild the per-rota arrays from the records for pd->cfg->rotas. A
 * record whose rota or people the config no longer has is left out
 * (it stays in Redis: a later reload may bring them back). On failure
 * the arrays are empty: resolution then follows the rota files alone.
 */
static void
compile(struct overrides *ov)
{
	const struct rota_set	*set = ov->pd->cfg->rotas;
	struct ovr_rota		*or;
	struct ovr_rec		*rec;
	size_t			 i, j, nr;

	rotas_free(ov);
	if (set == NULL || (nr = rota_set_count(set)) == 0)
		return;
	if ((ov->rotas = calloc(nr, sizeof(*ov->rotas))) == NULL)
		goto oom;
	ov->nrotas = nr;
	for (i = 0; i < nr; i++) {
		or = &ov->rotas[i];
		or->id = rota_id(rota_set_get(set, i));
		if ((or->v = calloc(ov->nrecs + 1, sizeof(*or->v))) == NULL)
			goto oom;
		for (j = 0; j < ov->nrecs; j++) {
			rec = &ov->recs[j];
			if (strcmp(rec->rota, or->id) != 0)
				continue;
			if (override_compile(set, rec->person, rec->covers,
			    rec->level, rec->from_ms, rec->until_ms, rec->note,
			    &or->v[or->n]) == -1) {
				log_debug("overrides: skipping one of rota %s: "
				    "%s or %s is not in people", rec->rota,
				    rec->person, rec->covers);
				continue;
			}
			or->n++;
		}
	}
	return;
oom:
	log_warnx("overrides: out of memory: runtime overrides ignored");
	rotas_free(ov);
}

static int64_t
num(const redisReply *r)
{
	if (r->type == REDIS_REPLY_INTEGER)
		return r->integer;
	if (r->type == REDIS_REPLY_STRING)
		return strtoll(r->str, NULL, 10);
	return 0;
}

static char *
str(const redisReply *r)
{
	return strdup(r->type == REDIS_REPLY_STRING ? r->str : "");
}

/* The list script's answer as records; -1 when it is not one. */
static int
parse(const redisReply *r, struct ovr_rec **out, size_t *nout)
{
	struct ovr_rec		*v, *rec;
	const redisReply	*e;
	size_t			 i;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY)
		return -1;
	if ((v = calloc(r->elements + 1, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < r->elements; i++) {
		e = r->element[i];
		if (e->type != REDIS_REPLY_ARRAY || e->elements != 1 + OVF_N)
			continue;
		rec = &v[i];
		rec->rota = str(e->element[0]);
		rec->person = str(e->element[1 + OVF_PERSON]);
		rec->covers = str(e->element[1 + OVF_COVERS]);
		rec->note = str(e->element[1 + OVF_NOTE]);
		rec->level = (int)num(e->element[1 + OVF_LEVEL]);
		rec->from_ms = num(e->element[1 + OVF_FROM]);
		rec->until_ms = num(e->element[1 + OVF_UNTIL]);
		if (rec->rota == NULL || rec->person == NULL ||
		    rec->covers == NULL || rec->note == NULL) {
			recs_free(v, r->elements);
			return -1;
		}
	}
	/* Skipped elements left zeroed records: drop them. */
	for (i = *nout = 0; i < r->elements; i++)
		if (v[i].rota != NULL)
			v[(*nout)++] = v[i];
	*out = v;
	return 0;
}

/*
 * The next timed refresh. Until Redis has answered one (at start, after
 * a lost connection) look again soon: a restarted daemon must not page
 * by the rota files alone for a whole period.
 */
static void
arm(struct overrides *ov, int soon)
{
	int64_t		 ms = soon ? OVERRIDES_RETRY_MS : OVERRIDES_POLL_MS;
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	if (!ov->stopped)
		evtimer_add(ov->ev, &tv);
}

static void
refreshed(void *arg, const struct redisReply *r)
{
	struct refresh	*rf = arg;
	struct overrides *ov = rf->ov;
	struct ovr_rec	*v = NULL;
	size_t		 n = 0;
	int		 ok;

	if ((ok = parse(r, &v, &n) == 0)) {
		recs_free(ov->recs, ov->nrecs);
		ov->recs = v;
		ov->nrecs = n;
		compile(ov);
	}
	if (rf->timed) {
		ov->polling = 0;
		arm(ov, !ok);
	}
	if (rf->done != NULL)
		rf->done(rf->arg);
	free(rf);
}

static void
refresh(struct overrides *ov, int timed, void (*done)(void *), void *arg)
{
	const struct rota_set	*set = ov->pd->cfg->rotas;
	struct refresh		*rf;
	const char		**argv;
	char			 now[24];
	size_t			 i, n = set != NULL ? rota_set_count(set) : 0;

	if ((rf = calloc(1, sizeof(*rf))) == NULL ||
	    (argv = calloc(n + 2, sizeof(*argv))) == NULL) {
		free(rf);
		goto fail;
	}
	rf->ov = ov;
	rf->done = done;
	rf->arg = arg;
	rf->timed = timed;
	snprintf(now, sizeof(now), "%lld", (long long)pagerd_now_ms());
	argv[0] = store_prefix(ov->pd->store);
	argv[1] = now;
	for (i = 0; i < n; i++)
		argv[2 + i] = rota_id(rota_set_get(set, i));
	if (store_eval(ov->pd->store, &overrides_lua_list, (int)n + 2, argv,
	    NULL, refreshed, rf) == -1) {
		free(argv);
		free(rf);
		goto fail;
	}
	free(argv);
	if (timed)
		ov->polling = 1;
	return;
fail:
	log_warnx("overrides: out of memory: not refreshed");
	if (timed)
		arm(ov, 1);
	if (done != NULL)
		done(arg);
}

static void
poll_cb(evutil_socket_t fd, short what, void *arg)
{
	struct overrides	*ov = arg;

	if (ov->stopped || ov->polling)
		return;
	if (!store_ready(ov->pd->store)) {
		arm(ov, 1);
		return;
	}
	refresh(ov, 1, NULL, NULL);
}

void
overrides_refresh(struct overrides *ov, void (*done)(void *), void *arg)
{
	refresh(ov, 0, done, arg);
}

static const struct rota_override *
extra_get(void *arg, const char *rota_id, size_t *n)
{
	return overrides_for(arg, rota_id, n);
}

struct overrides *
overrides_start(struct pagerd *pd)
{
	struct overrides	*ov;
	struct timeval		 tv = { 0, 0 };

	if ((ov = calloc(1, sizeof(*ov))) == NULL)
		return NULL;
	ov->pd = pd;
	ov->extra.get = extra_get;
	ov->extra.arg = ov;
	if ((ov->ev = evtimer_new(pd->base, poll_cb, ov)) == NULL) {
		free(ov);
		return NULL;
	}
	evtimer_add(ov->ev, &tv);
	return ov;
}

void
overrides_reconfigure(struct overrides *ov)
{
	if (ov == NULL)
		return;
	compile(ov);
	if (store_ready(ov->pd->store))
		refresh(ov, 0, NULL, NULL);
}

void
overrides_stop(struct overrides *ov)
{
	if (ov == NULL)
		return;
	ov->stopped = 1;
	evtimer_del(ov->ev);
}

void
overrides_free(struct overrides *ov)
{
	if (ov == NULL)
		return;
	event_free(ov->ev);
	rotas_free(ov);
	recs_free(ov->recs, ov->nrecs);
	free(ov);
}

const struct rota_override *
overrides_for(struct overrides *ov, const char *rota_id, size_t *n)
{
	size_t	 i;

	*n = 0;
	if (ov == NULL)
		return NULL;
	for (i = 0; i < ov->nrotas; i++)
		if (strcmp(ov->rotas[i].id, rota_id) == 0) {
			*n = ov->rotas[i].n;
			return *n > 0 ? ov->rotas[i].v : NULL;
		}
	return NULL;
}

const struct rota_extra *
overrides_extra(struct overrides *ov)
{
	return ov != NULL ? &ov->extra : NULL;
}
