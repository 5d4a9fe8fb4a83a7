#!/usr/bin/python3
"""The command line and config validation: pagerd -c FILE -t, -s
overrides, and the FILE:LINE: key: message errors (all of them, in one
run). Reload behaviour is in test_reload.py."""

import os
import re

import pagerd_test as pt
from pagerd_test import check, eq

t = pt.TestFile("config_cli")
D = os.path.join(t.dir, "cfg")
os.makedirs(D)
redis = t.redis()


def write(name, text):
    p = os.path.join(D, name)
    with open(p, "w") as f:
        f.write(text)
    return p


def valid_text(port=18080, uport=15140, extra=""):
    c = pt.base_config(D, os.path.join(D, "redis.sock"))
    c["http"]["listen"] = ["127.0.0.1:%d" % port]
    c["udp"]["listen"] = ["127.0.0.1:%d" % uport]
    return pt.render_config(c) + extra


def pagerd(*args, timeout=15, cwd=None):
    r = pt.run([pt.PAGERD] + list(args), timeout=timeout, cwd=cwd,
               env={"CREDENTIALS_DIRECTORY": None})
    pt.diag("pagerd %s -> %s" % (" ".join(args), r.returncode))
    for line in (r.stdout + r.stderr).splitlines()[:30]:
        pt.diag("  | " + line)
    return r


def check_t(path, *args, cwd=None):
    return pagerd("-c", path, "-t", *args, cwd=cwd)


def expect_invalid(r, what="pagerd -t"):
    check(r.returncode == 1, "%s: exit status %s, want 1 (negative: killed "
          "by a signal)" % (what, r.returncode))
    check(r.stderr.strip(), "%s: nothing on stderr" % what)


def has_error(r, path, line, key, anydir=False):
    """stderr has a line "PATH:LINE: ...KEY..." (anydir: the file named
    with or without its directory)."""
    fp = re.escape(path)
    if anydir:
        fp = r"(?:\S*/)?" + re.escape(os.path.basename(path))
    pat = re.compile(r"^%s:%d: .*%s" % (fp, line, re.escape(key)), re.M)
    check(pat.search(r.stderr), "no %s:%d: error naming %r in stderr:\n%s"
          % (path, line, key, r.stderr))


@t.case("-t on a valid file: exit 0, \"FILE: configuration OK\" on stdout")
def _():
    p = write("valid.conf", valid_text())
    r = check_t(p)
    eq(r.returncode, 0, "exit status")
    check(("%s: configuration OK" % p) in r.stdout,
          "stdout %r" % r.stdout)
    eq(r.stderr.strip(), "", "stderr")


@t.case("-t on the shipped sample etc/pagerd.conf: exit 0")
def _():
    p = os.path.join(pt.SRCDIR, "etc", "pagerd.conf")
    check(os.path.exists(p), "%s missing" % p)
    eq(check_t(p).returncode, 0, "exit status")


@t.case("-t on a file with six errors reports all six as FILE:LINE: key: "
        "message, exit 1")
def _():
    p = write("errors.conf", """\
state_dir = "/tmp/x";
log: {
	level = "debug";
	colour = true;
};
redis: {
	spawn = false;
	address = "unix:/tmp/x/redis.sock";
	connect_timeout = "10m";
	db = "zero";
};
http: {
	listen = [ "127.0.0.1:8080" ];
	max_body = "big";
	request_timeout = "soon";
};
bogus = 1;
""")
    r = check_t(p)
    expect_invalid(r)
    has_error(r, p, 4, "log.colour")
    has_error(r, p, 9, "redis.connect_timeout")
    has_error(r, p, 10, "redis.db")
    has_error(r, p, 14, "http.max_body")
    has_error(r, p, 15, "http.request_timeout")
    has_error(r, p, 17, "bogus")


@t.case("durations out of range (10m, 50ms for connect_timeout; 0s) are "
        "errors naming the key")
def _():
    for val, key in (('"10m"', "redis.connect_timeout"),
                     ('"50ms"', "redis.connect_timeout"),
                     ('"0s"', "redis.command_timeout"),
                     ('"-1s"', "http.idle_timeout")):
        leaf = key.split(".")
        p = write("dur.conf", 'state_dir = "/tmp/x";\n%s: {\n\t%s = %s;\n};\n'
                  % (leaf[0], leaf[1], val))
        r = check_t(p)
        expect_invalid(r, "%s = %s" % (key, val))
        has_error(r, p, 3, key)


@t.case("wrong values: log.level, listen address, negative max_body, "
        "appendfsync, unknown key in an integration")
