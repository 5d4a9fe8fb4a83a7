/*
 * lib/reply_answer.h — what pagerd texts back to an on-call engineer's
 * SMS reply ("Acknowledged #42 db-primary down"), and the small checks
 * around it: phone numbers compared and masked for logs, the rotas a
 * person belongs to, who is on call on them. Pure: no I/O, no clock
 * (the instant is a parameter); the daemon looks things up and acts.
 */
#ifndef PAGERD_REPLY_ANSWER_H
#define PAGERD_REPLY_ANSWER_H

#include <stddef.h>
#include <stdint.h>

#include "reply.h"

struct rota_extra;
struct rota_set;
struct rota_set_spec;
struct rota_spec;

/*
 * The answer to anything not understood. One GSM-7 SMS (<= 160
 * septets): the unit test holds it to that.
 */
#define REPLY_HELP_TEXT							\
	"Reply 3a ack page 3, 3r resolve, 3e escalate, 3a 2h ack for 2h, "\
	"a ack latest, aa ack all, who on call, STOP no more SMS"
#define REPLY_STOP_TEXT							\
	"You will get no more SMS from pagerd. Your rota owners are told. "\
	"Reply START to get them again."
#define REPLY_START_TEXT						\
	"SMS from pagerd are on again. Reply STOP to end them."
#define REPLY_FAILED_TEXT						\
	"Sorry, that did not go through. Please try again in a minute."

/* An answer buffer that holds any answer built here. */
#define REPLY_ANSWER_SIZE	512

/*
 * NAME
 *	reply_phone_norm — a phone number with its white space removed
 * DESCRIPTION
 *	Providers send E.164 ("+31612345678"); people write config files.
 *	Both are compared after dropping ASCII white space.
 * RETURNS
 *	0 with the NUL-terminated result in out; -1 when nothing is left
 *	or it does not fit in size (out is then "").
 */
int	reply_phone_norm(const char *in, char *out, size_t size);

/*
 * NAME
 *	reply_phone_mask — "*******5678" for a log line
 * DESCRIPTION
 *	Every character but the last four becomes '*' (at most 16 of
 *	them); of the last four, anything but a digit or '+' becomes '?',
 *	so hostile input cannot put control characters in the log.
 *	Always NUL-terminates when size > 0; REPLY_MASK_SIZE suffices.
 */
#define REPLY_MASK_SIZE		24
void	reply_phone_mask(const char *in, char *out, size_t size);

/* What the escalation engine said about one action. */
enum reply_result {
	REPLY_RES_DONE = 0,
	REPLY_RES_ALREADY,	/* already acknowledged / resolved */
	REPLY_RES_NOT_FOUND,	/* no open page with that code */
	REPLY_RES_FAILED	/* Redis trouble: try again */
};

/*
 * NAME
 *	reply_answer_act — the answer to ack, resolve or escalate
 * ARGUMENTS
 *	verb: REPLY_ACK, REPLY_RESOLVE or REPLY_ESCALATE. id: the incident
 *	(ignored for NOT_FOUND). code: the code the person typed, 0 for
 *	"the latest". title: the incident's title, or NULL; any bytes.
 *	status: the incident's status as stored ("triggered",
 *	"acknowledged", "resolved"), or NULL; words an ALREADY answer.
 *	ack_for_s: a timed ack's length, 0 for none.
 * DESCRIPTION
 *	"Acknowledged #42 db-primary down", "Acknowledged #42 for 2h:
 *	db-primary down", "Resolved #42 ...", "Escalated #42 ...",
 *	"#42 is already resolved", "No open page 7. Reply help". The
 *	title is cleaned (control characters dropped, white space runs
 *	made one space) and cut with "..." so the answer is one SMS.
 * RETURNS
 *	0 with the answer in buf; -1 when size is too small (buf is then
 *	""). REPLY_ANSWER_SIZE always suffices.
 */
int	reply_answer_act(char *buf, size_t size, enum reply_verb verb,
	    enum reply_result res, long long id, int code,
	    const char *title, const char *status, int64_t ack_for_s);

/*
 * NAME
 *	reply_answer_ack_all — the answer to "aa"
 * ARGUMENTS
 *	done[0..ndone): incidents acknowledged now; nalready: open ones
 *	that were acknowledged before; nfailed: ones that failed.
 * DESCRIPTION
 *	"Acknowledged #41, #42", "Acknowledged 23 pages" when the list
 *	does not fit one SMS, "No open pages", "Your 2 open pages were
 *	already acknowledged" (only when none was acknowledged now), and
 *	"; 1 failed, try again" as it applies.
 * RETURNS
 *	0, or -1 when size is too small (buf ""); REPLY_ANSWER_SIZE is
 *	enough.
 */
int	reply_answer_ack_all(char *buf, size_t size, const long long *done,
	    size_t ndone, size_t nalready, size_t nfailed, int64_t ack_for_s);

/*
 * NAME
 *	reply_rota_has — is person in rota r's schedule?
 * DESCRIPTION
 *	A member of any layer of any level, or named by one of its
 *	overrides (as the one who covers or is covered).
 * RETURNS
 *	1 or 0.
 */
int	reply_rota_has(const struct rota_spec *r, const char *person);

/*
 * NAME
 *	reply_answer_who — who is on call on the rotas of person
 * ARGUMENTS
 *	spec, set: the configuration as written and as built (the same
 *	config). ex: overrides made at run time (NULL: none); they decide
 *	who is on call and also make their person one of the rota's.
 *	now_ms: the instant asked about.
 * DESCRIPTION
 *	One line per rota the person belongs to, each level by name:
 *	"db: primary anna, secondary lotte" ("nobody" in a gap). When
 *	the lines do not fit the buffer, whole lines are left off and
 *	"(+2 more rotas)" ends the text. "You are on no rota." when
 *	there is none.
 * RETURNS
 *	0, or -1 when size is too small for even the shortest answer.
 *	REPLY_ANSWER_SIZE is the size the daemon uses (three SMS parts).
 */
int	reply_answer_who(char *buf, size_t size,
	    const struct rota_set_spec *spec, const struct rota_set *set,
	    const struct rota_extra *ex, const char *person, int64_t now_ms);

#endif /* PAGERD_REPLY_ANSWER_H */
