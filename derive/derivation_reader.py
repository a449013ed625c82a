"""Reading a hand derivation for ``chainrule check derivation``: header lines, then one step a line.

The file (or stdin, ``-``) is plain UTF-8 text::

    # ∂E/∂w of one sigmoid unit           (# starts a comment, to the end of the line)
    f: 0.5*(t - out)**2                    (optional: the function)
    wrt: w                                 (optional: differentiate f by w; then line 1 is ∂f/∂w)
    where: out = sigmoid(net)              (definitions, one or more per line separated by ';')
    where: net = w*x + b
    expect: x ~ normal(mu, s)              (optional: E(g) in a line is ∫ g(x) N(x; mu, s²) dx)
    = (out - t) * d/dw out                 (one expression per line; a leading '=' continues)
    = (out - t) * out*(1 - out) * x

Every expression goes through the safe parser (:func:`derive.parse.read_formula`) with the
derivative operator ``d/dNAME`` allowed; nothing is evaluated as code. An ``at: NAME = expr``
line evaluates the chain there: the next step is compared with the line before at NAME = expr
(e.g. a stationary point). Bounds (docs/limits.md, "check derivation") are checked before the
work they protect.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from derive.errors import UserError
from derive.parse import MAX_FORMULA_CHARS, ParseError, read_formula

MAX_BYTES = 64_000
MAX_LINES = 1_000
MAX_STEPS = 60
MAX_DEFINITIONS = 40
MAX_LINE_CHARS = MAX_FORMULA_CHARS
HEADERS = ("f", "wrt", "where", "expect", "at")
EXPECT_RE = re.compile(r"^([^\W\d]\w*)\s*~\s*normal\s*\((.*)\)$")
# a textbook label before a step: ``∂E/∂w5 = …`` or ``dE/dw5 = …`` (the label names what the line is)
LABEL_RE = re.compile(r"^(?:∂|d)\s*([^\W\d]\w*)\s*/\s*(?:∂|d)\s*([^\W\d]\w*)\s*=(?!=)\s*(.*)$")


@dataclass(frozen=True)
class WrittenStep:
    """One expression line: its line number in the file, its text and the parsed expression
    (defined names and ``d/dNAME`` still unevaluated); ``at`` is a substitution (name, value)
    applied to the line before it."""

    number: int
    text: str
    expr: Any
    at: tuple[Any, Any] | None = None
    at_text: str = ""


@dataclass
class WrittenDerivation:
    """A derivation as written: function, variable, definitions (in file order) and steps."""

    source: str
    function_text: str | None = None
    function: Any = None
    wrt: str | None = None
    definitions: dict[str, Any] = field(default_factory=dict)
    definition_texts: list[str] = field(default_factory=list)
    steps: list[WrittenStep] = field(default_factory=list)
    expectation: tuple[Any, Any, Any] | None = None  # expect: x ~ normal(mean, sd)


def read_source(path: str | Path) -> tuple[str, str]:
    """(name, text) of the derivation file ``path``, or of stdin when it is ``-``, at most MAX_BYTES."""
    arg = "FILE"
    if str(path) == "-":
        if sys.stdin is None:
            raise UserError("no standard input to read", arg)
        stream = getattr(sys.stdin, "buffer", sys.stdin)  # a text-only stream (tests) gives str
        try:
            data = stream.read(MAX_BYTES + 1)
        except (OSError, ValueError, UnicodeDecodeError):
            raise UserError("cannot read standard input as UTF-8 text", arg) from None
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogatepass")
        if len(data) > MAX_BYTES:
            raise UserError(f"standard input is too large (at most {MAX_BYTES:,} bytes)", arg)
        try:
            return "<stdin>", data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UserError(f"standard input is not UTF-8 text (byte {exc.start})", arg) from None
    from derive.files import read_text
    return str(path), read_text(path, arg, cap=MAX_BYTES)


def _error(source: str, number: int, message: str) -> UserError:
    return UserError(message, f"{source}:{number}")


def _name(text: str, source: str, number: int, what: str) -> str:
    import sympy as sp
    name = text.strip()
    if not name.isidentifier() or len(name) > 40 or name.startswith("_"):
        raise _error(source, number, f"{what} {name[:40]!r} is not a variable name")
    if not isinstance(_parse(name, source, number), sp.Symbol):
        raise _error(source, number, f"{what} {name!r} is a constant, not a variable")
    return name


def _parse(text: str, source: str, number: int, symbols: set[str] | None = None, derivatives: bool = False,
           expectation: bool = False) -> Any:
    from derive.derivation_algebra import Expectation
    try:
        return read_formula(text, symbols, derivatives=derivatives, functions={"E": Expectation} if expectation else None).expr
    except ParseError as exc:
        raise _error(source, number, str(exc)) from None


def _lines(text: str, source: str) -> list[tuple[int, str]]:
    """(line number, text without comment) of every line that is not blank, bounds checked first."""
    if text.count("\n") + 1 > MAX_LINES:
        raise UserError(f"too many lines (at most {MAX_LINES:,})", source)
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        if len(raw) > MAX_LINE_CHARS + 200:  # room for a comment after a formula of MAX_LINE_CHARS
            raise _error(source, number, f"line too long ({len(raw):,} characters; at most {MAX_LINE_CHARS + 200})")
        line = raw.split("#", 1)[0].strip()
        if "\x00" in line:
            raise _error(source, number, "a NUL character (is this a text file?)")
        if line:
            out.append((number, line))
    return out


def _header(line: str) -> tuple[str, str] | None:
    key, sep, rest = line.partition(":")
    key = key.strip().lower()
    return (key, rest.strip()) if sep and key in HEADERS else None


def read_derivation(text: str, source: str = "FILE") -> WrittenDerivation:
    """The derivation in ``text``: headers parsed first (so steps may use every defined name),
    then each step; a bad line is a UserError naming ``source:LINE``."""
    lines = _lines(text, source)
    out = WrittenDerivation(source)
    headers, body = [], []
    function_header = None
    for number, line in lines:
        head = _header(line)
        if head and head[0] != "at":
            if body:
                raise _error(source, number, f"'{head[0]}:' must come before the first step")
            headers.append((number, *head))
        else:
            body.append((number, line, head))
    for number, key, rest in headers:
        if not rest:
            raise _error(source, number, f"'{key}:' needs a value")
        if key == "f":
            if function_header is not None:
                raise _error(source, number, "'f:' given twice")
            function_header = (number, rest)
        elif key == "wrt":
            if out.wrt is not None:
                raise _error(source, number, "'wrt:' given twice")
            out.wrt = _name(rest, source, number, "wrt")
        elif key == "expect":
            if out.expectation is not None:
                raise _error(source, number, "'expect:' given twice")
            out.expectation = _expectation(rest, source, number)
        else:
            for part in rest.split(";"):
                _define(out, part, source, number)
    if function_header is not None:  # after the loop: it may use E(…) of an 'expect:' further down
        out.function_text = function_header[1]
        out.function = _parse(function_header[1], source, function_header[0], expectation=out.expectation is not None)
    if out.wrt is not None and out.function is None:
        raise UserError("'wrt:' needs 'f:' (the function to differentiate)", source)
    symbols = _known_names(out)
    if out.wrt is not None and symbols is not None and out.wrt not in symbols:
        raise UserError(f"wrt: '{out.wrt}' does not appear in f or the definitions", source)
    pending_at = None
    for number, line, head in body:
        if head:  # at: NAME = value
            name, sep, value = head[1].partition("=")
            if not sep:
                raise _error(source, number, "expected 'at: NAME = value'")
            name = _name(name, source, number, "at")
            if symbols is not None and name not in symbols:
                raise _error(source, number, f"unknown variable {name!r} (known: {', '.join(sorted(symbols))})")
            pending_at = (read_formula(name).expr, _parse(value, source, number, symbols), head[1])
            continue
        line = _unlabelled(line, out, source, number)
        expr_text = line[1:].strip() if line.startswith("=") else line
        if not line.startswith("=") and (out.steps or out.function is not None):
            raise _error(source, number, "a step starts with '=' (only the chain's first line may leave it out, when there is no 'f:')")
        if len(out.steps) >= MAX_STEPS:
            raise _error(source, number, f"too many steps (at most {MAX_STEPS})")
        expr = _parse(expr_text, source, number, symbols, derivatives=True, expectation=out.expectation is not None)
        at = (pending_at[0], pending_at[1]) if pending_at else None
        out.steps.append(WrittenStep(number, expr_text, expr, at, pending_at[2] if pending_at else ""))
        pending_at = None
    if pending_at is not None:
        raise UserError("'at:' must be followed by a step", source)
    _check_derivative_variables(out)
    if not out.steps:
        raise UserError("no steps to check (write one expression per line, each after '=')", source)
    if out.function is None and len(out.steps) < 2:
        raise UserError("nothing to compare: write 'f:' (and 'wrt:') or at least two steps", source)
    return out


def _unlabelled(line: str, out: Any, source: str, number: int) -> str:
    """A step written after a label, ``∂E/∂w5 = expr`` (or ``dE/dw5 = expr``), as the step it is:
    ``= expr``, or ``expr`` for the chain's first line when there is no 'f:'. The label's
    variable must be the one of 'wrt:' when that is given."""
    match = LABEL_RE.match(line)
    if match is None:
        return line
    if out.wrt is not None and match.group(2) != out.wrt:
        raise _error(source, number, f"the label ∂{match.group(1)}/∂{match.group(2)} differentiates by "
                                     f"{match.group(2)!r}, but 'wrt:' is {out.wrt!r}")
    first = not out.steps and out.function is None
    return match.group(3) if first else f"= {match.group(3)}"


def _expectation(text: str, source: str, number: int) -> tuple[Any, Any, Any]:
    """(x, mean, sd) of ``expect: x ~ normal(mean, sd)``: E(…) in the steps integrates against it."""
    match = EXPECT_RE.match(text.strip())
    args = _top_level_split(match.group(2)) if match else []
    if not match or len(args) != 2:
        raise _error(source, number, "expected 'expect: x ~ normal(mean, sd)'")
    name = _name(match.group(1), source, number, "expect")
    return _parse(name, source, number), _parse(args[0], source, number), _parse(args[1], source, number)


def _top_level_split(text: str) -> list[str]:
    """``text`` split at the commas outside brackets."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch in "([" and 1 or -(ch in ")]")
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return parts + [text[start:]]


