"""Batch normalisation: ``chainrule derive batchnorm`` and ``verify batchnorm``.

Forward μ_B, σ_B², x̂ = (x − μ_B)/√(σ_B² + ε), y = γx̂ + β over a mini-batch of m examples (feature
by feature) and the full backward through the mean and the variance: ∂L/∂x̂, ∂L/∂σ_B², ∂L/∂μ_B,
∂L/∂x, ∂L/∂γ, ∂L/∂β, each from the reverse walk, for L = Σ G ⊙ y (``--loss mse``: ½‖y − T‖²).

Options (``--set``): m (batch size), features (d), loss (upstream, mse).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from derive.backprop import derive_graph
from derive.graph import Graph
from derive.models.batchnorm import batchnorm
from derive.steps import Check, Derivation, Result, Verification
from derive.topics._graph_topic import choice, labelled, leaf_values, merged, uniform, value_note, whole
from derive.verification import METRIC, Program, evaluate, verify_steps

if TYPE_CHECKING:
    import numpy as np

NAME = "batchnorm"
SUMMARY = ("batch normalisation: μ_B, σ_B², x̂, y = γx̂ + β and the full backward "
           "(∂L/∂x̂, ∂L/∂σ_B², ∂L/∂μ_B, ∂L/∂x, ∂L/∂γ, ∂L/∂β)")
OPTIONS: dict[str, Any] = {"m": 4, "features": 3, "loss": "upstream"}
LOSSES = {"upstream": "upstream", "sum": "upstream", "g": "upstream", "mse": "mse", "sse": "mse"}
EPS, MAX_BATCH, MAX_FEATURES = 1e-5, 16, 8
GIVEN_RANGES = {"epsilon": (1e-12, 1.0)}  # ε > 0 keeps √(σ_B² + ε) and (σ_B² + ε)^(−3/2) finite for any batch
INTERMEDIATE = ("dL_dxhat", "dL_dsigma_B^2", "dL_dmu_B")


@dataclass(frozen=True)
class Config:
    """Validated options: batch size m, features d, loss."""

    m: int
    d: int
    loss: str

    def graph(self) -> Graph:
        """The graph these options describe."""
        return batchnorm(self.m, self.d, self.loss)

    def public(self) -> dict[str, Any]:
        """The options as shown in the output."""
        return {"m": self.m, "features": self.d, "loss": self.loss}


def config(options: dict[str, Any]) -> Config:
    """Validate the options; UserError naming the option on a bad value."""
    o = merged(OPTIONS, options)
    return Config(whole(o["m"], "--set m", 2, MAX_BATCH), whole(o["features"], "--set features", 1, MAX_FEATURES),
                  choice(o["loss"], "--loss", LOSSES))


def notes(cfg: Config) -> list[str]:
    """The conventions, stated once."""
    loss = ("Loss: L = Σ G ⊙ y = 𝟏ᵀ(G ⊙ y)𝟏 for a given upstream gradient G, so ∂L/∂y = G (the gradients below are "
            "batch norm's backward pass for any G)." if cfg.loss == "upstream" else
            "Loss: L = ½‖y − T‖², so ∂L/∂y = y − T.")
    return [f"Layout: rows are examples (x ∈ ℝ^{{m×d}}, here {cfg.m}×{cfg.d}), and every statistic is per feature "
            "(column): μ_B, σ_B², s_B, γ, β ∈ ℝ^{1×d}. 𝟏 ∈ ℝ^{m×1} is a column of ones, so 𝟏 μ_B repeats a row over "
            "the batch and 𝟏ᵀ X sums X over the batch; ⊙ and ⊘ act elementwise; ∂L/∂X has the shape of X.",
            loss,
            f"Training mode: the batch's own mean and biased variance (divide by m = {cfg.m}), as F.batch_norm "
            f"normalises with training=True; ε = {EPS:g} unless given (--given epsilon=…). s_B = √(σ_B² + ε) is "
            "named so that the chain through the square root reads ∂L/∂σ_B² = ∂L/∂s_B ⊙ ½ ⊘ s_B.",
            "Per feature, the steps are Ioffe & Szegedy's: ∂L/∂x̂_i = ∂L/∂y_i·γ; ∂L/∂σ² = Σ_i ∂L/∂x̂_i (x_i − μ)·"
            "(−½)(σ² + ε)^{−3/2}; ∂L/∂μ = Σ_i ∂L/∂x̂_i·(−1/√(σ² + ε)) + ∂L/∂σ²·Σ_i (−2)(x_i − μ)/m; ∂L/∂x_i = "
            "∂L/∂x̂_i/√(σ² + ε) + ∂L/∂σ²·2(x_i − μ)/m + ∂L/∂μ/m; ∂L/∂γ = Σ_i ∂L/∂y_i x̂_i; ∂L/∂β = Σ_i ∂L/∂y_i. "
            "(The second term of ∂L/∂μ is 0 because Σ_i (x_i − μ) = 0; the reverse walk keeps it, as the paper does.)"]


def draw(graph: Graph, decimals: int | None) -> Any:
    """Leaf values: x, β, G, T uniform on [−1, 1], γ on [0.5, 1.5] (rounded to ``decimals``), ε = 1e-5."""
    import numpy as np
    def sample(rng: np.random.Generator) -> dict[str, Any]:
        out = {x.name: uniform(rng, x.shape, *((0.5, 1.5) if x.name == "gamma" else (-1.0, 1.0)), decimals)
               for x in graph.leaves}
        out["epsilon"] = np.full(graph.get("epsilon").shape, EPS)
        return out
    return sample


def document(cfg: Config) -> tuple[Derivation, Any]:
    """The derivation and its GraphDerivation."""
    graph = cfg.graph()
    d = derive_graph(graph, updates=False)
    title = f"Batch normalisation: forward and backward (batch of m = {cfg.m}, {cfg.d} feature{'s' * (cfg.d > 1)})"
    by_id = {s.id: s for s in d.steps}
    for key in INTERMEDIATE:  # the textbook's intermediate gradients are results too
        d.results[key] = Result(key, by_id[key].formula, meaning=f"∂L/∂{key[4:]}")
        d.variables[key] = key
    return Derivation(NAME, cfg.public(), d.steps, dict(d.results), dict(d.symbols), notes=notes(cfg), graph=graph,
                      title=title), d


def derive(options: dict[str, Any], given: dict[str, Any] | None = None, seed: int | None = None) -> Derivation:
    """The derivation; with ``given``/``seed`` every step also carries its number."""
    cfg = config(options)
    doc, d = document(cfg)
    if given is None and seed is None:
        return doc
    given = dict(given or {})
    values, drawn = leaf_values(doc.graph, given, seed or 0, draw(doc.graph, 2))
    drawn = [k for k in drawn if k != "epsilon"]
    doc.notes.append(value_note(given, drawn, seed or 0, "γ uniform on [0.5, 1.5], the rest on [−1, 1], 2 decimals")
                     + ("" if "epsilon" in given else f" ε = {EPS:g}."))
    return evaluate(doc, d, values)


def verify(options: dict[str, Any], seed: int = 0, backend: str = "numpy", points: int = 3) -> Verification:
    """∂L/∂x, ∂L/∂γ, ∂L/∂β against central differences, the NumPy engine, torch (F.batch_norm) and the compact
    closed form of ∂L/∂x, at the given sizes and two random other ones."""
    import numpy as np
    from derive.numcheck import torch_available, without_torch
    cfg = config(options)
    doc, _ = document(cfg)
    rng = np.random.default_rng(seed)
    checks: list[Check] = []
    sizes = [cfg] + [Config(int(rng.integers(2, 7)), int(rng.integers(1, 4)), cfg.loss) for _ in range(2)]
    for k, variant in enumerate(sizes):
        graph = variant.graph()
        d = derive_graph(graph, updates=False)
        found = verify_steps(graph, d, draw(graph, None), points, seed + k, torch_loss(variant), ["x", "gamma", "beta"])
        found.append(closed_form_check(graph, d, points, seed + k))
        checks += labelled(found, "" if k == 0 else f"at m={variant.m} d={variant.d}")
    notes = [f"{points} random points per size from seed {seed}: x, β, G, T uniform on [−1, 1], γ on [0.5, 1.5], "
             f"ε = {EPS:g}; sizes: the given ones, then two drawn at random (named in the parameter column).",
             "torch: F.batch_norm(x, None, None, γ, β, training=True, eps=ε).",
             "closed form: ∂L/∂x = (1/m) ⊘ s_B ⊙ (m ĝ − 𝟏𝟏ᵀ ĝ − x̂ ⊙ 𝟏𝟏ᵀ(ĝ ⊙ x̂)) with ĝ = ∂L/∂x̂, in NumPy."]
    if not torch_available():
        notes.append(without_torch("finite differences, the NumPy engine and the closed form only"))
    return Verification(doc, checks, metric=METRIC, notes=notes)


def closed_form_check(graph: Graph, d: Any, points: int, seed: int) -> Check:
    """The derived ∂L/∂x against the textbook's compact form, computed in NumPy from x̂, s_B and ∂L/∂x̂."""
    import numpy as np
    from derive.numcheck import rel_error
    program, rng, worst = Program(d.steps), np.random.default_rng(seed), 0.0
    m = graph.get("x").shape[0]
    for _ in range(points):
        env = program.run(draw(graph, None)(rng))
        gh, xh, s = env["dL_dxhat"], env["xhat"], env["s_B"]
        compact = (m * gh - gh.sum(axis=0) - xh * (gh * xh).sum(axis=0)) / (m * s)
        worst = max(worst, rel_error(env["dL_dx"], compact))
    return Check("x", worst, "closed form (1/(m s_B))(m ĝ − Σĝ − x̂ Σ ĝ⊙x̂), NumPy", 1e-9, points)


def torch_loss(cfg: Config) -> Any:
    """The same loss written with torch's F.batch_norm (an independent oracle for every gradient). Picklable (``derive.torch_losses``), for the torch worker."""
    from derive import torch_losses
    return torch_losses.of_config(torch_losses.batchnorm, cfg)
