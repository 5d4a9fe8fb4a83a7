#!/usr/bin/python3
"""The sms notifier against a local gateway speaking Twilio's wire format
(fake_twilio): what reaches the Messages API (To, From, Body, Basic auth,
StatusCallback), how each answer maps to delivered / retry / permanent,
and the inbound webhooks: replies and delivery reports are taken only
with a valid X-Twilio-Signature, computed by python3-twilio."""

import os
import xml.dom.minidom

import fake_twilio
import notifier_check as nc
import pagerd_test as pt
from pagerd_test import check, eq

t = pt.TestFile("sms")
redis = t.redis()
gw = fake_twilio.FakeTwilio()
PUBLIC = "https://pagerd.example.com"
FROM = "+15550000000"
TO = "+15551230001"

pd = t.pagerd(redis)
# Next to the daemon's config and to the ones pagerd -t checks.
for d in (pd.dir, t.dir):
    with open(os.path.join(d, "twilio-token"), "w") as f:
        f.write(gw.auth_token + "\n")


def sms(**kw):
    s = {"type": "sms", "account_sid": gw.account_sid,
         "auth_token_file": "twilio-token", "from": FROM,
         "base_url": gw.base_url, "public_url": PUBLIC, "timeout": "3s"}
    s.update(kw)
    return {k: v for k, v in s.items() if v is not None}


pd.config["notifiers"] = {
    "oncall": sms(),
    "svc": sms(**{"from": None, "messaging_service_sid": "MG" + "ab" * 16,
                  "public_url": None}),
    "badtoken": sms(auth_token_file=None, auth_token="wrong",
                    public_url=None),
    "nowhere": sms(base_url="http://127.0.0.1:%d" % pt.free_port(),
                   public_url=None, timeout="2s"),
}
if os.environ.get("PAGERD_PLUGINDIR"):
    pd.config["plugin_dir"] = os.environ["PAGERD_PLUGINDIR"]


def up():
    redis.ensure()
    pd.ensure()
    gw.reset()
    gw.route(PUBLIC, pd.url)
    return pd


def hook(path="/hooks/sms/oncall"):
    return "%s%s" % (pd.url, path)


# ------------------------------------------------------------ sending

@t.case("a test notification reaches the gateway with To, From, Body, "
        "Basic auth and the StatusCallback; the answer carries the sid")
def _():
    up()
    status, j = nc.send_test(pd, "oncall", TO, "Disk full on db1")
    eq(status, 200, "test status")
    m = gw.wait_message(to=TO)
    eq(m.status, 201, "gateway answer")
    eq(j, {"result": "delivered", "provider_id": m.sid}, "test answer")
    check(m.sid.startswith("SM") and len(m.sid) == 34, m.sid)
    eq(m.auth, (gw.account_sid, gw.auth_token), "Basic auth")
    eq(m.from_, FROM, "From")
    eq(m.messaging_service_sid, None, "MessagingServiceSid")
    eq(m.status_callback, PUBLIC + "/hooks/sms/oncall/status",
       "StatusCallback")
    check("Disk full on db1" in m.body, "Body %r" % m.body)
    check(len(m.body) <= 160, "one segment: %d chars" % len(m.body))
    eq(len(gw.messages), 1, "requests at the gateway")


@t.case("alert text never breaks out of its form field: & = + % and "
        "non-GSM characters arrive as sent, in one message")
def _():
    up()
    title = "a&To=+15559999999&b=c 100% ✓"
    status, j = nc.send_test(pd, "oncall", TO, title)
    eq(status, 200, "test status %r" % j)
    m = gw.wait_message()
    eq(m.form["To"], [TO], "To")
    check(title in m.body, "Body %r" % m.body)
    check(len(m.body) <= 70, "one UCS-2 segment: %d chars" % len(m.body))


@t.case("messaging_service_sid is sent instead of From; no public_url, "
        "no StatusCallback")
def _():
    up()
    status, j = nc.send_test(pd, "svc", TO)
    eq(status, 200, "test status %r" % j)
    m = gw.wait_message()
    eq(m.messaging_service_sid, "MG" + "ab" * 16, "MessagingServiceSid")
    eq(m.from_, None, "From")
    eq(m.status_callback, None, "StatusCallback")


@t.case("HTTP 500 from the gateway is retry")
def _():
    up()
    gw.fail_next(1, 500)
    status, j = nc.send_test(pd, "oncall", TO)
    eq(status, 502, "test status")
    eq(j["result"], "retry", "result %r" % j)
    eq(gw.wait_message().status, 500, "gateway answer")


