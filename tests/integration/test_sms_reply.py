#!/usr/bin/python3
"""Acknowledging by SMS reply, end to end: real redis, real pagerd with
the sms notifier pointed at fake_twilio (a local gateway in Twilio's wire
format that signs its webhooks as Twilio does). An alert pages the
on-call by SMS; the gateway posts the person's reply to
/hooks/sms/sms; the TwiML answer and the incident in Redis say what it
did. Two policies: "fast" (step 2 after 3 s, to see that an ack stops
it) and "slow" (step 2 after 10 min, to see that "e" escalates now)."""

import copy
import json
import os
import re
import threading
import time
import xml.etree.ElementTree as ET

import fake_twilio
import pagerd_test as pt
from pagerd_test import check, eq, wait_until

PUBLIC = "https://pagerd.example.com"
ANNA = "+15551230001"     # ops primary
BRAM = "+15551230002"     # ops secondary, step 2
CARL = "+15551230003"     # web only
OLGA = "+15551230005"     # owner of ops (web has none), on no rota
STRANGER = "+15559990009"
FAST_STEP_S = 3

t = pt.TestFile("sms_reply")
gw = fake_twilio.FakeTwilio()
redis = t.redis()
pd = t.pagerd(redis)
cfg = pd.config
cfg["notifiers"] = {
    "sms": {"type": "sms", "account_sid": gw.account_sid,
            "auth_token": gw.auth_token, "from": "+15550000000",
            "base_url": gw.base_url, "public_url": PUBLIC},
    "log": {"type": "log", "level": "info"},
}
cfg["people"] = {
    "anna": {"name": "Anna", "phone": ANNA},
    "bram": {"name": "Bram", "phone": BRAM},
    "carl": {"name": "Carl", "phone": CARL},
    "olga": {"name": "Olga", "phone": OLGA},
}
cfg["rotas"] = {
    "ops": {"time_zone": "UTC", "owner": "olga", "levels": [
        {"name": "primary", "layers": [
            {"name": "all", "members": ["anna"], "shift": "1w",
             "handoff": "mon 09:00", "anchor": "2026-01-05"}]},
        {"name": "secondary", "layers": [
            {"name": "all", "members": ["bram"], "shift": "1w",
             "handoff": "mon 09:00", "anchor": "2026-01-05"}]},
    ]},
    "web": {"time_zone": "UTC", "levels": [
        {"name": "primary", "layers": [
            {"name": "all", "members": ["carl"], "shift": "1w",
             "handoff": "mon 09:00", "anchor": "2026-01-05"}]},
    ]},
}
# SMS first; e-mail-less people fall back to the log notifier.
cfg["contact_defaults"] = [{"notifier": "sms", "after": "0m"},
                           {"notifier": "log", "after": "0m"}]
cfg["policies"] = [
    {"name": "fast", "steps": [
        {"targets": ["rota:ops:primary"], "delay": "%ds" % FAST_STEP_S},
        {"targets": ["rota:ops:secondary"], "delay": "%ds" % FAST_STEP_S},
    ], "repeat": 0},
    {"name": "slow", "steps": [
        {"targets": ["rota:ops:primary"], "delay": "10m"},
        {"targets": ["rota:ops:secondary"], "delay": "10m"},
    ], "repeat": 0},
]
cfg["services"] = [
    {"name": "fast", "policy": "fast", "group_by": ["..."],
     "group_wait": "0s"},
    {"name": "default", "policy": "slow", "group_by": ["..."],
     "group_wait": "0s"},
]
cfg["routes"] = [{"match": ['speed="fast"'], "service": "fast"}]
if os.environ.get("PAGERD_PLUGINDIR"):
    cfg["plugin_dir"] = os.environ["PAGERD_PLUGINDIR"]
# A second instance on the same Redis: Twilio's retry may reach it.
pd2 = t.pagerd(redis, name="pagerd2", config=copy.deepcopy(cfg))
pd2.config["state_dir"] = pd2.dir

HOOK = "/hooks/sms/sms"


def up():
    redis.ensure()
    pd.ensure()
    return pd


def rc():
    return redis.client


