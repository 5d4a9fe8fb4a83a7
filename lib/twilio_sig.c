/*
 * lib/twilio_sig.c — X-Twilio-Signature: form parsing, HMAC-SHA1 over
 * the URL and sorted parameters (OpenSSL libcrypto), and the port
 * variants of the URL.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "hex.h"
#include "twilio_sig.h"

/* Decode s (len bytes) into dst, NUL-terminate it; returns the length. */
static size_t
form_decode(const char *s, size_t len, char *dst)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, n = 0;
	int			 hi, lo;

	for (i = 0; i < len; i++) {
		if (p[i] == '+')
			dst[n++] = ' ';
		else if (p[i] == '%' && i + 2 < len &&
		    (hi = hex_value(p[i + 1])) != -1 &&
		    (lo = hex_value(p[i + 2])) != -1) {
			dst[n++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			dst[n++] = (char)p[i];
	}
	dst[n] = '\0';
	return n;
}

int
twilio_form_parse(const char *body, size_t len, struct twilio_form *out)
{
	const char	*p, *end = body + len;
	char		*dst;
	size_t		 npairs = 1, i;

	memset(out, 0, sizeof(*out));
	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (body[i] == '&')
			npairs++;
	/* Decoded text is never longer than encoded: len bytes plus a NUL
	 * for each name and value. */
	if ((out->params = calloc(npairs, sizeof(*out->params))) == NULL ||
	    (out->buf = malloc(len + 2 * npairs)) == NULL)
		return -1;
	dst = out->buf;
	for (p = body; p < end; ) {
		const char		*amp, *eq;
		struct twilio_param	*tp;

		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp == p) {
			p++;
			continue;
		}
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		tp = &out->params[out->nparams++];
		tp->name = dst;
		tp->name_len = form_decode(p, (size_t)(eq - p), dst);
		dst += tp->name_len + 1;
		tp->value = dst;
		tp->value_len = eq < amp ? form_decode(eq + 1,
		    (size_t)(amp - eq - 1), dst) : form_decode("", 0, dst);
		dst += tp->value_len + 1;
		p = amp < end ? amp + 1 : end;
	}
	return 0;
}

void
twilio_form_free(struct twilio_form *f)
{
	free(f->params);
	free(f->buf);
	memset(f, 0, sizeof(*f));
}

const char *
twilio_form_get(const struct twilio_form *f, const char *name)
{
	size_t	 i, n = strlen(name);

	for (i = 0; i < f->nparams; i++)
		if (f->params[i].name_len == n &&
		    memcmp(f->params[i].name, name, n) == 0)
			return f->params[i].value;
	return NULL;
}

/* memcmp order of two byte strings, the shorter first on a tie. */
static int
bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int	 c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static int
param_cmp(const void *x, const void *y)
{
	const struct twilio_param	*a, *b;
	int				 c;

	a = *(const struct twilio_param *const *)x;
	b = *(const struct twilio_param *const *)y;

	if ((c = bytes_cmp(a->name, a->name_len, b->name, b->name_len)) != 0)
		return c;
	return bytes_cmp(a->value, a->value_len, b->value, b->value_len);
}

/*
 * HMAC through EVP_DigestSign, as lib/udp_sig.c does: the HMAC_CTX
 * calls are deprecated in OpenSSL 3.
 */
static int
sig_of(const char *token, const char *url, size_t url_len,
    const struct twilio_form *form, char out[TWILIO_SIG_LEN + 1])
{
	const struct twilio_param	**sorted = NULL, *prev = NULL;
	EVP_MD_CTX			*ctx = NULL;
	EVP_PKEY			*pkey = NULL;
	unsigned char			 mac[EVP_MAX_MD_SIZE];
	size_t				 mlen = sizeof(mac), i;
	int				 rc = -1;

	memset(out, 0, TWILIO_SIG_LEN + 1);
	if (form->nparams > 0) {
		if ((sorted = calloc(form->nparams, sizeof(*sorted))) == NULL)
			return -1;
		for (i = 0; i < form->nparams; i++)
			sorted[i] = &form->params[i];
		qsort(sorted, form->nparams, sizeof(*sorted), param_cmp);
	}
	pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_HMAC, NULL,
	    (const unsigned char *)token, strlen(token));
	if (pkey == NULL || (ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(ctx, NULL, EVP_sha1(), NULL, pkey) != 1 ||
	    EVP_DigestSignUpdate(ctx, url, url_len) != 1)
		goto out;
	for (i = 0; i < form->nparams; i++) {
		const struct twilio_param	*tp = sorted[i];

		/* An exact repeat of a pair is signed once. */
		if (prev != NULL && param_cmp(&prev, &tp) == 0)
			continue;
		if (EVP_DigestSignUpdate(ctx, tp->name, tp->name_len) != 1 ||
		    EVP_DigestSignUpdate(ctx, tp->value, tp->value_len) != 1)
			goto out;
		prev = tp;
	}
	if (EVP_DigestSignFinal(ctx, mac, &mlen) != 1 || mlen != 20)
		goto out;
	EVP_EncodeBlock((unsigned char *)out, mac, (int)mlen);
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	free(sorted);
	return rc;
}

