#!/usr/bin/python3
"""Intake in other systems' protocols: the Alertmanager webhook, the
Alertmanager API v2 that Prometheus posts to, and PagerDuty's Events API
v2 — with the payloads as those peers send them (fixtures), and with a
real prometheus-alertmanager whose webhook_configs and pagerduty_configs
point at pagerd."""

import base64
import json
import os
import re
import shutil
import subprocess
import time

import pagerd_test as pt
from pagerd_test import check, eq, wait_until

t = pt.TestFile("formats")
redis = t.redis()
pd = t.pagerd(redis)
R = redis.client
FIX = os.path.join(pt.SRCDIR, "tests", "unit", "fixtures")
AM_BIN = shutil.which("prometheus-alertmanager") or (
    "/usr/bin/prometheus-alertmanager"
    if os.access("/usr/bin/prometheus-alertmanager", os.X_OK) else None)


up = t.serving(redis, pd)


def fixture(name):
    with open(os.path.join(FIX, name), "rb") as f:
        return f.read()


def post(path, body, headers=None, key=pt.KEY):
    h = {"Content-Type": "application/json"}
    if key is not None:
        h["Authorization"] = "Bearer " + key
    h.update(headers or {})
    if not isinstance(body, (bytes, str)):
        body = json.dumps(body).encode()
    return pt.http_request(up().port, "POST", path, body, h)


def basic(user, pw):
    return "Basic " + base64.b64encode(("%s:%s" % (user, pw)).encode()
                                       ).decode()


def pd_event(**kw):
    ev = {"routing_key": pt.KEY, "event_action": "trigger",
          "payload": {"summary": "disk full on db1", "source": "db1",
                      "severity": "critical"}}
    ev.update(kw)
    return ev


def fixture_with_times(name):
    """The fixture with its times moved to now, so endsAt lies ahead."""
    now = time.time()
    text = fixture(name).decode()
    start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 60))
    end = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + 600))
    text = re.sub(r'"startsAt":"[^"]*"', '"startsAt":"%s"' % start, text)
    text = re.sub(r'"endsAt":"[^"]*"', '"endsAt":"%s"' % end, text)
    return text.encode()


# ------------------------------------------------ Alertmanager webhook

@t.case("Alertmanager webhook with basic auth: each alert stored with its "
        "own fingerprint and status")
def _():
    body = fixture("alertmanager_webhook.json")
    doc = json.loads(body)
    r = post("/api/v1/integrations/alertmanager", body, key=None,
             headers={"Authorization": basic("alertmanager", pt.KEY)})
    pt.expect_status(r, 200, "webhook")
    res = r.json()["alerts"]
    eq(len(res), len(doc["alerts"]), "results")
    for a, got in zip(doc["alerts"], res):
        fp = a.get("fingerprint") or pt.fingerprint(a["labels"])
        eq(got["fingerprint"], fp, "fingerprint")
        if a["status"] == "firing":
            eq(got["result"], "new", "firing alert result")
            h = R.alert(fp)
            eq(h.get("status"), "firing", "stored status")


@t.case("Alertmanager webhook: a resolved alert resolves the incident the "
        "firing one opened")
def _():
    a = {"status": "firing", "labels": {"alertname": "T1", "job": pt.uniq()},
         "annotations": {"summary": "t1 firing"},
         "startsAt": "2026-01-01T00:00:00Z",
         "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "http://x/",
         "fingerprint": ""}
    a.pop("fingerprint")
    wh = {"version": "4", "groupKey": "{}:{}", "status": "firing",
          "receiver": "pagerd", "groupLabels": {}, "commonLabels": {},
          "commonAnnotations": {}, "externalURL": "http://am:9093",
          "truncatedAlerts": 0, "alerts": [a],
          "notification_reason": "new_alert"}
    r = post("/api/v1/integrations/alertmanager", wh)
    pt.expect_status(r, 200, "firing")
    inc = r.json()["alerts"][0]["incident"]
    a["status"] = "resolved"
    a["endsAt"] = "2026-01-01T00:05:00Z"
    wh["status"] = "resolved"
    r = post("/api/v1/integrations/alertmanager", wh)
    pt.expect_status(r, 200, "resolved")
    eq(r.json()["alerts"][0]["result"], "resolved", "result")
    j = pd.incident(inc).json()
    eq(j["incident"]["status"], "resolved", "incident status")


