"""Steps and documents: the one data model for everything chainrule shows.

A derivation, a worked solution and a check report are all ordered lists of steps. Pillars build
these objects; printers (``derive.printing``) are the only code that turns them into text.
Nothing here imports SymPy or NumPy, so the model is cheap to import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from derive.document import Document
from derive.table import Table

__all__ = ["Table"]  # re-exported: a document holds tables (TrainReport.table, Catalogue.coverage)

STATUSES = ("correct", "rounded", "follow-through", "incorrect", "missing")
CREDITED = ("correct", "rounded", "follow-through")


@dataclass(frozen=True)
class Step:
    """One line of working: ``lhs = formula = value``, with why and what it needs.

    ``formula`` and ``lhs`` are SymPy expressions (or plain strings for prose-like quantities);
    ``value`` is a number, a nested list / ndarray, a string (a decision or class) or None.
    ``depends_on`` names earlier step ids; the checker uses it for follow-through. ``factors``
    holds, when the formula is a chain-rule product (or a sum of them) and numbers are known,
    the value of every factor of every term: ∂E/∂w5 = 0.741365 × 0.186816 × 0.59327.
    """

    id: str
    title: str
    formula: Any = None
    value: Any = None
    because: str = ""
    depends_on: tuple[str, ...] = ()
    lhs: Any = None
    shape: tuple[Any, ...] | None = None
    factors: tuple[tuple[float, ...], ...] | None = None  # a chain product's factors at the numbers, per term


@dataclass(frozen=True)
class Result:
    """A final result of a derivation: its expression and, with numbers given, its value."""

    name: str
    expr: Any
    value: Any = None
    meaning: str = ""


@dataclass(frozen=True)
class SymbolInfo:
    """Legend entry: what a symbol means and its shape (``()`` for a scalar)."""

    meaning: str
    shape: tuple[Any, ...] = ()


@dataclass
class Derivation(Document):
    """A derivation: ordered steps, the final results and a legend of symbols.

    ``notes`` state conventions once (layout, error definition); ``inputs`` holds the numbers
    the steps were evaluated at, when any were given; ``graph`` is the computational graph the
    steps came from (for ``--graph dot`` and the rich tree), or None for analytic derivations.
    """

    topic: str
    options: dict[str, Any]
    steps: list[Step]
    results: dict[str, Result] = field(default_factory=dict)
    symbols: dict[str, SymbolInfo] = field(default_factory=dict)
    inputs: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    graph: Any = None
    title: str = ""


@dataclass(frozen=True)
class Check:
    """One numerical check of a derived gradient: max relative error by one method."""

    parameter: str
    max_rel_error: float
    method: str
    tolerance: float
    points: int = 1

    @property
    def passed(self) -> bool:
        """True when the error is finite and within tolerance."""
        return self.max_rel_error == self.max_rel_error and self.max_rel_error <= self.tolerance


@dataclass
class Verification(Document):
    """A derivation together with the numerical checks of its results."""

    derivation: Derivation
    checks: list[Check]
    metric: str = "max |a − b| / max(|a|, |b|, 1e-8) over all elements and points"
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when every check passed (and there was at least one)."""
        return bool(self.checks) and all(c.passed for c in self.checks)


@dataclass
class Exercise(Document):
    """One generated exercise: its givens, the problem statement and the worked steps."""

    topic: str
    seed: int
    difficulty: str
    givens: dict[str, Any]
    statement: str
    steps: list[Step]
    conventions: list[str] = field(default_factory=list)
    variant: str | None = None

    @property
    def id(self) -> str:
        """Exercise id ``TOPIC@SEED``, then ``:difficulty`` unless ``exam``, then ``+variant``."""
        return exercise_id(self.topic, self.seed, self.difficulty, self.variant)


def exercise_id(topic: str, seed: int, difficulty: str = "exam", variant: str | None = None) -> str:
    """``TOPIC@SEED[:difficulty][+variant]`` — regenerates exactly the same exercise."""
    out = f"{topic}@{seed}"
    if difficulty != "exam":
        out += f":{difficulty}"
    return out + (f"+{variant}" if variant else "")


@dataclass
class Sheet(Document):
    """A practice sheet: exercises and (unless hidden) an answer key."""

    title: str
    exercises: list[Exercise]
    show_solutions: bool = True
    single: bool = False  # one exercise printed on its own (JSON: an object, not a list)


@dataclass(frozen=True)
class StepSpec:
    """Documentation of one step id of a problem type (``--list-steps``)."""

    id: str
    title: str
    kind: str  # number, vector, matrix, integer, choice
    min_decimals: int | None = None
    hint: str = ""


