"""Every non-sequence layer: backward vs central differences (float64) and vs torch autograd."""

from __future__ import annotations

import numpy as np
import pytest

from numeric.gradcheck import numerical_gradient, numerical_vjp
from tests.numeric.helpers import rel_error
from numeric.layers import activations, batchnorm, conv, dense, dropout, flatten, losses, pooling
from tests.numeric.helpers import check_layer

ACTS = sorted(activations.ACTIVATIONS)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def _away_from_kinks(rng, shape):
    """Points with |x| and |x ∓ 3|, |x − 6| ≥ 0.1, so piecewise derivatives are defined there."""
    x = rng.uniform(-7, 7, size=shape)
    for kink in (0.0, 3.0, -3.0, 6.0):
        close = np.abs(x - kink) < 0.1
        x[close] += 0.3
    return x


# --- dense and flatten -----------------------------------------------------------------------

def test_dense_gradcheck(rng):
    p = {"W": rng.standard_normal((4, 3)), "b": rng.standard_normal(3)}
    check_layer(dense.forward, dense.backward, p, rng.standard_normal((5, 4)), rng)


def test_dense_skips_dx_when_asked(rng):
    p = {"W": rng.standard_normal((4, 3)), "b": rng.standard_normal(3)}
    out, cache = dense.forward(p, rng.standard_normal((5, 4)), need_dx=False)
    dx, grads = dense.backward(np.ones_like(out), cache)
    assert dx is None and set(grads) == {"W", "b"}


def test_flatten_round_trip(rng):
    x = rng.standard_normal((2, 3, 4, 5))
    out, cache = flatten.forward({}, x)
    assert out.shape == (2, 60)
    np.testing.assert_array_equal(out[1], x[1].ravel())
    check_layer(flatten.forward, flatten.backward, {}, x, rng)


# --- activations -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ACTS)
def test_activation_derivative_matches_central_differences(name, rng):
    x = _away_from_kinks(rng, (3, 4))
    out, cache = activations.forward(x, name)
    dout = rng.standard_normal(x.shape)
    num = numerical_vjp(lambda: activations.forward(x, name)[0], x, dout)
    assert rel_error(activations.backward(dout, cache), num) < 1e-7


@pytest.mark.parametrize("name", ACTS)
def test_activation_matches_torch(name, rng):
    torch = pytest.importorskip("torch")
    from numeric.network import TORCH_ACTIVATIONS
    x = _away_from_kinks(rng, (3, 4))
    xt = torch.tensor(x, requires_grad=True)
    yt = TORCH_ACTIVATIONS[name](xt)
    dout = rng.standard_normal(x.shape)
    yt.backward(torch.tensor(dout))
    out, cache = activations.forward(x, name)
    assert rel_error(out, yt.detach().numpy()) < 1e-12
    assert rel_error(activations.backward(dout, cache), xt.grad.numpy()) < 1e-12


@pytest.mark.parametrize("name", ACTS)
def test_activations_finite_at_plus_minus_1000(name):
    x = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out, cache = activations.forward(x, name)
        d = activations.backward(np.ones_like(x), cache)
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(d))


def test_course_values_of_activations():
    s = activations.sigmoid(np.array([0.0]))
    assert s[0] == 0.5
    _, cache = activations.forward(np.array([0.0]), "sigmoid")
    assert activations.backward(np.array([1.0]), cache)[0] == 0.25      # σ'(0) = 0.25, the maximum
    _, cache = activations.forward(np.array([0.0]), "relu")
    assert activations.backward(np.array([1.0]), cache)[0] == 0.0       # ReLU'(0) stated as 0
    assert activations.forward(np.array([-2.0]), "leaky_relu")[0][0] == pytest.approx(-0.02)
    assert activations.forward(np.array([8.0]), "relu6")[0][0] == 6.0
    assert activations.forward(np.array([-1.0]), "elu")[0][0] == pytest.approx(np.exp(-1) - 1)


def test_prelu_gradcheck_and_torch(rng):
    x = _away_from_kinks(rng, (5, 3))
    alpha = rng.uniform(0.05, 0.5, 3)
    dout = rng.standard_normal(x.shape)
    out, cache = activations.prelu_forward(x, alpha)
    dx, dalpha = activations.prelu_backward(dout, cache)
    assert rel_error(dx, numerical_vjp(lambda: activations.prelu_forward(x, alpha)[0], x, dout)) < 1e-7
    assert rel_error(dalpha, numerical_vjp(lambda: activations.prelu_forward(x, alpha)[0], alpha, dout)) < 1e-7
    torch = pytest.importorskip("torch")
    xt, at = torch.tensor(x, requires_grad=True), torch.tensor(alpha, requires_grad=True)
    torch.nn.functional.prelu(xt, at).backward(torch.tensor(dout))
    assert rel_error(dx, xt.grad.numpy()) < 1e-12 and rel_error(dalpha, at.grad.numpy()) < 1e-12