@t.case("Alertmanager webhook errors: wrong version, bad auth, not JSON")
def _():
    wh = json.loads(fixture("alertmanager_webhook.json"))
    wh["version"] = "3"
    pt.expect_error(post("/api/v1/integrations/alertmanager", wh), 400,
                    "version")
    pt.expect_status(post("/api/v1/integrations/alertmanager", fixture(
        "alertmanager_webhook.json"), key=None,
        headers={"Authorization": basic("am", "wrong-password-1")}), 401)
    pt.expect_error(post("/api/v1/integrations/alertmanager", b"{nope"),
                    400)


# ------------------------------------------------ Prometheus API v2

@t.case("POST /api/v2/alerts (Prometheus' body): 200, alerts stored "
        "firing until their endsAt")
def _():
    body = fixture_with_times("prometheus_alerts_v2.json")
    doc = json.loads(body)
    r = post("/api/v2/alerts", body)
    pt.expect_status(r, 200, "api v2")
    for a, got in zip(doc, r.json()["alerts"]):
        eq(got["fingerprint"], pt.fingerprint(a["labels"]), "fingerprint")
        eq(got["result"], "new", "result")
        eq(R.alert(got["fingerprint"]).get("status"), "firing", "status")


@t.case("POST /api/v2/alerts: Prometheus re-sending a firing alert with a "
        "fresh endsAt is a plain repeat: its end moves, its content and "
        "its incident's last change do not, and Redis gets no content")
def _():
    now = int(time.time() * 1000)
    a = {"labels": {"alertname": pt.uniq("Fresh"), "job": "node"},
         "annotations": {"summary": "disk almost full"},
         "startsAt": pt.rfc3339(now - 60000),
         "generatorURL": "http://prometheus.example.org/graph"}
    metrics = up().metrics
    short0 = metrics().value("pagerd_store_short_repeats_total")
    fp, seen = None, []
    for k in range(4):
        # What Prometheus does: endsAt = evaluation + 4 intervals.
        r = post("/api/v2/alerts", [dict(a, endsAt=pt.rfc3339(now + 240000 +
                                                       15000 * k))])
        pt.expect_status(r, 200, "send %d" % k)
        fp = r.json()["alerts"][0]["fingerprint"]
        h = R.alert(fp)
        seen.append((h.get("details"), h.get("ends_at"),
                     R.incident(h["incident"]).get("updated")))
        time.sleep(0.01)
    eq(len(set(d for d, _, _ in seen)), 1, "details over the re-sends")
    check("endsAt" not in seen[0][0], "endsAt in details %r" % seen[0][0])
    eq([int(e) for _, e, _ in seen],
       [now + 240000 + 15000 * k for k in range(4)], "ends_at moves")
    # The first repeat too: it compares the content as stored.
    eq(len(set(u for _, _, u in seen)), 1, "incident updated")
    eq(R.alert(fp).get("count"), "4", "count")
    # The first repeat goes with its content; the next two without.
    eq(metrics().value("pagerd_store_short_repeats_total") - short0, 2,
       "repeats sent without their content")


@t.case("POST /api/v2/alerts: an alert without labels is a 400 naming "
        "labels and its index")
def _():
    r = post("/api/v2/alerts", [{"labels": {"alertname": "ok"}},
                                {"labels": {}}])
    j = pt.expect_error(r, 400, "labels")
    eq(j.get("index"), 1, "index")


# ------------------------------------------------ PagerDuty Events v2

@t.case("PagerDuty trigger: 202 in PagerDuty's shape with the dedup_key, "
        "stored")
