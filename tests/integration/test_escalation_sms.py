#!/usr/bin/python3
"""Escalation end to end through the real sms and email notifiers: a
local gateway speaking Twilio's Messages API (fake_twilio) and a local
SMTP server (aiosmtpd). An alert pages the on-call by SMS with its reply
code; with no ack, step 2 pages the next level; an invalid number falls
through to email at once; gateway 500s are retried; a delivery report
"undelivered" brings the person's email forward; an ack stops the rest.
(SMS replies are tested with the reply handler.)"""

import logging
import os
import time
import warnings

from aiosmtpd.controller import Controller

import fake_twilio
import pagerd_test as pt
from pagerd_test import check, eq, expect_status, wait_until

t = pt.TestFile("escalation_sms")
redis = t.redis()
gw = fake_twilio.FakeTwilio()
PUBLIC = "https://pagerd.example.com"
ALICE, BOB = "+15551230001", "+15551230002"


class Sink:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def to(self, addr):
        return [e for e in self.envelopes if addr in e.rcpt_tos]


warnings.filterwarnings("ignore", module="aiosmtpd")
logging.getLogger("mail.log").setLevel(logging.ERROR)
sink = Sink()
smtp = Controller(sink, hostname="127.0.0.1", port=pt.free_port())
smtp.start()

pd = t.pagerd(redis)
with open(os.path.join(pd.dir, "twilio-token"), "w") as f:
    f.write(gw.auth_token + "\n")
c = pd.config
if os.environ.get("PAGERD_PLUGINDIR"):
    c["plugin_dir"] = os.environ["PAGERD_PLUGINDIR"]
c["notifiers"] = {
    "oncall": {"type": "sms", "account_sid": gw.account_sid,
               "auth_token_file": "twilio-token", "from": "+15550000000",
               "base_url": gw.base_url, "public_url": PUBLIC,
               "timeout": "3s"},
    "mail": {"type": "email", "url": "smtp://127.0.0.1:%d" % smtp.port,
             "from": "pagerd@example.com", "timeout": "5s"},
}
rules = [{"notifier": "oncall"}, {"notifier": "mail", "after": "1h"}]
c["people"] = {
    "alice": {"phone": ALICE, "email": "alice@example.com",
              "contact": rules},
    "bob": {"phone": BOB, "email": "bob@example.com", "contact": rules},
}
layer = {"shift": "1w", "handoff": "mon 09:00", "anchor": "2026-01-05"}
c["rotas"] = {"ops": {"time_zone": "UTC", "levels": [
    {"name": "primary", "layers": [dict(layer, members=["alice"])]},
    {"name": "secondary", "layers": [dict(layer, members=["bob"])]}]}}
c["policies"] = [{"name": "p", "steps": [
    {"targets": ["rota:ops"], "delay": "2s"},
    {"targets": ["rota:ops:secondary"], "delay": "1h"}]}]
c["services"] = [{"name": "db", "group_by": ["alertname"],
                  "group_wait": "0s", "policy": "p"}]
c["routes"] = [{"match": [], "service": "db"}]
AUTH = {"Authorization": "Bearer " + pt.TOKEN,
        "Content-Type": "application/json"}


def up():
    redis.ensure()
    pd.ensure()
    gw.reset()
    gw.route(PUBLIC, pd.url)
    sink.envelopes.clear()
    return pd


def fire():
    name = pt.uniq("db")
    return pd.post_ok({"summary": "%s primary down" % name,
                       "severity": "critical",
                       "labels": {"alertname": name}})[0]["incident"]


def events(iid, name):
    r = pd.incident(iid)
    expect_status(r, 200, "incident")
    return [e for e in r.json()["incident"]["timeline"]
            if e["event"] == name]


def to(number):
    return [m for m in gw.sent() if m.to == number and m.status == 201]


@t.case("an alert pages the on-call by SMS with its reply code; no ack: "
        "step 2 after its delay; an ack stops the rest")
