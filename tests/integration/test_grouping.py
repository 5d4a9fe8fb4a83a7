#!/usr/bin/python3
"""Routing, severity and grouping end to end: alerts of one group share
an open incident, group_wait lives in Redis and survives kill -9, a
severity raise is recorded on the incident (never a second incident),
resolved incidents are never reopened, two pagerd instances on one Redis
make one incident per group, routes and pinned integrations pick the
service, endsAt resolves alerts, and config mistakes name FILE:LINE."""

import os
import threading
import time

import pagerd_test as pt
from pagerd_test import check, eq, expect_status, uniq, wait_until

t = pt.TestFile("grouping")
redis = t.redis()
R = redis.client

KEYS = {
    "db": "db-key-0123456789",
    "slow": "slow-key-0123456789",
    "keep": "keep-key-0123456789",
    "sev": "sev-key-0123456789",
}
SLOW_WAIT_MS = 3000


def configure(p):
    c = p.config
    # A policy with no contact rules: the incident records its policy,
    # and pages no one (the escalation tests page).
    c["people"] = {"nobody": {"phone": "+31600000000"}}
    c["policies"] = [{"name": "dba",
                      "steps": [{"targets": ["person:nobody"]}]}]
    c["services"] = [
        {"name": "db", "group_by": ["team"], "group_wait": "0s"},
        {"name": "slow", "group_by": ["alertname"], "group_wait": "3s"},
        {"name": "keep", "group_by": [], "group_wait": "0s",
         "auto_resolve": False},
        {"name": "sev", "group_by": ["alertname"], "group_wait": "0s",
         "policy": "dba"},
        {"name": "web", "group_by": ["alertname"], "group_wait": "0s"},
        {"name": "webdev", "group_by": ["alertname"], "group_wait": "0s"},
        {"name": "ops", "group_by": ["alertname"], "group_wait": "0s"},
    ]
    c["routes"] = [
        {"match": ['team="web"', 'severity=~"crit.*|page"'],
         "service": "web"},
        {"match": ['{team="web", env!="prod"}'], "service": "webdev"},
        {"match": ['team="ops"'], "service": "ops", "continue": True},
        {"match": ['team=~"ops|web"'], "service": "web"},
    ]
    c["severity"] = {
        "default": "sev3",
        "rules": [{"match": ['team="dba"'], "raw": ["urgent"],
                   "level": "sev1"}],
    }
    c["integrations"] = c["integrations"] + [
        {"name": n, "key": k, "service": n} for n, k in KEYS.items()]


pd = t.pagerd(redis)
configure(pd)
pd2 = t.pagerd(redis, name="pagerd2")
configure(pd2)


def up(*daemons):
    pt.ensure_up(redis, *(daemons or (pd,)))
    return pd


def incident(iid, d=None):
    r = (d or pd).incident(iid)
    expect_status(r, 200, "GET incident %s" % iid)
    return r.json()["incident"]


def events(inc, name):
    return [e for e in inc["timeline"] if e["event"] == name]


def mk(team=None, summary=None, **labels):
    a = {"summary": summary or uniq("summary"),
         "labels": dict({"alertname": uniq("A")}, **labels)}
    if team is not None:
        a["labels"]["team"] = team
    return a


def post(alerts, key, d=None):
    return (d or pd).post_ok(alerts, key=key)


# ------------------------------------------------------------ grouping

@t.case("a burst of 1,000 alerts over 2 group_by values: exactly 2 "
        "incidents of 500 alerts each, titled with the count", timeout=120)
