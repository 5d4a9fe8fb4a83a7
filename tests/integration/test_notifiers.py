#!/usr/bin/python3
"""Notifier plugins through the host: config errors with FILE:LINE (also
from the plugin's create()), refused plugins, GET /api/v1/notifiers and
POST /api/v1/notifiers/NAME/test, /hooks/ routing, SIGHUP with a changed
notifier, and the webhook and slack plugins against real local HTTP
sinks (signature checked with Python's hmac, result mapping, timeouts,
escaping)."""

import copy
import hashlib
import hmac
import http.server
import json
import os
import re
import ssl
import threading
import time

import pagerd_test as pt
from pagerd_test import check, eq, expect_error, expect_status, wait_until

# The test plugins sit in the build tree beside the real pagerd (under
# make check-valgrind, PAGERD is a wrapper script and PAGERD_REAL the binary).
TEST_PLUGINS = os.path.join(
    os.path.dirname(os.environ.get("PAGERD_REAL") or pt.PAGERD),
    "tests", "plugins", ".libs")
t = pt.TestFile("notifiers")
redis = t.redis()
pd = t.pagerd(redis)
pd.config["notifiers"] = {
    "dry": {"type": "log", "level": "info"},
    "flaky": {"type": "log", "result": "retry", "retry_after": 30},
    "broken": {"type": "log", "result": "permanent"},
}
BASE = copy.deepcopy(pd.config)
AUTH = {"Authorization": "Bearer " + pt.TOKEN}


def up():
    redis.ensure()
    pd.ensure()
    return pd


def post_test(name, body, headers=None, timeout=20):
    h = dict(AUTH)
    h.update(headers or {})
    h["Content-Type"] = "application/json"
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return pd.request("POST", "/api/v1/notifiers/%s/test" % name, data, h,
                      timeout=timeout)


def check_config(cfg, env=None):
    """pagerd -t on cfg (a dict): (exit status, stderr+stdout, path)."""
    path = os.path.join(t.dir, "check-%s.conf" % pt.uniq())
    cfg = copy.deepcopy(cfg)
    cfg["http"]["listen"] = ["127.0.0.1:1"]
    with open(path, "w") as f:
        f.write(pt.render_config(cfg))
    r = pt.run([pt.PAGERD, "-t", "-c", path], env=env)
    return r.returncode, r.stderr + r.stdout, path


def reload_and_wait(result):
    """SIGHUP; wait until pagerd_config_reloads_total{result} grows."""
    def count():
        return pd.metrics().value("pagerd_config_reloads_total",
                                  result=result)
    m0 = count()
    pd.reload()
    wait_until(lambda: count() > m0, 5, what="a reload with " + result)


def line_of(path, needle):
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if needle in line:
                return n
    raise AssertionError("%s not in %s" % (needle, path))


# ------------------------------------------------------------ the host

@t.case("GET /api/v1/notifiers lists name, type and address field")
def _():
    r = up().get("/api/v1/notifiers", token=pt.TOKEN)
    expect_status(r, 200)
    got = {n["name"]: (n["type"], n["address"]) for n in
           r.json()["notifiers"]}
    eq(got, {"dry": ("log", "id"), "flaky": ("log", "id"),
             "broken": ("log", "id")}, "notifiers")
    expect_error(up().get("/api/v1/notifiers"), 401)


@t.case("a test notification through the log notifier is delivered and "
        "logged with a test: idempotency key")
def _():
    off = up().log_size()
    r = post_test("dry", {"address": "+15551230001", "title": "hello"})
    expect_status(r, 200)
    eq(r.json()["result"], "delivered", "result")
    log = pd.log_text(off)
    check(re.search(r"notifier dry: update incident 0 sev3 to test "
                    r'"pagerd test" <\+15551230001> code 0 key '
                    r"test:[0-9a-f]{16} attempt 1: hello", log),
          "log line missing:\n" + log)
    m = pd.metrics()
    check(m.value("pagerd_notifications_total", notifier="dry",
                  result="delivered") >= 1, "delivered not counted")
    eq(m.value("pagerd_notifier_inflight", notifier="dry"), 0, "inflight")


