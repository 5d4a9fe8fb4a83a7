/* lib/config.c — stub, being written. */
#include "config.h"
int config_stub_;