def test_softmax_jacobian_and_vjp(rng):
    z = rng.standard_normal(5)
    s, _ = activations.softmax_forward(z)
    J = activations.softmax_jacobian(z)
    expected = np.array([[s[i] * ((i == j) - s[j]) for j in range(5)] for i in range(5)])
    np.testing.assert_allclose(J, expected, atol=1e-15)
    Z = rng.standard_normal((3, 5))
    dout = rng.standard_normal(Z.shape)
    out, cache = activations.softmax_forward(Z)
    num = numerical_vjp(lambda: activations.softmax_forward(Z)[0], Z, dout)
    assert rel_error(activations.softmax_backward(dout, cache), num) < 1e-7
    big = activations.softmax_forward(np.array([1000.0, -1000.0, 999.0]))[0]
    assert np.all(np.isfinite(big)) and big.sum() == pytest.approx(1.0)


# --- losses ---------------------------------------------------------------------------------------

def test_softmax_cross_entropy_gradcheck_and_torch(rng):
    z, y = rng.standard_normal((6, 4)), rng.integers(0, 4, 6)
    loss, dz = losses.softmax_cross_entropy(z, y)
    assert rel_error(dz, numerical_gradient(lambda: losses.softmax_cross_entropy(z, y)[0], z)) < 1e-7
    torch = pytest.importorskip("torch")
    zt = torch.tensor(z, requires_grad=True)
    lt = torch.nn.functional.cross_entropy(zt, torch.tensor(y))
    lt.backward()
    assert loss == pytest.approx(lt.item(), rel=1e-12)
    assert rel_error(dz, zt.grad.numpy()) < 1e-12


def test_mse_gradcheck_and_torch(rng):
    p, t = rng.standard_normal((6, 3)), rng.standard_normal((6, 3))
    loss, d = losses.mse(p, t)
    assert rel_error(d, numerical_gradient(lambda: losses.mse(p, t)[0], p)) < 1e-7
    torch = pytest.importorskip("torch")
    pt = torch.tensor(p, requires_grad=True)
    lt = 0.5 * torch.nn.functional.mse_loss(pt, torch.tensor(t), reduction="sum") / 6
    lt.backward()
    assert loss == pytest.approx(lt.item(), rel=1e-12) and rel_error(d, pt.grad.numpy()) < 1e-12


def test_bce_with_logits_gradcheck_and_torch(rng):
    z, t = rng.standard_normal((6, 2)) * 3, rng.uniform(0, 1, (6, 2))
    loss, dz = losses.bce_with_logits(z, t)
    assert rel_error(dz, numerical_gradient(lambda: losses.bce_with_logits(z, t)[0], z)) < 1e-7
    torch = pytest.importorskip("torch")
    zt = torch.tensor(z, requires_grad=True)
    lt = torch.nn.functional.binary_cross_entropy_with_logits(zt, torch.tensor(t), reduction="sum") / 6
    lt.backward()
    assert loss == pytest.approx(lt.item(), rel=1e-12) and rel_error(dz, zt.grad.numpy()) < 1e-12


def test_losses_finite_at_plus_minus_1000():
    z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        ce, dce = losses.softmax_cross_entropy(z, np.array([1, 0]))
        bce, dbce = losses.bce_with_logits(z, np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]]))
        lse = losses.log_sum_exp(z)
    # row 1: −log p = 1000 − (−1000) = 2000; row 2: lse = 1000 + log(1 + e⁻¹), −log p = lse + 1000
    assert ce == pytest.approx((2000.0 + 2000.0 + np.log1p(np.exp(-1.0))) / 2, rel=1e-12)
    assert np.all(np.isfinite(dce)) and np.isfinite(bce) and np.all(np.isfinite(dbce))
    np.testing.assert_allclose(lse, [1000.0, 1000.0 + np.log1p(np.exp(-1.0))])
    assert bce == pytest.approx((1000 + 1000 + np.log(2) + 1000 + 1000 + 999) / 2, rel=1e-12)  # per entry by hand


# --- dropout -----------------------------------------------------------------------------------------

