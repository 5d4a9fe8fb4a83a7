/*
 * lib/syslog_parse.c — one syslog datagram into its fields. RFC 5424 is
 * parsed to the letter of its ABNF (section 6); RFC 3164 was a description
 * of what BSD systems did rather than a grammar, so that path takes what
 * it recognises and leaves the rest in msg. Never reads the clock.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syslog_parse.h"
#include "civil.h"
#include "timefmt.h"

#define MS_PER_DAY	86400000LL

/*
 * How far in the future a BSD timestamp may land before we take it for
 * last year's: a sender's clock a little ahead of ours must not turn
 * "Jan  1 00:00:05" read at 23:59:59 on 31 Dec into a date a year ago.
 */
#define BSD_FUTURE_MS	(31 * MS_PER_DAY)

/* RFC 3164 section 4.3.3: no usable PRI means user.notice. */
#define DEFAULT_FACILITY	1
#define DEFAULT_SEVERITY	5

/* RFC 5424 section 6.3.2: SD-NAME is 1*32PRINTUSASCII. */
#define SD_NAME_MAX		32

/* RFC 5424 section 6.2.1, Table 1; 12-15 named after its descriptions. */
static const char *const facilities[] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock",
	"local0", "local1", "local2", "local3", "local4", "local5", "local6",
	"local7",
};
#define NFACILITIES	(int)(sizeof(facilities) / sizeof(facilities[0]))

/* RFC 5424 section 6.2.1, Table 2, with the names of <syslog.h>. */
static const char *const severities[] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
};
#define NSEVERITIES	(int)(sizeof(severities) / sizeof(severities[0]))

/* glibc's prioritynames[] still accepts these, so configs carry them. */
static const struct {
	const char	*name;
	int		 code;
} severity_aliases[] = {
	{ "error", 3 },
	{ "panic", 0 },
	{ "warn", 4 },
};

static const char *const months[] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec",
};

static void __attribute__((format(printf, 3, 4)))
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ASCII-only, so a config's "LOCAL0" means the same in every locale. */
static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
ascii_caseeq(const char *a, const char *b)
{
	while (*a != '\0' && ascii_lower((unsigned char)*a) ==
	    ascii_lower((unsigned char)*b)) {
		a++;
		b++;
	}
	return *a == '\0' && *b == '\0';
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* RFC 5424 PRINTUSASCII: %d33-126. */
static int
is_print(int c)
{
	return c >= 33 && c <= 126;
}

/*
 * Length of the valid UTF-8 sequence (RFC 3629: no overlongs, no
 * surrogates, nothing past U+10FFFF) at p, within n bytes, or 0.
 */
static size_t
utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char	 lo = 0x80, hi = 0xbf;
	size_t		 need, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		need = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		need = 3;
		if (p[0] == 0xe0)
			lo = 0xa0;
		if (p[0] == 0xed)
			hi = 0x9f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		need = 4;
		if (p[0] == 0xf0)
			lo = 0x90;
		if (p[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < need || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < need; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return need;
}

/* SYSLOG_F_*_BAD_UTF8 / SYSLOG_F_MSG_NUL bits for n bytes at s. */
static unsigned int
text_flags(const char *s, size_t n, unsigned int bad, unsigned int nul)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned int		 f = 0;
	size_t			 i = 0, k;

	while (i < n) {
		if (p[i] == '\0')
			f |= nul;
		k = utf8_seq(p + i, n - i);
		if (k == 0) {
			f |= bad;
			k = 1;
		}
		i += k;
	}
	return f;
}

char *
syslog_utf8_dup(const char *s, size_t len, size_t *nreplaced)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, k, size = 1, nrep = 0;
	char			*out, *o;

	/* First pass sizes the copy: each bad byte grows to 3. */
	for (i = 0; i < len; i += k) {
		k = p[i] == '\0' ? 0 : utf8_seq(p + i, len - i);
		if (k == 0) {
			size += 3;
			k = 1;
		} else
			size += k;
	}
	if ((out = malloc(size)) == NULL)
		return NULL;
	o = out;
	for (i = 0; i < len; i += k) {
		k = p[i] == '\0' ? 0 : utf8_seq(p + i, len - i);
		if (k == 0) {
			/*
			 * One U+FFFD per bad byte, not per maximal bad
			 * sequence (Unicode's recommended practice): simpler,
			 * and the count says how much was lost.
			 */
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			nrep++;
			k = 1;
		} else {
			memcpy(o, p + i, k);
			o += k;
		}
	}
	*o = '\0';
	if (nreplaced != NULL)
		*nreplaced = nrep;
	return out;
}

