"""The safe parser: user text becomes numbers, arrays or SymPy expressions, never code.

Text is parsed with Python's ``ast`` in ``eval`` mode and walked with a whitelist: numbers,
``+ - * / **``, unary minus, lists/tuples (vectors and matrices), the constants ``pi`` and ``e``,
names the caller allows, and functions from a fixed table (exp, log, sqrt, sigmoid, tanh, relu,
…). Nothing is ever passed to ``eval``, ``exec``, ``sympify`` or ``parse_expr``. Sizes are
bounded so that oversized input is refused at once: at most ``MAX_CHARS`` characters,
``MAX_NODES`` syntax nodes, ``MAX_ELEMENTS`` list elements, ``|exponent| ≤ MAX_EXPONENT``.

>>> parse_value("[[1, 1/2], [exp(0), -0.25]]")
[[1.0, 0.5], [1.0, -0.25]]
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from derive.errors import UserError

MAX_CHARS = 20_000
MAX_NODES = 20_000
MAX_ELEMENTS = 10_000
MAX_DEPTH = 4
MAX_EXPONENT = 1_000
MAX_LITERAL_DIGITS = 40
NAME_RE_MAX = 40


class ParseError(UserError):
    """Text that is not a number, array or allowed expression; the message says why."""


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


NUMERIC_FUNCTIONS: dict[str, Callable[..., float]] = {
    "exp": math.exp, "log": math.log, "ln": math.log, "sqrt": math.sqrt, "abs": abs,
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "tanh": math.tanh, "sigmoid": _sigmoid,
    "relu": lambda x: max(0.0, x), "softplus": lambda x: math.log1p(math.exp(-abs(x))) + max(x, 0.0),
    "log2": math.log2, "log10": math.log10, "max": max, "min": min,
}
CONSTANTS = {"pi": math.pi, "e": math.e}


@dataclass(frozen=True)
class Answer:
    """A parsed answer: its value and the decimal places written (None = exact, e.g. 1/3).

    For arrays, ``decimals`` has the same nesting as ``value``; ``text`` is what was typed.
    """

    value: Any
    decimals: Any
    text: str


def _tree(text: str) -> ast.Expression:
    if not isinstance(text, str):
        raise ParseError(f"expected text, got {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise ParseError(f"input too long ({len(text)} characters; at most {MAX_CHARS})")
    if not text.strip():
        raise ParseError("empty input")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise ParseError(f"cannot read {_short(text)!r}: not a number, list or expression") from exc
    count = sum(1 for _ in ast.walk(tree))
    if count > MAX_NODES:
        raise ParseError(f"input too large ({count} parts; at most {MAX_NODES})")
    return tree


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _check_literal(node: ast.Constant, source: str) -> None:
    if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
        raise ParseError(f"only numbers are allowed, not {type(node.value).__name__} literals")
    seg = ast.get_source_segment(source, node) or ""
    if sum(ch.isdigit() for ch in seg) > MAX_LITERAL_DIGITS:
        raise ParseError(f"number too long (more than {MAX_LITERAL_DIGITS} digits)")


def _decimals_of(seg: str) -> int:
    """Decimal places a literal was written with: '0.870' → 3, '12' → 0, '1.2e-3' → 4."""
    seg = seg.lower().replace("_", "")
    mant, _, exp = seg.partition("e")
    places = len(mant.split(".", 1)[1]) if "." in mant else 0
    return max(0, places - (int(exp) if exp else 0))


class _NumericEvaluator:
    """Evaluates a whitelisted tree to floats and nested lists."""

    def __init__(self, source: str, names: dict[str, Any]):
        self.source, self.names, self.elements = source, names, 0

    def run(self, node: ast.AST, depth: int = 0) -> Any:
        if isinstance(node, ast.Expression):
            return self.run(node.body, depth)
        if isinstance(node, (ast.List, ast.Tuple)):
            if depth >= MAX_DEPTH:
                raise ParseError(f"lists nested too deeply (at most {MAX_DEPTH} levels)")
            self.elements += len(node.elts)
            if self.elements > MAX_ELEMENTS:
                raise ParseError(f"too many elements (at most {MAX_ELEMENTS})")
            return [self.run(e, depth + 1) for e in node.elts]
        return self.scalar(node)

    def scalar(self, node: ast.AST) -> float:
        if isinstance(node, ast.Constant):
            _check_literal(node, self.source)
            return float(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = self.scalar(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp):
            return self.binop(node)
        if isinstance(node, ast.Name):
            if node.id in self.names:
                return self.names[node.id]
            if node.id in CONSTANTS:
                return CONSTANTS[node.id]
            raise ParseError(f"unknown name {node.id!r}")
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, (ast.List, ast.Tuple)):
            raise ParseError("a list cannot be used inside arithmetic")
        raise ParseError(f"{type(node).__name__} is not allowed (only numbers, + - * / **, lists and functions)")

    def binop(self, node: ast.BinOp) -> float:
        a, b = self.scalar(node.left), self.scalar(node.right)
        try:
            if isinstance(node.op, ast.Add):
                return a + b
            if isinstance(node.op, ast.Sub):
                return a - b
            if isinstance(node.op, ast.Mult):
                return a * b
            if isinstance(node.op, ast.Div):
                return a / b
            if isinstance(node.op, ast.Pow):
                if abs(b) > MAX_EXPONENT:
                    raise ParseError(f"exponent {b:g} too large (|exponent| ≤ {MAX_EXPONENT})")
                r = a ** b
                if isinstance(r, complex):
                    raise ParseError("power of a negative number to a fractional exponent")
                return r
        except ZeroDivisionError as exc:
            raise ParseError("division by zero") from exc
        except OverflowError as exc:
            raise ParseError("number too large") from exc
        raise ParseError(f"operator {type(node.op).__name__} is not allowed")

    def call(self, node: ast.Call) -> float:
        if not isinstance(node.func, ast.Name) or node.func.id not in NUMERIC_FUNCTIONS:
            name = node.func.id if isinstance(node.func, ast.Name) else "this call"
            raise ParseError(f"function {name!r} is not allowed (allowed: {', '.join(sorted(NUMERIC_FUNCTIONS))})")
        if node.keywords or not node.args or len(node.args) > 8:
            raise ParseError(f"{node.func.id}() takes one or a few numbers")
        args = [self.scalar(a) for a in node.args]
        try:
            return float(NUMERIC_FUNCTIONS[node.func.id](*args))
        except (ValueError, OverflowError, TypeError) as exc:
            raise ParseError(f"{node.func.id}({', '.join(f'{a:g}' for a in args)}) is undefined") from exc


def _is_finite(value: Any) -> bool:
    if isinstance(value, list):
        return all(_is_finite(v) for v in value)
    return math.isfinite(value)


def parse_value(text: str, names: dict[str, Any] | None = None) -> Any:
    """A number (float) or a nested list of numbers from user text such as ``exp(-0.5)``."""
    tree = _tree(text)
    value = _NumericEvaluator(text.strip(), names or {}).run(tree)
    if not _is_finite(value):
        raise ParseError("value is not finite")
    _check_rectangular(value)
    return value


def _check_rectangular(value: Any) -> None:
    if isinstance(value, list) and value and any(isinstance(v, list) for v in value):
        if not all(isinstance(v, list) for v in value):
            raise ParseError("mix of numbers and lists; a matrix needs rows of equal length")
        if len({len(v) for v in value}) > 1:
            raise ParseError("rows of different lengths; a matrix needs rows of equal length")
        for v in value:
            _check_rectangular(v)


def _decimals_tree(node: ast.AST, source: str) -> Any:
    """Decimal places written, mirroring the value's nesting; None where the entry is exact."""
    if isinstance(node, ast.Expression):
        return _decimals_tree(node.body, source)
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_decimals_tree(e, source) for e in node.elts]
    if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
        node = node.operand
    if isinstance(node, ast.Constant):
        return _decimals_of(ast.get_source_segment(source, node) or "")
    return None


