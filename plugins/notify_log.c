/*
 * plugins/notify_log.c — a notifier that "delivers" by writing one log
 * line through the host. For trying routes and escalation policies
 * without paging anyone, for tests (it can be told to fail), and as the
 * smallest complete example of the plugin ABI. It talks to no one.
 *
 * Config keys (all optional):
 *	level = "info";		# notice | info | warning: the log level used
 *	result = "delivered";	# delivered | retry | permanent: what to report
 *	retry_after = 30;	# seconds, with result = "retry"
 */
#include <stdlib.h>
#include <string.h>

#include "pagerd_notifier.h"

/* Longest title and address we copy into one log line. */
#define NL_TITLE_MAX	200
#define NL_FIELD_MAX	128

struct notify_log {
	const struct pagerd_host	*host;
	enum pagerd_log_level		 level;
	enum pagerd_notify_result	 result;
	int				 retry_after_s;
};

static void
set_error(struct pagerd_notifier_error *err, const char *key,
    const char *msg)
{
	strncpy(err->key, key, sizeof(err->key) - 1);
	err->key[sizeof(err->key) - 1] = '\0';
	strncpy(err->msg, msg, sizeof(err->msg) - 1);
	err->msg[sizeof(err->msg) - 1] = '\0';
}

/*
 * Copy s into buf for logging. Titles and names come from alerts, that is
 * from whoever can reach the intake: a newline or an escape sequence in
 * one must not forge a second log line or drive a terminal, so control
 * bytes become '?'. Cuts at len - 1 bytes, backing off to a UTF-8
 * character boundary so the line stays valid UTF-8.
 */
static const char *
clean(const char *s, char *buf, size_t len)
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

static int
parse_int(const char *s, long min, long max, int *out)
{
	char	*end;
	long	 v;

	if (*s == '\0')
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

static void *
nl_create(const char *instance, const struct pagerd_kv *cfg, size_t ncfg,
    const struct pagerd_host *host, struct pagerd_notifier_error *err)
{
	struct notify_log	*nl;
	size_t			 i;

	if ((nl = calloc(1, sizeof(*nl))) == NULL) {
		set_error(err, "", "out of memory");
		return NULL;
	}
	nl->host = host;
	nl->level = PAGERD_LOG_INFO;
	nl->result = PAGERD_NOTIFY_DELIVERED;

	for (i = 0; i < ncfg; i++) {
		const char	*k = cfg[i].key, *v = cfg[i].value;

		if (strcmp(k, "level") == 0) {
			if (strcmp(v, "notice") == 0)
				nl->level = PAGERD_LOG_NOTICE;
			else if (strcmp(v, "info") == 0)
				nl->level = PAGERD_LOG_INFO;
			else if (strcmp(v, "warning") == 0)
				nl->level = PAGERD_LOG_WARNING;
			else {
				set_error(err, k, "must be \"notice\", "
				    "\"info\" or \"warning\"");
				goto fail;
			}
		} else if (strcmp(k, "result") == 0) {
			if (strcmp(v, "delivered") == 0)
				nl->result = PAGERD_NOTIFY_DELIVERED;
			else if (strcmp(v, "retry") == 0)
				nl->result = PAGERD_NOTIFY_RETRY;
			else if (strcmp(v, "permanent") == 0)
				nl->result = PAGERD_NOTIFY_PERMANENT;
			else {
				set_error(err, k, "must be \"delivered\", "
				    "\"retry\" or \"permanent\"");
				goto fail;
			}
		} else if (strcmp(k, "retry_after") == 0) {
			if (parse_int(v, 0, 86400, &nl->retry_after_s) == -1) {
				set_error(err, k, "must be a number of "
				    "seconds from 0 to 86400");
				goto fail;
			}
		} else {
			/* A typo must not pass silently. */
			set_error(err, k, "unknown key (known: level, result, "
			    "retry_after)");
			goto fail;
		}
	}
	host->log(host->ctx, PAGERD_LOG_DEBUG, "instance %s ready", instance);
	return nl;

fail:
	free(nl);
	return NULL;
}

static void
nl_send(void *inst, const struct pagerd_notification *n,
    pagerd_notify_done_cb *done, void *done_arg)
{
	struct notify_log		*nl = inst;
	struct pagerd_notify_status	 st;
	char				 title[NL_TITLE_MAX];
	char				 id[NL_FIELD_MAX], name[NL_FIELD_MAX];
	char				 addr[NL_FIELD_MAX], sev[NL_FIELD_MAX];
	char				 key[NL_FIELD_MAX];

	nl->host->log(nl->host->ctx, nl->level,
	    "%s incident %lld %s to %s \"%s\" <%s> code %d key %s "
	    "attempt %d: %s",
	    n->kind == PAGERD_NOTIFY_PAGE ? "page" : "update",
	    n->incident_id, clean(n->severity, sev, sizeof(sev)),
	    clean(n->recipient.id, id, sizeof(id)),
	    clean(n->recipient.name, name, sizeof(name)),
	    clean(n->recipient.address, addr, sizeof(addr)),
	    n->reply_code, clean(n->idempotency_key, key, sizeof(key)),
	    n->attempt, clean(n->title, title, sizeof(title)));

	memset(&st, 0, sizeof(st));
	st.result = nl->result;
	switch (nl->result) {
	case PAGERD_NOTIFY_DELIVERED:
		break;
	case PAGERD_NOTIFY_RETRY:
		st.retry_after_s = nl->retry_after_s;
		st.reason = "log notifier configured to fail (retry)";
		break;
	case PAGERD_NOTIFY_PERMANENT:
		st.reason = "log notifier configured to fail (permanent)";
		break;
	}
	/* Nothing to wait for: completing inside send() is allowed. */
	done(done_arg, &st);
}

static void
nl_destroy(void *inst)
{
	/* No calls or timers are ever outstanding: just free. */
	free(inst);
}

const struct pagerd_notifier pagerd_notifier_v1 = {
	.abi = PAGERD_NOTIFIER_ABI,
	.name = "log",
	.description = "write one log line per notification (no delivery)",
	.create = nl_create,
	.send = nl_send,
	.destroy = nl_destroy,
};