const char *
syslog_facility_name(int facility)
{
	if (facility < 0 || facility >= NFACILITIES)
		return NULL;
	return facilities[facility];
}

int
syslog_facility_parse(const char *name)
{
	int	 i;

	for (i = 0; i < NFACILITIES; i++)
		if (ascii_caseeq(name, facilities[i]))
			return i;
	return -1;
}

const char *
syslog_severity_name(int severity)
{
	if (severity < 0 || severity >= NSEVERITIES)
		return NULL;
	return severities[severity];
}

int
syslog_severity_parse(const char *name)
{
	size_t	 i;
	int	 s;

	for (s = 0; s < NSEVERITIES; s++)
		if (ascii_caseeq(name, severities[s]))
			return s;
	for (i = 0; i < sizeof(severity_aliases) /
	    sizeof(severity_aliases[0]); i++)
		if (ascii_caseeq(name, severity_aliases[i].name))
			return severity_aliases[i].code;
	return -1;
}

/* A cursor over the datagram. */
struct cur {
	const char	*p;
	const char	*end;
};

static size_t
cur_left(const struct cur *c)
{
	return (size_t)(c->end - c->p);
}

static void
field_set(struct syslog_field *f, const char *p, size_t len)
{
	f->p = p;
	f->len = len;
}

/*
 * "<PRI>": RFC 5424 section 6.2.1 PRIVAL is 1*3DIGIT in 0..191. Leading
 * zeros are refused as well: no sender writes them, and "<013>" next to
 * "<13>" would let one value hide from a filter on the other. Returns the
 * PRI value and moves c past '>', or -1 without moving it.
 */
static int
parse_pri(struct cur *c)
{
	const char	*p = c->p + 1;
	int		 v = 0, n = 0;

	while (p < c->end && is_digit((unsigned char)*p) && n < 4) {
		v = v * 10 + (*p++ - '0');
		n++;
	}
	if (n == 0 || n > 3 || p >= c->end || *p != '>' || v > 191 ||
	    (n > 1 && c->p[1] == '0'))
		return -1;
	c->p = p + 1;
	return v;
}

static int
days_in_month(int64_t y, int m)
{
	static const int	 mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int			 leap;

	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : mdays[m - 1];
}

static int
read_2digits(const char *p, int *v)
{
	if (!is_digit((unsigned char)p[0]) || !is_digit((unsigned char)p[1]))
		return -1;
	*v = (p[0] - '0') * 10 + (p[1] - '0');
	return 0;
}

/*
 * The BSD timestamp of RFC 3164 section 4.1.2, "Mmm dd hh:mm:ss" with the
 * day padded by a space ("Oct  1"), plus what senders do instead: a zero
 * ("Oct 01"), no padding ("Oct 1"), a fraction (".123", as Cisco and
 * rsyslog's high-precision BSD format write). It must end the datagram or
 * be followed by a space. Returns 1 and moves c past it when the shape
 * matches (*ms is 0 and *bad 1 when it is not a real time), 0 otherwise.
 */
