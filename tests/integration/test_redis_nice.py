#!/usr/bin/python3
"""redis.child_nice: pagerd lowers the CPU priority of Redis's fork
children (AOF rewrite, snapshot) so that a rewrite during an alert storm
does not take intake's core. Checked on the embedded Redis and on one of
the same user on a unix socket, with real forks made long-lived by
Redis's rdb-key-save-delay; and that 0 leaves them alone."""

import os
import signal
import time

import pagerd_test as pt
from pagerd_test import check, eq, wait_until

t = pt.TestFile("redis_nice")

# The embedded Redis.
emb, EMB = t.spawning_pagerd()

# A Redis of the same user on a unix socket (the harness's).
redis = t.redis()
ext = t.pagerd(redis, name="external")
ext.config["redis"]["child_nice"] = 15


def nice_of(pid):
    """Field 19 of /proc/PID/stat; None once the process is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return int(f.read().rsplit(")", 1)[1].split()[16])
    except (OSError, IndexError, ValueError):
        return None


def redis_pid(client):
    pid = client.info("server").get("process_id")
    if pid is None:
        raise AssertionError("no process_id in INFO server")
    return int(pid)


def slow_fork(client, cmd="BGSAVE"):
    """A fork that lives for seconds: each key it saves waits 50 ms.
    Returns its pid."""
    client.cmd("CONFIG", "SET", "rdb-key-save-delay", "50000")
    for i in range(100):
        client.cmd("SET", "nice:pad:%d" % i, "x")
    pid = redis_pid(client)
    client.cmd(cmd)
    path = "/proc/%d/task/%d/children" % (pid, pid)

    def kid():
        with open(path) as f:
            k = f.read().split()
        return int(k[0]) if k else None
    return wait_until(kid, 5, what="redis-server to fork")


def end_fork(client, kid):
    os.kill(kid, signal.SIGKILL)
    wait_until(lambda: nice_of(kid) is None or
               "Z" in open("/proc/%d/stat" % kid).read().split(")")[1][:3],
               5, what="the fork to end")
    client.cmd("CONFIG", "SET", "rdb-key-save-delay", "0")

    def idle():
        p = client.info("persistence")
        return (p["rdb_bgsave_in_progress"] == "0" and
                p["aof_rewrite_in_progress"] == "0")
    wait_until(idle, 5, what="Redis to see its fork end")


@t.case("the embedded Redis's snapshot child runs at nice 10 (the "
        "default) within a second, counted and logged")
def _():
    emb.ensure()
    off = emb.log_size()
    kid = slow_fork(EMB)
    t0 = time.monotonic()
    wait_until(lambda: nice_of(kid) == 10, 2,
               what="the fork at nice 10 (now %s)" % nice_of(kid))
    pt.diag("reniced %.0f ms after the fork was seen"
            % ((time.monotonic() - t0) * 1000))
    eq(emb.metrics().value("pagerd_redis_children_reniced_total"), 1,
       "pagerd_redis_children_reniced_total")
    wait_until(lambda: "now at nice 10" in emb.log_text(off), 2,
               what="the log line")
    eq(nice_of(redis_pid(EMB)), 0, "redis-server's own nice")
    eq(nice_of(emb.pid), 0, "pagerd's own nice")
    end_fork(EMB, kid)


@t.case("an AOF rewrite of a same-user Redis on a unix socket gets "
        "child_nice (15)")
def _():
    pt.ensure_up(redis, ext)
    kid = slow_fork(redis.client, "BGREWRITEAOF")
    wait_until(lambda: nice_of(kid) == 15, 2,
               what="the fork at nice 15 (now %s)" % nice_of(kid))
    eq(ext.metrics().value("pagerd_redis_children_reniced_total"), 1,
       "pagerd_redis_children_reniced_total")
    end_fork(redis.client, kid)


@t.case("child_nice = 0 (after a reload) leaves the next fork alone")
def _():
    pt.ensure_up(redis, ext)
    before = ext.metrics().value("pagerd_redis_children_reniced_total")
    off = ext.log_size()
    ext.config["redis"]["child_nice"] = 0
    ext.write_config()
    ext.reload()
    wait_until(lambda: "configuration reloaded" in ext.log_text(off), 5,
               what="the reload")
    kid = slow_fork(redis.client)
    time.sleep(0.5)     # five looks
    eq(nice_of(kid), 0, "the fork's nice")
    eq(ext.metrics().value("pagerd_redis_children_reniced_total"), before,
       "pagerd_redis_children_reniced_total")
    end_fork(redis.client, kid)
    ext.config["redis"]["child_nice"] = 15
    ext.write_config()
    ext.reload()


@t.case("child_nice outside 0..19 is a config error naming the line")
def _():
    ext.config["redis"]["child_nice"] = 20
    try:
        ext.write_config()
        r = pt.run([pt.PAGERD, "-t", "-c", ext.conf_path])
    finally:
        ext.config["redis"]["child_nice"] = 15
        ext.write_config()
    check(r.returncode != 0, "pagerd -t accepted child_nice = 20")
    out = r.stdout + r.stderr
    check("child_nice" in out and ext.conf_path + ":" in out,
          "no file:line error for child_nice: %r" % out)


t.run()
