#!/usr/bin/python3
"""Silences and inhibition end to end: the API (create, list, get, expire, validation
errors naming the field, 401 without a token), a silenced alert stored
as silenced and held from notification, the incident going on when the
silence expires or is expired early, a silence made on one instance
applying on another within a second, pagerctl silence, and inhibition on and off."""

import json
import os
import time

import pagerd_test as pt
from pagerd_test import check, eq, expect_status, rfc3339, uniq, \
    wait_until

t = pt.TestFile("silences")
redis = t.redis()
R = redis.client
KEY = "sil-key-0123456789"


def configure(p):
    c = p.config
    # A policy: a held alert must hold the page the ingest script would
    # otherwise do at once (group_wait 0).
    c["services"] = [{"name": "sil", "group_by": ["alertname"],
                      "group_wait": "0s", "policy": pt.add_paging(c)}]
    c["integrations"] = c["integrations"] + [
        {"name": "sil", "key": KEY, "service": "sil"}]
    c["silences"] = {"max_duration": "2d"}
    c["inhibit_rules"] = [{"source": ['level="sev1"'],
                           "target": ['level="sev3"'],
                           "equal": ["service", "cluster"]}]


pd = t.pagerd(redis)
configure(pd)
pd2 = t.pagerd(redis, name="pagerd2")
configure(pd2)


def up(*daemons):
    pt.ensure_up(redis, *(daemons or (pd,)))
    return pd


def now_ms():
    return int(time.time() * 1000)


def api(method, path, body=None, token=pt.TOKEN, d=None):
    h = {"Content-Type": "application/json"}
    if token:
        h["Authorization"] = "Bearer " + token
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body).encode()
    return (d or pd).request(method, path, body, h)


def silence(matchers, secs=60, starts=None, d=None, **kw):
    body = {"matchers": matchers, "ends_at": rfc3339(now_ms() + secs * 1000),
            "created_by": "tester", "comment": "testing"}
    if starts is not None:
        body["starts_at"] = rfc3339(starts)
    body.update(kw)
    r = api("POST", "/api/v1/silences", body, d=d)
    expect_status(r, 201, "POST /api/v1/silences")
    return r.json()["id"]


def incident(iid, d=None):
    r = (d or pd).incident(iid)
    expect_status(r, 200, "GET incident %s" % iid)
    return r.json()["incident"]


def events(inc, name):
    return [e for e in inc["timeline"] if e["event"] == name]


def mk(**labels):
    return {"summary": uniq("summary"),
            "labels": dict({"alertname": uniq("A")}, **labels)}


def post(a, d=None):
    return (d or pd).post_ok(a, key=KEY)[0]["incident"]


# ------------------------------------------------------------------ API

@t.case("POST a silence (API v2 matchers) -> 201 with an id; GET it and "
        "see it in the list as active")
def _():
    up()
    name = uniq("Disk")
    sid = silence([{"name": "alertname", "value": name, "isRegex": False,
                    "isEqual": True},
                   {"name": "env", "value": "prod.*", "isRegex": True}])
    r = api("GET", "/api/v1/silences/" + sid)
    expect_status(r, 200, "GET silence")
    s = r.json()
    eq(s["id"], sid, "id")
    eq(s["status"]["state"], "active", "state")
    eq(s["created_by"], "tester", "created_by")
    eq(s["comment"], "testing", "comment")
    eq(s["matchers"][0], {"name": "alertname", "value": name,
                          "isRegex": False, "isEqual": True}, "matcher 0")
    eq(s["matchers"][1]["isRegex"], True, "matcher 1 isRegex")
    check(s["ends_at"].endswith("Z"), "ends_at %r" % s["ends_at"])
    r = api("GET", "/api/v1/silences")
    expect_status(r, 200, "list")
    check(sid in [x["id"] for x in r.json()["silences"]], "not listed")


