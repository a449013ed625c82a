"""SymPy functions the course uses that SymPy lacks: σ, ReLU, softplus, σ′ (and their derivatives).

Each carries its derivative (``fdiff``) in the course's form, a LaTeX form, and a NumPy kernel
for ``lambdify`` (``NUMPY_KERNELS``). :func:`as_expr` turns our own numbers and SymPy objects
into SymPy expressions (user text never: that is ``derive.parse``).

The lowest layer of the engine: ``derive.notation`` builds its display classes on these, and
``derive.functions`` gathers both into the namespaces of ``lambdify`` and ``parse_expr``.
"""

from __future__ import annotations

from typing import Any

import sympy as sp


def _call_latex(printer: Any, head: str, arg: Any, exp: Any) -> str:
    """``head\\left(arg\\right)``, raised to ``exp`` when SymPy prints a power of the call."""
    body = rf"{head}\left({printer._print(arg)}\right)"
    return rf"{body}^{{{printer._print(exp)}}}" if exp is not None else body


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
        return _call_latex(printer, r"\sigma", self.args[0], exp)


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
        return _call_latex(printer, r"\operatorname{ReLU}", self.args[0], exp)


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
        return _call_latex(printer, r"\sigma'", self.args[0], exp)


def as_expr(value: Any) -> Any:
    """The SymPy form of a number or SymPy object of our own (``2`` → ``Integer(2)``).

    Strings are refused: user text reaches SymPy only through ``derive.parse``.
    """
    if isinstance(value, str):
        raise TypeError("text is never converted to SymPy here; use derive.parse.parse_expression")
    return sp.sympify(value, strict=True)


def _np_sigmoid(x: Any) -> Any:
    """σ(x) without overflow: 1/(1 + e^(−|x|)) for x ≥ 0, e^(−|x|)/(1 + e^(−|x|)) below."""
    import numpy as np  # the kernels run only on numbers, so NumPy loads only then
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _np_heaviside(x: Any, h0: Any = 0.0) -> Any:
    import numpy as np
    return np.heaviside(np.asarray(x, dtype=float), h0)


def _np_relu(x: Any) -> Any:
    import numpy as np
    return np.maximum(0.0, x)


def _np_softplus(x: Any) -> Any:
    import numpy as np
    return np.logaddexp(0.0, x)


def _np_sigmoid_prime(x: Any) -> Any:
    return _np_sigmoid(x) * (1.0 - _np_sigmoid(x))


NUMPY_KERNELS: dict[str, Any] = {
    "sigmoid": _np_sigmoid,
    "relu": _np_relu,
    "softplus": _np_softplus,
    "Heaviside": _np_heaviside,
    "sigmoid_prime": _np_sigmoid_prime,
}
FUNCTIONS: dict[str, Any] = {"sigmoid": sigmoid, "relu": relu, "softplus": softplus, "sigmoid_prime": sigmoid_prime}
