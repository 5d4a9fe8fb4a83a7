/*
 * tests/unit/test_syslog_parse.c — lib/syslog_parse.c against the RFCs'
 * own examples, lines as rsyslog, util-linux logger, glibc syslog(3),
 * busybox and systemd-journald send them, and hostile datagrams.
 * Expected instants were computed with Python's datetime.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "syslog_parse.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* 2024-03-01T00:00:00Z: "now" unless a case says otherwise. */
#define NOW		1709251200000LL

#define BOM		"\xef\xbb\xbf"

/* Absent fields are NULL in the table. */
struct ok_case {
	const char	*in;
	int64_t		 now_ms;	/* 0 = NOW */
	int		 format;
	int		 facility;
	int		 severity;
	int64_t		 ts;
	const char	*host;
	const char	*app;
	const char	*procid;
	const char	*msgid;
	const char	*sd;
	const char	*msg;
	unsigned int	 flags;
};

static void
assert_field(const struct syslog_field *f, const char *want, const char *in,
    const char *what)
{
	if (want == NULL) {
		if (f->p != NULL)
			fail_msg("%s: %s: want absent, got \"%.*s\"", in, what,
			    (int)f->len, f->p);
		assert_int_equal(f->len, 0);
		return;
	}
	if (f->p == NULL)
		fail_msg("%s: %s: want \"%s\", got absent", in, what, want);
	if (f->len != strlen(want) || memcmp(f->p, want, f->len) != 0)
		fail_msg("%s: %s: want \"%s\", got \"%.*s\"", in, what, want,
		    (int)f->len, f->p);
}

static void
check_ok(const struct ok_case *c, const char *buf, size_t len)
{
	struct syslog_msg	 m;
	char			 err[128];

	if (syslog_parse(buf, len, c->now_ms ? c->now_ms : NOW, &m, err,
	    sizeof(err)) != 0)
		fail_msg("%s: refused: %s", c->in, err);
	assert_string_equal(err, "");
	assert_int_equal(m.format, c->format);
	assert_int_equal(m.facility, c->facility);
	assert_int_equal(m.severity, c->severity);
	if (m.timestamp_ms != c->ts)
		fail_msg("%s: timestamp %lld, want %lld", c->in,
		    (long long)m.timestamp_ms, (long long)c->ts);
	assert_field(&m.hostname, c->host, c->in, "hostname");
	assert_field(&m.app_name, c->app, c->in, "app_name");
	assert_field(&m.procid, c->procid, c->in, "procid");
	assert_field(&m.msgid, c->msgid, c->in, "msgid");
	assert_field(&m.sd, c->sd, c->in, "sd");
	assert_field(&m.msg, c->msg, c->in, "msg");
	if (m.flags != c->flags)
		fail_msg("%s: flags 0x%x, want 0x%x", c->in, m.flags,
		    c->flags);
}

static void
run_ok(const struct ok_case *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		check_ok(&v[i], v[i].in, strlen(v[i].in));
}

#define R5424	SYSLOG_RFC5424
#define R3164	SYSLOG_RFC3164

/* RFC 5424 section 6.5, examples 1 to 4, byte for byte. */
static const struct ok_case rfc5424_examples[] = {
	{ "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - "
	  BOM "'su root' failed for lonvick on /dev/pts/8",
	  0, R5424, 4, 2, 1065910455003LL, "mymachine.example.com", "su",
	  NULL, "ID47", NULL, "'su root' failed for lonvick on /dev/pts/8",
	  SYSLOG_F_BOM },
	{ "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - "
	  "%% It's time to make the do-nuts.",
	  0, R5424, 20, 5, 1061727255000LL, "192.0.2.1", "myproc", "8710",
	  NULL, NULL, "%% It's time to make the do-nuts.", 0 },
	{ "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - "
	  "ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" "
	  "eventID=\"1011\"] " BOM "An application event log entry...",
	  0, R5424, 20, 5, 1065910455003LL, "mymachine.example.com",
	  "evntslog", NULL, "ID47",
	  "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" "
	  "eventID=\"1011\"]", "An application event log entry...",
	  SYSLOG_F_BOM },
	{ "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - "
	  "ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" "
	  "eventID=\"1011\"][examplePriority@32473 class=\"high\"]",
	  0, R5424, 20, 5, 1065910455003LL, "mymachine.example.com",
	  "evntslog", NULL, "ID47",
	  "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" "
	  "eventID=\"1011\"][examplePriority@32473 class=\"high\"]", NULL, 0 },
};

static void
test_parses_rfc5424_section_6_5_examples(void **state)
{
	run_ok(rfc5424_examples, NELEM(rfc5424_examples));
}

