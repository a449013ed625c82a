"""The batchnorm topic: the paper's steps from the reverse walk, numbers against a hand-written loop over
the batch (Ioffe & Szegedy's formulas) and torch's F.batch_norm, the broadcasting ops, options, CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp

from derive.backend import NumpyBackend, SympyBackend
from derive.errors import UserError
from derive.ops import make
from derive.printing.math import to_text
from derive.topics import batchnorm as topic
from tests.conftest import run_cli


def _steps(doc):
    return {s.id: s for s in doc.steps}


def _arr(v):
    return np.array(v, dtype=float)


# --- steps ---------------------------------------------------------------------------------------------

def test_steps_are_the_papers_and_carry_shapes():
    doc = topic.derive({})
    s = _steps(doc)
    assert list(s) == ["mu_B", "sigma_B^2", "s_B", "xhat", "y", "L", "dL_dy", "dL_dbeta", "dL_dgamma", "dL_dxhat",
                       "dL_ds_B", "dL_dsigma_B^2", "dL_dmu_B", "dL_dx"]
    text = {k: to_text(v.formula) for k, v in s.items()}
    assert text["mu_B"] == "1/4·𝟏ᵀ x" and text["sigma_B^2"] == "1/4·𝟏ᵀ (x - 𝟏 μ_B)∘²"
    assert text["xhat"] == "(x - 𝟏 μ_B) ⊘ (𝟏 s_B)" and text["y"] == "xhat ⊙ (𝟏 γ) + 𝟏 β"
    assert text["dL_dxhat"] == "∂L/∂y ⊙ (𝟏 γ)" and text["dL_dgamma"] == "𝟏ᵀ (∂L/∂y ⊙ xhat)"
    assert text["dL_dbeta"] == "𝟏ᵀ (∂L/∂y)"
    assert text["dL_dmu_B"].count("𝟏ᵀ") == 2  # two paths: through x̂ and through σ_B²
    assert text["dL_dx"].count(" + ") == 2  # three paths: x̂, σ_B², μ_B
    assert all(v.shape for v in s.values())
    assert s["dL_dx"].shape == (4, 3) and s["dL_dmu_B"].shape == (1, 3) and s["dL_dsigma_B^2"].shape == (1, 3)
    assert {"dL_dx", "dL_dgamma", "dL_dbeta", "dL_dxhat", "dL_dsigma_B^2", "dL_dmu_B", "L"} == set(doc.results)


# --- numbers -------------------------------------------------------------------------------------------

def _paper(x, gamma, beta, eps, G):
    """Ioffe & Szegedy's backward, feature by feature and example by example (loops, no matrices)."""
    m, d = x.shape
    out = {k: np.zeros_like(x) for k in ("xhat", "dxhat", "dx")}
    out.update({k: np.zeros(d) for k in ("mu", "var", "dvar", "dmu", "dgamma", "dbeta")})
    for j in range(d):
        mu = sum(x[i, j] for i in range(m)) / m
        var = sum((x[i, j] - mu) ** 2 for i in range(m)) / m
        xhat = [(x[i, j] - mu) / np.sqrt(var + eps) for i in range(m)]
        dxhat = [G[i, j] * gamma[j] for i in range(m)]
        dvar = sum(dxhat[i] * (x[i, j] - mu) * -0.5 * (var + eps) ** -1.5 for i in range(m))
        dmu = (sum(-dxhat[i] / np.sqrt(var + eps) for i in range(m))
               + dvar * sum(-2 * (x[i, j] - mu) for i in range(m)) / m)
        for i in range(m):
            out["xhat"][i, j], out["dxhat"][i, j] = xhat[i], dxhat[i]
            out["dx"][i, j] = dxhat[i] / np.sqrt(var + eps) + dvar * 2 * (x[i, j] - mu) / m + dmu / m
        out["mu"][j], out["var"][j], out["dvar"][j], out["dmu"][j] = mu, var, dvar, dmu
        out["dgamma"][j] = sum(G[i, j] * xhat[i] for i in range(m))
        out["dbeta"][j] = sum(G[i, j] for i in range(m))
    return out


@pytest.mark.parametrize("opts, seed", [({}, 1), ({"m": 5, "features": 2}, 2), ({"m": 2, "features": 1}, 3)])
def test_every_step_matches_the_papers_formulas(opts, seed):
    doc = topic.derive(opts, {}, seed)
    s, v = _steps(doc), doc.inputs
    ref = _paper(_arr(v["x"]), _arr(v["gamma"])[0], _arr(v["beta"])[0], _arr(v["epsilon"])[0, 0], _arr(v["G"]))
    pairs = {"mu_B": "mu", "sigma_B^2": "var", "xhat": "xhat", "dL_dxhat": "dxhat", "dL_dsigma_B^2": "dvar",
             "dL_dmu_B": "dmu", "dL_dx": "dx", "dL_dgamma": "dgamma", "dL_dbeta": "dbeta"}
    for step, key in pairs.items():
        assert _arr(s[step].value).reshape(ref[key].shape) == pytest.approx(ref[key], rel=1e-9, abs=1e-12), step


