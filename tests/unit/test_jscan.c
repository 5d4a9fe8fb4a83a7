/*
 * tests/unit/test_jscan.c — lib/jscan.c against jansson, which the
 * intake used before it: each strictness rule with its line and column,
 * then thousands of mutated bodies (a fixed PRNG, so a failure repeats)
 * through both, which must agree on accepting or refusing, on every
 * value, and on the compact size. Last, the Alertmanager decoders built
 * on jscan against the jansson-based ones they replaced
 * (tests/unit/am_ref.c): same alerts, same errors, byte for byte.
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

#include "am_ref.h"
#include "decode_alertmanager.h"
#include "decode_testutil.h"
#include "jscan.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define NOW_MS		1795600920000LL
#define JFLAGS		(JSON_REJECT_DUPLICATES | JSON_DECODE_ANY)

static uint64_t
next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static int
scan(const char *body, size_t len, struct jscan *js, struct jscan_err *err)
{
	static struct jtok	 buf[8];

	/* A small first buffer, so that growing it is tested too (static:
	 * the tokens stay in it while they fit). */
	return jscan_parse(js, body, len, buf, NELEM(buf), err);
}

/* Refused, at line:column, with text starting with want. */
static void
expect_refused(const char *body, size_t len, int line, int column,
    const char *want)
{
	struct jscan		 js;
	struct jscan_err	 err;

	if (scan(body, len, &js, &err) == 0)
		fail_msg("accepted: %.80s", body);
	if (err.line != line || err.column != column ||
	    strncmp(err.text, want, strlen(want)) != 0)
		fail_msg("%.80s: got %d:%d %s, want %d:%d %s", body, err.line,
		    err.column, err.text, line, column, want);
	assert_int_equal(err.nomem, 0);
}

static const struct bad {
	const char	*body;
	int		 line, column;
	const char	*text;
} bad[] = {
	{ "", 1, 0, "value expected, premature end of input" },
	{ "  \n ", 2, 1, "value expected, premature end of input" },
	{ "[1,]", 1, 4, "value expected near ']'" },
	{ "{\"a\":1,}", 1, 8, "string expected as object key near '}'" },
	{ "{\"a\" 1}", 1, 6, "':' expected near '1'" },
	{ "[1 2]", 1, 4, "',' or ']' expected near '2'" },
	{ "{\"a\":1 \"b\":2}", 1, 8, "',' or '}' expected near '\"'" },
	{ "[1] x", 1, 5, "end of file expected near 'x'" },
	{ "[01]", 1, 3, "invalid number: leading zero" },
	{ "[-01]", 1, 4, "invalid number: leading zero" },
	{ "[1.]", 1, 4, "invalid number: digit expected after '.'" },
	{ "[1e]", 1, 4, "invalid number: digit expected in exponent" },
	{ "[-]", 1, 3, "digit expected near ']'" },
	{ "[+1]", 1, 2, "invalid token near '+'" },
	{ "[.5]", 1, 2, "invalid token near '.'" },
	{ "[NaN]", 1, 2, "invalid token near 'N'" },
	{ "[Infinity]", 1, 2, "invalid token near 'I'" },
	{ "[tru]", 1, 2, "invalid token near 't'" },
	{ "[nul", 1, 2, "invalid token near 'n'" },
	{ "// c\n[]", 1, 1, "invalid token near '/'" },
	{ "['a']", 1, 2, "invalid token near '''" },
	{ "[9223372036854775808]", 1, 20, "too big integer" },
	{ "[-9223372036854775809]", 1, 21, "too big negative integer" },
	{ "[1e999]", 1, 6, "real number overflow" },
	{ "[-1e400]", 1, 7, "real number overflow" },
	{ "[\"a", 1, 3, "premature end of input" },
	{ "[\"a\\", 1, 4, "premature end of input" },
	{ "[\"a\tb\"]", 1, 3, "control character 0x9" },
	{ "[\"a\nb\"]", 1, 3, "unexpected newline" },
	{ "[\"\\x\"]", 1, 4, "invalid escape" },
	{ "[\"\\u12\"]", 1, 7, "invalid escape" },
	{ "[\"\\u0000\"]", 1, 8, "\\u0000 is not allowed" },
	{ "[\"\\udc00\"]", 1, 8, "invalid Unicode '\\uDC00'" },
	{ "[\"\\ud800\"]", 1, 8, "invalid Unicode '\\uD800'" },
	{ "[\"\\ud800x\"]", 1, 8, "invalid Unicode '\\uD800'" },
	{ "[\"\\ud800\\u0041\"]", 1, 14,
	    "invalid Unicode '\\uD800\\u0041'" },
	{ "[\"\xc3\xa9\xff\"]", 1, 3, "unable to decode byte 0xff" },
	{ "[\"\xc0\xaf\"]", 1, 2, "unable to decode byte 0xc0" },
	{ "[\"\xed\xa0\x80\"]", 1, 2, "unable to decode byte 0xed" },
	{ "[\"\xf4\x90\x80\x80\"]", 1, 2, "unable to decode byte 0xf4" },
	{ "[\"\xe2\x82\"]", 1, 2, "unable to decode byte 0xe2" },
	{ "\xef\xbb\xbf[]", 1, 1, "invalid token near byte 0xef" },
	{ "{\"a\":1,\"a\":2}", 1, 10, "duplicate object key" },
	{ "{\"a\":1,\"\\u0061\":2}", 1, 15, "duplicate object key" },
	{ "[{\"x\":{\"a\":1,\"b\":2,\"a\":3}}]", 1, 22,
	    "duplicate object key" },
	{ "{\"\xc3\xa9\":1,\n \"k\":\"\xc3\xa9\xc3\xa9\",\"k\":2}", 2, 13,
	    "duplicate object key" },
};

