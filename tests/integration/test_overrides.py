#!/usr/bin/python3
"""Runtime overrides through /api/v1/rotas/R/overrides and pagerctl
override: add, list, delete, expiry, across restarts, reloads and a
second instance on the same Redis; every refusal; and fairness asked of
the daemon against fairness from the files."""

import json
import os
import re
import time

import pagerd_test as pt
from pagerd_test import check, eq, rfc3339

t = pt.TestFile("overrides")
D = os.path.join(t.dir, "cfg")
os.makedirs(D)

# Level 1: anna and bram take daily turns from 2026-01-05 09:00 (a
# Monday). 2027-03-01 is day 420 since the anchor (365 + 26 + 28 + 1):
# even, so anna has 2027-03-01 09:00 until 2027-03-02 09:00, then bram.
# Level 2 (secondary): carl, every day. The rota file has carl covering
# bram on 2027-03-02 12:00-15:00. Rota gappy has nobody on call on
# Mondays 09:00-24:00.
PEOPLE = """\
people: {
%s	anna: { name = "Anna"; phone = "+31612345601"; };
	bram: { name = "Bram"; phone = "+31612345602"; };
	carl: { name = "Carl"; phone = "+31612345603"; };
	dora: { name = "Dora"; phone = "+31612345604"; };
	erik: { name = "Erik"; phone = "+31612345605"; };
};
"""
ROTAS = """\
rotas: {
	ops: {
		time_zone = "Europe/Amsterdam";
		levels = (
			{ name = "primary"; layers = (
				{ name = "daily"; members = [ "anna", "bram" ];
				  shift = "1d"; handoff = "09:00";
				  anchor = "2026-01-05"; }
			); },
			{ name = "secondary"; layers = (
				{ name = "backup"; members = [ "carl" ];
				  shift = "1d"; handoff = "09:00";
				  anchor = "2026-01-05"; }
			); }
		);
		overrides = ( { person = "carl"; covers = "bram";
			from = "2027-03-02 12:00"; until = "2027-03-02 15:00";
			note = "dentist"; } );
	};
	# Nobody on Mondays 09:00-24:00: a gap every week.
	gappy: {
		time_zone = "Europe/Amsterdam";
		levels = (
			{ name = "only"; layers = (
				{ name = "most"; members = [ "erik" ];
				  shift = "7d"; handoff = "00:00";
				  anchor = "2026-01-06";
				  restrictions = [ "tue 00:00 - mon 09:00" ]; }
			); }
		);
	};
};
"""
CONF = PEOPLE % "" + ROTAS
FILES = os.path.join(D, "rota.conf")
with open(FILES, "w") as f:
    f.write(CONF)

AUTH = {"Authorization": "Bearer " + pt.TOKEN}
redis = t.redis()


def with_rota(p, extra_people=""):
    """p's config is the harness's with our people and rotas appended."""
    def write(text=None):
        p.config.setdefault("http", {})["listen"] = ["127.0.0.1:%d" % p.port]
        p.config.setdefault("udp", {})["listen"] = [
            "127.0.0.1:%d" % p.udp_port]
        p.write_config_plain(pt.render_config(p.config) + "\n" +
                             PEOPLE % p.extra_people + ROTAS)
    p.write_config_plain = p.write_config
    p.extra_people = extra_people
    p.write_config = write
    return p


pd = with_rota(t.pagerd(redis))
pd2 = with_rota(t.pagerd(redis, name="pagerd2"))


def up(p=pd):
    redis.ensure()
    return p.ensure()


ctl = pt.pagerctl


def post(body, rota="ops", p=None, headers=AUTH):
    return pt.http_request((p or pd).port, "POST",
                           "/api/v1/rotas/%s/overrides" % rota, body,
                           headers)


def listing(rota="ops", p=None):
    r = pt.http_request((p or pd).port, "GET",
                        "/api/v1/rotas/%s/overrides" % rota, headers=AUTH)
    eq(r.status, 200, "list status")
    return r.json()["overrides"]


