/*
 * tests/unit/test_sms_text.c — lib/sms_text.c: GSM-7/UCS-2 counting and
 * the page SMS that fits its segments. The GSM 03.38 table was checked
 * once, code point by code point up to U+2FFFF, against the alphabet
 * as a Python string (3GPP TS 23.038 6.2.1 and its extension table).
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

#include "sms_text.h"
#include "utf8.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define G		SMS_GSM7
#define U		SMS_UCS2
#define TAIL		"Reply 3a ack, 3r resolve"

/* n copies of s, in a static buffer (one at a time). */
static const char *
rep(const char *s, int n)
{
	static char	 buf[8192];
	size_t		 len = strlen(s);
	int		 i;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		memcpy(buf + i * len, s, len + 1);
	return buf;
}

static const struct mrow {
	const char		*what;
	const char		*text;
	int			 times;
	enum sms_encoding	 enc;
	size_t			 units;
	int			 segs;
} mrows[] = {
	{ "empty is one segment",	"x", 0, G, 0, 1 },
	{ "160 septets, one segment",	"x", 160, G, 160, 1 },
	{ "161 septets, two parts",	"x", 161, G, 161, 2 },
	{ "306 septets, two parts",	"x", 306, G, 306, 2 },
	{ "307 septets, three parts",	"x", 307, G, 307, 3 },
	{ "e-acute is GSM-7",		"\xc3\xa9", 160, G, 160, 1 },
	{ "Greek capitals are GSM-7",	"\xce\x94\xce\xa9", 80, G, 160, 1 },
	{ "e-ogonek is not",		"\xc4\x99", 70, U, 70, 1 },
	{ "71 UCS-2 units, two parts",	"\xc4\x99", 71, U, 71, 2 },
	{ "134 UCS-2 units, two parts",	"\xc4\x99", 134, U, 134, 2 },
	{ "135 UCS-2 units, three parts", "\xc4\x99", 135, U, 135, 3 },
	{ "euro counts double",		"\xe2\x82\xac", 80, G, 160, 1 },
	{ "81 euros do not fit",	"\xe2\x82\xac", 81, G, 162, 2 },
	{ "{}[]~^\\| count double",	"{}[]~^\\|", 10, G, 160, 1 },
	{ "backquote is not GSM-7",	"`", 1, U, 1, 1 },
	{ "emoji: two UTF-16 units",	"\xf0\x9f\x94\xa5", 35, U, 70, 1 },
	{ "36 emoji do not fit",	"\xf0\x9f\x94\xa5", 36, U, 72, 2 },
	{ "LF and CR are GSM-7",	"\r\n", 80, G, 160, 1 },
	{ "TAB is not",			"\t", 1, U, 1, 1 },
	{ "invalid UTF-8 is UCS-2",	"\xff", 1, U, 1, 1 },
};

static void
test_measure_counts_units_and_segments(void **state)
{
	size_t	 i;

	for (i = 0; i < NELEM(mrows); i++) {
		const char	*t = rep(mrows[i].text, mrows[i].times);
		struct sms_info	 in;

		sms_measure(t, strlen(t), &in);
		if (in.encoding != mrows[i].enc ||
		    in.units != mrows[i].units || in.segments != mrows[i].segs)
			fail_msg("%s: got %s %zu units %d segments",
			    mrows[i].what, in.encoding == G ? "GSM-7" :
			    "UCS-2", in.units, in.segments);
	}
}

