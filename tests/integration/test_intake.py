#!/usr/bin/python3
"""HTTP intake: POST /api/v1/alerts end to end, from the request to the
hashes in Redis, and the read side of the incidents API. Hostile input
lives in test_hostile_http.py and test_hostile_json.py."""

import http.client
import json
import threading
import time

import pagerd_test as pt
from pagerd_test import alert, alert_fp, check, eq, expect_error, \
    expect_status, uniq

t = pt.TestFile("intake")
redis = t.redis()
pd = t.pagerd(redis)
R = redis.client


def up():
    redis.ensure()
    return pd.ensure()


@t.case("harness: fingerprint() matches prometheus/common's test vectors")
def _():
    eq(pt.fingerprint({}), "cbf29ce484222325", "empty label set")
    eq(int(pt.fingerprint({"name": "garland, briggs",
                           "fear": "love is not enough"}), 16),
       5799056148416392346, "two labels")
    eq(int(pt.fingerprint({"first-label": "first-label-value",
                           "second-label": "second-label-value",
                           "third-label": "third-label-value"}), 16),
       13843036195897128121, "three labels")


@t.case("a new alert gets 202, result new, Alertmanager's fingerprint and "
        "an incident; alert and incident hashes are in Redis")
def _():
    up()
    a = alert(labels={"alertname": uniq("DiskFull"), "instance": "db1:9100",
                      "severity": "critical", "zone": "\u00e9t\u00e9"})
    r = pd.post_alerts(a)
    expect_status(r, 202)
    check("json" in (r.header("Content-Type") or ""),
          "Content-Type %r" % r.header("Content-Type"))
    res = r.json()["alerts"]
    eq(len(res), 1, "results")
    eq(res[0]["result"], "new", "result")
    eq(res[0]["fingerprint"], pt.fingerprint(a["labels"]), "fingerprint")
    check(isinstance(res[0]["incident"], int) and res[0]["incident"] > 0,
          "incident id %r" % res[0]["incident"])
    h = R.alert(res[0]["fingerprint"])
    check(h, "no hash %salert:%s" % (pt.PREFIX, res[0]["fingerprint"]))
    eq(h.get("count"), "1", "stored count")
    inc = R.incident(res[0]["incident"])
    check(inc, "no hash %sincident:%s" % (pt.PREFIX, res[0]["incident"]))


@t.case("a repeat of a firing alert is deduplicated: same incident, "
        "stored count goes 1 -> 2 -> 3")
def _():
    up()
    a = alert()
    first = pd.post_ok(a)[0]
    eq(first["result"], "new", "first result")
    for n in (2, 3):
        again = pd.post_ok(a)[0]
        eq(again["result"], "deduplicated", "repeat result")
        eq(again["incident"], first["incident"], "incident of the repeat")
        eq(again["fingerprint"], first["fingerprint"], "fingerprint")
        eq(R.alert(first["fingerprint"]).get("count"), str(n), "count")


@t.case("a repeat that brings nothing new writes count and last_seen "
        "only; one with a new timestamp (the content the same) stores it")
def _():
    up()
    a = alert(timestamp="2024-03-01T12:00:00Z")
    fp = pd.post_ok(a)[0]["fingerprint"]
    eq(R.alert(fp).get("timestamp"), "1709294400000", "first timestamp")
    pd.post_ok(a)           # the first repeat writes the content's digest
    before = R.alert_raw(fp)
    time.sleep(0.01)        # a later last_seen
    eq(pd.post_ok(a)[0]["result"], "deduplicated", "plain repeat")
    after = R.alert_raw(fp)
    eq(sorted(k for k in after if after[k] != before.get(k)), ["c", "l"],
       "fields a plain repeat wrote")
    eq(after.get("c"), "3", "count")
    r = pd.post_ok(dict(a, timestamp="2024-03-01T12:05:00Z"))[0]
    eq(r["result"], "deduplicated", "repeat with a new timestamp")
    eq(R.alert(fp).get("timestamp"), "1709294700000", "timestamp after")
    eq(R.alert(fp).get("count"), "4", "count after")


