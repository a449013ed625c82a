"""Self-organizing map: the update rule by hand, the error measures by brute force, runs and backends."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from numeric.models import som
from tests.conftest import run_cli


def test_one_update_equals_the_rule_written_out():
    rng = np.random.default_rng(0)
    rows, cols = 3, 4
    W = rng.random((rows * cols, 2))
    x, eta, sigma = np.array([0.3, 0.8]), 0.4, 1.2
    expected = W.copy()
    J = min(range(rows * cols), key=lambda k: (x[0] - W[k, 0]) ** 2 + (x[1] - W[k, 1]) ** 2)
    for k in range(rows * cols):
        r2 = (k // cols - J // cols) ** 2 + (k % cols - J % cols) ** 2       # grid positions (row, col)
        h = math.exp(-r2 / (2 * sigma ** 2))
        expected[k] = W[k] + eta * h * (x - W[k])
    assert som.step(W, x, som.grid_sq_distances(rows, cols), eta, sigma) == J
    assert np.allclose(W, expected)


def test_schedules_decay_from_start_towards_end():
    s = som.schedule(0.5, 0.01, 1000)
    # start·(end/start)^(t/T) for t = 0 … T−1, as documented: the last value stops one step short of
    # ``end`` (0.01·50^(1/1000) ≈ 0.010039); t/(T − 1) would reach 0.01 exactly and must fail here.
    hand = np.array([0.5 * 0.02 ** (t / 1000) for t in range(1000)])
    np.testing.assert_allclose(s, hand, rtol=1e-12)
    assert s[0] == 0.5 and np.all(np.diff(s) < 0)
    assert s[-1] == pytest.approx(0.01 * 50 ** (1 / 1000), rel=1e-12) and abs(s[-1] / 0.01 - 1) > 1e-3


def test_errors_match_brute_force():
    from scipy.spatial.distance import cdist
    rng = np.random.default_rng(1)
    rows, cols = 4, 5
    W, X = rng.random((rows * cols, 3)), rng.random((60, 3))
    qe, te = som.errors(W, X, som.grid_sq_distances(rows, cols))
    d = cdist(X, W)
    assert qe == pytest.approx(d.min(axis=1).mean(), rel=1e-12)
    first, second = np.argsort(d, axis=1)[:, 0], np.argsort(d, axis=1)[:, 1]
    adjacent = [abs(a // cols - b // cols) + abs(a % cols - b % cols) == 1 for a, b in zip(first, second)]
    assert te == pytest.approx(1 - np.mean(adjacent))


def cfg(**kw) -> dict:
    return {**som.OPTIONS, "seed": 0, **kw}


@pytest.mark.parametrize("data", ["colors", "grid", "uniform"])
def test_default_run_quantization_error_falls(data):
    m = som.train(cfg(data=data)).metrics
    assert m["quantization_error_final"] < m["quantization_error_initial"] / 2.5
    assert m["topographic_error_final"] < 0.2 and m["error_fell"] is True and m["steps"] == som.STEPS


def test_torch_backend_gives_the_same_map():
    pytest.importorskip("torch")
    a = som.train(cfg(steps=400, seed=3)).metrics
    b = som.train(cfg(steps=400, seed=3, backend="torch")).metrics
    assert a["quantization_error_final"] == pytest.approx(b["quantization_error_final"], rel=1e-4)
    assert a == som.train(cfg(steps=400, seed=3)).metrics


def test_bad_map_size_and_data_are_user_errors():
    from derive.errors import UserError
    with pytest.raises(UserError):
        som.train(cfg(rows=1, cols=1))
    with pytest.raises(UserError):
        som.train(cfg(data="iris"))


def test_cli_plot_and_mismatched_load(tmp_path):
    png, saved = tmp_path / "som.png", tmp_path / "som.npz"
    out = run_cli("train", "som", "--data", "grid", "--steps", "300", "--plot", str(png),
                  "--save", str(saved), "--set", "rows=6", "--format", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["rows"] == 6
    assert png.is_file() and png.stat().st_size > 1000
    bad = run_cli("train", "som", "--data", "grid", "--load", str(saved))     # a 6×10 map into a 10×10 one
    assert bad.returncode == 2 and "--load" in bad.stderr and "shape" in bad.stderr
