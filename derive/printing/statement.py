"""Matrices and subscripted names inside an exercise statement, found so that each format can typeset them.

Statements are plain text that write a matrix as its rows, ``W = [[−0.5, 0.4], [0.1, 0.2]]``
(``problems.shared.statement_text.mat``), and a name with a compound subscript with braces,
``h_{t−1}``. ``segments`` cuts a text into plain pieces, matrices (rows of entry strings) and
``Subscripted`` names, so the LaTeX, HTML and Typst printers can set each matrix as a matrix and
h_{t−1} as h with the subscript t − 1, while the plain-text formats keep them as written. (A
subscript without braces, ``x_t`` or ``min_delta``, stays text: it may be a given's name.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# ``[[a, b], [c, d]]``: at least one row, every row bracketed, no nesting deeper than two.
MATRIX = re.compile(r"\[\[[^\[\]]*\](?:\s*,\s*\[[^\[\]]*\])*\]")
NUMBER = re.compile(r"[−-]?(\d+(\.\d*)?|\.\d+)([eE][−+-]?\d+)?")

SUBSCRIPTED = re.compile(r"(?<![A-Za-z0-9_])([A-Za-z][A-Za-z0-9]*)_\{([^{}]*)\}")

Matrix = list[list[str]]


@dataclass(frozen=True)
class Subscripted:
    """A name with a braced subscript, ``h_{t−1}``: ``base`` h, ``subscript`` t−1."""

    base: str
    subscript: str

    def latex(self) -> str:
        """The name as LaTeX math (no ``$``), written as the answer keys' formulas are."""
        from derive.printing.values import math_text
        return math_text(f"{self.base}_{{{self.subscript}}}")


def segments(text: str) -> list[str | Matrix | Subscripted]:
    """``text`` as plain pieces (str), matrices (lists of rows of entries, as written) and
    subscripted names."""
    out: list[str | Matrix | Subscripted] = []
    at = 0
    for found in MATRIX.finditer(text):
        if found.start() > at:
            out.extend(_names(text[at:found.start()]))
        rows = re.findall(r"\[([^\[\]]*)\]", found.group()[1:-1])
        out.append([[entry.strip() for entry in row.split(",")] for row in rows])
        at = found.end()
    if at < len(text):
        out.extend(_names(text[at:]))
    return out


def _names(text: str) -> list[str | Subscripted]:
    out: list[str | Subscripted] = []
    at = 0
    for found in SUBSCRIPTED.finditer(text):
        if found.start() > at:
            out.append(text[at:found.start()])
        out.append(Subscripted(found[1], found[2]))
        at = found.end()
    if at < len(text):
        out.append(text[at:])
    return out


def is_number(entry: str) -> bool:
    """True when a matrix entry is a plain number (``−0.5``, ``1e−08``)."""
    return NUMBER.fullmatch(entry) is not None
