"""Helpers shared by the gap-closing problem types (numgrad … test-choice); not a problem type.

Most of the text and generation helpers are the part-A/part-B ones, re-exported so every gap
type imports from one place:

- ``num``/``vec``/``mat``: numbers, vectors ``(a, b)`` and matrices ``[[a, b], [c, d]]`` as a
  statement writes them; ``pick``: one option; ``dec``: one-decimal random numbers.
- ``generate_clear(module, draw)``: redraw givens until every known mistake is visible and
  told apart (see ``_a_common``); ``idle``: skip a mistake's replay when it cannot occur.
- ``load_torch``: torch or None (every cross-check has a NumPy fallback).

Own helpers: ``sigmoid``, ``relu``, ``rnn_steps`` (the tanh recurrence shared by ``birnn`` and
``esn``), ``this`` (the calling type's module object, for ``generate_clear``).
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

import numpy as np

from problems.types._a_common import generate_clear, idle, ln, load_torch, mat, num, pick, root, vec  # noqa: F401
from problems.types._b_common import dec  # noqa: F401


def this(name: str) -> ModuleType:
    """The module object of a problem type from its ``__name__`` (for ``generate_clear``)."""
    return sys.modules[name]


def sigmoid(x: Any) -> Any:
    """σ(x) = 1/(1 + e^(−x)), elementwise (a float for a float)."""
    out = 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))
    return float(out) if out.ndim == 0 else out


def relu(x: Any) -> np.ndarray:
    """max(0, x), elementwise."""
    return np.maximum(np.asarray(x, dtype=float), 0.0)


def rnn_steps(Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray, xs: np.ndarray, h0: np.ndarray,
              squash: bool = True, carry: bool = True) -> list[np.ndarray]:
    """h_t = tanh(W_x x_t + W_h h_{t−1} + b) for the rows x_t of ``xs``, in the order given.

    ``squash=False`` leaves tanh out and ``carry=False`` uses h_0 at every step (two of the
    mistakes the recurrent types replay). Shapes: W_x (H×D), W_h (H×H), b (H), xs (T×D).
    """
    hs, h = [], h0
    for x in xs:
        a = Wx @ x + Wh @ (h if carry else h0) + b
        h = np.tanh(a) if squash else a
        hs.append(h)
    return hs


def ints(values: Any) -> list[int]:
    """Plain Python ints (for integer givens after validation)."""
    return [int(v) for v in values]
