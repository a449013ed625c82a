"""Issue 11: every correct writing of an answer is accepted, and check's exit status says so.

Each example of the issue is a test here, run through the CLI as a student would type it; the
expected values are recomputed independently (NumPy / the math module), not copied from the key.
"""

from __future__ import annotations

import json
import math

import pytest

from tests.conftest import run_cli


def checked(*args: str, status: int | None = None) -> dict:
    """The JSON report of ``chainrule check ARGS`` (and its exit status, when ``status`` is given)."""
    out = run_cli("check", *args, "--format", "json")
    if status is not None:
        assert out.returncode == status, (out.returncode, out.stderr, out.stdout[-800:])
    return {s["id"]: s for s in json.loads(out.stdout)["steps"]}


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# --- exit status -----------------------------------------------------------------------------

def test_check_exits_0_when_every_answer_is_accepted_1_when_one_is_wrong_2_for_bad_input():
    assert run_cli("check", "optimizer@1:easy", "--answer", "v.1=[-0.2]").returncode == 0
    assert run_cli("check", "optimizer@1:easy", "--answer", "v.1=[-0.3]").returncode == 1
    assert run_cli("check", "optimizer@1:easy").returncode == 0  # nothing answered, nothing wrong
    bad = run_cli("check", "optimizer@1:easy", "--answer", "v.1=[")
    assert bad.returncode == 2 and bad.stderr.startswith("chainrule: error:")


def test_check_help_and_readme_document_the_exit_status():
    text = " ".join(run_cli("check", "--help").stdout.split())
    assert "Exits 0 when every answered step is correct, rounded or follow-through, 1 when any is incorrect" in text
    from tests.conftest import ROOT
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "`chainrule check` exits 0 when every answered step is correct, rounded or follow-through, 1 when any is incorrect" in readme


# --- scalar ↔ one-element vector ----------------------------------------------------------------

def test_a_scalar_is_the_one_element_vector_it_stands_for_optimizer():
    # optimizer@1:easy: EMA momentum, v.1 = (1 − β)g, w.1 = w0 − η v.1 (the key says [-0.2], [0.6])
    s = checked("optimizer@1:easy", "--answer", "v.1=-0.2", "--answer", "w.1=0.6", status=0)
    assert s["v.1"]["status"] == "correct" and s["w.1"]["status"] == "correct"


def test_a_one_element_vector_is_the_scalar_it_stands_for_lstm():
    out = run_cli("practice", "lstm@1:easy", "--format", "json")
    givens = json.loads(out.stdout)["givens"]
    hx = [*givens["h_prev"], *givens["x"]]
    f = sigmoid(sum(w * v for w, v in zip(givens["Wf"][0], hx)) + givens["bf"][0])
    assert f"{f:.4f}" == "0.4428"  # the number, recomputed from the givens
    s = checked("lstm@1:easy", "--answer", "f=[0.4428]", status=0)
    assert s["f"]["status"] == "rounded"


def test_a_shape_step_keeps_its_shape():
    # conv's shape.l asks for a shape: [n] and n are different answers there
    from problems.answers import as_shape_of
    from derive.parse import parse_answer
    from derive.steps import StepSpec
    a = parse_answer("12")
    assert as_shape_of(a, [12], StepSpec("shape.l", "Output shape", "vector", None)).value == 12
    assert as_shape_of(a, [12], StepSpec("v.t", "Velocity", "vector", 3)).value == [12]
    assert as_shape_of(parse_answer("[[0.5]]"), 0.5, StepSpec("f", "Gate", "number", 4)).value == 0.5
    assert as_shape_of(parse_answer("[0.5, 1]"), [0.5], StepSpec("v.t", "v", "vector", 3)).value == [0.5, 1]


# --- trailing zeros --------------------------------------------------------------------------

def test_trailing_zeros_left_off_are_rounded_backprop():
    out = json.loads(run_cli("practice", "backprop@1:easy", "--format", "json").stdout)
    g = out["givens"]
    x = g["x"]  # the textbook net: net_h1 = w1·i1 + w2·i2 + b1, net_h2 = w3·i1 + w4·i2 + b1
    h = [sigmoid(g["w1"] * x[0] + g["w2"] * x[1] + g["b1"]), sigmoid(g["w3"] * x[0] + g["w4"] * x[1] + g["b1"])]
    assert f"{h[0]:.4f}" == "0.7540" and f"{h[1]:.4f}" == "0.5769"  # the numbers
    s = checked("backprop@1:easy", "--answer", "out_h=[0.754,0.5769]", status=0)
    assert s["out_h"]["status"] == "rounded"