def delete(oid, rota="ops", p=None):
    return pt.http_request((p or pd).port, "DELETE",
                           "/api/v1/rotas/%s/overrides/%s" % (rota, oid),
                           headers=AUTH)


def oncall(at=None, level=1, p=None):
    q = "/api/v1/oncall?rota=ops"
    if at is not None:
        q += "&at=" + at.replace(" ", "%20").replace("+", "%2B")
    r = pt.http_request((p or pd).port, "GET", q, headers=AUTH)
    eq(r.status, 200, "oncall status")
    return r.json()["rotas"][0]["levels"][level - 1]


def clear():
    """Remove every API override of ops (cases start from none)."""
    for o in listing():
        if o["source"] == "api":
            eq(delete(o["id"]).status, 200, "cleanup delete")


@t.case("add: 201 with the stored override; oncall shows it inside only")
def _():
    up()
    clear()
    lv = oncall("2027-03-01 13:00")
    eq((lv["person"], lv["reason"]), ("anna", "rotation"), "before")
    r = post({"person": "bram", "covers": "anna",
              "from": "2027-03-01 12:00", "until": "2027-03-01 15:00",
              "note": "swap"})
    eq(r.status, 201, "status")
    o = r.json()
    check(re.fullmatch(r"[0-9]+", o["id"] or ""), "id: %r" % o["id"])
    eq((o["source"], o["rota"], o["person"], o["covers"], o["level"],
        o["note"], o["created_by"]),
       ("api", "ops", "bram", "anna", None, "swap", "admin"), "fields")
    eq((o["from"], o["from_local"]),
       ("2027-03-01T11:00:00.000Z", "2027-03-01 12:00 CET"), "from")
    eq((o["until"], o["until_local"]),
       ("2027-03-01T14:00:00.000Z", "2027-03-01 15:00 CET"), "until")
    lv = oncall("2027-03-01 13:00")
    eq((lv["person"], lv["reason"], lv["scheduled"], lv["note"],
        lv["until_local"]),
       ("bram", "override", "anna", "swap", "2027-03-01 15:00 CET"),
       "inside")
    eq(oncall("2027-03-01 13:00", level=2)["person"], "carl",
       "level 2 untouched (anna is not on it)")
    lv = oncall("2027-03-01 15:00")
    eq((lv["person"], lv["reason"]), ("anna", "rotation"), "at until")
    lv = oncall("2027-03-01T10:59:59Z")
    eq((lv["person"], lv["reason"]), ("anna", "rotation"), "before from")
    # The schedule shows it as a span of its own, with the same reason.
    r = pt.http_request(pd.port, "GET", "/api/v1/rotas/ops/schedule?from="
                        "2027-03-01&days=1", headers=AUTH)
    eq(r.status, 200, "schedule status")
    spans = [(s["start_local"], s["end_local"], s["person"], s["reason"])
             for s in r.json()["shifts"] if s["level"] == 1]
    check(("2027-03-01 12:00 CET", "2027-03-01 15:00 CET", "bram",
           "override") in spans, "no override span in %r" % spans)
    # A level override by name: dora takes level 2 from carl.
    r = post({"person": "dora", "level": "secondary",
              "from": "2027-03-01T12:00:00+01:00",
              "until": "2027-03-01 14:00"})
    eq(r.status, 201, "level override status")
    eq((r.json()["level"], r.json()["level_name"], r.json()["covers"]),
       (2, "secondary", None), "level fields")
    eq(oncall("2027-03-01 13:00", level=2)["person"], "dora", "level 2")
    eq(oncall("2027-03-01 13:00", level=1)["person"], "bram",
       "level 1 keeps its own")


