/*
 * tests/unit/test_http_parse.c — lib/http_parse.c: request lines, header
 * lines and chunked bodies, fed whole and a byte at a time.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "http_parse.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char	*line;
	int		 want;
	int		 method;
	const char	*target;
	int		 minor;
} reqlines[] = {
	{ "GET / HTTP/1.1", 0, HTTP_M_GET, "/", 1 },
	{ "POST /api/v1/alerts?key=x HTTP/1.0", 0, HTTP_M_POST,
	    "/api/v1/alerts?key=x", 0 },
	{ "OPTIONS * HTTP/1.1", 0, HTTP_M_OPTIONS, "*", 1 },
	{ "GET http://h/x HTTP/1.1", 0, HTTP_M_GET, "http://h/x", 1 },
	{ "PATCH /p HTTP/1.1", 0, HTTP_M_PATCH, "/p", 1 },
	{ "BREW /pot HTTP/1.1", -2, 0, NULL, 0 },
	{ "get / HTTP/1.1", -2, 0, NULL, 0 },
	{ "GET / HTTP/2.0", -3, 0, NULL, 0 },
	{ "GET / HTTP/1.10", -1, 0, NULL, 0 },
	{ "GET / http/1.1", -1, 0, NULL, 0 },
	{ "GET  / HTTP/1.1", -1, 0, NULL, 0 },
	{ "GET / HTTP/1.1 ", -1, 0, NULL, 0 },
	{ "GET /a b HTTP/1.1", -1, 0, NULL, 0 },
	{ "GET /\x7f HTTP/1.1", -1, 0, NULL, 0 },
	{ "GET /\t HTTP/1.1", -1, 0, NULL, 0 },
	{ "G(T / HTTP/1.1", -1, 0, NULL, 0 },
	{ "GET /", -1, 0, NULL, 0 },
	{ "", -1, 0, NULL, 0 },
	{ " / HTTP/1.1", -1, 0, NULL, 0 },
};

static void
test_reqline(void **state)
{
	struct http_reqline	 rl;
	char			 msg[64];
	size_t			 i;
	int			 rc;

	for (i = 0; i < NELEM(reqlines); i++) {
		msg[0] = '\0';
		rc = http_parse_reqline(reqlines[i].line,
		    strlen(reqlines[i].line), &rl, msg, sizeof(msg));
		if (rc != reqlines[i].want)
			fail_msg("%s: got %d want %d", reqlines[i].line, rc,
			    reqlines[i].want);
		if (rc != 0) {
			assert_true(msg[0] != '\0');
			continue;
		}
		assert_int_equal(rl.method, reqlines[i].method);
		assert_int_equal(rl.minor, reqlines[i].minor);
		assert_int_equal(rl.target_len, strlen(reqlines[i].target));
		assert_memory_equal(rl.target, reqlines[i].target,
		    rl.target_len);
	}
}

static void
test_header(void **state)
{
	static const struct {
		const char	*line;
		int		 want;
		const char	*name, *value;
	} cases[] = {
		{ "Host: x", 0, "Host", "x" },
		{ "Host:x", 0, "Host", "x" },
		{ "X-A: \t a b \t", 0, "X-A", "a b" },
		{ "X-Empty:", 0, "X-Empty", "" },
		{ "Host : x", -1, NULL, NULL },
		{ ": x", -1, NULL, NULL },
		{ "no colon", -1, NULL, NULL },
		{ "X-A: a\rb", -1, NULL, NULL },
		{ "X-A: a\x01", -1, NULL, NULL },
		{ "X(A): a", -1, NULL, NULL },
	};
	const char	*n, *v;
	size_t		 nl, vl, i;
	char		 msg[64];
	int		 rc;

	for (i = 0; i < NELEM(cases); i++) {
		rc = http_parse_header(cases[i].line, strlen(cases[i].line),
		    &n, &nl, &v, &vl, msg, sizeof(msg));
		if (rc != cases[i].want)
			fail_msg("%s: got %d", cases[i].line, rc);
		if (rc != 0)
			continue;
		assert_int_equal(nl, strlen(cases[i].name));
		assert_memory_equal(n, cases[i].name, nl);
		assert_int_equal(vl, strlen(cases[i].value));
		assert_memory_equal(v, cases[i].value, vl);
	}
}

struct sink {
	char	 buf[256];
	size_t	 len;
};

static void
sink_add(void *arg, const char *p, size_t n)
{
	struct sink	*s = arg;

	assert_true(s->len + n <= sizeof(s->buf));
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

/* Whole, then a byte at a time: same result, same end offset. */
static int
decode(const char *in, size_t max, struct sink *s, size_t *end)
{
	struct http_chunked	 c;
	struct sink		 s2;
	size_t			 used, i, n = strlen(in);
	int			 rc, rc2 = 0;

	memset(s, 0, sizeof(*s));
	http_chunked_init(&c, max);
	rc = http_chunked_feed(&c, in, n, &used, sink_add, s);
	*end = used;

	memset(&s2, 0, sizeof(s2));
	http_chunked_init(&c, max);
	for (i = 0; i < n; i++) {
		rc2 = http_chunked_feed(&c, in + i, 1, &used, sink_add, &s2);
		if (rc2 != 0)
			break;
		assert_int_equal(used, 1);
	}
	assert_int_equal(rc, rc2);
	if (rc == 1)
		assert_int_equal(i + used, *end);
	assert_int_equal(s->len, s2.len);
	assert_memory_equal(s->buf, s2.buf, s->len);
	return rc;
}

