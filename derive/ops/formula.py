"""A scalar node given by a SymPy formula of its inputs (the textbook nets with named weights)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy as sp

from derive.ops.base import Op, Shape, register

if TYPE_CHECKING:
    import numpy as np


@register
class Formula(Op):
    """y = f(x₁, …, x_k) for a scalar SymPy expression f.   ∂L/∂x_i = ḡ · ∂f/∂x_i (SymPy's diff).

    ``expr`` is what is differentiated; ``display`` (same value) is how it is printed, in the
    course's order (``w1·i1 + w2·i2 + b1``).
    """

    name, rule, symbol, arity = "formula", "chain rule (SymPy differentiates f)", "f", None

    def __init__(self, expr: Any, symbols: tuple[Any, ...], display: Any = None) -> None:
        self.expr, self.symbols = expr, tuple(symbols)
        self.display = expr if display is None else display

    def shape(self, *shapes: Shape) -> Shape:
        if any(s != () for s in shapes):
            raise ValueError("formula nodes take scalar inputs")
        return ()

    def forward(self, B: Any, *xs: Any) -> Any:
        return B.formula(self.expr, self.symbols, xs)

    def vjp(self, B: Any, g: Any, out: Any, *xs: Any) -> tuple[Any, ...]:
        return tuple(g * B.formula(sp.diff(self.expr, s), self.symbols, xs) for s in self.symbols)

    def label(self) -> str:
        from derive.printing.math import to_text
        return to_text(self.display)

    @classmethod
    def example(cls, rng: np.random.Generator) -> tuple[Op, list[Shape], list[str]]:
        from derive.scalar_functions import sigmoid
        x, y = sp.symbols("x y")
        expr = [sigmoid(x * y), sp.tanh(x) * y**2, x * sp.exp(-y) + y][int(rng.integers(3))]
        return cls(expr, (x, y)), [(), ()], ["real", "real"]
