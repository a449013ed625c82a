"""Pieces of the ``birnn`` type: givens, generation, texts, the parameter count and the
independent cross-check (torch nn.RNN(bidirectional=True), or the reversed-sequence trick)."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from problems.givens import GivenError
from problems.givens import matrix, vector
from problems.shared.given_readers import one_unit
from problems.shared.optional_torch import load_torch
from problems.shared.random_givens import dec
from problems.shared.statement_text import mat, num
from problems.shared.tanh_recurrence import rnn_steps

GIVENS = {"Wxh_f, Whh_f, bh_f": "forward direction: H × D input weights, H × H recurrent weights, H biases (1 unit: numbers)",
          "Wxh_b, Whh_b, bh_b": "backward direction: the same shapes, its own values",
          "x": "inputs x_1 … x_T, one row each (a plain list for one input), T ≤ 5",
          "Wy, by": "optional output layer: O × 2H weights acting on [h→_t ; h←_t], and O biases"}
_MATS, _VECS = ("Wxh_f", "Whh_f", "Wxh_b", "Whh_b", "Wy"), ("bh_f", "bh_b", "by")


def draw(rng: np.random.Generator, difficulty: str, pick: Callable[..., Any]) -> dict[str, Any]:
    """One-decimal weights in [−1, 1], biases in [−0.5, 0.5]; see ``birnn.generate``."""
    H, D = (2, pick(rng, [1, 2])) if difficulty == "hard" else (1, 1)
    T = 2 if difficulty == "easy" else 3
    g: dict[str, Any] = {}
    for d in ("f", "b"):
        g |= {f"Wxh_{d}": dec(rng, (H, D), -1, 1, nonzero=True), f"Whh_{d}": dec(rng, (H, H), -1, 1, nonzero=True),
              f"bh_{d}": dec(rng, H, -0.5, 0.5)}
    g["x"] = dec(rng, (T, D), -1, 1, nonzero=True)
    if difficulty != "easy":
        g |= {"Wy": dec(rng, (1, 2 * H), -1, 1, nonzero=True), "by": dec(rng, 1, -0.5, 0.5)}
    return {k: v.tolist() for k, v in g.items()}


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """Shapes agree; returns canonical nested lists (x as T × D)."""
    g = one_unit(g, _MATS, _VECS)
    out: dict[str, Any] = {}
    for d in ("f", "b"):
        Whh = matrix(g, f"Whh_{d}", rows=(1, 4), cols=(1, 4))
        if len(Whh) != len(Whh[0]) or (d == "b" and len(Whh) != len(out["Whh_f"])):
            raise GivenError(f"Whh_{d}", "expected a square H × H matrix, the same H in both directions")
        H = len(Whh)
        Wxh = matrix(g, f"Wxh_{d}", rows=(H, H), cols=(1, 4) if d == "f" else (len(out["Wxh_f"][0]),) * 2)
        out |= {f"Wxh_{d}": Wxh, f"Whh_{d}": Whh, f"bh_{d}": vector(g, f"bh_{d}", (H, H))}
    H, D = len(out["Whh_f"]), len(out["Wxh_f"][0])
    g = one_unit(g, columns=["x"] if D == 1 else [])
    out["x"] = matrix(g, "x", rows=(1, 5), cols=(D, D))
    if g.get("Wy") is not None:
        Wy = matrix(g, "Wy", rows=(1, 4), cols=(2 * H, 2 * H))
        out |= {"Wy": Wy, "by": vector(g, "by", (len(Wy), len(Wy)), default=[0.0] * len(Wy))}
    return out


def _show(m: Any) -> str:
    return num(float(np.ravel(m)[0])) if np.size(m) == 1 else mat(np.atleast_2d(m))


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    T = len(g["x"])
    xs = ", ".join(_show(x) for x in g["x"])
    side = lambda d, arrow: (f"W{arrow}_xh = {_show(g[f'Wxh_{d}'])}, W{arrow}_hh = {_show(g[f'Whh_{d}'])}, "  # noqa: E731
                             f"b{arrow} = {_show(g[f'bh_{d}'])}")
    text = (f"A bidirectional tanh RNN reads x_1 … x_{T} = {xs}. Forward direction: {side('f', '→')}; backward direction: "
            f"{side('b', '←')}.")
    if "Wy" in g:
        text += f" The output is y_t = W_y h_t + b_y with W_y = {_show(g['Wy'])}, b_y = {_show(g['by'])}."
    return text + (f" Compute h→_t for t = 1 … {T}, h←_t for t = {T} … 1, h_t = [h→_t ; h←_t]" + (", y_t" if "Wy" in g else "")
                   + ", the length of h_t and the number of parameters.")


def weights(g: dict[str, Any], d: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(W_xh, W_hh, b) of direction ``d`` (f or b)."""
    return tuple(np.array(g[f"{k}_{d}"], dtype=float) for k in ("Wxh", "Whh", "bh"))  # type: ignore[return-value]