static int
parse_bsd_time(struct cur *c, int64_t now_ms, int64_t *ms, int *bad)
{
	const char	*p = c->p;
	int64_t		 y, ny, t, frac = 0;
	int		 ty_m, ty_d;
	int		 mon, day, hh, mi, ss, scale = 100, n;

	*ms = 0;
	*bad = 0;
	if (cur_left(c) < 14)
		return 0;
	for (mon = 0; mon < 12; mon++)
		if (ascii_lower((unsigned char)p[0]) == months[mon][0] &&
		    ascii_lower((unsigned char)p[1]) == months[mon][1] &&
		    ascii_lower((unsigned char)p[2]) == months[mon][2])
			break;
	if (mon == 12 || p[3] != ' ')
		return 0;
	p += 4;
	if (p[0] == ' ' && is_digit((unsigned char)p[1])) {
		day = p[1] - '0';
		p += 2;
	} else if (read_2digits(p, &day) == 0)
		p += 2;
	else if (is_digit((unsigned char)p[0]) && p[1] == ' ') {
		day = p[0] - '0';
		p += 1;
	} else
		return 0;
	if ((size_t)(c->end - p) < 9 || p[0] != ' ' || p[3] != ':' ||
	    p[6] != ':' || read_2digits(p + 1, &hh) == -1 ||
	    read_2digits(p + 4, &mi) == -1 || read_2digits(p + 7, &ss) == -1)
		return 0;
	p += 9;
	if (p < c->end && *p == '.') {
		for (n = 0, p++; p < c->end && is_digit((unsigned char)*p);
		    p++, n++) {
			if (n < 3) {
				frac += (*p - '0') * scale;
				scale /= 10;
			}
		}
		if (n == 0 || n > 9)
			return 0;
	}
	if (p < c->end && *p != ' ')
		return 0;
	c->p = p;

	mon++;
	if (day < 1 || day > 31 || hh > 23 || mi > 59 || ss > 59) {
		*bad = 1;
		return 1;
	}
	/*
	 * The latest year that does not put the time more than
	 * BSD_FUTURE_MS ahead of now: next year only for a January message
	 * read in late December. "Feb 29" walks back to a leap year.
	 */
	civil_from_days(now_ms >= 0 ? now_ms / MS_PER_DAY :
	    (now_ms - MS_PER_DAY + 1) / MS_PER_DAY, &y, &ty_m, &ty_d);
	for (ny = y + 1; ny >= y - 8; ny--) {
		if (day > days_in_month(ny, mon))
			continue;
		t = civil_days(ny, mon, day) * MS_PER_DAY +
		    (hh * 3600LL + mi * 60 + ss) * 1000 + frac;
		if (t <= now_ms + BSD_FUTURE_MS) {
			*ms = t;
			return 1;
		}
	}
	*bad = 1;	/* "Feb 30": no year has it */
	return 1;
}

/*
 * An RFC 3339 timestamp where RFC 3164 wants a BSD one, as rsyslog's
 * RSYSLOG_ForwardFormat sends: a token that starts "dddd-". Returns 1 and
 * moves c past the token when it has that shape, 0 otherwise.
 */
static int
parse_iso_time(struct cur *c, int64_t *ms, int *bad)
{
	const char	*p = c->p, *e;

	*ms = 0;
	*bad = 0;
	if (cur_left(c) < 5 || !is_digit((unsigned char)p[0]) ||
	    !is_digit((unsigned char)p[1]) || !is_digit((unsigned char)p[2]) ||
	    !is_digit((unsigned char)p[3]) || p[4] != '-')
		return 0;
	for (e = p; e < c->end && *e != ' '; e++)
		;
	if (time_parse_rfc3339(p, (size_t)(e - p), ms) == -1) {
		*ms = 0;
		*bad = 1;
	}
	c->p = e;
	return 1;
}

/* RFC 3164 section 4.1.2 HOSTNAME, with IPv4/IPv6 literals and '_'. */
static int
is_host_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    is_digit(c) || c == '.' || c == '-' || c == '_' || c == ':';
}

/*
 * The TAG of RFC 3164 section 4.1.3 as senders write it: "name:",
 * "name[pid]:", and "name[pid]" without the colon. RFC 3164 says
 * alphanumeric and at most 32, but "postfix/smtpd" and systemd unit names
 * are real, so any printable ASCII but "[]:" up to APP-NAME's 48. On
 * success fills app_name/procid and moves c to the start of the message.
 */
