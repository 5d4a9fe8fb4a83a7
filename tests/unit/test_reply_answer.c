/*
 * tests/unit/test_reply_answer.c — lib/reply_answer.c: the texts sent
 * back to SMS replies (one SMS each), phone normalising and masking,
 * and "who" over a small rota set built here.
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
#include "reply_answer.h"
#include "rota.h"
#include "sms_text.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void
assert_one_gsm_sms(const char *s)
{
	struct sms_info	 info;

	sms_measure(s, strlen(s), &info);
	if (info.encoding != SMS_GSM7 || info.segments != 1)
		fail_msg("not one GSM-7 SMS (%zu units): %s", info.units, s);
}

static void
test_fixed_texts_fit_one_gsm7_sms(void **state)
{
	(void)state;
	assert_one_gsm_sms(REPLY_HELP_TEXT);
	assert_one_gsm_sms(REPLY_STOP_TEXT);
	assert_one_gsm_sms(REPLY_START_TEXT);
	assert_one_gsm_sms(REPLY_FAILED_TEXT);
	/* The help names every command the parser knows. */
	assert_non_null(strstr(REPLY_HELP_TEXT, "3a"));
	assert_non_null(strstr(REPLY_HELP_TEXT, "3r"));
	assert_non_null(strstr(REPLY_HELP_TEXT, "3e"));
	assert_non_null(strstr(REPLY_HELP_TEXT, "aa"));
	assert_non_null(strstr(REPLY_HELP_TEXT, "who"));
	assert_non_null(strstr(REPLY_HELP_TEXT, "STOP"));
}