def _():
    up()
    teams = [uniq("teamA"), uniq("teamB")]
    alerts = [mk(teams[i % 2], summary="%s host%04d down" % (teams[i % 2], i),
                 host="h%04d" % i) for i in range(1000)]
    chunks = [alerts[i:i + 100] for i in range(0, 1000, 100)]
    results = [None] * len(chunks)

    def send(i):
        results[i] = post(chunks[i], KEYS["db"])
    ths = [threading.Thread(target=send, args=(i,))
           for i in range(len(chunks))]
    for th in ths:
        th.start()
    for th in ths:
        th.join(60)
    check(all(r is not None for r in results), "a POST failed")
    res = [x for r in results for x in r]
    eq(len(res), 1000, "results")
    eq({x["result"] for x in res}, {"new"}, "results")
    by_team = {}
    for a, x in zip(alerts, res):
        by_team.setdefault(a["labels"]["team"], set()).add(x["incident"])
    for team in teams:
        eq(len(by_team[team]), 1, "incidents of %s" % team)
    ids = {next(iter(v)) for v in by_team.values()}
    eq(len(ids), 2, "incidents")
    for team in teams:
        inc = incident(next(iter(by_team[team])))
        eq(inc["alert_count"], 500, "alert_count")
        eq(inc["firing_count"], 500, "firing_count")
        eq(len(inc["alerts"]), 500, "alerts listed")
        eq(inc["service"], "db", "service")
        eq(inc["group_key"], 'db{team="%s"}' % team, "group_key")
        check(inc["title"].endswith(" (+499 more)"),
              "title %r" % inc["title"])
        check(inc["title"].startswith(team + " host"),
              "title %r" % inc["title"])
        eq(len(events(inc, "created")), 1, "created events")
        # The timeline names the first 25 alerts, then says there are
        # more; the alert list has them all.
        eq(len(events(inc, "alert_added")), 24, "alert_added events")
        more = events(inc, "more_alerts")
        eq(len(more), 1, "more_alerts events")
        eq(str(more[0].get("after")), "25", "more_alerts after")
        eq({a["service"] for a in inc["alerts"]}, {"db"}, "alert service")
        eq(R.get(pt.PREFIX + "group:" + inc["group_key"]), str(inc["id"]),
           "group mapping")


@t.case("group_wait lives in Redis: kill -9 right after the incident "
        "opens, restart, and group_wait_elapsed comes on time")
def _():
    up()
    a = mk()
    iid = post(a, KEYS["slow"])[0]["incident"]
    pd.kill9()
    created = int(R.incident(iid)["created"])
    score = R.cmd("ZSCORE", pt.PREFIX + "timers", "notify:%d" % iid)
    check(score is not None, "no notify:%d timer in Redis" % iid)
    eq(int(float(score)), created + SLOW_WAIT_MS, "timer due time")
    eq(R.incident(iid).get("notified_at"), "", "notified_at before restart")
    pd.start()
    inc = incident(iid)
    eq(inc["notified_at"], None, "notified_at right after the restart")
    wait_until(lambda: R.incident(iid).get("notified_at"), 8,
               what="notified_at")
    inc = incident(iid)
    check(created + SLOW_WAIT_MS <= inc["notified_at"] <=
          created + SLOW_WAIT_MS + 1500,
          "notified %d ms after created, want %d..%d" %
          (inc["notified_at"] - created, SLOW_WAIT_MS, SLOW_WAIT_MS + 1500))
    ev = events(inc, "group_wait_elapsed")
    eq(len(ev), 1, "group_wait_elapsed events")
    eq(ev[0]["at"], inc["notified_at"], "event time")
    eq(R.cmd("ZSCORE", pt.PREFIX + "timers", "notify:%d" % iid), None,
       "timer left in Redis")
    check(pd.metrics().value("pagerd_timers_fired_total", kind="notify")
          >= 1, "pagerd_timers_fired_total{kind=notify}")


@t.case("a sev1 alert joining a sev3 incident raises it: timeline and "
        "events stream say sev3 -> sev1, still one incident; when it "
        "resolves the incident is sev3 again")
