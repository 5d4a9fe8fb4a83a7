#!/usr/bin/python3
"""SIGHUP reloads: a valid change applies without a restart; a broken file
(syntax error, bad value, @include of a directory) keeps the old config
running, counts a failure and logs the error."""

import copy
import os
import re
import signal
import time

import pagerd_test as pt
from pagerd_test import alert, check, eq, expect_error, wait_until

t = pt.TestFile("reload")
redis = t.redis()
pd = t.pagerd(redis)
BASE = copy.deepcopy(pd.config)
R = redis.client
NEW_KEY = "second-key-0123456789"


CLEAN = {"text": None}


def up():
    """Running fixtures with the base config loaded (a failed case may
    have left another one behind)."""
    redis.ensure()
    pd.ensure()
    if CLEAN["text"] is None:
        CLEAN["text"] = open(pd.conf_path).read()
    elif open(pd.conf_path).read() != CLEAN["text"] or (
            pd.config["integrations"] != BASE["integrations"]):
        reset()
    return pd


def reloads(m, result):
    return m.value("pagerd_config_reloads_total", result=result)


def hup_and_wait(result):
    """SIGHUP; wait for pagerd_config_reloads_total{result} to grow.
    Returns the log written since the signal."""
    m0 = pd.metrics()
    log0 = pd.log_size()
    pd.reload()
    wait_until(lambda: reloads(pd.metrics(), result) > reloads(m0, result),
               5, what="pagerd_config_reloads_total{result=%s} to grow"
               % result)
    check(pd.running(), "pagerd died on SIGHUP")
    return pd.log_text(log0)


def reset():
    """Back to the base config, loaded."""
    pd.config = copy.deepcopy(BASE)
    pd.write_config()
    CLEAN["text"] = open(pd.conf_path).read()
    hup_and_wait("success")


t.after_each(pd.assert_serving)


@t.case("SIGHUP with a new integration key: the new key works, the old "
        "one still does, success counted")
def _():
    up()
    expect_error(pd.post_alerts(alert(), key=NEW_KEY), 401, what="before")
    pd.config["integrations"].append({"name": "second", "key": NEW_KEY,
                                      "source": "second"})
    pd.write_config()
    hup_and_wait("success")
    pd.post_ok(alert(), key=NEW_KEY)
    pd.post_ok(alert(), key=pt.KEY)
    reset()


@t.case("SIGHUP with a key removed: that key gets 401 afterwards")
def _():
    up()
    pd.config["integrations"] = [{"name": "second", "key": NEW_KEY,
                                  "source": "second"}]
    pd.write_config()
    hup_and_wait("success")
    expect_error(pd.post_alerts(alert(), key=pt.KEY), 401, what="old key")
    pd.post_ok(alert(), key=NEW_KEY)
    reset()
    pd.post_ok(alert(), key=pt.KEY)


@t.case("SIGHUP with a syntax error: old config keeps running, failure "
        "counted, FILE:LINE logged")
def _():
    up()
    good = open(pd.conf_path).read()
    bad = good + "http: { max_body = = 1; };\n"
    line = bad.count("\n")
    pd.write_config(bad)
    log = hup_and_wait("failure")
    check(re.search(r"%s:%d" % (re.escape(pd.conf_path), line), log),
          "no %s:%d in the log:\n%s" % (pd.conf_path, line, log))
    pd.post_ok(alert())
    reset()


@t.case("SIGHUP with an unknown key and a bad value: old config kept, "
        "both errors logged")
def _():
    up()
    pd.config["http"]["colour"] = "blue"
    pd.config["redis"]["connect_timeout"] = "10m"
    pd.config["integrations"].append({"name": "second", "key": NEW_KEY,
                                      "source": "second"})
    pd.write_config()
    log = hup_and_wait("failure")
    check("http.colour" in log, "http.colour not logged:\n" + log)
    check("redis.connect_timeout" in log,
          "redis.connect_timeout not logged:\n" + log)
    expect_error(pd.post_alerts(alert(), key=NEW_KEY), 401,
                 what="key from the refused config")
    pd.post_ok(alert())
    reset()


@t.case("SIGHUP with @include of a directory: no exit, old config kept, "
        "failure counted")
def _():
    up()
    d = os.path.join(pd.dir, "conf.d")
    os.makedirs(d, exist_ok=True)
    good = open(pd.conf_path).read()
    pd.write_config(good + '@include "conf.d"\n')
    log = hup_and_wait("failure")
    check(pd.running(), "pagerd exited")
    check(pd.conf_path in log, "error does not name the file:\n" + log)
    pd.post_ok(alert())
    reset()


@t.case("SIGHUP with @include of a missing file: old config kept, "
        "failure counted, the include line logged")
def _():
    up()
    good = open(pd.conf_path).read()
    text = good + '@include "missing.conf"\n'
    pd.write_config(text)
    log = hup_and_wait("failure")
    check(re.search(r"%s:%d" % (re.escape(pd.conf_path), text.count("\n")),
                    log), "include line not logged:\n" + log)
    pd.post_ok(alert())


