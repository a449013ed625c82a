"""Issue 12 item 12: ``verify`` refuses, before computing, the configurations whose central
differences would not finish in time, and says how many points would."""

from __future__ import annotations

import re
import resource

import numpy as np
import pytest

from derive.errors import UserError
from derive.numcheck import MAX_FD_WORK, guard_work
from tests.conftest import run_cli


def test_guard_counts_points_values_and_forward_steps():
    point = {"W": np.zeros((3, 4)), "b": np.zeros(4), "x": np.zeros(100)}
    assert guard_work(5, point, ["W", "b"], 7) == 5 * 2 * 16 * 7          # x is not differentiated
    per_point = 2 * 16 * 7
    fits = MAX_FD_WORK // per_point
    assert guard_work(fits, point, ["W", "b"], 7) <= MAX_FD_WORK
    with pytest.raises(UserError) as err:
        guard_work(fits + 1, point, ["W", "b"], 7)
    assert err.value.arg == "--points" and f"use --points {fits} or fewer" in str(err.value)


def test_one_point_too_many_asks_for_a_smaller_configuration():
    with pytest.raises(UserError, match="smaller configuration"):
        guard_work(1, {"W": np.zeros(MAX_FD_WORK)}, ["W"], 1)


def test_issue_example_mlp_is_refused_and_the_advice_finishes():
    out = run_cli("verify", "mlp", "--matrix", "--layers", "50", "--points", "100")
    assert out.returncode == 2 and out.stderr.startswith("chainrule: error: --points: verification too large")
    fits = int(re.search(r"use --points (\d+) or fewer", out.stderr).group(1))
    assert 1 <= fits < 100
    before = resource.getrusage(resource.RUSAGE_SELF).ru_utime
    ok = run_cli("verify", "mlp", "--matrix", "--layers", "50", "--points", str(fits), "--format", "json")
    assert ok.returncode == 0, ok.stderr
    assert resource.getrusage(resource.RUSAGE_SELF).ru_utime - before < 120  # hang guard only (about 4 s here)


@pytest.mark.parametrize("topic", ["rnn", "lstm", "gru"])
def test_recurrent_verify_takes_at_most_50_steps(topic):
    out = run_cli("verify", topic, "--steps", "100", "--points", "100")
    assert out.returncode == 2
    assert out.stderr == ("chainrule: error: --steps: verify checks sequences of at most 50 steps "
                          "(derive shows up to 100), got 100\n")


def test_derive_still_shows_100_steps():
    out = run_cli("derive", "rnn", "--steps", "100", "--format", "json")
    assert out.returncode == 0, out.stderr


def test_engine_rules_are_compiled_once_per_process():
    import derive
    from derive.backend import _compiled
    derive.verify("mlp", {}, points=1)
    misses = _compiled.cache_info().misses
    derive.verify("mlp", {}, points=3)
    assert _compiled.cache_info().misses == misses and _compiled.cache_info().hits > 0
