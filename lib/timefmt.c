/* lib/timefmt.c — stub, being written. */
#include "config.h"
int timefmt_stub_;
