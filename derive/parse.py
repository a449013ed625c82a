"""The safe parser: user text becomes numbers, arrays or SymPy expressions, never code.

Text is parsed with Python's ``ast`` in ``eval`` mode and walked with a whitelist: numbers,
``+ - * / **``, unary minus, lists/tuples (vectors and matrices), the constants ``pi`` and ``e``,
names the caller allows, and functions from a fixed table (exp, log, sqrt, sigmoid, tanh, relu,
erf, sech, cosh, …). Nothing is ever passed to ``eval``, ``exec``, ``sympify`` or ``parse_expr``.

Every bound is checked before the work it protects, so that oversized input is refused at once
(docs/limits.md lists them with their messages):

    MAX_CHARS           characters of one input (room for MAX_ELEMENTS numbers of 8 digits)
    MAX_FORMULA_CHARS   characters of one formula (read_formula, parse_expression)
    MAX_TEXT_NESTING    brackets + operators in one chain, counted on the text before parsing
    MAX_NODES           syntax-tree nodes
    MAX_NESTING         syntax-tree depth (operators, calls and brackets inside each other)
    MAX_ELEMENTS        numbers in all the lists of one input
    MAX_DEPTH           levels of list nesting (4: a batch of matrices)
    MAX_LITERAL_DIGITS  digits of one number as written
    MAX_EXPONENT        |b| in a ** b with a numeric exponent
    MAX_NUMBER_DIGITS   decimal digits of an exact number a formula could produce, estimated
                        from log10 before SymPy computes it

Each part of a number's computation stays a finite float (|x| ≤ 1.8e308); a domain error
(``log(-1)``, ``sqrt(-1)``, ``1/0``) is a :class:`ParseError`, the project's input error.

>>> parse_value("[[1, 1/2], [exp(0), -0.25]]")
[[1.0, 0.5], [1.0, -0.25]]
>>> parse_value("2**-2 + sigmoid(0)")
0.75
>>> parse_answer("[0.50, 0.125]").decimals
[2, 3]
>>> read_formula("x^2", ["x"]).notes
("'^' read as '**' (a power)",)
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from derive.errors import UserError

MAX_CHARS = 100_000
MAX_FORMULA_CHARS = 500
MAX_TEXT_NESTING = 200
MAX_NODES = 50_000
MAX_NESTING = 50
MAX_ELEMENTS = 10_000
MAX_DEPTH = 4
MAX_LITERAL_DIGITS = 40
MAX_EXPONENT = 1_000
MAX_NUMBER_DIGITS = 1_000
NAME_RE_MAX = 40


class ParseError(UserError):
    """Text that is not a number, array or allowed expression; the message says why."""


def _sigmoid(x: float) -> float:
    """σ(x) = 1/(1 + e^(−x)), written as e^x/(1 + e^x) for x < 0 so that e^(−x) never overflows."""
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def _sech(x: float) -> float:
    """sech(x) = 1/cosh(x) = 2e^(−|x|)/(1 + e^(−2|x|)), which never overflows."""
    t = math.exp(-abs(x))
    return 2.0 * t / (1.0 + t * t)


NUMERIC_FUNCTIONS: dict[str, Callable[..., float]] = {
    "exp": math.exp, "log": math.log, "ln": math.log, "sqrt": math.sqrt, "abs": abs,
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "tanh": math.tanh, "sigmoid": _sigmoid,
    "relu": lambda x: max(0.0, x), "softplus": lambda x: math.log1p(math.exp(-abs(x))) + max(x, 0.0),
    "log2": math.log2, "log10": math.log10, "max": lambda *a: max(a), "min": lambda *a: min(a),
    "erf": math.erf, "sech": _sech, "cosh": math.cosh, "sinh": math.sinh, "atan": math.atan, "arctan": math.atan,
}
MANY_ARGUMENTS = {"max": 8, "min": 8}  # every other function takes exactly one number
CONSTANTS = {"pi": math.pi, "e": math.e}
_FORMULA_NUMBERS = {**NUMERIC_FUNCTIONS, "Heaviside": lambda x, h=0.5: h if x == 0 else float(x > 0),
                    "sign": lambda x: float((x > 0) - (x < 0))}


@dataclass(frozen=True)
class Answer:
    """A parsed answer: its value and the decimal places written (None = exact, e.g. 1/3).

    For arrays, ``decimals`` has the same nesting as ``value``; ``text`` is what was typed.
    """

    value: Any
    decimals: Any
    text: str


@dataclass(frozen=True)
class Formula:
    """A SymPy expression read from text, with notes on how the text was read (``^`` as ``**``, …)."""

    expr: Any
    notes: tuple[str, ...] = ()


# --- reading text into a bounded syntax tree --------------------------------------------------

_OPENERS, _CLOSERS, _OPERATORS = frozenset("([{"), frozenset(")]}"), frozenset("+-*/%@<>=&|^~!")


def text_nesting(text: str) -> int:
    """An upper bound on how deeply ``text`` nests, read from the characters alone (linear).

    A chain of operands joined by k operators is at most k levels deep above its deepest
    operand, and a bracketed group one level above its contents; a comma ends a chain. The
    syntax tree is at most one deeper than this. Checked before ``ast.parse``, whose own
    recursion deep input would exhaust.

    >>> text_nesting("[1, -2]"), text_nesting("-(-(1))"), text_nesting("1+1+1"), text_nesting("-exp(1)+1")
    (2, 4, 2, 3)
    """
    outer: list[tuple[int, int, int]] = []  # (operators, deepest group, deepest finished chain) of each enclosing level
    ops = inner = finished = 0
    for ch in text:
        if ch in _OPENERS:
            outer.append((ops, inner, finished))
            ops = inner = finished = 0
        elif ch in _CLOSERS and outer:
            value = max(finished, ops + inner)
            ops, inner, finished = outer.pop()
            inner = max(inner, value + 1)
        elif ch == ",":
            finished, ops, inner = max(finished, ops + inner), 0, 0
        elif ch in _OPERATORS:
            ops += 1
    while outer:  # brackets left open (ast.parse will refuse the text; the bound still holds)
        value = max(finished, ops + inner)
        ops, inner, finished = outer.pop()
        inner = max(inner, value + 1)
    return max(finished, ops + inner)


def _tree(text: str) -> ast.Expression:
    if not isinstance(text, str):
        raise ParseError(f"expected text, got {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise ParseError(f"input too long ({len(text)} characters; at most {MAX_CHARS})")
    if not text.strip():
        raise ParseError("empty input")
    if text_nesting(text) > MAX_TEXT_NESTING:
        raise ParseError(f"nested too deeply (more than {MAX_TEXT_NESTING} brackets and operators in one chain)")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise ParseError(f"cannot read {_short(text)!r}: not a number, list or expression") from exc
    _check_size(tree)
    return tree


def _check_size(tree: ast.Expression) -> None:
    """Refuse a tree with more than MAX_NODES nodes or deeper than MAX_NESTING (iteratively)."""
    count, stack = 1, [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if depth > MAX_NESTING:
            raise ParseError(f"nested too deeply (more than {MAX_NESTING} levels)")
        for child in ast.iter_child_nodes(node):
            stack.append((child, depth + isinstance(child, ast.expr)))
    if count > MAX_NODES:
        raise ParseError(f"input too large ({count} parts; at most {MAX_NODES})")


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


class _Source:
    """The text a tree was parsed from; a node's own text in time proportional to its length.

    ``ast`` gives UTF-8 byte columns per line, so the line starts are found once (unlike
    ``ast.get_source_segment``, which splits the whole text again for every node).
    """

    def __init__(self, text: str):
        self.data = text.encode("utf-8", "surrogatepass")
        self.starts = [0] + [m.end() for m in re.finditer(rb"\r\n|\r|\n", self.data)]

    def segment(self, node: ast.AST) -> str:
        first = self.starts[node.lineno - 1] + node.col_offset
        last = self.starts[node.end_lineno - 1] + node.end_col_offset
        return self.data[first:last].decode("utf-8", "replace")


def _literal(node: ast.Constant, source: _Source) -> float:
    """A number literal as a float: not a bool/string, at most MAX_LITERAL_DIGITS digits, finite."""
    if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
        raise ParseError(f"only numbers are allowed, not {type(node.value).__name__} literals")
    if sum(ch.isalnum() for ch in source.segment(node)) > MAX_LITERAL_DIGITS:
        raise ParseError(f"number too long (more than {MAX_LITERAL_DIGITS} digits)")
    value = float(node.value)
    if not math.isfinite(value):
        raise ParseError(f"number {_short(source.segment(node))} too large (at most ±1.8e308)")
    return value


def _decimals_of(seg: str) -> int:
    """Decimal places a literal was written with: '0.870' → 3, '12' → 0, '1.2e-3' → 4."""
    seg = seg.lower().replace("_", "")
    mant, _, exp = seg.partition("e")
    places = len(mant.split(".", 1)[1]) if "." in mant else 0
    return max(0, places - (int(exp) if exp else 0))


# --- numbers -----------------------------------------------------------------------------------

class _NumericEvaluator:
    """Evaluates a whitelisted tree to floats and nested lists; every intermediate value is finite."""

    def __init__(self, source: _Source, names: dict[str, Any], functions: dict[str, Callable[..., float]] = NUMERIC_FUNCTIONS,
                 constants: dict[str, float] = CONSTANTS):
        self.source, self.names, self.functions, self.constants, self.elements = source, names, functions, constants, 0

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
            return _literal(node, self.source)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = self.scalar(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp):
            return _finite(self.binop(node))
        if isinstance(node, ast.Name):
            if node.id in self.names:
                return self.names[node.id]
            if node.id in self.constants:
                return self.constants[node.id]
            raise ParseError(f"unknown name {node.id[:NAME_RE_MAX]!r}")
        if isinstance(node, ast.Call):
            return _finite(self.call(node))
        if isinstance(node, (ast.List, ast.Tuple)):
            raise ParseError("a list cannot be used inside arithmetic")
        raise ParseError(f"{type(node).__name__} is not allowed (only numbers, + - * / **, lists and functions)")

    def binop(self, node: ast.BinOp) -> float:
        if isinstance(node.op, ast.BitXor):
            raise ParseError("'^' is not a power here; write ** (e.g. 2**3)")
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
            raise ParseError("number too large (at most ±1.8e308)") from exc
        raise ParseError(f"operator {type(node.op).__name__} is not allowed")

    def call(self, node: ast.Call) -> float:
        name = node.func.id if isinstance(node.func, ast.Name) else "this call"
        if name not in self.functions:
            raise ParseError(f"function {name[:NAME_RE_MAX]!r} is not allowed (allowed: {', '.join(sorted(self.functions))})")
        if node.keywords or not node.args or len(node.args) > MANY_ARGUMENTS.get(name, 1 + (name == "Heaviside")):
            raise ParseError(f"{name}() takes {'one or a few numbers' if name in MANY_ARGUMENTS else 'one number'}")
        args = [self.scalar(a) for a in node.args]
        shown = f"{name}({', '.join(f'{a:g}' for a in args)})"
        try:
            return float(self.functions[name](*args))
        except OverflowError as exc:
            raise ParseError(f"{shown} is too large (beyond ±1.8e308)") from exc
        except (ValueError, TypeError, ZeroDivisionError) as exc:
            raise ParseError(f"{shown} is undefined") from exc


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ParseError("number too large (at most ±1.8e308)")
    return value


def parse_value(text: str, names: dict[str, Any] | None = None) -> Any:
    """A number (float) or a nested list of numbers from user text such as ``exp(-0.5)``.

    >>> parse_value("exp(-0.5)") == math.exp(-0.5)
    True
    >>> try:
    ...     parse_value("log(-1)")
    ... except ParseError as exc:
    ...     print(exc)
    log(-1) is undefined
    """
    tree = _tree(text)
    value = _NumericEvaluator(_Source(text.strip()), names or {}).run(tree)
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


def _decimals_tree(node: ast.AST, source: _Source) -> Any:
    """Decimal places written, mirroring the value's nesting; None where the entry is exact."""
    if isinstance(node, ast.Expression):
        return _decimals_tree(node.body, source)
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_decimals_tree(e, source) for e in node.elts]
    if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
        node = node.operand
    if isinstance(node, ast.Constant):
        return _decimals_of(source.segment(node)) if isinstance(node.value, float) else 0
    return None


