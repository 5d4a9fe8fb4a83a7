#!/usr/bin/python3
"""pagerd_test — the shared harness of pagerd's integration tests.

Starts a real redis-server on a private unix socket and the real pagerd
binary on free loopback ports, talks to them with real HTTP/UDP/RESP
clients, and prints TAP. Standard library only. Not for unit tests of lib/
(those are C, in tests/unit).

A test file looks like this:

    #!/usr/bin/python3
    import pagerd_test as pt

    t = pt.TestFile("intake")
    redis = t.redis()                  # not started yet
    pd = t.pagerd(redis)               # base config pointing at redis

    def up():                          # lazily (re)start the fixtures
        redis.ensure()
        pd.ensure()
        return pd

    @t.case("a new alert gets 202 and result new")
    def _():
        r = up().post_alerts({"summary": "x", "labels": {"a": "b"}})
        pt.expect_status(r, 202)

    t.run()

Each case runs under a time limit with its exceptions caught; a failing
case prints its traceback and the new part of every pagerd log as "#"
lines. A case also fails when one of its threads dies, or when a
sanitizer report shows up in a pagerd log (./configure
--enable-sanitizers, then PAGERD=that build). The last case of every file stops every running pagerd with
SIGTERM and requires exit status 0 within 5 s. Everything started here is
killed at exit and the temp dir removed (PAGERD_TEST_KEEP=1 keeps it).

Environment: PAGERD, PAGERCTL, PAGERD_SRCDIR, REDIS_SERVER (set by
`make check`; the defaults suit a run from the top of the build tree).
"""

import atexit
import http.client
import http.server
import itertools
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

SRCDIR = os.environ.get("PAGERD_SRCDIR") or os.getcwd()
PAGERD = os.environ.get("PAGERD") or os.path.join(os.getcwd(), "pagerd")
PAGERCTL = os.environ.get("PAGERCTL") or os.path.join(os.getcwd(), "pagerctl")
REDIS_SERVER = os.environ.get("REDIS_SERVER") or "/usr/bin/redis-server"
PROMTOOL = shutil.which("promtool") or (
    "/usr/bin/promtool" if os.access("/usr/bin/promtool", os.X_OK) else None)

# The credentials every base config carries.
KEY = "test-key-0123456789"
TOKEN = "test-token-0123456789"
PREFIX = "pagerd:"

SOCKET_TIMEOUT = 5.0


# ------------------------------------------------------------ small helpers

class Skip(Exception):
    """Raise in a case to report it as "ok N - ... # SKIP reason"."""


class CaseTimeout(Exception):
    pass


def diag(msg):
    """Print msg as TAP diagnostic lines."""
    for line in str(msg).splitlines() or [""]:
        sys.stdout.write("# " + line + "\n")
    sys.stdout.flush()


_uniq = itertools.count(1)
_run_id = "%04x" % random.randrange(0x10000)


def uniq(prefix="t"):
    """A string unique within the run: label values, dedup keys, titles."""
    return "%s-%s-%d" % (prefix, _run_id, next(_uniq))


def wait_until(fn, timeout=5.0, interval=0.05, what="condition"):
    """Call fn until it returns something truthy; return that. Exceptions
    from fn count as "not yet". Raises AssertionError after timeout with
    the last value or exception."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            v = fn()
            if v:
                return v
            last = v
        except (OSError, http.client.HTTPException, ValueError,
                RedisError, AssertionError) as e:
            last = e
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %.1fs waiting for %s "
                                 "(last: %r)" % (timeout, what, last))
        time.sleep(interval)


# The alert hash's short field names (daemon/store_lua.h) -> long ones.
ALERT_FIELDS = {
    "s": "status", "i": "incident", "v": "level", "c": "count",
    "f": "first_seen", "l": "last_seen", "m": "summary", "y": "severity",
    "d": "details", "L": "labels", "o": "source", "V": "service",
    "t": "timestamp", "e": "ends_at", "r": "resolved_at", "k": "dedup_key",
    "x": "silenced", "a": "inhibit_src", "g": "inhibit_tgt", "h": "dg",
}
ALERT_SHORT = {v: k for k, v in ALERT_FIELDS.items()}


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def eq(got, want, what="value"):
    if got != want:
        raise AssertionError("%s: got %r, want %r" % (what, got, want))


def fingerprint(labels):
    """Alertmanager's fingerprint of a label set (prometheus/common
    model.labelSetToFingerprint): FNV-1a 64 over the label names sorted
    bytewise, each name and value followed by 0xFF; 16 lower-case hex
    digits."""
    h = 0xcbf29ce484222325
    for name in sorted(labels, key=lambda s: s.encode("utf-8")):
        data = (name.encode("utf-8") + b"\xff" +
                labels[name].encode("utf-8") + b"\xff")
        for b in data:
            h ^= b
            h = (h * 0x100000001b3) & 0xffffffffffffffff
    return "%016x" % h


def rfc3339(ms):
    """ms since the epoch as RFC 3339 UTC with milliseconds, as
    Prometheus and Alertmanager write times."""
    ms = int(ms)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000.0)) + \
        ".%03dZ" % (ms % 1000)


def free_port(kind=socket.SOCK_STREAM):
    """A loopback port nobody listens on right now (bind 0, close)."""
    s = socket.socket(socket.AF_INET, kind)
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def pid_alive(pid):
    """True when pid exists and is not a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read()
    except OSError:
        return False
    return st[st.rindex(")") + 2] != "Z"