static void
test_phone_norm_drops_white_space(void **state)
{
	char	 out[32];

	(void)state;
	assert_int_equal(reply_phone_norm("+31612345678", out, sizeof(out)),
	    0);
	assert_string_equal(out, "+31612345678");
	assert_int_equal(reply_phone_norm(" +31 6 1234\t5678\n", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "+31612345678");
	assert_int_equal(reply_phone_norm(" \t", out, sizeof(out)), -1);
	assert_int_equal(reply_phone_norm("", out, sizeof(out)), -1);
	assert_int_equal(reply_phone_norm("+31612345678", out, 12), -1);
	assert_string_equal(out, "");
	assert_int_equal(reply_phone_norm("+31612345678", out, 13), 0);
}

static void
test_phone_mask_keeps_last_four_digits(void **state)
{
	char	 out[REPLY_MASK_SIZE];

	(void)state;
	reply_phone_mask("+31612345678", out, sizeof(out));
	assert_string_equal(out, "********5678");
	reply_phone_mask("123", out, sizeof(out));
	assert_string_equal(out, "123");
	reply_phone_mask("+1\r\n\x1b[2J", out, sizeof(out));
	assert_string_equal(out, "****??2?");
	reply_phone_mask("+1234567890123456789012345", out, sizeof(out));
	assert_string_equal(out, "****************2345");
	reply_phone_mask("+31612345678", out, 4);
	assert_string_equal(out, "***");
}

static const struct act_row {
	const char		*what;
	enum reply_verb		 verb;
	enum reply_result	 res;
	int			 code;
	const char		*title;
	const char		*status;
	int64_t			 for_s;
	const char		*want;
} act_rows[] = {
	{ "ack", REPLY_ACK, REPLY_RES_DONE, 3, "db-primary down",
	  "triggered", 0, "Acknowledged #42 db-primary down" },
	{ "timed ack", REPLY_ACK, REPLY_RES_DONE, 3, "db-primary down",
	  "triggered", 7200, "Acknowledged #42 for 2h: db-primary down" },
	{ "timed ack, minutes", REPLY_ACK, REPLY_RES_DONE, 0, "x",
	  "triggered", 5400, "Acknowledged #42 for 1h30m: x" },
	{ "resolve", REPLY_RESOLVE, REPLY_RES_DONE, 3, "db-primary down",
	  "acknowledged", 0, "Resolved #42 db-primary down" },
	{ "escalate", REPLY_ESCALATE, REPLY_RES_DONE, 3, "db-primary down",
	  "triggered", 0, "Escalated #42 db-primary down" },
	{ "no title", REPLY_ACK, REPLY_RES_DONE, 3, NULL, NULL, 0,
	  "Acknowledged #42" },
	{ "empty title", REPLY_ACK, REPLY_RES_DONE, 3, " \r\n", NULL, 0,
	  "Acknowledged #42" },
	{ "title cleaned", REPLY_ACK, REPLY_RES_DONE, 3,
	  "db\r\n\tprimary\x1b  down\xff", NULL, 0,
	  "Acknowledged #42 db primary down?" },
	{ "ack of a resolved incident", REPLY_ACK, REPLY_RES_ALREADY, 3,
	  "db-primary down", "resolved", 0,
	  "#42 is already resolved: db-primary down" },
	{ "ack of an acked incident", REPLY_ACK, REPLY_RES_ALREADY, 3,
	  NULL, "acknowledged", 0, "#42 is already acknowledged" },
	{ "resolve of a resolved incident", REPLY_RESOLVE, REPLY_RES_ALREADY,
	  3, NULL, NULL, 0, "#42 is already resolved" },
	{ "escalate past the last step", REPLY_ESCALATE, REPLY_RES_ALREADY,
	  3, NULL, "triggered", 0, "#42 has no next step to escalate to" },
	{ "escalate of a resolved one", REPLY_ESCALATE, REPLY_RES_ALREADY,
	  3, NULL, "resolved", 0, "#42 is already resolved" },
	{ "unknown code", REPLY_ACK, REPLY_RES_NOT_FOUND, 7, "ignored",
	  NULL, 0, "No open page 7. Reply help" },
	{ "nothing open", REPLY_RESOLVE, REPLY_RES_NOT_FOUND, 0, NULL, NULL,
	  0, "No open page. Reply help" },
	{ "failed", REPLY_ACK, REPLY_RES_FAILED, 3, "x", NULL, 0,
	  REPLY_FAILED_TEXT },
};

static void
test_act_answers(void **state)
{
	char	 buf[REPLY_ANSWER_SIZE];
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(act_rows); i++) {
		const struct act_row *r = &act_rows[i];

		if (reply_answer_act(buf, sizeof(buf), r->verb, r->res, 42,
		    r->code, r->title, r->status, r->for_s) != 0)
			fail_msg("%s: failed", r->what);
		if (strcmp(buf, r->want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", r->what, buf,
			    r->want);
	}
}

static void
test_act_answer_cuts_long_title_to_one_sms(void **state)
{
	char		 title[400], buf[REPLY_ANSWER_SIZE];
	struct sms_info	 info;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(title) - 1; i++)
		title[i] = i % 7 == 6 ? ' ' : 'a' + (char)(i % 7);
	title[sizeof(title) - 1] = '\0';
	assert_int_equal(reply_answer_act(buf, sizeof(buf), REPLY_ACK,
	    REPLY_RES_DONE, 123456, 3, title, NULL, 0), 0);
	sms_measure(buf, strlen(buf), &info);
	assert_int_equal(info.segments, 1);
	assert_int_equal(strncmp(buf, "Acknowledged #123456 abcdef", 27), 0);
	assert_string_equal(buf + strlen(buf) - 3, "...");
	assert_true(buf[strlen(buf) - 4] != ' ');
	assert_true(info.units > 150);

	/* A UCS-2 title gets 70 units, cut on a character boundary. */
	title[0] = '\0';
	for (i = 0; i < 40; i++)
		strcat(title, "\xd0\x96\xd0\xb4 ");	/* "Жд " */
	assert_int_equal(reply_answer_act(buf, sizeof(buf), REPLY_ACK,
	    REPLY_RES_DONE, 1, 1, title, NULL, 0), 0);
	sms_measure(buf, strlen(buf), &info);
	assert_int_equal(info.encoding, SMS_UCS2);
	assert_int_equal(info.segments, 1);
	assert_true(info.units > 60);
	assert_string_equal(buf + strlen(buf) - 3, "...");
}

static void
test_act_answer_buffer_too_small(void **state)
{
	char	 buf[10];

	(void)state;
	assert_int_equal(reply_answer_act(buf, sizeof(buf), REPLY_ACK,
	    REPLY_RES_DONE, 42, 3, "db", NULL, 0), -1);
	assert_string_equal(buf, "");
	assert_int_equal(reply_answer_act(buf, sizeof(buf), REPLY_WHO,
	    REPLY_RES_DONE, 42, 3, "db", NULL, 0), -1);
}

