/*
 * lib/udp_sig.c — parse and verify the PAGERD-SIG line of a signed UDP
 * datagram (HMAC-SHA256 with OpenSSL's libcrypto).
 */
#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "hex.h"
#include "udp_sig.h"

int
udp_sig_parse(const char *dg, size_t len, struct udp_sig *out, char *err,
    size_t errlen)
{
	const char	*nl, *p, *end;
	size_t		 plen = sizeof(UDP_SIG_PREFIX) - 1, i;
	int		 have_t = 0, have_k = 0, have_v = 0;

	memset(out, 0, sizeof(*out));
	if (len < plen || memcmp(dg, UDP_SIG_PREFIX, plen) != 0)
		return 0;
	if ((nl = memchr(dg, '\n', len)) == NULL || nl - dg > 512) {
		snprintf(err, errlen, "signature line: no newline in the "
		    "first 512 bytes");
		return -1;
	}
	out->body = nl + 1;
	out->body_len = len - (size_t)(nl + 1 - dg);
	end = nl;
	if (end > dg && end[-1] == '\r')
		end--;
	for (p = dg + plen; p < end; ) {
		const char	*comma = memchr(p, ',', end - p), *eq, *val;
		size_t		 nlen, vlen;

		if (comma == NULL)
			comma = end;
		if ((eq = memchr(p, '=', comma - p)) == NULL) {
			snprintf(err, errlen, "signature line: expected "
			    "t=..,k=..,v1=..");
			return -1;
		}
		nlen = eq - p;
		val = eq + 1;
		vlen = comma - val;
		if (nlen == 1 && p[0] == 't' && !have_t) {
			char	 buf[24];
			char	*e;

			if (vlen == 0 || vlen >= sizeof(buf)) {
				snprintf(err, errlen, "signature: bad t");
				return -1;
			}
			memcpy(buf, val, vlen);
			buf[vlen] = '\0';
			errno = 0;
			out->t_ms = strtoll(buf, &e, 10);
			if (*e != '\0' || errno != 0 || out->t_ms <= 0) {
				snprintf(err, errlen, "signature: bad t");
				return -1;
			}
			have_t = 1;
		} else if (nlen == 1 && p[0] == 'k' && !have_k) {
			if (vlen == 0 || vlen >= sizeof(out->name)) {
				snprintf(err, errlen, "signature: bad k");
				return -1;
			}
			memcpy(out->name, val, vlen);
			out->name[vlen] = '\0';
			have_k = 1;
		} else if (nlen == 2 && p[0] == 'v' && p[1] == '1' && !have_v) {
			if (vlen != 64)
				goto badhex;
			for (i = 0; i < 32; i++) {
				int hi = hex_value(val[2 * i]);
				int lo = hex_value(val[2 * i + 1]);

				if (hi < 0 || lo < 0)
					goto badhex;
				out->mac[i] = (unsigned char)(hi << 4 | lo);
			}
			have_v = 1;
		} else {
			snprintf(err, errlen, "signature line: unknown or "
			    "repeated field");
			return -1;
		}
		p = comma < end ? comma + 1 : end;
	}
	if (!have_t || !have_k || !have_v) {
		snprintf(err, errlen, "signature line: needs t, k and v1");
		return -1;
	}
	return 1;
badhex:
	snprintf(err, errlen, "signature: v1 must be 64 hex digits");
	return -1;
}

/*
 * HMAC through EVP_DigestSign: the HMAC_CTX calls are deprecated in
 * OpenSSL 3, and this works the same in 1.1.1 and 3.x.
 */
static int
mac_of(const char *key, int64_t t_ms, const char *body, size_t len,
    unsigned char mac[32])
{
	EVP_MD_CTX	*ctx = NULL;
	EVP_PKEY	*pkey = NULL;
	char		 tbuf[32];
	size_t		 mlen = 32;
	int		 n, rc = -1;

	n = snprintf(tbuf, sizeof(tbuf), "%lld.", (long long)t_ms);
	memset(mac, 0, 32);
	pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_HMAC, NULL,
	    (const unsigned char *)key, strlen(key));
	if (pkey == NULL || (ctx = EVP_MD_CTX_new()) == NULL)
		goto out;
	if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, pkey) != 1 ||
	    EVP_DigestSignUpdate(ctx, tbuf, (size_t)n) != 1 ||
	    EVP_DigestSignUpdate(ctx, body, len) != 1 ||
	    EVP_DigestSignFinal(ctx, mac, &mlen) != 1 || mlen != 32)
		goto out;
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return rc;
}

int
udp_sig_verify(const struct udp_sig *sig, const char *key, int64_t now_ms,
    int64_t max_skew_ms, char *err, size_t errlen)
{
	unsigned char	 mac[32];
	int64_t		 skew = now_ms - sig->t_ms;

	if (mac_of(key, sig->t_ms, sig->body, sig->body_len, mac) == -1) {
		snprintf(err, errlen, "cannot compute HMAC (out of memory?)");
		return -1;
	}
	if (CRYPTO_memcmp(mac, sig->mac, sizeof(mac)) != 0) {
		snprintf(err, errlen, "signature does not match");
		return -1;
	}
	/* Checked after the MAC so a forged t cannot probe our clock. */
	if (skew > max_skew_ms || skew < -max_skew_ms) {
		snprintf(err, errlen, "signature too old or from the future "
		    "(%lld ms off)", (long long)skew);
		return -1;
	}
	return 0;
}

void
udp_sig_mac_hex(const char *key, int64_t t_ms, const char *body, size_t len,
    char hex[65])
{
	static const char	 digits[] = "0123456789abcdef";
	unsigned char		 mac[32];
	size_t			 i;

	if (mac_of(key, t_ms, body, len, mac) == -1) {
		hex[0] = '\0';
		return;
	}
	for (i = 0; i < 32; i++) {
		hex[2 * i] = digits[mac[i] >> 4];
		hex[2 * i + 1] = digits[mac[i] & 15];
	}
	hex[64] = '\0';
}
