/*
 * lib/seen.h — what pagerd last stored for the alerts it sees repeated:
 * fingerprint -> content digest (fingerprint.h fp_digest()), in a fixed
 * table, so that a repeat whose content is what Redis holds goes to the
 * ingest script without its content (daemon/store.c: a storm is mostly
 * repeats, and ~700 bytes an alert that Redis reads, copies and turns
 * into a Lua string only to compare one digest cost it ~20 % of a
 * repeat). A hint, never the truth: the script checks the digest Redis
 * holds and sends back what it cannot apply without the content.
 *
 * Direct-mapped: a fingerprint has one slot (by a hash of it), and a
 * newer one takes the slot over. No allocation after seen_new(); the
 * table's pages are touched only as fingerprints land in them.
 */
#ifndef PAGERD_SEEN_H
#define PAGERD_SEEN_H

#include <stddef.h>
#include <stdint.h>

struct seen;

/* A table of slots entries (rounded up to a power of two); NULL: ENOMEM. */
struct seen	*seen_new(size_t slots);
void		 seen_free(struct seen *);

/*
 * A fingerprint is fp's len bytes (the store keeps its arguments
 * without NULs).
 */

/* 1 when fp was last put with digest dg (and not forgotten since). */
int		 seen_match(const struct seen *, const char *fp, size_t len,
		    uint64_t dg);

/* Remember that Redis holds fp's content with digest dg. */
void		 seen_put(struct seen *, const char *fp, size_t len,
		    uint64_t dg);

/* fp's content in Redis is no longer known (resolved, sent back). */
void		 seen_forget(struct seen *, const char *fp, size_t len);

/* Forget everything (a new connection: Redis may have lost data). */
void		 seen_clear(struct seen *);

#endif /* PAGERD_SEEN_H */
