#!/usr/bin/python3
"""redis.drop_aof_cache: pagerd drops from the page cache what Redis has
written to its AOF files, so that a storm of writes does not grow memory
by the size of the AOF. Checked with fincore(1) on the real files of
the embedded Redis and of one of the same user on a unix socket: the
cached share of the AOF falls once Redis has written it; with the key
off (and after a reload turns it on) the cache stays (goes); files
other than .aof and .rdb in the directory keep their cache, and a FIFO
named like an AOF does not stop pagerd."""

import glob
import os
import subprocess
import time

import pagerd_test as pt
from pagerd_test import check, wait_until

t = pt.TestFile("redis_aof_cache")

# The embedded Redis (drop_aof_cache defaults to true).
emb, EMB = t.spawning_pagerd()

# A Redis of the same user on a unix socket (the harness's), key off.
redis = t.redis()
ext = t.pagerd(redis, name="external")
ext.config["redis"]["drop_aof_cache"] = False

CHUNK = "x" * 4096


def s(v):
    return v.decode() if isinstance(v, bytes) else v


def aof_dir(client):
    d = s(client.cmd("CONFIG", "GET", "dir")[1])
    sub = s(client.cmd("CONFIG", "GET", "appenddirname")[1])
    return os.path.join(d, sub)


def on_disk(path):
    """tmpfs keeps files in the page cache itself: nothing to drop."""
    kind = subprocess.run(["stat", "-f", "-c", "%T", path],
                          capture_output=True, text=True).stdout.strip()
    if kind in ("tmpfs", "ramfs"):
        raise pt.Skip("%s is on %s" % (path, kind))


def incr_aof(client):
    on_disk(aof_dir(client))
    files = sorted(glob.glob(os.path.join(aof_dir(client), "*.incr.aof")))
    check(files, "no incremental AOF in %s" % aof_dir(client))
    return files[-1]


def cached(path):
    """(bytes of path in the page cache, its size), by fincore(1)."""
    out = subprocess.run(["fincore", "-b", "-n", "-r", "-o", "RES,SIZE",
                          path], capture_output=True, text=True,
                         check=True).stdout.split()
    return int(out[0]), int(out[1])


def share(path):
    res, size = cached(path)
    return res / size if size else 0.0


def write(client, tag, mb=16):
    """mb MB of writes, all appended to the AOF."""
    for i in range(mb * 256 // 64):
        client.cmd("EVAL", "for i = 1, 64 do redis.call('SET', ARGV[1] .. "
                   "i, ARGV[2]) end", "0", "cache:%s:%d:" % (tag, i), CHUNK)


@t.case("the embedded Redis's AOF leaves the page cache once written; "
        "counted and logged")
def _():
    emb.ensure()
    off = emb.log_size()
    write(EMB, "emb")
    path = incr_aof(EMB)
    check(cached(path)[1] >= 16 << 20, "the AOF grew by the writes")
    wait_until(lambda: share(path) < 0.1, 5,
               what="the AOF out of the cache (%.0f %% cached)"
               % (100 * share(path)))
    check(emb.metrics().value("pagerd_redis_aof_cache_drops_total") > 0,
          "pagerd_redis_aof_cache_drops_total")
    check("out of the page cache" in emb.log_text(off) or
          "out of the page cache" in emb.log_text(0), "the log line")


@t.case("files other than .aof and .rdb keep their cache; a FIFO named "
        "like an AOF does not stop pagerd")
def _():
    emb.ensure()
    d = aof_dir(EMB)
    keep = os.path.join(d, "notes.txt")
    with open(keep, "w") as f:
        f.write(CHUNK * 256)            # 1 MB, cached as written
    fifo = os.path.join(d, "trap.aof")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    n = emb.metrics().value("pagerd_redis_aof_cache_drops_total")
    wait_until(lambda: emb.metrics().value(
        "pagerd_redis_aof_cache_drops_total") > n + 1, 5,
        what="two more looks")
    emb.assert_serving()
    check(share(keep) > 0.9, "notes.txt kept its cache (%.0f %%)"
          % (100 * share(keep)))
    os.unlink(fifo)


@t.case("drop_aof_cache = false leaves a same-user Redis's AOF cached; "
        "turned on by a reload, it goes")
def _():
    pt.ensure_up(redis, ext)
    write(redis.client, "ext")
    path = incr_aof(redis.client)
    time.sleep(3)                       # an fsync and three looks
    check(share(path) > 0.9, "the AOF stays cached with the key off "
          "(%.0f %%)" % (100 * share(path)))
    check(not ext.metrics().value("pagerd_redis_aof_cache_drops_total"),
          "nothing dropped")
    off = ext.log_size()
    ext.config["redis"]["drop_aof_cache"] = True
    ext.write_config()
    ext.reload()
    wait_until(lambda: "configuration reloaded" in ext.log_text(off), 5,
               what="the reload")
    wait_until(lambda: share(path) < 0.1, 5,
               what="the AOF out of the cache after the reload "
               "(%.0f %%)" % (100 * share(path)))


@t.case("drop_aof_cache that is not a boolean is a config error naming "
        "the line")
def _():
    ext.config["redis"]["drop_aof_cache"] = "sometimes"
    try:
        ext.write_config()
        r = pt.run([pt.PAGERD, "-t", "-c", ext.conf_path])
    finally:
        ext.config["redis"]["drop_aof_cache"] = True
        ext.write_config()
    check(r.returncode != 0, "pagerd -t accepted drop_aof_cache = "
          "\"sometimes\"")
    out = r.stdout + r.stderr
    check("drop_aof_cache" in out and ext.conf_path + ":" in out,
          "no file:line error for drop_aof_cache: %r" % out)


t.run()
