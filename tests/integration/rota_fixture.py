"""What test_oncall.py and test_schedule.py share: the rota they ask
about, a place to write configs and pagerctl run as a user would.

anna has the shift from 2026-01-05 09:00 (a Monday), bram the next, and
so on: on even days since the anchor anna, on odd days bram. 2026-03-09
is day 63 (bram), 2026-03-10 day 64 (anna), 03-11 bram. carl covers
three hours of bram's 11 March."""

import os

import pagerd_test as pt
from pagerd_test import check

CONF = """\
people: {
	anna: { name = "Anna"; phone = "+31612345601"; };
	bram: { name = "Bram"; phone = "+31612345602"; };
	carl: { name = "Carl"; phone = "+31612345603"; };
};
rotas: {
	ops: {
		time_zone = "Europe/Amsterdam";
		levels = ( { name = "primary"; layers = (
			{ name = "daily"; members = [ "anna", "bram" ];
			  shift = "1d"; handoff = "09:00";
			  anchor = "2026-01-05"; }
		); } );
		overrides = ( { person = "carl"; covers = "bram";
			from = "2026-03-11 12:00"; until = "2026-03-11 15:00";
			note = "dentist"; } );
	};
};
"""


class Configs:
    """Config files written under the test file's directory."""

    def __init__(self, t):
        self.dir = os.path.join(t.dir, "cfg")
        os.makedirs(self.dir)

    def write(self, name, text):
        p = os.path.join(self.dir, name)
        with open(p, "w") as f:
            f.write(text)
        return p


def ctl(*args):
    """pagerctl with these arguments and no PAGERD_URL/TOKEN from the
    environment; its output in the diagnostics, no sanitizer report."""
    r = pt.run([pt.PAGERCTL] + list(args), timeout=30,
               env={"PAGERD_URL": None, "PAGERD_TOKEN": None})
    pt.diag("pagerctl %s -> %s" % (" ".join(args), r.returncode))
    for line in (r.stdout + r.stderr).splitlines()[:30]:
        pt.diag("  | " + line)
    rep = pt.sanitizer_report(r.stdout + r.stderr)
    check(rep is None, "sanitizer: %s" % rep)
    return r
