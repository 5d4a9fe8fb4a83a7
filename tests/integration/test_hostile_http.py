#!/usr/bin/python3
"""Hostile HTTP over raw sockets: request smuggling, oversized headers,
slow clients, connection floods, pipelining. After every case the daemon
must still answer /healthz."""

import http.client
import json
import socket
import threading
import time

import pagerd_test as pt
from pagerd_test import alert, alert_fp, check, eq, expect_status, uniq

t = pt.TestFile("hostile_http")
redis = t.redis()
pd = t.pagerd(redis)
pd.config["http"].update({"max_connections": 16, "max_header_size": 8192,
                          "request_timeout": "3s", "idle_timeout": "10s"})
R = redis.client
REQUEST_TIMEOUT = 3


up = t.serving(redis, pd)


def body_of(a):
    return json.dumps(a).encode()


def smuggled(a):
    """A complete, valid second request carrying alert a."""
    return pt.alert_request(body_of(a))


def one(data, what, timeout=5):
    """Send data, return (first response or None, reader)."""
    rs, rd = pt.raw_exchange(pd.port, data, timeout=timeout)
    return (rs[0] if rs else None), rd


def refused(data, what, codes=(400,), must_close=True):
    """data gets one of codes and, when must_close, the connection is
    closed afterwards (no second response)."""
    s = pt.raw_connect(pd.port)
    try:
        s.sendall(data)
        rd = pt.RawReader(s)
        r = rd.response()
        check(r is not None, "%s: closed without a response" % what)
        expect_status(r, codes, what)
        if must_close:
            check(rd.wait_closed(3),
                  "%s: connection left open after the %d" % (what, r.status))
            check(rd.buf == b"", "%s: more data after the refusal: %r"
                  % (what, rd.buf[:200]))
        return r
    finally:
        s.close()


@t.case("two different Content-Length headers: 400, connection closed, "
        "nothing stored")
def _():
    up()
    a, b = alert(), alert()
    ba, bb = body_of(a), smuggled(b)
    req = (b"POST /api/v1/alerts HTTP/1.1\r\nHost: x\r\n"
           b"Authorization: Bearer " + pt.KEY.encode() + b"\r\n"
           b"Content-Type: application/json\r\n"
           b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n"
           % (len(ba), len(ba) + len(bb)) + ba + bb)
    refused(req, "two Content-Length")
    time.sleep(0.3)
    check(not R.alert(alert_fp(a)), "first alert stored")
    check(not R.alert(alert_fp(b)), "smuggled alert stored")


@t.case("two equal Content-Length headers: 400")
def _():
    up()
    a = alert()
    ba = body_of(a)
    req = (b"POST /api/v1/alerts HTTP/1.1\r\nHost: x\r\n"
           b"Authorization: Bearer " + pt.KEY.encode() + b"\r\n"
           b"Content-Type: application/json\r\n"
           b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n"
           % (len(ba), len(ba)) + ba)
    refused(req, "equal Content-Length twice")
    check(not R.alert(alert_fp(a)), "alert stored")


@t.case("Content-Length that is not a plain number (+N, N N, hex): 400")
def _():
    up()
    a = alert()
    ba = body_of(a)
    for cl in (b"+%d" % len(ba), b"%d, %d" % (len(ba), len(ba)),
               b"0x%x" % len(ba), b"-1"):
        req = (b"POST /api/v1/alerts HTTP/1.1\r\nHost: x\r\n"
               b"Authorization: Bearer " + pt.KEY.encode() + b"\r\n"
               b"Content-Type: application/json\r\n"
               b"Content-Length: " + cl + b"\r\n\r\n" + ba)
        refused(req, "Content-Length %r" % cl)
    check(not R.alert(alert_fp(a)), "alert stored")


@t.case("Transfer-Encoding: gzip, chunked with a smuggled request in the "
        "body: 400, the smuggled request is not processed")
def _():
    up()
    b = alert()
    sm = smuggled(b)
    # evhttp reads "gzip, chunked" as "no body"; the body would then be
    # parsed as the next request on the connection.
    req = (b"POST /api/v1/alerts HTTP/1.1\r\nHost: x\r\n"
           b"Authorization: Bearer " + pt.KEY.encode() + b"\r\n"
           b"Content-Type: application/json\r\n"
           b"Transfer-Encoding: gzip, chunked\r\n\r\n" + sm)
    s = pt.raw_connect(pd.port)
    try:
        s.sendall(req)
        rd = pt.RawReader(s)
        r = rd.response()
        try:
            r2 = rd.response(timeout=2)
        except socket.timeout:
            r2 = None
    finally:
        s.close()
    # The smuggling checks first: they matter more than the status code.
    check(r2 is None, "a second response came back: %r" % r2)
    time.sleep(0.5)
    check(not R.alert(alert_fp(b)), "the smuggled alert was stored")
    check(r is not None, "closed without a response")
    expect_status(r, 400, "gzip, chunked")


