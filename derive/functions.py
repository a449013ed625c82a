"""SymPy functions the course uses that SymPy lacks: σ, ReLU, softplus (and their derivatives).

Each carries its derivative (``fdiff``) in the course's form, a LaTeX form, and a NumPy
implementation for ``lambdify`` (``NUMPY_MODULE``). ``PARSE_NAMESPACE`` lets trusted code turn
our own JSON ``sympy`` strings back into expressions with ``sympy.parse_expr``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp


class sigmoid(sp.Function):  # noqa: N801 - the course's name
    """σ(x) = 1/(1 + e^(−x));  σ'(x) = σ(x)(1 − σ(x))."""

    @classmethod
    def eval(cls, x: Any) -> Any:
        if x.is_Number:
            return 1 / (1 + sp.exp(-x))
        return None

    def fdiff(self, argindex: int = 1) -> Any:
        return sigmoid(self.args[0]) * (1 - sigmoid(self.args[0]))

    def _eval_rewrite_as_exp(self, x: Any, **kwargs: Any) -> Any:
        return 1 / (1 + sp.exp(-x))

    def _latex(self, printer: Any, exp: Any = None) -> str:
        body = rf"\sigma\left({printer._print(self.args[0])}\right)"
        return rf"{body}^{{{printer._print(exp)}}}" if exp is not None else body


class relu(sp.Function):  # noqa: N801
    """ReLU(x) = max(0, x);  ReLU'(x) = H(x) with H(0) = 0 (the convention chainrule states)."""

    @classmethod
    def eval(cls, x: Any) -> Any:
        if x.is_Number:
            return sp.Max(0, x)
        return None

    def fdiff(self, argindex: int = 1) -> Any:
        return sp.Heaviside(self.args[0], 0)

    def _eval_rewrite_as_Max(self, x: Any, **kwargs: Any) -> Any:
        return sp.Max(0, x)

    def _latex(self, printer: Any, exp: Any = None) -> str:
        body = rf"\operatorname{{ReLU}}\left({printer._print(self.args[0])}\right)"
        return rf"{body}^{{{printer._print(exp)}}}" if exp is not None else body


class softplus(sp.Function):  # noqa: N801
    """softplus(x) = log(1 + eˣ);  softplus'(x) = σ(x)."""

    @classmethod
    def eval(cls, x: Any) -> Any:
        if x.is_Number:
            return sp.log(1 + sp.exp(x))
        return None

    def fdiff(self, argindex: int = 1) -> Any:
        return sigmoid(self.args[0])

    def _eval_rewrite_as_log(self, x: Any, **kwargs: Any) -> Any:
        return sp.log(1 + sp.exp(x))


def _np_sigmoid(x: Any) -> Any:
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _np_heaviside(x: Any, h0: Any = 0.0) -> Any:
    return np.heaviside(np.asarray(x, dtype=float), h0)


NUMPY_MODULE: dict[str, Any] = {
    "sigmoid": _np_sigmoid,
    "relu": lambda x: np.maximum(0.0, x),
    "softplus": lambda x: np.logaddexp(0.0, x),
    "Heaviside": _np_heaviside,
}
PARSE_NAMESPACE: dict[str, Any] = {"sigmoid": sigmoid, "relu": relu, "softplus": softplus}


def as_expr(value: Any) -> Any:
    """The SymPy form of a number or SymPy object of our own (``2`` → ``Integer(2)``).

    Strings are refused: user text reaches SymPy only through ``derive.parse``.
    """
    if isinstance(value, str):
        raise TypeError("text is never converted to SymPy here; use derive.parse.parse_expression")
    return sp.sympify(value, strict=True)


def lambdify(args: Any, expr: Any, **kwargs: Any) -> Any:
    """``sympy.lambdify`` with chainrule's functions mapped to stable NumPy implementations."""
    return sp.lambdify(args, expr, modules=[NUMPY_MODULE, "numpy"], **kwargs)


# --- added for the analytic derivations (derive/analytic, derive/topics/activations.py) -------

class sigmoid_prime(sp.Function):  # noqa: N801
    """σ′(x) = σ(x)(1 − σ(x)), kept unevaluated so that σ′(2) can be shown before its value."""

    def _eval_rewrite_as_exp(self, x: Any, **kwargs: Any) -> Any:
        return sp.exp(-x) / (1 + sp.exp(-x)) ** 2

    def _eval_rewrite_as_sigmoid(self, x: Any, **kwargs: Any) -> Any:
        return sigmoid(x) * (1 - sigmoid(x))

    def _eval_evalf(self, prec: int) -> Any:
        return self._eval_rewrite_as_exp(self.args[0])._eval_evalf(prec)

    def fdiff(self, argindex: int = 1) -> Any:
        s = sigmoid(self.args[0])
        return s * (1 - s) * (1 - 2 * s)

    def _latex(self, printer: Any, exp: Any = None) -> str:
        body = rf"\sigma'\left({printer._print(self.args[0])}\right)"
        return rf"{body}^{{{printer._print(exp)}}}" if exp is not None else body


NUMPY_MODULE["sigmoid_prime"] = lambda x: _np_sigmoid(x) * (1.0 - _np_sigmoid(x))
PARSE_NAMESPACE["sigmoid_prime"] = sigmoid_prime


# --- matrix helpers and display classes (added for the derivation engine) ---------------------

def _np_softmax_rows(x: Any) -> Any:
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def _np_log_softmax_rows(x: Any) -> Any:
    x = np.asarray(x, dtype=float)
    m = np.max(x, axis=-1, keepdims=True)
    return x - m - np.log(np.sum(np.exp(x - m), axis=-1, keepdims=True))


NUMPY_MODULE.update({"softmax_rows": _np_softmax_rows, "log_softmax_rows": _np_log_softmax_rows})

from derive.notation import DISPLAY_CLASSES  # noqa: E402  (notation imports this module lazily)

PARSE_NAMESPACE.update(DISPLAY_CLASSES)
PARSE_NAMESPACE["Str"] = sp.core.symbol.Str  # srepr writes MatrixSymbol names as Str('W1')

# --- conv / attention / batch-norm display classes and kernels (derive/notation_nn.py) ---------
from derive.notation_nn import NN_DISPLAY, NN_NUMPY  # noqa: E402

PARSE_NAMESPACE.update(NN_DISPLAY)
NUMPY_MODULE.update(NN_NUMPY)