/* RFC 5424 as real senders write it, and its corners. */
static const struct ok_case rfc5424_senders[] = {
	/* rsyslog RSYSLOG_SyslogProtocol23Format */
	{ "<30>1 2024-01-05T10:00:00.123456+01:00 web1 nginx 1234 - - "
	  "upstream timed out\n",
	  0, R5424, 3, 6, 1704445200123LL, "web1", "nginx", "1234", NULL,
	  NULL, "upstream timed out", 0 },
	/* util-linux logger -n (RFC 5424 is its default) */
	{ "<13>1 2024-01-05T10:00:00.123456+00:00 web1 alice - - "
	  "[timeQuality tzKnown=\"1\" isSynced=\"1\" syncAccuracy=\"123456\"] "
	  "disk almost full",
	  0, R5424, 1, 5, 1704448800123LL, "web1", "alice", NULL, NULL,
	  "[timeQuality tzKnown=\"1\" isSynced=\"1\" syncAccuracy=\"123456\"]",
	  "disk almost full", 0 },
	/* every field NILVALUE, no MSG */
	{ "<13>1 - - - - - -", 0, R5424, 1, 5, 0, NULL, NULL, NULL, NULL,
	  NULL, NULL, 0 },
	/* MSG present but empty */
	{ "<13>1 - - - - - - ", 0, R5424, 1, 5, 0, NULL, NULL, NULL, NULL,
	  NULL, "", 0 },
	/* section 6.3.3 escapes inside PARAM-VALUE stay raw in sd */
	{ "<13>1 - h a - - [x@1 k=\"a\\\"b\\\\c\\]d\" e=\"\"] m",
	  0, R5424, 1, 5, 0, "h", "a", NULL, NULL,
	  "[x@1 k=\"a\\\"b\\\\c\\]d\" e=\"\"]", "m", 0 },
	/* an unescaped ']' inside quotes cannot end the element */
	{ "<13>1 - h a - - [x@1 k=\"]\"] m", 0, R5424, 1, 5, 0, "h", "a",
	  NULL, NULL, "[x@1 k=\"]\"]", "m", 0 },
	/* a date that does not exist: kept, flagged, no time */
	{ "<13>1 2024-02-30T00:00:00Z h a - - - m", 0, R5424, 1, 5, 0, "h",
	  "a", NULL, NULL, NULL, "m", SYSLOG_F_BAD_TIME },
	/* PRI bounds */
	{ "<0>1 - h a - - - m", 0, R5424, 0, 0, 0, "h", "a", NULL, NULL,
	  NULL, "m", 0 },
	{ "<191>1 - h a - - - m", 0, R5424, 23, 7, 0, "h", "a", NULL, NULL,
	  NULL, "m", 0 },
	/* LF, CRLF and NUL after the message are framing */
	{ "<13>1 - h a - - - m\r\n", 0, R5424, 1, 5, 0, "h", "a", NULL, NULL,
	  NULL, "m", 0 },
};

static void
test_parses_rfc5424_from_real_senders(void **state)
{
	run_ok(rfc5424_senders, NELEM(rfc5424_senders));
}

