#!/usr/bin/python3
"""Signed UDP datagrams: a PAGERD-SIG line with an HMAC-SHA256 over the
timestamp and the JSON. Good ones are stored; a wrong MAC, a stale or
future timestamp, a replay, an unknown integration and (with
udp.require_signature) an unsigned datagram are refused and counted."""

import hashlib
import hmac
import json
import time

import pagerd_test as pt
from pagerd_test import eq, wait_until

t = pt.TestFile("udp_signed")
redis = t.redis()
pd = t.pagerd(redis)
pd.config.setdefault("udp", {})["require_signature"] = True
pd.config["udp"]["max_skew"] = "60s"
R = redis.client


up = t.serving(redis, pd)


def signed(alert, key=pt.KEY, name="prom", t_ms=None):
    body = json.dumps(alert).encode()
    t_ms = int(time.time() * 1000) if t_ms is None else t_ms
    mac = hmac.new(key.encode(), str(t_ms).encode() + b"." + body,
                   hashlib.sha256).hexdigest()
    return ("PAGERD-SIG t=%d,k=%s,v1=%s\n" % (t_ms, name, mac)).encode() + \
        body


def rejects(reason):
    return pd.metrics().value("pagerd_udp_rejects_total", reason=reason)


def refused(payload, reason, what):
    up()
    before = rejects(reason)
    n0 = len(R.alert_keys())
    pd.udp_send(payload)
    wait_until(lambda: rejects(reason) == before + 1, 3,
               what="%s counted as %s" % (what, reason))
    time.sleep(0.1)
    eq(len(R.alert_keys()), n0, "%s: nothing stored" % what)


@t.case("a correctly signed datagram is stored")
def _():
    up()
    a = {"summary": "signed " + pt.uniq(), "labels": {"k": pt.uniq()}}
    pd.udp_send(signed(a))
    fp = pt.fingerprint(a["labels"])
    wait_until(lambda: R.alert(fp).get("status") == "firing", 3,
               what="signed alert stored")
    eq(R.alert(fp).get("source"), "prometheus", "source of the integration")


@t.case("the same datagram sent twice is refused the second time (replay)")
def _():
    up()
    a = {"summary": "replay " + pt.uniq(), "labels": {"k": pt.uniq()}}
    dg = signed(a)
    pd.udp_send(dg)
    fp = pt.fingerprint(a["labels"])
    wait_until(lambda: R.alert(fp).get("status") == "firing", 3,
               what="first copy stored")
    refused(dg, "replay", "the replayed copy")
    eq(R.alert(fp).get("count"), "1", "count after the replay")


@t.case("a tampered body, a wrong key and an unknown integration are "
        "refused")
def _():
    a = {"summary": "tamper", "labels": {"k": pt.uniq()}}
    dg = signed(a).replace(b"tamper", b"tampe2")
    refused(dg, "bad_signature", "tampered body")
    refused(signed(a, key="some-other-key-123"), "bad_signature",
            "wrong key")
    refused(signed(a, name="nobody"), "unknown_key", "unknown integration")


@t.case("a timestamp more than udp.max_skew old or ahead is refused as "
        "stale")
def _():
    now = int(time.time() * 1000)
    refused(signed({"summary": "old"}, t_ms=now - 120000), "stale",
            "2 minutes old")
    refused(signed({"summary": "ahead"}, t_ms=now + 120000), "stale",
            "2 minutes ahead")


@t.case("with udp.require_signature an unsigned datagram carrying its key "
        "is refused")
def _():
    d = {"key": pt.KEY, "summary": "plain", "labels": {"k": pt.uniq()}}
    refused(json.dumps(d).encode(), "unsigned", "unsigned datagram")


@t.case("a malformed signature line is refused")
def _():
    refused(b"PAGERD-SIG t=1,k=prom\n{}", "bad_signature", "no v1")


t.run()
