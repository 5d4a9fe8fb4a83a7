/*
 * lib/config_schema.c — every config key as a table row (type, field,
 * default, bounds, doc), the checks for values that are more than a type
 * (addresses, prefixes), and config_reference(), which prints the tables
 * as the Markdown in docs/CONFIG.md. Loading lives in lib/config.c.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config.h"
#include "config_schema.h"
#include "rota.h"
#include "rota_config.h"
#include "syslog_parse.h"
#include "syslog_rules.h"
#include "tz.h"

#define NKEYS(a)	(sizeof(a) / sizeof((a)[0]))
#define CFG(f)		offsetof(struct config, f)

/* ------------------------------------------------------------ checks */

/*
 * "host:port" as evhttp_bind_socket() and getaddrinfo() will take it:
 * an IPv4 address, an IPv6 address in brackets (its colons would
 * otherwise be ambiguous) or a DNS name, then a port 1..65535. Port 0
 * (any free port) is refused: nobody could find the daemon.
 */
static const char *
check_hostport(const char *s)
{
	const char		*colon, *p;
	char			 host[256];
	size_t			 hlen;
	unsigned long		 port;
	char			*end;
	struct in6_addr		 a6;
	int			 digits_dots = 1;

	colon = strrchr(s, ':');
	if (colon == NULL)
		return "must be host:port";
	p = colon + 1;
	if (!isdigit((unsigned char)*p))
		return "must end in :port, a number 1..65535";
	errno = 0;
	port = strtoul(p, &end, 10);
	if (*end != '\0' || errno != 0 || port < 1 || port > 65535)
		return "must end in :port, a number 1..65535";

	hlen = (size_t)(colon - s);
	if (hlen == 0)
		return "needs a host before :port (0.0.0.0 or [::] for all)";
	if (s[0] == '[') {
		if (hlen < 3 || s[hlen - 1] != ']' || hlen - 2 >= sizeof(host))
			return "has a bad [IPv6] host";
		memcpy(host, s + 1, hlen - 2);
		host[hlen - 2] = '\0';
		if (inet_pton(AF_INET6, host, &a6) != 1)
			return "has a bad [IPv6] host";
		return NULL;
	}
	if (memchr(s, ':', hlen) != NULL)
		return "has an IPv6 host that needs brackets: [::1]:port";
	if (hlen > 253)
		return "has a host name longer than 253 bytes";
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	for (p = host; *p != '\0'; p++)
		if (!isdigit((unsigned char)*p) && *p != '.')
			digits_dots = 0;
	if (digits_dots)
		return inet_pton(AF_INET, host, &a6) == 1 ? NULL :
		    "has a bad IPv4 address";
	/* RFC 1123 names: labels of letters, digits and inner hyphens. */
	for (p = host; *p != '\0'; ) {
		size_t	n = strspn(p, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");

		if (n == 0 || n > 63 || p[0] == '-' || p[n - 1] == '-' ||
		    (p[n] != '.' && p[n] != '\0'))
			return "has a host that is not an address or a name";
		p += n;
		if (*p == '.' && *++p == '\0')
			break;		/* a trailing dot is a rooted name */
	}
	return NULL;
}

/* Empty means "none": required-ness is checked against redis.spawn. */
static const char *
check_redis_address(const char *s)
{
	struct sockaddr_un	sun;

	if (*s == '\0')
		return NULL;
	if (strncmp(s, "unix:", 5) == 0) {
		if (s[5] != '/')
			return "must be unix:/absolute/path or host:port";
		if (strlen(s + 5) >= sizeof(sun.sun_path))
			return "has a socket path too long for a unix socket";
		return NULL;
	}
	return check_hostport(s);
}

/* The prefix is pasted into every key and every Lua script's KEYS. */
static const char *
check_prefix(const char *s)
{
	for (; *s != '\0'; s++)
		if (isspace((unsigned char)*s) || iscntrl((unsigned char)*s))
			return "must not contain spaces or control characters";
	return NULL;
}

/*
 * Names end up in logs, metrics labels and timelines; keys and tokens
 * travel in "Authorization: Bearer KEY", where spaces and non-ASCII bytes
 * cannot go, so such a key could never match.
 */
static const char *
check_token(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isgraph((unsigned char)*s) || (unsigned char)*s > 0x7e)
			return "must be printable ASCII without spaces";
	return NULL;
}

/* A service's name goes into group keys and Redis keys (route.h). */
static const char *
check_service(const char *s)
{
	return route_check_service_name(s);
}

/*
 * A group_by label name, or "...". Group keys write name="value", so
 * quotes, '=', ',' and braces in a name could make two groups look
 * alike; no label a monitoring system sends has them.
 */
static const char *
check_group_label(const char *s)
{
	if (*s == '\0')
		return "must not be empty";
	if (strcmp(s, ROUTE_GROUP_EACH) == 0)
		return NULL;
	for (; *s != '\0'; s++)
		if (iscntrl((unsigned char)*s) || *s == ' ' ||
		    strchr("\"=,{}\\", *s) != NULL)
			return "must be a label name (no spaces, quotes, "
			    "'=', ',', braces or backslashes) or \"...\"";
	return NULL;
}

/* ------------------------------------------------------------ tables */

static const char *
check_facility(const char *s)
{
	return syslog_facility_parse(s) < 0 ? "not a syslog facility (kern, "
	    "user, mail, daemon, auth, syslog, lpr, news, uucp, cron, "
	    "authpriv, ftp, local0..local7)" : NULL;
}

static const char *
check_regex(const char *s)
{
	char	 err[128];

	return syslog_regex_check(s, err, sizeof(err)) == -1 ?
	    "not a valid POSIX extended regular expression" : NULL;
}

static const char *
check_template(const char *s)
{
	char	 err[256];

	return syslog_template_check(s, err, sizeof(err)) == -1 ?
	    "bad template: an unclosed \"{\" or an unknown placeholder "
	    "(use {host} {app} {procid} {msgid} {facility} {severity} "
	    "{message} {rule} {1}..{9}; \"{{\" for a literal \"{\")" : NULL;
}

static const char *
check_label_template(const char *s)
{
	const char	*eq = strchr(s, '=');

	if (eq == NULL || eq == s)
		return "must be name=value";
	return check_template(eq + 1);
}

static const struct cchoice syslog_severities[] = {
	{ "emerg", 0 }, { "alert", 1 }, { "crit", 2 }, { "err", 3 },
	{ "warning", 4 }, { "notice", 5 }, { "info", 6 }, { "debug", 7 },
	{ NULL, 0 }
};

