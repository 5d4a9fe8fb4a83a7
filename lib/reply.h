/*
 * lib/reply.h — parse an on-call engineer's SMS reply into an action.
 * Pure: no I/O, no clock; the caller maps codes to incidents, checks
 * the sender and applies the action.
 */
#ifndef PAGERD_REPLY_H
#define PAGERD_REPLY_H

#include <stddef.h>
#include <stdint.h>

enum reply_verb { REPLY_HELP, REPLY_ACK, REPLY_RESOLVE, REPLY_ESCALATE,
    REPLY_ACK_ALL, REPLY_WHO, REPLY_STOP, REPLY_START };

/* Reply codes are 1..REPLY_CODE_MAX; a timed ack lasts at most
 * REPLY_ACK_MAX_S (a week: longer is a silence, not an ack). */
#define REPLY_CODE_MAX		999999
#define REPLY_ACK_MAX_S		(7 * 86400)

struct reply {
	enum reply_verb	 verb;
	int		 code;		/* per-recipient page code;
					 * 0 = latest */
	int64_t		 ack_for_s;	/* timed ack ("3 ack 2h");
					 * 0 = until resolved */
};

/*
 * NAME
 *	reply_parse — what does "3a", "3 ack 2h", "aa", "STOP" ask for?
 * DESCRIPTION
 *	Accepts, case-insensitive, with any spaces and punctuation between
 *	and around the words (a leading '#', "3-a", "3a!"), and ignoring
 *	politeness ("thanks", "pls", "ok", "got it"):
 *
 *	  3a  3 ack  ack 3	REPLY_ACK, code 3 (a, ack, acked,
 *				acknowledge[d])
 *	  a  ack		REPLY_ACK, code 0: the latest page
 *	  3 ack 2h  3a 90m  a for 1h30m
 *				timed ack; units m/min/minute(s),
 *				h/hr(s)/hour(s), d/day(s); summed
 *	  3r  3 resolve		REPLY_RESOLVE (r, res, resolve[d])
 *	  3e  3 escalate	REPLY_ESCALATE (e, esc, escalate)
 *	  aa  ack all		REPLY_ACK_ALL (a timed "aa 1h" too)
 *	  who  who's on call	REPLY_WHO
 *	  help  info		REPLY_HELP, returns 0
 *	  STOP STOPALL UNSUBSCRIBE CANCEL END QUIT
 *				REPLY_STOP
 *	  START YES UNSTOP	REPLY_START
 *
 *	The opt-out and opt-in keywords are the ones Twilio acts on by
 *	itself. Like Twilio, they count only as the whole message (give or
 *	take punctuation and politeness): "3 stop" or "cancel the page" is
 *	not an opt-out, because stopping every SMS to an on-call engineer
 *	by accident is worse than answering with help.
 * RETURNS
 *	0 with *out filled; or -1 when nothing is understood (including a
 *	code of 0 or above REPLY_CODE_MAX, a timed resolve, a code with
 *	"ack all", a zero or too long timed ack, and anything left over):
 *	out->verb is then REPLY_HELP so the caller can answer with help
 *	text. body is len bytes, need not be NUL-terminated, may hold any
 *	bytes. Allocates nothing; body may be freed as soon as it returns.
 */
int	reply_parse(const char *body, size_t len, struct reply *out);

/* "help", "ack", "resolve", "escalate", "ack_all", "who", "stop",
 * "start": for logs and the incident timeline. Static storage. */
const char	*reply_verb_name(enum reply_verb);

#endif /* PAGERD_REPLY_H */