static void
test_each_rule_has_its_error_and_place(void **state)
{
	json_error_t	 jerr;
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		expect_refused(bad[i].body, strlen(bad[i].body), bad[i].line,
		    bad[i].column, bad[i].text);
		/* ...and jansson refused each of them too. */
		if (json_loadb(bad[i].body, strlen(bad[i].body), JFLAGS,
		    &jerr) != NULL)
			fail_msg("jansson accepts %s", bad[i].body);
	}
	/* A NUL byte is a control character in a string, a bad token out. */
	expect_refused("[\"a\0\"]", 6, 1, 3, "control character 0x0");
	expect_refused("[1,\0]", 5, 1, 4, "invalid token near byte 0x00");
}

static void
test_accepts_what_rfc8259_allows(void **state)
{
	static const char *const ok[] = {
		"0", "-0", "1.5e-400", "-9223372036854775808",
		"9223372036854775807", "1E+2", "0.0e0", "\"\"", "true",
		" [ ] ", "{}", "{\"\":\"\"}", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
		"\"\\ud83d\\ude00 \\u00e9 \xc3\xa9 \xf0\x9f\x98\x80 \x7f\"",
		"{\"a\":{\"a\":{\"a\":[]}}}", "{\"a\":1,\"A\":2,\"a \":3}",
	};
	struct jscan		 js;
	struct jscan_err	 err;
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(ok); i++) {
		if (scan(ok[i], strlen(ok[i]), &js, &err) == -1)
			fail_msg("%s: %s", ok[i], err.text);
		jscan_free(&js);
	}
}

