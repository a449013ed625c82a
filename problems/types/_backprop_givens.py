"""Givens of the ``backprop`` type: drawing, validation, statement and conventions."""

from __future__ import annotations

from typing import Any

import numpy as np

from problems.givens import GivenError
from problems.givens import choice, flag, matrix, number, vector
from problems.shared.random_givens import pick
from problems.shared.statement_text import mat, num, vec

VARIANTS = {
    "textbook": "the 2-2-2 sigmoid net given as w1…w8 with shared biases b1, b2 and E = (1/2)Σ(t − o)²",
    "sigmoid": "matrix givens W1, W2; sigmoid units; E = (1/2)Σ(t − o)²",
    "tanh": "matrix givens; tanh units; E = (1/2)Σ(t − o)²",
    "relu": "matrix givens; ReLU hidden units; softmax output with cross-entropy",
    "ce": "matrix givens; sigmoid hidden units; softmax output (sigmoid for one output) with cross-entropy",
}
GIVENS = {
    "x": "input vector", "t": "target vector (ce: one-hot, or 0/1 for one output)",
    "W1": "hidden × inputs weight matrix (or the textbook w1…w8 instead of W1, W2)",
    "W2": "outputs × hidden weight matrix",
    "b1": "hidden bias: a number (shared by the layer) or a vector", "b2": "output bias: a number or a vector",
    "lr": "learning rate η", "activation": "sigmoid, tanh or relu (default sigmoid)",
    "loss": "mse (E = (1/2)Σ(t − o)², default) or ce (softmax/sigmoid output with cross-entropy)",
    "update_biases": "true to update the biases too (default: false for shared scalar biases, true for vectors)",
    "i1, i2": "textbook names of the inputs (as in derive mlp): x = [i1, i2]",
    "t1, t2": "textbook names of the targets: t = [t1, t2]", "eta": "textbook name of the learning rate lr (η)",
}
ALIASES = {"x": ("i1", "i2"), "t": ("t1", "t2"), "lr": ("eta",)}  # derive mlp's textbook names
ORDER = {"easy": ["textbook", "sigmoid"], "exam": ["textbook", "sigmoid", "tanh", "ce"],
          "hard": ["textbook", "sigmoid", "tanh", "relu", "ce"]}
TEXTBOOK = [f"w{n}" for n in range(1, 9)]


def _grid(rng: np.random.Generator, step: float, lo: float, hi: float, shape: Any = None) -> Any:
    v = np.round(rng.integers(round(lo / step), round(hi / step) + 1, size=shape) * step, 2)
    return v.tolist() if shape is not None else float(v)


def draw(rng: np.random.Generator, difficulty: str, variant: str) -> dict[str, Any]:
    """One set of givens of ``variant``: weights in multiples of 0.1 (easy) or 0.05, targets the loss accepts."""
    step = 0.1 if difficulty == "easy" else 0.05
    lr = pick(rng, [0.1, 0.25, 0.5, 1.0])
    if variant == "textbook":
        g = {f"w{n}": _grid(rng, step, step, 0.95) for n in range(1, 9)}
        t = pick(rng, [[0.01, 0.99], [0.99, 0.01]]) if difficulty != "easy" else _grid(rng, 0.1, 0.1, 0.9, 2)
        return {**g, "x": _grid(rng, step, step, 1.0, 2), "t": t, "b1": _grid(rng, step, 0.0, 0.6),
                "b2": _grid(rng, step, 0.0, 0.6), "lr": lr, "update_biases": difficulty == "hard"}
    sizes = {"easy": ([2], [2], [1, 2]), "exam": ([2, 3], [2, 3], [1, 2]), "hard": ([2, 3], [3], [2, 3])}[difficulty]
    n_in, n_h, n_o = (pick(rng, s) for s in sizes)
    act = {"ce": "sigmoid"}.get(variant, variant)
    loss = "ce" if variant in ("ce", "relu") else "mse"
    lo = 0.0 if act == "sigmoid" else -1.0
    while True:
        x, W1 = _grid(rng, 0.1, lo, 1.0, n_in), _grid(rng, step, -1.0, 1.0, (n_h, n_in))
        if act != "relu" or np.any(np.array(W1) @ np.array(x) > 0.1):
            break
    if loss == "ce":
        t = np.eye(n_o)[pick(rng, list(range(n_o)))].tolist() if n_o > 1 else [float(pick(rng, [0, 1]))]
    else:
        t = _grid(rng, 0.1, lo if act == "tanh" else 0.0, 0.9 if act == "tanh" else 1.0, n_o)
    vec_bias = difficulty == "hard"
    b1 = _grid(rng, step, -0.5, 0.5, n_h) if vec_bias else _grid(rng, step, 0.0, 0.5)
    b2 = _grid(rng, step, -0.5, 0.5, n_o) if vec_bias else _grid(rng, step, 0.0, 0.5)
    return {"x": x, "t": t, "W1": W1, "b1": b1, "W2": _grid(rng, step, -1.0, 1.0, (n_o, n_h)), "b2": b2, "lr": lr,
            "activation": act, "loss": loss, "update_biases": vec_bias or bool(rng.integers(2) and difficulty == "exam")}


def _bias(g: dict[str, Any], key: str, n: int) -> Any:
    raw = g.get(key, 0.0)
    if isinstance(raw, list) or (isinstance(raw, str) and raw.strip().startswith("[")):
        return vector(g, key, (n, n))
    return number(g, key, default=0.0)


