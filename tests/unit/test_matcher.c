/*
 * tests/unit/test_matcher.c — lib/matcher.c: Alertmanager's matcher
 * semantics (missing label = "", regexes anchored at both ends), its
 * text and JSON syntax, the RE2 constructs POSIX would misread, and
 * every allocation failure (malloc is wrapped at link time).
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

#include "matcher.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Allocation failure injection: the fail_at-th call from now (0 = the
 * next one) fails, once; -1 never. Linked with -Wl,--wrap so only calls
 * from lib/ and this file go through here.
 */
static long	 fail_at = -1;

void	*__real_malloc(size_t);
void	*__real_calloc(size_t, size_t);
void	*__real_realloc(void *, size_t);
void	*__wrap_malloc(size_t);
void	*__wrap_calloc(size_t, size_t);
void	*__wrap_realloc(void *, size_t);

static int
should_fail(void)
{
	if (fail_at < 0)
		return 0;
	return fail_at-- == 0;
}

void *
__wrap_malloc(size_t n)
{
	return should_fail() ? NULL : __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t size)
{
	return should_fail() ? NULL : __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t n)
{
	return should_fail() ? NULL : __real_realloc(p, n);
}

static const struct {
	const char		*in;
	const char		*name;
	enum matcher_type	 type;
	const char		*value;
} parse_ok[] = {
	{ "foo=\"bar\"", "foo", MATCH_EQ, "bar" },
	{ "foo=bar", "foo", MATCH_EQ, "bar" },
	{ " \tfoo = \"bar\" \n", "foo", MATCH_EQ, "bar" },
	{ "foo!=\"bar\"", "foo", MATCH_NE, "bar" },
	{ "foo=~\"b.*\"", "foo", MATCH_RE, "b.*" },
	{ "foo!~\"b.*\"", "foo", MATCH_NRE, "b.*" },
	{ "foo=", "foo", MATCH_EQ, "" },
	{ "foo=\"\"", "foo", MATCH_EQ, "" },
	{ "foo=\"a\\\"b\"", "foo", MATCH_EQ, "a\"b" },
	{ "foo=\"a\\\\b\"", "foo", MATCH_EQ, "a\\b" },
	{ "foo=\"a\\nb\"", "foo", MATCH_EQ, "a\nb" },
	/* any other escape stays as written: the regex a\.b */
	{ "foo=~\"a\\.b\"", "foo", MATCH_RE, "a\\.b" },
	{ "foo=~a\\.b", "foo", MATCH_RE, "a\\.b" },
	{ "\"my label\"=\"x\"", "my label", MATCH_EQ, "x" },
	{ "_foo:bar_1=\"x\"", "_foo:bar_1", MATCH_EQ, "x" },
	{ ":x=y", ":x", MATCH_EQ, "y" },
	/* unquoted: to the end, inner spaces and commas included */
	{ "foo=bar baz ", "foo", MATCH_EQ, "bar baz" },
	{ "foo=a,b", "foo", MATCH_EQ, "a,b" },
	{ "foo=~a{2}", "foo", MATCH_RE, "a{2}" },
	{ "city=\"Z\xc3\xbcrich\"", "city", MATCH_EQ, "Z\xc3\xbcrich" },
};

static void
test_parses_one_matcher_in_alertmanager_syntax(void **state)
{
	struct matcher	 m;
	char		 err[256];
	size_t		 i;

	for (i = 0; i < NELEM(parse_ok); i++) {
		if (matcher_parse(parse_ok[i].in, &m, err, sizeof(err)) != 0)
			fail_msg("%s: %s", parse_ok[i].in, err);
		assert_string_equal(m.name, parse_ok[i].name);
		assert_int_equal(m.type, parse_ok[i].type);
		assert_string_equal(m.value, parse_ok[i].value);
		if (m.type == MATCH_RE || m.type == MATCH_NRE)
			assert_non_null(m.re);
		else
			assert_null(m.re);
		matcher_free(&m);
	}
}

