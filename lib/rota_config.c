/*
 * lib/rota_config.c — people, holiday calendars and rotas as rows of the
 * config key tables (nginx style, see lib/config_schema.c): the walker
 * checks each value's type and syntax with the exact FILE:LINE, and
 * lib/rota.c then compiles what it stored. Nothing here is evaluated.
 */
#include "autoconf.h"

#include <stddef.h>

#include "config.h"
#include "esc_plan.h"
#include "holiday.h"
#include "rota.h"
#include "rota_config.h"
#include "tz.h"

#define NKEYS(a)	(sizeof(a) / sizeof((a)[0]))
#define PERSON(f)	offsetof(struct rota_person_spec, f)
#define CAL(f)		offsetof(struct holiday_cal_spec, f)
#define DAYS(f)		offsetof(struct holiday_day_spec, f)
#define ROTA(f)		offsetof(struct rota_spec, f)
#define LEVEL(f)	offsetof(struct rota_level_spec, f)
#define LAYER(f)	offsetof(struct rota_layer_spec, f)
#define OVR(f)		offsetof(struct rota_override_spec, f)

static const char *
check_zone(const char *s)
{
	return tz_name_check(s);
}

static const struct cchoice holiday_policies[] = {
	{ "layer", 0 }, { "weekend", 0 }, { "ignore", 0 }, { NULL, 0 }
};

/* ------------------------------------------------------------ people */

/* One contact rule: a person's, or one of contact_defaults. */
static const struct ckey contact_keys[] = {
	{ .name = "notifier", .type = CK_STRING,
	  .off = offsetof(struct esc_contact, notifier), .min = "1",
	  .max = "64", .flags = CK_REQUIRED,
	  .doc = "The instance (a name in `notifiers`) to page through." },
	{ .name = "after", .type = CK_DURATION,
	  .off = offsetof(struct esc_contact, after_ms), .def = "0s",
	  .min = "0s", .max = "24h",
	  .doc = "How long after the page this rule fires, if the incident "
	    "is still unacknowledged (`\"0m\"`: with the page)." },
};

const struct csection esc_contact_section = { contact_keys,
    NKEYS(contact_keys), sizeof(struct esc_contact) };

static const struct ckey person_keys[] = {
	{ .name = "id", .type = CK_STRING, .off = PERSON(id),
	  .check = rota_check_id, .flags = CK_MAP_NAME,
	  .doc = "The person's id is the group's name: `anna: { ... };`." },
	{ .name = "name", .type = CK_STRING, .off = PERSON(name), .min = "1",
	  .doc = "Full name, for people reading schedules; default the id." },
	{ .name = "phone", .type = CK_STRING, .off = PERSON(phone),
	  .check = rota_check_phone, .flags = CK_REQUIRED,
	  .doc = "Mobile number in E.164 form, `\"+31612345678\"`: "
	    "pages go there, and SMS replies are matched against it." },
	{ .name = "email", .type = CK_STRING, .off = PERSON(email),
	  .check = rota_check_email,
	  .doc = "Address for e-mail notifications." },
	{ .name = "time_zone", .type = CK_STRING, .off = PERSON(time_zone),
	  .check = check_zone,
	  .doc = "IANA zone the person lives in, for showing their shifts "
	    "in their own time (`\"America/New_York\"`)." },
	{ .name = "contact", .type = CK_LIST, .off = PERSON(contact),
	  .off_n = PERSON(n_contact), .max = "16",
	  .sub = &esc_contact_section,
	  .doc = "How a page reaches them, rule by rule: `( { notifier = "
	    "\"sms\"; after = \"0m\"; }, { notifier = \"email\"; }, "
	    "{ notifier = \"sms\"; after = \"5m\"; } )`. Later rules fire "
	    "only while the incident is unacknowledged; a rule that fails "
	    "for good brings the next one forward. None: "
	    "`contact_defaults`." },
};

const struct csection rota_people_section = { person_keys,
    NKEYS(person_keys), sizeof(struct rota_person_spec) };

/* ------------------------------------------------------------ holidays */

