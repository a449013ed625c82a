"""The GRU unrolled over T steps, defined once as a graph spec, in three conventions.

course (default) and cho, concat form (split form: W_k [h; x] → W_kh h + W_kx x):

    z_t = σ(W_z [h_{t−1}; x_t] + b_z)            update gate
    r_t = σ(W_r [h_{t−1}; x_t] + b_r)            reset gate
    h̃_t = tanh(W_h [r_t ⊙ h_{t−1}; x_t] + b_h)   candidate (reset applied before the matrix)
    course: h_t = (𝟏 − z_t) ⊙ h_{t−1} + z_t ⊙ h̃_t      cho: h_t = z_t ⊙ h_{t−1} + (𝟏 − z_t) ⊙ h̃_t

pytorch (torch.nn.GRUCell exactly; split form, two biases per gate):

    r_t = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr),   z_t = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)
    n_t = h̃_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn))   (reset applied after the matrix)
    h_t = (𝟏 − z_t) ⊙ h̃_t + z_t ⊙ h_{t−1}

L = Σ_t ½‖h_t − y_t‖² (loss "sum") or ½‖h_T − y_T‖² (loss "last"). Node names: ``az1``, ``ar1``,
``ah1`` (pre-activations, adjoints δ_z1, δ_r1, δ_h1), ``z1``, ``r1``, ``htilde1``, ``h1``;
``rh1`` = r_1 ⊙ h_0 (course/cho), ``hn1`` = W_hn h_0 + b_hn (pytorch).
"""

from __future__ import annotations

from derive.graph import Graph, GraphBuilder, Var

FORMS = ("concat", "split")
CONVENTIONS = ("course", "cho", "pytorch")
LOSSES = ("sum", "last")
GATES = (("z", "update gate", "sigmoid"), ("r", "reset gate", "sigmoid"), ("h", "candidate", "tanh"))


def _course_params(g: GraphBuilder, form: str, n_h: int, n_x: int) -> dict[str, tuple[Var, ...]]:
    out = {}
    for k, what, _ in GATES:
        on = "[r_t ⊙ h_(t−1); x_t]" if k == "h" else "[h_(t−1); x_t]"
        if form == "concat":
            ws: tuple[Var, ...] = (g.param(f"W_{k}", (n_h, n_h + n_x), meaning=f"{what} weights on {on}"),)
        else:
            first = "r_t ⊙ h_(t−1)" if k == "h" else "h_(t−1)"
            ws = (g.param(f"W_{k}h", (n_h, n_h), meaning=f"{what} weights W_{k}^h on {first}"),
                  g.param(f"W_{k}x", (n_h, n_x), meaning=f"{what} weights W_{k}^x on x_t"))
        out[k] = (*ws, g.param(f"b_{k}", (n_h, 1), meaning=f"{what} bias"))
    return out


def _pytorch_params(g: GraphBuilder, n_h: int, n_x: int) -> dict[str, Var]:
    out = {}
    for k, what in (("r", "reset gate"), ("z", "update gate"), ("n", "candidate")):
        out[f"W_i{k}"] = g.param(f"W_i{k}", (n_h, n_x), meaning=f"{what} input weights (weight_ih block)")
        out[f"W_h{k}"] = g.param(f"W_h{k}", (n_h, n_h), meaning=f"{what} recurrent weights (weight_hh block)")
        out[f"b_i{k}"] = g.param(f"b_i{k}", (n_h, 1), meaning=f"{what} input bias (bias_ih block)")
        out[f"b_h{k}"] = g.param(f"b_h{k}", (n_h, 1), meaning=f"{what} recurrent bias (bias_hh block)")
    return out


def _gate(g: GraphBuilder, k: str, t: int, pre: Var, act: str, what: str, name: str) -> Var:
    a = g.let(f"a{k}{t}", pre, meaning=f"{what} pre-activation a^{k}_{t}", adjoint=f"delta_{k}{t}")
    return g.let(f"{name}{t}", g.apply(act, a), meaning=f"{what} {name}_{t}", inline=True)