static const struct {
	const char	*in;
	const char	*err;
} parse_bad[] = {
	{ "", "position 1: expected a label name" },
	{ "1foo=\"x\"", "position 1: expected a label name" },
	{ "{foo=\"x\"}", "position 1: expected a label name" },
	{ "foo", "position 4: expected '=', '!=', '=~' or '!~'" },
	{ "foo<\"x\"", "position 4: expected '='" },
	{ "foo ~= \"x\"", "position 5: expected '='" },
	{ "foo==\"x\"", "position 6: '\"' in an unquoted value" },
	{ "foo=b\"ar", "position 6: '\"' in an unquoted value" },
	{ "foo=\"bar", "position 5: quoted string has no closing '\"'" },
	{ "foo=\"bar\\\"", "position 5: quoted string has no closing" },
	{ "foo=\"bar\" baz", "position 11: unexpected text after the value" },
	{ "\"foo=\"x\"", "position 7: expected '='" },
	{ "foo=~\"(a\"", "position 6: regex: offset 2: '(' without ')'" },
	{ "foo=\"\xff\"", "position 5: value is not valid UTF-8" },
	{ "\"\xc3\"=x", "position 1: label name is not valid UTF-8" },
	{ "\"\"=\"x\"", "position 1: empty label name" },
};

static void
test_parse_errors_name_the_position(void **state)
{
	struct matcher	 m;
	char		 err[256];
	size_t		 i;

	for (i = 0; i < NELEM(parse_bad); i++) {
		memset(&m, 0xa5, sizeof(m));
		if (matcher_parse(parse_bad[i].in, &m, err, sizeof(err)) != -1)
			fail_msg("accepted: %s", parse_bad[i].in);
		if (strstr(err, parse_bad[i].err) != err)
			fail_msg("%s: error \"%s\", want \"%s...\"",
			    parse_bad[i].in, err, parse_bad[i].err);
		assert_null(m.name);
		assert_null(m.value);
		assert_null(m.re);
	}
}

static const struct {
	const char	*in;
	const char	*want;	/* the set formatted, "; "-separated */
} set_ok[] = {
	{ "{alertname=\"Foo\", severity=~\"crit.*\"}",
	  "alertname=\"Foo\"; severity=~\"crit.*\"" },
	{ "", "" },
	{ "   ", "" },
	{ "{}", "" },
	{ " { } ", "" },
	{ "{ a=\"1\" , b!=\"2\", }", "a=\"1\"; b!=\"2\"" },
	{ "a=1,b=2", "a=\"1\"; b=\"2\"" },
	{ "a = 1 , b = x y ", "a=\"1\"; b=\"x y\"" },
	{ "{a=\"x,y\"}", "a=\"x,y\"" },
	{ "{a=\"}\"}", "a=\"}\"" },
	/* braces come off as a pair, so a bare regex keeps its '}' */
	{ "{a=~x{2}}", "a=~\"x{2}\"" },
	{ "a=~x{2}", "a=~\"x{2}\"" },
	{ "a=1}", "a=\"1}\"" },
	{ "{a=\"1\",a!=\"2\"}", "a=\"1\"; a!=\"2\"" },
	{ "{a=\"1\",b=\"2\",c=\"3\",d=\"4\",e=\"5\"}",
	  "a=\"1\"; b=\"2\"; c=\"3\"; d=\"4\"; e=\"5\"" },
};

static void
format_set(const struct matcher_set *set, char *buf, size_t len)
{
	size_t	 i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < set->n; i++) {
		if (i > 0)
			n += (size_t)snprintf(buf + n, len - n, "; ");
		n += matcher_format(&set->v[i], buf + n, len - n);
		assert_true(n < len);
	}
}

static void
test_parses_matcher_lists_with_or_without_braces(void **state)
{
	struct matcher_set	 set;
	char			 err[256], buf[512];
	size_t			 i;

	for (i = 0; i < NELEM(set_ok); i++) {
		if (matcher_set_parse(set_ok[i].in, &set, err,
		    sizeof(err)) != 0)
			fail_msg("%s: %s", set_ok[i].in, err);
		format_set(&set, buf, sizeof(buf));
		assert_string_equal(buf, set_ok[i].want);
		matcher_set_free(&set);
		assert_null(set.v);
		assert_int_equal(set.n, 0);
	}
}

static const struct {
	const char	*in;
	const char	*err;
} set_bad[] = {
	{ "{a=\"1\"", "position 1: '{' without a closing '}'" },
	{ "  {", "position 3: '{' without a closing '}'" },
	{ "{a=\"1\" b=\"2\"}", "position 8: expected ',' after the value" },
	{ "{,}", "position 2: expected a label name" },
	{ "{a=\"1\",,b=\"2\"}", "position 8: expected a label name" },
	{ "{a=\"1\", b=~\"[\"}", "position 12: regex: offset 0: '[' without" },
};