def _define(out: WrittenDerivation, part: str, source: str, number: int) -> None:
    name, sep, value = part.partition("=")
    if not sep or not value.strip():
        raise _error(source, number, "expected 'where: NAME = expression'")
    name = _name(name, source, number, "where")
    if name in out.definitions:
        raise _error(source, number, f"'{name}' defined twice")
    if len(out.definitions) >= MAX_DEFINITIONS:
        raise _error(source, number, f"too many definitions (at most {MAX_DEFINITIONS})")
    out.definitions[name] = _parse(value, source, number)
    out.definition_texts.append(f"{name} = {value.strip()}")
    _check_acyclic(out.definitions, name, source, number)


def _check_acyclic(definitions: dict[str, Any], name: str, source: str, number: int) -> None:
    """Refuse a definition through which a name would stand for itself (a = b, b = a)."""
    seen, stack = set(), [name]
    while stack:
        current = stack.pop()
        for s in definitions[current].free_symbols:
            if s.name == name:
                raise _error(source, number, f"'{name}' is defined in terms of itself")
            if s.name in definitions and s.name not in seen:
                seen.add(s.name)
                stack.append(s.name)


def _known_names(out: WrittenDerivation) -> set[str] | None:
    """The names a step may use when f is given (f's and the definitions'), else None (any)."""
    if out.function is None:
        return None
    names = {s.name for s in out.function.free_symbols} | set(out.definitions)
    for value in [*out.definitions.values(), *(out.expectation or ())]:
        names |= {s.name for s in value.free_symbols}
    return names


def _plain_names(expr: Any) -> set[str]:
    """Names used in ``expr`` other than as the variable of a d/dNAME."""
    import sympy as sp
    return {s.name for s in expr.replace(lambda n: isinstance(n, sp.Derivative), lambda n: n.expr).free_symbols}


def _check_derivative_variables(out: WrittenDerivation) -> None:
    """Refuse d/dNAME where NAME is used nowhere else in the derivation (a typo, or d/d of nothing)."""
    import sympy as sp
    names = _plain_names(out.function) if out.function is not None else set()
    names |= set(out.definitions) | {s.name for v in out.definitions.values() for s in v.free_symbols}
    for step in out.steps:
        names |= _plain_names(step.expr)
    for step in out.steps:
        for node in sp.preorder_traversal(step.expr):
            if isinstance(node, sp.Derivative):
                for var in node.variables:
                    if var.name not in names:
                        raise _error(out.source, step.number, f"d/d{var.name}: '{var.name}' is not a variable of this derivation")
