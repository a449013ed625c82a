"""Markdown output renders in GitHub and Jupyter: parsed with a real Markdown + math renderer.

markdown-it-py (CommonMark + GFM tables) with the dollarmath plugin finds the math spans as
GitHub and Jupyter do; latex2mathml converts each. Every topic (every option combination of
``tests/rendered_documents.TOPIC_OPTIONS``) and every problem type (every variant) must give:
no ``$`` left in the text (a stray or nested ``$`` breaks the page), every math span converts
with no unknown command, no prose inside math (``$mean and standard deviation …$``) and no name
of several letters written as a product of italic letters (``logvar``, ``out_{o1}``).
"""

from __future__ import annotations

import re

import pytest
from latex2mathml.converter import convert
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from tests.rendered_documents import case_id, output, topic_cases, type_cases

CASES = topic_cases() + type_cases()
MD = MarkdownIt("commonmark").enable("table").use(dollarmath_plugin, allow_space=True, double_inline=True)
UPRIGHT = re.compile(r"\\(?:text|mathrm|operatorname|mathbf|mathbb|textbf|textit|begin|end)\{(?:[^{}\\]|\\.|\{\})*\}")
COMMAND = re.compile(r"\\[A-Za-z]+")
# Runs of italic letters that are mathematics, not a name: differentials and products such as
# "dx", "du" after \, and the subscript runs SymPy writes for indices ("ij", "tm").
ITALIC_RUN = re.compile(r"(?<![A-Za-z])[A-Za-z]{3,}(?![A-Za-z])")


def _tokens(tokens):
    for t in tokens:
        yield t
        if t.children:
            yield from _tokens(t.children)


def _balanced(latex: str) -> bool:
    depth = 0
    for ch in re.sub(r"\\[{}]", "", latex):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def markdown_problems(text: str) -> list[str]:
    """What would not render: stray ``$`` in text, math that does not convert, prose in math."""
    problems = []
    for t in _tokens(MD.parse(text)):
        if t.type == "text" and "$" in t.content:
            problems.append(f"stray $ in text: {t.content[:120]!r}")
        if t.type in ("math_inline", "math_block", "math_inline_double"):
            latex = t.content
            if "$" in latex.replace(r"\$", ""):
                problems.append(f"$ inside math: {latex[:120]!r}")
            if not _balanced(latex):
                problems.append(f"unbalanced braces (a $ ended the formula early?): {latex[:120]!r}")
            try:
                mathml = convert(latex)
            except Exception as exc:  # noqa: BLE001 - any failure to convert is the finding
                problems.append(f"does not convert ({type(exc).__name__}): {latex[:120]!r}")
                continue
            unknown = re.findall(r">(\\[A-Za-z]+)<", mathml)
            if unknown:
                problems.append(f"unknown command {unknown[0]}: {latex[:120]!r}")
            bare = COMMAND.sub(" ", UPRIGHT.sub(" ", latex))
            runs = ITALIC_RUN.findall(bare)
            if runs:
                problems.append(f"italic letters {runs[0]!r} (a name or prose written as a product): {latex[:160]!r}")
    return problems


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_markdown_renders_with_markdown_it_and_latex2mathml(case):
    problems = markdown_problems(output(case, "markdown"))
    assert not problems, problems[:5]


@pytest.mark.parametrize("text, found", [
    (r"$\mathrm{net_h} = \text{W1$\cdot$x + b1}$", "$"),  # the sheet bug the issue quotes
    ("| mu | $mean and standard deviation of q$ |", "italic letters"),
    ("$logvar + 1$", "italic letters"),
    ("a lone $ sign", "stray $"),
])
def test_the_checker_finds_what_github_would_break_on(text, found):
    assert any(found in p for p in markdown_problems(text)), markdown_problems(text)


def test_the_checker_passes_good_markdown():
    good = r"$\mathrm{out}_{o1} = \sigma\left(\mathrm{net}_{o1}\right) \in \mathbb{R}^{2 \times 1}$ and $E_{\mathrm{total}}$"
    assert markdown_problems(good) == []
