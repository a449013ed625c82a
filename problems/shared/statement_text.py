"""Numbers, vectors, matrices and polynomials as an exercise statement writes them.

Two spellings of an exponent are in use, each kept so that no statement changes:

- ``num``/``vec``/``mat`` write it as the course does: ``1e−8``, ``2.5e6``.
- ``num_g``/``vec_g``/``mat_g`` keep Python's general format: ``1e−08``, ``2.5e+06`` (the
  array-step types attention, conv, gan, gru, lstm, pca, rbm, rnn, vae and word2vec).

Both write the minus sign as ``−`` (U+2212).
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np


def num(x: float) -> str:
    """A given number as written in a statement (``0.25``, ``−1``, ``1e−8``)."""
    s = f"{x:g}"
    if "e" in s:
        mant, exp = s.split("e")
        s = f"{mant}e{int(exp)}"
    return s.replace("-", "−")


def num_g(x: float) -> str:
    """A number as Python's ``g`` format writes it, with a true minus: ``0.5``, ``−1``, ``1e−08``."""
    return f"{x:g}".replace("-", "−")


def _vector(v: Any, number: Callable[[float], str]) -> str:
    return "(" + ", ".join(number(float(x)) for x in np.ravel(v)) + ")"


def _matrix(m: Any, number: Callable[[float], str]) -> str:
    return "[" + ", ".join("[" + ", ".join(number(float(x)) for x in row) + "]" for row in m) + "]"


def vec(v: Any) -> str:
    """A vector as ``(a, b, c)``, entries as ``num`` writes them."""
    return _vector(v, num)


def mat(m: Any) -> str:
    """A matrix as ``[[a, b], [c, d]]`` row by row, entries as ``num`` writes them."""
    return _matrix(m, num)


def vec_g(v: Any) -> str:
    """A vector as ``(0.1, −0.2)``, entries as ``num_g`` writes them."""
    return _vector(v, num_g)


def mat_g(m: Any) -> str:
    """A matrix as ``[[1, 2], [3, 4]]`` row by row, entries as ``num_g`` writes them."""
    return _matrix(m, num_g)


def poly_text(pairs: Any) -> str:
    """``x² − 0.5xy + 3y`` from (coefficient, monomial) pairs."""
    out = ""
    for c, m in pairs:
        if c:
            mag = num(abs(c)) if abs(c) != 1 or not m else ""
            out += (" − " if c < 0 else " + ") + mag + m if out else ("−" if c < 0 else "") + mag + m
    return out or "0"