@t.case("retry and permanent results answer 502 with the reason")
def _():
    r = post_test(up() and "flaky", {"address": "x"})
    expect_status(r, 502)
    j = r.json()
    eq((j["result"], j["retry_after"]), ("retry", 30), "retry")
    check("retry" in j["error"], "reason: %r" % j)
    r = post_test("broken", {"address": "x"})
    expect_status(r, 502)
    eq(r.json()["result"], "permanent", "result")
    check("permanent" in r.json()["error"], "reason")
    m = pd.metrics()
    check(m.value("pagerd_notifications_total", notifier="flaky",
                  result="retry") >= 1, "retry not counted")


@t.case("test endpoint: unknown notifier 404, bad bodies 400, no token 401,"
        " GET 405")
def _():
    up()
    expect_error(post_test("nosuch", {"address": "x"}), 404, "notifier")
    expect_error(post_test("dry", {}), 400, "address")
    expect_error(post_test("dry", {"address": "x", "to": "y"}), 400, "to")
    expect_error(post_test("dry", {"address": 5}), 400, "address")
    expect_error(post_test("dry", {"address": "a\nb"}), 400, "control")
    expect_error(post_test("dry", {"address": "a", "title": "\x1b[1m"}),
                 400, "control")
    expect_error(post_test("dry", {"address": "x" * 300}), 400, "address")
    expect_error(post_test("dry", b"[1]"), 400, "object")
    expect_error(post_test("dry", b"{"), 400, "JSON")
    expect_error(pd.request("POST", "/api/v1/notifiers/dry/test",
                            '{"address":"x"}', {}), 401)
    expect_error(pd.get("/api/v1/notifiers/dry/test", token=pt.TOKEN), 405)
    expect_error(pd.get("/api/v1/notifiers/dry/nope", token=pt.TOKEN), 404)


@t.case("/hooks/ paths no plugin registered answer 404 JSON")
def _():
    for path in ("/hooks/nothing", "/hooks/", "/hooks/sms/x?y=1"):
        expect_error(up().request("POST", path, "x", {}), 404, "endpoint")


@t.case("pagerd -t prints FILE:LINE: notifiers.NAME.KEY for a plugin's "
        "complaint and for unknown types")
def _():
    cfg = copy.deepcopy(BASE)
    cfg["notifiers"] = {
        "typo": {"type": "log", "levle": "info"},
        "bad": {"type": "log", "result": "maybe"},
        "missing": {"type": "nosuch"},
    }
    rc, out, path = check_config(cfg)
    eq(rc, 1, "exit status of pagerd -t\n" + out)
    want = [
        "%s:%d: notifiers.typo.levle: unknown key" %
        (path, line_of(path, "levle")),
        "%s:%d: notifiers.bad.result: must be" %
        (path, line_of(path, '"maybe"')),
        "%s:%d: notifiers.missing.type: unknown notifier type \"nosuch\"" %
        (path, line_of(path, "missing:")),
    ]
    for w in want:
        check(w in out, "missing %r in:\n%s" % (w, out))
    check("notify_nosuch.so" in out, "plugin file not named:\n" + out)
    cfg["notifiers"] = {"notype": {"level": "info"}}
    rc, out, path = check_config(cfg)
    eq(rc, 1, "exit status of pagerd -t\n" + out)
    check("%s:%d: notifiers.notype.type: missing" %
          (path, line_of(path, "notype:")) in out, out)


@t.case("pagerd -t accepts a good notifiers section; a bad one stops the "
        "daemon from starting")
def _():
    rc, out, _ = check_config(BASE)
    eq(rc, 0, "pagerd -t\n" + out)
    cfg = copy.deepcopy(BASE)
    cfg["notifiers"] = {"x": {"type": "log", "level": "loud"}}
    rc, out, _ = check_config(cfg)
    eq(rc, 1, "pagerd -t\n" + out)
    check("notifiers.x.level" in out, out)