static void
test_list_errors_name_the_position_and_free_everything(void **state)
{
	struct matcher_set	 set;
	char			 err[256];
	size_t			 i;

	for (i = 0; i < NELEM(set_bad); i++) {
		set.v = (void *)&set;
		set.n = 99;
		if (matcher_set_parse(set_bad[i].in, &set, err,
		    sizeof(err)) != -1)
			fail_msg("accepted: %s", set_bad[i].in);
		if (strstr(err, set_bad[i].err) != err)
			fail_msg("%s: error \"%s\", want \"%s...\"",
			    set_bad[i].in, err, set_bad[i].err);
		assert_null(set.v);
		assert_int_equal(set.n, 0);
	}
}

/* Sorted by name, as struct alert keeps them. */
static const struct label labels[] = {
	{ "alertname", "Foo" },
	{ "city", "Z\xc3\xbcrich" },
	{ "env", "prod" },
	{ "msg", "a\nb" },
	{ "service", "foobar" },
	{ "severity", "critical" },
};

static const struct {
	const char	*m;
	int		 want;
} match_cases[] = {
	{ "env=\"prod\"", 1 },
	{ "env=\"dev\"", 0 },
	{ "env=\"Prod\"", 0 },
	{ "env!=\"dev\"", 1 },
	{ "env!=\"prod\"", 0 },
	/* a missing label matches as "" */
	{ "team=\"\"", 1 },
	{ "team!=\"\"", 0 },
	{ "env=\"\"", 0 },
	{ "env!=\"\"", 1 },
	{ "team=\"x\"", 0 },
	{ "team!=\"x\"", 1 },
	{ "team=~\"\"", 1 },
	{ "team=~\".*\"", 1 },
	{ "team=~\".+\"", 0 },
	{ "team!~\".+\"", 1 },
	{ "team!~\".*\"", 0 },
	/* anchored at both ends: never a substring */
	{ "service=~\"foo\"", 0 },
	{ "service=~\"bar\"", 0 },
	{ "service=~\"oob\"", 0 },
	{ "service=~\"foo.*\"", 1 },
	{ "service=~\"foobar\"", 1 },
	{ "service!~\"foo\"", 1 },
	{ "severity=~\"crit\"", 0 },
	{ "severity=~\"crit.*\"", 1 },
	{ "severity=~\"critical|page\"", 1 },
	{ "severity=~\"page|critical\"", 1 },
	{ "severity=~\"c|critical\"", 1 },
	{ "severity=~\"warning|crit\"", 0 },
	{ "severity!~\"warning|info\"", 1 },
	{ "alertname=~\"foo\"", 0 },		/* case-sensitive */
	{ "alertname=~\"[Ff]oo\"", 1 },
	/* RE2 spellings POSIX reads alike once rewritten */
	{ "alertname=~\"(?:Foo|Bar)\"", 1 },
	{ "service=~\"fo{2}ba[r]\"", 1 },
	{ "service=~\"[[:alpha:]]+\"", 1 },
	{ "service=~\"foo\\.bar\"", 0 },
	{ "service=~\"foo(bar)?\"", 1 },
	/* '.' is one character and not a newline, as in RE2 */
	{ "city=~\"Z.rich\"", 1 },
	{ "city=~\"Z..rich\"", 0 },
	{ "city=~\"Z[^a]rich\"", 1 },
	{ "city=~\"Z[^a][^a]rich\"", 0 },
	{ "city=~\"Z\xc3\xbc+rich\"", 1 },
	{ "msg=~\"a.b\"", 0 },
	{ "msg=~\"a\\nb\"", 1 },
	{ "msg=~\"a[^x]b\"", 1 },
	{ "msg=~\".*\"", 0 },
	{ "msg=~\"(.|\\n)*\"", 1 },
};

static void
test_alertmanager_semantics(void **state)
{
	struct matcher	 m;
	char		 err[256];
	size_t		 i;

	for (i = 0; i < NELEM(match_cases); i++) {
		if (matcher_parse(match_cases[i].m, &m, err, sizeof(err)) != 0)
			fail_msg("%s: %s", match_cases[i].m, err);
		if (matcher_match(&m, labels, NELEM(labels)) !=
		    match_cases[i].want)
			fail_msg("%s: want %d", match_cases[i].m,
			    match_cases[i].want);
		matcher_free(&m);
	}
}

/*
 * RE2 syntax POSIX lacks or reads differently: refused, with the offset
 * in the regex and what to write instead.
 */
