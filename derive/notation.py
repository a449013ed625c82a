"""SymPy objects that print derivations in the course's notation.

SymPy's own printers reorder products and sums and write matrix algebra in ways a student does
not recognise (``(-1) a1 + 1``, ``HadamardProduct(…)``). The classes here are genuine SymPy
objects (subclasses of ``Symbol``, ``Mul``, ``MatMul``, ``HadamardProduct``, …), so
``.as_explicit()`` expands them to elements, ``lambdify`` evaluates them and ``srepr`` /
``parse_expr`` round-trips them (they are in ``derive.functions.PARSE_NAMESPACE``); they only
add ``_sympystr`` / ``_latex`` methods that keep the order the engine built them in:

    Partial("E_total", "out_o1")   ∂E_total/∂out_o1       (a scalar symbol, name dE_total_dout_o1)
    Chain(a, b, c)                 a·b·c, factors kept in chain-rule order
    PartialMatrix("L", "z1", 3, 1) ∂L/∂z1 ∈ ℝ^{3×1}
    Had(MMul(Transposed(W2), d2), a1, MAdd(Ones(3, 1), MMul(-1, a1)))   (W2ᵀ δ_2) ⊙ a1 ⊙ (𝟏 − a1)
    MatFunc("sigmoid", z1)         σ(z1), applied elementwise (softmax: row by row)

A ``Partial`` name is ``d<num>_d<den>``; the numerator must not contain ``_d``.
"""

from __future__ import annotations

from typing import Any

import sympy as sp
from sympy.core.symbol import Str
from sympy.matrices.expressions.blockmatrix import BlockMatrix
from sympy.matrices.expressions.diagonal import DiagMatrix
from sympy.matrices.expressions.hadamard import HadamardProduct
from sympy.matrices.expressions.matadd import MatAdd
from sympy.matrices.expressions.matexpr import MatrixExpr
from sympy.matrices.expressions.matmul import MatMul
from sympy.matrices.expressions.slice import MatrixSlice
from sympy.matrices.expressions.special import OneMatrix
from sympy.matrices.expressions.transpose import Transpose

from derive.scalar_functions import as_expr, relu, sigmoid


def _pretty(printer: Any) -> bool:
    """True for chainrule's Unicode text printer (False for plain ``sstr``, which must parse)."""
    from derive.printing.math import UnicodeTextPrinter
    return isinstance(printer, UnicodeTextPrinter)


def _split(name: str) -> tuple[str, str]:
    cut = name.find("_d", 1)
    return (name[1:cut], name[cut + 2:]) if name.startswith("d") and cut > 1 else (name, "")


def _partial_text(printer: Any, num: str, den: str) -> str:
    return f"∂{printer._print(sp.Symbol(num))}/∂{printer._print(sp.Symbol(den))}"


def _partial_latex(printer: Any, num: str, den: str) -> str:
    return rf"\frac{{\partial {printer._print(sp.Symbol(num))}}}{{\partial {printer._print(sp.Symbol(den))}}}"


class Partial(sp.Symbol):
    """The scalar ∂num/∂den as one symbol, named ``d<num>_d<den>`` (plain ``sstr`` prints the name)."""

    @classmethod
    def of(cls, num: str, den: str) -> Partial:
        """``Partial.of("E_total", "w5")`` → the symbol dE_total_dw5, shown ∂E_total/∂w5."""
        return cls(f"d{num}_d{den}")

    def _sympystr(self, printer: Any) -> str:
        return _partial_text(printer, *_split(self.name)) if _pretty(printer) else self.name

    def _latex(self, printer: Any) -> str:
        return _partial_latex(printer, *_split(self.name))


class PartialMatrix(sp.MatrixSymbol):
    """∂num/∂den for a matrix quantity: a MatrixSymbol named ``d<num>_d<den>`` of the den's shape."""

    @classmethod
    def of(cls, num: str, den: str, rows: int, cols: int) -> PartialMatrix:
        """``PartialMatrix.of("L", "W1", 3, 2)`` → ∂L/∂W1 ∈ ℝ^{3×2}."""
        return cls(f"d{num}_d{den}", rows, cols)

    def _sympystr(self, printer: Any) -> str:
        return _partial_text(printer, *_split(str(self.name))) if _pretty(printer) else str(self.name)

    def _latex(self, printer: Any) -> str:
        return _partial_latex(printer, *_split(str(self.name)))