def parse_answer(text: str, kind: str = "number") -> Answer:
    """A student's answer: value plus the decimal places written (for rounding credit).

    ``kind`` is ``choice`` for words such as ``reject``; anything else is numeric.
    """
    if kind == "choice":
        if len(text) > 100:
            raise ParseError("answer too long")
        return Answer(" ".join(text.strip().lower().replace("_", " ").split()), None, text)
    source = text.strip()
    tree = _tree(source)
    value = _NumericEvaluator(source, {}).run(tree)
    if not _is_finite(value):
        raise ParseError("value is not finite")
    _check_rectangular(value)
    return Answer(value, _decimals_tree(tree, source), text)


def answer_from_number(value: Any) -> Answer:
    """An Answer from an already-typed value (TOML floats): decimals from the shortest repr."""
    def dec(v: Any) -> Any:
        if isinstance(v, list):
            return [dec(x) for x in v]
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ParseError(f"expected numbers, got {type(v).__name__}")
        return 0 if isinstance(v, int) else _decimals_of(repr(float(v)))
    def val(v: Any) -> Any:
        return [val(x) for x in v] if isinstance(v, list) else float(v)
    if isinstance(value, list):
        _check_rectangular(value)
    return Answer(val(value), dec(value), repr(value))


# --- symbolic expressions (check diff) -------------------------------------------------------

