"""The VAE and GAN layers tied to the analytic derivations (``derive vae``, ``derive gan``).

Those topics are scripted SymPy derivations, not graphs, so they are tied here by evaluating the
displayed result formulas (per example) and comparing them with the numeric layers' gradients
(means over a batch, hence the factor 1/N).
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from derive.functions import lambdify
from derive.topics import gan, vae
from numeric.layers import gan_losses, reparam

TOL = 1e-12


def _results(module):
    return module.derive(dict(module.OPTIONS), None, None).results


def _fn(expr, names):
    symbols = {s.name: s for s in expr.free_symbols}
    return lambdify([symbols.get(n, sp.Symbol(n)) for n in names], expr)


@pytest.mark.parametrize("seed", range(3))
def test_vae_kl_and_reparameterization_match_the_derived_formulas(seed):
    rng = np.random.default_rng(seed)
    n, k = 5, 3
    mu, logvar, eps = rng.normal(size=(n, k)), rng.normal(size=(n, k)), rng.normal(size=(n, k))
    r = _results(vae)
    kl, dmu, dlogvar = reparam.kl_standard_normal(mu, logvar)
    kl_j = _fn(r["KL_j"].expr, ["mu", "logvar"])(mu, logvar)
    assert abs(kl - np.sum(kl_j) / n) < TOL
    np.testing.assert_allclose(dmu, _fn(r["dKL_dmu"].expr, ["mu", "logvar"])(mu, logvar) / n, atol=TOL)
    np.testing.assert_allclose(dlogvar, _fn(r["dKL_dlogvar"].expr, ["mu", "logvar"])(mu, logvar) / n, atol=TOL)
    z, cache = reparam.forward(mu, logvar, eps)
    np.testing.assert_allclose(z, _fn(r["z"].expr, ["mu", "logvar", "epsilon"])(mu, logvar, eps), atol=TOL)
    dz = rng.normal(size=(n, k))
    dmu_z, dlogvar_z = reparam.backward(dz, cache)
    np.testing.assert_allclose(dmu_z, dz * 1.0, atol=TOL)  # ∂z/∂μ = 1 (derived: r["dz_dmu"])
    assert r["dz_dmu"].expr == 1
    derived = _fn(r["dz_dlogvar"].expr, ["mu", "logvar", "epsilon"])(mu, logvar, eps)
    np.testing.assert_allclose(dlogvar_z, dz * derived, atol=TOL)


@pytest.mark.parametrize("seed", range(3))
def test_gan_losses_match_the_derived_gradients(seed):
    rng = np.random.default_rng(seed)
    real, fake = rng.normal(scale=3, size=(6, 1)), rng.normal(scale=3, size=(4, 1))
    r = _results(gan)
    _, d_real, d_fake = gan_losses.discriminator_loss(real, fake)
    np.testing.assert_allclose(d_real, _fn(r["dLD_ds_real"].expr, ["s_real"])(real) / len(real), atol=TOL)
    np.testing.assert_allclose(d_fake, _fn(r["dLD_ds_fake"].expr, ["s_fake"])(fake) / len(fake), atol=TOL)
    _, ns = gan_losses.generator_loss(fake, "non-saturating")
    np.testing.assert_allclose(ns, _fn(r["dLG_ns_ds_fake"].expr, ["s_fake"])(fake) / len(fake), atol=TOL)
    _, sat = gan_losses.generator_loss(fake, "saturating")
    np.testing.assert_allclose(sat, _fn(r["dLG_sat_ds_fake"].expr, ["s_fake"])(fake) / len(fake), atol=TOL)


def test_a_wrong_vae_formula_would_be_caught():
    """Sensitivity: the notes' sign-dropped KL gradient differs from the numeric layer."""
    rng = np.random.default_rng(0)
    mu, logvar = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    _, _, dlogvar = reparam.kl_standard_normal(mu, logvar)
    wrong = -_fn(_results(vae)["dKL_dlogvar"].expr, ["mu", "logvar"])(mu, logvar) / 4
    assert np.max(np.abs(dlogvar - wrong)) > 1e-3
