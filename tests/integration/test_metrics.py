#!/usr/bin/python3
"""GET /metrics: the Prometheus text format (checked by promtool when it
is installed), every documented family, and counters that move with the
traffic that should move them."""

import subprocess

import pagerd_test as pt
from pagerd_test import alert, check, eq, expect_status

t = pt.TestFile("metrics")
redis = t.redis()
pd = t.pagerd(redis)
# The source label comes from the integration (a sender cannot blow up
# the label cardinality); this one needs escaping in the output.
WEIRD_SOURCE = 'we"ird\\src\nline'
WEIRD_KEY = "weird-key-0123456789"
pd.config["integrations"].append({"name": "weird", "key": WEIRD_KEY,
                                  "source": WEIRD_SOURCE})

FAMILIES = {
    "pagerd_alerts_received_total": "counter",
    "pagerd_http_requests_total": "counter",
    "pagerd_udp_datagrams_total": "counter",
    "pagerd_udp_rejects_total": "counter",
    "pagerd_redis_errors_total": "counter",
    "pagerd_redis_reconnects_total": "counter",
    "pagerd_redis_up": "gauge",
    "pagerd_config_reloads_total": "counter",
    "pagerd_http_connections_rejected_total": "counter",
}


def up():
    redis.ensure()
    return pd.ensure()


def promtool(text):
    if not pt.PROMTOOL:
        raise pt.Skip("promtool not installed (apt-get install prometheus)")
    r = subprocess.run([pt.PROMTOOL, "check", "metrics"], input=text,
                       capture_output=True, text=True, timeout=30)
    return r


@t.case("Content-Type is text/plain; version=0.0.4; no auth needed")
def _():
    up()
    r = pd.get("/metrics")
    expect_status(r, 200)
    ct = (r.header("Content-Type") or "").replace(" ", "").lower()
    check(ct.startswith("text/plain") and "version=0.0.4" in ct,
          "Content-Type %r" % r.header("Content-Type"))


@t.case("every documented family is there with # HELP and the right "
        "# TYPE")
def _():
    up()
    m = pd.metrics()
    for fam, typ in FAMILIES.items():
        eq(m.types.get(fam), typ, "# TYPE of %s" % fam)
        check(fam in m.helps, "no # HELP for %s" % fam)


@t.case("promtool check metrics accepts the output")
def _():
    up()
    # Put some samples with labels in first.
    pd.post_ok(alert())
    pd.post_alerts(alert(), key="bad-key")
    pd.udp_send(b"{bad")
    text = pd.get("/metrics").body.decode()
    r = promtool(text)
    eq(r.returncode, 0, "promtool exit status (%s)"
       % (r.stdout + r.stderr).strip())


@t.case("label values are escaped: an integration source with quotes, "
        "backslashes and a newline keeps the output valid")
def _():
    up()
    src = WEIRD_SOURCE
    pd.post_ok(alert(), key=WEIRD_KEY)
    text = pd.get("/metrics").body.decode()
    m = pt.Metrics(text)
    check(m.sum("pagerd_alerts_received_total", source=src) >= 1,
          "no sample for source %r" % src)
    if pt.PROMTOOL:
        r = promtool(text)
        eq(r.returncode, 0, "promtool (%s)" % (r.stdout + r.stderr).strip())


@t.case("pagerd_alerts_received_total{source,result} counts new and "
        "deduplicated")
def _():
    up()
    m0 = pd.metrics()
    a = alert()
    pd.post_ok(a)
    pd.post_ok(a)
    pd.post_ok(a)
    m = pd.metrics()
    for result, n in (("new", 1), ("deduplicated", 2)):
        eq(m.value("pagerd_alerts_received_total", source="prometheus",
                   result=result) -
           m0.value("pagerd_alerts_received_total", source="prometheus",
                    result=result), n, "%s delta" % result)


@t.case("pagerd_alerts_received_total counts resolved and ignored")
def _():
    up()
    m0 = pd.metrics()
    a = alert()
    pd.post_ok(a)
    pd.post_ok(dict(a, status="resolved"))
    pd.post_ok(dict(a, status="resolved"))
    m = pd.metrics()
    for result in ("resolved", "ignored"):
        eq(m.value("pagerd_alerts_received_total", source="prometheus",
                   result=result) -
           m0.value("pagerd_alerts_received_total", source="prometheus",
                    result=result), 1, "%s delta" % result)


@t.case("pagerd_http_requests_total{code} counts 202, 400, 401, 404, 405, "
        "415")
def _():
    up()
    m0 = pd.metrics()
    pd.post_ok(alert())
    pd.post_alerts(b"{")
    pd.post_alerts(alert(), key="nope")
    pd.get("/nope")
    pd.get("/api/v1/alerts")
    pd.post_alerts(alert(), content_type="text/plain")
    m = pd.metrics()
    for code in ("202", "400", "401", "404", "405", "415"):
        d = (m.value("pagerd_http_requests_total", code=code) -
             m0.value("pagerd_http_requests_total", code=code))
        eq(d, 1, "code %s delta" % code)


@t.case("pagerd_redis_up is 1 while connected")
def _():
    up()
    eq(pd.metrics().get("pagerd_redis_up"), 1.0, "pagerd_redis_up")


@t.case("counters never go down across scrapes")
def _():
    up()
    m0 = pd.metrics()
    pd.post_ok(alert())
    m1 = pd.metrics()
    for key, v in m0.samples.items():
        if key[0].endswith("_total"):
            check(m1.samples.get(key, 0) >= v, "%r went down" % (key,))


@t.case("pagerd_redis_errors_total grows while Redis is down; "
        "pagerd_redis_up goes 0")
def _():
    up()
    m0 = pd.metrics()
    redis.stop()
    try:
        pt.wait_until(lambda: pd.healthz(timeout=3).status == 503, 5,
                      what="/healthz 503")
        pd.post_alerts(alert(), timeout=8)
        m = pd.metrics()
        eq(m.get("pagerd_redis_up"), 0.0, "pagerd_redis_up")
        check(m.sum("pagerd_redis_errors_total") >
              m0.sum("pagerd_redis_errors_total"),
              "pagerd_redis_errors_total did not grow")
    finally:
        redis.ensure()
        pt.wait_until(lambda: pd.healthz(timeout=2).status == 200, 5,
                      what="healthy again")


t.run()
