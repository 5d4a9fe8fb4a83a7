/*
 * lib/syslog_rules.h — which syslog lines become alerts. Syslog is noisy,
 * so nothing is an alert unless a rule says so: facility, a severity
 * threshold, host / app-name / message regexes. The first rule that
 * matches builds the alert from its templates. Pure: no I/O.
 *
 * Templates take {host} {app} {procid} {msgid} {facility} {severity}
 * {message} {rule} and {1}..{9}, the message regex's capture groups;
 * "{{" is a literal "{".
 */
#ifndef PAGERD_SYSLOG_RULES_H
#define PAGERD_SYSLOG_RULES_H

#include <regex.h>
#include <stddef.h>

#include "alert.h"
#include "syslog_parse.h"

struct syslog_rule {
	char		*name;
	unsigned	 facilities;	/* bit f set: facility f; 0 = any */
	int		 max_severity;	/* match severity <= this (0 emerg) */
	regex_t		*host;		/* NULL: any (unanchored, ERE) */
	regex_t		*app;
	regex_t		*message;
	char		*summary;	/* template, required */
	char		*dedup_key;	/* template or NULL: labels' hash */
	struct label	*labels;	/* values are templates */
	size_t		 nlabels;
};

struct syslog_rules {
	struct syslog_rule	*v;
	size_t			 n;
};

/*
 * Check a template: 0, or -1 with a reason (unknown placeholder, "{" not
 * closed). Used by the config loader so errors get FILE:LINE.
 */
int	syslog_template_check(const char *tpl, char *err, size_t errlen);

/* Check an ERE as the rules compile it: 0, or -1 with regerror's text. */
int	syslog_regex_check(const char *re, char *err, size_t errlen);

/*
 * Add a rule (everything copied; facility names and "name=template"
 * labels as given in the config). Returns 0, or -1 with a reason.
 */
int	syslog_rules_add(struct syslog_rules *, const char *name,
	    const char *const *facilities, size_t nfacilities,
	    int max_severity, const char *host, const char *app,
	    const char *message, const char *summary, const char *dedup_key,
	    const char *const *labels, size_t nlabels, char *err,
	    size_t errlen);

void	syslog_rules_free(struct syslog_rules *);

/*
 * Match m against the rules in order. Returns 1 and fills *a (owned by
 * the caller: alert_clear()) from the first rule that matches; 0 when no
 * rule matches; -1 when out of memory. Labels: the rule's, plus host, app,
 * facility, severity and rule. Severity is the syslog severity name, so
 * the severity rules map it (emerg/alert/crit -> sev1 ...). Text from the
 * datagram is made valid UTF-8 and cut to lim's sizes.
 */
int	syslog_rules_apply(const struct syslog_rules *,
	    const struct syslog_msg *m, const struct alert_limits *lim,
	    const char *source, struct alert *a);

#endif /* PAGERD_SYSLOG_RULES_H */
