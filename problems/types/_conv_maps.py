"""conv variants on one feature map: cross-correlation and pooling (SYLLABUS §5).

Equations::

    Y[i, j] = Σ_{u,v} X_pad[iS + u, jS + v] K[u, v] + b      (cross-correlation; no kernel flip)
    max/avg/min pool over F×F windows at stride S; global pools over the whole map; flatten = H·W·C
"""

from __future__ import annotations

from typing import Any

import numpy as np

from problems.givens import GivenError
from problems.givens import integer, matrix, number
from problems.shared.random_givens import pick
from problems.shared.statement_text import mat_g, num_g
from problems.types._conv_output_size import out_size, stride

EDGE = [[-1, -1, -1], [0, 0, 0], [1, 1, 1]]


# --- correlate --------------------------------------------------------------------------------

def gen_correlate(rng: np.random.Generator, d: str) -> dict[str, Any]:
    """Small integer image and kernel (often the edge filter at exam); padding/stride at hard.

    Redrawn until the kernel is not symmetric under a 180° turn (so flipping it matters) and
    the feature map has both signs (so ReLU matters).
    """
    n, f = {"easy": (4, 2), "exam": (5, 3), "hard": (pick(rng, [5, 6]), 3)}[d]
    P, S = (0, 1) if d != "hard" else pick(rng, [(1, 1), (0, 2), (1, 2)])
    b = 0.0 if d == "easy" else pick(rng, [0.0, 1.0, -1.0, 0.5, -2.0])
    while True:
        X = rng.integers(0, 6 if d == "easy" else 10, size=(n, n))
        K = np.array(EDGE) if d == "exam" and rng.random() < 0.4 else rng.integers(-1, 2, size=(f, f))
        K = K.T if rng.random() < 0.5 else K
        Y = correlate(X, K, P, S) + b
        if (K != K[::-1, ::-1]).any() and Y.min() < 0 < Y.max():
            return {"X": X.tolist(), "K": K.tolist(), "b": b, "P": P, "S": S}


def val_correlate(g: dict[str, Any]) -> dict[str, Any]:
    """Check the givens of the correlate variant; return them in canonical form."""
    S = stride(g)
    X = matrix(g, "X", rows=(2, 12), cols=(2, 12))
    K = matrix(g, "K", rows=(1, 7), cols=(1, 7))
    P = integer(g, "P", 0, 3, default=0)
    if len(X) != len(X[0]) or len(K) != len(K[0]):
        raise GivenError("X" if len(X) != len(X[0]) else "K", "expected a square matrix")
    if len(K) > len(X) + 2 * P:
        raise GivenError("K", "the kernel is larger than the padded input")
    return {"X": X, "K": K, "b": number(g, "b", -100, 100, default=0.0), "P": P, "S": S}


def say_correlate(g: dict[str, Any]) -> str:
    """The exercise text of the correlate variant."""
    return (f"Apply the kernel K = {mat_g(g['K'])} with bias b = {num_g(g['b'])}, padding P = {g['P']} and "
            f"stride S = {g['S']} to the input X = {mat_g(g['X'])} as a CNN layer does (cross-correlation). "
            "Give the output side, the feature map Y and the map after ReLU.")


def correlate(X: np.ndarray, K: np.ndarray, P: int, S: int) -> np.ndarray:
    """Y[i, j] = Σ_{u,v} X_pad[iS + u, jS + v] K[u, v]."""
    Xp, f = np.pad(X, P), len(K)
    n = (len(Xp) - f) // S + 1
    return np.array([[(Xp[i * S:i * S + f, j * S:j * S + f] * K).sum() for j in range(n)] for i in range(n)])


def solve_correlate(g: dict[str, Any], work: Any) -> None:
    """Every step of the correlate variant, each known mistake replayed where it happens."""
    X, K = np.array(g["X"], dtype=float), np.array(g["K"], dtype=float)
    work.put("size", "Output side", out_size(len(X), len(K), g["P"], g["S"], work), "⌊(N − F + 2P)/S⌋ + 1")
    kern = K[::-1, ::-1] if work.mistake("flipped") else K
    Y = correlate(X, kern, g["P"], g["S"]) + (0.0 if work.mistake("map-bias-omitted") else g["b"])
    Y = work.put("Y", "Feature map", Y, "Y_ij = Σ_uv X_(iS+u)(jS+v) K_uv + b",
                 because="slide K over X without flipping it")
    work.put("A", "Feature map after ReLU", np.maximum(Y, 0.0), "max(0, Y)", depends_on=("Y",))


