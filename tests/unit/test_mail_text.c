/*
 * tests/unit/test_mail_text.c — lib/mail_text.c: the email notifier's
 * message. Above all: alert text never becomes a header. Dates were
 * checked with Python's email.utils.format_datetime, encoded words and
 * bodies by parsing the output with Python's email package (policy
 * default: no defects).
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "mail_text.h"
#include "utf8.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define MSGID		"inc42-s1-alice@pagerd.example.com"
#define T_2025		1751371200	/* Tue, 01 Jul 2025 12:00:00 UTC */
#define INJECT		"\r\nBcc: x@y"

static struct mail_msg
msg(const char *subject, const char *body)
{
	struct mail_msg	 m = { "pagerd@example.com", "pagerd",
	    "alice@example.com", "Alice Smith", subject, body, T_2025, MSGID,
	    NULL };

	return m;
}

static char *
build(const struct mail_msg *m)
{
	char	 err[128];
	char	*s = mail_build(m, NULL, err, sizeof(err));

	if (s == NULL)
		fail_msg("mail_build: %s", err);
	return s;
}

/*
 * The header names of message s in order, into names[] (at most max);
 * returns how many. Continuation lines (leading SP or TAB) belong to
 * the header before them.
 */
static size_t
header_names(const char *s, char names[][32], size_t max)
{
	const char	*end = strstr(s, "\r\n\r\n"), *p, *colon, *eol;
	size_t		 n = 0;

	assert_non_null(end);
	for (p = s; p < end + 2; p = eol + 2) {
		eol = strstr(p, "\r\n");
		if (*p == ' ' || *p == '\t')
			continue;
		colon = memchr(p, ':', (size_t)(eol - p));
		assert_non_null(colon);
		assert_true(n < max && colon - p < 32);
		memcpy(names[n], p, (size_t)(colon - p));
		names[n++][colon - p] = '\0';
	}
	return n;
}

/* No bare CR or LF; every header line at most 78 columns. */
static void
assert_well_formed(const char *s)
{
	const char	*end = strstr(s, "\r\n\r\n"), *p;
	size_t		 col = 0;

	assert_non_null(end);
	for (p = s; *p != '\0'; p++) {
		if (*p == '\r') {
			assert_int_equal(p[1], '\n');
			p++;
			col = 0;
			continue;
		}
		assert_int_not_equal(*p, '\n');
		col++;
		if (p < end)
			assert_true(col <= 78);
		assert_true(col <= 998);
	}
}

static void
test_bcc_in_alert_text_is_not_a_header(void **state)
{
	static const char *const want[] = { "Date", "From", "To", "Subject",
	    "Message-ID", "MIME-Version", "Content-Type",
	    "Content-Transfer-Encoding", "Auto-Submitted" };
	struct mail_msg	 m = msg("#42 SEV1 db down" INJECT,
	    "db down" INJECT "\r\n\r\nBcc: z@y\n");
	char		 names[32][32], *s, *hdrs;
	size_t		 n, i;

	m.to_name = "Alice" INJECT;
	m.from_name = "pagerd\n\nBcc: w@y";
	s = build(&m);
	assert_well_formed(s);
	n = header_names(s, names, NELEM(names));
	assert_int_equal(n, NELEM(want));
	for (i = 0; i < n; i++)
		assert_string_equal(names[i], want[i]);
	/* The text is still there, as harmless words. */
	assert_non_null(strstr(s,
	    "\r\nSubject: #42 SEV1 db down Bcc: x@y\r\n"));
	assert_non_null(strstr(s, "\r\nTo: \"Alice Bcc: x@y\" "
	    "<alice@example.com>\r\n"));
	assert_non_null(strstr(s, "\r\nFrom: \"pagerd Bcc: w@y\" "
	    "<pagerd@example.com>\r\n"));
	/* And no line of the header block starts a Bcc. */
	hdrs = strndup(s, (size_t)(strstr(s, "\r\n\r\n") - s));
	assert_non_null(hdrs);
	assert_null(strcasestr(hdrs, "\nBcc"));
	free(hdrs);
	free(s);
}