static const struct cchoice log_levels[] = {
	{ "error", LOG_ERR },
	{ "warning", LOG_WARNING },
	{ "info", LOG_INFO },
	{ "debug", LOG_DEBUG },
	{ NULL, 0 }
};

static const struct cchoice fsync_policies[] = {
	{ "always", 0 },
	{ "everysec", 0 },
	{ "no", 0 },
	{ NULL, 0 }
};

/* Levels as route.h and alert.h number them: 1 is the highest. */
static const struct cchoice sev_levels[] = {
	{ "sev1", 1 },
	{ "sev2", 2 },
	{ "sev3", 3 },
	{ NULL, 0 }
};

static const struct ckey log_keys[] = {
	{ .name = "level", .type = CK_ENUM, .off = CFG(log_level),
	  .def = "info", .choices = log_levels,
	  .doc = "Least severe message that is logged." },
	{ .name = "syslog", .type = CK_BOOL, .off = CFG(log_syslog),
	  .def = "false",
	  .doc = "true: log to syslog(3); false: to stderr, which systemd "
	    "sends to the journal." },
};

static const struct ckey redis_keys[] = {
	{ .name = "spawn", .type = CK_BOOL, .off = CFG(redis_spawn),
	  .def = "true",
	  .doc = "Start and supervise a private redis-server (unix socket "
	    "and append-only file in `state_dir`, no TCP port). false: "
	    "connect to `address`." },
	{ .name = "server", .type = CK_STRING, .off = CFG(redis_server),
	  .def = "/usr/bin/redis-server", .min = "1",
	  .doc = "The redis-server binary that `spawn` runs." },
	{ .name = "appendfsync", .type = CK_STRING,
	  .off = CFG(redis_appendfsync), .def = "everysec",
	  .choices = fsync_policies,
	  .doc = "When the spawned Redis fsyncs its append-only file: "
	    "`always` loses nothing on power loss, `everysec` up to a "
	    "second." },
	{ .name = "address", .type = CK_STRING, .off = CFG(redis_address),
	  .def = "", .check = check_redis_address,
	  .doc = "`unix:/absolute/path` or `host:port` of a Redis you run "
	    "yourself; required when `spawn` is false." },
	{ .name = "password", .type = CK_STRING,
	  .off = CFG(redis_password),
	  .doc = "Sent with AUTH after connecting; none when absent." },
	{ .name = "db", .type = CK_INT, .off = CFG(redis_db), .def = "0",
	  .min = "0", .max = "15",
	  .doc = "Database number (SELECT)." },
	{ .name = "prefix", .type = CK_STRING, .off = CFG(redis_prefix),
	  .def = "pagerd:", .min = "1", .check = check_prefix,
	  .doc = "Put before every Redis key, so that several deployments "
	    "can share one Redis." },
	{ .name = "connect_timeout", .type = CK_DURATION,
	  .off = CFG(redis_connect_timeout_ms), .def = "2s",
	  .min = "100ms", .max = "60s",
	  .doc = "Give up on one connection attempt after this long." },
	{ .name = "reconnect_max", .type = CK_DURATION,
	  .off = CFG(redis_reconnect_max_ms), .def = "5s",
	  .min = "100ms", .max = "300s",
	  .doc = "The wait between reconnection attempts doubles up to "
	    "this." },
	{ .name = "command_timeout", .type = CK_DURATION,
	  .off = CFG(redis_command_timeout_ms), .def = "5s",
	  .min = "100ms", .max = "300s",
	  .doc = "A Redis that does not answer a command within this is "
	    "disconnected and reconnected." },
	{ .name = "child_nice", .type = CK_INT, .off = CFG(redis_child_nice),
	  .def = "10", .min = "0", .max = "19",
	  .doc = "The nice value pagerd gives Redis's fork children (the "
	    "AOF rewrite, a snapshot), so that a rewrite during an alert "
	    "storm takes about a tenth of a busy core instead of "
	    "half. Applies to the spawned Redis and to one of "
	    "the same user on a unix socket; 0: leave them alone." },
	{ .name = "drop_aof_cache", .type = CK_BOOL,
	  .off = CFG(redis_drop_aof_cache), .def = "true",
	  .doc = "Drop from the page cache what Redis has written to its "
	    "AOF files (read back only at a restart), so that an alert "
	    "storm does not grow memory by ~1 KB per alert beyond Redis's "
	    "own. Applies where child_nice does." },
	{ .name = "quiet_rewrite", .type = CK_INT,
	  .off = CFG(redis_quiet_rewrite), .def = "100", .min = "0",
	  .max = "10000",
	  .doc = "Once Redis's AOF has grown this many percent over its "
	    "size at the last rewrite (and to 64 MB at least), pagerd asks "
	    "Redis to rewrite it (BGREWRITEAOF) as soon as intake is quiet "
	    "(quiet_rate, quiet_for), so that Redis's own rewrite, which "
	    "comes when the file grows fastest, seldom falls in an alert "
	    "storm. Applies where child_nice does; 0: never." },
	{ .name = "quiet_rate", .type = CK_INT,
	  .off = CFG(redis_quiet_rate), .def = "100", .min = "0",
	  .max = "1000000",
	  .doc = "Intake is quiet for quiet_rewrite when no second of the "
	    "last quiet_for took in more alerts than this (all sources)." },
	{ .name = "quiet_for", .type = CK_DURATION,
	  .off = CFG(redis_quiet_for_ms), .def = "10s", .min = "1s",
	  .max = "3600s",
	  .doc = "How long intake stays at or under quiet_rate before a "
	    "quiet_rewrite." },
};

/*
 * The daemon's address as people reach it, pasted in front of API paths
 * in links that notifiers send ("URL/api/v1/incidents/42"), so it is
 * kept to characters that need no escaping in a URL, JSON, a Slack link
 * or a mail.
 */
static const char *
check_public_url(const char *s)
{
	const char	*p;

	if (strncmp(s, "https://", 8) == 0)
		p = s + 8;
	else if (strncmp(s, "http://", 7) == 0)
		p = s + 7;
	else
		return "must start with https:// or http://";
	if (*p == '\0' || *p == '/')
		return "must name a host after the scheme";
	for (; *p != '\0'; p++)
		if (!isgraph((unsigned char)*p) || (unsigned char)*p > 0x7e ||
		    strchr("\"'<>|\\`^{}?#", *p) != NULL)
			return "must be printable ASCII without spaces, "
			    "quotes, <>|\\`^{} or a query (?#)";
	return NULL;
}