def page(to=ANNA, fast=False, summary=None):
    """Fire an alert; wait for its SMS page to `to`. Returns (incident
    id, reply code, the message)."""
    summary = summary or pt.uniq("disk full")
    labels = {"alertname": pt.uniq("a"), "severity": "critical"}
    if fast:
        labels["speed"] = "fast"
    before = len([m for m in gw.sent() if m.to == to])
    r = up().post_alerts({"summary": summary, "labels": labels})
    pt.expect_status(r, 202)
    m = gw.wait_message(to=to, count=before + 1, timeout=10)
    eq(m.status, 201, "gateway answer")
    got = re.search(r"#(\d+) .*Reply (\d+)a ack", m.body)
    check(got is not None, "page text with a reply code: %r" % m.body)
    check(summary in m.body, "summary in %r" % m.body)
    return int(got.group(1)), int(got.group(2)), m


def reply(body, from_=ANNA, sid=None, ensure=True, to_pd=None, **kw):
    """Post a signed reply (to pd, or to_pd); returns (HTTP status,
    answer text or None for an empty <Response/>, raw response).
    ensure=False leaves the fixtures as they are (Redis stopped on
    purpose)."""
    port = (to_pd or pd).port
    if ensure:
        up()
        if to_pd is not None:
            to_pd.ensure()
    r = gw.send_reply("http://127.0.0.1:%d%s" % (port, HOOK),
                      from_=from_, body=body, sid=sid,
                      sign_url=PUBLIC + HOOK, **kw)
    if r.status != 200:
        return r.status, None, r
    check(r.headers.get("content-type", "").startswith("text/xml"),
          "TwiML content type: %r" % r.headers)
    doc = ET.fromstring(r.body)
    eq(doc.tag, "Response", "TwiML root")
    msgs = doc.findall("Message")
    check(len(msgs) <= 1, "at most one message: %r" % r.body)
    return 200, (msgs[0].text or "") if msgs else None, r


def incident(iid):
    return rc().incident(iid)


def timeline_events(iid, event):
    r = up().incident(iid)
    pt.expect_status(r, 200)
    return [e for e in r.json()["incident"]["timeline"]
            if e.get("event") == event]


def sent_to(to):
    return [m for m in gw.sent() if m.to == to]


@t.case("an alert pages the on-call by SMS with a reply code")
def _():
    iid, code, m = page()
    check(code >= 1, "code %d" % code)
    eq(incident(iid).get("status"), "triggered", "status")


@t.case("'Na' acks: TwiML says Acknowledged #ID, step 2 never comes")
def _():
    bram0 = len(sent_to(BRAM))
    iid, code, m = page(fast=True, summary="db-primary down")
    st, ans, _ = reply("%da" % code)
    eq(st, 200, "status")
    check(ans is not None and ans.startswith("Acknowledged #%d" % iid),
          "answer %r" % ans)
    check("db-primary down" in ans, "title in %r" % ans)
    inc = incident(iid)
    eq(inc.get("status"), "acknowledged", "status")
    eq(inc.get("acked_by"), "anna", "acked_by")
    eq(inc.get("acked_via"), "sms", "acked_via")
    time.sleep(FAST_STEP_S + 2)
    eq(len(sent_to(BRAM)), bram0, "SMS to step 2 (bram)")
    acks = timeline_events(iid, "acknowledged")
    eq(len(acks), 1, "ack events")
    eq((acks[0].get("by"), acks[0].get("via")), ("anna", "sms"),
       "who acked, through what")


@t.case("'N ack 1h' is a timed ack: acknowledged with ack_until")
def _():
    # lib/reply knows minutes at the smallest: check the state, not wait.
    iid, code, m = page()
    t0 = time.time() * 1000
    st, ans, _ = reply("%d ack 1h" % code)
    check(ans is not None and ans.startswith(
        "Acknowledged #%d for 1h" % iid), "answer %r" % ans)
    inc = incident(iid)
    eq(inc.get("status"), "acknowledged", "status")
    until = int(inc.get("ack_until") or 0)
    check(abs(until - (t0 + 3600 * 1000)) < 30 * 1000,
          "ack_until %d is about an hour from %d" % (until, t0))


