/*
 * lib/severity.h — pagerd's three severity levels, and the ordered rules
 * that give an alert one from its sender's raw severity and its labels.
 * Pure: no I/O. The config loader builds rules with this API; what each
 * level means for paging is the escalator's business.
 */
#ifndef PAGERD_SEVERITY_H
#define PAGERD_SEVERITY_H

#include <stddef.h>

#include "alert.h"
#include "matcher.h"

/* A smaller number is more severe. */
enum sev_level {
	SEV_NONE = 0,	/* no rule matched: the caller (route) decides */
	SEV_1,		/* customer-facing service down for everyone */
	SEV_2,		/* down for a subset of customers */
	SEV_3		/* low urgency, not a major incident */
};

/* "sev1", "sev2", "sev3"; "none" for SEV_NONE and anything else. */
const char	*sev_name(enum sev_level);

/*
 * "sev1".."sev3" in any case ("SEV1", "Sev2"), or "1".."3". Returns 0
 * and *out, or -1 for anything else ("none", "sev4", " sev1").
 */
int		 sev_parse(const char *s, enum sev_level *out);

/*
 * The more severe of a and b (SEV_1 beats SEV_3), SEV_NONE counting for
 * nothing: an incident's severity is sev_max() over its firing alerts.
 */
enum sev_level	 sev_max(enum sev_level a, enum sev_level b);

/*
 * One rule. It matches an alert when every matcher matches its labels
 * and, if nraw > 0, its raw severity (alert->severity, "" when NULL)
 * equals one of raw[], ASCII case-insensitively.
 */
struct severity_rule {
	struct matcher_set	 matchers;	/* may be empty */
	char			**raw;		/* nraw NUL-terminated values */
	size_t			 nraw;
	enum sev_level		 level;		/* SEV_1 .. SEV_3 */
};

/* Everything is owned by the rules (severity_rules_free()). */
struct severity_rules {
	struct severity_rule	*v;		/* in order; first match wins */
	size_t			 n;
	enum sev_level		 default_level;	/* when none matches */
};

/*
 * An empty rule list; default_level may be SEV_NONE. Returns NULL when
 * out of memory or default_level is not a level.
 */
struct severity_rules	*severity_rules_new(enum sev_level default_level);

/*
 * Append a rule. It takes over the matchers in *matchers (may be NULL for
 * none), leaving the set empty, and copies the nraw strings of raw. A rule
 * needs at least one matcher or one raw value, so that a mistake cannot
 * become a rule that matches everything; level must be SEV_1..SEV_3.
 * Returns 0, or -1 with err filled (errlen may be 0) and the rules and
 * *matchers unchanged (also when out of memory).
 */
int	severity_rule_add(struct severity_rules *rules,
	    struct matcher_set *matchers, const char *const *raw, size_t nraw,
	    enum sev_level level, char *err, size_t errlen);

/*
 * The built-in rules, for a config that has none. In this order (raw
 * values ASCII case-insensitive, label values too):
 *
 *   raw severity critical, crit, emerg, alert, p1                -> sev1
 *   raw severity error, err, p2                                  -> sev2
 *   raw severity warning, warn, info, notice, debug, p3, p4, p5  -> sev3
 *   label priority p1                                            -> sev1
 *   label priority p2                                            -> sev2
 *   label priority p3, p4, p5                                    -> sev3
 *   label severity critical, page                                -> sev1
 *   label severity error, major                                  -> sev2
 *   label severity warning, info, minor                          -> sev3
 *
 * The raw values are PagerDuty Events v2's four severities, the syslog
 * severity names (RFC 5424 section 6.2.1) and Opsgenie's P1..P5
 * priorities. The sender's own severity field comes first: it is the
 * most direct statement of how bad the sender thinks it is; labels are
 * the convention of Prometheus alerting rules. Returns NULL when out of
 * memory or default_level is not a level.
 */
struct severity_rules	*severity_rules_builtin(enum sev_level default_level);

/*
 * The level of the first rule that matches a, else the default. *rule
 * (may be NULL) gets the index of that rule, or rules->n for the default,
 * so a caller can say why.
 */
enum sev_level	 severity_eval(const struct severity_rules *rules,
		    const struct alert *a, size_t *rule);

/* Free the rules and everything they own. NULL-safe. */
void		 severity_rules_free(struct severity_rules *rules);

#endif /* PAGERD_SEVERITY_H */
