"""The attention topic: steps and shapes, numbers against torch and hand-written NumPy, the causal
mask's zeros, the 1/√d_k saturation figures, positional encodings, options, CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp

from derive.backend import NumpyBackend
from derive.errors import UserError
from derive.ops import make
from derive.printing import render
from derive.printing.math import to_text
from derive.topics import attention as topic
from tests.conftest import has_torch, run_cli


@pytest.fixture
def torch():
    """torch, or the test is skipped."""
    return pytest.importorskip("torch")


def _steps(doc):
    return {s.id: s for s in doc.steps}


def _arr(v):
    return np.array(v, dtype=float)


def _t(v, grad=False):
    import torch
    return torch.tensor(np.array(v, dtype=float), dtype=torch.float64, requires_grad=grad)


# --- the steps come from the reverse walk ---------------------------------------------------------------

def test_single_head_steps_and_shapes():
    doc = topic.derive({})
    s = _steps(doc)
    assert [k for k in s if not k.startswith(("saturation", "omega", "PE"))] == [
        "S", "A", "O", "L", "dL_dO", "dL_dV", "dL_dA", "dL_dS", "dL_dQ", "dL_dK"]
    text = {k: to_text(v.formula) for k, v in s.items()}
    assert text["S"] == "1/2·Q Kᵀ" and text["A"] == "softmax(S)" and text["O"] == "A V"
    assert text["dL_dO"] == "G" and text["dL_dV"] == "Aᵀ (∂L/∂O)" and text["dL_dA"] == "(∂L/∂O) Vᵀ"
    assert text["dL_dS"] == "A ⊙ (∂L/∂A - (A ⊙ ∂L/∂A) 𝟏 𝟏ᵀ)"
    assert text["dL_dQ"] == "1/2·(∂L/∂S) K" and text["dL_dK"] == "1/2·(∂L/∂S)ᵀ Q"
    shapes = {k: v.shape for k, v in s.items()}
    assert shapes["dL_dQ"] == (3, 4) and shapes["dL_dK"] == (3, 4) and shapes["dL_dV"] == (3, 2)
    assert all(v.shape for k, v in s.items() if not k.startswith(("saturation", "omega")))
    assert any(n.startswith("Layout: rows are tokens") for n in doc.notes)
    assert {"L", "dL_dQ", "dL_dK", "dL_dV", "PE"} == set(doc.results)


def test_multihead_steps_name_every_projection():
    doc = topic.derive({"heads": 2, "mask": "causal"})
    s = _steps(doc)
    for i in (1, 2):
        for name in (f"Q_{i}", f"S_{i}", f"A_{i}", f"head_{i}", f"dL_dW_{i}^Q", f"dL_dW_{i}^K", f"dL_dW_{i}^V"):
            assert name in s, name
        assert to_text(s[f"A_{i}"].formula) == f"softmax(S_{i} + M)"
        assert to_text(s[f"dL_dW_{i}^Q"].formula) == f"Qᵀ (∂L/∂Q_{i})" and s[f"dL_dW_{i}^Q"].shape == (4, 2)
    assert to_text(s["C"].formula) == "[head_1, head_2]" and to_text(s["dL_dW^O"].formula) == "Cᵀ (∂L/∂O)"
    assert to_text(s["dL_dQ"].formula) == "(∂L/∂Q_2) W_2^Qᵀ + (∂L/∂Q_1) W_1^Qᵀ"  # fan-in over the heads
    assert to_text(s["dL_dhead_1"].formula) == "(∂L/∂C)[0:3, 0:2]"
    assert "M" in doc.symbols and any("Causal mask" in n for n in doc.notes)


def test_mse_loss_changes_the_first_backward_step():
    s = _steps(topic.derive({"loss": "mse"}))
    assert to_text(s["dL_dO"].formula) == "O - T"


# --- numbers: every step against independent implementations -------------------------------------------

def _torch_single(v, causal, loss="upstream"):
    import torch
    Q, K, V = (_t(v[n], True) for n in "QKV")
    S = Q @ K.T / np.sqrt(Q.shape[1])
    if causal:
        S = S.masked_fill(torch.triu(torch.ones_like(S, dtype=torch.bool), 1), float("-inf"))
    A = torch.softmax(S, dim=1)
    A.retain_grad()
    O = A @ V
    L = (_t(v["G"]) * O).sum() if loss == "upstream" else 0.5 * ((O - _t(v["T"])) ** 2).sum()
    L.backward()
    return L, A, O, Q.grad, K.grad, V.grad, A.grad


@pytest.mark.parametrize("opts", [{}, {"mask": "causal", "n": 4, "d_k": 3, "d_v": 3}, {"loss": "mse", "m": 5}])
def test_single_head_values_match_torch_written_out(opts, torch):
    doc = topic.derive(opts, {}, 7)
    s, r, v = _steps(doc), doc.results, doc.inputs
    L, A, O, gQ, gK, gV, gA = _torch_single(v, opts.get("mask") == "causal", opts.get("loss", "upstream"))
    assert _arr(s["A"].value) == pytest.approx(A.detach().numpy(), abs=1e-10)
    assert _arr(s["O"].value) == pytest.approx(O.detach().numpy(), abs=1e-10)
    assert _arr(s["dL_dA"].value) == pytest.approx(gA.numpy(), abs=1e-10)
    assert _arr(r["L"].value).item() == pytest.approx(L.item(), abs=1e-10)
    for name, ref in (("dL_dQ", gQ), ("dL_dK", gK), ("dL_dV", gV)):
        assert _arr(r[name].value) == pytest.approx(ref.numpy(), abs=1e-10), name


def test_causal_mask_zero_weights_and_vanishing_gradients():
    doc = topic.derive({"mask": "causal", "n": 4}, {}, 3)
    s = _steps(doc)
    above = np.triu(np.ones((4, 4), dtype=bool), 1)
    A, dS = _arr(s["A"].value), _arr(s["dL_dS"].value)
    assert np.all(A[above] == 0) and np.all(dS[above] == 0)
    assert np.all(A[~above] > 0) and A.sum(axis=1) == pytest.approx(np.ones(4))
    assert np.count_nonzero(dS[~above][1:]) > 0  # the kept ones do get gradient (row 0 sums to zero: one key)


def test_multihead_matches_nn_multiheadattention(torch):
    doc = topic.derive({"heads": 2, "mask": "causal", "m": 3}, {}, 5)
    v, r, h, d_model = doc.inputs, doc.results, 2, 4
    mha = torch.nn.MultiheadAttention(d_model, h, bias=False, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        for c, block in zip("QKV", mha.in_proj_weight.split(d_model)):
            block.copy_(torch.cat([_t(v[f"W_{i}^{c}"]) for i in (1, 2)], dim=1).T)
        mha.out_proj.weight.copy_(_t(v["W^O"]).T)
    Q, K, V = (_t(v[n], True) for n in "QKV")
    mask = torch.triu(torch.ones(3, 3, dtype=torch.bool), 1)
    out, _ = mha(Q[None], K[None], V[None], attn_mask=mask, need_weights=False)
    loss = (_t(v["G"]) * out[0]).sum()
    loss.backward()
    assert _arr(_steps(doc)["O"].value) == pytest.approx(out[0].detach().numpy(), abs=1e-10)
    for name, ref in (("dL_dQ", Q.grad), ("dL_dK", K.grad), ("dL_dV", V.grad)):
        assert _arr(r[name].value) == pytest.approx(ref.numpy(), abs=1e-10), name
    w_grad = {c: blk.T for c, blk in zip("QKV", mha.in_proj_weight.grad.split(d_model))}
    for i in (1, 2):
        for c in "QKV":
            ref = w_grad[c][:, (i - 1) * 2: i * 2].numpy()
            assert _arr(r[f"dL_dW_{i}^{c}"].value) == pytest.approx(ref, abs=1e-10), (i, c)
    assert _arr(r["dL_dW^O"].value) == pytest.approx(mha.out_proj.weight.grad.T.numpy(), abs=1e-10)


@pytest.mark.parametrize("opts", [{}, {"mask": "causal", "n": 2}, {"heads": 2, "loss": "mse"},
                                  {"heads": 1, "mask": "causal"}])
def test_verify_passes_fd_engine_and_torch(opts):
    v = topic.verify(opts, seed=4, points=2)
    assert v.passed, [(c.parameter, c.method, c.max_rel_error) for c in v.checks if not c.passed]
    methods = {c.method for c in v.checks}
    expected = {"central difference (float64, h=1e-6)", "reverse-mode engine (NumPy, same graph)"}
    assert expected | ({"torch autograd (float64)"} if has_torch() else set()) <= methods
    params = {c.parameter for c in v.checks}
    assert {"Q", "K", "V"} <= params and any(" at n=" in p for p in params)  # other sizes too
    if "heads" in opts:
        assert {"W_1^Q", "W^O"} <= params
    if opts.get("mask"):
        assert {"A (masked)", "∂L/∂S (masked)"} & params or {"A_1 (masked)", "∂L/∂S_1 (masked)"} <= params


def test_a_wrong_rule_would_fail_verification():
    """Sabotage ∂L/∂K (drop the transpose's partner): the checks must fail."""
    from dataclasses import replace

    from derive.backprop import derive_graph
    from derive.verification import verify_steps
    cfg = topic.config({})
    graph = cfg.graph()
    d = derive_graph(graph, updates=False)
    d.backward = [replace(s, formula=s.formula * 2) if s.id == "dL_dK" else s for s in d.backward]
    checks = verify_steps(graph, d, topic.draw(graph, None), 1, 0, None, ["Q", "K"])
    assert {c.parameter for c in checks if not c.passed} == {"K"}


# --- ops this topic added -------------------------------------------------------------------------------

def test_masked_softmax_op_matches_torch_with_minus_infinity(torch):
    rng = np.random.default_rng(0)
    keep = [[1, 0, 1], [0, 1, 0]]
    op, N = make("masked_softmax", keep=keep), NumpyBackend()
    S, G = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    A = op.forward(N, S)
    (dS,) = op.vjp(N, G, A, S)
    St = _t(S, True)
    At = torch.softmax(St.masked_fill(~torch.tensor(keep, dtype=torch.bool), float("-inf")), dim=1)
    (At * _t(G)).sum().backward()
    assert A == pytest.approx(At.detach().numpy(), abs=1e-14) and dS == pytest.approx(St.grad.numpy(), abs=1e-14)
    with pytest.raises(ValueError):
        op.shape((3, 3))
    with pytest.raises(ValueError):
        make("masked_softmax", keep=[[0, 0], [1, 1]]).shape((2, 2))  # a row with no key


# --- 1/√d_k and saturation, positional encoding -----------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 11])  # 0: the figures kept in SATURATION_SEED0; 11: computed
def test_saturation_figures_match_an_independent_torch_computation(torch, seed):
    doc = topic.derive({}, None, seed)
    s = _steps(doc)
    for d in topic.SATURATION_DIMS:
        rng = np.random.default_rng([seed, d])
        q = torch.tensor(rng.standard_normal((topic.SATURATION_ROWS, d)))
        k = torch.tensor(rng.standard_normal((topic.SATURATION_ROWS, topic.SATURATION_KEYS, d)))
        scores = torch.einsum("rd,rmd->rm", q, k)
        for tag, scale in (("raw", 1.0), ("scaled", d ** -0.5)):
            a = torch.softmax(scores * scale, dim=1)
            ent = torch.special.entr(a).sum(dim=1).mean().item()
            jac = torch.diag_embed(a) - a[:, :, None] * a[:, None, :]
            ref = [(scores * scale).std(unbiased=False).item(), a.max(dim=1).values.mean().item(), ent,
                   torch.linalg.matrix_norm(jac).mean().item()]
            assert s[f"saturation_d{d}_{tag}"].value == pytest.approx(ref, abs=2e-6), (d, tag)
    raw = [s[f"saturation_d{d}_raw"].value for d in topic.SATURATION_DIMS]
    scaled = [s[f"saturation_d{d}_scaled"].value for d in topic.SATURATION_DIMS]
    assert all(a[1] < b[1] and a[2] > b[2] and a[3] > b[3] for a, b in zip(raw, raw[1:]))  # saturating
    assert raw[-1][1] > 0.9 and raw[-1][3] < 0.1 and all(abs(x[0] - 1) < 0.05 for x in scaled)
    assert all(0.25 < x[1] < 0.4 for x in scaled)  # scaled: the same spread at every d_k


def test_saturation_figures_kept_for_seed_0_are_the_computed_ones():
    assert sorted(topic.SATURATION_SEED0) == sorted((d, s) for d in topic.SATURATION_DIMS for s in (False, True))
    for (d, scaled), kept in topic.SATURATION_SEED0.items():
        assert list(kept) == topic.saturation_numbers(0, d, scaled), (d, scaled)


def test_saturation_steps_are_there_without_numbers_and_follow_the_seed():
    a, b = topic.derive({}), topic.derive({}, None, 1)
    assert _steps(a)["saturation_d64_raw"].value is not None
    assert _steps(a)["saturation_d64_raw"].value != _steps(b)["saturation_d64_raw"].value


@pytest.mark.parametrize("opts, d", [({}, 4), ({"heads": 2, "d_model": 6, "n": 4}, 6), ({"d_k": 3}, 3)])
def test_positional_encoding_values(opts, d):
    doc = topic.derive(opts)
    n = doc.options["n"]
    pos, col = np.arange(n)[:, None], np.arange(d)[None, :]
    angle = pos / 10000 ** ((col // 2) * 2 / d)
    ref = np.where(col % 2 == 0, np.sin(angle), np.cos(angle))
    assert _arr(doc.results["PE"].value) == pytest.approx(ref, abs=1e-15)
    s = _steps(doc)
    for p in range(n):
        assert _arr(s[f"PE_{p}"].value) == pytest.approx(ref[p:p + 1], abs=1e-15)
        assert np.array(sp.ImmutableMatrix(s[f"PE_{p}"].formula).evalf(), dtype=float) == pytest.approx(ref[p:p + 1])
    assert s["omega_0"].formula == 1 and (d < 4 or s["omega_1"].formula == sp.Integer(10000) ** sp.Rational(-2, d))


# --- options --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("options, given, arg", [
    ({"mask": "diagonal"}, None, "--mask"), ({"heads": 3}, None, "--heads"), ({"heads": 0}, None, "--heads"),
    ({"d_model": 8}, None, "--set d_model"), ({"mask": "causal", "m": 4}, None, "--mask"),
    ({"n": 0}, None, "--set n"), ({"n": "x"}, None, "--set n"), ({"loss": "hinge"}, None, "--loss"),
    ({"heads": 2, "d_k": 3}, None, "--set d_k"), ({}, {"Z": 1.0}, "--given"), ({}, {"Q": [[1, 2]]}, "--given Q"),
    ({}, {"Q": "abc"}, "--given Q"),
])
def test_bad_options_are_user_errors(options, given, arg):
    with pytest.raises(UserError) as info:
        topic.derive(options, given, 0 if given is not None else None)
    assert info.value.arg == arg


def test_given_values_are_used_and_others_stay_put():
    a = topic.derive({}, {}, 2)
    Q = [[0.1, 0.2, 0.3, 0.4]] * 3
    b = topic.derive({}, {"Q": Q}, 2)
    assert b.inputs["Q"] == Q and b.inputs["K"] == a.inputs["K"] and "given: Q" in b.notes[-1]


# --- CLI ------------------------------------------------------------------------------------------------

def test_cli_derive_verify_and_errors():
    out = run_cli("derive", "attention", "--heads", "2", "--mask", "causal", "--values", "--format", "text")
    assert out.returncode == 0, out.stderr
    assert "A_1 = softmax(S_1 + M) = [[1, 0, 0]," in out.stdout and "∈ ℝ^{4×2}" in out.stdout
    ver = run_cli("verify", "attention", "--mask", "causal", "--points", "1", "--format", "json")
    assert ver.returncode == 0, ver.stderr
    data = json.loads(ver.stdout)
    assert data["passed"] and {"Q", "K", "V", "∂L/∂S (masked)"} <= {c["parameter"] for c in data["checks"]}
    for args, arg in ((["--mask", "diagonal"], "--mask"), (["--heads", "3"], "--heads")):
        bad = run_cli("derive", "attention", *args)
        lines = bad.stderr.strip().splitlines()
        assert bad.returncode == 2 and len(lines) == 1 and arg in lines[0] and "Traceback" not in bad.stderr, args
    assert "d_model = 4 is not divisible by h = 3" in lines[0]


def test_cli_is_deterministic_and_draws_the_graph():
    a = run_cli("derive", "attention", "--heads", "2", "--seed", "5", "--format", "json")
    b = run_cli("derive", "attention", "--heads", "2", "--seed", "5", "--format", "json")
    assert a.returncode == 0 and a.stdout == b.stdout
    assert json.loads(a.stdout)["inputs"] != json.loads(
        render(topic.derive({"heads": 2}, {}, 6), "json"))["inputs"]  # another seed, other numbers
    dot = run_cli("derive", "attention", "--graph", "dot")
    assert dot.returncode == 0 and dot.stdout.startswith('digraph "attention"')
    assert '"S" -> "A";' in dot.stdout and '"Q" -> "S";' in dot.stdout