@t.case("list: config ones (no id) and API ones (ids); delete removes")
def _():
    up()
    clear()
    r = post({"person": "bram", "covers": "anna",
              "from": "2027-03-01 12:00", "until": "2027-03-01 15:00"})
    eq(r.status, 201, "add")
    oid = r.json()["id"]
    got = [(o["source"], o["id"], o["person"], o["covers"], o["from_local"],
            o["until_local"], o["note"]) for o in listing()]
    eq(got, [("config", None, "carl", "bram", "2027-03-02 12:00 CET",
              "2027-03-02 15:00 CET", "dentist"),
             ("api", oid, "bram", "anna", "2027-03-01 12:00 CET",
              "2027-03-01 15:00 CET", None)], "list")
    r = delete(oid)
    eq(r.status, 200, "delete")
    eq((r.json()["id"], r.json()["person"]), (oid, "bram"), "deleted one")
    eq([o["source"] for o in listing()], ["config"], "after delete")
    lv = oncall("2027-03-01 13:00")
    eq((lv["person"], lv["reason"]), ("anna", "rotation"), "oncall after")
    pt.expect_error(delete(oid), 404, "no such override", "delete again")
    eq(redis.client.exists(pt.PREFIX + "override:" + oid), 0, "hash gone")


@t.case("expiry: an override ending in 3 s leaves oncall and the list")
def _():
    up()
    clear()
    now = int(time.time() * 1000)
    r = post({"person": "dora", "level": 1, "from": "now",
              "until": rfc3339(now + 3000)})
    eq(r.status, 201, "add")
    oid = r.json()["id"]
    ttl = int(redis.client.cmd("PTTL", pt.PREFIX + "override:" + oid))
    check(3600000 < ttl <= 3603000, "hash TTL until + 1 h: %d" % ttl)
    lv = oncall()
    eq((lv["person"], lv["reason"]), ("dora", "override"), "now")
    eq([o["id"] for o in listing() if o["source"] == "api"], [oid],
       "listed")
    time.sleep(max(0, (now + 3100 - time.time() * 1000) / 1000))
    lv = oncall()
    check(lv["person"] != "dora" and lv["reason"] == "rotation",
          "still there: %r" % lv)
    eq([o for o in listing() if o["source"] == "api"], [], "list after")
    eq(redis.client.cmd("ZSCORE", pt.PREFIX + "rota:ops:overrides", oid), None,
       "pruned from the zset")


def add_future():
    r = post({"person": "bram", "covers": "anna",
              "from": "2027-03-01 12:00", "until": "2027-03-01 15:00",
              "note": "kept"})
    eq(r.status, 201, "add")
    return r.json()["id"]


def shows_it(p=None):
    lv = oncall("2027-03-01 13:00", p=p)
    return lv["person"] == "bram" and lv["note"] == "kept"


@t.case("an override survives a restart and a SIGHUP reload")
def _():
    up()
    clear()
    add_future()
    pd.stop()
    pd.start()
    pt.wait_until(shows_it, timeout=2, what="override after restart")
    # A reload whose people come in another order: the copy is compiled
    # again against the new rotas, and names the same people.
    pd.extra_people = '\taaron: { name = "Aaron"; phone = "+31612345600"; };\n'
    pd.write_config()
    off = pd.log_size()
    pd.reload()
    pt.wait_until(lambda: "configuration reloaded" in pd.log_text(off),
                  what="reload")
    check(shows_it(), "override after the reload")
    lv = oncall("2027-03-01 13:00")
    eq((lv["person"], lv["scheduled"]), ("bram", "anna"), "same people")
    pd.extra_people = ""
    pd.write_config()
    pd.reload()


@t.case("a second pagerd on the same Redis sees it within its refresh")
def _():
    up()
    up(pd2)
    clear()
    # pd2 may have loaded the list before clear() (it started first):
    # the precondition is that its copy has caught up, within a refresh.
    pt.wait_until(lambda: not shows_it(pd2), timeout=7, interval=0.2,
                  what="pd2 shows no override before the add")
    t0 = time.monotonic()
    oid = add_future()
    pt.wait_until(lambda: shows_it(pd2), timeout=7, interval=0.2,
                  what="pd2 sees the override")
    pt.diag("pd2 saw it after %.1fs" % (time.monotonic() - t0))
    eq(delete(oid, p=pd2).status, 200, "delete through pd2")
    pt.wait_until(lambda: not shows_it(pd), timeout=7, interval=0.2,
                  what="pd sees the delete")
    pd2.stop()