def _sympy_functions() -> dict[str, Any]:
    import sympy as sp

    from derive.scalar_functions import relu, sigmoid, softplus
    return {"exp": sp.exp, "log": sp.log, "ln": sp.log, "sqrt": sp.sqrt, "abs": sp.Abs,
            "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "tanh": sp.tanh, "sigmoid": sigmoid,
            "relu": relu, "softplus": softplus, "Heaviside": sp.Heaviside, "sign": sp.sign,
            "max": sp.Max, "min": sp.Min}


def parse_expression(text: str, symbols: Iterable[str] | None = None) -> Any:
    """A SymPy expression from user text, e.g. ``(1-tanh(w*x+b)**2)*x``.

    ``symbols``: the names allowed as variables (all identifiers when None). Built node by node
    from the syntax tree; the text itself never reaches SymPy's parser.
    """
    import sympy as sp

    allowed = None if symbols is None else set(symbols)
    funcs = _sympy_functions()
    source = text.strip()
    tree = _tree(source)

    def build(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return build(node.body)
        if isinstance(node, ast.Constant):
            _check_literal(node, source)
            seg = ast.get_source_segment(source, node) or ""
            return sp.Integer(node.value) if isinstance(node.value, int) else sp.Rational(seg) if "e" not in seg.lower() else sp.Float(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = build(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp):
            a, b = build(node.left), build(node.right)
            ops = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
                   ast.Div: lambda: a / b}
            if type(node.op) in ops:
                return ops[type(node.op)]()
            if isinstance(node.op, ast.Pow):
                if b.is_number and (not b.is_finite or abs(float(b)) > MAX_EXPONENT):
                    raise ParseError(f"exponent too large (|exponent| ≤ {MAX_EXPONENT})")
                if not b.is_number and a.is_number and not b.free_symbols:
                    raise ParseError("exponent must be a number or an expression in the variables")
                return a ** b
            raise ParseError(f"operator {type(node.op).__name__} is not allowed")
        if isinstance(node, ast.Name):
            return name(node.id)
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in funcs:
                fname = node.func.id if isinstance(node.func, ast.Name) else "this call"
                raise ParseError(f"function {fname!r} is not allowed (allowed: {', '.join(sorted(funcs))})")
            if node.keywords or not node.args or len(node.args) > 4:
                raise ParseError(f"{node.func.id}() takes one or a few arguments")
            return funcs[node.func.id](*[build(a) for a in node.args])
        raise ParseError(f"{type(node).__name__} is not allowed in a formula")

    def name(ident: str) -> Any:
        if ident == "pi":
            return sp.pi
        if ident == "e" and (allowed is None or "e" not in allowed):
            return sp.E
        if len(ident) > NAME_RE_MAX or ident.startswith("_"):
            raise ParseError(f"name {ident[:20]!r} is not allowed")
        if allowed is not None and ident not in allowed:
            raise ParseError(f"unknown variable {ident!r} (known: {', '.join(sorted(allowed))})")
        return sp.Symbol(ident, real=True)

    try:
        return build(tree)
    except (RecursionError, OverflowError, MemoryError) as exc:
        raise ParseError("expression too large") from exc
