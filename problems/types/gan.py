"""GAN: value function and losses from D outputs; optimal discriminator and value at the optimum (§10).

Equations::

    V = (1/m) Σ_i log D(x_i) + (1/m) Σ_i log(1 − D(G(z_i)))        L_D = −V
    saturating  L_G = (1/m) Σ_i log(1 − D(G(z_i)))  (minimised)      ∂/∂D log(1 − D) = −1/(1 − D)
    non-saturating  L_G = −(1/m) Σ_i log D(G(z_i))                   ∂/∂D (−log D) = −1/D
    D*(x) = p_data(x) / (p_data(x) + p_g(x));  V(D*, G) = −log 4 + 2·JSD(p_data ‖ p_g);  −log 4 at p_g = p_data
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import choice, vector
from problems.shared.array_steps import put
from problems.shared.clear_mistakes import distinct, this
from problems.shared.mistake_replay import other_mistake
from problems.shared.random_givens import dec, variant_of
from problems.shared.statement_text import vec_g

NAME = "gan"
SUMMARY = "GAN: V, L_D, saturating and non-saturating L_G and their slopes; D* from densities, JSD, −log 4"
SECTIONS = ("10",)
VARIANTS = {"losses": "value function and losses from the discriminator's outputs",
            "optimal": "optimal discriminator, value and JSD for given densities"}
_DRAW = {d: ["losses", "losses", "optimal"] for d in ("easy", "exam", "hard")}
STEPS = [
    StepSpec("V", "Value V(D, G) on the batch", "number", 3, "mean log D(x) + mean log(1 − D(G(z)))"),
    StepSpec("LD", "Discriminator loss", "number", 3, "−V"),
    StepSpec("LG-sat", "Saturating generator loss", "number", 3, "mean log(1 − D(G(z)))"),
    StepSpec("LG-ns", "Non-saturating generator loss", "number", 3, "−mean log D(G(z))"),
    StepSpec("grad-sat", "Slope of log(1 − D) per fake sample", "vector", 3, "−1/(1 − D(G(z)))"),
    StepSpec("grad-ns", "Slope of −log D per fake sample", "vector", 3, "−1/D(G(z))"),
    StepSpec("Dstar", "Optimal discriminator at each point", "vector", 3, "p_data / (p_data + p_g)"),
    StepSpec("Vstar", "Value with the optimal discriminator", "number", 3, "Σ p_data log D* + Σ p_g log(1 − D*)"),
    StepSpec("JSD", "Jensen–Shannon divergence", "number", 4, "(V* + log 4) / 2"),
    StepSpec("V-equal", "Value at the global optimum p_g = p_data", "number", 3, "−log 4"),
]
GIVENS = {"variant": "losses or optimal", "D_real": "losses: D(x_i) for the real samples (0 < D < 1)",
          "D_fake": "losses: D(G(z_i)) for the generated samples", "p_data, p_g": "optimal: probabilities on the same points (each sums to 1)"}
_LOSS = {
    "log10": "common logarithm used: the losses use natural logarithms (ln)",
    "fake-term-sign": "fake term written log D(G(z)) instead of log(1 − D(G(z)))",
    "sum-not-mean": "batch summed instead of averaged",
    "ld-sign": "discriminator loss given as V: L_D = −V (D maximises V, so it minimises −V)",
    "sat-sign": "saturating loss with the wrong sign: G minimises log(1 − D(G(z)))",
    "ns-wrong-term": "non-saturating loss written −log(1 − D(G(z))): it is −log D(G(z))",
    "grad-no-chain": "slope of log(1 − D) taken as 1/(1 − D): the chain rule's −1 is missing",
}
_OPT = {
    "dstar-inverted": "D* inverted: p_g/(p_data + p_g) instead of p_data/(p_data + p_g)",
    "jsd-no-half": "JSD = V* + log 4: the factor 1/2 is missing (V* = −log 4 + 2·JSD)",
    "log2-not-log4": "value at the optimum given as −log 2: it is log(1/2) + log(1/2) = −log 4",
}
MISTAKES = _LOSS | _OPT


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """D outputs on the grid 0.05 … 0.95; or two distributions with two-decimal probabilities."""
    v = variant_of(rng, variant, VARIANTS, _DRAW, difficulty)
    m = {"easy": 1, "exam": 2, "hard": 3}[difficulty]
    while True:
        if v == "losses":
            g = {"variant": v, "D_real": dec(rng, m, 0.5, 0.95, 2).tolist(), "D_fake": dec(rng, m, 0.05, 0.5, 2).tolist()}
        else:
            k = m + 2
            g = {"variant": v} | {key: (lambda w: (w / w.sum()).round(2))(rng.integers(1, 10, k).astype(float)) for key in ("p_data", "p_g")}
            g = {key: (val.tolist() if isinstance(val, np.ndarray) else val) for key, val in g.items()}
            if any(abs(sum(g[key]) - 1) > 1e-9 for key in ("p_data", "p_g")) or g["p_data"] == g["p_g"]:
                continue
        if distinct(this(__name__), g, _LOSS if v == "losses" else _OPT):
            return g


D_EDGE = 1e-9  # discriminator outputs stay this far from 0 and 1


def validate(givens: dict[str, Any]) -> dict[str, Any]:
    """Probabilities strictly inside (0, 1); distributions sum to 1."""
    v = choice(givens, "variant", VARIANTS, default="optimal" if "p_data" in givens else "losses")
    keys = ("D_real", "D_fake") if v == "losses" else ("p_data", "p_g")
    a = vector(givens, keys[0], (1, 10))
    b = vector(givens, keys[1], (len(a), len(a)) if v == "optimal" else (1, 10))
    for key, vals in zip(keys, (a, b)):
        if min(vals) <= 0 or (max(vals) >= 1 and v == "losses"):
            raise GivenError(key, "expected values strictly between 0 and 1")
        if v == "losses" and not all(D_EDGE <= x <= 1 - D_EDGE for x in vals):
            raise GivenError(key, f"expected discriminator outputs from {D_EDGE:g} to 1 − {D_EDGE:g} "
                             "(the slopes −1/D and −1/(1 − D) must stay finite)")
        if v == "optimal" and abs(sum(vals) - 1) > 1e-6:
            raise GivenError(key, f"probabilities must sum to 1 (they sum to {sum(vals):g})")
    return {"variant": v, keys[0]: a, keys[1]: b}


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    if g["variant"] == "optimal":
        return (f"On {len(g['p_data'])} points the data distribution is p_data = {vec_g(g['p_data'])} and the generator's is "
                f"p_g = {vec_g(g['p_g'])}. Compute the optimal discriminator D* at each point, the value V(D*, G), "
                "the Jensen–Shannon divergence and the value at the global optimum p_g = p_data.")
    return (f"A discriminator outputs D(x) = {vec_g(g['D_real'])} on real samples and D(G(z)) = {vec_g(g['D_fake'])} on "
            "generated ones. Compute V, the discriminator loss, the saturating and non-saturating generator losses, "
            "and each loss's slope with respect to D(G(z)) per fake sample.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    if g["variant"] == "optimal":
        return ["Natural logarithms; V(D*, G) = Σ_x p_data log D* + Σ_x p_g log(1 − D*) = −log 4 + 2·JSD."]
    return ["Natural logarithms; batch terms are averaged (1/m); L_D = −V.",
            "Slopes are per sample: d/dD of log(1 − D) and of −log D at each D(G(z))."]


def solve(g: dict[str, Any], work: Any) -> None:
    """Losses and slopes, or D*, V*, JSD and −log 4."""
    if other_mistake(work, MISTAKES, _LOSS if g["variant"] == "losses" else list(_OPT) + ["log10"]):
        return None
    log = np.log10 if work.mistake("log10") else np.log
    if g["variant"] == "optimal":
        p, q = np.array(g["p_data"]), np.array(g["p_g"])
        D = put(work, "Dstar", "D*(x)", (q if work.mistake("dstar-inverted") else p) / (p + q), "p_data / (p_data + p_g)")
        if not np.all((D > 0) & (D < 1)):
            raise ValueError("D* must lie strictly between 0 and 1")
        V = work.put("Vstar", "V(D*, G)", float((p * log(D) + q * log(1 - D)).sum()), "Σ p_data log D* + Σ p_g log(1 − D*)",
                     depends_on=("Dstar",))
        work.put("JSD", "JSD(p_data ‖ p_g)", V + math.log(4) if work.mistake("jsd-no-half") else (V + math.log(4)) / 2,
                 "(V* + log 4) / 2", depends_on=("Vstar",))
        work.put("V-equal", "V at p_g = p_data (D* = 1/2)", -math.log(2 if work.mistake("log2-not-log4") else 4), "2 log(1/2) = −log 4")
        return None
    r, f = np.array(g["D_real"]), np.array(g["D_fake"])
    mean = np.sum if work.mistake("sum-not-mean") else np.mean
    fake = log(f) if work.mistake("fake-term-sign") else log(1 - f)
    V = work.put("V", "V(D, G) on the batch", float(mean(log(r)) + mean(fake)), "mean log D(x) + mean log(1 − D(G(z)))")
    work.put("LD", "Discriminator loss L_D", V if work.mistake("ld-sign") else -V, "−V", depends_on=("V",))
    sat = float(mean(log(1 - f)))
    work.put("LG-sat", "Saturating L_G", -sat if work.mistake("sat-sign") else sat, "mean log(1 − D(G(z)))")
    work.put("LG-ns", "Non-saturating L_G", -float(mean(log(1 - f) if work.mistake("ns-wrong-term") else log(f))), "−mean log D(G(z))")
    put(work, "grad-sat", "d/dD log(1 − D) at each D(G(z))", (1 if work.mistake("grad-no-chain") else -1) / (1 - f), "−1/(1 − D)",
        because="small when D(G(z)) ≈ 0: the saturating loss gives G almost no gradient early on")
    put(work, "grad-ns", "d/dD (−log D) at each D(G(z))", -1 / f, "−1/D", because="large when D(G(z)) ≈ 0")
    return None


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch BCE and autograd, scipy's jensenshannon and a numerical
    maximisation of p log D + q log(1 − D) for D*; NumPy log1p without torch."""
    from problems.types._gan_crosscheck import gan_cross
    return gan_cross(g)


if __name__ == "__main__":
    from derive.printing import render
    from problems.engine import make_exercise
    print(render(make_exercise(__import__(__name__), 0), "text"))