def test_information_lost_at_the_minimum_precision_fails_and_says_so():
    # out_h asks for 4 places: 0.75 is 0.7540 rounded to 2 places, not 4 (the 4 is not a zero)
    s = checked("backprop@1:easy", "--answer", "out_h=[0.75,0.5769]", status=1)
    assert s["out_h"]["status"] == "incorrect"
    assert "at least 4 decimal places" in s["out_h"]["message"] and "information lost" in s["out_h"]["message"]


# --- the variant flag means the variant ---------------------------------------------------------

RBF_GIVENS = ["--given", "centres=[[1,1],[0,0]]", "--given", "kernel=unit", "--given", "use_bias=true"]


def rbf_weights() -> list[float]:
    """Least-squares XOR weights of the classic two-centre net with exp(−d²) units and a bias (NumPy lstsq)."""
    import numpy as np
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    C = np.array([[1, 1], [0, 0]], dtype=float)
    Phi = np.hstack([np.exp(-((X[:, None] - C[None]) ** 2).sum(-1)), np.ones((4, 1))])
    return np.linalg.lstsq(Phi, np.array([0, 1, 1, 0.0]), rcond=None)[0].tolist()


@pytest.mark.parametrize("flag", [["--solve-weights"], ["--variant", "solve-weights"]])
def test_rbf_xor_solve_weights_flag_means_the_variant(flag):
    w = "[" + ", ".join(f"{v:.4f}" for v in rbf_weights()) + "]"
    s = checked("rbf-xor", *flag, *RBF_GIVENS, "--answer", f"w={w}", status=0)
    assert s["w"]["status"] in ("correct", "rounded")


def test_a_given_that_contradicts_the_variant_is_refused():
    out = run_cli("check", "rbf-xor", "--variant", "solve-weights", *RBF_GIVENS, "--given", "solve_weights=false")
    assert out.returncode == 2 and "--given" in out.stderr and "solve-weights" in out.stderr


# --- derive mlp's textbook names in check backprop ----------------------------------------------

MAZUR = ["-g", "w1=0.15", "-g", "w2=0.2", "-g", "w3=0.25", "-g", "w4=0.3", "-g", "w5=0.4", "-g", "w6=0.45",
         "-g", "w7=0.5", "-g", "w8=0.55", "-g", "b1=0.35", "-g", "b2=0.6"]


def test_check_backprop_takes_the_textbook_names_of_derive_mlp():
    # Mazur's worked example (out_h1 = 0.593269992, E = 0.298371109), entered with i1, i2, t1, t2, eta
    args = [*MAZUR, "-g", "i1=0.05", "-g", "i2=0.1", "-g", "t1=0.01", "-g", "t2=0.99", "-g", "eta=0.5"]
    s = checked("backprop", *args, "-a", "out_h=[0.5933, 0.5969]", "-a", "E=0.2984", "-a", "w5_new=0.35891648", status=0)
    assert s["out_h"]["status"] == "rounded" and s["E"]["status"] == "rounded" and s["w5_new"]["status"] == "correct"
    same = checked("backprop", *MAZUR, "-g", "x=[0.05,0.1]", "-g", "t=[0.01,0.99]", "-g", "lr=0.5", "-a", "E=0.2984")
    assert same["E"]["status"] == "rounded"


def test_textbook_names_are_listed_and_half_given_names_are_refused():
    listing = run_cli("practice", "backprop", "--list-steps", "--format", "text").stdout
    assert "i1, i2" in listing and "t1, t2" in listing and "eta" in listing
    half = run_cli("check", "backprop", *MAZUR, "-g", "i1=0.05", "-g", "t=[0.01,0.99]", "-g", "lr=0.5")
    assert half.returncode == 2 and "i2" in half.stderr
    both = run_cli("check", "backprop", *MAZUR, "-g", "x=[0.05,0.1]", "-g", "eta=0.5", "-g", "lr=0.5", "-g", "t=[0.01,0.99]")
    assert both.returncode == 2 and "eta" in both.stderr


# --- carried digits ------------------------------------------------------------------------------

def _forward(net_h: list[float]) -> dict[str, list[float] | float]:
    """Mazur's net from a (possibly wrong) net_h on: out_h, net_o, out_o, E (the math module only)."""
    h = [sigmoid(v) for v in net_h]
    net_o = [0.4 * h[0] + 0.45 * h[1] + 0.6, 0.5 * h[0] + 0.55 * h[1] + 0.6]
    o = [sigmoid(v) for v in net_o]
    return {"out_h": h, "net_o": net_o, "out_o": o, "E": 0.5 * ((0.01 - o[0]) ** 2 + (0.99 - o[1]) ** 2)}


