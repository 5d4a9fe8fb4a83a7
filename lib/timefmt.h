/*
 * lib/timefmt.h — parse and print the times and durations found in
 * requests and config files. Pure: the current time is never read here.
 */
#ifndef PAGERD_TIMEFMT_H
#define PAGERD_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse an RFC 3339 timestamp ("2026-11-25T10:00:00Z",
 * "2026-11-25T10:00:00.123+01:00"; 't'/'z' accepted, fraction up to 9
 * digits) of exactly len bytes into milliseconds since the epoch (UTC).
 * Returns 0, or -1 for anything else (no trailing bytes, real calendar
 * dates only, offsets within +-23:59).
 */
int	time_parse_rfc3339(const char *s, size_t len, int64_t *ms);

/* Print ms as "2026-11-25T10:00:00.123Z" into buf (>= 25 bytes). */
void	time_format_rfc3339(int64_t ms, char *buf, size_t len);

/*
 * Parse a duration: a sequence of <integer><unit> with units ms, s, m, h,
 * d, w ("90s", "1h30m", "7d"); a bare integer means seconds. Returns 0 and
 * the milliseconds, or -1 when malformed or over 100 years.
 */
int	duration_parse(const char *s, int64_t *ms);

/* Print ms compactly ("1h30m", "250ms", "0s") into buf (>= 32 bytes). */
void	duration_format(int64_t ms, char *buf, size_t len);

#endif /* PAGERD_TIMEFMT_H */