static const struct {
	const char	*re;
	const char	*err;
} re_bad[] = {
	{ "\\d+", "offset 0: \\d is not supported (POSIX regex): use [0-9]" },
	{ "a\\w", "offset 1: \\w is not supported (POSIX regex): use "
	  "[[:alnum:]_]" },
	{ "\\s", "use [[:space:]]" },
	{ "\\bx", "anchored at both ends already" },
	{ "\\pL", "Unicode classes" },
	{ "\\x41", "write the character itself" },
	{ "\\1", "offset 0: \\1 is not supported" },
	{ "(?i)crit", "offset 0: (?...) flags and named groups" },
	{ "(?P<n>a)", "offset 0: (?...)" },
	{ "(?s:.)", "offset 0: (?...)" },
	{ "a*?", "offset 2: '?' after a repetition" },
	{ "a+?", "offset 2: '?' after a repetition" },
	{ "a??", "offset 2: '?' after a repetition" },
	{ "a**", "offset 2: '*' after a repetition" },
	{ "a{2}{3}", "offset 4: '{' after a repetition" },
	{ "a{2}?", "offset 4: '?' after a repetition" },
	{ "a{,3}", "offset 1: '{' must start {n}, {n,} or {n,m}" },
	{ "a{x}", "offset 1: '{' must start" },
	{ "{", "offset 0: '{' must start" },
	{ "a{1001}", "offset 1: bad repetition count" },
	{ "a{99999999999999999999}", "offset 1: bad repetition count" },
	{ "a{3,2}", "offset 1: bad repetition count" },
	{ "*a", "offset 0: '*' has nothing to repeat" },
	{ "a|+", "offset 2: '+' has nothing to repeat" },
	{ "(?:*)", "offset 3: '*' has nothing to repeat" },
	{ "[\\d]", "offset 1: '\\' inside [...]" },
	{ "[\\]]", "offset 1: '\\' inside [...]" },
	{ "[\xc3\xa9]", "offset 1: non-ASCII character inside [...]" },
	{ "[a-\xc3\xa9]", "offset 3: non-ASCII" },
	{ "[[:word:]]", "offset 1: not one of the classes" },
	{ "[[:alpha]", "offset 1: not one of the classes" },
	{ "[[.a.]]", "offset 1: [.....] is not RE2 syntax" },
	{ "[[=a=]]", "offset 1: [=...=] is not RE2 syntax" },
	{ "[a-[:digit:]]", "offset 3: a class cannot end a range" },
	{ "[abc", "offset 0: '[' without a closing ']'" },
	{ "[]", "offset 0: '[' without a closing ']'" },
	{ "[^]", "offset 0: '[' without a closing ']'" },
	/* the one that would break the anchoring: ^(a)|(b)$ */
	{ "a)|(b", "offset 1: ')' without '('" },
	{ "(a", "offset 2: '(' without ')'" },
	{ "a\\", "offset 1: trailing '\\'" },
	{ "\\\xc3\xa9", "offset 0: '\\' before a non-ASCII character" },
	/* glibc's own refusals come through too */
	{ "[z-a]", "Invalid range end" },
	/* what glibc compiles or matches too slowly (see matcher.h) */
	{ "((a?)+(b?)+){11}", "offset 5: repeating what can match the empty" },
	{ "(a*){3}", "offset 4: repeating what can match the empty" },
	{ "(a|)+", "offset 4: repeating what can match the empty" },
	{ "(^)*", "offset 3: repeating what can match the empty" },
	{ "(.{1000}){1000}", "offset 9: too costly" },
	{ ".{1000}a", "offset 8: too costly" },
	{ "(a{1000}){11}", "offset 9: too costly" },
	{ "(a*b|.){121}", "offset 7: too costly" },
	{ "((b|a){14,}){147}", "offset 12: too costly" },
	{ ".{0,51}", "offset 1: too costly" },
	{ "(x.*){42}", "offset 5: too costly" },
};

