#!/usr/bin/python3
"""bench --smoke: the benchmark programs (bench/run, bench/loadgen,
bench/floor, bench/rota_bench) still build, run and report sane figures.
Asserts no performance figure (CI machines are noisy), only that every
program ran, counted what it did and wrote its table. Alertmanager is
compared when /usr/bin/prometheus-alertmanager is there, else skipped."""

import glob
import json
import os
import re
import socket
import subprocess

import pagerd_test as pt
from pagerd_test import check, eq

t = pt.TestFile("bench_smoke")
# The build tree of the real pagerd (under make check-valgrind PAGERD is a
# wrapper script in scripts/ and PAGERD_REAL the binary; the bench runs
# the binary itself either way: it measures, it does not check memory).
BUILDDIR = os.path.dirname(os.path.abspath(
    os.environ.get("PAGERD_REAL") or pt.PAGERD))
BENCH = os.path.join(BUILDDIR, "bench")
RUN = os.path.join(pt.SRCDIR, "bench", "run")
AM = "/usr/bin/prometheus-alertmanager"
OUT = os.path.join(t.dir, "results")
result = {}


def smoke():
    """Run bench/run --smoke once; the cases read its JSON."""
    if result:
        return result
    env = dict(os.environ, PAGERD_BUILDDIR=BUILDDIR)
    r = subprocess.run(["/usr/bin/python3", RUN, "--smoke", "--out", OUT],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=170, env=env)
    for line in (r.stdout + r.stderr).splitlines()[-50:]:
        pt.diag("  | " + line)
    eq(r.returncode, 0, "bench/run --smoke exit status")
    files = glob.glob(os.path.join(OUT, "*-smoke.json"))
    eq(len(files), 1, "result files")
    with open(files[0]) as f:
        result.update(json.load(f))
    result["stdout"] = r.stdout
    return result


@t.case("bench/run --smoke runs every figure and prints one table",
        timeout=180)
def _():
    res = smoke()
    figs = sorted({row["figure"].split()[0] for row in res["table"]})
    eq(figs, ["1", "2", "3", "4", "5", "6", "7", "8"], "figures")
    check(res["smoke"] is True, "smoke flag in the JSON")
    check("| figure" in res["stdout"], "the table on stdout")
    f5 = [row for row in res["table"] if row["figure"].startswith("5 ")]
    eq(len(f5), 2, "figure 5 rows (idle, under figure 2's load)")
    for row in f5:
        check(re.fullmatch(r"[0-9.]+/[0-9.]+", row["pagerd"] or ""),
              "pagerd's median/p99 in %s" % row)


@t.case("figure 5: every page reached the sink, matched to its alert")
def _():
    runs = smoke()["runs"]
    for name in ("pagerd alert->page alone", "pagerd alert->page loaded"):
        r = runs[name]
        eq(r["requests"], 5, "%s: alerts sent" % name)
        eq(r["errors"] + r["non2xx"], 0, "%s: errors (unpaged) and non-2xx"
           % name)
        eq(r["sink_other"], 0, "%s: notifications not for the alert sent"
           % name)
        check(0 < r["p50_ms"] <= r["p99_ms"], "%s: %s" % (name, r))
    check(runs["pagerd fig5 load"]["aps"] > 0, "the load alongside")


@t.case("pagerd and the floor served load with no error or non-2xx")
def _():
    runs = smoke()["runs"]
    for name in ("pagerd dedup", "pagerd new", "pagerd batch dedup",
                 "pagerd batch new", "floor1 dedup", "floor2 dedup",
                 "floor3 dedup", "floor3 batch new"):
        check(name in runs, "%s was run" % name)
        r = runs[name]
        check(r["alerts"] > 0 and r["aps"] > 0, "%s: alerts counted" % name)
        eq(r["errors"] + r["non2xx"], 0, "%s: errors and non-2xx" % name)
        check(0 < r["p50_ms"] <= r["p99_ms"] <= r["p999_ms"] <= r["max_ms"],
              "%s: percentiles in order: %s" % (name, r))
    eq(runs["pagerd batch new"]["alerts"],
       runs["pagerd batch new"]["requests"] * 100, "alerts of batches")


@t.case("UDP: every datagram sent was stored; memory, CPU and rota measured")
def _():
    runs = smoke()["runs"]
    u = runs["pagerd udp"]
    check(u["alerts"] > 0, "datagrams sent")
    eq(u["stored"], u["alerts"], "stored = sent")
    m = runs["memory"]
    check(m["rss_mb"] > 0 and m["redis_bytes_per_alert"] > 0,
          "memory figures: %s" % m)
    # Read once Redis's key table was not half rehashed (DEBUG HTSTATS).
    check(len(m["redis_rehash_wait_s"]) == 2 and
          all(w >= 0 for w in m["redis_rehash_wait_s"]),
          "rehash waits: %s" % m)
    check(runs["pagerd dedup"]["cpu_us_per_alert"] > 0, "CPU per alert")
    check(runs["rota"]["ns_per_query"] > 0, "rota ns/query")


