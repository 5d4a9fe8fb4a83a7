#!/usr/bin/python3
"""Escalation end to end with a real redis-server, the real daemon and
the log notifier: an alert pages the on-call of its policy's first step,
step 2 follows after its delay, an API ack stops everything (and drops
what is queued), resolve, escalate now, a timed ack pages again, a step
with nobody on call is skipped at once, repeat rounds, sev3 outside
working hours waits, a severity raise starts over, RETRY retries,
PERMANENT falls through to the next contact rule, kill -9 resumes the
pending step, and two instances on one Redis never page twice.

Rotas are built so that the answer does not depend on the time: an
unrestricted layer with one member. The "gap" rota and the "outside"
working hours use a window six hours away from now (UTC)."""

import http.server
import json
import os
import re
import signal
import socket
import threading
import time

import pagerd_test as pt
from pagerd_test import check, eq, expect_error, expect_status, wait_until

t = pt.TestFile("escalation")
redis = t.redis()
R = redis.client


def hhmm(ts):
    return time.strftime("%H:%M", time.gmtime(ts))


# A window that is certainly not now: six hours ahead, one hour long.
AWAY = "%s-%s" % (hhmm(time.time() + 6 * 3600), hhmm(time.time() + 7 * 3600))

POLICIES = {
    "main": [(["rota:ops"], "2s"), (["rota:ops:secondary"], "2s")],
    "slow": [(["rota:ops"], "3s"), (["rota:ops:2"], "1h")],
    "later": [(["rota:ops"], "1h"), (["rota:ops:secondary"], "1h")],
    "skip": [(["rota:gap"], "1h"), (["rota:ops:secondary"], "1h")],
    "rep": [(["person:alice", "rota:ops"], "1s")],
    "fall": [(["person:dave"], "1h")],
    "retry": [(["person:erin"], "1h")],
    "hooked": [(["person:frank"], "1s"), (["person:grace"], "1h")],
}


PDKEY = "esc-pd-key-0123456789"


class Sink:
    """A webhook receiver: records every POST; answers 429 to the first
    try of the keys in flaky (a provider that is busy for a moment)."""

    def __init__(self):
        self.posts = []
        self.flaky = set()
        self.lock = threading.Lock()
        sink = self

        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(n) or b"{}")
                key = self.headers.get("Idempotency-Key")
                with sink.lock:
                    sink.posts.append((key, body))
                    busy = key in sink.flaky
                    sink.flaky.discard(key)
                self.send_response(429 if busy else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=self.server.serve_forever,
                         daemon=True).start()
        self.url = "http://127.0.0.1:%d/hook" % self.server.server_port

    def of(self, iid):
        with self.lock:
            return [(k, b) for k, b in self.posts
                    if b.get("incident_id") == iid]


SINK = Sink()


def configure(p):
    c = p.config
    c["notifiers"] = {
        "dry": {"type": "log", "level": "info"},
        "flaky": {"type": "log", "result": "retry", "retry_after": 1},
        "broken": {"type": "log", "result": "permanent"},
        "hook": {"type": "webhook", "url": SINK.url, "timeout": 5},
    }
    c["people"] = {
        "alice": {"phone": "+31600000001", "email": "alice@example.com"},
        "bob": {"phone": "+31600000002"},
        "carol": {"phone": "+31600000003"},
        "dave": {"phone": "+31600000004",
                 "contact": [{"notifier": "broken"},
                             {"notifier": "dry", "after": "1h"}]},
        "erin": {"phone": "+31600000005",
                 "contact": [{"notifier": "flaky"}]},
        "frank": {"phone": "+31600000006",
                  "contact": [{"notifier": "hook"}]},
        "grace": {"phone": "+31600000007",
                  "contact": [{"notifier": "hook"}]},
    }
    layer = {"shift": "1w", "handoff": "mon 09:00", "anchor": "2026-01-05"}
    c["rotas"] = {
        "ops": {"time_zone": "UTC", "levels": [
            {"name": "primary", "layers": [dict(layer, members=["alice"])]},
            {"name": "secondary", "layers": [dict(layer, members=["bob"])]},
        ]},
        "gap": {"time_zone": "UTC", "levels": [
            {"name": "primary", "layers": [
                dict(layer, members=["carol"], restrictions=[AWAY])]},
        ]},
    }
    c["contact_defaults"] = [{"notifier": "dry"}]
    c["policies"] = [
        {"name": n, "repeat": 2 if n == "rep" else 0,
         "steps": [{"targets": tg, "delay": d} for tg, d in steps]}
        for n, steps in POLICIES.items()]
    c["services"] = [
        {"name": n, "group_by": ["alertname"], "group_wait": "0s",
         "policy": n} for n in POLICIES] + [
        {"name": "sev3in", "group_by": ["alertname"], "group_wait": "0s",
         "policy": "main"},
        {"name": "sev3out", "group_by": ["alertname"], "group_wait": "0s",
         "policy": "main",
         "working_hours": {"time_zone": "UTC", "restrictions": [AWAY]}},
        {"name": "none", "group_by": ["alertname"], "group_wait": "0s"},
    ]
    c["integrations"] = c["integrations"] + [
        {"name": "pd", "key": PDKEY, "service": "main"}]
    c["routes"] = [{"match": ['svc="%s"' % s["name"]], "service": s["name"]}
                   for s in c["services"]]