/* RFC 3164 section 5.4's examples, and what real senders emit. */
static const struct ok_case rfc3164_lines[] = {
	/* RFC 3164 section 5.4, example 1 */
	{ "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick "
	  "on /dev/pts/8",
	  0, R3164, 4, 2, 1697062455000LL, "mymachine", "su", NULL, NULL,
	  NULL, "'su root' failed for lonvick on /dev/pts/8", 0 },
	/* example 2: no TAG, everything after HOSTNAME is the message */
	{ "<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!",
	  0, R3164, 1, 5, 1707154338000LL, "10.0.0.99", NULL, NULL, NULL,
	  NULL, "Use the BFG!", 0 },
	/* example 3: "CST 1987" is not a header; what is not placed stays */
	{ "<165>Aug 24 05:34:00 CST 1987 mymachine myproc[10]: %% It's "
	  "time to make the do-nuts.",
	  0, R3164, 20, 5, 1692855240000LL, "CST", NULL, NULL, NULL, NULL,
	  "1987 mymachine myproc[10]: %% It's time to make the do-nuts.",
	  0 },
	/* example 4: no valid timestamp, so the whole rest is the message */
	{ "<0>1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 "
	  "sched[0]: That's All Folks!",
	  0, R3164, 0, 0, 0, NULL, NULL, NULL, NULL, NULL,
	  "1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 "
	  "sched[0]: That's All Folks!", 0 },
	/* rsyslog RSYSLOG_TraditionalForwardFormat */
	{ "<30>Jan  5 10:00:00 web1 nginx[1234]: upstream timed out",
	  0, R3164, 3, 6, 1704448800000LL, "web1", "nginx", "1234", NULL,
	  NULL, "upstream timed out", 0 },
	/* rsyslog RSYSLOG_ForwardFormat: RFC 3339 time in a 3164 header */
	{ "<30>2024-01-05T10:00:00.123456+01:00 web1 nginx[1234]: upstream "
	  "timed out",
	  0, R3164, 3, 6, 1704445200123LL, "web1", "nginx", "1234", NULL,
	  NULL, "upstream timed out", 0 },
	/* util-linux logger --rfc3164 */
	{ "<13>Jan  5 10:00:00 web1 alice: disk almost full",
	  0, R3164, 1, 5, 1704448800000LL, "web1", "alice", NULL, NULL, NULL,
	  "disk almost full", 0 },
	/* glibc syslog(3) and busybox: no HOSTNAME */
	{ "<86>Jan  5 10:00:00 sshd[812]: Accepted publickey for root",
	  0, R3164, 10, 6, 1704448800000LL, NULL, "sshd", "812", NULL, NULL,
	  "Accepted publickey for root", 0 },
	{ "<13>Jan  5 10:00:00 alice: disk almost full",
	  0, R3164, 1, 5, 1704448800000LL, NULL, "alice", NULL, NULL, NULL,
	  "disk almost full", 0 },
	/* systemd-journald ForwardToSyslog */
	{ "<30>Jan  5 10:00:00 systemd[1]: Started Session 3 of user root.",
	  0, R3164, 3, 6, 1704448800000LL, NULL, "systemd", "1", NULL, NULL,
	  "Started Session 3 of user root.", 0 },
	/* a TAG with '/' (postfix) and a hostname with '-' and '_' */
	{ "<22>Jan  5 10:00:00 mx-1_a postfix/smtpd[77]: connect from x",
	  0, R3164, 2, 6, 1704448800000LL, "mx-1_a", "postfix/smtpd", "77",
	  NULL, NULL, "connect from x", 0 },
	/* "[pid]" without the colon */
	{ "<13>Jan  5 10:00:00 h app[9] text", 0, R3164, 1, 5,
	  1704448800000LL, "h", "app", "9", NULL, NULL, "text", 0 },
	/* day zero-padded, unpadded, fraction, lower-case month */
	{ "<13>Jan 05 10:00:00 h t: m", 0, R3164, 1, 5, 1704448800000LL, "h",
	  "t", NULL, NULL, NULL, "m", 0 },
	{ "<13>Jan 5 10:00:00 h t: m", 0, R3164, 1, 5, 1704448800000LL, "h",
	  "t", NULL, NULL, NULL, "m", 0 },
	{ "<13>Jan  5 10:00:00.250 h t: m", 0, R3164, 1, 5, 1704448800250LL,
	  "h", "t", NULL, NULL, NULL, "m", 0 },
	{ "<13>jan  5 10:00:00 h t: m", 0, R3164, 1, 5, 1704448800000LL, "h",
	  "t", NULL, NULL, NULL, "m", 0 },
	/* no header at all: the rest is the message, TAG still found */
	{ "<13>disk full on db1", 0, R3164, 1, 5, 0, NULL, NULL, NULL, NULL,
	  NULL, "disk full on db1", 0 },
	{ "<13>cron: job failed", 0, R3164, 1, 5, 0, NULL, "cron", NULL,
	  NULL, NULL, "job failed", 0 },
	/* "1 " then not a timestamp: RFC 3164, not a broken RFC 5424 */
	{ "<13>1 disk failed", 0, R3164, 1, 5, 0, NULL, NULL, NULL, NULL,
	  NULL, "1 disk failed", 0 },
	/* a datagram that is only a PRI */
	{ "<13>", 0, R3164, 1, 5, 0, NULL, NULL, NULL, NULL, NULL, "", 0 },
	/* HOSTNAME "-" is NILVALUE */
	{ "<13>Jan  5 10:00:00 - t: m", 0, R3164, 1, 5, 1704448800000LL,
	  NULL, "t", NULL, NULL, NULL, "m", 0 },
};

static void
test_parses_rfc3164_and_its_variants(void **state)
{
	run_ok(rfc3164_lines, NELEM(rfc3164_lines));
}

/*
 * BSD timestamps have no year: the latest year that puts the time no
 * more than a month after now.
 */
