#!/usr/bin/python3
"""What the store keeps per alert, end to end: short field names, and
source and service only when they are not the incident's (the API shows
the same); a repeat whose content digest (dg) matches writes only its
count and times; a changed repeat writes its content and a new digest;
alert hashes with the long field names of an older pagerd are migrated
once at connect and read the same; per-alert alerts:ends members of an
older pagerd still work; one alerts:ends member per incident resolves
each alert at its own endsAt."""

import time

import pagerd_test as pt
from pagerd_test import check, eq, expect_status, rfc3339, uniq, \
    wait_until

t = pt.TestFile("store_shape")
redis = t.redis()
R = redis.client
KEY = "shape-key-0123456789"
KEY2 = "shape2-key-0123456789"


def configure(p):
    c = p.config
    c["services"] = [{"name": "shape", "group_by": ["alertname"],
                      "group_wait": "0s"}]
    c["integrations"] = c["integrations"] + [
        {"name": "shape", "key": KEY, "service": "shape"},
        {"name": "shape2", "key": KEY2, "service": "shape",
         "source": "other"}]


pd = t.pagerd(redis)
configure(pd)


def up():
    redis.ensure()
    pd.ensure()
    return pd


def now_ms():
    return int(time.time() * 1000)


def send(labels, summary="s", ends_ms=None, key=KEY, **annotations):
    a = {"labels": labels, "annotations": dict(annotations,
                                               summary=summary)}
    if ends_ms is not None:
        a["endsAt"] = rfc3339(ends_ms)
    r = pt.http_request(pd.port, "POST", "/api/v2/alerts", [a],
                        {"Authorization": "Bearer " + key})
    expect_status(r, 200, "POST /api/v2/alerts")


def two(prefix):
    """Labels and fingerprints of two alerts of different groups."""
    la = {"alertname": uniq(prefix), "team": "x"}
    lb = {"alertname": uniq(prefix), "team": "x"}
    return la, lb, pt.fingerprint(la), pt.fingerprint(lb)


def api_alert(iid, fp):
    r = pd.incident(iid)
    expect_status(r, 200, "GET incident %s" % iid)
    for a in r.json()["incident"]["alerts"]:
        if a["fingerprint"] == fp:
            return a
    raise AssertionError("alert %s not in incident %s" % (fp, iid))


@t.case("a first repeat whose stored content differs writes the content "
        "and its digest; a repeat with the same digest writes count and "
        "last_seen only; a changed one writes its content and a new "
        "digest")
def _():
    up()
    labels = {"alertname": uniq("Same"), "team": "x"}
    fp = pt.fingerprint(labels)
    send(labels, "first", description="d1")
    h = R.alert(fp)
    check("dg" not in h, "a digest stored before the first repeat: %r" % h)
    # The stored details differ from what is sent (changed behind
    # pagerd's back): the first repeat compares, so it writes the
    # content and the digest.
    R.cmd("HSET", pt.PREFIX + "alert:" + fp, "d", '{"marker":0}')
    send(labels, "first", description="d1")
    h = R.alert(fp)
    eq(h["count"], "2", "count")
    check(h.get("dg", "") != "", "no digest after the first repeat: %r" % h)
    check('"d1"' in h["details"], "details not written by the first "
          "repeat: %s" % h["details"])
    dg = h["dg"]
    # Changed behind pagerd's back: a matching repeat must not read or
    # write the details, so this stays.
    R.cmd("HSET", pt.PREFIX + "alert:" + fp, "d", '{"marker":1}')
    time.sleep(0.01)
    send(labels, "first", description="d1")
    h = R.alert(fp)
    eq(h["count"], "3", "count")
    eq(h["dg"], dg, "digest of an unchanged repeat")
    eq(h["details"], '{"marker":1}', "details of an unchanged repeat")
    check(int(h["last_seen"]) > int(h["first_seen"]), "last_seen moved")
    send(labels, "second", description="d2")
    h = R.alert(fp)
    eq(h["count"], "4", "count")
    eq(h["summary"], "second", "summary")
    check(h["dg"] != dg, "digest unchanged after a change")
    check('"d2"' in h["details"], "details not rewritten: %s" % h["details"])
    a = api_alert(h["incident"], fp)
    eq(a["summary"], "second", "API summary")
    eq(a["details"]["annotations"]["description"], "d2", "API details")
    check("dg" not in a, "the digest is not API output")