def proc_ppid(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read()
    except OSError:
        return None
    return int(st[st.rindex(")") + 2:].split()[1])


def proc_cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return [a.decode("utf-8", "replace")
                    for a in f.read().split(b"\0") if a]
    except OSError:
        return []


def children_of(pid):
    """Live (non-zombie) direct children of pid."""
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit() and proc_ppid(int(d)) == pid and pid_alive(int(d)):
            out.append(int(d))
    return out


# ------------------------------------------------------------ RESP client

class RedisError(Exception):
    pass


class RedisSession:
    def __init__(self, client, timeout):
        self.client = client
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(client.path)
        self.f = self.sock.makefile("rb")

    def cmd(self, *args):
        self.sock.sendall(self.client._encode(args))
        return self.client._read(self.f)

    def close(self):
        self.f.close()
        self.sock.close()


class RedisClient:
    """A tiny RESP2 client over a unix socket, one connection per command."""

    def __init__(self, path):
        self.path = path

    @staticmethod
    def _encode(args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            if isinstance(a, str):
                a = a.encode("utf-8")
            elif not isinstance(a, bytes):
                a = str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(out)

    def cmd(self, *args, timeout=SOCKET_TIMEOUT):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            s.connect(self.path)
            s.sendall(self._encode(args))
            f = s.makefile("rb")
            try:
                return self._read(f)
            finally:
                f.close()
        finally:
            s.close()

    def session(self, timeout=SOCKET_TIMEOUT):
        """One connection kept open, for commands that must come from a
        client already connected (a Redis at maxclients refuses others).
        Its cmd() is this one's; close() it."""
        return RedisSession(self, timeout)

    def _read(self, f):
        line = f.readline()
        if not line.endswith(b"\r\n"):
            raise RedisError("short reply: %r" % line)
        t, rest = line[:1], line[1:-2]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            raise RedisError(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = f.read(n + 2)
            return data[:-2]
        if t == b"*":
            n = int(rest)
            if n < 0:
                return None
            return [self._read(f) for _ in range(n)]
        raise RedisError("bad reply type %r" % line)

    @staticmethod
    def _s(v):
        if isinstance(v, bytes):
            return v.decode("utf-8", "surrogateescape")
        return v

    def ping(self, timeout=1.0):
        return self.cmd("PING", timeout=timeout) == "PONG"

    def info(self, section):
        """INFO section as a dict of its "name:value" lines (strings)."""
        out = {}
        for line in self._s(self.cmd("INFO", section)).splitlines():
            if ":" in line and not line.startswith("#"):
                k, v = line.split(":", 1)
                out[k] = v
        return out

    def hgetall(self, key):
        v = self.cmd("HGETALL", key) or []
        return {self._s(v[i]): self._s(v[i + 1]) for i in range(0, len(v), 2)}

    def get(self, key):
        return self._s(self.cmd("GET", key))

    def exists(self, key):
        return self.cmd("EXISTS", key) == 1

    def type(self, key):
        return self.cmd("TYPE", key)

    def keys(self, pattern):
        """SCAN, not KEYS: the daemon may be using the same Redis."""
        cursor, out = b"0", set()
        while True:
            cursor, batch = self.cmd("SCAN", cursor, "MATCH", pattern,
                                     "COUNT", "1000")
            out.update(self._s(k) for k in batch)
            if cursor in (b"0", "0"):
                return sorted(out)

    def alert(self, fp):
        """The stored alert hash for fingerprint fp ({} when absent), with
        the long field names (the store keeps short ones, ALERT_FIELDS;
        an unknown field keeps its name)."""
        h = self.hgetall(PREFIX + "alert:" + fp)
        h = {ALERT_FIELDS.get(k, k): v for k, v in h.items()}
        # Not stored: level 3, count 1, last_seen = first_seen, and
        # source and service when they are its incident's (as GET shows
        # them).
        if h.get("status"):
            h.setdefault("level", "3")
            h.setdefault("count", "1")
            if "first_seen" in h:
                h.setdefault("last_seen", h["first_seen"])
        if h.get("incident") and ("source" not in h or "service" not in h):
            inc = self.incident(h["incident"])
            for k in ("source", "service"):
                if k not in h and k in inc:
                    h[k] = inc[k]
        return h

    def alert_raw(self, fp):
        """The stored alert hash as it is, short field names."""
        return self.hgetall(PREFIX + "alert:" + fp)

    def incident(self, iid):
        return self.hgetall(PREFIX + "incident:%s" % iid)

    def alert_keys(self):
        return self.keys(PREFIX + "alert:*")


# ------------------------------------------------------------ HTTP client

class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers      # list of (name, value)
        self.body = body

    def header(self, name, default=None):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return default

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            raise AssertionError("response body is not JSON (%s): %r"
                                 % (e, self.body[:300])) from None

    def __repr__(self):
        b = self.body[:400]
        return "<HTTP %s %s %r>" % (self.status, self.reason, b)


def http_request(port, method, path, body=None, headers=None,
                 timeout=SOCKET_TIMEOUT, host="127.0.0.1"):
    """One request on a fresh connection. body: bytes, str, or anything
    JSON-serialisable (then Content-Type defaults to application/json)."""
    hdrs = dict(headers or {})
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body).encode()
        hdrs.setdefault("Content-Type", "application/json")
    if isinstance(body, str):
        body = body.encode("utf-8")
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=hdrs)
        r = conn.getresponse()
        data = r.read()
        return Response(r.status, r.reason, r.getheaders(), data)
    finally:
        conn.close()


def expect_status(r, code, what="response"):
    if isinstance(code, int):
        code = (code,)
    if r.status not in code:
        raise AssertionError("%s: want HTTP %s, got %r"
                             % (what, "/".join(map(str, code)), r))
    return r


def expect_error(r, code, mentions=None, what="response"):
    """r is code with a JSON {"error": "..."} body; the message contains
    every string in mentions (case-insensitive). Returns the body."""
    expect_status(r, code, what)
    ct = r.header("Content-Type", "")
    check("json" in ct.lower(),
          "%s: error Content-Type %r is not JSON" % (what, ct))
    j = r.json()
    check(isinstance(j, dict) and isinstance(j.get("error"), str)
          and j["error"], "%s: no error message in %r" % (what, j))
    if isinstance(mentions, str):
        mentions = [mentions]
    for m in mentions or []:
        check(m.lower() in j["error"].lower(),
              "%s: error %r does not mention %r" % (what, j["error"], m))
    return j


# Raw sockets, for the requests http.client will not send.

def raw_connect(port, timeout=SOCKET_TIMEOUT, host="127.0.0.1"):
    s = socket.create_connection((host, port), timeout=timeout)
    s.settimeout(timeout)
    return s


class RawReader:
    """Reads HTTP responses off a socket one by one (Content-Length,
    chunked, or close-delimited bodies). closed is set once EOF or a
    reset was seen."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.closed = False

    def _fill(self, deadline):
        if self.closed:
            return False
        left = deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout("timed out reading response")
        self.sock.settimeout(left)
        try:
            d = self.sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            d = b""
        if not d:
            self.closed = True
            return False
        self.buf += d
        return True

    def response(self, timeout=SOCKET_TIMEOUT):
        """The next response, or None when the peer closed before a
        complete status line and headers arrived."""
        deadline = time.monotonic() + timeout
        while b"\r\n\r\n" not in self.buf:
            if not self._fill(deadline):
                return None
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        status = int(parts[1])
        reason = parts[2] if len(parts) > 2 else ""
        headers = []
        for l in lines[1:]:
            k, _, v = l.partition(":")
            headers.append((k.strip(), v.strip()))
        r = Response(status, reason, headers, b"")
        te = (r.header("Transfer-Encoding") or "").lower()
        cl = r.header("Content-Length")
        if "chunked" in te:
            body = b""
            while True:
                while b"\r\n" not in self.buf:
                    if not self._fill(deadline):
                        raise AssertionError("chunked body cut short")
                sz, self.buf = self.buf.split(b"\r\n", 1)
                n = int(sz.split(b";")[0], 16)
                while len(self.buf) < n + 2:
                    if not self._fill(deadline):
                        raise AssertionError("chunked body cut short")
                body += self.buf[:n]
                self.buf = self.buf[n + 2:]
                if n == 0:
                    break
            r.body = body
        elif cl is not None:
            n = int(cl)
            while len(self.buf) < n:
                if not self._fill(deadline):
                    raise AssertionError("body cut short")
            r.body, self.buf = self.buf[:n], self.buf[n:]
        elif status in (204, 304) or 100 <= status < 200:
            pass
        else:
            while self._fill(deadline):
                pass
            r.body, self.buf = self.buf, b""
        return r

    def wait_closed(self, timeout=SOCKET_TIMEOUT):
        """True when the peer closes within timeout (data is discarded)."""
        deadline = time.monotonic() + timeout
        try:
            while self._fill(deadline):
                self.buf = b""
        except socket.timeout:
            return False
        return True


def raw_exchange(port, data, timeout=SOCKET_TIMEOUT, n=1):
    """Send data in one write, read up to n responses. Returns (list of
    responses, closed-after flag)."""
    s = raw_connect(port, timeout)
    try:
        s.sendall(data)
        rd = RawReader(s)
        out = []
        for _ in range(n):
            r = rd.response(timeout)
            if r is None:
                break
            out.append(r)
        return out, rd
    finally:
        s.close()


def alert_request(body, key=KEY, path="/api/v1/alerts", extra=b""):
    """A raw POST of body (bytes) with the usual headers."""
    if isinstance(body, str):
        body = body.encode()
    return (b"POST " + path.encode() + b" HTTP/1.1\r\n"
            b"Host: 127.0.0.1\r\n"
            b"Authorization: Bearer " + key.encode() + b"\r\n"
            b"Content-Type: application/json\r\n" + extra +
            b"Content-Length: %d\r\n\r\n" % len(body) + body)


class PostSink:
    """A webhook receiver on a free loopback port: records every POST as
    (monotonic arrival, headers, JSON body) and answers 200. url is what a
    notifier is pointed at."""

    def __init__(self):
        self.posts = []
        self.lock = threading.Lock()
        sink = self

        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                at = time.monotonic()
                n = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(n) or b"{}")
                with sink.lock:
                    sink.posts.append((at, self.headers, body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=self.server.serve_forever,
                         daemon=True).start()
        self.url = "http://127.0.0.1:%d/hook" % self.server.server_port

    def arrivals(self, incident_id):
        """When each POST about that incident arrived (webhook bodies)."""
        with self.lock:
            return [at for at, _, b in self.posts
                    if b.get("incident_id") == incident_id]


# ------------------------------------------------------------ metrics

class Metrics:
    """Prometheus text format, parsed: samples[(name, labels-tuple)] =
    value, types[family] = type, helps[family] = help."""

    def __init__(self, text):
        self.text = text
        self.samples = {}
        self.types = {}
        self.helps = {}
        for line in text.splitlines():
            if not line.strip():
                continue
            if line.startswith("# TYPE "):
                p = line.split(None, 3)
                self.types[p[2]] = p[3] if len(p) > 3 else ""
                continue
            if line.startswith("# HELP "):
                p = line.split(None, 3)
                self.helps[p[2]] = p[3] if len(p) > 3 else ""
                continue
            if line.startswith("#"):
                continue
            name, labels, rest = self._sample(line)
            self.samples[(name, labels)] = float(rest.split()[0])

    @staticmethod
    def _sample(line):
        i = 0
        while i < len(line) and line[i] not in "{ ":
            i += 1
        name = line[:i]
        labels = []
        if i < len(line) and line[i] == "{":
            i += 1
            while True:
                while line[i] in " ,":
                    i += 1
                if line[i] == "}":
                    i += 1
                    break
                j = line.index("=", i)
                lname = line[i:j].strip()
                i = j + 1
                if line[i] != '"':
                    raise ValueError("bad metrics line %r" % line)
                i += 1
                val = []
                while line[i] != '"':
                    if line[i] == "\\":
                        i += 1
                        val.append({"n": "\n"}.get(line[i], line[i]))
                    else:
                        val.append(line[i])
                    i += 1
                i += 1
                labels.append((lname, "".join(val)))
        return name, tuple(sorted(labels)), line[i:].strip()

    def get(self, name, **labels):
        """The sample with exactly these labels, or None."""
        return self.samples.get((name, tuple(sorted(labels.items()))))

    def value(self, name, **labels):
        """Like get(), 0 when absent (a counter never incremented)."""
        v = self.get(name, **labels)
        return 0.0 if v is None else v

    def sum(self, name, **labels):
        """Sum over the samples of name whose labels include these."""
        tot = 0.0
        for (n, ls), v in self.samples.items():
            if n == name and all((k, val) in ls for k, val in labels.items()):
                tot += v
        return tot

    def label_values(self, name, label):
        return sorted({dict(ls).get(label) for (n, ls) in self.samples
                       if n == name})


# ------------------------------------------------------------ config

class Raw(str):
    """A value written into a config file verbatim."""


def _cfg_value(v, indent):
    pad = "\t" * indent
    if isinstance(v, Raw):
        return str(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v) + ("L" if not -2**31 <= v < 2**31 else "")
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, str):
        out = ['"']
        for ch in v:
            if ch in '"\\':
                out.append("\\" + ch)
            elif ch == "\n":
                out.append("\\n")
            elif ch == "\t":
                out.append("\\t")
            elif ord(ch) < 0x20:
                out.append("\\x%02x" % ord(ch))
            else:
                out.append(ch)
        out.append('"')
        return "".join(out)
    if isinstance(v, dict):
        inner = "".join("%s\t%s\n" % (pad, _cfg_setting(k, x, indent + 1))
                        for k, x in v.items())
        return "{\n" + inner + pad + "}"
    if isinstance(v, (list, tuple)):
        if v and all(isinstance(x, dict) for x in v) or isinstance(v, tuple):
            # A list of groups: ( { ... }, { ... } )
            items = ",\n".join(pad + "\t" + _cfg_value(x, indent + 1)
                               for x in v)
            return "(\n" + items + "\n" + pad + ")" if v else "( )"
        return "[ " + ", ".join(_cfg_value(x, indent) for x in v) + " ]"
    raise TypeError("no libconfig form for %r" % (v,))


def _cfg_setting(k, v, indent):
    sep = ":" if isinstance(v, dict) else " ="
    return "%s%s %s;" % (k, sep, _cfg_value(v, indent))


def add_paging(c, person="pat"):
    """Give config c what a policy needs to page someone (through the
    log notifier): a person always on call in a rota of their own, and
    the policy returned, one step. A service with group_wait 0 and this
    policy pages in the ingest script that opens its incident unless
    the alert is held (silenced, inhibited, in maintenance)."""
    c["notifiers"] = dict(c.get("notifiers", {}),
                          log={"type": "log", "level": "info"})
    c["people"] = dict(c.get("people", {}),
                       **{person: {"phone": "+31600000099"}})
    layer = {"shift": "1w", "handoff": "mon 09:00", "anchor": "2026-01-05",
             "members": [person]}
    c["rotas"] = dict(c.get("rotas", {}), pagelog={
        "time_zone": "UTC",
        "levels": [{"name": "primary", "layers": [layer]}]})
    c["contact_defaults"] = [{"notifier": "log"}]
    c.setdefault("policies", []).append(
        {"name": "page-log", "repeat": 0,
         "steps": [{"targets": ["rota:pagelog"], "delay": "1h"}]})
    return "page-log"


def render_config(cfg):
    """A nested dict as libconfig text: dicts are groups, lists of dicts
    (or tuples) are lists, other lists are arrays, Raw is verbatim."""
    return "".join(_cfg_setting(k, v, 0) + "\n" for k, v in cfg.items())


def base_config(state_dir, redis_sock):
    """The config every test starts from (listen addresses are filled in
    by Pagerd.start())."""
    return {
        "state_dir": state_dir,
        "log": {"level": "debug"},
        "redis": {
            "spawn": False,
            "address": "unix:" + redis_sock,
            "prefix": PREFIX,
            "connect_timeout": "1s",
            "reconnect_max": "1s",
            "command_timeout": "2s",
        },
        "http": {
            "listen": [],
            "max_body": 1048576,
            "max_header_size": 16384,
            "max_connections": 64,
            "request_timeout": "3s",
            "idle_timeout": "10s",
        },
        "udp": {"listen": []},
        "limits": {
            "batch": 1000, "labels": 64, "label_name": 128,
            "label_value": 2048, "summary": 1024, "alert_size": 65536,
        },
        "store": {"retention": "7d"},
        "integrations": [
            {"name": "prom", "key": KEY, "source": "prometheus"},
        ],
        "api": {"tokens": [{"name": "admin", "token": TOKEN}]},
    }


# ------------------------------------------------------------ processes

_procs = []          # every Popen we started, killed at exit
_cleanup_dirs = []


def spawn(argv, **kw):
    """Popen that the harness kills at exit."""
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, **kw)
    _procs.append(p)
    return p


# What a --enable-sanitizers build prints when it catches something.
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "runtime error:",
                   "ERROR: LeakSanitizer")


def sanitizer_report(text, leaks=True):
    """The first line of a sanitizer report in text, or None."""
    for line in text.splitlines():
        for m in SANITIZER_MARKS:
            if m in line and (leaks or "LeakSanitizer" not in m):
                return line.strip()
    return None


def run(argv, timeout=15, env=None, **kw):
    """Run to completion, text output captured. A hang is a failure.
    env: variables to set on top of ours (None: unset)."""
    e = dict(os.environ)
    for k, v in (env or {}).items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = v
    try:
        r = subprocess.run(argv, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True,
                           errors="replace", timeout=timeout, env=e, **kw)
    except subprocess.TimeoutExpired:
        raise AssertionError("%s did not finish within %ss"
                             % (" ".join(argv), timeout))
    # Memory errors count; a leak in a process that is exiting anyway
    # (usage errors, -t) does not.
    rep = sanitizer_report(r.stderr, leaks=False)
    if rep:
        raise AssertionError("%s: %s\n%s" % (os.path.basename(argv[0]), rep,
                                             r.stderr[-3000:]))
    return r


def pagerctl(*args):
    """Run pagerctl with args (no $PAGERD_URL or $PAGERD_TOKEN), its
    output shown as "#" lines; any sanitizer report fails."""
    r = run([PAGERCTL] + list(args), timeout=30,
            env={"PAGERD_URL": None, "PAGERD_TOKEN": None})
    diag("pagerctl %s -> %s" % (" ".join(args), r.returncode))
    for line in (r.stdout + r.stderr).splitlines()[:30]:
        diag("  | " + line)
    rep = sanitizer_report(r.stdout + r.stderr)
    check(rep is None, "sanitizer: %s" % rep)
    return r


class RedisServer:
    """redis-server on DIR/redis.sock, no TCP, AOF everysec."""

    def __init__(self, tf, name="redis"):
        self.tf = tf
        self.dir = os.path.join(tf.dir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.sock = os.path.join(self.dir, "redis.sock")
        self.log = os.path.join(self.dir, "redis.log")
        self.proc = None
        self.client = RedisClient(self.sock)

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def start(self, timeout=10):
        self.logf = open(self.log, "ab")
        self.proc = spawn([
            REDIS_SERVER, "--port", "0",
            "--unixsocket", self.sock, "--unixsocketperm", "700",
            "--dir", self.dir, "--appendonly", "yes",
            "--appendfsync", "everysec", "--save", "",
            "--daemonize", "no"],
            stdout=self.logf, stderr=subprocess.STDOUT, cwd=self.dir)
        self.logf.close()

        def ready():
            if self.proc.poll() is not None:
                raise RuntimeError("redis-server exited %s:\n%s"
                                   % (self.proc.returncode, self.log_tail()))
            try:
                return self.client.ping()
            except RedisError as e:
                if "LOADING" in str(e):
                    return False
                raise
        wait_until(ready, timeout, what="redis-server to answer PING")
        return self

    def ensure(self):
        if not self.running():
            self.start()
        return self

    def stop(self, timeout=10):
        """SIGTERM and wait (Redis fsyncs the AOF on a clean shutdown)."""
        if not self.running():
            return None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("redis-server ignored SIGTERM for %ss"
                                 % timeout)

    def kill(self):
        if self.running():
            self.proc.kill()
            self.proc.wait()

    def log_tail(self, n=20):
        try:
            with open(self.log, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""


class StartError(Exception):
    pass


class Pagerd:
    """One pagerd daemon. config is a dict (see base_config) that start()
    renders into conf_path; tests may edit it and call write_config()."""

    def __init__(self, tf, redis=None, config=None, name="pagerd",
                 args=(), manage_listen=True):
        self.tf = tf
        self.name = name
        self.dir = os.path.join(tf.dir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.conf_path = os.path.join(self.dir, "pagerd.conf")
        self.log = os.path.join(self.dir, "pagerd.log")
        self.redis = redis
        if config is None:
            config = base_config(self.dir, redis.sock if redis else
                                 os.path.join(self.dir, "redis.sock"))
        self.config = config
        self.args = list(args)
        self.manage_listen = manage_listen
        self.proc = None
        self.port = None
        self.udp_port = None
        self.starts = 0
        self.killed = False             # we killed it -9 on purpose
        self.start_failures = 0
        self.last_start_error = None
        self.extra_env = {}
        open(self.log, "ab").close()

    # -- configuration
    def write_config(self, text=None):
        """Write text, or the rendered self.config, to conf_path."""
        if text is None:
            if self.manage_listen:
                self.config.setdefault("http", {})["listen"] = [
                    "127.0.0.1:%d" % self.port]
                self.config.setdefault("udp", {})["listen"] = [
                    "127.0.0.1:%d" % self.udp_port]
            text = render_config(self.config)
        with open(self.conf_path, "w") as f:
            f.write(text)

    # -- life cycle
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def start(self, wait=200, timeout=10, args=None, write=True):
        """Start and wait until /healthz answers wait (a status, "any" for
        any HTTP answer, or None for no wait). Picks new ports and retries
        when the listen address turns out to be taken."""
        for attempt in range(5):
            if self.manage_listen and (attempt or self.port is None):
                self.port = free_port(socket.SOCK_STREAM)
                self.udp_port = free_port(socket.SOCK_DGRAM)
            if write:
                self.write_config()
            self.starts += 1
            self.killed = False
            with open(self.log, "ab") as lf:
                lf.write(b"=== harness: start %d of %s ===\n"
                         % (self.starts, self.name.encode()))
                lf.flush()
                env = dict(os.environ)
                env.update(self.extra_env)
                self.proc = spawn([PAGERD, "-c", self.conf_path] +
                                  self.args + list(args or []),
                                  stdout=lf, stderr=subprocess.STDOUT,
                                  cwd=self.dir, env=env)
            if wait is None:
                return self
            try:
                self.wait_healthz(wait, timeout)
                self.start_failures = 0
                return self
            except StartError as e:
                if (self.manage_listen and not self.running() and
                        "in use" in self.log_text(self.starts_offset())):
                    diag("listen address taken, retrying with new ports")
                    continue
                self.start_failures += 1
                self.last_start_error = str(e)
                raise
        raise StartError("could not find free ports")

    def starts_offset(self):
        """Offset in the log of this start's banner."""
        txt = self.log_bytes()
        i = txt.rfind(b"=== harness: start %d " % self.starts)
        return max(i, 0)

    def wait_healthz(self, want=200, timeout=10):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if not self.running():
                raise StartError("pagerd exited with status %s during "
                                 "start-up; log:\n%s"
                                 % (self.proc.returncode, self.log_tail()))
            try:
                r = self.get("/healthz", timeout=1)
                last = r
                if want == "any" or r.status == want:
                    return r
            except (OSError, http.client.HTTPException) as e:
                last = e
            time.sleep(0.05)
        raise StartError("/healthz did not answer %s within %ss (last: %r)"
                         "; log:\n%s" % (want, timeout, last,
                                         self.log_tail()))

    def ensure(self):
        """Running pagerd; restarted (with a note) when it died."""
        if self.running():
            return self
        if self.start_failures >= 2:
            # Do not spend 10 s per case on a daemon that cannot start.
            raise StartError("%s failed to start %d times; not trying "
                             "again. Last error: %s"
                             % (self.name, self.start_failures,
                                self.last_start_error.splitlines()[0]))
        if self.proc is not None and not self.killed:
            diag("%s had died (status %s); starting it again"
                 % (self.name, self.proc.returncode))
        return self.start()

    def signal(self, sig):
        self.proc.send_signal(sig)

    def reload(self):
        self.proc.send_signal(signal.SIGHUP)

    def stop(self, timeout=5, expect=0):
        """SIGTERM; require exit status expect within timeout."""
        if self.proc is None:
            return None
        if self.proc.poll() is not None:
            rc = self.proc.returncode
            if self.killed:
                return rc
            if expect is not None and rc != expect:
                raise AssertionError("%s had already exited with status %s"
                                     % (self.name, rc))
            return rc
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("%s did not exit within %ss of SIGTERM"
                                 % (self.name, timeout))
        diag("%s exited %s, %.2fs after SIGTERM"
             % (self.name, rc, time.monotonic() - t0))
        if expect is not None and rc != expect:
            raise AssertionError("%s exited with status %s after SIGTERM, "
                                 "want %s" % (self.name, rc, expect))
        return rc

    def kill9(self):
        if self.running():
            self.killed = True
            self.proc.kill()
            self.proc.wait()

    # -- logs
    def log_bytes(self):
        try:
            with open(self.log, "rb") as f:
                return f.read()
        except OSError:
            return b""

    def log_text(self, offset=0):
        return self.log_bytes()[offset:].decode("utf-8", "replace")

    def log_size(self):
        try:
            return os.path.getsize(self.log)
        except OSError:
            return 0

    def log_tail(self, n=40, offset=0):
        lines = self.log_text(offset).splitlines()
        return "\n".join(lines[-n:])

    # -- clients
    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def request(self, method, path, body=None, headers=None, **kw):
        return http_request(self.port, method, path, body, headers, **kw)

    def get(self, path, headers=None, token=None, **kw):
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        return http_request(self.port, "GET", path, None, h, **kw)

    def post_alerts(self, body, key=KEY, query_key=False,
                    content_type="application/json", headers=None, **kw):
        """POST body (object/list → JSON, bytes/str as is) to the intake."""
        h = {}
        path = "/api/v1/alerts"
        if key is not None and query_key:
            path += "?key=" + key
        elif key is not None:
            h["Authorization"] = "Bearer " + key
        if content_type is not None:
            h["Content-Type"] = content_type
        h.update(headers or {})
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body).encode()
        return http_request(self.port, "POST", path, body, h, **kw)

    def post_ok(self, body, key=KEY, **kw):
        """POST and require 202; returns the list of per-alert results."""
        r = self.post_alerts(body, key=key, **kw)
        expect_status(r, 202, "POST /api/v1/alerts")
        j = r.json()
        n = len(body) if isinstance(body, list) else 1
        check(isinstance(j.get("alerts"), list) and len(j["alerts"]) == n,
              "want %d results in %r" % (n, j))
        return j["alerts"]

    def healthz(self, **kw):
        return self.get("/healthz", **kw)

    def metrics(self):
        r = self.get("/metrics")
        expect_status(r, 200, "GET /metrics")
        return Metrics(r.body.decode("utf-8"))

    def incidents(self, query="", token=TOKEN):
        return self.get("/api/v1/incidents" + query, token=token)

    def incident(self, iid, token=TOKEN):
        return self.get("/api/v1/incidents/%s" % iid, token=token)

    def udp_send(self, payload):
        if not isinstance(payload, bytes):
            payload = (payload if isinstance(payload, str)
                       else json.dumps(payload)).encode()
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.sendto(payload, ("127.0.0.1", self.udp_port))
        finally:
            s.close()

    def assert_serving(self, timeout=5):
        """The daemon process is alive and /healthz answers 200."""
        check(self.proc is not None, "%s was never started" % self.name)
        if not self.running():
            raise AssertionError("%s died (status %s)"
                                 % (self.name, self.proc.returncode))
        wait_until(lambda: self.healthz(timeout=2).status == 200, timeout,
                   what="/healthz 200 from %s" % self.name)
        check(self.running(), "%s died" % self.name)