@t.case("dedup_key is the fingerprint when given; labels then do not "
        "matter")
def _():
    up()
    key = uniq("dedup")
    r1 = pd.post_ok(alert(dedup_key=key))[0]
    eq(r1["fingerprint"], key, "fingerprint")
    eq(r1["result"], "new", "result")
    r2 = pd.post_ok(alert(dedup_key=key))[0]   # other labels, same key
    eq(r2["result"], "deduplicated", "second result")
    eq(r2["incident"], r1["incident"], "incident")
    eq(R.alert(key).get("count"), "2", "count")


@t.case("a batch gets one result per alert, in order")
def _():
    up()
    batch = [alert() for _ in range(5)] + [alert(dedup_key=uniq("k"))]
    batch.append(dict(batch[1]))                      # repeat inside batch
    res = pd.post_ok(batch)
    for i, (a, r) in enumerate(zip(batch, res)):
        eq(r["fingerprint"], alert_fp(a), "fingerprint of alert %d" % i)
        check(R.alert(r["fingerprint"]), "alert %d not stored" % i)
    eq([r["result"] for r in res[:6]], ["new"] * 6, "results")
    eq(res[6]["result"], "deduplicated", "repeat within the batch")
    eq(res[6]["incident"], res[1]["incident"], "incident of the repeat")
    eq(R.alert(res[1]["fingerprint"]).get("count"), "2", "count")


@t.case("a batch of exactly limits.batch (1000) alerts is accepted and "
        "stored")
def _():
    up()
    batch = [{"summary": "b%d" % i, "dedup_key": uniq("batch")}
             for i in range(1000)]
    res = pd.post_ok(batch, timeout=20)
    eq([r["fingerprint"] for r in res], [a["dedup_key"] for a in batch],
       "fingerprints in order")
    missing = [a["dedup_key"] for a in batch[::97] if not R.alert(
        a["dedup_key"])]
    eq(missing, [], "sampled alerts missing in Redis")


@t.case("a large batch goes to Redis in script calls of at most ~256 KB "
        "of arguments, in order, and is stored whole")
def _():
    up()
    # 1,000 alerts of ~900 bytes: one call of ~900 KB before. hiredis
    # copied the unwritten rest of such a call again at each partial
    # write, and Redis held the paging connection's commands meanwhile.
    batch = [{"summary": "%s %s" % (uniq("big"), "x" * 850),
              "dedup_key": uniq("bigbatch")} for _ in range(1000)]
    keys = [a["dedup_key"] for a in batch]
    R.cmd("CONFIG", "SET", "slowlog-log-slower-than", "0")
    # The commands the scripts call are logged too.
    R.cmd("CONFIG", "SET", "slowlog-max-len", "100000")
    R.cmd("SLOWLOG", "RESET")
    try:
        res = pd.post_ok(batch, timeout=20)
        log = R.cmd("SLOWLOG", "GET", "100000")
    finally:
        R.cmd("CONFIG", "SET", "slowlog-log-slower-than", "10000")
        R.cmd("SLOWLOG", "RESET")
    eq([r["fingerprint"] for r in res], keys, "fingerprints in order")
    # An ingest call: EVALSHA sha 0 prefix now retention N resend fp1 ...
    first = {k: i for i, k in enumerate(keys)}
    calls = sorted((first[e[3][8].decode()], int(e[3][6]))
                   for e in log if len(e[3]) > 8 and
                   e[3][8].decode() in first)
    eq(sum(n for _, n in calls), 1000, "alerts over the script calls")
    check(len(calls) >= 4, "%d script calls for ~900 KB" % len(calls))
    check(all(n * 900 <= 288 * 1024 for _, n in calls),
          "alerts per call: %r" % [n for _, n in calls])
    eq([i for i, _ in calls], [sum(n for _, n in calls[:j])
                               for j in range(len(calls))],
       "each call starts where the one before ended")
    missing = [k for k in keys[::53] if not R.alert(k)]
    eq(missing, [], "sampled alerts missing in Redis")