def cell(w: tuple[np.ndarray, np.ndarray, np.ndarray], x: np.ndarray, h: np.ndarray) -> np.ndarray:
    """tanh(W_xh x + W_hh h + b)."""
    return np.tanh(w[0] @ x + w[1] @ h + w[2])


def params(g: dict[str, Any], work: Any) -> int:
    """2[H(H + D) + H] (+ O(2H + 1)), with the counting slips being replayed."""
    H, D = len(g["Whh_f"]), len(g["Wxh_f"][0])
    per = H * (H + D) + (0 if work.mistake("params-bias-forgotten") else H)
    total = per if work.mistake("params-once") else 2 * per
    return total + (len(g["Wy"]) * (2 * H + 1) if "Wy" in g else 0)


def params_text(g: dict[str, Any]) -> str:
    """``2[1(1 + 1) + 1] + 1(2 + 1)``."""
    H, D = len(g["Whh_f"]), len(g["Wxh_f"][0])
    return f"2[{H}({H} + {D}) + {H}]" + (f" + {len(g['Wy'])}({2 * H} + 1)" if "Wy" in g else "")


def cross(g: dict[str, Any]) -> dict[str, Any]:
    """torch's bidirectional nn.RNN and nn.Linear, or a forward RNN over the reversed sequence."""
    torch, X = load_torch(), np.array(g["x"], dtype=float)
    H, T = len(g["Whh_f"]), len(X)
    val = lambda a: float(a[0]) if np.size(a) == 1 else np.asarray(a).tolist()  # noqa: E731
    if torch is not None:
        rnn = torch.nn.RNN(X.shape[1], H, bidirectional=True).double()
        with torch.no_grad():
            for suffix, d in (("", "f"), ("_reverse", "b")):
                getattr(rnn, f"weight_ih_l0{suffix}").copy_(torch.tensor(g[f"Wxh_{d}"], dtype=torch.float64))
                getattr(rnn, f"weight_hh_l0{suffix}").copy_(torch.tensor(g[f"Whh_{d}"], dtype=torch.float64))
                getattr(rnn, f"bias_ih_l0{suffix}").copy_(torch.tensor(g[f"bh_{d}"], dtype=torch.float64))
                getattr(rnn, f"bias_hh_l0{suffix}").zero_()
            out = rnn(torch.tensor(X[:, None, :]))[0][:, 0, :].numpy()
        count = sum(p.numel() for p in rnn.parameters()) - 2 * H  # PyTorch's second bias per direction
        if "Wy" in g:
            lin = torch.nn.Linear(2 * H, len(g["Wy"])).double()
            count += sum(p.numel() for p in lin.parameters())
    else:
        fw = rnn_steps(*(np.array(g[k]) for k in ("Wxh_f", "Whh_f", "bh_f")), X, np.zeros(H))
        bw = rnn_steps(*(np.array(g[k]) for k in ("Wxh_b", "Whh_b", "bh_b")), X[::-1], np.zeros(H))[::-1]
        out = np.hstack([np.array(fw), np.array(bw)])
        count = sum(np.size(g[k]) for k in ("Wxh_f", "Whh_f", "bh_f", "Wxh_b", "Whh_b", "bh_b", "Wy", "by") if k in g)
    res: dict[str, Any] = {"size": out.shape[1], "params": int(count)}
    for t in range(1, T + 1):
        row = out[t - 1]
        res |= {f"hf.{t}": val(row[:H]), f"hb.{t}": val(row[H:]), f"h.{t}": row.tolist()}
        if "Wy" in g:
            res[f"y.{t}"] = val(np.array(g["Wy"]) @ row + np.array(g["by"]))
    return res