def _():
    cases = [
        ('log: {\n\tlevel = "loud";\n};\n', 2, "log.level"),
        ('http: {\n\tlisten = [ "nonsense" ];\n};\n', 2, "http.listen"),
        ('http: {\n\tlisten = [ "127.0.0.1:99999" ];\n};\n', 2,
         "http.listen"),
        ('http: {\n\tmax_body = -1;\n};\n', 2, "http.max_body"),
        ('redis: {\n\tappendfsync = "sometimes";\n};\n', 2,
         "redis.appendfsync"),
        ('redis: {\n\tspawn = "yes";\n};\n', 2, "redis.spawn"),
        ('integrations = (\n\t{ name = "a"; key = "k-0123456789abcdef"; '
         'colour = 1; }\n);\n', 2, "colour"),
        ('limits: {\n\tbatch = 0;\n};\n', 2, "limits.batch"),
    ]
    for text, line, key in cases:
        p = write("val.conf", 'state_dir = "/tmp/x";\n' + text)
        r = check_t(p)
        expect_invalid(r, key)
        has_error(r, p, line + 1, key)


@t.case("an integration without key or key_file is an error at its line")
def _():
    p = write("nokey.conf", 'state_dir = "/tmp/x";\nintegrations = (\n'
              '\t{ name = "a"; source = "x"; }\n);\n')
    r = check_t(p)
    expect_invalid(r)
    check(re.search(r"^%s:3: .*key" % re.escape(p), r.stderr, re.M),
          "no %s:3: error about the key:\n%s" % (p, r.stderr))


@t.case("key_file: read relative to the config file; a missing one is an "
        "error naming key_file")
def _():
    write("prom.key", "secret-from-file-0123456789\n")
    p = write("keyfile.conf", valid_text() + 'integrations = (\n'
              '\t{ name = "f"; key_file = "prom.key"; source = "x"; }\n);\n')
    # drop the first integrations list: the base config has one already
    text = open(p).read()
    i = text.index("integrations = (")
    j = text.index(");", i) + 3
    text = text[:i] + text[j:]
    open(p, "w").write(text)
    eq(check_t(p, cwd="/").returncode, 0, "exit status with key_file")
    text2 = text.replace('"prom.key"', '"missing.key"')
    p2 = write("keyfile2.conf", text2)
    line = text2[:text2.index('"missing.key"')].count("\n") + 1
    r = check_t(p2)
    expect_invalid(r)
    has_error(r, p2, line, "key_file")


@t.case("a missing file: exit 1, FILE:0:")
def _():
    p = os.path.join(D, "does-not-exist.conf")
    r = check_t(p)
    expect_invalid(r)
    check(("%s:0:" % p) in r.stderr, "no %s:0: in %r" % (p, r.stderr))


@t.case("a syntax error: exit 1, FILE:LINE of the error")
def _():
    p = write("syntax.conf", 'state_dir = "/tmp/x";\nhttp: {\n'
              '\tmax_body = = 5;\n};\n')
    r = check_t(p)
    expect_invalid(r)
    check(re.search(r"^%s:3: " % re.escape(p), r.stderr, re.M),
          "no %s:3: in %r" % (p, r.stderr))


@t.case("@include of a directory: exit 1 with FILE:LINE (not libconfig's "
        "exit from the flex scanner)")
def _():
    os.makedirs(os.path.join(D, "conf.d"), exist_ok=True)
    p = write("incdir.conf", 'state_dir = "/tmp/x";\n\n@include "conf.d"\n')
    r = check_t(p)
    expect_invalid(r)
    check(re.search(r"^%s:3: " % re.escape(p), r.stderr, re.M),
          "no %s:3: in %r" % (p, r.stderr))
    check("flex scanner" not in r.stderr, "libconfig's scanner died")


@t.case("@include of a missing file: exit 1 with FILE:LINE of the include")
def _():
    p = write("incmiss.conf", 'state_dir = "/tmp/x";\n'
              '@include "missing.conf"\n')
    r = check_t(p)
    expect_invalid(r)
    check(re.search(r"^%s:2: .*missing\.conf" % re.escape(p), r.stderr,
                    re.M), "no %s:2: naming missing.conf in %r"
          % (p, r.stderr))


@t.case("@include of a valid file works; an error inside it names the "
        "included file and its line")
