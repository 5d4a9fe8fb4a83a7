#!/usr/bin/python3
"""pagerctl oncall and schedule reading a rota config written here: a
two-person daily rotation with a known anchor and an override, asked
about chosen instants; exact names, reasons and times."""

import json
import re

import pagerd_test as pt
from pagerd_test import check, eq
from rota_fixture import CONF, Configs, ctl

t = pt.TestFile("oncall")
cfg = Configs(t)
write = cfg.write


def oncall_json(at):
    r = ctl("-c", CFG, "oncall", "ops", "--at", at, "--json")
    eq(r.returncode, 0, "exit status")
    doc = json.loads(r.stdout)
    eq(len(doc["rotas"]), 1, "rotas")
    eq(doc["rotas"][0]["rota"], "ops", "rota")
    return doc["rotas"][0]["levels"][0]


CFG = write("pagerd.conf", CONF)


@t.case("oncall --json: the rotation at chosen instants, until the handoff")
def _():
    lv = oncall_json("2026-03-09 12:00")
    eq(lv["person"], "bram", "person on day 63")
    eq(lv["person_name"], "Bram", "name")
    eq(lv["reason"], "rotation", "reason")
    eq(lv["layer"], "daily", "layer")
    eq(lv["until_local"], "2026-03-10 09:00 CET", "until")
    eq(lv["until"], "2026-03-10T08:00:00.000Z", "until (UTC)")
    eq(oncall_json("2026-03-10 08:59")["person"], "bram", "a minute before")
    eq(oncall_json("2026-03-10 09:00")["person"], "anna", "at the handoff")
    # Across the spring-forward: the handoff stays at 09:00 local.
    lv = oncall_json("2026-03-28 12:00")
    eq(lv["person"], "anna", "person on day 82")
    eq(lv["until_local"], "2026-03-29 09:00 CEST", "until after DST")


@t.case("oncall --json: the override, its note and its end")
def _():
    lv = oncall_json("2026-03-11 12:00")
    eq(lv["person"], "carl", "person at the override's start")
    eq(lv["reason"], "override", "reason")
    eq(lv["scheduled"], "bram", "scheduled")
    eq(lv["note"], "dentist", "note")
    eq(lv["until_local"], "2026-03-11 15:00 CET", "until")
    eq(oncall_json("2026-03-11 15:00")["person"], "bram", "after it")


@t.case("oncall: a readable table")
def _():
    r = ctl("-c", CFG, "oncall", "--at", "2026-03-11 13:00")
    eq(r.returncode, 0, "exit status")
    lines = r.stdout.splitlines()
    eq(lines[0], "ops (Europe/Amsterdam) at 2026-03-11 13:00 CET",
       "heading")
    check(re.match(r"^LEVEL\s+PERSON\s+REASON\s+LAYER\s+UNTIL$", lines[1]),
          "table head: %r" % lines[1])
    check(re.match(r"^primary\s+carl\s+override\s+daily\s+"
                   r"2026-03-11 15:00 CET$", lines[2]),
          "row: %r" % lines[2])
    eq(lines[3].strip(), "instead of bram: dentist", "note")


@t.case("schedule: the shifts of a day on the rota's wall clock")
def _():
    r = ctl("-c", CFG, "schedule", "ops", "--from", "2026-03-11",
            "--days", "1", "--json")
    eq(r.returncode, 0, "exit status")
    got = [(s["start_local"], s["end_local"], s["person"], s["reason"])
           for s in json.loads(r.stdout)["shifts"]]
    eq(got, [
        ("2026-03-11 00:00 CET", "2026-03-11 09:00 CET", "anna", "rotation"),
        ("2026-03-11 09:00 CET", "2026-03-11 12:00 CET", "bram", "rotation"),
        ("2026-03-11 12:00 CET", "2026-03-11 15:00 CET", "carl", "override"),
        ("2026-03-11 15:00 CET", "2026-03-12 00:00 CET", "bram", "rotation"),
    ], "shifts")
    r = ctl("-c", CFG, "schedule", "ops", "--from", "2026-03-11",
            "--days", "1")
    eq(r.returncode, 0, "exit status (table)")
    check(re.search(r"^primary\s+2026-03-11 12:00 CET\s+2026-03-11 15:00 CET"
                    r"\s+carl\s+override\s+daily$", r.stdout, re.M),
          "no override row in the table")