static void
test_simple_page_is_exactly_this(void **state)
{
	struct mail_msg	 m = msg("#42 SEV1 db-primary down",
	    "Incident #42 (sev1): db-primary down\n"
	    "Reply to the SMS with 3a to acknowledge.\n");
	char		*s;
	size_t		 len;

	m.in_reply_to = "inc42@pagerd.example.com";
	s = mail_build(&m, &len, NULL, 0);
	assert_non_null(s);
	assert_string_equal(s,
	    "Date: Tue, 01 Jul 2025 12:00:00 +0000\r\n"
	    "From: \"pagerd\" <pagerd@example.com>\r\n"
	    "To: \"Alice Smith\" <alice@example.com>\r\n"
	    "Subject: #42 SEV1 db-primary down\r\n"
	    "Message-ID: <inc42-s1-alice@pagerd.example.com>\r\n"
	    "In-Reply-To: <inc42@pagerd.example.com>\r\n"
	    "References: <inc42@pagerd.example.com>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "\r\n"
	    "Incident #42 (sev1): db-primary down\r\n"
	    "Reply to the SMS with 3a to acknowledge.\r\n");
	assert_int_equal(len, strlen(s));
	free(s);
}

static void
test_no_display_name_gives_angle_addr(void **state)
{
	struct mail_msg	 m = msg("x", "y");
	char		*s;

	m.from_name = NULL;
	m.to_name = " \r\n ";	/* nothing left once cleaned */
	s = build(&m);
	assert_non_null(strstr(s, "\r\nFrom: <pagerd@example.com>\r\n"));
	assert_non_null(strstr(s, "\r\nTo: <alice@example.com>\r\n"));
	free(s);
}

static const struct hrow {
	const char	*what;
	const char	*subject;
	const char	*want;		/* the Subject line(s), folded */
} hrows[] = {
	{ "non-ASCII is an encoded word", "B\xc5\x82\xc4\x85""d dysku",
	  "Subject: =?UTF-8?B?QsWCxIVkIGR5c2t1?=\r\n" },
	{ "white space and controls collapse", "  db\t\tdown\x07\x1b now  ",
	  "Subject: db down now\r\n" },
	{ "empty", "", "Subject:\r\n" },
	{ "what looks like an encoded word is encoded", "=?x?B?QQ==?= hi",
	  "Subject: =?UTF-8?B?PT94P0I/UVE9PT89IGhp?=\r\n" },
	{ "ASCII folds at spaces before 78 columns",
	  "Disk usage on db-primary-01 is above ninety-five percent and "
	  "growing quickly since 02:14 UTC",
	  "Subject: Disk usage on db-primary-01 is above ninety-five percent "
	  "and growing\r\n quickly since 02:14 UTC\r\n" },
	{ "a word too long to fold is encoded", "see "
	  "https://grafana.example.com/d/0123456789abcdef0123456789abcdef",
	  "Subject: =?UTF-8?B?c2VlIGh0dHBzOi8vZ3JhZmFuYS5leGFtcGxlLmNvbS9k"
	  "LzAxMjM0NTY3?=\r\n"
	  " =?UTF-8?B?ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVm?=\r\n" },
};

static void
test_subject_from_the_table(void **state)
{
	size_t	 i;

	for (i = 0; i < NELEM(hrows); i++) {
		struct mail_msg	 m = msg(hrows[i].subject, "b");
		char		*s = build(&m), *p = strstr(s, "\r\nSubject:");

		assert_well_formed(s);
		assert_non_null(p);
		if (strncmp(p + 2, hrows[i].want, strlen(hrows[i].want)) != 0
		    || strncmp(p + 2 + strlen(hrows[i].want), "Message-ID:",
		    11) != 0)
			fail_msg("%s: got %.*s", hrows[i].what,
			    (int)(strstr(p, "\r\nMessage-ID") - p), p + 2);
		free(s);
	}
}