def parse_answer(text: str, kind: str = "number") -> Answer:
    """A student's answer: value plus the decimal places written (for rounding credit).

    ``kind`` is ``choice`` for words such as ``reject``; anything else is numeric.

    >>> parse_answer("-0.870")
    Answer(value=-0.87, decimals=3, text='-0.870')
    """
    if kind == "choice":
        if not isinstance(text, str):
            raise ParseError(f"expected text, got {type(text).__name__}")
        if len(text) > 100:
            raise ParseError("answer too long (at most 100 characters)")
        return Answer(" ".join(text.strip().lower().replace("_", " ").split()), None, text)
    tree = _tree(text)
    source = _Source(text.strip())
    value = _NumericEvaluator(source, {}).run(tree)
    _check_rectangular(value)
    return Answer(value, _decimals_tree(tree, source), text)


def answer_from_number(value: Any) -> Answer:
    """An Answer from an already-typed value (TOML numbers): decimals from the shortest repr.

    The same bounds as typed text: finite numbers, at most MAX_DEPTH levels of lists and
    MAX_ELEMENTS numbers in all.

    >>> answer_from_number([0.5, 2]).decimals
    [1, 0]
    """
    _check_typed(value)

    def dec(v: Any) -> Any:
        if isinstance(v, list):
            return [dec(x) for x in v]
        return 0 if isinstance(v, int) else _decimals_of(repr(float(v)))

    def val(v: Any) -> Any:
        return [val(x) for x in v] if isinstance(v, list) else float(v)
    if isinstance(value, list):
        _check_rectangular(value)
    return Answer(val(value), dec(value), repr(value))


