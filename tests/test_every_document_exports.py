"""Every kind of document the API returns is written by the HTML and Typst printers: its
formulas as MathML (never escaped into the text) and a Typst source that compiles, with no
formula left inside a string literal; and each displays in a notebook."""

from __future__ import annotations

import re

import pytest

import derive
import numeric
import problems
from derive.printing import render
from tests.conftest import ROOT

typst = pytest.importorskip("typst")


def documents():
    from derive.check_diff import check_derivative
    from problems.catalogue import catalogue
    return {
        "Derivation": lambda: derive.derive("mlp", values=True),
        "Verification": lambda: derive.verify("mlp", hidden=1, points=1),
        "Sheet": lambda: problems.practice("rbm", seed=2, solutions=True),
        "StepList": lambda: problems.practice("som", steps=True),
        "CheckReport": lambda: problems.check("som@7", answers={"d2.1": "[1.22, 0.7, 0.46, 0.73]", "winner.1": 2}),
        "DerivationCheck": lambda: derive.check_derivation(ROOT / "docs" / "derivations" / "backprop-w5-mistake.txt"),
        "EquivalenceReport": lambda: check_derivative("tanh(w*x+b)", "w", "(1-tanh(w*x+b)**2)"),
        "TrainReport": lambda: numeric.train("xor", epochs=20),
        "Catalogue": catalogue,
        "StudyReport": lambda: problems.progress(),
    }


@pytest.mark.parametrize("kind", list(documents()))
def test_the_document_is_written_as_html_and_typst(kind):
    doc = documents()[kind]()
    assert type(doc).__name__ == kind
    page = render(doc, "html")
    assert "&lt;math" not in page and "&lt;m" not in page  # MathML is markup, never escaped text
    source = render(doc, "typst")
    literals = re.findall(r'#"((?:\\.|[^"\\])*)"', source)
    leaked = [t for t in literals if "\ue000" in t or re.search(r"\$|mat\(delim|frac\(", t)]
    assert not leaked, f"a formula inside a Typst string: {leaked[:2]}"
    assert bytes(typst.compile(source.encode("utf-8"))).startswith(b"%PDF")
    assert doc._repr_html_().startswith('<div class="chainrule">') and doc.to_json().strip()
