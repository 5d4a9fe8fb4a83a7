#!/usr/bin/python3
"""notifier_check — what the tests of single notifier plugins share
(test_sms, test_email, test_exec): send a test notification through
POST /api/v1/notifiers/NAME/test and check a config with pagerd -t.
"""

import copy
import json
import os

import pagerd_test as pt

AUTH = {"Authorization": "Bearer " + pt.TOKEN,
        "Content-Type": "application/json"}


def send_test(pd, name, address, title=None, timeout=20):
    """POST /api/v1/notifiers/NAME/test; returns (status, JSON body)."""
    body = {"address": address}
    if title is not None:
        body["title"] = title
    r = pd.request("POST", "/api/v1/notifiers/%s/test" % name,
                   json.dumps(body), AUTH, timeout=timeout)
    try:
        return r.status, r.json()
    except ValueError:
        raise AssertionError("not JSON: %r" % (r,))


def check_config(tf, cfg, env=None):
    """pagerd -t on cfg (a config dict): (exit status, all output)."""
    path = os.path.join(tf.dir, "check-%s.conf" % pt.uniq())
    cfg = copy.deepcopy(cfg)
    cfg["http"]["listen"] = ["127.0.0.1:1"]
    with open(path, "w") as f:
        f.write(pt.render_config(cfg))
    r = pt.run([pt.PAGERD, "-t", "-c", path], env=env)
    return r.returncode, r.stderr + r.stdout


def expect_config_errors(tf, pd, cases):
    """pagerd -t passes pd's config as it is; and for each (settings,
    key, words) in cases, pagerd -t on it with one notifier "x" set to
    settings fails with "notifiers.x.KEY: ...words..."."""
    rc, out = check_config(tf, pd.config)
    pt.check(rc == 0, "pagerd -t refused the test's config:\n" + out)
    for settings, key, words in cases:
        cfg = copy.deepcopy(pd.config)
        cfg["notifiers"] = {"x": settings}
        rc, out = check_config(tf, cfg)
        pt.check(rc != 0 and "notifiers.x.%s: " % key in out and
                 words in out, "%r: want notifiers.x.%s ... %s, got:\n%s"
                 % (settings, key, words, out))