static const struct ckey holiday_day_keys[] = {
	{ .name = "name", .type = CK_STRING, .off = DAYS(name), .min = "1",
	  .flags = CK_REQUIRED,
	  .doc = "Shown in schedules and answers (`\"Koningsdag\"`)." },
	{ .name = "rule", .type = CK_STRING, .off = DAYS(rule),
	  .check = holiday_rule_check, .flags = CK_REQUIRED,
	  .doc = "`MM-DD`, `YYYY-MM-DD`, `YYYY-MM-DD..YYYY-MM-DD`, "
	    "`MM-DD..MM-DD`, `\"last monday of may\"`, "
	    "`\"4th thursday of november\"`, `easter`, `easter+39`." },
	{ .name = "observed", .type = CK_STRING, .off = DAYS(observed),
	  .check = holiday_observed_check,
	  .doc = "Move a holiday that falls on these weekdays to the nearest "
	    "named day: `\"sat->fri, sun->mon\"` (US federal), "
	    "`\"sun->sat\"` (Koningsdag)." },
	{ .name = "since", .type = CK_INT, .off = DAYS(since),
	  .min = "1900", .max = "9999",
	  .doc = "First year the rule holds." },
	{ .name = "until", .type = CK_INT, .off = DAYS(until),
	  .min = "1900", .max = "9999",
	  .doc = "Last year the rule holds." },
	{ .name = "every", .type = CK_INT, .off = DAYS(every),
	  .min = "2", .max = "100",
	  .doc = "Only every Nth year counted from `since` (a lustrum "
	    "holiday: `since = 2025; every = 5;`)." },
};

static const struct csection holiday_day_section = { holiday_day_keys,
    NKEYS(holiday_day_keys), sizeof(struct holiday_day_spec) };

static const struct ckey calendar_keys[] = {
	{ .name = "id", .type = CK_STRING, .off = CAL(id),
	  .check = rota_check_id, .flags = CK_MAP_NAME,
	  .doc = "The calendar's id is the group's name: `nl: { ... };`." },
	{ .name = "name", .type = CK_STRING, .off = CAL(name), .min = "1",
	  .doc = "What the calendar is (`\"Netherlands\"`)." },
	{ .name = "days", .type = CK_LIST, .off = CAL(days),
	  .off_n = CAL(n_days), .sub = &holiday_day_section,
	  .doc = "The holidays: `( { name = \"Christmas Day\"; "
	    "rule = \"12-25\"; observed = \"sat->fri, sun->mon\"; } )`." },
};

const struct csection rota_holidays_section = { calendar_keys,
    NKEYS(calendar_keys), sizeof(struct holiday_cal_spec) };

/* ------------------------------------------------------------ rotas */

static const struct ckey layer_keys[] = {
	{ .name = "name", .type = CK_STRING, .off = LAYER(name), .min = "1",
	  .doc = "Shown in answers (`\"weeknights\"`); default "
	    "`layer N`." },
	{ .name = "members", .type = CK_STRINGS, .off = LAYER(members),
	  .off_n = LAYER(n_members), .min = "1", .check = rota_check_id,
	  .flags = CK_REQUIRED,
	  .doc = "Person ids in turn order; the first takes the first "
	    "shift from `anchor` on." },
	{ .name = "shift", .type = CK_STRING, .off = LAYER(shift),
	  .check = rota_check_shift, .flags = CK_REQUIRED,
	  .doc = "Length of a turn on the wall clock: `\"12h\"`, `\"1d\"`, "
	    "`\"3d\"`, `\"1w\"`, `\"2w\"`." },
	{ .name = "handoff", .type = CK_STRING, .off = LAYER(handoff),
	  .check = rota_check_handoff, .flags = CK_REQUIRED,
	  .doc = "Wall-clock time of the handoff, `\"09:00\"`; with a "
	    "weekday for shifts of whole weeks, `\"mon 09:00\"`." },
	{ .name = "anchor", .type = CK_STRING, .off = LAYER(anchor),
	  .check = rota_check_date, .flags = CK_REQUIRED,
	  .doc = "A date a shift starts on (at `handoff`), fixing whose turn "
	    "is whose: `\"2026-01-05\"`." },
	{ .name = "restrictions", .type = CK_STRINGS,
	  .off = LAYER(restrictions), .off_n = LAYER(n_restrictions),
	  .check = rota_check_restriction,
	  .doc = "When the layer is on: `\"mon-fri 09:00-18:00\"`, "
	    "`\"mon-thu 18:00-09:00\"`, `\"fri 18:00 - mon 09:00\"`, "
	    "`\"sat,sun\"`, `\"holidays\"`; absent: always." },
};

