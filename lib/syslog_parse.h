/*
 * lib/syslog_parse.h — split one syslog datagram (RFC 5424, RFC 3164 and
 * the variants real senders emit) into its fields, and the facility and
 * severity names the config uses. Pure: the time a year-less BSD
 * timestamp is read against comes in as a parameter. Turning a message
 * into an alert is the syslog decoder's job, not this one's.
 */
#ifndef PAGERD_SYSLOG_PARSE_H
#define PAGERD_SYSLOG_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* RFC 5424 section 6 field limits, in bytes; applied to RFC 3164 too. */
#define SYSLOG_HOSTNAME_MAX	255
#define SYSLOG_APP_NAME_MAX	48
#define SYSLOG_PROCID_MAX	128
#define SYSLOG_MSGID_MAX	32

enum syslog_format {
	SYSLOG_RFC3164 = 0,	/* BSD syslog, and anything not RFC 5424 */
	SYSLOG_RFC5424
};

/*
 * A field: len bytes at p, inside the caller's datagram, NOT
 * NUL-terminated. p is NULL (and len 0) when the field is absent or is the
 * RFC 5424 NILVALUE "-".
 */
struct syslog_field {
	const char	*p;
	size_t		 len;
};

/* What the parser noticed; none of these refuse the datagram. */
#define SYSLOG_F_NO_PRI		0x01	/* no PRI: user.notice assumed */
#define SYSLOG_F_BAD_PRI	0x02	/* unreadable PRI: user.notice, and
					 * the whole datagram is msg */
#define SYSLOG_F_BAD_TIME	0x04	/* a timestamp was there but is not a
					 * real time; timestamp_ms is 0 */
#define SYSLOG_F_BOM		0x08	/* msg began with a UTF-8 BOM, which
					 * is not part of msg */
#define SYSLOG_F_MSG_BAD_UTF8	0x10	/* msg is not valid UTF-8 */
#define SYSLOG_F_MSG_NUL	0x20	/* msg holds NUL bytes */
#define SYSLOG_F_SD_BAD_UTF8	0x40	/* an SD PARAM-VALUE is not valid
					 * UTF-8 or holds NUL bytes */

/* Printable ASCII: hostname, app_name (RFC 3164 TAG), procid, msgid. */
struct syslog_msg {
	enum syslog_format	 format;
	int			 facility;	/* 0..23 */
	int			 severity;	/* 0 (emerg) .. 7 (debug) */
	int64_t			 timestamp_ms;	/* UTC; 0 = absent/unreadable */
	struct syslog_field	 hostname;
	struct syslog_field	 app_name;
	struct syslog_field	 procid;	/* the "[pid]" of RFC 3164 */
	struct syslog_field	 msgid;		/* RFC 5424 only */
	struct syslog_field	 sd;		/* raw "[id k=\"v\"]..." */
	struct syslog_field	 msg;		/* any bytes: see the flags */
	unsigned int		 flags;		/* SYSLOG_F_* */
};

/*
 * Parse the datagram buf (len bytes, need not be NUL-terminated) into
 * *out. Allocates nothing: every field points into buf, so out is valid
 * only while buf is. Trailing LF, CR and NUL bytes are dropped first.
 *
 * RFC 5424 ("<PRI>1 TIMESTAMP ...") is parsed strictly: a header with an
 * overlong or non-printable field, bad structured data, or that ends early
 * is refused. Anything else is read as RFC 3164, leniently, as rsyslog
 * does: "<PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG", where the timestamp may
 * instead be RFC 3339, HOST is only looked for after a timestamp, and
 * each part that is not recognised is left in msg. A BSD timestamp has no
 * year and no zone: it is read as UTC, in the year that puts it no more
 * than 31 days after now_ms (ms since the epoch, UTC).
 *
 * Hostile input: a missing PRI reads as user.notice (RFC 3164 section
 * 4.3.3) and is parsed on; an unreadable one (over 191, leading zeros, no
 * '>') also reads as user.notice but leaves the whole datagram in msg.
 * msg may hold invalid UTF-8 or NUL bytes (flagged): copy it with
 * syslog_utf8_dup() before it goes anywhere that needs text.
 *
 * Returns 0, or -1 with a message in err (errlen bytes, may be 0) and *out
 * zeroed for an empty datagram or a broken RFC 5424 header.
 */
int	syslog_parse(const char *buf, size_t len, int64_t now_ms,
	    struct syslog_msg *out, char *err, size_t errlen);

/*
 * Copy len bytes of s into a new NUL-terminated string in which every
 * byte that does not start a valid UTF-8 sequence (RFC 3629), and every
 * NUL byte, is replaced by U+FFFD, so the result is valid UTF-8 without
 * NULs, as struct alert requires. *nreplaced (may be NULL) gets the number
 * of replacements. Returns the string (caller frees), or NULL when out of
 * memory.
 */
char	*syslog_utf8_dup(const char *s, size_t len, size_t *nreplaced);

/*
 * Facility and severity names: "kern", "user", "mail", "daemon", "auth",
 * "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp", "ntp",
 * "audit", "alert", "clock", "local0".."local7"; "emerg", "alert", "crit",
 * "err", "warning", "notice", "info", "debug". The *_parse functions are
 * ASCII case-insensitive, also take glibc's old aliases "panic", "error"
 * and "warn" for severities, and return the code or -1 when unknown. The
 * *_name functions return a static string, or NULL for a code out of
 * range.
 */
const char	*syslog_facility_name(int facility);
int		 syslog_facility_parse(const char *name);
const char	*syslog_severity_name(int severity);
int		 syslog_severity_parse(const char *name);

#endif /* PAGERD_SYSLOG_PARSE_H */
