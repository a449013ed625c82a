"""Statistics of small data are real numbers, not float noise: the notebook shows |x| < 1e-10 as
0, which turned the variance 1e-12 of [0, 2e-6] into 0 — batch and layer norm then gave
x̂ = ±1 instead of ±0.707 (with ε = 1e-12), and the t-tests divided by a zero SE ("givens too
extreme to compute") for samples inside their documented range. Checked against scipy.stats and
a direct NumPy computation; equal values still give a variance of exactly 0."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.conftest import run_cli


def _key(*args: str) -> dict:
    out = run_cli("check", *args, "--reveal", "--no-record", "--format", "json")
    assert out.returncode == 0, out.stderr
    return {s["id"]: s["expected"] for s in json.loads(out.stdout)["steps"]}


@pytest.mark.parametrize("data", [[0, 1e-6], [3e-6, 4e-6, 5e-6, 4.5e-6], [1e3, 1e3 + 0.5, 1e3 + 2]])
def test_ttest_of_small_or_tightly_spread_data(data):
    stats = pytest.importorskip("scipy.stats")
    x = np.array(data)
    key = _key("ttest", "-g", f"data={data!r}", "-g", "mu0=0.5", "-g", "alpha=0.05", "-g", "tail=two")
    ref = stats.ttest_1samp(x, 0.5)
    assert key["sumsq"] == pytest.approx(float((x ** 2).sum()), rel=1e-9)
    assert key["sd"] == pytest.approx(float(x.std(ddof=1)), rel=1e-6)
    assert key["t"] == pytest.approx(float(ref.statistic), rel=1e-6)


@pytest.mark.parametrize("method", ["pooled", "welch"])
def test_ttest_ind_of_small_data(method):
    stats = pytest.importorskip("scipy.stats")
    a, b = [0.0, 1e-6, 0.5e-6], [0.0, 2e-6, 3e-6]
    key = _key("ttest-ind", "-g", f"data1={a!r}", "-g", f"data2={b!r}", "-g", f"method={method}", "-g", "alpha=0.05",
               "-g", "tail=two")
    ref = stats.ttest_ind(a, b, equal_var=method == "pooled")
    assert key["var1"] == pytest.approx(float(np.var(a, ddof=1)), rel=1e-9)
    assert key["t"] == pytest.approx(float(ref.statistic), rel=1e-6)


def test_ttest_ind_summary_with_the_smallest_sd():
    key = _key("ttest-ind", "-g", "n1=5", "-g", "mean1=0", "-g", "sd1=1e-6", "-g", "n2=5", "-g", "mean2=1e-6", "-g", "sd2=1e-6",
               "-g", "alpha=0.05")
    assert key["var1"] == pytest.approx(1e-12, rel=1e-12)
    assert key["t"] == pytest.approx(-1e-6 / np.sqrt(1e-12 * (2 / 5)), rel=1e-9)


def _norm(x: np.ndarray, axis: int, eps: float) -> np.ndarray:
    return (x - x.mean(axis=axis, keepdims=True)) / np.sqrt(x.var(axis=axis, keepdims=True) + eps)


def test_batchnorm_of_a_small_batch():
    x = np.array([0.0, 2e-6, 1e-6, 5e-6])
    key = _key("batchnorm", "--variant", "forward", "-g", f"x={x.tolist()!r}", "-g", "gamma=1", "-g", "beta=0", "-g", "eps=1e-12")
    assert key["var"] == pytest.approx(float(x.var()), rel=1e-9)
    assert key["xhat"] == pytest.approx(_norm(x, 0, 1e-12).tolist(), rel=1e-5)


def test_layernorm_of_a_small_row():
    x = np.array([[0.0, 2e-6, 4e-6], [1.0, 2.0, 4.0]])
    key = _key("layernorm", "-g", "variant=layer", "-g", f"x={x.tolist()!r}", "-g", "gamma=[1,1,1]", "-g", "beta=[0,0,0]",
               "-g", "eps=1e-12")
    assert key["var"] == pytest.approx(x.var(axis=1).tolist(), rel=1e-9)
    assert np.allclose(key["xhat"], _norm(x, 1, 1e-12), rtol=1e-5, atol=1e-6)


def test_equal_values_still_have_zero_variance():
    key = _key("batchnorm", "--variant", "forward", "-g", "x=[0.1, 0.1, 0.1]", "-g", "gamma=1", "-g", "beta=0")
    assert key["var"] == 0 and key["xhat"] == [0, 0, 0]
