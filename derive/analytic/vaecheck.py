"""Numerical checks for ``chainrule verify vae``.

Gradients of the summed KL and of z = μ + σε (lambdified from the derivation's results) go to
:func:`derive.numcheck.check_gradients`; torch's side uses ``torch.distributions.kl_divergence``,
an implementation independent of ours. The closed form is compared with SciPy quadrature of
∫ q log(q/p) (``scipy.stats.norm.logpdf``) and with a seeded Monte Carlo estimate.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from derive import torch_losses as TL
from derive.analytic import vae as V
from derive.analytic.script import Script
from derive.functions import lambdify
from derive.numcheck import check_gradients, rel_error
from derive.steps import Check

MC_SAMPLES = 200_000
DIMS = 4


def _sample(rng: np.random.Generator) -> dict[str, Any]:
    return {"mu": rng.normal(size=DIMS), "logvar": rng.uniform(-1.5, 1.0, size=DIMS), "eps": rng.normal(size=DIMS),
            "c": rng.normal(size=DIMS)}


def gradient_checks(script: Script, seed: int, points: int) -> list[Check]:
    """∂KL/∂μ, ∂KL/∂ℓ and ∂z/∂μ, ∂z/∂ℓ vs central differences and torch autograd."""
    res = {k: v[0] for k, v in script.results.items()}
    args = [V.mu, V.logvar, V.eps]
    kl, dmu, dlv = (lambdify(args, res[k]) for k in ("KL_j", "dKL_dmu", "dKL_dlogvar"))
    z, zmu, zlv = (lambdify(args, res[k]) for k in ("z", "dz_dmu", "dz_dlogvar"))
    ones = np.ones(DIMS)

    kl_grads = {"mu": lambda p: dmu(p["mu"], p["logvar"], p["eps"]) * ones,
                "logvar": lambda p: dlv(p["mu"], p["logvar"], p["eps"]) * ones}
    z_grads = {"mu": lambda p: p["c"] * zmu(p["mu"], p["logvar"], p["eps"]),
               "logvar": lambda p: p["c"] * zlv(p["mu"], p["logvar"], p["eps"])}
    a = check_gradients(lambda p: float(np.sum(kl(p["mu"], p["logvar"], p["eps"]))), kl_grads, _sample, points, seed,
                        torch_loss=TL.bound(TL.vae_kl))
    b = check_gradients(lambda p: float(p["c"] @ z(p["mu"], p["logvar"], p["eps"])), z_grads, _sample, points, seed,
                        torch_loss=TL.bound(TL.vae_sample))
    return ([dataclasses.replace(c, parameter=f"KL, ∂/∂{c.parameter}") for c in a]
            + [dataclasses.replace(c, parameter=f"z = μ + σε, ∂/∂{c.parameter}") for c in b])


def closed_form_checks(script: Script, seed: int, points: int) -> list[Check]:
    """The closed-form KL vs SciPy quadrature of the definition and vs Monte Carlo (seeded)."""
    from scipy import integrate, stats
    kl = lambdify([V.mu, V.logvar], script.results["KL_j"][0])
    rng = np.random.default_rng(seed)
    quad_err, mc_err = 0.0, 0.0
    for _ in range(points):
        mu, logvar = float(rng.uniform(0.5, 1.5)), float(rng.uniform(-1.5, 1.0))
        sd = float(np.exp(0.5 * logvar))
        closed = float(kl(mu, logvar))

        def integrand(x: float) -> float:
            lq = _norm_logpdf(x, mu, sd)  # scipy.stats.norm.logpdf's arithmetic, without its per-call overhead
            return float(np.exp(lq) * (lq - _norm_logpdf(x, 0.0, 1.0)))
        by_quad = integrate.quad(integrand, mu - 30 * sd, mu + 30 * sd, points=[mu], limit=200, epsabs=1e-13)[0]
        zs = mu + sd * rng.standard_normal(MC_SAMPLES)
        by_mc = float(np.mean(stats.norm.logpdf(zs, mu, sd) - stats.norm.logpdf(zs)))
        quad_err, mc_err = max(quad_err, rel_error(closed, by_quad)), max(mc_err, rel_error(closed, by_mc))
    return [Check("KL closed form", quad_err, "SciPy quad of ∫ q log(q/p) dx (scipy.stats densities)", 1e-8, points),
            Check("KL closed form", mc_err, f"Monte Carlo, {MC_SAMPLES} samples (seeded)", 3e-2, points)]


_LOG_SQRT_2PI = np.log(np.sqrt(2 * np.pi))


def _norm_logpdf(x: float, mu: float, sd: float) -> np.float64:
    """log N(x; μ, σ²) computed as scipy.stats.norm.logpdf does (z = (x − μ)/σ, −z²/2 − log √(2π) − log σ),
    so the quadrature gives the same numbers 100 × faster (SciPy's argument checks cost ~0.1 ms a call)."""
    z = np.float64((np.float64(x) - mu) / sd)
    return -z**2 / 2.0 - _LOG_SQRT_2PI - np.log(sd)
