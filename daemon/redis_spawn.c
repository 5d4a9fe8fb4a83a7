/* daemon/redis_spawn.c — stub, being written. */
#include "config.h"
int redis_spawn_stub_;
