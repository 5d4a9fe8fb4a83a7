/*
 * tests/plugins/notify_badabi.c — a plugin built for an ABI this pagerd
 * does not speak: the host must refuse it, naming the file, without
 * calling any of it. Built for make check only.
 */
#include "autoconf.h"

#include <stdlib.h>

#include "pagerd_notifier.h"

static void *
bad_create(const char *instance, const struct pagerd_kv *cfg, size_t ncfg,
    const struct pagerd_host *host, struct pagerd_notifier_error *err)
{
	abort();	/* never called: the ABI check comes first */
}

static void
bad_send(void *inst, const struct pagerd_notification *n,
    pagerd_notify_done_cb *done, void *done_arg)
{
	abort();
}

static void
bad_destroy(void *inst)
{
	abort();
}

const struct pagerd_notifier pagerd_notifier_v1 = {
	.abi = PAGERD_NOTIFIER_ABI + 1,
	.name = "badabi",
	.create = bad_create,
	.send = bad_send,
	.destroy = bad_destroy,
};