static const struct ckey http_keys[] = {
	{ .name = "listen", .type = CK_LISTEN, .off = CFG(http_listen),
	  .off_n = CFG(n_http_listen), .def = "127.0.0.1:8080", .min = "1",
	  .check = check_hostport,
	  .doc = "Where to accept HTTP: `host:port` strings, the host an "
	    "IPv4 address, an `[IPv6]` address or a name." },
	{ .name = "max_body", .type = CK_SIZE, .off = CFG(http_max_body),
	  .def = "1048576", .min = "1024", .max = "67108864",
	  .doc = "Largest request body in bytes; larger ones get 413." },
	{ .name = "max_header_size", .type = CK_SIZE,
	  .off = CFG(http_max_header_size), .def = "16384",
	  .min = "1024", .max = "1048576",
	  .doc = "Largest request line plus headers in bytes; larger get "
	  "431." },
	{ .name = "max_connections", .type = CK_INT,
	  .off = CFG(http_max_connections), .def = "1024",
	  .min = "1", .max = "100000",
	  .doc = "Connections beyond this are answered 503 and closed." },
	{ .name = "request_timeout", .type = CK_DURATION,
	  .off = CFG(http_request_timeout_ms), .def = "10s",
	  .min = "1s", .max = "300s",
	  .doc = "A whole request must arrive within this." },
	{ .name = "idle_timeout", .type = CK_DURATION,
	  .off = CFG(http_idle_timeout_ms), .def = "60s",
	  .min = "1s", .max = "3600s",
	  .doc = "Keep-alive connections idle this long are closed." },
	{ .name = "public_url", .type = CK_STRING,
	  .off = CFG(http_public_url), .max = "200", .min = "8",
	  .check = check_public_url,
	  .doc = "How people reach pagerd, e.g. "
	    "`\"https://pagerd.example.com\"`: notifications link to "
	    "`PUBLIC_URL/api/v1/incidents/ID`. Absent: no link." },
};

static const struct ckey udp_keys[] = {
	{ .name = "listen", .type = CK_LISTEN, .off = CFG(udp_listen),
	  .off_n = CFG(n_udp_listen), .def = "127.0.0.1:5140",
	  .check = check_hostport,
	  .doc = "Where to receive alerts, one JSON object per datagram; "
	    "`[]` turns UDP off." },
	{ .name = "require_signature", .type = CK_BOOL,
	  .off = CFG(udp_require_signature), .def = "false",
	  .doc = "Accept only datagrams signed with HMAC-SHA256 (a "
	    "`PAGERD-SIG t=..,k=..,v1=..` first line, see README); refuse "
	    "plain ones that carry their key." },
	{ .name = "max_skew", .type = CK_DURATION,
	  .off = CFG(udp_max_skew_ms), .def = "60s",
	  .min = "1s", .max = "1h",
	  .doc = "A signed datagram whose timestamp is further than this "
	    "from pagerd's clock is refused as stale; within it, a "
	    "repeated signature is refused as a replay." },
};

#define SRULE(f)	offsetof(struct syslog_rule_cfg, f)

static const struct ckey syslog_rule_keys[] = {
	{ .name = "name", .type = CK_STRING, .off = SRULE(name), .min = "1",
	  .check = check_token, .flags = CK_REQUIRED | CK_UNIQUE,
	  .doc = "Names the rule in labels (`rule`), logs and metrics." },
	{ .name = "facility", .type = CK_LISTEN, .off = SRULE(facility),
	  .off_n = SRULE(n_facility), .check = check_facility,
	  .doc = "Facilities that match (`[\"kern\", \"daemon\"]`); "
	    "absent: any." },
	{ .name = "severity", .type = CK_ENUM, .off = SRULE(severity),
	  .def = "debug", .choices = syslog_severities,
	  .doc = "Threshold: this severity or a more severe one matches." },
	{ .name = "host", .type = CK_STRING, .off = SRULE(host),
	  .check = check_regex,
	  .doc = "POSIX extended regex the hostname must contain a match "
	    "of (anchor with ^ and $)." },
	{ .name = "app", .type = CK_STRING, .off = SRULE(app),
	  .check = check_regex,
	  .doc = "Regex for the app-name (RFC 5424) or tag (RFC 3164)." },
	{ .name = "message", .type = CK_STRING, .off = SRULE(message),
	  .check = check_regex,
	  .doc = "Regex for the message; its groups are {1}..{9} in the "
	    "templates." },
	{ .name = "summary", .type = CK_STRING, .off = SRULE(summary),
	  .min = "1", .check = check_template, .flags = CK_REQUIRED,
	  .doc = "Template for the alert summary, e.g. "
	    "`\"{host}: {message}\"`." },
	{ .name = "dedup_key", .type = CK_STRING, .off = SRULE(dedup_key),
	  .check = check_template,
	  .doc = "Template for the alert's identity; absent: the hash of "
	    "its labels (rule, host, app, facility, severity and `labels`)." },
	{ .name = "labels", .type = CK_LISTEN, .off = SRULE(labels),
	  .off_n = SRULE(n_labels), .check = check_label_template,
	  .doc = "Extra labels as `\"name=template\"` strings, e.g. "
	    "`[\"team=db\", \"disk={1}\"]`." },
};

static const struct csection syslog_rule_section = { syslog_rule_keys,
    NKEYS(syslog_rule_keys), sizeof(struct syslog_rule_cfg) };

static const struct ckey syslog_keys[] = {
	{ .name = "listen", .type = CK_LISTEN, .off = CFG(syslog_listen),
	  .off_n = CFG(n_syslog_listen), .check = check_hostport,
	  .doc = "Where to receive syslog datagrams (RFC 5424 and RFC "
	    "3164), e.g. `[\"127.0.0.1:5514\"]`; absent: off." },
	{ .name = "source", .type = CK_STRING, .off = CFG(syslog_source),
	  .def = "syslog", .min = "1",
	  .doc = "The source recorded on alerts made from syslog." },
	{ .name = "rules", .type = CK_LIST, .off = CFG(syslog_rules),
	  .off_n = CFG(n_syslog_rules), .sub = &syslog_rule_section,
	  .doc = "In order; the first rule that matches makes the line an "
	    "alert. Lines no rule matches are counted, not stored." },
};

