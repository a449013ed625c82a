"""``--out FILE.pdf``: typeset by Typst, read back with pypdf (an independent PDF reader).

Every exercise id is on the exercise pages, a value of every worked key is on the key pages,
the key starts on a page of its own after all exercises, and the same sheet gives the same bytes.
"""

from __future__ import annotations

import pytest

import derive
import problems
from derive.printing.math import number_text
from derive.steps import exercise_id
from tests.conftest import run_cli

pypdf = pytest.importorskip("pypdf")
typst = pytest.importorskip("typst")


def pages(path) -> list[str]:
    """The text of each page, minus signs and spaces evened out (math is extracted glyph by glyph)."""
    reader = pypdf.PdfReader(str(path))
    return [(p.extract_text() or "").replace("−", "-").replace(" ", "").replace("\n", "") for p in reader.pages]


def scalar_values(exercise) -> list[float]:
    """The plain numbers of an exercise's key, read from its steps (not from any printer)."""
    out = []
    for step in exercise.steps:
        value = step.value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out.append(float(value))
    return out


def test_a_sheet_pdf_has_every_id_on_the_exercise_pages_and_a_value_of_every_key_after_them(tmp_path):
    path = tmp_path / "sheet.pdf"
    out = run_cli("practice", "--topics", "som,ttest,backprop", "--seed", "5", "--count", "3", "--out", str(path))
    assert out.returncode == 0, out.stderr
    assert path.read_bytes().startswith(b"%PDF-")
    text = pages(path)
    key_page = next(i for i, t in enumerate(text) if "Answerkey" in t)
    exercises_text, key_text = "".join(text[:key_page]), "".join(text[key_page:])
    assert "Answer" not in exercises_text  # the key is on pages of its own, after all exercises
    sheet = problems.practice(topics="som,ttest,backprop", seed=5, count=3)
    assert len(sheet.exercises) == 3
    for exercise in sheet.exercises:
        assert exercise_id(exercise.topic, exercise.seed) in exercises_text
        assert exercise.id in key_text
        values = scalar_values(exercise)
        assert values, exercise.id
        assert any(number_text(v).replace("−", "-") in key_text for v in values), (exercise.id, values[:5])


def test_matrices_in_statements_are_typeset_not_printed_as_lists(tmp_path):
    path = tmp_path / "bp.pdf"
    assert run_cli("practice", "backprop", "--seed", "1", "--out", str(path)).returncode == 0
    first = pages(path)[0]
    assert "[[" not in first and "],[" not in first
    w1 = problems.practice("backprop", seed=1).exercises[0].givens["W1"]
    assert f"{w1[0][0]:g}" in first  # an entry of W1, as a matrix entry


def test_the_same_sheet_gives_the_same_pdf_bytes(tmp_path):
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for path in (a, b):
        assert run_cli("practice", "som", "--seed", "7", "--out", str(path)).returncode == 0
    assert a.read_bytes() == b.read_bytes()


def test_a_derivation_pdf_holds_every_step_id(tmp_path):
    path = tmp_path / "lstm.pdf"
    out = run_cli("derive", "lstm", "--steps", "2", "--out", str(path))
    assert out.returncode == 0 and "wrote derivation" in out.stdout, out.stderr
    text = "".join(pages(path))
    for step in derive.derive("lstm", steps=2).steps:
        assert step.id in text


def every_document():
    """Every derivation topic with each option set the notation tests render, every problem type."""
    from problems.registry import all_types
    from tests.rendered_documents import topic_cases
    return [("derive", t, o) for t, o in topic_cases()] + [("practice", t, {}) for t in sorted(all_types())]


@pytest.mark.parametrize("kind, name, options", every_document(),
                         ids=[f"{k}-{n}-{'-'.join(f'{a}={b}' for a, b in o.items())}" for k, n, o in every_document()])
def test_every_topic_and_problem_type_typesets_with_typst_math(kind, name, options):
    import io

    from derive.printing.typst import TypstPrinter
    doc = derive.derive(name, options) if kind == "derive" else problems.practice(name, seed=3, difficulty="hard", solutions=True)
    pdf = typst.compile(TypstPrinter().doprint(doc).encode("utf-8"))  # the Typst math itself, not the text fallback
    text = "".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert (doc.exercises[0].id if kind == "practice" else doc.steps[-1].id) in text


def test_tex_statements_set_matrices_as_bmatrix_not_python_lists(tmp_path):
    path = tmp_path / "bp.tex"
    assert run_cli("practice", "backprop", "--seed", "1", "--out", str(path)).returncode == 0
    statement = path.read_text().split("\\subsection*{Exercise", 1)[1].split("\\begin{itemize}", 1)[0]
    assert "[[" not in statement and statement.count("\\begin{bmatrix}") == 2  # W1 and W2
    w1 = problems.practice("backprop", seed=1).exercises[0].givens["W1"]
    row = " & ".join(f"{x:g}" for x in w1[0])
    assert row in statement


def test_a_formula_typst_cannot_read_falls_back_to_its_text(monkeypatch):
    import io

    from derive.printing import typst as typst_printer
    from problems.export.pdf import pdf_bytes
    monkeypatch.setattr(typst_printer, "convert", lambda latex: "frac(")  # Typst math that cannot compile
    doc = derive.derive("lstm")  # formulas with shapes, too
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes(doc)))
    text = "".join(p.extract_text() for p in reader.pages).replace(" ", "").replace("\n", "")
    from derive.printing.math import to_text
    step = doc.steps[len(doc.steps) // 2]
    assert to_text(step.formula).replace(" ", "") in text  # the formula, as its one-line text
    assert doc.steps[-1].id in text
