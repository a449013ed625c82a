"""Topic ``gan``: the minimax value, the optimal discriminator, −log 4 + 2·JSD, and the losses' gradients.

``chainrule derive gan [--values | --seed N | --given mu_g=1 --given sigma_g=1.5]`` shows the
steps of :mod:`derive.analytic.gan` (with numbers, p_data = N(0, 1) and p_g = N(μ_g, σ_g²), so every
line of the V(D*, G) chain shows the same value); ``chainrule verify gan`` checks the loss
gradients against central differences and torch's BCE-with-logits, D* against a numerical
maximiser, and V(D*, G) against −log 4 + 2·JSD computed independently on a grid (SciPy).
"""

from __future__ import annotations

from typing import Any

NAME = "gan"
SUMMARY = "GAN minimax: D* = p_data/(p_data + p_g), V(D*, G) = −log 4 + 2·JSD, D and G loss gradients, saturation"
OPTIONS: dict[str, Any] = {}


def _inputs() -> list[Any]:
    from derive.analytic import gan as A
    from derive.analytic.inputs import Input
    return [Input("mu_g", (A.mu_g,), "mean of p_g = N(μ_g, σ_g²)", -1.5, 1.5, allowed=(-10.0, 10.0)),
            Input("sigma_g", (A.sigma_g,), "standard deviation of p_g, > 0", 0.5, 2.0, allowed=(0.05, 10.0)),
            Input("a", (A.a,), "p_data(x) at a point, > 0", 0.05, 0.4, allowed=(1e-12, 1e6)),
            Input("b", (A.b,), "p_g(x) at the same point, > 0", 0.05, 0.4, allowed=(1e-12, 1e6)),
            Input("y", (A.y,), "D(x) ∈ (0, 1)", 0.05, 0.95, allowed=(1e-12, 1 - 1e-12)),
            Input("s_real", (A.s_r,), "D's logit on a real sample", -3.0, 3.0),
            Input("s_fake", (A.s_f,), "D's logit on a generated sample", -3.0, 3.0)]


def derive(options: dict[str, Any], given: dict[str, Any] | None, seed: int | None) -> Any:
    """The GAN derivation, evaluated at the inputs when numbers are asked for."""
    from derive.analytic import gan as A
    from derive.analytic.topic import numbers
    named, subs = numbers(_inputs(), given, seed)
    return A.script().derivation(NAME, options, "GAN: optimal discriminator, Jensen–Shannon, and the losses' gradients", subs, named)


def verify(options: dict[str, Any], seed: int, backend: str, points: int) -> Any:
    """Loss gradients vs FD and torch; D* vs a numerical maximiser; V(D*) vs −log 4 + 2·JSD; steps re-proved."""
    from derive.analytic import gan as A
    from derive.analytic import gancheck as C
    from derive.analytic.topic import verification
    script = A.script()
    checks = C.gradient_checks(script, seed, points) + C.optimum_checks(script, seed, points)
    notes = ["losses summed over 5 real and 5 generated samples; logits ~ N(0, 2²)",
             "D*: SciPy minimize_scalar on −(a log y + b log(1 − y)) for random a, b > 0",
             "JSD: scipy.spatial.distance.jensenshannon on a grid of step 0.001 over [−20, 20] (squared, natural log)"]
    return verification(script, NAME, options, "GAN", checks, notes, seed)
