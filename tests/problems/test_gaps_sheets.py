"""The gap-closing types together: a hard LaTeX sheet of all of them is well formed (and compiles
when pdflatex is installed), and check reports with wrong entries print in every format."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np

from derive.printing import render
from problems import engine
from problems.registry import get
from tests.problems.printed_reports import assert_report_printed
from tests.problems.test_conformance import latex_problems

GAPS = ["numgrad", "autodiff", "hpsearch", "minibatch", "layernorm", "resnet", "esn", "birnn", "sparse-ae",
        "denoising-ae", "test-choice"]


def test_hard_sheet_of_every_gap_type_compiles(tmp_path):
    sheet = engine.make_sheet([get(n) for n in GAPS], 21, 22, "hard")
    tex = render(sheet, "latex")
    assert latex_problems(tex) == []
    assert {e.topic for e in sheet.exercises} == set(GAPS)
    if shutil.which("pdflatex"):
        (tmp_path / "gaps.tex").write_text(tex)
        run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "gaps.tex"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=180)
        assert run.returncode == 0, run.stdout[-2000:]


def test_reports_with_a_wrong_entry_print_in_every_format():
    for name in GAPS:
        module = get(name)
        for variant in [None, *getattr(module, "VARIANTS", {})]:
            ex = engine.make_exercise(module, 3, "hard", variant)
            answers = {}
            for s in ex.steps:
                if isinstance(s.value, list) and not any(isinstance(x, str) for x in np.ravel(s.value)):
                    wrong = np.array(s.value, dtype=float)
                    wrong.reshape(-1)[-1] += 1
                    answers[s.id] = wrong.tolist()
            report = engine.check(module, ex.givens, answers)
            for fmt in ("text", "markdown", "latex", "json"):
                assert_report_printed(report, render(report, fmt), fmt)
            assert latex_problems(render(report, "latex")) == [], (name, variant)