def test_dropout_is_inverted_and_reproducible():
    x = np.ones((200, 500))
    out, mask = dropout.forward({}, x, p=0.3, rng=np.random.default_rng(0))
    kept = out != 0
    assert kept.mean() == pytest.approx(0.7, abs=0.01)
    np.testing.assert_allclose(out[kept], 1 / 0.7)
    assert out.mean() == pytest.approx(1.0, abs=0.01)           # E[out] = x
    again, _ = dropout.forward({}, x, p=0.3, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(out, again)
    same, cache = dropout.forward({}, x, p=0.3, train=False)
    assert same is x and dropout.backward(x, cache)[0] is x


def test_dropout_backward_uses_the_forward_mask(rng):
    x = rng.standard_normal((4, 6))
    check_layer(lambda p, x: dropout.forward(p, x, 0.5, np.random.default_rng(5)), dropout.backward, {}, x, rng)
    with pytest.raises(ValueError):
        dropout.forward({}, x, p=0.5)      # training mode without a Generator
    with pytest.raises(ValueError):
        dropout.forward({}, x, p=1.0, rng=rng)


# --- batch norm ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(6, 4), (3, 4, 2, 3)])
def test_batchnorm_gradcheck_train_and_inference(shape, rng):
    x = rng.standard_normal(shape) * 2 + 1
    c = shape[1]
    p = {"gamma": rng.standard_normal(c), "beta": rng.standard_normal(c)}
    check_layer(batchnorm.forward, batchnorm.backward, p, x, rng)
    state = {"mean": rng.standard_normal(c), "var": rng.uniform(0.5, 2, c)}
    check_layer(batchnorm.forward, batchnorm.backward, p, x, rng, train=False, state=state)


@pytest.mark.parametrize("shape", [(6, 4), (3, 4, 2, 3)])
def test_batchnorm_matches_torch_including_running_statistics(shape, rng):
    torch = pytest.importorskip("torch")
    c = shape[1]
    p = {"gamma": rng.standard_normal(c), "beta": rng.standard_normal(c)}
    state = batchnorm.init_state(c)
    rm, rv = torch.zeros(c, dtype=torch.float64), torch.ones(c, dtype=torch.float64)
    for _ in range(3):
        x = rng.standard_normal(shape) * 3 + 2
        dout = rng.standard_normal(shape)
        out, cache = batchnorm.forward(p, x, train=True, state=state)
        dx, grads = batchnorm.backward(dout, cache)
        xt = torch.tensor(x, requires_grad=True)
        gt, bt = torch.tensor(p["gamma"], requires_grad=True), torch.tensor(p["beta"], requires_grad=True)
        yt = torch.nn.functional.batch_norm(xt, rm, rv, gt, bt, training=True, momentum=0.1, eps=1e-5)
        yt.backward(torch.tensor(dout))
        assert rel_error(out, yt.detach().numpy()) < 1e-12
        assert rel_error(dx, xt.grad.numpy()) < 1e-10
        assert rel_error(grads["gamma"], gt.grad.numpy()) < 1e-12 and rel_error(grads["beta"], bt.grad.numpy()) < 1e-12
    np.testing.assert_allclose(state["mean"], rm.numpy(), rtol=1e-12)
    np.testing.assert_allclose(state["var"], rv.numpy(), rtol=1e-12)
    x = rng.standard_normal(shape)
    out, _ = batchnorm.forward(p, x, train=False, state=state)
    ref = torch.nn.functional.batch_norm(torch.tensor(x), rm, rv, torch.tensor(p["gamma"]), torch.tensor(p["beta"]),
                                         training=False, eps=1e-5)
    assert rel_error(out, ref.numpy()) < 1e-12


def test_batchnorm_training_output_is_normalised(rng):
    x = rng.standard_normal((50, 3)) * 5 + 7
    out, _ = batchnorm.forward({"gamma": np.ones(3), "beta": np.zeros(3)}, x)
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=0), x.var(axis=0) / (x.var(axis=0) + 1e-5), rtol=1e-12)


# --- convolution and pooling -----------------------------------------------------------------------------

@pytest.mark.parametrize("stride, pad", [(1, 0), (1, 1), (2, 1), (3, 2)])
def test_conv_gradcheck(stride, pad, rng):
    p = {"W": rng.standard_normal((4, 3, 3, 2)), "b": rng.standard_normal(4)}
    check_layer(conv.forward, conv.backward, p, rng.standard_normal((2, 3, 7, 6)), rng, stride=stride, pad=pad)


@pytest.mark.parametrize("stride, pad", [(1, 0), (1, 1), (2, 1), (2, 0)])
def test_conv_matches_torch(stride, pad, rng):
    torch = pytest.importorskip("torch")
    x, W, b = rng.standard_normal((3, 2, 8, 7)), rng.standard_normal((5, 2, 3, 3)), rng.standard_normal(5)
    out, cache = conv.forward({"W": W, "b": b}, x, stride, pad)
    dout = rng.standard_normal(out.shape)
    dx, grads = conv.backward(dout, cache)
    xt, Wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, W, b))
    yt = torch.nn.functional.conv2d(xt, Wt, bt, stride, pad)
    yt.backward(torch.tensor(dout))
    assert out.shape == tuple(yt.shape)
    assert out.shape[2] == conv.output_size(8, 3, stride, pad) and out.shape[3] == conv.output_size(7, 3, stride, pad)
    for mine, ref in ((out, yt), (dx, xt.grad), (grads["W"], Wt.grad), (grads["b"], bt.grad)):
        assert rel_error(mine, ref.detach().numpy()) < 1e-12


