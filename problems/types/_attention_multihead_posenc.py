"""attention variants multihead (shapes, parameters) and posenc (sinusoidal encoding) (§8).

Equations::

    d_k = d_model / h;  Q_i = X W_i^Q with X (n × d_model), W_i^Q (d_model × d_k) → (n × d_k)
    scores_i = Q_i K_iᵀ (n × n);  head_i (n × d_k);  Concat(head_1 … head_h) (n × d_model)
    parameters: W^Q, W^K, W^V, W^O, each d_model × d_model plus a bias → 4(d_model² + d_model)
    PE(pos, 2i) = sin(pos / 10000^{2i/d}),  PE(pos, 2i + 1) = cos(pos / 10000^{2i/d})
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import integer
from problems.shared.random_givens import pick

STEPS = [
    StepSpec("dk", "Per-head dimension d_k", "integer", None, "d_model / h"),
    StepSpec("wq-shape", "Shape of one head's W_i^Q", "vector", None, "[d_model, d_k]"),
    StepSpec("q-shape", "Shape of one head's Q_i", "vector", None, "[n, d_k]"),
    StepSpec("scores-shape", "Shape of one head's scores", "vector", None, "[n, n]"),
    StepSpec("concat-shape", "Shape of Concat(head_1 … head_h)", "vector", None, "[n, h·d_k]"),
    StepSpec("params", "Parameters of the multi-head layer (with biases)", "integer", None, "4(d_model² + d_model)"),
    StepSpec("denom", "Divisors 10000^{2i/d}, i = 0 … d/2 − 1", "vector", 2, "10000^{2i/d}"),
    StepSpec("angle", "Angles pos / 10000^{2i/d} (radians)", "vector", 4, "pos / 10000^{2i/d}"),
    StepSpec("pe", "Encoding vector PE(pos, ·)", "vector", 4, "sin at even, cos at odd components"),
]
MH_MISTAKES = {
    "dk-not-divided": "d_k taken as d_model: each head works in d_model / h dimensions",
    "scores-shape-dk": "score matrix given as n × d_k: QKᵀ is n × n (one score per query–key pair)",
    "wo-forgotten": "output projection W^O left out of the count: 3(d_model² + d_model)",
    "bias-forgotten": "biases left out of the count: 4·d_model²",
}
PE_MISTAKES = {
    "pair-index": "exponent i/d used: the divisor is 10000^{2i/d}",
    "degrees": "sine and cosine taken in degrees: the angles are radians",
    "sin-cos-swapped": "cos at even and sin at odd components: PE(pos, 2i) is the sine",
}


def gen_multihead(rng: np.random.Generator, d: str) -> dict[str, Any]:
    """Hand-sized givens of the multihead variant for difficulty ``d``."""
    dm, h = pick(rng, {"easy": [(8, 2), (16, 4), (12, 3)], "exam": [(64, 8), (128, 4), (96, 6), (32, 4)],
                       "hard": [(512, 8), (256, 16), (768, 12), (384, 6)]}[d])
    return {"d_model": dm, "heads": h, "n": pick(rng, [3, 4, 5, 10, 20])}


def val_multihead(g: dict[str, Any]) -> dict[str, Any]:
    """Check the givens of the multihead variant; return them in canonical form."""
    dm, h = integer(g, "d_model", 1, 8192), integer(g, "heads", 1, 256)
    if dm % h:
        raise GivenError("heads", f"must divide d_model = {dm} (d_k = d_model / h)")
    return {"d_model": dm, "heads": h, "n": integer(g, "n", 1, 10_000)}


def say_multihead(g: dict[str, Any]) -> str:
    """The exercise text of the multihead variant."""
    return (f"Multi-head self-attention with d_model = {g['d_model']} and h = {g['heads']} heads runs on a sequence of "
            f"n = {g['n']} tokens (X is n × d_model). Give d_k, the shapes of W_i^Q, Q_i, the score matrix of one head "
            "and the concatenated heads, and the number of parameters (W^Q, W^K, W^V, W^O with biases).")


def solve_multihead(g: dict[str, Any], work: Any) -> None:
    """Every step of the multihead variant, each known mistake replayed where it happens."""
    dm, h, n = g["d_model"], g["heads"], g["n"]
    dk = work.put("dk", "d_k = d_model / h", dm if work.mistake("dk-not-divided") else dm // h, "d_model / h",
                  because=f"{dm} / {h}")
    work.put("wq-shape", "Shape of W_i^Q", [dm, dk], "[d_model, d_k]", depends_on=("dk",))
    work.put("q-shape", "Shape of Q_i = X W_i^Q", [n, dk], "[n, d_k]", depends_on=("dk",))
    work.put("scores-shape", "Shape of Q_i K_iᵀ", [n, dk] if work.mistake("scores-shape-dk") else [n, n], "[n, n]")
    work.put("concat-shape", "Shape of the concatenated heads", [n, h * dk], "[n, h·d_k]", depends_on=("dk",))
    per = dm * dm + (0 if work.mistake("bias-forgotten") else dm)
    work.put("params", "Parameters", (3 if work.mistake("wo-forgotten") else 4) * per, "4(d_model² + d_model)",
             because=f"4·({dm}² + {dm})")


def cross_multihead(g: dict[str, Any], torch: Any) -> dict[str, Any]:
    """torch nn.MultiheadAttention: its head_dim, attention-weight shape, output shape and size."""
    dm, h, n = g["d_model"], g["heads"], g["n"]
    if torch is None:
        return {"dk": dm // h, "wq-shape": list(np.zeros((dm, dm))[:, : dm // h].shape), "q-shape": [n, dm // h],
                "scores-shape": [n, n], "concat-shape": [n, dm], "params": 4 * np.zeros((dm + 1, dm)).size}
    mha = torch.nn.MultiheadAttention(dm, h, batch_first=True)
    x = torch.zeros(1, n, dm)
    with torch.no_grad():
        out, w = mha(x, x, x, need_weights=True, average_attn_weights=False)
    wq = mha.in_proj_weight[:dm].reshape(h, mha.head_dim, dm)[0].T
    return {"dk": mha.head_dim, "wq-shape": list(wq.shape), "q-shape": [n, (x[0] @ wq).shape[1]],
            "scores-shape": list(w.shape[2:]), "concat-shape": list(out.shape[1:]),
            "params": sum(p.numel() for p in mha.parameters())}


def gen_posenc(rng: np.random.Generator, d: str) -> dict[str, Any]:
    """Hand-sized givens of the posenc variant for difficulty ``d``."""
    return {"pos": int(rng.integers(1, 11)), "d": pick(rng, {"easy": [4], "exam": [4, 6, 8], "hard": [6, 8, 10]}[d])}


def val_posenc(g: dict[str, Any]) -> dict[str, Any]:
    """Check the givens of the posenc variant; return them in canonical form."""
    d = integer(g, "d", 2, 64)
    if d % 2:
        raise GivenError("d", "the model dimension d must be even (sin/cos pairs)")
    return {"pos": integer(g, "pos", 0, 10_000), "d": d}


def say_posenc(g: dict[str, Any]) -> str:
    """The exercise text of the posenc variant."""
    return (f"Compute the sinusoidal positional encoding of position pos = {g['pos']} for d = {g['d']}: the divisors "
            "10000^{2i/d}, the angles (radians) and the vector PE(pos, ·).")


def solve_posenc(g: dict[str, Any], work: Any) -> None:
    """Every step of the posenc variant, each known mistake replayed where it happens."""
    pos, d = g["pos"], g["d"]
    i = np.arange(d // 2)
    denom = work.put("denom", "Divisors 10000^{2i/d}", 10000.0 ** ((i if work.mistake("pair-index") else 2 * i) / d), "10000^{2i/d}")
    ang = work.put("angle", "Angles", pos / np.asarray(denom, dtype=float), "pos / 10000^{2i/d}", depends_on=("denom",))
    ang = np.asarray(ang, dtype=float) * (math.pi / 180 if work.mistake("degrees") else 1.0)
    pe = np.empty(d)
    first, second = (np.cos, np.sin) if work.mistake("sin-cos-swapped") else (np.sin, np.cos)
    pe[0::2], pe[1::2] = first(ang), second(ang)
    work.put("pe", f"PE({pos}, ·)", pe, "[sin(angle_0), cos(angle_0), sin(angle_1), …]", depends_on=("angle",))


def cross_posenc(g: dict[str, Any], torch: Any) -> dict[str, Any]:
    """The usual implementation: exp(−2i·ln 10000 / d) as the frequency."""
    pos, d = g["pos"], g["d"]
    freq = np.exp(-np.arange(0, d, 2) * math.log(10000.0) / d)
    pe = np.zeros(d)
    pe[0::2], pe[1::2] = np.sin(pos * freq), np.cos(pos * freq)
    return {"denom": (1 / freq).tolist(), "angle": (pos * freq).tolist(), "pe": pe.tolist()}
