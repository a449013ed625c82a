"""An RNN-like chain over T steps: the engine's worked example and the benchmark's second axis.

    z_t = W h_{t−1} + U x_t + b,   h_t = f(z_t)   (t = 1 … T, h_0 given)
    L = Σ_t ½‖h_t − y_t‖²

W, U, b are shared by every step, so the reverse walk sums their contributions over time:
∂L/∂W = Σ_t δ_t h_{t−1}ᵀ with δ_t = ∂L/∂z_t (back-propagation through time).
"""

from __future__ import annotations

from derive.graph import Graph, GraphBuilder


def rnn_chain(T: int = 3, n_h: int = 2, n_x: int = 1, activation: str = "tanh") -> Graph:
    """The chain unrolled over ``T`` steps with hidden size ``n_h`` and input size ``n_x``."""
    g = GraphBuilder("rnn_chain")
    h = g.input("h0", (n_h, 1), meaning="initial hidden state")
    xs = [g.input(f"x{t}", (n_x, 1), meaning=f"input at step {t}") for t in range(1, T + 1)]
    ys = [g.target(f"y{t}", (n_h, 1), meaning=f"target at step {t}") for t in range(1, T + 1)]
    W = g.param("W", (n_h, n_h), meaning="recurrent weights (shared over time)")
    U = g.param("U", (n_h, n_x), meaning="input weights (shared over time)")
    b = g.param("b", (n_h, 1), meaning="bias (shared over time)")
    total = None
    for t in range(1, T + 1):
        z = g.let(f"z{t}", W @ h + U @ xs[t - 1] + b, meaning=f"pre-activation at step {t}", adjoint=f"delta_{t}")
        h = g.let(f"h{t}", g.apply(activation, z), meaning=f"hidden state at step {t}", inline=True)
        term = g.apply("half_sse", h, ys[t - 1])
        total = term if total is None else total + term
    return g.build(g.let("L", total, meaning="Σ_t ½‖h_t − y_t‖²"))
