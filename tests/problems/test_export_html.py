"""``--out FILE.html``: one self-contained page, read back with the standard library's parser.

The page must need nothing else (no script, no stylesheet or image from elsewhere), every
formula of the derivation or key must be MathML, and no LaTeX may be left outside the math.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

import derive
import problems
from problems import export
from tests.conftest import run_cli

LATEX_LEFTOVER = re.compile(r"\\[a-zA-Z]+|\$|\\\\|\{|\}")


class Page(HTMLParser):
    """What a reader needs: the text outside and inside ``<math>``, the tags and their attributes,
    and, per step (``<li>`` of ``<ol class="steps">``), how many ``<math>`` elements it holds."""

    def __init__(self) -> None:
        super().__init__()
        self.outside: list[str] = []
        self.inside: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.depth = 0
        self.items: list[int] = []
        self.in_steps = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "math":
            self.depth += 1
            if self.items:
                self.items[-1] += 1
        if tag == "ol" and dict(attrs).get("class") == "steps":
            self.in_steps = True
        if tag == "li" and self.in_steps:
            self.items.append(0)

    def handle_endtag(self, tag):
        if tag == "math":
            self.depth -= 1
        if tag == "ol":
            self.in_steps = False

    def handle_data(self, data):
        (self.inside if self.depth else self.outside).append(data)


def read(path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def self_contained(page: Page) -> None:
    names = {tag for tag, _ in page.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed"}
    assert not any(v and re.match(r"(https?:)?//", v) for _, attrs in page.tags for v in attrs.values() if _ != "math")
    style = [text for text in page.outside if "{" in text]  # the one <style> block: no url(), no @import
    assert all("url(" not in s and "@import" not in s for s in style)


@pytest.mark.parametrize("topic, options", [("lstm", {"steps": 2}), ("vae", {}), ("activations", {})])
def test_a_derivation_page_has_every_formula_as_mathml(tmp_path, topic, options):
    path = tmp_path / f"{topic}.html"
    args = [f"--{k}={v}" for k, v in options.items()]
    out = run_cli("derive", topic, *args, "--out", str(path))
    assert out.returncode == 0, out.stderr
    page = read(path)
    self_contained(page)
    doc = derive.derive(topic, **options)
    with_formula = [s for s in doc.steps if s.formula is not None or s.lhs is not None or s.value is not None]
    assert len(page.items) == len(doc.steps)
    assert sum(n >= 1 for n in page.items) == len(with_formula)  # each step with a formula carries MathML
    assert "\\" not in "".join(page.inside)  # every formula converted (none kept as its LaTeX text)
    body = "".join(text for text in page.outside if "{" not in text)  # leave out the <style> block
    assert not LATEX_LEFTOVER.search(body), LATEX_LEFTOVER.search(body)
    for step in doc.steps:
        assert step.title.split(" ")[0] in body  # every step's title, as text


def test_a_sheet_page_sets_matrices_as_mathml_and_keeps_the_key_after_the_exercises(tmp_path):
    path = tmp_path / "sheet.html"
    out = run_cli("practice", "backprop", "--seed", "1", "--count", "2", "--out", str(path))
    assert out.returncode == 0, out.stderr
    page, text = read(path), path.read_text(encoding="utf-8")
    self_contained(page)
    body = "".join(page.outside)
    assert "[[" not in body  # the statements' matrices are MathML tables now
    assert text.count("<mtable>") >= 4  # W1 and W2 of both exercises
    assert text.index("Answer key") > text.rindex("Exercise 2") and '<section class="key">' in text
    sheet = problems.practice("backprop", seed=1, count=2)
    for exercise in sheet.exercises:
        assert exercise.id in body
    inside = "".join(page.inside)
    w1 = sheet.exercises[0].givens["W1"]
    for entry in (w1[0][0], w1[1][1]):  # matrix entries, read from the givens
        assert f"{entry:g}".replace("-", "−") in inside


def test_notebook_display_is_a_fragment_with_mathml():
    html = problems.check("ttest@12", answers={"mean": "12.5"})._repr_html_()
    assert html.startswith('<div class="chainrule">') and "<html" not in html and "<math" in html


def test_html_is_refused_without_its_package(monkeypatch, tmp_path):
    import importlib.util
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "latex2mathml" else real(name, *a))
    with pytest.raises(derive.errors.UserError, match="needs the 'latex2mathml' package") as caught:
        export.save(derive.derive("mlp"), tmp_path / "mlp.html")
    assert caught.value.arg == "--out" and not (tmp_path / "mlp.html").exists()


def test_a_sheet_without_its_key_has_no_key_section(tmp_path):
    path = tmp_path / "plain.html"
    assert run_cli("practice", "som", "--seed", "3", "--no-solutions", "--out", str(path)).returncode == 0
    text = path.read_text(encoding="utf-8")
    assert "som@3" in text and ">Answer key<" not in text and "<section" not in text


def test_notebooks_fall_back_to_markdown_without_latex2mathml(monkeypatch):
    from derive.printing import mathml
    monkeypatch.setattr(mathml, "available", lambda: False)
    doc = derive.derive("mlp")
    assert doc._repr_html_() is None and doc._repr_markdown_().startswith("#")