@t.case("matchers in the text form are accepted")
def _():
    up()
    sid = silence('{alertname="X", env=~"prod.*"}')
    s = api("GET", "/api/v1/silences/" + sid).json()
    eq([(m["name"], m["isRegex"]) for m in s["matchers"]],
       [("alertname", False), ("env", True)], "matchers")


@t.case("DELETE expires a silence now: 200, state expired, gone from the "
        "default list, still in ?all=1")
def _():
    up()
    sid = silence('{alertname="Y"}')
    r = api("DELETE", "/api/v1/silences/" + sid)
    expect_status(r, 200, "DELETE")
    eq(r.json()["status"]["state"], "expired", "state after DELETE")
    ids = [x["id"] for x in api("GET", "/api/v1/silences").json()
           ["silences"]]
    check(sid not in ids, "expired silence still in the default list")
    ids = [x["id"] for x in api("GET", "/api/v1/silences?all=1").json()
           ["silences"]]
    check(sid in ids, "expired silence not in ?all=1")
    pt.expect_error(api("DELETE", "/api/v1/silences/999999999"), 404,
                    "no such silence")
    pt.expect_error(api("GET", "/api/v1/silences/abc"), 404)


@t.case("silences that ended over a week ago are forgotten when the "
        "next one is made")
def _():
    up()
    day = 86400 * 1000
    old = silence('{alertname="Old"}')
    recent = silence('{alertname="Recent"}')
    # Let time pass: they ended 8 days and 1 day ago.
    for sid, ago in ((old, 8 * day), (recent, day)):
        end = now_ms() - ago
        redis.client.cmd("HSET", pt.PREFIX + "silence:" + sid,
                         "starts_at", str(end - 3600000), "ends_at",
                         str(end))
        redis.client.cmd("ZADD", pt.PREFIX + "silences", str(end), sid)
    expect_status(api("GET", "/api/v1/silences/" + old), 200, "old before")
    silence('{alertname="New"}')
    pt.expect_error(api("GET", "/api/v1/silences/" + old), 404)
    expect_status(api("GET", "/api/v1/silences/" + recent), 200,
                  "a silence that ended yesterday is kept")


@t.case("validation errors are 400 and name the field")
def _():
    up()
    good = {"matchers": '{a="b"}', "ends_at": rfc3339(now_ms() + 60000),
            "created_by": "me", "comment": "c"}
    cases = [
        ({"matchers": None}, "matchers"),
        ({"matchers": []}, "matchers"),
        ({"matchers": [{"name": "", "value": "x", "isRegex": False}]},
         "matchers[0].name"),
        ({"matchers": '{a=~"(("}'}, "matchers"),
        ({"ends_at": None}, "ends_at: required"),
        ({"ends_at": "tomorrow"}, "ends_at"),
        ({"ends_at": rfc3339(now_ms() - 1000)}, "ends_at"),
        ({"ends_at": rfc3339(now_ms() + 3 * 86400 * 1000)},
         "silences.max_duration"),
        ({"starts_at": rfc3339(now_ms() + 120000)},
         "ends_at: must be after starts_at"),
        ({"created_by": None}, "created_by"),
        ({"created_by": ""}, "created_by"),
        ({"comment": None}, "comment"),
        ({"bogus": 1}, "bogus: unknown field"),
    ]
    for change, want in cases:
        body = dict(good)
        for k, v in change.items():
            if v is None:
                body.pop(k, None)
            else:
                body[k] = v
        pt.expect_error(api("POST", "/api/v1/silences", body), 400, want,
                        what=repr(change))
    pt.expect_error(api("POST", "/api/v1/silences", b"{nope"), 400, "body")


@t.case("every silence call needs the API token: 401 without, 401 with "
        "an integration key")
def _():
    up()
    for m, p in (("GET", "/api/v1/silences"), ("POST", "/api/v1/silences"),
                 ("GET", "/api/v1/silences/1"),
                 ("DELETE", "/api/v1/silences/1")):
        expect_status(api(m, p, b"{}", token=None), 401, m + " " + p)
        expect_status(api(m, p, b"{}", token=KEY), 401, m + " " + p)