@t.case("'r' resolves the latest open page")
def _():
    iid, code, m = page()
    st, ans, _ = reply("r")
    check(ans is not None and ans.startswith("Resolved #%d" % iid),
          "answer %r" % ans)
    wait_until(lambda: incident(iid).get("status") == "resolved", 3,
               what="resolved")
    ev = timeline_events(iid, "resolved")
    check(any(e.get("by") == "anna" and e.get("via") == "sms" for e in ev),
          "resolved by anna via sms: %r" % ev)
    st, ans, _ = reply("%dr" % code)
    check(ans in ("#%d is already resolved" % iid,
                  "No open page %d. Reply help" % code), "again: %r" % ans)


@t.case("'Ne' escalates now: step 2 (10 min away) is paged at once")
def _():
    iid, code, m = page()
    bram0 = len(sent_to(BRAM))
    st, ans, _ = reply("%de" % code)
    check(ans is not None and ans.startswith("Escalated #%d" % iid),
          "answer %r" % ans)
    m2 = gw.wait_message(to=BRAM, count=bram0 + 1, timeout=5)
    check("#%d" % iid in m2.body, "bram's page is for #%d: %r"
          % (iid, m2.body))


@t.case("'aa' acks all of the person's open pages")
def _():
    # Resolve what earlier cases left open so the answer is exact.
    reply("aa")
    a, _, _ = page()
    b, _, _ = page()
    st, ans, _ = reply("ack all")
    want = "Acknowledged #%d, #%d" % (min(a, b), max(a, b))
    alt = "Acknowledged #%d, #%d" % (max(a, b), min(a, b))
    check(ans in (want, alt), "answer %r" % ans)
    eq(incident(a).get("status"), "acknowledged", "first")
    eq(incident(b).get("status"), "acknowledged", "second")


@t.case("'who' lists who is on call on the sender's rotas")
def _():
    st, ans, _ = reply("who", from_=BRAM)
    eq(ans, "ops: primary anna, secondary bram", "who (bram)")


@t.case("'help' and text not understood get the help text")
def _():
    st, ans, _ = reply("help", from_=BRAM)
    check(ans is not None and ans.startswith("Reply 3a ack"), "help %r"
          % ans)
    check(len(ans) <= 160, "one SMS: %d chars" % len(ans))
    st, ans2, _ = reply("what is going on?", from_=BRAM)
    eq(ans2, ans, "not understood")


@t.case("an unknown sender gets an empty answer; nothing changes; "
        "the log masks the number")
def _():
    iid, code, m = page()
    m0 = up().metrics().value("pagerd_sms_replies_total",
                              result="unknown_sender")
    off = len(pd.log_bytes())
    st, ans, r = reply("%da" % code, from_=STRANGER)
    eq(st, 200, "status")
    eq(ans, None, "answer")
    check(b"<Message" not in r.body, "no message: %r" % r.body)
    eq(incident(iid).get("status"), "triggered", "status")
    wait_until(lambda: up().metrics().value(
        "pagerd_sms_replies_total", result="unknown_sender") == m0 + 1, 3,
        what="the metric")
    log = pd.log_bytes()[off:].decode("utf-8", "replace")
    check("*******0009" in log, "masked number in the log")
    check(STRANGER not in log and STRANGER[1:] not in log,
          "full number not in the log")
    reply("%dr" % code)


@t.case("a forged signature gets 403 and changes nothing")
def _():
    iid, code, m = page()
    st, ans, r = reply("%da" % code, sig="A" * 27 + "=")
    eq(st, 403, "forged")
    st, ans, r = reply("%da" % code, with_signature=False)
    eq(st, 403, "missing")
    eq(incident(iid).get("status"), "triggered", "status")
    reply("%dr" % code)


@t.case("a repeated MessageSid gets the same answer and acts once")
def _():
    iid, code, m = page()
    sid = fake_twilio.new_sid("SM")
    st, a1, _ = reply("%da" % code, sid=sid)
    check(a1 is not None and a1.startswith("Acknowledged #%d" % iid),
          "first %r" % a1)
    st, a2, _ = reply("%da" % code, sid=sid)
    eq(a2, a1, "the retry's answer")
    eq(len(timeline_events(iid, "acknowledged")), 1, "ack events")
    check(rc().get(pt.PREFIX + "reply:" + sid) == "A" + a1,
          "the answer is kept for retries")
    ttl = rc().cmd("TTL", pt.PREFIX + "reply:" + sid)
    check(86000 < ttl <= 86400, "kept for a day: TTL %r" % ttl)
    reply("%dr" % code)