def _():
    up()
    name = uniq("Disk")
    a = mk(alertname=name, host="a")
    a["severity"] = "warning"
    b = mk(alertname=name, host="b")
    b["severity"] = "critical"
    iid = post(a, KEYS["sev"])[0]["incident"]
    inc = incident(iid)
    eq(inc["severity"], "sev3", "severity with a warning")
    eq(inc["policy"], "dba", "policy")
    eq(inc["alerts"][0]["level"], "sev3", "alert level")
    eq(inc["alerts"][0]["severity"], "warning", "raw severity kept")
    eq(post(b, KEYS["sev"])[0]["incident"], iid, "b's incident")
    inc = incident(iid)
    eq(inc["severity"], "sev1", "severity after the critical")
    ev = events(inc, "severity_raised")
    eq(len(ev), 1, "severity_raised events")
    eq((ev[0]["from"], ev[0]["to"]), ("sev3", "sev1"), "from, to")
    st = R.cmd("XRANGE", pt.PREFIX + "events", "-", "+")
    mine = []
    for _id, kv in st:
        f = {pt.RedisClient._s(kv[i]): pt.RedisClient._s(kv[i + 1])
             for i in range(0, len(kv), 2)}
        if f.get("incident") == str(iid):
            mine.append(f)
    eq(len(mine), 1, "events for the incident")
    eq((mine[0]["type"], mine[0]["from"], mine[0]["to"]),
       ("severity_raised", "sev3", "sev1"), "event")
    # Lower levels never lower it; a repeat at the same level is quiet.
    c = mk(alertname=name, host="c")
    c["severity"] = "info"
    post([c, b], KEYS["sev"])
    inc = incident(iid)
    eq(inc["severity"], "sev1", "severity after an info")
    eq(len(events(inc, "severity_raised")), 1, "severity_raised events")
    eq(inc["alert_count"], 3, "alert_count")
    eq(len({x["incident"] for x in post([a, b, c], KEYS["sev"])}), 1,
       "incidents")
    # When the critical one resolves, the highest firing level is sev3.
    post(dict(b, status="resolved"), KEYS["sev"])
    inc = incident(iid)
    eq(inc["status"], "triggered", "status with two still firing")
    eq(inc["severity"], "sev3", "severity after the critical resolved")
    ev = events(inc, "severity_lowered")
    eq(len(ev), 1, "severity_lowered events")
    eq((ev[0]["from"], ev[0]["to"]), ("sev1", "sev3"), "lowered from, to")


@t.case("a repeat whose severity rose raises its incident; config "
        "severity rules match labels and raw values")
def _():
    up()
    a = {"summary": uniq("s"), "dedup_key": uniq("dk"),
         "severity": "P4", "labels": {"alertname": uniq("X")}}
    iid = post(a, KEYS["sev"])[0]["incident"]
    eq(incident(iid)["severity"], "sev3", "P4")
    r = post(dict(a, severity="P2"), KEYS["sev"])[0]
    eq((r["result"], r["incident"]), ("deduplicated", iid), "repeat")
    inc = incident(iid)
    eq(inc["severity"], "sev2", "after P2")
    eq(inc["alerts"][0]["level"], "sev2", "alert level")
    ev = events(inc, "severity_raised")
    eq([(e["from"], e["to"]) for e in ev], [("sev3", "sev2")], "raises")
    # severity.rules: team="dba" with the raw value "urgent" is sev1.
    b = mk(team="dba")
    b["severity"] = "urgent"
    inc = incident(post(b, KEYS["sev"])[0]["incident"])
    eq(inc["severity"], "sev1", "rule for team dba")
    c = mk(team="other")
    c["severity"] = "urgent"
    inc = incident(post(c, KEYS["sev"])[0]["incident"])
    eq(inc["severity"], "sev3", "urgent elsewhere: the default")


@t.case("resolve every alert: the incident resolves and its group forgets "
        "it; the next firing alert opens a new incident")