@t.case("?key=KEY authenticates like the Authorization header")
def _():
    up()
    res = pd.post_ok(alert(), query_key=True)
    eq(res[0]["result"], "new", "result")


@t.case("Content-Type application/json; charset=utf-8 is accepted")
def _():
    up()
    pd.post_ok(alert(), content_type="application/json; charset=utf-8")


@t.case("resolving a firing alert: result resolved, incident resolved in "
        "the API and in Redis")
def _():
    up()
    a = alert()
    new = pd.post_ok(a)[0]
    res = pd.post_ok(dict(a, status="resolved"))[0]
    eq(res["result"], "resolved", "result")
    eq(res["incident"], new["incident"], "incident")
    r = pd.incident(new["incident"])
    expect_status(r, 200, "GET incident")
    inc = r.json()["incident"]
    eq(inc["status"], "resolved", "API incident status")
    now = time.time() * 1000
    check(isinstance(inc.get("resolved"), int) and
          abs(inc["resolved"] - now) < 60000,
          "resolved time %r is not now in ms" % inc.get("resolved"))
    eq(R.incident(new["incident"]).get("status"), "resolved",
       "stored incident status")


@t.case("resolving an unknown alert, or resolving twice, is ignored")
def _():
    up()
    res = pd.post_ok(alert(status="resolved"))[0]
    eq(res["result"], "ignored", "resolve of an unknown alert")
    a = alert()
    pd.post_ok(a)
    eq(pd.post_ok(dict(a, status="resolved"))[0]["result"], "resolved",
       "first resolve")
    eq(pd.post_ok(dict(a, status="resolved"))[0]["result"], "ignored",
       "second resolve")


@t.case("an alert firing again after it was resolved is new and opens a "
        "new incident")
def _():
    # An on-call engineer expects a fresh page for a problem that came
    # back, not a silent update of a closed incident.
    up()
    a = alert()
    first = pd.post_ok(a)[0]
    pd.post_ok(dict(a, status="resolved"))
    again = pd.post_ok(a)[0]
    eq(again["result"], "new", "result")
    check(again["incident"] != first["incident"],
          "re-fired alert went back into resolved incident %s"
          % first["incident"])


@t.case("status, severity, source and timestamp (RFC 3339) are accepted; "
        "the source appears on the incident")
def _():
    up()
    a = alert(status="firing", severity="critical", source="nagios",
              timestamp="2024-03-01T12:34:56.789+01:00",
              details={"runbook": "https://wiki/x", "n": [1, 2, {"x": None}]})
    res = pd.post_ok(a)[0]
    inc = pd.incident(res["incident"]).json()["incident"]
    eq(inc.get("source"), "nagios", "incident source")


@t.case("an alert without source gets its integration's source")
def _():
    up()
    res = pd.post_ok(alert())[0]
    inc = pd.incident(res["incident"]).json()["incident"]
    eq(inc.get("source"), "prometheus", "incident source")


@t.case("no key, a wrong key, or a wrong auth scheme: 401 with a JSON "
        "error, nothing stored")
def _():
    up()
    for what, kw in (("no key", {"key": None}),
                     ("wrong key", {"key": "nope-0123456789"}),
                     ("wrong query key", {"key": "nope", "query_key": True}),
                     ("API token as key", {"key": pt.TOKEN})):
        a = alert()
        expect_error(pd.post_alerts(a, **kw), 401, what=what)
        check(not R.alert(alert_fp(a)), "%s: alert stored" % what)
    a = alert()
    r = pd.post_alerts(a, key=None,
                       headers={"Authorization": "Basic " + pt.KEY})
    expect_error(r, 401, what="Basic scheme")