static void
test_wide_chars_not_split_between_parts(void **state)
{
	char		 t[2048];
	struct sms_info	 in;

	/* 306 septets would be two parts, but the euro (ESC + e) cannot
	 * straddle the first boundary: 152 + [euro + 151] + 1. */
	snprintf(t, sizeof(t), "%s\xe2\x82\xac", rep("x", 152));
	strcat(t, rep("x", 152));
	sms_measure(t, strlen(t), &in);
	assert_int_equal(in.units, 306);
	assert_int_equal(in.segments, 3);
	/* 134 UCS-2 units, but no emoji is split: 66 + 33x2 + 2. */
	snprintf(t, sizeof(t), "%s", rep("\xc4\x99", 66));
	strcat(t, rep("\xf0\x9f\x94\xa5", 34));
	sms_measure(t, strlen(t), &in);
	assert_int_equal(in.units, 134);
	assert_int_equal(in.segments, 3);
}

static const struct prow {
	const char		*what;
	long long		 id;
	const char		*sev;
	const char		*status;
	const char		*summary;
	int			 code;
	const char		*want;
	enum sms_encoding	 enc;
} prows[] = {
	{ "the usual page", 42, "sev1", NULL, "db-primary down", 3,
	  "#42 SEV1 db-primary down. " TAIL, G },
	{ "no incident: the text alone", 0, "", "", "anna opted out", 0,
	  "anna opted out", G },
	{ "accented Latin in GSM-7 stays GSM-7", 42, "sev1", NULL,
	  "Base de donn\xc3\xa9""es indisponible", 3,
	  "#42 SEV1 Base de donn\xc3\xa9""es indisponible. " TAIL, G },
	{ "Polish letters make it UCS-2", 42, "sev1", NULL,
	  "B\xc5\x82\xc4\x85""d dysku", 3,
	  "#42 SEV1 B\xc5\x82\xc4\x85""d dysku. " TAIL, U },
	{ "an emoji makes it UCS-2", 42, "sev1", NULL,
	  "\xf0\x9f\x94\xa5 db down", 3,
	  "#42 SEV1 \xf0\x9f\x94\xa5 db down. " TAIL, U },
	{ "extension characters are kept", 42, "sev1", NULL,
	  "cost {a}[b]~^\\|\xe2\x82\xac", 3,
	  "#42 SEV1 cost {a}[b]~^\\|\xe2\x82\xac. " TAIL, G },
	{ "newlines and tabs become one space", 42, "sev1", NULL,
	  "disk\r\n\tfull\n\n on  db1\n", 3,
	  "#42 SEV1 disk full on db1. " TAIL, G },
	{ "control characters are dropped", 42, "sev1", NULL,
	  "db\x07""1 \x1b[31mdown\x7f", 3,
	  "#42 SEV1 db1 [31mdown. " TAIL, G },
	{ "C1 controls are dropped", 42, "sev1", NULL,
	  "db\xc2\x85""1\xc2\x9b down", 3,
	  "#42 SEV1 db1 down. " TAIL, G },
	{ "bidi overrides are dropped", 42, "sev1", NULL,
	  "ok \xe2\x80\xae""exe.txt\xe2\x80\xac \xe2\x81\xa6x\xe2\x81\xa9", 3,
	  "#42 SEV1 ok exe.txt x. " TAIL, G },
	{ "curly quotes and dashes become ASCII", 42, "sev1", NULL,
	  "\xe2\x80\x9c""db\xe2\x80\x9d \xe2\x80\x93 it\xe2\x80\x99s down", 3,
	  "#42 SEV1 \"db\" - it's down. " TAIL, G },
	{ "an ellipsis becomes three dots", 42, "sev1", NULL,
	  "retrying\xe2\x80\xa6", 3,
	  "#42 SEV1 retrying... " TAIL, G },
	{ "backquotes become quotes", 42, "sev1", NULL,
	  "`df -h` says 95%", 3,
	  "#42 SEV1 'df -h' says 95%. " TAIL, G },
	{ "invalid UTF-8 becomes '?'", 42, "sev1", NULL,
	  "db\xff down \xc3", 3,
	  "#42 SEV1 db? down ? " TAIL, G },
	{ "a summary ending a sentence gets no extra dot", 42, "sev1", NULL,
	  "db down!", 3,
	  "#42 SEV1 db down! " TAIL, G },
	{ "no summary", 42, "sev1", NULL, NULL, 3,
	  "#42 SEV1. " TAIL, G },
	{ "a blank summary", 42, "sev1", NULL, " \n\t ", 3,
	  "#42 SEV1. " TAIL, G },
	{ "no severity", 42, NULL, NULL, "db down", 3,
	  "#42 db down. " TAIL, G },
	{ "severity loses what is not a word", 42, "sev1\r\nBcc: x", NULL,
	  "db down", 3,
	  "#42 SEV1BCCX db down. " TAIL, G },
	{ "an update has a status and no instructions", 42, "sev1",
	  "resolved", "db-primary down", 0,
	  "#42 SEV1 RESOLVED db-primary down", G },
	{ "large ids and codes", 1234567890123LL, "sev2", NULL, "x", 999999,
	  "#1234567890123 SEV2 x. Reply 999999a ack, 999999r resolve", G },
};

