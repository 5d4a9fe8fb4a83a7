/*
 * lib/utf8.h — decode UTF-8 one code point at a time, for the modules
 * that turn hostile alert text into SMS, mail and Slack text. Not a
 * general Unicode library: no normalisation, no grapheme segmentation
 * beyond what cutting text needs. Pure: no I/O, no allocation.
 */
#ifndef PAGERD_UTF8_H
#define PAGERD_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_REPLACEMENT	0xfffdu

/*
 * Decode the code point at s (at most len > 0 bytes) into *cp and return
 * the bytes it took (1-4). Invalid UTF-8 (overlongs, surrogates, past
 * U+10FFFF, truncated sequences) takes one byte and yields
 * UTF8_REPLACEMENT, so a loop always advances.
 */
size_t	utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Encode cp (<= U+10FFFF, not a surrogate) into out; returns 1-4. */
size_t	utf8_encode(uint32_t cp, char out[4]);

/*
 * Characters that must never reach a message built from alert text: C0
 * and C1 controls, DEL, and the invisible ones that reorder or hide
 * text (bidi embeddings/overrides/isolates, zero-width space, BOM), which
 * can make "db1 ok" display as something else (joiners stay: emoji
 * and several scripts need them). Line and paragraph
 * separators (U+2028/9) count too: callers turn them into a space.
 */
int	utf8_is_control(uint32_t cp);

/* Whitespace callers collapse into one space: ASCII space, \t \n \v \f
 * \r, NBSP and the Unicode space separators and line separators. */
int	utf8_is_space(uint32_t cp);

/*
 * Code points that belong to the character before them, so text must
 * not be cut just before one: combining marks, variation selectors,
 * emoji skin-tone modifiers, ZWJ and tag characters.
 */
int	utf8_is_continuation(uint32_t cp);

/*
 * Length of the valid UTF-8 sequence at p (RFC 3629: no overlongs, no
 * surrogates, nothing past U+10FFFF), or 0. p is NUL-terminated, and a
 * NUL never passes as a continuation byte, so this stops at the end.
 * For validating input strictly (utf8_decode() replaces instead).
 */
size_t	utf8_valid_len(const unsigned char *p);

#endif /* PAGERD_UTF8_H */