@t.case("Redis down: oncall still applies the copy; changes answer 503")
def _():
    up()
    clear()
    oid = add_future()
    redis.stop()
    pt.wait_until(lambda: pd.healthz().status == 503, what="redis down")
    check(shows_it(), "oncall without Redis")
    r = post({"person": "dora", "level": 1, "from": "2027-03-03 12:00",
              "until": "2027-03-03 13:00"})
    pt.expect_error(r, 503)
    eq(r.header("Retry-After"), "1", "Retry-After")
    pt.expect_error(pt.http_request(pd.port, "GET",
                                    "/api/v1/rotas/ops/overrides",
                                    headers=AUTH), 503, what="list")
    pt.expect_error(delete(oid), 503, what="delete")
    # A bad body is still a 400: it is checked before Redis is needed.
    pt.expect_error(post({"person": "zoe", "level": 1, "until": "now"}),
                    400, "zoe")
    redis.ensure()
    pt.wait_until(lambda: pd.healthz().status == 200, what="redis back")
    eq([o["id"] for o in listing() if o["source"] == "api"], [oid],
       "kept across the outage")
    check(shows_it(), "oncall after the outage")
    clear()


@t.case("refusals: 400 for bad bodies, 401, 404, 405, 409 naming the clash")
def _():
    up()
    clear()
    ok = {"person": "bram", "covers": "anna", "from": "2027-03-01 12:00",
          "until": "2027-03-01 15:00"}

    def bad(change, mentions, code=400, drop=()):
        body = dict(ok, **change)
        for k in drop:
            del body[k]
        return pt.expect_error(post(body), code, mentions,
                               "%r without %r" % (change, drop))

    bad({"person": "zoe"}, ["person", "zoe"])
    bad({"person": 7}, "person: must be a string")
    bad({}, "person: required", drop=("person",))
    bad({"covers": "zoe"}, ["covers", "zoe"])
    bad({"covers": "bram"}, "cannot cover for themself")
    bad({}, "covers", drop=("covers",))
    bad({"level": 3}, "levels 1..2", drop=("covers",))
    bad({"level": "tertiary"}, "levels 1..2", drop=("covers",))
    bad({"level": True}, "level", drop=("covers",))
    bad({"until": "2027-03-01 12:00"}, "until: must be after from")
    bad({"until": "2027-03-01 11:00"}, "until: must be after from")
    bad({"from": "2020-01-01 00:00", "until": "2020-01-02 00:00"},
        "until: is in the past")
    bad({"until": "2027-06-01 12:00"}, "at most 90 days")
    bad({"from": "2029-01-01 00:00", "until": "2029-01-02 00:00"},
        "from: at most 366 days ahead")
    bad({"from": "tomorrow"}, ["from", "tomorrow"])
    bad({"until": "2027-02-30 12:00"}, "until")
    bad({"until": 5}, "until: must be a string")
    bad({}, "until: required", drop=("until",))
    bad({"note": "a\u0007b"}, "note")
    bad({"note": "x" * 257}, "note")
    bad({"colour": "red"}, "colour: unknown field")
    pt.expect_error(post("[1]"), 400, "object", "an array")
    pt.expect_error(post("{"), 400, "invalid JSON", "not JSON")
    pt.expect_error(post(ok, rota="nosuch"), 404, "no such rota")
    pt.expect_error(post(ok, headers={}), 401, "token")
    pt.expect_error(pt.http_request(pd.port, "GET",
                                    "/api/v1/rotas/ops/overrides"),
                    401, "token", "list without a token")
    pt.expect_error(pt.http_request(pd.port, "GET",
                                    "/api/v1/rotas/nosuch/overrides",
                                    headers=AUTH), 404, "no such rota")
    pt.expect_error(delete("1", rota="nosuch"), 404, "no such rota")
    pt.expect_error(delete("abc"), 404, "no such override")
    pt.expect_error(delete("99999999"), 404, "no such override")
    r = pt.http_request(pd.port, "PUT", "/api/v1/rotas/ops/overrides",
                        ok, AUTH)
    pt.expect_error(r, 405, "method")
    eq(r.header("Allow"), "GET, HEAD, POST", "Allow")
    pt.expect_error(pt.http_request(pd.port, "GET",
                                    "/api/v1/rotas/ops/overrides/1",
                                    headers=AUTH), 405, "DELETE")
    eq([o["source"] for o in listing()], ["config"], "nothing stored")
    # Clashes: the same person covered at a common instant.
    r = post(ok)
    eq(r.status, 201, "the first")
    oid = r.json()["id"]
    j = pt.expect_error(post(dict(ok, person="dora",
                                  **{"from": "2027-03-01 14:00",
                                     "until": "2027-03-01 18:00"})),
                        409, ["override %s" % oid, "bram covering anna"])
    eq(j["conflict"]["id"], oid, "conflict names it")
    # A level override of the same level does not clash with it; two of
    # the same level do.
    eq(post({"person": "dora", "level": 1, "from": "2027-03-01 13:00",
             "until": "2027-03-01 14:00"}).status, 201, "level one")
    pt.expect_error(post({"person": "carl", "level": "primary",
                          "from": "2027-03-01 13:30",
                          "until": "2027-03-01 16:00"}), 409,
                    "dora taking level 1")
    # Back to back is no clash.
    eq(post(dict(ok, **{"from": "2027-03-01 15:00",
                        "until": "2027-03-01 16:00"})).status, 201,
       "adjacent")
    # The rota file's override (carl covers bram 2027-03-02 12:00-15:00).
    j = pt.expect_error(post({"person": "dora", "covers": "bram",
                              "from": "2027-03-02 14:00",
                              "until": "2027-03-02 16:00"}), 409,
                        ["rota file", "carl covering bram"])
    eq(j["conflict"]["source"], "config", "conflict source")
    clear()


