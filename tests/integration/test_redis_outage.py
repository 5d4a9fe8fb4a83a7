#!/usr/bin/python3
"""Redis going away and coming back (redis.spawn = false): 503 with
Retry-After while it is gone, recovery without a restart, nothing that got
a 2xx is lost — not even when pagerd is killed -9."""

import signal
import threading
import time

import pagerd_test as pt
from pagerd_test import alert, alert_fp, check, eq, expect_error, uniq, \
    wait_until

t = pt.TestFile("redis_outage")
redis = t.redis()
pd = t.pagerd(redis)
R = redis.client


def up():
    redis.ensure()
    pd.ensure()
    wait_until(lambda: pd.healthz(timeout=2).status == 200, 10,
               what="healthy pagerd")
    return pd


def expect_unavailable(r, what):
    """503, Retry-After in seconds, JSON error."""
    expect_error(r, 503, what=what)
    ra = r.header("Retry-After")
    check(ra is not None, "%s: no Retry-After header" % what)
    check(ra.strip().isdigit() and 0 < int(ra) <= 120,
          "%s: Retry-After %r is not a small number of seconds" % (what, ra))


@t.case("Redis stopped: POST gets 503 with Retry-After, /healthz 503 with "
        "a reason, pagerd_redis_up 0; nothing answered 2xx")
def _():
    up()
    redis.stop()
    try:
        # The first request may be the one that notices: allow a moment.
        wait_until(lambda: pd.healthz(timeout=3).status == 503, 5,
                   what="/healthz 503")
        for _ in range(3):
            expect_unavailable(pd.post_alerts(alert(), timeout=8), "POST")
        r = pd.healthz()
        j = r.json()
        eq(j.get("status"), "unavailable", "healthz status")
        check(isinstance(j.get("reason"), str) and j["reason"],
              "no reason in %r" % j)
        m = pd.metrics()
        eq(m.get("pagerd_redis_up"), 0.0, "pagerd_redis_up")
        check(m.sum("pagerd_http_requests_total", code="503") >= 3,
              "503s not counted")
    finally:
        redis.ensure()


@t.case("Redis back on the same socket: accepted again within 5 s, no "
        "restart; reconnect counted, pagerd_redis_up 1")
def _():
    up()
    pid = pd.pid
    m0 = pd.metrics()
    redis.stop()
    wait_until(lambda: pd.healthz(timeout=3).status == 503, 5,
               what="/healthz 503")
    redis.start()
    t0 = time.monotonic()
    a = alert()
    wait_until(lambda: pd.post_alerts(a, timeout=3).status == 202, 5,
               what="202 after Redis came back")
    pt.diag("accepting again %.1fs after Redis was back"
            % (time.monotonic() - t0))
    check(R.alert(alert_fp(a)), "not stored")
    eq(pd.pid, pid, "pagerd pid")
    eq(pd.healthz().status, 200, "/healthz")
    m = pd.metrics()
    eq(m.get("pagerd_redis_up"), 1.0, "pagerd_redis_up")
    check(m.value("pagerd_redis_reconnects_total") >
          m0.value("pagerd_redis_reconnects_total"),
          "pagerd_redis_reconnects_total did not grow")


@t.case("alerts from before the outage survive it (AOF) and deduplicate "
        "afterwards")
def _():
    up()
    a = alert()
    first = pd.post_ok(a)[0]
    redis.stop()
    redis.start()
    wait_until(lambda: pd.post_alerts(alert(), timeout=3).status == 202, 5,
               what="accepted again")
    again = pd.post_ok(a)[0]
    eq(again["result"], "deduplicated", "result")
    eq(again["incident"], first["incident"], "incident")
    eq(R.alert(first["fingerprint"]).get("count"), "2", "count")


@t.case("pagerd started while Redis is down: /healthz 503, then healthy "
        "once Redis starts")