static const struct ok_case bsd_years[] = {
	/* read at 23:59:59 on 31 Dec 2024, a sender slightly ahead */
	{ "<13>Jan  1 00:00:05 h t: m", 1735689599000LL, R3164, 1, 5,
	  1735689605000LL, "h", "t", NULL, NULL, NULL, "m", 0 },
	/* read on 2 Jan 2024, yesterday's message */
	{ "<13>Dec 31 23:00:00 h t: m", 1704153600000LL, R3164, 1, 5,
	  1704063600000LL, "h", "t", NULL, NULL, NULL, "m", 0 },
	/* read on 1 Mar 2025: 29 Feb is from 2024 */
	{ "<13>Feb 29 12:00:00 h t: m", 1740787200000LL, R3164, 1, 5,
	  1709208000000LL, "h", "t", NULL, NULL, NULL, "m", 0 },
	/* read on 15 Jan 2024: 26 days ahead is this year, 55 is not */
	{ "<13>Feb 10 00:00:00 h t: m", 1705276800000LL, R3164, 1, 5,
	  1707523200000LL, "h", "t", NULL, NULL, NULL, "m", 0 },
	{ "<13>Mar 10 00:00:00 h t: m", 1705276800000LL, R3164, 1, 5,
	  1678406400000LL, "h", "t", NULL, NULL, NULL, "m", 0 },
	/* shapes right, values wrong: kept out of msg, flagged */
	{ "<13>Feb 30 10:00:00 h t: m", 0, R3164, 1, 5, 0, "h", "t", NULL,
	  NULL, NULL, "m", SYSLOG_F_BAD_TIME },
	{ "<13>Jan  5 25:00:00 h t: m", 0, R3164, 1, 5, 0, "h", "t", NULL,
	  NULL, NULL, "m", SYSLOG_F_BAD_TIME },
	{ "<13>2024-13-01T00:00:00Z h t: m", 0, R3164, 1, 5, 0, "h", "t",
	  NULL, NULL, NULL, "m", SYSLOG_F_BAD_TIME },
};

static void
test_bsd_timestamp_year_is_at_most_a_month_ahead(void **state)
{
	run_ok(bsd_years, NELEM(bsd_years));
}

/*
 * No PRI is user.notice and parsed on; an unreadable PRI is user.notice
 * with the whole datagram kept as the message (RFC 3164 section 4.3.3).
 */
static const struct ok_case bad_pris[] = {
	{ "disk full on db1", 0, R3164, 1, 5, 0, NULL, NULL, NULL, NULL,
	  NULL, "disk full on db1", SYSLOG_F_NO_PRI },
	{ "Jan  5 10:00:00 web1 cron[99]: job failed", 0, R3164, 1, 5,
	  1704448800000LL, "web1", "cron", "99", NULL, NULL, "job failed",
	  SYSLOG_F_NO_PRI },
	/* without a PRI there is no RFC 5424 */
	{ "1 - h a - - - m", 0, R3164, 1, 5, 0, NULL, NULL, NULL, NULL, NULL,
	  "1 - h a - - - m", SYSLOG_F_NO_PRI },
	{ "<192>1 - h a - - - m", 0, R3164, 1, 5, 0, NULL, NULL, NULL, NULL,
	  NULL, "<192>1 - h a - - - m", SYSLOG_F_BAD_PRI },
	{ "<999>x", 0, R3164, 1, 5, 0, NULL, NULL, NULL, NULL, NULL,
	  "<999>x", SYSLOG_F_BAD_PRI },
	{ "<013>x", 0, R3164, 1, 5, 0, NULL, NULL, NULL, NULL, NULL,
	  "<013>x", SYSLOG_F_BAD_PRI },
	{ "<00>x", 0, R3164, 1, 5, 0, NULL, NULL, NULL, NULL, NULL,
	  "<00>x", SYSLOG_F_BAD_PRI },
	{ "<0013>x", 0, R3164, 1, 5, 0, NULL, NULL, NULL, NULL, NULL,
	  "<0013>x", SYSLOG_F_BAD_PRI },
	{ "<>x", 0, R3164, 1, 5, 0, NULL, NULL, NULL, NULL, NULL,
	  "<>x", SYSLOG_F_BAD_PRI },
	{ "<-1>x", 0, R3164, 1, 5, 0, NULL, NULL, NULL, NULL, NULL,
	  "<-1>x", SYSLOG_F_BAD_PRI },
	{ "<1a>x", 0, R3164, 1, 5, 0, NULL, NULL, NULL, NULL, NULL,
	  "<1a>x", SYSLOG_F_BAD_PRI },
	{ "<13", 0, R3164, 1, 5, 0, NULL, NULL, NULL, NULL, NULL,
	  "<13", SYSLOG_F_BAD_PRI },
	{ "<", 0, R3164, 1, 5, 0, NULL, NULL, NULL, NULL, NULL,
	  "<", SYSLOG_F_BAD_PRI },
};

static void
test_missing_or_bad_pri_reads_as_user_notice(void **state)
{
	run_ok(bad_pris, NELEM(bad_pris));
}

