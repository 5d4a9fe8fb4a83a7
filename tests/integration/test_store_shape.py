#!/usr/bin/python3
"""What the store keeps per alert, end to end: a repeat whose content
digest (dg) matches writes only its count and times; a changed repeat
writes its content and a new digest; hashes and per-alert alerts:ends
members that an older pagerd wrote (no digest, one member per alert)
still work and are brought up to date; one alerts:ends member per
incident resolves each alert at its own endsAt."""

import time

import pagerd_test as pt
from pagerd_test import check, eq, expect_status, uniq, wait_until

t = pt.TestFile("store_shape")
redis = t.redis()
R = redis.client
KEY = "shape-key-0123456789"


def configure(p):
    c = p.config
    c["services"] = [{"name": "shape", "group_by": ["alertname"],
                      "group_wait": "0s"}]
    c["integrations"] = c["integrations"] + [
        {"name": "shape", "key": KEY, "service": "shape"}]


pd = t.pagerd(redis)
configure(pd)


def up():
    redis.ensure()
    pd.ensure()
    return pd


def now_ms():
    return int(time.time() * 1000)


def rfc3339(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000.0)) + \
        ".%03dZ" % (ms % 1000)


def send(labels, summary="s", ends_ms=None, **annotations):
    a = {"labels": labels, "annotations": dict(annotations,
                                               summary=summary)}
    if ends_ms is not None:
        a["endsAt"] = rfc3339(ends_ms)
    r = pt.http_request(pd.port, "POST", "/api/v2/alerts", [a],
                        {"Authorization": "Bearer " + KEY})
    expect_status(r, 200, "POST /api/v2/alerts")


def api_alert(iid, fp):
    r = pd.incident(iid)
    expect_status(r, 200, "GET incident %s" % iid)
    for a in r.json()["incident"]["alerts"]:
        if a["fingerprint"] == fp:
            return a
    raise AssertionError("alert %s not in incident %s" % (fp, iid))


@t.case("a repeat with the same content writes count and last_seen only; "
        "a changed one writes its content and a new digest")
def _():
    up()
    labels = {"alertname": uniq("Same"), "team": "x"}
    fp = pt.fingerprint(labels)
    send(labels, "first", description="d1")
    h = R.alert(fp)
    check(h.get("dg", "") != "", "no digest stored: %r" % h)
    dg = h["dg"]
    # Changed behind pagerd's back: a matching repeat must not read or
    # write the details, so this stays.
    R.cmd("HSET", pt.PREFIX + "alert:" + fp, "details", '{"marker":1}')
    time.sleep(0.01)
    send(labels, "first", description="d1")
    h = R.alert(fp)
    eq(h["count"], "2", "count")
    eq(h["dg"], dg, "digest of an unchanged repeat")
    eq(h["details"], '{"marker":1}', "details of an unchanged repeat")
    check(int(h["last_seen"]) > int(h["first_seen"]), "last_seen moved")
    send(labels, "second", description="d2")
    h = R.alert(fp)
    eq(h["count"], "3", "count")
    eq(h["summary"], "second", "summary")
    check(h["dg"] != dg, "digest unchanged after a change")
    check('"d2"' in h["details"], "details not rewritten: %s" % h["details"])
    a = api_alert(h["incident"], fp)
    eq(a["summary"], "second", "API summary")
    eq(a["details"]["annotations"]["description"], "d2", "API details")
    check("dg" not in a, "the digest is not API output")


@t.case("a hash an older pagerd wrote (no digest) reads the same and is "
        "brought up to date by its next repeat")
