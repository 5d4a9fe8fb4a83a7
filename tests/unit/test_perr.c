/*
 * tests/unit/test_perr.c — lib/perr.c: how located errors are stored and
 * printed ("FILE:LINE: KEY: MSG" with unknown parts left out).
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "perr.h"

static void
test_add_keeps_every_part(void **state)
{
	struct perr_list	 l = { 0 };

	perr_add(&l, "/etc/pagerd/pagerd.conf", 12, "http.listen",
	    "bad port %d", 70000);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].file, "/etc/pagerd/pagerd.conf");
	assert_int_equal(l.v[0].line, 12);
	assert_string_equal(l.v[0].key, "http.listen");
	assert_string_equal(l.v[0].msg, "bad port 70000");
	perr_list_clear(&l);
}

static void
test_add_null_file_and_key_become_empty(void **state)
{
	struct perr_list	 l = { 0 };

	perr_add(&l, NULL, 0, NULL, "%s", "oops");
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].file, "");
	assert_string_equal(l.v[0].key, "");
	assert_string_equal(l.v[0].msg, "oops");
	perr_list_clear(&l);
}

static void
test_add_grows_past_first_allocation(void **state)
{
	struct perr_list	 l = { 0 };
	int			 i;

	for (i = 0; i < 100; i++)
		perr_add(&l, "f", i + 1, "k", "error %d", i);
	assert_int_equal(l.n, 100);
	assert_true(l.cap >= 100);
	for (i = 0; i < 100; i++) {
		char	 want[32];

		snprintf(want, sizeof(want), "error %d", i);
		assert_string_equal(l.v[i].msg, want);
		assert_int_equal(l.v[i].line, i + 1);
	}
	perr_list_clear(&l);
}

static void
test_long_parts_are_truncated_on_utf8_boundary(void **state)
{
	struct perr_list	 l = { 0 };
	char			 key[200];
	size_t			 i, n;

	/* "é" is two bytes: a cut at 63 bytes must not split one. */
	for (i = 0; i + 2 < sizeof(key); i += 2)
		memcpy(key + i, "\xc3\xa9", 2);
	key[i] = '\0';
	perr_add(&l, NULL, 0, key, "m");
	n = strlen(l.v[0].key);
	assert_true(n < sizeof(l.v[0].key));
	assert_int_equal(n % 2, 0);
	assert_memory_equal(l.v[0].key, key, n);
	perr_list_clear(&l);
}

static void
test_long_message_is_truncated_not_overflowed(void **state)
{
	struct perr_list	 l = { 0 };
	char			 big[1000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	perr_add(&l, NULL, 0, NULL, "%s", big);
	assert_int_equal(strlen(l.v[0].msg), sizeof(l.v[0].msg) - 1);
	perr_list_clear(&l);
}

static void
test_add_after_drop_still_counts(void **state)
{
	struct perr_list	 l = { 0 };

	/* A list where one error was dropped for lack of memory. */
	l.n = 1;
	perr_add(&l, "f", 1, "k", "second");
	assert_int_equal(l.n, 2);
	assert_int_equal(l.cap, 0);
	assert_null(l.v);
	perr_list_clear(&l);
}

static void
test_clear_leaves_list_reusable(void **state)
{
	struct perr_list	 l = { 0 };

	perr_add(&l, "f", 1, "k", "one");
	perr_list_clear(&l);
	assert_int_equal(l.n, 0);
	assert_int_equal(l.cap, 0);
	assert_null(l.v);
	perr_add(&l, "g", 2, "j", "two");
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].msg, "two");
	perr_list_clear(&l);
}

static const struct format_case {
	const char	*file;
	int		 line;
	const char	*key;
	const char	*want;
} format_cases[] = {
	{ "pagerd.conf", 7, "http.listen", "pagerd.conf:7: http.listen: m" },
	{ "pagerd.conf", 0, "http.listen", "pagerd.conf:0: http.listen: m" },
	{ "pagerd.conf", 7, NULL, "pagerd.conf:7: m" },
	{ NULL, 0, "http.listen", "http.listen: m" },
	{ NULL, 7, "http.listen", "http.listen: m" },
	{ NULL, 0, NULL, "m" },
};

static void
test_format_always_gives_file_line(void **state)
{
	size_t	 i;
	char	 buf[512];

	for (i = 0; i < sizeof(format_cases) / sizeof(format_cases[0]); i++) {
		const struct format_case	*c = &format_cases[i];
		struct perr_list		 l = { 0 };
		int				 r;

		perr_add(&l, c->file, c->line, c->key, "m");
		r = perr_format(&l.v[0], buf, sizeof(buf));
		assert_string_equal(buf, c->want);
		assert_int_equal(r, (int)strlen(c->want));
		perr_list_clear(&l);
	}
}

static void
test_format_reports_needed_length_when_truncated(void **state)
{
	struct perr_list	 l = { 0 };
	char			 buf[8];
	int			 r;

	perr_add(&l, "pagerd.conf", 7, "a.b", "message");
	r = perr_format(&l.v[0], buf, sizeof(buf));
	assert_int_equal(r, (int)strlen("pagerd.conf:7: a.b: message"));
	assert_string_equal(buf, "pagerd.");
	perr_list_clear(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_keeps_every_part),
		cmocka_unit_test(test_add_null_file_and_key_become_empty),
		cmocka_unit_test(test_add_grows_past_first_allocation),
		cmocka_unit_test(
		    test_long_parts_are_truncated_on_utf8_boundary),
		cmocka_unit_test(test_long_message_is_truncated_not_overflowed),
		cmocka_unit_test(test_add_after_drop_still_counts),
		cmocka_unit_test(test_clear_leaves_list_reusable),
		cmocka_unit_test(test_format_always_gives_file_line),
		cmocka_unit_test(
		    test_format_reports_needed_length_when_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
