"""Plain-text formulas inside LaTeX (``derive.printing.values.math_text``): names with an ASCII
subscript (s_d, mean_d, h_{t−1}) become real subscripts, never an escaped ``\\_`` inside ``\\text{}``,
which MathJax (GitHub, Jupyter) shows with its backslash.

The LaTeX is read back by an independent converter (latex2mathml): every subscript written in the
plain text must come out as one MathML ``<msub>`` whose base and subscript are the written ones.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from derive.printing.values import math_text
from problems.registry import all_types

converter = pytest.importorskip("latex2mathml.converter")
NS = "{http://www.w3.org/1998/Math/MathML}"


def _subscripts(latex: str) -> list[tuple[str, str]]:
    """(base, subscript) text of every <msub> of the MathML that latex2mathml makes of ``latex``."""
    root = ET.fromstring(converter.convert(latex))
    out = []
    for msub in root.iter(NS + "msub"):
        base, sub = list(msub)
        out.append(("".join(base.itertext()), "".join(sub.itertext())))
    return out


@pytest.mark.parametrize("text, expected", [
    ("s_d/√n", [("s", "d")]),
    ("(mean_d − μ₀)/SE", [("mean", "d"), ("μ", "0")]),
    ("W_h·h_{t−1} + c_{t+1}", [("W", "h"), ("h", "t−1"), ("c", "t+1")]),
    ("net_h1 = w1·x1", [("net", "h1")]),
    ("x_i_j", [("x", "i,j")]),
    ("Σ_j a_j", [("Σ", "j"), ("a", "j")]),            # a subscript of the mathematics just set
    ("‖A‖_F", [("‖", "F")]),                          # (MathML puts the subscript on the closing bar)
])
def test_ascii_subscripts_become_subscripts(text, expected):
    latex = math_text(text)
    assert r"\_" not in latex
    assert [(b, s.replace("\u2212", "−")) for b, s in _subscripts(latex)] == expected


@pytest.mark.parametrize("text", ["2_3", "_x", "a__b"])
def test_an_underscore_that_is_no_subscript_stays_text(text):
    assert r"\_" in math_text(text) and _subscripts(math_text(text)) == []


def test_no_double_subscript():
    latex = math_text("μ₀_j")  # μ already has the subscript 0: _j stays text (LaTeX refuses x_{0}_{j})
    assert r"\_" in latex and _subscripts(latex) == [("μ", "0")]


def test_no_problem_formula_shows_an_escaped_underscore():
    """Every step hint of every problem type, as LaTeX: no ``\\_`` unless the hint has an underscore
    that does not follow a name (none do today), and the MathML parses (hints with < > & skipped:
    latex2mathml leaves them unescaped inside ``<mtext>``)."""
    for name, module in all_types().items():
        for spec in module.STEPS:
            hint = getattr(spec, "hint", "") or ""
            latex = math_text(hint)
            if re.search(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9{])", hint) is None:
                assert r"\_" not in latex, (name, spec.id, hint, latex)
            if not set(hint) & set("<>&"):
                ET.fromstring(converter.convert(latex))
