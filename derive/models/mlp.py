"""The fully connected net, defined once per form.

Scalar form (the textbook net with named weights), sizes I inputs, H hidden, K outputs:

    net_hj = Σ_i w_{(j−1)I+i} · i_i + b1          out_hj = f(net_hj)
    net_ok = Σ_j w_{HI+(k−1)H+j} · out_hj + b2    out_ok = f(net_ok)   (σ under cross-entropy)
    E_total = Σ_k ½(t_k − out_ok)²                (mse)
    E_total = −Σ_k [t_k ln out_ok + (1 − t_k) ln(1 − out_ok)]   (cross-entropy)

so for 2-2-2: w1, w2 into h1; w3, w4 into h2; w5, w6 into o1; w7, w8 into o2 (row by row).

Matrix form, sizes n_0 … n_L, column vectors:

    z_l = W_l a_{l−1} + b_l,  a_l = f(z_l)  (a_0 = x),   L = ½‖a_L − y‖²  or  BCE(σ(z_L), y)
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from derive.graph import Graph, GraphBuilder
from derive.notation import Chain, ChainSum
from derive.scalar_functions import relu, sigmoid

ACTIVATIONS = ("sigmoid", "tanh", "relu")
LOSSES = ("mse", "cross-entropy")
SCALAR_FUNCTIONS = {"sigmoid": sigmoid, "tanh": sp.tanh, "relu": relu}


def weight_number(layer: str, unit: int, source: int, inputs: int, hidden: int) -> int:
    """Number of the weight into ``unit`` (1-based) from ``source`` (1-based); numbered row by row."""
    return (unit - 1) * inputs + source if layer == "hidden" else hidden * inputs + (unit - 1) * hidden + source


def _loss(outputs: int, loss: str) -> tuple[Any, Any]:
    """E_total as (expression to differentiate, display in the course's order)."""
    o = [sp.Symbol(f"out_o{k}") for k in range(1, outputs + 1)]
    t = [sp.Symbol(f"t{k}") for k in range(1, outputs + 1)]
    half = sp.Rational(1, 2)
    if loss == "mse":
        expr = sum((half * (tk - ok) ** 2 for tk, ok in zip(t, o)), sp.Integer(0))
        parts = [Chain(half, ChainSum(tk, -ok) ** 2) for tk, ok in zip(t, o)]
    else:
        expr = -sum((tk * sp.log(ok) + (1 - tk) * sp.log(1 - ok) for tk, ok in zip(t, o)), sp.Integer(0))
        parts = [Chain(-1, ChainSum(Chain(tk, sp.log(ok)), Chain(ChainSum(1, -tk), sp.log(ChainSum(1, -ok)))))
                 for tk, ok in zip(t, o)]
    return expr, parts[0] if len(parts) == 1 else ChainSum(*parts)


def textbook_net(inputs: int = 2, hidden: int = 2, outputs: int = 2, activation: str = "sigmoid",
                 loss: str = "mse") -> Graph:
    """The scalar I-H-K net with weights w1…, shared biases b1 (hidden) and b2 (output)."""
    g = GraphBuilder("mlp")
    for i in range(1, inputs + 1):
        g.input(f"i{i}", meaning=f"input {i}")
    for k in range(1, outputs + 1):
        g.target(f"t{k}", meaning=f"target of output o{k}")
    for j in range(1, hidden + 1):
        for i in range(1, inputs + 1):
            g.param(f"w{weight_number('hidden', j, i, inputs, hidden)}", meaning=f"weight i{i} → h{j}")
    for k in range(1, outputs + 1):
        for j in range(1, hidden + 1):
            g.param(f"w{weight_number('output', k, j, inputs, hidden)}", meaning=f"weight h{j} → o{k}")
    g.param("b1", meaning="bias of every hidden unit (shared)")
    g.param("b2", meaning="bias of every output unit (shared)")
    _layer(g, "h", "i", "hidden", hidden, inputs, inputs, hidden, "b1", SCALAR_FUNCTIONS[activation])
    out_f = SCALAR_FUNCTIONS["sigmoid" if loss == "cross-entropy" else activation]
    _layer(g, "o", "out_h", "output", outputs, hidden, inputs, hidden, "b2", out_f)
    expr, display = _loss(outputs, loss)
    return g.build(g.formula("E_total", expr, meaning="total error", display=display))


def _layer(g: GraphBuilder, unit: str, src: str, layer: str, n_out: int, n_in: int, inputs: int, hidden: int,
           bias: str, f: Any) -> None:
    for j in range(1, n_out + 1):
        pairs = [(sp.Symbol(f"w{weight_number(layer, j, i, inputs, hidden)}"), sp.Symbol(f"{src}{i}"))
                 for i in range(1, n_in + 1)]
        net = sum((w * x for w, x in pairs), sp.Integer(0)) + sp.Symbol(bias)
        display = ChainSum(*(Chain(w, x) for w, x in pairs), sp.Symbol(bias))
        g.formula(f"net_{unit}{j}", net, meaning=f"net input of {unit}{j}", display=display)
        net_s = sp.Symbol(f"net_{unit}{j}")
        g.formula(f"out_{unit}{j}", f(net_s), meaning=f"output of {unit}{j}")


def layered_net(sizes: tuple[int, ...] = (2, 2, 2), activation: str = "sigmoid", loss: str = "mse") -> Graph:
    """The matrix-form net with layers W_l ∈ ℝ^{n_l×n_{l−1}}, b_l ∈ ℝ^{n_l×1}; δ_l = ∂L/∂z_l."""
    g = GraphBuilder("mlp")
    a = g.input("x", (sizes[0], 1), meaning="input vector a_0")
    y = g.target("y", (sizes[-1], 1), meaning="target vector")
    L = len(sizes) - 1
    for l in range(1, L + 1):
        W = g.param(f"W{l}", (sizes[l], sizes[l - 1]), meaning=f"weights of layer {l}")
        b = g.param(f"b{l}", (sizes[l], 1), meaning=f"biases of layer {l}")
        z = g.let(f"z{l}", W @ a + b, meaning=f"pre-activation of layer {l}", adjoint=f"delta_{l}")
        f = "sigmoid" if (l == L and loss == "cross-entropy") else activation
        a = g.let(f"a{l}", g.apply(f, z), meaning=f"activation of layer {l}", inline=True)
    if loss == "cross-entropy":
        return g.build(g.let("L", g.apply("sigmoid_bce", z, y), meaning="binary cross-entropy of σ(z_L)"))
    return g.build(g.let("L", g.apply("half_sse", a, y), meaning="squared error ½‖a_L − y‖²"))