def _():
    write("inc-ok.conf", 'store: {\n\tretention = "3d";\n};\n')
    text = valid_text().replace("store: {", "old_store: {")
    # drop the base config's store group so the include is the only one
    i = text.index("old_store: {")
    j = text.index("};", i) + 3
    text = text[:i] + text[j:]
    p = write("inc-main.conf", text + '@include "inc-ok.conf"\n')
    eq(check_t(p).returncode, 0, "exit status with a valid include")
    bad = write("inc-bad.conf", 'store: {\n\n\tretention = "forever";\n};\n')
    p2 = write("inc-main2.conf", text + '@include "inc-bad.conf"\n')
    r = check_t(p2)
    expect_invalid(r)
    has_error(r, bad, 3, "store.retention", anydir=True)


@t.case("a relative @include is found next to the main file, whatever the "
        "working directory")
def _():
    # An admin reads @include "rota.conf" as "the one next to this
    # file", not "the one in whatever directory pagerd was started from".
    sub = os.path.join(D, "rel")
    os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, "part.conf"), "w") as f:
        f.write('store: {\n\tretention = "2d";\n};\n')
    text = valid_text()
    i = text.index("store: {")
    j = text.index("};", i) + 3
    text = text[:i] + text[j:] + '@include "part.conf"\n'
    p = os.path.join(sub, "main.conf")
    with open(p, "w") as f:
        f.write(text)
    eq(check_t(p, cwd="/").returncode, 0, "exit status")


@t.case("-s overrides: a valid one passes -t; one can fix a bad file value")
def _():
    p = write("valid.conf", valid_text())
    eq(check_t(p, "-s", "http.listen=127.0.0.1:9999").returncode, 0,
       "-s http.listen")
    eq(check_t(p, "-s", "redis.spawn=false", "-s",
               "limits.batch=10").returncode, 0, "two -s")
    eq(check_t(p, "-s", "http.listen=127.0.0.1:9998,127.0.0.1:9997")
       .returncode, 0, "-s list")
    bad = write("fixme.conf", valid_text().replace(
        'connect_timeout = "1s"', 'connect_timeout = "10m"'))
    expect_invalid(check_t(bad), "file with 10m")
    eq(check_t(bad, "-s", "redis.connect_timeout=1s").returncode, 0,
       "-s fixing connect_timeout")


@t.case("-s with an unknown key, a bad value or no '=': exit 1 naming it")
def _():
    p = write("valid.conf", valid_text())
    r = check_t(p, "-s", "http.lisen=127.0.0.1:9999")
    expect_invalid(r, "unknown key")
    check("http.lisen" in r.stderr, "http.lisen not named: %r" % r.stderr)
    for ov, key in (("http.max_body=lots", "http.max_body"),
                    ("redis.spawn=maybe", "redis.spawn"),
                    ("redis.connect_timeout=10m", "redis.connect_timeout"),
                    ("nosuchsection.key=1", "nosuchsection.key")):
        r = check_t(p, "-s", ov)
        expect_invalid(r, "-s " + ov)
        check(key in r.stderr, "%s not named: %r" % (key, r.stderr))
    # A malformed -s is a usage error: 1 or 2 are both fair.
    r = check_t(p, "-s", "http.listen")
    check(r.returncode in (1, 2), "-s without =: exit status %s"
          % r.returncode)
    check("http.listen" in r.stderr, "-s without =: argument not named: %r"
          % r.stderr)


@t.case("-s http.listen applies at run time: the daemon listens there")
def _():
    redis.ensure()
    pd = t.pagerd(redis, name="pagerd-s")
    other = pt.free_port()
    pd.start(args=["-s", "http.listen=127.0.0.1:%d" % other], wait=None)
    in_file = pd.port
    pd.port = other
    pd.wait_healthz(200, 10)
    try:
        pt.http_request(in_file, "GET", "/healthz", timeout=1)
        raise AssertionError("the file's listen address %d answers too"
                             % in_file)
    except OSError:
        pass
    pd.stop()


@t.case("pagerd (without -t) on a bad file exits 1 with the errors and "
        "does not listen")
def _():
    port = pt.free_port()
    p = write("bad-run.conf", valid_text(port=port).replace(
        "max_body = 1048576", 'max_body = "big"'))
    r = pagerd("-c", p, timeout=10)
    eq(r.returncode, 1, "exit status")
    check(re.search(r"%s:\d+: .*http\.max_body" % re.escape(p), r.stderr),
          "no error naming http.max_body: %r" % r.stderr)


@t.case("an unknown option: non-zero exit with usage on stderr")
def _():
    r = pagerd("-x")
    check(r.returncode not in (0, None) and r.returncode > 0,
          "exit status %s" % r.returncode)
    check("usage" in r.stderr.lower() or "-c" in r.stderr,
          "no usage text: %r" % r.stderr)


t.run()
