#!/usr/bin/python3
"""The exec notifier running a real script: alert fields arrive in the
environment only and literally (no shell ever sees them), the argv is
the config's, the environment holds nothing else of the daemon's but
the allow-list, PATH and LANG; exit 0 / 75 / other map to delivered /
retry / permanent with the first line of stderr; a timeout kills the
program and what it started."""

import os
import stat
import threading
import time

import notifier_check as nc
import pagerd_test as pt
from pagerd_test import check, eq

t = pt.TestFile("exec")
redis = t.redis()
OUT = os.path.join(t.dir, "exec-out")
os.makedirs(OUT)
SCRIPT = os.path.join(t.dir, "notify.sh")
with open(SCRIPT, "w") as f:
    f.write(r"""#!/bin/sh
# Writes its environment and arguments where the test looks, then does
# what the title says.
out="$EXEC_TEST_OUT/$PAGERD_IDEMPOTENCY_KEY"
env > "$out.env"
for a in "$@"; do printf '%s\n' "$a"; done > "$out.args"
case "$PAGERD_TITLE" in
tempfail*) echo "modem busy, try later" >&2; exit 75 ;;
fail*) echo "no such pager" >&2; echo "second line" >&2; exit 3 ;;
sleep*) echo $$ > "$out.pid"; sleep 60 & echo $! > "$out.child"; wait ;;
chatty*) head -c 200000 /dev/zero | tr '\0' x >&2; exit 0 ;;
esac
exit 0
""")
os.chmod(SCRIPT, stat.S_IRWXU)

pd = t.pagerd(redis)
pd.extra_env = {"EXEC_TEST_OUT": OUT, "SECRET_TOKEN": "do-not-leak"}
pd.config["notifiers"] = {
    "run": {"type": "exec", "command": [SCRIPT, "a b", "$HOME", "*"],
            "env": ["EXEC_TEST_OUT"], "timeout": "1s"},
    # Lists its open descriptors as the program sees them at start.
    "fds": {"type": "exec", "env": ["EXEC_TEST_OUT"], "command": [
        "/usr/bin/python3", "-S", "-c",
        "import os; d = sorted(os.listdir('/proc/self/fd'), key=int); "
        "open(os.environ['EXEC_TEST_OUT'] + '/fds', 'w')"
        ".write(' '.join(d))"]},
}
if os.environ.get("PAGERD_PLUGINDIR"):
    pd.config["plugin_dir"] = os.environ["PAGERD_PLUGINDIR"]


def up():
    redis.ensure()
    pd.ensure()
    return pd


def newest(suffix):
    """The output file with suffix the script wrote last."""
    names = [n for n in os.listdir(OUT) if n.endswith(suffix)]
    check(names, "the script wrote no %s file" % suffix)
    return max((os.path.join(OUT, n) for n in names), key=os.path.getmtime)


def env_of():
    env = {}
    with open(newest(".env")) as f:
        for line in f.read().split("\n"):
            if "=" in line:
                k, _, v = line.partition("=")
                env[k] = v
    return env


@t.case("exit 0 is delivered; alert fields arrive in PAGERD_* variables")
def _():
    up()
    status, j = nc.send_test(pd, "run", "pager-7", "Disk full on db1")
    eq((status, j["result"]), (200, "delivered"), repr(j))
    env = env_of()
    eq(env["PAGERD_TITLE"], "Disk full on db1", "PAGERD_TITLE")
    eq(env["PAGERD_ADDRESS"], "pager-7", "PAGERD_ADDRESS")
    eq(env["PAGERD_KIND"], "update", "PAGERD_KIND")
    eq(env["PAGERD_SEVERITY"], "sev3", "PAGERD_SEVERITY")
    eq(env["PAGERD_ATTEMPT"], "1", "PAGERD_ATTEMPT")
    eq(env["PAGERD_RECIPIENT_ID"], "test", "PAGERD_RECIPIENT_ID")
    check(env["PAGERD_IDEMPOTENCY_KEY"].startswith("test:"),
          env["PAGERD_IDEMPOTENCY_KEY"])
    for k in ("PAGERD_INCIDENT_ID", "PAGERD_STATUS", "PAGERD_SUMMARY",
              "PAGERD_REPLY_CODE", "PAGERD_RECIPIENT_NAME",
              "PAGERD_SERVICE", "PAGERD_URL"):
        check(k in env, "%s missing from %s" % (k, sorted(env)))


@t.case("the environment holds the allow-list, PATH and LANG and nothing "
        "else of the daemon's")
def _():
    up()
    nc.send_test(pd, "run", "x", "env check")
    env = env_of()
    eq(env.get("EXEC_TEST_OUT"), OUT, "allow-listed variable")
    check("SECRET_TOKEN" not in env, "SECRET_TOKEN leaked")
    check("PATH" in env and "LANG" in env, sorted(env))
    others = sorted(k for k in env if not k.startswith("PAGERD_") and
                    k not in ("EXEC_TEST_OUT", "PATH", "LANG", "PWD",
                              "SHLVL", "_", "OLDPWD"))
    eq(others, [], "other variables")


