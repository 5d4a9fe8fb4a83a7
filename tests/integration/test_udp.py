#!/usr/bin/python3
"""UDP intake: one JSON alert per datagram with its integration key in
"key". Accepted datagrams end up in Redis; rejected ones are counted in
pagerd_udp_rejects_total{reason} and store nothing."""

import json
import time

import pagerd_test as pt
from pagerd_test import alert, alert_fp, check, eq, uniq, wait_until

t = pt.TestFile("udp")
redis = t.redis()
pd = t.pagerd(redis)
R = redis.client


up = t.serving(redis, pd)


def dgram(a, key=pt.KEY):
    d = dict(a)
    if key is not None:
        d["key"] = key
    return d


def rejected(payload, what, nothing_stored=None):
    """payload is refused: rejects +1, datagrams +1, nothing stored."""
    up()
    m0 = pd.metrics()
    keys0 = len(R.alert_keys())
    pd.udp_send(payload)

    def counted():
        m = pd.metrics()
        return (m.sum("pagerd_udp_rejects_total") ==
                m0.sum("pagerd_udp_rejects_total") + 1) and m
    m = wait_until(counted, 3, what="%s counted as a reject" % what)
    eq(m.sum("pagerd_udp_datagrams_total"),
       m0.sum("pagerd_udp_datagrams_total") + 1,
       "%s: pagerd_udp_datagrams_total" % what)
    time.sleep(0.2)
    eq(len(R.alert_keys()), keys0, "%s: alert keys" % what)
    if nothing_stored:
        check(not R.alert(nothing_stored), "%s: stored" % what)
    reasons = {dict(ls).get("reason"): v for (n, ls), v in m.samples.items()
               if n == "pagerd_udp_rejects_total"}
    pt.diag("%s: rejects by reason %r" % (what, reasons))
    return m


@t.case("a valid datagram is stored in Redis with its fingerprint")
def _():
    up()
    a = alert(labels={"alertname": uniq("Udp"), "host": "h1"})
    pd.udp_send(dgram(a))
    h = wait_until(lambda: R.alert(alert_fp(a)), 3,
                   what="the alert in Redis")
    eq(h.get("count"), "1", "count")


@t.case("the same datagram again increments the stored count")
def _():
    up()
    a = alert(dedup_key=uniq("udp-dedup"))
    pd.udp_send(dgram(a))
    wait_until(lambda: R.alert(a["dedup_key"]).get("count") == "1", 3,
               what="count 1")
    pd.udp_send(dgram(a))
    wait_until(lambda: R.alert(a["dedup_key"]).get("count") == "2", 3,
               what="count 2")


@t.case("an accepted datagram is counted in pagerd_udp_datagrams_total and "
        "pagerd_alerts_received_total")
def _():
    up()
    m0 = pd.metrics()
    a = alert()
    pd.udp_send(dgram(a))
    wait_until(lambda: R.alert(alert_fp(a)), 3, what="stored")
    m = wait_until(lambda: (lambda m: m.sum("pagerd_udp_datagrams_total") >
                            m0.sum("pagerd_udp_datagrams_total") and m)(
        pd.metrics()), 3, what="datagram counted")
    eq(m.sum("pagerd_udp_rejects_total"), m0.sum("pagerd_udp_rejects_total"),
       "rejects")
    check(m.sum("pagerd_alerts_received_total", source="prometheus") >
          m0.sum("pagerd_alerts_received_total", source="prometheus"),
          "pagerd_alerts_received_total{source=prometheus} did not grow")


@t.case("UDP and HTTP share deduplication: the same alert over both is "
        "one incident")
def _():
    up()
    a = alert()
    first = pd.post_ok(a)[0]
    pd.udp_send(dgram(a))
    wait_until(lambda: R.alert(first["fingerprint"]).get("count") == "2", 3,
               what="count 2 after the datagram")
    r2 = pd.post_ok(a)[0]
    eq(r2["incident"], first["incident"], "incident")


@t.case("bad JSON is rejected")
def _():
    a = alert()
    rejected(json.dumps(dgram(a))[:-3].encode(), "truncated JSON",
             alert_fp(a))
    rejected(b"\xff\xfe garbage", "garbage")


