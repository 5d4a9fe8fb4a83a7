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

#endif /* PAGERD_FINGERPRINT_H */