static void
test_page_text_from_the_table(void **state)
{
	size_t	 i;

	for (i = 0; i < NELEM(prows); i++) {
		struct sms_page	 p = { prows[i].id, prows[i].sev,
		    prows[i].status, prows[i].summary, prows[i].code, 1 };
		char		 buf[SMS_TEXT_SIZE(1)];
		struct sms_info	 in;

		assert_int_equal(sms_page_text(&p, buf, sizeof(buf), &in), 0);
		if (strcmp(buf, prows[i].want) != 0 || in.encoding !=
		    prows[i].enc || in.segments != 1)
			fail_msg("%s: got \"%s\" (%s, %d segments)",
			    prows[i].what, buf, in.encoding == G ? "GSM-7" :
			    "UCS-2", in.segments);
	}
}

/* The page for summary s with at most nseg segments; fails on error. */
static const char *
page(const char *s, int nseg, struct sms_info *in)
{
	static char	 buf[SMS_TEXT_SIZE(SMS_MAX_SEGMENTS)];
	struct sms_page	 p = { 42, "sev1", NULL, s, 3, nseg };

	assert_int_equal(sms_page_text(&p, buf, sizeof(buf), in), 0);
	return buf;
}

static void
test_long_summary_is_cut_to_160_with_dots(void **state)
{
	struct sms_info	 in;
	char		 want[512];

	/* 8 ("#42 SEV1") + 1 + 123 + 3 ("...") + 1 + 24 = 160. */
	snprintf(want, sizeof(want), "#42 SEV1 %s... " TAIL, rep("x", 123));
	assert_string_equal(page(rep("x", 300), 1, &in), want);
	assert_int_equal(in.encoding, G);
	assert_int_equal(in.units, 160);
	assert_int_equal(in.segments, 1);
	/* One character short of too long: not cut at all. */
	snprintf(want, sizeof(want), "#42 SEV1 %s. " TAIL, rep("x", 125));
	assert_string_equal(page(rep("x", 125), 1, &in), want);
	assert_int_equal(in.units, 160);
}

static void
test_cut_does_not_end_in_a_space(void **state)
{
	struct sms_info	 in;
	char		 s[512], want[512];

	/* The room ends after 122 x and a space: the space goes. */
	snprintf(s, sizeof(s), "%s yyyyyyyyyy", rep("x", 122));
	snprintf(want, sizeof(want), "#42 SEV1 %s... " TAIL, rep("x", 122));
	assert_string_equal(page(s, 1, &in), want);
}

static void
test_extension_chars_count_double_in_cut(void **state)
{
	struct sms_info	 in;
	char		 want[512];

	/* 37 fixed septets leave 123: 61 euros (122) and no room for a
	 * 62nd, so 159 septets. */
	snprintf(want, sizeof(want), "#42 SEV1 %s... " TAIL,
	    rep("\xe2\x82\xac", 61));
	assert_string_equal(page(rep("\xe2\x82\xac", 100), 1, &in), want);
	assert_int_equal(in.encoding, G);
	assert_int_equal(in.units, 159);
}