# --- ordered scalar products and sums ---------------------------------------------------------

def _wrap(printer: Any, arg: Any, latex: bool = False) -> str:
    text = printer._print(arg)
    needs = isinstance(arg, (sp.Add, MatAdd)) or (isinstance(arg, sp.Mul) and arg.could_extract_minus_sign())
    if not needs:
        return text
    return rf"\left({text}\right)" if latex else f"({text})"


class Chain(sp.Mul):
    """A product printed in the order given (chain-rule order: upstream first)."""

    def __new__(cls, *args: Any) -> Any:
        return sp.Mul.__new__(cls, *args, evaluate=False)

    def _sympystr(self, printer: Any) -> str:
        sep = "·" if _pretty(printer) else "*"
        sign, args = ("-", self.args[1:]) if self.args[0] == -1 and len(self.args) > 1 else ("", self.args)
        return sign + sep.join(_wrap(printer, a) for a in args)

    def _latex(self, printer: Any) -> str:
        sign, args = ("-", self.args[1:]) if self.args[0] == -1 and len(self.args) > 1 else ("", self.args)
        return sign + r" \cdot ".join(_wrap(printer, a, True) for a in args)

    def _sympyrepr(self, printer: Any) -> str:
        return f"Chain({', '.join(printer._print(a) for a in self.args)})"


def _signed_join(terms: list[str]) -> str:
    out = terms[0] if terms else "0"
    for t in terms[1:]:
        out += f" - {t[1:].lstrip()}" if t.startswith("-") else f" + {t}"
    return out


class ChainSum(sp.Add):
    """A sum printed in the order given (one term per path, e.g. Σ over the outputs k)."""

    def __new__(cls, *args: Any) -> Any:
        return sp.Add.__new__(cls, *args, evaluate=False)

    def _sympystr(self, printer: Any) -> str:
        return _signed_join([printer._print(a) for a in self.args])

    def _latex(self, printer: Any) -> str:
        return _signed_join([printer._print(a) for a in self.args])

    def _sympyrepr(self, printer: Any) -> str:
        return f"ChainSum({', '.join(printer._print(a) for a in self.args)})"


class WrittenSum(sp.Add):
    """A sum printed in the order the course writes it (``1 + log σ² − μ² − σ²``), not SymPy's;
    once evaluated (``doit``, ``diff``) it is SymPy's ordinary sum."""

    def __new__(cls, *args: Any, evaluate: bool = False) -> Any:
        return sp.Add(*args) if evaluate else sp.Add.__new__(cls, *args, evaluate=False)

    def _sympystr(self, printer: Any) -> str:
        return _signed_join([printer._print(a) for a in self.args])

    def _latex(self, printer: Any) -> str:
        return _signed_join([printer._print(a) for a in self.args])

    def _sympyrepr(self, printer: Any) -> str:
        return f"WrittenSum({', '.join(printer._print(a) for a in self.args)})"


def plain(expr: Any) -> Any:
    """The same expression with ``Chain`` / ``ChainSum`` rebuilt as SymPy's canonical Mul / Add
    (what ``parse_expr`` gives back from a JSON ``sympy`` string)."""
    if not isinstance(expr, sp.Basic) or not expr.args:
        return expr
    args = [plain(a) for a in expr.args]
    if isinstance(expr, Chain):
        return sp.Mul(*args)
    if isinstance(expr, ChainSum):
        return sp.Add(*args)
    return expr.func(*args)


# --- matrix algebra -----------------------------------------------------------------------------

def _mwrap(printer: Any, arg: Any, latex: bool, tight: bool = False, partial: bool | None = None) -> str:
    """Parenthesize sums, Hadamard products, (when ``tight``) products, and (when ``partial``,
    by default as ``tight``) a ∂L/∂X symbol in text."""
    text = printer._print(arg)
    needs = isinstance(arg, (MatAdd, HadamardProduct)) or getattr(arg, "infix", False)  # infix: A ⊘ B, X ⋆ K
    if tight:
        needs = needs or isinstance(arg, MatMul)
    if tight if partial is None else partial:
        needs = needs or (isinstance(arg, PartialMatrix) and not latex)
    if not needs:
        return text
    return rf"\left({text}\right)" if latex else f"({text})"