static const struct csection layer_section = { layer_keys,
    NKEYS(layer_keys), sizeof(struct rota_layer_spec) };

static const struct ckey level_keys[] = {
	{ .name = "name", .type = CK_STRING, .off = LEVEL(name), .min = "1",
	  .doc = "`\"primary\"`, `\"secondary\"`; default `level N`." },
	{ .name = "layers", .type = CK_LIST, .off = LEVEL(layers),
	  .off_n = LEVEL(n_layers), .sub = &layer_section,
	  .doc = "Where several layers cover a time, the last one listed "
	    "decides." },
};

static const struct csection level_section = { level_keys,
    NKEYS(level_keys), sizeof(struct rota_level_spec) };

static const struct ckey override_keys[] = {
	{ .name = "person", .type = CK_STRING, .off = OVR(person),
	  .check = rota_check_id, .flags = CK_REQUIRED,
	  .doc = "Who is on call instead." },
	{ .name = "covers", .type = CK_STRING, .off = OVR(covers),
	  .check = rota_check_id,
	  .doc = "Whose shifts `person` takes (on every level, or on "
	    "`level`); absent: `person` takes the whole `level`." },
	{ .name = "level", .type = CK_INT, .off = OVR(level),
	  .min = "1", .max = "16",
	  .doc = "The level (1 = the first) it applies to." },
	{ .name = "from", .type = CK_STRING, .off = OVR(from),
	  .check = rota_check_when, .flags = CK_REQUIRED,
	  .doc = "Start, `\"2026-12-24 18:00\"` on the rota's wall clock "
	    "or RFC 3339." },
	{ .name = "until", .type = CK_STRING, .off = OVR(until),
	  .check = rota_check_when, .flags = CK_REQUIRED,
	  .doc = "End (excluded); past it the override does nothing." },
	{ .name = "note", .type = CK_STRING, .off = OVR(note),
	  .doc = "Why, for people reading the schedule." },
};

static const struct csection override_section = { override_keys,
    NKEYS(override_keys), sizeof(struct rota_override_spec) };

static const struct ckey rota_keys[] = {
	{ .name = "id", .type = CK_STRING, .off = ROTA(id),
	  .check = rota_check_id, .flags = CK_MAP_NAME,
	  .doc = "The rota's id is the group's name: `db: { ... };`." },
	{ .name = "time_zone", .type = CK_STRING, .off = ROTA(time_zone),
	  .check = check_zone, .flags = CK_REQUIRED,
	  .doc = "IANA zone of the rota's wall clock: handoffs, "
	    "restrictions, holidays and override times." },
	{ .name = "holidays", .type = CK_STRING, .off = ROTA(holidays),
	  .check = rota_check_id,
	  .doc = "Id of the holiday calendar (`\"nl\"`); absent: none." },
	{ .name = "holiday_policy", .type = CK_STRING,
	  .off = ROTA(holiday_policy), .def = "layer",
	  .choices = holiday_policies,
	  .doc = "`layer`: layers restricted to `\"holidays\"` cover them; "
	    "`weekend`: also a weekday holiday is restricted as a "
	    "Saturday; `ignore`: the calendar is not used." },
	{ .name = "owner", .type = CK_STRING, .off = ROTA(owner),
	  .check = rota_check_id,
	  .doc = "The person (an id in `people`) told when a member of the "
	    "rota opts out of SMS (`STOP`) or back in (`START`); absent: "
	    "nobody is told." },
	{ .name = "levels", .type = CK_LIST, .off = ROTA(levels),
	  .off_n = ROTA(n_levels), .sub = &level_section,
	  .doc = "Escalation levels, first to last, each made of layers." },
	{ .name = "overrides", .type = CK_LIST, .off = ROTA(overrides),
	  .off_n = ROTA(n_overrides), .sub = &override_section,
	  .doc = "Someone covers for a person or a level for a while." },
};

const struct csection rota_rotas_section = { rota_keys, NKEYS(rota_keys),
    sizeof(struct rota_spec) };