pd = t.pagerd(redis)
configure(pd)
pd2 = t.pagerd(redis, name="pagerd2")
configure(pd2)
for d in (pd, pd2):
    d.extra_env["PAGERD_PLUGINDIR"] = os.environ.get(
        "PAGERD_PLUGINDIR", os.path.join(os.getcwd(), ".libs"))

AUTH = {"Authorization": "Bearer " + pt.TOKEN,
        "Content-Type": "application/json"}
PAGE = re.compile(r'page incident (\d+) (sev\d) to (\S+) .* code (\d+) '
                  r'key (\S+) attempt (\d+):')


def up(*daemons):
    pt.ensure_up(redis, *(daemons or (pd,)))
    return pd


def fire(svc, sev="critical", name=None, d=None):
    """Post one alert to service svc; returns its incident id."""
    name = name or pt.uniq("a")
    res = (d or pd).post_ok({"summary": "%s down" % name, "severity": sev,
                             "labels": {"alertname": name, "svc": svc}})
    return res[0]["incident"]


def pages(iid, daemons=(pd,)):
    """Pages of incident iid in the logs, in order: (person, key, attempt,
    time seen is not known: order only)."""
    out = []
    for d in daemons:
        for m in PAGE.finditer(d.log_text()):
            if int(m.group(1)) == iid:
                out.append({"person": m.group(3), "sev": m.group(2),
                            "code": int(m.group(4)), "key": m.group(5),
                            "attempt": int(m.group(6))})
    return out


def who(iid, daemons=(pd,)):
    return [p["person"] for p in pages(iid, daemons)]


def incident(iid):
    r = pd.incident(iid)
    expect_status(r, 200, "GET incident %s" % iid)
    return r.json()["incident"]


def events(iid, name=None):
    tl = incident(iid)["timeline"]
    return [e for e in tl if name is None or e["event"] == name]


def act(iid, action, body=None, headers=AUTH):
    data = json.dumps(body).encode() if body is not None else None
    return pd.request("POST", "/api/v1/incidents/%s/%s" % (iid, action),
                      data, headers)


