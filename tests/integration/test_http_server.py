#!/usr/bin/python3
"""pagerd's own HTTP/1.1 server (daemon/http_server.c), over raw sockets:
keep-alive rules, HEAD, Expect, request lines it refuses, targets in
absolute and asterisk form, bodies over http.max_body, and a client that
goes away while its request waits for Redis. test_hostile_http.py has the
smuggling, deadline and connection-limit cases."""

import json
import socket
import time

import pagerd_test as pt
from pagerd_test import alert, alert_fp, check, eq, expect_status

t = pt.TestFile("http_server")
redis = t.redis()
pd = t.pagerd(redis)
pd.config["http"].update({"max_body": 4096, "request_timeout": "3s",
                          "idle_timeout": "10s"})
R = redis.client


up = t.serving(redis, pd)


def head_block(s, timeout=5):
    """Read up to the end of one response's header block (no body)."""
    s.settimeout(timeout)
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = s.recv(4096)
        if not d:
            break
        buf += d
    return buf


def pause_redis(ms):
    """Stall every Redis client of pagerd for ms: requests wait."""
    R.cmd("CLIENT", "PAUSE", str(ms), "ALL")


@t.case("HEAD /healthz: GET's status and Content-Length, no body; the "
        "connection serves the next request")
def _():
    up()
    get = pd.healthz()
    s = pt.raw_connect(pd.port)
    try:
        s.sendall(b"HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                  b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        blk = head_block(s)
        check(blk.startswith(b"HTTP/1.1 200 OK\r\n"), "HEAD: %r" % blk)
        check(b"Content-Length: %d\r\n" % len(get.body) in blk,
              "HEAD Content-Length: %r (GET body %d bytes)"
              % (blk, len(get.body)))
        rest = blk.split(b"\r\n\r\n", 1)[1]
        rd = pt.RawReader(s)
        rd.buf = rest
        r = rd.response()
        check(rest.startswith(b"HTTP/1.1 200") or not rest,
              "HEAD answer had a body: %r" % rest[:80])
        expect_status(r, 200, "GET after HEAD")
        eq(r.body, get.body, "GET body")
    finally:
        s.close()


@t.case("HTTP/1.0 with Connection: keep-alive stays open and says so; "
        "HTTP/1.1 with Connection: close is closed after its answer")
def _():
    up()
    s = pt.raw_connect(pd.port)
    try:
        rd = pt.RawReader(s)
        for i in range(2):
            s.sendall(b"GET /healthz HTTP/1.0\r\n"
                      b"Connection: keep-alive\r\n\r\n")
            r = rd.response()
            expect_status(r, 200, "HTTP/1.0 keep-alive %d" % i)
            eq((r.header("Connection") or "").lower(), "keep-alive",
               "Connection header")
            check(r.reason == "OK", "reason %r" % r.reason)
    finally:
        s.close()
    s = pt.raw_connect(pd.port)
    try:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                  b"Connection: close\r\n\r\n")
        rd = pt.RawReader(s)
        r = rd.response()
        expect_status(r, 200, "Connection: close")
        eq(r.header("Connection"), "close", "Connection header")
        check(rd.wait_closed(3), "left open after Connection: close")
    finally:
        s.close()


@t.case("an unknown method gets 501, HTTP/2.0 gets 505, a malformed "
        "request line 400: JSON errors, connection closed")
