"""Topic ``vae``: the KL term from its integral, its gradients, the reparameterization, the ELBO.

``chainrule derive vae [--values | --seed N | --given mu=0.5 --given logvar=-1 --given epsilon=0.3]``
shows the steps of :mod:`derive.analytic.vae`; ``chainrule verify vae`` checks the gradients of
the KL and of z = μ + σε against central differences and torch (``torch.distributions.kl_divergence``
as an independent KL), and the closed form against SciPy quadrature and a seeded Monte Carlo estimate.
"""

from __future__ import annotations

from typing import Any

NAME = "vae"
SUMMARY = "KL(N(μ,σ²)‖N(0,1)) from its integral, ∂KL/∂μ and ∂KL/∂log σ², reparameterization z = μ + σε, ELBO"
OPTIONS: dict[str, Any] = {}


def _inputs() -> list[Any]:
    from derive.analytic import vae as V
    from derive.analytic.inputs import Input
    return [Input("mu", (V.mu,), "posterior mean μ", -1.5, 1.5),
            Input("logvar", (V.logvar,), "ℓ = log σ²", -1.5, 1.0, allowed=(-20.0, 20.0)),
            Input("epsilon", (V.eps,), "noise ε ~ N(0, 1)", -2.0, 2.0)]


def derive(options: dict[str, Any], given: dict[str, Any] | None, seed: int | None) -> Any:
    """The VAE derivation, evaluated at μ, ℓ = log σ², ε when numbers are asked for."""
    import sympy as sp

    from derive.analytic import vae as V
    from derive.analytic.topic import numbers
    named, subs = numbers(_inputs(), given, seed)
    if subs is not None:
        subs[V.sigma] = sp.exp(subs[V.logvar] / 2).evalf(30)
    return V.script().derivation(NAME, options, "VAE: the KL term, its gradients, the reparameterization and the ELBO", subs, named)


def verify(options: dict[str, Any], seed: int, backend: str, points: int) -> Any:
    """Gradients vs FD and torch; closed-form KL vs quadrature and Monte Carlo; every step re-proved."""
    from derive.analytic import vae as V
    from derive.analytic import vaecheck as C
    from derive.analytic.topic import verification
    script = V.script()
    checks = C.gradient_checks(script, seed, points) + C.closed_form_checks(script, seed, points)
    notes = ["KL summed over d = 4 latent dimensions; μ ~ N(0, 1), ℓ = log σ² ~ U(−1.5, 1)",
             "reparameterization: L = Σ c ⊙ z with random c, so ∂L/∂μ = c ⊙ ∂z/∂μ and ∂L/∂ℓ = c ⊙ ∂z/∂ℓ",
             f"Monte Carlo: {C.MC_SAMPLES} samples of log q(z) − log p(z), z ~ q (seeded); tolerance 3%"]
    return verification(script, NAME, options, "VAE", checks, notes, seed)
