#!/usr/bin/python3
"""Hostile JSON bodies: each is refused with 400 and a message naming the
problem, nothing is stored, and the daemon keeps serving."""

import json

import pagerd_test as pt
from pagerd_test import alert, check, eq, expect_error, uniq

t = pt.TestFile("hostile_json")
redis = t.redis()
pd = t.pagerd(redis)
# Room for the big bodies, so that they reach the decoder instead of
# being cut off at 413.
pd.config["http"]["max_body"] = 8 * 1024 * 1024
R = redis.client
LIM = pd.config["limits"]


up = t.serving(redis, pd)


def refused(body, mentions=None, what=None, index=None, status=400):
    """body (bytes, or an object to serialise) gets status (400) naming
    mentions; no alert key appears in Redis."""
    up()
    before = len(R.alert_keys())
    if not isinstance(body, bytes):
        body = json.dumps(body).encode()
    what = what or repr(body[:60])
    r = pd.post_alerts(body, timeout=15)
    if isinstance(status, tuple):
        check(r.status in status, "%s: want one of %r, got %r" %
              (what, status, r))
        status = r.status
    j = expect_error(r, status, mentions, what=what)
    pt.diag("%s -> %s" % (what, j["error"]))
    if index is not None:
        eq(j.get("index"), index, "%s: index" % what)
    eq(len(R.alert_keys()), before, "%s: alert keys in Redis" % what)
    return j


def with_summary_bytes(raw):
    """An alert whose summary is the raw JSON string body raw."""
    return (b'{"summary": "' + raw + b'", "labels": {"alertname": "'
            + uniq("A").encode() + b'"}}')


@t.case("invalid UTF-8 in a string: 400")
def _():
    refused(with_summary_bytes(b"caf\xe9 latin-1"), what="latin-1 byte")
    refused(with_summary_bytes(b"\xc0\xaf overlong"), what="overlong")
    refused(with_summary_bytes(b"\xed\xa0\x80 surrogate"),
            what="UTF-8 encoded surrogate")
    refused(with_summary_bytes(b"cut \xe2\x82"), what="truncated sequence")


@t.case("a lone UTF-16 surrogate escape (\\ud800): 400")
def _():
    refused(with_summary_bytes(b"\\ud800x"), what="lone surrogate")


@t.case("\\u0000 in a summary, a label value or a label name: 400")
def _():
    refused(with_summary_bytes(b"nul\\u0000byte"), what="NUL in summary")
    refused({"summary": "x", "labels": {"a": "b\u0000c"}},
            what="NUL in a label value")
    refused({"summary": "x", "labels": {"a\u0000b": "c"}},
            what="NUL in a label name")
    refused({"summary": "x", "dedup_key": "k\u0000"}, what="NUL in dedup_key")


@t.case("nesting 10,000 deep (in details, and at the top): 400")
def _():
    deep = b"[" * 10000 + b"]" * 10000
    refused(b'{"summary":"deep","details":{"x":' + deep + b"}}",
            what="deep details")
    refused(deep, what="deep top level")
    refused(b'{"a":' * 10000 + b"1" + b"}" * 10000, what="deep objects")


@t.case("100,000 labels: refused before they are copied — 400 naming "
        "labels, or 413 when the alert is over limits.alert_size first")
def _():
    labels = ",".join('"l%d":""' % i for i in range(100000))
    body = ('{"summary":"many","labels":{%s}}' % labels).encode()
    j = refused(body, what="100,000 labels", status=(400, 413))
    check("label" in j["error"] or "larger than" in j["error"],
          "error names labels or the size: %r" % j["error"])


@t.case("limits.labels + 1 labels: 400 naming labels")
def _():
    n = LIM["labels"] + 1
    refused({"summary": "x", "labels": {"l%d" % i: "v" for i in range(n)}},
            "label", what="%d labels" % n)


@t.case("numbers, booleans, null, arrays where strings belong: 400 naming "
        "the field")
def _():
    refused({"summary": "x", "labels": {"a": 1}}, "labels", what="label 1")
    refused({"summary": "x", "labels": {"a": None}}, "labels",
            what="label null")
    refused({"summary": "x", "labels": {"a": ["b"]}}, "labels",
            what="label array")
    refused({"summary": 5}, "summary", what="summary 5")
    refused({"summary": None}, "summary", what="summary null")
    refused({"summary": ["x"]}, "summary", what="summary array")
    refused({"summary": "x", "severity": 3}, "severity", what="severity 3")
    refused({"summary": "x", "source": False}, "source", what="source false")
    refused({"summary": "x", "dedup_key": 12}, "dedup_key", what="dedup 12")
    refused({"summary": "x", "status": 1}, "status", what="status 1")
    refused({"summary": "x", "details": [1]}, "details", what="details []")