@t.case("SIGHUP when the file is gone: old config kept, failure counted")
def _():
    up()
    os.rename(pd.conf_path, pd.conf_path + ".away")
    try:
        hup_and_wait("failure")
        pd.post_ok(alert())
    finally:
        os.rename(pd.conf_path + ".away", pd.conf_path)
    reset()


@t.case("a fixed file after a failed reload loads fine")
def _():
    up()
    good = open(pd.conf_path).read()
    pd.write_config(good + "bogus = 1;\n")
    hup_and_wait("failure")
    pd.config["integrations"].append({"name": "second", "key": NEW_KEY,
                                      "source": "second"})
    pd.write_config()
    hup_and_wait("success")
    pd.post_ok(alert(), key=NEW_KEY)
    reset()


@t.case("a reload applies new limits: smaller http.max_body gives 413, "
        "smaller limits.summary gives 400")
def _():
    up()
    big = alert(details={"pad": "x" * 8000})
    pd.post_ok(big)
    pd.config["http"]["max_body"] = 4096
    pd.config["limits"]["summary"] = 10
    pd.write_config()
    hup_and_wait("success")
    r = pd.post_alerts(alert(details={"pad": "x" * 8000}))
    eq(r.status, 413, "status with the smaller max_body")
    expect_error(pd.post_alerts(alert(summary="s" * 11)), 400, "summary")
    pd.post_ok(alert(summary="s" * 10))
    reset()
    pd.post_ok(alert(details={"pad": "x" * 8000}))


@t.case("a reload applies new API tokens")
def _():
    up()
    pd.config["api"]["tokens"] = [{"name": "other",
                                   "token": "other-token-0123456789"}]
    pd.write_config()
    hup_and_wait("success")
    expect_error(pd.incidents(), 401, what="old token")
    eq(pd.incidents(token="other-token-0123456789").status, 200, "new token")
    reset()


@t.case("a reload with another http.listen keeps serving on the old "
        "address (listeners are bound once) and says so in the log")
def _():
    up()
    other = pt.free_port()
    pd.config["http"]["listen"] = ["127.0.0.1:%d" % other]
    pd.manage_listen = False
    try:
        pd.write_config()
        log = hup_and_wait("success")
    finally:
        pd.manage_listen = True
    pd.post_ok(alert())
    check("restart" in log.lower(), "no word of a needed restart in the "
          "log:\n" + log)
    reset()


@t.case("a reload with another redis.address moves the store there")
def _():
    up()
    r2 = t.redis("redis2")
    r2.start()
    try:
        pd.config["redis"]["address"] = "unix:" + r2.sock
        pd.write_config()
        hup_and_wait("success")
        a = alert()
        wait_until(lambda: pd.post_alerts(a).status == 202, 5,
                   what="202 with the new Redis")
        check(r2.client.alert(pt.alert_fp(a)), "not in the new Redis")
        check(not R.alert(pt.alert_fp(a)), "stored in the old Redis")
        reset()
        b = alert()
        wait_until(lambda: pd.post_alerts(b).status == 202, 5,
                   what="202 with the old Redis again")
        check(R.alert(pt.alert_fp(b)), "not back in the old Redis")
    finally:
        r2.stop()


@t.case("-s overrides given at start still apply after a reload")
def _():
    # An admin who started pagerd with -s expects it to survive SIGHUP.
    redis.ensure()
    p2 = t.pagerd(redis, name="pagerd-s")
    p2.start(args=["-s", "limits.summary=10"])
    try:
        expect_error(p2.post_alerts(alert(summary="s" * 11)), 400, "summary")
        m0 = p2.metrics()
        p2.config["integrations"].append({"name": "second", "key": NEW_KEY,
                                          "source": "second"})
        p2.write_config()
        p2.reload()
        wait_until(lambda: reloads(p2.metrics(), "success") >
                   reloads(m0, "success"), 5, what="reload")
        p2.post_ok(alert(summary="short"), key=NEW_KEY)
        expect_error(p2.post_alerts(alert(summary="s" * 11)), 400, "summary")
    finally:
        p2.stop()


@t.case("ten SIGHUPs in a row: still serving, no alert lost meanwhile")
def _():
    up()
    for _ in range(10):
        pd.signal(signal.SIGHUP)
        time.sleep(0.01)
        pd.post_ok(alert())
    time.sleep(0.5)
    check(pd.running(), "died")


@t.case("SIGHUP while requests are in flight: every request answered, "
        "none 5xx")
def _():
    import threading
    up()
    errors, done = [], threading.Event()

    def worker():
        while not done.is_set():
            try:
                r = pd.post_alerts(alert())
                if r.status != 202:
                    errors.append(r.status)
            except Exception as e:
                errors.append(repr(e))
    ths = [threading.Thread(target=worker) for _ in range(4)]
    for th in ths:
        th.start()
    try:
        for _ in range(5):
            pd.reload()
            time.sleep(0.2)
    finally:
        done.set()
        for th in ths:
            th.join(10)
    eq(errors, [], "errors")


t.run()
