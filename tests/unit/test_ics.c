/*
 * tests/unit/test_ics.c — the iCalendar details calendar apps are strict
 * about: TEXT escaping, folding at 75 octets without splitting UTF-8,
 * CRLF, UTC times; and a rota feed with stable UIDs.
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

#include "ics.h"
#include "rota.h"
#include "strbuf.h"

static void
test_escape(void **state)
{
	struct strbuf	 b = STRBUF_INIT;

	(void)state;
	ics_escape(&b, "a,b;c\\d\ne\r\nf");
	strbuf_char(&b, '\0');
	assert_string_equal(b.s, "a\\,b\\;c\\\\d\\ne\\nf");
	free(b.s);
}

static void
test_fold(void **state)
{
	struct strbuf	 b = STRBUF_INIT;
	char		 v[200], *p, *nl;
	size_t		 n;

	(void)state;
	ics_line(&b, "X", "short");
	strbuf_char(&b, '\0');
	assert_string_equal(b.s, "X:short\r\n");
	b.len = 0;
	memset(v, 'x', 150);
	v[150] = '\0';
	ics_line(&b, "SUMMARY", v);	/* 158 octets: 75 + 74 + 9 */
	strbuf_char(&b, '\0');
	assert_int_equal(strncmp(b.s, "SUMMARY:", 8), 0);
	for (p = b.s, n = 0; (nl = strstr(p, "\r\n")) != NULL;
	    p = nl + 2, n++) {
		assert_true(nl - p <= 75);
		if (p != b.s)
			assert_int_equal(*p, ' ');
	}
	assert_int_equal(n, 3);
	assert_int_equal(*p, '\0');
	/* "é" (2 octets) across the 75th octet stays whole. */
	b.len = 0;
	memset(v, 'x', 66);
	strcpy(v + 66, "\xc3\xa9zz");
	ics_line(&b, "SUMMARY", v);	/* é at octets 75-76 */
	strbuf_char(&b, '\0');
	nl = strstr(b.s, "\r\n");
	assert_int_equal(nl - b.s, 74);
	assert_int_equal(strcmp(nl, "\r\n \xc3\xa9zz\r\n"), 0);
	free(b.s);
}

static void
test_time(void **state)
{
	char	 buf[32];

	(void)state;
	ics_time(1798189200000LL, buf, sizeof(buf));
	assert_string_equal(buf, "20261225T090000Z");
	ics_time(0, buf, sizeof(buf));
	assert_string_equal(buf, "19700101T000000Z");
}

static void
test_feed(void **state)
{
	static char		*members[] = { "a", "b" };
	struct rota_person_spec	 people[] = {
		{ "a", "Anna, A.", "+31600000001", NULL, NULL, NULL, 0 },
		{ "b", "Bram", "+31600000002", NULL, NULL, NULL, 0 },
	};
	struct rota_layer_spec	 layer = { "daily", members, 2, "1d",
	    "09:00", "2026-01-05", NULL, 0 };
	struct rota_level_spec	 lv = { "primary", &layer, 1 };
	struct rota_spec	 rota = { "db", "UTC", NULL, NULL, &lv, 1,
	    NULL, 0, NULL };
	struct rota_set_spec	 spec = { people, 2, NULL, 0, &rota, 1 };
	struct perr_list	 errs = { 0 };
	struct rota_set		*set;
	struct strbuf		 b = STRBUF_INIT, b2 = STRBUF_INIT;
	const char		*p;
	size_t			 n = 0;
	/* 2026-12-25 10:00 UTC, an hour into a shift. */
	int64_t			 now = 1798189200000LL + 3600000;

	(void)state;
	assert_non_null(set = rota_set_build(&spec, NULL, &errs));
	assert_int_equal(ics_feed(&b, set, "db", NULL, "db", now), 0);
	strbuf_char(&b, '\0');
	assert_int_equal(strncmp(b.s, "BEGIN:VCALENDAR\r\n", 17), 0);
	for (p = b.s; (p = strstr(p, "BEGIN:VEVENT\r\n")) != NULL; p++)
		n++;
	assert_int_equal(n, 61);	/* the shift in progress + 60 */
	/* The shift in progress keeps its real start, 09:00. */
	assert_non_null(strstr(b.s, "DTSTART:20261225T090000Z\r\n"));
	assert_non_null(strstr(b.s, "UID:1798189200000-1-db@pagerd\r\n"));
	assert_non_null(strstr(b.s, "(rota db level 1)"));
	/* An hour on, the same events. */
	assert_int_equal(ics_feed(&b2, set, "db", NULL, "db",
	    now + 3600000), 0);
	strbuf_char(&b2, '\0');
	assert_non_null(strstr(b2.s, "UID:1798189200000-1-db@pagerd\r\n"));
	/* A person's feed: half the shifts, the name escaped. */
	b2.len = 0;
	assert_int_equal(ics_feed(&b2, set, NULL, "a", "a", now), 0);
	strbuf_char(&b2, '\0');
	assert_non_null(strstr(b2.s, "On call: Anna\\, A."));
	assert_null(strstr(b2.s, "Bram"));
	assert_int_equal(ics_feed(&b2, set, NULL, "nobody", "x", now), -1);
	assert_int_equal(ics_feed(&b2, set, "nope", NULL, "x", now), -1);
	free(b.s);
	free(b2.s);
	rota_set_free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_feed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