def _course_step(g: GraphBuilder, P: dict[str, tuple[Var, ...]], form: str, t: int, h: Var, x: Var) -> dict[str, Var]:
    hx = (g.let(f"hx{t}", g.apply("concat", h, x, axis=0), meaning=f"[h_{t - 1}; x_{t}] stacked")
          if form == "concat" else None)

    def pre(k: str, first: Var, stacked: Var | None) -> Var:
        return P[k][0] @ stacked + P[k][1] if form == "concat" else P[k][0] @ first + P[k][1] @ x + P[k][2]
    z = _gate(g, "z", t, pre("z", h, hx), "sigmoid", "update gate", "z")
    r = _gate(g, "r", t, pre("r", h, hx), "sigmoid", "reset gate", "r")
    rh = g.let(f"rh{t}", r * h, meaning=f"reset hidden state r_{t} ⊙ h_{t - 1}")
    rhx = g.let(f"rhx{t}", g.apply("concat", rh, x, axis=0), meaning=f"[r_{t} ⊙ h_{t - 1}; x_{t}] stacked") \
        if form == "concat" else None
    return {"z": z, "htilde": _gate(g, "h", t, pre("h", rh, rhx), "tanh", "candidate", "htilde")}


def _pytorch_step(g: GraphBuilder, P: dict[str, Var], t: int, h: Var, x: Var) -> dict[str, Var]:
    r = _gate(g, "r", t, P["W_ir"] @ x + P["b_ir"] + P["W_hr"] @ h + P["b_hr"], "sigmoid", "reset gate", "r")
    z = _gate(g, "z", t, P["W_iz"] @ x + P["b_iz"] + P["W_hz"] @ h + P["b_hz"], "sigmoid", "update gate", "z")
    hn = g.let(f"hn{t}", P["W_hn"] @ h + P["b_hn"], meaning=f"recurrent part of the candidate W_hn h_{t - 1} + b_hn")
    pre = P["W_in"] @ x + P["b_in"] + r * hn
    return {"z": z, "htilde": _gate(g, "h", t, pre, "tanh", "candidate (PyTorch's n)", "htilde")}


def gru(T: int = 1, n_h: int = 2, n_x: int = 2, form: str = "concat", convention: str = "course",
        loss: str = "sum") -> Graph:
    """The GRU over ``T`` steps; h_0 is an input whose gradient is derived too. The pytorch
    convention has no concat form (its reset gate acts after the matrix)."""
    if convention == "pytorch" and form != "split":
        raise ValueError("the pytorch convention exists in split form only")
    g = GraphBuilder("gru")
    h = g.input("h0", (n_h, 1), meaning="previous hidden state h_0", grad=True)
    xs = [g.input(f"x{t}", (n_x, 1), meaning=f"input x_{t}") for t in range(1, T + 1)]
    scored = range(1, T + 1) if loss == "sum" else (T,)
    ys = {t: g.target(f"y{t}", (n_h, 1), meaning=f"target of h_{t}") for t in scored}
    P = _pytorch_params(g, n_h, n_x) if convention == "pytorch" else _course_params(g, form, n_h, n_x)
    total = None
    for t in range(1, T + 1):
        x = xs[t - 1]
        s = _pytorch_step(g, P, t, h, x) if convention == "pytorch" else _course_step(g, P, form, t, h, x)
        keep = g.apply("one_minus", s["z"])
        if convention == "course":
            new = keep * h + s["z"] * s["htilde"]
        elif convention == "cho":
            new = s["z"] * h + keep * s["htilde"]
        else:
            new = keep * s["htilde"] + s["z"] * h
        h = g.let(f"h{t}", new, meaning=f"hidden state h_{t}")
        if t in ys:
            term = g.apply("half_sse", h, ys[t])
            total = term if total is None else total + term
    what = "Σ_t ½‖h_t − y_t‖²" if loss == "sum" else f"½‖h_{T} − y_{T}‖²"
    return g.build(g.let("L", total, meaning=f"loss {what}"))
