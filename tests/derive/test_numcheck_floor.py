"""Central differences' rounding noise grows with the loss (ε·|L|/h): the comparison's floor is
scaled by max(1, |L|), so a large loss does not fail a right gradient, and a wrong one still fails."""

from __future__ import annotations

import numpy as np
import pytest

from derive.numcheck import FD_METHOD, check_gradients
from tests.conftest import run_cli


def _loss(p):
    # a large loss (~1e3) whose gradient in `v` is tiny (~1e-6): a vanishing path beside a big one
    return 1000.0 * (1.0 + float(np.sum(np.sin(p["u"])))) + 1e-6 * float(np.sum(p["v"] ** 3))


def _sample(rng):
    return {"u": rng.normal(size=(3, 4)), "v": rng.normal(size=5)}


def _fd(grads, floor=1e-3):
    checks = check_gradients(_loss, grads, _sample, points=3, seed=4, fd_floor=floor)
    return {c.parameter: c for c in checks if c.method == FD_METHOD}


def test_right_gradients_pass_beside_a_large_loss():
    checks = _fd({"u": lambda p: 1000.0 * np.cos(p["u"]), "v": lambda p: 3e-6 * p["v"] ** 2})
    assert all(c.passed for c in checks.values()), {k: c.max_rel_error for k, c in checks.items()}


@pytest.mark.parametrize("wrong", [lambda p: -1000.0 * np.cos(p["u"]), lambda p: 1001.0 * np.cos(p["u"]),
                                   lambda p: 1000.0 * np.cos(p["u"]) + np.eye(3, 4) * 0.05])
def test_a_wrong_gradient_still_fails_beside_a_large_loss(wrong):
    assert not _fd({"u": wrong})["u"].passed


def test_a_long_rnn_with_a_large_loss_verifies():
    out = run_cli("verify", "rnn", "--steps", "40", "--hidden", "16", "--inputs", "16", "--outputs", "16", "--points", "1",
                  "--no-torch", "--format", "json")
    assert out.returncode == 0, out.stdout[-2000:]
