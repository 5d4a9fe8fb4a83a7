/*
 * lib/ics.c — iCalendar feeds of on-call shifts (see ics.h).
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "ics.h"
#include "rota.h"
#include "strbuf.h"

#define ICS_FOLD	75	/* octets per line, CRLF not counted */

void
ics_escape(struct strbuf *b, const char *v)
{
	for (; *v != '\0'; v++) {
		switch (*v) {
		case '\\':
		case ';':
		case ',':
			strbuf_char(b, '\\');
			strbuf_char(b, *v);
			break;
		case '\n':
			strbuf_str(b, "\\n");
			break;
		case '\r':	/* a CRLF in the input becomes one \n */
			break;
		default:
			/* Other controls are not allowed in TEXT. */
			if ((unsigned char)*v >= 0x20 && *v != 0x7f)
				strbuf_char(b, *v);
		}
	}
}

/* Fold the logical line s (n octets) into b, CRLF included. */
static void
fold(struct strbuf *b, const char *s, size_t n)
{
	size_t	 i = 0, room = ICS_FOLD, take;

	while (n - i > room) {
		take = room;
		/* Back off to the start of a UTF-8 sequence. */
		while (take > 1 && ((unsigned char)s[i + take] & 0xc0) == 0x80)
			take--;
		strbuf_add(b, s + i, take);
		strbuf_str(b, "\r\n ");
		i += take;
		room = ICS_FOLD - 1;	/* the leading space counts */
	}
	strbuf_add(b, s + i, n - i);
	strbuf_str(b, "\r\n");
}

static void
line(struct strbuf *b, const char *name, const char *value, int text)
{
	struct strbuf	 l = STRBUF_INIT;

	strbuf_str(&l, name);
	strbuf_char(&l, ':');
	if (text)
		ics_escape(&l, value);
	else
		strbuf_str(&l, value);
	if (l.oom)
		b->oom = 1;
	else
		fold(b, l.s, l.len);
	free(l.s);
}

void
ics_line(struct strbuf *b, const char *name, const char *value)
{
	line(b, name, value, 0);
}

void
ics_text_line(struct strbuf *b, const char *name, const char *value)
{
	line(b, name, value, 1);
}

void
ics_time(int64_t ms, char *buf, size_t len)
{
	int64_t	 days = civil_fdiv(ms, 86400000), y;
	int64_t	 sec = civil_fmod(ms, 86400000) / 1000;
	int	 m, d;

	civil_from_days(days, &y, &m, &d);
	snprintf(buf, len, "%04lld%02d%02dT%02d%02d%02dZ", (long long)y, m,
	    d, (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
}

static void
event(struct strbuf *b, const struct rota *r, int level,
    const struct rota_span *sp, int64_t start, const char *stamp)
{
	const struct rota_answer *a = &sp->answer;
	const char	*lname = rota_level_name(r, level);
	char		 buf[512], t[32];

	ics_line(b, "BEGIN", "VEVENT");
	snprintf(buf, sizeof(buf), "%lld-%d-%s@pagerd", (long long)start,
	    level, rota_id(r));
	ics_text_line(b, "UID", buf);
	ics_line(b, "DTSTAMP", stamp);
	ics_time(start, t, sizeof(t));
	ics_line(b, "DTSTART", t);
	ics_time(sp->end_ms, t, sizeof(t));
	ics_line(b, "DTEND", t);
	snprintf(buf, sizeof(buf), "On call: %s (rota %s level %d)",
	    a->who->name ? a->who->name : a->who->id, rota_id(r), level);
	ics_text_line(b, "SUMMARY", buf);
	snprintf(buf, sizeof(buf), "Level %d%s%s%s, %s%s%s%s%s", level,
	    lname ? " (" : "", lname ? lname : "", lname ? ")" : "",
	    a->reason == ROTA_OVERRIDE ? "override" :
	    a->reason == ROTA_HOLIDAY ? "holiday" : "rotation",
	    a->layer_name ? ", layer " : "",
	    a->layer_name ? a->layer_name : "",
	    a->override && a->override->note ? ": " : "",
	    a->override && a->override->note ? a->override->note : "");
	ics_text_line(b, "DESCRIPTION", buf);
	ics_line(b, "TRANSP", "TRANSPARENT");
	ics_line(b, "END", "VEVENT");
}

static void
rota_events(struct strbuf *b, const struct rota *r,
    const struct rota_extra *ex, const char *person, int64_t now_ms,
    const char *stamp)
{
	const struct rota_override *xv;
	struct rota_iter	 it;
	struct rota_span	 sp;
	int64_t			 start, to;
	size_t			 xn;
	int			 level, first;

	xv = rota_extra_of(ex, r, &xn);
	to = now_ms + ICS_DAYS * 86400000LL;
	for (level = 1; level <= rota_levels(r); level++) {
		rota_iter_init(&it, r, xv, xn, level, now_ms, to);
		for (first = 1; rota_iter_next(&it, &sp); first = 0) {
			if (sp.answer.who == NULL || (person != NULL &&
			    strcmp(sp.answer.who->id, person) != 0))
				continue;
			start = sp.start_ms;
			/*
			 * The shift in progress: its real start, so that the
			 * event (and its UID) stays put as now moves on.
			 */
			if (first && sp.answer.reason != ROTA_OVERRIDE &&
			    sp.answer.shift_start_ms != INT64_MIN &&
			    sp.answer.shift_start_ms < start)
				start = sp.answer.shift_start_ms;
			event(b, r, level, &sp, start, stamp);
		}
	}
}

int
ics_feed(struct strbuf *b, const struct rota_set *set, const char *rota,
    const char *person, const char *name, int64_t now_ms)
{
	return ics_feed_with(b, set, NULL, rota, person, name, now_ms);
}

int
ics_feed_with(struct strbuf *b, const struct rota_set *set,
    const struct rota_extra *ex, const char *rota, const char *person,
    const char *name, int64_t now_ms)
{
	const struct rota	*r = NULL;
	char			 stamp[32];
	size_t			 i;

	if (set == NULL)
		return -1;
	if (rota != NULL && (r = rota_set_find(set, rota)) == NULL)
		return -1;
	if (person != NULL && rota_set_person_index(set, person) == -1)
		return -1;
	ics_time(now_ms, stamp, sizeof(stamp));
	ics_line(b, "BEGIN", "VCALENDAR");
	ics_line(b, "VERSION", "2.0");
	ics_line(b, "PRODID", "-//pagerd//on-call schedule//EN");
	ics_line(b, "CALSCALE", "GREGORIAN");
	ics_line(b, "METHOD", "PUBLISH");
	ics_text_line(b, "X-WR-CALNAME", name);
	if (r != NULL)
		rota_events(b, r, ex, person, now_ms, stamp);
	else
		for (i = 0; i < rota_set_count(set); i++)
			rota_events(b, rota_set_get(set, i), ex, person,
			    now_ms, stamp);
	ics_line(b, "END", "VCALENDAR");
	return 0;
}
