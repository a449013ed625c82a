"""Embedding lookup: gradient scatters back (repeated tokens add up); FD and torch agree."""

from __future__ import annotations

import numpy as np
import pytest

from numeric.gradcheck import numerical_gradient
from tests.numeric.helpers import rel_error
from numeric.layers import embedding


def _setup(seed=0):
    rng = np.random.default_rng(seed)
    params = embedding.init(rng, vocab=6, dim=3)
    x = np.array([[0, 2, 2, 5], [1, 2, 0, 0]])                  # repeated ids on purpose
    G = rng.standard_normal((2, 4, 3))
    return params, x, G


def test_forward_is_row_lookup():
    params, x, _ = _setup()
    out, _ = embedding.forward(params, x)
    assert out.shape == (2, 4, 3)
    onehot = np.eye(6)[x]                                        # independent path: onehot(x) W
    np.testing.assert_allclose(out, onehot @ params["W"])


@pytest.mark.parametrize("one_hot", [True, False])
def test_gradient_matches_finite_differences(one_hot):
    params, x, G = _setup()
    _, cache = embedding.forward(params, x)
    dx, grads = embedding.backward(G, cache, one_hot=one_hot)
    assert dx is None
    num = numerical_gradient(lambda: float(np.sum(embedding.forward(params, x)[0] * G)), params["W"])
    assert rel_error(grads["W"], num) < 1e-8
    np.testing.assert_allclose(grads["W"][2], G[0, 1] + G[0, 2] + G[1, 1])   # token 2 appears three times
    np.testing.assert_array_equal(grads["W"][3], 0.0)                         # token 3 never appears


def test_rejects_float_ids():
    params, _, _ = _setup()
    with pytest.raises(TypeError):
        embedding.forward(params, np.array([[0.0, 1.0]]))


def test_matches_torch_embedding():
    torch = pytest.importorskip("torch")
    params, x, G = _setup(1)
    emb = torch.nn.Embedding(6, 3).double()
    with torch.no_grad():
        emb.weight.copy_(torch.from_numpy(params["W"]))
    out_t = emb(torch.from_numpy(x))
    (out_t * torch.from_numpy(G)).sum().backward()
    out, cache = embedding.forward(params, x)
    _, grads = embedding.backward(G, cache)
    assert rel_error(out, out_t.detach().numpy()) < 1e-12
    assert rel_error(grads["W"], emb.weight.grad.numpy()) < 1e-12
