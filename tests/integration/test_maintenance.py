#!/usr/bin/python3
"""Maintenance windows end to end: an alert of a service in a window that
covers now is stored but held (timeline 'maintenance' with the owner, no
group_wait_elapsed); a window that does not cover now changes nothing; a
window that ends a few seconds after the alert lets the incident go on
as if the alert had just arrived. Windows are built from the current
time in UTC, in the rota restriction syntax."""

import time

import pagerd_test as pt
from pagerd_test import check, eq, wait_until

t = pt.TestFile("maintenance")
redis = t.redis()
KEYS = {"on": "mnt-on-0123456789", "off": "mnt-off-0123456789",
        "short": "mnt-short-0123456789"}


def hhmm(secs_from_now):
    return time.strftime("%H:%M", time.gmtime(time.time() + secs_from_now))


def rfc3339(secs_from_now):
    return pt.rfc3339((time.time() + secs_from_now) * 1000)


def service(name, window):
    # page-log (pt.add_paging): a window must hold the page the ingest
    # script would otherwise do at once (group_wait 0).
    return {"name": name, "group_by": ["alertname"], "group_wait": "0s",
            "policy": "page-log", "maintenance": [window]}


def configure(p, short_until):
    c = p.config
    c.pop("policies", None)     # configured again for pd_short
    pt.add_paging(c)
    c["services"] = [
        # From two minutes ago to ten minutes on: covers now (a window
        # across midnight is fine, rotas allow 23:55-00:07).
        service("mnt-on", {"owner": "ops@example.com",
                           "restrictions": ["%s-%s" % (hhmm(-120),
                                                       hhmm(600))]}),
        # Three hours on in UTC, two or one in Amsterdam: not now.
        service("mnt-off", {"owner": "ops@example.com",
                            "time_zone": "Europe/Amsterdam",
                            "restrictions": ["%s-%s" % (hhmm(3 * 3600),
                                                        hhmm(3 * 3600 +
                                                             600))]}),
        # Every day all day, but only until a few seconds from now.
        service("mnt-short", {"owner": "dba@example.com",
                              "restrictions": ["sun-sat"],
                              "until": short_until}),
    ]
    c["integrations"] = c["integrations"] + [
        {"name": "mnt-" + k, "key": v, "service": "mnt-" + k}
        for k, v in KEYS.items()]


pd = t.pagerd(redis)
configure(pd, rfc3339(-60))
# The short window's end is set when its case starts: its own daemon.
pd_short = t.pagerd(redis, name="pagerd-short")


def up(d=None):
    redis.ensure()
    (d or pd).ensure()


def events(iid, name, d=None):
    r = (d or pd).incident(iid)
    pt.expect_status(r, 200, "GET incident")
    return [e for e in r.json()["incident"]["timeline"]
            if e["event"] == name]


def post(which, d=None):
    a = {"summary": pt.uniq("summary"),
         "labels": {"alertname": pt.uniq("A")}}
    return (d or pd).post_ok(a, key=KEYS[which])[0]["incident"]


@t.case("a window that covers now: the alert is stored, the incident is "
        "held with a 'maintenance' event naming the owner")
def _():
    up()
    iid = post("on")
    wait_until(lambda: events(iid, "maintenance"), 3,
               what="maintenance event")
    ev = events(iid, "maintenance")[0]
    eq(ev["owner"], "ops@example.com", "owner")
    check(ev["until"] > ev["at"], "until %r not after at %r" %
          (ev["until"], ev["at"]))
    time.sleep(0.6)     # a few more timer ticks: still held
    eq(events(iid, "group_wait_elapsed"), [], "group_wait_elapsed")
    inc = pd.incident(iid).json()["incident"]
    eq(inc["notified_at"], None, "notified_at")
    eq(len(inc["alerts"]), 1, "alerts stored")


@t.case("a window that does not cover now changes nothing")
def _():
    up()
    iid = post("off")
    wait_until(lambda: events(iid, "group_wait_elapsed"), 3,
               what="group_wait_elapsed")
    eq(events(iid, "maintenance"), [], "maintenance events")


@t.case("a window ending ~3 s after the alert: held, then the incident "
        "goes on at the end")
def _():
    pd.stop()           # any instance may fire the timer: only this one
    configure(pd_short, rfc3339(4))
    up(pd_short)
    iid = post("short", d=pd_short)
    wait_until(lambda: events(iid, "maintenance", pd_short), 2,
               what="maintenance event")
    eq(events(iid, "maintenance", pd_short)[0]["owner"], "dba@example.com",
       "owner")
    eq(events(iid, "group_wait_elapsed", pd_short), [], "too early")
    wait_until(lambda: events(iid, "group_wait_elapsed", pd_short), 8,
               what="group_wait_elapsed after the window")


t.run()