def test_conv_edge_filter_by_hand():
    """The course's edge filter on a 4×4 image with a step edge: a hand-computed cross-correlation."""
    img = np.array([[0, 0, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1], [1, 1, 1, 1]], dtype=float)[None, None]
    k = np.array([[-1, -1, -1], [0, 0, 0], [1, 1, 1]], dtype=float)[None, None]
    out, _ = conv.forward({"W": k, "b": np.zeros(1)}, img)
    np.testing.assert_array_equal(out[0, 0], [[3, 3], [3, 3]])
    assert conv.output_size(32, 5) == 28 and conv.output_size(7, 2, 2) == 3   # ⌊(7 − 2)/2⌋ + 1


@pytest.mark.parametrize("size, stride, mode", [(2, None, "max"), (3, 2, "max"), (2, 1, "avg"), (3, None, "min"),
                                                (None, None, "avg"), (2, None, "avg"), (3, 3, "max")])
def test_pooling_gradcheck(size, stride, mode, rng):
    check_layer(pooling.forward, pooling.backward, {}, rng.standard_normal((2, 3, 7, 6)), rng,
                size=size, stride=stride, mode=mode)


@pytest.mark.parametrize("size, stride, mode", [(2, None, "max"), (3, 2, "max"), (2, 1, "avg"), (2, None, "avg"),
                                                (3, 1, "min")])
def test_pooling_matches_torch(size, stride, mode, rng):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = rng.standard_normal((2, 3, 8, 7))
    out, cache = pooling.forward({}, x, size, stride, mode)
    dout = rng.standard_normal(out.shape)
    dx, _ = pooling.backward(dout, cache)
    xt = torch.tensor(x, requires_grad=True)
    s = stride or size
    yt = {"max": lambda t: F.max_pool2d(t, size, s), "avg": lambda t: F.avg_pool2d(t, size, s),
          "min": lambda t: -F.max_pool2d(-t, size, s)}[mode](xt)
    yt.backward(torch.tensor(dout))
    assert rel_error(out, yt.detach().numpy()) < 1e-12
    assert rel_error(dx, xt.grad.numpy()) < 1e-12


def test_max_pool_by_hand():
    x = np.array([[1, 3, 2, 0], [4, 2, 1, 5], [0, 1, 7, 2], [3, 2, 1, 1]], dtype=float)[None, None]
    np.testing.assert_array_equal(pooling.forward({}, x, 2)[0][0, 0], [[4, 5], [3, 7]])
    np.testing.assert_array_equal(pooling.forward({}, x, 2, mode="avg")[0][0, 0], [[2.5, 2], [1.5, 2.75]])
    np.testing.assert_array_equal(pooling.forward({}, x, 2, mode="min")[0][0, 0], [[1, 0], [0, 1]])
    np.testing.assert_array_equal(pooling.forward({}, x, None, mode="max")[0][0, 0], [[7]])


def test_dropout_and_flatten_match_torch(rng):
    torch = pytest.importorskip("torch")
    x = rng.standard_normal((3, 2, 4, 4))
    dout = rng.standard_normal(x.shape)
    out, mask = dropout.forward({}, x, 0.25, np.random.default_rng(9))
    xt = torch.tensor(x, requires_grad=True)
    (xt * torch.tensor(mask)).backward(torch.tensor(dout))      # torch's inverted dropout with our mask
    assert rel_error(dropout.backward(dout, mask)[0], xt.grad.numpy()) < 1e-15
    out, cache = flatten.forward({}, x)
    xt = torch.tensor(x, requires_grad=True)
    ft = torch.flatten(xt, 1)
    g = rng.standard_normal(out.shape)
    ft.backward(torch.tensor(g))
    assert np.array_equal(out, ft.detach().numpy()) and np.array_equal(flatten.backward(g, cache)[0], xt.grad.numpy())


def test_the_tests_rel_error_refuses_mismatched_shapes():
    """A (1, 3) gradient is not a (3,) gradient, even when the numbers agree (the product's
    ``rel_error`` broadcasts; the tests' one must not)."""
    assert rel_error(np.ones(3), np.ones(3)) == 0.0
    assert rel_error([1.0, 2.0], [1.0, 2.0 + 2e-6]) == pytest.approx(2e-6 / (2.0 + 2e-6))  # scaled by the larger
    with pytest.raises(AssertionError, match="shapes differ"):
        rel_error(np.ones((1, 3)), np.ones(3))
