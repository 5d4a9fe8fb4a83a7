/*
 * daemon/pagerctl_rota.c — pagerctl oncall, schedule, schedule-diff,
 * fairness and check: answered by lib/ from the config files, or, with
 * -u and no -c, by the running daemon.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "perr.h"
#include "pagerctl.h"
#include "rota.h"
#include "rota_check.h"
#include "rota_diff.h"
#include "rota_json.h"

static struct config *
load_config(const char *path)
{
	struct perr_list	 errs = { NULL, 0, 0 };
	struct config		*cfg;
	char			 line[700];
	size_t			 i;

	if ((cfg = config_load(path, NULL, 0, NULL, &errs)) != NULL)
		return cfg;
	for (i = 0; i < errs.n && i < errs.cap; i++) {
		perr_format(&errs.v[i], line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	fprintf(stderr, "%s: %zu error%s\n", path, errs.n,
	    errs.n == 1 ? "" : "s");
	perr_list_clear(&errs);
	return NULL;
}

static const char *oncall_head[] = {
	"LEVEL", "PERSON", "REASON", "LAYER", "UNTIL"
};

static int
print_oncall(const struct ctl *ctl, const json_t *root)
{
	struct table	 t;
	const json_t	*rotas, *r, *levels, *lv;
	const char	*s;
	char		*cells[5], *note, *tmp;
	size_t		 i, j;
	int		 ret = PCTL_OK;

	if (!json_is_array(rotas = json_object_get(root, "rotas"))) {
		fprintf(stderr, "pagerctl: unexpected answer: no \"rotas\" "
		    "list (try --json)\n");
		return PCTL_NOANSWER;
	}
	if (json_array_size(rotas) == 0)
		puts("No rotas.");
	json_array_foreach(rotas, i, r) {
		levels = json_object_get(r, "levels");
		if (!json_is_object(r) || !json_is_array(levels))
			continue;
		printf("%s%s (%s) at %s\n", i > 0 ? "\n" : "",
		    jstr(r, "rota") ? jstr(r, "rota") : "?",
		    jstr(r, "time_zone") ? jstr(r, "time_zone") : "?",
		    jstr(r, "at_local") ? jstr(r, "at_local") : "?");
		table_init(&t, oncall_head, 5);
		json_array_foreach(levels, j, lv) {
			cells[0] = jcell(lv, "name");
			if (asprintf(&tmp, "%s",
			    jstr(lv, "person") ? jstr(lv, "person") :
			    "(nobody)") == -1)
				tmp = NULL;
			cells[1] = tmp;
			cells[2] = jcell(lv, "reason");
			cells[3] = jcell(lv, "layer");
			cells[4] = jcell(lv, "until_local");
			note = NULL;
			if ((s = jstr(lv, "reason")) != NULL &&
			    strcmp(s, "override") == 0 &&
			    jstr(lv, "scheduled") != NULL) {
				if (asprintf(&tmp, "instead of %s%s%s",
				    jstr(lv, "scheduled"),
				    jstr(lv, "note") ? ": " : "",
				    jstr(lv, "note") ? jstr(lv, "note") :
				    "") != -1) {
					note = clean(tmp, strlen(tmp));
					free(tmp);
				}
			} else if (s != NULL && strcmp(s, "holiday") == 0 &&
			    (s = jstr(lv, "holiday")) != NULL) {
				if (asprintf(&tmp, "holiday: %s", s) != -1) {
					note = clean(tmp, strlen(tmp));
					free(tmp);
				}
			}
			(void)table_add(&t, cells, note);
		}
		ret = table_done(&t, ctl, ret);
	}
	return ret;
}

static int
oncall_api(struct ctl *ctl, const struct rota_opts *o, const char *rota)
{
	char		*path = NULL, *er = NULL, *ea = NULL;
	int		 ret;

	if ((rota != NULL && (er = url_escape(rota)) == NULL) ||
	    (o->at != NULL && (ea = url_escape(o->at)) == NULL) ||
	    asprintf(&path, "/api/v1/oncall%s%s%s%s%s",
	    er || ea ? "?" : "", er ? "rota=" : "", er ? er : "",
	    er && ea ? "&" : "", ea ? "at=" : "") == -1) {
		free(er);
		free(ea);
		fprintf(stderr, "pagerctl: out of memory\n");
		return PCTL_FAIL;
	}
	free(er);
	if (ea != NULL) {
		er = path;
		ret = asprintf(&path, "%s%s", er, ea);
		free(er);
		free(ea);
		if (ret == -1) {
			fprintf(stderr, "pagerctl: out of memory\n");
			return PCTL_FAIL;
		}
	}
	ret = api_show(ctl, path, print_oncall);
	free(path);
	return ret;
}

int
cmd_oncall(struct ctl *ctl, const struct rota_opts *o, const char *rota)
{
	struct config	*cfg;
	json_t		*root;
	const char	*err;
	int		 ret;

	if (o->api)
		return oncall_api(ctl, o, rota);
	if ((cfg = load_config(o->config)) == NULL)
		return PCTL_FAIL;
	root = rota_json_oncall(cfg->rotas, rota, o->at,
	    (int64_t)ctl->now * 1000, &err);
	if (root == NULL) {
		if (rota != NULL && (cfg->rotas == NULL ||
		    rota_set_find(cfg->rotas, rota) == NULL))
			fprintf(stderr, "pagerctl: %s: no rota \"%s\"\n",
			    o->config, rota);
		else
			fprintf(stderr, "pagerctl: --%s\n", err);
		config_free(cfg);
		return PCTL_FAIL;
	}
	ret = ctl->json ? (print_json_doc(root) == 0 ? PCTL_OK : PCTL_FAIL) :
	    print_oncall(ctl, root);
	json_decref(root);
	config_free(cfg);
	return ret;
}

static int	 print_fairness(const struct ctl *, const json_t *);

static const char *schedule_head[] = {
	"LEVEL", "START", "END", "PERSON", "REASON", "LAYER"
};

static int
print_schedule(const struct ctl *ctl, const json_t *root)
{
	struct table	 t;
	const json_t	*list, *s;
	char		*cells[6];
	size_t		 i;
	int		 ret = PCTL_OK;

	list = json_object_get(root, "shifts");
	printf("%s (%s) from %s to %s\n", jstr(root, "rota"),
	    jstr(root, "time_zone"), jstr(root, "from_local"),
	    jstr(root, "to_local"));
	table_init(&t, schedule_head, 6);
	json_array_foreach(list, i, s) {
		cells[0] = jcell(s, "level_name");
		cells[1] = jcell(s, "start_local");
		cells[2] = jcell(s, "end_local");
		cells[3] = jstr(s, "person") ? jcell(s, "person") :
		    strdup("(nobody)");
		cells[4] = jcell(s, "reason");
		cells[5] = jcell(s, "layer");
		(void)table_add(&t, cells, NULL);
	}
	ret = table_done(&t, ctl, ret);
	return ret;
}

/*
 * The window [from, from + days) of rota id on its wall clock: from
 * --from (default: today 00:00 there) for --days days. 0, or PCTL_*.
 */
