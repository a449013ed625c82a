"""Vanilla RNN layer: BPTT against central differences and against torch.nn.RNN."""

from __future__ import annotations

import numpy as np
import pytest

from numeric.gradcheck import numerical_gradient
from tests.numeric.helpers import rel_error
from numeric.layers import rnn

N, T, D, H = 2, 5, 3, 4


def _setup(seed=0):
    rng = np.random.default_rng(seed)
    params = rnn.init(rng, D, H)
    params["b_h"] = rng.standard_normal(H) * 0.1
    x, h0, G = rng.standard_normal((N, T, D)), rng.standard_normal((N, H)), rng.standard_normal((N, T, H))
    return params, x, h0, G


def test_forward_matches_the_recurrence_step_by_step():
    params, x, h0, _ = _setup()
    h, _ = rnn.forward(params, x, h0)
    prev = h0
    for t in range(T):                                           # h_t = tanh(x_t W_xh + h_{t−1} W_hh + b_h)
        prev = np.tanh(x[:, t] @ params["W_xh"] + prev @ params["W_hh"] + params["b_h"])
        np.testing.assert_allclose(h[:, t], prev, rtol=1e-12)
        np.testing.assert_allclose(rnn.step(params, x[:, t], h[:, t - 1] if t else h0), prev, rtol=1e-12)


def test_bptt_matches_finite_differences():
    params, x, h0, G = _setup()
    _, cache = rnn.forward(params, x, h0)
    dx, grads = rnn.backward(G, cache)

    def loss():
        return float(np.sum(rnn.forward(params, x, h0)[0] * G))
    for name in ("W_xh", "W_hh", "b_h"):
        assert rel_error(grads[name], numerical_gradient(loss, params[name])) < 1e-7, name
    assert rel_error(dx, numerical_gradient(loss, x)) < 1e-7
    assert rel_error(grads["h0"], numerical_gradient(loss, h0)) < 1e-7


def test_no_h0_gradient_without_h0():
    params, x, _, G = _setup()
    _, cache = rnn.forward(params, x)
    _, grads = rnn.backward(G, cache)
    assert set(grads) == {"W_xh", "W_hh", "b_h"}


def test_float32_stays_float32():
    params, x, h0, G = _setup()
    p32 = {k: v.astype(np.float32) for k, v in params.items()}
    h, cache = rnn.forward(p32, x.astype(np.float32), h0.astype(np.float32))
    dx, grads = rnn.backward(G.astype(np.float32), cache)
    assert h.dtype == dx.dtype == grads["W_hh"].dtype == np.float32


def test_matches_torch_rnn():
    torch = pytest.importorskip("torch")
    params, x, h0, G = _setup(3)
    net = torch.nn.RNN(D, H, batch_first=True, nonlinearity="tanh").double()
    with torch.no_grad():
        net.weight_ih_l0.copy_(torch.from_numpy(params["W_xh"].T))
        net.weight_hh_l0.copy_(torch.from_numpy(params["W_hh"].T))
        net.bias_ih_l0.copy_(torch.from_numpy(params["b_h"]))
        net.bias_hh_l0.zero_()
    xt = torch.from_numpy(x).requires_grad_(True)
    h0t = torch.from_numpy(h0[None]).requires_grad_(True)
    out, _ = net(xt, h0t)
    (out * torch.from_numpy(G)).sum().backward()
    h, cache = rnn.forward(params, x, h0)
    dx, grads = rnn.backward(G, cache)
    assert rel_error(h, out.detach().numpy()) < 1e-12
    assert rel_error(grads["W_xh"], net.weight_ih_l0.grad.numpy().T) < 1e-12
    assert rel_error(grads["W_hh"], net.weight_hh_l0.grad.numpy().T) < 1e-12
    assert rel_error(grads["b_h"], net.bias_ih_l0.grad.numpy()) < 1e-12
    assert rel_error(dx, xt.grad.numpy()) < 1e-12
    assert rel_error(grads["h0"], h0t.grad.numpy()[0]) < 1e-12