def _():
    up()
    labels = {"alertname": uniq("Old"), "team": "x"}
    fp = pt.fingerprint(labels)
    send(labels, "now", description="d")
    key = pt.PREFIX + "alert:" + fp
    h = R.alert(fp)
    before = api_alert(h["incident"], fp)
    # The old shape: no dg, and content the current sender changed.
    R.cmd("HDEL", key, "dg")
    R.cmd("HSET", key, "summary", "old summary", "details",
          '{"annotations":{"summary":"old summary"}}')
    old = api_alert(h["incident"], fp)
    eq(old["summary"], "old summary", "an old hash reads as it is")
    send(labels, "now", description="d")
    h = R.alert(fp)
    check(h.get("dg", "") != "", "no digest after the repeat")
    eq(h["summary"], "now", "summary")
    eq(h["count"], "2", "count")
    after = api_alert(h["incident"], fp)
    for k in ("summary", "details", "labels", "status", "severity",
              "service", "source", "first_seen", "incident"):
        eq(after[k], before[k], "API %s" % k)


@t.case("two alerts of one incident with different endsAt: one "
        "alerts:ends member for the incident, each alert resolves at its "
        "own end")
def _():
    up()
    name = uniq("Ends")
    a1 = {"alertname": name, "team": "x", "n": "1"}
    a2 = {"alertname": name, "team": "x", "n": "2"}
    fp1, fp2 = pt.fingerprint(a1), pt.fingerprint(a2)
    t0 = now_ms()
    send(a1, ends_ms=t0 + 1500)
    send(a2, ends_ms=t0 + 60000)
    iid = R.alert(fp1)["incident"]
    eq(R.alert(fp2)["incident"], iid, "one incident")
    member = "incident:" + iid
    score = R.cmd("ZSCORE", pt.PREFIX + "alerts:ends", member)
    check(score is not None and int(float(score)) <= int(
        R.alert(fp1)["ends_at"]), "member %s score %s" % (member, score))
    for fp in (fp1, fp2):
        eq(R.cmd("ZSCORE", pt.PREFIX + "alerts:ends", fp), None,
           "a member per alert")
    wait_until(lambda: R.alert(fp1).get("status") == "resolved", 6,
               what="the first alert to resolve at its end")
    eq(R.alert(fp2)["status"], "firing", "the second alert")
    eq(R.incident(iid)["status"], "triggered", "incident")
    eq(R.incident(iid)["firing_count"], "1", "firing_count")
    wait_until(lambda: R.cmd("ZSCORE", pt.PREFIX + "alerts:ends",
                             member) is not None and
               int(float(R.cmd("ZSCORE", pt.PREFIX + "alerts:ends",
                                member))) == int(R.alert(fp2)["ends_at"]),
               3, what="the member to move to the second end")


@t.case("an older pagerd's alerts:ends member per alert: a passed end "
        "resolves its alert, a future one moves to the incident's member")
def _():
    up()
    z = pt.PREFIX + "alerts:ends"
    l1 = {"alertname": uniq("OldEnds"), "team": "x"}
    l2 = {"alertname": uniq("OldEnds"), "team": "x"}
    fp1, fp2 = pt.fingerprint(l1), pt.fingerprint(l2)
    far = now_ms() + 3600 * 1000
    send(l1, ends_ms=far)
    send(l2, ends_ms=far)
    i1, i2 = R.alert(fp1)["incident"], R.alert(fp2)["incident"]
    # What an older pagerd left: a member per alert, no incident member.
    R.cmd("ZREM", z, "incident:" + i1, "incident:" + i2)
    past = now_ms() - 1000
    R.cmd("HSET", pt.PREFIX + "alert:" + fp1, "ends_at", str(past))
    R.cmd("ZADD", z, str(past), fp1)
    R.cmd("ZADD", z, str(past), fp2)
    wait_until(lambda: R.alert(fp1).get("status") == "resolved", 5,
               what="the alert whose end passed to resolve")
    eq(R.incident(i1)["status"], "resolved", "its incident")
    wait_until(lambda: R.cmd("ZSCORE", z, fp2) is None, 5,
               what="the other alert's member to go")
    eq(R.alert(fp2)["status"], "firing", "the alert whose end is ahead")
    eq(int(float(R.cmd("ZSCORE", z, "incident:" + i2))), far,
       "its incident's member")
    eq(R.cmd("ZSCORE", z, fp1), None, "the resolved alert's member")


t.run()
