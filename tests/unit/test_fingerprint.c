/*
 * tests/unit/test_fingerprint.c — lib/fingerprint.c must give the same
 * fingerprint as Prometheus/Alertmanager for the same label set. Vectors
 * marked "upstream" are copied from prometheus/common model's
 * signature_test.go (TestMetricToFingerprint and its benchmarks); the
 * others were computed with an independent Python FNV-1a.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "fingerprint.h"

#define MAXL	3

static const struct fp_case {
	const char	*kv[2 * MAXL];	/* sorted by name */
	size_t		 n;
	uint64_t	 want;
	const char	*hex;
} cases[] = {
	/* upstream: the empty set is the FNV-1a 64 offset basis */
	{ { NULL }, 0, 14695981039346656037ULL, "cbf29ce484222325" },
	/* upstream */
	{ { "fear", "love is not enough", "name", "garland, briggs" }, 2,
	    5799056148416392346ULL, "507a62d79ee76c9a" },
	/* upstream */
	{ { "first-label", "first-label-value" }, 1,
	    5146282821936882169ULL, "476b44f5db3e21f9" },
	/* upstream */
	{ { "first-label", "first-label-value",
	    "second-label", "second-label-value" }, 2,
	    3195800080984914717ULL, "2c59c33dd8453b1d" },
	/* upstream */
	{ { "first-label", "first-label-value",
	    "second-label", "second-label-value",
	    "third-label", "third-label-value" }, 3,
	    13843036195897128121ULL, "c01c58139d52b4b9" },
	{ { "alertname", "HighLatency" }, 1,
	    0x73dbeed5635ea4e4ULL, "73dbeed5635ea4e4" },
	{ { "alertname", "HighLatency", "job", "api", "severity", "page" }, 3,
	    0xa105e054dfb59f59ULL, "a105e054dfb59f59" },
	/* the 0xff separator keeps these two apart */
	{ { "a", "bc" }, 1, 0xa0a3542c19b900abULL, "a0a3542c19b900ab" },
	{ { "ab", "c" }, 1, 0x20ba9b3025a8b421ULL, "20ba9b3025a8b421" },
	/* multi-byte UTF-8 is hashed as bytes */
	{ { "name", "\xc3\xa9" }, 1,
	    0x60e7f2c17a7cd004ULL, "60e7f2c17a7cd004" },
};

static size_t
fill(const struct fp_case *c, struct label *l)
{
	size_t	 i;

	for (i = 0; i < c->n; i++) {
		l[i].name = (char *)c->kv[2 * i];
		l[i].value = (char *)c->kv[2 * i + 1];
	}
	return c->n;
}

static void
test_matches_prometheus_vectors(void **state)
{
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct label	 l[MAXL];
		size_t		 n;

		n = fill(&cases[i], l);
		assert_int_equal(fp_labels(l, n), cases[i].want);
	}
}

static void
test_format_is_16_lower_hex_digits(void **state)
{
	size_t	 i;
	char	 out[17];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, 'X', sizeof(out));
		fp_format(cases[i].want, out);
		assert_string_equal(out, cases[i].hex);
	}
}

static void
test_format_pads_small_values_with_zeros(void **state)
{
	char	 out[17];

	fp_format(0, out);
	assert_string_equal(out, "0000000000000000");
	fp_format(0xabcULL, out);
	assert_string_equal(out, "0000000000000abc");
	fp_format(UINT64_MAX, out);
	assert_string_equal(out, "ffffffffffffffff");
}

static void
test_empty_value_differs_from_absent_label(void **state)
{
	struct label	 l[1] = { { "env", "" } };

	assert_int_not_equal(fp_labels(l, 1), fp_labels(NULL, 0));
}

/*
 * The content digest. XXH3 of "" with seed 0 is xxHash's own sanity
 * vector (0x2D06800538D394C2): the digest is the library's XXH3, seeded
 * from 0. Nothing to hash is 0.
 */
static void
test_digest_vectors(void **state)
{
	const char	*empty[1] = { "" };
	char		 out[FP_DIGEST_LEN];

	assert_int_equal(fp_digest(NULL, 0, out), 0);
	assert_string_equal(out, "0");
	/* The text is the returned hash as a signed decimal. */
	assert_true(fp_digest(empty, 1, out) == 0x2D06800538D394C2ULL);
	assert_string_equal(out, "3244421341483603138");
}

/* Where one string ends and the next begins is part of the content. */
static void
test_digest_boundaries_count(void **state)
{
	const char	*ab_c[2] = { "ab", "c" }, *a_bc[2] = { "a", "bc" };
	const char	*abc[1] = { "abc" }, *e1[1] = { "" }, *e2[2] = { "", "" };
	const char	*alert[4] = { "Latency", "warning", "{}", "3" };
	const char	*alert2[4] = { "Latency", "warning", "{}", "2" };
	char		 a[FP_DIGEST_LEN], b[FP_DIGEST_LEN], c[FP_DIGEST_LEN];

	fp_digest(ab_c, 2, a);
	fp_digest(a_bc, 2, b);
	fp_digest(abc, 1, c);
	assert_string_not_equal(a, b);
	assert_string_not_equal(a, c);
	assert_string_not_equal(b, c);
	fp_digest(e1, 1, a);
	fp_digest(e2, 2, b);
	fp_digest(NULL, 0, c);
	assert_string_not_equal(a, b);
	assert_string_not_equal(a, c);
	fp_digest(alert, 4, a);
	fp_digest(alert2, 4, b);
	fp_digest(alert, 4, c);
	assert_string_not_equal(a, b);
	assert_string_equal(a, c);
}

/* NULL is "" (an alert with no severity is one with an empty one). */
static void
test_digest_null_is_empty(void **state)
{
	const char	*empty[1] = { "" }, *null[1] = { NULL };
	char		 a[FP_DIGEST_LEN], b[FP_DIGEST_LEN];

	fp_digest(empty, 1, a);
	fp_digest(null, 1, b);
	assert_string_equal(a, b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matches_prometheus_vectors),
		cmocka_unit_test(test_format_is_16_lower_hex_digits),
		cmocka_unit_test(test_format_pads_small_values_with_zeros),
		cmocka_unit_test(test_empty_value_differs_from_absent_label),
		cmocka_unit_test(test_digest_vectors),
		cmocka_unit_test(test_digest_boundaries_count),
		cmocka_unit_test(test_digest_null_is_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