/* RFC 5424 headers that must be refused, and the field each names. */
static const struct {
	const char	*in;
	const char	*err;		/* a substring of the message */
} refused[] = {
	{ "", "empty datagram" },
	{ "\r\n", "empty datagram" },
	{ "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su",
	  "ends after APP-NAME" },
	{ "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47",
	  "ends after MSGID" },
	{ "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 ",
	  "STRUCTURED-DATA: expected '-' or '['" },
	{ "<13>1 -", "ends after TIMESTAMP" },
	{ "<13>1 - ", "ends before HOSTNAME" },
	{ "<13>1 - h  a - - - m", "APP-NAME: empty" },
	{ "<13>1 - h\ta a - - - m", "HOSTNAME: byte 0x09" },
	{ "<13>1 - h a - \xc3\xa9 - m", "MSGID: byte 0xc3" },
	{ "<13>1 - h a - - -x", "expected ' ' after STRUCTURED-DATA" },
	{ "<13>1 - h a - - [x@1 k=\"v", "ends inside an SD-ELEMENT" },
	{ "<13>1 - h a - - [x@1 k=\"v\"", "ends inside an SD-ELEMENT" },
	{ "<13>1 - h a - - [x@1", "ends inside an SD-ELEMENT" },
	{ "<13>1 - h a - - [x@1 k=v] m", "expected '=\"'" },
	{ "<13>1 - h a - - [] m", "SD-ID or PARAM-NAME" },
	{ "<13>1 - h a - - [x@1 ] m", "SD-ID or PARAM-NAME" },
	{ "<13>1 - h a - - [x@1 =\"v\"] m", "SD-ID or PARAM-NAME" },
	{ "<13>1 - h a - - [x@1 k=\"v\"x] m", "expected ' ' or ']'" },
	{ "<13>1 - h a - - [x@1 "
	  "a23456789012345678901234567890123=\"v\"] m", "longer than 32" },
	{ "<13>1 - h a - - x m", "expected '-' or '['" },
};

static void
test_refuses_broken_rfc5424_naming_the_field(void **state)
{
	struct syslog_msg	 m;
	char			 err[128];
	size_t			 i, len;

	for (i = 0; i < NELEM(refused); i++) {
		len = strlen(refused[i].in);
		memset(&m, 0xa5, sizeof(m));
		if (syslog_parse(refused[i].in, len, NOW, &m, err,
		    sizeof(err)) != -1)
			fail_msg("accepted: %s", refused[i].in);
		if (strstr(err, refused[i].err) == NULL)
			fail_msg("%s: error \"%s\" lacks \"%s\"",
			    refused[i].in, err, refused[i].err);
		/* Nothing half-filled for a careless caller to use. */
		assert_null(m.msg.p);
		assert_null(m.hostname.p);
		assert_int_equal(m.flags, 0);
	}
}

/* Build "<13>1 - H A P M - x" with one field of n 'a's. */
static char *
with_field(int which, size_t n)
{
	char	*s, *f;
	size_t	 i;

	f = malloc(n + 1);
	assert_non_null(f);
	for (i = 0; i < n; i++)
		f[i] = 'a';
	f[n] = '\0';
	s = malloc(n + 64);
	assert_non_null(s);
	snprintf(s, n + 64, "<13>1 - %s %s %s %s - x",
	    which == 0 ? f : "h", which == 1 ? f : "a", which == 2 ? f : "p",
	    which == 3 ? f : "m");
	free(f);
	return s;
}

