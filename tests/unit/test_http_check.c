/*
 * tests/unit/test_http_check.c — lib/http_check.c: the framing headers
 * that could let a request hide inside another, and the Content-Type
 * check for JSON bodies.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "http_check.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define MAXH		4

static const struct framing_case {
	struct http_header	 h[MAXH];
	size_t			 n;
	int			 want;
	const char		*msg;
} framing_cases[] = {
	{ { { NULL, NULL } }, 0, 0, "" },
	{ { { "Host", "x" }, { "Content-Type", "application/json" } }, 2,
	    0, "" },
	{ { { "Content-Length", "42" } }, 1, 0, "" },
	{ { { "content-length", "0" } }, 1, 0, "" },
	{ { { "Content-Length", "000017" } }, 1, 0, "" },
	{ { { "Content-Length", "999999999999999999" } }, 1, 0, "" },
	{ { { "Transfer-Encoding", "chunked" } }, 1, 0, "" },
	{ { { "TRANSFER-ENCODING", "Chunked" } }, 1, 0, "" },
	/* smuggling shapes */
	{ { { "Content-Length", "5" }, { "Content-Length", "5" } }, 2, -1,
	    "more than one Content-Length" },
	{ { { "Content-Length", "5" }, { "content-length", "50" } }, 2, -1,
	    "more than one Content-Length" },
	{ { { "Transfer-Encoding", "chunked" },
	    { "Transfer-Encoding", "chunked" } }, 2, -1,
	    "more than one Transfer-Encoding" },
	{ { { "Transfer-Encoding", "chunked" }, { "Content-Length", "5" } },
	    2, -1, "both Transfer-Encoding and Content-Length" },
	{ { { "Content-Length", "5" }, { "Transfer-Encoding", "gzip" } },
	    2, -1, "both Transfer-Encoding and Content-Length" },
	{ { { "Transfer-Encoding", "gzip, chunked" } }, 1, -1,
	    "unsupported Transfer-Encoding" },
	{ { { "Transfer-Encoding", "chunked, chunked" } }, 1, -1,
	    "unsupported Transfer-Encoding" },
	{ { { "Transfer-Encoding", "identity" } }, 1, -1,
	    "unsupported Transfer-Encoding" },
	{ { { "Transfer-Encoding", "xchunked" } }, 1, -1,
	    "unsupported Transfer-Encoding" },
	{ { { "Transfer-Encoding", "chunked " } }, 1, -1,
	    "unsupported Transfer-Encoding" },
	{ { { "Transfer-Encoding", "" } }, 1, -1,
	    "unsupported Transfer-Encoding" },
	{ { { "Transfer-Encoding", NULL } }, 1, -1,
	    "unsupported Transfer-Encoding" },
	/* Content-Length that is not a plain decimal number */
	{ { { "Content-Length", "" } }, 1, -1, "invalid Content-Length" },
	{ { { "Content-Length", "-1" } }, 1, -1, "invalid Content-Length" },
	{ { { "Content-Length", "+5" } }, 1, -1, "invalid Content-Length" },
	{ { { "Content-Length", " 5" } }, 1, -1, "invalid Content-Length" },
	{ { { "Content-Length", "5 " } }, 1, -1, "invalid Content-Length" },
	{ { { "Content-Length", "5, 5" } }, 1, -1, "invalid Content-Length" },
	{ { { "Content-Length", "0x10" } }, 1, -1, "invalid Content-Length" },
	{ { { "Content-Length", "1e3" } }, 1, -1, "invalid Content-Length" },
	{ { { "Content-Length", "1000000000000000000" } }, 1, -1,
	    "invalid Content-Length" },
	{ { { "Content-Length", "99999999999999999999999" } }, 1, -1,
	    "invalid Content-Length" },
	{ { { "Content-Length", NULL } }, 1, -1, "invalid Content-Length" },
};

static void
test_framing_refuses_ambiguous_bodies(void **state)
{
	size_t	 i;

	for (i = 0; i < NELEM(framing_cases); i++) {
		const struct framing_case	*c = &framing_cases[i];
		char				 msg[64];

		strcpy(msg, "");
		if (http_check_framing(c->h, c->n, msg, sizeof(msg)) !=
		    c->want)
			fail_msg("case %zu: want %d", i, c->want);
		assert_string_equal(msg, c->msg);
	}
}

static void
test_framing_ignores_headers_without_name(void **state)
{
	struct http_header	 h[] = { { NULL, "5" }, { "Content-Length",
	    "5" } };
	char			 msg[64] = "";

	assert_int_equal(http_check_framing(h, 2, msg, sizeof(msg)), 0);
}

static void
test_framing_tolerates_missing_msg_buffer(void **state)
{
	struct http_header	 h[] = { { "Content-Length", "x" } };
	char			 tiny[4];

	assert_int_equal(http_check_framing(h, 1, NULL, 0), -1);
	assert_int_equal(http_check_framing(h, 1, tiny, sizeof(tiny)), -1);
	assert_string_equal(tiny, "inv");
}

