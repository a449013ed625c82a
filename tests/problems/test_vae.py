"""vae: KL, z, BCE, loss and ELBO worked by hand for both parametrisations; the notes' two wrong
KL formulas and the σ / log σ² confusions diagnosed; follow-through; the NumPy fallback."""

from __future__ import annotations

import math

import numpy as np
import pytest

import problems.types.vae as M
import problems.types._vae_crosscheck as X
from problems import engine

G = {"variant": "sigma", "mu": [0.0, 1.0], "sigma": [1.0, 0.5], "eps": [1.0, -2.0], "recon": "bce",
     "x": [1.0, 0.0], "x_hat": [0.8, 0.4]}
KL2 = 0.5 * (0.25 + 1 - math.log(0.25) - 1)  # dimension 2; dimension 1 is ½(1 + 0 − 0 − 1) = 0
BCE = -(math.log(0.8) + math.log(0.6))


def solve(g):
    return {s.id: s.value for s in engine.solve(M, M.validate(g))}


def check(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_sigma_given_by_hand():
    v = solve(G)
    assert v["var"] == [1, 0.25] and v["logvar"] == pytest.approx([0, math.log(0.25)])
    assert v["kl-terms"] == pytest.approx([0, KL2]) and v["kl"] == pytest.approx(KL2)
    assert v["z"] == [1, 0] and v["recon"] == pytest.approx(BCE)
    assert v["loss"] == pytest.approx(BCE + KL2) and v["elbo"] == pytest.approx(-(BCE + KL2))


def test_logvar_given_by_hand():
    v = solve({**{k: G[k] for k in G if k != "sigma"}, "variant": "logvar", "logvar": [0.0, math.log(0.25)]})
    assert v["sigma"] == pytest.approx([1, 0.5]) and v["var"] == pytest.approx([1, 0.25])
    assert v["kl"] == pytest.approx(KL2)
    half = check({**{k: G[k] for k in G if k != "sigma"}, "variant": "logvar", "logvar": [0.0, math.log(0.25)]},
                 {"sigma": [1, 0.25]})
    assert half["sigma"].diagnosis == M.MISTAKES["half-omitted"]


def test_the_notes_wrong_kl_formulas_are_named():
    wrong_log = [1 + 0 - 0 - 1, 0.25 + 1 - math.log(0.5) - 1]  # Σ(σ² + μ² − log σ − 1)
    assert check(G, {"kl-terms": wrong_log})["kl-terms"].diagnosis == M.MISTAKES["log-sigma"]
    assert check(G, {"kl-terms": [0, -KL2]})["kl-terms"].diagnosis == M.MISTAKES["sign-dropped"]
    assert check(G, {"var": [1, 0.5]})["var"].diagnosis == M.MISTAKES["sigma-as-var"]


def test_follow_through_from_a_wrong_kl():
    marks = check(G, {"kl-terms": [0, 1.0], "kl": 1.0, "loss": BCE + 1.0, "elbo": -(BCE + 1.0)})
    assert marks["kl-terms"].status == "incorrect"
    assert [marks[k].status for k in ("kl", "loss", "elbo")] == ["follow-through"] * 3


def test_kl_matches_numerical_integration():
    scipy = pytest.importorskip("scipy.integrate")
    for mu, s in ((0.0, 1.0), (1.0, 0.5), (-0.3, 1.4)):
        q = lambda z: math.exp(-((z - mu) / s) ** 2 / 2) / (s * math.sqrt(2 * math.pi))  # noqa: E731
        p = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
        integral = scipy.quad(lambda z: q(z) * math.log(q(z) / p(z)) if q(z) > 0 else 0.0, -12, 12)[0]
        g = {**G, "mu": [mu], "sigma": [s], "eps": [0.0]}
        assert solve(g)["kl"] == pytest.approx(integral, abs=1e-7)


def test_numpy_fallback_cross_check_agrees(monkeypatch):
    monkeypatch.setattr(X, "load_torch", lambda: None)
    for seed in range(4):
        ex = engine.make_exercise(M, seed, "hard")
        ours = {s.id: s.value for s in ex.steps}
        for key, value in M.cross_check(ex.givens).items():
            np.testing.assert_allclose(np.array(ours[key], float), np.array(value, float), err_msg=key)
