/*
 * lib/sign_webhook.c — X-Pagerd-Signature: make and check. The MAC is
 * udp_sig_mac_hex(), which already computes HMAC-SHA256(key, "<t>." +
 * body) for any integer t.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sign_webhook.h"
#include "udp_sig.h"

int
sign_webhook_value(const char *secret, int64_t t, const char *body,
    size_t len, char out[SIGN_WEBHOOK_SIZE])
{
	char	 hex[65];

	out[0] = '\0';
	if (secret[0] == '\0')
		return -1;
	udp_sig_mac_hex(secret, t, body, len, hex);
	if (hex[0] == '\0')
		return -1;
	snprintf(out, SIGN_WEBHOOK_SIZE, "t=%lld,v1=%s", (long long)t, hex);
	return 0;
}

static int
set_err(char *err, size_t errlen, const char *msg)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", msg);
	return -1;
}

/* Candidates kept from one header: more than a rotation needs. */
#define MAX_V1	4

int
sign_webhook_verify(const char *secret, const char *value, const char *body,
    size_t len, int64_t now, int64_t tolerance_s, char *err, size_t errlen)
{
	const char	*p, *end, *eq;
	char		 want[65], got[MAX_V1][64], tbuf[24], *e;
	long long	 t = 0;
	int		 have_t = 0, nv1 = 0, match = 0, i;
	size_t		 klen, vlen, j;

	if (value == NULL)
		return set_err(err, errlen, "no signature");
	for (p = value; *p != '\0'; p = *end == ',' ? end + 1 : end) {
		while (*p == ' ')
			p++;
		end = p + strcspn(p, ",");
		if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL)
			return set_err(err, errlen,
			    "signature: expected t=...,v1=...");
		klen = (size_t)(eq - p);
		vlen = (size_t)(end - eq - 1);
		while (vlen > 0 && eq[vlen] == ' ')
			vlen--;
		if (klen == 1 && p[0] == 't') {
			if (have_t || vlen == 0 || vlen >= sizeof(tbuf) ||
			    eq[1] < '0' || eq[1] > '9')
				return set_err(err, errlen, "signature: bad t");
			memcpy(tbuf, eq + 1, vlen);
			tbuf[vlen] = '\0';
			errno = 0;
			t = strtoll(tbuf, &e, 10);
			if (*e != '\0' || errno != 0)
				return set_err(err, errlen, "signature: bad t");
			have_t = 1;
		} else if (klen == 2 && p[0] == 'v' && p[1] == '1') {
			if (nv1 == MAX_V1)
				return set_err(err, errlen,
				    "signature: too many v1");
			if (vlen != 64)
				goto badhex;
			for (j = 0; j < 64; j++) {
				char	 c = eq[1 + j];

				if (c >= 'A' && c <= 'F')
					c = (char)(c - 'A' + 'a');
				if (!((c >= '0' && c <= '9') ||
				    (c >= 'a' && c <= 'f')))
					goto badhex;
				got[nv1][j] = c;
			}
			nv1++;
		}
	}
	if (!have_t || nv1 == 0)
		return set_err(err, errlen, "signature: needs t and v1");
	if (secret[0] == '\0')
		return set_err(err, errlen, "signature does not match");
	udp_sig_mac_hex(secret, t, body, len, want);
	if (want[0] == '\0')
		return set_err(err, errlen, "cannot compute HMAC");
	/* Compare with every candidate: no early exit on a match. */
	for (i = 0; i < nv1; i++)
		match |= CRYPTO_memcmp(want, got[i], 64) == 0;
	if (!match)
		return set_err(err, errlen, "signature does not match");
	if (now - t > tolerance_s || t - now > tolerance_s)
		return set_err(err, errlen,
		    "signature too old or from the future");
	return 0;
badhex:
	return set_err(err, errlen, "signature: v1 must be 64 hex digits");
}