@t.case("wrong or missing Content-Type: 415, nothing stored")
def _():
    up()
    for ct in ("text/plain", "application/x-www-form-urlencoded",
               "application/jsonx", None):
        a = alert()
        expect_error(pd.post_alerts(a, content_type=ct), 415,
                     what="Content-Type %r" % ct)
        check(not R.alert(alert_fp(a)), "Content-Type %r: stored" % ct)


@t.case("GET /api/v1/alerts is 405; an unknown path is 404")
def _():
    up()
    expect_error(pd.get("/api/v1/alerts"), 405, what="GET alerts")
    expect_error(pd.request("PUT", "/api/v1/alerts", b"{}",
                            {"Content-Type": "application/json"}), 405,
                 what="PUT alerts")
    expect_error(pd.get("/nope"), 404, what="GET /nope")
    r = pd.request("POST", "/api/v1/alertsX", b"{}",
                   {"Content-Type": "application/json",
                    "Authorization": "Bearer " + pt.KEY})
    expect_error(r, 404, what="POST /api/v1/alertsX")


@t.case("invalid JSON: 400 naming the problem, nothing stored")
def _():
    up()
    before = len(R.alert_keys())
    for body in (b'{"summary": "x"', b"", b"nope", b'{"summary":"x"} {}',
                 b"[", b'{"summary":"x",}'):
        expect_error(pd.post_alerts(body), 400, what="body %r" % body)
    eq(len(R.alert_keys()), before, "alert keys")


@t.case("missing summary: 400 naming summary, with the alert's index in a "
        "batch; no alert of the batch is stored")
def _():
    up()
    expect_error(pd.post_alerts({"labels": {"a": "b"}}), 400, "summary")
    batch = [alert(), alert(), {"labels": {"x": uniq("y")}}]
    j = expect_error(pd.post_alerts(batch), 400, "summary")
    eq(j.get("index"), 2, "index")
    for a in batch[:2]:
        check(not R.alert(alert_fp(a)), "alert of a refused batch stored")


@t.case("wrong field types: 400 naming the field")
def _():
    up()
    before = len(R.alert_keys())
    for field, val in (("labels", {"a": 1}), ("labels", ["a"]),
                       ("summary", 5), ("dedup_key", 7), ("severity", True),
                       ("source", ["x"]), ("details", "text"),
                       ("status", "burning"), ("timestamp", "yesterday"),
                       ("timestamp", 1700000000)):
        a = alert()
        a[field] = val
        expect_error(pd.post_alerts(a), 400, field,
                     what="%s = %r" % (field, val))
    eq(len(R.alert_keys()), before, "alert keys")


@t.case("an unknown field is refused with 400 naming it (typos surface)")
def _():
    up()
    expect_error(pd.post_alerts(alert(sumary="typo")), 400, "sumary")


@t.case("a body over http.max_body is refused with 413 (nothing stored)")
def _():
    up()
    a = alert(details={"pad": "x" * (1100 * 1024)})
    s = pt.raw_connect(pd.port)
    try:
        body = json.dumps(a).encode()
        s.sendall(pt.alert_request(body)[:-len(body)])
        rd = pt.RawReader(s)
        try:
            # Some servers answer as soon as they see Content-Length.
            s.settimeout(1)
            r = rd.response(timeout=1)
        except OSError:
            r = None
        if r is None and not rd.closed:
            try:
                s.sendall(body)
            except OSError:
                pass
            r = rd.response()
    finally:
        s.close()
    check(r is not None, "connection closed without a response")
    expect_status(r, 413)
    check(not R.alert(alert_fp(a)), "stored")
    pd.assert_serving()


@t.case("the same alert from 20 connections at once: one new, 19 "
        "deduplicated, one incident, count 20")
def _():
    up()
    a = alert()
    results, errors = [], []
    go = threading.Event()

    def worker():
        go.wait()
        try:
            results.append(pd.post_ok(a, timeout=10)[0])
        except Exception as e:      # reported below
            errors.append(repr(e))
    ths = [threading.Thread(target=worker) for _ in range(20)]
    for th in ths:
        th.start()
    go.set()
    for th in ths:
        th.join(15)
    eq(errors, [], "errors")
    eq(sorted(r["result"] for r in results),
       ["deduplicated"] * 19 + ["new"], "results")
    eq(len({r["incident"] for r in results}), 1, "distinct incidents")
    eq(R.alert(alert_fp(a)).get("count"), "20", "count")