def alert(summary=None, **fields):
    """A valid alert with unique labels; fields override."""
    a = {"summary": summary or uniq("summary"),
         "labels": {"alertname": uniq("Alert"), "service": "web"}}
    a.update(fields)
    return a


def alert_fp(a):
    return a["dedup_key"] if "dedup_key" in a else fingerprint(a["labels"])


# ------------------------------------------------------------ the TAP runner

def ensure_up(redis, *daemons):
    """Restart redis and each daemon if a case stopped them; returns the
    first daemon (each test file's up() passes its default)."""
    redis.ensure()
    for d in daemons:
        d.ensure()
    return daemons[0]


class TestFile:
    def __init__(self, name):
        self.name = name
        self.t0 = time.monotonic()
        self.dir = tempfile.mkdtemp(prefix="pagerd-%s-" % name, dir="/tmp")
        _cleanup_dirs.append(self.dir)
        self.cases = []
        self.daemons = []
        self.redises = []
        self.after_each_hooks = []
        self.failed = 0

    def redis(self, name="redis"):
        r = RedisServer(self, name)
        self.redises.append(r)
        return r

    def pagerd(self, redis=None, **kw):
        p = Pagerd(self, redis, **kw)
        self.daemons.append(p)
        return p

    def spawning_pagerd(self, name="embedded"):
        """A pagerd that spawns its own redis-server in its state_dir,
        and a client of that Redis's socket."""
        p = self.pagerd(None, name=name)
        state = os.path.join(self.dir, name + "-state")
        p.config["state_dir"] = state
        p.config["redis"] = {"spawn": True, "server": REDIS_SERVER,
                             "prefix": PREFIX}
        return p, RedisClient(os.path.join(state, "redis.sock"))

    def case(self, desc, timeout=60):
        """Decorator: register fn as a test case."""
        def deco(fn):
            self.cases.append((desc, fn, timeout))
            return fn
        return deco

    def after_each(self, fn):
        """fn() runs after every case; an exception fails that case."""
        self.after_each_hooks.append(fn)
        return fn

    def serving(self, redis, pd):
        """For a file whose every case must leave pd serving: checks that
        after each case, and returns its up() (ensure_up of both)."""
        self.after_each(pd.assert_serving)
        return lambda: ensure_up(redis, pd)

    def _alarm(self, signum, frame):
        raise CaseTimeout("case exceeded its time limit")

    def _run_one(self, n, desc, fn, timeout, hooks=True):
        marks = {d: d.log_size() for d in self.daemons}
        del _thread_errors[:]
        t0 = time.monotonic()
        err = None
        skip = None
        signal.signal(signal.SIGALRM, self._alarm)
        signal.alarm(timeout)
        try:
            try:
                fn()
            except Skip as e:
                skip = str(e)
            if skip is None and hooks:
                for h in self.after_each_hooks:
                    h()
            if _thread_errors:
                # A worker thread that died proves nothing by its silence.
                raise AssertionError("a test thread died:\n" +
                                     "".join(_thread_errors))
            for d in self.daemons:
                rep = sanitizer_report(d.log_text(marks.get(d, 0)))
                if rep:
                    raise AssertionError("%s: %s" % (d.name, rep))
        except BaseException as e:
            if isinstance(e, (KeyboardInterrupt, SystemExit)):
                raise
            err = traceback.format_exc()
        finally:
            signal.alarm(0)
        dt = time.monotonic() - t0
        if skip is not None:
            print("ok %d - %s # SKIP %s" % (n, desc, skip))
        elif err is None:
            print("ok %d - %s" % (n, desc))
        else:
            self.failed += 1
            print("not ok %d - %s" % (n, desc))
            diag(err.rstrip())
            for d in self.daemons:
                new = d.log_text(marks.get(d, 0))
                if new.strip():
                    lines = new.splitlines()
                    diag("--- %s log during this case (%d lines%s) ---"
                         % (d.name, len(lines),
                            ", last 60" if len(lines) > 60 else ""))
                    diag("\n".join(lines[-60:]))
        if dt > 2:
            diag("(%.1fs)" % dt)
        sys.stdout.flush()

    def _teardown_case(self):
        errs = []
        for d in self.daemons:
            if d.proc is None:
                continue
            try:
                d.stop(timeout=5, expect=0)
            except AssertionError as e:
                errs.append(str(e))
                diag(d.log_tail(30))
        for r in self.redises:
            try:
                r.stop()
            except AssertionError as e:
                diag(str(e))
        if errs:
            raise AssertionError("; ".join(errs))

    def run(self):
        # PAGERD_TEST_ONLY=text: only the cases whose name holds it (while
        # working on them; the suite runs them all).
        only = os.environ.get("PAGERD_TEST_ONLY")
        cases = [c for c in self.cases if not only or only in c[0]] + [
            ("every pagerd still running exits 0 within 5 s of SIGTERM",
             self._teardown_case, 30)]
        print("1..%d" % len(cases))
        sys.stdout.flush()
        for n, (desc, fn, timeout) in enumerate(cases, 1):
            self._run_one(n, desc, fn, timeout, hooks=n < len(cases))
        diag("%s: %d of %d failed, %.1fs"
             % (self.name, self.failed, len(cases),
                time.monotonic() - self.t0))
        sys.stdout.flush()
        sys.exit(0)


