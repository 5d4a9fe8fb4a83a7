/*
 * tests/unit/test_reply.c — lib/reply.c: what each SMS reply asks for.
 * One table of replies as people type them; each row is a case.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "reply.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define H		3600
#define M		60

static const struct row {
	const char	*body;
	int		 rc;
	enum reply_verb	 verb;
	int		 code;
	int64_t		 ack_for_s;
} rows[] = {
	/* acknowledge one page */
	{ "3a",			 0, REPLY_ACK, 3, 0 },
	{ "3A",			 0, REPLY_ACK, 3, 0 },
	{ "3 ack",		 0, REPLY_ACK, 3, 0 },
	{ "3 ACK",		 0, REPLY_ACK, 3, 0 },
	{ "  3   a  ",		 0, REPLY_ACK, 3, 0 },
	{ "#3a",		 0, REPLY_ACK, 3, 0 },
	{ "#3 ack",		 0, REPLY_ACK, 3, 0 },
	{ "3-a",		 0, REPLY_ACK, 3, 0 },
	{ "3a!",		 0, REPLY_ACK, 3, 0 },
	{ "3a.",		 0, REPLY_ACK, 3, 0 },
	{ "03a",		 0, REPLY_ACK, 3, 0 },
	{ "42 acknowledged",	 0, REPLY_ACK, 42, 0 },
	{ "3 acked",		 0, REPLY_ACK, 3, 0 },
	{ "ack 3",		 0, REPLY_ACK, 3, 0 },
	{ "ack #3",		 0, REPLY_ACK, 3, 0 },
	{ "a3",			 0, REPLY_ACK, 3, 0 },
	{ "3a thanks",		 0, REPLY_ACK, 3, 0 },
	{ "3a, thank you!",	 0, REPLY_ACK, 3, 0 },
	{ "ok 3a thx",		 0, REPLY_ACK, 3, 0 },
	{ "pls ack incident 3",	 0, REPLY_ACK, 3, 0 },
	{ "3a got it",		 0, REPLY_ACK, 3, 0 },
	{ "on it, 3a",		 0, REPLY_ACK, 3, 0 },
	{ "3a \xf0\x9f\x91\x8d",	 0, REPLY_ACK, 3, 0 },	/* thumbs up */
	{ "3\ta\r\n",		 0, REPLY_ACK, 3, 0 },
	{ "999999a",		 0, REPLY_ACK, 999999, 0 },
	/* the latest page */
	{ "a",			 0, REPLY_ACK, 0, 0 },
	{ "A",			 0, REPLY_ACK, 0, 0 },
	{ "ack",		 0, REPLY_ACK, 0, 0 },
	{ "Ack.",		 0, REPLY_ACK, 0, 0 },
	{ "ack thanks",		 0, REPLY_ACK, 0, 0 },
	/* timed acknowledgements */
	{ "3 ack 2h",		 0, REPLY_ACK, 3, 2 * H },
	{ "3a 2h",		 0, REPLY_ACK, 3, 2 * H },
	{ "3a2h",		 0, REPLY_ACK, 3, 2 * H },
	{ "3 ACK 2H",		 0, REPLY_ACK, 3, 2 * H },
	{ "3 ack for 2 hours",	 0, REPLY_ACK, 3, 2 * H },
	{ "3a 90m",		 0, REPLY_ACK, 3, 90 * M },
	{ "3a 30 min",		 0, REPLY_ACK, 3, 30 * M },
	{ "3a 1h30m",		 0, REPLY_ACK, 3, 90 * M },
	{ "3a 1d",		 0, REPLY_ACK, 3, 86400 },
	{ "3a 7 days",		 0, REPLY_ACK, 3, 7 * 86400 },
	{ "a 2h",		 0, REPLY_ACK, 0, 2 * H },
	{ "ack 2h",		 0, REPLY_ACK, 0, 2 * H },
	{ "ack 3 2h",		 0, REPLY_ACK, 3, 2 * H },
	{ "3 ack 1 hr thanks",	 0, REPLY_ACK, 3, H },
	/* resolve, escalate */
	{ "3r",			 0, REPLY_RESOLVE, 3, 0 },
	{ "3 resolve",		 0, REPLY_RESOLVE, 3, 0 },
	{ "3 Resolved",		 0, REPLY_RESOLVE, 3, 0 },
	{ "resolve 12",		 0, REPLY_RESOLVE, 12, 0 },
	{ "r",			 0, REPLY_RESOLVE, 0, 0 },
	{ "3e",			 0, REPLY_ESCALATE, 3, 0 },
	{ "3 escalate",		 0, REPLY_ESCALATE, 3, 0 },
	{ "3 esc now",		 0, REPLY_ESCALATE, 3, 0 },
	{ "e",			 0, REPLY_ESCALATE, 0, 0 },
	/* everything at once */
	{ "aa",			 0, REPLY_ACK_ALL, 0, 0 },
	{ "AA",			 0, REPLY_ACK_ALL, 0, 0 },
	{ "ack all",		 0, REPLY_ACK_ALL, 0, 0 },
	{ "Ack All!",		 0, REPLY_ACK_ALL, 0, 0 },
	{ "a all",		 0, REPLY_ACK_ALL, 0, 0 },
	{ "aa 1h",		 0, REPLY_ACK_ALL, 0, H },
	/* questions */
	{ "who",		 0, REPLY_WHO, 0, 0 },
	{ "WHO?",		 0, REPLY_WHO, 0, 0 },
	{ "who's on call?",	 0, REPLY_WHO, 0, 0 },
	{ "who is on call today", 0, REPLY_WHO, 0, 0 },
	{ "on call?",		 0, REPLY_WHO, 0, 0 },
	{ "help",		 0, REPLY_HELP, 0, 0 },
	{ "HELP",		 0, REPLY_HELP, 0, 0 },
	{ "info",		 0, REPLY_HELP, 0, 0 },
	{ "?",			 0, REPLY_HELP, 0, 0 },
	/* carrier opt-out and opt-in keywords, as Twilio treats them */
	{ "STOP",		 0, REPLY_STOP, 0, 0 },
	{ "stop",		 0, REPLY_STOP, 0, 0 },
	{ " Stop. ",		 0, REPLY_STOP, 0, 0 },
	{ "STOPALL",		 0, REPLY_STOP, 0, 0 },
	{ "UNSUBSCRIBE",	 0, REPLY_STOP, 0, 0 },
	{ "Cancel",		 0, REPLY_STOP, 0, 0 },
	{ "END",		 0, REPLY_STOP, 0, 0 },
	{ "quit",		 0, REPLY_STOP, 0, 0 },
	{ "stop please",	 0, REPLY_STOP, 0, 0 },
	{ "START",		 0, REPLY_START, 0, 0 },
	{ "Yes",		 0, REPLY_START, 0, 0 },
	{ "UNSTOP",		 0, REPLY_START, 0, 0 },
	/* not understood: help with -1 */
	{ "",			-1, REPLY_HELP, 0, 0 },
	{ "   ",		-1, REPLY_HELP, 0, 0 },
	{ "thanks",		-1, REPLY_HELP, 0, 0 },
	{ "\xf0\x9f\x91\x8d",	-1, REPLY_HELP, 0, 0 },
	{ "3",			-1, REPLY_HELP, 0, 0 },
	{ "0a",			-1, REPLY_HELP, 0, 0 },
	{ "1000000a",		-1, REPLY_HELP, 0, 0 },
	{ "99999999999999999999a", -1, REPLY_HELP, 0, 0 },
	{ "3x",			-1, REPLY_HELP, 0, 0 },
	{ "3 ack 4",		-1, REPLY_HELP, 0, 0 },
	{ "3 ack 2",		-1, REPLY_HELP, 0, 0 },
	{ "3 ack 2 weeks",	-1, REPLY_HELP, 0, 0 },
	{ "3 ack 0h",		-1, REPLY_HELP, 0, 0 },
	{ "3 ack 8d",		-1, REPLY_HELP, 0, 0 },
	{ "3 ack 169h",		-1, REPLY_HELP, 0, 0 },
	{ "3r 2h",		-1, REPLY_HELP, 0, 0 },
	{ "3e 1h",		-1, REPLY_HELP, 0, 0 },
	{ "3aa",		-1, REPLY_HELP, 0, 0 },
	{ "3 ack all",		-1, REPLY_HELP, 0, 0 },
	{ "3 stop",		-1, REPLY_HELP, 0, 0 },
	{ "stop stop",		-1, REPLY_HELP, 0, 0 },
	{ "cancel the page 3",	-1, REPLY_HELP, 0, 0 },
	{ "3 yes",		-1, REPLY_HELP, 0, 0 },
	{ "3 a r",		-1, REPLY_HELP, 0, 0 },
	{ "ack ack",		-1, REPLY_HELP, 0, 0 },
	{ "acknowledgedxxxxxxxxxx", -1, REPLY_HELP, 0, 0 },
	{ "I am looking into it, will ack when I know more", -1, REPLY_HELP,
	    0, 0 },
	{ "r\xc3\xa9solve 3",	-1, REPLY_HELP, 0, 0 },
};

