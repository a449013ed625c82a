"""Numerical checks for ``chainrule verify gan``.

Loss gradients (lambdified from the derivation) vs central differences and torch's
``F.binary_cross_entropy_with_logits``; D* = a/(a + b) vs SciPy's bounded scalar maximiser; and
V(D*, G) = ∫ p_data log D* + p_g log(1 − D*) (SciPy quad) vs −log 4 + 2·JSD with the JSD from
``scipy.spatial.distance.jensenshannon`` on a fine grid — a computation that shares nothing with ours.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from derive import torch_losses as TL
from derive.analytic import gan as A
from derive.analytic.script import Script
from derive.functions import lambdify
from derive.numcheck import check_gradients, rel_error
from derive.steps import Check


def _sample(rng: np.random.Generator) -> dict[str, Any]:
    return {"s_real": rng.normal(0, 2, size=5), "s_fake": rng.normal(0, 2, size=5)}


def _logsig(s: Any) -> Any:
    return -np.logaddexp(0.0, -s)  # log σ(s), stable


def gradient_checks(script: Script, seed: int, points: int) -> list[Check]:
    """∂L_D/∂s_real, ∂L_D/∂s_fake and both generator losses' ∂/∂s_fake."""
    res = {k: lambdify([A.s_r, A.s_f], v[0]) for k, v in script.results.items() if k.startswith("dL")}
    ones = np.ones(5)

    def ld(p: dict[str, Any]) -> float:
        return float(-np.sum(_logsig(p["s_real"])) - np.sum(_logsig(-p["s_fake"])))  # 1 − σ(s) = σ(−s)

    grad = lambda key: (lambda p: res[key](p["s_real"], p["s_fake"]) * ones)  # noqa: E731
    d = check_gradients(ld, {"s_real": grad("dLD_ds_real"), "s_fake": grad("dLD_ds_fake")}, _sample, points, seed,
                        torch_loss=TL.bound(TL.gan_discriminator))
    sat = check_gradients(lambda p: float(np.sum(_logsig(-p["s_fake"]))), {"s_fake": grad("dLG_sat_ds_fake")}, _sample,
                          points, seed, torch_loss=TL.bound(TL.gan_saturating))
    ns = check_gradients(lambda p: float(-np.sum(_logsig(p["s_fake"]))), {"s_fake": grad("dLG_ns_ds_fake")}, _sample,
                         points, seed, torch_loss=TL.bound(TL.gan_non_saturating))
    named = lambda cs, label: [dataclasses.replace(c, parameter=f"{label}, ∂/∂{c.parameter}") for c in cs]  # noqa: E731
    return named(d, "L_D") + named(sat, "L_G saturating") + named(ns, "L_G non-saturating")


def _normal_pdf(t: Any, mean: float, sd: float) -> Any:
    return np.exp(-0.5 * ((t - mean) / sd) ** 2) / (sd * math.sqrt(2 * math.pi))


def optimum_checks(script: Script, seed: int, points: int) -> list[Check]:
    """D* against a numerical maximiser, and V(D*, G) against −log 4 + 2·JSD (independent, on a grid)."""
    from scipy import integrate, optimize
    from scipy.spatial.distance import jensenshannon
    ystar = lambdify([A.a, A.b], script.results["D_star"][0].subs({A.pd(A.x): A.a, A.pg(A.x): A.b}))
    rng = np.random.default_rng(seed)
    d_err, v_err = 0.0, 0.0
    grid = np.arange(-20.0, 20.0, 1e-3)
    for _ in range(points):
        a, b = rng.uniform(0.05, 2.0, size=2)
        best = optimize.minimize_scalar(lambda t: -(a * math.log(t) + b * math.log(1 - t)), bounds=(1e-9, 1 - 1e-9),
                                        method="bounded", options={"xatol": 1e-12})
        d_err = max(d_err, rel_error(ystar(a, b), best.x))
        mean, sd = float(rng.uniform(-1.5, 1.5)), float(rng.uniform(0.5, 2.0))
        pdata, pgen = (lambda t: _normal_pdf(t, 0.0, 1.0)), (lambda t: _normal_pdf(t, mean, sd))

        def integrand(t: float) -> float:
            p, q = pdata(t), pgen(t)
            return (p * math.log(p / (p + q)) if p > 0 else 0.0) + (q * math.log(q / (p + q)) if q > 0 else 0.0)
        value = integrate.quad(integrand, -30, 30, points=[0.0, mean], limit=400, epsabs=1e-13)[0]
        jsd = jensenshannon(pdata(grid), pgen(grid)) ** 2  # scipy returns the square root, natural log by default
        v_err = max(v_err, rel_error(value, -math.log(4) + 2 * jsd))
    return [Check("D* = a/(a+b)", d_err, "SciPy minimize_scalar (bounded) on −(a log y + b log(1 − y))", 1e-6, points),
            Check("V(D*, G) = −log 4 + 2 JSD", v_err, "SciPy quad of V(D*, G) vs scipy.spatial jensenshannon on a grid",
                  1e-6, points)]