@t.case("keep-alive: several requests on one connection")
def _():
    up()
    conn = http.client.HTTPConnection("127.0.0.1", pd.port, timeout=5)
    try:
        for _ in range(3):
            conn.request("POST", "/api/v1/alerts",
                         body=json.dumps(alert()),
                         headers={"Content-Type": "application/json",
                                  "Authorization": "Bearer " + pt.KEY})
            r = conn.getresponse()
            r.read()
            eq(r.status, 202, "status")
    finally:
        conn.close()


@t.case("curl-style Expect: 100-continue gets 100 Continue, then 202")
def _():
    up()
    a = alert()
    body = json.dumps(a).encode()
    s = pt.raw_connect(pd.port)
    try:
        s.sendall(pt.alert_request(body, extra=b"Expect: 100-continue\r\n")
                  [:-len(body)])
        rd = pt.RawReader(s)
        r = rd.response(timeout=3)
        check(r is not None, "closed instead of 100 Continue")
        eq(r.status, 100, "interim status")
        s.sendall(body)
        r = rd.response()
        check(r is not None, "no final response")
        expect_status(r, 202, "final response")
    finally:
        s.close()
    check(R.alert(alert_fp(a)), "not stored")


@t.case("GET /healthz: 200 {\"status\":\"ok\"}")
def _():
    up()
    r = pd.healthz()
    expect_status(r, 200)
    eq(r.json().get("status"), "ok", "status")


@t.case("GET /api/v1/incidents lists incidents with every field; "
        "status filter and limit work")
def _():
    up()
    a, b = alert(), alert()
    ia = pd.post_ok(a)[0]["incident"]
    ib = pd.post_ok(b)[0]["incident"]
    pd.post_ok(dict(b, status="resolved"))
    r = pd.incidents("?limit=1000")
    expect_status(r, 200)
    incs = r.json()["incidents"]
    byid = {i["id"]: i for i in incs}
    check(ia in byid and ib in byid, "incidents %s, %s not in list" %
          (ia, ib))
    for f in ("id", "title", "status", "severity", "source", "created",
              "updated", "resolved", "alert_count"):
        check(f in byid[ia], "field %r missing in %r" % (f, byid[ia]))
    eq(byid[ia]["status"], "triggered", "status of a")
    eq(byid[ib]["status"], "resolved", "status of b")
    trig = pd.incidents("?status=triggered&limit=1000").json()["incidents"]
    check(all(i["status"] == "triggered" for i in trig),
          "status=triggered lists others")
    check(ia in [i["id"] for i in trig] and ib not in [i["id"] for i in
                                                      trig], "filter")
    res = pd.incidents("?status=resolved&limit=1000").json()["incidents"]
    check(all(i["status"] == "resolved" for i in res), "resolved filter")
    check(ib in [i["id"] for i in res], "resolved b missing")
    eq(len(pd.incidents("?limit=1").json()["incidents"]), 1, "limit=1")
    ids = [i["id"] for i in incs]
    eq(ids, sorted(ids, reverse=True), "newest first")


@t.case("a first repeat with other details stores them and moves the "
        "incident's updated")
def _():
    up()
    a = alert(details={"disk": "/var", "used": "91%"})
    inc = pd.post_ok(a)[0]["incident"]
    first = pd.incident(inc).json()["incident"]["updated"]
    time.sleep(0.05)
    pd.post_ok(dict(a, details={"disk": "/var", "used": "97%"}))
    got = pd.incident(inc).json()["incident"]
    check(got["updated"] > first, "updated %r not moved by new details "
          "(was %r)" % (got["updated"], first))
    eq(got["alerts"][0].get("details"), {"disk": "/var", "used": "97%"},
       "the stored details")