def _():
    up()
    for data, code in ((b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", 501),
                       (b"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", 505),
                       (b"GET  /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                       (b"GET /healthz\r\nHost: x\r\n\r\n", 400),
                       (b"GET /healthz HTTP/1.1\r\nBad Name: x\r\n\r\n",
                        400)):
        rs, rd = pt.raw_exchange(pd.port, data + b"GET /healthz "
                                 b"HTTP/1.1\r\nHost: x\r\n\r\n", n=2)
        eq(len(rs), 1, "answers to %r" % data)
        expect_status(rs[0], code, repr(data))
        check("error" in rs[0].json(), "not a JSON error: %r" % rs[0].body)
        eq(rs[0].header("Connection"), "close", "Connection for %r" % data)


@t.case("an absolute-form target is routed by its path; the asterisk "
        "form gets a JSON 404")
def _():
    up()
    rs, _ = pt.raw_exchange(pd.port, b"GET http://example.org/healthz "
                            b"HTTP/1.1\r\nHost: example.org\r\n\r\n")
    expect_status(rs[0], 200, "absolute-form")
    check(b'"status"' in rs[0].body, "not /healthz: %r" % rs[0].body)
    rs, _ = pt.raw_exchange(pd.port, b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n")
    expect_status(rs[0], 404, "asterisk-form")
    check("error" in rs[0].json(), "not JSON: %r" % rs[0].body)


@t.case("Content-Length over http.max_body: 413 before the body is sent, "
        "no 100 Continue, closed")
def _():
    up()
    s = pt.raw_connect(pd.port)
    try:
        s.sendall(b"POST /api/v1/alerts HTTP/1.1\r\nHost: x\r\n"
                  b"Authorization: Bearer " + pt.KEY.encode() + b"\r\n"
                  b"Content-Type: application/json\r\n"
                  b"Expect: 100-continue\r\n"
                  b"Content-Length: 1000000\r\n\r\n")
        rd = pt.RawReader(s)
        r = rd.response()
        expect_status(r, 413, "huge Content-Length")
        check(rd.wait_closed(3), "left open after 413")
    finally:
        s.close()


def expecting(what):
    """An alert, its body, and the head of its POST with Expect: what."""
    a = alert()
    body = json.dumps(a).encode()
    req = pt.alert_request(body, extra=b"Expect: " + what + b"\r\n")
    return a, body, req.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"


@t.case("Expect: 100-continue: 100 Continue before the body, then 202")
def _():
    up()
    a, body, head = expecting(b"100-continue")
    s = pt.raw_connect(pd.port)
    try:
        s.sendall(head)
        blk = head_block(s)
        eq(blk, b"HTTP/1.1 100 Continue\r\n\r\n", "interim answer")
        s.sendall(body)
        r = pt.RawReader(s).response()
        expect_status(r, 202, "after 100 Continue")
        check(R.alert(alert_fp(a)), "not stored")
    finally:
        s.close()


@t.case("an Expect other than 100-continue: 417 before the body, nothing "
        "stored, closed")
def _():
    up()
    a, _, head = expecting(b"200-ok")
    s = pt.raw_connect(pd.port)
    try:
        s.sendall(head)
        rd = pt.RawReader(s)
        r = rd.response()
        expect_status(r, 417, "unknown expectation")
        check(b"Expect" in r.body, "the error names it: %r" % r.body)
        check(rd.wait_closed(3), "left open after 417")
    finally:
        s.close()
    check(not R.alert(alert_fp(a)), "stored anyway")


@t.case("pipelined POST then GET while Redis stalls: the GET is answered "
        "only after the POST, in order")
def _():
    up()
    a = alert()
    s = pt.raw_connect(pd.port)
    try:
        pause_redis(700)
        t0 = time.monotonic()
        s.sendall(pt.alert_request(json.dumps(a).encode()) +
                  b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        rd = pt.RawReader(s)
        r1, r2 = rd.response(), rd.response()
        dt = time.monotonic() - t0
        expect_status(r1, 202, "POST")
        expect_status(r2, 200, "GET")
        check(dt > 0.5, "answered after %.2fs: Redis was paused" % dt)
        check(R.alert(alert_fp(a)), "not stored")
    finally:
        s.close()


@t.case("clients that go away (FIN or RST) while their POST waits for "
        "Redis: the alerts are stored, the answers dropped, the daemon "
        "serves on")
def _():
    up()
    alerts = [alert() for _ in range(10)]
    pause_redis(600)
    for i, a in enumerate(alerts):
        s = pt.raw_connect(pd.port)
        s.sendall(pt.alert_request(json.dumps(a).encode()) +
                  b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.02)      # read by the daemon before the close
        if i % 2:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()
    ok = pt.wait_until(lambda: all(R.alert(alert_fp(a)) for a in alerts),
                       5, what="the alerts of clients gone")
    check(ok, "alerts lost")
    m = pd.metrics()
    check(m.value("pagerd_http_connections") <= 1,
          "connections still counted: %r"
          % m.value("pagerd_http_connections"))


@t.case("a header block over http.max_header_size gets a JSON 431; a "
        "malformed chunk size a JSON 400; both close the connection")
def _():
    up()
    big = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + \
        b"X-Pad: " + b"a" * 20000 + b"\r\n\r\n"
    bad_chunk = (b"POST /api/v1/alerts HTTP/1.1\r\nHost: x\r\n"
                 b"Authorization: Bearer " + pt.KEY.encode() + b"\r\n"
                 b"Content-Type: application/json\r\n"
                 b"Transfer-Encoding: chunked\r\n\r\n"
                 b"zz\r\n{}\r\n0\r\n\r\n")
    for data, code in ((big, 431), (bad_chunk, 400)):
        s = pt.raw_connect(pd.port)
        try:
            s.sendall(data)
            rd = pt.RawReader(s)
            r = rd.response()
            expect_status(r, code, "%r..." % data[:40])
            check("error" in r.json(), "not a JSON error: %r" % r.body)
            check(rd.wait_closed(3), "left open after the %d" % code)
        finally:
            s.close()


@t.case("http.listen with an IPv4 and an IPv6 address: both serve")
def _():
    redis.ensure()
    pd2 = t.pagerd(redis, name="dual", manage_listen=False)
    p4 = pt.free_port(socket.SOCK_STREAM)
    s6 = socket.socket(socket.AF_INET6)
    s6.bind(("::1", 0))
    p6 = s6.getsockname()[1]
    s6.close()
    pd2.config.setdefault("http", {})["listen"] = [
        "127.0.0.1:%d" % p4, "[::1]:%d" % p6]
    pd2.config.setdefault("udp", {})["listen"] = [
        "127.0.0.1:%d" % pt.free_port(socket.SOCK_DGRAM)]
    pd2.port = p4
    try:
        pd2.start()
        expect_status(pd2.healthz(), 200, "IPv4")
        s = socket.create_connection(("::1", p6), timeout=5)
        try:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            expect_status(pt.RawReader(s).response(), 200, "IPv6")
        finally:
            s.close()
    finally:
        pd2.stop()


t.run()