@t.case("Transfer-Encoding: chunked together with Content-Length: 400, "
        "nothing smuggled")
def _():
    up()
    b = alert()
    sm = smuggled(b)
    chunk = b"0\r\n\r\n"
    req = (b"POST /api/v1/alerts HTTP/1.1\r\nHost: x\r\n"
           b"Authorization: Bearer " + pt.KEY.encode() + b"\r\n"
           b"Content-Type: application/json\r\n"
           b"Content-Length: %d\r\n"
           b"Transfer-Encoding: chunked\r\n\r\n" % (len(chunk) + len(sm))
           + chunk + sm)
    refused(req, "CL + TE")
    time.sleep(0.3)
    check(not R.alert(alert_fp(b)), "the smuggled alert was stored")


@t.case("a well-formed chunked POST is accepted (202, stored)")
def _():
    up()
    a = alert()
    ba = body_of(a)
    half = len(ba) // 2
    chunks = b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (
        half, ba[:half], len(ba) - half, ba[half:])
    req = (b"POST /api/v1/alerts HTTP/1.1\r\nHost: x\r\n"
           b"Authorization: Bearer " + pt.KEY.encode() + b"\r\n"
           b"Content-Type: application/json\r\n"
           b"Transfer-Encoding: chunked\r\n\r\n" + chunks)
    r, _ = one(req, "chunked")
    check(r is not None, "no response")
    expect_status(r, 202, "chunked POST")
    check(R.alert(alert_fp(a)), "not stored")


@t.case("a chunked body growing past http.max_body is refused, not stored")
def _():
    up()
    a = alert(details={"pad": "x" * (1200 * 1024)})
    ba = body_of(a)
    s = pt.raw_connect(pd.port)
    r = None
    try:
        s.sendall(b"POST /api/v1/alerts HTTP/1.1\r\nHost: x\r\n"
                  b"Authorization: Bearer " + pt.KEY.encode() + b"\r\n"
                  b"Content-Type: application/json\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n")
        try:
            for i in range(0, len(ba), 65536):
                c = ba[i:i + 65536]
                s.sendall(b"%x\r\n%s\r\n" % (len(c), c))
            s.sendall(b"0\r\n\r\n")
        except OSError:
            pass                        # the server gave up on us: fine
        rd = pt.RawReader(s)
        try:
            r = rd.response()
        except (socket.timeout, OSError):
            r = None
    finally:
        s.close()
    check(r is None or r.status in (400, 413),
          "oversized chunked body answered %r" % r)
    check(not R.alert(alert_fp(a)), "stored")


@t.case("a header block over http.max_header_size: 4xx or closed")
def _():
    up()
    req = (b"GET /healthz HTTP/1.1\r\nHost: x\r\n" +
           b"".join(b"X-Pad-%d: %s\r\n" % (i, b"y" * 1000)
                    for i in range(40)) + b"\r\n")
    s = pt.raw_connect(pd.port)
    try:
        try:
            s.sendall(req)
        except OSError:
            return
        rd = pt.RawReader(s)
        try:
            r = rd.response()
        except (socket.timeout, OSError) as e:
            raise AssertionError("no answer and not closed: %r" % e)
        check(r is None or 400 <= r.status < 500,
              "oversized headers answered %r" % r)
    finally:
        s.close()


@t.case("a 100 KB request line: 4xx or closed")
def _():
    up()
    req = b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    s = pt.raw_connect(pd.port)
    try:
        try:
            s.sendall(req)
        except OSError:
            return
        r = pt.RawReader(s).response()
        check(r is None or 400 <= r.status < 500, "answered %r" % r)
    finally:
        s.close()


@t.case("garbage, NUL bytes, a bogus HTTP version: 4xx/5xx or closed")
def _():
    up()
    for data in (b"GARBAGE\r\n\r\n", b"\x00\x01\x02\xff" * 100 + b"\r\n\r\n",
                 b"POST /api/v1/alerts HTTP/9.9\r\nHost: x\r\n\r\n",
                 b"\r\n\r\n\r\n"):
        s = pt.raw_connect(pd.port)
        try:
            s.sendall(data)
            try:
                r = pt.RawReader(s).response(timeout=REQUEST_TIMEOUT + 2)
            except OSError as e:
                raise AssertionError("%r: neither answered nor closed (%r)"
                                     % (data[:40], e))
            check(r is None or 400 <= r.status < 600,
                  "%r answered %r" % (data[:40], r))
        finally:
            s.close()


@t.case("a NUL byte in a header value: 400 or closed (RFC 9110 5.5: "
        "reject, or replace it with SP)")
