/*
 * lib/udp_sig.h — signed UDP datagrams. UDP has no connection to
 * authenticate and a key sent in clear text can be sniffed and replayed,
 * so an integration may instead sign each datagram:
 *
 *	PAGERD-SIG t=<unix ms>,k=<integration name>,v1=<64 hex digits>\n
 *	<the JSON alert, without "key">
 *
 * v1 = HMAC-SHA256(integration key, "<t>.<JSON bytes>"), lower-case hex.
 * The timestamp bounds replays to the allowed skew; within it, the
 * daemon's replay cache (lib/replay.h) refuses a MAC seen before.
 * Pure: the caller supplies the time and the key.
 */
#ifndef PAGERD_UDP_SIG_H
#define PAGERD_UDP_SIG_H

#include <stddef.h>
#include <stdint.h>

#define UDP_SIG_PREFIX	"PAGERD-SIG "

struct udp_sig {
	int64_t		 t_ms;		/* sender's clock */
	char		 name[129];	/* integration name */
	unsigned char	 mac[32];
	const char	*body;		/* points into the datagram */
	size_t		 body_len;
};

/*
 * Parse the signature line of dg (len bytes). Returns 0 when the
 * datagram is not signed (does not start with UDP_SIG_PREFIX), 1 with
 * *out filled (body points into dg), or -1 with a reason in err when the
 * signature line is malformed.
 */
int	udp_sig_parse(const char *dg, size_t len, struct udp_sig *out,
	    char *err, size_t errlen);

/*
 * 0 when sig's MAC is right for key (compared in constant time) and
 * |now_ms - t| <= max_skew_ms; -1 with a reason in err otherwise.
 */
int	udp_sig_verify(const struct udp_sig *sig, const char *key,
	    int64_t now_ms, int64_t max_skew_ms, char *err, size_t errlen);

/* The v1 MAC of body for key and t_ms, as 64 hex digits plus NUL. */
void	udp_sig_mac_hex(const char *key, int64_t t_ms, const char *body,
	    size_t len, char hex[65]);

#endif /* PAGERD_UDP_SIG_H */
