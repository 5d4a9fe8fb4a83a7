/*
 * tests/unit/test_slack_text.c — lib/slack_text.c: alert text cannot
 * link or mention in Slack, and the incoming-webhook JSON for a page.
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

#include <jansson.h>

#include "slack_text.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct erow {
	const char	*what;
	const char	*in;
	int		 multiline;
	size_t		 max;
	const char	*want;
} erows[] = {
	{ "plain text is unchanged", "db-primary down", 0, 100,
	  "db-primary down" },
	{ "the three specials", "a & b < c > d", 0, 100,
	  "a &amp; b &lt; c &gt; d" },
	{ "a channel mention is defused", "<!channel> wake up", 0, 100,
	  "&lt;!channel&gt; wake up" },
	{ "a user mention is defused", "ping <@U024BE7LH>", 0, 100,
	  "ping &lt;@U024BE7LH&gt;" },
	{ "a disguised link is defused",
	  "<https://evil.example/login|https://bank.example>", 0, 100,
	  "&lt;https://evil.example/login|https://bank.example&gt;" },
	{ "an entity is escaped again", "&lt;", 0, 100, "&amp;lt;" },
	{ "mrkdwn markup is left alone", "*bold* _it_ `code`", 0, 100,
	  "*bold* _it_ `code`" },
	{ "one line: white space collapses", "  a\r\n\tb  \n c ", 0, 100,
	  "a b c" },
	{ "multiline keeps line breaks", "a\r\nb\rc\n\td", 1, 100,
	  "a\nb\nc\n d" },
	{ "controls and bidi overrides go", "a\x07\x1b[1m\xe2\x80\xae""b", 0,
	  100, "a[1mb" },
	{ "invalid UTF-8 is U+FFFD", "a\xff""b", 0, 100,
	  "a\xef\xbf\xbd""b" },
	{ "UTF-8 passes", "caf\xc3\xa9 \xf0\x9f\x94\xa5", 0, 100,
	  "caf\xc3\xa9 \xf0\x9f\x94\xa5" },
	{ "exactly max is not cut", "abcde", 0, 5, "abcde" },
	{ "one over max is cut", "abcdef", 0, 5, "abcd\xe2\x80\xa6" },
	{ "an entity is never split", "abc&def", 0, 6,
	  "abc\xe2\x80\xa6" },
	{ "an entity that fits stays", "ab&def", 0, 8,
	  "ab&amp;\xe2\x80\xa6" },
	{ "emoji count two units", "\xf0\x9f\x94\xa5\xf0\x9f\x94\xa5x", 0, 4,
	  "\xf0\x9f\x94\xa5\xe2\x80\xa6" },
	{ "max 0 is empty", "abc", 0, 0, "" },
	{ "NULL is empty", NULL, 0, 10, "" },
};

static void
test_escape_from_the_table(void **state)
{
	size_t	 i;

	for (i = 0; i < NELEM(erows); i++) {
		char	*got = slack_escape(erows[i].in, erows[i].multiline,
		    erows[i].max);

		assert_non_null(got);
		if (strcmp(got, erows[i].want) != 0)
			fail_msg("%s: got \"%s\"", erows[i].what, got);
		free(got);
	}
}

static void
test_page_json_is_exactly_this(void **state)
{
	struct slack_page	 p = { 42, "sev1", NULL, "db-primary down",
	    "Connections refused since 02:14 UTC.\nSee <runbook> & retry.",
	    "https://pagerd.example.com/incidents/42?a=1&b=2" };
	char			*s = slack_page_json(&p, NULL, 0);

	assert_non_null(s);
	assert_string_equal(s,
	    "{\"text\":\"[SEV1] #42 db-primary down\","
	    "\"blocks\":[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\","
	    "\"text\":\"*<https://pagerd.example.com/incidents/42?a=1&amp;b=2"
	    "|[SEV1] #42 db-primary down>*\\n"
	    "Connections refused since 02:14 UTC.\\n"
	    "See &lt;runbook&gt; &amp; retry.\"}}],"
	    "\"unfurl_links\":false,\"unfurl_media\":false}");
	free(s);
}

static void
test_update_without_url_or_summary(void **state)
{
	struct slack_page	 p = { 7, "sev3", "resolved",
	    "<!here> disk \"full\"", NULL, NULL };
	char			*s = slack_page_json(&p, NULL, 0);

	assert_non_null(s);
	assert_string_equal(s,
	    "{\"text\":\"[SEV3] #7 RESOLVED &lt;!here&gt; disk \\\"full\\\"\","
	    "\"blocks\":[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\","
	    "\"text\":\"*[SEV3] #7 RESOLVED &lt;!here&gt; "
	    "disk \\\"full\\\"*\"}}],"
	    "\"unfurl_links\":false,\"unfurl_media\":false}");
	free(s);
	/* Nothing at all but the number. */
	p.severity = p.status = p.title = NULL;
	assert_non_null(s = slack_page_json(&p, NULL, 0));
	assert_non_null(strstr(s, "{\"text\":\"#7\","));
	free(s);
}