static void
test_ucs2_summary_is_cut_to_70_with_ellipsis(void **state)
{
	struct sms_info	 in;
	char		 want[512];

	/* 8 ("#42 SEV1") + 1 + 35 + 1 ("\u2026") + 1 + 24 = 70. */
	snprintf(want, sizeof(want), "#42 SEV1 %s\xe2\x80\xa6 " TAIL,
	    rep("\xc4\x99", 35));
	assert_string_equal(page(rep("\xc4\x99", 100), 1, &in), want);
	assert_int_equal(in.encoding, U);
	assert_int_equal(in.units, 70);
	/* Emoji take two units each: 17 fit (34 units), an 18th would
	 * make 71. */
	snprintf(want, sizeof(want), "#42 SEV1 %s\xe2\x80\xa6 " TAIL,
	    rep("\xf0\x9f\x94\xa5", 17));
	assert_string_equal(page(rep("\xf0\x9f\x94\xa5", 100), 1, &in), want);
	assert_int_equal(in.units, 69);
}

static void
test_late_non_gsm_char_cut_to_keep_gsm7(void **state)
{
	struct sms_info	 in;
	char		 s[512], want[512];

	/* A 150-character ASCII summary ending in "ę": as UCS-2 it would
	 * keep 33 characters, cut before the "ę" it keeps 123 as GSM-7. */
	snprintf(s, sizeof(s), "%s\xc4\x99", rep("x", 150));
	snprintf(want, sizeof(want), "#42 SEV1 %s... " TAIL, rep("x", 123));
	assert_string_equal(page(s, 1, &in), want);
	assert_int_equal(in.encoding, G);
	/* But when all of it fits as UCS-2, it is sent whole. */
	assert_string_equal(page("db down \xc4\x99", 1, &in),
	    "#42 SEV1 db down \xc4\x99. " TAIL);
	assert_int_equal(in.encoding, U);
}

static void
test_cut_keeps_accents_and_zwj_emoji(void **state)
{
	struct sms_info	 in;
	char		 s[512], want[512];

	/* 35 units are free for the summary: 34 ę and an "e" fit, its
	 * two combining accents do not, so the "e" goes too. */
	snprintf(s, sizeof(s), "%se\xcc\x81\xcc\x81%s", rep("\xc4\x99", 34),
	    "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz");
	snprintf(want, sizeof(want), "#42 SEV1 %s\xe2\x80\xa6 " TAIL,
	    rep("\xc4\x99", 34));
	assert_string_equal(page(s, 1, &in), want);
	/* A family emoji (man ZWJ woman ZWJ girl) is not cut inside: the
	 * room ends after the second ZWJ. */
	snprintf(s, sizeof(s), "%s\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91"
	    "\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7%s", rep("\xc4\x99", 29),
	    "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz");
	snprintf(want, sizeof(want), "#42 SEV1 %s\xe2\x80\xa6 " TAIL,
	    rep("\xc4\x99", 29));
	assert_string_equal(page(s, 1, &in), want);
	assert_int_equal(in.units, 64);
}

static void
test_more_segments_allow_more_summary(void **state)
{
	struct sms_info	 in;
	char		 want[1024];

	/* Two parts: 306 septets, 37 fixed + 3 dots leave 266. */
	snprintf(want, sizeof(want), "#42 SEV1 %s... " TAIL, rep("x", 269));
	assert_string_equal(page(rep("x", 1000), 2, &in), want);
	assert_int_equal(in.units, 306);
	assert_int_equal(in.segments, 2);
	/* Ten parts of emoji never go past ten. */
	page(rep("\xf0\x9f\x94\xa5", 1000), 10, &in);
	assert_int_equal(in.encoding, U);
	assert_int_equal(in.segments, 10);
	assert_true(in.units <= 670);
}

