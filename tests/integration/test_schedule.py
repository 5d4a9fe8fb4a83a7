#!/usr/bin/python3
"""pagerctl schedule-diff between two rota configs, GET
/api/v1/rotas/R/schedule against pagerctl's JSON, and the iCalendar
feeds: their shape, CRLF, a known shift, and that they need a token."""

import json
import re
import urllib.parse

import pagerd_test as pt
from pagerd_test import check, eq
from rota_fixture import CONF, Configs, ctl

t = pt.TestFile("schedule")
cfg = Configs(t)
write = cfg.write


OLD = write("old.conf", CONF)
NEW = write("new.conf", CONF.replace('"anna", "bram"', '"bram", "anna"'))
SAME = write("same.conf", CONF)


@t.case("schedule-diff: a member order swapped, exit 1 with +/- lines")
def _():
    r = ctl("schedule-diff", OLD, NEW, "ops", "--from", "2026-03-09",
            "--days", "2")
    eq(r.returncode, 1, "exit status")
    eq(r.stdout.splitlines()[1:8], [
        "level 1 (primary):",
        "- anna             2026-03-09 00:00 CET – 2026-03-09 09:00 CET",
        "+ bram             2026-03-09 00:00 CET – 2026-03-09 09:00 CET",
        "- bram             2026-03-09 09:00 CET – 2026-03-10 09:00 CET",
        "+ anna             2026-03-09 09:00 CET – 2026-03-10 09:00 CET",
        "- anna             2026-03-10 09:00 CET – 2026-03-11 00:00 CET",
        "+ bram             2026-03-10 09:00 CET – 2026-03-11 00:00 CET",
    ], "changes")
    check(re.search(r"^  anna\s+\+24\.0 -24\.0 net \+0\.0$", r.stdout,
                    re.M), "no hours for anna")
    r = ctl("schedule-diff", OLD, NEW, "ops", "--from", "2026-03-09",
            "--days", "2", "--json")
    eq(r.returncode, 1, "exit status (json)")
    doc = json.loads(r.stdout)
    eq([(c["change"], c["person"], c["start"]) for c in doc["changes"]][:2],
       [("-", "anna", "2026-03-08T23:00:00.000Z"),
        ("+", "bram", "2026-03-08T23:00:00.000Z")], "json changes")


@t.case("schedule-diff: identical configs exit 0; errors exit 2")
def _():
    r = ctl("schedule-diff", OLD, SAME, "ops", "--days", "30")
    eq(r.returncode, 0, "exit status")
    check("no shift changes hands" in r.stdout, "no message")
    bad = write("bad.conf", CONF.replace('"anna", "bram"', '"anna", "zoe"'))
    r = ctl("schedule-diff", OLD, bad, "ops")
    eq(r.returncode, 2, "exit status (bad config)")
    check(re.search(r"^%s:\d+: " % re.escape(bad), r.stderr, re.M),
          "no FILE:LINE error")
    r = ctl("schedule-diff", OLD, SAME, "nosuch")
    eq(r.returncode, 2, "exit status (no rota)")


redis = t.redis()
pd = t.pagerd(redis)
_write = pd.write_config


def _write_with_rota(text=None):
    """The harness's config with our people and rotas appended."""
    if text is None:
        pd.config.setdefault("http", {})["listen"] = [
            "127.0.0.1:%d" % pd.port]
        pd.config.setdefault("udp", {})["listen"] = [
            "127.0.0.1:%d" % pd.udp_port]
        text = pt.render_config(pd.config) + "\n" + CONF
    _write(text)


pd.write_config = _write_with_rota
AUTH = {"Authorization": "Bearer " + pt.TOKEN}