static int
rota_window(const struct ctl *ctl, const struct rota_opts *o,
    const struct rota *r, int64_t *from_ms, int64_t *to_ms)
{
	if (rota_json_window(r, o->from, o->days, (int64_t)ctl->now * 1000,
	    from_ms, to_ms) == -1) {
		fprintf(stderr, "pagerctl: --from must be \"YYYY-MM-DD\" or "
		    "\"YYYY-MM-DD HH:MM\" on the rota's wall clock, or RFC "
		    "3339\n");
		return PCTL_USAGE;
	}
	return 0;
}

/* schedule (fairness) with -u and no -c: the daemon's GET .../schedule
 * (.../fairness). */
static int
schedule_api(struct ctl *ctl, const struct rota_opts *o, const char *rota,
    int fairness)
{
	char		*path = NULL, *er, *ef = NULL;
	int		 ret;

	er = url_escape(rota);
	if (o->from != NULL)
		ef = url_escape(o->from);
	if (er == NULL || (o->from != NULL && ef == NULL) ||
	    asprintf(&path, "/api/v1/rotas/%s/%s?days=%ld%s%s", er,
	    fairness ? "fairness" : "schedule", o->days, ef ? "&from=" : "",
	    ef ? ef : "") == -1) {
		free(er);
		free(ef);
		fprintf(stderr, "pagerctl: out of memory\n");
		return PCTL_FAIL;
	}
	free(er);
	free(ef);
	ret = api_show(ctl, path, fairness ? print_fairness : print_schedule);
	free(path);
	return ret;
}