@t.case("the iCalendar feed shows an override with its note")
def _():
    up()
    clear()
    now = int(time.time() * 1000)
    r = post({"person": "dora", "level": 1, "from": rfc3339(now + 3600000),
              "until": rfc3339(now + 7200000), "note": "covering ops"})
    eq(r.status, 201, "add")
    r = pt.http_request(pd.port, "GET", "/api/v1/rotas/ops.ics",
                        headers=AUTH)
    eq(r.status, 200, "feed")
    body = r.body.decode().replace("\r\n ", "")
    check("SUMMARY:On call: Dora (rota ops level 1)" in body,
          "no event for dora")
    check(re.search(r"^DESCRIPTION:Level 1 \(primary\)\\, override\\, "
                    r"layer daily: covering ops\r$", body, re.M),
          "no override with its note")
    r = pt.http_request(pd.port, "GET", "/api/v1/people/dora.ics",
                        headers=AUTH)
    eq(r.body.decode().count("BEGIN:VEVENT"), 1, "dora's own feed")
    clear()


@t.case("pagerctl override add, list and rm against the daemon")
def _():
    up()
    clear()
    base = ["-u", pd.url, "-T", pt.TOKEN]
    r = ctl(*base, "override", "add", "ops", "--person", "bram",
            "--covers", "anna", "--from", "2027-03-01 12:00", "--until",
            "2027-03-01 15:00", "--note", "kept")
    eq(r.returncode, 0, "add exit status")
    m = re.match(r"Created override (\d+): bram covers anna from "
                 r"2027-03-01 12:00 CET until 2027-03-01 15:00 CET$",
                 r.stdout.strip())
    check(m, "add output")
    oid = m.group(1)
    check(shows_it(), "oncall after pagerctl override add")
    r = ctl(*base, "override", "add", "ops", "--person", "dora",
            "--level", "secondary", "--from", "2027-03-01 12:00",
            "--until", "2027-03-01 13:00", "--json")
    eq(r.returncode, 0, "add --level exit status")
    lid = json.loads(r.stdout)["id"]
    r = ctl(*base, "override", "list", "ops")
    eq(r.returncode, 0, "list exit status")
    lines = r.stdout.splitlines()
    check(re.match(r"ID\s+SOURCE\s+PERSON\s+COVERS\s+FROM\s+UNTIL\s+NOTE",
                   lines[0]), "header")
    check(any(re.match(r"-\s+config\s+carl\s+bram\s+2027-03-02 12:00 CET",
                       x) for x in lines), "config row")
    check(any(re.match(r"%s\s+api\s+bram\s+anna\s+2027-03-01 12:00 CET\s+"
                       r"2027-03-01 15:00 CET\s+kept" % oid, x)
              for x in lines), "api row")
    check(any(re.match(r"%s\s+api\s+dora\s+level 2 \(secondary\)" % lid, x)
              for x in lines), "level row")
    r = ctl(*base, "override", "add", "ops", "--person", "dora",
            "--covers", "anna", "--from", "2027-03-01 13:00", "--until",
            "2027-03-01 14:00")
    eq(r.returncode, 1, "clash exit status")
    check("overlaps override %s" % oid in r.stderr, "clash message")
    r = ctl(*base, "override", "add", "ops", "--person", "dora")
    eq(r.returncode, 64, "missing options")
    r = ctl(*base, "override", "rm", "ops", oid)
    eq(r.returncode, 0, "rm exit status")
    eq(r.stdout.strip(), "Removed override %s from rota ops" % oid, "rm")
    check(not shows_it(), "oncall after rm")
    r = ctl(*base, "override", "rm", "ops", oid)
    eq(r.returncode, 1, "rm again")
    check("no such override" in r.stderr, "rm again message")
    r = ctl(*base, "override", "rm", "ops", "x1")
    eq(r.returncode, 64, "rm with a bad id")
    r = ctl(*base, "oncall", "ops", "--person", "bram")
    eq(r.returncode, 64, "--person with oncall")
    r = ctl(*base, "override", "list", "gappy")
    eq((r.returncode, r.stdout), (0, "No overrides in rota gappy.\n"),
       "an empty list")
    clear()


