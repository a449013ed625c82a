"""pca: a 4-point example worked by hand (eigenvalues 15 and 20/3, axes (0.8, −0.6) and (0.6, 0.8)),
either eigenvector sign accepted and carried, both divisors, named mistakes, sklearn agreement."""

from __future__ import annotations

import numpy as np
import pytest

import problems.types.pca as M
from problems import engine

G = {"X": [[7, 0], [1, 2], [1, 7], [7, 5]], "divisor": "n-1"}


def solve(g):
    return {s.id: s.value for s in engine.solve(M, M.validate(g))}


def check(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_worked_example_by_hand():
    # μ = (4, 3.5); Σx_c² = 36, Σy_c² = 29, Σx_c y_c = −12 → C = [[12, −4], [−4, 29/3]];
    # tr = 65/6·2, det = 116 − 16 = 100 → λ = 65/6 ± 25/6 = 15, 20/3; (C − 15I)v = 0 → v ∝ (4, −3)
    v = solve(G)
    assert v["mean"] == [4, 3.5] and v["centered"] == [[3, -3.5], [-3, -1.5], [-3, 3.5], [3, 1.5]]
    np.testing.assert_allclose(v["cov"], [[12, -4], [-4, 29 / 3]])
    np.testing.assert_allclose(v["eigvals"], [15, 20 / 3])
    np.testing.assert_allclose(v["v1"], [0.8, -0.6])
    np.testing.assert_allclose(v["v2"], [0.6, 0.8])
    np.testing.assert_allclose(v["proj"], [4.5, -1.5, -4.5, 1.5])
    np.testing.assert_allclose(v["recon"], [[7.6, 0.8], [2.8, 4.4], [0.4, 6.2], [5.2, 2.6]])
    assert v["explained"] == pytest.approx(15 / (15 + 20 / 3)) and v["residual"] == pytest.approx(20)


def test_divisor_n_scales_the_eigenvalues_only():
    v = solve({**G, "divisor": "n"})
    np.testing.assert_allclose(v["cov"], [[9, -3], [-3, 7.25]])
    np.testing.assert_allclose(v["eigvals"], [11.25, 5])
    np.testing.assert_allclose(v["v1"], [0.8, -0.6])
    assert v["explained"] == pytest.approx(15 / (15 + 20 / 3))
    assert check(G, {"cov": [[9, -3], [-3, 7.25]]})["cov"].diagnosis == M.MISTAKES["divisor"]


def test_either_eigenvector_sign_is_accepted_and_carried():
    marks = check(G, {"v1": [-0.8, 0.6], "proj": [-4.5, 1.5, 4.5, -1.5], "recon": [[7.6, 0.8], [2.8, 4.4], [0.4, 6.2], [5.2, 2.6]]})
    assert marks["v1"].status == "follow-through" and marks["proj"].status == "follow-through"
    assert marks["recon"].status == "correct"
    assert check(G, {"v1": [0.6, 0.8]})["v1"].status == "incorrect"


def test_reconstruction_mistakes_are_named():
    z = np.array([4.5, -1.5, -4.5, 1.5])
    with_lambda = (np.outer(z, [0.8, -0.6]) * 15 + [4, 3.5]).tolist()
    assert check(G, {"recon": with_lambda})["recon"].diagnosis == M.MISTAKES["eigenvalues-in-recon"]
    assert check(G, {"recon": np.outer(z, [0.8, -0.6]).tolist()})["recon"].diagnosis == M.MISTAKES["mean-not-added"]
    assert check(G, {"v1": [1, -0.75]})["v1"].diagnosis == M.MISTAKES["unnormalised"]


def test_sklearn_agrees_on_generated_exercises():
    decomposition = pytest.importorskip("sklearn.decomposition")
    for seed in range(6):
        g = engine.make_exercise(M, seed, "exam").givens
        X = np.array(g["X"])
        pca = decomposition.PCA(n_components=1).fit(X)
        ours = solve(g)
        np.testing.assert_allclose(pca.inverse_transform(pca.transform(X)), ours["recon"], atol=1e-9)
        assert ours["explained"] == pytest.approx(pca.explained_variance_ratio_[0])