@t.case("an incident's updated is its last change: a repeat that changes "
        "nothing leaves it (the first repeat too), a changed summary "
        "moves it")
def _():
    up()
    a = alert(summary=uniq("Disk full"), details={"disk": "/var"})
    inc = pd.post_ok(a)[0]["incident"]
    first = pd.incident(inc).json()["incident"]["updated"]
    time.sleep(0.05)
    pd.post_ok(a)               # the first repeat writes the digest
    eq(pd.incident(inc).json()["incident"]["updated"], first,
       "updated after the first repeat, which changed nothing")
    pd.post_ok(a)
    pd.post_ok(a)
    got = pd.incident(inc).json()["incident"]
    eq(got["updated"], first, "updated after repeats that change nothing")
    eq([x.get("count") for x in got["alerts"]], [4], "the repeats counted")
    time.sleep(0.05)
    pd.post_ok(dict(a, summary=a["summary"] + " (worse)"))
    later = pd.incident(inc).json()["incident"]["updated"]
    check(later > first, "updated %r not moved by a changed summary "
          "(was %r)" % (later, first))


@t.case("GET /api/v1/incidents/ID: the incident with its alerts")
def _():
    up()
    a = alert(summary=uniq("Database down"))
    res = pd.post_ok(a)[0]
    pd.post_ok(a)
    r = pd.incident(res["incident"])
    expect_status(r, 200)
    inc = r.json()["incident"]
    eq(inc["id"], res["incident"], "id")
    eq(inc["status"], "triggered", "status")
    now = time.time() * 1000
    for f in ("created", "updated"):
        check(isinstance(inc.get(f), int) and abs(inc[f] - now) < 60000,
              "%s %r is not now in ms" % (f, inc.get(f)))
    check(not inc.get("resolved"), "resolved %r on a triggered incident"
          % inc.get("resolved"))
    eq(inc.get("alert_count"), 1, "alert_count")
    fps = {x.get("fingerprint"): x for x in inc.get("alerts", [])}
    check(res["fingerprint"] in fps, "alert %s not in %r"
          % (res["fingerprint"], inc.get("alerts")))
    eq(fps[res["fingerprint"]].get("count"), 2, "alert count")
    eq(fps[res["fingerprint"]].get("summary"), a["summary"], "summary")


@t.case("incidents API: 401 without or with a wrong token (an "
        "integration key is not a token), 404 for an unknown id, 400 for "
        "a bad filter")
def _():
    up()
    expect_error(pd.incidents(token=None), 401, what="no token")
    expect_error(pd.incidents(token="wrong-token-xxxxxxxx"), 401,
                 what="wrong token")
    expect_error(pd.incidents(token=pt.KEY), 401, what="integration key")
    expect_error(pd.incident(1, token=None), 401, what="one, no token")
    expect_error(pd.incident(987654321), 404, what="unknown id")
    r = pd.incident("abc")
    check(400 <= r.status < 500, "id abc: %r" % r)
    expect_error(pd.incidents("?status=bogus"), 400, what="status=bogus")
    expect_error(pd.incidents("?limit=abc"), 400, what="limit=abc")


# ---- repeats sent without their content (lib/seen.h, store_lua.h) ----

def store_counts():
    m = pd.metrics()
    return (m.value("pagerd_store_short_repeats_total"),
            m.value("pagerd_store_sent_back_total"))


def resolve_by_person(iid):
    r = pd.request("POST", "/api/v1/incidents/%s/resolve" % iid,
                   json.dumps({"by": "alice"}).encode(),
                   {"Authorization": "Bearer " + pt.TOKEN,
                    "Content-Type": "application/json"})
    expect_status(r, 200, "resolve #%s" % iid)


@t.case("a repeat whose content Redis holds is sent without it; a changed "
        "one with it: counts, times and content all land")
