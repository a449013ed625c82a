"""The rnn topic: BPTT steps from the reverse walk, Jacobian products and the spectral bound,
clipping; every number checked against an independent NumPy BPTT, finite differences or torch.

``evaluate_json`` (used by the lstm and gru tests too) evaluates a derivation's JSON with SymPy
alone — explicit matrices, element by element — as another program would.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp

from derive.errors import UserError
from derive.functions import PARSE_NAMESPACE
from derive.notation import FrobNorm, Norm2, plain, terms
from derive.printing import render
from derive.printing.math import to_text
from derive.topics import rnn
from tests.conftest import run_cli

ACT = {"tanh": (np.tanh, lambda a, h: 1 - h**2), "sigmoid": (lambda a: 1 / (1 + np.exp(-a)), lambda a, h: h * (1 - h)),
       "relu": (lambda a: np.maximum(a, 0), lambda a, h: (a > 0) * 1.0)}
PARAMS = ("W_hh", "W_xh", "b_h", "W_hy", "b_y")


def by_id(doc):
    return {s.id: s for s in doc.steps}


# --- an independent evaluator of the JSON contract -------------------------------------------------

def _numeric(expr):
    """A parsed step formula with numbers substituted, as explicit SymPy numbers (norms by NumPy)."""
    def norm(e):
        m = np.array(sp.ImmutableMatrix(e.args[0].as_explicit()), dtype=float)
        return sp.Float(np.linalg.norm(m, 2 if isinstance(e, Norm2) else "fro"))
    expr = expr.replace(lambda e: isinstance(e, (Norm2, FrobNorm)), norm)
    if getattr(expr, "is_Matrix", False):
        return sp.ImmutableMatrix(expr.as_explicit()).evalf()
    return sp.Float(expr.evalf())


def evaluate_json(data):
    """Every step of a derivation's JSON evaluated in order from ``inputs``: each step defines the
    symbol named by its id, or the symbol whose legend says "(defined by step <id>)"."""
    defines = {}
    for name, info in data["symbols"].items():
        if "(defined by step " in info["meaning"]:
            defines[info["meaning"].rsplit("(defined by step ", 1)[1].rstrip(")")] = name
    env = {k: (sp.ImmutableMatrix(v) if isinstance(v, list) else sp.Float(v)) for k, v in data["inputs"].items()}
    local = {**PARSE_NAMESPACE, **{n: sp.Symbol(n) for n in data["symbols"]}}
    for step in data["steps"]:
        expr = plain(sp.parse_expr(step["sympy"], local_dict=local))  # ordered display sums/products → Add/Mul
        subs = {a: env[str(a.name)] for a in expr.atoms(sp.MatrixSymbol)}
        subs.update({s: env[s.name] for s in expr.free_symbols if isinstance(s, sp.Symbol) and s.name in env})
        env[defines.get(step["id"], step["id"])] = _numeric(expr.xreplace(subs))
    return {k: np.array(v.tolist(), dtype=float) if hasattr(v, "tolist") else float(v) for k, v in env.items()}


# --- an independent NumPy BPTT (cs231n style) --------------------------------------------------------

def numpy_bptt(v, T, activation="tanh", loss="sum"):
    """Loss and gradients of the RNN written out by hand: forward, then backward through time."""
    f, df = ACT[activation]
    hs, As = [v["h0"]], [None]
    for t in range(1, T + 1):
        As.append(v["W_hh"] @ hs[-1] + v["W_xh"] @ v[f"x{t}"] + v["b_h"])
        hs.append(f(As[-1]))
    scored = range(1, T + 1) if loss == "sum" else [T]
    ys = {t: v["W_hy"] @ hs[t] + v["b_y"] for t in scored}
    L = sum(0.5 * np.sum((ys[t] - v[f"target{t}"]) ** 2) for t in scored)
    g = {p: np.zeros_like(v[p]) for p in PARAMS}
    dh_next = np.zeros_like(v["h0"])
    for t in range(T, 0, -1):
        dh = dh_next.copy()
        if t in ys:
            dy = ys[t] - v[f"target{t}"]
            g["W_hy"] += dy @ hs[t].T
            g["b_y"] += dy
            dh += v["W_hy"].T @ dy
        da = dh * df(As[t], hs[t])
        g["W_hh"] += da @ hs[t - 1].T
        g["W_xh"] += da @ v[f"x{t}"].T
        g["b_h"] += da
        dh_next = v["W_hh"].T @ da
    g["h0"] = dh_next
    return L, g, hs


def states_from(v, k, h_k, T, W=None, activation="tanh"):
    """h_T when the recurrence restarts from h_k at step k (for finite-difference Jacobians)."""
    f = ACT[activation][0]
    h = h_k
    for t in range(k + 1, T + 1):
        h = f((v["W_hh"] if W is None else W) @ h + v["W_xh"] @ v[f"x{t}"] + v["b_h"])
    return h


def fd_jacobian(fn, x, eps=1e-6):
    cols = []
    for i in range(x.shape[0]):
        e = np.zeros_like(x)
        e[i, 0] = eps
        cols.append(((fn(x + e) - fn(x - e)) / (2 * eps))[:, 0])
    return np.stack(cols, axis=1)


def _inputs(doc):
    return {k: np.array(v, dtype=float) for k, v in doc.inputs.items()}


# --- steps and their shapes -----------------------------------------------------------------------

def test_steps_exist_with_shapes_and_follow_bptt():
    doc = rnn.derive({})
    steps = by_id(doc)
    T = 3
    expected = {*(f"a{t}" for t in range(1, T + 1)), *(f"dL_da{t}" for t in range(1, T + 1)), "dL_dh0",
                *(f"dL_d{p}" for p in PARAMS), "dh1_dh0", "dh3_dh2", "dh3_dh0", "jacobian_norms", "sigma_max",
                "gamma", "jacobian_bound", "g_norm", "clip_factor", *(f"clipped_{p}" for p in PARAMS),
                *(f"{p}_new" for p in PARAMS)}
    assert expected <= set(steps)
    for s in doc.steps:
        if getattr(s.lhs, "is_Matrix", False):
            assert s.shape == tuple(s.lhs.shape), s.id
    assert steps["dL_dW_hh"].shape == (2, 2) and steps["dL_dW_hy"].shape == (1, 2)
    assert [to_text(a) for a in terms(steps["dL_dW_hh"].formula)] == ["δ_3 h2ᵀ", "δ_2 h1ᵀ", "δ_1 h0ᵀ"]
    assert to_text(steps["dL_da2"].formula) == "(W_hhᵀ δ_3 + W_hyᵀ (∂L/∂y2)) ⊙ (𝟏 - (h2 ⊙ h2))"
    assert to_text(steps["dh2_dh1"].formula) == "diag(𝟏 - (h2 ⊙ h2)) W_hh"
    assert any("numerator layout" in n for n in doc.notes) and any("denominator layout" in n for n in doc.notes)


def test_the_accumulation_over_time_grows_with_T_and_the_activation_changes_the_jacobian():
    steps = by_id(rnn.derive({"steps": 6, "activation": "sigmoid", "loss": "last"}))
    assert [to_text(a) for a in terms(steps["dL_dW_xh"].formula)] == [f"δ_{t} x{t}ᵀ" for t in range(6, 0, -1)]
    assert to_text(steps["dh6_dh5"].formula) == "diag(h6 ⊙ (𝟏 - h6)) W_hh"
    assert "dL_dy5" not in steps and "dL_dy6" in steps  # the loss is taken at the last step only
    assert to_text(steps["gamma"].formula) == "σ_max·1/4"
    relu = by_id(rnn.derive({"steps": 2, "activation": "relu"}))
    assert to_text(relu["dh2_dh1"].formula) == "diag(H(a2)) W_hh"


def test_norm_and_diag_display_classes_print_parse_and_evaluate():
    from derive.functions import lambdify
    from derive.notation import Diag, MMul
    from derive.printing.math import to_latex, to_sympy_string
    W, v = sp.MatrixSymbol("W_hh", 2, 2), sp.MatrixSymbol("h1", 2, 1)
    J = MMul(Diag(v), W)
    assert to_text(J) == "diag(h1) W_hh" and to_text(Norm2(W)) == "‖W_hh‖₂" and to_text(FrobNorm(J)) == "‖diag(h1) W_hh‖_F"
    assert to_latex(Norm2(W)) == r"\left\|W_{hh}\right\|_{2}" and r"\operatorname{diag}" in to_latex(J)
    for e in (J, Norm2(W), 2 * FrobNorm(J)):
        assert sp.parse_expr(to_sympy_string(e), local_dict=PARSE_NAMESPACE) == e
    Wn, vn = np.array([[1.0, -2.0], [0.5, 3.0]]), np.array([[2.0], [-1.0]])
    got = lambdify([W, v], [J, Norm2(W), FrobNorm(J)])(Wn, vn)
    assert np.allclose(got[0], np.diag(vn[:, 0]) @ Wn)
    assert got[1] == pytest.approx(np.linalg.svd(Wn, compute_uv=False).max())
    assert got[2] == pytest.approx(np.sqrt(np.sum((np.diag(vn[:, 0]) @ Wn) ** 2)))
    assert sp.ImmutableMatrix(J.as_explicit()).subs({v[0, 0]: 2, v[1, 0]: 3, W[0, 1]: 1})[0, 1] == 2
    assert isinstance(Norm2(W) > sp.Symbol("theta"), sp.StrictGreaterThan)  # a real scalar: comparable


# --- numbers against independent computations -----------------------------------------------------

@pytest.mark.parametrize("activation, loss, T", [("tanh", "sum", 3), ("sigmoid", "last", 4), ("relu", "sum", 2)])
def test_gradients_match_an_independent_numpy_bptt(activation, loss, T):
    doc = rnn.derive({"steps": T, "activation": activation, "loss": loss, "hidden": 3}, {}, 11)
    v = _inputs(doc)
    L, g, _ = numpy_bptt(v, T, activation, loss)
    r = doc.results
    assert np.asarray(r["L"].value).item() == pytest.approx(L, rel=1e-10)
    for p in (*PARAMS, "h0"):
        assert np.allclose(r[f"dL_d{p}"].value, g[p], rtol=1e-9, atol=1e-11), p
    for p in PARAMS:
        assert np.allclose(r[f"{p}_new"].value, v[p] - v["eta"] * g[p], rtol=1e-9, atol=1e-11), p


def test_jacobian_products_and_the_spectral_bound():
    T = 4
    doc = rnn.derive({"steps": T, "hidden": 3}, {}, 5)
    v, steps = _inputs(doc), by_id(doc)
    for k in range(T):
        name = f"dh{T}_dh{k}" if k < T - 1 else f"dh{T}_dh{T - 1}"
        _, _, hs = numpy_bptt(v, T)
        fd = fd_jacobian(lambda h: states_from(v, k, h, T), hs[k])
        assert np.allclose(steps[name].value, fd, atol=1e-8), name
    sigma = np.linalg.norm(v["W_hh"], 2)
    assert steps["sigma_max"].value == pytest.approx(sigma, rel=1e-10)
    bound = np.array(steps["jacobian_bound"].value)[0]
    assert np.allclose(bound, sigma ** np.arange(1, T + 1), rtol=1e-10)
    norms = np.array(steps["jacobian_norms"].value)[0]
    assert np.all(norms <= bound + 1e-12)  # the bound holds


def test_small_and_large_recurrent_matrices():
    T = 5
    doc = rnn.derive({"steps": T}, {}, 2)
    v, steps = _inputs(doc), by_id(doc)
    for label, scale in (("small", 0.5), ("large", 2.0)):
        W = np.array(steps[f"W_{label}"].value)
        assert np.linalg.norm(W, 2) == pytest.approx(scale, rel=1e-9)
        fd = fd_jacobian(lambda h: states_from(v, 0, h, T, W), v["h0"])
        assert np.allclose(steps[f"P_{label}"].value, fd, atol=1e-8), label
        assert steps[f"norm_{label}"].value == pytest.approx(np.linalg.norm(fd, 2), rel=1e-6)
        assert steps[f"bound_{label}"].value == pytest.approx(scale ** T)
        assert steps[f"linear_{label}"].value == pytest.approx(np.linalg.norm(np.linalg.matrix_power(W, T), 2))
    assert steps["norm_small"].value <= steps["bound_small"].value  # γ = 1/2: vanishing is guaranteed
    assert steps["norm_small"].value < 0.05 and steps["linear_small"].value <= 0.5 ** T + 1e-12
    scenarios = {s.id for s in rnn.derive({"steps": T}).steps} & {"W_small", "P_large"}
    assert not scenarios  # the rescaled RNNs are shown with numbers only


@pytest.mark.parametrize("theta", [0.05, 1e6])
def test_clipping_by_norm(theta):
    doc = rnn.derive({}, {"theta": theta}, 4)
    v, steps = _inputs(doc), by_id(doc)
    _, g, _ = numpy_bptt(v, 3)
    norm = np.sqrt(sum(np.sum(g[p] ** 2) for p in PARAMS))
    assert steps["g_norm"].value == pytest.approx(norm, rel=1e-10)
    factor = min(1.0, theta / norm)
    assert steps["clip_factor"].value == pytest.approx(factor, rel=1e-10)
    clipped = np.sqrt(sum(np.sum(np.array(steps[f"clipped_{p}"].value) ** 2) for p in PARAMS))
    assert clipped == pytest.approx(min(norm, theta), rel=1e-9)
    for p in PARAMS:  # the direction is kept
        assert np.allclose(steps[f"clipped_{p}"].value, factor * g[p], rtol=1e-9, atol=1e-12)


# --- verification ---------------------------------------------------------------------------------

@pytest.mark.parametrize("options", [{}, {"steps": 2, "activation": "relu", "loss": "last", "outputs": 2}])
def test_verify_passes_fd_engine_torch_and_nn_rnn(options):
    v = rnn.verify(options, seed=1, points=2)
    assert v.passed, [(c.parameter, c.method, c.max_rel_error) for c in v.checks if not c.passed]
    params = {c.parameter for c in v.checks}
    assert {*PARAMS, "h0"} <= params and sum(p.startswith("all gradients") for p in params) == 2
    methods = {c.method for c in v.checks}
    assert any("central difference" in m for m in methods) and any("engine" in m for m in methods)


def test_verify_uses_torch_and_torch_nn_rnn():
    pytest.importorskip("torch")
    v = rnn.verify({"steps": 2}, seed=3, points=1)
    methods = {c.method for c in v.checks}
    assert "torch autograd (float64)" in methods and "torch.nn.RNN, same weights (float64)" in methods


def test_a_truncated_bptt_sum_would_be_caught():
    """The classic mistake: ∂L/∂W_hh from the last step only. Central differences must reject it."""
    from derive.backprop import derive_graph
    from derive.notation import MAdd
    from derive.verification import Program, check_program, draw_leaves
    graph = rnn.build(rnn.config({}))
    d = derive_graph(graph)
    steps = [s if s.id != "dL_dW_hh" else type(s)(**{**vars(s), "formula": terms(s.formula)[0]}) for s in d.steps]
    sample = lambda rng: {**draw_leaves(graph, rng, None), "eta": 0.5}  # noqa: E731
    checks = check_program(Program(steps), "L", {"W_hh": "dL_dW_hh", "W_xh": "dL_dW_xh"}, sample, 2, 0,
                           use_torch=False, forward=Program(d.forward))
    assert [c.passed for c in checks] == [False, True]
    assert isinstance(by_id(rnn.derive({}))["dL_dW_hh"].formula, MAdd)


# --- JSON -----------------------------------------------------------------------------------------

def test_json_round_trips_and_evaluates_independently():
    doc = rnn.derive({"steps": 3, "hidden": 2, "inputs": 1}, {}, 8)
    data = json.loads(render(doc, "json"))
    assert {"topic", "options", "steps", "results", "symbols", "inputs"} <= set(data)
    local = {**PARSE_NAMESPACE, **{n: sp.Symbol(n) for n in data["symbols"]}}
    for name, item in data["results"].items():
        assert sp.parse_expr(item["sympy"], local_dict=local) == plain(doc.results[name].expr), name
    for step in data["steps"]:
        if step.get("shape") and len(step["shape"]) == 2:
            assert np.shape(step["value"]) == tuple(step["shape"]), step["id"]
    env = evaluate_json(data)
    _, g, _ = numpy_bptt(_inputs(doc), 3)
    for p in (*PARAMS, "h0"):
        assert np.allclose(env[f"dL_d{p}"], g[p], rtol=1e-9, atol=1e-12), p
        assert np.allclose(env[f"dL_d{p}"], data["results"][f"dL_d{p}"]["value"], rtol=1e-9, atol=1e-12), p
    assert env["clip_factor"] == pytest.approx(next(s["value"] for s in data["steps"] if s["id"] == "clip_factor"))
    for name, info in data["symbols"].items():
        assert info["meaning"] and isinstance(info["shape"], list), name


# --- options --------------------------------------------------------------------------------------

@pytest.mark.parametrize("options, given, arg", [
    ({"activation": "swish"}, None, "--activation"), ({"loss": "first"}, None, "--loss"),
    ({"steps": 0}, None, "--steps"), ({"hidden": "x"}, None, "--hidden"), ({"outputs": 17}, None, "--outputs"), ({}, {"W_q": 1.0}, "--given"),
    ({}, {"W_hh": [[1, 2, 3]]}, "--given W_hh"), ({}, {"theta": "abc"}, "--given theta"),
])
def test_bad_options_and_givens_are_user_errors(options, given, arg):
    with pytest.raises(UserError) as info:
        rnn.derive(options, given, 0 if given is not None else None)
    assert info.value.arg == arg


def test_zero_recurrent_matrix_and_overflow_are_handled():
    doc = rnn.derive({}, {"W_hh": [[0, 0], [0, 0]]}, 1)
    assert "W_small" not in by_id(doc) and any("σ_max = 0" in n for n in doc.notes)
    assert by_id(doc)["jacobian_norms"].value == [[0.0, 0.0, 0.0]]
    with pytest.raises(UserError, match="overflow"):
        rnn.derive({"steps": 100, "hidden": 2}, {"W_hh": [[1e6, -1e6], [3e5, 1e6]]}, 1)


def test_giving_one_value_changes_no_other():
    a = rnn.derive({}, {}, 7).inputs
    b = rnn.derive({}, {"W_hh": [[0.1, 0.2], [0.3, 0.4]]}, 7).inputs
    assert b["W_hh"] == [[0.1, 0.2], [0.3, 0.4]] and all(a[k] == b[k] for k in a if k != "W_hh")


# --- CLI ------------------------------------------------------------------------------------------

def test_cli_derive_text_graph_and_bad_option():
    out = run_cli("derive", "rnn", "--steps", "2", "--seed", "1", "--format", "text")
    assert out.returncode == 0, out.stderr
    assert "∂L/∂W_hh = δ_2 h1ᵀ + δ_1 h0ᵀ" in out.stdout and "∂h2/∂h1 = diag(𝟏 - (h2 ⊙ h2)) W_hh" in out.stdout
    dot = run_cli("derive", "rnn", "--graph", "dot")
    assert dot.returncode == 0 and dot.stdout.startswith('digraph "rnn"') and '"W_hh" -> "_matmul' in dot.stdout
    bad = run_cli("derive", "rnn", "--form", "concat")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "--form" in bad.stderr


def test_cli_same_seed_same_bytes():
    a = run_cli("derive", "rnn", "--seed", "3", "--format", "json")
    b = run_cli("derive", "rnn", "--seed", "3", "--format", "json")
    assert a.returncode == 0 and a.stdout == b.stdout
    other = run_cli("derive", "rnn", "--seed", "4", "--format", "json")
    assert json.loads(a.stdout)["inputs"] != json.loads(other.stdout)["inputs"]
