"""The LSTM unrolled over T steps, defined once as a graph spec, in either weight form.

    concat form:  a^f_t = W_f [h_{t−1}; x_t] + b_f          (W_f ∈ ℝ^{n_h×(n_h+n_x)})
    split form:   a^f_t = W_fh h_{t−1} + W_fx x_t + b_f      (W_f^h ∈ ℝ^{n_h×n_h}, W_f^x ∈ ℝ^{n_h×n_x})

and likewise for the input gate i, the candidate c̃ and the output gate o:

    f_t = σ(a^f_t),  i_t = σ(a^i_t),  c̃_t = tanh(a^c_t),  o_t = σ(a^o_t)
    c_t = f_t ⊙ c_{t−1} + i_t ⊙ c̃_t,   h_t = o_t ⊙ tanh(c_t)
    L = Σ_t ½‖h_t − y_t‖²   (loss "sum")   or   ½‖h_T − y_T‖²   (loss "last")

Node names: gate pre-activations ``af1``, ``ai1``, ``ac1``, ``ao1`` (adjoints δ_f1, …), gates
``f1``, ``i1``, ``ctilde1``, ``o1``, cell ``c1``, state ``h1``; the concatenation ``hx1``.
"""

from __future__ import annotations

from derive.graph import Graph, GraphBuilder, Var

FORMS = ("concat", "split")
LOSSES = ("sum", "last")
GATES = (("f", "forget gate", "sigmoid", "f"), ("i", "input gate", "sigmoid", "i"),
         ("c", "candidate cell", "tanh", "ctilde"), ("o", "output gate", "sigmoid", "o"))
SHOWN = {"f": "f", "i": "i", "c": "c̃", "o": "o"}


def _weights(g: GraphBuilder, form: str, n_h: int, n_x: int) -> dict[str, tuple[Var, ...]]:
    """Per gate: (W_k,) in concat form or (W_kh, W_kx) in split form; and b_k."""
    out = {}
    for k, what, _, _ in GATES:
        if form == "concat":
            ws: tuple[Var, ...] = (g.param(f"W_{k}", (n_h, n_h + n_x), meaning=f"{what} weights on [h_(t−1); x_t]"),)
        else:
            ws = (g.param(f"W_{k}h", (n_h, n_h), meaning=f"{what} weights W_{k}^h on h_(t−1)"),
                  g.param(f"W_{k}x", (n_h, n_x), meaning=f"{what} weights W_{k}^x on x_t"))
        out[k] = (*ws, g.param(f"b_{k}", (n_h, 1), meaning=f"{what} bias"))
    return out


def lstm(T: int = 1, n_h: int = 2, n_x: int = 2, form: str = "concat", loss: str = "sum") -> Graph:
    """The LSTM over ``T`` steps; h_0 and c_0 are inputs whose gradients are derived too."""
    g = GraphBuilder("lstm")
    h = g.input("h0", (n_h, 1), meaning="previous hidden state h_0", grad=True)
    c = g.input("c0", (n_h, 1), meaning="previous cell state c_0", grad=True)
    xs = [g.input(f"x{t}", (n_x, 1), meaning=f"input x_{t}") for t in range(1, T + 1)]
    scored = range(1, T + 1) if loss == "sum" else (T,)
    ys = {t: g.target(f"y{t}", (n_h, 1), meaning=f"target of h_{t}") for t in scored}
    W = _weights(g, form, n_h, n_x)
    total = None
    for t in range(1, T + 1):
        hx = g.let(f"hx{t}", g.apply("concat", h, xs[t - 1], axis=0), meaning=f"[h_{t - 1}; x_{t}] stacked") \
            if form == "concat" else None
        gate = {}
        for k, what, act, name in GATES:
            if form == "concat":
                pre = W[k][0] @ hx + W[k][1]
            else:
                pre = W[k][0] @ h + W[k][1] @ xs[t - 1] + W[k][2]
            a = g.let(f"a{k}{t}", pre, meaning=f"{what} pre-activation a^{k}_{t}", adjoint=f"delta_{k}{t}")
            gate[k] = g.let(f"{name}{t}", g.apply(act, a), meaning=f"{what} {SHOWN[k]}_{t}", inline=True)
        c = g.let(f"c{t}", gate["f"] * c + gate["i"] * gate["c"], meaning=f"cell state c_{t}")
        h = g.let(f"h{t}", gate["o"] * g.apply("tanh", c), meaning=f"hidden state h_{t}")
        if t in ys:
            term = g.apply("half_sse", h, ys[t])
            total = term if total is None else total + term
    what = "Σ_t ½‖h_t − y_t‖²" if loss == "sum" else f"½‖h_{T} − y_{T}‖²"
    return g.build(g.let("L", total, meaning=f"loss {what}"))