def _():
    up()
    team = uniq("team")
    alerts = [mk(team, host="h%d" % i) for i in range(3)]
    iid = {x["incident"] for x in post(alerts, KEYS["db"])}
    eq(len(iid), 1, "incidents")
    iid = iid.pop()
    gkey = pt.PREFIX + 'group:db{team="%s"}' % team
    eq(R.get(gkey), str(iid), "group mapping")
    post([dict(a, status="resolved") for a in alerts[:2]], KEYS["db"])
    inc = incident(iid)
    eq((inc["status"], inc["firing_count"]), ("triggered", 1),
       "after 2 of 3 resolved")
    r = post(dict(alerts[2], status="resolved"), KEYS["db"])[0]
    eq((r["result"], r["incident"]), ("resolved", iid), "last resolve")
    inc = incident(iid)
    eq(inc["status"], "resolved", "status")
    check(inc["resolved"], "resolved time %r" % inc["resolved"])
    eq(R.get(gkey), None, "group mapping after the resolve")
    eq(R.cmd("ZSCORE", pt.PREFIX + "timers", "notify:%d" % iid), None,
       "timer of the resolved incident")
    new = post(mk(team), KEYS["db"])[0]
    eq(new["result"], "new", "result")
    check(new["incident"] != iid, "went back into resolved incident")
    again = post(alerts[0], KEYS["db"])[0]
    eq(again["incident"], new["incident"], "re-fired alert's incident")
    eq(incident(iid)["status"], "resolved", "old incident")
    eq(R.get(gkey), str(new["incident"]), "group mapping")


@t.case("auto_resolve = false: the incident stays open after its last "
        "alert resolves, and new alerts join it")
def _():
    up()
    a = mk()
    iid = post(a, KEYS["keep"])[0]["incident"]
    post(dict(a, status="resolved"), KEYS["keep"])
    inc = incident(iid)
    eq((inc["status"], inc["firing_count"]), ("triggered", 0), "incident")
    eq(post(mk(), KEYS["keep"])[0]["incident"], iid, "next alert")


@t.case("two pagerd on one Redis post the same 200 alerts at once: one "
        "incident per group, each alert counted twice, one "
        "group_wait_elapsed each", timeout=90)
def _():
    up(pd, pd2)
    teams = [uniq("t") for _ in range(4)]
    alerts = [mk(teams[i % 4], host="h%03d" % i) for i in range(200)]
    go = threading.Barrier(4)
    out = {}

    def send(d, order, tag):
        go.wait(10)
        res = {}
        for i in range(0, 200, 10):
            chunk = order[i:i + 10]
            for a, x in zip(chunk, post(chunk, KEYS["db"], d)):
                res[a["labels"]["host"]] = x["incident"]
        out[tag] = res
    ths = [threading.Thread(target=send, args=(d, o, (d.name, k)))
           for k, o in (("fwd", alerts), ("rev", alerts[::-1]))
           for d in (pd, pd2)]
    for th in ths:
        th.start()
    for th in ths:
        th.join(60)
    eq(len(out), 4, "senders that finished")
    by_team = {}
    for res in out.values():
        for a in alerts:
            by_team.setdefault(a["labels"]["team"], set()).add(
                res[a["labels"]["host"]])
    for team in teams:
        eq(len(by_team[team]), 1, "incidents of group %s" % team)
    for team in teams:
        iid = next(iter(by_team[team]))
        inc = incident(iid, pd2)
        eq(inc["alert_count"], 50, "alert_count")
        eq(inc["firing_count"], 50, "firing_count")
        eq({a["count"] for a in inc["alerts"]}, {4}, "each alert's count")
        eq(len(events(inc, "created")), 1, "created events")
        wait_until(lambda: events(incident(iid), "group_wait_elapsed"), 5,
                   what="group_wait_elapsed")
    time.sleep(0.6)     # room for a second, wrong, notification
    for team in teams:
        inc = incident(next(iter(by_team[team])))
        eq(len(events(inc, "group_wait_elapsed")), 1,
           "group_wait_elapsed events")
    fired = sum(d.metrics().value("pagerd_timers_fired_total",
                                  kind="notify") for d in (pd, pd2))
    check(fired >= 4, "timers fired %s, want >= 4" % fired)


# ------------------------------------------------------------ routing