static int
parse_tag(struct cur *c, struct syslog_msg *m)
{
	const char	*p = c->p, *tag = c->p, *pid = NULL;
	size_t		 taglen, pidlen = 0;

	while (p < c->end && is_print((unsigned char)*p) && *p != '[' &&
	    *p != ']' && *p != ':')
		p++;
	taglen = (size_t)(p - tag);
	if (taglen == 0 || taglen > SYSLOG_APP_NAME_MAX || p == c->end)
		return 0;
	if (*p == '[') {
		pid = ++p;
		while (p < c->end && is_print((unsigned char)*p) && *p != ']')
			p++;
		pidlen = (size_t)(p - pid);
		if (p == c->end || *p != ']' || pidlen == 0 ||
		    pidlen > SYSLOG_PROCID_MAX)
			return 0;
		p++;
		if (p < c->end && *p == ':')
			p++;
		else if (p < c->end && *p != ' ')
			return 0;
	} else if (*p == ':')
		p++;
	else
		return 0;
	if (p < c->end && *p == ' ')
		p++;
	field_set(&m->app_name, tag, taglen);
	if (pid != NULL)
		field_set(&m->procid, pid, pidlen);
	c->p = p;
	return 1;
}

static void
parse_3164(struct cur *c, int64_t now_ms, struct syslog_msg *m)
{
	const char	*h;
	int		 have_time, bad;

	m->format = SYSLOG_RFC3164;
	have_time = parse_bsd_time(c, now_ms, &m->timestamp_ms, &bad) ||
	    parse_iso_time(c, &m->timestamp_ms, &bad);
	if (have_time && bad)
		m->flags |= SYSLOG_F_BAD_TIME;

	/*
	 * After a timestamp comes HOSTNAME, unless the sender left it out,
	 * as local senders do (glibc syslog(3), systemd-journald's
	 * ForwardToSyslog, busybox): then the word is the TAG, which a
	 * hostname cannot be since it ends in ':' or holds '['. Without a
	 * timestamp the header is not a header and no HOSTNAME is looked for
	 * (rsyslog's pmrfc3164 does the same).
	 */
	if (have_time && c->p < c->end) {
		c->p++;		/* the space parse_*_time() stopped at */
		for (h = c->p; h < c->end && is_host_char((unsigned char)*h);
		    h++)
			;
		if (h > c->p && h < c->end && *h == ' ' && h[-1] != ':' &&
		    (size_t)(h - c->p) <= SYSLOG_HOSTNAME_MAX) {
			if (h - c->p != 1 || *c->p != '-')
				field_set(&m->hostname, c->p,
				    (size_t)(h - c->p));
			c->p = h + 1;
		}
	}
	(void)parse_tag(c, m);
	field_set(&m->msg, c->p, cur_left(c));
}

/*
 * One space-delimited RFC 5424 header field of 1..max PRINTUSASCII bytes;
 * "-" is NILVALUE (absent). Moves c past the field and the space after
 * it. Returns 0, or -1 with err filled.
 */
static int
header_field(struct cur *c, const char *name, size_t max,
    struct syslog_field *f, char *err, size_t errlen)
{
	const char	*s = c->p;

	while (c->p < c->end && *c->p != ' ') {
		if (!is_print((unsigned char)*c->p)) {
			set_err(err, errlen, "RFC 5424 %s: byte 0x%02x is not "
			    "printable ASCII", name, (unsigned char)*c->p);
			return -1;
		}
		if ((size_t)(c->p - s) == max) {
			set_err(err, errlen, "RFC 5424 %s: longer than %zu "
			    "bytes", name, max);
			return -1;
		}
		c->p++;
	}
	if (c->p == s) {
		set_err(err, errlen, c->p == c->end ? "RFC 5424 header ends "
		    "before %s" : "RFC 5424 %s: empty (two spaces)", name);
		return -1;
	}
	if (c->p == c->end) {
		set_err(err, errlen, "RFC 5424 header ends after %s", name);
		return -1;
	}
	c->p++;
	if (c->p - s == 2 && *s == '-')
		f->p = NULL;
	else
		field_set(f, s, (size_t)(c->p - s - 1));
	return 0;
}

