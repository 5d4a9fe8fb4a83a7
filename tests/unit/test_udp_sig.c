/*
 * tests/unit/test_udp_sig.c — signed UDP datagrams (lib/udp_sig.c) and
 * the replay cache (lib/replay.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "replay.h"
#include "udp_sig.h"

#define KEY	"test-key-0123456789"
#define BODY	"{\"summary\":\"disk full\"}"
#define T0	1795627648000LL

static size_t
make_dg(char *buf, size_t len, const char *key, const char *name,
    int64_t t, const char *body)
{
	char	 hex[65];

	udp_sig_mac_hex(key, t, body, strlen(body), hex);
	return (size_t)snprintf(buf, len, "PAGERD-SIG t=%lld,k=%s,v1=%s\n%s",
	    (long long)t, name, hex, body);
}

/* Python: hmac.new(b'k', b'1.{}', hashlib.sha256).hexdigest() */
static void
test_mac_matches_reference_hmac(void **state)
{
	char	 hex[65];

	udp_sig_mac_hex("k", 1, "{}", 2, hex);
	assert_string_equal(hex, "3dd49b2593d0f9a349e9e71c4bde3e2b"
	    "862c2be4003fe9b4ba81332029310158");
}

static void
test_valid_signature_verifies(void **state)
{
	char		 dg[512], err[128];
	struct udp_sig	 sig;
	size_t		 n = make_dg(dg, sizeof(dg), KEY, "prom", T0, BODY);

	assert_int_equal(udp_sig_parse(dg, n, &sig, err, sizeof(err)), 1);
	assert_string_equal(sig.name, "prom");
	assert_int_equal(sig.t_ms, T0);
	assert_int_equal(sig.body_len, strlen(BODY));
	assert_memory_equal(sig.body, BODY, sig.body_len);
	assert_int_equal(udp_sig_verify(&sig, KEY, T0 + 1000, 60000, err,
	    sizeof(err)), 0);
}

static void
test_unsigned_datagram_is_not_signed(void **state)
{
	char		 err[128];
	struct udp_sig	 sig;

	assert_int_equal(udp_sig_parse(BODY, strlen(BODY), &sig, err,
	    sizeof(err)), 0);
}

static void
test_tampered_body_is_refused(void **state)
{
	char		 dg[512], err[128];
	struct udp_sig	 sig;
	size_t		 n = make_dg(dg, sizeof(dg), KEY, "prom", T0, BODY);

	dg[n - 3] = 'X';
	assert_int_equal(udp_sig_parse(dg, n, &sig, err, sizeof(err)), 1);
	assert_int_equal(udp_sig_verify(&sig, KEY, T0, 60000, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "does not match"));
}

static void
test_wrong_key_is_refused(void **state)
{
	char		 dg[512], err[128];
	struct udp_sig	 sig;
	size_t		 n = make_dg(dg, sizeof(dg), "other-key-123456", "prom",
	    T0, BODY);

	assert_int_equal(udp_sig_parse(dg, n, &sig, err, sizeof(err)), 1);
	assert_int_equal(udp_sig_verify(&sig, KEY, T0, 60000, err,
	    sizeof(err)), -1);
}

static void
test_stale_and_future_are_refused(void **state)
{
	char		 dg[512], err[128];
	struct udp_sig	 sig;
	size_t		 n = make_dg(dg, sizeof(dg), KEY, "prom", T0, BODY);

	assert_int_equal(udp_sig_parse(dg, n, &sig, err, sizeof(err)), 1);
	assert_int_equal(udp_sig_verify(&sig, KEY, T0 + 60001, 60000, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "old"));
	assert_int_equal(udp_sig_verify(&sig, KEY, T0 - 60001, 60000, err,
	    sizeof(err)), -1);
	assert_int_equal(udp_sig_verify(&sig, KEY, T0 + 60000, 60000, err,
	    sizeof(err)), 0);
}

static void
test_malformed_lines_are_refused(void **state)
{
	static const char *const bad[] = {
		"PAGERD-SIG t=1,k=a\n{}",
		"PAGERD-SIG t=x,k=a,v1=" "00000000000000000000000000000000"
		    "00000000000000000000000000000000\n{}",
		"PAGERD-SIG t=1,k=a,v1=abc\n{}",
		"PAGERD-SIG t=1,k=a,v1=" "zz000000000000000000000000000000"
		    "00000000000000000000000000000000\n{}",
		"PAGERD-SIG t=1,t=2,k=a,v1=" "0000000000000000000000000000000"
		    "000000000000000000000000000000000\n{}",
		"PAGERD-SIG t=1,k=a,x=1,v1=" "0000000000000000000000000000000"
		    "000000000000000000000000000000000\n{}",
		"PAGERD-SIG no newline at all",
		"PAGERD-SIG garbage\n{}",
	};
	char		 err[128];
	struct udp_sig	 sig;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (udp_sig_parse(bad[i], strlen(bad[i]), &sig, err,
		    sizeof(err)) != -1)
			fail_msg("accepted: %s", bad[i]);
		assert_true(err[0] != '\0');
	}
}

static void
test_replay_refuses_second_sighting(void **state)
{
	struct replay	*r = replay_new(16);
	unsigned char	 mac[32];

	assert_non_null(r);
	memset(mac, 7, sizeof(mac));
	assert_int_equal(replay_check(r, mac, 1000, 2000), REPLAY_NEW);
	assert_int_equal(replay_check(r, mac, 1500, 2500), REPLAY_SEEN);
	/* After it expires the MAC is accepted again (the skew check
	 * refuses such an old timestamp anyway). */
	assert_int_equal(replay_check(r, mac, 2001, 3000), REPLAY_NEW);
	replay_free(r);
}

static void
test_replay_fails_closed_when_full(void **state)
{
	struct replay	*r = replay_new(8);
	unsigned char	 mac[32];
	int		 i, full = 0;

	assert_non_null(r);
	memset(mac, 0, sizeof(mac));
	for (i = 0; i < 64; i++) {
		mac[0] = (unsigned char)i;
		mac[9] = (unsigned char)(i * 7);
		if (replay_check(r, mac, 0, 1000) == REPLAY_FULL)
			full++;
	}
	assert_true(full > 0);
	/* Once they expire there is room again. */
	mac[0] = 200;
	assert_int_equal(replay_check(r, mac, 1001, 2000), REPLAY_NEW);
	replay_free(r);
}

static void
test_replay_keeps_many_distinct(void **state)
{
	struct replay	*r = replay_new(1000);
	unsigned char	 mac[32];
	int		 i;

	assert_non_null(r);
	memset(mac, 0, sizeof(mac));
	for (i = 0; i < 1000; i++) {
		memcpy(mac, &i, sizeof(i));
		assert_int_equal(replay_check(r, mac, 0, 1000), REPLAY_NEW);
	}
	for (i = 0; i < 1000; i++) {
		memcpy(mac, &i, sizeof(i));
		assert_int_equal(replay_check(r, mac, 10, 1000), REPLAY_SEEN);
	}
	replay_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mac_matches_reference_hmac),
		cmocka_unit_test(test_valid_signature_verifies),
		cmocka_unit_test(test_unsigned_datagram_is_not_signed),
		cmocka_unit_test(test_tampered_body_is_refused),
		cmocka_unit_test(test_wrong_key_is_refused),
		cmocka_unit_test(test_stale_and_future_are_refused),
		cmocka_unit_test(test_malformed_lines_are_refused),
		cmocka_unit_test(test_replay_refuses_second_sighting),
		cmocka_unit_test(test_replay_fails_closed_when_full),
		cmocka_unit_test(test_replay_keeps_many_distinct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
