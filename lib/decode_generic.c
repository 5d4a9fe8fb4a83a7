/* lib/decode_generic.c — stub, being written. */
#include "config.h"
int decode_generic_stub_;
