/*
 * lib/rota_check.h — what `pagerd -t` says about rotas that are valid but
 * probably not what their admins meant: coverage gaps, expired and
 * overlapping overrides, shifts that a DST change lengthens or shortens.
 * Pure: "now" is a parameter; uses only lib/rota.h's public API.
 */
#ifndef PAGERD_ROTA_CHECK_H
#define PAGERD_ROTA_CHECK_H

#include <stddef.h>
#include <stdint.h>

struct rota_extra;
struct rota_set;

enum rota_warning {
	ROTA_WARN_GAP,			/* nobody on call on a level */
	ROTA_WARN_OVERRIDE_EXPIRED,	/* ended before now */
	ROTA_WARN_OVERRIDE_OVERLAP,	/* two for the same target at once */
	ROTA_WARN_DST_SHIFT		/* a shift made longer or shorter */
};

/*
 * Look at every rota of set from now_ms for days days and call
 * warn(arg, kind, message) for each finding, rota by rota; messages name
 * the rota and use its wall clock ("rota db level 1: nobody on call
 * 2026-12-25 00:00–09:00 Europe/Amsterdam"). After ten gaps on a level,
 * one more message counts the rest. The message lives until warn
 * returns. Returns the number of warnings. Allocates nothing.
 */
size_t	rota_check(const struct rota_set *set, int64_t now_ms, int days,
	    void (*warn)(void *arg, enum rota_warning, const char *msg),
	    void *arg);

/*
 * One warning with what it is about, for the daemon's API. level is 0
 * for a rota's overrides; from_ms/until_ms are INT64_MIN/INT64_MAX
 * when the warning has no such time ("N more gaps"). The strings live
 * until the callback returns.
 */
struct rota_finding {
	const char		*rota;
	int			 level;
	enum rota_warning	 kind;
	int64_t			 from_ms, until_ms;
	const char		*msg;
};

/*
 * rota_check() as the running daemon sees it: ex's overrides (those made
 * through the API; NULL: none) take part in the gap and overlap checks,
 * as rota_resolve_with() applies them; they are never reported expired
 * (they expire by themselves). only: check just that rota (NULL: all).
 */
size_t	rota_check_with(const struct rota_set *set,
	    const struct rota_extra *ex, const char *only, int64_t now_ms,
	    int days, void (*found)(void *arg, const struct rota_finding *),
	    void *arg);

#endif /* PAGERD_ROTA_CHECK_H */