static const struct ckey limits_keys[] = {
	{ .name = "batch", .type = CK_SIZE, .off = CFG(limits.max_batch),
	  .def = "1000", .min = "1", .max = "100000",
	  .doc = "Alerts in one request body." },
	{ .name = "labels", .type = CK_SIZE, .off = CFG(limits.max_labels),
	  .def = "64", .min = "1", .max = "10000",
	  .doc = "Labels on one alert." },
	{ .name = "label_name", .type = CK_SIZE,
	  .off = CFG(limits.max_label_name), .def = "128",
	  .min = "1", .max = "65536",
	  .doc = "Bytes in a label name." },
	{ .name = "label_value", .type = CK_SIZE,
	  .off = CFG(limits.max_label_value), .def = "2048",
	  .min = "1", .max = "1048576",
	  .doc = "Bytes in a label value." },
	{ .name = "summary", .type = CK_SIZE,
	  .off = CFG(limits.max_summary), .def = "1024",
	  .min = "1", .max = "65536",
	  .doc = "Bytes in an alert's summary." },
	{ .name = "dedup_key", .type = CK_SIZE,
	  .off = CFG(limits.max_dedup_key), .def = "255",
	  .min = "1", .max = "65536",
	  .doc = "Bytes in an alert's dedup_key." },
	{ .name = "alert_size", .type = CK_SIZE,
	  .off = CFG(limits.max_alert_size), .def = "65536",
	  .min = "256", .max = "16777216",
	  .doc = "Bytes of one alert's JSON." },
};

static const struct ckey store_keys[] = {
	{ .name = "retention", .type = CK_DURATION,
	  .off = CFG(store_retention_ms), .def = "7d",
	  .min = "1m", .max = "3650d",
	  .doc = "Resolved alerts are kept this long." },
};

#define ELEM(t, f)	offsetof(struct t, f)

static const struct ckey integration_keys[] = {
	{ .name = "name", .type = CK_STRING, .off = ELEM(integration, name),
	  .min = "1", .check = check_token, .flags = CK_REQUIRED | CK_UNIQUE,
	  .doc = "Shown in logs and metrics." },
	{ .name = "key", .type = CK_SECRET, .off = ELEM(integration, key),
	  .min = "8", .check = check_token, .flags = CK_UNIQUE,
	  .doc = "The secret a sender presents; set `key` or `key_file`." },
	{ .name = "key_file", .type = CK_SECRET_FILE,
	  .off = ELEM(integration, key), .min = "8", .check = check_token,
	  .doc = "Read the key from this file (trailing white space "
	    "removed). Relative paths are looked up in systemd's "
	    "`$CREDENTIALS_DIRECTORY` when pagerd runs with one, else "
	    "next to the config file." },
	{ .name = "source", .type = CK_STRING,
	  .off = ELEM(integration, source), .min = "1",
	  .flags = CK_NAME_DEFAULT,
	  .doc = "Recorded as the source of alerts that do not name one." },
	{ .name = "service", .type = CK_STRING,
	  .off = ELEM(integration, service), .min = "1",
	  .doc = "Send every alert of this integration to this service, "
	    "whatever `routes` say; none: `routes` decide." },
};

static const char *
check_maint_zone(const char *s)
{
	return tz_name_check(s);
}

/* One maintenance window: a rota restriction's time, plus an owner. */
static const struct ckey maint_keys[] = {
	{ .name = "owner", .type = CK_STRING, .off = ELEM(maint_spec, owner),
	  .min = "1", .flags = CK_REQUIRED,
	  .doc = "Who answers for the window (a person or a team address); "
	    "shown in the incident's timeline." },
	{ .name = "time_zone", .type = CK_STRING,
	  .off = ELEM(maint_spec, time_zone), .check = check_maint_zone,
	  .doc = "The IANA zone of the times, e.g. `\"Europe/Amsterdam\"`; "
	    "absent: UTC." },
	{ .name = "restrictions", .type = CK_STRINGS,
	  .off = ELEM(maint_spec, restrictions),
	  .off_n = ELEM(maint_spec, n_restrictions), .min = "1",
	  .check = rota_check_restriction, .flags = CK_REQUIRED,
	  .doc = "When, in the syntax of rota restrictions (docs/ROTA.md): "
	    "`[ \"sun 02:00-04:00\" ]`, `\"mon-fri 22:00-06:00\"`, "
	    "`\"fri 18:00 - mon 09:00\"`, `\"sat,sun\"`; not "
	    "`\"holidays\"`." },
	{ .name = "from", .type = CK_STRING, .off = ELEM(maint_spec, from),
	  .check = rota_check_when,
	  .doc = "The window recurs from this date on: `\"2026-12-01\"`, "
	    "`\"2026-12-01 18:00\"` in `time_zone`, or RFC 3339." },
	{ .name = "until", .type = CK_STRING, .off = ELEM(maint_spec, until),
	  .check = rota_check_when,
	  .doc = "... and not from this date on (excluded)." },
};

static const struct csection maint_section =
    { maint_keys, NKEYS(maint_keys), sizeof(struct maint_spec) };

static const struct ckey hours_keys[] = {
	{ .name = "time_zone", .type = CK_STRING,
	  .off = ELEM(service, working_hours.time_zone),
	  .check = check_maint_zone,
	  .doc = "The IANA zone of the times; absent: UTC." },
	{ .name = "restrictions", .type = CK_STRINGS,
	  .off = ELEM(service, working_hours.restrictions),
	  .off_n = ELEM(service, working_hours.n_restrictions),
	  .check = rota_check_restriction,
	  .doc = "When, in the syntax of rota restrictions (docs/ROTA.md): "
	    "`[ \"mon-fri 09:00-18:00\" ]`; none: every day." },
	{ .name = "holidays", .type = CK_STRING,
	  .off = ELEM(service, working_hours.holidays), .min = "1",
	  .doc = "A calendar in `holidays`: its days are not working "
	    "days." },
};

static const struct csection hours_section =
    { hours_keys, NKEYS(hours_keys), 0 };

