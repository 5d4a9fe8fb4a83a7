/* daemon/udp.c — stub, being written. */
#include "config.h"
int udp_stub_;