def _():
    up()
    iid = fire()
    m = gw.wait_message(to=ALICE)
    check("primary down" in m.body, m.body)
    check("1" in m.body, "reply code in %r" % m.body)
    d = wait_until(lambda: events(iid, "delivered"), what="delivered")[0]
    eq((d["person"], d["notifier"], d["provider_id"]),
       ("alice", "oncall", m.sid), "delivered with the provider's sid")
    gw.wait_message(to=BOB, timeout=5)
    r = pd.request("POST", "/api/v1/incidents/%d/ack" % iid, "{}", AUTH)
    expect_status(r, 200, "ack")
    time.sleep(1.5)
    eq((len(to(ALICE)), len(to(BOB))), (1, 1), "one SMS each")
    eq(sink.envelopes, [], "no email: SMS worked")


@t.case("an invalid number falls through to the person's email at once")
def _():
    up()
    gw.invalid_numbers.add(BOB)
    iid = fire()
    gw.wait_message(to=ALICE)
    env = wait_until(lambda: sink.to("bob@example.com"), timeout=6,
                     what="bob's email")
    check(b"primary down" in env[0].content, "the page in the email")
    f = events(iid, "failed")[0]
    eq((f["person"], f["notifier"]), ("bob", "oncall"), "failed")
    check("21211" in f["reason"] or "valid" in f["reason"], f)
    eq(sink.to("alice@example.com"), [], "alice's SMS worked")


@t.case("gateway 500s are retried with backoff")
def _():
    up()
    gw.fail_next(2, 500)
    iid = fire()
    m = gw.wait_message(to=ALICE, timeout=10, count=3)
    with gw.lock:
        tries = [x for x in gw.messages if x.to == ALICE]
    eq([x.status for x in tries], [500, 500, 201], "two 500s, then 201")
    r = events(iid, "retry")
    eq([e["attempt"] for e in r], [1, 2], "retries")
    check(m.sid, "sid")


@t.case("a delivery report 'undelivered' brings the email forward")
def _():
    up()
    iid = fire()
    m = gw.wait_message(to=ALICE)
    wait_until(lambda: events(iid, "delivered"), what="delivered")
    r = gw.send_status_for(m, "undelivered", error_code=30003)
    check(200 <= r.status < 300, "status callback accepted: %r" % r)
    wait_until(lambda: sink.to("alice@example.com"), timeout=3,
               what="alice's email")
    f = events(iid, "failed")[0]
    eq((f["person"], f["provider_id"]), ("alice", m.sid), "failed")
    check(f["reason"].startswith("delivery report"), f)
    r = pd.request("POST", "/api/v1/incidents/%d/resolve" % iid, "{}", AUTH)
    expect_status(r, 200, "resolve")


@t.case("alert text with CR/LF cannot add a mail header: a summary with "
        "'\\r\\nBcc: x@y' gives no Bcc header and no extra recipient")
def _():
    import email
    import email.policy
    up()
    gw.invalid_numbers.add(ALICE)
    name = pt.uniq("inj")
    iid = pd.post_ok({"summary": "%s down\r\nBcc: x@y.example" % name,
                      "severity": "critical",
                      "labels": {"alertname": name}})[0]["incident"]
    env = wait_until(lambda: sink.to("alice@example.com"), timeout=6,
                     what="alice's email")
    eq(env[0].rcpt_tos, ["alice@example.com"], "recipients")
    m = email.message_from_bytes(env[0].content, policy=email.policy.default)
    eq(m.get_all("Bcc"), None, "Bcc headers")
    for k, v in m.items():
        check("\r" not in v and "\n" not in v.replace("\r\n ", ""),
              "header %s folded with a raw line break: %r" % (k, v))
    check(name in m["Subject"], "the title in the subject: %r" %
          m["Subject"])
    head = env[0].content.split(b"\r\n\r\n", 1)[0]
    check(not any(l.lower().startswith(b"bcc:")
                  for l in head.split(b"\r\n")),
          "a Bcc line in the header block:\n%r" % head)
    r = pd.request("POST", "/api/v1/incidents/%d/resolve" % iid, "{}", AUTH)
    expect_status(r, 200, "resolve")


t.run()
