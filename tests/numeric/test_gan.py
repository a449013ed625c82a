"""GAN: loss forms and their gradients, D and G backward passes, the mode-coverage criterion, runs."""

from __future__ import annotations

import json

import numpy as np
import pytest

from numeric.datasets import ring
from numeric.gradcheck import numerical_gradient
from tests.numeric.helpers import rel_error
from numeric.layers.gan_losses import discriminator_loss, generator_loss
from numeric.models import _mlp, gan
from numeric.training import NonFiniteLoss
from tests.conftest import run_cli


def sig(z):
    return 1 / (1 + np.exp(-z))


def test_losses_equal_the_course_formulas():
    rng = np.random.default_rng(0)
    lr, lf = rng.standard_normal((5, 1)), rng.standard_normal((7, 1))
    value, _, _ = discriminator_loss(lr, lf)
    assert value == pytest.approx(-np.mean(np.log(sig(lr))) - np.mean(np.log(1 - sig(lf))))
    assert generator_loss(lf)[0] == pytest.approx(-np.mean(np.log(sig(lf))))
    assert generator_loss(lf, "saturating")[0] == pytest.approx(np.mean(np.log(1 - sig(lf))))


@pytest.mark.parametrize("form", ["non-saturating", "saturating"])
def test_loss_gradients_match_finite_differences(form):
    rng = np.random.default_rng(1)
    lr, lf = rng.standard_normal((5, 1)), rng.standard_normal((6, 1))
    _, dr, df = discriminator_loss(lr, lf)
    assert rel_error(dr, numerical_gradient(lambda: discriminator_loss(lr, lf)[0], lr)) < 1e-7
    assert rel_error(df, numerical_gradient(lambda: discriminator_loss(lr, lf)[0], lf)) < 1e-7
    _, dg = generator_loss(lf, form)
    assert rel_error(dg, numerical_gradient(lambda: generator_loss(lf, form)[0], lf)) < 1e-7


def test_losses_are_finite_for_huge_logits():
    big = np.array([[1000.0], [-1000.0]])
    value, dr, df = discriminator_loss(big, big)
    assert np.isfinite(value) and np.isfinite(dr).all() and np.isfinite(df).all()
    for form in ("non-saturating", "saturating"):
        v, d = generator_loss(big, form)
        assert np.isfinite(v) and np.isfinite(d).all()


def test_non_saturating_loss_keeps_the_gradient_when_d_rejects_fakes():
    """Early in training D(G(z)) ≈ 0: log(1 − D) saturates, −log D does not (the reason for the trick)."""
    confident = np.full((4, 1), -8.0)                                # D(G(z)) = σ(−8) ≈ 3e-4
    assert np.abs(generator_loss(confident, "non-saturating")[1]).sum() > 1000 * np.abs(generator_loss(confident, "saturating")[1]).sum()


def small(seed: int = 0) -> tuple:
    rng = np.random.default_rng(seed)
    net = gan.layers("ring", hidden=4, noise=3)
    params = _mlp.init(rng, net[0] + net[1], np.float64)
    for k in params:
        if k.startswith("b_"):
            params[k] = 0.1 * rng.standard_normal(params[k].shape)
    return net, params, rng.standard_normal((5, 2)), rng.standard_normal((5, 3))


def test_discriminator_backward_matches_finite_differences():
    net, params, real, z = small()
    _, grads = gan.d_loss(params, real, z, net)
    assert set(grads) == set(gan.keys(net[1]))                       # G is held fixed in the D step
    for name in grads:
        num = numerical_gradient(lambda: gan.d_loss(params, real, z, net)[0], params[name])
        assert rel_error(grads[name], num) < 1e-6, name


@pytest.mark.parametrize("form", ["non-saturating", "saturating"])
def test_generator_backward_matches_finite_differences(form):
    net, params, _, z = small(1)
    _, grads = gan.g_loss(params, z, net, form)
    assert set(grads) == set(gan.keys(net[0]))
    for name in grads:
        num = numerical_gradient(lambda: gan.g_loss(params, z, net, form)[0], params[name])
        assert rel_error(grads[name], num) < 1e-6, name


