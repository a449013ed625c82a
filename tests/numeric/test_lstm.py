"""LSTM layer: fused-gate BPTT against central differences and against torch.nn.LSTM."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from numeric.gradcheck import numerical_gradient
from tests.numeric.helpers import rel_error
from numeric.layers import lstm

N, T, D, H = 2, 4, 3, 5


def _setup(seed=0):
    rng = np.random.default_rng(seed)
    params = lstm.init(rng, D, H)
    params["b"] = rng.standard_normal(4 * H) * 0.3
    x, h0, c0 = rng.standard_normal((N, T, D)), rng.standard_normal((N, H)), rng.standard_normal((N, H))
    return params, x, h0, c0, rng.standard_normal((N, T, H))


def _sig(a):
    return 1.0 / (1.0 + np.exp(-a))


def test_forward_matches_the_course_equations():
    params, x, h0, c0, _ = _setup()
    h, cache = lstm.forward(params, x, h0, c0)
    Wx, Wh, b = params["W_x"], params["W_h"], params["b"]
    hp, cp = h0, c0
    for t in range(T):
        hs, cs = lstm.step(params, x[:, t], hp, cp)
        a = x[:, t] @ Wx + hp @ Wh + b
        i, f, g, o = _sig(a[:, :H]), _sig(a[:, H:2 * H]), np.tanh(a[:, 2 * H:3 * H]), _sig(a[:, 3 * H:])
        cp = f * cp + i * g                                      # c_t = f ⊙ c_{t−1} + i ⊙ c̃
        hp = o * np.tanh(cp)                                     # h_t = o ⊙ tanh(c_t)
        np.testing.assert_allclose(h[:, t], hp, rtol=1e-12)
        np.testing.assert_allclose(hs, hp, rtol=1e-12)
        np.testing.assert_allclose(cs, cp, rtol=1e-12)
    np.testing.assert_allclose(lstm.cache_state(cache)[1], cp, rtol=1e-12)


def test_bptt_matches_finite_differences():
    params, x, h0, c0, G = _setup()
    _, cache = lstm.forward(params, x, h0, c0)
    dx, grads = lstm.backward(G, cache)

    def loss():
        return float(np.sum(lstm.forward(params, x, h0, c0)[0] * G))
    for name in ("W_x", "W_h", "b"):
        assert rel_error(grads[name], numerical_gradient(loss, params[name])) < 1e-7, name
    assert rel_error(dx, numerical_gradient(loss, x)) < 1e-7
    assert rel_error(grads["h0"], numerical_gradient(loss, h0)) < 1e-7
    assert rel_error(grads["c0"], numerical_gradient(loss, c0)) < 1e-7


def test_sigmoid_is_stable_at_extremes():
    a = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])
    s = lstm.sigmoid_inplace(a.copy())
    assert np.all(np.isfinite(s))
    np.testing.assert_allclose(s, [0.0, _sig(-30.0), 0.5, _sig(30.0), 1.0], atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_saturated_gates_reach_their_limits_without_warnings(dtype):
    # Pre-activations of ±10³: the forward pass's e^{−a} overflows to inf for some gates, which must give
    # σ = 0 (and tanh = −1) silently; compared step by step with lstm.step (σ through tanh, no exp).
    rng = np.random.default_rng(7)
    params = {k: (v * 1e3).astype(dtype) for k, v in lstm.init(rng, D, H).items()}
    params["b"] = (rng.standard_normal(4 * H) * 1e3).astype(dtype)
    x = rng.standard_normal((N, T, D)).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h, cache = lstm.forward(params, x)
        _, grads = lstm.backward(rng.standard_normal((N, T, H)).astype(dtype), cache)
        hp = cp = np.zeros((N, H), dtype=dtype)
        for t in range(T):
            hp, cp = lstm.step(params, x[:, t], hp, cp)
            np.testing.assert_allclose(h[:, t], hp, atol=1e-6)
    assert all(np.all(np.isfinite(g)) for g in grads.values())


def test_matches_torch_lstm():
    torch = pytest.importorskip("torch")
    params, x, h0, c0, G = _setup(5)
    net = torch.nn.LSTM(D, H, batch_first=True).double()         # torch's gate order is also (i, f, g, o)
    with torch.no_grad():
        net.weight_ih_l0.copy_(torch.from_numpy(params["W_x"].T))
        net.weight_hh_l0.copy_(torch.from_numpy(params["W_h"].T))
        net.bias_ih_l0.copy_(torch.from_numpy(params["b"]))
        net.bias_hh_l0.zero_()
    xt = torch.from_numpy(x).requires_grad_(True)
    h0t, c0t = (torch.from_numpy(v[None]).requires_grad_(True) for v in (h0, c0))
    out, _ = net(xt, (h0t, c0t))
    (out * torch.from_numpy(G)).sum().backward()
    h, cache = lstm.forward(params, x, h0, c0)
    dx, grads = lstm.backward(G, cache)
    assert rel_error(h, out.detach().numpy()) < 1e-12
    assert rel_error(grads["W_x"], net.weight_ih_l0.grad.numpy().T) < 1e-12
    assert rel_error(grads["W_h"], net.weight_hh_l0.grad.numpy().T) < 1e-12
    assert rel_error(grads["b"], net.bias_ih_l0.grad.numpy()) < 1e-12
    assert rel_error(dx, xt.grad.numpy()) < 1e-12
    assert rel_error(grads["h0"], h0t.grad.numpy()[0]) < 1e-12
    assert rel_error(grads["c0"], c0t.grad.numpy()[0]) < 1e-12