/* n arrays around a value (or nothing): jansson's depth counts values. */
static void
test_depth_limit_is_janssons(void **state)
{
	struct sb		 b;
	struct jscan		 js;
	struct jscan_err	 err;
	json_error_t		 jerr;
	json_t			*v;
	size_t			 n;
	int			 inner, r;

	(void)state;
	for (n = JSCAN_MAX_DEPTH - 1; n <= JSCAN_MAX_DEPTH + 1; n++)
		for (inner = 0; inner < 2; inner++) {
			memset(&b, 0, sizeof(b));
			sb_repeat(&b, "[", n);
			if (inner)
				sb_str(&b, "1");
			sb_repeat(&b, "]", n);
			r = scan(b.s, b.len, &js, &err);
			v = json_loadb(b.s, b.len, JFLAGS, &jerr);
			assert_int_equal(r == 0, v != NULL);
			assert_int_equal(r == 0, n + (size_t)inner <=
			    JSCAN_MAX_DEPTH);
			if (r == 0)
				jscan_free(&js);
			else
				assert_string_equal(err.text,
				    "maximum parsing depth reached");
			json_decref(v);
			free(b.s);
		}
}

/* Duplicates in a big object are found by sorting: the first one wins. */
static void
test_duplicates_in_big_objects(void **state)
{
	struct sb		 b = { 0 };
	struct jscan		 js;
	struct jscan_err	 err;
	size_t			 i;

	(void)state;
	sb_str(&b, "{");
	for (i = 0; i < 100; i++)
		sb_printf(&b, "\"k%zu\":%zu,", 99 - i, i);
	i = b.len;
	sb_str(&b, "\"k\\u0035\":0,\"k7\":1}");
	/* "k5" again (escaped), then "k7": the column is the first. */
	expect_refused(b.s, b.len, 1, (int)b.len - 10,
	    "duplicate object key");
	b.len = i;
	sb_str(&b, "\"k100\":1}");
	assert_int_equal(scan(b.s, b.len, &js, &err), 0);
	assert_int_equal(js.tok[0].count, 101);
	jscan_free(&js);
	free(b.s);
}

/*
 * Token t and jansson's v hold the same value: same types, strings
 * (unescaped and as dumped), numbers, members in the same order.
 */
static void
same_value(const struct jscan *js, uint32_t t, json_t *v)
{
	const struct jtok	*k = &js->tok[t];
	char			*buf, *end, *dump;
	size_t			 len, i;
	uint32_t		 m;
	const char		*key;
	json_t			*mv;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		assert_int_equal(k->type, JTOK_OBJECT);
		assert_int_equal(k->count, json_object_size(v));
		m = jscan_first(js, t);
		json_object_foreach(v, key, mv) {
			assert_true(m != 0);
			assert_true(jscan_str_eq(js, m, key, strlen(key)));
			assert_int_equal(jscan_get(js, t, key, strlen(key)),
			    m + 1);
			same_value(js, m + 1, mv);
			m = jscan_next_member(js, t, m);
		}
		assert_int_equal(m, 0);
		break;
	case JSON_ARRAY:
		assert_int_equal(k->type, JTOK_ARRAY);
		assert_int_equal(k->count, json_array_size(v));
		for (i = 0, m = t + 1; i < json_array_size(v); i++,
		    m = js->tok[m].next)
			same_value(js, m, json_array_get(v, i));
		assert_int_equal(m, k->next);
		break;
	case JSON_STRING:
		assert_int_equal(k->type, JTOK_STRING);
		len = jscan_str_len(js, t);
		assert_int_equal(len, json_string_length(v));
		buf = malloc(len + 1);
		assert_int_equal(jscan_str_copy(js, t, buf, len + 1), len);
		assert_memory_equal(buf, json_string_value(v), len);
		free(buf);
		dump = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		assert_int_equal(jscan_dump_str_len(js, t), strlen(dump));
		buf = malloc(strlen(dump) + 1);
		end = jscan_dump_str(js, t, buf);
		assert_int_equal(end - buf, strlen(dump));
		assert_memory_equal(buf, dump, strlen(dump));
		free(buf);
		free(dump);
		break;
	case JSON_INTEGER:
		assert_int_equal(k->type, JTOK_NUMBER);
		assert_false(k->flags & JTOK_REAL);
		break;
	case JSON_REAL:
		assert_int_equal(k->type, JTOK_NUMBER);
		assert_true(k->flags & JTOK_REAL);
		break;
	case JSON_TRUE:
		assert_int_equal(k->type, JTOK_TRUE);
		break;
	case JSON_FALSE:
		assert_int_equal(k->type, JTOK_FALSE);
		break;
	case JSON_NULL:
		assert_int_equal(k->type, JTOK_NULL);
		break;
	}
}