def same_sid_at_once(targets):
    """Page anna, then post one reply with one MessageSid to each of
    targets (pagerd instances) at the same time: every answer is the
    same ack, and the incident is acked once."""
    iid, code, m = page()
    sid = fake_twilio.new_sid("SM")
    got = [None] * len(targets)

    def send(i):
        got[i] = reply("%da" % code, sid=sid, to_pd=targets[i])[1]
    threads = [threading.Thread(target=send, args=(i,))
               for i in range(len(targets))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(10)
    check(got[0] is not None and got[0].startswith(
        "Acknowledged #%d" % iid), "answers %r" % got)
    eq(got, [got[0]] * len(targets), "all answers")
    eq(len(timeline_events(iid, "acknowledged")), 1, "ack events")
    reply("%dr" % code)


@t.case("one MessageSid delivered twice at once: acted once, one answer")
def _():
    same_sid_at_once([pd, pd])


@t.case("one MessageSid at two instances at once: acted once, one answer")
def _():
    pd2.ensure()
    try:
        same_sid_at_once([pd, pd2])
    finally:
        pd2.stop()


@t.case("Redis down: asked to try again; the retry acts when it is back")
def _():
    iid, code, m = page()
    sid = fake_twilio.new_sid("SM")
    redis.stop()
    try:
        st, ans, _ = reply("%da" % code, sid=sid, ensure=False)
        eq(st, 200, "status")
        check(ans is not None and "try again" in ans, "answer %r" % ans)
        eq(pd.metrics().value("pagerd_sms_replies_total",
                              result="failed") >= 1, True, "counted")
    finally:
        redis.ensure()
    wait_until(lambda: up().healthz().status == 200, 10, what="healthz")
    st, ans, _ = reply("%da" % code, sid=sid)
    check(ans is not None and ans.startswith("Acknowledged #%d" % iid),
          "the retry: %r" % ans)
    eq(incident(iid).get("status"), "acknowledged", "status")
    reply("%dr" % code)


@t.case("STOP: no more SMS to that number; START: SMS again")
def _():
    st, ans, _ = reply("STOP")
    check(ans is not None and "no more SMS" in ans, "answer %r" % ans)
    check(rc().cmd("SISMEMBER", pt.PREFIX + "optout", ANNA) == 1,
          "in the optout set")
    check(rc().cmd("XLEN", pt.PREFIX + "optout:log") >= 1,
          "recorded for the rota owners")
    before = len(sent_to(ANNA))
    iid = up().post_ok({"summary": pt.uniq("after stop"),
                        "labels": {"alertname": pt.uniq("s")}})[0]["incident"]
    # The SMS page is dropped; anna's other contact rule (log) goes on.
    ev = wait_until(lambda: timeline_events(iid, "dropped"), 5,
                    what="the SMS page dropped")
    eq((ev[0].get("person"), ev[0].get("notifier"), ev[0].get("reason")),
       ("anna", "sms", "opted out"), "dropped")
    wait_until(lambda: [e for e in timeline_events(iid, "delivered")
                        if e.get("notifier") == "log"], 5,
               what="the log contact rule")
    time.sleep(1)
    eq(len(sent_to(ANNA)), before, "SMS to anna after STOP")
    st, ans, _ = reply("START")
    check(ans is not None and "on again" in ans, "answer %r" % ans)
    check(rc().cmd("SISMEMBER", pt.PREFIX + "optout", ANNA) == 0,
          "out of the optout set")
    page()


@t.case("STOP/START: the rota's owner is told, once per message")
def _():
    olga0 = len(sent_to(OLGA))
    sid = "SM" + "5" * 32
    st, ans, _ = reply("STOP", sid=sid)
    check(ans is not None and "no more SMS" in ans, "answer %r" % ans)
    m = gw.wait_message(to=OLGA, count=olga0 + 1, timeout=10)
    check(m.body.startswith("Anna (anna) opted out of SMS (STOP)"),
          "the owner's message names anna, no incident: %r" % m.body)
    check("Reply" not in m.body, "nothing to answer: %r" % m.body)
    # Twilio retries the same message, here to the other instance.
    st, ans2, _ = reply("STOP", sid=sid, to_pd=pd2)
    eq(ans2, ans, "the retry's answer")
    # Past the reply's own dedup (its claim lapsed): the engine's key.
    rc().cmd("DEL", pt.PREFIX + "reply:" + sid)
    st, ans3, _ = reply("STOP", sid=sid)
    check(ans3 is not None and "no more SMS" in ans3, "answer %r" % ans3)
    time.sleep(1.5)
    eq(len(sent_to(OLGA)), olga0 + 1, "messages to the owner after a retry")
    st, ans, _ = reply("START")
    check(ans is not None and "on again" in ans, "answer %r" % ans)
    m = gw.wait_message(to=OLGA, count=olga0 + 2, timeout=10)
    check("Anna (anna) opted in" in m.body, "START told: %r" % m.body)
    # carl's rota (web) has no owner: nobody is told.
    st, ans, _ = reply("STOP", from_=CARL)
    check(ans is not None and "no more SMS" in ans, "answer %r" % ans)
    st, ans, _ = reply("START", from_=CARL)
    check(ans is not None and "on again" in ans, "answer %r" % ans)
    time.sleep(1.5)
    eq(len(sent_to(OLGA)), olga0 + 2, "messages to the owner in all")
    # A send is logged when its result comes back, just before the
    # store records it and drops the entry: under valgrind on a busy
    # machine that can lag the log.
    pt.wait_until(lambda: rc().cmd("XLEN", pt.PREFIX + "outbox") == 0, 10,
                  what="the outbox drained (XLEN 0)")


@t.case("passive answers are rate-limited per number (3 per 10 min)")
def _():
    answers = [reply("who", from_=CARL)[1] for _ in range(5)]
    eq(answers[:3], ["web: primary carl"] * 3, "first three")
    eq(answers[3:], [None, None], "over the limit")
    # Acting is not passive: still answered.
    st, ans, _ = reply("9a", from_=CARL)
    eq(ans, "No open page 9. Reply help", "an ack over the limit")


@t.case("'who' applies overrides made through the API")
def _():
    now = time.gmtime()
    until = time.gmtime(time.time() + 3600)
    body = {"person": "carl", "level": 1,
            "from": time.strftime("%Y-%m-%d %H:%M", now),
            "until": time.strftime("%Y-%m-%d %H:%M", until)}
    r = up().request("POST", "/api/v1/rotas/ops/overrides",
                     json.dumps(body),
                     {"Authorization": "Bearer " + pt.TOKEN,
                      "Content-Type": "application/json"})
    pt.expect_status(r, 201)
    oid = r.json()["id"]
    try:
        # This instance refreshes its copy before it answers 201.
        st, ans, _ = reply("who")
        eq(ans, "ops: primary carl, secondary bram", "who (anna)")
        rc().cmd("DEL", pt.PREFIX + "reply:rate:" + CARL)  # used up
        st, ans, _ = reply("who", from_=CARL)
        eq(ans, "ops: primary carl, secondary bram\nweb: primary carl",
           "who (carl, on ops by the override)")
    finally:
        pt.expect_status(up().request(
            "DELETE", "/api/v1/rotas/ops/overrides/%s" % oid, None,
            {"Authorization": "Bearer " + pt.TOKEN}), 200)


@t.case("SIGHUP: a person added to the config may reply at once")
def _():
    dora = "+15551230004"
    st, ans, _ = reply("help", from_=dora)
    eq(ans, None, "before: unknown")
    cfg["people"]["dora"] = {"name": "Dora", "phone": dora}
    try:
        m0 = up().metrics().value("pagerd_config_reloads_total",
                                  result="success")
        pd.write_config()
        pd.reload()
        wait_until(lambda: pd.metrics().value(
            "pagerd_config_reloads_total", result="success") > m0, 5,
            what="the reload")
        st, ans, _ = reply("who", from_=dora)
        eq(ans, "You are on no rota.", "after: who")
    finally:
        del cfg["people"]["dora"]


t.run()