@t.case("429 is retry after the gateway's Retry-After")
def _():
    up()
    gw.rate_limit(1, retry_after=7)
    status, j = nc.send_test(pd, "oncall", TO)
    eq((status, j["result"], j["retry_after"]), (502, "retry", 7), repr(j))
    check("20429" in j["error"], j["error"])


@t.case("Twilio 21211 (invalid 'To') is permanent, with the reason")
def _():
    up()
    gw.invalid_numbers.add("+15557770000")
    status, j = nc.send_test(pd, "oncall", "+15557770000")
    eq((status, j["result"]), (502, "permanent"), repr(j))
    eq(j["error"], "Twilio 21211: invalid 'To' number", "reason")


@t.case("Twilio 21610 (recipient opted out) is permanent")
def _():
    up()
    gw.opted_out.add(TO)
    status, j = nc.send_test(pd, "oncall", TO)
    eq((status, j["result"]), (502, "permanent"), repr(j))
    check(j["error"].startswith("Twilio 21610: ") and "opted out" in
          j["error"], j["error"])


@t.case("a wrong auth token is permanent (Twilio 20003)")
def _():
    up()
    status, j = nc.send_test(pd, "badtoken", TO)
    eq((status, j["result"]), (502, "permanent"), repr(j))
    check(j["error"].startswith("Twilio 20003: authentication failed"),
          j["error"])
    eq(gw.wait_message().status, 401, "gateway answer")


@t.case("an address that is not E.164 is permanent and never sent")
def _():
    up()
    for bad in ("alice@example.com", "15551230001", "+1555123000a"):
        status, j = nc.send_test(pd, "oncall", bad)
        eq((status, j["result"]), (502, "permanent"), "%s: %r" % (bad, j))
        check("E.164" in j["error"], j["error"])
    eq(gw.messages, [], "requests at the gateway")


@t.case("a gateway that does not answer is retry")
def _():
    up()
    status, j = nc.send_test(pd, "nowhere", TO)
    eq((status, j["result"]), (502, "retry"), repr(j))
    check(j["error"].startswith("no answer"), j["error"])


# ------------------------------------------------------------ inbound

def twiml_root(r):
    eq(r.status, 200, "webhook status %r" % (r,))
    check(r.headers.get("content-type", "").startswith("text/xml"),
          "Content-Type %r" % r.headers.get("content-type"))
    check(r.body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'),
          r.body)
    doc = xml.dom.minidom.parseString(r.body)
    eq(doc.documentElement.tagName, "Response", "root element")
    return doc.documentElement


@t.case("a reply signed as Twilio signs it gets 200 TwiML")
def _():
    up()
    r = gw.send_reply(hook(), sign_url=PUBLIC + "/hooks/sms/oncall",
                      from_=TO, body="3 ack")
    # Nobody was paged from TO, so pagerd has nothing to say: an empty
    # <Response/>, and the number is no oracle.
    eq(twiml_root(r).childNodes.length, 0, "children of <Response>")


@t.case("the URL signed with the default port :443 is accepted too")
def _():
    up()
    r = gw.send_reply(hook(), sign_url="https://pagerd.example.com:443"
                      "/hooks/sms/oncall", from_=TO, body="3 ack")
    twiml_root(r)


@t.case("a query string is part of the signed URL")
def _():
    up()
    r = gw.send_reply(hook("/hooks/sms/oncall?x=1"),
                      sign_url=PUBLIC + "/hooks/sms/oncall?x=1",
                      from_=TO, body="3 ack")
    twiml_root(r)
    r = gw.send_reply(hook("/hooks/sms/oncall?x=1"),
                      sign_url=PUBLIC + "/hooks/sms/oncall",
                      from_=TO, body="3 ack")
    eq(r.status, 403, "query left out of the signature")


@t.case("forged, missing, stale or misdirected signatures get 403 and "
        "are logged")
