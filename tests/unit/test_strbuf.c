/*
 * tests/unit/test_strbuf.c — lib/strbuf.c: strbuf_json_string() writes
 * what jansson writes, byte for byte, since stored labels and details
 * must not change text when they stop going through json_dumps().
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "strbuf.h"

static void
expect_like_jansson(const char *s, size_t len)
{
	struct strbuf	 sb = STRBUF_INIT;
	json_t		*v;
	char		*want;

	v = json_stringn(s, len);
	assert_non_null(v);
	want = json_dumps(v, JSON_ENCODE_ANY);
	assert_non_null(want);
	strbuf_json_string(&sb, s, len);
	assert_false(sb.oom);
	assert_int_equal(sb.len, strlen(want));
	assert_string_equal(sb.s, want);
	free(want);
	free(sb.s);
	json_decref(v);
}

static void
test_json_string_matches_jansson_for_every_byte(void **state)
{
	char	 one[2];
	int	 c;

	(void)state;
	/* Every ASCII byte alone (NUL excepted: json_stringn refuses it). */
	for (c = 1; c < 0x80; c++) {
		one[0] = (char)c;
		one[1] = '\0';
		expect_like_jansson(one, 1);
	}
}

static void
test_json_string_mixed_runs_and_utf8(void **state)
{
	static const char *const cases[] = {
		"", "plain", "q\"uote", "back\\slash", "a/b",
		"tab\there\nnew\rline\bb\ff", "\x01\x1f\x7f",
		"caf\xc3\xa9 \xe2\x80\xa8 \xf0\x9f\x98\x80", "\"\"\\\\\n\n",
		"end\\", "\"start",
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_like_jansson(cases[i], strlen(cases[i]));
}

static void
test_appends_after_existing_text(void **state)
{
	struct strbuf	 sb = STRBUF_INIT;

	(void)state;
	strbuf_str(&sb, "{");
	strbuf_json_string(&sb, "k", 1);
	strbuf_char(&sb, ':');
	strbuf_json_string(&sb, "v\"", 2);
	strbuf_char(&sb, '}');
	assert_string_equal(sb.s, "{\"k\":\"v\\\"\"}");
	free(sb.s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_json_string_matches_jansson_for_every_byte),
		cmocka_unit_test(test_json_string_mixed_runs_and_utf8),
		cmocka_unit_test(test_appends_after_existing_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