def _coeff_and_factors(expr: MatMul) -> tuple[Any, list[Any]]:
    scalars = [a for a in expr.args if not getattr(a, "is_Matrix", False)]
    mats = [a for a in expr.args if getattr(a, "is_Matrix", False)]
    return sp.Mul(*scalars), mats


def _mmul(printer: Any, expr: MatMul, latex: bool) -> str:
    coeff, mats = _coeff_and_factors(expr)
    many = len(mats) > 1
    body = " ".join(_mwrap(printer, m, latex, tight=many and isinstance(m, (PartialMatrix,))) for m in mats)
    if coeff == 1:
        return body
    if coeff == -1:
        return "-" + body
    c = printer._print(coeff)
    if isinstance(coeff, sp.Add):
        c = rf"\left({c}\right)" if latex else f"({c})"
    return f"{c} {body}" if latex else f"{c}·{body}"


class MMul(MatMul):
    """Matrix product (and scalar multiple) printed in the order built: ``W2ᵀ δ_2``, ``η·∂L/∂W1``."""

    def _sympystr(self, printer: Any) -> str:
        return _mmul(printer, self, False)

    def _latex(self, printer: Any) -> str:
        return _mmul(printer, self, True)

    def _sympyrepr(self, printer: Any) -> str:
        return f"MMul({', '.join(printer._print(a) for a in self.args)})"


def terms(expr: Any) -> list[Any]:
    """The terms of a (nested) MAdd, left to right."""
    out, todo = [], [expr]
    while todo:
        cur = todo.pop()
        if type(cur) is MAdd:
            todo.extend(reversed(cur.args))
        else:
            out.append(cur)
    return out


def _madd(printer: Any, expr: MatAdd, latex: bool) -> str:
    return _signed_join([printer._print(a) for a in terms(expr)])


class MAdd(MatAdd):
    """Matrix sum printed in the order built: ``𝟏 - a1``, ``δ_1 h_0ᵀ + δ_2 h_1ᵀ``.

    Long sums are built left-deep (``MAdd(MAdd(a, b), c)``); the shape is read from the last
    term so that it costs O(1), and printing flattens the nesting.
    """

    @property
    def shape(self) -> tuple[Any, Any]:
        return self.args[-1].shape

    def _sympystr(self, printer: Any) -> str:
        return _madd(printer, self, False)

    def _latex(self, printer: Any) -> str:
        return _madd(printer, self, True)

    def _sympyrepr(self, printer: Any) -> str:
        return f"MAdd({', '.join(printer._print(a) for a in self.args)})"


class Had(HadamardProduct):
    """Elementwise (Hadamard) product printed in the order built: ``(W2ᵀ δ_2) ⊙ a1 ⊙ (𝟏 - a1)``."""

    def _sympystr(self, printer: Any) -> str:
        return " ⊙ ".join(_mwrap(printer, a, False, tight=True, partial=False) for a in self.args)

    def _latex(self, printer: Any) -> str:
        return r" \odot ".join(_mwrap(printer, a, True, tight=True) for a in self.args)

    def _sympyrepr(self, printer: Any) -> str:
        return f"Had({', '.join(printer._print(a) for a in self.args)})"


class Transposed(Transpose):
    """Transpose, printed ``Xᵀ`` (``(a − y)ᵀ`` around compound arguments)."""

    def _sympystr(self, printer: Any) -> str:
        return _mwrap(printer, self.arg, False, tight=True) + "ᵀ"

    def _latex(self, printer: Any) -> str:
        return "{" + _mwrap(printer, self.arg, True, tight=True) + "}^{T}"


class Ones(OneMatrix):
    """The all-ones matrix 𝟏 (shape from context; printed 𝟏, ``\\mathbf{1}``)."""

    def _sympystr(self, printer: Any) -> str:
        return "𝟏"

    def _latex(self, printer: Any) -> str:
        return r"\mathbf{1}"