/* Both parsers on one body: agree, and on the values and sizes. */
static void
agree(const char *body, size_t len, size_t *accepted)
{
	struct jscan		 js;
	struct jscan_err	 err;
	json_error_t		 jerr;
	json_t			*v;
	size_t			 want;
	int			 r;

	r = scan(body, len, &js, &err);
	v = json_loadb(body, len, JFLAGS, &jerr);
	if ((r == 0) != (v != NULL))
		fail_msg("disagree on %.*s: jscan %s, jansson %s",
		    (int)(len > 200 ? 200 : len), body,
		    r == 0 ? "accepts" : err.text,
		    v != NULL ? "accepts" : jerr.text);
	if (r == -1)
		return;
	(*accepted)++;
	same_value(&js, 0, v);
	want = json_dumpb(v, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
	assert_int_equal(jscan_dump_size(&js, 0, SIZE_MAX - 1), want);
	if (want > 0)
		assert_true(jscan_dump_size(&js, 0, want - 1) > want - 1);
	jscan_free(&js);
	json_decref(v);
}

/* Snippets a mutation splices in: each one a rule the scanner enforces. */
static const char *const splice[] = {
	"\\u0000", "\\ud800", "\\udc00", "\\udfff", "\\udbff\\udfff",
	"\\ud83d\\ude00", "\\udbff", "\\u00e9",
	"\\u001f", "\\n", "\\/", "\\\"", "\\", "\"", "\xc3\xa9", "\xff",
	"\xed\xa0\x80", "\xf0\x9f\x98\x80", "\xe2\x82", "\x01", "\x7f",
	"1e999", "9223372036854775808", "-9223372036854775808", "-0",
	"01", "1.", "1e", "2.5e-400", "1.5E+3", "123456789.123456789",
	"true", "fals", "null", "[", "]", "{", "}", ",", ":", " ", "\n",
	"{\"a\":1,\"a\":2}", "\"dup\":1,\"dup\":2,", "[[[[[[", "]]]]]]",
	"\"\\u0061\":0,\"a\":0,",
};

/* Bytes a mutation may change one into (a NUL among them). */
static const char pool[] = "{}[],:\"\\ 0123456789-+.eEtfnul\x00"
    "\x1f\x80\xc3\xff";

static char *
mutate(const char *seed, size_t slen, uint64_t *rs, size_t *len)
{
	char		*b;
	size_t		 n = slen, at, k, cap = slen + 256, m;
	const char	*sp;

	b = malloc(cap);
	memcpy(b, seed, slen);
	for (m = next_rand(rs) % 3 + 1; m > 0; m--) {
		at = n > 0 ? next_rand(rs) % (n + 1) : 0;
		switch (next_rand(rs) % 6) {
		case 0:		/* a byte changed */
			if (at < n)
				b[at] = pool[next_rand(rs) % (sizeof(pool) -
				    1)];
			break;
		case 1:		/* a byte gone */
			if (at < n) {
				memmove(b + at, b + at + 1, n - at - 1);
				n--;
			}
			break;
		case 2:		/* cut short */
			n = at;
			break;
		default:	/* a snippet in */
			sp = splice[next_rand(rs) % NELEM(splice)];
			k = strlen(sp);
			if (n + k > cap)
				break;
			memmove(b + at + k, b + at, n - at);
			memcpy(b + at, sp, k);
			n += k;
		}
	}
	*len = n;
	return b;
}

static const char *const seeds[] = {
	"[{\"labels\":{\"alertname\":\"A\",\"severity\":\"page\"},"
	    "\"annotations\":{\"summary\":\"s\\u00e9 \\\"q\\\"\","
	    "\"zz\":\"\\n\",\"b\":\"x/y\"},\"startsAt\":"
	    "\"2026-11-25T10:00:00Z\",\"endsAt\":\"2026-11-25T10:05:00Z\","
	    "\"generatorURL\":\"http://p/g?x=1\"},{\"labels\":{\"a\":\"b\","
	    "\"e\":\"\"},\"x\":[1,-2.5e3,true,false,null,{}]}]",
	"{\"version\":\"4\",\"receiver\":\"r\",\"externalURL\":\"http://am\","
	    "\"groupKey\":\"{}:{}\",\"truncatedAlerts\":0,"
	    "\"status\":\"firing\","
	    "\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":"
	    "\"B\",\"k\\u00e9\":\"v\"},\"annotations\":{\"description\":"
	    "\"d\"},\"startsAt\":\"2026-11-25T10:00:00.123+01:00\","
	    "\"endsAt\":\"0001-01-01T00:00:00Z\",\"fingerprint\":"
	    "\"0123456789abcdef\"},{\"status\":\"resolved\",\"labels\":"
	    "{\"z\":\"1\",\"a\":\"2\"}}]}",
	"{\"a\":[1,2,{\"b\":\"\\ud83d\\ude00\"}],\"c\":0.5,\"d\":-0}",
};

static void
test_mutated_bodies_agree_with_jansson(void **state)
{
	uint64_t	 rs = 0x9e3779b97f4a7c15ULL;
	size_t		 i, len, accepted = 0;
	char		*b;

	(void)state;
	for (i = 0; i < 6000; i++) {
		b = mutate(seeds[i % NELEM(seeds)],
		    strlen(seeds[i % NELEM(seeds)]), &rs, &len);
		agree(b, len, &accepted);
		free(b);
	}
	/* The mutations must leave both outcomes common. */
	assert_true(accepted > 600 && accepted < 5400);
}

static void
same_alert(const struct alert *a, const struct alert *b)
{
	size_t	 i;

	assert_string_equal(a->fingerprint, b->fingerprint);
	assert_string_equal(a->summary, b->summary);
	assert_true((a->severity == NULL) == (b->severity == NULL));
	if (a->severity != NULL)
		assert_string_equal(a->severity, b->severity);
	assert_int_equal(a->status, b->status);
	assert_int_equal(a->nlabels, b->nlabels);
	for (i = 0; i < a->nlabels; i++) {
		assert_string_equal(a->labels[i].name, b->labels[i].name);
		assert_string_equal(a->labels[i].value, b->labels[i].value);
	}
	assert_string_equal(a->details_json, b->details_json);
	assert_int_equal(a->timestamp_ms, b->timestamp_ms);
	assert_int_equal(a->ends_at_ms, b->ends_at_ms);
	assert_null(a->source);
	assert_null(a->dedup_key);
}

/* The new decoder and the reference on one body and limits. */
static void
decoders_agree(int webhook, const char *body, size_t len,
    const struct alert_limits *lim, size_t *accepted)
{
	struct decode_err	 e1, e2;
	struct alert		*a1, *a2;
	size_t			 n1, n2, i;
	uint64_t		 t1 = 7, t2 = 7;
	int			 r1, r2;

	if (webhook) {
		r1 = decode_am_webhook(body, len, lim, &a1, &n1, &t1, &e1);
		r2 = ref_decode_am_webhook(body, len, lim, &a2, &n2, &t2, &e2);
	} else {
		r1 = decode_am_alerts(body, len, lim, NOW_MS,
		    AM_RESOLVE_TIMEOUT_MS, &a1, &n1, &e1);
		r2 = ref_decode_am_alerts(body, len, lim, NOW_MS,
		    AM_RESOLVE_TIMEOUT_MS, &a2, &n2, &e2);
	}
	if (r1 != r2)
		fail_msg("disagree on %.*s: %s / %s", (int)(len > 300 ? 300 :
		    len), body, r1 == 0 ? "ok" : e1.msg, r2 == 0 ? "ok" :
		    e2.msg);
	assert_int_equal(n1, n2);
	assert_int_equal(t1, t2);
	if (r1 == -1) {
		assert_int_equal(e1.status, e2.status);
		assert_int_equal(e1.index, e2.index);
		assert_string_equal(e1.reason, e2.reason);
		/* Only the parser's own words differ. */
		if (strcmp(e1.reason, "json") == 0)
			assert_true(strncmp(e1.msg, "invalid JSON at line ",
			    21) == 0);
		else if (strcmp(e1.msg, e2.msg) != 0)
			fail_msg("%.*s: \"%s\" / \"%s\"", (int)(len > 300 ?
			    300 : len), body, e1.msg, e2.msg);
		return;
	}
	(*accepted)++;
	for (i = 0; i < n1; i++)
		same_alert(&a1[i], &a2[i]);
	alert_array_free(a1, n1);
	alert_array_free(a2, n2);
}

static void
test_decoders_agree_with_the_jansson_ones(void **state)
{
	struct alert_limits	 lim;
	uint64_t		 rs = 0x243f6a8885a308d3ULL;
	size_t			 i, len, accepted = 0, s;
	char			*b;

	(void)state;
	for (i = 0; i < 6000; i++) {
		alert_limits_default(&lim);
		/* Now and then limits the seeds run into. */
		switch (next_rand(&rs) % 8) {
		case 0:
			lim.max_alert_size = 150 + next_rand(&rs) % 200;
			break;
		case 1:
			lim.max_summary = next_rand(&rs) % 8;
			lim.max_labels = 1 + next_rand(&rs) % 2;
			break;
		case 2:
			lim.max_label_name = next_rand(&rs) % 3;
			lim.max_label_value = next_rand(&rs) % 3;
			lim.max_dedup_key = 4;
			lim.max_batch = 1;
			break;
		}
		s = i % 2;
		b = mutate(seeds[s], strlen(seeds[s]), &rs, &len);
		decoders_agree(s == 1, b, len, &lim, &accepted);
		/* Each body as the other format too. */
		decoders_agree(s == 0, b, len, &lim, &accepted);
		free(b);
	}
	assert_true(accepted > 400);
}

/* The same on the fixtures: real senders' bodies, mutated. */
static void
test_decoders_agree_on_mutated_fixtures(void **state)
{
	static const char *const names[] = { "alertmanager_webhook.json",
	    "prometheus_alerts_v2.json" };
	struct alert_limits	 lim;
	uint64_t		 rs = 0x13198a2e03707344ULL;
	size_t			 i, len, flen[2], accepted = 0, f;
	char			*fx[2], *b;

	(void)state;
	for (f = 0; f < 2; f++)
		fx[f] = read_fixture(names[f], &flen[f]);
	alert_limits_default(&lim);
	for (i = 0; i < 2000; i++) {
		f = i % 2;
		b = mutate(fx[f], flen[f], &rs, &len);
		decoders_agree(f == 0, b, len, &lim, &accepted);
		free(b);
	}
	assert_true(accepted > 100);
	free(fx[0]);
	free(fx[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_rule_has_its_error_and_place),
		cmocka_unit_test(test_accepts_what_rfc8259_allows),
		cmocka_unit_test(test_depth_limit_is_janssons),
		cmocka_unit_test(test_duplicates_in_big_objects),
		cmocka_unit_test(test_mutated_bodies_agree_with_jansson),
		cmocka_unit_test(test_decoders_agree_with_the_jansson_ones),
		cmocka_unit_test(test_decoders_agree_on_mutated_fixtures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
