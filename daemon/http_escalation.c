/*
 * daemon/http_escalation.c — POST /api/v1/incidents/ID/{ack,resolve,
 * escalate}: what people do to an incident, through the escalation
 * engine (escalation_act()). API token required. Optional JSON body
 * {"for": "2h", "by": "alice"}: a timed ack, and who acted (default
 * "api:TOKEN_NAME").
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>

#include "config.h"
#include "escalation.h"
#include "http.h"
#include "pagerd.h"
#include "timefmt.h"

#define ACT_BY_MAX	64
#define ACT_FOR_MAX_MS	(7LL * 24 * 3600 * 1000)

struct act_req {
	struct pagerd		*pd;
	struct http_req	*req;
	long long		 id;
	enum escalation_action	 action;
};

static void
act_done(void *arg, enum escalation_outcome out, const char *title)
{
	static const char *const status[] = { "acknowledged", "resolved",
	    "triggered" };
	static const char *const already[] = { "not triggered: already "
	    "acknowledged or resolved", "already resolved", "not triggered, "
	    "or no step left to escalate to" };
	struct act_req	*r = arg;
	char		 buf[160];

	(void)title;
	switch (out) {
	case ESC_DONE:
		snprintf(buf, sizeof(buf), "{\"incident\":%lld,\"status\":"
		    "\"%s\"}", r->id, status[r->action]);
		http_reply_raw_json(r->pd, r->req, 200, buf, strlen(buf));
		break;
	case ESC_ALREADY:
		http_reply_error(r->pd, r->req, 409, already[r->action], -1);
		break;
	case ESC_NOT_FOUND:
		http_reply_error(r->pd, r->req, 404, "no such incident", -1);
		break;
	case ESC_FAILED:
		http_reply_error(r->pd, r->req, 503, "alert store unavailable",
		    -1);
		break;
	}
	free(r);
}

/* The optional body; -1 after answering 400/413. */
static int
parse_body(struct pagerd *pd, struct http_req *req,
    enum escalation_action action, int64_t *for_ms, char *by, size_t bylen)
{
	struct evbuffer	*body = http_req_body(req);
	size_t		 len = evbuffer_get_length(body), k;
	json_error_t	 jerr;
	json_t		*doc, *v;
	const char	*key, *s, *data;
	char		 err[300];

	if (len > pd->cfg->http_max_body) {
		http_reply_error(pd, req, 413, "body too large", -1);
		return -1;
	}
	data = (const char *)evbuffer_pullup(body, -1);
	for (k = 0; k < len && strchr(" \t\r\n", data[k]) != NULL; k++)
		;
	if (k == len)
		return 0;	/* no body: all defaults */
	if ((doc = json_loadb(data, len, 0, &jerr)) == NULL ||
	    !json_is_object(doc)) {
		snprintf(err, sizeof(err), "body: %s%s", doc ? "must be a JSON "
		    "object" : "invalid JSON: ", doc ? "" : jerr.text);
		json_decref(doc);
		http_reply_error(pd, req, 400, err, -1);
		return -1;
	}
	json_object_foreach(doc, key, v) {
		s = json_string_value(v);
		if (strcmp(key, "for") == 0 && action == ESC_ACK) {
			if (s == NULL || duration_parse(s, for_ms) == -1 ||
			    *for_ms < 1000 || *for_ms > ACT_FOR_MAX_MS) {
				snprintf(err, sizeof(err), "for: must be a "
				    "duration from \"1s\" to \"7d\", like "
				    "\"2h\"");
				goto bad;
			}
		} else if (strcmp(key, "by") == 0) {
			/* jansson checked the UTF-8; no control bytes. */
			for (k = 0; s != NULL && s[k] != '\0'; k++)
				if ((unsigned char)s[k] < 0x20 || s[k] == 0x7f)
					break;
			if (s == NULL || s[0] == '\0' || s[k] != '\0' ||
			    strlen(s) > ACT_BY_MAX) {
				snprintf(err, sizeof(err), "by: must be a name "
				    "of 1 to %d bytes on one line", ACT_BY_MAX);
				goto bad;
			}
			snprintf(by, bylen, "%s", s);
		} else {
			snprintf(err, sizeof(err), "unknown key \"%.64s\" "
			    "(known: %s)", key, action == ESC_ACK ?
			    "for, by" : "by");
			goto bad;
		}
	}
	json_decref(doc);
	return 0;
bad:
	json_decref(doc);
	http_reply_error(pd, req, 400, err, -1);
	return -1;
}

void
http_api_incident_act(struct pagerd *pd, struct http_req *req,
    const char *rest)
{
	static const char *const names[] = { "ack", "resolve", "escalate" };
	const struct api_token	*tok;
	struct act_req		*r;
	const char		*slash = strchr(rest, '/');
	char			 by[ACT_BY_MAX + 8];
	size_t			 idlen, i;
	int64_t			 for_ms = 0;
	int			 action = -1;

	idlen = slash ? (size_t)(slash - rest) : 0;
	for (i = 0; slash != NULL && i < 3; i++)
		if (strcmp(slash + 1, names[i]) == 0)
			action = (int)i;
	if (action < 0 || idlen == 0 || idlen > 18 ||
	    strspn(rest, "0123456789") != idlen) {
		http_reply_error(pd, req, 404, "no such endpoint: POST "
		    "/api/v1/incidents/ID/ack, /resolve or /escalate", -1);
		return;
	}
	if (!http_auth_token(pd, req))
		return;
	tok = config_find_token(pd->cfg, http_bearer(req));
	snprintf(by, sizeof(by), "api:%s", tok ? tok->name : "?");
	if (parse_body(pd, req, action, &for_ms, by, sizeof(by)) == -1)
		return;
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		http_reply_error(pd, req, 503, "out of memory", -1);
		return;
	}
	r->pd = pd;
	r->req = req;
	r->id = strtoll(rest, NULL, 10);
	r->action = action;
	escalation_act(pd->escalation, r->id, action, by, "api", for_ms,
	    act_done, r);
}
