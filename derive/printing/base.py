"""The document printer: one ``_print_<Class>`` per document type, written once.

Subclasses (text, markdown, latex) only supply the primitives: headings, paragraphs, how a
formula, a value and a table are written. Dispatch is by class name, as SymPy's printers do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from derive.printing.formulas import formula_latex as to_latex
from derive.printing.formulas import formula_text as to_text
from derive.printing.values import shape_latex, shape_text, value_latex, value_text
from derive.table import Table

if TYPE_CHECKING:  # annotations only: printers dispatch on the class name, so documents may import printers
    from derive import steps as S


SYMBOLIC_ONLY = ("Symbolic only: no numbers were given, so no step has a value. Add --values (numbers drawn "
                 "from a seed), --seed N or --given KEY=VALUE to evaluate every step.")


class DocumentPrinter:
    """Turns a chainrule document (Derivation, Sheet, CheckReport, …) into a string."""

    def doprint(self, doc: Any) -> str:
        """Render ``doc`` by dispatching on its class name."""
        method = getattr(self, f"_print_{type(doc).__name__}", None)
        if method is None:
            raise TypeError(f"{type(self).__name__} cannot print {type(doc).__name__}")
        return self.join(method(doc)).rstrip() + "\n"

    # --- primitives (overridden per format) -------------------------------------------------
    def join(self, blocks: list[str]) -> str:
        return "\n\n".join(b for b in blocks if b)

    def heading(self, text: str, level: int = 1) -> str:
        rule = "=" if level == 1 else "-"
        return f"{text}\n{rule * min(len(text), 78)}"

    def para(self, text: str) -> str:
        return text

    def math(self, expr: Any) -> str:
        return to_text(expr)

    def value(self, value: Any) -> str:
        return value_text(value)

    def shape(self, shape: Any) -> str:
        s = shape_text(shape)
        return f"  ∈ {s}" if s else ""

    def bullet(self, items: list[str]) -> str:
        return "\n".join(f"- {i}" for i in items)

    def table(self, table: S.Table) -> str:
        cols = [str(c) for c in table.columns]
        rows = [[str(c) for c in r] for r in table.rows]
        widths = [max(len(c), *(len(r[i]) for r in rows)) if rows else len(c) for i, c in enumerate(cols)]
        line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
        out = [line(cols), line(["-" * w for w in widths])] + [line(r) for r in rows]
        return (f"{table.title}\n" if table.title else "") + "\n".join(out)

    TIMES = " × "

    def equation(self, lhs: Any, formula: Any, value: Any, shape: Any = None, factors: Any = None) -> str:
        parts = [self.math(x) for x in (lhs, formula) if x is not None and self.math(x) != ""]
        if factors:
            parts.append(self.product_numbers(factors))
        if value is not None and self.value(value) not in parts:
            parts.append(self.value(value))
        return " = ".join(parts) + (self.shape(shape) if shape else "")

    def product_numbers(self, factors: tuple[tuple[Any, ...], ...]) -> str:
        """A chain product with its numbers: ``0.741365 × 0.186816 × 0.59327``; terms of a sum
        joined by + or −, a factor that is a sum in brackets, a negative factor in brackets."""
        out = ""
        for i, term in enumerate(factors):
            negative = not isinstance(term[0], tuple) and term[0] < 0
            sign = "-" if negative and i else ""
            cells = [self._factor(abs(term[0]) if sign else term[0], bracket=len(term) > 1 or i > 0)]
            cells += [self._factor(f, bracket=True) for f in term[1:]]
            text = self.TIMES.join(cells)
            out += text if not i else (f" - {text}" if sign else f" + {text}")
        return out

    def _factor(self, f: Any, bracket: bool) -> str:
        if isinstance(f, tuple):
            return f"({self.product_numbers(f)})"
        return f"({self.value(f)})" if f < 0 and bracket else self.value(f)

    def step(self, number: int, step: S.Step) -> str:
        head = f"{number}. [{step.id}] {step.title}"
        body = self.equation(step.lhs, step.formula, step.value, step.shape, step.factors)
        lines = [head] + ([f"   {body}"] if body else []) + ([f"   because: {step.because}"] if step.because else [])
        return "\n".join(lines)

    def steps(self, steps: list[S.Step]) -> str:
        return "\n".join(self.step(i, s) for i, s in enumerate(steps, 1))

    # --- documents --------------------------------------------------------------------------
    def _print_Derivation(self, d: S.Derivation) -> list[str]:
        blocks = [self.heading(d.title or f"Derivation: {d.topic}")]
        if d.options:
            blocks.append(self.para("Options: " + ", ".join(f"{k}={v}" for k, v in d.options.items())))
        if d.notes:
            blocks += [self.heading("Conventions", 2), self.bullet(d.notes)]
        if d.inputs:
            blocks.append(self.para("Evaluated at: " + ", ".join(f"{k} = {self.value(v)}" for k, v in d.inputs.items())))
        elif not any(s.value is not None for s in d.steps):
            blocks.append(self.para(SYMBOLIC_ONLY))
        blocks += [self.heading("Steps", 2), self.steps(d.steps)]
        if d.results:
            rows = tuple((n, self.math(r.expr), self.value(r.value) if r.value is not None else "") for n, r in d.results.items())
            blocks += [self.heading("Results", 2), self.table(Table("", ("result", "expression", "value"), rows))]
        if d.symbols:
            rows = tuple((n, s.meaning, shape_text(s.shape) or "scalar") for n, s in d.symbols.items())
            blocks += [self.heading("Symbols", 2), self.table(Table("", ("symbol", "meaning", "shape"), rows))]
        return blocks

    def _print_Verification(self, v: S.Verification) -> list[str]:
        d = v.derivation
        rows = tuple((c.parameter, c.method, f"{c.max_rel_error:.2e}", f"{c.tolerance:.0e}", c.points, "ok" if c.passed else "FAIL") for c in v.checks)
        table = Table("", ("parameter", "method", "max rel error", "tolerance", "points", "result"), rows)
        verdict = "All checks passed." if v.passed else "Some checks FAILED."
        return [self.heading(f"Verification: {d.topic}"), self.para(f"Metric: {v.metric}"),
                self.bullet(v.notes) if v.notes else "", self.table(table), self.para(verdict)]

    def _print_Exercise(self, e: S.Exercise, number: int | None = None, solutions: bool = True) -> list[str]:
        title = f"Exercise {number}" if number else "Exercise"
        blocks = [self.heading(f"{title} ({e.id})", 2), self.para(e.statement)]
        if e.conventions:
            blocks.append(self.bullet(e.conventions))
        if solutions:
            blocks += [self.para("Solution:"), self.steps(e.steps)]
        return blocks

    def _print_Sheet(self, sheet: S.Sheet) -> list[str]:
        blocks = [self.heading(sheet.title)]
        for i, e in enumerate(sheet.exercises, 1):
            blocks += self._print_Exercise(e, i if len(sheet.exercises) > 1 else None, solutions=False)
        if sheet.show_solutions:
            blocks.append(self.heading("Answer key", 1))
            for i, e in enumerate(sheet.exercises, 1):
                blocks += [self.heading(f"Answer {i} ({e.id})", 2), self.steps(e.steps)]
        return blocks

    def _print_StepList(self, sl: S.StepList) -> list[str]:
        rows = tuple((s.id, s.title, s.kind, "" if s.min_decimals is None else s.min_decimals, s.hint) for s in sl.specs)
        blocks = [self.heading(f"Step ids of {sl.topic}"), self.table(Table("", ("id", "title", "kind", "min decimals", "formula"), rows))]
        if sl.givens:
            blocks += [self.heading("Givens", 2), self.bullet([f"{k}: {v}" for k, v in sl.givens.items()])]
        if sl.mistakes:
            blocks += [self.heading("Diagnosable mistakes", 2), self.bullet([f"{k}: {v}" for k, v in sl.mistakes.items()])]
        return blocks

    def _print_CheckReport(self, r: S.CheckReport) -> list[str]:
        rows = tuple((m.id, m.status, self.given_cell(m), self.value(m.expected) if m.revealed else "(hidden)",
                      " — ".join(x for x in (m.diagnosis, m.message) if x)) for m in r.marks)
        head = f"Check: {r.topic}" + (f" ({r.exercise_id})" if r.exercise_id else "")
        first = r.first_error
        summary = f"First error: step {first}." if first else "No incorrect steps."
        score = r.score
        blocks = [self.heading(head)]
        if r.conventions:
            blocks.append(self.bullet(r.conventions))
        blocks += [self.table(Table("", ("step", "status", "yours", "expected", "note"), rows)),
                   self.para(f"{summary} Score: {score['correct']}/{score['total']}, answered {r.answered} of {len(r.marks)}.")]
        if not all(m.revealed for m in r.marks):
            blocks.append(self.para("Expected values of blank steps are hidden: --reveal shows them."))
        if any(_has_wrong(m.elements) for m in r.marks):
            blocks.append(self.para("Wrong entries are boxed." if self._latex_values() else "Wrong entries are marked ✗."))
        return blocks

    # --- element-level marks inside vectors and matrices (CheckReport) ----------------------
    def wrong_entry(self, text: str) -> str:
        """How a wrong entry of a vector/matrix is flagged: ``0.7✗`` (LaTeX: a box)."""
        return rf"\boxed{{{text}}}" if self._latex_values() else f"{text}✗"

    def given_cell(self, m: S.Mark) -> str:
        """The student's value with wrong entries flagged (``[1.17, 0.7✗, 0.68]``)."""
        if m.given is None:
            return "—"
        if not (isinstance(m.given, list) and isinstance(m.elements, list) and _has_wrong(m.elements)):
            return self.value(m.given)
        cells = self._flag(m.given, m.elements)
        if not self._latex_values():
            return _nested_text(cells)
        return _latex_nested(cells)

    def _flag(self, value: Any, elements: Any) -> Any:
        if isinstance(value, list):
            els = elements if isinstance(elements, list) else [None] * len(value)
            return [self._flag(v, e) for v, e in zip(value, els)]
        text = self.value(value)
        return self.wrong_entry(text) if elements == "incorrect" else text

    def _latex_values(self) -> bool:
        """True for printers that write values as LaTeX (markdown, latex)."""
        return self.value("x") != "x"

    def _print_EquivalenceReport(self, r: S.EquivalenceReport) -> list[str]:
        blocks = [self.heading(f"Check: d/d{r.wrt} of {r.function}"),
                  self.para(f"Your answer: {r.answer}"), self.para(f"Verdict: {r.verdict} ({r.method})")]
        if r.expected is not None:
            blocks.append(self.para("Derivative: " + self.math(r.expected)))
        if r.counterexample:
            blocks.append(self.para("Differs at: " + ", ".join(f"{k} = {self.value(v)}" for k, v in r.counterexample.items())))
        if r.diagnosis:
            blocks.append(self.para(f"Likely mistake: {r.diagnosis}"))
        if r.domain:
            blocks.append(self.para(f"Domain sampled: {r.domain}"))
        if r.steps:
            blocks.append(self.steps(r.steps))
        return blocks

    def code(self, text: str) -> str:
        """User text shown as written (markdown: a code span)."""
        return text

    def labelled_math(self, label: str, expr: Any) -> str:
        """A paragraph 'label: formula'."""
        return self.para(f"{label}: {self.math(expr)}")

    def _print_DerivationCheck(self, r: S.DerivationCheck) -> list[str]:
        blocks = [self.heading(f"Check derivation: {r.source}")]
        given = ([f"f = {r.function}"] if r.function else []) + ([f"by {r.wrt}"] if r.wrt else [])
        given += [f"where {d}" for d in r.definitions]
        if given:
            blocks.append(self.para("; ".join(given)))
        if r.start is not None and r.function:
            blocks.append(self.labelled_math(f"The first step is compared with ∂f/∂{r.wrt}" if r.wrt else "The first step is compared with f", r.start))
        items = []
        for ln in r.lines:
            at = f" ({ln.at})" if ln.at else ""
            items.append(f"{DERIVATION_MARKS[ln.status]} line {ln.line}: {self.code('= ' + ln.text)}{at} — {ln.status}: {ln.reason}")
            if ln.diagnosis:
                items.append(f"↳ likely mistake ({ln.slip}): {ln.diagnosis}")
            if ln.difference:
                items.append(f"↳ {ln.difference}")
        blocks.append(self.bullet(items))
        first = f"; first wrong line: {r.first_wrong}" if r.first_wrong is not None else ""
        blocks.append(self.para(f"Verdict: {r.verdict}{first} (each line checked within {r.seconds_per_line:g} s)"))
        return blocks

    def _print_TrainReport(self, t: S.TrainReport) -> list[str]:
        blocks = [self.heading(f"Training: {t.model} ({t.backend}, {t.device}, seed {t.seed})")]
        if t.table is not None:
            blocks.append(self.table(t.table))
        rows = tuple((k, self.value(v)) for k, v in t.metrics.items() if not isinstance(v, (list, dict)))
        blocks.append(self.table(Table("Final metrics", ("metric", "value"), rows)))
        if t.notes:
            blocks.append(self.bullet(t.notes))
        if t.plots:
            blocks.append(self.para("Plots written: " + ", ".join(t.plots)))
        if t.summary:
            blocks.append(self.para(t.summary))
        return blocks

    def _print_Catalogue(self, c: S.Catalogue) -> list[str]:
        blocks = [self.heading("chainrule topics")]
        for pillar, items in c.sections.items():
            blocks += [self.heading(pillar, 2), self.table(Table("", ("name", "what"), tuple(items)))]
        if c.coverage is not None:
            blocks.append(self.table(c.coverage))
        return blocks

    def _print_Table(self, t: S.Table) -> list[str]:
        return [self.table(t)]

    def _print_StudyReport(self, r: S.StudyReport) -> list[str]:
        blocks = [self.heading(r.title), *(self.para(n) for n in r.notes), *(self.table(t) for t in r.tables)]
        if r.sheet is not None and r.sheet.exercises:
            blocks += self._print_Sheet(r.sheet)[1:]  # the exercises (and key) without the sheet's title
        return blocks


