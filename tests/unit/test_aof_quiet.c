/*
 * tests/unit/test_aof_quiet.c — lib/aof_quiet.c: reading INFO
 * persistence, when a rewrite is due, and when intake is quiet.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "aof_quiet.h"

#define MB	(1024LL * 1024)

/* As Redis 7.0 prints it (trimmed of fields not read). */
static const char info7[] =
    "# Persistence\r\n"
    "loading:0\r\n"
    "async_loading:0\r\n"
    "current_cow_peak:0\r\n"
    "rdb_changes_since_last_save:1203\r\n"
    "rdb_bgsave_in_progress:0\r\n"
    "rdb_last_save_time:1795721339\r\n"
    "aof_enabled:1\r\n"
    "aof_rewrite_in_progress:0\r\n"
    "aof_rewrite_scheduled:0\r\n"
    "aof_last_rewrite_time_sec:-1\r\n"
    "aof_current_rewrite_time_sec:-1\r\n"
    "aof_last_bgrewrite_status:ok\r\n"
    "aof_rewrites:0\r\n"
    "aof_current_size:157286400\r\n"
    "aof_base_size:89\r\n"
    "aof_pending_rewrite:0\r\n"
    "aof_buffer_length:0\r\n";

static void
test_info_parse_redis7(void **state)
{
	struct aof_info	 ai;

	(void)state;
	assert_int_equal(aof_info_parse(info7, strlen(info7), &ai), 0);
	assert_true(ai.enabled);
	assert_false(ai.busy);
	assert_int_equal(ai.current, 150 * MB);
	assert_int_equal(ai.base, 89);
	assert_true(aof_rewrite_due(&ai, 100));
}

static void
test_info_parse_busy_and_off(void **state)
{
	static const char *const busy[] = {
		"aof_enabled:1\nrdb_bgsave_in_progress:0\n"
		"aof_rewrite_in_progress:1\naof_rewrite_scheduled:0\n"
		"aof_current_size:1\naof_base_size:1\n",
		"aof_enabled:1\nrdb_bgsave_in_progress:0\n"
		"aof_rewrite_in_progress:0\naof_rewrite_scheduled:1\n"
		"aof_current_size:1\naof_base_size:1\n",
		"aof_enabled:1\nrdb_bgsave_in_progress:1\n"
		"aof_rewrite_in_progress:0\naof_rewrite_scheduled:0\n"
		"aof_current_size:1\naof_base_size:1\n",
		"loading:1\naof_enabled:1\nrdb_bgsave_in_progress:0\n"
		"aof_rewrite_in_progress:0\naof_rewrite_scheduled:0\n"
		"aof_current_size:1\naof_base_size:1\n",
	};
	/* Redis prints no sizes while the AOF is off. */
	static const char off[] = "aof_enabled:0\nrdb_bgsave_in_progress:0\n"
	    "aof_rewrite_in_progress:0\naof_rewrite_scheduled:0\n";
	struct aof_info	 ai;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(busy) / sizeof(busy[0]); i++) {
		assert_int_equal(aof_info_parse(busy[i], strlen(busy[i]),
		    &ai), 0);
		assert_true(ai.busy);
		ai.current = 1000 * MB;
		assert_false(aof_rewrite_due(&ai, 100));
	}
	assert_int_equal(aof_info_parse(off, strlen(off), &ai), 0);
	assert_false(ai.enabled);
	assert_false(ai.busy);
	ai.current = 1000 * MB;
	assert_false(aof_rewrite_due(&ai, 100));
}