/*
 * RFC 5424 section 6.3 SD-NAME: 1*32 PRINTUSASCII except '=', SP, ']'
 * and '"'. Moves c past it; returns its length, 0 when there is none.
 */
static size_t
sd_name(struct cur *c)
{
	const char	*s = c->p;

	while (c->p < c->end && is_print((unsigned char)*c->p) &&
	    *c->p != '=' && *c->p != ']' && *c->p != '"' &&
	    (size_t)(c->p - s) <= SD_NAME_MAX)
		c->p++;
	return (size_t)(c->p - s);
}

/*
 * STRUCTURED-DATA: NILVALUE or 1*SD-ELEMENT, each "[" SD-ID *(SP
 * PARAM-NAME "=" DQUOTE PARAM-VALUE DQUOTE) "]". Inside a value '\' takes
 * the next byte with it (section 6.3.3: '"', '\' and ']' are escaped;
 * any other escaped byte stays as written, which a scanner need not
 * tell apart). Checked whole so that a truncated datagram is refused
 * rather than stored as half an element.
 */
static int
parse_sd(struct cur *c, struct syslog_msg *m, char *err, size_t errlen)
{
	const char	*s = c->p, *v;
	size_t		 n;

	if (c->p < c->end && *c->p == '-') {
		c->p++;
		return 0;
	}
	if (c->p == c->end || *c->p != '[') {
		set_err(err, errlen, "RFC 5424 STRUCTURED-DATA: expected '-' "
		    "or '['");
		return -1;
	}
	while (c->p < c->end && *c->p == '[') {
		c->p++;
		if ((n = sd_name(c)) == 0 || n > SD_NAME_MAX)
			goto bad_name;
		while (c->p < c->end && *c->p == ' ') {
			c->p++;
			if ((n = sd_name(c)) == 0 || n > SD_NAME_MAX)
				goto bad_name;
			if (cur_left(c) < 2 || c->p[0] != '=' ||
			    c->p[1] != '"') {
				set_err(err, errlen, "RFC 5424 STRUCTURED-DATA:"
				    " expected '=\"' after PARAM-NAME");
				return -1;
			}
			c->p += 2;
			for (v = c->p; c->p < c->end && *c->p != '"'; c->p++)
				if (*c->p == '\\' && c->p + 1 < c->end)
					c->p++;
			if (c->p == c->end)
				goto truncated;
			m->flags |= text_flags(v, (size_t)(c->p - v),
			    SYSLOG_F_SD_BAD_UTF8, SYSLOG_F_SD_BAD_UTF8);
			c->p++;
		}
		if (c->p == c->end)
			goto truncated;
		if (*c->p != ']') {
			set_err(err, errlen, "RFC 5424 STRUCTURED-DATA: "
			    "expected ' ' or ']' in SD-ELEMENT");
			return -1;
		}
		c->p++;
	}
	field_set(&m->sd, s, (size_t)(c->p - s));
	return 0;

bad_name:
	if (c->p == c->end)
		goto truncated;
	set_err(err, errlen, "RFC 5424 STRUCTURED-DATA: SD-ID or PARAM-NAME "
	    "empty, longer than %d bytes, or not printable ASCII",
	    SD_NAME_MAX);
	return -1;
truncated:
	set_err(err, errlen, "RFC 5424 STRUCTURED-DATA: datagram ends inside "
	    "an SD-ELEMENT");
	return -1;
}

