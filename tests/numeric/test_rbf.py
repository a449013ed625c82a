"""RBF network: the Gaussian layer's gradients, XOR by hand, k-means, datasets and backends."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from numeric.gradcheck import numerical_gradient, numerical_vjp
from tests.numeric.helpers import rel_error
from numeric.layers import rbf as layer
from numeric.models import _rbf_fit, rbf
from tests.conftest import run_cli


def point(seed: int = 0) -> tuple:
    rng = np.random.default_rng(seed)
    params = {"C": rng.standard_normal((3, 2)), "sigma": 0.5 + rng.random(3)}
    return params, rng.standard_normal((5, 2)), rng.standard_normal((5, 3))


def test_layer_forward_is_the_course_formula():
    params, x, _ = point()
    h, _ = layer.forward(params, x)
    for n in range(5):
        for j in range(3):
            d2 = float(np.sum((x[n] - params["C"][j]) ** 2))
            assert h[n, j] == pytest.approx(math.exp(-d2 / (2 * params["sigma"][j] ** 2)), rel=1e-12)


def test_layer_backward_matches_finite_differences():
    params, x, dh = point(1)
    dx, g = layer.backward(dh, layer.forward(params, x)[1])
    assert rel_error(dx, numerical_vjp(lambda: layer.forward(params, x)[0], x, dh)) < 1e-7
    for name in ("C", "sigma"):
        assert rel_error(g[name], numerical_vjp(lambda: layer.forward(params, x)[0], params[name], dh)) < 1e-7


def test_layer_backward_matches_torch_autograd():
    torch = pytest.importorskip("torch")
    params, x, dh = point(2)
    dx, g = layer.backward(dh, layer.forward(params, x)[1])
    X, C, S = (torch.tensor(v, requires_grad=True) for v in (x, params["C"], params["sigma"]))
    h = torch.exp(-torch.cdist(X, C) ** 2 / (2 * S ** 2))
    (h * torch.tensor(dh)).sum().backward()
    assert rel_error(dx, X.grad.numpy()) < 1e-9
    assert rel_error(g["C"], C.grad.numpy()) < 1e-9 and rel_error(g["sigma"], S.grad.numpy()) < 1e-9


def test_training_loss_gradient_matches_finite_differences():
    params, x, _ = point(3)
    params.update(w=np.array([0.5, -1.0, 0.3]), b=np.array([0.2]))
    t = np.array([0, 1, 1, 0, 1.0])
    _, g = _rbf_fit.mse_loss(params, x, t)
    for name, p in params.items():
        assert rel_error(g[name], numerical_gradient(lambda: _rbf_fit.mse_loss(params, x, t)[0], p)) < 1e-7, name


def cfg(**kw) -> dict:
    return {**rbf.OPTIONS, "seed": 0, **kw}


def test_xor_with_corner_centres_is_solved_exactly():
    report = rbf.train(cfg())
    m = report.metrics
    assert m["solved"] is True and m["accuracy"] == 1.0 and m["outputs"] == [0.0, 1.0, 1.0, 0.0]
    h = [[float(c) for c in row[1:5]] for row in report.table.rows]
    e1, e2 = math.exp(-1), math.exp(-2)                              # σ = 1/√2: h = exp(−‖x − c‖²)
    assert np.allclose(h, [[1, e1, e1, e2], [e1, 1, e2, e1], [e1, e2, 1, e1], [e2, e1, e1, 1]], atol=1e-4)


def test_pseudo_inverse_weights_equal_lstsq():
    params = {"C": np.array([[0.0, 0], [0, 1], [1, 0], [1, 1]]), "sigma": np.full(4, 0.6), "w": np.zeros(4), "b": np.zeros(1)}
    x, t = np.array([[0.0, 0], [0, 1], [1, 0], [1, 1]]), np.array([0, 1, 1, 0.0])
    _rbf_fit.numpy_fit(cfg(), params, x, t, epochs=0)
    A = np.hstack([layer.forward(params, x)[0], np.ones((4, 1))])
    expected = np.linalg.lstsq(A, t, rcond=None)[0]                  # minimum-norm least squares
    assert np.allclose(np.append(params["w"], params["b"]), expected)


def test_classic_two_centres_solve_xor():
    m = rbf.train(cfg(centres="classic")).metrics
    assert m["solved"] is True and m["centres"] == 2


def test_kmeans_is_as_good_as_sklearn():
    from sklearn.cluster import KMeans
    x, _, _, _ = rbf.dataset("moons", 0)
    C = _rbf_fit.kmeans(np.random.default_rng(0), x, 20)
    ours = layer.sq_distances(x, C).min(axis=1).sum()
    theirs = KMeans(20, n_init=5, random_state=0).fit(x).inertia_
    assert ours < 1.25 * theirs


@pytest.mark.parametrize("data,solver", [("moons", "pinv"), ("circles", "pinv"), ("circles", "gd")])
def test_two_dimensional_datasets_are_learned(data, solver):
    m = rbf.train(cfg(data=data, solver=solver)).metrics
    assert m["accuracy"] >= 0.9 and m["train_accuracy"] >= 0.9


def test_torch_backend_agrees():
    pytest.importorskip("torch")
    for kw in ({}, {"data": "moons"}, {"data": "moons", "solver": "gd", "epochs": 30}):
        a, b = rbf.train(cfg(**kw)).metrics, rbf.train(cfg(backend="torch", **kw)).metrics
        assert a["accuracy"] == b["accuracy"] and a["mse"] == pytest.approx(b["mse"], rel=1e-3, abs=1e-9)


def test_cli_plot_and_bad_options(tmp_path):
    png = tmp_path / "rbf.png"
    out = run_cli("train", "rbf", "--data", "moons", "--plot", str(png), "--format", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["accuracy"] >= 0.9
    assert png.is_file() and png.stat().st_size > 1000
    assert run_cli("train", "rbf", "--data", "iris").returncode == 2
    assert run_cli("train", "rbf", "--epochs", "5").returncode == 2             # pinv has no epochs
    assert run_cli("train", "rbf", "--load", str(tmp_path / "missing.npz")).returncode == 2
