#!/usr/bin/python3
"""The email notifier against a real SMTP server (aiosmtpd, from
python3-aiosmtpd): the message that arrives (envelope, headers, body),
no header injection from alert text, and how SMTP replies map to
delivered / retry / permanent."""

import email
import logging
import email.policy
import os
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

import notifier_check as nc
import pagerd_test as pt
from pagerd_test import check, eq

t = pt.TestFile("email")
redis = t.redis()
FROM = "pagerd@example.com"
TO = "alice@example.com"


class Sink:
    """Records every message; refuses some recipients as told."""

    def __init__(self):
        self.envelopes = []
        self.refuse = {}        # address -> SMTP reply

    async def handle_RCPT(self, server, session, envelope, address,
                          rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and
          auth_data.login == b"pagerd" and auth_data.password == b"s3cret")
    # handled=False: aiosmtpd then answers 535 itself.
    return AuthResult(success=ok, handled=False)


# Plain-text AUTH is what the loopback test server is for.
warnings.filterwarnings("ignore", module="aiosmtpd")
logging.getLogger("mail.log").setLevel(logging.ERROR)
sink = Sink()
smtp = Controller(sink, hostname="127.0.0.1", port=pt.free_port())
smtp.start()
# An SMTP server that wants AUTH (allowed in clear: loopback only).
asink = Sink()
asmtp = Controller(asink, hostname="127.0.0.1", port=pt.free_port(),
                   authenticator=authenticator, auth_required=True,
                   auth_require_tls=False)
asmtp.start()

pd = t.pagerd(redis)
for d in (pd.dir, t.dir):
    for name, pw in (("smtp-password", "s3cret"), ("smtp-wrong", "wrong")):
        with open(os.path.join(d, name), "w") as f:
            f.write(pw + "\n")


def mail(**kw):
    s = {"type": "email", "url": "smtp://127.0.0.1:%d" % smtp.port,
         "from": FROM, "subject_prefix": "[pagerd]", "timeout": "5s"}
    s.update(kw)
    return {k: v for k, v in s.items() if v is not None}


pd.config["notifiers"] = {
    "mail": mail(),
    "authed": mail(url="smtp://127.0.0.1:%d" % asmtp.port,
                   username="pagerd", password_file="smtp-password"),
    "badpw": mail(url="smtp://127.0.0.1:%d" % asmtp.port,
                  username="pagerd", password_file="smtp-wrong",
                  subject_prefix=None),
    "nowhere": mail(url="smtp://127.0.0.1:%d" % pt.free_port(),
                    timeout="2s"),
}
if os.environ.get("PAGERD_PLUGINDIR"):
    pd.config["plugin_dir"] = os.environ["PAGERD_PLUGINDIR"]


def up():
    redis.ensure()
    pd.ensure()
    sink.envelopes.clear()
    sink.refuse.clear()
    asink.envelopes.clear()
    return pd


def parse(env):
    return email.message_from_bytes(env.original_content,
                                    policy=email.policy.default)


@t.case("a test notification arrives: envelope, From, To, Subject with "
        "the prefix, Date, Message-ID, the body")
def _():
    up()
    status, j = nc.send_test(pd, "mail", TO, "Disk full on db1")
    eq((status, j["result"]), (200, "delivered"), "test answer %r" % j)
    eq(len(sink.envelopes), 1, "messages at the server")
    env = sink.envelopes[0]
    eq(env.mail_from, FROM, "MAIL FROM")
    eq(env.rcpt_tos, [TO], "RCPT TO")
    m = parse(env)
    check(m["Subject"].startswith("[pagerd] #0 sev3 ") and
          m["Subject"].endswith(": Disk full on db1"), m["Subject"])
    eq(m["From"].addresses[0].addr_spec, FROM, "From")
    eq(m["To"].addresses[0].addr_spec, TO, "To")
    check(m["Date"] is not None and m["Message-ID"].endswith(
          "@example.com>"), "Date %r Message-ID %r" % (m["Date"],
                                                       m["Message-ID"]))
    eq(m["Auto-Submitted"], "auto-generated", "Auto-Submitted")
    eq("<%s>" % j["provider_id"], m["Message-ID"], "provider_id")
    eq(m.get_content_type(), "text/plain", "Content-Type")
    body = m.get_content()
    check("Disk full on db1" in body and "No action is needed" in body,
          body)


