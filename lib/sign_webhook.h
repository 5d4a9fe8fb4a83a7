/*
 * lib/sign_webhook.h — the signature the webhook notifier puts on each
 * POST, so the receiver can tell pagerd's requests from forgeries and
 * replays:
 *
 *	X-Pagerd-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>
 *
 * v1 = HMAC-SHA256(secret, "<t>.<body>"), lower-case hex: the scheme of
 * pagerd's signed UDP datagrams (lib/udp_sig.h, whose MAC code this
 * uses), in seconds here, the unit webhook receivers expect. A receiver
 * checks the MAC and that t is recent. Pure: the time is a parameter.
 */
#ifndef PAGERD_SIGN_WEBHOOK_H
#define PAGERD_SIGN_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

#define SIGN_WEBHOOK_HEADER	"X-Pagerd-Signature"
/* "t=" 20 digits ",v1=" 64 hex digits, NUL. */
#define SIGN_WEBHOOK_SIZE	96

/*
 * The header value for body (len bytes) sent at t (>= 0), into out.
 * Returns 0, or -1 when secret is empty or the MAC cannot be computed
 * (out of memory); out is then "".
 */
int	sign_webhook_value(const char *secret, int64_t t, const char *body,
	    size_t len, char out[SIGN_WEBHOOK_SIZE]);

/*
 * NAME
 *	sign_webhook_verify — the receiving end, for tests and for users
 *	who write their receiver in C
 * DESCRIPTION
 *	value is the header's value: comma-separated key=value pairs with
 *	exactly one t and one or more v1 (a sender rotating its secret
 *	may send one per secret); other keys are ignored, so a later
 *	scheme can be added beside v1. Upper-case hex is accepted. The MAC
 *	is compared in constant time, and checked before the time so a
 *	forged t tells nothing about the clock.
 * RETURNS
 *	0 when a v1 matches and |now - t| <= tolerance_s; -1 with a reason
 *	in err otherwise.
 */
int	sign_webhook_verify(const char *secret, const char *value,
	    const char *body, size_t len, int64_t now, int64_t tolerance_s,
	    char *err, size_t errlen);

#endif /* PAGERD_SIGN_WEBHOOK_H */
