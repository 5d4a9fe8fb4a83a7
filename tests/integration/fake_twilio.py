#!/usr/bin/python3
"""fake_twilio — a local SMS gateway that speaks Twilio's wire format.

For integration tests of pagerd's sms notifier (and of anything built on
it: escalation, SMS replies). Standard library plus python3-twilio (for
signing webhooks exactly as Twilio does); run it under /usr/bin/python3.

The outbound half is Twilio's Messages API,
POST /2010-04-01/Accounts/{AccountSid}/Messages.json: it checks HTTP Basic
auth and the form fields as Twilio does, answers 201 with a Twilio-shaped
message resource (sid "SM" + 32 hex digits, status "queued") and records
every request. It can be told to fail: N times 500, 429 with Retry-After,
error 21211 (invalid 'To') for given numbers, 21610 (opted out) for others.

The inbound half plays Twilio calling pagerd: send_reply() posts an
incoming SMS and send_status() a delivery report, each signed with
X-Twilio-Signature by twilio.request_validator.RequestValidator.

    import fake_twilio

    gw = fake_twilio.FakeTwilio()          # listens on 127.0.0.1:<free>
    # pagerd config: base_url = gw.base_url; account_sid = gw.account_sid;
    #                auth_token = gw.auth_token; from = "+15550000000";
    #                public_url = "https://pagerd.example.com"
    gw.route("https://pagerd.example.com", pd.url)   # where that really is
    ...                                    # make pagerd page someone
    msg = gw.wait_message(to="+15551230001")
    assert "Reply 3a ack" in msg.body
    r = gw.reply_to(msg, "3 ack", "https://pagerd.example.com/hooks/sms/oncall")
    assert r.status == 200 and b"acknowledged" in r.body
    gw.send_status_for(msg, "delivered")   # to msg.status_callback
    gw.close()

Webhooks are signed over the URL as configured at Twilio (pagerd's
public URL) and sent where route() says that URL really is.

Everything is thread-safe: the server runs in its own thread, the test in
the main one.
"""

import base64
import email.utils
import http.client
import http.server
import json
import secrets
import threading
import time
import urllib.parse

from twilio.request_validator import RequestValidator

API_PREFIX = "/2010-04-01/Accounts/"


class Message:
    """One Messages API request the gateway accepted (or refused).

    to, from_, body, status_callback, messaging_service_sid: the form
    fields (None when absent); form: every field as a dict of lists;
    sid: the id answered ("" when refused); status: the HTTP status
    answered; auth: the (user, password) of the Basic auth header, or
    None; headers: the request headers (an email.message.Message).
    """

    def __init__(self, form, headers, auth):
        def one(name):
            v = form.get(name)
            return v[0] if v else None
        self.form = form
        self.headers = headers
        self.auth = auth
        self.to = one("To")
        self.from_ = one("From")
        self.body = one("Body")
        self.status_callback = one("StatusCallback")
        self.messaging_service_sid = one("MessagingServiceSid")
        self.sid = ""
        self.status = 0

    def __repr__(self):
        return "<Message %s to=%s status=%d body=%r>" % (
            self.sid or "-", self.to, self.status, self.body)


class Response:
    """What pagerd answered a webhook: status, headers (dict, lower-case
    names), body (bytes)."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def __repr__(self):
        return "<Response %d %r>" % (self.status, self.body[:200])


def new_sid(prefix):
    """A Twilio-style sid: two letters and 32 lower-case hex digits."""
    return prefix + secrets.token_hex(16)


def signature(auth_token, url, params):
    """X-Twilio-Signature of a POST to url with params (a dict of one
    value each), computed by Twilio's own helper library."""
    return RequestValidator(auth_token).compute_signature(url, params)


