"""Sheets of every problem type compile with a stock LaTeX install (when pdflatex exists)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from derive.printing import render
from problems import engine
from problems.registry import all_types

pytestmark = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")


def _compile(tmp_path, name: str, text: str) -> None:
    (tmp_path / f"{name}.tex").write_text(text, encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:]
    assert (tmp_path / f"{name}.pdf").stat().st_size > 1000


@pytest.mark.parametrize("difficulty", ["exam", "hard"])
def test_a_sheet_of_every_type_compiles(tmp_path, difficulty):
    modules = list(all_types().values())
    sheet = engine.make_sheet(modules, 11, 2 * len(modules), difficulty)
    _compile(tmp_path, f"all-{difficulty}", render(sheet, "latex"))


def test_check_reports_compile(tmp_path):
    parts = []
    for module in all_types().values():
        ex = engine.make_exercise(module, 5)
        wrong = {s.id: s.value for s in engine.solve(module, ex.givens, mistake=next(iter(module.MISTAKES)))}
        present = {s.id for s in ex.steps}
        report = engine.check(module, ex.givens, {k: v for k, v in wrong.items() if k in present})
        body = render(report, "latex")
        parts.append(body[body.index("\\begin{document}") + len("\\begin{document}"):body.index("\\end{document}")])
    head = render(engine.check(*_first()), "latex")
    preamble = head[:head.index("\\begin{document}") + len("\\begin{document}")]
    _compile(tmp_path, "reports", preamble + "\n".join(parts) + "\\end{document}\n")


def _first():
    module = next(iter(all_types().values()))
    ex = engine.make_exercise(module, 0)
    return module, ex.givens, {}
