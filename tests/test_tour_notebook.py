"""docs/tour.ipynb runs top to bottom in a real Jupyter kernel (nbclient + ipykernel) and its
outputs show the derived formulas: as Markdown LaTeX and as MathML, computed here independently
of the notebook from the same API call."""

from __future__ import annotations

import pytest

import derive
from derive.printing.math import to_latex
from tests.conftest import ROOT

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")


@pytest.fixture(scope="module")
def executed():
    nb = nbformat.read(ROOT / "docs" / "tour.ipynb", as_version=4)
    # the kernel imports this checkout's code (not an installed copy), and says which it used
    nb.cells.insert(0, nbformat.v4.new_code_cell(f"import sys; sys.path.insert(0, {str(ROOT)!r})"))
    nb.cells.append(nbformat.v4.new_code_cell("import derive as _d; print(_d.__file__)"))
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(ROOT)}}).execute()
    return nb


def outputs(nb, mime: str) -> str:
    return "\n".join(o.get("data", {}).get(mime, "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def test_the_tour_runs_in_a_kernel_on_this_checkout_without_errors(executed):
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert executed.cells[-1].outputs[0]["text"].strip() == str(ROOT / "derive" / "__init__.py")


def test_the_derived_formulas_appear_in_the_outputs(executed):
    doc = derive.derive("lstm", steps=2)
    markdown, html = outputs(executed, "text/markdown"), outputs(executed, "text/html")
    for step_id in ("dL_dW_f", "dL_dc1", "dL_dao2"):
        step = next(s for s in doc.steps if s.id == step_id)
        assert to_latex(step.formula) in markdown, step_id
    assert html.count("<math") > 60 and "<mfrac>" in html and "<script" not in html
    assert "expected a whole number from 1 to 100" in "".join(
        o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs)


def test_every_export_format_was_written(executed):
    plain = outputs(executed, "text/plain")
    for name, fmt in [("som.pdf", "pdf"), ("som.apkg", "anki"), ("som.xml", "moodle"), ("lstm.html", "html")]:
        assert f"'{name}': '{fmt}'" in plain