# ------------------------------------------------------------ silencing

@t.case("a silenced alert is stored as silenced and held: a 'silenced' "
        "event, no group_wait_elapsed")
def _():
    up()
    name = uniq("Disk")
    sid = silence('{alertname="%s"}' % name)
    time.sleep(0.7)         # the next poll has loaded it
    iid = post(mk(alertname=name))
    wait_until(lambda: events(incident(iid), "silenced"), 3,
               what="silenced event")
    inc = incident(iid)
    eq(inc["alerts"][0]["silenced"], True, "alert silenced")
    eq(inc["alerts"][0]["silenced_by"], [sid], "silenced_by")
    eq(events(inc, "group_wait_elapsed"), [], "group_wait_elapsed")
    eq(inc["notified_at"], None, "notified_at")
    # An alert that does not match goes on as before.
    iid2 = post(mk())
    wait_until(lambda: events(incident(iid2), "group_wait_elapsed"), 3,
               what="group_wait_elapsed of an unsilenced alert")
    eq(incident(iid2)["alerts"][0]["silenced"], False, "not silenced")


@t.case("the silence ends while the alert fires: the incident goes on "
        "as if the alert had just arrived")
def _():
    up()
    name = uniq("Disk")
    silence('{alertname="%s"}' % name, secs=2)
    time.sleep(0.7)
    iid = post(mk(alertname=name))
    wait_until(lambda: events(incident(iid), "silenced"), 3,
               what="silenced event")
    wait_until(lambda: events(incident(iid), "group_wait_elapsed"), 5,
               what="group_wait_elapsed after the silence ended")
    inc = incident(iid)
    eq(inc["alerts"][0]["silenced"], False, "silenced after the end")


@t.case("DELETE while the alert fires: the incident goes on within a "
        "second")
def _():
    up()
    name = uniq("Disk")
    sid = silence('{alertname="%s"}' % name, secs=600)
    time.sleep(0.7)
    iid = post(mk(alertname=name))
    wait_until(lambda: events(incident(iid), "silenced"), 3,
               what="silenced event")
    expect_status(api("DELETE", "/api/v1/silences/" + sid), 200, "DELETE")
    wait_until(lambda: events(incident(iid), "group_wait_elapsed"), 1.5,
               what="group_wait_elapsed after DELETE")


@t.case("a silence made through instance A applies on instance B within "
        "a second")
def _():
    up(pd, pd2)
    name = uniq("Disk")
    silence('{alertname="%s"}' % name, d=pd)
    time.sleep(1.0)
    iid = post(mk(alertname=name), d=pd2)
    inc = incident(iid, d=pd2)
    eq(inc["alerts"][0]["silenced"], True, "silenced on B")
    wait_until(lambda: events(incident(iid), "silenced"), 3,
               what="silenced event")


# ------------------------------------------------------------ inhibition

@t.case("inhibition: while a sev1 of the same service and cluster fires, "
        "a sev3 is stored as inhibited and held; when the sev1 resolves "
        "the sev3's incident goes on")
def _():
    up()
    cluster = uniq("c")
    src = dict(mk(cluster=cluster), severity="critical")
    iid1 = post(src)
    wait_until(lambda: events(incident(iid1), "group_wait_elapsed"), 3,
               what="the source's own notification")
    tgt = dict(mk(cluster=cluster), severity="warning")
    iid2 = post(tgt)
    check(iid2 != iid1, "one incident")
    wait_until(lambda: events(incident(iid2), "inhibited"), 3,
               what="inhibited event")
    inc = incident(iid2)
    eq(inc["alerts"][0]["inhibited"], True, "target inhibited")
    eq(inc["alerts"][0]["silenced"], False, "target not silenced")
    eq(events(inc, "group_wait_elapsed"), [], "group_wait_elapsed")
    eq(incident(iid1)["alerts"][0]["inhibited"], False, "source inhibited")
    post(dict(src, status="resolved"))
    wait_until(lambda: events(incident(iid2), "group_wait_elapsed"), 1.5,
               what="group_wait_elapsed after the source resolved")
    eq(incident(iid2)["alerts"][0]["inhibited"], False, "after resolve")