def _():
    key = pt.uniq("pd")
    r = post("/v2/enqueue", pd_event(dedup_key=key), key=None)
    pt.expect_status(r, 202, "trigger")
    eq(r.json(), {"status": "success", "message": "Event processed",
                  "dedup_key": key}, "body")
    h = R.alert(key)
    eq(h.get("summary"), "disk full on db1", "summary")
    eq(h.get("status"), "firing", "status")


@t.case("PagerDuty trigger without dedup_key gets a new one; resolve with "
        "it resolves the incident")
def _():
    r = post("/v2/enqueue", pd_event(), key=None)
    pt.expect_status(r, 202, "trigger")
    key = r.json()["dedup_key"]
    check(re.fullmatch(r"[0-9a-f]{32}", key), "generated key %r" % key)
    inc = R.alert(key)["incident"]
    r = post("/v2/enqueue", {"routing_key": pt.KEY, "event_action":
                             "resolve", "dedup_key": key}, key=None)
    pt.expect_status(r, 202, "resolve")
    eq(R.alert(key).get("status"), "resolved", "alert status")
    eq(pd.incident(inc).json()["incident"]["status"], "resolved",
       "incident status")


@t.case("PagerDuty acknowledge acknowledges the incident (who and when on "
        "its timeline); resolve still resolves it; an unknown key is 202")
def _():
    key = pt.uniq("pdack")
    pt.expect_status(post("/v2/enqueue", pd_event(dedup_key=key), key=None),
                     202, "trigger")
    inc = R.alert(key)["incident"]
    r = post("/v2/enqueue", {"routing_key": pt.KEY, "event_action":
                             "acknowledge", "dedup_key": key}, key=None)
    pt.expect_status(r, 202, "acknowledge")
    eq(r.json()["dedup_key"], key, "dedup_key echoed")
    j = pd.incident(inc).json()["incident"]
    eq(j["status"], "acknowledged", "incident status")
    eq(j["acked_by"], "pagerduty:prom", "acked_by")
    ev = [e for e in j["timeline"] if e["event"] == "acknowledged"]
    eq(len(ev), 1, "acknowledged events")
    eq(ev[0]["by"], "pagerduty:prom", "event by")
    r = post("/v2/enqueue", {"routing_key": pt.KEY, "event_action":
                             "resolve", "dedup_key": key}, key=None)
    pt.expect_status(r, 202, "resolve")
    eq(pd.incident(inc).json()["incident"]["status"], "resolved",
       "status after resolve")
    r = post("/v2/enqueue", {"routing_key": pt.KEY, "event_action":
                             "acknowledge", "dedup_key": pt.uniq("none")},
             key=None)
    pt.expect_status(r, 202, "acknowledge of an unknown key")


@t.case("PagerDuty errors come back in PagerDuty's shape, all at once")
def _():
    ev = pd_event()
    ev["payload"]["severity"] = "bad"
    ev["payload"]["summary"] = "x" * 1025
    ev["dedup_key"] = "k" * 256
    r = post("/v2/enqueue", ev, key=None)
    pt.expect_status(r, 400, "invalid")
    j = r.json()
    eq(j.get("status"), "invalid event", "status")
    errs = " ".join(j.get("errors", []))
    for f in ("payload.severity", "payload.summary", "dedup_key"):
        check(f in errs, "%s not in %r" % (f, errs))
    r = post("/v2/enqueue", pd_event(routing_key="not-a-configured-key"),
             key=None)
    pt.expect_status(r, 400, "unknown routing key")
    check("routing_key" in " ".join(r.json().get("errors", [])),
          "routing_key named")
    big = pd_event()
    big["payload"]["custom_details"] = {"blob": "x" * (600 * 1024)}
    pt.expect_status(post("/v2/enqueue", big, key=None), 413, "600 KB")


@t.case("the PagerDuty fixtures (trigger, acknowledge, resolve) are "
        "accepted with a configured routing key")
def _():
    for name in ("pagerduty_trigger.json", "pagerduty_acknowledge.json",
                 "pagerduty_resolve.json"):
        ev = json.loads(fixture(name))
        ev["routing_key"] = pt.KEY
        r = post("/v2/enqueue", ev, key=None)
        pt.expect_status(r, 202, name)
        eq(r.json().get("status"), "success", name)