def _check_typed(value: Any) -> None:
    """Refuse typed values the text parser would refuse: deep or huge lists, non-numbers, ±∞, NaN."""
    elements, stack = 0, [(value, 0)]
    while stack:
        v, depth = stack.pop()
        if isinstance(v, list):
            if depth >= MAX_DEPTH:
                raise ParseError(f"lists nested too deeply (at most {MAX_DEPTH} levels)")
            elements += len(v)
            if elements > MAX_ELEMENTS:
                raise ParseError(f"too many elements (at most {MAX_ELEMENTS})")
            stack.extend((x, depth + 1) for x in v)
        elif isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ParseError(f"expected numbers, got {type(v).__name__}")
        elif isinstance(v, int) and abs(v) >= 10 ** MAX_LITERAL_DIGITS:
            raise ParseError(f"number too long (more than {MAX_LITERAL_DIGITS} digits)")
        elif not math.isfinite(v):
            raise ParseError(f"number {v} is not finite")


# --- formulas (check diff) ---------------------------------------------------------------------

def _sympy_functions() -> dict[str, Any]:
    import sympy as sp

    from derive.scalar_functions import relu, sigmoid, softplus
    return {"exp": sp.exp, "log": sp.log, "ln": sp.log, "sqrt": sp.sqrt, "abs": sp.Abs,
            "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "tanh": sp.tanh, "sigmoid": sigmoid,
            "relu": relu, "softplus": softplus, "Heaviside": sp.Heaviside, "sign": sp.sign,
            "max": sp.Max, "min": sp.Min, "erf": sp.erf, "sech": sp.sech,
            "cosh": sp.cosh, "sinh": sp.sinh, "atan": sp.atan, "arctan": sp.atan,
            "log2": lambda u: sp.log(u, 2), "log10": lambda u: sp.log(u, 10)}