@t.case("an invalid config: exit 1 with FILE:LINE; an unknown rota: exit 1")
def _():
    bad = write("bad.conf", CONF.replace('"anna", "bram"',
                                         '"anna", "zoe"'))
    r = ctl("-c", bad, "oncall")
    eq(r.returncode, 1, "exit status")
    check(re.search(r"^%s:\d+: rotas\.ops\.levels\[0\]\.layers\[0\]\."
                    r"members\[1\]: no person \"zoe\"" % re.escape(bad),
                    r.stderr, re.M), "no FILE:LINE error")
    eq(r.stdout, "", "stdout")
    r = ctl("-c", CFG, "oncall", "nosuch")
    eq(r.returncode, 1, "exit status (unknown rota)")
    check("no rota \"nosuch\"" in r.stderr, "no message")
    r = ctl("-c", CFG, "schedule", "ops", "--from", "junk")
    eq(r.returncode, 64, "exit status (bad --from)")


@t.case("fairness: hours per person by business, nights, weekends, holidays")
def _():
    # Monday 9 March to Monday 16 March 2026: 168 hours, 48 of them a
    # weekend, 45 business hours; carl has 3 business hours of bram's.
    r = ctl("-c", CFG, "fairness", "ops", "--from", "2026-03-09",
            "--days", "7", "--json")
    eq(r.returncode, 0, "exit status")
    people = {p["person"]: p for p in json.loads(r.stdout)["people"]}
    eq(sorted(people), ["anna", "bram", "carl"], "people")
    eq((people["carl"]["business"], people["carl"]["nights"],
        people["carl"]["total"]), (3.0, 0.0, 3.0), "carl")
    for k, want in (("total", 168), ("weekends", 48), ("business", 45),
                    ("nights", 75), ("holidays", 0)):
        eq(sum(p[k] for p in people.values()), want, "sum of " + k)
    # Saturday 14 09:00 - Sunday 15 09:00 is anna's, the rest bram's.
    eq(people["anna"]["weekends"], 24.0, "anna's weekend hours")
    eq(people["bram"]["weekends"], 24.0, "bram's weekend hours")
    r = ctl("-c", CFG, "fairness", "ops", "--from", "2026-03-09",
            "--days", "7")
    eq(r.returncode, 0, "exit status (table)")
    check(re.search(r"^carl\s+3\.0\s+0\.0\s+0\.0\s+0\.0\s+3\.0$",
                    r.stdout, re.M), "no row for carl")


@t.case("check: the same report as pagerd -t")
def _():
    gappy = write("gappy.conf", CONF.replace(
        'anchor = "2026-01-05"; }',
        'anchor = "2026-01-05"; restrictions = [ "mon-fri 09:00-18:00" ]; }'))
    bad = write("bad2.conf", CONF.replace('"anna", "bram"', '"anna", "zoe"'))
    for p in (gappy, bad):
        want = pt.run([pt.PAGERD, "-t", "-c", p], timeout=30,
                      env={"CREDENTIALS_DIRECTORY": None})
        got = ctl("check", "-c", p)
        eq(got.returncode, want.returncode, "exit status for %s" % p)
        eq(got.stdout, want.stdout, "stdout for %s" % p)
        eq(got.stderr, want.stderr, "stderr for %s" % p)
    check("warning: rota ops level 1: nobody on call" in got.stdout or
          got.returncode == 1, "no gap warning")


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


@t.case("GET /api/v1/oncall: the same JSON as pagerctl reading the files")
def _():
    redis.ensure()
    pd.ensure()
    auth = {"Authorization": "Bearer " + pt.TOKEN}
    r = pt.http_request(pd.port, "GET", "/api/v1/oncall?rota=ops&at="
                        "2026-03-11T13:00:00%2B01:00", headers=auth)
    eq(r.status, 200, "status")
    lv = r.json()["rotas"][0]["levels"][0]
    eq((lv["person"], lv["reason"], lv["until_local"]),
       ("carl", "override", "2026-03-11 15:00 CET"), "answer")
    api = ctl("-u", pd.url, "-T", pt.TOKEN, "oncall", "ops", "--at",
              "2026-03-11 13:00", "--json")
    eq(api.returncode, 0, "pagerctl -u exit status")
    files = ctl("-c", CFG, "oncall", "ops", "--at", "2026-03-11 13:00",
                "--json")
    eq(json.loads(api.stdout), json.loads(files.stdout), "API vs files")
    r = ctl("-u", pd.url, "-T", pt.TOKEN, "oncall", "--at",
            "2026-03-09 12:00")
    eq(r.returncode, 0, "table via the API")
    check(re.search(r"^primary\s+bram\s+rotation\s+daily\s+"
                    r"2026-03-10 09:00 CET$", r.stdout, re.M), "no row")
    eq(pt.http_request(pd.port, "GET", "/api/v1/oncall").status, 401,
       "without a token")
    eq(pt.http_request(pd.port, "GET", "/api/v1/oncall?rota=nosuch",
                       headers=auth).status, 404, "unknown rota")
    eq(pt.http_request(pd.port, "GET", "/api/v1/oncall?at=junk",
                       headers=auth).status, 400, "bad at")


t.run()