def _():
    up()
    a = alert()
    fp = pd.post_ok(a)[0]["fingerprint"]
    eq(pd.post_ok(a)[0]["result"], "deduplicated", "first repeat (full)")
    short0, back0 = store_counts()
    eq(pd.post_ok(a)[0]["result"], "deduplicated", "second repeat")
    eq(pd.post_ok(a)[0]["result"], "deduplicated", "third repeat")
    short1, back1 = store_counts()
    eq(short1 - short0, 2, "repeats sent without their content")
    eq(back1, back0, "sent back")
    eq(R.alert(fp).get("count"), "4", "count")
    b = dict(a, summary=uniq("changed"))
    eq(pd.post_ok(b)[0]["result"], "deduplicated", "changed repeat")
    eq(store_counts(), (short1, back0), "a change goes with its content")
    eq(R.alert(fp).get("summary"), b["summary"], "stored summary")
    eq(pd.post_ok(b)[0]["result"], "deduplicated", "repeat of the change")
    eq(store_counts(), (short1 + 1, back0), "and then without it again")
    eq(R.alert(fp).get("count"), "6", "count")


@t.case("a repeat sent without its content whose incident a person "
        "resolved meanwhile is sent back and fires again, whole, in a new "
        "incident; a resolve behind it in the same request stays behind")
def _():
    up()
    a = alert(labels={"alertname": uniq("Refire"), "service": "web",
                      "team": "x"})
    first = pd.post_ok(a)[0]
    pd.post_ok(a)
    fp, iid = first["fingerprint"], first["incident"]
    resolve_by_person(iid)
    eq(R.alert(fp).get("status"), "resolved", "alert after the resolve")
    short0, back0 = store_counts()
    res = pd.post_ok(a)[0]
    short1, back1 = store_counts()
    eq((short1 - short0, back1 - back0), (1, 1), "short, then sent back")
    eq(res["result"], "new", "result")
    check(res["incident"] not in (0, iid), "new incident %r" % res["incident"])
    h = R.alert(fp)
    eq((h.get("status"), h.get("summary"), h.get("incident")),
       ("firing", a["summary"], str(res["incident"])), "stored again")
    eq(json.loads(h["labels"]), a["labels"], "labels stored again")
    eq(R.hgetall(pt.PREFIX + "ingest:deferred"), {}, "deferred left")
    # Once more, with the sender's resolve right behind it.
    pd.post_ok(a)
    resolve_by_person(res["incident"])
    short0, back0 = store_counts()
    out = pd.post_ok([a, dict(a, status="resolved")])
    eq(store_counts(), (short0 + 1, back0 + 2), "both sent back")
    eq([o["result"] for o in out], ["new", "resolved"], "in order")
    eq(out[0]["incident"], out[1]["incident"], "one incident")
    eq(R.alert(fp).get("status"), "resolved", "last word")
    eq(R.incident(out[0]["incident"]).get("status"), "resolved", "incident")


@t.case("an alert in P ingest:deferred (sent back, not yet resent) waits for "
        "its resend, which clears it; an entry older than a minute is "
        "dropped")
def _():
    up()
    dkey = pt.PREFIX + "ingest:deferred"
    a = alert()
    fp = pt.fingerprint(a["labels"])
    R.cmd("HSET", dkey, fp, str(int(time.time() * 1000)))
    short0, back0 = store_counts()
    res = pd.post_ok(a)[0]
    eq(res["result"], "new", "result")
    eq(store_counts(), (short0, back0 + 1), "sent back once")
    check(R.alert(fp).get("status") == "firing", "stored")
    eq(R.hgetall(dkey), {}, "entry cleared by the resend")
    b = alert()
    fpb = pt.fingerprint(b["labels"])
    R.cmd("HSET", dkey, fpb, str(int(time.time() * 1000) - 61000))
    eq(pd.post_ok(b)[0]["result"], "new", "result")
    eq(store_counts(), (short0, back0 + 1), "a stale entry holds nothing")
    eq(R.hgetall(dkey), {}, "stale entry dropped")


t.run()
