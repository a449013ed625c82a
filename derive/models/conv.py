"""One convolution layer (cross-correlation, as deep-learning libraries compute it), as a graph.

2-D: X ∈ ℝ^{N×N}, K ∈ ℝ^{F×F}; 1-D: x ∈ ℝ^{1×N}, k ∈ ℝ^{1×F} (a signal is a row). With padding P and
stride S, X_p = pad_P(X) and

    Y = X_p ⋆_S K + b:   Y_ij = Σ_ab X_p[iS + a, jS + b] K_ab + b,   Y ∈ ℝ^{N_out×N_out} (1-D: 1×N_out)
    N_out = ⌊(N − F + 2P)/S⌋ + 1;    L = Σ G ⊙ Y  (G a given ∂L/∂Y)   or   L = ½‖Y − T‖²
"""

from __future__ import annotations

from derive.graph import Graph, GraphBuilder


def conv(dims: int = 2, n: int = 5, f: int = 3, stride: int = 1, padding: int = 0, loss: str = "upstream") -> Graph:
    """The layer's graph: ∂L/∂K, ∂L/∂b (parameters) and ∂L/∂X (input) are derived."""
    two = dims == 2
    xn, kn, yn = ("X", "K", "Y") if two else ("x", "k", "y")
    g = GraphBuilder("conv")
    X = g.input(xn, (n, n) if two else (1, n), meaning="input image" if two else "input signal (a row)", grad=True)
    K = g.param(kn, (f, f) if two else (1, f), meaning="kernel (filter)")
    b = g.param("b", (1, 1), meaning="bias (added to every output)")
    z = g.apply("correlate", X, K, stride=(stride, stride) if two else (1, stride),
                padding=(padding, padding) if two else (0, padding))
    Y = g.let(yn, z + b, meaning="feature map (cross-correlation plus bias)")
    if loss == "mse":
        T = g.target("T", Y.shape, meaning="target feature map")
        return g.build(g.let("L", g.apply("half_sse", Y, T), meaning=f"½‖{yn} − T‖²"))
    G = g.const("G", Y.shape, meaning=f"given upstream gradient ∂L/∂{yn}")
    return g.build(g.let("L", g.apply("sum", G * Y), meaning=f"Σ G ⊙ {yn} (so ∂L/∂{yn} = G)"))
