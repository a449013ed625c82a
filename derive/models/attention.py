"""Scaled dot-product attention and multi-head attention, each defined once as a graph.

Rows are tokens: Q ∈ ℝ^{n×d_k} (n queries), K ∈ ℝ^{m×d_k}, V ∈ ℝ^{m×d_v} (m keys/values).

    S = Q Kᵀ/√d_k,   A = softmax(S + M) row by row (M = 0, or −∞ above the diagonal: causal),
    O = A V,         L = Σ G ⊙ O  (G a given upstream gradient ∂L/∂O)   or   L = ½‖O − T‖²

Multi-head (h heads, d_k = d_v = d_model/h, Q, K, V ∈ ℝ^{n×d_model}):

    head_i = Attention(Q W_i^Q, K W_i^K, V W_i^V),   O = [head_1, …, head_h] W^O
"""

from __future__ import annotations

import sympy as sp

from derive.graph import Graph, GraphBuilder, Var
from derive.ops.attention import causal_keep

LOSSES = ("upstream", "mse")


def _attend(g: GraphBuilder, Q: Var, K: Var, V: Var, causal: bool, tag: str = "") -> Var:
    """S, A and the output of one head; names get ``tag`` (``_1``) in multi-head graphs."""
    n, m, d_k = Q.shape[0], K.shape[0], Q.shape[1]
    S = g.let(f"S{tag}", g.apply("scaled_dot", Q, K, c=1 / sp.sqrt(d_k)), meaning=f"scores Q{tag} K{tag}ᵀ/√d_k")
    if causal:
        A = g.let(f"A{tag}", g.apply("masked_softmax", S, keep=causal_keep(n, m)),
                  meaning="attention weights, causal (row i sees keys j ≤ i)")
    else:
        A = g.let(f"A{tag}", g.apply("softmax", S), meaning="attention weights (each row sums to 1)")
    return A @ V


def _loss(g: GraphBuilder, O: Var, loss: str) -> Graph:
    if loss == "mse":
        T = g.target("T", O.shape, meaning="target output")
        return g.build(g.let("L", g.apply("half_sse", O, T), meaning="½‖O − T‖²"))
    G = g.const("G", O.shape, meaning="given upstream gradient ∂L/∂O")
    return g.build(g.let("L", g.apply("sum", G * O), meaning="Σ G ⊙ O (so ∂L/∂O = G)"))


def attention(n: int = 3, m: int = 3, d_k: int = 4, d_v: int = 2, causal: bool = False,
              loss: str = "upstream") -> Graph:
    """One head of scaled dot-product attention; ∂L/∂Q, ∂L/∂K, ∂L/∂V are derived (grad inputs)."""
    g = GraphBuilder("attention")
    Q = g.input("Q", (n, d_k), meaning="queries (one row per query)", grad=True)
    K = g.input("K", (m, d_k), meaning="keys (one row per key)", grad=True)
    V = g.input("V", (m, d_v), meaning="values (one row per key)", grad=True)
    O = g.let("O", _attend(g, Q, K, V, causal), meaning="output A V")
    return _loss(g, O, loss)


def multihead(n: int = 3, m: int = 3, d_model: int = 4, heads: int = 2, causal: bool = False,
              loss: str = "upstream") -> Graph:
    """Multi-head attention with per-head projections W_i^Q, W_i^K, W_i^V and the output W^O."""
    d_k = d_model // heads
    g = GraphBuilder("attention")
    Q = g.input("Q", (n, d_model), meaning="queries (one row per query)", grad=True)
    K = g.input("K", (m, d_model), meaning="keys (one row per key)", grad=True)
    V = g.input("V", (m, d_model), meaning="values (one row per key)", grad=True)
    W = {(i, c): g.param(f"W_{i}^{c}", (d_model, d_k), meaning=f"projection of head {i}'s {c}")
         for i in range(1, heads + 1) for c in "QKV"}
    WO = g.param("W^O", (heads * d_k, d_model), meaning="output projection")
    outs = []
    for i in range(1, heads + 1):
        Qi = g.let(f"Q_{i}", Q @ W[i, "Q"], meaning=f"queries of head {i}")
        Ki = g.let(f"K_{i}", K @ W[i, "K"], meaning=f"keys of head {i}")
        Vi = g.let(f"V_{i}", V @ W[i, "V"], meaning=f"values of head {i}")
        outs.append(g.let(f"head_{i}", _attend(g, Qi, Ki, Vi, causal, f"_{i}"), meaning=f"output of head {i}"))
    C = g.let("C", g.apply("concat", *outs, axis=1), meaning="[head_1, …, head_h]") if heads > 1 else outs[0]
    O = g.let("O", C @ WO, meaning="multi-head output [head_1, …, head_h] W^O")
    return _loss(g, O, loss)
