/*
 * plugins/notify_util.c — what the sms, email and exec notifiers share.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify_http.h"
#include "notify_post.h"
#include "notify_util.h"
#include "timefmt.h"

int
nu_timeout(const char *key, const char *value, int max_s, int *ms,
    struct pagerd_notifier_error *err)
{
	int64_t	 v;

	if (duration_parse(value, &v) == -1 || v < 1000 ||
	    v > (int64_t)max_s * 1000) {
		notify_set_error(err, key, "must be a duration from 1s to %ds "
		    "(\"10s\", \"1500ms\")", max_s);
		return -1;
	}
	*ms = (int)v;
	return 0;
}

char *
nu_base_url(const char *key, const char *value,
    struct pagerd_notifier_error *err)
{
	const char	*why;
	char		*s;
	size_t		 n;

	if ((why = notify_http_check_url(value)) != NULL)
		return notify_set_error(err, key, "%s", why);
	if (strpbrk(value, "?#") != NULL)
		return notify_set_error(err, key, "must not hold a query or "
		    "a fragment");
	if ((s = strdup(value)) == NULL)
		return notify_set_error(err, key, "out of memory");
	n = strlen(s);
	while (n > 0 && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

int
nu_set(char **slot, const char *key, const char *value,
    struct pagerd_notifier_error *err)
{
	if (*slot != NULL) {
		notify_set_error(err, key, "given twice");
		return -1;
	}
	if ((*slot = strdup(value)) == NULL) {
		notify_set_error(err, key, "out of memory");
		return -1;
	}
	return 0;
}

int
nu_call_start(struct nu_call **head, const struct pagerd_host *host,
    const struct pagerd_http_request *req, pagerd_http_cb *cb,
    const char *to, const char *id, pagerd_notify_done_cb *done,
    void *done_arg)
{
	struct nu_call	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -1;
	c->host = host;
	c->done = done;
	c->done_arg = done_arg;
	snprintf(c->to, sizeof(c->to), "%s", to);
	snprintf(c->id, sizeof(c->id), "%s", id != NULL ? id : "");
	if ((c->call = host->http_request(host->ctx, req, cb, c)) == NULL) {
		free(c);
		return -1;
	}
	c->head = head;
	if ((c->next = *head) != NULL)
		c->next->prev = c;
	*head = c;
	return 0;
}

static void
nu_call_unlink(struct nu_call *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		*c->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
}

void
nu_call_finish(struct nu_call *c, const struct pagerd_notify_status *st)
{
	nu_call_unlink(c);
	c->done(c->done_arg, st);
	free(c);
}

void
nu_call_cancel_all(struct nu_call **head)
{
	struct nu_call	*c;

	while ((c = *head) != NULL) {
		nu_call_unlink(c);
		c->host->http_cancel(c->host->ctx, c->call);
		free(c);
	}
}

int
nu_e164(const char *s)
{
	size_t	 n;

	if (s[0] != '+' || s[1] < '1' || s[1] > '9')
		return 0;
	for (n = 1; s[n] != '\0'; n++)
		if (s[n] < '0' || s[n] > '9')
			return 0;
	return n >= 3 && n <= 16;
}

const char *
nu_clean(const char *s, char *buf, size_t len)
{
	size_t	 i;

	if (s == NULL)
		return "-";
	for (i = 0; s[i] != '\0' && i < len - 1; i++) {
		unsigned char	 c = (unsigned char)s[i];

		buf[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	/* Cut inside a character: drop its bytes already copied. */
	while (s[i] != '\0' && i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
		i--;
	buf[i] = '\0';
	return buf;
}

char *
nu_strf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 rc;

	va_start(ap, fmt);
	rc = vasprintf(&s, fmt, ap);
	va_end(ap);
	return rc == -1 ? NULL : s;
}
