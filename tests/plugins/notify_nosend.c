/*
 * tests/plugins/notify_nosend.c — a plugin of the right ABI that lacks
 * send(): the host must refuse it by name. Built for make check only.
 */
#include "autoconf.h"

#include <stdlib.h>

#include "pagerd_notifier.h"

static void *
ns_create(const char *instance, const struct pagerd_kv *cfg, size_t ncfg,
    const struct pagerd_host *host, struct pagerd_notifier_error *err)
{
	abort();	/* never called: the check comes first */
}

static void
ns_destroy(void *inst)
{
	abort();
}

const struct pagerd_notifier pagerd_notifier_v1 = {
	.abi = PAGERD_NOTIFIER_ABI,
	.name = "nosend",
	.create = ns_create,
	.destroy = ns_destroy,
};