@dataclass
class StepList(Document):
    """The documented step ids of a problem type."""

    topic: str
    specs: list[StepSpec]
    givens: dict[str, str] = field(default_factory=dict)
    mistakes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Mark:
    """The verdict on one step of a student's work.

    ``status`` is one of STATUSES; ``expected`` the exact value; ``given`` the student's value
    as read; ``diagnosis`` names a known mistake that reproduces the student's number;
    ``elements`` holds per-element statuses for vectors and matrices (same nesting);
    ``revealed`` False: the expected value is not shown (a blank step, checked without
    ``--reveal``), though it is kept here.
    """

    id: str
    title: str
    status: str
    expected: Any
    given: Any = None
    diagnosis: str | None = None
    message: str = ""
    elements: Any = None
    follow_through_value: Any = None
    revealed: bool = True


@dataclass
class CheckReport(Document):
    """A checked hand calculation: one mark per step, the first error and a score."""

    topic: str
    givens: dict[str, Any]
    marks: list[Mark]
    exercise_id: str | None = None
    conventions: list[str] = field(default_factory=list)

    @property
    def first_error(self) -> str | None:
        """Id of the first step marked incorrect, or None."""
        return next((m.id for m in self.marks if m.status == "incorrect"), None)

    @property
    def score(self) -> dict[str, int]:
        """Credited steps (correct, rounded, follow-through) out of all steps."""
        good = sum(m.status in CREDITED for m in self.marks)
        return {"correct": good, "total": len(self.marks)}

    @property
    def answered(self) -> int:
        """How many steps were answered (not ``missing``)."""
        return sum(m.status != "missing" for m in self.marks)

    @property
    def exit_status(self) -> int:
        """``chainrule check``'s exit status: 1 when any answered step is incorrect, else 0."""
        return int(self.first_error is not None)


@dataclass
class StudyReport(Document):
    """A study-loop report (``progress``, ``review``): paragraphs, tables and, for review, the
    exercises to do next. ``data`` is its JSON form (the exercises are added to it)."""

    title: str
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    sheet: Sheet | None = None


@dataclass
class EquivalenceReport(Document):
    """Outcome of comparing a student's derivative with the true one (``check diff``)."""

    function: str
    wrt: str
    answer: str
    verdict: str  # equivalent, not-equivalent, unknown
    method: str
    expected: Any = None
    counterexample: dict[str, float] | None = None
    domain: str = ""
    steps: list[Step] = field(default_factory=list)
    diagnosis: str | None = None


@dataclass
class DerivationLine:
    """One checked line of a hand derivation (``check derivation``).

    ``status``: ``start`` (the chain's first line, nothing before it), ``equivalent``,
    ``not-equivalent`` or ``undecided``; ``reason`` says how; ``slip`` is the catalogue's
    kind of the named mistake and ``diagnosis`` its description; ``difference`` what the line
    differs by from the line before.
    """

    line: int
    text: str
    status: str
    reason: str
    diagnosis: str | None = None
    slip: str | None = None
    difference: str | None = None
    counterexample: dict[str, float] | None = None
    at: str = ""


@dataclass
class DerivationCheck(Document):
    """A hand derivation checked line by line: verdict, the first wrong line and every line."""

    source: str
    function: str | None
    wrt: str | None
    definitions: list[str]
    start: Any
    lines: list[DerivationLine]
    verdict: str  # equivalent, not-equivalent, undecided
    seconds_per_line: float = 0.0

    @property
    def first_wrong(self) -> int | None:
        """File line number of the first line not equivalent to the one before, or None."""
        return next((ln.line for ln in self.lines if ln.status == "not-equivalent"), None)

    @property
    def exit_status(self) -> int:
        """0 every line equivalent, 1 a line is not, 2 a line undecided (and none wrong)."""
        return {"equivalent": 0, "not-equivalent": 1}.get(self.verdict, 2)

    @property
    def undecided(self) -> str:
        """'line N: why' of the first undecided line ('' when there is none)."""
        return next((f"line {ln.line}: {ln.reason}" for ln in self.lines if ln.status == "undecided"), "")


@dataclass
class TrainReport(Document):
    """The outcome of a training run: final metrics, a table, the history and plots written."""

    model: str
    backend: str
    device: str
    seed: int
    metrics: dict[str, Any]
    table: Table | None = None
    history: list[dict[str, float]] = field(default_factory=list)
    plots: list[str] = field(default_factory=list)
    summary: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class Catalogue(Document):
    """What exists, per pillar: ``{pillar: [(name, summary), ...]}`` plus free-form extras."""

    sections: dict[str, list[tuple[str, str]]]
    coverage: Table | None = None