@t.case("SIGHUP: a changed notifier applies; a broken one keeps the old "
        "instances")
def _():
    up()
    pd.config["notifiers"]["dry"] = {"type": "log", "result": "permanent"}
    pd.write_config()
    reload_and_wait("success")
    r = post_test("dry", {"address": "x"})
    expect_status(r, 502)
    eq(r.json()["result"], "permanent", "after reload")
    # Broken: an unknown key in the plugin's section.
    pd.config["notifiers"]["dry"] = {"type": "log", "nonsense": 1}
    pd.config["notifiers"]["extra"] = {"type": "log"}
    pd.write_config()
    off = pd.log_size()
    reload_and_wait("failure")
    check("notifiers.dry.nonsense" in pd.log_text(off), pd.log_text(off))
    r = post_test("dry", {"address": "x"})
    eq(r.json()["result"], "permanent", "old instance kept")
    expect_error(post_test("extra", {"address": "x"}), 404)
    pd.config = copy.deepcopy(BASE)
    pd.write_config()
    reload_and_wait("success")
    expect_status(post_test("dry", {"address": "x"}), 200)


# ------------------------------------------------------------ HTTP sinks

class Sink:
    """A real HTTP server in a thread that records every request and
    answers with self.status / self.body / self.headers after self.delay
    seconds."""

    def __init__(self):
        sink = self
        self.requests = []
        self.status, self.body, self.headers, self.delay = 200, b"ok", {}, 0
        self.lock = threading.Lock()

        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                with sink.lock:
                    sink.requests.append((self.path, self.headers, body))
                    status, rbody, rh, delay = (sink.status, sink.body,
                                                dict(sink.headers),
                                                sink.delay)
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    for k, v in rh.items():
                        self.send_header(k, v)
                    if "X-No-Length" not in rh:
                        self.send_header("Content-Length",
                                         str(len(rbody)))
                    self.end_headers()
                    self.wfile.write(rbody)
                except OSError:
                    pass        # pagerd gave up waiting: that is the point

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever,
                         daemon=True).start()

    def url(self, path="/hook"):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def answer(self, status=200, body=b"ok", headers=None, delay=0):
        with self.lock:
            self.status, self.body = status, body
            self.headers, self.delay = headers or {}, delay
            del self.requests[:]

    def last(self):
        check(self.requests, "the sink got no request")
        return self.requests[-1]


SINK = Sink()
SLACK = Sink()
SECRET = "webhook-secret-0123456789"


def with_plugins():
    """The base config plus webhook and slack instances at the sinks."""
    with open(os.path.join(pd.dir, "hook.secret"), "w") as f:
        f.write(SECRET + "\n")
    cfg = copy.deepcopy(BASE)
    cfg["notifiers"].update({
        "hook": {"type": "webhook", "url": SINK.url(),
                 "secret_file": "hook.secret", "timeout": 2,
                 "header": ["X-Team: db", "Authorization: Bearer abc"]},
        "chat": {"type": "slack", "webhook_url": SLACK.url("/services/x"),
                 "channel": "#oncall", "username": "pagerd"},
    })
    return cfg


def up_plugins():
    redis.ensure()
    if pd.running() and "hook" in pd.config.get("notifiers", {}):
        return pd
    pd.config = with_plugins()
    if pd.running():
        pd.write_config()
        reload_and_wait("success")
    else:
        pd.start()
    return pd


def verify_signature(headers, body):
    """X-Pagerd-Signature: t=T,v1=HEX with HEX = HMAC-SHA256(secret,
    "T." + body), computed here from the documented scheme."""
    value = headers.get("X-Pagerd-Signature")
    check(value, "no X-Pagerd-Signature header")
    parts = dict(p.split("=", 1) for p in value.split(","))
    ts = int(parts["t"])
    check(abs(time.time() - ts) < 60, "t=%d is not now" % ts)
    want = hmac.new(SECRET.encode(), ("%d." % ts).encode() + body,
                    hashlib.sha256).hexdigest()
    check(hmac.compare_digest(want, parts["v1"]),
          "signature %s, want %s" % (parts["v1"], want))


