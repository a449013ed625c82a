"""VAE: σ ↔ log σ², KL(N(μ, σ²) ‖ N(0, 1)), reparameterised z, reconstruction, loss and ELBO (§9).

Equations::

    σ = exp(½ log σ²)                       z = μ + σ ⊙ ε,  ε ~ N(0, I) given
    KL = ½ Σ_j (σ_j² + μ_j² − log σ_j² − 1) = −½ Σ_j (1 + log σ_j² − μ_j² − σ_j²)  ≥ 0
    reconstruction: BCE = −Σ_i [x_i log x̂_i + (1 − x_i) log(1 − x̂_i)]  or  SSE = Σ_i (x_i − x̂_i)²
    loss = reconstruction + KL = −ELBO
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import MAX_GIVEN, choice, vector
from problems.shared.array_steps import put
from problems.shared.clear_mistakes import distinct, this
from problems.shared.random_givens import dec, pick, variant_of
from problems.shared.statement_text import vec_g

NAME = "vae"
SUMMARY = "VAE: σ from log σ², Gaussian KL per dimension and total, z = μ + σ⊙ε, reconstruction, loss = −ELBO"
SECTIONS = ("9",)
VARIANTS = {"sigma": "the encoder gives μ and σ", "logvar": "the encoder gives μ and log σ²"}
_DRAW = {d: list(VARIANTS) for d in ("easy", "exam", "hard")}
STEPS = [
    StepSpec("sigma", "σ = exp((1/2) log σ²)", "vector", 3, "exp((1/2) log σ²)"),
    StepSpec("var", "σ²", "vector", 3, "σ² (or exp(log σ²))"),
    StepSpec("logvar", "log σ²", "vector", 3, "2 log σ"),
    StepSpec("kl-terms", "KL per latent dimension", "vector", 3, "(1/2)(σ² + μ² − log σ² − 1)"),
    StepSpec("kl", "KL(N(μ, σ²) ‖ N(0, I))", "number", 3, "Σ_j KL_j"),
    StepSpec("z", "Reparameterised z", "vector", 3, "μ + σ ⊙ ε"),
    StepSpec("recon", "Reconstruction loss", "number", 3, "BCE or SSE summed over the data dimensions"),
    StepSpec("loss", "VAE loss", "number", 3, "reconstruction + KL"),
    StepSpec("elbo", "ELBO", "number", 3, "−(reconstruction + KL)"),
]
GIVENS = {"variant": "sigma or logvar (which the encoder outputs)", "mu": "encoder means μ",
          "sigma | logvar": "encoder σ (> 0) or log σ²", "eps": "the noise sample ε", "x": "the input",
          "x_hat": "the decoder's output for z", "recon": "bce (x in [0, 1], 0 < x̂ < 1) or sse"}
MISTAKES = {  # formula mistakes first: where two mistakes give the same number, the formula is named
    "kl-subtracted": "KL subtracted from the reconstruction loss: the loss is reconstruction + KL",
    "log-sigma": "KL written Σ(σ² + μ² − log σ − 1): log σ instead of log σ² and the (1/2) dropped (can go negative)",
    "sign-dropped": "KL written (1/2)Σ(1 + log σ² − μ² − σ²): the leading minus sign dropped (KL ≥ 0)",
    "logvar-as-sigma": "log σ² used as if it were σ",
    "half-omitted": "σ = exp(log σ²): the (1/2) is missing (that is σ², not σ)",
    "sigma-as-var": "σ used as the variance: σ² is the square of the given σ",
    "z-variance": "z = μ + σ² ⊙ ε: the standard deviation σ multiplies ε, not the variance",
    "bce-sign": "BCE without its minus sign (a log-likelihood, negative, instead of a loss)",
    "elbo-sign": "ELBO given as reconstruction + KL: the ELBO is the negative of the loss",
    "log10": "log₁₀ used instead of the natural log in log σ² (natural logarithms throughout)",
    "kl-no-half": "KL without the (1/2): Σ(σ² + μ² − log σ² − 1) instead of (1/2)Σ(σ² + μ² − log σ² − 1)",
}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """One-decimal μ, σ (or log σ²), ε; binary x with BCE or real x with SSE."""
    v = variant_of(rng, variant, VARIANTS, _DRAW, difficulty)
    k, n = {"easy": (1, 2), "exam": (2, 3), "hard": (3, 4)}[difficulty]
    while True:
        g: dict[str, Any] = {"variant": v, "mu": dec(rng, k, -1, 1)}
        g[v] = dec(rng, k, 0.2, 1.5) if v == "sigma" else dec(rng, k, -1.5, 1, nonzero=True)
        g["eps"] = dec(rng, k, -1.5, 1.5, nonzero=True)
        g["recon"] = pick(rng, ["bce", "sse"])
        g["x"] = rng.integers(0, 2, n).astype(float) if g["recon"] == "bce" else dec(rng, n, 0, 1)
        g["x_hat"] = dec(rng, n, 0.1, 0.9)
        g = {key: val.tolist() if isinstance(val, np.ndarray) else val for key, val in g.items()}
        if distinct(this(__name__), g):
            return g


MAX_LOGVAR = 50.0  # |log σ²|: σ² = e^{log σ²} stays a float with digits to show


def validate(givens: dict[str, Any]) -> dict[str, Any]:
    """Check lengths and ranges; canonical lists."""
    v = choice(givens, "variant", VARIANTS, default="logvar" if "logvar" in givens else "sigma")
    mu = vector(givens, "mu", (1, 8))
    spread = vector(givens, v, (len(mu), len(mu)), limit=MAX_LOGVAR if v == "logvar" else MAX_GIVEN)
    if v == "sigma" and min(spread) <= 0:
        raise GivenError("sigma", "standard deviations must be positive")
    recon = choice(givens, "recon", ("bce", "sse"), default="bce")
    x = vector(givens, "x", (1, 16))
    x_hat = vector(givens, "x_hat", (len(x), len(x)))
    if recon == "bce" and (min(x) < 0 or max(x) > 1 or min(x_hat) <= 0 or max(x_hat) >= 1):
        raise GivenError("x_hat", "BCE needs x in [0, 1] and 0 < x̂ < 1")
    return {"variant": v, "mu": mu, v: spread, "eps": vector(givens, "eps", (len(mu), len(mu))), "recon": recon,
            "x": x, "x_hat": x_hat}


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    spread = f"σ = {vec_g(g['sigma'])}" if g["variant"] == "sigma" else f"log σ² = {vec_g(g['logvar'])}"
    loss = "binary cross-entropy" if g["recon"] == "bce" else "sum of squared errors"
    return (f"A VAE encoder outputs μ = {vec_g(g['mu'])} and {spread}. The noise sample is ε = {vec_g(g['eps'])}. For the "
            f"input x = {vec_g(g['x'])} the decoder outputs x̂ = {vec_g(g['x_hat'])}. Compute σ, σ² and log σ², the KL term "
            f"per dimension and in total, z, the reconstruction loss ({loss}), the loss and the ELBO.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    return ["KL(N(μ, σ²) ‖ N(0, I)) = (1/2)Σ_j(σ_j² + μ_j² − log σ_j² − 1); natural logarithms.",
            "Reconstruction summed over the data dimensions (BCE or SSE, no (1/2)); loss = reconstruction + KL = −ELBO."]


def solve(g: dict[str, Any], work: Any) -> None:
    """σ/σ²/log σ², KL, z, reconstruction, loss, ELBO."""
    mu, eps = np.array(g["mu"], dtype=float), np.array(g["eps"], dtype=float)
    if g["variant"] == "logvar":
        lv = np.array(g["logvar"], dtype=float)
        s = lv if work.mistake("logvar-as-sigma") else np.exp(lv if work.mistake("half-omitted") else 0.5 * lv)
        s = put(work, "sigma", "σ = exp((1/2) log σ²)", s, "exp((1/2) log σ²)")
        var = put(work, "var", "σ² = exp(log σ²)", np.exp(lv), "exp(log σ²)")
    else:
        s = np.array(g["sigma"], dtype=float)
        var = put(work, "var", "σ²", s if work.mistake("sigma-as-var") else s ** 2, "σ²")
        lv = put(work, "logvar", "log σ²", 2 * (np.log10(s) if work.mistake("log10") else np.log(s)), "log σ² = 2 log σ")
    deps = ("var", "logvar") if g["variant"] == "sigma" else ("var",)
    if work.mistake("log-sigma"):
        terms = var + mu ** 2 - np.log(np.abs(s)) - 1
    else:
        half = 1.0 if work.mistake("kl-no-half") else 0.5
        terms = (-1 if work.mistake("sign-dropped") else 1) * half * (var + mu ** 2 - lv - 1)
    terms = put(work, "kl-terms", "KL per dimension", terms, "(1/2)(σ² + μ² − log σ² − 1)", deps)
    kl = work.put("kl", "KL term", float(terms.sum()), "Σ_j (1/2)(σ_j² + μ_j² − log σ_j² − 1)", depends_on=("kl-terms",))
    put(work, "z", "z = μ + σ ⊙ ε", mu + (var if work.mistake("z-variance") else s) * eps, "μ + σ ⊙ ε",
        ("sigma",) if g["variant"] == "logvar" else ())
    x, xh = np.array(g["x"], dtype=float), np.array(g["x_hat"], dtype=float)
    if g["recon"] == "bce":
        r = (1 if work.mistake("bce-sign") else -1) * float((x * np.log(xh) + (1 - x) * np.log(1 - xh)).sum())
    else:
        r = float(((x - xh) ** 2).sum())
    r = work.put("recon", "Reconstruction loss", r, "−Σ[x log x̂ + (1 − x) log(1 − x̂)]" if g["recon"] == "bce" else "Σ(x − x̂)²")
    loss = work.put("loss", "Loss = reconstruction + KL", r - kl if work.mistake("kl-subtracted") else r + kl,
                    "recon + KL", depends_on=("recon", "kl"))
    work.put("elbo", "ELBO", loss if work.mistake("elbo-sign") else -loss, "−(recon + KL)", depends_on=("loss",))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch.distributions KL and torch losses, or NumPy with
    the KL in its other closed form log(1/σ) + (σ² + μ²)/2 − (1/2)."""
    from problems.types._vae_crosscheck import vae_cross
    return vae_cross(g)


if __name__ == "__main__":
    from derive.printing import render
    from problems.engine import make_exercise
    print(render(make_exercise(__import__(__name__), 0), "text"))