LOG10_2 = math.log10(2.0)
SIGMA = "σ"  # σ(…) is the sigmoid unless σ is one of the formula's variables (then σ(…) is the product σ·(…))
NONFINITE_NAMES = frozenset({"nan", "inf", "infinity", "oo", "zoo"})  # never variables: they read as ∞ or NaN


class _FormulaBuilder:
    """Builds a SymPy expression node by node from a checked syntax tree.

    Each node is built as (expression, D) where D bounds the decimal digits of any exact number
    in it, or that expanding it would produce: log10 of a number's size, D(a) + D(b) for a
    product, max + log10 2 for a sum, D(a)·|b| + log10|b| for a power a**b with a numeric
    exponent. An operation is refused when D would pass MAX_NUMBER_DIGITS, before SymPy computes
    it. A part without variables is first evaluated in floats (every step finite), so SymPy never
    meets a number like exp(exp(exp(exp(5)))), whose value it would try to compute.
    """

    def __init__(self, tree: ast.Expression, source: _Source, allowed: set[str] | None, variables: set[str],
                 derivatives: dict[int, str] | None = None, functions: dict[str, Any] | None = None):
        import sympy as sp
        self.sp, self.source, self.allowed, self.funcs = sp, source, allowed, {**_sympy_functions(), **(functions or {})}
        self.derivatives = derivatives or {}  # id of a ``~`` node → the variable of the d/dNAME it stands for
        self.euler = allowed is None or "e" not in allowed
        self.constants = {"pi": math.pi, **({"e": math.e} if self.euler else {})}
        self.variables = variables  # names that may stand before brackets as a product: x(1-x)
        self.notes: list[str] = []
        callees = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
        self.varied: set[int] = set()  # ids of the nodes with a variable in them
        for n in reversed(list(ast.walk(tree))):  # children before their parents
            if isinstance(n, ast.Name):
                if n.id not in self.constants and not (id(n) in callees and n.id in self.funcs):
                    self.varied.add(id(n))
            elif id(n) in self.derivatives or any(id(c) in self.varied for c in ast.iter_child_nodes(n)):
                self.varied.add(id(n))

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def numbers(self, node: ast.AST) -> float:
        """A part without variables evaluated in floats (ParseError when a step is not finite)."""
        return _NumericEvaluator(self.source, {}, _FORMULA_NUMBERS, self.constants).scalar(node)

    def node(self, node: ast.AST, checked: bool = False) -> tuple[Any, float]:
        if isinstance(node, ast.Constant):
            return self.number(node)
        if not checked and id(node) not in self.varied:
            self.numbers(node)
            checked = True
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            e, d = self.node(node.operand, checked)
            return (-e if isinstance(node.op, ast.USub) else e), d
        if isinstance(node, ast.UnaryOp) and id(node) in self.derivatives:
            var = self.name(self.derivatives[id(node)])
            e, d = self.node(node.operand, checked)
            return self.sp.Derivative(e, var), d
        if isinstance(node, ast.Name):
            return self.name(node.id), (0.5 if node.id in self.constants else 0.0)
        if isinstance(node, ast.BinOp):
            return self.binop(node, checked)
        if isinstance(node, ast.Call):
            return self.call(node, checked)
        what = type(node.op).__name__ if isinstance(node, ast.UnaryOp) else type(node).__name__
        raise ParseError(f"{what} is not allowed in a formula")

    def number(self, node: ast.Constant) -> tuple[Any, float]:
        sp = self.sp
        value, seg = _literal(node, self.source), self.source.segment(node).replace("_", "")
        if isinstance(node.value, int):
            return sp.Integer(node.value), _digits(value)
        if "e" in seg.lower():
            return sp.Float(value), _digits(value)
        exact = sp.Rational(seg)
        return exact, max(_digits(float(exact.p)), _digits(float(exact.q)))

    def binop(self, node: ast.BinOp, checked: bool) -> tuple[Any, float]:
        op = node.op
        if isinstance(op, ast.Pow) and self.is_product(node.left):  # x(1-x)**2 is x·(1-x)², as written by hand
            (a, da), (b, db) = self.node(node.left.args[0], checked), self.node(node.right, checked)
            d = self.power_digits(node.right, da, db)
            self.note_product(node.left)
            return self.name(node.left.func.id) * a ** b, d
        (a, da), (b, db) = self.node(node.left, checked), self.node(node.right, checked)
        if isinstance(op, (ast.Add, ast.Sub)):
            d = max(da, db) + LOG10_2
        elif isinstance(op, (ast.Mult, ast.Div)):
            d = da + db
            if isinstance(op, ast.Div) and b == 0:
                raise ParseError("division by zero")
        elif isinstance(op, ast.Pow):
            d = self.power_digits(node.right, da, db)
        else:
            raise ParseError(f"operator {type(op).__name__} is not allowed in a formula")
        if d > MAX_NUMBER_DIGITS:
            raise ParseError(f"number too large (exact numbers of at most {MAX_NUMBER_DIGITS} digits; this one could have {d:.0f})")
        ops = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b, ast.Div: lambda: a / b,
               ast.Pow: lambda: a ** b}
        return ops[type(op)](), d

    def power_digits(self, right: ast.AST, da: float, db: float) -> float:
        """D(a**b): D(a)·|b| + log10|b| for a numeric exponent (|b| ≤ MAX_EXPONENT), else D(a) + D(b)."""
        if id(right) in self.varied:
            return da + db
        exponent = self.numbers(right)
        if abs(exponent) > MAX_EXPONENT:
            raise ParseError(f"exponent {exponent:g} too large (|exponent| ≤ {MAX_EXPONENT})")
        return da * max(1.0, abs(exponent)) + math.log10(max(1.0, abs(exponent)))

    def call(self, node: ast.Call, checked: bool) -> tuple[Any, float]:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name is None:
            raise ParseError("only named functions can be called, e.g. exp(x)")
        if self.is_product(node):
            b, db = self.node(node.args[0], checked)
            self.note_product(node)
            return self.name(name) * b, db
        shown = f"{name}()"
        if name == SIGMA and name not in self.funcs and "sigmoid" in self.funcs:  # the course's σ(z) for the sigmoid
            shown = "σ() (the sigmoid)"
            self.note(f"{_short(self.source.segment(node))!r} read as sigmoid({_short(self.source.segment(node.args[0]))})"
                      if len(node.args) == 1 else "σ(…) read as sigmoid(…)")
            name = "sigmoid"
        if name not in self.funcs:
            raise ParseError(f"function {name[:NAME_RE_MAX]!r} is not allowed (allowed: {', '.join(sorted(self.funcs))}; "
                             f"for a product write {name[:NAME_RE_MAX]}*(…))")
        limit = 4 if name in ("max", "min") else 2 if name == "Heaviside" else 1
        if node.keywords or not node.args or len(node.args) > limit:
            raise ParseError(f"{shown} takes {'one argument' if limit == 1 else f'one to {limit} arguments'}")
        built = [self.node(a, checked) for a in node.args]
        return self.funcs[name](*[e for e, _ in built]), max(d for _, d in built)

    def is_product(self, node: ast.AST) -> bool:
        """True for ``v(…)`` where v is a declared variable, not a function: the product v·(…)."""
        return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id not in self.funcs
                and node.func.id in self.variables and len(node.args) == 1 and not node.keywords)

    def note_product(self, node: ast.Call) -> None:
        self.note(f"{_short(self.source.segment(node))!r} read as {node.func.id}*({_short(self.source.segment(node.args[0]))})")

    def name(self, ident: str) -> Any:
        sp = self.sp
        if ident == "pi":
            return sp.pi
        if ident == "e" and self.euler:
            return sp.E
        if len(ident) > NAME_RE_MAX or ident.startswith("_"):
            raise ParseError(f"name {ident[:20]!r} is not allowed")
        if ident.lower() in NONFINITE_NAMES:
            raise ParseError(f"'{ident}' is not allowed: formulas hold finite numbers only")
        if ident in self.funcs:
            raise ParseError(f"'{ident}' is a function; write {ident}(…)")
        if self.allowed is not None and ident not in self.allowed:
            raise ParseError(f"unknown variable {ident!r} (known: {', '.join(sorted(self.allowed)) or 'none'})")
        return sp.Symbol(ident, real=True)


