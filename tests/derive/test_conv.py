"""The conv topic and the correlate op: hand-computed answers, torch's conv1d/conv2d over many sizes,
strides and paddings, the output-size step, options, CLI."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
import sympy as sp

from derive.backend import NumpyBackend, SympyBackend
from derive.errors import UserError
from derive.notation import plain
from derive.ops import make
from derive.ops.conv import out_size
from derive.printing.math import to_text
from derive.topics import conv as topic
from tests.conftest import run_cli

EDGE = [[-1, -1, -1], [0, 0, 0], [1, 1, 1]]


def _steps(doc):
    return {s.id: s for s in doc.steps}


def _arr(v):
    return np.array(v, dtype=float)


# --- known answers, worked by hand -------------------------------------------------------------------

def test_edge_filter_on_a_ramp_by_hand():
    """X_pq = 5p + q, the edge filter: every window's bottom row exceeds its top row by 10 in each of 3
    columns, so Y = 30 + b. With G = 𝟏: ∂L/∂K_ab = Σ_ij X[i+a, j+b] = 45a + 9b + 54, and ∂L/∂X = r cᵀ with
    r = (−1, −1, 0, 1, 1) (the kernel rows covering row p) and c = (1, 2, 3, 2, 1) (windows covering column q)."""
    X = np.arange(25.0).reshape(5, 5)
    doc = topic.derive({}, {"X": X.tolist(), "K": EDGE, "b": 0.5, "G": np.ones((3, 3)).tolist()}, 0)
    s = _steps(doc)
    assert _arr(s["Y"].value) == pytest.approx(np.full((3, 3), 30.5))
    by_hand = np.array([[45 * a + 9 * b + 54 for b in range(3)] for a in range(3)])
    assert _arr(s["dL_dK"].value) == pytest.approx(by_hand)
    assert _arr(s["dL_dX"].value) == pytest.approx(np.outer([-1, -1, 0, 1, 1], [1, 2, 3, 2, 1]))
    assert _arr(s["dL_db"].value).item() == 9
    assert _arr(s["K_rot180"].value) == pytest.approx(np.array(EDGE)[::-1, ::-1])
    assert _arr(s["dL_dY_padded"].value) == pytest.approx(np.pad(np.ones((3, 3)), 2))


def test_one_d_difference_filter_by_hand():
    doc = topic.derive({"dims": 1}, {"x": [1, 2, 3, 4, 5], "k": [1, 0, -1], "b": 0, "G": [1, 0, 0]}, 0)
    s = _steps(doc)
    assert _arr(s["y"].value) == pytest.approx(np.array([[-2, -2, -2]]))
    assert _arr(s["dL_dx"].value) == pytest.approx(np.array([[1, 0, -1, 0, 0]]))  # only the first window, with k itself
    assert _arr(s["dL_dk"].value) == pytest.approx(np.array([[1, 2, 3]]))


@pytest.mark.parametrize("n, f, p, s, expected", [(5, 3, 0, 1, 3), (32, 5, 0, 1, 28), (7, 3, 1, 2, 4), (6, 3, 0, 2, 2),
                                                  (5, 3, 1, 1, 5), (224, 7, 3, 2, 112)])
def test_output_size_formula(n, f, p, s, expected):
    assert out_size(n, f, p, s) == expected
    if n <= 8:
        steps = _steps(topic.derive({"n": n, "f": f, "padding": p, "stride": s}))
        step = steps["output_size"]
        assert step.value == expected and steps["Y"].shape == (expected, expected)
        N, F, P, S = sp.symbols("N F P S")
        assert int(plain(step.formula).subs({N: n, F: f, P: p, S: s})) == expected


# --- the op against torch, every stride/padding ---------------------------------------------------------

CASES = [(2, n, f, s, p) for n, f, s, p in itertools.product((4, 5), (1, 2, 3), (1, 2, 3), (0, 1, 2)) if f <= n + 2 * p]
CASES += [(1, n, f, s, p) for n, f, s, p in itertools.product((5, 6), (1, 3), (1, 2), (0, 1, 3)) if f <= n + 2 * p]


@pytest.mark.parametrize("dims, n, f, s, p", CASES)
def test_correlate_op_matches_torch(dims, n, f, s, p):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(n * 100 + f * 10 + s + p)
    two = dims == 2
    op = make("correlate", stride=(s, s) if two else (1, s), padding=(p, p) if two else (0, p))
    x, k = rng.normal(size=(n, n) if two else (1, n)), rng.normal(size=(f, f) if two else (1, f))
    N = NumpyBackend()
    y = op.forward(N, x, k)
    g = rng.normal(size=y.shape)
    dx, dk = op.vjp(N, g, y, x, k)
    xt, kt = (torch.tensor(v, requires_grad=True) for v in (x, k))
    conv = F.conv2d(xt[None, None], kt[None, None], stride=s, padding=p)[0, 0] if two else \
        F.conv1d(xt[None], kt[None], stride=s, padding=p)[0]
    (conv * torch.tensor(g)).sum().backward()
    assert y.shape == tuple(op.shape(x.shape, k.shape)) == tuple(conv.shape)
    assert y == pytest.approx(conv.detach().numpy(), abs=1e-12)
    assert dx == pytest.approx(xt.grad.numpy(), abs=1e-12) and dk == pytest.approx(kt.grad.numpy(), abs=1e-12)


def test_forward_is_scipy_cross_correlation():
    from scipy.signal import correlate2d
    rng = np.random.default_rng(0)
    x, k = rng.normal(size=(6, 5)), rng.normal(size=(3, 2))
    assert make("correlate").forward(NumpyBackend(), x, k) == pytest.approx(correlate2d(x, k, mode="valid"))


def test_display_of_the_rules():
    S = SympyBackend()
    X, K = sp.MatrixSymbol("X", 5, 5), sp.MatrixSymbol("K", 3, 3)
    G = sp.MatrixSymbol("G", 3, 3)
    op = make("correlate", stride=(2, 2), padding=(1, 1))
    assert to_text(op.forward(S, X, K)) == "pad_1(X) ⋆_2 K"
    dx, dk = op.vjp(S, G, None, X, K)
    assert to_text(dk) == "pad_1(X) ⋆ dil_2(G)" and to_text(dx) == "pad_1(dil_2(G)) ⋆ rot180(K)"
    wide = make("correlate", padding=(3, 3))  # P > F − 1: Ḡ is cropped instead of padded
    dx, _ = wide.vjp(S, sp.MatrixSymbol("G", 9, 9), None, sp.MatrixSymbol("X", 4, 4), sp.MatrixSymbol("K", 2, 2))
    assert to_text(dx) == "G[2:7, 2:7] ⋆ rot180(K)"


# --- the topic ------------------------------------------------------------------------------------------

def test_steps_and_shapes():
    doc = topic.derive({})
    s = _steps(doc)
    assert list(s) == ["output_size", "Y", "L", "dL_dY", "dL_db", "K_rot180", "dL_dY_padded", "dL_dX", "dL_dK"]
    text = {k: to_text(v.formula) for k, v in s.items()}
    assert text["Y"] == "X ⋆ K + 𝟏 b 𝟏ᵀ" and text["dL_dK"] == "X ⋆ (∂L/∂Y)"
    assert text["dL_dX"] == "pad_2(∂L/∂Y) ⋆ rot180(K)" and text["dL_db"] == "𝟏ᵀ (∂L/∂Y) 𝟏"
    assert s["dL_dX"].shape == (5, 5) and s["dL_dK"].shape == (3, 3) and s["Y"].shape == (3, 3)
    assert all(v.shape for k, v in s.items() if k != "output_size")
    assert {"L", "dL_dX", "dL_dK", "dL_db"} == set(doc.results)


def test_values_match_torch_with_stride_and_padding():
    torch = pytest.importorskip("torch")
    doc = topic.derive({"stride": 2, "padding": 1, "n": 6, "loss": "mse"}, {}, 9)
    v, r = doc.inputs, doc.results
    X, K, b = (torch.tensor(v[n], dtype=torch.float64, requires_grad=True) for n in ("X", "K", "b"))
    Y = torch.nn.functional.conv2d(X[None, None], K[None, None], b.reshape(1), stride=2, padding=1)[0, 0]
    (0.5 * ((Y - torch.tensor(v["T"], dtype=torch.float64)) ** 2).sum()).backward()
    assert _arr(_steps(doc)["Y"].value) == pytest.approx(Y.detach().numpy())
    for name, t in (("dL_dX", X), ("dL_dK", K), ("dL_db", b)):
        assert _arr(r[name].value) == pytest.approx(t.grad.numpy(), abs=1e-10), name
    assert all(float(x).is_integer() for row in v["X"] for x in row)  # hand-calculable numbers


@pytest.mark.parametrize("opts", [{}, {"dims": 1, "stride": 2, "padding": 1, "n": 7},
                                  {"stride": 3, "padding": 2, "f": 2}, {"loss": "mse", "dims": 1}])
def test_verify_passes(opts):
    v = topic.verify(opts, seed=3, points=2)
    assert v.passed, [(c.parameter, c.method, c.max_rel_error) for c in v.checks if not c.passed]
    assert any("scipy" in c.method for c in v.checks) and any(" at N=" in c.parameter for c in v.checks)


@pytest.mark.parametrize("options, given, arg", [
    ({"stride": 0}, None, "--set stride"), ({"dims": 3}, None, "--set dims"), ({"f": 8}, None, "--set f"),
    ({"padding": -1}, None, "--set padding"), ({"n": 20}, None, "--set n"), ({"loss": "ce"}, None, "--loss"),
    ({}, {"K": [[1, 2], [3, 4]]}, "--given K"), ({}, {"W": 1}, "--given"),
])
def test_bad_options_are_user_errors(options, given, arg):
    with pytest.raises(UserError) as info:
        topic.derive(options, given, 0 if given is not None else None)
    assert info.value.arg == arg


def test_cli():
    out = run_cli("derive", "conv", "--set", "stride=2", "--set", "padding=1", "--seed", "2", "--format", "json")
    again = run_cli("derive", "conv", "--set", "stride=2", "--set", "padding=1", "--seed", "2", "--format", "json")
    assert out.returncode == 0 and out.stdout == again.stdout, out.stderr
    data = json.loads(out.stdout)
    assert data["steps"][0]["id"] == "output_size" and data["steps"][0]["value"] == 3
    ver = run_cli("verify", "conv", "--set", "dims=1", "--points", "1", "--format", "text")
    assert ver.returncode == 0 and "All checks passed." in ver.stdout, ver.stderr
    bad = run_cli("derive", "conv", "--set", "stride=0")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "stride" in bad.stderr
    dot = topic.derive({}).graph.to_dot()  # `--graph dot` itself runs in test_attention's CLI test
    assert '"X" -> "_correlate' in dot and '"K" -> "_correlate' in dot
