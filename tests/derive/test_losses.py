"""Topic ``losses``: derived gradients vs torch's own losses; the weight-decay updates vs autograd."""

from __future__ import annotations

import numpy as np
import pytest

from derive.analytic import losses as A
from derive.analytic.topic import explicit
from derive.errors import UserError
from derive.functions import lambdify
from derive.topics import losses as topic

torch = pytest.importorskip("torch")
F = torch.nn.functional


@pytest.fixture(scope="module")
def results():
    return {k: v[0] for k, v in A.script(list(A.LOSSES)).results.items()}


def _t(a, grad=False):
    return torch.tensor(np.asarray(a, dtype=float), dtype=torch.float64, requires_grad=grad)


def test_mse_gradient_is_o_minus_t(results):
    o, t = np.array([0.2, -1.0, 0.7]), np.array([1.0, 0.5, 0.0])
    grad = np.array(lambdify([A.O, A.T], explicit(results["dE_do_k"], A.k, 3, {"o": A.O, "t": A.T}))(o, t), dtype=float)
    ot = _t(o, True)
    (0.5 * ((_t(t) - ot) ** 2).sum()).backward()
    assert np.allclose(grad, ot.grad.numpy(), atol=1e-15)
    mean = np.array(lambdify([A.O, A.T], explicit(results["dMSE_do_k"], A.k, 3, {"o": A.O, "t": A.T}, size=A.n))(o, t), dtype=float)
    ot = _t(o, True)
    F.mse_loss(ot, _t(t)).backward()
    assert np.allclose(mean, ot.grad.numpy(), atol=1e-15)


def test_bce_gradients_on_probability_and_on_logit(results):
    y, z = np.array([1.0, 0.0, 0.3]), np.array([2.0, -0.5, 0.1])
    p = 1 / (1 + np.exp(-z))
    pt = _t(p, True)
    F.binary_cross_entropy(pt, _t(y), reduction="sum").backward()
    assert np.allclose(lambdify([A.yhat, A.y], results["dL_dyhat"])(p, y), pt.grad.numpy(), atol=1e-12)
    zt = _t(z, True)
    F.binary_cross_entropy_with_logits(zt, _t(y), reduction="sum").backward()
    assert np.allclose(lambdify([A.z, A.y], results["dL_dz"])(z, y), zt.grad.numpy(), atol=1e-15)


def test_softmax_cross_entropy_gradient_is_yhat_minus_y(results):
    import sympy as sp
    z, y = np.array([0.5, -1.0, 2.0]), np.array([0.2, 0.1, 0.7])
    soft = tuple(sp.exp(zi) / sum(sp.exp(zj) for zj in A.Z) for zi in A.Z)
    grad = np.array(lambdify([A.Z, A.Y], explicit(results["dL_dz_k"], A.k, 3, {"yhat": soft, "y": A.Y}))(z, y), dtype=float)
    zt = _t(z, True)
    F.cross_entropy(zt[None, :], _t(y)[None, :]).backward()
    assert np.allclose(grad, zt.grad.numpy(), atol=1e-15)


def _weight_decay_step(penalty, w, eta, lam, A_, b):
    wt = _t(w, True)
    r = _t(A_) @ wt - _t(b)
    (0.5 * (r * r).sum() + penalty(wt, lam)).backward()
    return w - eta * wt.grad.numpy(), A_.T @ (A_ @ w - b)


@pytest.mark.parametrize("key, penalty", [("w_new_l2half", lambda w, lam: 0.5 * lam * (w * w).sum()),
                                          ("w_new_l2", lambda w, lam: lam * (w * w).sum()),
                                          ("w_new_l1", lambda w, lam: lam * w.abs().sum())])
def test_update_rules_equal_a_gradient_step_on_the_regularised_objective(results, key, penalty):
    rng = np.random.default_rng(4)
    A_, b, w, eta, lam = rng.normal(size=(5, 3)), rng.normal(size=5), np.array([0.8, -1.1, 0.4]), 0.1, 0.5
    expected, g = _weight_decay_step(penalty, w, eta, lam, A_, b)
    step = lambdify([A.w, A.g, A.eta, A.lam], results[key])
    assert np.allclose(step(w, g, eta, lam), expected, atol=1e-14)


def test_the_notes_update_with_the_full_penalty_is_wrong(results):
    """(1 − ηλ)w − η∇J₀ belongs to ½λ‖w‖²; with λ‖w‖² autograd disagrees by ηλw."""
    rng = np.random.default_rng(5)
    A_, b, w, eta, lam = rng.normal(size=(5, 3)), rng.normal(size=5), np.array([0.8, -1.1, 0.4]), 0.1, 0.5
    expected, g = _weight_decay_step(lambda w, lam: lam * (w * w).sum(), w, eta, lam, A_, b)
    notes = (1 - eta * lam) * w - eta * g
    assert np.allclose(expected - notes, -eta * lam * w)
    d = topic.derive({"which": "l2"}, None, None)
    values = {s.id: s.value for s in d.steps}
    assert values["l2.correct.at"] == pytest.approx(0.9) and values["l2.notes.at"] == pytest.approx(0.95)


def test_targets_must_sum_to_one_and_unknown_items_are_refused():
    with pytest.raises(UserError, match="sum to 1"):
        topic.derive({"which": "softmax-ce"}, {"target": [0.5, 0.2, 0.1]}, 0)
    with pytest.raises(UserError):
        topic.derive({"which": "huber"}, None, None)
    d = topic.derive({"which": "cross-entropy"}, {"target": [0, 1, 0], "logits": [1, 2, 3]}, 0)
    s2 = np.exp(2) / np.exp([1, 2, 3]).sum()
    values = {s.id: s.value for s in d.steps}
    assert values["ce.grad1.onehot"] == pytest.approx(np.exp(1) / np.exp([1, 2, 3]).sum())
    assert values["ce.n3"] == pytest.approx(-np.log(s2))


def test_verify_passes():
    result = topic.verify({"which": None}, 0, "numpy", 2)
    assert result.passed and len(result.checks) >= 10