static void
test_info_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"# Persistence\r\n",
		/* a needed field missing */
		"aof_enabled:1\nrdb_bgsave_in_progress:0\n"
		"aof_rewrite_in_progress:0\naof_current_size:1\n"
		"aof_base_size:1\n",
		/* sizes missing while on */
		"aof_enabled:1\nrdb_bgsave_in_progress:0\n"
		"aof_rewrite_in_progress:0\naof_rewrite_scheduled:0\n",
		/* not a number, negative, trailing junk, overflow, empty */
		"aof_enabled:yes\nrdb_bgsave_in_progress:0\n"
		"aof_rewrite_in_progress:0\naof_rewrite_scheduled:0\n",
		"aof_enabled:0\nrdb_bgsave_in_progress:-1\n"
		"aof_rewrite_in_progress:0\naof_rewrite_scheduled:0\n",
		"aof_enabled:1\nrdb_bgsave_in_progress:0\n"
		"aof_rewrite_in_progress:0\naof_rewrite_scheduled:0\n"
		"aof_current_size:12x\naof_base_size:1\n",
		"aof_enabled:1\nrdb_bgsave_in_progress:0\n"
		"aof_rewrite_in_progress:0\naof_rewrite_scheduled:0\n"
		"aof_current_size:99999999999999999999\naof_base_size:1\n",
		"aof_enabled:\nrdb_bgsave_in_progress:0\n"
		"aof_rewrite_in_progress:0\naof_rewrite_scheduled:0\n",
	};
	struct aof_info	 ai;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (aof_info_parse(bad[i], strlen(bad[i]), &ai) != -1)
			fail_msg("case %zu parsed: %s", i, bad[i]);
}

static void
test_info_parse_prefix_names_are_other_fields(void **state)
{
	/* aof_enabled_x is not aof_enabled; no trailing newline. */
	static const char text[] = "aof_enabled_x:7\naof_enabled:0\n"
	    "rdb_bgsave_in_progress:0\naof_rewrite_in_progress:0\n"
	    "aof_rewrite_scheduled:0";
	struct aof_info	 ai;

	(void)state;
	assert_int_equal(aof_info_parse(text, strlen(text), &ai), 0);
	assert_false(ai.enabled);
}

static void
test_rewrite_due_growth_and_floor(void **state)
{
	static const struct {
		long long	 current, base;
		int		 pct, want;
	} rows[] = {
		{ 150 * MB, 0, 100, 1 },		/* no base yet */
		{ 64 * MB, 32 * MB, 100, 1 },		/* exactly doubled */
		{ 64 * MB - 1, 0, 100, 0 },		/* under the floor */
		{ 128 * MB, 64 * MB + 1, 100, 0 },	/* just short */
		{ 128 * MB, 64 * MB, 100, 1 },
		{ 100 * MB, 90 * MB, 10, 1 },		/* 11 % */
		{ 100 * MB, 95 * MB, 10, 0 },		/* 5 % */
		{ 500 * MB, 100 * MB, 400, 1 },
		{ 499 * MB, 100 * MB, 400, 0 },
		{ 100 * MB, 100 * MB, 1, 0 },		/* no growth */
		{ 100 * MB, 200 * MB, 1, 0 },		/* shrank */
		{ 1000 * MB, 0, 0, 0 },			/* off */
		{ 1000 * MB, 0, -5, 0 },
		{ INT64_MAX, INT64_MAX / 4, 300, 1 },	/* no overflow */
		{ INT64_MAX, INT64_MAX / 2, 10000, 0 },
	};
	struct aof_info	 ai = { .enabled = 1 };
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		ai.current = rows[i].current;
		ai.base = rows[i].base;
		if (aof_rewrite_due(&ai, rows[i].pct) != rows[i].want)
			fail_msg("row %zu: want %d", i, rows[i].want);
	}
}

static void
test_quiet_after_quiet_for(void **state)
{
	struct aof_quiet q;
	int64_t		 t = 1000000;

	(void)state;
	aof_quiet_init(&q, t, 10000);
	/* Nothing known yet: not quiet, even later. */
	assert_false(aof_quiet_may_ask(&q, t + 20000));
	aof_quiet_note(&q, t, 500, 100, 10000);
	assert_false(aof_quiet_may_ask(&q, t + 9999));
	/* 100 a second is at the rate, not over it. */
	aof_quiet_note(&q, t + 1000, 600, 100, 10000);
	aof_quiet_note(&q, t + 2000, 700, 100, 10000);
	assert_false(aof_quiet_may_ask(&q, t + 9999));
	assert_true(aof_quiet_may_ask(&q, t + 10000));
}