static void
test_rfc5424_field_limits_are_inclusive(void **state)
{
	static const struct {
		size_t		 max;
		const char	*name;
	} lim[] = {
		{ SYSLOG_HOSTNAME_MAX, "HOSTNAME" },
		{ SYSLOG_APP_NAME_MAX, "APP-NAME" },
		{ SYSLOG_PROCID_MAX, "PROCID" },
		{ SYSLOG_MSGID_MAX, "MSGID" },
	};
	struct syslog_msg	 m;
	char			 err[128], want[64], *s;
	int			 i;

	assert_int_equal(SYSLOG_HOSTNAME_MAX, 255);
	assert_int_equal(SYSLOG_APP_NAME_MAX, 48);
	assert_int_equal(SYSLOG_PROCID_MAX, 128);
	assert_int_equal(SYSLOG_MSGID_MAX, 32);
	for (i = 0; i < (int)NELEM(lim); i++) {
		s = with_field(i, lim[i].max);
		assert_int_equal(syslog_parse(s, strlen(s), NOW, &m, err,
		    sizeof(err)), 0);
		free(s);
		s = with_field(i, lim[i].max + 1);
		assert_int_equal(syslog_parse(s, strlen(s), NOW, &m, err,
		    sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s: longer than %zu bytes",
		    lim[i].name, lim[i].max);
		assert_non_null(strstr(err, want));
		free(s);
	}
}

/*
 * In RFC 3164 an overlong would-be HOSTNAME or TAG is not one: the text
 * stays in msg instead of being refused.
 */
static void
test_rfc3164_overlong_host_or_tag_stays_in_msg(void **state)
{
	struct syslog_msg	 m;
	char			 buf[512], err[128];
	char			 word[300];

	memset(word, 'a', 256);
	word[256] = '\0';
	snprintf(buf, sizeof(buf), "<13>Jan  5 10:00:00 %s t: m", word);
	assert_int_equal(syslog_parse(buf, strlen(buf), NOW, &m, err,
	    sizeof(err)), 0);
	assert_null(m.hostname.p);
	assert_int_equal(m.msg.len, strlen(word) + 5);

	word[255] = '\0';
	snprintf(buf, sizeof(buf), "<13>Jan  5 10:00:00 %s t: m", word);
	assert_int_equal(syslog_parse(buf, strlen(buf), NOW, &m, err,
	    sizeof(err)), 0);
	assert_int_equal(m.hostname.len, 255);

	word[49] = '\0';
	snprintf(buf, sizeof(buf), "<13>Jan  5 10:00:00 h %s: m", word);
	assert_int_equal(syslog_parse(buf, strlen(buf), NOW, &m, err,
	    sizeof(err)), 0);
	assert_null(m.app_name.p);
	assert_int_equal(m.msg.len, 49 + 3);

	word[48] = '\0';
	snprintf(buf, sizeof(buf), "<13>Jan  5 10:00:00 h %s: m", word);
	assert_int_equal(syslog_parse(buf, strlen(buf), NOW, &m, err,
	    sizeof(err)), 0);
	assert_int_equal(m.app_name.len, 48);
	assert_int_equal(m.msg.len, 1);
}

/* Bytes kept as sent; the flags say what the caller must clean. */
static const struct {
	const char	*msg;
	size_t		 len;
	unsigned int	 flags;
} texts[] = {
	{ "plain", 5, 0 },
	{ "\xe2\x82\xac \xf0\x9f\x98\x80 \xc3\xa9", 11, 0 },
	{ "a\xff" "b", 3, SYSLOG_F_MSG_BAD_UTF8 },
	{ "\xc0\x80", 2, SYSLOG_F_MSG_BAD_UTF8 },		/* overlong */
	{ "\xed\xa0\x80", 3, SYSLOG_F_MSG_BAD_UTF8 },		/* surrogate */
	{ "\xf4\x90\x80\x80", 4, SYSLOG_F_MSG_BAD_UTF8 },	/* > 10FFFF */
	{ "ends \xe2\x82", 7, SYSLOG_F_MSG_BAD_UTF8 },		/* cut */
	{ "a\0b", 3, SYSLOG_F_MSG_NUL },
	{ "a\0\xff", 3, SYSLOG_F_MSG_NUL | SYSLOG_F_MSG_BAD_UTF8 },
};

static void
test_msg_bytes_kept_and_bad_text_flagged(void **state)
{
	struct syslog_msg	 m;
	char			 buf[64], err[128];
	size_t			 i, n;
	int			 fmt;

	for (fmt = 0; fmt < 2; fmt++) {
		for (i = 0; i < NELEM(texts); i++) {
			n = (size_t)snprintf(buf, sizeof(buf), "%s",
			    fmt ? "<13>1 - h a - - - " : "<13>h: ");
			memcpy(buf + n, texts[i].msg, texts[i].len);
			n += texts[i].len;
			assert_int_equal(syslog_parse(buf, n, NOW, &m, err,
			    sizeof(err)), 0);
			assert_int_equal(m.msg.len, texts[i].len);
			assert_memory_equal(m.msg.p, texts[i].msg,
			    texts[i].len);
			assert_int_equal(m.flags, texts[i].flags);
		}
	}
}

static void
test_sd_value_with_bad_utf8_or_nul_is_flagged(void **state)
{
	static const char	 bad[] = "<13>1 - h a - - [x@1 k=\"\xff\"] m";
	static const char	 nul[] = "<13>1 - h a - - [x@1 k=\"\0\"] m";
	struct syslog_msg	 m;
	char			 err[128];

	assert_int_equal(syslog_parse(bad, sizeof(bad) - 1, NOW, &m, err,
	    sizeof(err)), 0);
	assert_int_equal(m.flags, SYSLOG_F_SD_BAD_UTF8);
	assert_int_equal(syslog_parse(nul, sizeof(nul) - 1, NOW, &m, err,
	    sizeof(err)), 0);
	assert_int_equal(m.flags, SYSLOG_F_SD_BAD_UTF8);
}

/* A NUL inside the header is not printable ASCII; refused, not cut. */
static void
test_nul_in_rfc5424_header_is_refused(void **state)
{
	static const char	 in[] = "<13>1 - h\0x a - - - m";
	struct syslog_msg	 m;
	char			 err[128];

	assert_int_equal(syslog_parse(in, sizeof(in) - 1, NOW, &m, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "HOSTNAME: byte 0x00"));
}

static void
test_datagram_need_not_be_nul_terminated(void **state)
{
	static const char	 in[] = "<13>1 - h a - - - hello" "GARBAGE";
	struct syslog_msg	 m;
	char			 err[128], *copy;
	size_t			 len = sizeof("<13>1 - h a - - - hello") - 1;

	/* Exactly len bytes on the heap, so ASan sees any read past. */
	copy = malloc(len);
	assert_non_null(copy);
	memcpy(copy, in, len);
	assert_int_equal(syslog_parse(copy, len, NOW, &m, err, sizeof(err)),
	    0);
	assert_int_equal(m.msg.len, 5);
	assert_memory_equal(m.msg.p, "hello", 5);
	free(copy);
}

/*
 * Every prefix of real datagrams, each in a buffer of exactly its size:
 * parsing a truncated datagram never reads past it (ASan) and never
 * crashes, whatever it answers.
 */
static void
test_every_truncation_is_safe(void **state)
{
	static const char *const lines[] = {
		"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com "
		"evntslog - ID47 [exampleSDID@32473 iut=\"3\" "
		"eventSource=\"App\\\"lication\"][p@1 class=\"high\"] " BOM "x",
		"<30>Jan  5 10:00:00.250 web1 nginx[1234]: upstream timed out",
		"<30>2024-01-05T10:00:00.123456+01:00 web1 nginx[1234]: x",
		"<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!",
	};
	struct syslog_msg	 m;
	char			 err[128], *buf;
	size_t			 i, n;

	for (i = 0; i < NELEM(lines); i++) {
		for (n = 0; n <= strlen(lines[i]); n++) {
			buf = malloc(n ? n : 1);
			assert_non_null(buf);
			memcpy(buf, lines[i], n);
			if (syslog_parse(buf, n, NOW, &m, err, sizeof(err))
			    == 0 && m.msg.p != NULL)
				assert_true(m.msg.p + m.msg.len <= buf + n);
			free(buf);
		}
	}
}

/* Senders end datagrams with LF, CRLF or NUL; none of it is text. */
static void
test_trailing_lf_cr_nul_are_framing(void **state)
{
	static const char	 in[] = "<13>1 - h a - - - m\n\r\n\0";
	static const char	 only[] = "\0\n\0";
	struct syslog_msg	 m;
	char			 err[128];

	assert_int_equal(syslog_parse(in, sizeof(in) - 1, NOW, &m, err,
	    sizeof(err)), 0);
	assert_int_equal(m.msg.len, 1);
	assert_int_equal(m.flags, 0);
	assert_int_equal(syslog_parse(only, sizeof(only) - 1, NOW, &m, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "empty datagram");
}

static void
test_large_datagram_is_one_message(void **state)
{
	struct syslog_msg	 m;
	char			 err[128], *buf;
	size_t			 len = 65507;	/* the largest UDP payload */

	buf = malloc(len);
	assert_non_null(buf);
	memset(buf, 'a', len);
	memcpy(buf, "<13>1 - h a - - - ", 18);
	assert_int_equal(syslog_parse(buf, len, NOW, &m, err, sizeof(err)),
	    0);
	assert_int_equal(m.msg.len, len - 18);
	free(buf);
}

static void
test_error_buffer_may_be_small_or_absent(void **state)
{
	struct syslog_msg	 m;
	char			 err[8];

	assert_int_equal(syslog_parse("", 0, NOW, &m, err, sizeof(err)), -1);
	assert_string_equal(err, "empty d");
	assert_int_equal(syslog_parse("", 0, NOW, &m, NULL, 0), -1);
	assert_int_equal(syslog_parse("<13>x", 5, NOW, &m, NULL, 0), 0);
}

static const struct {
	const char	*in;
	size_t		 len;
	const char	*out;
	size_t		 nrep;
} dups[] = {
	{ "", 0, "", 0 },
	{ "plain", 5, "plain", 0 },
	{ "\xe2\x82\xac\xc3\xa9", 5, "\xe2\x82\xac\xc3\xa9", 0 },
	{ "a\xff" "b", 3, "a\xef\xbf\xbd" "b", 1 },
	{ "a\0b", 3, "a\xef\xbf\xbd" "b", 1 },
	{ "\xe2\x82", 2, "\xef\xbf\xbd\xef\xbf\xbd", 2 },
	{ "\xc0\x80", 2, "\xef\xbf\xbd\xef\xbf\xbd", 2 },
	{ "\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 3 },
	{ "\xf0\x9f\x98\x80\xf0\x9f", 6,
	  "\xf0\x9f\x98\x80\xef\xbf\xbd\xef\xbf\xbd", 2 },
};

static void
test_utf8_dup_replaces_bad_bytes_and_nul(void **state)
{
	size_t	 i, nrep;
	char	*s;

	for (i = 0; i < NELEM(dups); i++) {
		nrep = 99;
		s = syslog_utf8_dup(dups[i].in, dups[i].len, &nrep);
		assert_non_null(s);
		assert_string_equal(s, dups[i].out);
		assert_int_equal(nrep, dups[i].nrep);
		free(s);
	}
	s = syslog_utf8_dup("x", 1, NULL);
	assert_string_equal(s, "x");
	free(s);
}

static void
test_facility_names_round_trip(void **state)
{
	static const char *const names[24] = {
		"kern", "user", "mail", "daemon", "auth", "syslog", "lpr",
		"news", "uucp", "cron", "authpriv", "ftp", "ntp", "audit",
		"alert", "clock", "local0", "local1", "local2", "local3",
		"local4", "local5", "local6", "local7",
	};
	int	 i;

	for (i = 0; i < 24; i++) {
		assert_string_equal(syslog_facility_name(i), names[i]);
		assert_int_equal(syslog_facility_parse(names[i]), i);
	}
	assert_int_equal(syslog_facility_parse("LOCAL7"), 23);
	assert_int_equal(syslog_facility_parse("AuthPriv"), 10);
	assert_null(syslog_facility_name(-1));
	assert_null(syslog_facility_name(24));
	assert_int_equal(syslog_facility_parse("local8"), -1);
	assert_int_equal(syslog_facility_parse(""), -1);
	assert_int_equal(syslog_facility_parse("loca"), -1);
	assert_int_equal(syslog_facility_parse("kernel"), -1);
}

static void
test_severity_names_and_glibc_aliases(void **state)
{
	static const char *const names[8] = {
		"emerg", "alert", "crit", "err", "warning", "notice", "info",
		"debug",
	};
	int	 i;

	for (i = 0; i < 8; i++) {
		assert_string_equal(syslog_severity_name(i), names[i]);
		assert_int_equal(syslog_severity_parse(names[i]), i);
	}
	assert_int_equal(syslog_severity_parse("CRIT"), 2);
	assert_int_equal(syslog_severity_parse("panic"), 0);
	assert_int_equal(syslog_severity_parse("error"), 3);
	assert_int_equal(syslog_severity_parse("Warn"), 4);
	assert_null(syslog_severity_name(-1));
	assert_null(syslog_severity_name(8));
	assert_int_equal(syslog_severity_parse("critical"), -1);
	assert_int_equal(syslog_severity_parse(""), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parses_rfc5424_section_6_5_examples),
		cmocka_unit_test(test_parses_rfc5424_from_real_senders),
		cmocka_unit_test(test_parses_rfc3164_and_its_variants),
		cmocka_unit_test(
		    test_bsd_timestamp_year_is_at_most_a_month_ahead),
		cmocka_unit_test(test_missing_or_bad_pri_reads_as_user_notice),
		cmocka_unit_test(test_refuses_broken_rfc5424_naming_the_field),
		cmocka_unit_test(test_rfc5424_field_limits_are_inclusive),
		cmocka_unit_test(
		    test_rfc3164_overlong_host_or_tag_stays_in_msg),
		cmocka_unit_test(test_msg_bytes_kept_and_bad_text_flagged),
		cmocka_unit_test(test_sd_value_with_bad_utf8_or_nul_is_flagged),
		cmocka_unit_test(test_nul_in_rfc5424_header_is_refused),
		cmocka_unit_test(test_datagram_need_not_be_nul_terminated),
		cmocka_unit_test(test_every_truncation_is_safe),
		cmocka_unit_test(test_trailing_lf_cr_nul_are_framing),
		cmocka_unit_test(test_large_datagram_is_one_message),
		cmocka_unit_test(test_error_buffer_may_be_small_or_absent),
		cmocka_unit_test(test_utf8_dup_replaces_bad_bytes_and_nul),
		cmocka_unit_test(test_facility_names_round_trip),
		cmocka_unit_test(test_severity_names_and_glibc_aliases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