@t.case("webhook: a signed JSON POST with every field and the "
        "Idempotency-Key; 2xx is delivered")
def _():
    up_plugins()
    SINK.answer(202, b"{}")
    r = post_test("hook", {"address": "alice", "title": "disk full"})
    expect_status(r, 200)
    eq(r.json()["result"], "delivered", "result")
    path, h, body = SINK.last()
    eq(path, "/hook", "path")
    verify_signature(h, body)
    eq(h.get("Content-Type"), "application/json", "Content-Type")
    eq((h.get("X-Team"), h.get("Authorization")), ("db", "Bearer abc"),
       "extra headers")
    j = json.loads(body)
    key = j.pop("idempotency_key")
    check(re.fullmatch(r"test:[0-9a-f]{16}", key), "key %r" % key)
    eq(h.get("Idempotency-Key"), key, "Idempotency-Key header")
    check("summary" in j and "hook" in j.pop("summary"), "summary")
    eq(j, {"kind": "update", "incident_id": 0, "severity": "sev3",
           "title": "disk full", "status": "triggered", "service": None,
           "url": None, "recipient": {"id": "test", "name": "pagerd test",
                                      "address": "alice"},
           "reply_code": 0, "attempt": 1, "details": None}, "body")
    # Two sends, two keys: the key is per notification.
    expect_status(post_test("hook", {"address": "alice"}), 200)
    check(json.loads(SINK.last()[2])["idempotency_key"] != key,
          "a new notification reused the idempotency key")


@t.case("webhook: 500 and 429 are retry (Retry-After honoured), 400 is "
        "permanent with the start of the body")
def _():
    up_plugins()
    SINK.answer(500, b"database on fire")
    r = post_test("hook", {"address": "a"})
    expect_status(r, 502)
    eq((r.json()["result"], r.json()["error"]),
       ("retry", "HTTP 500: database on fire"), "500")
    SINK.answer(429, b"", {"Retry-After": "17"})
    r = post_test("hook", {"address": "a"})
    eq((r.json()["result"], r.json()["retry_after"]), ("retry", 17), "429")
    SINK.answer(400, b"x" * 150 + b"\r\n" + b"y" * 300)
    r = post_test("hook", {"address": "a"})
    expect_status(r, 502)
    eq(r.json()["result"], "permanent", "400")
    eq(r.json()["error"], "HTTP 400: " + "x" * 150 + "  " + "y" * 48,
       "reason: the first 200 bytes, control characters as spaces")
    m = pd.metrics()
    check(m.value("pagerd_notifications_total", notifier="hook",
                  result="permanent") >= 1, "permanent not counted")


@t.case("webhook: a sink slower than timeout is a retry, and the "
        "daemon stays responsive meanwhile")
def _():
    up_plugins()
    SINK.answer(200, b"late", delay=4)
    out = {}

    def slow():
        out["r"] = post_test("hook", {"address": "a"})
    th = threading.Thread(target=slow)
    t0 = time.monotonic()
    th.start()
    time.sleep(0.3)
    expect_status(pd.healthz(), 200)
    th.join(15)
    r = out["r"]
    expect_status(r, 502)
    eq(r.json()["result"], "retry", "result")
    check("timeout" in r.json()["error"].lower() or
          "timed out" in r.json()["error"].lower(), r.json()["error"])
    dt = time.monotonic() - t0
    check(1.5 < dt < 3.9, "answered after %.1fs, timeout is 2s" % dt)
    SINK.answer()


@t.case("the host follows no redirect, caps a response at 1 MiB and "
        "verifies certificates")
