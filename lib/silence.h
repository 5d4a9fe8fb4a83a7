/*
 * lib/silence.h — silences: label matchers and a time window during
 * which matching alerts are stored but page no one (Alertmanager's
 * meaning). Validates API bodies and matches label sets. Pure: time is a
 * parameter; storage and the API are daemon/silences.c's.
 */
#ifndef PAGERD_SILENCE_H
#define PAGERD_SILENCE_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "matcher.h"

struct json_t;

/* Everything is owned by the silence (silence_clear()). */
struct silence {
	char			*id;		/* NULL until stored */
	struct matcher_set	 matchers;	/* never empty */
	int64_t			 starts_at_ms;
	int64_t			 ends_at_ms;	/* > starts_at_ms */
	char			*created_by;
	char			*comment;
};

/*
 * Validate a POST /api/v1/silences body into *s (id stays NULL):
 * matchers (API v2 objects, or one string in the text syntax), starts_at
 * (RFC 3339, default now_ms), ends_at (RFC 3339, required, after
 * starts_at and at most max_ms after it, and not in the past),
 * created_by and comment (non-empty strings). Alertmanager's spellings
 * startsAt, endsAt and createdBy are accepted too; other fields are
 * refused. Errors start with the field: "ends_at: required". Returns 0,
 * or -1 with err filled and *s zeroed.
 */
int	silence_from_request(struct json_t *body, int64_t now_ms,
	    int64_t max_ms, struct silence *s, char *err, size_t errlen);

/*
 * The stored form the store returns: {"id", "matchers" (API v2 array),
 * "starts_at", "ends_at" (ms), "created_by", "comment"}. Returns as
 * silence_from_request() does.
 */
int	silence_from_stored(struct json_t *obj, struct silence *s, char *err,
	    size_t errlen);

/* The matchers in the API v2 form; a new array, or NULL (no memory). */
struct json_t *silence_matchers_json(const struct matcher_set *);

/* "pending", "active" or "expired" at now_ms. */
const char *silence_state(const struct silence *, int64_t now_ms);

/*
 * 1 when s is active at now_ms and all its matchers match the labels
 * (sorted by name, as struct alert keeps them); else 0.
 */
int	silence_matches(const struct silence *s, const struct label *labels,
	    size_t nlabels, int64_t now_ms);

/* Free what s owns and zero it. NULL-safe. */
void	silence_clear(struct silence *s);

/*
 * INHIBITION (Alertmanager's inhibit_rules): while a firing alert
 * matches a rule's source, alerts that match its target and have the
 * same values of its equal labels are muted like silenced ones. Rules
 * see the alert's labels plus two that pagerd computes and that replace
 * labels of the same name: "level" (sev1..sev3) and "service".
 */
struct inhibit_rule {
	char			**source;	/* matchers as written */
	size_t			  n_source;
	char			**target;
	size_t			  n_target;
	char			**equal;	/* label names */
	size_t			  n_equal;
	struct matcher_set	 *source_m;	/* compiled; owned */
	struct matcher_set	 *target_m;
	char			  id[17];	/* hex hash of the rule's text:
						 * the same rule keeps its Redis
						 * state across reloads */
};

/* Fill r->id from its source, target and equal strings. */
void	inhibit_rule_set_id(struct inhibit_rule *r);

/*
 * For alert a (level and service set), the rules it is a source of and
 * those it is a target of, each as lines "ID KEY" joined by '\n', KEY
 * being the JSON array of its equal label values (a missing label is
 * ""). *src and *tgt are malloc'd, or NULL when there are none; the
 * caller frees. Returns 0, or -1 when out of memory.
 */
int	inhibit_mark(const struct inhibit_rule *rules, size_t n,
	    const struct alert *a, char **src, char **tgt);

#endif /* PAGERD_SILENCE_H */