static const struct ckey service_keys[] = {
	{ .name = "name", .type = CK_STRING, .off = ELEM(service, name),
	  .min = "1", .max = "64", .check = check_service,
	  .flags = CK_REQUIRED | CK_UNIQUE,
	  .doc = "Letters, digits, `_`, `.` and `-`; routes and "
	    "integrations name it." },
	{ .name = "policy", .type = CK_STRING, .off = ELEM(service, policy),
	  .min = "1",
	  .doc = "The escalation policy (in `policies`) that pages for its "
	    "incidents; none: they page no one (`pagerd -t` warns)." },
	{ .name = "group_by", .type = CK_STRINGS,
	  .off = ELEM(service, group_by), .off_n = ELEM(service, n_group_by),
	  .def = ROUTE_GROUP_EACH, .check = check_group_label,
	  .doc = "Alerts with the same values of these labels share one "
	    "open incident. `[ \"...\" ]`: every distinct alert is its own "
	    "incident; `[]`: one incident for the whole service." },
	{ .name = "group_wait", .type = CK_DURATION,
	  .off = ELEM(service, group_wait_ms), .def = "30s",
	  .min = "0s", .max = "1h",
	  .doc = "How long a new incident collects alerts before its first "
	    "notification." },
	{ .name = "group_interval", .type = CK_DURATION,
	  .off = ELEM(service, group_interval_ms), .def = "5m",
	  .min = "1s", .max = "24h",
	  .doc = "The least time between notifications about new alerts "
	    "in an open incident." },
	{ .name = "repeat_interval", .type = CK_DURATION,
	  .off = ELEM(service, repeat_interval_ms), .def = "4h",
	  .min = "1m", .max = "30d",
	  .doc = "How often an unresolved incident is notified again." },
	{ .name = "auto_resolve", .type = CK_BOOL,
	  .off = ELEM(service, auto_resolve), .def = "true",
	  .doc = "Resolve an incident when all its alerts have resolved; "
	    "false: it stays open until someone resolves it." },
	{ .name = "maintenance", .type = CK_LIST,
	  .off = ELEM(service, maintenance),
	  .off_n = ELEM(service, n_maintenance), .sub = &maint_section,
	  .doc = "Recurring maintenance windows: while one covers the "
	    "moment an incident would first notify, its alerts are stored "
	    "but page no one; the incident is held (timeline event "
	    "`maintenance`) and goes on when the window ends, if still "
	    "firing." },
	{ .name = "working_hours", .type = CK_GROUP, .sub = &hours_section,
	  .doc = "When low-urgency (sev3) incidents may page: outside these "
	    "hours (and on the calendar's holidays) their paging waits for "
	    "the next working period. Absent: any time." },
};

static const struct ckey step_keys[] = {
	{ .name = "targets", .type = CK_STRINGS, .off = ELEM(esc_step, targets),
	  .off_n = ELEM(esc_step, n_targets), .min = "1", .max = "32",
	  .flags = CK_REQUIRED,
	  .doc = "Whom the step pages: `\"rota:db\"` (its first level), "
	    "`\"rota:db:secondary\"` or `\"rota:db:2\"` (a level by name "
	    "or number), `\"person:lotte\"`." },
	{ .name = "delay", .type = CK_DURATION, .off = ELEM(esc_step, delay_ms),
	  .def = "15m", .min = "1s", .max = "7d",
	  .doc = "How long the step waits for an acknowledgement before the "
	    "next one pages." },
};

static const struct csection step_section =
    { step_keys, NKEYS(step_keys), sizeof(struct esc_step) };

static const struct ckey policy_keys[] = {
	{ .name = "name", .type = CK_STRING, .off = ELEM(esc_policy, name),
	  .min = "1", .max = "64", .check = check_service,
	  .flags = CK_REQUIRED | CK_UNIQUE,
	  .doc = "What services name in `policy`." },
	{ .name = "steps", .type = CK_LIST, .off = ELEM(esc_policy, steps),
	  .off_n = ELEM(esc_policy, n_steps), .min = "1", .max = "20",
	  .sub = &step_section, .flags = CK_REQUIRED,
	  .doc = "In order: `( { targets = [ \"rota:db\" ]; delay = "
	    "\"10m\"; }, { targets = [ \"rota:db:secondary\" ]; } )`. A "
	    "step whose targets are all off duty is skipped at once." },
	{ .name = "repeat", .type = CK_INT, .off = ELEM(esc_policy, repeat),
	  .def = "0", .min = "0", .max = "9",
	  .doc = "How many times the steps start over after the last one "
	    "while nobody acknowledges." },
	{ .name = "low_urgency_steps", .type = CK_INT,
	  .off = ELEM(esc_policy, low_urgency_steps), .def = "1", .min = "0",
	  .max = "20",
	  .doc = "sev3 incidents go through this many steps at most, once, "
	    "and only in the service's `working_hours`." },
};

static const struct csection policy_section =
    { policy_keys, NKEYS(policy_keys), sizeof(struct esc_policy) };

static const struct ckey route_keys[] = {
	{ .name = "match", .type = CK_STRINGS, .off = ELEM(route, match),
	  .off_n = ELEM(route, n_match), .def = "",
	  .doc = "Label matchers in Alertmanager's syntax, all of which "
	    "must match: `[ \"team=\\\"db\\\"\", \"severity=~\\\"crit.*\\\"\" "
	    "]`; one string may hold several: "
	    "`\"{team=\\\"db\\\", env!=\\\"dev\\\"}\"`. `[]` matches every "
	    "alert." },
	{ .name = "service", .type = CK_STRING, .off = ELEM(route, service),
	  .min = "1", .flags = CK_REQUIRED,
	  .doc = "The service (in `services`) the alerts it matches go to." },
	{ .name = "continue", .type = CK_BOOL, .off = ELEM(route, cont),
	  .def = "false",
	  .doc = "true: after a match, later routes are tried too. The alert "
	    "is stored in the first matching service; the others matter once "
	    "notifications do." },
};

static const struct ckey severity_rule_keys[] = {
	{ .name = "match", .type = CK_STRINGS,
	  .off = ELEM(severity_rule, match),
	  .off_n = ELEM(severity_rule, n_match), .def = "",
	  .doc = "Label matchers, as in `routes`; all must match." },
	{ .name = "raw", .type = CK_STRINGS, .off = ELEM(severity_rule, raw),
	  .off_n = ELEM(severity_rule, n_raw), .def = "",
	  .doc = "The sender's severity values (any case) the rule takes: "
	    "`[ \"critical\", \"P1\" ]`; `[]`: any." },
	{ .name = "level", .type = CK_ENUM,
	  .off = ELEM(severity_rule, level), .choices = sev_levels,
	  .flags = CK_REQUIRED,
	  .doc = "The level of the alerts it takes." },
};

static const struct ckey inhibit_rule_keys[] = {
	{ .name = "source", .type = CK_STRINGS,
	  .off = ELEM(inhibit_rule, source),
	  .off_n = ELEM(inhibit_rule, n_source), .flags = CK_REQUIRED,
	  .doc = "Matchers, as in `routes`, of the alerts that mute others "
	    "while they fire; `level` (sev1..sev3) and `service` are "
	    "pagerd's." },
	{ .name = "target", .type = CK_STRINGS,
	  .off = ELEM(inhibit_rule, target),
	  .off_n = ELEM(inhibit_rule, n_target), .flags = CK_REQUIRED,
	  .doc = "Matchers of the alerts they mute." },
	{ .name = "equal", .type = CK_STRINGS,
	  .off = ELEM(inhibit_rule, equal),
	  .off_n = ELEM(inhibit_rule, n_equal), .def = "",
	  .doc = "Labels whose values source and target must share "
	    "(a label both lack counts as equal): `[ \"service\" ]`." },
};