static const struct ct_case {
	const char	*ct;
	int		 want;
} ct_cases[] = {
	{ "application/json", 1 },
	{ "Application/JSON", 1 },
	{ "application/json; charset=utf-8", 1 },
	{ "application/json;charset=UTF-8", 1 },
	{ "application/json ; charset=\"utf-8\"", 1 },
	{ "application/json; CHARSET=utf-8", 1 },
	{ "application/json;", 1 },
	{ "  application/json  ", 1 },
	{ NULL, 0 },
	{ "", 0 },
	{ "text/plain", 0 },
	{ "application/jsonx", 0 },
	{ "application/json-patch+json", 0 },
	{ "application/x-www-form-urlencoded", 0 },
	{ "application/json; charset=latin1", 0 },
	{ "application/json; charset=utf-16", 0 },
	{ "application/json; charset=utf-8x", 0 },
	{ "application/json; charset=", 0 },
	{ "application/json; charset=\"utf-8", 0 },
	{ "application/json; boundary=x", 0 },
	{ "application/json; charset=utf-8; q=1", 0 },
	{ "application/json, text/plain", 0 },
	{ "application", 0 },
};

static void
test_json_content_type(void **state)
{
	size_t	 i;

	for (i = 0; i < NELEM(ct_cases); i++)
		if (http_check_json_type(ct_cases[i].ct) != ct_cases[i].want)
			fail_msg("\"%s\": want %d", ct_cases[i].ct ?
			    ct_cases[i].ct : "(null)", ct_cases[i].want);
}

/* Feed a request byte by byte (the worst split) and whole. */
static int
scan(const char *req, size_t len, char *msg, size_t *used)
{
	struct http_scan	 s;
	size_t			 i, u, total = 0;
	int			 rc = 0, whole;

	http_scan_reset(&s);
	for (i = 0; i < len && rc == 0; i++) {
		rc = http_scan_feed(&s, req + i, 1, &u);
		total += u;
	}
	snprintf(msg, 128, "%s", s.msg);
	*used = total;
	http_scan_reset(&s);
	whole = http_scan_feed(&s, req, len, &u);
	assert_int_equal(whole, rc);
	assert_int_equal(u, total);
	return rc;
}

static void
test_scan_accepts_plain_and_chunked_requests(void **state)
{
	static const char *const ok[] = {
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET / HTTP/1.0\r\n\r\n",
		"\r\nPOST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
		"POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "2\r\n{}\r\n0\r\n\r\n",
		"GET / HTTP/1.1\nHost: x\n\n",
	};
	char	 msg[128];
	size_t	 i, used;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(scan(ok[i], strlen(ok[i]), msg, &used), 1);
		/* used stops at the blank line: the body is not header. */
		assert_true(used <= strlen(ok[i]));
		assert_memory_equal(ok[i] + used - 1, "\n", 1);
	}
}

static void
test_scan_refuses_smuggling_nul_and_folding(void **state)
{
	static const struct {
		const char	*req;
		size_t		 len;
		const char	*why;
	} bad[] = {
#define B(s, w)	{ s, sizeof(s) - 1, w }
		B("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n"
		    "\r\n", "Transfer-Encoding"),
		B("POST / HTTP/1.1\r\nContent-Length: 1\r\n"
		    "Content-Length: 2\r\n\r\n", "Content-Length"),
		B("POST / HTTP/1.1\r\ncontent-length: 5\r\n"
		    "transfer-encoding: chunked\r\n\r\n", ""),
		B("GET / HTTP/1.1\r\nHost: x\0y\r\n\r\n", "NUL"),
		B("GET / HTTP/1.1\r\nX-A: 1\r\n  folded\r\n\r\n",
		    "folding"),
		B("POST / HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n",
		    "Content-Length"),
#undef B
	};
	char	 msg[128];
	size_t	 i, used;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (scan(bad[i].req, bad[i].len, msg, &used) != -1)
			fail_msg("accepted case %zu", i);
		assert_non_null(strstr(msg, bad[i].why));
	}
}

static void
test_scan_waits_for_the_blank_line(void **state)
{
	struct http_scan	 s;
	size_t			 used;
	const char		*part = "POST / HTTP/1.1\r\nHost: x\r\n";

	http_scan_reset(&s);
	assert_int_equal(http_scan_feed(&s, part, strlen(part), &used), 0);
	assert_int_equal(used, strlen(part));
	assert_int_equal(http_scan_feed(&s, "\r\nBODY", 6, &used), 1);
	assert_int_equal(used, 2);
	/* Once done it says so until reset. */
	assert_int_equal(http_scan_feed(&s, "X", 1, &used), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_framing_refuses_ambiguous_bodies),
		cmocka_unit_test(test_framing_ignores_headers_without_name),
		cmocka_unit_test(test_framing_tolerates_missing_msg_buffer),
		cmocka_unit_test(test_json_content_type),
		cmocka_unit_test(test_scan_accepts_plain_and_chunked_requests),
		cmocka_unit_test(test_scan_refuses_smuggling_nul_and_folding),
		cmocka_unit_test(test_scan_waits_for_the_blank_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