class FakeTwilio:
    """The gateway. Attributes tests use: base_url (give it to pagerd's
    base_url), account_sid, auth_token, messages (every Message, in
    order), lock (hold it to read messages while the server runs)."""

    def __init__(self, account_sid=None, auth_token=None, host="127.0.0.1"):
        self.account_sid = account_sid or new_sid("AC")
        self.auth_token = auth_token or secrets.token_hex(16)
        self.messages = []
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self._fail = []             # (status, code, retry_after) queue
        self.invalid_numbers = set()
        self.opted_out = set()
        self.delay = 0.0            # seconds before answering
        self.routes = []            # (public prefix, local prefix)
        gw = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, fmt, *args):
                pass

            def do_POST(self):
                gw._handle(self)

            def do_GET(self):
                gw._answer(self, 405, {"code": 20004,
                                       "message": "Method not allowed",
                                       "status": 405})

        self.server = http.server.ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base_url = "http://%s:%d" % (host, self.port)
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       name="fake_twilio", daemon=True)
        self.thread.start()

    # ------------------------------------------------------------ control

    def fail_next(self, n=1, status=500, code=None, retry_after=None):
        """Answer the next n Messages requests with status (and Twilio
        error code, and a Retry-After header when given)."""
        with self.lock:
            self._fail.extend([(status, code, retry_after)] * n)

    def rate_limit(self, n=1, retry_after=7):
        """The next n requests get 429, code 20429, Retry-After."""
        self.fail_next(n, 429, 20429, retry_after)

    def route(self, public_prefix, local_prefix):
        """Deliver webhooks for URLs under public_prefix (pagerd's
        public_url) to local_prefix instead (pagerd's real address),
        still signed over the public URL, as a reverse proxy would.
        A later route for the same prefix replaces the earlier one."""
        self.routes = [r for r in self.routes if r[0] != public_prefix]
        self.routes.append((public_prefix, local_prefix.rstrip("/")))

    def _target(self, url):
        for public, local in self.routes:
            if url.startswith(public):
                return local + url[len(public):]
        return url

    def reset(self):
        """Forget messages and every failure mode (not the routes)."""
        with self.lock:
            self.messages.clear()
            self._fail.clear()
            self.invalid_numbers.clear()
            self.opted_out.clear()
            self.delay = 0.0

    def sent(self):
        """The accepted messages (status 201), a copy."""
        with self.lock:
            return [m for m in self.messages if m.status == 201]

    def wait_message(self, to=None, timeout=5.0, count=1):
        """Wait until count requests (to that number, when given) have
        been answered, whatever the answer, and return the last of them.
        Raises AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                got = [m for m in self.messages
                       if m.status and (to is None or m.to == to)]
                if len(got) >= count:
                    return got[count - 1]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        "fake_twilio: %d message(s)%s expected, got %r" % (
                            count, " to " + to if to else "", self.messages))
                self.cond.wait(left)

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    # ------------------------------------------------------- Messages API

    def _answer(self, h, status, obj, headers=()):
        data = json.dumps(obj).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json; charset=utf-8")
        h.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)

    def _error(self, h, status, code, message, headers=()):
        self._answer(h, status, {
            "code": code, "message": message,
            "more_info": "https://www.twilio.com/docs/errors/%d" % code,
            "status": status}, headers)

    def _handle(self, h):
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        path = urllib.parse.urlsplit(h.path).path
        auth = None
        ah = h.headers.get("Authorization") or ""
        if ah.startswith("Basic "):
            try:
                user, _, pw = base64.b64decode(
                    ah[6:]).decode().partition(":")
                auth = (user, pw)
            except ValueError:
                auth = None
        form = urllib.parse.parse_qs(raw.decode("utf-8", "replace"),
                                     keep_blank_values=True)
        msg = Message(form, h.headers, auth)
        status, obj, extra = self._decide(h, path, msg)
        if self.delay:
            time.sleep(self.delay)
        if status == 201:
            self._answer(h, 201, obj)
        else:
            self._error(h, status, obj["code"], obj["message"], extra)
        with self.cond:
            msg.status = status
            self.messages.append(msg)
            self.cond.notify_all()

    def _decide(self, h, path, msg):
        """(status, JSON object, extra headers) for one request, checked
        in the order Twilio checks: auth, path, failure injection,
        fields, numbers."""
        if msg.auth != (self.account_sid, self.auth_token):
            return 401, {"code": 20003, "message": "Authenticate"}, ()
        want = API_PREFIX + self.account_sid + "/Messages.json"
        if path != want:
            return 404, {"code": 20404, "message": "The requested "
                         "resource %s was not found" % path}, ()
        ctype = (h.headers.get("Content-Type") or "").split(";")[0]
        if ctype.strip() != "application/x-www-form-urlencoded":
            return 400, {"code": 20001, "message": "Content-Type must "
                         "be application/x-www-form-urlencoded"}, ()
        with self.lock:
            fail = self._fail.pop(0) if self._fail else None
        if fail is not None:
            status, code, retry_after = fail
            extra = ()
            if retry_after is not None:
                extra = (("Retry-After", str(retry_after)),)
            return status, {"code": code or 20500,
                            "message": "Internal Server Error"}, extra
        if not msg.to:
            return 400, {"code": 21604,
                         "message": "A 'To' phone number is required."}, ()
        if not msg.from_ and not msg.messaging_service_sid:
            return 400, {"code": 21603, "message": "A 'From' phone "
                         "number is required."}, ()
        if not msg.body:
            return 400, {"code": 21602,
                         "message": "Message body is required."}, ()
        if len(msg.body) > 1600:
            return 400, {"code": 21617, "message": "The concatenated "
                         "message body exceeds the 1600 character "
                         "limit."}, ()
        with self.lock:
            invalid = msg.to in self.invalid_numbers
            opted_out = msg.to in self.opted_out
        if invalid:
            return 400, {"code": 21211, "message": "The 'To' number %s "
                         "is not a valid phone number." % msg.to}, ()
        if opted_out:
            return 400, {"code": 21610, "message": "Attempt to send to "
                         "unsubscribed recipient"}, ()
        msg.sid = new_sid("SM")
        now = email.utils.formatdate(usegmt=True).replace("GMT", "+0000")
        uri = "%s%s/Messages/%s.json" % (API_PREFIX, self.account_sid,
                                         msg.sid)
        return 201, {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": msg.body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": msg.from_,
            "messaging_service_sid": msg.messaging_service_sid,
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": msg.sid,
            "status": "queued",
            "subresource_uris": {"media": uri[:-5] + "/Media.json"},
            "to": msg.to,
            "uri": uri,
        }, ()

    # ---------------------------------------------------- Twilio → pagerd

    def post_signed(self, url, params, sign_url=None, sig=None,
                    with_signature=True, timeout=10.0):
        """POST params (a dict, one value per name) form-encoded to url
        (rewritten by route()), as Twilio does. The signature is over
        sign_url or else url itself (the URL as configured at Twilio:
        pagerd's public URL); sig replaces it (a forgery),
        with_signature=False leaves the header out. Returns a
        Response."""
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "User-Agent": "TwilioProxy/1.1",
                   "I-Twilio-Idempotency-Token": secrets.token_hex(16)}
        if with_signature:
            headers["X-Twilio-Signature"] = sig or signature(
                self.auth_token, sign_url or url, params)
        parts = urllib.parse.urlsplit(self._target(url))
        path = parts.path + ("?" + parts.query if parts.query else "")
        conn = http.client.HTTPConnection(parts.hostname, parts.port,
                                          timeout=timeout)
        try:
            conn.request("POST", path, urllib.parse.urlencode(params),
                         headers)
            r = conn.getresponse()
            return Response(r.status, {k.lower(): v for k, v in
                                       r.getheaders()}, r.read())
        finally:
            conn.close()

    def reply_params(self, from_, body, to="+15550000000", sid=None):
        """The fields of an incoming SMS as Twilio posts them."""
        sid = sid or new_sid("SM")
        return {
            "ToCountry": "US", "ToState": "CA", "SmsMessageSid": sid,
            "NumMedia": "0", "ToCity": "", "FromZip": "", "SmsSid": sid,
            "FromState": "", "SmsStatus": "received", "FromCity": "",
            "Body": body, "FromCountry": "US", "To": to, "ToZip": "",
            "NumSegments": "1", "ReferralNumMedia": "0",
            "MessageSid": sid, "AccountSid": self.account_sid,
            "From": from_, "ApiVersion": "2010-04-01",
        }

    def send_reply(self, url, from_, body, to="+15550000000", sid=None,
                   **kw):
        """An incoming SMS from from_ saying body, posted to url (pagerd's
        /hooks/sms/INSTANCE). Keywords as for post_signed."""
        return self.post_signed(url, self.reply_params(from_, body, to,
                                                       sid), **kw)

    def reply_to(self, message, body, url, **kw):
        """The recipient of message (a Message this gateway accepted)
        answers it with body: From is the message's To, To its From."""
        return self.send_reply(url, message.to, body,
                               to=message.from_ or "+15550000000", **kw)

    def status_params(self, message_sid, status, error_code=None,
                      to="+15551230001", from_="+15550000000"):
        """The fields of a delivery report (StatusCallback)."""
        p = {"SmsSid": message_sid, "SmsStatus": status,
             "MessageStatus": status, "To": to, "MessageSid": message_sid,
             "AccountSid": self.account_sid, "From": from_,
             "ApiVersion": "2010-04-01"}
        if error_code is not None:
            p["ErrorCode"] = str(error_code)
        return p

    def send_status(self, url, message_sid, status, error_code=None, **kw):
        """A delivery report for message_sid (status "delivered",
        "undelivered", "failed", ...) posted to url (the StatusCallback
        pagerd gave). Keywords as for post_signed."""
        return self.post_signed(url, self.status_params(
            message_sid, status, error_code), **kw)

    def send_status_for(self, message, status, error_code=None, **kw):
        """A delivery report for message, posted to the StatusCallback
        pagerd gave with it (rewritten by route())."""
        if not message.status_callback:
            raise AssertionError("fake_twilio: %r has no StatusCallback"
                                 % (message,))
        p = self.status_params(message.sid, status, error_code,
                               to=message.to,
                               from_=message.from_ or "+15550000000")
        return self.post_signed(message.status_callback, p, **kw)