@t.case("shell syntax in alert text and arguments is passed literally")
def _():
    up()
    canary = os.path.join(t.dir, "pwned")
    keep = os.path.join(t.dir, "keep")
    open(keep, "w").close()
    title = "$(touch %s) `touch %s`; rm -f %s && touch %s | x" % (
        canary, canary, keep, canary)
    status, j = nc.send_test(pd, "run", "'; rm -rf / #", title)
    eq((status, j["result"]), (200, "delivered"), repr(j))
    env = env_of()
    eq(env["PAGERD_TITLE"], title, "PAGERD_TITLE")
    eq(env["PAGERD_ADDRESS"], "'; rm -rf / #", "PAGERD_ADDRESS")
    check(not os.path.exists(canary), "a shell ran the title")
    check(os.path.exists(keep), "a shell ran the title")
    with open(newest(".args")) as f:
        eq(f.read(), "a b\n$HOME\n*\n", "argv")


@t.case("the program gets no descriptor of the daemon but 0, 1 and 2")
def _():
    up()
    status, j = nc.send_test(pd, "fds", "x", "fd check")
    eq((status, j["result"]), (200, "delivered"), repr(j))
    with open(os.path.join(OUT, "fds")) as f:
        # 3 is the directory os.listdir() reads.
        eq(f.read(), "0 1 2 3", "open descriptors")


@t.case("exit 75 is retry, with the first line of stderr")
def _():
    up()
    status, j = nc.send_test(pd, "run", "x", "tempfail")
    eq((status, j["result"]), (502, "retry"), repr(j))
    eq(j["error"], "exit 75: modem busy, try later", "reason")


@t.case("another exit status is permanent, with the first line of stderr")
def _():
    up()
    status, j = nc.send_test(pd, "run", "x", "fail")
    eq((status, j["result"]), (502, "permanent"), repr(j))
    eq(j["error"], "exit 3: no such pager", "reason")


@t.case("a program writing much to stderr does not hang")
def _():
    up()
    status, j = nc.send_test(pd, "run", "x", "chatty")
    eq((status, j["result"]), (200, "delivered"), repr(j))


@t.case("a timeout kills the program and its children and is retry; the "
        "daemon keeps serving meanwhile")
def _():
    up()
    got = {}

    def page():
        t0 = time.monotonic()
        got["answer"] = nc.send_test(pd, "run", "x", "sleep")
        got["took"] = time.monotonic() - t0
    th = threading.Thread(target=page)
    th.start()
    time.sleep(0.3)
    # The program is running: the loop is not waiting for it.
    t0 = time.monotonic()
    eq(pd.healthz(timeout=1).status, 200, "/healthz meanwhile")
    check(time.monotonic() - t0 < 0.5, "/healthz was slow")
    check("answer" not in got, "answered before the timeout: %r" % got)
    th.join(10)
    status, j = got["answer"]
    took = got["took"]
    eq((status, j["result"]), (502, "retry"), repr(j))
    check("timed out" in j["error"], j["error"])
    check(0.9 <= took < 5, "answered after %.2fs" % took)
    with open(newest(".pid")) as f:
        pid = int(f.read())
    with open(newest(".child")) as f:
        child = int(f.read())
    pt.wait_until(lambda: not pt.pid_alive(pid) and
                  not pt.pid_alive(child), 3, what="both processes gone")
    # Reaped by pagerd: no zombie child left behind.
    eq([c for c in os.listdir("/proc") if c.isdigit() and
        pt.proc_ppid(int(c)) == pd.pid], [], "children of pagerd")


# A pagerd with its own redis-server child: both it and exec's programs
# are its children, and each side must reap only its own.
pds = t.pagerd(None, name="spawner")
pds.extra_env = dict(pd.extra_env)
pds.config["state_dir"] = os.path.join(t.dir, "spawn-state")
pds.config["redis"] = {"spawn": True, "server": pt.REDIS_SERVER,
                       "prefix": pt.PREFIX, "connect_timeout": "1s",
                       "reconnect_max": "1s", "command_timeout": "2s"}
pds.config["notifiers"] = pd.config["notifiers"]
if "plugin_dir" in pd.config:
    pds.config["plugin_dir"] = pd.config["plugin_dir"]


@t.case("with an embedded Redis: programs and redis-server are each "
        "reaped by their owner, Redis is never taken for dead")
def _():
    pds.ensure()
    mark = pds.log_size()
    for title, want in (("ok", "delivered"), ("tempfail", "retry"),
                        ("fail", "permanent"), ("ok", "delivered")):
        status, j = nc.send_test(pds, "run", "x", title)
        eq(j["result"], want, "%s: %r" % (title, j))
    log = pds.log_text(mark)
    check("restarting" not in log and "exited" not in log, log)
    eq(pds.metrics().value("pagerd_redis_spawn_restarts_total"), 0,
       "redis restarts")
    pds.stop()


@t.case("config errors name the key")
def _():
    bad = [
        ({"type": "exec", "command": ["notify.sh"]}, "command",
         "absolute path"),
        ({"type": "exec", "command": ["/nonexistent/x"]}, "command",
         "No such file"),
        ({"type": "exec"}, "command", "required"),
        ({"type": "exec", "command": [SCRIPT], "env": ["A-B"]}, "env",
         "not a variable name"),
        ({"type": "exec", "command": [SCRIPT], "env": ["PAGERD_X"]},
         "env", "not a variable name"),
        ({"type": "exec", "command": [SCRIPT], "timeout": "0s"},
         "timeout", "1s to 600s"),
        ({"type": "exec", "command": [SCRIPT], "shell": True}, "shell",
         "unknown key"),
    ]
    nc.expect_config_errors(t, pd, bad)


t.run()