/* Each encoded word of the Subject holds whole UTF-8 characters. */
static void
test_encoded_words_do_not_split_characters(void **state)
{
	char		 subject[2048], *s, *p, *q, *end;
	unsigned char	 dec[128];
	size_t		 i, words = 0;

	subject[0] = '\0';
	for (i = 0; i < 80; i++)
		strcat(subject, i % 3 ? "\xc4\x99" : "\xf0\x9f\x94\xa5 ");
	s = build(&(struct mail_msg){ "a@b.example", NULL, "c@d.example",
	    NULL, subject, "b", T_2025, MSGID, NULL });
	assert_well_formed(s);
	end = strstr(s, "\r\nMessage-ID");
	for (p = strstr(s, "=?UTF-8?B?"); p != NULL && p < end;
	    p = strstr(q, "=?UTF-8?B?")) {
		int		 n;
		size_t		 j, k;
		uint32_t	 cp;

		p += 10;
		q = strstr(p, "?=");
		n = EVP_DecodeBlock(dec, (unsigned char *)p, (int)(q - p));
		assert_true(n > 0);
		/* EVP_DecodeBlock counts the padding as zero bytes. */
		n -= (q[-1] == '=') + (q[-2] == '=');
		for (j = 0; j < (size_t)n; j += k) {
			k = utf8_decode((char *)dec + j, (size_t)n - j, &cp);
			assert_int_not_equal(cp, UTF8_REPLACEMENT);
		}
		assert_true(n <= 42);
		words++;
	}
	assert_true(words > 3);
	free(s);
}

static void
test_long_subject_is_capped(void **state)
{
	char		 subject[2001], *s;
	struct mail_msg	 m;
	size_t		 i;

	memset(subject, 'x', sizeof(subject) - 1);
	subject[sizeof(subject) - 1] = '\0';
	/* Words, so that it could fold as plain text if it were short. */
	for (i = 10; i < sizeof(subject) - 1; i += 11)
		subject[i] = ' ';
	m = msg(subject, "b");
	s = build(&m);
	assert_well_formed(s);
	/* 199 characters and the ellipsis, so encoded words: well under
	 * a kilobyte of header. */
	assert_true(strstr(s, "\r\nMessage-ID") - strstr(s, "\r\nSubject") <
	    400);
	free(s);
}

static void
test_display_names_are_quoted_or_encoded(void **state)
{
	struct mail_msg	 m = msg("x", "y");
	char		*s;

	m.to_name = "Alice \"Al\" O\\Smith";
	m.from_name = "Zo\xc3\xab";
	s = build(&m);
	assert_non_null(strstr(s,
	    "\r\nTo: \"Alice \\\"Al\\\" O\\\\Smith\" <alice@example.com>\r\n"));
	assert_non_null(strstr(s,
	    "\r\nFrom: =?UTF-8?B?Wm/Dqw==?= <pagerd@example.com>\r\n"));
	free(s);
}

static const struct arow {
	const char	*addr;
	int		 valid;
} arows[] = {
	{ "alice@example.com", 1 },
	{ "alice.smith+pager@mail.example.com", 1 },
	{ "o'brien@example.ie", 1 },
	{ "x@localhost", 1 },
	{ "a{b}|c~d@e-f.example", 1 },
	{ "", 0 },
	{ "alice", 0 },
	{ "@example.com", 0 },
	{ "alice@", 0 },
	{ "a@b@example.com", 0 },
	{ "alice smith@example.com", 0 },
	{ "alice@example .com", 0 },
	{ "<alice@example.com>", 0 },
	{ "Alice <alice@example.com>", 0 },
	{ "alice@example.com" INJECT, 0 },
	{ "alice\n@example.com", 0 },
	{ "alice@example.com\r", 0 },
	{ "\"alice\"@example.com", 0 },
	{ "a..b@example.com", 0 },
	{ ".alice@example.com", 0 },
	{ "alice.@example.com", 0 },
	{ "alice@-example.com", 0 },
	{ "alice@example-.com", 0 },
	{ "alice@example..com", 0 },
	{ "alice@.example.com", 0 },
	{ "alice@example.com.", 0 },
	{ "alice@[192.0.2.1]", 0 },
	{ "\xc3\xa9@example.com", 0 },
	{ "alice@\xc3\xa9xample.com", 0 },
	{ "a,b@example.com", 0 },
	{ "a;b@example.com", 0 },
	{ "alice@example.com,bob@example.com", 0 },
	{ "a(b)@example.com", 0 },
	{ "a\\b@example.com", 0 },
	{ "a\tb@example.com", 0 },
};

