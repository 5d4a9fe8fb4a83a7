/*
 * lib/ics.h — on-call shifts as an iCalendar feed (RFC 5545), so people
 * can subscribe to their rota in a calendar app. Pure: the instant
 * ("now", for the window and DTSTAMP) is a parameter.
 *
 * What a calendar app needs from us, and what breaks when it is missing:
 * CRLF line endings and lines folded at 75 octets (strict parsers reject
 * the file), TEXT escaped (a comma in a name splits a list), and a UID
 * that stays the same for a shift across fetches (else every refresh
 * duplicates every event).
 */
#ifndef PAGERD_ICS_H
#define PAGERD_ICS_H

#include <stddef.h>
#include <stdint.h>

struct rota;
struct rota_extra;
struct rota_set;
struct strbuf;

/* How far ahead the feeds look. */
#define ICS_DAYS	60

/*
 * Append one content line "name:value" + CRLF to b, folded so that no
 * line exceeds 75 octets (continuations start with a space; a UTF-8
 * sequence is never split). ics_text_line() first escapes value as TEXT
 * (RFC 5545 3.3.11: backslash, semicolon, comma; a newline as \n).
 */
void	ics_line(struct strbuf *b, const char *name, const char *value);
void	ics_text_line(struct strbuf *b, const char *name,
	    const char *value);

/* value escaped as TEXT, appended to b (no folding). */
void	ics_escape(struct strbuf *b, const char *value);

/* "20261225T090000Z". buf: at least 17 bytes. */
void	ics_time(int64_t ms, char *buf, size_t len);

/*
 * A whole VCALENDAR named name (X-WR-CALNAME) with one VEVENT per shift
 * in [now_ms, now_ms + ICS_DAYS days) of every level of the rota id
 * (NULL: every rota) held by the person id person (NULL: anyone; gaps
 * are left out). A shift that began before now_ms keeps its real start,
 * so its UID ("START-LEVEL-ROTA@pagerd") and times do not move between
 * fetches. Appends to b (b->oom tells of out of memory). Returns 0, or
 * -1 when rota or person names nothing in set.
 */
int	ics_feed(struct strbuf *b, const struct rota_set *set,
	    const char *rota, const char *person, const char *name,
	    int64_t now_ms);

/* The same, also applying ex's overrides (lib/rota.h); ex may be NULL. */
int	ics_feed_with(struct strbuf *b, const struct rota_set *set,
	    const struct rota_extra *ex, const char *rota,
	    const char *person, const char *name, int64_t now_ms);

#endif /* PAGERD_ICS_H */
