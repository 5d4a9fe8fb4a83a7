#!/usr/bin/python3
"""redis.quiet_rewrite: once Redis's AOF has grown (by quiet_rewrite
percent over its last rewrite, and to 64 MB), pagerd asks Redis to
rewrite it as soon as intake has been quiet (no second over quiet_rate
alerts for quiet_for), so that Redis's own rewrite seldom comes during
an alert storm. Checked on the embedded Redis with the defaults, and on
one of the same user on a unix socket while alerts arrive faster and
slower than quiet_rate; 0 leaves the file alone; bad values are config
errors with file:line. The AOF is grown with real writes to Redis."""

import threading
import time

import pagerd_test as pt
from pagerd_test import check, eq, wait_until

t = pt.TestFile("redis_quiet_rewrite")

# The embedded Redis, the defaults (100 %, 100 alerts/s, 10 s).
emb, EMB = t.spawning_pagerd()

# A Redis of the same user on a unix socket (the harness's), with
# Redis's own rewrites off, so that every rewrite here is pagerd's.
redis = t.redis()
ext = t.pagerd(redis, name="external")
ext.config["redis"]["quiet_rate"] = 5
ext.config["redis"]["quiet_for"] = "2s"

PAD = "x" * (1 << 20)


def rewrites(client):
    """Rewrites Redis has started (it counts one as it forks)."""
    return int(client.info("persistence")["aof_rewrites"])


def idle(client):
    i = client.info("persistence")
    return (i["aof_rewrite_in_progress"] == "0" and
            i["aof_rewrite_scheduled"] == "0")


def grow(client, mb=70):
    """The AOF grows by mb MB; the data by 1 MB (one key rewritten)."""
    for _ in range(mb):
        client.cmd("SET", "quiet:pad", PAD)
    i = client.info("persistence")
    pt.diag("AOF %d MB, base %d MB" % (int(i["aof_current_size"]) >> 20,
                                        int(i["aof_base_size"]) >> 20))


@t.case("the embedded Redis's AOF, grown past 64 MB while nothing "
        "arrives, is rewritten at pagerd's request; counted and logged")
def _():
    emb.ensure()
    off = emb.log_size()
    r0 = rewrites(EMB)
    grow(EMB)
    # The spawned Redis rewrites by itself only past 256 MB.
    wait_until(lambda: rewrites(EMB) == r0 + 1, 25,
               what="a rewrite (aof_rewrites %d)" % rewrites(EMB))
    eq(emb.metrics().value("pagerd_redis_quiet_rewrites_total"), 1,
       "pagerd_redis_quiet_rewrites_total")
    wait_until(lambda: "asked for a rewrite" in emb.log_text(off), 2,
               what="the log line")
    wait_until(lambda: idle(EMB), 30, what="the rewrite to end")
    i = EMB.info("persistence")
    check(int(i["aof_current_size"]) < 8 << 20,
          "AOF still %s bytes after the rewrite" % i["aof_current_size"])
    eq(i["aof_last_bgrewrite_status"], "ok", "the rewrite's status")


@t.case("alerts faster than quiet_rate hold the rewrite; it comes "
        "quiet_for after they slow down")
def _():
    pt.ensure_up(redis, ext)
    redis.client.cmd("CONFIG", "SET", "auto-aof-rewrite-percentage", "0")
    wait_until(lambda: idle(redis.client), 30, what="Redis idle")
    r0 = rewrites(redis.client)
    stop = threading.Event()
    posted = [0]

    def post(per_sec):
        while not stop.is_set():
            ext.post_ok(pt.alert())
            posted[0] += 1
            time.sleep(1.0 / per_sec)

    # 20 alerts a second: over quiet_rate (5).
    th = threading.Thread(target=post, args=(20,))
    th.start()
    try:
        time.sleep(1.5)     # a busy second noted before the AOF grows
        grow(redis.client)
        time.sleep(4)
        eq(rewrites(redis.client), r0,
           "rewrites while 20 alerts a second arrive")
    finally:
        stop.set()
        th.join()
    busy_end = time.monotonic()
    pt.diag("posted %d alerts" % posted[0])
    # 3 a second: under quiet_rate, so quiet_for (2 s) on, it asks.
    stop.clear()
    th = threading.Thread(target=post, args=(3,))
    th.start()
    try:
        wait_until(lambda: rewrites(redis.client) == r0 + 1, 10,
                   what="a rewrite once intake slowed down")
    finally:
        stop.set()
        th.join()
    took = time.monotonic() - busy_end
    pt.diag("rewrite asked for %.1f s after the busy spell" % took)
    # The last busy second is noted up to 0.7 s after the spell ends
    # (samples a second apart), quiet_for (2 s) from then.
    check(took >= 1.5, "rewrite %.1f s after the busy spell: quiet_for "
          "(2 s) was not waited for" % took)
    eq(ext.metrics().value("pagerd_redis_quiet_rewrites_total"), 1,
       "pagerd_redis_quiet_rewrites_total")
    wait_until(lambda: idle(redis.client), 30, what="the rewrite to end")


@t.case("quiet_rewrite = 0 (after a reload) leaves a grown AOF alone")
def _():
    pt.ensure_up(redis, ext)
    redis.client.cmd("CONFIG", "SET", "auto-aof-rewrite-percentage", "0")
    wait_until(lambda: idle(redis.client), 30, what="Redis idle")
    off = ext.log_size()
    ext.config["redis"]["quiet_rewrite"] = 0
    ext.write_config()
    ext.reload()
    wait_until(lambda: "configuration reloaded" in ext.log_text(off), 5,
               what="the reload")
    try:
        r0 = rewrites(redis.client)
        before = ext.metrics().value("pagerd_redis_quiet_rewrites_total")
        grow(redis.client)
        time.sleep(4)       # quiet_for twice over
        eq(rewrites(redis.client), r0, "aof_rewrites")
        eq(ext.metrics().value("pagerd_redis_quiet_rewrites_total"),
           before, "pagerd_redis_quiet_rewrites_total")
    finally:
        ext.config["redis"]["quiet_rewrite"] = 100
        ext.write_config()
        ext.reload()


@t.case("quiet_rewrite, quiet_rate and quiet_for out of bounds are "
        "config errors naming the line")
def _():
    for key, bad in (("quiet_rewrite", -1), ("quiet_rewrite", 10001),
                     ("quiet_rate", -5), ("quiet_for", "0s"),
                     ("quiet_for", "2h"), ("quiet_for", "soon")):
        keep = ext.config["redis"].get(key)
        ext.config["redis"][key] = bad
        try:
            ext.write_config()
            r = pt.run([pt.PAGERD, "-t", "-c", ext.conf_path])
        finally:
            if keep is None:
                del ext.config["redis"][key]
            else:
                ext.config["redis"][key] = keep
            ext.write_config()
        check(r.returncode != 0, "pagerd -t accepted %s = %r" % (key, bad))
        out = r.stdout + r.stderr
        check(key in out and ext.conf_path + ":" in out,
              "no file:line error for %s = %r: %r" % (key, bad, out))


t.run()