# ------------------------------------------------ a real Alertmanager

class Alertmanager:
    def __init__(self, port, cfg):
        self.dir = os.path.join(t.dir, "am")
        os.makedirs(self.dir, exist_ok=True)
        self.port = pt.free_port()
        path = os.path.join(self.dir, "am.yml")
        with open(path, "w") as f:
            f.write(cfg)
        self.log = open(os.path.join(self.dir, "am.log"), "wb")
        self.proc = subprocess.Popen(
            [AM_BIN, "--config.file=" + path,
             "--storage.path=" + os.path.join(self.dir, "data"),
             "--web.listen-address=127.0.0.1:%d" % self.port,
             "--cluster.listen-address="],
            stdout=self.log, stderr=subprocess.STDOUT)
        wait_until(self.ready, 15, what="alertmanager ready")

    def ready(self):
        try:
            r = pt.http_request(self.port, "GET", "/-/ready", timeout=1)
            return r.status == 200
        except OSError:
            return False

    def post(self, alerts):
        r = pt.http_request(self.port, "POST", "/api/v2/alerts",
                            json.dumps(alerts).encode(),
                            {"Content-Type": "application/json"})
        pt.expect_status(r, 200, "alertmanager POST")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


AM_CFG = """
route:
  receiver: pagerd
  group_by: ['alertname']
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - matchers: ['via="pagerduty"']
      receiver: pagerduty
receivers:
  - name: pagerd
    webhook_configs:
      - url: http://127.0.0.1:%(port)d/api/v1/integrations/alertmanager
        send_resolved: true
        http_config:
          basic_auth:
            username: alertmanager
            password: %(key)s
  - name: pagerduty
    pagerduty_configs:
      - url: http://127.0.0.1:%(port)d/v2/enqueue
        routing_key: %(key)s
        send_resolved: true
"""


@t.case("a real Alertmanager: webhook_configs and pagerduty_configs "
        "pointed at pagerd deliver, firing and resolved", timeout=90)
def _():
    if AM_BIN is None:
        raise pt.Skip("prometheus-alertmanager not installed")
    p = up()
    am = Alertmanager(p.port, AM_CFG % {"port": p.port, "key": pt.KEY})
    try:
        job = pt.uniq("am")
        now = time.time()
        start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 5))
        wh_labels = {"alertname": "AMWebhook", "job": job}
        pd_labels = {"alertname": "AMPager", "job": job, "via": "pagerduty"}
        am.post([{"labels": wh_labels, "startsAt": start,
                  "annotations": {"summary": "via webhook " + job}},
                 {"labels": pd_labels, "startsAt": start,
                  "annotations": {"summary": "via pagerduty " + job}}])
        fp = pt.fingerprint(wh_labels)
        wait_until(lambda: R.alert(fp).get("status") == "firing", 20,
                   what="webhook alert stored")
        eq(R.alert(fp).get("summary"), "via webhook " + job, "summary")

        def pd_stored():
            for k in R.alert_keys():
                h = R.alert(k[len(pt.PREFIX + "alert:"):])
                if job in (h.get("summary") or "") and \
                        "pagerduty" in (h.get("summary") or "") + \
                        (h.get("details") or ""):
                    return h
            return None
        h = wait_until(pd_stored, 20, what="pagerduty_configs event stored")
        eq(h.get("status"), "firing", "pagerduty alert status")
        # Resolve both: endsAt in the past.
        end = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 1))
        am.post([{"labels": wh_labels, "startsAt": start, "endsAt": end},
                 {"labels": pd_labels, "startsAt": start, "endsAt": end}])
        wait_until(lambda: R.alert(fp).get("status") == "resolved", 20,
                   what="webhook alert resolved")
        wait_until(lambda: (pd_stored() or {}).get("status") == "resolved",
                   20, what="pagerduty alert resolved")
    finally:
        am.stop()


t.run()
