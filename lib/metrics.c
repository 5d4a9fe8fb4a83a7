/* lib/metrics.c — stub, being written. */
#include "config.h"
int metrics_stub_;
