"""The vanilla (Elman) RNN unrolled over T steps, defined once as a graph spec.

    a_t = W_hh h_{t−1} + W_xh x_t + b_h,   h_t = f(a_t)   (f = tanh by default; t = 1 … T)
    y_t = W_hy h_t + b_y
    L = Σ_t ½‖y_t − target_t‖²      (loss "sum")   or   L = ½‖y_T − target_T‖²   (loss "last")

Shapes: h_t ∈ ℝ^{n_h×1}, x_t ∈ ℝ^{n_x×1}, y_t ∈ ℝ^{n_y×1}; W_hh ∈ ℝ^{n_h×n_h},
W_xh ∈ ℝ^{n_h×n_x}, W_hy ∈ ℝ^{n_y×n_h}. The weights are shared by every step, so the reverse
walk sums their contributions over time (BPTT): ∂L/∂W_hh = Σ_t δ_t h_{t−1}ᵀ with δ_t = ∂L/∂a_t.
"""

from __future__ import annotations

from derive.graph import Graph, GraphBuilder

ACTIVATIONS = ("tanh", "sigmoid", "relu")
LOSSES = ("sum", "last")


def rnn(T: int = 3, n_h: int = 2, n_x: int = 2, n_y: int = 1, activation: str = "tanh", loss: str = "sum") -> Graph:
    """The RNN unrolled over ``T`` steps; h_0 is an input whose gradient is derived too."""
    g = GraphBuilder("rnn")
    h = g.input("h0", (n_h, 1), meaning="initial hidden state h_0", grad=True)
    xs = [g.input(f"x{t}", (n_x, 1), meaning=f"input x_{t}") for t in range(1, T + 1)]
    scored = range(1, T + 1) if loss == "sum" else (T,)
    targets = {t: g.target(f"target{t}", (n_y, 1), meaning=f"target of y_{t}") for t in scored}
    W_hh = g.param("W_hh", (n_h, n_h), meaning="recurrent weights h_{t−1} → h_t (shared over time)")
    W_xh = g.param("W_xh", (n_h, n_x), meaning="input weights x_t → h_t (shared over time)")
    b_h = g.param("b_h", (n_h, 1), meaning="hidden bias (shared over time)")
    W_hy = g.param("W_hy", (n_y, n_h), meaning="output weights h_t → y_t (shared over time)")
    b_y = g.param("b_y", (n_y, 1), meaning="output bias (shared over time)")
    total = None
    for t in range(1, T + 1):
        a = g.let(f"a{t}", W_hh @ h + W_xh @ xs[t - 1] + b_h, meaning=f"pre-activation a_{t}", adjoint=f"delta_{t}")
        h = g.let(f"h{t}", g.apply(activation, a), meaning=f"hidden state h_{t}", inline=True)
        if t in targets:
            y = g.let(f"y{t}", W_hy @ h + b_y, meaning=f"output y_{t}")
            term = g.apply("half_sse", y, targets[t])
            total = term if total is None else total + term
    what = "Σ_t ½‖y_t − target_t‖²" if loss == "sum" else f"½‖y_{T} − target_{T}‖²"
    return g.build(g.let("L", total, meaning=f"loss {what}"))
