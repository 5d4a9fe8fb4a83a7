/*
 * lib/notify_http.c — the verdict on a provider's HTTP answer and the
 * config checks the HTTP notifier plugins share (notify_http.h).
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "notify_http.h"

int
notify_http_retry_after(const char *v)
{
	long	 n = 0;

	if (v == NULL)
		return 0;
	while (*v == ' ' || *v == '\t')
		v++;
	if (!isdigit((unsigned char)*v))
		return 0;
	for (; isdigit((unsigned char)*v); v++)
		if ((n = n * 10 + (*v - '0')) > NOTIFY_HTTP_RETRY_MAX)
			n = NOTIFY_HTTP_RETRY_MAX;
	while (*v == ' ' || *v == '\t')
		v++;
	return *v == '\0' ? (int)n : 0;
}

const char *
notify_http_header(const char *const *headers, size_t n, const char *name)
{
	size_t	 i, len = strlen(name);

	for (i = 0; headers != NULL && i < n; i++) {
		if (strncasecmp(headers[i], name, len) != 0 ||
		    headers[i][len] != ':')
			continue;
		return headers[i] + len + 1 + strspn(headers[i] + len + 1,
		    " \t");
	}
	return NULL;
}

/*
 * The start of a provider's answer for a person to read: control
 * characters become spaces, and a cut never splits a UTF-8 character.
 */
static void
snippet(const char *body, size_t len, char *out, size_t outlen)
{
	size_t	 i, n = len < outlen - 1 ? len : outlen - 1;

	if (n < len)
		while (n > 0 && ((unsigned char)body[n] & 0xc0) == 0x80)
			n--;
	for (i = 0; i < n; i++) {
		unsigned char	 c = (unsigned char)body[i];

		out[i] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
	}
	out[n] = '\0';
	/* Trailing white space says nothing. */
	while (n > 0 && out[n - 1] == ' ')
		out[--n] = '\0';
}

void
notify_http_verdict(const struct pagerd_http_response *resp,
    struct pagerd_notify_status *st, char *reason)
{
	char	 snip[NOTIFY_HTTP_SNIPPET + 1];
	int	 s = resp->status;

	memset(st, 0, sizeof(*st));
	if (s >= 200 && s <= 299) {
		st->result = PAGERD_NOTIFY_DELIVERED;
		return;
	}
	if (s == 0) {
		st->result = PAGERD_NOTIFY_RETRY;
		snprintf(reason, NOTIFY_HTTP_REASON_MAX, "no answer: %.250s",
		    resp->error != NULL ? resp->error : "transfer failed");
		st->reason = reason;
		return;
	}
	snippet(resp->body != NULL ? resp->body : "", resp->body != NULL ?
	    resp->body_len : 0, snip, sizeof(snip));
	snprintf(reason, NOTIFY_HTTP_REASON_MAX, "HTTP %d%s%s", s,
	    snip[0] != '\0' ? ": " : "", snip);
	st->reason = reason;
	if (s == 408 || s == 429 || (s >= 500 && s <= 599)) {
		st->result = PAGERD_NOTIFY_RETRY;
		st->retry_after_s = notify_http_retry_after(notify_http_header(
		    resp->headers, resp->nheaders, "Retry-After"));
	} else
		st->result = PAGERD_NOTIFY_PERMANENT;
}

const char *
notify_http_check_url(const char *url)
{
	const char	*p;

	if (strncmp(url, "https://", 8) == 0)
		p = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		p = url + 7;
	else
		return "must start with https:// or http://";
	if (*p == '\0' || *p == '/' || *p == ':')
		return "must name a host after the scheme";
	if (strlen(url) > 2000)
		return "must be at most 2000 bytes";
	for (; *p != '\0'; p++)
		if (!isgraph((unsigned char)*p) || (unsigned char)*p > 0x7e)
			return "must be printable ASCII without spaces "
			    "(percent-encode the rest)";
	return NULL;
}

int
notify_http_timeout_ms(const char *v)
{
	char	*end;
	long	 n;

	if (!isdigit((unsigned char)*v))
		return -1;
	n = strtol(v, &end, 10);
	if (strcmp(end, "ms") == 0)
		;
	else if (*end == '\0' || strcmp(end, "s") == 0)
		n = n > 3600 ? 3600000 : n * 1000;
	else
		return -1;
	return n >= 1000 && n <= 60000 ? (int)n : -1;
}

const char *
notify_http_check_header(const char *line, const char *const *reserved)
{
	const char	*p, *colon = strchr(line, ':');
	size_t		 i, len;

	if (colon == NULL || colon == line)
		return "must be \"Name: value\"";
	len = (size_t)(colon - line);
	/* RFC 9110 section 5.6.2: a name is a token. */
	for (p = line; p < colon; p++)
		if (!isalnum((unsigned char)*p) &&
		    strchr("!#$%&'*+-.^_`|~", *p) == NULL)
			return "has a header name that is not a token";
	for (p = colon + 1; *p != '\0'; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			return "must not contain CR, LF or control characters";
	for (i = 0; reserved != NULL && reserved[i] != NULL; i++)
		if (strlen(reserved[i]) == len &&
		    strncasecmp(line, reserved[i], len) == 0)
			return "is a header the plugin sets itself";
	return NULL;
}
