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

#endif /* PAGERD_SILENCE_H */