int
twilio_sig_compute(const char *token, const char *url,
    const struct twilio_form *form, char out[TWILIO_SIG_LEN + 1])
{
	return sig_of(token, url, strlen(url), form, out);
}

/*
 * The other spelling of url: without the port when it names the
 * scheme's default, with it when it has none. Returns the length
 * written to alt (allocated, caller frees), 0 when there is no other
 * spelling (another port, not http or https), -1 when out of memory.
 */
static long
url_other_port(const char *url, char **alt)
{
	const char	*auth, *host, *end, *colon, *p;
	const char	*port;
	size_t		 len = strlen(url), plen;
	char		*s;

	*alt = NULL;
	if (strncasecmp(url, "https://", 8) == 0) {
		auth = url + 8;
		port = ":443";
	} else if (strncasecmp(url, "http://", 7) == 0) {
		auth = url + 7;
		port = ":80";
	} else
		return 0;
	end = auth + strcspn(auth, "/?#");
	/* Skip user:password@ and an IPv6 literal's colons. */
	host = auth;
	for (p = auth; p < end; p++)
		if (*p == '@')
			host = p + 1;
	if (*host == '[') {
		if ((p = memchr(host, ']', (size_t)(end - host))) == NULL)
			return 0;
		host = p + 1;
	}
	plen = strlen(port);
	if ((colon = memchr(host, ':', (size_t)(end - host))) != NULL) {
		/* Drop ":443" (":80"); leave any other port alone. */
		if ((size_t)(end - colon) != plen ||
		    memcmp(colon, port, plen) != 0)
			return 0;
		if ((s = malloc(len - plen + 1)) == NULL)
			return -1;
		memcpy(s, url, (size_t)(colon - url));
		memcpy(s + (colon - url), end, len - (size_t)(end - url) + 1);
		*alt = s;
		return (long)(len - plen);
	}
	if ((s = malloc(len + plen + 1)) == NULL)
		return -1;
	memcpy(s, url, (size_t)(end - url));
	memcpy(s + (end - url), port, plen);
	memcpy(s + (end - url) + plen, end, len - (size_t)(end - url) + 1);
	*alt = s;
	return (long)(len + plen);
}

int
twilio_sig_verify(const char *token, const char *url,
    const struct twilio_form *form, const char *signature)
{
	char		 want[TWILIO_SIG_LEN + 1], got[TWILIO_SIG_LEN + 1];
	char		*alt = NULL;
	const char	*s, *e;
	long		 alt_len;
	int		 ok = 0;

	if (signature == NULL)
		return -1;
	for (s = signature; *s == ' ' || *s == '\t'; s++)
		;
	for (e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	if (e - s != TWILIO_SIG_LEN)
		return -1;
	memcpy(got, s, TWILIO_SIG_LEN);
	got[TWILIO_SIG_LEN] = '\0';

	if (sig_of(token, url, strlen(url), form, want) == -1)
		return -1;
	ok |= CRYPTO_memcmp(want, got, TWILIO_SIG_LEN) == 0;
	if ((alt_len = url_other_port(url, &alt)) == -1)
		return -1;
	if (alt != NULL) {
		if (sig_of(token, alt, (size_t)alt_len, form, want) == -1) {
			free(alt);
			return -1;
		}
		ok |= CRYPTO_memcmp(want, got, TWILIO_SIG_LEN) == 0;
		free(alt);
	}
	return ok ? 0 : -1;
}