@t.case("Alertmanager measured side by side (skipped when not installed)")
def _():
    if not os.access(AM, os.X_OK):
        raise pt.Skip("no " + AM + " (scripts/deps --test installs it)")
    runs = smoke()["runs"]
    for name in ("am dedup", "am new", "am batch new", "am alert->page",
                 "am alert->page loaded"):
        check(runs[name]["aps"] > 0 and runs[name]["errors"] == 0,
              "%s: %s" % (name, runs[name]))
    check(runs["memory"]["am_rss_mb"] > 0, "Alertmanager RSS")
    # Figure 5 idle: the two took the alerts in turn, in one run.
    r = runs["pagerd+am alert->page"]
    eq((r["requests"], r["n"], r["pair_n"]), (10, 5, 5),
       "alerts sent, paged by each")
    eq(r["errors"] + r["non2xx"] + r["sink_other"], 0,
       "unpaged, non-2xx, stray")
    check(0 < r["p50_ms"] <= r["p99_ms"] and
          0 < r["pair_p50_ms"] <= r["pair_p99_ms"], r)
    eq(runs["pagerd alert->page"]["p50_ms"], r["p50_ms"], "pagerd's figure")
    eq(runs["am alert->page"]["p50_ms"], r["pair_p50_ms"],
       "Alertmanager's figure")


@t.case("loadgen fails on a non-2xx answer")
def _():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    fl = pt.spawn([os.path.join(BENCH, "floor"), "-M", "1", "-p", str(port)])
    try:
        pt.wait_until(lambda: socket.create_connection(
            ("127.0.0.1", port), 1).close() is None, 5, what="floor")
        r = pt.run([os.path.join(BENCH, "loadgen"), "-p", str(port),
                    "-u", "/no/such/path", "-c", "2", "-d", "0.5"])
        out = json.loads(r.stdout.strip().splitlines()[-1])
        eq(r.returncode, 1, "loadgen exit status")
        check(out["non2xx"] > 0 and out["status"]["4xx"] == out["non2xx"],
              "non-2xx counted: %s" % out)
    finally:
        fl.kill()
        fl.wait()


@t.case("bench/step_bench: a step's cost at 0, 1000 and 5000 open pages")
def _():
    r = subprocess.run(["/bin/sh", os.path.join(pt.SRCDIR, "bench",
                                                "with-redis"),
                        pt.REDIS_SERVER, os.path.join(BENCH, "step_bench"),
                        "-n", "5"], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=120)
    eq(r.returncode, 0, "exit status (stderr %r)" % r.stderr)
    got = re.findall(r"^open_pages (\d+)-(\d+): ([0-9.]+) usec/step",
                     r.stdout, re.M)
    eq([(int(a), int(b)) for a, b, _ in got],
       [(0, 5), (1000, 1005), (5000, 5005)], "the three points")
    check(all(float(u) > 0 for _, _, u in got), "usec counted: %r" % got)


def with_redis(*argv):
    """argv run by bench/with-redis against a redis-server of its own."""
    r = subprocess.run(["/bin/sh", os.path.join(pt.SRCDIR, "bench",
                                                "with-redis"),
                        pt.REDIS_SERVER] + list(argv),
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=120)
    eq(r.returncode, 0, "exit status (stderr %r)" % r.stderr)
    return r.stdout


@t.case("bench/ingest_bench: -P prints the ingest script, -S runs a "
        "script from a file in its place, -E moves every repeat's end")
def _():
    ingest = os.path.join(BENCH, "ingest_bench")
    text = pt.run([ingest, "-P"]).stdout
    check("redis.call('HMGET'" in text and text.count("\n") > 100,
          "the script printed: %r" % text[:200])
    path = os.path.join(t.dir, "ingest.lua")
    with open(path, "w") as f:
        f.write(text)
    for argv in ([], ["-S", path], ["-E"]):
        out = with_redis(ingest, "-n", "200", "-b", "100", *argv)
        got = re.findall(r"^(new|dedup_short): ([0-9.]+) usec", out, re.M)
        eq([k for k, _ in got], ["new", "dedup_short"],
           "figures %s" % (argv or "built in"))
        check(all(float(u) > 0 for _, u in got), "usec counted: %r" % got)
    # A script that is not the ingest script's shape: it says so, exit 2.
    with open(path, "w") as f:
        f.write("return 1\n")
    r = subprocess.run(["/bin/sh", os.path.join(pt.SRCDIR, "bench",
                                                "with-redis"),
                        pt.REDIS_SERVER, ingest, "-n", "100", "-S", path],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=60)
    check(r.returncode != 0 and "ingest_bench" in r.stderr,
          "a wrong script fails: %d %r" % (r.returncode, r.stderr))


@t.case("bench/new_floor: a new alert's seven calls three ways")
def _():
    out = with_redis(os.path.join(pt.SRCDIR, "bench", "new_floor"),
                     "-n", "300", "-r", "1")
    got = re.findall(r"^(lua|plain|nocontent): ([0-9.]+) usec/alert", out,
                     re.M)
    eq([k for k, _ in got], ["lua", "plain", "nocontent"], "the three ways")
    check(all(float(u) > 0 for _, u in got), "usec counted: %r" % got)


t.run()
