/*
 * daemon/pagerctl_silences.c — pagerctl silence add, list and expire:
 * silences are kept by pagerd, so these only speak its API.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "pagerctl.h"
#include "timefmt.h"

/*
 * silence add MATCHER...: the matchers go to the server in the text
 * syntax, which it parses and checks (its errors name the matcher).
 */
static int
cmd_silence_add(struct ctl *ctl, const struct silence_opts *o, int argc,
    char **argv)
{
	struct resp	 r;
	json_t		*body, *root;
	char		*text = NULL, *p, ends[40];
	const char	*author = o->author;
	int64_t		 dur;
	size_t		 len = 2;
	int		 i, ret;

	if (argc == 0)
		usage_error("silence add: give at least one matcher, e.g. "
		    "'alertname=\"DiskFull\"'");
	if (o->duration == NULL || duration_parse(o->duration, &dur) == -1 ||
	    dur <= 0)
		usage_error("silence add: --duration is required: e.g. 2h, "
		    "30m, 1d");
	if (o->comment == NULL || *o->comment == '\0')
		usage_error("silence add: --comment is required: say why");
	if (author == NULL && ((author = getenv("USER")) == NULL ||
	    *author == '\0'))
		usage_error("silence add: give --author (no $USER)");
	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((text = malloc(len + 1)) == NULL)
		usage_error("out of memory");
	p = text;
	*p++ = '{';
	for (i = 0; i < argc; i++)
		p += sprintf(p, "%s%s", i > 0 ? "," : "", argv[i]);
	*p++ = '}';
	*p = '\0';
	time_format_rfc3339((int64_t)ctl->now * 1000 + dur, ends,
	    sizeof(ends));
	body = json_pack("{s:s, s:s, s:s, s:s}", "matchers", text,
	    "ends_at", ends, "created_by", author, "comment", o->comment);
	free(text);
	if (body == NULL || (text = json_dumps(body, JSON_COMPACT)) == NULL)
		usage_error("silence add: arguments are not valid UTF-8");
	json_decref(body);
	ret = api_call(ctl, "POST", "/api/v1/silences", text, &r);
	free(text);
	if (ret != 0)
		return ret;
	if (ctl->json)
		ret = print_json(&r) == 0 ? PCTL_OK : PCTL_NOANSWER;
	else if ((root = parse_body(&r, 0)) == NULL)
		ret = PCTL_NOANSWER;
	else {
		text = jtext(json_object_get(root, "id"));
		printf("Created silence %s\n", text ? text : "?");
		free(text);
		json_decref(root);
	}
	resp_free(&r);
	return ret;
}

/* The API v2 matchers as text: alertname="X", env=~"prod.*". Clean. */
static char *
matchers_text(json_t *arr)
{
	json_t		*m;
	size_t		 i, len = 0;
	char		*buf = NULL, *p, *out;
	const char	*name, *value, *op;
	int		 n;

	json_array_foreach(arr, i, m) {
		name = jstr(m, "name");
		value = jstr(m, "value");
		if (name == NULL || value == NULL)
			continue;
		op = json_is_true(json_object_get(m, "isRegex")) ?
		    (json_is_false(json_object_get(m, "isEqual")) ? "!~" :
		    "=~") : (json_is_false(json_object_get(m, "isEqual")) ?
		    "!=" : "=");
		n = snprintf(NULL, 0, "%s%s%s\"%s\"", len ? ", " : "", name,
		    op, value);
		if ((p = realloc(buf, len + n + 1)) == NULL) {
			free(buf);
			return NULL;
		}
		buf = p;
		snprintf(buf + len, n + 1, "%s%s%s\"%s\"", len ? ", " : "",
		    name, op, value);
		len += n;
	}
	if (buf == NULL)
		return strdup("");
	out = clean(buf, len);
	free(buf);
	return out;
}

static const char *silences_head[] = {
	"ID", "STATE", "ENDS", "BY", "COMMENT", "MATCHERS"
};

static int
cmd_silence_list(struct ctl *ctl, const struct silence_opts *o)
{
	struct table	 t;
	json_t		*root, *list, *s;
	char		*cells[6];
	size_t		 i;
	int		 ret;

	if ((ret = api_list(ctl, o->all ? "/api/v1/silences?all=1" :
	    "/api/v1/silences", "silences", "No silences.", &root, &list)) !=
	    PCTL_OK || list == NULL)
		return ret;
	table_init(&t, silences_head, 6);
	json_array_foreach(list, i, s) {
		cells[0] = jtext(json_object_get(s, "id"));
		cells[1] = jtext(json_object_get(json_object_get(s, "status"),
		    "state"));
		cells[2] = jtext(json_object_get(s, "ends_at"));
		cells[3] = fitted(jtext(json_object_get(s, "created_by")),
		    SOURCE_COLS);
		cells[4] = fitted(jtext(json_object_get(s, "comment")),
		    SOURCE_COLS);
		cells[5] = matchers_text(json_object_get(s, "matchers"));
		(void)table_add(&t, cells, NULL);
	}
	ret = table_done(&t, ctl, ret);
	json_decref(root);
	return ret;
}

static int
cmd_silence_expire(struct ctl *ctl, const char *id)
{
	struct resp	 r;
	char		 path[64];
	int		 ret;

	if (*id == '\0' || strlen(id) > 20 ||
	    strspn(id, "0123456789") != strlen(id))
		usage_error("silence expire: ID is a number");
	snprintf(path, sizeof(path), "/api/v1/silences/%s", id);
	if ((ret = api_call(ctl, "DELETE", path, NULL, &r)) != 0)
		return ret;
	if (ctl->json)
		ret = print_json(&r) == 0 ? PCTL_OK : PCTL_NOANSWER;
	else
		printf("Expired silence %s\n", id);
	resp_free(&r);
	return ret;
}

int
cmd_silence(struct ctl *ctl, const struct silence_opts *o, int argc,
    char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "add") == 0)
		return cmd_silence_add(ctl, o, argc - 1, argv + 1);
	if (argc == 1 && strcmp(argv[0], "list") == 0)
		return cmd_silence_list(ctl, o);
	if (argc == 2 && strcmp(argv[0], "expire") == 0)
		return cmd_silence_expire(ctl, argv[1]);
	usage_error("silence: use add MATCHER... --duration D --comment C, "
	    "list [--all], or expire ID");
}
