"""Scaled dot-product and multi-head attention: FD, torch SDPA and nn.MultiheadAttention."""

from __future__ import annotations

import numpy as np
import pytest

from numeric.gradcheck import numerical_gradient
from tests.numeric.helpers import rel_error
from numeric.layers import attention

B, TQ, TK, DK, DV = 2, 4, 5, 3, 2


def _qkv(seed=0, tk=TK):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((B, TQ, DK)), rng.standard_normal((B, tk, DK)),
            rng.standard_normal((B, tk, DV)), rng.standard_normal((B, TQ, DV)))


@pytest.mark.parametrize("causal", [False, True])
def test_sdpa_forward_matches_definition(causal):
    q, k, v, _ = _qkv(tk=TQ)
    out, cache = attention.sdpa_forward(q, k, v, causal)
    for n in range(B):
        for i in range(TQ):
            keys = range(i + 1) if causal else range(TQ)
            s = np.array([q[n, i] @ k[n, j] / np.sqrt(DK) for j in keys])
            p = np.exp(s - s.max()) / np.exp(s - s.max()).sum()
            np.testing.assert_allclose(out[n, i], sum(p[j] * v[n, j] for j in keys), rtol=1e-12)
    p = np.swapaxes(cache[3], -1, -2)                            # the cache keeps Pᵀ
    np.testing.assert_allclose(p.sum(-1), 1.0)
    if causal:
        assert np.all(p[:, np.triu_indices(TQ, 1)[0], np.triu_indices(TQ, 1)[1]] == 0.0)


@pytest.mark.parametrize("causal", [False, True])
def test_sdpa_backward_matches_finite_differences(causal):
    q, k, v, G = _qkv(1, tk=TQ if causal else TK)
    _, cache = attention.sdpa_forward(q, k, v, causal)
    dq, dk, dv = attention.sdpa_backward(G, cache)

    def loss():
        return float(np.sum(attention.sdpa_forward(q, k, v, causal)[0] * G))
    for got, arr in ((dq, q), (dk, k), (dv, v)):
        assert rel_error(got, numerical_gradient(loss, arr)) < 1e-7


@pytest.mark.parametrize("causal", [False, True])
def test_sdpa_matches_torch(causal):
    torch = pytest.importorskip("torch")
    import torch.nn.functional as F
    q, k, v, G = _qkv(2, tk=TQ)
    qt, kt, vt = (torch.from_numpy(a).requires_grad_(True) for a in (q, k, v))
    out_t = F.scaled_dot_product_attention(qt, kt, vt, is_causal=causal)
    (out_t * torch.from_numpy(G)).sum().backward()
    out, cache = attention.sdpa_forward(q, k, v, causal)
    grads = attention.sdpa_backward(G, cache)
    assert rel_error(out, out_t.detach().numpy()) < 1e-12
    for got, t in zip(grads, (qt, kt, vt)):
        assert rel_error(got, t.grad.numpy()) < 1e-12


N, T, DM, HEADS = 2, 4, 6, 3


def _mha(seed=0, bias=True):
    rng = np.random.default_rng(seed)
    params = attention.init(rng, DM, bias=bias)
    params = {k: v + 0.1 * rng.standard_normal(v.shape) if k.startswith("b") else v for k, v in params.items()}
    return params, rng.standard_normal((N, T, DM)), rng.standard_normal((N, T, DM))


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("bias", [False, True])
def test_multihead_backward_matches_finite_differences(causal, bias):
    params, x, G = _mha(3, bias)
    _, cache = attention.forward(params, x, HEADS, causal)
    dx, grads = attention.backward(G, cache)
    assert set(grads) == set(params)

    def loss():
        return float(np.sum(attention.forward(params, x, HEADS, causal)[0] * G))
    for name in params:
        num = numerical_gradient(loss, params[name])
        if name == "b_K":                                        # softmax ignores a shift shared by all keys
            assert np.max(np.abs(grads[name])) < 1e-12 and np.max(np.abs(num)) < 1e-8
            continue
        assert rel_error(grads[name], num) < 1e-7, name
    assert rel_error(dx, numerical_gradient(loss, x)) < 1e-7


def test_causal_output_ignores_the_future():
    params, x, _ = _mha(4)
    out, _ = attention.forward(params, x, HEADS, causal=True)
    x2 = x.copy()
    x2[:, -1] += 5.0                                             # change only the last position
    out2, _ = attention.forward(params, x2, HEADS, causal=True)
    np.testing.assert_allclose(out[:, :-1], out2[:, :-1], rtol=1e-12)
    assert np.max(np.abs(out[:, -1] - out2[:, -1])) > 1e-3


def test_heads_must_divide_d_model():
    params, x, _ = _mha()
    with pytest.raises(ValueError):
        attention.forward(params, x, heads=4)


@pytest.mark.parametrize("causal", [False, True])
def test_multihead_matches_torch_module(causal):
    torch = pytest.importorskip("torch")
    params, x, G = _mha(5)
    mha = torch.nn.MultiheadAttention(DM, HEADS, batch_first=True).double()
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.from_numpy(np.concatenate([params[f"W_{n}"] for n in "QKV"], 1).T))
        mha.in_proj_bias.copy_(torch.from_numpy(np.concatenate([params[f"b_{n}"] for n in "QKV"])))
        mha.out_proj.weight.copy_(torch.from_numpy(params["W_O"].T))
        mha.out_proj.bias.copy_(torch.from_numpy(params["b_O"]))
    xt = torch.from_numpy(x).requires_grad_(True)
    mask = torch.from_numpy(attention.causal_mask(T, T)) if causal else None
    out_t, w_t = mha(xt, xt, xt, attn_mask=mask, need_weights=True, average_attn_weights=False)
    (out_t * torch.from_numpy(G)).sum().backward()
    out, cache = attention.forward(params, x, HEADS, causal)
    dx, grads = attention.backward(G, cache)
    assert rel_error(out, out_t.detach().numpy()) < 1e-12
    assert rel_error(attention.weights(cache), w_t.detach().numpy()) < 1e-12
    w_in, b_in = mha.in_proj_weight.grad.numpy().T, mha.in_proj_bias.grad.numpy()
    for j, n in enumerate("QKV"):
        assert rel_error(grads[f"W_{n}"], w_in[:, j * DM:(j + 1) * DM]) < 1e-12
        np.testing.assert_allclose(grads[f"b_{n}"], b_in[j * DM:(j + 1) * DM], rtol=1e-10, atol=1e-12)
    assert rel_error(grads["W_O"], mha.out_proj.weight.grad.numpy().T) < 1e-12
    assert rel_error(grads["b_O"], mha.out_proj.bias.grad.numpy()) < 1e-12
    assert rel_error(dx, xt.grad.numpy()) < 1e-12


@pytest.mark.parametrize("causal", [False, True])
def test_huge_scores_stay_finite(causal):
    q, k, v, G = _qkv(6, tk=TQ)
    out, cache = attention.sdpa_forward(1000.0 * q, 1000.0 * k, v, causal)
    grads = attention.sdpa_backward(G, cache)
    assert np.all(np.isfinite(out)) and all(np.all(np.isfinite(g)) for g in grads)
    np.testing.assert_allclose(np.swapaxes(cache[3], -1, -2).sum(-1), 1.0)
