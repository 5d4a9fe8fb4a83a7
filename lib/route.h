/*
 * lib/route.h — routes, services and grouping: which service an alert
 * belongs to, which group (so which open incident) inside that service it
 * joins, and the configured severity rules. The config loader fills these
 * structs; the daemon's pipeline calls the functions for every alert
 * before the store sees it. Pure: no I/O.
 */
#ifndef PAGERD_ROUTE_H
#define PAGERD_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "esc_plan.h"
#include "maint.h"

struct matcher_set;

/*
 * group_by = [ "..." ] (Alertmanager's special value): every distinct
 * alert is its own group. It may only stand alone.
 */
#define ROUTE_GROUP_EACH	"..."

/* The name of the service that takes what no route claims. */
#define ROUTE_DEFAULT_SERVICE	"default"

/* One element of services = ( ... ); all strings owned by the config. */
struct service {
	char		 *name;		/* [A-Za-z0-9_.-]+, unique */
	char		 *policy;	/* escalation policy name; NULL: none */
	char		**group_by;	/* label names, or { "..." } */
	size_t		  n_group_by;	/* 0: one group for the whole service */
	int64_t		  group_wait_ms;	/* first notification after */
	int64_t		  group_interval_ms;	/* later notifications, at most */
	int64_t		  repeat_interval_ms;	/* repeats while unresolved */
	int		  auto_resolve;	/* resolve when every alert has */
	struct maint_spec *maintenance;	/* windows as written */
	size_t		  n_maintenance;
	struct maint	 *maint;	/* compiled (maint.h); owned */
	/* When low-urgency (sev3) incidents may page; written or not. */
	struct esc_hours_spec working_hours;
	struct esc_hours *hours;	/* compiled; NULL: any time */
};

/*
 * One element of routes = ( ... ); the list is read in order. The loader
 * compiles match into matchers and finds service's svc.
 */
struct route {
	char			**match;	/* as written: name="value" or
						 * {a="b", c=~"d.*"}; all must
						 * match; none: every alert */
	size_t			  n_match;
	char			 *service;	/* its name as written */
	int			  cont;		/* "continue": go on after a match */
	struct matcher_set	 *matchers;	/* match compiled; owned */
	const struct service	 *svc;		/* in the same config */
};

/* One element of severity.rules = ( ... ), read in order. */
struct severity_rule {
	char			**match;	/* matchers as written */
	size_t			  n_match;
	char			**raw;		/* the sender's severity values */
	size_t			  n_raw;
	int			  level;	/* 1 = sev1 .. 3 = sev3 */
	struct matcher_set	 *matchers;	/* match compiled; owned */
};

/*
 * The services that the routes give labels (sorted by name, as struct
 * alert keeps them): routes[0..n) in order, each whose matchers all match
 * adds its service, and the first that matches without "continue" ends
 * the walk. No match: dflt alone. A service comes out once however many
 * routes name it. Writes up to max of them to out (out[0] is where the
 * alert is stored) and returns how many it wrote: at least 1 unless max
 * is 0. Allocates nothing.
 */
size_t	route_select(const struct route *routes, size_t n,
	    const struct label *labels, size_t nlabels,
	    const struct service *dflt, const struct service **out,
	    size_t max);

/*
 * The level the first of rules[0..n) gives alert a: all its matchers
 * match a's labels and, when it lists raw values, a's severity is one of
 * them (ASCII case ignored). 0 when none does.
 */
int	route_severity(const struct severity_rule *rules, size_t n,
	    const struct alert *a);

/*
 * The built-in level of alert a, for severity.builtin: its severity as
 * sent, else its "priority" label (Opsgenie style), else its "severity"
 * label, read as PagerDuty's critical (sev1), error (sev2), warning and
 * info (sev3); as P1 (sev1), P2 (sev2),
 * P3..P5 (sev3); as syslog's emerg, alert, crit (sev1), err (sev2),
 * warning, notice, info, debug (sev3); as page (sev1), major (sev2),
 * minor (sev3); or as sev1..sev3 itself. ASCII
 * case is ignored. 0 when neither is one of these.
 */
int	route_builtin_level(const struct alert *a);

/*
 * The group key of alert a in service svc: svc's name, then either
 * ":" and the alert's fingerprint (group_by "...") or "{" the group_by
 * labels "}" in the order svc names them, each as name="value" (value
 * escaped: \" \\ \n), separated by ",", a missing label as "". Service
 * names cannot contain ':' or '{', so two different groups never get the
 * same key, and the key reads like Alertmanager's:
 *   db{alertname="DiskFull",cluster="eu1"}    default:4f1c0d3e9a2b7c66
 * Returns a malloc'd string (caller frees), NULL when out of memory.
 */
char	*route_group_key(const struct service *svc, const struct alert *a);

/*
 * Whether name is a valid service name; NULL when it is, else why not
 * (a static string). The loader uses it; so may an API.
 */
const char *route_check_service_name(const char *name);

#endif /* PAGERD_ROUTE_H */