static void
test_quiet_busy_second_restarts_the_wait(void **state)
{
	struct aof_quiet q;
	int64_t		 t = 5000;

	(void)state;
	aof_quiet_init(&q, t, 3000);
	aof_quiet_note(&q, t, 0, 100, 3000);
	/* Samples less than a second apart wait for a whole second. */
	aof_quiet_note(&q, t + 400, 150, 100, 3000);
	aof_quiet_note(&q, t + 999, 150, 100, 3000);
	assert_true(aof_quiet_may_ask(&q, t + 3000));
	/* 150 in the second up to t+1000: busy until t+4000. */
	aof_quiet_note(&q, t + 1000, 150, 100, 3000);
	assert_false(aof_quiet_may_ask(&q, t + 3999));
	assert_true(aof_quiet_may_ask(&q, t + 4000));
	/* Averaged over a longer gap (a stalled loop): 250 in 2.5 s. */
	aof_quiet_note(&q, t + 3500, 400, 100, 3000);
	assert_true(aof_quiet_may_ask(&q, t + 4000));
	/* 251 in 2.5 s is over. */
	aof_quiet_note(&q, t + 6000, 651, 100, 3000);
	assert_false(aof_quiet_may_ask(&q, t + 8999));
	assert_true(aof_quiet_may_ask(&q, t + 9000));
}

static void
test_quiet_rate_zero_means_no_alert_at_all(void **state)
{
	struct aof_quiet q;

	(void)state;
	aof_quiet_init(&q, 0, 1000);
	aof_quiet_note(&q, 0, 7, 0, 1000);
	aof_quiet_note(&q, 1000, 7, 0, 1000);
	assert_true(aof_quiet_may_ask(&q, 1000));
	aof_quiet_note(&q, 2000, 8, 0, 1000);
	assert_false(aof_quiet_may_ask(&q, 2999));
	assert_true(aof_quiet_may_ask(&q, 3000));
}

static void
test_quiet_jumps_start_over(void **state)
{
	struct aof_quiet q;

	(void)state;
	aof_quiet_init(&q, 0, 2000);
	aof_quiet_note(&q, 0, 100, 10, 2000);
	aof_quiet_note(&q, 5000, 100, 10, 2000);
	assert_true(aof_quiet_may_ask(&q, 5000));
	/* The count went back (a new store): nothing known of the gap. */
	aof_quiet_note(&q, 6000, 3, 10, 2000);
	assert_false(aof_quiet_may_ask(&q, 7999));
	assert_true(aof_quiet_may_ask(&q, 8000));
	/* The clock went back. */
	aof_quiet_note(&q, 4000, 3, 10, 2000);
	assert_false(aof_quiet_may_ask(&q, 5999));
	assert_true(aof_quiet_may_ask(&q, 6000));
}

static void
test_asked_holds_a_minute(void **state)
{
	struct aof_quiet q;

	(void)state;
	aof_quiet_init(&q, 0, 1000);
	aof_quiet_note(&q, 0, 0, 10, 1000);
	assert_true(aof_quiet_may_ask(&q, 1000));
	aof_quiet_asked(&q, 1000);
	assert_false(aof_quiet_may_ask(&q, 1000 + AOF_QUIET_HOLD_MS - 1));
	assert_true(aof_quiet_may_ask(&q, 1000 + AOF_QUIET_HOLD_MS));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_info_parse_redis7),
		cmocka_unit_test(test_info_parse_busy_and_off),
		cmocka_unit_test(test_info_parse_rejects),
		cmocka_unit_test(test_info_parse_prefix_names_are_other_fields),
		cmocka_unit_test(test_rewrite_due_growth_and_floor),
		cmocka_unit_test(test_quiet_after_quiet_for),
		cmocka_unit_test(test_quiet_busy_second_restarts_the_wait),
		cmocka_unit_test(test_quiet_rate_zero_means_no_alert_at_all),
		cmocka_unit_test(test_quiet_jumps_start_over),
		cmocka_unit_test(test_asked_holds_a_minute),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