def _():
    up_plugins()
    SINK.answer(302, b"moved", {"Location": SINK.url("/elsewhere")})
    r = post_test("hook", {"address": "a"})
    eq((r.json()["result"], r.json()["error"]), ("permanent",
       "HTTP 302: moved"), "redirect")
    eq([p for p, _, _ in SINK.requests], ["/hook"], "requests")
    SINK.answer(200, b"x" * (1024 * 1024 + 10))
    r = post_test("hook", {"address": "a"})
    eq(r.json()["result"], "retry", "oversized answer")
    check("larger than 1048576 bytes" in r.json()["error"], r.json())
    # The same without Content-Length: cut while reading.
    SINK.answer(200, b"x" * (1024 * 1024 + 10), {"X-No-Length": "1"})
    r = post_test("hook", {"address": "a"})
    eq(r.json()["result"], "retry", "oversized answer, no length")
    check("larger than 1048576 bytes" in r.json()["error"], r.json())
    SINK.answer(200, b"x" * 1000, {"X-No-Length": "1"})
    eq(post_test("hook", {"address": "a"}).json()["result"], "delivered",
       "a small answer without Content-Length")
    SINK.answer()
    # A self-signed certificate is refused.
    d = os.path.join(t.dir, "tls")
    os.makedirs(d, exist_ok=True)
    key, crt = os.path.join(d, "key.pem"), os.path.join(d, "crt.pem")
    rr = pt.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                 "-nodes", "-keyout", key, "-out", crt, "-days", "1",
                 "-subj", "/CN=127.0.0.1",
                 "-addext", "subjectAltName=IP:127.0.0.1"])
    if rr.returncode != 0:
        raise pt.Skip("openssl cannot make a certificate: " + rr.stderr)
    tls = Sink()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(crt, key)
    tls.server.socket = ctx.wrap_socket(tls.server.socket,
                                        server_side=True)
    try:
        pd.config["notifiers"]["tls"] = {
            "type": "webhook",
            "url": "https://127.0.0.1:%d/hook" % tls.port}
        pd.write_config()
        reload_and_wait("success")
        r = post_test("tls", {"address": "a"})
        expect_status(r, 502)
        eq(r.json()["result"], "retry", "untrusted certificate")
        check("certificate" in r.json()["error"].lower(), r.json())
        eq(tls.requests, [], "a request got through")
    finally:
        tls.server.shutdown()
        del pd.config["notifiers"]["tls"]
        pd.write_config()
        reload_and_wait("success")


@t.case("CR/LF and <>& in alert text stay inside the webhook JSON (no "
        "forged header) and become plain escaped text for Slack")
def _():
    up_plugins()
    SINK.answer()
    SLACK.answer()
    title = "db down\r\nX-Evil: 1\r\n\r\n<b>&</b>"
    expect_status(post_test("hook", {"address": "a", "title": title}), 200)
    _, h, body = SINK.last()
    eq(json.loads(body)["title"], title, "title in the JSON")
    check(b"\r" not in body and b"\n" not in body, "raw CR/LF in the body")
    check("X-Evil" not in h, "a header was forged")
    verify_signature(h, body)
    expect_status(post_test("chat", {"address": "a", "title": title}), 200)
    j = json.loads(SLACK.last()[2])
    check(j["text"].endswith("db down X-Evil: 1 &lt;b&gt;&amp;&lt;/b&gt;"),
          "slack text %r" % j["text"])
    expect_error(post_test("hook", {"address": "a\r\nb"}), 400, "control")
    expect_error(post_test("hook", {"address": "a", "title": "a\u0000b"}),
                 400)


@t.case("slack: the message is escaped (<>& cannot mention or link) and "
        "carries channel and username")