static void
test_addresses_from_the_table(void **state)
{
	char	 local[80], addr[300];
	size_t	 i;

	for (i = 0; i < NELEM(arows); i++)
		if (mail_addr_valid(arows[i].addr) != arows[i].valid)
			fail_msg("\"%s\": want %d", arows[i].addr,
			    arows[i].valid);
	assert_false(mail_addr_valid(NULL));
	/* 64 bytes of local part are fine, 65 are not. */
	memset(local, 'a', 65);
	local[64] = '\0';
	snprintf(addr, sizeof(addr), "%s@example.com", local);
	assert_true(mail_addr_valid(addr));
	local[64] = 'a';
	local[65] = '\0';
	snprintf(addr, sizeof(addr), "%s@example.com", local);
	assert_false(mail_addr_valid(addr));
	/* 63-byte labels are fine, 64 are not. */
	memset(local, 'b', 64);
	local[63] = '\0';
	snprintf(addr, sizeof(addr), "a@%s.example", local);
	assert_true(mail_addr_valid(addr));
	local[63] = 'b';
	local[64] = '\0';
	snprintf(addr, sizeof(addr), "a@%s.example", local);
	assert_false(mail_addr_valid(addr));
}

static void
test_invalid_addresses_and_ids_are_refused(void **state)
{
	struct mail_msg	 m = msg("x", "y");
	char		 err[128];

	m.to = "alice@example.com" INJECT;
	assert_null(mail_build(&m, NULL, err, sizeof(err)));
	assert_string_equal(err, "to: not a valid address");
	m = msg("x", "y");
	m.from = "pagerd";
	assert_null(mail_build(&m, NULL, err, sizeof(err)));
	assert_string_equal(err, "from: not a valid address");
	m = msg("x", "y");
	m.message_id = "a b@c";
	assert_null(mail_build(&m, NULL, err, sizeof(err)));
	assert_string_equal(err, "message_id: not a valid msg-id");
	m.message_id = NULL;
	assert_null(mail_build(&m, NULL, err, sizeof(err)));
	m = msg("x", "y");
	m.in_reply_to = "x>\r\nBcc: y@z";
	assert_null(mail_build(&m, NULL, err, sizeof(err)));
	assert_string_equal(err, "in_reply_to: not a valid msg-id");
	m = msg("x", "y");
	m.date = 253402300800LL;	/* year 10000 */
	assert_null(mail_build(&m, NULL, NULL, 0));
}

static void
test_message_id_from_idempotency_key(void **state)
{
	char	 buf[128];

	assert_int_equal(mail_message_id(buf, sizeof(buf), "inc42:s1:alice",
	    "pagerd.example.com"), 0);
	assert_string_equal(buf, "inc42-s1-alice@pagerd.example.com");
	assert_int_equal(mail_message_id(buf, sizeof(buf), ".a..b.c.",
	    "h.example"), 0);
	assert_string_equal(buf, "-a-.b.c-@h.example");
	assert_int_equal(mail_message_id(buf, sizeof(buf), "a@b<c>\r\n",
	    "h.example"), 0);
	assert_string_equal(buf, "a-b-c---@h.example");
	assert_int_equal(mail_message_id(buf, sizeof(buf), "", "h.example"),
	    -1);
	assert_int_equal(mail_message_id(buf, sizeof(buf), "a", "h example"),
	    -1);
	assert_int_equal(mail_message_id(buf, 8, "abcdef", "h.example"), -1);
	assert_string_equal(buf, "");
}

static const struct drow {
	int64_t		 t;
	const char	*want;
} drows[] = {
	{ 0,			"Thu, 01 Jan 1970 00:00:00 +0000" },
	{ -1,			"Wed, 31 Dec 1969 23:59:59 +0000" },
	{ T_2025,		"Tue, 01 Jul 2025 12:00:00 +0000" },
	{ 1709208000,		"Thu, 29 Feb 2024 12:00:00 +0000" },
	{ 951868799,		"Tue, 29 Feb 2000 23:59:59 +0000" },
	{ 253402300799LL,	"Fri, 31 Dec 9999 23:59:59 +0000" },
};

