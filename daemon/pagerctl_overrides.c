/*
 * daemon/pagerctl_overrides.c — pagerctl override add, list and rm: the
 * runtime overrides pagerd keeps, through its API.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "pagerctl.h"

/* "/api/v1/rotas/ROTA/overrides" + tail; malloc'd (exits when OOM). */
static char *
overrides_path(const char *rota, const char *tail)
{
	char	*er, *path;

	if ((er = url_escape(rota)) == NULL ||
	    asprintf(&path, "/api/v1/rotas/%s/overrides%s", er, tail) == -1)
		usage_error("out of memory");
	free(er);
	return path;
}

/* "chloe" or "level 2 (secondary)": whom an override replaces. */
static char *
covers_text(const json_t *o)
{
	const json_t	*lv = json_object_get(o, "level");
	char		*s;
	int		 n;

	if (jstr(o, "covers") != NULL)
		n = json_is_integer(lv) ? asprintf(&s, "%s on level %lld",
		    jstr(o, "covers"), (long long)json_integer_value(lv)) :
		    asprintf(&s, "%s", jstr(o, "covers"));
	else
		n = asprintf(&s, "level %lld%s%s%s",
		    (long long)json_integer_value(lv),
		    jstr(o, "level_name") ? " (" : "",
		    jstr(o, "level_name") ? jstr(o, "level_name") : "",
		    jstr(o, "level_name") ? ")" : "");
	return n == -1 ? NULL : s;
}

static int
cmd_override_add(struct ctl *ctl, const struct rota_opts *ro,
    const struct override_opts *o, const char *rota)
{
	struct resp	 r;
	json_t		*body, *root;
	char		*text, *path, *end, *who;
	long		 lv;
	int		 ret;

	if (o->person == NULL || o->until == NULL ||
	    (o->covers == NULL && o->level == NULL))
		usage_error("override add: give --person, --covers or "
		    "--level, and --until");
	if ((body = json_pack("{s:s, s:s}", "person", o->person, "until",
	    o->until)) == NULL ||
	    (o->covers != NULL && json_object_set_new(body, "covers",
	    json_string(o->covers)) == -1) ||
	    (ro->from != NULL && json_object_set_new(body, "from",
	    json_string(ro->from)) == -1) ||
	    (o->note != NULL && json_object_set_new(body, "note",
	    json_string(o->note)) == -1))
		usage_error("override add: arguments are not valid UTF-8");
	if (o->level != NULL) {
		errno = 0;
		lv = strtol(o->level, &end, 10);
		if (json_object_set_new(body, "level", *o->level != '\0' &&
		    *end == '\0' && errno == 0 ? json_integer(lv) :
		    json_string(o->level)) == -1)
			usage_error("override add: --level is not valid UTF-8");
	}
	if ((text = json_dumps(body, JSON_COMPACT)) == NULL)
		usage_error("out of memory");
	json_decref(body);
	path = overrides_path(rota, "");
	ret = api_call(ctl, "POST", path, text, &r);
	free(path);
	free(text);
	if (ret != 0)
		return ret;
	if ((ret = answer_body(ctl, &r, &root)) != PCTL_OK || root == NULL)
		return ret;
	who = covers_text(root);
	printf("Created override %s: %s covers %s from %s until %s\n",
	    jstr(root, "id") ? jstr(root, "id") : "?",
	    jstr(root, "person") ? jstr(root, "person") : "?",
	    who ? who : "?", jstr(root, "from_local") ?
	    jstr(root, "from_local") : "?", jstr(root, "until_local") ?
	    jstr(root, "until_local") : "?");
	free(who);
	json_decref(root);
	return PCTL_OK;
}

static const char *overrides_head[] = {
	"ID", "SOURCE", "PERSON", "COVERS", "FROM", "UNTIL", "NOTE"
};

static int
cmd_override_list(struct ctl *ctl, const char *rota)
{
	struct table	 t;
	json_t		*root, *list, *o;
	char		*cells[7], *path, *empty;
	size_t		 i;
	int		 ret;

	if (asprintf(&empty, "No overrides in rota %s.", rota) == -1)
		usage_error("out of memory");
	path = overrides_path(rota, "");
	ret = api_list(ctl, path, "overrides", empty, &root, &list);
	free(path);
	free(empty);
	if (ret != PCTL_OK || list == NULL)
		return ret;
	table_init(&t, overrides_head, 7);
	json_array_foreach(list, i, o) {
		cells[0] = jcell(o, "id");
		cells[1] = jcell(o, "source");
		cells[2] = jcell(o, "person");
		cells[3] = covers_text(o);
		cells[4] = jcell(o, "from_local");
		cells[5] = jcell(o, "until_local");
		cells[6] = fitted(jcell(o, "note"), SOURCE_COLS);
		(void)table_add(&t, cells, NULL);
	}
	ret = table_done(&t, ctl, ret);
	json_decref(root);
	return ret;
}

static int
cmd_override_rm(struct ctl *ctl, const char *rota, const char *id)
{
	struct resp	 r;
	char		*path, tail[32];
	int		 ret;

	if (*id == '\0' || strlen(id) > 20 ||
	    strspn(id, "0123456789") != strlen(id))
		usage_error("override rm: ID is a number (see override list)");
	snprintf(tail, sizeof(tail), "/%s", id);
	path = overrides_path(rota, tail);
	ret = api_call(ctl, "DELETE", path, NULL, &r);
	free(path);
	if (ret != 0)
		return ret;
	if (ctl->json)
		ret = print_json(&r) == 0 ? PCTL_OK : PCTL_NOANSWER;
	else
		printf("Removed override %s from rota %s\n", id, rota);
	resp_free(&r);
	return ret;
}

int
cmd_override(struct ctl *ctl, const struct rota_opts *ro,
    const struct override_opts *o, int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[0], "add") == 0)
		return cmd_override_add(ctl, ro, o, argv[1]);
	if (o->person || o->covers || o->level || o->until || o->note ||
	    ro->from)
		usage_error("--person, --covers, --level, --from, --until and "
		    "--note go with \"override add\"");
	if (argc == 2 && strcmp(argv[0], "list") == 0)
		return cmd_override_list(ctl, argv[1]);
	if (argc == 3 && strcmp(argv[0], "rm") == 0)
		return cmd_override_rm(ctl, argv[1], argv[2]);
	usage_error("override: use add ROTA --person P (--covers Q | --level "
	    "L) [--from T] --until T [--note N], list ROTA, or rm ROTA ID");
}
