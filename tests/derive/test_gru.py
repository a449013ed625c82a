"""The gru topic: three named conventions, both weight forms, every gradient from the reverse walk;
numbers checked against a NumPy GRU (finite differences) and torch.nn.GRUCell written here."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp

from derive.errors import UserError
from derive.functions import PARSE_NAMESPACE
from derive.notation import plain
from derive.printing import render
from derive.printing.math import to_text
from derive.topics import gru
from tests.conftest import run_cli
from tests.derive.test_lstm import fd_gradient, sig
from tests.derive.test_rnn import by_id, evaluate_json


def numpy_gru(v, T, form="concat", convention="course", loss="sum"):
    """The GRU forward pass of each convention written out here; returns the loss."""
    n_h = v["h0"].shape[0]
    h, L = v["h0"], 0.0
    for t in range(1, T + 1):
        x = v[f"x{t}"]
        if convention == "pytorch":
            r = sig(v["W_ir"] @ x + v["b_ir"] + v["W_hr"] @ h + v["b_hr"])
            z = sig(v["W_iz"] @ x + v["b_iz"] + v["W_hz"] @ h + v["b_hz"])
            cand = np.tanh(v["W_in"] @ x + v["b_in"] + r * (v["W_hn"] @ h + v["b_hn"]))
        else:
            W = {k: (v[f"W_{k}h"], v[f"W_{k}x"]) if form == "split" else (v[f"W_{k}"][:, :n_h], v[f"W_{k}"][:, n_h:])
                 for k in "zrh"}
            z = sig(W["z"][0] @ h + W["z"][1] @ x + v["b_z"])
            r = sig(W["r"][0] @ h + W["r"][1] @ x + v["b_r"])
            cand = np.tanh(W["h"][0] @ (r * h) + W["h"][1] @ x + v["b_h"])
        h = (1 - z) * h + z * cand if convention == "course" else z * h + (1 - z) * cand
        if loss == "sum" or t == T:
            L += 0.5 * np.sum((h - v[f"y{t}"]) ** 2)
    return L


def _inputs(doc):
    return {k: np.array(v, dtype=float) for k, v in doc.inputs.items()}


def _grads(doc):
    return [k[len("dL_d"):] for k in doc.results if k.startswith("dL_d")]


# --- conventions ----------------------------------------------------------------------------------

@pytest.mark.parametrize("convention, update", [
    ("course", "(𝟏 - z1) ⊙ h0 + z1 ⊙ htilde1"), ("cho", "z1 ⊙ h0 + (𝟏 - z1) ⊙ htilde1"),
    ("pytorch", "(𝟏 - z1) ⊙ htilde1 + z1 ⊙ h0")])
def test_each_convention_is_named_and_changes_the_update(convention, update):
    doc = gru.derive({"convention": convention})
    steps = by_id(doc)
    assert to_text(steps["h1"].formula) == update
    assert doc.notes[0].startswith(f"Convention: {convention}")
    for s in doc.steps:
        if getattr(s.lhs, "is_Matrix", False):
            assert s.shape == tuple(s.lhs.shape), s.id
    assert {"dL_dz1", "dL_dr1", "dL_dhtilde1", "dL_daz1", "dL_dar1", "dL_dah1", "dL_dh0"} <= set(steps)


def test_reset_gate_before_or_after_the_matrix():
    course = by_id(gru.derive({}))
    assert to_text(course["rh1"].formula) == "r1 ⊙ h0" and to_text(course["ah1"].formula) == "W_h rhx1 + b_h"
    assert to_text(course["dL_dr1"].formula) == "∂L/∂rh1 ⊙ h0"
    torch_style = by_id(gru.derive({"convention": "pytorch"}))
    assert to_text(torch_style["ah1"].formula) == "W_in x1 + b_in + r1 ⊙ hn1"
    assert to_text(torch_style["dL_dr1"].formula) == "δ_h1 ⊙ hn1"
    split = by_id(gru.derive({"form": "split"}))
    assert to_text(split["ah1"].formula) == "W_hh rh1 + W_hx x1 + b_h"


def test_course_and_cho_are_the_same_net_with_z_negated():
    """1 − σ(a) = σ(−a): the course GRU with (W_z, b_z) is the cho GRU with (−W_z, −b_z)."""
    course = gru.derive({"steps": 2}, {}, 3)
    v = _inputs(course)
    given = {k: v[k] for k in v if k not in ("eta",)}
    given.update(W_z=-v["W_z"], b_z=-v["b_z"])
    cho = gru.derive({"steps": 2, "convention": "cho"}, given, 3)
    assert np.allclose(cho.results["L"].value, course.results["L"].value, rtol=1e-12)
    assert np.allclose(cho.results["dL_dW_z"].value, -np.array(course.results["dL_dW_z"].value), rtol=1e-10)
    assert np.allclose(cho.results["dL_dW_h"].value, course.results["dL_dW_h"].value, rtol=1e-10)


# --- numbers --------------------------------------------------------------------------------------

@pytest.mark.parametrize("form, convention, T, loss", [("concat", "course", 1, "sum"), ("split", "cho", 3, "sum"),
                                                       ("split", "pytorch", 2, "last")])
def test_gradients_match_finite_differences_of_a_numpy_gru(form, convention, T, loss):
    doc = gru.derive({"form": form, "convention": convention, "steps": T, "loss": loss}, {}, 10)
    v = _inputs(doc)
    L = numpy_gru(v, T, form, convention, loss)
    assert np.asarray(doc.results["L"].value).item() == pytest.approx(L, rel=1e-10)
    for p in _grads(doc):
        fd = fd_gradient(lambda: numpy_gru(v, T, form, convention, loss), v, p)
        assert np.allclose(doc.results[f"dL_d{p}"].value, fd, rtol=1e-5, atol=1e-8), p


def test_pytorch_convention_matches_torch_gru_cell():
    torch = pytest.importorskip("torch")
    T, n_h, n_x = 2, 3, 2
    doc = gru.derive({"convention": "pytorch", "steps": T, "hidden": n_h, "inputs": n_x}, {}, 1)
    v = {k: np.array(x, dtype=float) for k, x in doc.inputs.items()}
    cell = torch.nn.GRUCell(n_x, n_h).double()
    with torch.no_grad():
        cell.weight_ih.copy_(torch.tensor(np.vstack([v[f"W_i{k}"] for k in "rzn"])))
        cell.weight_hh.copy_(torch.tensor(np.vstack([v[f"W_h{k}"] for k in "rzn"])))
        cell.bias_ih.copy_(torch.tensor(np.concatenate([v[f"b_i{k}"][:, 0] for k in "rzn"])))
        cell.bias_hh.copy_(torch.tensor(np.concatenate([v[f"b_h{k}"][:, 0] for k in "rzn"])))
    h0 = torch.tensor(v["h0"].T, requires_grad=True)
    h, L = h0, 0
    for t in range(1, T + 1):
        h = cell(torch.tensor(v[f"x{t}"].T), h)
        L = L + 0.5 * ((h - torch.tensor(v[f"y{t}"].T)) ** 2).sum()
    L.backward()
    for j, k in enumerate("rzn"):
        rows = slice(j * n_h, (j + 1) * n_h)
        for name, grad in ((f"W_i{k}", cell.weight_ih.grad), (f"W_h{k}", cell.weight_hh.grad)):
            assert np.allclose(doc.results[f"dL_d{name}"].value, grad.numpy()[rows], rtol=1e-9, atol=1e-12), name
        assert np.allclose(np.array(doc.results[f"dL_db_h{k}"].value)[:, 0], cell.bias_hh.grad.numpy()[rows]), k
    assert np.allclose(np.array(doc.results["dL_dh0"].value).T, h0.grad.numpy(), rtol=1e-9, atol=1e-12)


# --- verification, JSON, options, CLI -------------------------------------------------------------

@pytest.mark.parametrize("options", [{}, {"convention": "pytorch", "steps": 2}, {"convention": "cho", "form": "split"}])
def test_verify_passes(options):
    v = gru.verify(options, seed=4, points=2)
    assert v.passed, [(c.parameter, c.method, c.max_rel_error) for c in v.checks if not c.passed]
    assert "h0" in {c.parameter for c in v.checks}


def test_verify_compares_with_torch_gru_cell_where_it_matches():
    pytest.importorskip("torch")
    methods = {c.method for c in gru.verify({"convention": "pytorch"}, seed=0, points=1).checks}
    assert "torch.nn.GRUCell, same weights (float64)" in methods and "torch autograd (float64)" in methods


def test_json_evaluates_independently():
    doc = gru.derive({"steps": 2}, {}, 6)
    data = json.loads(render(doc, "json"))
    local = {**PARSE_NAMESPACE, **{n: sp.Symbol(n) for n in data["symbols"]}}
    for name, item in data["results"].items():
        assert sp.parse_expr(item["sympy"], local_dict=local) == plain(doc.results[name].expr), name
    env = evaluate_json(data)
    v = _inputs(doc)
    for p in ("W_z", "W_r", "b_h", "h0"):
        fd = fd_gradient(lambda: numpy_gru(v, 2), v, p)
        assert np.allclose(env[f"dL_d{p}"], fd, rtol=1e-5, atol=1e-8), p
        assert np.allclose(env[f"dL_d{p}"], data["results"][f"dL_d{p}"]["value"], rtol=1e-9, atol=1e-12), p


@pytest.mark.parametrize("options, arg", [({"convention": "keras"}, "--convention"), ({"form": "fused"}, "--form"),
                                          ({"convention": "pytorch", "form": "concat"}, "--form")])
def test_bad_options_are_user_errors(options, arg):
    with pytest.raises(UserError) as info:
        gru.derive(options)
    assert info.value.arg == arg


def test_cli_conventions_determinism_and_bad_option():
    out = run_cli("derive", "gru", "--convention", "pytorch", "--seed", "2", "--format", "json")
    again = run_cli("derive", "gru", "--convention", "pytorch", "--seed", "2", "--format", "json")
    assert out.returncode == 0 and out.stdout == again.stdout
    data = json.loads(out.stdout)
    assert data["options"]["form"] == "split" and data["notes"][0].startswith("Convention: pytorch")
    bad = run_cli("derive", "gru", "--convention", "pytorch", "--form", "concat")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "--form" in bad.stderr
