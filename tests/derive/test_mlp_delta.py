"""Textbook ``derive mlp`` in δ notation, with each chain product's numbers (issue 14.2).

δ_o1 = ∂E/∂net_o1 = (out_o1 − t1)·out_o1(1 − out_o1), δ_h1 = (δ_o1·w5 + δ_o2·w7)·out_h1(1 − out_h1),
∂E/∂w5 = δ_o1·out_h1, ∂E/∂w1 = δ_h1·i1. The numbers are checked against central finite
differences of a forward pass written here in NumPy (not the derivation's own program).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from derive.printing import render
from derive.topics import mlp
from tests.conftest import run_cli

MAZUR = mlp.MAZUR


def forward(v: dict[str, float], bump: dict[str, float] | None = None) -> float:
    """E_total of the 2-2-2 sigmoid net with squared error, written directly; ``bump`` adds to a net input."""
    bump = bump or {}
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    net_h = [v["w1"] * v["i1"] + v["w2"] * v["i2"] + v["b1"] + bump.get("net_h1", 0),
             v["w3"] * v["i1"] + v["w4"] * v["i2"] + v["b1"] + bump.get("net_h2", 0)]
    h = [sig(z) for z in net_h]
    net_o = [v["w5"] * h[0] + v["w6"] * h[1] + v["b2"] + bump.get("net_o1", 0),
             v["w7"] * h[0] + v["w8"] * h[1] + v["b2"] + bump.get("net_o2", 0)]
    o = [sig(z) for z in net_o]
    return 0.5 * ((v["t1"] - o[0]) ** 2 + (v["t2"] - o[1]) ** 2)


def central(f, eps=1e-6):
    return (f(eps) - f(-eps)) / (2 * eps)


@pytest.fixture(scope="module")
def mazur():
    return mlp.derive({"preset": "mazur"}, {}, 0)


def _steps(doc):
    return {s.id: s for s in doc.steps}


def test_delta_steps_are_written_as_the_course_writes_them():
    doc = mlp.derive({}, None, None)
    text = {s.id: render(type(doc)(doc.topic, {}, [s]), "text") for s in doc.steps}
    assert "δ_o1 = (out_o1 - t1)·out_o1·(1 - out_o1)" in text["delta_o1"]
    assert "δ_h1 = (δ_o1·w5 + δ_o2·w7)·out_h1·(1 - out_h1)" in text["delta_h1"]
    assert "∂E_total/∂w5 = δ_o1·out_h1" in text["dE_dw5"]
    assert "∂E_total/∂w1 = δ_h1·i1" in text["dE_dw1"]
    assert "∂E_total/∂b1 = δ_h1 + δ_h2" in text["dE_db1"]
    assert "∂E_total/∂b2 = δ_o1 + δ_o2" in text["dE_db2"]


def test_cross_entropy_delta_is_out_minus_target():
    steps = _steps(mlp.derive({"loss": "cross-entropy"}, None, None))
    from derive.printing.math import to_text
    assert to_text(steps["delta_o1"].formula) == "out_o1 - t1"


def test_deltas_and_gradients_match_finite_differences(mazur):
    steps = _steps(mazur)
    for unit in ("o1", "o2", "h1", "h2"):
        fd = central(lambda e: forward(MAZUR, {f"net_{unit}": e}))
        assert steps[f"delta_{unit}"].value == pytest.approx(fd, rel=1e-6), unit
    for p in ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2"):
        fd = central(lambda e: forward({**MAZUR, p: MAZUR[p] + e}))
        assert steps[f"dE_d{p}"].value == pytest.approx(fd, rel=1e-6), p


def test_each_chain_product_shows_its_factors(mazur):
    steps = _steps(mazur)
    w5 = steps["dE_total_dw5"].factors
    assert len(w5) == 1 and len(w5[0]) == 3
    out_o1 = steps["out_o1"].value
    # the factors are ∂E/∂out_o1 = out_o1 − t1, σ' = out_o1(1 − out_o1) and out_h1
    assert w5[0] == pytest.approx((out_o1 - MAZUR["t1"], out_o1 * (1 - out_o1), steps["out_h1"].value), rel=1e-6)
    def total(terms):  # a sum of products; a factor may itself be such a sum
        return sum(np.prod([total(f) if isinstance(f, tuple) else f for f in t]) for t in terms)
    for s in mazur.steps:
        if s.factors:
            assert total(s.factors) == pytest.approx(float(s.value), rel=1e-5, abs=1e-9), s.id
    text = render(mazur, "text")
    assert "∂E_total/∂w5 = ∂E_total/∂out_o1·∂out_o1/∂net_o1·∂net_o1/∂w5 = 0.741365 × 0.186816 × 0.59327 = 0.082167" in text
    assert "δ_o1 = (out_o1 - t1)·out_o1·(1 - out_o1) = 0.741365 × 0.186816 = 0.138499" in text
    assert "δ_h1 = (δ_o1·w5 + δ_o2·w7)·out_h1·(1 - out_h1) = (0.138499 × 0.4 - 0.0380982 × 0.5) × 0.241301 = 0.00877135" in text
    assert "∂E_total/∂b1 = δ_h1 + δ_h2 = 0.00877135 + 0.00995425 = 0.0187256" in text


def test_json_keeps_its_contract_and_adds_factors(mazur):
    data = json.loads(render(mazur, "json"))
    keys = set(data["results"])
    assert {"E_total", *(f"dE_dw{n}" for n in range(1, 9)), "dE_db1", "dE_db2", "w1_new", "b2_new"} <= keys
    ids = [s["id"] for s in data["steps"]]
    assert {"dE_total_dw5", "dE_total_dw1", "dE_dw5", "dE_db1", "w5_new", "delta_o1", "delta_h2"} <= set(ids)
    step = next(s for s in data["steps"] if s["id"] == "dE_total_dw5")
    assert step["factors"] == [pytest.approx([0.741365, 0.186816, 0.593270], abs=1e-6)]
    assert data["results"]["dE_dw5"]["value"] == pytest.approx(0.082167, abs=1e-6)


def test_values_are_shown_whenever_numbers_are_known_and_symbolic_only_is_said():
    symbolic = run_cli("derive", "mlp", "--format", "text")
    assert symbolic.returncode == 0 and "Symbolic only" in symbolic.stdout
    for args in (["--set", "preset=mazur"], ["--seed", "3"], ["--given", "w1=0.5"]):
        out = run_cli("derive", "mlp", *args, "--format", "text")
        assert out.returncode == 0, out.stderr
        assert "Symbolic only" not in out.stdout and "Evaluated at" in out.stdout
        assert " × " in out.stdout


def test_readme_shows_the_real_delta_derivation():
    """The README's δ-notation excerpt is the output of the command it names, line for line."""
    from tests.conftest import ROOT
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Backpropagation in δ notation", 1)[1]
    excerpt = section.split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    out = run_cli("derive", "mlp", "--set", "preset=mazur", "--format", "text").stdout.splitlines()
    assert len(excerpt) >= 10
    assert all(line in out for line in excerpt), [line for line in excerpt if line not in out]