class Monitor:
    """Redis MONITOR on a connection of its own: every command Redis
    runs (a script's own calls as "[0 lua]" lines), as text lines, until
    stop()."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(5)
        self.sock.connect(path)
        self.sock.sendall(b"*1\r\n$7\r\nMONITOR\r\n")
        self.f = self.sock.makefile("rb")
        eq(self.f.readline(), b"+OK\r\n", "MONITOR")
        self.sock.settimeout(None)
        self.lines = []
        self.th = threading.Thread(target=self._run, daemon=True)
        self.th.start()

    def _run(self):
        try:
            for line in self.f:
                self.lines.append(line.decode("utf-8", "replace"))
        except (OSError, ValueError):
            pass

    def stop(self):
        self.sock.shutdown(socket.SHUT_RDWR)
        self.th.join(2)
        self.f.close()
        self.sock.close()
        return self.lines


def wait_pages(iid, n, timeout=5, daemons=(pd,)):
    return wait_until(lambda: len(pages(iid, daemons)) >= n and
                      pages(iid, daemons), timeout=timeout,
                      what="%d pages of incident %s" % (n, iid))


@t.case("an alert pages the on-call of step 1, through its contact rules")
def _():
    up()
    iid = fire("main")
    p = wait_pages(iid, 1)
    eq(p[0]["person"], "alice", "paged")
    eq(p[0]["sev"], "sev1", "severity")
    eq(p[0]["code"], 1, "reply code")
    check(p[0]["key"].startswith("%d:0:0:0:alice:0" % iid), p[0]["key"])
    ev = wait_until(lambda: events(iid, "delivered"), what="delivered")
    eq(ev[0]["person"], "alice", "delivered to")
    eq(ev[0]["notifier"], "dry", "through")
    paged = events(iid, "paged")[0]
    eq((paged["step"], paged["target"], paged["reason"], paged["code"]),
       (1, "rota:ops", "rotation", 1), "paged event")


def monitored_page():
    """Fire an alert of service main, with Redis MONITOR on until it
    paged: its incident, the lines, and the index of the line that
    queued its page."""
    up()
    mon = Monitor(R.path)
    try:
        iid = fire("main")
        wait_pages(iid, 1)
    finally:
        lines = mon.stop()
    queued = [i for i, ln in enumerate(lines)
              if re.search(r'"XADD" "[^"]*outbox" "\*" "incident" "%d"'
                           % iid, ln)]
    check(queued, "a page of incident %d queued" % iid)
    return iid, lines, queued[0]


@t.case("group_wait 0: the script call that opens the incident pages "
        "(no notify timer, no claim and no step call in between)")
def _():
    iid, lines, queued = monitored_page()
    eq([ln for ln in lines if '"notify:%d"' % iid in ln], [],
       "commands on timer notify:%d" % iid)
    opened = [i for i, ln in enumerate(lines)
              if re.search(r'"HSET" "[^"]*incident:%d" "id"' % iid, ln)]
    check(opened, "the incident opened")
    between = [ln for ln in lines[opened[0]:queued] if "[0 lua]" not in ln]
    eq(between, [], "calls between opening the incident and its page")
    eq([e["event"] for e in events(iid)][:3],
       ["created", "group_wait_elapsed", "paged"], "timeline")
    eq(incident(iid)["notified_at"], incident(iid)["created"],
       "notified when created")


@t.case("group_wait 0: the page leaves with the reply of that call, "
        "which reads it for this pagerd's outbox")
def _():
    _, lines, queued = monitored_page()
    # The rest of that script call: its own commands up to the next
    # command a client sent.
    rest = []
    for ln in lines[queued + 1:]:
        if "[0 lua]" not in ln:
            break
        rest.append(ln)
    check([ln for ln in rest if '"XREADGROUP" "GROUP" "pagerd"' in ln],
          "the ingest call reads the outbox after queueing: %r" % rest)


@t.case("no consumer group (Redis lost it): the alerts are stored all "
        "the same, and the outbox pages once it has made the group again")
def _():
    up()
    R.cmd("XGROUP", "DESTROY", pt.PREFIX + "outbox", "pagerd")
    iid = fire("main")
    p = wait_pages(iid, 1)
    eq(p[0]["person"], "alice", "paged")
    check(R.cmd("XINFO", "GROUPS", pt.PREFIX + "outbox"), "group made again")


@t.case("SIGTERM while an alert's ingest call is on its way: the page "
        "that call read for this pagerd is still sent before it exits")
def _():
    up()
    wait_until(lambda: R.cmd("EXISTS", pt.PREFIX + "outbox") and
               R.cmd("XINFO", "GROUPS", pt.PREFIX + "outbox"),
               what="the outbox's consumer group")
    name = pt.uniq("a")
    off = pd.log_size()
    redis.proc.send_signal(signal.SIGSTOP)     # the call waits in Redis
    try:
        th = threading.Thread(target=lambda: pd.post_alerts(
            {"summary": "%s down" % name, "severity": "critical",
             "labels": {"alertname": name, "svc": "main"}}, timeout=10),
            daemon=True)
        th.start()
        time.sleep(0.5)
        pd.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
    finally:
        redis.proc.send_signal(signal.SIGCONT)
    eq(pd.proc.wait(10), 0, "exit status")
    th.join(10)
    check(PAGE.search(pd.log_text(off)), "a page before the exit")


@t.case("no ack: step 2 pages after its delay, then escalation ends")
def _():
    up()
    iid = fire("main")
    wait_pages(iid, 1)
    t0 = time.monotonic()
    p = wait_pages(iid, 2, timeout=6)
    dt = time.monotonic() - t0
    eq(p[1]["person"], "bob", "step 2")
    check(1.0 <= dt <= 4.0, "step 2 after %.1fs, want ~2s" % dt)
    check(events(iid, "escalated"), "escalated recorded")
    time.sleep(3)
    eq(len(pages(iid)), 2, "nothing after the last step")


@t.case("API ack: 200, nothing more is sent, the timeline says who")
def _():
    up()
    iid = fire("main")
    wait_pages(iid, 1)
    r = act(iid, "ack")
    expect_status(r, 200, "ack")
    eq(r.json(), {"incident": iid, "status": "acknowledged"}, "answer")
    time.sleep(3.5)
    eq(who(iid), ["alice"], "no step 2 after the ack")
    a = events(iid, "acknowledged")[0]
    eq((a["by"], a["via"]), ("api:admin", "api"), "who and how")
    inc = incident(iid)
    eq((inc["status"], inc["acked_by"], inc["acked_via"]),
       ("acknowledged", "api:admin", "api"), "incident")
    expect_error(act(iid, "ack"), 409)
    expect_error(act(999999, "ack"), 404)
    expect_error(act(iid, "ack", headers={}), 401)
    expect_error(act(iid, "ack", {"for": "soon"}), 400, "for")
    expect_error(act(iid, "ack", {"nope": 1}), 400, "nope")
    expect_error(act(iid, "nope"), 404)


@t.case("a PagerDuty acknowledge stops escalation the same way")
def _():
    up()
    key = pt.uniq("pdack")
    ev = {"routing_key": PDKEY, "event_action": "trigger", "dedup_key": key,
          "payload": {"summary": "disk full", "source": "db1",
                      "severity": "critical"}}
    expect_status(pd.request("POST", "/v2/enqueue", json.dumps(ev),
                             {"Content-Type": "application/json"}), 202,
                  "trigger")
    iid = int(R.alert(key)["incident"])
    wait_pages(iid, 1)
    ev = {"routing_key": PDKEY, "event_action": "acknowledge",
          "dedup_key": key}
    expect_status(pd.request("POST", "/v2/enqueue", json.dumps(ev),
                             {"Content-Type": "application/json"}), 202,
                  "acknowledge")
    time.sleep(3.5)
    eq(who(iid), ["alice"], "no step 2")
    eq(incident(iid)["acked_via"], "pagerduty", "acked via")
    eq(R.cmd("ZSCORE", pt.PREFIX + "timers", "esc:%d" % iid), None,
       "its step timer is gone")


@t.case("an ack drops the pages already queued (within 1 s)")
def _():
    up()
    # Stop the consumer from reading by pausing it: queue entries
    # directly, as a step on another instance would, then ack.
    iid = fire("later")
    wait_pages(iid, 1)
    P = pt.PREFIX
    R.cmd("HSET", P + "incident:%d" % iid, "esc_due", "0")
    r = act(iid, "ack", {"by": "carol"})
    expect_status(r, 200, "ack")
    R.cmd("XADD", P + "outbox", "*", "incident", str(iid), "person", "bob",
          "notifier", "dry", "address", "bob", "reply_code", "1", "kind",
          "page", "attempt", "1", "idem", "%d:9:9:9:bob:0" % iid, "step", "2")
    wait_until(lambda: events(iid, "dropped"), timeout=1.5,
               what="dropped")
    eq(who(iid), ["alice"], "the queued page was not sent")
    eq(events(iid, "acknowledged")[0]["by"], "carol", "by from the body")


@t.case("resolve by a person closes the incident and stops paging")
def _():
    up()
    name = pt.uniq("res")
    iid = fire("main", name=name)
    wait_pages(iid, 1)
    r = act(iid, "resolve", {"by": "alice"})
    expect_status(r, 200, "resolve")
    eq(r.json()["status"], "resolved", "answer")
    inc = incident(iid)
    eq((inc["status"], inc["resolved_by"]), ("resolved", "alice"), "inc")
    check(inc["resolved"] is not None, "resolved time")
    time.sleep(3)
    eq(who(iid), ["alice"], "nothing after resolve")
    expect_error(act(iid, "resolve"), 409)
    r = pd.incidents("?status=triggered")
    check(iid not in [i["id"] for i in r.json()["incidents"]],
          "not listed as triggered")
    # The group forgets it: the next alert opens a new incident.
    eq(R.cmd("GET", pt.PREFIX + "group:" + inc["group_key"]), None,
       "the group forgot it")
    eq(incident(iid)["alerts"][0]["status"], "resolved", "its alert too")
    again = fire("main", name=name)
    check(again != iid, "a repeat opens a new incident: %s" % again)


@t.case("escalate now pages the next step at once")
def _():
    up()
    iid = fire("later")
    wait_pages(iid, 1)
    t0 = time.monotonic()
    expect_status(act(iid, "escalate"), 200, "escalate")
    p = wait_pages(iid, 2, timeout=2)
    eq(p[1]["person"], "bob", "step 2 now")
    check(time.monotonic() - t0 < 1.5, "within a second")
    check(events(iid, "escalate_requested"), "recorded")
    # Nothing left after the last step.
    wait_until(lambda: incident(iid) and
               R.cmd("HGET", pt.PREFIX + "incident:%d" % iid,
                     "esc_step") == b"-1", what="last step done")
    expect_error(act(iid, "escalate"), 409)


@t.case("a timed ack pages again when it ends, from step 1")
def _():
    up()
    iid = fire("later")
    wait_pages(iid, 1)
    expect_status(act(iid, "ack", {"for": "2s"}), 200, "ack for 2s")
    p = wait_pages(iid, 2, timeout=5)
    eq(p[1]["person"], "alice", "step 1 again")
    check(p[1]["key"] != p[0]["key"], "a new idempotency key")
    check(events(iid, "unacknowledged"), "unacknowledged recorded")
    eq(incident(iid)["status"], "triggered", "triggered again")


@t.case("a runtime override (the API's) decides whom a step pages")
def _():
    up()
    until = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                          time.gmtime(time.time() + 3600))
    r = pd.request("POST", "/api/v1/rotas/ops/overrides",
                   json.dumps({"person": "carol", "covers": "alice",
                               "until": until}), AUTH)
    expect_status(r, 201, "override")
    oid = r.json()["id"]
    try:
        iid = fire("later")
        p = wait_pages(iid, 1)
        eq(p[0]["person"], "carol", "carol covers alice")
        eq(events(iid, "paged")[0]["reason"], "override", "reason")
    finally:
        r = pd.request("DELETE", "/api/v1/rotas/ops/overrides/%s" % oid,
                       None, AUTH)
        expect_status(r, 200, "override removed")


@t.case("a step with nobody on call is skipped at once and recorded")
def _():
    up()
    iid = fire("skip")
    p = wait_pages(iid, 1, timeout=2)
    eq(p[0]["person"], "bob", "step 2 pages at once")
    sk = events(iid, "skipped")[0]
    eq((sk["step"], sk["reason"]), (1, "nobody on call"), "skip")


@t.case("repeat: the policy runs its rounds, then stops")
def _():
    up()
    iid = fire("rep")
    p = wait_pages(iid, 3, timeout=6)
    time.sleep(2)
    p = pages(iid)
    # alice is named twice per step but paged once per round.
    eq([x["person"] for x in p], ["alice"] * 3, "three rounds")
    eq(len(set(x["key"] for x in p)), 3, "distinct keys")
    eq([e["round"] for e in events(iid, "paged")], [1, 2, 3], "rounds")


@t.case("sev3 outside working hours is deferred; inside it pages once")
def _():
    up()
    out = fire("sev3out", sev="warning")
    inn = fire("sev3in", sev="warning")
    p = wait_pages(inn, 1)
    eq(p[0]["sev"], "sev3", "low urgency")
    d = wait_until(lambda: events(out, "deferred"), what="deferred")[0]
    check(d["until"] > int(time.time() * 1000) + 5 * 3600 * 1000,
          "deferred to the window ~6h away: %r" % d)
    # What the claim will read when the window opens: step 1 still due
    # (the page the ingest script deferred must not be lost).
    h = R.incident(out)
    eq((h.get("esc_step"), h.get("esc_round"), h.get("esc_due")),
       ("0", "0", str(d["until"])), "the deferred step in the incident")
    eq(R.cmd("ZSCORE", pt.PREFIX + "timers", "esc:%d" % out),
       str(d["until"]).encode(), "its timer")
    time.sleep(3)
    eq(who(out), [], "nothing outside working hours")
    eq(who(inn), ["alice"], "sev3 never goes past low_urgency_steps")


@t.case("a severity raise restarts escalation at step 1")
def _():
    up()
    name = pt.uniq("raise")
    iid = fire("later", sev="warning", name=name)
    wait_pages(iid, 1)
    pd.post_ok({"summary": "worse", "severity": "critical",
                "labels": {"alertname": name, "svc": "later",
                           "instance": "b"}})
    p = wait_pages(iid, 2, timeout=3)
    eq((p[1]["person"], p[1]["sev"]), ("alice", "sev1"), "step 1 again")
    check(p[1]["key"].split(":")[1] == "1", "new epoch: %s" % p[1]["key"])


@t.case("RETRY retries with backoff; PERMANENT falls through at once")
def _():
    up()
    iid = fire("retry")
    p = wait_pages(iid, 2, timeout=8)
    eq([x["attempt"] for x in p[:2]], [1, 2], "attempts")
    eq(p[0]["key"], p[1]["key"], "a retry keeps its key")
    r = events(iid, "retry")[0]
    check("retry" in r["reason"], r)
    eq(r["attempt"], 1, "the attempt that failed")
    iid = fire("fall")
    p = wait_pages(iid, 2, timeout=3)
    eq([x["person"] for x in p], ["dave", "dave"], "dave twice")
    f = events(iid, "failed")[0]
    eq(f["notifier"], "broken", "failed through")
    check("permanent" in f["reason"], f)
    wait_until(lambda: events(iid, "delivered"), what="then delivered")
    eq(events(iid, "delivered")[0]["notifier"], "dry", "next rule")


@t.case("a service without a policy pages no one, and says so")
def _():
    up()
    iid = fire("none")
    sk = wait_until(lambda: events(iid, "skipped"), what="skipped")[0]
    eq(sk["reason"], "no escalation policy", "reason")
    eq(who(iid), [], "nobody paged")
    r = pt.run([pt.PAGERD, "-t", "-c", pd.conf_path],
               env=dict(os.environ, **pd.extra_env))
    eq(r.returncode, 0, "pagerd -t")
    check("warning: service none has no escalation policy" in r.stdout,
          r.stdout)


@t.case("kill -9 mid-escalation: after restart the step fires on time")
def _():
    up()
    iid = fire("slow")
    wait_pages(iid, 1)
    pd.kill9()
    time.sleep(4)           # step 2 fell due during the outage
    pd.start()
    # From the moment it answers /healthz: its start (seconds under
    # valgrind on a slow machine) is not the engine's to make up.
    t0 = time.monotonic()
    p = wait_pages(iid, 2, timeout=5)
    eq(p[1]["person"], "bob", "step 2")
    check(time.monotonic() - t0 < 2.0, "at restart (+-1 s): %.1f s after "
          "pagerd answered" % (time.monotonic() - t0))
    eq(len(pages(iid)), 2, "step 1 not sent again")


@t.case("an entry a dead instance read but never sent is taken over "
        "after 90 s, and sent once", timeout=150)
def _():
    up()
    iid = fire("later")
    wait_pages(iid, 1)
    pd.stop()
    key = "%d:7:0:0:bob:0" % iid
    P = pt.PREFIX
    R.cmd("XADD", P + "outbox", "*", "incident", str(iid), "person", "bob",
          "notifier", "dry", "address", "bob", "reply_code", "1", "kind",
          "page", "attempt", "1", "idem", key, "step", "1")
    got = R.cmd("XREADGROUP", "GROUP", "pagerd", "dead-host:1", "COUNT",
                "10", "STREAMS", P + "outbox", ">")
    check(got and len(got[0][1]) == 1, "the dead consumer holds it: %r"
          % (got,))
    t0 = time.monotonic()
    pd.start()
    time.sleep(5)
    eq([p["key"] for p in pages(iid)].count(key), 0, "not before 90 s")
    wait_until(lambda: key in [p["key"] for p in pages(iid)], timeout=110,
               interval=0.5, what="the take-over")
    check(time.monotonic() - t0 >= 85, "after the idle time")
    time.sleep(6)
    eq([p["key"] for p in pages(iid)].count(key), 1, "sent once")
    eq(R.cmd("XLEN", P + "outbox"), 0, "done and deleted")


@t.case("two instances on one Redis never page twice")
def _():
    up(pd, pd2)
    ids = [fire("main", d=(pd, pd2)[i % 2]) for i in range(10)]
    time.sleep(6)
    for iid in ids:
        p = pages(iid, (pd, pd2))
        keys = [x["key"] for x in p]
        eq(sorted(x["person"] for x in p), ["alice", "bob"],
           "incident %d pages" % iid)
        eq(len(keys), len(set(keys)), "each key once: %r" % keys)


def ctl(*args):
    argv = [pt.PAGERCTL, "-u", pd.url, "-T", pt.TOKEN] + list(args)
    r = pt.run(argv, timeout=15)
    pt.diag("pagerctl %s -> %s" % (" ".join(args), r.returncode))
    return r


@t.case("pagerctl ack, escalate, resolve, and incident shows the timeline")
def _():
    up()
    both = (pd, pd2)        # pd2 may still run: it shares the work
    iid = fire("later")
    wait_pages(iid, 1, daemons=both)
    r = ctl("escalate", str(iid), "--author", "ops-bot")
    eq((r.returncode, r.stdout.strip()), (0, "Escalated incident %d" % iid),
       "escalate")
    wait_pages(iid, 2, timeout=2, daemons=both)
    r = ctl("ack", str(iid), "--for", "1h", "--author", "ops-bot")
    eq((r.returncode, r.stdout.strip()),
       (0, "Acknowledged incident %d" % iid), "ack")
    r = ctl("ack", str(iid))
    eq(r.returncode, 1, "a second ack is refused")
    check("already" in r.stderr, r.stderr)
    r = ctl("resolve", "--for", "1h", str(iid))
    eq(r.returncode, 64, "--for only with ack")
    r = ctl("incident", str(iid))
    eq(r.returncode, 0, "incident")
    for want in ("timeline:", "paged", "delivered", "escalate_requested",
                 "acknowledged", "by=ops-bot", "via=api", "person=bob"):
        check(want in r.stdout, "%r in %s" % (want, r.stdout))
    r = ctl("resolve", str(iid))
    eq((r.returncode, r.stdout.strip()), (0, "Resolved incident %d" % iid),
       "resolve")
    eq(incident(iid)["status"], "resolved", "resolved")
    r = ctl("ack", "x1")
    eq(r.returncode, 64, "not a number")


@t.case("two instances, a webhook sink: each page arrives once per key, "
        "a 429 is retried with the same key")
def _():
    up(pd, pd2)
    ids = [fire("hooked", d=(pd, pd2)[i % 2]) for i in range(8)]
    wait_until(lambda: all(len(SINK.of(i)) >= 2 for i in ids), timeout=10,
               what="two pages per incident at the sink")
    time.sleep(1.5)
    for iid in ids:
        got = SINK.of(iid)
        keys = [k for k, _ in got]
        eq(sorted(b["recipient"]["id"] for _, b in got), ["frank", "grace"],
           "incident %d" % iid)
        eq(len(keys), len(set(keys)), "each key once: %r" % keys)
        eq([b["idempotency_key"] for _, b in got], keys, "key in the body")
    # A provider that answers 429 once: the same key comes again. The
    # next incident's id is known before it exists: ids only grow.
    iid = int(R.cmd("GET", pt.PREFIX + "incident:seq")) + 1
    key = "%d:0:0:0:frank:0" % iid
    SINK.flaky.add(key)
    eq(fire("hooked"), iid, "incident id")

    def tries():
        t = [b for k, b in SINK.of(iid) if k == key]
        return len(t) >= 2 and t
    got = wait_until(tries, timeout=8, what="the retry")
    eq([b["attempt"] for b in got], [1, 2], "attempts of one key")
    r = wait_until(lambda: events(iid, "retry"), what="retry event")[0]
    check("429" in (r["reason"] or ""), r)


@t.case("metrics: pages by notifier and result, steps, outbox pending")
def _():
    up()
    if pd2.running():
        pd2.stop()          # so that this instance does the sends
    iid = fire("fall")
    wait_until(lambda: events(iid, "delivered"), what="delivered")
    m = pd.metrics()
    check(m.value("pagerd_pages_total", notifier="dry",
                  result="delivered") > 0, "delivered pages")
    check(m.value("pagerd_pages_total", notifier="broken",
                  result="failed") > 0, "failed pages")
    check(m.sum("pagerd_escalation_steps_total") > 0, "steps")
    check(m.get("pagerd_outbox_pending") is not None, "gauge")


@t.case("reply codes: the code of an incident its sender resolved is "
        "free again for the next page (the smallest free one)")
def _():
    up()
    names = [pt.uniq("code") for _ in range(3)]
    a, b = fire("main", name=names[0]), fire("main", name=names[1])
    ca, cb = wait_pages(a, 1)[0]["code"], wait_pages(b, 1)[0]["code"]
    check(ca != cb, "two open pages, two codes: %d %d" % (ca, cb))
    # Not through the engine's resolve (which frees the code at once):
    # the step script finds it free by itself.
    pd.post_ok({"summary": "%s down" % names[0], "severity": "critical",
                "status": "resolved",
                "labels": {"alertname": names[0], "svc": "main"}})
    eq(incident(a)["status"], "resolved", "resolved by its sender")
    c = fire("main", name=names[2])
    eq(wait_pages(c, 1)[0]["code"], ca, "the resolved one's code again")
    eq(R.cmd("HGET", pt.PREFIX + "person:alice:codes", str(cb)),
       str(b).encode(), "the open one keeps its code")


def close_all():
    """Resolve every open incident through the engine (a clean slate of
    reply codes: none held)."""
    r = pd.incidents("?status=triggered&limit=1000")
    expect_status(r, 200, "list")
    for inc in r.json()["incidents"]:
        act(inc["id"], "resolve", {"by": "test"})
    r = pd.incidents("?status=triggered&limit=1000")
    eq(r.json()["incidents"], [], "nothing left open")


def codes_of(pid):
    h = R.cmd("HGETALL", pt.PREFIX + "person:%s:codes" % pid)
    return {h[i].decode(): h[i + 1].decode() for i in range(0, len(h), 2)}


def free_of(pid):
    return [c.decode() for c in
            R.cmd("ZRANGE", pt.PREFIX + "person:%s:free" % pid, 0, -1)]


def two_pages():
    """From no code held: two pages to alice, codes 1 and 2."""
    up()
    close_all()
    a, b = fire("main"), fire("main")
    eq([wait_pages(i, 1)[0]["code"] for i in (a, b)], [1, 2], "codes")
    return a, b


@t.case("reply codes: resolved through the engine, a code is free at once "
        "and the smallest is given; with none held they start again at 1")
def _():
    a, b = two_pages()
    expect_status(act(a, "resolve", {"by": "alice"}), 200, "resolve")
    eq(free_of("alice"), ["1"], "a's code is free")
    eq(codes_of("alice").get("1"), str(a),
       "and still names a, for a late reply")
    c = fire("main")
    eq(wait_pages(c, 1)[0]["code"], 1, "the smallest free code")
    eq(codes_of("alice").get("2"), str(b), "b keeps its code")
    eq(free_of("alice"), [], "none free")
    close_all()
    eq(codes_of("alice").get("v"), "0", "all free: from 1 again")
    eq(free_of("alice"), [], "and no free list")
    d = fire("main")
    eq(wait_pages(d, 1)[0]["code"], 1, "a page after the storm gets 1")


@t.case("reply codes an older pagerd gave (freed lazily, no 'v') are "
        "sorted out once, at the person's next page")
def _():
    up()
    close_all()
    x, y = fire("main"), fire("main")
    wait_pages(y, 1)
    # The shape an older pagerd left: open pages at 1 and 5, a code of a
    # closed incident at 3, no free list, no per-incident codes.
    for k in ("person:alice:codes", "person:alice:free",
              "incident:%d:codes" % x, "incident:%d:codes" % y):
        R.cmd("DEL", pt.PREFIX + k)
    R.cmd("HSET", pt.PREFIX + "person:alice:codes", "1", str(x), "3",
          "999999", "5", str(y))
    z = fire("main")
    eq(wait_pages(z, 1)[0]["code"], 2, "the smallest code not held")
    eq(codes_of("alice"), {"1": str(x), "2": str(z), "5": str(y),
                           "v": "5"}, "the closed one's code dropped")
    eq(free_of("alice"), ["3", "4"], "the others free")
    expect_status(act(y, "resolve", {"by": "alice"}), 200, "resolve y")
    eq(free_of("alice"), ["3", "4", "5"], "y's old code freed at once")
    w = fire("main")
    eq(wait_pages(w, 1)[0]["code"], 3, "next smallest")


@t.case("reply codes: a person whose codes are half of the older kind "
        "(no 'v') is not started again at 1 when one page closes")
def _():
    a, b = two_pages()
    # a's code as an older pagerd gave it: no per-incident entry, no v.
    R.cmd("DEL", pt.PREFIX + "incident:%d:codes" % a)
    R.cmd("HDEL", pt.PREFIX + "person:alice:codes", "v")
    expect_status(act(b, "resolve", {"by": "alice"}), 200, "resolve b")
    c = fire("main")
    eq(wait_pages(c, 1)[0]["code"], 2, "not a's code 1, still held")
    eq(codes_of("alice").get("1"), str(a), "a keeps it")


@t.case("a fresh pagerd's first pages: each script is loaded ahead of its "
        "first call, so a burst of new incidents meets no NOSCRIPT")
def _():
    up()
    if pd2.running():
        pd2.stop()
    pd.stop()
    R.cmd("SCRIPT", "FLUSH")
    R.cmd("CONFIG", "RESETSTAT")
    pd.start()
    names = [pt.uniq("burst") for _ in range(5)]
    res = pd.post_ok([{"summary": "%s down" % n, "severity": "critical",
                       "labels": {"alertname": n, "svc": "main"}}
                      for n in names])
    for r in res:
        wait_pages(r["incident"], 1)
    stats = R.cmd("INFO", "errorstats").decode()
    check("NOSCRIPT" not in stats, "Redis answered no NOSCRIPT: %r" % stats)
    eq(pd.metrics().value("pagerd_redis_errors_total", kind="noscript"),
       0, "no noscript error counted")


t.run()