static void
test_refuses_re2_syntax_posix_would_misread(void **state)
{
	struct matcher	 m;
	char		 err[256];
	size_t		 i;

	for (i = 0; i < NELEM(re_bad); i++) {
		if (matcher_init(&m, "x", MATCH_RE, re_bad[i].re, err,
		    sizeof(err)) != -1)
			fail_msg("accepted: %s", re_bad[i].re);
		if (strncmp(err, "regex: ", 7) != 0 ||
		    strstr(err, re_bad[i].err) == NULL)
			fail_msg("%s: error \"%s\" lacks \"%s\"",
			    re_bad[i].re, err, re_bad[i].err);
		assert_null(m.name);
		assert_null(m.re);
	}
	/* The same checks hold for !~ and through the text form. */
	assert_int_equal(matcher_init(&m, "x", MATCH_NRE, "\\d", err,
	    sizeof(err)), -1);
	assert_int_equal(matcher_parse("x=~\"\\\\w+\"", &m, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "position 4: regex: offset 0: \\w is not "
	    "supported (POSIX regex): use [[:alnum:]_]");
}

/* Accepted RE2 spellings, each checked against what RE2 answers. */
static const struct {
	const char	*re;
	const char	*value;
	int		 want;
} re_ok[] = {
	{ "", "", 1 },
	{ "", "x", 0 },
	{ "()", "", 1 },
	{ "(|a)", "a", 1 },
	{ "a|", "", 1 },
	{ "\\.", ".", 1 },
	{ "\\.", "x", 0 },
	{ "\\-\\/\\<\\>\\'\\`", "-/<>'`", 1 },	/* no GNU meanings */
	{ "\\<", "", 0 },
	{ "a\\tb\\rc", "a\tb\rc", 1 },
	{ "\\{\\}\\[\\]\\(\\)\\|\\^\\$\\*\\+\\?\\\\", "{}[]()|^$*+?\\", 1 },
	{ "a}", "a}", 1 },
	{ "]", "]", 1 },
	{ "[]a]", "]", 1 },
	{ "[^]a]", "]", 0 },
	{ "[^]a]", "b", 1 },
	{ "[^-a]", "-", 0 },
	{ "[^-a]", "b", 1 },
	{ "[^a-]", "-", 0 },
	{ "[^]-a]", "^", 0 },		/* the range ']'..'a' */
	{ "[^]-a]", "b", 1 },
	{ "[^--/]", ".", 0 },		/* the range '-'..'/' */
	{ "[^--/]", "0", 1 },
	{ "[^[:alpha:]-]", "-", 0 },
	{ "[^[:alpha:]-]", "1", 1 },
	{ "[^-]", "\xc3\xa9", 1 },
	{ "[a-c]+", "abcab", 1 },
	{ "[^a-c]", "\xe2\x82\xac", 1 },
	{ "[^a-c]", "\xf0\x9f\x98\x80", 1 },
	{ "[^a-c]{2}", "\xf0\x9f\x98\x80", 0 },
	{ ".", "\xf0\x9f\x98\x80", 1 },
	{ "x{0}", "", 1 },
	{ "x{2,}", "xxxx", 1 },
	{ "x{2,3}", "xxxx", 0 },
	{ "x{1000}", "x", 0 },
	{ "^a$", "a", 1 },
	{ "(?:a)+(?:b|c)", "aac", 1 },
	{ "a\\nb", "a\nb", 1 },
	/* at the cost limits, and still right */
	{ ".{1000}", "", 0 },
	{ ".{0,50}", "", 1 },
	{ "(x.*){41}", "", 0 },
	{ "(a?)?", "", 1 },
	{ "((ab?){2,3})?", "abab", 1 },
	{ "(a{2}){1000}", "aa", 0 },
};

static void
test_accepted_regexes_mean_what_they_mean_in_re2(void **state)
{
	struct matcher	 m;
	struct label	 l;
	char		 err[256];
	size_t		 i;

	l.name = "x";
	for (i = 0; i < NELEM(re_ok); i++) {
		if (matcher_init(&m, "x", MATCH_RE, re_ok[i].re, err,
		    sizeof(err)) != 0)
			fail_msg("%s: %s", re_ok[i].re, err);
		l.value = (char *)re_ok[i].value;
		if (matcher_match(&m, &l, 1) != re_ok[i].want)
			fail_msg("\"%s\" =~ \"%s\": want %d", re_ok[i].value,
			    re_ok[i].re, re_ok[i].want);
		matcher_free(&m);
		/* !~ is the exact negation. */
		assert_int_equal(matcher_init(&m, "x", MATCH_NRE, re_ok[i].re,
		    err, sizeof(err)), 0);
		assert_int_equal(matcher_match(&m, &l, 1), !re_ok[i].want);
		matcher_free(&m);
	}
}

/* Binary search finds every label of a large set, and no other. */
static void
test_lookup_in_large_sorted_label_set(void **state)
{
	struct label	 v[101];
	char		 names[101][8], values[101][8], s[64], err[256];
	struct matcher	 m;
	size_t		 i;

	for (i = 0; i < NELEM(v); i++) {
		snprintf(names[i], sizeof(names[i]), "l%03zu", i * 2);
		snprintf(values[i], sizeof(values[i]), "v%zu", i);
		v[i].name = names[i];
		v[i].value = values[i];
	}
	for (i = 0; i < 2 * NELEM(v) + 1; i++) {
		snprintf(s, sizeof(s), "l%03zu!=\"\"", i);
		assert_int_equal(matcher_parse(s, &m, err, sizeof(err)), 0);
		assert_int_equal(matcher_match(&m, v, NELEM(v)), i % 2 == 0 &&
		    i / 2 < NELEM(v));
		matcher_free(&m);
		if (i % 2 == 0 && i / 2 < NELEM(v)) {
			snprintf(s, sizeof(s), "l%03zu=\"v%zu\"", i, i / 2);
			assert_int_equal(matcher_parse(s, &m, err,
			    sizeof(err)), 0);
			assert_int_equal(matcher_match(&m, v, NELEM(v)), 1);
			matcher_free(&m);
		}
	}
	/* And an empty label set. */
	assert_int_equal(matcher_parse("a=\"\"", &m, err, sizeof(err)), 0);
	assert_int_equal(matcher_match(&m, NULL, 0), 1);
	matcher_free(&m);
}

static void
test_all_matchers_must_match_and_none_matches_all(void **state)
{
	struct matcher_set	 set;
	char			 err[256];

	assert_int_equal(matchers_match_all(NULL, 0, labels, NELEM(labels)),
	    1);
	assert_int_equal(matchers_match_all(NULL, 0, NULL, 0), 1);
	assert_int_equal(matcher_set_parse("{env=\"prod\", "
	    "severity=~\"crit.*\"}", &set, err, sizeof(err)), 0);
	assert_int_equal(matchers_match_all(set.v, set.n, labels,
	    NELEM(labels)), 1);
	matcher_set_free(&set);
	assert_int_equal(matcher_set_parse("{env=\"prod\", "
	    "severity=~\"crit\"}", &set, err, sizeof(err)), 0);
	assert_int_equal(matchers_match_all(set.v, set.n, labels,
	    NELEM(labels)), 0);
	matcher_set_free(&set);
}

static const struct {
	const char		*json;
	enum matcher_type	 type;
	const char		*err;	/* NULL = accepted */
} json_cases[] = {
	{ "{\"name\":\"a\",\"value\":\"b\",\"isRegex\":false}", MATCH_EQ,
	  NULL },
	{ "{\"name\":\"a\",\"value\":\"b\",\"isRegex\":false,"
	  "\"isEqual\":true}", MATCH_EQ, NULL },
	{ "{\"name\":\"a\",\"value\":\"b\",\"isRegex\":false,"
	  "\"isEqual\":false}", MATCH_NE, NULL },
	{ "{\"name\":\"a\",\"value\":\"b\",\"isRegex\":true}", MATCH_RE,
	  NULL },
	{ "{\"isEqual\":false,\"isRegex\":true,\"value\":\"b\","
	  "\"name\":\"a\"}", MATCH_NRE, NULL },
	{ "{\"name\":\"a\",\"value\":\"\",\"isRegex\":false}", MATCH_EQ,
	  NULL },
	{ "{\"name\":\"a\",\"value\":\"b\"}", 0,
	  "isRegex: must be true or false" },
	{ "{\"name\":\"a\",\"value\":\"b\",\"isRegex\":\"true\"}", 0,
	  "isRegex: must be true or false" },
	{ "{\"name\":\"a\",\"value\":\"b\",\"isRegex\":false,"
	  "\"isEqual\":null}", 0, "isEqual: must be true or false" },
	{ "{\"name\":\"\",\"value\":\"b\",\"isRegex\":false}", 0,
	  "name: must be a non-empty string" },
	{ "{\"value\":\"b\",\"isRegex\":false}", 0,
	  "name: must be a non-empty string" },
	{ "{\"name\":\"a\",\"value\":1,\"isRegex\":false}", 0,
	  "value: must be a string" },
	{ "{\"name\":\"a\",\"isRegex\":false}", 0,
	  "value: must be a string" },
	{ "{\"name\":\"a\",\"value\":\"b\",\"isregex\":true}", 0,
	  "isregex: unknown field" },
	{ "{\"name\":\"a\",\"value\":\"b\",\"isRegex\":false,"
	  "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\":1}", 0,
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...: unknown field" },
	{ "[]", 0, "must be an object" },
	{ "{\"name\":\"a\",\"value\":\"(\",\"isRegex\":true}", 0,
	  "value: regex: offset 1: '(' without ')'" },
	{ "{\"name\":\"a\",\"value\":\"a\\u0000b\",\"isRegex\":false}", 0,
	  "value: must not contain NUL" },
	{ "{\"name\":\"a\\u0000\",\"value\":\"b\",\"isRegex\":false}", 0,
	  "name: must not contain NUL" },
};

static void
test_parses_alertmanager_api_v2_json(void **state)
{
	json_error_t	 jerr;
	struct matcher	 m;
	json_t		*j;
	char		 err[256];
	size_t		 i;

	for (i = 0; i < NELEM(json_cases); i++) {
		j = json_loads(json_cases[i].json, JSON_ALLOW_NUL, &jerr);
		assert_non_null(j);
		if (json_cases[i].err == NULL) {
			if (matcher_from_json(j, &m, err, sizeof(err)) != 0)
				fail_msg("%s: %s", json_cases[i].json, err);
			assert_int_equal(m.type, json_cases[i].type);
			assert_string_equal(m.name, "a");
			matcher_free(&m);
		} else {
			if (matcher_from_json(j, &m, err, sizeof(err)) != -1)
				fail_msg("accepted: %s", json_cases[i].json);
			if (strcmp(err, json_cases[i].err) != 0)
				fail_msg("%s: error \"%s\", want \"%s\"",
				    json_cases[i].json, err,
				    json_cases[i].err);
			assert_null(m.name);
		}
		json_decref(j);
	}
}

static void
test_json_matcher_list_names_the_index(void **state)
{
	struct matcher_set	 set;
	json_error_t		 jerr;
	json_t			*j;
	char			 err[256];

	j = json_loads("[{\"name\":\"env\",\"value\":\"prod\",\"isRegex\":"
	    "false},{\"name\":\"severity\",\"value\":\"crit.*\","
	    "\"isRegex\":true}]", 0, &jerr);
	assert_non_null(j);
	assert_int_equal(matcher_set_from_json(j, &set, err, sizeof(err)), 0);
	assert_int_equal(set.n, 2);
	assert_int_equal(matchers_match_all(set.v, set.n, labels,
	    NELEM(labels)), 1);
	matcher_set_free(&set);
	json_decref(j);

	j = json_loads("[{\"name\":\"env\",\"value\":\"prod\",\"isRegex\":"
	    "false},{\"name\":\"x\",\"value\":\"y\"}]", 0, &jerr);
	assert_int_equal(matcher_set_from_json(j, &set, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "[1].isRegex: must be true or false");
	assert_null(set.v);
	assert_int_equal(set.n, 0);
	json_decref(j);

	j = json_loads("[]", 0, &jerr);
	assert_int_equal(matcher_set_from_json(j, &set, err, sizeof(err)), 0);
	assert_int_equal(set.n, 0);
	json_decref(j);

	j = json_loads("{}", 0, &jerr);
	assert_int_equal(matcher_set_from_json(j, &set, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "must be an array of matchers");
	json_decref(j);
}

/* What matcher_format() prints parses back to the same matcher. */
static void
test_format_quotes_and_round_trips(void **state)
{
	static const struct {
		const char		*name;
		enum matcher_type	 type;
		const char		*value;
		const char		*text;
	} cases[] = {
		{ "env", MATCH_EQ, "prod", "env=\"prod\"" },
		{ "env", MATCH_NE, "", "env!=\"\"" },
		{ "sev", MATCH_RE, "a\\.b", "sev=~\"a\\\\.b\"" },
		{ "sev", MATCH_NRE, "x|y", "sev!~\"x|y\"" },
		{ "my label", MATCH_EQ, "q\"b\\n\nl",
		  "\"my label\"=\"q\\\"b\\\\n\\nl\"" },
		{ "1x", MATCH_EQ, "\xc3\xa9", "\"1x\"=\"\xc3\xa9\"" },
	};
	struct matcher	 m, back;
	char		 buf[128], err[256];
	size_t		 i, n;

	for (i = 0; i < NELEM(cases); i++) {
		assert_int_equal(matcher_init(&m, cases[i].name, cases[i].type,
		    cases[i].value, err, sizeof(err)), 0);
		n = matcher_format(&m, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].text);
		assert_int_equal(n, strlen(cases[i].text));
		if (matcher_parse(buf, &back, err, sizeof(err)) != 0)
			fail_msg("%s: %s", buf, err);
		assert_string_equal(back.name, cases[i].name);
		assert_int_equal(back.type, cases[i].type);
		assert_string_equal(back.value, cases[i].value);
		matcher_free(&back);
		/* A short buffer is cut and terminated; the length stays. */
		memset(buf, 'z', sizeof(buf));
		assert_int_equal(matcher_format(&m, buf, 4), n);
		assert_int_equal(strlen(buf), 3);
		assert_int_equal(matcher_format(&m, NULL, 0), n);
		matcher_free(&m);
	}
}

static void
test_free_is_null_safe_and_leaves_zeroes(void **state)
{
	struct matcher		 m;
	struct matcher_set	 set = { NULL, 0 };
	char			 err[256];

	matcher_free(NULL);
	matcher_set_free(NULL);
	matcher_set_free(&set);
	assert_int_equal(matcher_parse("a=~\"b\"", &m, err, sizeof(err)), 0);
	matcher_free(&m);
	assert_null(m.name);
	assert_null(m.value);
	assert_null(m.re);
	matcher_free(&m);	/* twice is harmless */
	/* Errors with no room for a message still fail cleanly. */
	assert_int_equal(matcher_parse("a", &m, NULL, 0), -1);
	assert_int_equal(matcher_init(&m, "", MATCH_EQ, "", NULL, 0), -1);
	assert_int_equal(matcher_init(&m, "a", (enum matcher_type)7, "", err,
	    sizeof(err)), -1);
	assert_string_equal(err, "bad matcher type 7");
}

/*
 * Fail each allocation in turn: every failure is an error that says so
 * and leaves nothing allocated (ASan and valgrind check the leaks).
 */
static void
test_every_allocation_failure_is_clean(void **state)
{
	struct matcher_set	 set;
	struct matcher		 m;
	json_error_t		 jerr;
	json_t			*j;
	char			 err[256];
	long			 k;
	int			 rc;

	j = json_loads("[{\"name\":\"env\",\"value\":\"p.*\",\"isRegex\":"
	    "true},{\"name\":\"x\",\"value\":\"y\",\"isRegex\":false}]", 0,
	    &jerr);
	assert_non_null(j);
	for (k = 0;; k++) {
		fail_at = k;
		rc = matcher_set_parse("{a=\"1\", b=~\"[^x]+.\", c!=\"3\", "
		    "d!~\"(?:e|f)\", e=\"5\", f=\"6\"}", &set, err,
		    sizeof(err));
		if (rc == 0) {
			assert_int_equal(set.n, 6);
			matcher_set_free(&set);
		} else {
			assert_non_null(strstr(err, "out of memory"));
			assert_null(set.v);
		}
		if (fail_at >= 0)
			break;		/* nothing left to fail */
		assert_int_equal(rc, -1);
	}
	fail_at = -1;
	assert_true(k > 10);

	for (k = 0;; k++) {
		fail_at = k;
		rc = matcher_set_from_json(j, &set, err, sizeof(err));
		if (rc == 0)
			matcher_set_free(&set);
		else
			assert_non_null(strstr(err, "out of memory"));
		if (fail_at >= 0)
			break;
		assert_int_equal(rc, -1);
	}
	fail_at = -1;

	for (k = 0;; k++) {
		fail_at = k;
		rc = matcher_init(&m, "a", MATCH_RE, "x.y", err, sizeof(err));
		if (rc == 0)
			matcher_free(&m);
		else
			assert_non_null(strstr(err, "out of memory"));
		if (fail_at >= 0)
			break;
		assert_int_equal(rc, -1);
	}
	fail_at = -1;
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_parses_one_matcher_in_alertmanager_syntax),
		cmocka_unit_test(test_parse_errors_name_the_position),
		cmocka_unit_test(
		    test_parses_matcher_lists_with_or_without_braces),
		cmocka_unit_test(
		    test_list_errors_name_the_position_and_free_everything),
		cmocka_unit_test(test_alertmanager_semantics),
		cmocka_unit_test(test_refuses_re2_syntax_posix_would_misread),
		cmocka_unit_test(
		    test_accepted_regexes_mean_what_they_mean_in_re2),
		cmocka_unit_test(test_lookup_in_large_sorted_label_set),
		cmocka_unit_test(
		    test_all_matchers_must_match_and_none_matches_all),
		cmocka_unit_test(test_parses_alertmanager_api_v2_json),
		cmocka_unit_test(test_json_matcher_list_names_the_index),
		cmocka_unit_test(test_format_quotes_and_round_trips),
		cmocka_unit_test(test_free_is_null_safe_and_leaves_zeroes),
		cmocka_unit_test(test_every_allocation_failure_is_clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
