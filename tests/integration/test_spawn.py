#!/usr/bin/python3
"""The embedded Redis (redis.spawn = true): pagerd runs its own
redis-server child on state_dir/redis.sock, restarts it when it dies,
stops it on SIGTERM, and takes it down when pagerd itself is killed -9."""

import os
import signal
import stat
import time

import pagerd_test as pt
from pagerd_test import alert, alert_fp, check, eq, wait_until

t = pt.TestFile("spawn")
STATE = os.path.join(t.dir, "state")    # not there yet
SOCK = os.path.join(STATE, "redis.sock")
R = pt.RedisClient(SOCK)

pd = t.pagerd(None)
cfg = pd.config
cfg["state_dir"] = STATE
cfg["redis"] = {"spawn": True, "server": pt.REDIS_SERVER,
                "prefix": pt.PREFIX, "connect_timeout": "1s",
                "reconnect_max": "1s", "command_timeout": "2s"}

seen_children = set()


def comm(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return ""


def redis_children():
    """pagerd's live redis-server children."""
    out = [p for p in pt.children_of(pd.pid)
           if "redis" in comm(p) or any("redis" in a for a in
                                        pt.proc_cmdline(p)[:1])]
    seen_children.update(out)
    return out


def the_child():
    kids = wait_until(redis_children, 5, what="a redis-server child")
    eq(len(kids), 1, "redis-server children %r" % kids)
    return kids[0]


def up():
    return pd.ensure()


@t.after_each
def _no_strays():
    # A child that outlived its pagerd would keep the socket and the AOF.
    for p in list(seen_children):
        if pt.pid_alive(p) and pt.proc_ppid(p) != pd.pid:
            raise AssertionError("redis-server %d outlived its pagerd "
                                 "(ppid now %s)" % (p, pt.proc_ppid(p)))


@t.case("pagerd starts a redis-server child on state_dir/redis.sock and "
        "accepts alerts")
def _():
    up()
    child = the_child()
    eq(pt.proc_ppid(child), pd.pid, "ppid of redis-server")
    check(stat.S_ISSOCK(os.stat(SOCK).st_mode), "%s is not a socket" % SOCK)
    a = alert()
    pd.post_ok(a)
    h = R.alert(alert_fp(a))
    eq(h.get("count"), "1", "stored count")


@t.case("state_dir is created 0700; the socket is not open to others")
def _():
    up()
    mode = stat.S_IMODE(os.stat(STATE).st_mode)
    eq(oct(mode), oct(0o700), "state_dir mode")
    smode = stat.S_IMODE(os.stat(SOCK).st_mode)
    check(smode & 0o007 == 0, "socket mode %s lets others in" % oct(smode))


@t.case("the embedded Redis has no TCP port, AOF on")
def _():
    up()
    eq(R.cmd("CONFIG", "GET", "port")[1], b"0", "port")
    eq(R.cmd("CONFIG", "GET", "appendonly")[1], b"yes", "appendonly")
    eq(R.cmd("CONFIG", "GET", "appendfsync")[1], b"everysec",
       "appendfsync (default)")


@t.case("the embedded Redis rewrites its AOF when the data about "
        "doubles, not at every quarter more (RDB preamble)")
def _():
    up()
    eq(R.cmd("CONFIG", "GET", "aof-use-rdb-preamble")[1], b"yes",
       "aof-use-rdb-preamble")
    eq(R.cmd("CONFIG", "GET", "auto-aof-rewrite-percentage")[1], b"400",
       "auto-aof-rewrite-percentage")
    eq(R.cmd("CONFIG", "GET", "auto-aof-rewrite-min-size")[1],
       b"268435456", "auto-aof-rewrite-min-size")


@t.case("the embedded Redis keeps an alert's hash compact (listpack)")
def _():
    pd = up()
    eq(R.cmd("CONFIG", "GET", "hash-max-listpack-value")[1], b"2048",
       "hash-max-listpack-value")
    a = pt.alert(details={"text": "x" * 500})
    pd.post_ok(a)
    eq(R.cmd("OBJECT", "ENCODING", pt.PREFIX + "alert:" + pt.alert_fp(a)),
       b"listpack", "encoding of an alert with 500 bytes of details")


@t.case("redis-server killed -9: pagerd starts a new one, alerts are "
        "accepted again within 5 s, earlier alerts survive (AOF)")
def _():
    up()
    a = alert()
    first = pd.post_ok(a)[0]
    time.sleep(1.5)                     # appendfsync everysec
    old = the_child()
    os.kill(old, signal.SIGKILL)
    t0 = time.monotonic()
    b = alert()
    wait_until(lambda: pd.post_alerts(b, timeout=2).status == 202, 5,
               what="accepted with a new redis-server")
    pt.diag("accepting again after %.1fs" % (time.monotonic() - t0))
    new = the_child()
    check(new != old, "same pid %d" % new)
    eq(pt.proc_ppid(new), pd.pid, "ppid of the new redis-server")
    again = pd.post_ok(a)[0]
    eq(again["result"], "deduplicated", "earlier alert after the restart")
    eq(again["incident"], first["incident"], "incident")


@t.case("SIGTERM: exit 0, the redis-server child is gone, the socket "
        "removed")
def _():
    up()
    child = the_child()
    a = alert()
    pd.post_ok(a)
    pd.stop(timeout=5, expect=0)
    wait_until(lambda: not pt.pid_alive(child), 2,
               what="redis-server %d to exit" % child)
    check(not os.path.exists(SOCK), "%s still there" % SOCK)


@t.case("after a clean restart the alerts are still there")
def _():
    up()
    a = alert()
    pd.post_ok(a)
    pd.stop()
    pd.start()
    eq(pd.post_ok(a)[0]["result"], "deduplicated", "result after restart")


@t.case("kill -9 pagerd: the redis-server child exits within 3 s "
        "(PDEATHSIG); a new pagerd starts on the same state_dir")
def _():
    up()
    child = the_child()
    a = alert()
    pd.post_ok(a)
    time.sleep(1.2)
    pd.kill9()
    wait_until(lambda: not pt.pid_alive(child), 3,
               what="orphaned redis-server %d to exit" % child)
    seen_children.discard(child)
    pd.start()
    eq(pd.post_ok(a)[0]["result"], "deduplicated", "result after restart")


@t.case("a stale redis.sock left behind does not stop a start")
def _():
    up()
    pd.kill9()
    for p in list(seen_children):
        wait_until(lambda: not pt.pid_alive(p), 3, what="child exit")
    seen_children.clear()
    if not os.path.exists(SOCK):
        import socket
        s = socket.socket(socket.AF_UNIX)
        s.bind(SOCK)                    # a dead socket file
        s.close()
    pd.start()
    pd.post_ok(alert())


@t.case("redis.appendfsync = always reaches the embedded Redis")
def _():
    up()
    pd.stop()
    cfg["redis"]["appendfsync"] = "always"
    try:
        pd.start()
        eq(R.cmd("CONFIG", "GET", "appendfsync")[1], b"always",
           "appendfsync")
        pd.post_ok(alert())
    finally:
        del cfg["redis"]["appendfsync"]
        pd.stop()


@t.case("SIGTERM while the child is being restarted: exit 0, no child left")
def _():
    up()
    old = the_child()
    os.kill(old, signal.SIGKILL)
    time.sleep(0.05)
    pd.stop(timeout=5, expect=0)
    time.sleep(0.5)
    left = [p for p in seen_children if pt.pid_alive(p)]
    eq(left, [], "redis-server processes left")


t.run()
