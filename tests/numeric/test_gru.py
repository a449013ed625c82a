"""GRU layer, every (convention, reset) variant: FD, torch autograd, and nn.GRU where they coincide."""

from __future__ import annotations

import numpy as np
import pytest

from numeric.gradcheck import numerical_gradient
from tests.numeric.helpers import rel_error
from numeric.layers import gru

N, T, D, H = 2, 4, 3, 5
VARIANTS = [(c, r) for c in gru.CONVENTIONS for r in gru.RESETS]


def _setup(reset, seed=0):
    rng = np.random.default_rng(seed)
    params = gru.init(rng, D, H, reset=reset)
    params = {k: v + rng.standard_normal(v.shape) * 0.2 if k.startswith("b") else v for k, v in params.items()}
    x, h0, G = rng.standard_normal((N, T, D)), rng.standard_normal((N, H)), rng.standard_normal((N, T, H))
    return params, x, h0, G


def _reference(params, x, h0, convention, reset, lib=np):
    """The GRU written straight from the docstring's equations (NumPy or torch)."""
    sig = (lambda a: 1 / (1 + lib.exp(-a)))
    Wx, Wh, b = params["W_x"], params["W_h"], params["b"]
    h, outs = h0, []
    for t in range(x.shape[1]):
        ax = x[:, t] @ Wx + b
        r = sig(ax[:, :H] + h @ Wh[:, :H])
        z = sig(ax[:, H:2 * H] + h @ Wh[:, H:2 * H])
        if reset == "before":
            n = lib.tanh(ax[:, 2 * H:] + (r * h) @ Wh[:, 2 * H:])
        else:
            n = lib.tanh(ax[:, 2 * H:] + r * (h @ Wh[:, 2 * H:] + params["b_hn"]))
        h = (1 - z) * h + z * n if convention == "course" else z * h + (1 - z) * n
        outs.append(h)
    return lib.stack(outs, 1)


@pytest.mark.parametrize("convention, reset", VARIANTS)
def test_forward_matches_equations(convention, reset):
    params, x, h0, _ = _setup(reset)
    h, _ = gru.forward(params, x, h0, reset=reset, convention=convention)
    np.testing.assert_allclose(h, _reference(params, x, h0, convention, reset), rtol=1e-12)
    h1 = gru.step(params, x[:, 0], h0, reset=reset, convention=convention)
    np.testing.assert_allclose(h1, h[:, 0], rtol=1e-12)


def test_conventions_differ():
    params, x, h0, _ = _setup("before")
    a = gru.forward(params, x, h0, convention="course")[0]
    b = gru.forward(params, x, h0, convention="pytorch")[0]
    assert np.max(np.abs(a - b)) > 1e-3


@pytest.mark.parametrize("convention, reset", VARIANTS)
def test_bptt_matches_finite_differences(convention, reset):
    params, x, h0, G = _setup(reset, seed=1)
    kw = dict(reset=reset, convention=convention)
    _, cache = gru.forward(params, x, h0, **kw)
    dx, grads = gru.backward(G, cache)

    def loss():
        return float(np.sum(gru.forward(params, x, h0, **kw)[0] * G))
    for name in params:
        assert rel_error(grads[name], numerical_gradient(loss, params[name])) < 1e-7, name
    assert rel_error(dx, numerical_gradient(loss, x)) < 1e-7
    assert rel_error(grads["h0"], numerical_gradient(loss, h0)) < 1e-7


@pytest.mark.parametrize("convention, reset", VARIANTS)
def test_matches_torch_autograd(convention, reset):
    torch = pytest.importorskip("torch")
    params, x, h0, G = _setup(reset, seed=2)
    tp = {k: torch.from_numpy(v).requires_grad_(True) for k, v in params.items()}
    xt, h0t = torch.from_numpy(x).requires_grad_(True), torch.from_numpy(h0).requires_grad_(True)
    (_reference(tp, xt, h0t, convention, reset, lib=torch) * torch.from_numpy(G)).sum().backward()
    _, cache = gru.forward(params, x, h0, reset=reset, convention=convention)
    dx, grads = gru.backward(G, cache)
    for name in params:
        assert rel_error(grads[name], tp[name].grad.numpy()) < 1e-12, name
    assert rel_error(dx, xt.grad.numpy()) < 1e-12
    assert rel_error(grads["h0"], h0t.grad.numpy()) < 1e-12


@pytest.mark.parametrize("convention", gru.CONVENTIONS)
def test_reset_after_matches_nn_gru(convention):
    """nn.GRU is (pytorch, after); (course, after) is nn.GRU with the z rows negated: σ(−a) = 1 − σ(a)."""
    torch = pytest.importorskip("torch")
    params, x, h0, G = _setup("after", seed=3)
    flip = np.ones(3 * H)
    if convention == "course":
        flip[H:2 * H] = -1.0
    net = torch.nn.GRU(D, H, batch_first=True).double()
    with torch.no_grad():
        net.weight_ih_l0.copy_(torch.from_numpy((params["W_x"] * flip).T))
        net.weight_hh_l0.copy_(torch.from_numpy((params["W_h"] * flip).T))
        net.bias_ih_l0.copy_(torch.from_numpy(params["b"] * flip))
        net.bias_hh_l0.copy_(torch.from_numpy(np.r_[np.zeros(2 * H), params["b_hn"]]))
    xt, h0t = torch.from_numpy(x).requires_grad_(True), torch.from_numpy(h0[None]).requires_grad_(True)
    out, _ = net(xt, h0t)
    (out * torch.from_numpy(G)).sum().backward()
    h, cache = gru.forward(params, x, h0, reset="after", convention=convention)
    dx, grads = gru.backward(G, cache)
    assert rel_error(h, out.detach().numpy()) < 1e-12
    assert rel_error(grads["W_x"], net.weight_ih_l0.grad.numpy().T * flip) < 1e-12
    assert rel_error(grads["W_h"], net.weight_hh_l0.grad.numpy().T * flip) < 1e-12
    assert rel_error(grads["b"], net.bias_ih_l0.grad.numpy() * flip) < 1e-12
    assert rel_error(grads["b_hn"], net.bias_hh_l0.grad.numpy()[2 * H:]) < 1e-12
    assert rel_error(dx, xt.grad.numpy()) < 1e-12
    assert rel_error(grads["h0"], h0t.grad.numpy()[0]) < 1e-12


def test_unknown_convention_is_refused():
    params, x, _, _ = _setup("before")
    with pytest.raises(ValueError):
        gru.forward(params, x, convention="cho")
