/*
 * lib/slack_text.c — Slack escaping and the incoming-webhook payload
 * (jansson).
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "slack_text.h"
#include "strbuf.h"
#include "utf8.h"

#define ELLIPSIS	"\xe2\x80\xa6"
#define FIELD_MAX	16

/*
 * One pass of slack_escape(): append to b (or only count, when b is
 * NULL) at most budget units, reserving ell for an ellipsis. Returns
 * the units of the whole text when it fits, or (size_t)-1 once cut.
 */
static size_t
escape_pass(const char *s, int multiline, size_t budget, size_t ell,
    struct strbuf *b)
{
	size_t		 len = s != NULL ? strlen(s) : 0, i, n, units = 0, w;
	uint32_t	 cp;
	char		 u8[5];
	const char	*out;
	int		 space = 0;

	for (i = 0; i < len; i += n) {
		n = utf8_decode(s + i, len - i, &cp);
		if (multiline && (cp == '\r' || cp == '\n')) {
			if (cp == '\r' && i + 1 < len && s[i + 1] == '\n')
				n = 2;
			cp = '\n';
		} else if (utf8_is_space(cp)) {
			if (!multiline) {
				space = units > 0;
				continue;
			}
			cp = ' ';
		} else if (utf8_is_control(cp))
			continue;
		if (cp == '&')
			out = "&amp;";
		else if (cp == '<')
			out = "&lt;";
		else if (cp == '>')
			out = "&gt;";
		else {
			u8[utf8_encode(cp, u8)] = '\0';
			out = u8;
		}
		/* UTF-16 units, which is what Slack counts. */
		w = (size_t)space + (out == u8 ? (cp > 0xffff ? 2 : 1) :
		    strlen(out));
		if (units + w + ell > budget) {
			if (b != NULL && ell)
				strbuf_add(b, ELLIPSIS, 3);
			return (size_t)-1;
		}
		if (b != NULL) {
			if (space)
				strbuf_add(b, " ", 1);
			strbuf_add(b, out, strlen(out));
		}
		space = 0;
		units += w;
	}
	return units;
}

char *
slack_escape(const char *s, int multiline, size_t max)
{
	struct strbuf	 b = { 0 };
	size_t		 total;

	strbuf_add(&b, "", 0);
	/* Count first, so that text of exactly max units is not cut. */
	total = escape_pass(s, multiline, SIZE_MAX - 1, 0, NULL);
	if (total <= max)
		escape_pass(s, multiline, max, 0, &b);
	else
		escape_pass(s, multiline, max, max > 0, &b);
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/* [A-Za-z0-9_-] of s, upper-cased, at most FIELD_MAX; "" for NULL. */
static void
clean_field(const char *s, char *dst)
{
	size_t	 n = 0;

	for (; s != NULL && *s != '\0' && n < FIELD_MAX; s++) {
		char	 c = *s;

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-')
			dst[n++] = c;
	}
	dst[n] = '\0';
}

static int
url_ok(const char *u)
{
	size_t	 i, n = strlen(u);

	if (n > SLACK_URL_MAX || (strncasecmp(u, "https://", 8) != 0 &&
	    strncasecmp(u, "http://", 7) != 0))
		return 0;
	for (i = 0; i < n; i++)
		if (u[i] <= ' ' || u[i] > '~' || strchr("\"<>|", u[i]) != NULL)
			return 0;
	return 1;
}

static char *
fail(char *err, size_t errlen, const char *msg)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", msg);
	return NULL;
}

/* UTF-16 units of s (valid UTF-8). */
static size_t
units_of(const char *s)
{
	size_t		 len = strlen(s), i, n, u = 0;
	uint32_t	 cp;

	for (i = 0; i < len; i += n) {
		n = utf8_decode(s + i, len - i, &cp);
		u += cp > 0xffff ? 2 : 1;
	}
	return u;
}

char *
slack_page_json(const struct slack_page *p, char *err, size_t errlen)
{
	char		 sev[FIELD_MAX + 1], status[FIELD_MAX + 1];
	char		 head[128], *title = NULL, *summary = NULL;
	char		*url = NULL, *out = NULL;
	struct strbuf	 text = { 0 }, fallback = { 0 };
	size_t		 used;
	json_t		*root = NULL;

	if (p->url != NULL && !url_ok(p->url))
		return fail(err, errlen, "url: not an http(s) URL Slack can "
		    "link to");
	clean_field(p->severity, sev);
	clean_field(p->status, status);
	snprintf(head, sizeof(head), "%s%s%s#%lld%s%s", sev[0] ? "[" : "",
	    sev, sev[0] ? "] " : "", p->incident_id, status[0] ? " " : "",
	    status);
	if ((title = slack_escape(p->title, 0, SLACK_TITLE_MAX)) == NULL ||
	    (p->url != NULL && (url = slack_escape(p->url, 0,
	    SIZE_MAX - 1)) == NULL))
		goto nomem;

	/* Fallback: "[SEV1] #42 title", for notifications. */
	strbuf_add(&fallback, head, strlen(head));
	if (*title != '\0') {
		strbuf_add(&fallback, " ", 1);
		strbuf_add(&fallback, title, strlen(title));
	}

	if (fallback.oom)
		goto nomem;

	/* The block: "*<url|[SEV1] #42 title>*\nsummary". */
	strbuf_add(&text, "*", 1);
	if (url != NULL) {
		strbuf_add(&text, "<", 1);
		strbuf_add(&text, url, strlen(url));
		strbuf_add(&text, "|", 1);
	}
	strbuf_add(&text, fallback.s, fallback.len);
	if (url != NULL)
		strbuf_add(&text, ">", 1);
	strbuf_add(&text, "*", 1);
	if (text.oom || fallback.oom)
		goto nomem;
	used = units_of(text.s) + 1;
	if (p->summary != NULL && used < SLACK_TEXT_MAX) {
		if ((summary = slack_escape(p->summary, 1,
		    SLACK_TEXT_MAX - used)) == NULL)
			goto nomem;
		if (*summary != '\0') {
			strbuf_add(&text, "\n", 1);
			strbuf_add(&text, summary, strlen(summary));
		}
	}
	if (text.oom)
		goto nomem;
	root = json_pack("{s:s, s:[{s:s, s:{s:s, s:s}}], s:b, s:b}",
	    "text", fallback.s,
	    "blocks", "type", "section", "text", "type", "mrkdwn",
	    "text", text.s,
	    "unfurl_links", 0, "unfurl_media", 0);
	if (root == NULL || (out = json_dumps(root, JSON_COMPACT)) == NULL)
		goto nomem;
	json_decref(root);
	free(title);
	free(summary);
	free(url);
	free(text.s);
	free(fallback.s);
	return out;
nomem:
	json_decref(root);
	free(title);
	free(summary);
	free(url);
	free(text.s);
	free(fallback.s);
	return fail(err, errlen, "out of memory");
}