def _():
    # evhttp keeps C strings, so "x\0y" silently becomes "x": the kind of
    # disagreement with a proxy in front that request smuggling feeds on.
    up()
    for data in (b"GET /healthz HTTP/1.1\r\nHost: x\x00y\r\n\r\n",
                 pt.alert_request(body_of(alert()),
                                  extra=b"X-Note: a\x00b\r\n")):
        s = pt.raw_connect(pd.port)
        try:
            s.sendall(data)
            r = pt.RawReader(s).response()
            check(r is None or 400 <= r.status < 500,
                  "%r answered %r" % (data[:50], r))
        finally:
            s.close()


@t.case("a client sending one header byte per second is cut off by "
        "request_timeout (closed within request_timeout + 2 s)")
def _():
    up()
    s = pt.raw_connect(pd.port)
    t0 = time.monotonic()
    closed_at = None
    try:
        s.settimeout(1)
        for c in b"GET /healthz HTTP/1.1\r\nHost: slow\r\nX-A: " + b"b" * 60:
            try:
                s.send(bytes([c]))
            except OSError:
                closed_at = time.monotonic()
                break
            try:
                d = s.recv(4096)
                if not d or b"HTTP/1." in d:
                    closed_at = time.monotonic()
                    break
            except socket.timeout:
                pass
            except OSError:
                closed_at = time.monotonic()
                break
            if time.monotonic() - t0 > REQUEST_TIMEOUT + 2:
                break
    finally:
        s.close()
    check(closed_at is not None,
          "slow client still connected after %.1fs" % (time.monotonic() -
                                                       t0))
    dt = closed_at - t0
    pt.diag("cut off after %.1fs" % dt)
    check(dt >= REQUEST_TIMEOUT - 1, "cut off after %.1fs, before "
          "request_timeout" % dt)


@t.case("a client trickling its body is cut off by request_timeout; "
        "nothing stored")
def _():
    up()
    a = alert()
    ba = body_of(a)
    s = pt.raw_connect(pd.port)
    t0 = time.monotonic()
    closed_at = None
    try:
        s.sendall(pt.alert_request(ba)[:-len(ba)])
        s.settimeout(0.5)
        for c in ba[:-1]:
            try:
                s.send(bytes([c]))
                d = s.recv(4096)
                if not d or b"HTTP/1." in d:
                    closed_at = time.monotonic()
                    break
            except socket.timeout:
                pass
            except OSError:
                closed_at = time.monotonic()
                break
            if time.monotonic() - t0 > REQUEST_TIMEOUT + 2:
                break
    finally:
        s.close()
    check(closed_at is not None, "trickling client still connected after "
          "%.1fs" % (time.monotonic() - t0))
    pt.diag("cut off after %.1fs" % (closed_at - t0))
    check(not R.alert(alert_fp(a)), "partial alert stored")


@t.case("an idle keep-alive connection is closed after idle_timeout "
        "(10 s) and not before request_timeout")
def _():
    up()
    s = pt.raw_connect(pd.port, timeout=15)
    try:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        rd = pt.RawReader(s)
        expect_status(rd.response(), 200)
        t0 = time.monotonic()
        check(rd.wait_closed(14), "idle connection open after 14 s")
        dt = time.monotonic() - t0
        pt.diag("idle connection closed after %.1fs" % dt)
        check(dt > REQUEST_TIMEOUT + 1,
              "closed after %.1fs: idle_timeout is 10 s" % dt)
    finally:
        s.close()


@t.case("more connections than http.max_connections: the excess get 503 "
        "or are closed; others are served once they go")
def _():
    up()
    limit = pd.config["http"]["max_connections"]
    held = []
    try:
        # Hold `limit` keep-alive connections, each having completed one
        # request, so the daemon has surely accepted them.
        for i in range(limit):
            s = pt.raw_connect(pd.port)
            held.append(s)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            r = pt.RawReader(s).response()
            check(r is not None and r.status == 200,
                  "held connection %d: %r" % (i, r))
        outcomes = []
        for i in range(4):
            s = pt.raw_connect(pd.port)
            held.append(s)
            try:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                r = pt.RawReader(s).response(timeout=4)
                outcomes.append(r.status if r else "closed")
            except (ConnectionResetError, BrokenPipeError):
                outcomes.append("reset")
            except socket.timeout:
                outcomes.append("no answer")
        pt.diag("excess connections: %r" % outcomes)
        check(all(o in (503, "closed", "reset") for o in outcomes),
              "excess connections got %r (want 503 or closed)" % outcomes)
    finally:
        for s in held:
            s.close()
    wait_ok = pt.wait_until(lambda: pd.healthz(timeout=2).status == 200, 5,
                            what="/healthz after the flood")
    check(wait_ok, "not serving")
    m = pd.metrics()
    check(m.value("pagerd_http_connections_rejected_total") >= 1,
          "pagerd_http_connections_rejected_total not incremented")