def _():
    pd.stop()
    redis.stop()
    pd.start(wait="any")
    eq(pd.healthz().status, 503, "/healthz without Redis")
    expect_unavailable(pd.post_alerts(alert(), timeout=8), "POST")
    redis.start()
    wait_until(lambda: pd.healthz(timeout=2).status == 200, 5,
               what="healthy after Redis started")
    pd.post_ok(alert())


@t.case("Redis hanging (SIGSTOP): a POST gets 503 within command_timeout "
        "+ 2 s, not a hang; recovery after SIGCONT")
def _():
    up()
    redis.proc.send_signal(signal.SIGSTOP)
    try:
        t0 = time.monotonic()
        r = pd.post_alerts(alert(), timeout=10)
        dt = time.monotonic() - t0
        pt.diag("answered %d after %.1fs" % (r.status, dt))
        expect_unavailable(r, "POST to a hung Redis")
        check(dt < 2 + 2, "took %.1fs (command_timeout is 2s)" % dt)
    finally:
        redis.proc.send_signal(signal.SIGCONT)
    a = alert()
    wait_until(lambda: pd.post_alerts(a, timeout=3).status == 202, 6,
               what="accepted after SIGCONT")


@t.case("Redis restarted with an empty script cache (SCRIPT FLUSH): "
        "alerts are accepted again within 5 s")
def _():
    up()
    R.cmd("SCRIPT", "FLUSH")
    a = alert()
    wait_until(lambda: pd.post_alerts(a, timeout=3).status == 202, 5,
               what="accepted after SCRIPT FLUSH")
    check(R.alert(alert_fp(a)), "not stored")


@t.case("kill -9 pagerd after 200 accepted alerts, restart: all 200 are in "
        "Redis and deduplicate")
def _():
    up()
    batch = [alert(dedup_key=uniq("k9")) for _ in range(200)]
    for i in range(0, 200, 10):
        pd.post_ok(batch[i:i + 5])              # batches
        for a in batch[i + 5:i + 10]:
            pd.post_ok(a)                       # and single alerts
    pd.kill9()
    pd.start()
    missing = [a["dedup_key"] for a in batch if not R.alert(a["dedup_key"])]
    eq(missing, [], "alerts missing after kill -9")
    eq(pd.post_ok(batch[0])[0]["result"], "deduplicated", "after restart")


@t.case("kill -9 pagerd under load: every alert answered 202 is in Redis")
def _():
    up()
    accepted, lock, stop = [], threading.Lock(), threading.Event()

    def worker():
        while not stop.is_set():
            a = alert(dedup_key=uniq("load"))
            try:
                r = pd.post_alerts(a, timeout=3)
            except Exception:
                continue
            if r.status == 202:
                with lock:
                    accepted.append(a["dedup_key"])
    ths = [threading.Thread(target=worker) for _ in range(6)]
    for th in ths:
        th.start()
    time.sleep(1.5)
    pd.kill9()
    stop.set()
    for th in ths:
        th.join(10)
    pt.diag("%d alerts accepted before kill -9" % len(accepted))
    check(len(accepted) > 20, "too few accepted to mean anything")
    missing = [k for k in accepted if not R.alert(k)]
    eq(missing, [], "accepted alerts missing in Redis")
    pd.start()


@t.case("Redis killed -9 and restarted: recovery without a pagerd restart")
def _():
    up()
    pid = pd.pid
    a = alert()
    pd.post_ok(a)
    time.sleep(1.2)                     # appendfsync everysec
    redis.kill()
    wait_until(lambda: pd.healthz(timeout=3).status == 503, 5,
               what="/healthz 503")
    redis.start()
    b = alert()
    wait_until(lambda: pd.post_alerts(b, timeout=3).status == 202, 5,
               what="accepted again")
    eq(pd.pid, pid, "pid")
    check(R.alert(alert_fp(a)), "alert from before the kill lost")


@t.case("Redis stopped under load: every request is 202 or 503, and every "
        "202 is in Redis once it is back")
