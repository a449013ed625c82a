"""The lstm topic: every gate's gradient from the reverse walk, both weight forms, BPTT, the
constant-error carousel; numbers checked against a NumPy LSTM (finite differences), torch
autograd and torch.nn.LSTMCell written here, and the JSON evaluated independently."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp

from derive.errors import UserError
from derive.functions import PARSE_NAMESPACE
from derive.notation import plain, terms
from derive.printing import render
from derive.printing.math import to_text
from derive.topics import lstm
from tests.conftest import run_cli
from tests.derive.test_rnn import by_id, evaluate_json, fd_jacobian

GATES = "fico"


def sig(a):
    return 1 / (1 + np.exp(-a))


def _blocks(v, k, n_h, form):
    return (v[f"W_{k}h"], v[f"W_{k}x"]) if form == "split" else (v[f"W_{k}"][:, :n_h], v[f"W_{k}"][:, n_h:])


def numpy_lstm(v, T, form="concat", loss="sum"):
    """The LSTM forward pass written out here: loss, every gate and cell state."""
    n_h = v["h0"].shape[0]
    h, c, L, out = v["h0"], v["c0"], 0.0, {}
    for t in range(1, T + 1):
        W = {k: _blocks(v, k, n_h, form) for k in GATES}
        pre = {k: W[k][0] @ h + W[k][1] @ v[f"x{t}"] + v[f"b_{k}"] for k in GATES}
        f, i, g, o = sig(pre["f"]), sig(pre["i"]), np.tanh(pre["c"]), sig(pre["o"])
        c = f * c + i * g
        h = o * np.tanh(c)
        out.update({f"f{t}": f, f"i{t}": i, f"ctilde{t}": g, f"o{t}": o, f"c{t}": c, f"h{t}": h})
        if loss == "sum" or t == T:
            L += 0.5 * np.sum((h - v[f"y{t}"]) ** 2)
    return L, out


def fd_gradient(fn, v, name, eps=1e-6):
    x = v[name]
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        up = fn()
        x[idx] = old - eps
        down = fn()
        x[idx] = old
        grad[idx] = (up - down) / (2 * eps)
    return grad


def _inputs(doc):
    return {k: np.array(v, dtype=float) for k, v in doc.inputs.items()}


def _params(form):
    return [p for k in GATES for p in ((f"W_{k}",) if form == "concat" else (f"W_{k}h", f"W_{k}x")) + (f"b_{k}",)]


# --- steps ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("form", ["concat", "split"])
def test_every_gate_state_weight_and_bias_has_a_step_with_its_shape(form):
    doc = lstm.derive({"form": form, "hidden": 3, "inputs": 2})
    steps = by_id(doc)
    wanted = {"dL_dh1", "dL_dc1", "dL_dc0", "dL_dh0", "dL_df1", "dL_di1", "dL_dctilde1", "dL_do1",
              "dL_daf1", "dL_dai1", "dL_dac1", "dL_dao1", *(f"dL_d{p}" for p in _params(form)), "dc1_dc0", "cell_norm"}
    assert wanted <= set(steps)
    for s in doc.steps:
        if getattr(s.lhs, "is_Matrix", False):
            assert s.shape == tuple(s.lhs.shape), s.id
    assert steps["dL_dW_f" if form == "concat" else "dL_dW_fh"].shape == ((3, 5) if form == "concat" else (3, 3))
    assert to_text(steps["dL_daf1"].formula) == "∂L/∂c1 ⊙ c0 ⊙ f1 ⊙ (𝟏 - f1)"
    assert to_text(steps["dL_dc0"].formula) == "∂L/∂c1 ⊙ f1"  # the carousel, as the reverse walk writes it
    assert to_text(steps["dL_dc1"].formula) == "∂L/∂h1 ⊙ o1 ⊙ (𝟏 - (tanh(c1) ⊙ tanh(c1)))"
    assert to_text(steps["dc1_dc0"].formula) == "diag(f1)"
    if form == "concat":
        assert to_text(steps["hx1"].formula) == "[h0; x1]" and to_text(steps["dL_dW_f"].formula) == "δ_f1 hx1ᵀ"
        assert to_text(steps["dL_dh0"].formula) == "(∂L/∂hx1)[0:3, 0:1]"
    else:
        assert to_text(steps["af1"].formula) == "W_fh h0 + W_fx x1 + b_f"
        assert to_text(steps["dL_dW_fx"].formula) == "δ_f1 x1ᵀ"
        assert [to_text(a) for a in terms(steps["dL_dh0"].formula)] == [f"W_{k}hᵀ δ_{k}1" for k in "ocif"]


def test_bptt_sums_over_time_and_carries_the_cell_gradient_back():
    steps = by_id(lstm.derive({"steps": 3}))
    assert [to_text(a) for a in terms(steps["dL_dW_o"].formula)] == ["δ_o3 hx3ᵀ", "δ_o2 hx2ᵀ", "δ_o1 hx1ᵀ"]
    assert to_text(steps["dL_dc1"].formula).startswith("∂L/∂c2 ⊙ f2 + ")
    assert to_text(steps["dc3_dc0"].formula) == "diag(f3 ⊙ f2 ⊙ f1)"


# --- numbers --------------------------------------------------------------------------------------

@pytest.mark.parametrize("form, T, loss", [("concat", 1, "sum"), ("split", 3, "sum"), ("concat", 2, "last")])
def test_forward_values_and_gradients_match_a_numpy_lstm(form, T, loss):
    doc = lstm.derive({"form": form, "steps": T, "loss": loss}, {}, 9)
    v, steps = _inputs(doc), by_id(doc)
    L, states = numpy_lstm(v, T, form, loss)
    assert np.asarray(doc.results["L"].value).item() == pytest.approx(L, rel=1e-10)
    for name, value in states.items():
        assert np.allclose(steps[name].value, value, rtol=1e-10), name
    for p in (*_params(form), "h0", "c0"):
        fd = fd_gradient(lambda: numpy_lstm(v, T, form, loss)[0], v, p)
        assert np.allclose(doc.results[f"dL_d{p}"].value, fd, rtol=1e-5, atol=1e-8), p


def test_gradients_match_torch_autograd_and_lstm_cell():
    torch = pytest.importorskip("torch")
    T, n_h, n_x = 2, 3, 2
    doc = lstm.derive({"steps": T, "hidden": n_h, "inputs": n_x}, {}, 4)
    v = {k: torch.tensor(np.array(x, dtype=float), requires_grad=True) for k, x in doc.inputs.items()}
    cell = torch.nn.LSTMCell(n_x, n_h).double()
    order = "ifco"  # torch stacks i, f, g, o
    with torch.no_grad():
        cell.weight_ih.copy_(torch.cat([v[f"W_{k}"][:, n_h:] for k in order]))
        cell.weight_hh.copy_(torch.cat([v[f"W_{k}"][:, :n_h] for k in order]))
        cell.bias_ih.copy_(torch.cat([v[f"b_{k}"][:, 0] for k in order]))
        cell.bias_hh.zero_()
    h, c, L = v["h0"].T, v["c0"].T, 0
    for t in range(1, T + 1):
        h, c = cell(v[f"x{t}"].T, (h, c))
        L = L + 0.5 * ((h.T - v[f"y{t}"]) ** 2).sum()
    L.backward()
    assert float(L.detach()) == pytest.approx(np.asarray(doc.results["L"].value).item(), rel=1e-12)
    wih, whh = cell.weight_ih.grad.numpy(), cell.weight_hh.grad.numpy()
    for j, k in enumerate(order):
        derived = np.array(doc.results[f"dL_dW_{k}"].value)
        assert np.allclose(derived[:, :n_h], whh[j * n_h:(j + 1) * n_h], rtol=1e-9, atol=1e-12), k
        assert np.allclose(derived[:, n_h:], wih[j * n_h:(j + 1) * n_h], rtol=1e-9, atol=1e-12), k
        rows = slice(j * n_h, (j + 1) * n_h)
        assert np.allclose(np.array(doc.results[f"dL_db_{k}"].value)[:, 0], cell.bias_ih.grad.numpy()[rows])
    assert np.allclose(doc.results["dL_dh0"].value, v["h0"].grad.numpy(), rtol=1e-9, atol=1e-12)
    assert np.allclose(doc.results["dL_dc0"].value, v["c0"].grad.numpy(), rtol=1e-9, atol=1e-12)


def test_concat_and_split_forms_agree():
    concat = lstm.derive({"steps": 2, "form": "concat"}, {}, 6)
    v = _inputs(concat)
    given = {k: v[k] for k in ("h0", "c0", "x1", "x2", "y1", "y2")}
    for k in GATES:
        given.update({f"W_{k}h": v[f"W_{k}"][:, :2], f"W_{k}x": v[f"W_{k}"][:, 2:], f"b_{k}": v[f"b_{k}"]})
    split = lstm.derive({"steps": 2, "form": "split"}, given, 6)
    for k in GATES:
        joined = np.hstack([split.results[f"dL_dW_{k}h"].value, split.results[f"dL_dW_{k}x"].value])
        assert np.allclose(joined, concat.results[f"dL_dW_{k}"].value, rtol=1e-12)
    assert np.allclose(split.results["dL_dh0"].value, concat.results["dL_dh0"].value, rtol=1e-12)


def test_carousel_numbers_and_the_candidate_rnn_comparison():
    T = 4
    doc = lstm.derive({"steps": T}, {}, 12)
    v, steps = _inputs(doc), by_id(doc)
    _, states = numpy_lstm(v, T)
    prod = np.prod([states[f"f{t}"][:, 0] for t in range(1, T + 1)], axis=0)
    assert np.allclose(steps[f"dc{T}_dc0"].value, np.diag(prod), rtol=1e-10)
    assert steps["cell_norm"].value == pytest.approx(prod.max(), rel=1e-10)
    for t in range(1, T + 1):  # ∂c_t/∂c_(t−1) with h_(t−1) held: finite differences of the cell update
        fd = fd_jacobian(lambda c: states[f"f{t}"] * c + states[f"i{t}"] * states[f"ctilde{t}"], v["c0"])
        assert np.allclose(steps[f"dc{t}_dc{t - 1}"].value, fd, atol=1e-9)
    Wh, Wx, b = v["W_c"][:, :2], v["W_c"][:, 2:], v["b_c"]

    def candidate_rnn(h):
        for t in range(1, T + 1):
            h = np.tanh(Wh @ h + Wx @ v[f"x{t}"] + b)
        return h
    fd = fd_jacobian(candidate_rnn, v["h0"])
    assert np.allclose(steps["P_cand"].value, fd, atol=1e-8)
    assert steps["rnn_norm"].value == pytest.approx(np.linalg.norm(fd, 2), rel=1e-6)
    assert "P_cand" not in by_id(lstm.derive({"steps": T}))  # the comparison needs numbers


# --- verification ---------------------------------------------------------------------------------

@pytest.mark.parametrize("options", [{}, {"form": "split", "steps": 2, "loss": "last", "hidden": 1}])
def test_verify_passes(options):
    v = lstm.verify(options, seed=2, points=2)
    assert v.passed, [(c.parameter, c.method, c.max_rel_error) for c in v.checks if not c.passed]
    cfg = lstm.config(options)
    assert {c.parameter for c in v.checks} >= {*_params(cfg.form), "h0", "c0"}


# --- JSON, options, CLI ---------------------------------------------------------------------------

def test_json_evaluates_independently_to_the_numpy_lstm():
    doc = lstm.derive({"steps": 2, "form": "split"}, {}, 3)
    data = json.loads(render(doc, "json"))
    local = {**PARSE_NAMESPACE, **{n: sp.Symbol(n) for n in data["symbols"]}}
    for name, item in data["results"].items():
        assert sp.parse_expr(item["sympy"], local_dict=local) == plain(doc.results[name].expr), name
    env = evaluate_json(data)
    v = _inputs(doc)
    for p in ("W_fh", "W_ox", "b_c", "h0", "c0"):
        fd = fd_gradient(lambda: numpy_lstm(v, 2, "split")[0], v, p)
        assert np.allclose(env[f"dL_d{p}"], fd, rtol=1e-5, atol=1e-8), p
        assert np.allclose(env[f"dL_d{p}"], data["results"][f"dL_d{p}"]["value"], rtol=1e-9, atol=1e-12), p
    assert env["cell_norm"] == pytest.approx(next(s["value"] for s in data["steps"] if s["id"] == "cell_norm"))


@pytest.mark.parametrize("options, arg", [({"form": "stacked"}, "--form"), ({"steps": 101}, "--steps"),
                                          ({"loss": "first"}, "--loss"), ({"inputs": 0}, "--inputs")])
def test_bad_options_are_user_errors(options, arg):
    with pytest.raises(UserError) as info:
        lstm.derive(options)
    assert info.value.arg == arg


def test_cli_derive_verify_determinism_and_bad_option():
    out = run_cli("derive", "lstm", "--format", "text")
    assert out.returncode == 0, out.stderr
    assert "δ_f1 = ∂L/∂c1 ⊙ c0 ⊙ f1 ⊙ (𝟏 - f1)" in out.stdout and "∂c1/∂c0 = diag(f1)" in out.stdout
    a = run_cli("derive", "lstm", "--form", "split", "--seed", "5", "--format", "json")
    b = run_cli("derive", "lstm", "--form", "split", "--seed", "5", "--format", "json")
    assert a.returncode == 0 and a.stdout == b.stdout and json.loads(a.stdout)["options"]["form"] == "split"
    ver = run_cli("verify", "lstm", "--steps", "2", "--points", "1", "--format", "json")
    assert ver.returncode == 0, ver.stderr
    assert json.loads(ver.stdout)["passed"]
    bad = run_cli("derive", "lstm", "--convention", "pytorch")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "--convention" in bad.stderr