static const struct ckey token_keys[] = {
	{ .name = "name", .type = CK_STRING, .off = ELEM(api_token, name),
	  .min = "1", .check = check_token, .flags = CK_REQUIRED | CK_UNIQUE,
	  .doc = "Shown in logs." },
	{ .name = "token", .type = CK_SECRET, .off = ELEM(api_token, token),
	  .min = "8", .check = check_token, .flags = CK_UNIQUE,
	  .doc = "The bearer token; set `token` or `token_file`." },
	{ .name = "token_file", .type = CK_SECRET_FILE,
	  .off = ELEM(api_token, token), .min = "8", .check = check_token,
	  .doc = "Read the token from this file, like `key_file`." },
};

static const struct csection log_section = { log_keys, NKEYS(log_keys), 0 };
static const struct csection redis_section =
    { redis_keys, NKEYS(redis_keys), 0 };
static const struct csection http_section =
    { http_keys, NKEYS(http_keys), 0 };
static const struct csection udp_section = { udp_keys, NKEYS(udp_keys), 0 };
static const struct csection syslog_section =
    { syslog_keys, NKEYS(syslog_keys), 0 };
static const struct csection limits_section =
    { limits_keys, NKEYS(limits_keys), 0 };
static const struct csection store_section =
    { store_keys, NKEYS(store_keys), 0 };
static const struct csection integration_section =
    { integration_keys, NKEYS(integration_keys), sizeof(struct integration) };
static const struct csection service_section =
    { service_keys, NKEYS(service_keys), sizeof(struct service) };
static const struct csection route_section =
    { route_keys, NKEYS(route_keys), sizeof(struct route) };
static const struct csection severity_rule_section =
    { severity_rule_keys, NKEYS(severity_rule_keys),
      sizeof(struct severity_rule) };
static const struct csection inhibit_rule_section =
    { inhibit_rule_keys, NKEYS(inhibit_rule_keys),
      sizeof(struct inhibit_rule) };
static const struct csection token_section =
    { token_keys, NKEYS(token_keys), sizeof(struct api_token) };

static const struct ckey api_keys[] = {
	{ .name = "tokens", .type = CK_LIST, .off = CFG(tokens),
	  .off_n = CFG(n_tokens), .sub = &token_section,
	  .doc = "Tokens for the HTTP API and pagerctl: "
	    "`( { name = \"admin\"; token_file = \"admin.token\"; } )`." },
};

static const struct csection api_section = { api_keys, NKEYS(api_keys), 0 };

static const struct ckey silences_keys[] = {
	{ .name = "max_duration", .type = CK_DURATION,
	  .off = CFG(silences_max_duration_ms), .def = "30d",
	  .min = "1m", .max = "3650d",
	  .doc = "The longest a silence may last (`ends_at` - `starts_at`): "
	    "a forgotten silence must not hide an outage for ever." },
};

static const struct csection silences_section =
    { silences_keys, NKEYS(silences_keys), 0 };

static const struct ckey severity_keys[] = {
	{ .name = "default", .type = CK_ENUM, .off = CFG(severity_default),
	  .def = "sev3", .choices = sev_levels,
	  .doc = "The level of alerts that no rule maps." },
	{ .name = "builtin", .type = CK_BOOL, .off = CFG(severity_builtin),
	  .def = "true",
	  .doc = "After `rules`, map the usual values: PagerDuty's critical, "
	    "error, warning, info; P1..P5 (also in a `priority` label); "
	    "syslog's names; page, major, minor; sev1..sev3. "
	    "false: only `rules`, then `default`." },
	{ .name = "rules", .type = CK_LIST, .off = CFG(severity_rules),
	  .off_n = CFG(n_severity_rules), .sub = &severity_rule_section,
	  .doc = "Severity rules, tried in order before the built-in ones; "
	    "the first whose `match` and `raw` both hold gives the level: "
	    "`( { match = [ \"team=\\\"db\\\"\" ]; raw = [ \"warning\" ]; "
	    "level = \"sev2\"; } )`." },
};

static const struct csection severity_section =
    { severity_keys, NKEYS(severity_keys), 0 };

/* ------------------------------------------------------------ notifiers */

/* A notifier's name is a metric label and a path segment of the API. */
static const char *
check_notifier_name(const char *s)
{
	if (*s == '\0' || strlen(s) > 64)
		return "must be 1..64 bytes";
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return "must be letters, digits, '_' and '-'";
	return NULL;
}

/* The type names a file, notify_TYPE.so: no '/' or '.' may sneak in. */
static const char *
check_plugin_type(const char *s)
{
	for (; *s != '\0'; s++)
		if (!islower((unsigned char)*s) &&
		    !isdigit((unsigned char)*s) && *s != '_')
			return "must be lower-case letters, digits and '_' "
			    "(the plugin file is notify_TYPE.so)";
	return NULL;
}

static const char *
check_abs_path(const char *s)
{
	return *s == '/' ? NULL : "must be an absolute path";
}

static const struct cchoice address_fields[] = {
	{ "phone", CONFIG_ADDRESS_PHONE },
	{ "email", CONFIG_ADDRESS_EMAIL },
	{ "id", CONFIG_ADDRESS_ID },
	{ NULL, 0 }
};

static const struct ckey notifier_keys[] = {
	{ .name = "name", .type = CK_STRING, .off = ELEM(notifier_cfg, name),
	  .check = check_notifier_name, .flags = CK_MAP_NAME,
	  .doc = "The instance's name is the group's name: "
	    "`oncall_sms: { ... };`." },
	{ .name = "type", .type = CK_STRING, .off = ELEM(notifier_cfg, type),
	  .min = "1", .max = "64", .check = check_plugin_type,
	  .flags = CK_REQUIRED,
	  .doc = "The plugin: `\"log\"` loads `notify_log.so` from "
	    "`plugin_dir`." },
	{ .name = "address", .type = CK_ENUM,
	  .off = ELEM(notifier_cfg, address), .choices = address_fields,
	  .doc = "Which field of a person it delivers to; absent: `phone` "
	    "for type `sms`, `email` for `email`, else `id` (the person's "
	    "id; the plugin's own settings say where it goes)." },
	{ .name = "max_inflight", .type = CK_INT,
	  .off = ELEM(notifier_cfg, max_inflight), .def = "32",
	  .min = "1", .max = "10000",
	  .doc = "Sends in flight at once; more are answered `retry` at "
	    "once, so a slow provider cannot pile up work." },
	{ .name = "*", .type = CK_PAIRS,
	  .off = ELEM(notifier_cfg, settings),
	  .off_n = ELEM(notifier_cfg, n_settings),
	  .doc = "Every other key goes to the plugin as text (lists as one "
	    "setting per element), which checks it: see docs/PLUGINS.md." },
};