def _():
    up()
    got, lock, stop = {}, threading.Lock(), threading.Event()

    def worker():
        while not stop.is_set():
            a = alert(dedup_key=uniq("rload"))
            try:
                r = pd.post_alerts(a, timeout=8)
                st = r.status
            except Exception as e:
                st = repr(e)
            with lock:
                got[a["dedup_key"]] = st
    ths = [threading.Thread(target=worker) for _ in range(6)]
    for th in ths:
        th.start()
    try:
        time.sleep(0.7)
        redis.stop()                    # SIGTERM: Redis writes its AOF
        time.sleep(0.7)
    finally:
        stop.set()
        for th in ths:
            th.join(15)
        redis.ensure()
    statuses = {}
    for st in got.values():
        statuses[st] = statuses.get(st, 0) + 1
    pt.diag("answers: %r" % statuses)
    odd = {k: v for k, v in statuses.items() if k not in (202, 503)}
    eq(odd, {}, "answers other than 202 and 503")
    check(statuses.get(202, 0) > 10 and statuses.get(503, 0) > 0,
          "the outage did not happen under load: %r" % statuses)
    missing = [k for k, st in got.items() if st == 202 and not R.alert(k)]
    eq(missing, [], "alerts answered 202 but not in Redis")


@t.case("SIGTERM with a request waiting on Redis: the request is answered "
        "(202 or 503), exit 0 within 5 s")
def _():
    up()
    res = {}

    def post():
        try:
            res["r"] = pd.post_alerts(alert(), timeout=10)
        except Exception as e:
            res["r"] = e
    redis.proc.send_signal(signal.SIGSTOP)
    try:
        th = threading.Thread(target=post)
        th.start()
        time.sleep(0.5)                 # the POST is now waiting on Redis
        pd.signal(signal.SIGTERM)
        time.sleep(0.3)
    finally:
        redis.proc.send_signal(signal.SIGCONT)
    th.join(10)
    rc = pd.stop(timeout=5, expect=0)
    eq(rc, 0, "exit status")
    r = res.get("r")
    check(isinstance(r, pt.Response) and r.status in (202, 503),
          "in-flight request got %r" % (r,))


@t.case("SIGTERM while Redis is down: exit 0 within 5 s")
def _():
    up()
    redis.stop()
    try:
        wait_until(lambda: pd.healthz(timeout=3).status == 503, 5,
                   what="/healthz 503")
        pd.stop(timeout=5, expect=0)
    finally:
        redis.ensure()


@t.case("Redis refuses only the paging connection (maxclients): /healthz "
        "503 naming it, pagerd_redis_up 0, alerts still accepted; healthy "
        "again once Redis takes it")
def _():
    up()
    adm = R.session()
    try:
        lines = adm.cmd("CLIENT", "LIST").decode().splitlines()
        page = [ln for ln in lines if " name=pagerd-page " in ln]
        eq(len(page), 1, "one paging connection: %r" % lines)
        cid = page[0].split()[0].split("=")[1]
        # After the kill every slot is taken (this one included): the
        # paging connection's reconnects are refused, the intake stays.
        adm.cmd("CONFIG", "SET", "maxclients", str(len(lines) - 1))
        adm.cmd("CLIENT", "KILL", "ID", cid)
        wait_until(lambda: pd.healthz(timeout=3).status == 503, 5,
                   what="/healthz 503")
        j = pd.healthz().json()
        eq(j.get("status"), "unavailable", "status")
        pt.diag("healthz: %r" % j)
        check("paging connection" in j.get("reason", ""),
              "the reason names it: %r" % j)
        eq(pd.metrics().value("pagerd_redis_up"), 0, "pagerd_redis_up")
        a = alert()
        r = pd.post_alerts(a)
        check(200 <= r.status < 300, "intake still takes alerts: %d %r" % (
            r.status, r.body))
    finally:
        adm.cmd("CONFIG", "SET", "maxclients", "10000")
        adm.close()
    wait_until(lambda: pd.healthz(timeout=2).status == 200, 10,
               what="healthy again")
    eq(pd.metrics().value("pagerd_redis_up"), 1, "pagerd_redis_up")
    check(R.alert(alert_fp(a)), "the alert taken meanwhile is stored")


t.run()