@t.case("SMTP AUTH with username and password_file")
def _():
    up()
    status, j = nc.send_test(pd, "authed", TO)
    eq((status, j["result"]), (200, "delivered"), "test answer %r" % j)
    eq(len(asink.envelopes), 1, "messages at the server")


@t.case("header injection: line breaks in alert text never start a "
        "header or add a recipient")
def _():
    up()
    # The test API refuses ASCII control characters, so the line breaks
    # that get through it are Unicode ones (NEL, LS, PS); CR and LF
    # themselves are covered through the plugin in
    # tests/unit/test_notify_email.c.
    title = "x\u0085Bcc: evil@example.net\u2028To: evil2@example.net" \
            "\u2029Subject: hi"
    status, j = nc.send_test(pd, "mail", TO, title)
    eq(status, 200, "test answer %r" % j)
    env = sink.envelopes[0]
    eq(env.rcpt_tos, [TO], "RCPT TO")
    m = parse(env)
    eq(m.get_all("Bcc"), None, "Bcc headers")
    eq(len(m.get_all("To")), 1, "To headers")
    eq(len(m.get_all("Subject")), 1, "Subject headers")
    raw = env.original_content
    for line in raw.split(b"\r\n"):
        check(not line.lower().startswith((b"bcc:", b"to: evil")), raw)
    check("evil@example.net" in m["Subject"], m["Subject"])


@t.case("550 no such user is permanent, with the SMTP code")
def _():
    up()
    sink.refuse["nobody@example.com"] = "550 5.1.1 No such user"
    status, j = nc.send_test(pd, "mail", "nobody@example.com")
    eq((status, j["result"]), (502, "permanent"), repr(j))
    check("550" in j["error"], j["error"])
    eq(sink.envelopes, [], "messages at the server")


@t.case("451 try again later is retry")
def _():
    up()
    sink.refuse["busy@example.com"] = "451 4.3.0 Try again later"
    status, j = nc.send_test(pd, "mail", "busy@example.com")
    eq((status, j["result"]), (502, "retry"), repr(j))
    check("451" in j["error"], j["error"])


@t.case("a wrong password is permanent")
def _():
    up()
    status, j = nc.send_test(pd, "badpw", TO)
    eq((status, j["result"]), (502, "permanent"), repr(j))
    check("535" in j["error"] or "login" in j["error"].lower(), j["error"])
    eq(asink.envelopes, [], "messages at the server")


@t.case("a server that does not answer is retry")
def _():
    up()
    status, j = nc.send_test(pd, "nowhere", TO)
    eq((status, j["result"]), (502, "retry"), repr(j))


@t.case("an address that is not plain is permanent and never sent")
def _():
    up()
    for bad in ("+15551230001", "alice", "a b@example.com",
                "<alice@example.com>", "a@b@example.com"):
        status, j = nc.send_test(pd, "mail", bad)
        eq((status, j["result"]), (502, "permanent"), "%s: %r" % (bad, j))
    eq(sink.envelopes, [], "messages at the server")


@t.case("config errors name the key")
def _():
    bad = [
        (mail(urll="x"), "urll", "unknown key"),
        (mail(url=None), "url", "required"),
        (mail(url="http://127.0.0.1"), "url", "smtp://"),
        (mail(url="smtp://u:p@127.0.0.1"), "url", "smtp://"),
        (mail(**{"from": "pagerd"}), "from", "plain address"),
        (mail(**{"from": None}), "from", "required"),
        (mail(username="pagerd"), "password_file", "both"),
        (mail(password_file="smtp-password"), "username", "both"),
        (mail(username="pagerd", password_file="missing"),
         "password_file", "cannot read"),
        (mail(subject_prefix="[a]\u00e9"), "subject_prefix", "ASCII"),
        (mail(timeout="61s"), "timeout", "1s to 60s"),
    ]
    nc.expect_config_errors(t, pd, bad)


t.run()
smtp.stop()
asmtp.stop()
