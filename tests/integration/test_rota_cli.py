#!/usr/bin/python3
"""pagerd -t with rota files: @included people, calendars and rotas are
checked with FILE:LINE errors, and a valid config gets advice about the
next 90 days (coverage gaps, stale overrides) as warnings, exit 0."""

import os
import re

import pagerd_test as pt
from pagerd_test import check, eq

t = pt.TestFile("rota_cli")
D = os.path.join(t.dir, "cfg")
os.makedirs(os.path.join(D, "rota.d"))


def write(name, text):
    p = os.path.join(D, name)
    with open(p, "w") as f:
        f.write(text)
    return p


def check_t(path):
    r = pt.run([pt.PAGERD, "-c", path, "-t"], timeout=30,
               env={"CREDENTIALS_DIRECTORY": None})
    pt.diag("pagerd -t %s -> %s" % (path, r.returncode))
    for line in (r.stdout + r.stderr).splitlines()[:30]:
        pt.diag("  | " + line)
    return r


def sanitizer_free(r):
    rep = pt.sanitizer_report(r.stdout + r.stderr)
    check(rep is None, "sanitizer: %s" % rep)


MAIN = """\
people: {
	anna: { phone = "+31612345601"; };
	bram: { phone = "+31612345602"; };
};
rotas: {
	@include "rota.d/team.conf"
};
"""

# Business hours and weeknights only: Friday 18:00 to Monday 09:00 is
# nobody's, every week. The override ended long ago.
GAPPY = """\
team: {
	time_zone = "Europe/Amsterdam";
	levels = ( { layers = (
		{ name = "days"; members = [ "anna" ]; shift = "1w";
		  handoff = "mon 09:00"; anchor = "2026-01-05";
		  restrictions = [ "mon-fri 09:00-18:00" ]; },
		{ name = "nights"; members = [ "bram" ]; shift = "1d";
		  handoff = "18:00"; anchor = "2026-01-05";
		  restrictions = [ "mon-thu 18:00-09:00" ]; }
	); } );
	overrides = ( { person = "bram"; covers = "anna";
		from = "2020-01-01 00:00"; until = "2020-01-02 00:00"; } );
};
"""


@t.case("-t on a rota with weekend gaps: exit 0, warnings on stdout")
def _():
    p = write("main.conf", MAIN)
    write("rota.d/team.conf", GAPPY)
    r = check_t(p)
    sanitizer_free(r)
    eq(r.returncode, 0, "exit status")
    eq(r.stderr.strip(), "", "stderr")
    check(("%s: configuration OK" % p) in r.stdout, "no OK line")
    gaps = re.findall(r"^%s: warning: rota team level 1: nobody on call "
                      r"\d{4}-\d\d-\d\d 18:00 \u2013 \d{4}-\d\d-\d\d 09:00 "
                      r"Europe/Amsterdam$" % re.escape(p), r.stdout, re.M)
    eq(len(gaps), 10, "gap lines (ten, then a count)")
    check(re.search(r"warning: rota team level 1: \d+ more gaps until",
                    r.stdout), "no count of further gaps")
    check(re.search(r"warning: rota team: the override bram for anna ended "
                    r"2020-01-02 00:00 Europe/Amsterdam", r.stdout),
          "no expired override warning")


@t.case("-t names FILE:LINE inside an @included rota file, exit 1")
def _():
    p = write("main.conf", MAIN)
    inc = write("rota.d/team.conf", GAPPY.replace(
        'members = [ "bram" ]', 'members = [ "bram", "zoe" ]').replace(
        'anchor = "2026-01-05";\n\t\t  restrictions = [ "mon-fri',
        'anchor = "2026-01-06";\n\t\t  restrictions = [ "mon-fri'))
    r = check_t(p)
    sanitizer_free(r)
    eq(r.returncode, 1, "exit status")
    check(re.search(r"^%s:7: rotas\.team\.levels\[0\]\.layers\[1\]\."
                    r"members\[1\]: no person \"zoe\" in people"
                    % re.escape(inc), r.stderr, re.M),
          "no error for the unknown member")
    check(re.search(r"^%s:5: rotas\.team\.levels\[0\]\.layers\[0\]\.anchor: "
                    r"2026-01-06 is a Tue" % re.escape(inc), r.stderr, re.M),
          "no error for the anchor's weekday")
    check("warning" not in r.stdout, "warnings for an invalid file")


@t.case("-t on the shipped sample etc/pagerd.conf with its rota: exit 0")
def _():
    p = os.path.join(pt.SRCDIR, "etc", "pagerd.conf")
    r = check_t(p)
    sanitizer_free(r)
    eq(r.returncode, 0, "exit status")
    check("nobody on call" not in r.stdout, "the sample team has a gap")


t.run()