def test_values_match_torch_batch_norm():
    torch = pytest.importorskip("torch")
    doc = topic.derive({"loss": "mse", "m": 6}, {"epsilon": 1e-3}, 4)
    v, r = doc.inputs, doc.results
    x = torch.tensor(v["x"], dtype=torch.float64, requires_grad=True)
    gamma = torch.tensor(v["gamma"][0], dtype=torch.float64, requires_grad=True)
    beta = torch.tensor(v["beta"][0], dtype=torch.float64, requires_grad=True)
    y = torch.nn.functional.batch_norm(x, None, None, gamma, beta, training=True, eps=1e-3)
    loss = 0.5 * ((y - torch.tensor(v["T"], dtype=torch.float64)) ** 2).sum()
    loss.backward()
    assert _arr(_steps(doc)["y"].value) == pytest.approx(y.detach().numpy(), abs=1e-10)
    assert _arr(r["dL_dx"].value) == pytest.approx(x.grad.numpy(), abs=1e-10)
    assert _arr(r["dL_dgamma"].value)[0] == pytest.approx(gamma.grad.numpy(), abs=1e-10)
    assert _arr(r["dL_dbeta"].value)[0] == pytest.approx(beta.grad.numpy(), abs=1e-10)
    assert v["epsilon"] == [[1e-3] * 3]  # one number given, every feature gets it


@pytest.mark.parametrize("opts", [{}, {"loss": "mse", "m": 3, "features": 1}])
def test_verify_passes(opts):
    v = topic.verify(opts, seed=2, points=2)
    assert v.passed, [(c.parameter, c.method, c.max_rel_error) for c in v.checks if not c.passed]
    params = {c.parameter for c in v.checks}
    assert {"x", "gamma", "beta"} <= params and any(p.startswith("x at m=") for p in params)
    assert any(c.method.startswith("closed form") for c in v.checks)


# --- the broadcasting ops -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["bmul", "bdiv"])
@pytest.mark.parametrize("bshape", [(1, 3), (4, 1), (1, 1), (4, 3)])
def test_broadcast_ops_match_numpy_broadcasting(name, bshape):
    rng = np.random.default_rng(1)
    op, N = make(name), NumpyBackend()
    a, b, g = rng.normal(size=(4, 3)), rng.uniform(0.5, 2, size=bshape), rng.normal(size=(4, 3))
    out = op.forward(N, a, b)
    ga, gb = op.vjp(N, g, out, a, b)
    if name == "bmul":
        ref, ref_a, ref_b = a * b, g * b, (g * a)
    else:
        ref, ref_a, ref_b = a / b, g / b, -(g * a / b**2)
    axes = tuple(k for k in (0, 1) if bshape[k] == 1)
    assert out == pytest.approx(ref) and ga == pytest.approx(ref_a)
    assert gb == pytest.approx(ref_b.sum(axis=axes, keepdims=True) if axes else ref_b)
    with pytest.raises(ValueError):
        op.shape((1, 3), (4, 3))  # only the second operand broadcasts


def test_broadcast_division_prints_as_the_course_writes_it():
    A, b, G = sp.MatrixSymbol("A", 4, 3), sp.MatrixSymbol("s", 1, 3), sp.MatrixSymbol("G", 4, 3)
    S, op = SympyBackend(), make("bdiv")
    C = sp.MatrixSymbol("C", 4, 3)
    assert to_text(op.forward(S, A, b)) == "A ⊘ (𝟏 s)"
    ga, gb = op.vjp(S, G, C, A, b)
    assert to_text(ga) == "G ⊘ (𝟏 s)" and to_text(gb) == "(-𝟏ᵀ (G ⊙ C)) ⊘ s"


# --- options and CLI ------------------------------------------------------------------------------------

@pytest.mark.parametrize("options, given, arg", [
    ({"m": 1}, None, "--set m"), ({"features": 0}, None, "--set features"), ({"loss": "l1"}, None, "--loss"),
    ({}, {"mu_B": 1.0}, "--given"), ({}, {"x": [[1, 2]]}, "--given x"), ({}, {"gamma": [1, 2]}, "--given gamma"),
])
def test_bad_options_are_user_errors(options, given, arg):
    with pytest.raises(UserError) as info:
        topic.derive(options, given, 0 if given is not None else None)
    assert info.value.arg == arg


def test_cli():
    out = run_cli("derive", "batchnorm", "--seed", "3", "--format", "json")
    again = run_cli("derive", "batchnorm", "--seed", "3", "--format", "json")
    assert out.returncode == 0 and out.stdout == again.stdout, out.stderr
    data = json.loads(out.stdout)
    assert data["topic"] == "batchnorm" and {s["id"] for s in data["steps"]} >= {"dL_dsigma_B^2", "dL_dmu_B", "dL_dx"}
    ver = run_cli("verify", "batchnorm", "--points", "1", "--format", "text")
    assert ver.returncode == 0 and "All checks passed." in ver.stdout, ver.stderr
    bad = run_cli("derive", "batchnorm", "--set", "m=1")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "--set m" in bad.stderr
    dot = topic.derive({}).graph.to_dot()  # `--graph dot` itself runs in test_attention's CLI test
    assert '"mu_B" -> ' in dot and '"sigma_B^2" -> ' in dot