@t.case("inhibition off: a sev3 of another cluster, or with no firing "
        "sev1, is notified as usual")
def _():
    up()
    cluster = uniq("c")
    post(dict(mk(cluster=cluster), severity="critical"))
    iid = post(dict(mk(cluster=uniq("other")), severity="warning"))
    wait_until(lambda: events(incident(iid), "group_wait_elapsed"), 3,
               what="group_wait_elapsed")
    eq(incident(iid)["alerts"][0]["inhibited"], False, "inhibited")
    iid = post(dict(mk(cluster=uniq("lone")), severity="warning"))
    wait_until(lambda: events(incident(iid), "group_wait_elapsed"), 3,
               what="group_wait_elapsed")


@t.case("bad inhibit_rules are config errors naming FILE:LINE and the key")
def _():
    path = os.path.join(t.dir, "bad-inhibit.conf")
    with open(path, "w") as f:
        f.write('inhibit_rules = (\n'
                '\t{ source = [ ]; target = [ "level=\\"sev3\\"" ]; },\n'
                '\t{ source = [ "level=~\\"((\\"" ]; target = [ "a=\\"b\\"" ];'
                ' bogus = 1; }\n);\n')
    r = pt.run([pt.PAGERD, "-t", "-c", path])
    eq(r.returncode, 1, "exit status:\n" + r.stderr)
    for want in ("%s:2: inhibit_rules[0]: source and target" % path,
                 "%s:3: inhibit_rules[1].source[0]: " % path,
                 "%s:3: inhibit_rules[1].bogus: unknown key" % path):
        check(want in r.stderr, "no %r in:\n%s" % (want, r.stderr))


# -------------------------------------------------------------- pagerctl

def ctl(*args, env=None):
    argv = [pt.PAGERCTL, "-u", pd.url, "-T", pt.TOKEN] + list(args)
    r = pt.run(argv, env=env, timeout=15)
    pt.diag("pagerctl %s -> %s" % (" ".join(args), r.returncode))
    for line in (r.stdout + r.stderr).splitlines()[:20]:
        pt.diag("  | " + line)
    return r


@t.case("pagerctl silence add, list, list --json, expire")
def _():
    up()
    name = uniq("Disk")
    r = ctl("silence", "add", 'alertname="%s"' % name, 'env=~"prod.*"',
            "--duration", "2h", "--comment", "disk swap",
            env={"USER": "alice"})
    eq(r.returncode, 0, "add exit status:\n" + r.stderr)
    sid = r.stdout.strip().split()[-1]
    s = api("GET", "/api/v1/silences/" + sid).json()
    eq(s["created_by"], "alice", "created_by from $USER")
    eq(s["comment"], "disk swap", "comment")
    eq(len(s["matchers"]), 2, "matchers")
    r = ctl("silence", "list")
    eq(r.returncode, 0, "list exit status")
    check(name in r.stdout and sid in r.stdout, "list:\n" + r.stdout)
    r = ctl("silence", "list", "--json")
    check(sid in [x["id"] for x in json.loads(r.stdout)["silences"]],
          "list --json")
    r = ctl("silence", "expire", sid)
    eq(r.returncode, 0, "expire exit status:\n" + r.stderr)
    r = ctl("silence", "list")
    check(sid not in r.stdout.split(), "still listed:\n" + r.stdout)
    r = ctl("silence", "list", "--all")
    check(sid in r.stdout, "not in --all:\n" + r.stdout)
    r = ctl("silence", "add", "--duration", "2h", "--comment", "x")
    check(r.returncode != 0 and "matcher" in r.stderr,
          "add without matchers:\n" + r.stderr)


t.run()