@t.case("fairness: the daemon's answer equals the files'; overrides count")
def _():
    up()
    clear()
    win = ["fairness", "ops", "--from", "2027-03-01", "--days", "7",
           "--json"]
    files = ctl("-c", FILES, *win)
    eq(files.returncode, 0, "files exit status")
    api = ctl("-u", pd.url, "-T", pt.TOKEN, *win)
    eq(api.returncode, 0, "api exit status")
    eq(json.loads(api.stdout), json.loads(files.stdout), "API vs files")
    r = pt.http_request(pd.port, "GET", "/api/v1/rotas/ops/fairness?from="
                        "2027-03-01&days=7", headers=AUTH)
    eq(r.status, 200, "GET fairness")
    eq(r.json(), json.loads(files.stdout), "GET vs files")
    pt.expect_error(pt.http_request(pd.port, "GET",
                                    "/api/v1/rotas/ops/fairness?days=x",
                                    headers=AUTH), 400, "days")
    # An API override moves three business hours from anna to bram.
    eq(post({"person": "bram", "covers": "anna",
             "from": "2027-03-01 12:00",
             "until": "2027-03-01 15:00"}).status, 201, "add")
    hours = {p["person"]: p for p in json.loads(ctl(
        "-u", pd.url, "-T", pt.TOKEN, *win).stdout)["people"]}
    before = {p["person"]: p for p in json.loads(files.stdout)["people"]}
    eq(hours["bram"]["business"] - before["bram"]["business"], 3.0, "bram")
    eq(hours["anna"]["business"] - before["anna"]["business"], -3.0,
       "anna")
    table = ctl("-u", pd.url, "-T", pt.TOKEN, "fairness", "ops", "--from",
                "2027-03-01", "--days", "7")
    eq(table.returncode, 0, "table exit status")
    check(re.search(r"^PERSON\s+BUSINESS\s+NIGHTS", table.stdout, re.M),
          "table header")
    clear()