def _():
    up_plugins()
    SLACK.answer(200, b"ok")
    title = "<!channel> db & cache <https://evil.example|login>"
    r = post_test("chat", {"address": "x", "title": title})
    expect_status(r, 200)
    path, h, body = SLACK.last()
    eq(path, "/services/x", "path")
    j = json.loads(body)
    eq((j["channel"], j["username"]), ("#oncall", "pagerd"), "overrides")
    check("<!channel>" not in body.decode() and
          "<https://evil" not in body.decode(),
          "unescaped markup in %s" % body)
    check("&lt;!channel&gt; db &amp; cache &lt;https://evil.example|login"
          "&gt;" in j["text"], "text: %r" % j["text"])
    SLACK.answer(404, b"channel_not_found")
    r = post_test("chat", {"address": "x"})
    expect_status(r, 502)
    eq((r.json()["result"], r.json()["error"]),
       ("permanent", "HTTP 404: channel_not_found"), "404")
    SLACK.answer(503, b"")
    eq(post_test("chat", {"address": "x"}).json()["result"], "retry",
       "503")
    SLACK.answer()


@t.case("plugins refuse bad settings at pagerd -t with FILE:LINE")
def _():
    cfg = with_plugins()
    cfg["notifiers"]["hook"]["url"] = "ftp://x"
    cfg["notifiers"]["chat"]["chanel"] = "#x"
    cfg["notifiers"]["h2"] = {"type": "webhook", "url": SINK.url(),
                              "header": ["Content-Type: text/plain"]}
    cfg["notifiers"]["h3"] = {"type": "webhook"}
    rc, out, path = check_config(cfg)
    eq(rc, 1, out)
    for w in ["%s:%d: notifiers.hook.url: must start with" %
              (path, line_of(path, '"ftp://x"')),
              "%s:%d: notifiers.chat.chanel: unknown key" %
              (path, line_of(path, "chanel")),
              "notifiers.h2.header: \"Content-Type: text/plain\" is a "
              "header the plugin sets itself",
              "%s:%d: notifiers.h3.url: missing" %
              (path, line_of(path, "h3:"))]:
        check(w in out, "missing %r in:\n%s" % (w, out))


@t.case("a plugin built for another ABI, or without send(), is refused "
        "by file name")
def _():
    d = TEST_PLUGINS
    if not os.path.exists(os.path.join(d, "notify_badabi.so")):
        raise pt.Skip("test plugins not built (make check builds them)")
    cfg = copy.deepcopy(BASE)
    cfg["plugin_dir"] = d
    cfg["notifiers"] = {"old": {"type": "badabi"}}
    rc, out, _ = check_config(cfg)
    eq(rc, 1, out)
    check("notifiers.old.type: %s/notify_badabi.so: built for plugin ABI 2"
          % d in out, out)
    cfg["notifiers"] = {"half": {"type": "nosend"}}
    rc, out, _ = check_config(cfg)
    eq(rc, 1, out)
    check("%s/notify_nosend.so: refused: the plugin lacks send" % d in out,
          out)
    cfg["notifiers"] = {"dry": {"type": "log"}}
    rc, out, _ = check_config(cfg)
    eq(rc, 1, out)
    check("no notify_log.so in %s" % d in out, out)


@t.case("SIGHUP while a send is in flight: the old instance finishes it, "
        "the new one takes the next")
def _():
    up_plugins()
    SINK.answer(200, b"ok", delay=1.5)
    out = {}

    def slow():
        out["r"] = post_test("hook", {"address": "a"})
    th = threading.Thread(target=slow)
    th.start()
    wait_until(lambda: SINK.requests, 5, what="the send to start")
    pd.config["notifiers"]["hook"]["header"] = ["X-Team: web"]
    pd.write_config()
    reload_and_wait("success")
    th.join(15)
    expect_status(out["r"], 200)
    eq(out["r"].json()["result"], "delivered", "in-flight send")
    SINK.answer()
    expect_status(post_test("hook", {"address": "a"}), 200)
    eq(SINK.last()[1].get("X-Team"), "web", "new instance")
    check(SINK.last()[1].get("Authorization") is None, "old header kept")
    eq(pd.metrics().value("pagerd_notifier_inflight", notifier="hook"), 0,
       "inflight")


# ------------------------------------------------------------ host services

