"""Matrices inside an exercise statement, found so that each format can typeset them.

Statements are plain text that write a matrix as its rows, ``W = [[−0.5, 0.4], [0.1, 0.2]]``
(``problems.shared.statement_text.mat``). ``segments`` cuts a text into plain pieces and
matrices (rows of entry strings), so the LaTeX, HTML and Typst printers can set each matrix as
a matrix while the plain-text formats keep the rows as written.
"""

from __future__ import annotations

import re

# ``[[a, b], [c, d]]``: at least one row, every row bracketed, no nesting deeper than two.
MATRIX = re.compile(r"\[\[[^\[\]]*\](?:\s*,\s*\[[^\[\]]*\])*\]")
NUMBER = re.compile(r"[−-]?(\d+(\.\d*)?|\.\d+)([eE][−+-]?\d+)?")

Matrix = list[list[str]]


def segments(text: str) -> list[str | Matrix]:
    """``text`` as plain pieces (str) and matrices (lists of rows of entries, as written)."""
    out: list[str | Matrix] = []
    at = 0
    for found in MATRIX.finditer(text):
        if found.start() > at:
            out.append(text[at:found.start()])
        rows = re.findall(r"\[([^\[\]]*)\]", found.group()[1:-1])
        out.append([[entry.strip() for entry in row.split(",")] for row in rows])
        at = found.end()
    if at < len(text):
        out.append(text[at:])
    return out


def is_number(entry: str) -> bool:
    """True when a matrix entry is a plain number (``−0.5``, ``1e−08``)."""
    return NUMBER.fullmatch(entry) is not None