def textbook_names(g: dict[str, Any]) -> dict[str, Any]:
    """The givens with derive mlp's textbook names read as this type's: i1, i2 → x; t1, t2 → t;
    eta → lr (both names for one given, or a name without its partner, is a GivenError)."""
    g = dict(g)
    for key, names in ALIASES.items():
        present = [n for n in names if n in g]
        if not present:
            continue
        if key in g:
            raise GivenError(present[0], f"is the textbook name of '{key}': give one of them, not both")
        if len(present) != len(names):
            raise GivenError(next(n for n in names if n not in g), f"is needed with {', '.join(present)} (they make up '{key}')")
        values = [g.pop(n) for n in names]
        g[key] = values[0] if len(names) == 1 else values
    return g


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """Check shapes (W1 hidden × inputs, W2 outputs × hidden), biases, targets; canonical givens.

    derive mlp's textbook names are accepted too: i1, i2 for x, t1, t2 for t, eta for lr.
    """
    g = textbook_names(g)
    act = choice(g, "activation", ("sigmoid", "tanh", "relu"), default="sigmoid")
    loss = choice(g, "loss", ("mse", "ce"), default="mse")
    lr = number(g, "lr", 0.0, 10.0)
    if lr == 0:
        raise GivenError("lr", "a learning rate η > 0")
    if any(k in g for k in TEXTBOOK):
        out: dict[str, Any] = {k: number(g, k) for k in TEXTBOOK}
        out.update(x=vector(g, "x", (2, 2)), t=vector(g, "t", (2, 2)), b1=number(g, "b1", default=0.0), b2=number(g, "b2", default=0.0))
    else:
        x = vector(g, "x", (1, 8))
        W1 = matrix(g, "W1", rows=(1, 8), cols=(len(x), len(x)))
        W2 = matrix(g, "W2", rows=(1, 8), cols=(len(W1), len(W1)))
        out = {"x": x, "t": vector(g, "t", (len(W2), len(W2))), "W1": W1, "W2": W2,
               "b1": _bias(g, "b1", len(W1)), "b2": _bias(g, "b2", len(W2))}
    t = np.array(out["t"])
    if loss == "ce" and (np.any(t < 0) or np.any(t > 1) or (len(t) > 1 and abs(t.sum() - 1) > 1e-9)):
        raise GivenError("t", "cross-entropy needs targets in [0, 1] that sum to 1 (one-hot)")
    vector_bias = isinstance(out["b1"], list) or isinstance(out["b2"], list)
    out.update(lr=lr, activation=act, loss=loss, update_biases=flag(g, "update_biases", vector_bias))
    return out


def params(g: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, Any, Any]:
    """(W1, W2, b1, b2) as arrays; biases stay scalars when shared."""
    if "w1" in g:
        w = [g[k] for k in TEXTBOOK]
        W1, W2 = np.array(w[:4]).reshape(2, 2), np.array(w[4:]).reshape(2, 2)
    else:
        W1, W2 = np.array(g["W1"]), np.array(g["W2"])
    b1, b2 = (np.array(b) if isinstance(b, list) else b for b in (g["b1"], g["b2"]))
    return W1, W2, b1, b2


def out_text(g: dict[str, Any]) -> str:
    """The output unit as a formula."""
    if g["loss"] == "ce":
        return "softmax(net_o)" if len(g["t"]) > 1 else "σ(net_o)"
    return f"{g['activation']}(net_o)"


def error_text(g: dict[str, Any]) -> str:
    """The error function as a formula."""
    if g["loss"] == "ce":
        return "−Σ t ln o" if len(g["t"]) > 1 else "−[t ln o + (1 − t) ln(1 − o)]"
    return "(1/2) Σ (t − o)²"


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    upd = "weights and biases" if g["update_biases"] else "weights (biases stay fixed)"
    task = (f"With η = {num(g['lr'])}, do one backpropagation step: the forward pass, the error E, the output and hidden "
            f"deltas, the gradients and the updated {upd}.")
    if "w1" in g:
        ws = ", ".join(f"{k} = {num(g[k])}" for k in TEXTBOOK)
        return (f"A 2-2-2 network of {g['activation']} units has inputs i1 = {num(g['x'][0])}, i2 = {num(g['x'][1])}, weights "
                f"{ws} (w1, w2 into h1; w3, w4 into h2; w5, w6 into o1; w7, w8 into o2), shared biases b1 = {num(g['b1'])} "
                f"(hidden) and b2 = {num(g['b2'])} (output), and targets t = {vec(g['t'])}. " + task)
    sizes = f"{len(g['x'])}-{len(g['W1'])}-{len(g['W2'])}"
    b = {k: (vec(v) if isinstance(v, list) else num(v)) for k, v in (("b1", g["b1"]), ("b2", g["b2"]))}
    return (f"A {sizes} network has {g['activation']} hidden units and {out_text(g).replace('(net_o)', '')} outputs. "
            f"W1 = {mat(g['W1'])}, b1 = {b['b1']}, W2 = {mat(g['W2'])}, b2 = {b['b2']}. For x = {vec(g['x'])} and "
            f"target t = {vec(g['t'])}: " + task)


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    out = ["E = (1/2) Σ_k (t_k − o_k)², so ∂E/∂o = o − t." if g["loss"] == "mse" else
           "Cross-entropy with softmax outputs (one output: sigmoid with binary cross-entropy), so δ_o = o − t.",
           "W1 is hidden × inputs (net_h = W1 x + b1); W2 is outputs × hidden. δ = ∂E/∂net.",
           "All gradients use the old weights; then every weight is updated: w ← w − η ∂E/∂w."]
    if g["update_biases"]:
        out.append("Biases are updated too; a shared (scalar) bias gets the sum of its layer's deltas.")
    if g["activation"] == "relu":
        out.append("ReLU′(0) = 0.")
    return out