static void
test_ack_all_answers(void **state)
{
	char		 buf[REPLY_ANSWER_SIZE];
	long long	 ids[60];
	size_t		 i;

	(void)state;
	ids[0] = 41;
	ids[1] = 42;
	assert_int_equal(reply_answer_ack_all(buf, sizeof(buf), ids, 2, 0,
	    0, 0), 0);
	assert_string_equal(buf, "Acknowledged #41, #42");
	assert_int_equal(reply_answer_ack_all(buf, sizeof(buf), ids, 2, 0,
	    0, 3600), 0);
	assert_string_equal(buf, "Acknowledged #41, #42 for 1h");
	assert_int_equal(reply_answer_ack_all(buf, sizeof(buf), ids, 1, 2,
	    1, 0), 0);
	assert_string_equal(buf, "Acknowledged #41; 1 failed, try again");
	assert_int_equal(reply_answer_ack_all(buf, sizeof(buf), NULL, 0, 0,
	    0, 0), 0);
	assert_string_equal(buf, "No open pages");
	assert_int_equal(reply_answer_ack_all(buf, sizeof(buf), NULL, 0, 1,
	    0, 0), 0);
	assert_string_equal(buf, "Your 1 open page was already acknowledged");
	assert_int_equal(reply_answer_ack_all(buf, sizeof(buf), NULL, 0, 0,
	    2, 0), 0);
	assert_string_equal(buf, "2 failed, try again");
	assert_int_equal(reply_answer_ack_all(buf, sizeof(buf), NULL, 0, 3,
	    1, 0), 0);
	assert_string_equal(buf, "Your 3 open pages were already "
	    "acknowledged; 1 failed, try again");

	for (i = 0; i < NELEM(ids); i++)
		ids[i] = 100000 + (long long)i;
	assert_int_equal(reply_answer_ack_all(buf, sizeof(buf), ids,
	    NELEM(ids), 0, 0, 0), 0);
	assert_string_equal(buf, "Acknowledged 60 pages");
	assert_int_equal(reply_answer_ack_all(buf, 5, ids, 2, 0, 0, 0), -1);
	assert_string_equal(buf, "");
}

/* ------------------------------------------------------------- who */

#define PERSON(i, p)	{ .id = (i), .name = (i), .phone = (p) }
static struct rota_person_spec people[] = {
	PERSON("anna", "+31600000001"),
	PERSON("lotte", "+31600000002"),
	PERSON("piet", "+31600000003"),
	PERSON("sam", "+31600000004"),
};

/* Weekly shifts from Monday 2026-01-05 09:00 UTC. */
#define WEEKLY(...)	.shift = "1w", .handoff = "mon 09:00",		\
			.anchor = "2026-01-05", .members = __VA_ARGS__
static struct rota_layer_spec db_primary[] = {
	{ .name = "weekly", WEEKLY((char *[]){ "anna", "piet" }),
	  .n_members = 2 },
};
static struct rota_layer_spec db_secondary[] = {
	{ .name = "weekly", WEEKLY((char *[]){ "lotte" }), .n_members = 1 },
};
static struct rota_layer_spec web_only[] = {
	{ .name = "office", WEEKLY((char *[]){ "piet" }), .n_members = 1,
	  .restrictions = (char *[]){ "mon-fri 09:00-17:00" },
	  .n_restrictions = 1 },
};
static struct rota_level_spec db_levels[] = {
	{ .name = "primary", .layers = db_primary,
	  .n_layers = NELEM(db_primary) },
	{ .name = "secondary", .layers = db_secondary,
	  .n_layers = NELEM(db_secondary) },
};
static struct rota_level_spec web_levels[] = {
	{ .name = "primary", .layers = web_only, .n_layers = NELEM(web_only) },
};
static struct rota_override_spec web_overrides[] = {
	{ .person = "sam", .level = 1, .from = "2026-02-01 00:00",
	  .until = "2026-02-02 00:00" },
};
static struct rota_spec rotas[] = {
	{ .id = "db", .time_zone = "UTC", .levels = db_levels,
	  .n_levels = NELEM(db_levels) },
	{ .id = "web", .time_zone = "UTC", .levels = web_levels,
	  .n_levels = NELEM(web_levels), .overrides = web_overrides,
	  .n_overrides = NELEM(web_overrides) },
};
static struct rota_set_spec spec = { .people = people,
    .n_people = NELEM(people), .rotas = rotas, .n_rotas = NELEM(rotas) };

/* 2026-01-06 (Tuesday) 12:00 UTC: anna's first week; web in hours. */
#define TUE_NOON	1767700800000LL
/* 2026-01-10 (Saturday) 12:00 UTC: web has nobody. */
#define SAT_NOON	1768046400000LL
/* 2026-01-13 (Tuesday) 12:00 UTC: piet's week on db. */
#define NEXT_TUE	1768305600000LL

static int
setup_set(void **state)
{
	struct perr_list	 errs = { 0 };
	struct rota_set		*set;

	if ((set = rota_set_build(&spec, NULL, &errs)) == NULL) {
		fprintf(stderr, "%s: %s\n", errs.n ? errs.v[0].key : "",
		    errs.n ? errs.v[0].msg : "out of memory");
		return -1;
	}
	*state = set;
	return 0;
}

static int
teardown_set(void **state)
{
	rota_set_free(*state);
	return 0;
}

