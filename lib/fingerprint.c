/* lib/fingerprint.c — stub, being written. */
#include "config.h"
int fingerprint_stub_;