echo = t.pagerd(redis, name="echo")
echo.config["plugin_dir"] = TEST_PLUGINS
echo.config["notifiers"] = {
    "e1": {"type": "echo", "secret_file": "echo.secret"},
    "e2": {"type": "echo"},
    "slow": {"type": "echo", "delay_ms": 8000},
}
ECHO_BASE = copy.deepcopy(echo.config)


def up_echo():
    if not os.path.exists(os.path.join(TEST_PLUGINS, "notify_echo.so")):
        raise pt.Skip("test plugins not built (make check builds them)")
    with open(os.path.join(echo.dir, "echo.secret"), "w") as f:
        f.write("s3cr3t\n")
    redis.ensure()
    return echo.ensure()


def hook(path, body=b"hi", **kw):
    return echo.request("POST", path, body, {}, **kw)


@t.case("a plugin's /hooks/ route gets method, path, query and body, "
        "answers later from a timer; read_secret reads beside the config")
def _():
    up_echo()
    r = hook("/hooks/echo/e1?x=1", b"hello")
    expect_status(r, 200)
    eq(r.body.decode(), "e1 POST /hooks/echo/e1 x=1 secret=s3cr3t "
       "body=hello", "answer")
    eq(hook("/hooks/echo/e2").body.decode(),
       "e2 POST /hooks/echo/e2 - secret=- body=hi", "e2")
    expect_error(hook("/hooks/echo/e3"), 404)
    expect_error(hook("/hooks/echo/e1/x"), 404)
    # A body announced over http.max_body is refused before the plugin.
    s = pt.raw_connect(echo.port)
    try:
        s.sendall(b"POST /hooks/echo/e1 HTTP/1.1\r\nHost: x\r\n"
                  b"Content-Length: %d\r\n\r\n"
                  % (echo.config["http"]["max_body"] + 1))
        try:
            r = pt.RawReader(s).response()
        except OSError:
            r = None
    finally:
        s.close()
    check(r is not None and r.status == 413, "over max_body: %r" % r)


@t.case("reply_submit without a reply handler answers nothing, on a later "
        "loop turn")
def _():
    up_echo()
    r = hook("/hooks/echo/e1?reply=1", b"+15551230001")
    expect_status(r, 200)
    eq(r.body.decode(), "answer=(none)", "answer")


@t.case("a send completed from a plugin timer reports its provider id")
def _():
    up_echo()
    r = echo.request("POST", "/api/v1/notifiers/e2/test",
                     '{"address": "x"}', AUTH)
    expect_status(r, 200)
    check(re.fullmatch(r"echo-\d+", r.json()["provider_id"] or ""),
          "provider_id %r" % r.json())


@t.case("SIGHUP moves the routes: a removed instance's path is 404, a "
        "changed one answers with its new settings")
def _():
    up_echo()
    with open(os.path.join(echo.dir, "echo2.secret"), "w") as f:
        f.write("other\n")
    echo.config["notifiers"] = {
        "e1": {"type": "echo", "secret_file": "echo2.secret"},
        "slow": {"type": "echo", "delay_ms": 8000}}
    echo.write_config()
    m0 = echo.metrics().value("pagerd_config_reloads_total",
                              result="success")
    echo.reload()
    wait_until(lambda: echo.metrics().value("pagerd_config_reloads_total",
                                            result="success") > m0, 5,
               what="reload")
    check("secret=other" in hook("/hooks/echo/e1").body.decode(), "e1")
    expect_error(hook("/hooks/echo/e2"), 404)
    echo.config = copy.deepcopy(ECHO_BASE)
    echo.write_config()


@t.case("SMTP through the host: the mail arrives with its envelope; CR/LF "
        "in a recipient is refused before libcurl")