FUNC_TEXT = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "heaviside": "H", "exp": "exp",
             "log": "log", "sqrt": "√", "softmax": "softmax", "log_softmax": "log softmax"}
FUNC_LATEX = {"sigmoid": r"\sigma", "tanh": r"\tanh", "relu": r"\operatorname{ReLU}", "heaviside": "H",
              "exp": r"\exp", "log": r"\log", "sqrt": r"\sqrt", "softmax": r"\operatorname{softmax}",
              "log_softmax": r"\log\operatorname{softmax}"}
FUNC_NUMPY = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "relu", "heaviside": "Heaviside", "exp": "exp",
              "log": "log", "sqrt": "sqrt", "square": "square", "recip": "reciprocal", "softmax": "softmax_rows",
              "log_softmax": "log_softmax_rows"}
ROW_FUNCS = ("softmax", "log_softmax")


def scalar_function(name: str) -> Any:
    """The SymPy scalar function behind an elementwise ``MatFunc`` name."""
    table = {"sigmoid": sigmoid, "tanh": sp.tanh, "relu": relu, "heaviside": lambda x: sp.Heaviside(x, 0),
             "exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt, "square": lambda x: x**2, "recip": lambda x: 1 / x}
    return table[name]


class MatFunc(MatrixExpr):
    """f(X) applied elementwise (``softmax`` / ``log_softmax``: along each row), same shape as X."""

    def __new__(cls, name: Any, arg: Any) -> Any:
        name = Str(str(name))
        if str(name) not in FUNC_NUMPY:
            raise ValueError(f"unknown matrix function {name}")
        return MatrixExpr.__new__(cls, name, as_expr(arg))

    @property
    def fname(self) -> str:
        return str(self.args[0])

    @property
    def arg(self) -> Any:
        return self.args[1]

    @property
    def shape(self) -> tuple[Any, Any]:
        return self.arg.shape

    def _entry(self, i: Any, j: Any, **kwargs: Any) -> Any:
        if self.fname in ROW_FUNCS:
            n = self.arg.shape[1]
            s = sp.Add(*(sp.exp(self.arg[i, k]) for k in range(n)))
            return sp.exp(self.arg[i, j]) / s if self.fname == "softmax" else self.arg[i, j] - sp.log(s)
        return scalar_function(self.fname)(self.arg[i, j])

    def _numpycode(self, printer: Any) -> str:
        return f"{FUNC_NUMPY[self.fname]}({printer._print(self.arg)})"

    def _sympystr(self, printer: Any) -> str:
        inner = printer._print(self.arg)
        if self.fname == "square":
            return _mwrap(printer, self.arg, False, tight=True) + "∘²"
        if self.fname == "recip":
            return f"1 ⊘ {_mwrap(printer, self.arg, False, tight=True)}"
        return f"{FUNC_TEXT[self.fname]}({inner})"

    def _latex(self, printer: Any) -> str:
        inner = printer._print(self.arg)
        if self.fname == "sqrt":
            return rf"\sqrt{{{inner}}}"
        if self.fname == "square":
            return "{" + _mwrap(printer, self.arg, True, tight=True) + r"}^{\circ 2}"
        if self.fname == "recip":
            return r"1 \oslash " + _mwrap(printer, self.arg, True, tight=True)
        return rf"{FUNC_LATEX[self.fname]}\left({inner}\right)"


class Cat(BlockMatrix):
    """Blocks stacked vertically ``[h; x]`` (one column of blocks) or side by side ``[h, x]``."""

    @classmethod
    def of(cls, parts: list[Any], axis: int) -> Cat:
        """Stack ``parts`` along ``axis`` (0: rows, as [h_{t−1}; x_t]; 1: columns)."""
        rows = [[p] for p in parts] if axis == 0 else [list(parts)]
        return cls(rows)

    def _parts(self) -> tuple[list[Any], str]:
        b = self.blocks
        if b.shape[1] == 1:
            return [b[i, 0] for i in range(b.shape[0])], "; "
        return [b[0, j] for j in range(b.shape[1])], ", "

    def _sympystr(self, printer: Any) -> str:
        parts, sep = self._parts()
        return "[" + sep.join(printer._print(p) for p in parts) + "]"

    def _sympyrepr(self, printer: Any) -> str:
        parts, sep = self._parts()
        return f"Cat.of([{', '.join(printer._print(p) for p in parts)}], {0 if sep == '; ' else 1})"

    def _latex(self, printer: Any) -> str:
        parts, sep = self._parts()
        joint = r" \\ " if sep == "; " else " & "
        return r"\begin{bmatrix} " + joint.join(printer._print(p) for p in parts) + r" \end{bmatrix}"


def _span(s: Any) -> str:
    start, stop, step = (int(v) for v in s)
    return f"{start}:{stop}" if step == 1 else f"{start}:{stop}:{step}"


class Part(MatrixSlice):
    """A block of rows/columns of a matrix, ``G[0:3, 0:1]`` (0-based, end exclusive, as NumPy)."""

    def _sympystr(self, printer: Any) -> str:
        return f"{_mwrap(printer, self.parent, False, tight=True)}[{_span(self.rowslice)}, {_span(self.colslice)}]"

    def _latex(self, printer: Any) -> str:
        span = _span(self.rowslice) + ", " + _span(self.colslice)
        return "{" + _mwrap(printer, self.parent, True, tight=True) + r"}_{[" + span + "]}"


DISPLAY_CLASSES: dict[str, Any] = {c.__name__: c for c in (Partial, PartialMatrix, Chain, ChainSum, WrittenSum, MMul, MAdd, Had,
                                                           Transposed, Ones, MatFunc, Cat, Part)}


# --- added for the recurrent topics (rnn, lstm, gru): Jacobians and norms ------------------------

class Diag(DiagMatrix):
    """diag(v): the n×n matrix with the column v ∈ ℝ^{n×1} on its diagonal (a Jacobian such as
    ∂c_t/∂c_{t−1} = diag(f_t), or diag(1 − h_t²) in ∂h_t/∂h_{t−1} = diag(1 − h_t²) W_hh)."""

    def _sympystr(self, printer: Any) -> str:
        return f"diag({printer._print(self.args[0])})"

    def _latex(self, printer: Any) -> str:
        return rf"\operatorname{{diag}}\left({printer._print(self.args[0])}\right)"

    def _sympyrepr(self, printer: Any) -> str:
        return f"Diag({printer._print(self.args[0])})"


class _MatrixNorm(sp.Function):
    """A norm of a matrix: a nonnegative real scalar (kept unevaluated; NumPy evaluates it)."""

    nargs = 1
    order: str = ""
    sub: str = ""

    def _eval_is_commutative(self) -> bool:
        return True  # a scalar, although its argument is a (non-commutative) matrix

    def _eval_is_extended_real(self) -> bool:
        return True

    def _eval_is_extended_nonnegative(self) -> bool:
        return True

    def _numpycode(self, printer: Any) -> str:
        return f"{printer._module_format('numpy.linalg.norm')}({printer._print(self.args[0])}, {self.order})"

    def _sympystr(self, printer: Any) -> str:
        if not _pretty(printer):
            return f"{type(self).__name__}({printer._print(self.args[0])})"
        return f"‖{printer._print(self.args[0])}‖{self.sub}"

    def _latex(self, printer: Any, exp: Any = None) -> str:
        body = rf"\left\|{printer._print(self.args[0])}\right\|_{{{self.sub_latex}}}"
        return rf"{body}^{{{printer._print(exp)}}}" if exp is not None else body


class Norm2(_MatrixNorm):
    """‖X‖₂: the spectral norm, the largest singular value σ_max(X)."""

    order, sub, sub_latex = "2", "₂", "2"


class FrobNorm(_MatrixNorm):
    """‖X‖_F = √(Σ_ij X_ij²): the Frobenius norm (the Euclidean norm of X's entries)."""

    order, sub, sub_latex = "'fro'", "_F", "F"


DISPLAY_CLASSES.update({c.__name__: c for c in (Diag, Norm2, FrobNorm)})