/* Code points of s (all BMP here, so UTF-16 units). */
static size_t
chars(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* The section text of a page, parsed back with jansson. */
static char *
section_text(const char *json)
{
	json_error_t	 e;
	json_t		*root = json_loads(json, 0, &e), *t;
	char		*s;

	assert_non_null(root);
	t = json_object_get(json_object_get(json_array_get(
	    json_object_get(root, "blocks"), 0), "text"), "text");
	assert_non_null(s = strdup(json_string_value(t)));
	json_decref(root);
	return s;
}

static void
test_long_text_fits_slack_limits(void **state)
{
	char			*big = malloc(100001), *s, *text;
	struct slack_page	 p = { 42, "sev1", NULL, NULL, NULL,
	    "https://pagerd.example.com/incidents/42" };

	assert_non_null(big);
	memset(big, '<', 100000);
	big[100000] = '\0';
	p.title = big;
	p.summary = big;
	assert_non_null(s = slack_page_json(&p, NULL, 0));
	text = section_text(s);
	assert_true(chars(text) <= SLACK_TEXT_MAX);
	assert_true(chars(text) > SLACK_TEXT_MAX - 4);
	/* The title was cut to its own limit, on an entity boundary. */
	assert_non_null(strstr(text, "|[SEV1] #42 &lt;&lt;"));
	assert_non_null(strstr(text, "&lt;\xe2\x80\xa6>*\n&lt;"));
	free(text);
	free(s);
	free(big);
}

static void
test_bad_urls_are_refused(void **state)
{
	static const char *const bad[] = {
		"javascript:alert(1)",
		"ftp://example.com/x",
		"https://example.com/a b",
		"https://example.com/|evil",
		"https://example.com/>x",
		"https://example.com/\r\nx",
		"https://example.com/\"",
		"https://example.com/caf\xc3\xa9",
		"",
	};
	struct slack_page	 p = { 42, "sev1", NULL, "x", NULL, NULL };
	char			 err[128], url[SLACK_URL_MAX + 2], *s;
	size_t			 i;

	for (i = 0; i < NELEM(bad); i++) {
		p.url = bad[i];
		if (slack_page_json(&p, err, sizeof(err)) != NULL)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_string_equal(err,
		    "url: not an http(s) URL Slack can link to");
	}
	memset(url, 'a', sizeof(url) - 1);
	url[sizeof(url) - 1] = '\0';
	memcpy(url, "https://", 8);
	p.url = url;
	assert_null(slack_page_json(&p, NULL, 0));
	url[sizeof(url) - 2] = '\0';	/* SLACK_URL_MAX exactly */
	assert_non_null(s = slack_page_json(&p, NULL, 0));
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_from_the_table),
		cmocka_unit_test(test_page_json_is_exactly_this),
		cmocka_unit_test(test_update_without_url_or_summary),
		cmocka_unit_test(test_long_text_fits_slack_limits),
		cmocka_unit_test(test_bad_urls_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