int
cmd_schedule(struct ctl *ctl, const struct rota_opts *o, const char *rota,
    int fairness)
{
	struct config		*cfg;
	const struct rota	*r;
	json_t			*root;
	int64_t			 from_ms, to_ms;
	int			 ret;

	if (o->api)
		return schedule_api(ctl, o, rota, fairness);
	if ((cfg = load_config(o->config)) == NULL)
		return PCTL_FAIL;
	if (cfg->rotas == NULL ||
	    (r = rota_set_find(cfg->rotas, rota)) == NULL) {
		fprintf(stderr, "pagerctl: %s: no rota \"%s\"\n", o->config,
		    rota);
		config_free(cfg);
		return PCTL_FAIL;
	}
	if ((ret = rota_window(ctl, o, r, &from_ms, &to_ms)) != 0) {
		config_free(cfg);
		return ret;
	}
	root = fairness ? rota_json_fairness(r, from_ms, to_ms) :
	    rota_json_schedule(r, from_ms, to_ms);
	if (root == NULL) {
		fprintf(stderr, "pagerctl: out of memory\n");
		config_free(cfg);
		return PCTL_FAIL;
	}
	if (ctl->json)
		ret = print_json_doc(root) == 0 ? PCTL_OK : PCTL_FAIL;
	else
		ret = fairness ? print_fairness(ctl, root) :
		    print_schedule(ctl, root);
	json_decref(root);
	config_free(cfg);
	return ret;
}

/*
 * schedule-diff: like diff(1), 0 when the edit changes no shift, 1 when
 * it does, 2 when it cannot tell (a config with errors, no such rota).
 */
#define DIFF_SAME	0
#define DIFF_CHANGED	1
#define DIFF_TROUBLE	2

static int
print_diff(const json_t *root)
{
	const json_t	*list, *c, *people, *p;
	const char	*who;
	size_t		 i;
	long long	 level = 0, l;

	list = json_object_get(root, "changes");
	printf("%s (%s) from %s to %s\n", jstr(root, "rota"),
	    jstr(root, "time_zone"), jstr(root, "from_local"),
	    jstr(root, "to_local"));
	if (json_array_size(list) == 0) {
		printf("no shift changes hands\n");
		return 0;
	}
	json_array_foreach(list, i, c) {
		if (jint(json_object_get(c, "level"), &l) == 0 && l != level) {
			level = l;
			if (jstr(c, "level_name") != NULL)
				printf("level %lld (%s):\n", l,
				    jstr(c, "level_name"));
			else
				printf("level %lld:\n", l);
		}
		who = jstr(c, "person");
		printf("%s %-16s %s – %s\n", jstr(c, "change"),
		    who ? who : "(nobody)", jstr(c, "start_local"),
		    jstr(c, "end_local"));
	}
	printf("hours:\n");
	people = json_object_get(root, "people");
	json_array_foreach(people, i, p) {
		who = jstr(p, "person");
		printf("  %-16s +%.1f -%.1f net %+.1f\n",
		    who ? who : "(nobody)",
		    json_real_value(json_object_get(p, "gained")),
		    json_real_value(json_object_get(p, "lost")),
		    json_real_value(json_object_get(p, "net")));
	}
	return 0;
}

int
cmd_schedule_diff(struct ctl *ctl, const struct rota_opts *o,
    const char *oldpath, const char *newpath, const char *rota)
{
	struct config		*oc, *nc = NULL;
	const struct rota	*or = NULL, *nr = NULL;
	struct rota_diff	 d;
	json_t			*root = NULL;
	int64_t			 from_ms, to_ms;
	int			 ret = DIFF_TROUBLE;

	oc = load_config(oldpath);
	nc = load_config(newpath);
	if (oc == NULL || nc == NULL)
		goto out;
	if (oc->rotas != NULL)
		or = rota_set_find(oc->rotas, rota);
	if (nc->rotas != NULL)
		nr = rota_set_find(nc->rotas, rota);
	if (or == NULL && nr == NULL) {
		fprintf(stderr, "pagerctl: no rota \"%s\" in %s or %s\n",
		    rota, oldpath, newpath);
		goto out;
	}
	/* The window on the new rota's wall clock: what will be. */
	if (rota_window(ctl, o, nr ? nr : or, &from_ms, &to_ms) != 0)
		goto out;
	if (rota_diff(or, nr, from_ms, to_ms, &d) == -1) {
		fprintf(stderr, "pagerctl: out of memory\n");
		goto out;
	}
	root = rota_diff_json(nr ? nr : or, &d, from_ms, to_ms);
	rota_diff_free(&d);
	if (root == NULL) {
		fprintf(stderr, "pagerctl: out of memory\n");
		goto out;
	}
	if ((ctl->json ? print_json_doc(root) : print_diff(root)) == 0)
		ret = json_array_size(json_object_get(root, "changes")) ?
		    DIFF_CHANGED : DIFF_SAME;
out:
	json_decref(root);
	if (oc != NULL)
		config_free(oc);
	if (nc != NULL)
		config_free(nc);
	return ret;
}