static void
test_date_is_rfc5322_in_utc(void **state)
{
	size_t	 i;

	for (i = 0; i < NELEM(drows); i++) {
		struct mail_msg	 m = msg("x", "y");
		char		*s, want[64];

		m.date = drows[i].t;
		s = build(&m);
		snprintf(want, sizeof(want), "Date: %s\r\n", drows[i].want);
		assert_true(strncmp(s, want, strlen(want)) == 0);
		free(s);
	}
}

static const char *
body_of(const char *s)
{
	return strstr(s, "\r\n\r\n") + 4;
}

static void
test_body_is_quoted_printable(void **state)
{
	struct mail_msg	 m = msg("x",
	    "a=b\n"
	    "trailing space \n"
	    "trailing tab\t\r\n"
	    ".leading dot\r"
	    "From the start\n"
	    "not From here\n"
	    "caf\xc3\xa9 \x07\x1b[0m\xc2\x85ok\tx\n"
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "456789012345678901234567890\n"
	    "no newline at the end");
	char		*s = build(&m);

	assert_well_formed(s);
	assert_non_null(strstr(s, "Content-Transfer-Encoding: "
	    "quoted-printable\r\n"));
	assert_string_equal(body_of(s),
	    "a=3Db\r\n"
	    "trailing space=20\r\n"
	    "trailing tab=09\r\n"
	    "=2Eleading dot\r\n"
	    "=46rom the start\r\n"
	    "not From here\r\n"
	    "caf=C3=A9 [0mok\tx\r\n"
	    "012345678901234567890123456789012345678901234567890123456789012345"
	    "678901234=\r\n"
	    "5678901234567890\r\n"
	    "no newline at the end\r\n");
	free(s);
}

static void
test_mostly_non_ascii_body_is_base64(void **state)
{
	/* "Zażółć gęślą jaźń": 10 of 17 characters are two bytes. */
	struct mail_msg	 m = msg("x", "Za\xc5\xbc\xc3\xb3\xc5\x82\xc4\x87 "
	    "g\xc4\x99\xc5\x9bl\xc4\x85 ja\xc5\xba\xc5\x84");
	char		*s = build(&m);

	assert_well_formed(s);
	assert_non_null(strstr(s, "Content-Transfer-Encoding: base64\r\n"));
	/* base64 of the text and CRLF, as Python's base64.b64encode. */
	assert_string_equal(body_of(s),
	    "WmHFvMOzxYLEhyBnxJnFm2zEhSBqYcW6xYQNCg==\r\n");
	free(s);
}

static void
test_empty_and_huge_bodies(void **state)
{
	struct mail_msg	 m = msg(NULL, NULL);
	char		*s = build(&m), *big;
	size_t		 len;

	assert_string_equal(body_of(s), "\r\n");
	assert_non_null(strstr(s, "\r\nSubject:\r\n"));
	free(s);
	/* A megabyte of alert text is cut to MAIL_BODY_MAX. */
	assert_non_null(big = malloc(1 << 20));
	memset(big, 'x', (1 << 20) - 1);
	big[(1 << 20) - 1] = '\0';
	m = msg("x", big);
	assert_non_null(s = mail_build(&m, &len, NULL, 0));
	assert_well_formed(s);
	assert_true(len < MAIL_BODY_MAX * 2);
	free(s);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bcc_in_alert_text_is_not_a_header),
		cmocka_unit_test(test_simple_page_is_exactly_this),
		cmocka_unit_test(test_no_display_name_gives_angle_addr),
		cmocka_unit_test(test_subject_from_the_table),
		cmocka_unit_test(test_encoded_words_do_not_split_characters),
		cmocka_unit_test(test_long_subject_is_capped),
		cmocka_unit_test(test_display_names_are_quoted_or_encoded),
		cmocka_unit_test(test_addresses_from_the_table),
		cmocka_unit_test(test_invalid_addresses_and_ids_are_refused),
		cmocka_unit_test(test_message_id_from_idempotency_key),
		cmocka_unit_test(test_date_is_rfc5322_in_utc),
		cmocka_unit_test(test_body_is_quoted_printable),
		cmocka_unit_test(test_mostly_non_ascii_body_is_base64),
		cmocka_unit_test(test_empty_and_huge_bodies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