@t.case("routes pick the service by matchers, first match wins (continue "
        "goes on but the alert is stored with the first), unmatched goes "
        "to default")
def _():
    up()
    cases = [
        ({"team": "web", "severity": "page"}, "web"),
        ({"team": "web", "severity": "critical"}, "web"),
        ({"team": "web", "severity": "info", "env": "dev"}, "webdev"),
        ({"team": "web", "severity": "info"}, "webdev"),
        ({"team": "web", "severity": "info", "env": "prod"}, "web"),
        ({"team": "ops"}, "ops"),
        ({"team": "nobody"}, "default"),
        ({}, "default"),
    ]
    for labels, want in cases:
        a = mk(**labels)
        iid = post(a, pt.KEY)[0]["incident"]
        inc = incident(iid)
        eq(inc["service"], want, "service of %r" % labels)
        eq(inc["alerts"][0]["service"], want, "alert's service")
    # The default service groups nothing: two alerts, two incidents.
    x = {r["incident"] for r in post([mk(team="nobody"), mk(team="nobody")],
                                     pt.KEY)}
    eq(len(x), 2, "incidents in default")


@t.case("an integration's pinned service wins over the routes")
def _():
    up()
    a = mk(team="web", severity="page")
    inc = incident(post(a, KEYS["db"])[0]["incident"])
    eq(inc["service"], "db", "service")
    eq(inc["group_key"], 'db{team="web"}', "group key")


@t.case("dedup is by fingerprint alone: a resolve that would route "
        "elsewhere today still resolves the alert")
def _():
    up()
    a = mk(team="web", severity="page")
    iid = post(a, pt.KEY)[0]["incident"]
    eq(incident(iid)["service"], "web", "service")
    r = post(dict(a, status="resolved"), KEYS["db"])[0]
    eq((r["result"], r["incident"]), ("resolved", iid), "resolve")
    eq(incident(iid)["status"], "resolved", "incident")


def send_v2(labels, end_ms):
    """POST /api/v2/alerts: one alert ending at end_ms (ms since the
    epoch), as Prometheus sends it."""
    body = [{"labels": labels, "annotations": {"summary": "ends"},
             "endsAt": pt.rfc3339(end_ms)}]
    r = pt.http_request(pd.port, "POST", "/api/v2/alerts", body,
                        {"Authorization": "Bearer " + pt.KEY})
    expect_status(r, 200, "POST /api/v2/alerts")


@t.case("Alertmanager API v2 endsAt: the alert resolves by itself when it "
        "passes, a re-send moves it, and the incident resolves")
def _():
    up()
    labels = {"alertname": uniq("Ends"), "team": "nobody"}
    fp = pt.fingerprint(labels)

    def send(ends_in_ms):
        send_v2(labels, int(time.time() * 1000) + ends_in_ms)
    def fired():
        # Whichever instance claims the timer fires it.
        return sum(d.metrics().value("pagerd_timers_fired_total",
                                     kind="ends")
                   for d in (pd, pd2) if d.running())
    before = fired()
    send(1000)
    h = R.alert(fp)
    eq(h.get("status"), "firing", "status")
    iid = h["incident"]
    # One member per incident, due no later than its alerts' ends_at.
    member = "incident:" + iid
    score = R.cmd("ZSCORE", pt.PREFIX + "alerts:ends", member)
    check(score is not None, "%s not in alerts:ends" % member)
    check(int(float(score)) <= int(h["ends_at"]),
          "alerts:ends %s after ends_at %s" % (score, h["ends_at"]))
    eq(R.cmd("ZSCORE", pt.PREFIX + "alerts:ends", fp), None,
       "a member per alert")
    send(3000)
    time.sleep(1.5)
    eq(R.alert(fp).get("status"), "firing", "status after the first end")
    wait_until(lambda: R.alert(fp).get("status") == "resolved", 5,
               what="the alert to resolve")
    h = R.alert(fp)
    check(int(h["resolved_at"]) >= int(h["ends_at"]),
          "resolved at %s before ends_at %s" % (h["resolved_at"],
                                                h["ends_at"]))
    inc = incident(iid)
    eq(inc["status"], "resolved", "incident")
    eq(R.cmd("ZSCORE", pt.PREFIX + "alerts:ends", member), None,
       "left in alerts:ends")
    eq(fired(), before + 1, "pagerd_timers_fired_total{kind=ends}")