static void
test_replies_from_the_table(void **state)
{
	size_t	 i;
	int	 failed = 0;

	for (i = 0; i < NELEM(rows); i++) {
		struct reply	 r;
		int		 rc;

		/* Sentinel bytes: the parser must fill every field. */
		memset(&r, 0x5a, sizeof(r));
		rc = reply_parse(rows[i].body, strlen(rows[i].body), &r);
		if (rc != rows[i].rc || r.verb != rows[i].verb ||
		    r.code != rows[i].code ||
		    r.ack_for_s != rows[i].ack_for_s) {
			print_error("row %zu \"%s\": got rc %d %s code %d "
			    "for %lld, want rc %d %s code %d for %lld\n", i,
			    rows[i].body, rc, reply_verb_name(r.verb), r.code,
			    (long long)r.ack_for_s, rows[i].rc,
			    reply_verb_name(rows[i].verb), rows[i].code,
			    (long long)rows[i].ack_for_s);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

static void
test_body_is_not_read_past_len(void **state)
{
	struct reply	 r;

	/* "3a2h" cut after "3a": the "2h" beyond len must not count. */
	assert_int_equal(reply_parse("3a2h", 2, &r), 0);
	assert_int_equal(r.verb, REPLY_ACK);
	assert_int_equal(r.ack_for_s, 0);
	/* "3" alone, though a verb follows in memory. */
	assert_int_equal(reply_parse("3a", 1, &r), -1);
	assert_int_equal(reply_parse(NULL, 0, &r), -1);
}

static void
test_body_may_hold_nul_bytes(void **state)
{
	struct reply	 r;

	assert_int_equal(reply_parse("3\0a", 3, &r), 0);
	assert_int_equal(r.verb, REPLY_ACK);
	assert_int_equal(r.code, 3);
}

static void
test_a_long_message_is_not_a_command(void **state)
{
	char		 buf[4096];
	struct reply	 r;
	size_t		 i;

	/* 17 words of filler around a valid command: too chatty to act on. */
	snprintf(buf, sizeof(buf), "3a");
	for (i = 0; i < 16; i++)
		strcat(buf, " thanks");
	assert_int_equal(reply_parse(buf, strlen(buf), &r), -1);
	assert_int_equal(r.verb, REPLY_HELP);
	/* Any amount of punctuation around a command is fine. */
	memset(buf, '.', sizeof(buf));
	memcpy(buf + 100, "3a", 2);
	assert_int_equal(reply_parse(buf, sizeof(buf), &r), 0);
	assert_int_equal(r.code, 3);
}

static void
test_verb_names_for_the_timeline(void **state)
{
	assert_string_equal(reply_verb_name(REPLY_ACK), "ack");
	assert_string_equal(reply_verb_name(REPLY_ACK_ALL), "ack_all");
	assert_string_equal(reply_verb_name(REPLY_STOP), "stop");
	assert_string_equal(reply_verb_name(REPLY_HELP), "help");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replies_from_the_table),
		cmocka_unit_test(test_body_is_not_read_past_len),
		cmocka_unit_test(test_body_may_hold_nul_bytes),
		cmocka_unit_test(test_a_long_message_is_not_a_command),
		cmocka_unit_test(test_verb_names_for_the_timeline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