static void
test_chunked(void **state)
{
	static const struct {
		const char	*in;
		size_t		 max;
		int		 want;
		const char	*body;
		size_t		 end;	/* 0: strlen(in) */
	} cases[] = {
		{ "5\r\nhello\r\n0\r\n\r\n", 100, 1, "hello", 0 },
		{ "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", 100, 1,
		    "hello world", 0 },
		{ "A;name=v\r\n0123456789\r\n0\r\n\r\n", 100, 1, "0123456789",
		    0 },
		{ "a\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\nGET", 100, 1,
		    "0123456789", 28 },
		{ "0\r\n\r\n", 100, 1, "", 0 },
		{ "5\r\nhello\r\n0\r\n", 100, 0, "hello", 0 },
		{ "5\r\nhello\r\n", 4, -2, NULL, 0 },
		{ "3\r\nabc\r\n3\r\ndef\r\n", 5, -2, NULL, 0 },
		{ "5\nhello\r\n0\r\n\r\n", 100, -1, NULL, 0 },
		{ "5\r\nhelloX\r\n0\r\n\r\n", 100, -1, NULL, 0 },
		{ "5\r\nhello\n0\r\n\r\n", 100, -1, NULL, 0 },
		{ "\r\n", 100, -1, NULL, 0 },
		{ "-5\r\nhello\r\n", 100, -1, NULL, 0 },
		{ "0x5\r\nhello\r\n", 100, -1, NULL, 0 },
		{ "1000000000000000\r\n", (size_t)-1, -1, NULL, 0 },
		{ "0\r\nX-T: 1\n\r\n", 100, -1, NULL, 0 },
	};
	struct sink	 s;
	size_t		 i, end;
	int		 rc;

	for (i = 0; i < NELEM(cases); i++) {
		rc = decode(cases[i].in, cases[i].max, &s, &end);
		if (rc != cases[i].want)
			fail_msg("case %zu: got %d want %d", i, rc,
			    cases[i].want);
		if (cases[i].body == NULL)
			continue;
		assert_int_equal(s.len, strlen(cases[i].body));
		assert_memory_equal(s.buf, cases[i].body, s.len);
		if (rc == 1)
			assert_int_equal(end, cases[i].end ? cases[i].end :
			    strlen(cases[i].in));
	}
}

/* Trailers and extensions are bounded. */
static void
test_chunked_bounds(void **state)
{
	static char		 in[HTTP_CHUNK_TRAILERS + 64];
	struct http_chunked	 c;
	size_t			 used;

	memset(in, 'x', sizeof(in));
	memcpy(in, "0\r\nX-T: ", 8);
	http_chunked_init(&c, 100);
	assert_int_equal(http_chunked_feed(&c, in, sizeof(in), &used, NULL,
	    NULL), -1);
	memcpy(in, "1;", 2);
	http_chunked_init(&c, 100);
	assert_int_equal(http_chunked_feed(&c, in, HTTP_CHUNK_LINE + 8, &used,
	    NULL, NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reqline),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_chunked_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