def _():
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        raise pt.Skip("python3-aiosmtpd is not installed")
    got = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            got.append(envelope)
            return "250 OK"
    up_echo()
    port = pt.free_port()
    ctlr = Controller(Handler(), hostname="127.0.0.1", port=port)
    ctlr.start()
    try:
        url = "smtp://127.0.0.1:%d" % port
        echo.config["notifiers"]["mail"] = {"type": "echo", "smtp_url": url}
        echo.config["notifiers"]["evil"] = {"type": "echo", "smtp_url": url,
                                            "evil_rcpt": True}
        echo.write_config()
        m0 = echo.metrics().value("pagerd_config_reloads_total",
                                  result="success")
        echo.reload()
        wait_until(lambda: echo.metrics().value(
            "pagerd_config_reloads_total", result="success") > m0, 5,
            what="reload")
        r = echo.request("POST", "/api/v1/notifiers/mail/test",
                         '{"address": "ops@example.com", "title": "hi"}',
                         AUTH, timeout=20)
        expect_status(r, 200)
        wait_until(lambda: got, 5, what="the mail")
        eq((got[0].mail_from, got[0].rcpt_tos),
           ("pagerd@example.com", ["ops@example.com"]), "envelope")
        check(b"\r\n\r\nhi\r\n" in got[0].content, got[0].content)
        r = echo.request("POST", "/api/v1/notifiers/evil/test",
                         '{"address": "ops@example.com"}', AUTH, timeout=20)
        expect_status(r, 502)
        eq(r.json()["error"], "the host refused the mail", "evil")
        eq(len(got), 1, "mails received")
    finally:
        ctlr.stop()
        echo.config = copy.deepcopy(ECHO_BASE)
        echo.write_config()


def ctl(*args):
    r = pt.run([pt.PAGERCTL, "-u", pd.url, "-T", pt.TOKEN] + list(args),
               timeout=30)
    return r.returncode, r.stdout, r.stderr


@t.case("pagerctl notifiers lists them; pagerctl notify-test shows the "
        "verdict and exits 0 or 1")
def _():
    up_plugins()
    rc, out, err = ctl("notifiers")
    eq(rc, 0, err)
    check(re.search(r"^hook\s+webhook\s+id$", out, re.M), out)
    check(re.search(r"^chat\s+slack\s+id$", out, re.M), out)
    SINK.answer()
    rc, out, err = ctl("notify-test", "hook", "alice", "from pagerctl")
    eq(rc, 0, err)
    eq(out.strip(), "Delivered through hook.", "output")
    eq(json.loads(SINK.last()[2])["title"], "from pagerctl", "title")
    SINK.answer(400, b"no such user")
    rc, out, err = ctl("notify-test", "hook", "alice")
    eq(rc, 1, out + err)
    check("hook: failed for good: HTTP 400: no such user" in err, err)
    rc, out, err = ctl("notify-test", "nosuch", "alice")
    eq(rc, 1, out + err)
    check("HTTP 404: no such notifier" in err, err)
    rc, out, err = ctl("--json", "notify-test", "flaky", "x")
    eq(rc, 1, err)
    eq(json.loads(out)["result"], "retry", "json")
    SINK.answer()


@t.case("SIGTERM with a send in flight: exit 0 in time, the send answered "
        "retry, the plugin's leftover timers reaped (clean under ASan)")
def _():
    up_echo()
    out = {}

    def slow():
        try:
            out["r"] = echo.request("POST", "/api/v1/notifiers/slow/test",
                                    '{"address": "x"}', AUTH, timeout=20)
        except Exception as e:      # the connection may close instead
            out["e"] = e
    th = threading.Thread(target=slow)
    th.start()
    wait_until(lambda: echo.metrics().value("pagerd_notifier_inflight",
                                            notifier="slow") == 1, 5,
               what="the send to be in flight")
    t0 = time.monotonic()
    echo.stop(timeout=8)
    th.join(10)
    check(time.monotonic() - t0 < 6, "stop took too long")
    if "r" in out:
        expect_status(out["r"], 502)
        eq(out["r"].json()["result"], "retry", "result")
        check("stopping" in out["r"].json()["error"], out["r"].json())


if __name__ == "__main__":
    t.run()
