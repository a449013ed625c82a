"""Exercise statements and step titles write h_{t−1} with braces; the typesetting formats set it
as h with the subscript t − 1 (the braces are markup), the plain formats keep it as written, and
a subscript without braces (x_t, a given's name such as min_delta) stays text. Formulas written
as text, such as the lhs W_f[h_{t−1}, x_t] + b_f of a step, are set by the formula printers
(derive.printing.values.math_text for LaTeX and, through it, Typst; HTML keeps them as text)."""

from __future__ import annotations

import pytest

from derive.printing.statement import Subscripted, segments
from tests.conftest import run_cli

LSTM = "lstm@1"  # its statement: "The weights act on [h_{t−1}, x_t] … The state is h_{t−1} = …"


def test_segments_find_braced_subscripts_only():
    parts = segments("on [h_{t−1}, x_t]: W = [[1, 2]], min_delta and c_{t+1}; a_{}")
    assert [p for p in parts if isinstance(p, Subscripted)] == [Subscripted("h", "t−1"), Subscripted("c", "t+1"),
                                                                Subscripted("a", "")]
    assert "".join(p for p in parts if isinstance(p, str)).count("x_t") == 1 and [[ "1", "2"]] in parts
    assert segments("no subscripts {0, 1} here") == ["no subscripts {0, 1} here"]


def test_latex_and_html_sheets_set_the_subscript(tmp_path):
    tex, page = tmp_path / "s.tex", tmp_path / "s.html"
    assert run_cli("practice", LSTM, "--out", str(tex)).returncode == 0
    assert run_cli("practice", LSTM, "--out", str(page)).returncode == 0
    latex, html = tex.read_text(), page.read_text()
    assert r"h\_\{" not in latex and r"$\text{h}_{\text{t}-\text{1}}$" in latex
    statement = html[html.index("act on"):][:400]
    assert "h_{" not in statement and "h<sub>t−1</sub>" in statement


def test_pdf_sheet_has_no_braces_left(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("typst")
    pdf = tmp_path / "s.pdf"
    assert run_cli("practice", LSTM, "--out", str(pdf)).returncode == 0
    text = "".join(p.extract_text() for p in pypdf.PdfReader(str(pdf)).pages)
    statement = text[text.index("act on ["):][:600]
    assert "h_{" not in statement and "{t" not in statement and "−1" in statement
    key = pdf.with_name("k.pdf")
    assert run_cli("practice", LSTM, "--key", "--out", str(key)).returncode == 0
    keyed = "".join(p.extract_text() for p in pypdf.PdfReader(str(key)).pages)
    assert "Pre-activation" in keyed and "_{" not in keyed  # the keys' text formulas, W_f[h_{t−1}, x_t] + b_f, set too


def test_plain_formats_keep_the_statement_as_written():
    out = run_cli("practice", LSTM, "--format", "text")
    assert out.returncode == 0 and "h_{t−1}" in out.stdout