def _digits(value: float) -> float:
    """log10 of a float's size in either direction (0 for 0): how many digits an exact form needs."""
    return abs(math.log10(abs(value))) if value else 0.0


DERIVATIVE_OPERATOR = re.compile(r"(?<![\w.])(?:d|∂)\s*/\s*(?:d|∂)\s*([^\W\d]\w*)")


def _mark_derivatives(text: str) -> tuple[str, list[str]]:
    """``text`` with each ``d/dNAME`` (or ``∂/∂NAME``) replaced by ``~``, and the NAMEs in order.

    ``~`` is a prefix operator binding like unary minus, so ``d/dw sigmoid(u)*x`` reads as
    (d/dw sigmoid(u))·x and ``d/dx x**2`` as d/dx (x²). A ``~`` typed by the user is refused.
    """
    if "~" in text:
        raise ParseError("'~' is not allowed (a derivative is written d/dNAME expression)")
    names = [m.group(1) for m in DERIVATIVE_OPERATOR.finditer(text)]
    return DERIVATIVE_OPERATOR.sub(" ~", text), names


def _derivative_nodes(tree: ast.Expression, names: list[str]) -> dict[int, str]:
    """The ``~`` nodes of ``tree`` in the order they were written → the variable of each."""
    marks = sorted((n for n in ast.walk(tree) if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Invert)),
                   key=lambda n: (n.lineno, n.col_offset))
    if len(marks) != len(names):  # cannot happen: every ~ came from one d/dNAME
        raise ParseError("cannot read the derivative operators (write d/dNAME before the expression)")
    for n, name in zip(marks, names):
        if len(name) > NAME_RE_MAX:
            raise ParseError(f"name {name[:20]!r} is not allowed")
    return {id(n): name for n, name in zip(marks, names)}


