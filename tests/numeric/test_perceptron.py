"""`chainrule train perceptron`: converges on separable gates, reports failure on XOR, matches a hand trace."""

from __future__ import annotations

import json

import numpy as np
import pytest

from numeric.models import perceptron
from tests.conftest import run_cli


def _config(**kw):
    return {**perceptron.OPTIONS, "backend": "numpy", "device": "cpu", "seed": 0, "plot": None, "save": None,
            "load": None, **kw}


@pytest.mark.parametrize("seed", range(20))
def test_separable_gates_converge_and_xor_does_not(seed):
    m = perceptron.train(_config(seed=seed)).metrics
    assert m["converged"] == {"and": True, "or": True, "xor": False}
    assert m["results"]["and"]["errors"] == 0 and m["results"]["or"]["errors"] == 0
    assert m["results"]["xor"]["errors"] >= 1            # no line separates XOR
    assert m["epochs"]["xor"] == 100


@pytest.mark.parametrize("name", ["nand", "nor", "xnor"])
def test_other_gates(name):
    r = perceptron.train(_config(data=name)).metrics["results"][name]
    assert r["converged"] is (name != "xnor")


def test_hand_trace_from_zero_weights():
    """AND from w = 0, b = 0, η = 1, traced by hand with y = 1 if net ≥ 0.

    epoch 1: 00 net 0 → y 1, t 0: b = −1 · 01 net −1 → 0 ok · 10 → 0 ok · 11 net −1 → 0, t 1: w = (1, 1), b = 0
    epoch 2: 00 net 0 → 1, t 0: b = −1 · 01 net 0 → 1, t 0: w = (1, 0), b = −2 · 10 net −1 ok · 11 net −1 → 0: w = (2, 1), b = −1
    epoch 3: 00 −1 ok · 01 0 → 1: w = (2, 0), b = −2 · 10 net 0 → 1: w = (1, 0), b = −3 · 11 net −2 → 0: w = (2, 1), b = −2
    epoch 4: 00 −2 ok · 01 −1 ok · 10 0 → 1: w = (1, 1), b = −3 · 11 net −1 → 0: w = (2, 2), b = −2
    epoch 5: 00 −2 · 01 0 → 1: w = (2, 1), b = −3 · 10 −1 ok · 11 0 → 1 ok
    epoch 6: 00 −3, 01 −2, 10 −1, 11 0 → all correct: converged.
    """
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    w, b, mistakes, _ = perceptron.learn_numpy(X, np.array([0, 0, 0, 1.0]), np.zeros(2), 0.0, 1.0, 50)
    np.testing.assert_array_equal(w, [2, 1])
    assert b == -3 and mistakes == [2, 3, 3, 2, 1, 0]


def test_torch_backend_gives_the_same_run():
    pytest.importorskip("torch")
    a = perceptron.train(_config(seed=3, epochs=30)).metrics
    b = perceptron.train(_config(seed=3, epochs=30, backend="torch")).metrics
    assert a == b


def test_xor_cycle_is_reported():
    report = perceptron.train(_config(data="xor"))
    assert any("cycle" in n for n in report.notes)
    assert report.metrics["converged"] == {"xor": False}


def test_cli_json_and_bad_data():
    out = run_cli("train", "perceptron", "--format", "json", "--seed", "2")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["converged"] == {"and": True, "or": True, "xor": False}
    bad = run_cli("train", "perceptron", "--data", "maybe")
    assert bad.returncode == 2 and "--data" in bad.stderr


def test_save_and_load_round_trip(tmp_path):
    path = tmp_path / "p.npz"
    first = perceptron.train(_config(save=path)).metrics["results"]
    again = perceptron.train(_config(load=path, seed=7)).metrics["results"]
    assert again["and"]["epochs"] == 1 and again["or"]["epochs"] == 1          # already correct: no mistake
    assert again["and"]["weights"] == first["and"]["weights"]
    from derive.errors import UserError
    with pytest.raises(UserError, match="nand"):
        perceptron.train(_config(load=path, data="nand"))