static const struct csection notifier_section = { notifier_keys,
    NKEYS(notifier_keys), sizeof(struct notifier_cfg) };

static const struct ckey root_keys[] = {
	{ .name = "state_dir", .type = CK_STRING, .off = CFG(state_dir),
	  .def = "/var/lib/pagerd", .min = "1",
	  .doc = "Where the spawned Redis keeps its socket and append-only "
	    "file." },
	{ .name = "plugin_dir", .type = CK_STRING, .off = CFG(plugin_dir),
	  .check = check_abs_path,
	  .doc = "Where notifier plugins (`notify_TYPE.so`) are; absent: the "
	    "directory chosen at build time (`$(pkglibdir)`), then `.libs` "
	    "beside the pagerd binary, so a build tree runs as it is." },
	{ .name = "log", .type = CK_GROUP, .sub = &log_section },
	{ .name = "redis", .type = CK_GROUP, .sub = &redis_section },
	{ .name = "http", .type = CK_GROUP, .sub = &http_section },
	{ .name = "udp", .type = CK_GROUP, .sub = &udp_section },
	{ .name = "syslog", .type = CK_GROUP, .sub = &syslog_section },
	{ .name = "limits", .type = CK_GROUP, .sub = &limits_section },
	{ .name = "store", .type = CK_GROUP, .sub = &store_section },
	{ .name = "silences", .type = CK_GROUP, .sub = &silences_section },
	{ .name = "services", .type = CK_LIST, .off = CFG(services),
	  .off_n = CFG(n_services), .sub = &service_section,
	  .doc = "What alerts are grouped into: `( { name = \"db\"; "
	    "group_by = [ \"alertname\", \"cluster\" ]; } )`. Names must "
	    "be unique. A service named `default` takes the alerts that no "
	    "route claims; when none is written, pagerd adds one with "
	    "`group_by = [ \"...\" ]` and `group_wait = \"0s\"`, so each "
	    "new alert opens its own incident at once." },
	{ .name = "routes", .type = CK_LIST, .off = CFG(routes),
	  .off_n = CFG(n_routes), .sub = &route_section,
	  .doc = "Which service an alert goes to, tried in order; the first "
	    "route whose matchers all match wins (see `continue`), and "
	    "alerts that no route matches go to `default`. An integration "
	    "with a `service` skips the routes." },
	{ .name = "severity", .type = CK_GROUP, .sub = &severity_section },
	{ .name = "inhibit_rules", .type = CK_LIST,
	  .off = CFG(inhibit_rules), .off_n = CFG(n_inhibit_rules),
	  .sub = &inhibit_rule_section,
	  .doc = "Alertmanager's inhibition: while an alert matching `source` "
	    "fires, alerts matching `target` with the same `equal` labels "
	    "page no one (they are stored, marked inhibited): "
	    "`( { source = [ \"level=\\\"sev1\\\"\" ]; target = "
	    "[ \"level=\\\"sev3\\\"\" ]; equal = [ \"service\" ]; } )`." },
	{ .name = "integrations", .type = CK_LIST, .off = CFG(integrations),
	  .off_n = CFG(n_integrations), .sub = &integration_section,
	  .doc = "Senders of alerts, each with its own key: "
	    "`( { name = \"prometheus\"; key_file = \"prom.key\"; } )`. "
	    "Names and keys must be unique." },
	{ .name = "api", .type = CK_GROUP, .sub = &api_section },
	{ .name = "policies", .type = CK_LIST, .off = CFG(policies),
	  .off_n = CFG(n_policies), .sub = &policy_section,
	  .doc = "Escalation policies: who is paged, step by step, until "
	    "someone acknowledges. See docs/ESCALATION.md." },
	{ .name = "contact_defaults", .type = CK_LIST,
	  .off = CFG(contact_defaults), .off_n = CFG(n_contact_defaults),
	  .max = "16", .sub = &esc_contact_section,
	  .doc = "The contact rules of people who have no `contact` of "
	    "their own: `( { notifier = \"sms\"; } )`." },
	{ .name = "people", .type = CK_MAP, .off = CFG(oncall.people),
	  .off_n = CFG(oncall.n_people), .sub = &rota_people_section,
	  .doc = "Who can be paged, by id: `people: { anna: { name = "
	    "\"Anna de Vries\"; phone = \"+31612345678\"; }; };`." },
	{ .name = "holidays", .type = CK_MAP, .off = CFG(oncall.calendars),
	  .off_n = CFG(oncall.n_calendars), .sub = &rota_holidays_section,
	  .doc = "Holiday calendars by id, usually one @include'd file each: "
	    "`holidays: { @include \"holidays/nl.conf\" };`." },
	{ .name = "notifiers", .type = CK_MAP, .off = CFG(notifiers),
	  .off_n = CFG(n_notifiers), .sub = &notifier_section,
	  .doc = "Notifier plugin instances by name: `notifiers: { oncall_sms: "
	    "{ type = \"sms\"; ... }; };`. Each is checked, plugin settings "
	    "included, at start, on reload and by `pagerd -t`." },
	{ .name = "rotas", .type = CK_MAP, .off = CFG(oncall.rotas),
	  .off_n = CFG(oncall.n_rotas), .sub = &rota_rotas_section,
	  .doc = "On-call rotas by id, usually one @include'd file per "
	    "team: `rotas: { @include \"rota.d/db.conf\" };`. See "
	    "docs/ROTA.md." },
};

const struct csection config_schema = { root_keys, NKEYS(root_keys), 0 };

/* ------------------------------------------------------------ lookup */

const struct ckey *
ckey_find(const struct csection *sec, const char *name)
{
	size_t	i;

	for (i = 0; i < sec->nkeys; i++)
		if (strcmp(sec->keys[i].name, name) == 0)
			return &sec->keys[i];
	return NULL;
}

