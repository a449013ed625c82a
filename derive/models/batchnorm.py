"""Batch normalisation of a mini-batch, feature by feature, defined once as a graph.

Rows are examples: x ∈ ℝ^{m×d} (m examples, d features); every statistic is per feature (column):

    μ_B = (1/m) 𝟏ᵀ x,   σ_B² = (1/m) 𝟏ᵀ (x − 𝟏μ_B)∘²,   s_B = √(σ_B² + ε),
    x̂ = (x − 𝟏μ_B) ⊘ (𝟏 s_B),   y = x̂ ⊙ (𝟏γ) + 𝟏β,
    L = Σ G ⊙ y  (G a given upstream gradient ∂L/∂y)   or   L = ½‖y − T‖²

x − μ_B enters σ_B² and x̂ separately (as in Ioffe & Szegedy's derivation), so the reverse walk gives
∂L/∂μ_B its two terms and ∂L/∂x its three.
"""

from __future__ import annotations

import sympy as sp

from derive.graph import Graph, GraphBuilder


def batchnorm(m: int = 4, d: int = 3, loss: str = "upstream") -> Graph:
    """Training-mode batch norm of an m×d batch with γ, β ∈ ℝ^{1×d}; ∂L/∂x is derived too."""
    g = GraphBuilder("batchnorm")
    x = g.input("x", (m, d), meaning="mini-batch: one example per row, one feature per column", grad=True)
    gamma = g.param("gamma", (1, d), meaning="scale γ (one per feature)")
    beta = g.param("beta", (1, d), meaning="shift β (one per feature)")
    eps = g.const("epsilon", (1, d), meaning="ε, the same small number in every entry")
    mu = g.let("mu_B", g.apply("sum_axis", x, axis=0) * sp.Rational(1, m), meaning="batch mean μ_B = (1/m) Σ_i x_i")
    var = g.let("sigma_B^2", g.apply("sum_axis", g.apply("square", x - mu), axis=0) * sp.Rational(1, m),
                meaning="batch variance σ_B² = (1/m) Σ_i (x_i − μ_B)²")
    s = g.let("s_B", g.apply("sqrt", var + eps), meaning="√(σ_B² + ε)")
    xhat = g.let("xhat", g.apply("bdiv", x - mu, s), meaning="normalised x̂ = (x − μ_B)/√(σ_B² + ε)")
    y = g.let("y", g.apply("bmul", xhat, gamma) + beta, meaning="output y = γ x̂ + β")
    if loss == "mse":
        T = g.target("T", (m, d), meaning="target output")
        return g.build(g.let("L", g.apply("half_sse", y, T), meaning="½‖y − T‖²"))
    G = g.const("G", (m, d), meaning="given upstream gradient ∂L/∂y")
    return g.build(g.let("L", g.apply("sum", G * y), meaning="Σ G ⊙ y (so ∂L/∂y = G)"))
