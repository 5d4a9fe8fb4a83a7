/* lib/perr.c — stub, being written. */
#include "config.h"
int perr_stub_;