def cross_correlate(g: dict[str, Any], torch: Any) -> dict[str, Any]:
    """Independent values of the correlate variant (tests only): torch when ``torch`` is given, else NumPy."""
    X, K, b, P, S = np.array(g["X"], dtype=float), np.array(g["K"], dtype=float), g["b"], g["P"], g["S"]
    if torch is not None:
        Y = torch.nn.functional.conv2d(torch.tensor(X)[None, None], torch.tensor(K)[None, None],
                                       torch.tensor([b], dtype=torch.float64), stride=S, padding=P)[0, 0].numpy()
    else:
        win = np.lib.stride_tricks.sliding_window_view(np.pad(X, P), K.shape)[::S, ::S]
        Y = np.einsum("ijuv,uv->ij", win, K) + b
    return {"size": Y.shape[0], "Y": Y.tolist(), "A": np.clip(Y, 0, None).tolist()}


# --- pool -------------------------------------------------------------------------------------

def gen_pool(rng: np.random.Generator, d: str) -> dict[str, Any]:
    """One channel of a C-channel map; overlapping or uneven windows at hard."""
    N, F, S = {"easy": (4, 2, 2), "exam": pick(rng, [(4, 2, 2), (6, 2, 2), (6, 3, 3)]),
               "hard": pick(rng, [(5, 2, 2), (5, 3, 2), (6, 3, 2), (7, 3, 2)])}[d]
    X = rng.integers(-5 if d == "hard" else 0, 10, size=(N, N))
    return {"X": X.tolist(), "F": F, "S": S, "C": pick(rng, [1, 3, 8, 16, 32])}


def val_pool(g: dict[str, Any]) -> dict[str, Any]:
    """Check the givens of the pool variant; return them in canonical form."""
    S = stride(g)
    X = matrix(g, "X", rows=(2, 12), cols=(2, 12))
    F = integer(g, "F", 1, len(X))
    if len(X) != len(X[0]):
        raise GivenError("X", "expected a square matrix")
    return {"X": X, "F": F, "S": S, "C": integer(g, "C", 1, 4096, default=1)}


def say_pool(g: dict[str, Any]) -> str:
    """The exercise text of the pool variant."""
    return (f"One channel of a {len(g['X'])}×{len(g['X'])}×{g['C']} feature map is X = {mat_g(g['X'])}. Pool it "
            f"with {g['F']}×{g['F']} windows at stride {g['S']}: output side, max, average and min pooling, "
            "global average and global max pooling, and the flattened size of the pooled map (all channels).")


def pool(X: np.ndarray, F: int, S: int, how: Any) -> np.ndarray:
    """how(window) over F×F windows at stride S (no padding)."""
    n = (len(X) - F) // S + 1
    return np.array([[how(X[i * S:i * S + F, j * S:j * S + F]) for j in range(n)] for i in range(n)])


def solve_pool(g: dict[str, Any], work: Any) -> None:
    """Every step of the pool variant, each known mistake replayed where it happens."""
    X, F = np.array(g["X"], dtype=float), g["F"]
    S = 1 if work.mistake("pool-stride-one") else g["S"]
    size = work.put("size", "Pooled side", out_size(len(X), F, 0, S, work), "⌊(N − F)/S⌋ + 1")
    work.put("max", "Max pooling", pool(X, F, S, np.max), "max over each window")
    avg = pool(X, F, S, lambda w: w.sum() / (F if work.mistake("avg-divisor") else F * F))
    work.put("avg", "Average pooling", avg, "(1/F²) Σ window")
    work.put("min", "Min pooling", pool(X, F, S, np.min), "min over each window")
    work.put("gap", "Global average pooling", X.mean(), "(1/N²) Σ X")
    work.put("gmp", "Global max pooling", X.max(), "max X")
    side = len(X) if work.mistake("flatten-unpooled") else size
    flat = side * side * (1 if work.mistake("flatten-no-channels") else g["C"])
    work.put("flat", "Flattened size of the pooled map", flat, "H·W·C", depends_on=("size",))


def cross_pool(g: dict[str, Any], torch: Any) -> dict[str, Any]:
    """Independent values of the pool variant (tests only): torch when ``torch`` is given, else NumPy."""
    X, F, S = np.array(g["X"], dtype=float), g["F"], g["S"]
    if torch is not None:
        t, fn = torch.tensor(X)[None, None], torch.nn.functional
        mx, av = fn.max_pool2d(t, F, S)[0, 0].numpy(), fn.avg_pool2d(t, F, S)[0, 0].numpy()
        mn, ga = -fn.max_pool2d(-t, F, S)[0, 0].numpy(), float(fn.adaptive_avg_pool2d(t, 1))
    else:
        win = np.lib.stride_tricks.sliding_window_view(X, (F, F))[::S, ::S]
        mx, av, mn, ga = win.max(axis=(2, 3)), win.mean(axis=(2, 3)), win.min(axis=(2, 3)), X.sum() / X.size
    return {"size": len(mx), "max": mx.tolist(), "avg": av.tolist(), "min": mn.tolist(), "gap": ga,
            "gmp": float(np.sort(X, axis=None)[-1]), "flat": mx.size * g["C"]}