@t.case("a hash with no digest reads the same and is brought up to date "
        "by its next repeat")
def _():
    up()
    labels = {"alertname": uniq("Old"), "team": "x"}
    fp = pt.fingerprint(labels)
    send(labels, "now", description="d")
    key = pt.PREFIX + "alert:" + fp
    h = R.alert(fp)
    before = api_alert(h["incident"], fp)
    # As before digests: no dg, and content the sender changed since.
    R.cmd("HDEL", key, "h")
    R.cmd("HSET", key, "m", "old summary", "d",
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
    l1, l2, fp1, fp2 = two("OldEnds")
    far = now_ms() + 3600 * 1000
    send(l1, ends_ms=far)
    send(l2, ends_ms=far)
    i1, i2 = R.alert(fp1)["incident"], R.alert(fp2)["incident"]
    # What an older pagerd left: a member per alert, no incident member.
    R.cmd("ZREM", z, "incident:" + i1, "incident:" + i2)
    past = now_ms() - 1000
    R.cmd("HSET", pt.PREFIX + "alert:" + fp1, "e", str(past))
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


@t.case("short field names; source, service and level 3 stored only when "
        "not the incident's (or not sev3); the API shows them all")
def _():
    up()
    name = uniq("Src")
    l1 = {"alertname": name, "n": "1"}
    l2 = {"alertname": name, "n": "2"}
    f1, f2 = pt.fingerprint(l1), pt.fingerprint(l2)
    send(l1, "one")
    send(l2, "two", key=KEY2)
    r1, r2 = R.alert_raw(f1), R.alert_raw(f2)
    eq(r1["i"], r2["i"], "one incident")
    for k in ("status", "incident", "summary", "labels", "count"):
        check(k not in r1, "long name %s stored" % k)
    eq(r1.get("s"), "firing", "s")
    check("o" not in r1 and "V" not in r1 and "v" not in r1,
          "the incident's source/service or level 3 stored: %r" % r1)
    eq(r2.get("o"), "other", "the second alert's own source")
    check("V" not in r2, "service stored")
    eq(api_alert(r1["i"], f1)["source"], "shape", "API source 1")
    eq(api_alert(r1["i"], f2)["source"], "other", "API source 2")
    for fp in (f1, f2):
        eq(api_alert(r1["i"], fp)["service"], "shape", "API service")
        eq(api_alert(r1["i"], fp)["level"], "sev3", "API level")


@t.case("one request with alerts of two groups, a repeat and a resolve "
        "among them: each incident's counts, title and timeline are right")
def _():
    up()
    g1, g2 = uniq("Batch"), uniq("Batch")
    past = rfc3339(now_ms() - 1000)

    def al(g, n, resolved=False):
        a = {"labels": {"alertname": g, "n": str(n)},
             "annotations": {"summary": "%s %d" % (g, n)}}
        if resolved:
            a["endsAt"] = past
        return a
    body = [al(g1, 1), al(g1, 2), al(g2, 1), al(g1, 3), al(g1, 2),
            al(g1, 1, resolved=True), al(g1, 4), al(g2, 2)]
    r = pt.http_request(pd.port, "POST", "/api/v2/alerts", body,
                        {"Authorization": "Bearer " + KEY})
    expect_status(r, 200, "POST /api/v2/alerts")
    i1 = R.alert(pt.fingerprint({"alertname": g1, "n": "1"}))["incident"]
    i2 = R.alert(pt.fingerprint({"alertname": g2, "n": "1"}))["incident"]
    check(i1 != i2, "two incidents")
    inc = pd.incident(i1).json()["incident"]
    eq(inc["alert_count"], 4, "alert_count")
    eq(inc["firing_count"], 3, "firing_count")
    eq(inc["title"], "%s 1 (+3 more)" % g1, "title")
    eq([e["event"] for e in inc["timeline"]],
       ["created", "alert_added", "alert_added", "alert_resolved",
        "alert_added"], "timeline")
    eq(sorted(a["status"] for a in inc["alerts"]),
       ["firing", "firing", "firing", "resolved"], "alert statuses")
    eq(R.alert(pt.fingerprint({"alertname": g1, "n": "2"}))["count"], "2",
       "the repeat's count")
    inc = pd.incident(i2).json()["incident"]
    eq((inc["alert_count"], inc["firing_count"]), (2, 2), "counts of 2")
    eq(inc["title"], "%s 1 (+1 more)" % g2, "title of 2")


# An alert hash as pagerd 53c09cf wrote it (long names, sparse).
OLD_FIELDS = ("status", "incident", "level", "count", "first_seen",
              "last_seen", "summary", "severity", "details", "labels",
              "source", "service", "ends_at", "inhibit_tgt", "dedup_key",
              "timestamp", "resolved_at", "silenced")


@t.case("alert hashes with the long field names of an older pagerd are "
        "migrated at connect, keep their TTL, and read the same in the API")
def _():
    up()
    z = pt.PREFIX + "alert:"
    la, lb, fa, fb = two("Mig")
    send(la, "firing one", description="a", ends_ms=now_ms() + 3600000)
    send(lb, "resolved one", description="b")
    r = pt.http_request(pd.port, "POST", "/api/v2/alerts",
                        [{"labels": lb, "endsAt": rfc3339(now_ms() - 1000),
                          "annotations": {"summary": "resolved one"}}],
                        {"Authorization": "Bearer " + KEY})
    expect_status(r, 200, "resolve")
    wait_until(lambda: R.alert(fb).get("status") == "resolved", 5,
               what="b to resolve")
    ia, ib = R.alert(fa)["incident"], R.alert(fb)["incident"]
    want = {fa: api_alert(ia, fa), fb: api_alert(ib, fb)}
    pd.stop()
    # Rewrite both as the older pagerd stored them.
    for fp in (fa, fb):
        h = R.alert(fp)
        ttl = int(R.cmd("PTTL", z + fp))
        R.cmd("DEL", z + fp)
        args = []
        for k in OLD_FIELDS:
            if h.get(k):
                args += [k, h[k]]
        args += ["fingerprint", fp, "inhibit_src", ""]
        R.cmd("HSET", z + fp, *args)
        if ttl > 0:
            R.cmd("PEXPIRE", z + fp, str(ttl))
        check(R.cmd("HEXISTS", z + fp, "status") == 1, "old shape")
    # Enough more that the migration takes several SCAN steps.
    R.cmd("EVAL", "for n = 1, 2500 do redis.call('HSET', ARGV[1] .. n, "
          "'status', 'resolved', 'incident', '999999', 'count', '3', "
          "'summary', 'old', 'inhibit_src', '') "
          "redis.call('PEXPIRE', ARGV[1] .. n, 600000) end", "0",
          z + "old-")
    R.cmd("DEL", pt.PREFIX + "alerts:shape")
    check(int(R.cmd("PTTL", z + fb)) > 0, "b has a TTL")
    up()
    for fp in (fa, fb):
        raw = R.alert_raw(fp)
        for k in OLD_FIELDS + ("fingerprint", "inhibit_src"):
            check(k not in raw, "%s: %s left after the migration" % (fp, k))
        eq(raw.get("s"), want[fp]["status"], "short status")
    eq(R.get(pt.PREFIX + "alerts:shape"), "2", "alerts:shape")
    left = R.cmd("EVAL", "local n = 0 for i = 1, 2500 do "
                 "if redis.call('HEXISTS', ARGV[1] .. i, 'status') == 1 "
                 "or redis.call('HGET', ARGV[1] .. i, 's') ~= 'resolved' "
                 "or redis.call('PTTL', ARGV[1] .. i) <= 0 "
                 "then n = n + 1 end end return n", "0", z + "old-")
    eq(left, 0, "old hashes left unmigrated (or without their TTL)")
    check(pd.log_text().count("alert hashes migrated") >= 1,
          "the migration is logged")
    check(int(R.cmd("PTTL", z + fb)) > 0, "b kept its TTL")
    eq(int(R.cmd("PTTL", z + fa)), -1, "a firing: no TTL")
    for fp, iid in ((fa, ia), (fb, ib)):
        got = api_alert(iid, fp)
        eq(got, want[fp], "API alert %s after the migration" % fp)
    # And the migrated alert dedups as before.
    send(la, "firing one", description="a", ends_ms=now_ms() + 3600000)
    eq(R.alert(fa)["count"], "2", "count after a repeat")
    eq(R.alert(fa)["incident"], ia, "same incident")


t.run()
