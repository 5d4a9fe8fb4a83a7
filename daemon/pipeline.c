/*
 * daemon/pipeline.c — severity, routing and grouping for each alert
 * before the store sees it (see pipeline.h). The decisions are lib/'s
 * (route.c); this file applies them with the running config.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "config.h"
#include "pagerd.h"
#include "pipeline.h"
#include "route.h"
#include "silence.h"
#include "silences.h"

/* Replace *field with a copy of s (NULL stays NULL). */
static int
set_copy(char **field, const char *s)
{
	char	*v = NULL;

	if (s != NULL && (v = strdup(s)) == NULL)
		return -1;
	free(*field);
	*field = v;
	return 0;
}

/*
 * The level: the config's rules first (a site knows its senders best),
 * then the built-in mappings unless severity.builtin is off, then
 * severity.default.
 */
static int
level_of(const struct config *cfg, const struct alert *a)
{
	int	 level;

	if ((level = route_severity(cfg->severity_rules,
	    cfg->n_severity_rules, a)) != 0)
		return level;
	if (cfg->severity_builtin && (level = route_builtin_level(a)) != 0)
		return level;
	return cfg->severity_default;
}

static int
prepare_one(const struct config *cfg, const struct integration *in,
    struct alert *a)
{
	const struct service	*svc;
	char			*key;

	/* A pinned integration wins over the routes. */
	if (in != NULL && in->svc != NULL)
		svc = in->svc;
	else
		(void)route_select(cfg->routes, cfg->n_routes, a->labels,
		    a->nlabels, cfg->default_service, &svc, 1);
	a->level = level_of(cfg, a);
	if ((key = route_group_key(svc, a)) == NULL)
		return -1;
	free(a->group_key);
	a->group_key = key;
	if (set_copy(&a->service, svc->name) == -1 ||
	    set_copy(&a->policy, svc->policy) == -1)
		return -1;
	a->group_wait_ms = svc->group_wait_ms;
	a->group_interval_ms = svc->group_interval_ms;
	a->repeat_interval_ms = svc->repeat_interval_ms;
	a->auto_resolve = svc->auto_resolve;
	free(a->inhibit_src);
	free(a->inhibit_tgt);
	a->inhibit_src = a->inhibit_tgt = NULL;
	if (a->status == ALERT_FIRING &&
	    inhibit_mark(cfg->inhibit_rules, cfg->n_inhibit_rules, a,
	    &a->inhibit_src, &a->inhibit_tgt) == -1)
		return -1;
	return 0;
}

int
pipeline_prepare(struct pagerd *pd, const struct integration *in,
    struct alert *alerts, size_t n)
{
	size_t	 i;

	int64_t	 now = pagerd_now_ms();

	for (i = 0; i < n; i++)
		if (prepare_one(pd->cfg, in, &alerts[i]) == -1 ||
		    silences_mark(pd->silences, &alerts[i], now) == -1)
			return -1;
	return 0;
}
