/* daemon/store.c — stub, being written. */
#include "config.h"
int store_stub_;