def _():
    up()
    mark = pd.log_size()
    url = PUBLIC + "/hooks/sms/oncall"
    params = gw.reply_params(TO, "3 ack")
    cases = {
        "missing": dict(with_signature=False),
        "forged": dict(sig="0/KCTR6DLpKmkAf8muzZqo1nDgQ="),
        "empty": dict(sig=" "),
        "other URL": dict(sign_url=PUBLIC + "/hooks/sms/other"),
        "http not https": dict(sign_url="http://pagerd.example.com"
                               "/hooks/sms/oncall"),
        "port 8443": dict(sign_url="https://pagerd.example.com:8443"
                          "/hooks/sms/oncall"),
        "other token": dict(sig=fake_twilio.signature("nope", url,
                                                      params)),
    }
    for what, kw in cases.items():
        kw.setdefault("sign_url", url)
        r = gw.post_signed(hook(), params, **kw)
        eq(r.status, 403, what)
    # The body changed after signing ("3 ack" became "3 resolve").
    sig = fake_twilio.signature(gw.auth_token, url, params)
    params["Body"] = "3 resolve"
    r = gw.post_signed(hook(), params, sig=sig)
    eq(r.status, 403, "tampered body")
    pt.wait_until(lambda: pd.log_text(mark).count("X-Twilio-Signature")
                  >= len(cases) + 1, what="a log line per refusal")


@t.case("a signed reply without From or Body is 400; GET is 405")
def _():
    up()
    url = PUBLIC + "/hooks/sms/oncall"
    r = gw.post_signed(hook(), {"Body": "3 ack"}, sign_url=url)
    eq(r.status, 400, "no From")
    r = pt.http_request(pd.port, "GET", "/hooks/sms/oncall")
    eq(r.status, 405, "GET")


@t.case("a delivery report is taken only when signed: 403 unsigned, "
        "2xx signed")
def _():
    up()
    url = PUBLIC + "/hooks/sms/oncall/status"
    sid = fake_twilio.new_sid("SM")
    r = gw.send_status(hook("/hooks/sms/oncall/status"), sid,
                       "undelivered", 30003, with_signature=False)
    eq(r.status, 403, "unsigned")
    r = gw.send_status(hook("/hooks/sms/oncall/status"), sid,
                       "undelivered", 30003, sign_url=PUBLIC +
                       "/hooks/sms/oncall")
    eq(r.status, 403, "signed for the reply URL")
    for st in ("undelivered", "failed", "delivered", "sent"):
        r = gw.send_status(hook("/hooks/sms/oncall/status"), sid, st,
                           30003 if st in ("undelivered", "failed")
                           else None, sign_url=url)
        check(r.status in (200, 204), "%s: %r" % (st, r))
        eq(r.body, b"", "%s: body" % st)


@t.case("the recipient's answer and the delivery report of a sent "
        "message reach pagerd at the URLs it gave Twilio")
def _():
    up()
    status, j = nc.send_test(pd, "oncall", TO)
    eq(status, 200, "test status %r" % j)
    m = gw.wait_message()
    r = gw.reply_to(m, "3 ack", PUBLIC + "/hooks/sms/oncall")
    twiml_root(r)
    r = gw.send_status_for(m, "undelivered", 30003)
    check(r.status in (200, 204), "status report: %r" % (r,))
    r = gw.send_status_for(m, "delivered", sig="x" * 28)
    eq(r.status, 403, "forged status report")


@t.case("without public_url an instance serves no webhook")
def _():
    up()
    gw_ = gw.send_reply(hook("/hooks/sms/svc"), sign_url=PUBLIC +
                        "/hooks/sms/svc", from_=TO, body="3 ack")
    eq(gw_.status, 404, "reply hook of an instance without public_url")


# ------------------------------------------------------------ config

@t.case("config errors name the key: unknown, missing, both or neither "
        "of a pair, bad values")
def _():
    bad = [
        (sms(acount_sid="x"), "acount_sid", "unknown key"),
        (sms(account_sid=None), "account_sid", "required"),
        (sms(account_sid="AC-1"), "account_sid", "letters and digits"),
        (sms(auth_token="x"), "auth_token_file", "exactly one"),
        (sms(auth_token_file=None), "auth_token", "exactly one"),
        (sms(auth_token_file="no-such-file"), "auth_token_file",
         "cannot read"),
        (sms(**{"from": "5550000"}), "from", "E.164"),
        (sms(messaging_service_sid="MG1"), "messaging_service_sid",
         "exactly one"),
        (sms(**{"from": None}), "from", "exactly one"),
        (sms(base_url="ftp://x"), "base_url", "https://"),
        (sms(public_url="https://x/?a=1"), "public_url", "query"),
        (sms(timeout="0s"), "timeout", "1s to 60s"),
        (sms(timeout="2m"), "timeout", "1s to 60s"),
    ]
    nc.expect_config_errors(t, pd, bad)


t.run()
gw.close()
