#!/usr/bin/python3
"""pagerctl against a running pagerd: incidents, incident ID, status, and
its exit codes (0 ok, 1 daemon unhealthy or request refused, 2 daemon
unreachable)."""

import json

import pagerd_test as pt
from pagerd_test import alert, check, eq, uniq

t = pt.TestFile("pagerctl")
redis = t.redis()
pd = t.pagerd(redis)
STATE = {}


def up():
    redis.ensure()
    return pd.ensure()


def ctl(*args, token=pt.TOKEN, url=None, env=None, timeout=15):
    argv = [pt.PAGERCTL, "-u", url or pd.url]
    if token is not None:
        argv += ["-T", token]
    r = pt.run(argv + list(args), env=env, timeout=timeout)
    pt.diag("pagerctl %s -> %s" % (" ".join(args), r.returncode))
    for line in (r.stdout + r.stderr).splitlines()[:20]:
        pt.diag("  | " + line)
    return r


def incident():
    """One incident of ours: (id, title, fingerprint)."""
    if "inc" not in STATE:
        up()
        a = alert(summary=uniq("Checkout latency high"))
        res = pd.post_ok(a)[0]
        inc = pd.incident(res["incident"]).json()["incident"]
        STATE["inc"] = (res["incident"], inc["title"], res["fingerprint"])
    return STATE["inc"]


@t.case("incidents: exit 0, lists the incident id and title")
def _():
    iid, title, _ = incident()
    r = ctl("incidents")
    eq(r.returncode, 0, "exit status")
    check(str(iid) in r.stdout, "id %s not in output" % iid)
    check(title in r.stdout, "title %r not in output" % title)


@t.case("incidents --json: valid JSON with the incident")
def _():
    iid, title, _ = incident()
    r = ctl("incidents", "--json")
    eq(r.returncode, 0, "exit status")
    j = json.loads(r.stdout)
    incs = j["incidents"] if isinstance(j, dict) else j
    check(any(i.get("id") == iid and i.get("title") == title for i in incs),
          "incident %s not in %r" % (iid, incs))


@t.case("incidents --status resolved --limit N: only resolved ones, at "
        "most N")
def _():
    up()
    a = alert(summary=uniq("Resolved thing"))
    res = pd.post_ok(a)[0]
    pd.post_ok(dict(a, status="resolved"))
    iid, _, _ = incident()              # a triggered one
    r = ctl("incidents", "--status", "resolved", "--json")
    eq(r.returncode, 0, "exit status")
    j = json.loads(r.stdout)
    incs = j["incidents"] if isinstance(j, dict) else j
    check(all(i.get("status") == "resolved" for i in incs),
          "not only resolved: %r" % incs)
    check(any(i.get("id") == res["incident"] for i in incs),
          "resolved incident %s missing" % res["incident"])
    check(iid not in [i.get("id") for i in incs], "triggered one listed")
    r = ctl("incidents", "--limit", "1", "--json")
    j = json.loads(r.stdout)
    eq(len(j["incidents"] if isinstance(j, dict) else j), 1, "--limit 1")


@t.case("incident ID: shows the incident and its alert's fingerprint")
def _():
    iid, title, fp = incident()
    r = ctl("incident", str(iid))
    eq(r.returncode, 0, "exit status")
    check(title in r.stdout, "title not in output")
    check(fp in r.stdout, "fingerprint %s not in output" % fp)


@t.case("incident ID --json: valid JSON")
def _():
    iid, _, fp = incident()
    r = ctl("incident", str(iid), "--json")
    eq(r.returncode, 0, "exit status")
    j = json.loads(r.stdout)
    inc = j.get("incident", j)
    eq(inc.get("id"), iid, "id")


@t.case("incident of an unknown id: exit 1 with a message")
def _():
    up()
    r = ctl("incident", "987654321")
    eq(r.returncode, 1, "exit status")
    check(r.stderr.strip(), "no message on stderr")


@t.case("PAGERD_TOKEN in the environment works like -T")
def _():
    iid, _, _ = incident()
    r = ctl("incidents", token=None, env={"PAGERD_TOKEN": pt.TOKEN})
    eq(r.returncode, 0, "exit status")
    check(str(iid) in r.stdout, "id not in output")


@t.case("a wrong token: exit 1, a message about the token, no listing")
def _():
    up()
    r = ctl("incidents", token="wrong-token-0123456789")
    eq(r.returncode, 1, "exit status")
    check(r.stderr.strip(), "no message on stderr")
    check(any(w in r.stderr.lower() for w in ("token", "401", "unauthor",
                                               "auth")),
          "message %r says nothing about authentication" % r.stderr)


@t.case("status: exit 0 when healthy")
def _():
    up()
    r = ctl("status")
    eq(r.returncode, 0, "exit status")


@t.case("status while Redis is down: exit 1 with a message")
def _():
    up()
    redis.stop()
    try:
        pt.wait_until(lambda: pd.healthz(timeout=3).status == 503, 5,
                      what="/healthz 503")
        r = ctl("status")
        eq(r.returncode, 1, "exit status")
        check((r.stdout + r.stderr).strip(), "no message")
    finally:
        redis.ensure()
        pt.wait_until(lambda: pd.healthz(timeout=2).status == 200, 5,
                      what="healthy again")


@t.case("daemon unreachable: exit 2 for status and incidents, quickly")
def _():
    url = "http://127.0.0.1:%d" % pt.free_port()
    for cmd in (["status"], ["incidents"]):
        r = ctl(*cmd, url=url, timeout=10)
        eq(r.returncode, 2, "%s exit status" % cmd[0])
        check(r.stderr.strip(), "no message on stderr")


@t.case("an unknown subcommand: non-zero exit with usage")
def _():
    r = ctl("frobnicate")
    check(r.returncode != 0, "exit status 0")
    check(r.stderr.strip(), "no message on stderr")


t.run()
