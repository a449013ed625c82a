"""numgrad: chain rule vs central/forward differences by hand, the sigmoid chain and 0.25ᵏ,
follow-through, named mistakes, and the cross-check without torch."""

from __future__ import annotations

import math

import numpy as np
import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get
from problems.types import _numgrad_functions

M = get("numgrad")
SQUARE = {"variant": "composite", "outer": "square", "inner": "affine", "a": 2, "b": 1, "x": 1, "h": 0.1}
EXP = {"variant": "composite", "outer": "exp", "inner": "square", "a": 1, "b": 0, "x": 1, "h": 0.1}
CHAIN = {"variant": "chain", "x": 0, "w": [2, -1], "b": [0, 0]}


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_quadratic_central_difference_is_exact_forward_is_not():
    # f = (2x + 1)², f' = 4(2x + 1) = 12 at 1; f(1.1) = 3.2² = 10.24, f(0.9) = 2.8² = 7.84
    v = values(SQUARE)
    assert (v["u"], v["f"], v["dg"], v["dphi"], v["grad"]) == (3, 9, 2, 6, 12)
    assert v["fplus"] == pytest.approx(10.24) and v["fminus"] == pytest.approx(7.84)
    assert v["central"] == pytest.approx(12) and v["err-central"] == pytest.approx(0, abs=1e-9)
    assert v["forward"] == pytest.approx(12.4) and v["err-forward"] == pytest.approx(0.4)  # f''·h/2 = 8·0.05


def test_exp_of_square_by_hand():
    # f = e^(x²): f' = 2x e^(x²) = 2e; central (e^1.21 − e^0.81)/0.2
    v = values(EXP)
    assert v["grad"] == pytest.approx(5.436564, abs=1e-6)
    assert v["fplus"] == pytest.approx(3.353485, abs=1e-6) and v["fminus"] == pytest.approx(2.247908, abs=1e-6)
    assert v["central"] == pytest.approx(5.527884, abs=1e-6) and v["err-central"] == pytest.approx(0.091320, abs=1e-6)


def test_sigmoid_chain_by_hand():
    # a1 = σ(0) = 0.5, local1 = 2·0.25; a2 = σ(−0.5) = 0.377541, local2 = −0.377541·0.622459
    v = values(CHAIN)
    assert v["a.1"] == 0.5 and v["local.1"] == 0.5
    assert v["a.2"] == pytest.approx(0.377541, abs=1e-6) and v["local.2"] == pytest.approx(-0.235004, abs=1e-6)
    assert v["grad"] == pytest.approx(-0.117502, abs=1e-6)
    assert v["vanish"] == 0.0625 and v["bound"] == 0.125
    h = 1e-6  # the product of local derivatives is the derivative of the whole chain
    whole = lambda x: 1 / (1 + math.exp(1 / (1 + math.exp(-2 * x))))  # noqa: E731
    assert v["grad"] == pytest.approx((whole(h) - whole(-h)) / (2 * h), rel=1e-6)


def test_follow_through_and_named_mistakes():
    m = marks(SQUARE, {"fplus": 10.2, "central": 11.8, "forward": 12.0})
    assert m["fplus"].status == "incorrect"
    assert m["central"].status == "follow-through" and m["forward"].status == "follow-through"
    assert marks(SQUARE, {"grad": 6})["grad"].diagnosis == M.MISTAKES["inner-derivative-dropped"]
    assert marks(SQUARE, {"central": 24})["central"].diagnosis == M.MISTAKES["central-no-2"]
    assert marks(SQUARE, {"central": 12.4})["central"].diagnosis == M.MISTAKES["one-sided"]
    assert marks(EXP, {"dg": 1})["dg"].diagnosis == M.MISTAKES["power-rule"]
    assert marks(SQUARE, {"dphi": 2})["dphi"].diagnosis == M.MISTAKES["outer-at-x"]  # φ′(x) = 2x = 2, φ′(u) = 2u = 6
    assert marks(CHAIN, {"vanish": 0.25})["vanish"].diagnosis == M.MISTAKES["max-derivative-half"]
    assert marks(CHAIN, {"grad": 0.5 - 0.235004})["grad"].diagnosis == M.MISTAKES["sum-not-product"]
    assert marks(CHAIN, {"local.1": 0.25})["local.1"].diagnosis == M.MISTAKES["weight-dropped"]


def test_cross_check_without_torch(monkeypatch):
    monkeypatch.setattr(_numgrad_functions, "load_torch", lambda: None)
    for seed in range(8):
        for variant in M.VARIANTS:
            ex = engine.make_exercise(M, seed, "hard", variant)
            ours = {s.id: s.value for s in ex.steps}
            for key, value in M.cross_check(ex.givens).items():
                np.testing.assert_allclose(ours[key], value, rtol=1e-7, atol=1e-9, err_msg=f"{seed} {variant} {key}")


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({**SQUARE, "outer": "cosh"})
    with pytest.raises(GivenError):
        M.validate({**SQUARE, "h": 0})
    with pytest.raises(GivenError):
        M.validate({**CHAIN, "b": [0]})
