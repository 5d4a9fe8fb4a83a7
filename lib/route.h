/*
 * lib/route.h — services and grouping: which service an alert belongs to
 * and which group (so which open incident) inside that service it joins.
 * The config loader fills these structs; the daemon's pipeline calls the
 * functions for every alert before the store sees it. Pure: no I/O.
 */
#ifndef PAGERD_ROUTE_H
#define PAGERD_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"

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