def _cleanup():
    for p in reversed(_procs):
        if p.poll() is None:
            try:
                p.send_signal(signal.SIGTERM)
                p.wait(3)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            except OSError:
                pass
    # Strays: a redis-server that pagerd spawned and that outlived it.
    for d in _cleanup_dirs:
        for pid in _pids_using(d):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if os.environ.get("PAGERD_TEST_KEEP"):
            sys.stderr.write("kept %s\n" % d)
        else:
            shutil.rmtree(d, ignore_errors=True)


def _pids_using(d):
    """Processes of ours whose cwd is under d or whose argv mentions d."""
    out = []
    me = os.getpid()
    for p in os.listdir("/proc"):
        if not p.isdigit() or int(p) == me or not pid_alive(int(p)):
            continue
        try:
            cwd = os.readlink("/proc/%s/cwd" % p)
        except OSError:
            cwd = ""
        if cwd.startswith(d) or any(d in a for a in proc_cmdline(int(p))):
            out.append(int(p))
    return out


atexit.register(_cleanup)

_thread_errors = []


def _thread_excepthook(args):
    _thread_errors.append("".join(traceback.format_exception(
        args.exc_type, args.exc_value, args.exc_traceback)))


threading.excepthook = _thread_excepthook


def _on_signal(signum, frame):
    sys.exit(128 + signum)


signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)