@t.case("Alertmanager API v2 endsAt: an end moved later leaves the "
        "incident's alerts:ends member where it was; an end moved earlier "
        "moves it, and the alert resolves then")
def _():
    up()
    labels = {"alertname": uniq("Earlier"), "team": "nobody"}
    fp = pt.fingerprint(labels)

    def send(end_ms):
        send_v2(labels, end_ms)

    def member():
        v = R.cmd("ZSCORE", pt.PREFIX + "alerts:ends",
                  "incident:" + R.alert(fp)["incident"])
        return None if v is None else int(float(v))

    t0 = int(time.time() * 1000)
    send(t0 + 60000)
    eq(member(), t0 + 60000, "member at the first end")
    send(t0 + 120000)
    eq(R.alert(fp)["ends_at"], str(t0 + 120000), "ends_at moved later")
    eq(member(), t0 + 60000, "member after a later end")
    send(t0 + 1000)
    eq(R.alert(fp)["ends_at"], str(t0 + 1000), "ends_at moved earlier")
    eq(member(), t0 + 1000, "member after an earlier end")
    wait_until(lambda: R.alert(fp).get("status") == "resolved", 5,
               what="the alert to resolve at its earlier end")


# ------------------------------------------------------------ config

BAD = """\
services = (
\t{ name = "db"; }
);
routes = (
\t{ match = [ "team=\\"db\\"" ]; service = "dbx"; },
\t{ match = [ "team=\\"db\\"",
\t\t"severity=~\\"(crit\\"" ]; service = "db"; },
\t{ match = [ "team" ]; service = "db"; }
);
integrations = (
\t{ name = "p"; key = "0123456789"; service = "nope"; }
);
severity: {
\tdefault = "sev9";
\trules = ( { match = [ "a=\\"x" ]; raw = [ "x" ]; level = "sev1"; },
\t\t{ level = "sev2"; } );
};
"""


@t.case("config mistakes: unknown services and bad matchers are named "
        "with FILE:LINE and the key, all in one run")
def _():
    path = os.path.join(t.dir, "bad.conf")
    with open(path, "w") as f:
        f.write(BAD)
    r = pt.run([pt.PAGERD, "-t", "-c", path])
    eq(r.returncode, 1, "exit status of -t")
    lines = r.stderr.splitlines()
    want = [
        (5, "routes[0].service", 'unknown service "dbx"'),
        (7, "routes[1].match[1]", "'(' without ')'"),
        (8, "routes[2].match[0]", "expected '='"),
        (11, "integrations[0].service", 'unknown service "nope"'),
        (14, "severity.default", "sev9"),
        (15, "severity.rules[0].match[0]", "no closing"),
        (16, "severity.rules[1]", "match or raw"),
    ]
    for line, key, what in want:
        pre = "%s:%d: %s: " % (path, line, key)
        check(any(l.startswith(pre) and what in l for l in lines),
              "no line %r...%r in:\n%s" % (pre, what, r.stderr))
    check(("%d errors" % len(want)) in r.stderr,
          "want %d errors:\n%s" % (len(want), r.stderr))


@t.case("the sample etc/pagerd.conf with its services, routes and "
        "severity rules passes pagerd -t")
def _():
    path = os.path.join(pt.SRCDIR, "etc", "pagerd.conf")
    r = pt.run([pt.PAGERD, "-t", "-c", path], env={
        "CREDENTIALS_DIRECTORY": None})
    eq(r.returncode, 0, "exit status:\n" + r.stderr)
    text = open(path).read()
    for k in ("services", "routes", "severity:"):
        check(k in text, "sample has no %s" % k)


t.run()
