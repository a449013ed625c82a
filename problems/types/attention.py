"""Scaled dot-product attention, causal mask, multi-head shapes, positional encoding (§8).

Equations::

    S = Q Kᵀ  (n × n)     Ŝ = S / √d_k     A = softmax_rows(Ŝ)  (each query's row sums to 1)
    causal mask: query i attends to keys j ≤ i only (Ŝ_ij = −∞ for j > i, so A_ij = 0)
    output = A V  (n × d_v)
Variants: scaled (Q, K, V; causal at hard), multihead (shapes and parameters), posenc.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import choice, matrix
from problems.shared.array_steps import arr
from problems.shared.clear_mistakes import distinct, this
from problems.shared.mistake_replay import other_mistake
from problems.shared.optional_torch import load_torch
from problems.shared.random_givens import pick, variant_of
from problems.shared.statement_text import mat_g
from problems.shared.unit_functions import softmax
from problems.types import _attention_multihead_posenc as X

NAME = "attention"
SUMMARY = "Attention: QKᵀ, /√d_k, row softmax (causal mask), AV; multi-head shapes and parameters; positional encoding"
SECTIONS = ("8",)
VARIANTS = {"scaled": "scores, scaled scores, weights and output for small Q, K, V",
            "multihead": "d_k and the shapes and parameter count of multi-head attention",
            "posenc": "sinusoidal positional-encoding values"}
_DRAW = {d: ["scaled", "scaled", "multihead", "posenc"] for d in ("easy", "exam", "hard")}
STEPS = [
    StepSpec("scores", "Scores QKᵀ", "matrix", 2, "S = Q Kᵀ"),
    StepSpec("scaled", "Scaled scores", "matrix", 3, "S / √d_k"),
    StepSpec("weights", "Attention weights (row softmax, masked)", "matrix", 3, "softmax over each row"),
    StepSpec("output", "Output", "matrix", 3, "A V"),
] + X.STEPS
GIVENS = {"variant": "scaled, multihead or posenc", "Q, K, V": "scaled: n × d_k, n × d_k, n × d_v (rows are tokens)",
          "mask": "scaled: none or causal", "d_model, heads, n": "multihead: model width, heads, tokens",
          "pos, d": "posenc: position and (even) model dimension"}
_SCALED = {
    "scores-transposed": "scores transposed: K Qᵀ instead of Q Kᵀ (row i must belong to query i)",
    "no-scaling": "scores not divided by √d_k",
    "scaled-by-dk": "scores divided by d_k instead of √d_k",
    "column-softmax": "softmax over the wrong axis: columns (queries) instead of rows (keys)",
    "mask-not-applied": "causal mask not applied: query i attended to later keys j > i",
    "mask-reversed": "mask on the wrong side: query i attended to keys j ≥ i instead of j ≤ i",
}
MISTAKES = _SCALED | X.MH_MISTAKES | X.PE_MISTAKES
_OWN = {"scaled": list(_SCALED), "multihead": list(X.MH_MISTAKES), "posenc": list(X.PE_MISTAKES)}
_IMPL = {"multihead": (X.gen_multihead, X.val_multihead, X.say_multihead, X.solve_multihead, X.cross_multihead),
         "posenc": (X.gen_posenc, X.val_posenc, X.say_posenc, X.solve_posenc, X.cross_posenc)}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Small integer Q, K (d_k = 4 at easy, so √d_k = 2) and V; a causal mask at hard."""
    v = variant_of(rng, variant, VARIANTS, _DRAW, difficulty)
    if v != "scaled":
        return {"variant": v} | _IMPL[v][0](rng, difficulty)
    n = 2 if difficulty == "easy" else 3
    dk = 4 if difficulty == "easy" else pick(rng, [2, 3, 4])
    while True:
        Q, K = rng.integers(-1, 3, size=(n, dk)), rng.integers(-1, 3, size=(n, dk))
        g = {"variant": v, "Q": Q.tolist(), "K": K.tolist(), "V": rng.integers(-2, 5, size=(n, pick(rng, [1, 2]))).tolist(),
             "mask": "causal" if difficulty == "hard" else "none"}
        S = Q @ K.T
        if (S != S.T).any() and np.ptp(S, axis=1).min() > 0 and distinct(this(__name__), g, _SCALED):
            return g