static void
test_rota_membership(void **state)
{
	(void)state;
	assert_true(reply_rota_has(&rotas[0], "anna"));
	assert_true(reply_rota_has(&rotas[0], "lotte"));
	assert_false(reply_rota_has(&rotas[0], "sam"));
	assert_true(reply_rota_has(&rotas[1], "piet"));
	assert_true(reply_rota_has(&rotas[1], "sam"));	/* by override */
	assert_false(reply_rota_has(&rotas[1], "anna"));
	assert_false(reply_rota_has(&rotas[0], "an"));
}

static void
test_who_lists_the_persons_rotas(void **state)
{
	struct rota_set	*set = *state;
	char		 buf[REPLY_ANSWER_SIZE];

	assert_int_equal(reply_answer_who(buf, sizeof(buf), &spec, set, NULL,
	    "anna", TUE_NOON), 0);
	assert_string_equal(buf, "db: primary anna, secondary lotte");
	assert_int_equal(reply_answer_who(buf, sizeof(buf), &spec, set, NULL,
	    "piet", TUE_NOON), 0);
	assert_string_equal(buf, "db: primary anna, secondary lotte\n"
	    "web: primary piet");
	assert_int_equal(reply_answer_who(buf, sizeof(buf), &spec, set, NULL,
	    "piet", SAT_NOON), 0);
	assert_string_equal(buf, "db: primary anna, secondary lotte\n"
	    "web: primary nobody");
	assert_int_equal(reply_answer_who(buf, sizeof(buf), &spec, set, NULL,
	    "anna", NEXT_TUE), 0);
	assert_string_equal(buf, "db: primary piet, secondary lotte");
	assert_int_equal(reply_answer_who(buf, sizeof(buf), &spec, set, NULL,
	    "nobody", TUE_NOON), 0);
	assert_string_equal(buf, "You are on no rota.");
}

static void
test_who_leaves_off_what_does_not_fit(void **state)
{
	struct rota_set	*set = *state;
	char		 buf[60];

	assert_int_equal(reply_answer_who(buf, sizeof(buf), &spec, set, NULL,
	    "piet", TUE_NOON), 0);
	assert_string_equal(buf, "db: primary anna, secondary lotte\n"
	    "(+1 more rota)");
	assert_int_equal(reply_answer_who(buf, 10, &spec, set, NULL, "piet",
	    TUE_NOON), -1);
	assert_string_equal(buf, "");
}

/* A run-time override (as from the API): sam has db's primary level. */
static struct rota_override api_ovr;

static const struct rota_override *
api_get(void *arg, const char *rota_id, size_t *n)
{
	(void)arg;
	*n = strcmp(rota_id, "db") == 0 ? 1 : 0;
	return *n ? &api_ovr : NULL;
}

static void
test_who_applies_runtime_overrides(void **state)
{
	struct rota_set		*set = *state;
	struct rota_extra	 ex = { api_get, NULL };
	char			 buf[REPLY_ANSWER_SIZE];

	api_ovr.person = rota_set_person_index(set, "sam");
	api_ovr.covers = -1;
	api_ovr.level = 1;
	api_ovr.from_ms = TUE_NOON - 3600000;
	api_ovr.until_ms = TUE_NOON + 3600000;
	assert_int_equal(reply_answer_who(buf, sizeof(buf), &spec, set, &ex,
	    "anna", TUE_NOON), 0);
	assert_string_equal(buf, "db: primary sam, secondary lotte");
	/* sam is on db while the override lasts (and on web by config). */
	assert_int_equal(reply_answer_who(buf, sizeof(buf), &spec, set, &ex,
	    "sam", TUE_NOON), 0);
	assert_string_equal(buf, "db: primary sam, secondary lotte\n"
	    "web: primary piet");
	/* Over: the rotation again. */
	assert_int_equal(reply_answer_who(buf, sizeof(buf), &spec, set, &ex,
	    "anna", TUE_NOON + 7200000), 0);
	assert_string_equal(buf, "db: primary anna, secondary lotte");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_texts_fit_one_gsm7_sms),
		cmocka_unit_test(test_phone_norm_drops_white_space),
		cmocka_unit_test(test_phone_mask_keeps_last_four_digits),
		cmocka_unit_test(test_act_answers),
		cmocka_unit_test(test_act_answer_cuts_long_title_to_one_sms),
		cmocka_unit_test(test_act_answer_buffer_too_small),
		cmocka_unit_test(test_ack_all_answers),
		cmocka_unit_test(test_rota_membership),
		cmocka_unit_test_setup_teardown(
		    test_who_lists_the_persons_rotas, setup_set, teardown_set),
		cmocka_unit_test_setup_teardown(
		    test_who_leaves_off_what_does_not_fit, setup_set,
		    teardown_set),
		cmocka_unit_test_setup_teardown(
		    test_who_applies_runtime_overrides, setup_set,
		    teardown_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