def _at4(v) -> str:
    return "[" + ", ".join(f"{x:.4f}" for x in v) + "]" if isinstance(v, list) else f"{v:.4f}"


def test_an_honest_carry_of_more_digits_than_written_is_follow_through():
    from problems import check
    givens = dict(w1=0.15, w2=0.2, w3=0.25, w4=0.3, w5=0.4, w6=0.45, w7=0.5, w8=0.55, b1=0.35, b2=0.6,
                  x=[0.05, 0.1], t=[0.01, 0.99], lr=0.5)
    carried_differs = 0
    for k in range(40):
        net_h = [0.30 + k / 1000, 0.3925]  # the first entry wrong (it is 0.3775), then carried at full precision
        chain = _forward(net_h)
        answers = {"net_h": f"[{net_h[0]}, 0.3925]", **{sid: _at4(v) for sid, v in chain.items()}}
        written = _forward([float(net_h[0]), 0.3925])
        rewritten = _forward_from_written(chain)
        carried_differs += any(_at4(chain[s]) != _at4(rewritten[s]) for s in ("net_o", "out_o", "E"))
        report = check("backprop", givens=givens, answers=answers)
        marks = {m.id: m.status for m in report.marks}
        assert marks["net_h"] == "incorrect" and written["E"] == chain["E"]
        assert all(marks[s] == "follow-through" for s in chain), (net_h, marks)
    assert carried_differs >= 10  # the carry changes a written digit in many of these, so the test has teeth


def _forward_from_written(chain: dict) -> dict:
    """net_o, out_o and E recomputed from out_h (then net_o, out_o) as written at 4 places."""
    h = [round(v, 4) for v in chain["out_h"]]
    net_o = [round(0.4 * h[0] + 0.45 * h[1] + 0.6, 4), round(0.5 * h[0] + 0.55 * h[1] + 0.6, 4)]
    o = [round(sigmoid(v), 4) for v in net_o]
    return {"net_o": net_o, "out_o": o, "E": 0.5 * ((0.01 - o[0]) ** 2 + (0.99 - o[1]) ** 2)}


def test_a_carry_does_not_excuse_a_wrong_digit():
    from problems import check
    givens = dict(w1=0.15, w2=0.2, w3=0.25, w4=0.3, w5=0.4, w6=0.45, w7=0.5, w8=0.55, b1=0.35, b2=0.6,
                  x=[0.05, 0.1], t=[0.01, 0.99], lr=0.5)
    chain = _forward([0.302, 0.3925])
    net_o = chain["net_o"]
    answers = {"net_h": "[0.302, 0.3925]", "out_h": _at4(chain["out_h"]), "net_o": f"[{net_o[0] + 0.0003:.4f}, {net_o[1]:.4f}]"}
    marks = {m.id: m for m in check("backprop", givens=givens, answers=answers).marks}
    assert marks["net_o"].status == "incorrect" and marks["net_o"].elements == ["incorrect", "follow-through"]


def _given_args(givens: dict) -> list[str]:
    return [x for k, v in givens.items() for x in ("--given", f"{k}={v if isinstance(v, str) else json.dumps(v)}")]


def test_0_6_for_0_606531_at_two_places_loses_information():
    # rbf-xor h.p asks for 2 places; exp(−1/2) = 0.606531 is 0.61 there, so 0.6 lost a digit
    givens = {"centres": [[0, 0], [0, 1], [1, 0], [1, 1]], "kernel": "gauss", "sigma": 1.0, "w": [-3.0, 3.4, 3.4, -3.0]}
    e = [math.exp(-d2 / 2) for d2 in (0, 1, 1, 2)]
    assert f"{e[1]:.6f}" == "0.606531"
    s = checked("rbf-xor", *_given_args(givens),
                "--answer", f"h.1=[1, 0.6, 0.61, {e[3]:.2f}]", status=1)
    assert s["h.1"]["status"] == "incorrect" and s["h.1"]["elements"] == ["correct", "incorrect", "rounded", "rounded"]
    assert "information lost" in s["h.1"]["message"] and "at least 2 decimal places" in s["h.1"]["message"]
    ok = checked("rbf-xor", *_given_args(givens),
                 "--answer", f"h.1=[1.0, 0.61, 0.607, {e[3]:.2f}]", status=0)
    assert ok["h.1"]["status"] == "rounded"
