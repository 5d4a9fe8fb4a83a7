/*
 * lib/aof_quiet.h — when pagerd asks its Redis to rewrite the
 * append-only file: while intake is quiet, once the file has grown.
 *
 * Redis rewrites its AOF by itself when the file has grown by
 * auto-aof-rewrite-percentage over the size of its last rewrite. The
 * file grows fastest during an alert storm, so that is when Redis's own
 * rewrite comes: a fork and a dump of everything stored, on the core
 * intake needs (docs/BENCHMARKS.md, figures 2 and 3). A storm that
 * follows a quiet spell also pays for what the spell's predecessors
 * wrote: the file was left at the size the last storm took it to. A
 * rewrite asked for in the quiet minutes after a storm costs intake
 * nothing and starts the next storm from a compact file, further from
 * Redis's own threshold, which stays as the backstop.
 *
 * Quiet: no second of the last quiet_for took in more than quiet_rate
 * alerts. Pure: the caller brings the clock (monotonic milliseconds),
 * the intake count and the INFO text; tests drive all three.
 */
#ifndef PAGERD_AOF_QUIET_H
#define PAGERD_AOF_QUIET_H

#include <stddef.h>
#include <stdint.h>

/*
 * A file smaller than this is not worth a fork, however much it grew:
 * Redis's own default for auto-aof-rewrite-min-size.
 */
#define AOF_QUIET_MIN_SIZE	(64LL * 1024 * 1024)

/* After asking, this long before asking again (Redis said no, or the
 * rewrite ended and the file grew again meanwhile). */
#define AOF_QUIET_HOLD_MS	60000

/* What INFO persistence says of the AOF. */
struct aof_info {
	int		 enabled;	/* aof_enabled:1 */
	int		 busy;		/* a rewrite or snapshot runs or waits */
	long long	 current;	/* aof_current_size, bytes */
	long long	 base;		/* aof_base_size: at the last rewrite */
};

/*
 * Parse the text of INFO persistence (lines "name:value\r\n"). Returns
 * 0, or -1 when a field it needs is missing or malformed; aof_current_size
 * and aof_base_size are needed only when aof_enabled is 1 (Redis prints
 * them only then).
 */
int	aof_info_parse(const char *text, size_t len, struct aof_info *);

/*
 * Whether a file in this state is worth rewriting: the AOF is on, no
 * fork runs or waits, it is at least AOF_QUIET_MIN_SIZE and has grown
 * at least growth_pct percent over its base. growth_pct <= 0: never.
 */
int	aof_rewrite_due(const struct aof_info *, int growth_pct);

/* Intake over time, one sample a second or more apart. */
struct aof_quiet {
	int64_t		 at_ms;		/* of the last sample; -1: none */
	uint64_t	 total;		/* the intake count then */
	int64_t		 busy_until_ms;	/* not quiet before this */
	int64_t		 hold_until_ms;	/* asked: not again before this */
};

/*
 * Start watching at now_ms: not quiet until quiet_for_ms has passed
 * (nothing is known of the time before).
 */
void	aof_quiet_init(struct aof_quiet *, int64_t now_ms,
	    int64_t quiet_for_ms);

/*
 * Note the intake count (alerts taken in so far) at now_ms. Once a
 * second or more has passed since the last sample, the alerts between
 * the two are compared with rate per second: more, and intake is busy
 * until quiet_for_ms from now. A count that went backwards, or a clock
 * that did, starts over as aof_quiet_init() does.
 */
void	aof_quiet_note(struct aof_quiet *, int64_t now_ms, uint64_t total,
	    long rate, int64_t quiet_for_ms);

/* Quiet at now_ms, and not asked within AOF_QUIET_HOLD_MS. */
int	aof_quiet_may_ask(const struct aof_quiet *, int64_t now_ms);

/* A rewrite was asked for at now_ms. */
void	aof_quiet_asked(struct aof_quiet *, int64_t now_ms);

#endif /* PAGERD_AOF_QUIET_H */
