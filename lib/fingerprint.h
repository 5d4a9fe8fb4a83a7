/*
 * lib/fingerprint.h — alert identity. Uses Prometheus Alertmanager's scheme
 * (FNV-1a 64 over the label names and values sorted by name, each followed
 * by the byte 0xFF) so that a pagerd fingerprint equals Alertmanager's for
 * the same label set.
 */
#ifndef PAGERD_FINGERPRINT_H
#define PAGERD_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"

/* labels must be sorted by name. An empty set hashes to the FNV offset. */
uint64_t	fp_labels(const struct label *labels, size_t n);

/* Format as 16 lower-case hex digits plus NUL, like Alertmanager's String(). */
void		fp_format(uint64_t fp, char out[17]);

/*
 * A digest of an alert's content (the store's "dg" field: a repeat whose
 * digest matches changed nothing the store keeps but its times): XXH3
 * (64 bits) of the strings v[0..n) in turn (NULL hashes as ""), each
 * seeded with the hash before it, as a signed decimal integer plus NUL.
 * Returns the hash (lib/seen.h keeps it).
 */
#define FP_DIGEST_LEN	21
uint64_t	fp_digest(const char *const *v, size_t n,
		    char out[FP_DIGEST_LEN]);

#endif /* PAGERD_FINGERPRINT_H */