def read_formula(text: str, symbols: Iterable[str] | None = None, variables: Iterable[str] = (),
                 derivatives: bool = False, functions: dict[str, Any] | None = None) -> Formula:
    """A SymPy expression from user text, with notes on how it was read.

    ``symbols``: the names allowed as variables (all identifiers when None). A variable written
    before brackets, ``x(1-x)``, is the product ``x*(1-x)`` when it is declared (in ``symbols``
    or ``variables``, or used elsewhere in the text as a plain variable); ``σ(z)`` is the course's
    sigmoid σ(z) unless σ is declared so (a Gaussian's σ); ``^`` is read as ``**``. Each such
    reading is noted. Undefined values (``1/0``, ``log(0)``) are refused.

    ``derivatives=True`` (``check derivation`` only) allows the operator ``d/dNAME`` (or
    ``∂/∂NAME``) before one term: a bracket, a call, a name or a number, with its power. It
    becomes an unevaluated ``sympy.Derivative`` (NAME must be an allowed variable); the
    caller evaluates it (``doit``) under its own time bound. ``functions`` adds calls the
    caller defines (SymPy functions of one argument, e.g. ``check derivation``'s expectation E).

    >>> read_formula("x(1-x)").notes
    ("'x(1-x)' read as x*(1-x)",)
    >>> read_formula("d/dx x**2 * y", derivatives=True).expr
    y*Derivative(x**2, x)
    """
    import sympy as sp

    if isinstance(text, str) and len(text) > MAX_FORMULA_CHARS:
        raise ParseError(f"formula too long ({len(text)} characters; at most {MAX_FORMULA_CHARS})")
    allowed = None if symbols is None else set(symbols)
    source_text = text.strip() if isinstance(text, str) else text
    notes = []
    if isinstance(text, str) and "^" in source_text:
        source_text = source_text.replace("^", "**")  # on the text, so that it binds as tightly as **
        notes.append("'^' read as '**' (a power)")
    names: list[str] = []
    if derivatives and isinstance(source_text, str):
        source_text, names = _mark_derivatives(source_text)
        source_text = source_text.strip()
    try:
        tree = _tree(source_text)
    except ParseError as exc:
        if not names:
            raise
        raise ParseError(str(exc).replace(repr(_short(source_text)), repr(_short(text.strip())))) from None
    marks = _derivative_nodes(tree, names) if derivatives else {}
    callees = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    plain = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in callees}
    declared = set(variables) | (allowed if allowed is not None else plain) | set(names)
    builder = _FormulaBuilder(tree, _Source(source_text), allowed, declared, marks, functions)
    builder.notes.extend(notes)
    try:
        expr = builder.node(tree.body)[0]
    except ParseError:
        raise
    except (TypeError, ValueError, ArithmeticError, RecursionError, MemoryError) as exc:
        raise ParseError(f"cannot build {_short(source_text)!r} as a formula") from exc
    if expr.has(sp.zoo, sp.oo, sp.S.NegativeInfinity, sp.nan):
        raise ParseError("the formula has an undefined value (division by zero, log(0), …)")
    return Formula(expr, tuple(builder.notes))


def parse_expression(text: str, symbols: Iterable[str] | None = None) -> Any:
    """A SymPy expression from user text, e.g. ``(1-tanh(w*x+b)**2)*x``.

    ``symbols``: the names allowed as variables (all identifiers when None). Built node by node
    from the syntax tree; the text itself never reaches SymPy's parser.

    >>> parse_expression("x*sigmoid(x)", ["x"])
    x*sigmoid(x)
    """
    return read_formula(text, symbols).expr