@t.case("a wrong key is rejected")
def _():
    a = alert()
    rejected(dgram(a, key="wrong-key-0123456789"), "wrong key", alert_fp(a))


@t.case("a missing key is rejected")
def _():
    a = alert()
    rejected(dgram(a, key=None), "missing key", alert_fp(a))


@t.case("a key that is not a string is rejected")
def _():
    a = alert()
    rejected(dgram(a, key=12345), "numeric key", alert_fp(a))


@t.case("an API token is not an integration key")
def _():
    a = alert()
    rejected(dgram(a, key=pt.TOKEN), "API token as key", alert_fp(a))


@t.case("an array is rejected, even with keys inside")
def _():
    a, b = alert(), alert()
    rejected([dgram(a), dgram(b)], "array", alert_fp(a))
    check(not R.alert(alert_fp(b)), "second alert of the array stored")


@t.case("a datagram without summary, or with wrong types, is rejected")
def _():
    a = alert()
    del a["summary"]
    rejected(dgram(a), "missing summary", alert_fp(a))
    b = alert(labels={"a": 1})
    rejected(dgram(b), "numeric label")


@t.case("an empty datagram is rejected")
def _():
    rejected(b"", "empty datagram")


@t.case("a 30 KB datagram (under limits.alert_size) is stored")
def _():
    up()
    a = alert(details={"pad": "p" * 30000})
    pd.udp_send(dgram(a))
    wait_until(lambda: R.alert(alert_fp(a)), 3, what="30 KB alert stored")


@t.case("reject reasons are distinct per cause (bad JSON vs. bad key)")
def _():
    up()
    m0 = pd.metrics()
    pd.udp_send(b"{nope")
    m1 = wait_until(lambda: (lambda m: m.sum("pagerd_udp_rejects_total") >
                             m0.sum("pagerd_udp_rejects_total") and m)(
        pd.metrics()), 3, what="JSON reject counted")
    pd.udp_send(dgram(alert(), key="bad-key-0123456789"))
    m2 = wait_until(lambda: (lambda m: m.sum("pagerd_udp_rejects_total") >
                             m1.sum("pagerd_udp_rejects_total") and m)(
        pd.metrics()), 3, what="key reject counted")

    def grown(ma, mb):
        return sorted(dict(ls).get("reason") for (n, ls), v in
                      mb.samples.items() if n == "pagerd_udp_rejects_total"
                      and v > ma.value(n, **dict(ls)))
    r_json, r_key = grown(m0, m1), grown(m1, m2)
    pt.diag("bad JSON -> %r, bad key -> %r" % (r_json, r_key))
    eq(len(r_json), 1, "reasons grown by bad JSON")
    eq(len(r_key), 1, "reasons grown by a bad key")
    check(r_json != r_key, "same reason %r for bad JSON and bad key"
          % r_json)


@t.case("a burst of 500 valid datagrams: all stored (loopback, small)")
def _():
    up()
    keys = [uniq("burst") for _ in range(500)]
    for i, k in enumerate(keys):
        pd.udp_send(dgram({"summary": "burst", "dedup_key": k}))
        if i % 50 == 49:
            time.sleep(0.02)            # stay well inside the socket buffer

    def all_there():
        return sum(1 for k in keys[::25] if R.alert(k)) == len(keys[::25])
    wait_until(all_there, 5, what="sampled burst alerts in Redis")


@t.case("a flood of 2000 bad datagrams: daemon alive, all counted, log "
        "rate-limited")
def _():
    up()
    m0 = pd.metrics()
    log0 = pd.log_size()
    for i in range(2000):
        pd.udp_send(b"{bad json %d" % i)
        if i % 100 == 99:
            time.sleep(0.02)
    wait_until(lambda: pd.metrics().sum("pagerd_udp_rejects_total") >=
               m0.sum("pagerd_udp_rejects_total") + 1900, 5,
               what="most rejects counted")
    # Only the lines about UDP: the previous case's 500 incidents may
    # still be logging their timers at debug level.
    lines = sum(1 for ln in pd.log_text(log0).splitlines() if "udp" in ln)
    pt.diag("%d udp log lines for 2000 bad datagrams" % lines)
    check(lines < 500, "%d log lines for 2000 bad datagrams: not "
          "rate-limited" % lines)


t.run()