@pytest.mark.parametrize("form", ["non-saturating", "saturating"])
def test_both_backward_passes_match_torch_autograd(form):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    net, params, real, z = small(2)
    p = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}

    def G(v):
        return torch.relu(torch.relu(v @ p["W_g1"] + p["b_g1"]) @ p["W_g2"] + p["b_g2"]) @ p["W_gout"] + p["b_gout"]

    def D(v):
        return torch.relu(torch.relu(v @ p["W_d1"] + p["b_d1"]) @ p["W_d2"] + p["b_d2"]) @ p["W_dout"] + p["b_dout"]
    Z, R = torch.tensor(z), torch.tensor(real)
    ones, zeros = torch.ones(len(z), 1, dtype=torch.float64), torch.zeros(len(z), 1, dtype=torch.float64)
    ld = F.binary_cross_entropy_with_logits(D(R), ones) + F.binary_cross_entropy_with_logits(D(G(Z).detach()), zeros)
    ld.backward()
    _, gd = gan.d_loss(params, real, z, net)
    for name in gd:
        assert rel_error(gd[name], p[name].grad.numpy()) < 1e-10, name
    for t in p.values():
        t.grad = None
    lf = D(G(Z))
    lg = F.binary_cross_entropy_with_logits(lf, ones) if form == "non-saturating" else -F.binary_cross_entropy_with_logits(lf, zeros)
    lg.backward()
    value, gg = gan.g_loss(params, z, net, form)
    assert value == pytest.approx(lg.item(), rel=1e-12)
    for name in gg:
        assert rel_error(gg[name], p[name].grad.numpy()) < 1e-10, name


def test_mode_coverage_criterion_on_hand_made_samples():
    c = ring.centres()
    assert np.allclose(np.linalg.norm(c, axis=1), ring.RADIUS)
    all_modes = np.repeat(c, 100, axis=0)                            # 100 exact hits per mode
    assert ring.coverage(all_modes)[0] == 8
    one_mode = np.repeat(c[:1], 800, axis=0)
    covered, counts, quality = ring.coverage(one_mode)
    assert covered == 1 and counts[0] == 800 and quality == 1.0
    # mode 1 gets 19 of 800 samples (< 20 % of its fair share 100 → not covered); 21 would be covered
    for hits, expected in ((19, 7), (21, 8)):
        x = np.concatenate([np.repeat(c[[0, 2, 3, 4, 5, 6, 7]], 100, axis=0), np.repeat(c[1:2], hits, axis=0),
                            np.zeros((100 - hits, 2))])             # the rest falls in the middle of the ring
        assert ring.coverage(x)[0] == expected
    off = c[:1] + np.array([[3.1 * ring.STD, 0.0]])                  # just outside 3σ counts for nobody
    assert ring.coverage(np.repeat(off, 10, axis=0))[2] == 0.0


def test_real_ring_samples_cover_every_mode():
    x = ring.sample(np.random.default_rng(0), 2000)
    covered, _, quality = ring.coverage(x)
    assert covered == 8 and quality > 0.99                           # 3σ holds 98.9 % of a 2-D Gaussian


def cfg(**kw) -> dict:
    return {**gan.OPTIONS, "seed": 0, **kw}


@pytest.mark.slow
def test_default_run_covers_at_least_seven_modes():
    m = gan.train(cfg()).metrics
    assert m["modes_covered"] >= 7 and m["steps"] == gan.STEPS and m["loss"] == "non-saturating"
    assert sum(m["samples_per_mode"]) <= gan.EVAL_SAMPLES


def test_short_runs_are_deterministic_and_both_forms_run():
    a = gan.train(cfg(steps=30, seed=2)).metrics
    assert a == gan.train(cfg(steps=30, seed=2)).metrics
    s = gan.train(cfg(steps=30, seed=2, loss="saturating")).metrics
    assert s["loss"] == "saturating" and s != a


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_nan_in_the_data_names_the_step(monkeypatch):
    monkeypatch.setattr(ring, "sample", lambda rng, n, *a, **k: np.full((n, 2), np.nan, dtype=np.float32))
    with pytest.raises(NonFiniteLoss, match="step 1 "):
        gan.train(cfg(steps=5))


def test_cli_torch_backend_with_plot(tmp_path):
    pytest.importorskip("torch")
    png = tmp_path / "gan.png"
    out = run_cli("train", "gan", "--backend", "torch", "--steps", "20", "--set", "loss=saturating",
                  "--plot", str(png), "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["backend"] == "torch" and data["loss"] == "saturating" and 0 <= data["modes_covered"] <= 8
    assert png.is_file() and png.stat().st_size > 1000


def test_cli_digits_variant_and_bad_loss():
    out = run_cli("train", "gan", "--data", "digits", "--steps", "20", "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["modes"] == 10 and len(data["samples_per_mode"]) == 10
    bad = run_cli("train", "gan", "--set", "loss=wasserstein")
    assert bad.returncode == 2 and "--set loss" in bad.stderr