def validate(givens: dict[str, Any]) -> dict[str, Any]:
    """Shapes agree; canonical nested lists."""
    guess = "multihead" if "d_model" in givens else "posenc" if "pos" in givens else "scaled"
    v = choice(givens, "variant", VARIANTS, default=guess)
    if v != "scaled":
        return {"variant": v} | _IMPL[v][1](givens)
    Q = matrix(givens, "Q", rows=(1, 6), cols=(1, 8))
    K = matrix(givens, "K", rows=(1, 6), cols=(len(Q[0]),) * 2)
    V = matrix(givens, "V", rows=(len(K),) * 2, cols=(1, 8))
    mask = choice(givens, "mask", ("none", "causal"), default="none")
    if mask == "causal" and len(Q) != len(K):
        raise GivenError("mask", "a causal mask needs as many queries as keys (self-attention)")
    return {"variant": v, "Q": Q, "K": K, "V": V, "mask": mask}


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    if g["variant"] != "scaled":
        return _IMPL[g["variant"]][2](g)
    masked = " with a causal mask (token i sees tokens 1 … i only)" if g["mask"] == "causal" else ""
    return (f"Compute scaled dot-product attention{masked} for Q = {mat_g(g['Q'])}, K = {mat_g(g['K'])}, V = {mat_g(g['V'])} "
            "(one row per token): the scores QKᵀ, the scaled scores, the attention weights and the output.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    if g["variant"] == "posenc":
        return ["PE(pos, 2i) = sin(pos/10000^{2i/d}), PE(pos, 2i+1) = cos(pos/10000^{2i/d}); components counted from 0; radians."]
    if g["variant"] == "multihead":
        return ["Shapes are [rows, columns]; X is n × d_model; each of W^Q, W^K, W^V, W^O is d_model × d_model with a bias."]
    mask = ("Causal mask: entries j > i get −∞ before the softmax, hence weight 0." if g["mask"] == "causal"
            else "No mask: every query attends to every key.")
    return ["Attention(Q, K, V) = softmax(QKᵀ/√d_k) V; row i of QKᵀ belongs to query i; softmax over each row (the keys).",
            mask]


def solve(g: dict[str, Any], work: Any) -> None:
    """Every value a hand solution writes down, for the variant in ``g``."""
    if other_mistake(work, MISTAKES, _OWN[g["variant"]]):
        return None
    if g["variant"] != "scaled":
        return _IMPL[g["variant"]][3](g, work)
    Q, K, V = arr(g, "Q", "K", "V")
    dk = Q.shape[1]
    S = work.put("scores", "Scores QKᵀ", K @ Q.T if work.mistake("scores-transposed") else Q @ K.T, "Q Kᵀ")
    div = 1.0 if work.mistake("no-scaling") else dk if work.mistake("scaled-by-dk") else math.sqrt(dk)
    Sh = work.put("scaled", "Scaled scores", S / div, "S / √d_k", f"√{dk} = {math.sqrt(dk):.4g}", ("scores",))
    n, m = Sh.shape
    allowed = np.ones((n, m), dtype=bool)
    if g["mask"] == "causal" and not work.mistake("mask-not-applied"):
        allowed = np.triu(allowed) if work.mistake("mask-reversed") else np.tril(allowed)
    axis = 0 if work.mistake("column-softmax") else 1
    A = softmax(np.where(allowed, Sh, -np.inf), axis=axis)
    A = work.put("weights", "Attention weights", A, "softmax over each row" + (" (j ≤ i)" if g["mask"] == "causal" else ""),
                 depends_on=("scaled",))
    work.put("output", "Output A V", A @ V, "A V", depends_on=("weights",))
    return None


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch scaled_dot_product_attention (weights = attention
    applied to V = I), or a direct NumPy computation."""
    torch = load_torch()
    if g["variant"] != "scaled":
        return _IMPL[g["variant"]][4](g, torch)
    Q, K, V = arr(g, "Q", "K", "V")
    causal = g["mask"] == "causal"
    out = {"scores": np.einsum("id,jd->ij", Q, K).tolist(), "scaled": (np.einsum("id,jd->ij", Q, K) / Q.shape[1] ** 0.5).tolist()}
    if torch is not None:
        f = torch.nn.functional.scaled_dot_product_attention
        q, k = torch.tensor(Q)[None], torch.tensor(K)[None]
        A = f(q, k, torch.eye(len(K), dtype=torch.float64)[None], is_causal=causal)[0].numpy()
        O = f(q, k, torch.tensor(V)[None], is_causal=causal)[0].numpy()
    else:
        E = np.exp(np.einsum("id,jd->ij", Q, K) / np.sqrt(Q.shape[1])) * (np.tri(len(Q), len(K)) if causal else 1)
        A = E / E.sum(axis=1, keepdims=True)
        O = A @ V
    return out | {"weights": A.tolist(), "output": O.tolist()}


if __name__ == "__main__":
    from derive.printing import render
    from problems.engine import make_exercise
    print(render(make_exercise(__import__(__name__), 0, "hard", "scaled"), "text"))