@t.case("the body or a batch element that is not an object: 400")
def _():
    refused(b'"just a string"', what="string body")
    refused(b"42", what="number body")
    refused(b"null", what="null body")
    refused(b"true", what="true body")
    refused([{"summary": "ok", "labels": {"a": uniq()}}, 5], index=1,
            what="number in a batch")
    refused([{"summary": "ok", "labels": {"a": uniq()}}, [{"summary": "y"}]],
            index=1, what="array in a batch")


@t.case("duplicate keys (top level and in labels): 400")
def _():
    refused(b'{"summary":"a","summary":"b","labels":{"x":"' +
            uniq().encode() + b'"}}', "summary", what="summary twice")
    refused(b'{"summary":"a","labels":{"x":"1","x":"2"}}', what="label twice")


@t.case("a label value longer than limits.label_value: 400 naming the "
        "label")
def _():
    refused({"summary": "x", "labels": {"big": "v" * (LIM["label_value"] +
                                                       1)}},
            "big", what="long label value")
    # exactly at the limit is fine
    a = alert()
    a["labels"]["big"] = "v" * LIM["label_value"]
    pd.post_ok(a)


@t.case("a label name longer than limits.label_name: 400")
def _():
    refused({"summary": "x", "labels": {"n" * (LIM["label_name"] + 1): "v"}},
            "label", what="long label name")


@t.case("a summary longer than limits.summary (bytes, not characters): 400 "
        "naming summary")
def _():
    refused({"summary": "s" * (LIM["summary"] + 1)}, "summary",
            what="long summary")
    # 2-byte characters: the limit is in bytes
    refused({"summary": "\u00e9" * (LIM["summary"] // 2 + 1)}, "summary",
            what="long summary in bytes")
    pd.post_ok(alert(summary="s" * LIM["summary"]))


@t.case("a dedup_key longer than limits.dedup_key (255): 400 naming "
        "dedup_key")
def _():
    refused({"summary": "x", "dedup_key": "k" * 256}, "dedup_key",
            what="long dedup_key")


@t.case("an array longer than limits.batch: 413 naming the limit, none of "
        "it stored")
def _():
    body = [{"summary": "b", "dedup_key": uniq("over")}
            for _ in range(LIM["batch"] + 1)]
    refused(body, "%d alerts" % LIM["batch"], what="batch + 1", status=413)
    check(not R.alert(body[0]["dedup_key"]), "first alert stored")


@t.case("one alert over limits.alert_size: 400 or 413 with a JSON error")
def _():
    # The spec names no status for this one; 413 (content too large) is
    # as fair as 400.
    up()
    before = len(R.alert_keys())
    r = pd.post_alerts({"summary": "x",
                        "details": {"pad": "p" * LIM["alert_size"]}})
    pt.expect_error(r, (400, 413), what="huge details")
    eq(len(R.alert_keys()), before, "alert keys")


@t.case("bad status and timestamp values: 400 naming the field")
def _():
    refused({"summary": "x", "status": "FIRING!"}, "status", what="status")
    refused({"summary": "x", "timestamp": "2024-13-45T99:00:00Z"},
            "timestamp", what="bad date")
    refused({"summary": "x", "timestamp": "1700000000"}, "timestamp",
            what="epoch as string")


@t.case("numbers jansson cannot hold (1e999, 2^70) in details: no crash, "
        "400 or accepted")
def _():
    up()
    for num in (b"1e999", b"1180591620717411303424", b"-1e-999"):
        body = (b'{"summary":"num","labels":{"a":"' + uniq().encode() +
                b'"},"details":{"n":' + num + b"}}")
        r = pd.post_alerts(body)
        check(r.status in (202, 400), "%r: %r" % (num, r))


@t.case("an empty object and an empty array: no crash, never 5xx")
def _():
    up()
    refused(b"{}", "summary", what="{}")
    r = pd.post_alerts(b"[]")
    check(r.status in (202, 400), "[] answered %r" % r)


t.run()
