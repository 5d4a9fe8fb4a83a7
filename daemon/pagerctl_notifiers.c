/*
 * daemon/pagerctl_notifiers.c — pagerctl notifiers (the instances pagerd
 * runs) and notify-test (one test notification, to check a notifier's
 * settings before an incident needs it).
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "pagerctl.h"

static const char *notifiers_head[] = { "NAME", "TYPE", "ADDRESS" };

int
cmd_notifiers(struct ctl *ctl)
{
	struct table	 t;
	json_t		*root, *list, *n;
	char		*cells[3];
	size_t		 i;
	int		 ret;

	if ((ret = api_list(ctl, "/api/v1/notifiers", "notifiers",
	    "No notifiers configured.", &root, &list)) != PCTL_OK ||
	    list == NULL)
		return ret;
	table_init(&t, notifiers_head, 3);
	json_array_foreach(list, i, n) {
		cells[0] = jtext(json_object_get(n, "name"));
		cells[1] = jtext(json_object_get(n, "type"));
		cells[2] = jtext(json_object_get(n, "address"));
		(void)table_add(&t, cells, NULL);
	}
	ret = table_done(&t, ctl, ret);
	json_decref(root);
	return ret;
}

/*
 * notify-test NAME ADDRESS [TITLE]: one test notification; the provider's
 * verdict is the answer (200 delivered, 502 retry or permanent).
 */
int
cmd_notify_test(struct ctl *ctl, const char *name, const char *address,
    const char *title)
{
	struct resp	 r;
	json_t		*body, *root;
	char		 err[CURL_ERROR_SIZE + 256], path[200];
	char		*text, *reason, *id;
	int		 ret;

	if (*name == '\0' || strlen(name) > 64 ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_-") != strlen(name))
		usage_error("notify-test: \"%s\" is not a notifier name", name);
	snprintf(path, sizeof(path), "/api/v1/notifiers/%s/test", name);
	body = json_pack("{s:s, s:s*}", "address", address, "title", title);
	if (body == NULL || (text = json_dumps(body, JSON_COMPACT)) == NULL)
		usage_error("notify-test: arguments are not valid UTF-8");
	json_decref(body);
	ret = http_call(ctl, "POST", path, text, &r, err, sizeof(err));
	free(text);
	if (ret == -1) {
		fprintf(stderr, "pagerctl: %s\n", err);
		return PCTL_NOANSWER;
	}
	if (r.status != 200 && r.status != 502) {
		print_http_error(&r);
		resp_free(&r);
		return PCTL_FAIL;
	}
	ret = r.status == 200 ? PCTL_OK : PCTL_FAIL;
	if (ctl->json) {
		if (print_json(&r) != 0)
			ret = PCTL_NOANSWER;
		resp_free(&r);
		return ret;
	}
	if ((root = parse_body(&r, 0)) == NULL) {
		resp_free(&r);
		return PCTL_NOANSWER;
	}
	resp_free(&r);
	if (ret == PCTL_OK) {
		id = json_is_string(json_object_get(root, "provider_id")) ?
		    jtext(json_object_get(root, "provider_id")) : NULL;
		printf("Delivered through %s%s%s%s.\n", name,
		    id != NULL ? " (provider id " : "", id != NULL ? id : "",
		    id != NULL ? ")" : "");
		free(id);
	} else {
		text = jtext(json_object_get(root, "result"));
		reason = jtext(json_object_get(root, "error"));
		fprintf(stderr, "pagerctl: %s: %s: %s\n", name,
		    text != NULL && strcmp(text, "retry") == 0 ?
		    "failed for now (pagerd would retry)" :
		    "failed for good", reason != NULL ? reason : "?");
		free(text);
		free(reason);
	}
	json_decref(root);
	return ret;
}