static const char *fairness_head[] = {
	"PERSON", "BUSINESS", "NIGHTS", "WEEKENDS", "HOLIDAYS", "TOTAL"
};

static char *
hours_cell(const json_t *obj, const char *key)
{
	char	*s;

	if (asprintf(&s, "%.1f", json_number_value(json_object_get(obj,
	    key))) == -1)
		return NULL;
	return s;
}

static int
print_fairness(const struct ctl *ctl, const json_t *root)
{
	struct table	 t;
	const json_t	*p;
	char		*cells[6];
	size_t		 i;
	int		 ret = PCTL_OK;

	printf("%s (%s) from %s to %s, hours on call\n", jstr(root, "rota"),
	    jstr(root, "time_zone"), jstr(root, "from_local"),
	    jstr(root, "to_local"));
	table_init(&t, fairness_head, 6);
	json_array_foreach(json_object_get(root, "people"), i, p) {
		cells[0] = jcell(p, "person");
		cells[1] = hours_cell(p, "business");
		cells[2] = hours_cell(p, "nights");
		cells[3] = hours_cell(p, "weekends");
		cells[4] = hours_cell(p, "holidays");
		cells[5] = hours_cell(p, "total");
		(void)table_add(&t, cells, NULL);
	}
	ret = table_done(&t, ctl, ret);
	return ret;
}

#define CHECK_ROTA_DAYS	90	/* as pagerd -t */

static void
check_warning(void *arg, enum rota_warning kind, const char *msg)
{
	(void)kind;
	printf("%s: warning: %s\n", (const char *)arg, msg);
}

static void
paging_warning(void *arg, const char *msg)
{
	check_warning(arg, 0, msg);
}

/*
 * check -u without -c: the rota warnings as the daemon sees them, with
 * the overrides made through its API. Findings are advice: exit 0.
 */
static int
check_api(struct ctl *ctl)
{
	struct resp	 r;
	json_t		*root, *list, *w, *m;
	char		*msg;
	size_t		 i;
	int		 ret;

	if ((ret = api_get(ctl, "/api/v1/rotas/check", &r)) != 0)
		return ret;
	if ((ret = answer_body(ctl, &r, &root)) != PCTL_OK || root == NULL)
		return ret;
	if (!json_is_array(list = json_object_get(root, "warnings"))) {
		fprintf(stderr, "pagerctl: %s: answer without \"warnings\"\n",
		    ctl->url);
		json_decref(root);
		return PCTL_NOANSWER;
	}
	json_array_foreach(list, i, w) {
		if (!json_is_string(m = json_object_get(w, "message")))
			continue;
		/* The daemon's words; never let them drive the terminal. */
		if ((msg = clean(json_string_value(m),
		    json_string_length(m))) == NULL) {
			fprintf(stderr, "pagerctl: out of memory\n");
			json_decref(root);
			return PCTL_FAIL;
		}
		printf("%s: warning: %s\n", ctl->url, msg);
		free(msg);
	}
	printf("%s: rotas OK (%zu warning%s)\n", ctl->url,
	    json_array_size(list), json_array_size(list) == 1 ? "" : "s");
	json_decref(root);
	return PCTL_OK;
}

/* The report of pagerd -t, word for word, without needing pagerd. */
int
cmd_check(struct ctl *ctl, const struct rota_opts *o)
{
	struct config	*cfg;

	if (o->api)
		return check_api(ctl);
	if ((cfg = load_config(o->config)) == NULL)
		return PCTL_FAIL;
	(void)rota_check(cfg->rotas, (int64_t)ctl->now * 1000,
	    CHECK_ROTA_DAYS, check_warning, (void *)o->config);
	config_check_paging(cfg, paging_warning, (void *)o->config);
	printf("%s: configuration OK\n", o->config);
	config_free(cfg);
	return PCTL_OK;
}