/* Levenshtein distance, capped: names are short. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j;
	size_t	 row[65], prev, tmp;

	if (la > 64 || lb > 64)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = prev + (a[i - 1] != b[j - 1]);
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			if (tmp + 1 < row[j])
				row[j] = tmp + 1;
			prev = tmp;
		}
	}
	return row[lb];
}

const char *
ckey_suggest(const struct csection *sec, const char *name)
{
	const char	*best = NULL;
	size_t		 i, d, bestd = SIZE_MAX;
	size_t		 limit = strlen(name) / 3 + 1;

	for (i = 0; i < sec->nkeys; i++) {
		d = edit_distance(name, sec->keys[i].name);
		if (d < bestd) {
			bestd = d;
			best = sec->keys[i].name;
		}
	}
	return bestd <= limit ? best : NULL;
}

int
ckey_parse_int(const char *s, long long *v)
{
	char	*end;

	if (!isdigit((unsigned char)*s) && !(*s == '-' &&
	    isdigit((unsigned char)s[1])))
		return -1;
	errno = 0;
	*v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	return 0;
}

/* ------------------------------------------------------------ reference */

static const char *
type_name(const struct ckey *k)
{
	switch (k->type) {
	case CK_GROUP:		return "group";
	case CK_LIST:		return "list of groups";
	case CK_STRING:		return "string";
	case CK_BOOL:		return "bool";
	case CK_INT:
	case CK_SIZE:		return "integer";
	case CK_DURATION:	return "duration";
	case CK_ENUM:		return "string";
	case CK_LISTEN:
	case CK_STRINGS:	return "array of strings";
	case CK_SECRET:		return "string (secret)";
	case CK_SECRET_FILE:	return "path";
	case CK_MAP:		return "group of named groups";
	case CK_PAIRS:		return "plugin setting";
	}
	return "?";
}

/* The default as a user would write it in the file. */
static void
print_default(FILE *fp, const struct ckey *k)
{
	const char	*q;

	if (k->flags & CK_REQUIRED) {
		fputs("required", fp);
		return;
	}
	if (k->flags & CK_NAME_DEFAULT) {
		fputs("the `name`", fp);
		return;
	}
	if (k->type == CK_LIST) {
		fputs("`()`", fp);
		return;
	}
	if (k->def == NULL) {
		fputs("none", fp);
		return;
	}
	switch (k->type) {
	case CK_BOOL:
	case CK_INT:
	case CK_SIZE:
		fprintf(fp, "`%s`", k->def);
		break;
	case CK_LISTEN:
	case CK_STRINGS:
		if (*k->def == '\0') {
			fputs("`[]`", fp);
			break;
		}
		fputs("`[", fp);
		for (q = k->def; *q != '\0'; q += strcspn(q, ",")) {
			if (*q == ',')
				q++;
			fprintf(fp, " \"%.*s\"", (int)strcspn(q, ","), q);
		}
		fputs(" ]`", fp);
		break;
	default:
		fprintf(fp, "`\"%s\"`", k->def);
		break;
	}
}

static void
print_bounds(FILE *fp, const struct ckey *k)
{
	const struct cchoice	*c;

	if (k->choices != NULL) {
		for (c = k->choices; c->name != NULL; c++)
			fprintf(fp, "%s`%s`", c == k->choices ? "" : ", ",
			    c->name);
		return;
	}
	if (k->min == NULL && k->max == NULL)
		return;
	switch (k->type) {
	case CK_SECRET_FILE:
		fprintf(fp, "content at least %s bytes", k->min);
		break;
	case CK_STRING:
	case CK_SECRET:
		if (k->max == NULL)
			fprintf(fp, "at least %s byte%s", k->min,
			    strcmp(k->min, "1") == 0 ? "" : "s");
		else
			fprintf(fp, "%s..%s bytes", k->min, k->max);
		break;
	case CK_LISTEN:
	case CK_STRINGS:
		fprintf(fp, "at least %s", k->min);
		break;
	default:
		fprintf(fp, "%s..%s", k->min, k->max);
		break;
	}
}

static void
print_rows(FILE *fp, const struct csection *sec, const char *prefix)
{
	const struct ckey	*k;
	size_t			 i;
	int			 header = 0;

	for (i = 0; i < sec->nkeys; i++) {
		k = &sec->keys[i];
		if (k->type == CK_GROUP || k->type == CK_LIST ||
		    k->type == CK_MAP || (k->flags & CK_MAP_NAME))
			continue;
		if (!header) {
			fputs("| Key | Type | Default | Bounds "
			    "| Description |\n"
			    "|-----|------|---------|--------"
			    "|-------------|\n", fp);
			header = 1;
		}
		fprintf(fp, "| `%s%s` | %s | ", prefix, k->name, type_name(k));
		print_default(fp, k);
		fputs(" | ", fp);
		print_bounds(fp, k);
		fprintf(fp, " | %s |\n", k->doc);
	}
	if (header)
		fputc('\n', fp);
}

static int
has_scalars(const struct csection *sec)
{
	size_t	i;

	for (i = 0; i < sec->nkeys; i++)
		if (sec->keys[i].type != CK_GROUP &&
		    sec->keys[i].type != CK_LIST &&
		    sec->keys[i].type != CK_MAP)
			return 1;
	return 0;
}

/*
 * Scalars of a section first, in one table, then a heading and table per
 * group or list inside it, so the reference reads in the file's order.
 */
static void
print_section(FILE *fp, const struct csection *sec, const char *prefix)
{
	const struct ckey	*k;
	char			 sub[128];
	size_t			 i;

	print_rows(fp, sec, prefix);
	for (i = 0; i < sec->nkeys; i++) {
		k = &sec->keys[i];
		if (k->type == CK_GROUP) {
			snprintf(sub, sizeof(sub), "%s%s.", prefix, k->name);
			if (has_scalars(k->sub))
				fprintf(fp, "## `%s%s { }`\n\n", prefix,
				    k->name);
			print_section(fp, k->sub, sub);
		} else if (k->type == CK_LIST) {
			fprintf(fp, "## `%s%s = ( )`\n\n%s\n\n", prefix,
			    k->name, k->doc);
			snprintf(sub, sizeof(sub), "%s%s[].", prefix, k->name);
			print_section(fp, k->sub, sub);
		} else if (k->type == CK_MAP) {
			fprintf(fp, "## `%s%s: { NAME: { } }`\n\n%s\n\n",
			    prefix, k->name, k->doc);
			snprintf(sub, sizeof(sub), "%s%s.NAME.", prefix,
			    k->name);
			print_section(fp, k->sub, sub);
		}
	}
}

char *
config_reference(void)
{
	FILE	*fp;
	char	*buf = NULL;
	size_t	 len = 0;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		return NULL;
	fputs("## Top level\n\n", fp);
	print_section(fp, &config_schema, "");
	if (fclose(fp) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
