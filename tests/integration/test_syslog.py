#!/usr/bin/python3
"""Syslog intake: RFC 5424 and RFC 3164 datagrams from util-linux logger
(a real sender) and hand-written lines. Lines a syslog.rules entry matches
become alerts built from the rule's templates; the rest are counted as
unmatched and stored nowhere."""

import shutil
import subprocess
import time

import pagerd_test as pt
from pagerd_test import check, eq, wait_until

t = pt.TestFile("syslog")
redis = t.redis()
pd = t.pagerd(redis)
R = redis.client
SL_PORT = pt.free_port(pt.socket.SOCK_DGRAM)
pd.config["syslog"] = {
    "listen": ["127.0.0.1:%d" % SL_PORT],
    "source": "syslog",
    "rules": [
        # logger cannot send facility kern (userland gets user), so
        # the rule takes both.
        {"name": "disk", "facility": ["kern", "user"], "severity": "err",
         "message": "I/O error, dev ([a-z]+)",
         "summary": "{host}: disk {1} failing", "dedup_key": "{host}/{1}",
         "labels": ["team=storage"]},
        {"name": "oom", "severity": "warning", "app": "^oomd$",
         "summary": "{host}: {message}"},
    ],
}
LOGGER = shutil.which("logger")


up = t.serving(redis, pd)


def send(line):
    s = pt.socket.socket(pt.socket.AF_INET, pt.socket.SOCK_DGRAM)
    s.sendto(line if isinstance(line, bytes) else line.encode(),
             ("127.0.0.1", SL_PORT))
    s.close()


def find(pred):
    for k in R.alert_keys():
        h = R.alert(k[len(pt.PREFIX + "alert:"):])
        if pred(h):
            return h
    return None


def syslog_count(result):
    return pd.metrics().value("pagerd_syslog_messages_total", result=result)


@t.case("an RFC 5424 line from logger that a rule matches becomes an "
        "alert built from the rule's templates")
def _():
    if LOGGER is None:
        raise pt.Skip("logger (util-linux) not installed")
    up()
    dev = "".join(chr(ord("a") + int(c) % 26) for c in
                  str(time.time_ns())[-8:])
    subprocess.run([LOGGER, "-n", "127.0.0.1", "-P", str(SL_PORT), "-d",
                    "--rfc5424", "-p", "user.err", "-t", "kernel",
                    "I/O error, dev %s, sector 99" % dev], check=True,
                   timeout=5)
    h = wait_until(lambda: find(lambda a: (a.get("dedup_key") or "")
                                .endswith("/" + dev)), 5,
                   what="syslog alert stored")
    host = h["dedup_key"][:-len(dev) - 1]
    check(host != "", "host in the dedup key")
    eq(h.get("summary"), "%s: disk %s failing" % (host, dev), "summary")
    eq(h.get("source"), "syslog", "source")
    eq(h.get("severity"), "err", "severity")
    check('"team":"storage"' in h.get("labels", ""), "labels %r" %
          h.get("labels"))


@t.case("an RFC 3164 line from logger matches by app-name; a repeat is "
        "deduplicated")
def _():
    if LOGGER is None:
        raise pt.Skip("logger (util-linux) not installed")
    up()
    token = pt.uniq("java")
    for _ in range(2):
        subprocess.run([LOGGER, "-n", "127.0.0.1", "-P", str(SL_PORT), "-d",
                        "--rfc3164", "-p", "daemon.crit", "-t", "oomd",
                        "killed " + token], check=True, timeout=5)
        time.sleep(0.2)
    h = wait_until(lambda: find(lambda a: token in (a.get("summary") or "")
                                and a.get("count") == "2"), 5,
                   what="one alert seen twice")
    check(h["summary"].endswith(": killed " + token), "summary %r" %
          h["summary"])
    check('"app":"oomd"' in h["labels"] and '"rule":"oom"' in h["labels"],
          "labels %r" % h["labels"])


@t.case("lines no rule matches are counted as unmatched and not stored")
def _():
    up()
    before = syslog_count("unmatched")
    n0 = len(R.alert_keys())
    send("<14>Nov 25 10:00:00 h1 cron[1]: nothing to see")
    send("<3>1 2026-11-25T10:00:00Z h1 kernel - - - not a disk error")
    send("<7>Nov 25 10:00:00 h1 oomd: debug is below the warning threshold")
    wait_until(lambda: syslog_count("unmatched") == before + 3, 3,
               what="3 unmatched")
    time.sleep(0.2)
    eq(len(R.alert_keys()), n0, "alerts stored")


@t.case("garbage, empty and oversized datagrams do no harm")
def _():
    up()
    send(b"")
    send(b"\x00\xff\xfe garbage <999>")
    send(b"<3>1 " + b"x" * 9000)
    send(b"<3>Nov 25 10:00:00 " + b"h" * 300 + b" kernel: I/O error, dev "
         b"sdz")
    time.sleep(0.3)
    pd.assert_serving()


t.run()