static void
test_bad_arguments_and_small_buffers_fail(void **state)
{
	struct sms_page	 p = { 42, "sev1", NULL, "db down", 3, 11 };
	char		 buf[SMS_TEXT_SIZE(1)];

	assert_int_equal(sms_page_text(&p, buf, sizeof(buf), NULL), -1);
	assert_string_equal(buf, "");
	p.max_segments = -1;
	assert_int_equal(sms_page_text(&p, buf, sizeof(buf), NULL), -1);
	p.max_segments = 0;	/* means 1 */
	assert_int_equal(sms_page_text(&p, buf, sizeof(buf), NULL), 0);
	assert_int_equal(sms_page_text(&p, buf, 20, NULL), -1);
	assert_string_equal(buf, "");
	assert_int_equal(sms_page_text(&p, buf, 0, NULL), -1);
}

/*
 * Whatever the summary, the page fits its segments, is valid UTF-8
 * without control characters, and starts and ends as it must.
 */
static void
test_random_summaries_always_fit(void **state)
{
	static const char *const atoms[] = {
		"x", " ", "\xc3\xa9", "\xc4\x99", "\xe2\x82\xac", "{", "\r\n",
		"\x07", "\xf0\x9f\x94\xa5", "\xcc\x81", "\xe2\x80\x8d", "\xff",
		"\xe2\x80\xae", "\xe2\x80\x99", "`", "word ", "\xc2\x85",
	};
	char		 s[4096], buf[SMS_TEXT_SIZE(SMS_MAX_SEGMENTS)];
	uint32_t	 seed = 12345, cp;
	int		 round;

	for (round = 0; round < 3000; round++) {
		struct sms_page	 p = { round, "sev2", NULL, s, 1 + round % 12,
		    1 + round % 3 };
		struct sms_info	 in, again;
		size_t		 len = 0, i, n;
		int		 natoms;

		seed = seed * 1103515245 + 12345;
		natoms = (int)(seed >> 16) % 400;
		s[0] = '\0';
		while (natoms-- > 0) {
			const char	*a;

			seed = seed * 1103515245 + 12345;
			a = atoms[(seed >> 16) % NELEM(atoms)];
			memcpy(s + len, a, strlen(a) + 1);
			len += strlen(a);
		}
		assert_int_equal(sms_page_text(&p, buf, sizeof(buf), &in), 0);
		assert_true(in.segments <= p.max_segments);
		sms_measure(buf, strlen(buf), &again);
		assert_int_equal(in.encoding, again.encoding);
		assert_int_equal(in.units, again.units);
		assert_int_equal(in.segments, again.segments);
		assert_true(strncmp(buf, "#", 1) == 0);
		assert_non_null(strstr(buf, "a ack, "));
		for (i = 0; buf[i] != '\0'; i += n) {
			n = utf8_decode(buf + i, strlen(buf + i), &cp);
			assert_true(cp != UTF8_REPLACEMENT);
			assert_false(utf8_is_control(cp));
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_measure_counts_units_and_segments),
		cmocka_unit_test(test_wide_chars_not_split_between_parts),
		cmocka_unit_test(test_page_text_from_the_table),
		cmocka_unit_test(test_long_summary_is_cut_to_160_with_dots),
		cmocka_unit_test(test_cut_does_not_end_in_a_space),
		cmocka_unit_test(test_extension_chars_count_double_in_cut),
		cmocka_unit_test(test_ucs2_summary_is_cut_to_70_with_ellipsis),
		cmocka_unit_test(test_late_non_gsm_char_cut_to_keep_gsm7),
		cmocka_unit_test(test_cut_keeps_accents_and_zwj_emoji),
		cmocka_unit_test(test_more_segments_allow_more_summary),
		cmocka_unit_test(test_bad_arguments_and_small_buffers_fail),
		cmocka_unit_test(test_random_summaries_always_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