DERIVATION_MARKS = {"start": "·", "equivalent": "✓", "not-equivalent": "✗", "undecided": "?"}


class LatexMathPrinter(DocumentPrinter):
    """A document printer that writes formulas, values and shapes as LaTeX (the markdown and latex formats)."""

    TIMES = r" \times "

    def labelled_math(self, label: str, expr: Any) -> str:
        return self.para(f"{label}: ") + f"${self.math(expr)}$"

    def math(self, expr: Any) -> str:
        return to_latex(expr)

    def value(self, value: Any) -> str:
        return value_latex(value)

    def shape(self, shape: Any) -> str:
        s = shape_latex(shape)
        return rf" \in {s}" if s else ""


def _has_wrong(elements: Any) -> bool:
    if isinstance(elements, list):
        return any(_has_wrong(e) for e in elements)
    return elements == "incorrect"


def _nested_text(cells: Any) -> str:
    if isinstance(cells, list):
        return "[" + ", ".join(_nested_text(c) for c in cells) + "]"
    return str(cells)


def _latex_nested(cells: Any) -> str:
    """Already-formatted cells as LaTeX: a bmatrix for vectors and matrices, brackets of
    matrices for higher-dimensional values."""
    if cells and isinstance(cells[0], list) and cells[0] and isinstance(cells[0][0], list):
        return r"\left[" + ", ".join(_latex_nested(c) for c in cells) + r"\right]"
    rows = cells if cells and isinstance(cells[0], list) else [cells]
    return r"\begin{bmatrix} " + r" \\ ".join(" & ".join(r) for r in rows) + r" \end{bmatrix}"