@t.case("check: the daemon's rota warnings count its API overrides")
def _():
    up()
    clear()
    gap = re.compile(r"rota gappy level 1: nobody on call "
                     r"\d{4}-\d\d-\d\d (\d\d:\d\d)")

    def warnings(q="/api/v1/rotas/gappy/check?days=8"):
        r = pt.http_request(pd.port, "GET", q, headers=AUTH)
        eq(r.status, 200, "GET " + q)
        return r.json()["warnings"]

    w = warnings()
    # Eight days from any moment hold at least one Monday 09:00-24:00.
    check(len(w) >= 1, "no gap: %r" % w)
    for x in w:
        eq((x["rota"], x["level"], x["kind"]), ("gappy", 1, "gap"), "what")
        check(gap.match(x["message"]), "message %r" % x["message"])
        check(x["from"] < x["until"], "times %r" % x)
    check(any(re.search(r" 09:00 CES?T$", x["from_local"]) for x in w),
          "a gap that starts at 09:00 %r" % w)
    # All rotas: the same findings; ops has none in 90 days.
    every = warnings("/api/v1/rotas/check")
    eq({x["rota"] for x in every}, {"gappy"}, "rotas with warnings")
    check(all(x in every for x in w), "per-rota in the whole")
    r = ctl("-u", pd.url, "-T", pt.TOKEN, "check")
    eq(r.returncode, 0, "pagerctl check -u exit status")
    lines = r.stdout.splitlines()
    eq(lines[-1], "%s: rotas OK (%d warnings)" % (pd.url, len(every)),
       "last line")
    eq(lines[:-1], ["%s: warning: %s" % (pd.url, x["message"])
                    for x in every], "warning lines")
    r = ctl("-u", pd.url, "-T", pt.TOKEN, "check", "--json")
    eq(json.loads(r.stdout), {"warnings": every}, "check --json")
    # erik takes the whole level for nine days: no gap in the next eight.
    now = int(time.time() * 1000)
    eq(post({"person": "erik", "level": 1,
             "until": rfc3339(now + 9 * 86400000)}, rota="gappy").status,
       201, "add")
    eq(warnings(), [], "gaps with the override")
    r = ctl("-u", pd.url, "-T", pt.TOKEN, "check")
    eq(r.returncode, 0, "exit status with the override")
    check(w[0]["message"] not in r.stdout, "the daemon still has the gap")
    files = ctl("-c", FILES, "check")
    eq(files.returncode, 0, "file check exit status")
    check("%s: warning: %s\n" % (FILES, w[0]["message"]) in files.stdout,
          "the files lost the gap: %r" % files.stdout)
    for q in ("days=0", "days=367", "days=x", "days=", "from=1"):
        pt.expect_error(pt.http_request(pd.port, "GET",
                                        "/api/v1/rotas/check?" + q,
                                        headers=AUTH), 400, q[:4])
    pt.expect_error(pt.http_request(pd.port, "GET",
                                    "/api/v1/rotas/nope/check",
                                    headers=AUTH), 404, "no such rota")
    pt.expect_error(pt.http_request(pd.port, "GET", "/api/v1/rotas/check"),
                    401, "token")
    pt.expect_error(pt.http_request(pd.port, "POST", "/api/v1/rotas/check",
                                    {}, AUTH), 405, "method")
    r = ctl("-u", "http://127.0.0.1:1", "check")
    check(r.returncode != 0, "no daemon: exit %d" % r.returncode)
    for o in listing("gappy"):
        if o["source"] == "api":
            eq(delete(o["id"], rota="gappy").status, 200, "cleanup")


t.run()