static int
parse_5424(struct cur *c, struct syslog_msg *m, char *err, size_t errlen)
{
	struct syslog_field	 ts;
	int64_t			 ms;

	m->format = SYSLOG_RFC5424;
	c->p += 2;		/* "1 " */
	/* TIMESTAMP: "1*" is enough room; time_parse_rfc3339() decides. */
	if (header_field(c, "TIMESTAMP", 64, &ts, err, errlen) == -1 ||
	    header_field(c, "HOSTNAME", SYSLOG_HOSTNAME_MAX, &m->hostname,
	    err, errlen) == -1 ||
	    header_field(c, "APP-NAME", SYSLOG_APP_NAME_MAX, &m->app_name,
	    err, errlen) == -1 ||
	    header_field(c, "PROCID", SYSLOG_PROCID_MAX, &m->procid,
	    err, errlen) == -1 ||
	    header_field(c, "MSGID", SYSLOG_MSGID_MAX, &m->msgid,
	    err, errlen) == -1 ||
	    parse_sd(c, m, err, errlen) == -1)
		return -1;
	if (ts.p != NULL) {
		if (time_parse_rfc3339(ts.p, ts.len, &ms) == 0)
			m->timestamp_ms = ms;
		else
			m->flags |= SYSLOG_F_BAD_TIME;
	}
	if (c->p == c->end)
		return 0;
	if (*c->p != ' ') {
		set_err(err, errlen, "RFC 5424: expected ' ' after "
		    "STRUCTURED-DATA");
		return -1;
	}
	c->p++;
	/* Section 6.4: MSG-UTF8 starts with a BOM, which is not text. */
	if (cur_left(c) >= 3 && memcmp(c->p, "\xef\xbb\xbf", 3) == 0) {
		m->flags |= SYSLOG_F_BOM;
		c->p += 3;
	}
	field_set(&m->msg, c->p, cur_left(c));
	return 0;
}

/*
 * Is this RFC 5424? VERSION "1" and a space, then a TIMESTAMP that is
 * NILVALUE or starts like a full date. Checking the timestamp's shape
 * keeps an RFC 3164 message without header ("<13>1 disk failed") out of
 * the strict parser.
 */
static int
looks_5424(const struct cur *c)
{
	const char	*p = c->p;
	size_t		 n = cur_left(c);

	if (n < 3 || p[0] != '1' || p[1] != ' ')
		return 0;
	if (p[2] == '-')
		return n == 3 || p[3] == ' ';
	return n >= 7 && is_digit((unsigned char)p[2]) &&
	    is_digit((unsigned char)p[3]) && is_digit((unsigned char)p[4]) &&
	    is_digit((unsigned char)p[5]) && p[6] == '-';
}

int
syslog_parse(const char *buf, size_t len, int64_t now_ms,
    struct syslog_msg *out, char *err, size_t errlen)
{
	struct cur	 c;
	int		 pri;

	memset(out, 0, sizeof(*out));
	set_err(err, errlen, "%s", "");

	/*
	 * Senders end datagrams with LF, CRLF or a NUL (rsyslog drops a
	 * trailing LF by default for the same reason): framing, not text.
	 */
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
	    buf[len - 1] == '\0'))
		len--;
	if (len == 0) {
		set_err(err, errlen, "empty datagram");
		return -1;
	}
	c.p = buf;
	c.end = buf + len;

	out->facility = DEFAULT_FACILITY;
	out->severity = DEFAULT_SEVERITY;
	if (*c.p != '<')
		out->flags |= SYSLOG_F_NO_PRI;
	else if ((pri = parse_pri(&c)) == -1) {
		/*
		 * RFC 3164 section 4.3.3: an unidentifiable PRI makes the
		 * whole packet the content. Keep every byte for whoever reads
		 * the page rather than guess at a header.
		 */
		out->flags |= SYSLOG_F_BAD_PRI;
		field_set(&out->msg, buf, len);
		goto done;
	} else {
		out->facility = pri >> 3;
		out->severity = pri & 7;
	}

	if ((out->flags & SYSLOG_F_NO_PRI) == 0 && looks_5424(&c)) {
		if (parse_5424(&c, out, err, errlen) == -1) {
			memset(out, 0, sizeof(*out));
			return -1;
		}
	} else
		parse_3164(&c, now_ms, out);
done:
	if (out->msg.p != NULL)
		out->flags |= text_flags(out->msg.p, out->msg.len,
		    SYSLOG_F_MSG_BAD_UTF8, SYSLOG_F_MSG_NUL);
	return 0;
}
