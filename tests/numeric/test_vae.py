"""VAE: reparameterization and KL gradients, the whole loss against FD and torch, the default run."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from numeric.gradcheck import numerical_gradient, numerical_vjp
from tests.numeric.helpers import rel_error
from numeric.layers import reparam
from numeric.models import _generative_digits, _mlp, vae
from tests.conftest import run_cli


def test_reparameterization_backward_matches_finite_differences():
    rng = np.random.default_rng(0)
    mu, logvar, eps, dz = (rng.standard_normal((3, 2)) for _ in range(4))
    z, cache = reparam.forward(mu, logvar, eps)
    assert np.allclose(z, mu + np.sqrt(np.exp(logvar)) * eps)       # σ = √(σ²)
    dmu, dlogvar = reparam.backward(dz, cache)
    assert rel_error(dmu, numerical_vjp(lambda: reparam.forward(mu, logvar, eps)[0], mu, dz)) < 1e-8
    assert rel_error(dlogvar, numerical_vjp(lambda: reparam.forward(mu, logvar, eps)[0], logvar, dz)) < 1e-8


def test_kl_matches_numerical_integration_and_its_gradient():
    from scipy import integrate, stats
    mu, logvar = np.array([[0.7, -1.2]]), np.array([[-0.4, 0.9]])
    kl, dmu, dlogvar = reparam.kl_standard_normal(mu, logvar)
    expected = 0.0
    for m, lv in zip(mu[0], logvar[0]):                             # KL = ∫ q log(q/p), one dimension at a time
        q, p = stats.norm(m, math.exp(lv / 2)), stats.norm(0, 1)
        expected += integrate.quad(lambda t: q.pdf(t) * (q.logpdf(t) - p.logpdf(t)), -30, 30)[0]
    assert kl == pytest.approx(expected, rel=1e-7)
    assert rel_error(dmu, numerical_gradient(lambda: reparam.kl_standard_normal(mu, logvar)[0], mu)) < 1e-7
    assert rel_error(dlogvar, numerical_gradient(lambda: reparam.kl_standard_normal(mu, logvar)[0], logvar)) < 1e-7


def test_kl_is_never_negative():
    rng = np.random.default_rng(1)
    for _ in range(20):
        mu, logvar = 3 * rng.standard_normal((5, 4)), 3 * rng.standard_normal((5, 4))
        assert reparam.kl_standard_normal(mu, logvar)[0] >= 0


def small(seed: int = 0) -> tuple:
    rng = np.random.default_rng(seed)
    net = vae.layers(hidden=5, latent=2, d=6)
    params = _mlp.init(rng, net[0] + net[1], np.float64)
    for k in params:
        if k.startswith("b_"):
            params[k] = 0.1 * rng.standard_normal(params[k].shape)
    return net, params, rng.random((4, 6)), rng.standard_normal((4, 2))


@pytest.mark.parametrize("beta", [1.0, 0.5])
def test_vae_loss_gradient_matches_finite_differences(beta):
    net, params, x, eps = small()
    total, recon, kl, grads = vae.loss(params, x, eps, net, beta)
    assert total == pytest.approx(recon + beta * kl)
    for name, p in params.items():
        num = numerical_gradient(lambda: vae.loss(params, x, eps, net, beta)[0], p)
        assert rel_error(grads[name], num) < 1e-6, name


def test_vae_loss_gradient_matches_torch_autograd():
    torch = pytest.importorskip("torch")
    net, params, x, eps = small(2)
    total, _, _, grads = vae.loss(params, x, eps, net)
    p = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    X, E = torch.tensor(x), torch.tensor(eps)
    stats = torch.relu(X @ p["W_e1"] + p["b_e1"]) @ p["W_enc"] + p["b_enc"]
    mu, logvar = stats[:, :2], stats[:, 2:]
    z = mu + torch.exp(0.5 * logvar) * E
    logits = torch.relu(z @ p["W_d1"] + p["b_d1"]) @ p["W_out"] + p["b_out"]
    bce = torch.nn.functional.binary_cross_entropy_with_logits(logits, X, reduction="sum") / len(x)
    kl = torch.distributions.kl_divergence(torch.distributions.Normal(mu, torch.exp(0.5 * logvar)),
                                           torch.distributions.Normal(0.0, 1.0)).sum() / len(x)
    (bce + kl).backward()
    assert (bce + kl).item() == pytest.approx(total, rel=1e-12)
    for name, t in p.items():
        assert rel_error(grads[name], t.grad.numpy()) < 1e-10, name


@pytest.mark.slow
def test_default_run_reports_elbo_and_beats_the_mean_image():
    m = vae.train({**vae.OPTIONS}).metrics
    x_tr, _, x_te, _ = _generative_digits.load()
    mean = np.clip(x_tr.mean(axis=0), 1e-6, 1 - 1e-6)
    trivial = -np.mean(np.sum(-(x_te * np.log(mean) + (1 - x_te) * np.log(1 - mean)), axis=1))  # ELBO of "always the mean", KL 0
    assert m["elbo"] == pytest.approx(-(m["recon_bce"] + m["kl"]), rel=1e-4)
    assert m["elbo"] > trivial + 1.5                                   # BCE on grey levels has an entropy floor
    assert m["recon_error"] < m["baseline_error"] / 1.5 and m["kl"] > 0 and m["latent"] == 2


def test_determinism_and_torch_backend_quality():
    a = vae.train({**vae.OPTIONS, "epochs": 3, "seed": 5}).metrics
    assert a == vae.train({**vae.OPTIONS, "epochs": 3, "seed": 5}).metrics
    pytest.importorskip("torch")
    t = vae.train({**vae.OPTIONS, "epochs": 3, "seed": 5, "backend": "torch"}).metrics
    assert abs(t["elbo"] - a["elbo"]) < 2.0                              # same model, different ε draws


def test_cli_plot_with_a_larger_latent_space(tmp_path):
    png = tmp_path / "vae.png"
    out = run_cli("train", "vae", "--epochs", "2", "--set", "latent=3", "--plot", str(png), "--format", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["latent"] == 3
    assert png.is_file() and png.stat().st_size > 1000
