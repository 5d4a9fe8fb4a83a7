/*
 * lib/hex.h — one hex digit's value, for the parsers that read them
 * (JSON \u escapes, chunk sizes, %XX form encoding, signatures).
 * Inline, so the plugins that build a parser's file get it too.
 */
#ifndef PAGERD_HEX_H
#define PAGERD_HEX_H

/* 0-15, or -1 when c is not a hex digit (either case). */
static inline int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif /* PAGERD_HEX_H */
