/*
 * lib/decode_generic.h — pagerd's own alert JSON, from an HTTP body (one
 * object or an array) or a UDP datagram (one object carrying its
 * integration key). JSON in, struct alert out; no I/O.
 */
#ifndef PAGERD_DECODE_GENERIC_H
#define PAGERD_DECODE_GENERIC_H

#include <stddef.h>

#include "alert.h"

/* Why a body was refused; becomes {"error": msg, "index": index}. */
struct decode_err {
	int	status;		/* HTTP status: 400 or 413; 500 = no memory */
	long	index;		/* alert position in the body; -1 = the body */
	char	reason[32];	/* short token for metrics: "json", "type",
				 * "missing_field", "too_many_labels", ... */
	char	msg[256];	/* names the field: "labels.env: must be a string" */
};

#define DECODE_UDP	0x01	/* one object with "key"; arrays refused */
#define DECODE_SIGNED	0x02	/* with DECODE_UDP: a signed datagram's body,
				 * authenticated by its signature: "key" is
				 * refused, not required */

/*
 * Decode body (len bytes, need not be NUL-terminated). Fields: summary
 * (required string), dedup_key, source, severity (strings), labels
 * (object of string:string), details (object), status ("firing" |
 * "resolved"), timestamp (RFC 3339 string); with DECODE_UDP also key
 * (string, required). Unknown fields are refused so typos surface.
 * Refuses invalid UTF-8, NUL bytes, duplicate keys and nesting deeper than
 * 64. default_source fills alerts without "source" (may be NULL). The
 * fingerprint is dedup_key when present, else fp_labels() over the labels;
 * an alert without labels hashes {summary, source} instead so that
 * distinct label-less alerts do not collide.
 *
 * Returns 0 with *out (malloc'd, free with alert_array_free()) and *n;
 * with DECODE_UDP, *key gets a malloc'd copy of the key (caller frees).
 * Returns -1 with err filled and nothing allocated.
 */
int	decode_generic(const char *body, size_t len, int flags,
	    const struct alert_limits *lim, const char *default_source,
	    struct alert **out, size_t *n, char **key, struct decode_err *err);

#endif /* PAGERD_DECODE_GENERIC_H */
