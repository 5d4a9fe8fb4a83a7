/* lib/config_include.c — stub, being written. */
#include "config.h"
int config_include_stub_;
