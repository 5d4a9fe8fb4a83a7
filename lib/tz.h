/*
 * lib/tz.h — IANA time zones without the C library's TZ state: a zone is
 * a value loaded from its TZif file (RFC 8536), and every conversion is a
 * pure function of (zone, instant). Loading reads one file; nothing else
 * here touches the file system, the environment or the clock.
 *
 * Wall-clock times are "local milliseconds": the wall clock read as if it
 * were UTC, i.e. milliseconds since 1970-01-01 00:00 local time. The DST
 * policy for turning a wall time back into an instant (tz_utc_ms) is:
 * a wall time inside a spring-forward gap means the first instant after
 * the gap; an ambiguous fall-back wall time means its first occurrence.
 */
#ifndef PAGERD_TZ_H
#define PAGERD_TZ_H

#include <stddef.h>
#include <stdint.h>

struct tz;

/* Where zones are looked up by default (Debian's tzdata). */
#define TZ_DEFAULT_DIR	"/usr/share/zoneinfo"

struct tz_tm {
	int64_t		 year;
	int		 mon;		/* 1..12 */
	int		 mday;		/* 1..31 */
	int		 hour, min, sec, ms;
	int		 wday;		/* 0 = Sunday */
	int32_t		 utoff;		/* seconds east of UTC */
	int		 isdst;
	const char	*abbr;		/* "CEST"; lives as long as z */
};

/* How a wall time maps to instants. */
enum tz_kind {
	TZ_UNIQUE,		/* exactly one instant */
	TZ_GAP,			/* skipped by a spring-forward: none */
	TZ_AMBIGUOUS		/* repeated by a fall-back: two */
};

/*
 * Whether name can be an IANA zone name to look up: letters, digits and
 * "/_+-.", no "..", not absolute, at most 127 bytes. Returns NULL when
 * it can, else a static reason. Says nothing about whether it exists.
 */
const char	*tz_name_check(const char *name);

/*
 * Load zone name from dir/name (dir: TZ_DEFAULT_DIR when NULL). Returns
 * a new zone (free with tz_free()), or NULL with a message in err.
 */
struct tz	*tz_load(const char *dir, const char *name, char *err,
		    size_t errlen);

/* The same from the bytes of a TZif file (v1, v2, v3 or v4). */
struct tz	*tz_from_tzif(const char *name, const unsigned char *buf,
		    size_t len, char *err, size_t errlen);

/*
 * A zone from a POSIX TZ string alone ("CET-1CEST,M3.5.0,M10.5.0/3",
 * "JST-9", "<+0530>-5:30"), as in a TZif footer; its name is the string.
 */
struct tz	*tz_from_posix(const char *spec, char *err, size_t errlen);

void		 tz_free(struct tz *);

/* The name it was loaded as ("Europe/Amsterdam"). */
const char	*tz_name(const struct tz *);

/* Offset from UTC at an instant, in seconds east. */
int32_t		 tz_utoff(const struct tz *, int64_t utc_ms);

/* The wall clock at an instant as local milliseconds. */
int64_t		 tz_local_ms(const struct tz *, int64_t utc_ms);

/*
 * The latest wall time already reached at an instant. Equal to
 * tz_local_ms() except during the repeated hour after a fall-back, when
 * it stays just before the end of that hour (the wall clock has been
 * there already). Never decreases as utc_ms grows, and
 * tz_local_max_ms(z, t) >= x exactly when tz_utc_ms(z, x) <= t: the
 * tool for finding when a wall-clock event happens.
 */
int64_t		 tz_local_max_ms(const struct tz *, int64_t utc_ms);

/* Break an instant down into the zone's wall clock. */
void		 tz_localtime(const struct tz *, int64_t utc_ms,
		    struct tz_tm *out);

/*
 * The instant of wall time local_ms under the DST policy above (gap: the
 * first instant after it; ambiguous: the first occurrence). kind, when
 * not NULL, says which case applied. Never decreases as local_ms grows.
 */
int64_t		 tz_utc_ms(const struct tz *, int64_t local_ms,
		    enum tz_kind *kind);

/* The same from a broken-down wall time (fields may run over). */
int64_t		 tz_mktime(const struct tz *, int64_t year, int mon,
		    int mday, int hour, int min, int sec, enum tz_kind *kind);

#endif /* PAGERD_TZ_H */