@t.case("two pipelined POSTs in one write get two responses, in order")
def _():
    up()
    a, b = alert(dedup_key=uniq("pipe-a")), alert(dedup_key=uniq("pipe-b"))
    data = pt.alert_request(body_of(a)) + pt.alert_request(body_of(b))
    rs, _ = pt.raw_exchange(pd.port, data, n=2)
    eq(len(rs), 2, "responses")
    for r, x in zip(rs, (a, b)):
        expect_status(r, 202, "pipelined POST")
        eq(r.json()["alerts"][0]["fingerprint"], x["dedup_key"], "order")
        check(R.alert(x["dedup_key"]), "not stored")


@t.case("pipelined GET /healthz, POST, GET /metrics: three responses in "
        "order")
def _():
    up()
    a = alert(dedup_key=uniq("pipe"))
    data = (b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" +
            pt.alert_request(body_of(a)) +
            b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    rs, _ = pt.raw_exchange(pd.port, data, n=3)
    eq([r.status for r in rs], [200, 202, 200], "statuses")
    check(b"status" in rs[0].body, "first is not /healthz: %r" % rs[0])
    check(b"pagerd_" in rs[2].body, "third is not /metrics: %r"
          % rs[2].body[:100])


@t.case("clients that send a POST and vanish at once do not crash the "
        "daemon")
def _():
    up()
    for i in range(50):
        s = pt.raw_connect(pd.port)
        s.sendall(pt.alert_request(body_of(alert())))
        if i % 2:
            # RST instead of FIN
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()
    time.sleep(0.5)


@t.case("a request cut off mid-body stores nothing")
def _():
    up()
    a = alert()
    req = pt.alert_request(body_of(a))
    s = pt.raw_connect(pd.port)
    s.sendall(req[:-10])
    s.shutdown(socket.SHUT_WR)
    try:
        r = pt.RawReader(s).response(timeout=REQUEST_TIMEOUT + 2)
        check(r is None or r.status >= 400, "truncated body answered %r" % r)
    except socket.timeout:
        raise AssertionError("half-closed truncated request: no answer, "
                             "not closed")
    finally:
        s.close()
    check(not R.alert(alert_fp(a)), "stored")


@t.case("an HTTP/1.0 POST without Host (nc, old scripts) is served and "
        "the connection closed")
def _():
    up()
    a = alert()
    ba = body_of(a)
    req = (b"POST /api/v1/alerts HTTP/1.0\r\n"
           b"Authorization: Bearer " + pt.KEY.encode() + b"\r\n"
           b"Content-Type: application/json\r\n"
           b"Content-Length: %d\r\n\r\n" % len(ba) + ba)
    s = pt.raw_connect(pd.port)
    try:
        s.sendall(req)
        rd = pt.RawReader(s)
        r = rd.response()
        check(r is not None, "no response")
        expect_status(r, 202, "HTTP/1.0 POST")
        check(rd.wait_closed(3), "HTTP/1.0 connection left open")
    finally:
        s.close()
    check(R.alert(alert_fp(a)), "not stored")


@t.case("many concurrent clients with keep-alive: all served")
def _():
    up()
    errors, served = [], []

    def worker():
        conn = None
        try:
            conn = http.client.HTTPConnection("127.0.0.1", pd.port,
                                              timeout=10)
            for _ in range(10):
                conn.request("POST", "/api/v1/alerts",
                             body=json.dumps(alert()),
                             headers={"Content-Type": "application/json",
                                      "Authorization": "Bearer " + pt.KEY})
                r = conn.getresponse()
                r.read()
                if r.status != 202:
                    errors.append(r.status)
                else:
                    served.append(1)
        except Exception as e:
            errors.append(repr(e))
        finally:
            if conn is not None:
                conn.close()
    ths = [threading.Thread(target=worker) for _ in range(8)]
    for th in ths:
        th.start()
    for th in ths:
        th.join(30)
    eq(errors, [], "errors")
    eq(len(served), 80, "requests served")


@t.case("every answer has one Date header, current to the second, also "
        "across a second boundary on one keep-alive connection")
def _():
    up()
    import email.utils
    conn = http.client.HTTPConnection("127.0.0.1", pd.port, timeout=10)
    try:
        for i in range(3):
            conn.request("GET", "/healthz")
            r = conn.getresponse()
            r.read()
            dates = r.headers.get_all("Date") or []
            eq(len(dates), 1, "Date headers %r" % dates)
            when = email.utils.parsedate_to_datetime(dates[0]).timestamp()
            check(abs(when - time.time()) <= 1.5,
                  "Date %r is not now" % dates[0])
            if i < 2:
                time.sleep(1.1)
    finally:
        conn.close()


t.run()