@t.case("GET /api/v1/rotas/R/schedule: the same JSON as pagerctl")
def _():
    redis.ensure()
    pd.ensure()
    r = pt.http_request(pd.port, "GET", "/api/v1/rotas/ops/schedule?from="
                        "2026-03-11&days=1", headers=AUTH)
    eq(r.status, 200, "status")
    files = ctl("-c", OLD, "schedule", "ops", "--from", "2026-03-11",
                "--days", "1", "--json")
    eq(r.json(), json.loads(files.stdout), "API vs files")
    api = ctl("-u", pd.url, "-T", pt.TOKEN, "schedule", "ops", "--from",
              "2026-03-11", "--days", "1", "--json")
    eq(api.returncode, 0, "pagerctl -u exit status")
    eq(json.loads(api.stdout), json.loads(files.stdout), "pagerctl -u")
    api = ctl("-u", pd.url, "-T", pt.TOKEN, "schedule", "ops", "--from",
              "2026-03-11", "--days", "1")
    check(re.search(r"^primary\s+2026-03-11 12:00 CET\s+2026-03-11 15:00 "
                    r"CET\s+carl\s+override\s+daily$", api.stdout, re.M),
          "no override row in the table")
    eq(pt.http_request(pd.port, "GET", "/api/v1/rotas/ops/schedule")
       .status, 401, "without a token")
    eq(pt.http_request(pd.port, "GET", "/api/v1/rotas/nosuch/schedule",
                       headers=AUTH).status, 404, "unknown rota")
    eq(pt.http_request(pd.port, "GET", "/api/v1/rotas/ops/schedule?days=0",
                       headers=AUTH).status, 400, "bad days")


def events(body):
    return body.count("BEGIN:VEVENT\r\n")


@t.case("GET /api/v1/rotas/R.ics and /api/v1/people/ID.ics: RFC 5545")
def _():
    pd.ensure()
    r = pt.http_request(pd.port, "GET", "/api/v1/rotas/ops.ics",
                        headers=AUTH)
    eq(r.status, 200, "status")
    eq(r.header("Content-Type"), "text/calendar; charset=utf-8",
       "content type")
    body = r.body.decode("utf-8")
    check(body.startswith("BEGIN:VCALENDAR\r\n"), "no BEGIN:VCALENDAR")
    check(body.endswith("END:VCALENDAR\r\n"), "no END:VCALENDAR")
    eq(body.count("\n"), body.count("\r\n"), "bare LFs")
    check(all(len(x.encode()) <= 75 for x in body.split("\r\n")),
          "a line longer than 75 octets")
    # 60 days from now of a daily rotation: 60 or 61 shifts.
    check(events(body) in (60, 61), "events: %d" % events(body))
    # Today's 09:00 handoff on the rota's wall clock is a DTSTART.
    from zoneinfo import ZoneInfo
    import datetime
    now = datetime.datetime.now(ZoneInfo("Europe/Amsterdam"))
    h = now.replace(hour=9, minute=0, second=0, microsecond=0)
    if h > now:
        h -= datetime.timedelta(days=1)
    stamp = h.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    check("DTSTART:%s\r\n" % stamp in body, "no shift at %s" % stamp)
    check("SUMMARY:On call: Anna (rota ops level 1)\r\n" in body,
          "no summary for Anna")
    # The same feed by ?token= (calendar apps send no headers).
    q = pt.http_request(pd.port, "GET", "/api/v1/rotas/ops.ics?token=" +
                        urllib.parse.quote(pt.TOKEN))
    eq(q.status, 200, "status with ?token=")
    eq(events(q.body.decode()), events(body), "same events")
    eq(pt.http_request(pd.port, "GET", "/api/v1/rotas/ops.ics").status,
       401, "without a token")
    eq(pt.http_request(pd.port, "GET", "/api/v1/rotas/ops.ics?token=x")
       .status, 401, "a wrong token")
    eq(pt.http_request(pd.port, "GET", "/api/v1/rotas/nosuch.ics",
                       headers=AUTH).status, 404, "unknown rota")
    # anna's own feed: every other shift, all of them hers.
    a = pt.http_request(pd.port, "GET", "/api/v1/people/anna.ics?token=" +
                        urllib.parse.quote(pt.TOKEN))
    eq(a.status, 200, "person status")
    ab = a.body.decode()
    check(events(ab) in (30, 31), "anna's events: %d" % events(ab))
    eq(ab.count("SUMMARY:On call: Anna "), events(ab), "only anna's")
    eq(pt.http_request(pd.port, "GET", "/api/v1/people/zoe.ics",
                       headers=AUTH).status, 404, "unknown person")
    eq(pt.http_request(pd.port, "GET", "/api/v1/people/anna.ics").status,
       401, "person feed without a token")


t.run()
