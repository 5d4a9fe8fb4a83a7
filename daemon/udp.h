/*
 * daemon/udp.h — UDP intake: one JSON alert per datagram, the integration
 * key inside it. Datagrams read in one loop iteration (recvmmsg) are
 * submitted together. Rejects are counted per reason and logged at a
 * limited rate.
 */
#ifndef PAGERD_UDP_H
#define PAGERD_UDP_H

struct pagerd;
struct udp_server;

struct udp_server	*udp_start(struct pagerd *);
void			 udp_stop(struct udp_server *);

#endif /* PAGERD_UDP_H */
