"""Elementwise ops: Hadamard product and functions applied entry by entry.

Each function's derivative is written the way the course writes it, in terms of the output
where that is the custom (σ' = σ(1 − σ), tanh' = 1 − tanh², exp' = exp).
"""

from __future__ import annotations

from abc import abstractmethod
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar

from derive.ops.base import Op, Shape, rand_dim, register

if TYPE_CHECKING:
    import numpy as np


@register
class Hadamard(Op):
    """C = A ⊙ B.   ∂L/∂A = Ḡ ⊙ B,   ∂L/∂B = Ḡ ⊙ A."""

    name, rule, symbol, arity = "hadamard", "product rule (elementwise)", "⊙", 2

    def shape(self, a: Shape, b: Shape) -> Shape:
        if a != b:
            raise ValueError(f"hadamard: shapes {a} and {b} differ")
        return a

    def forward(self, B: Any, a: Any, b: Any) -> Any:
        return B.hadamard(a, b)

    def vjp(self, B: Any, g: Any, out: Any, a: Any, b: Any) -> tuple[Any, ...]:
        return B.hadamard(g, b), B.hadamard(g, a)

    @classmethod
    def example(cls, rng: np.random.Generator) -> tuple[Op, list[Shape], list[str]]:
        s = (rand_dim(rng), rand_dim(rng))
        return cls(), [s, s], ["real", "real"]


class Elementwise(Op):
    """C = f(A) entry by entry.   ∂L/∂A = Ḡ ⊙ f'(A), with f' from ``derivative(B, a, out)``."""

    fname: ClassVar[str] = ""
    domain: ClassVar[str] = "real"

    def forward(self, B: Any, a: Any) -> Any:
        return B.apply(self.fname, a)

    def vjp(self, B: Any, g: Any, out: Any, a: Any) -> tuple[Any, ...]:
        return (B.hadamard(g, self.derivative(B, a, out)),)

    @abstractmethod
    def derivative(self, B: Any, a: Any, out: Any) -> Any:
        """f'(A), elementwise, in the course's form."""

    @classmethod
    def example(cls, rng: np.random.Generator) -> tuple[Op, list[Shape], list[str]]:
        return cls(), [(rand_dim(rng), rand_dim(rng))], [cls.domain]


@register
class Sigmoid(Elementwise):
    """C = σ(A).   ∂L/∂A = Ḡ ⊙ C ⊙ (𝟏 − C)   (σ' = σ(1 − σ))."""

    name, rule, symbol, fname = "sigmoid", "sigmoid rule σ' = σ(1 − σ)", "σ", "sigmoid"

    def derivative(self, B: Any, a: Any, out: Any) -> Any:
        return B.hadamard(out, B.sub(B.ones_like(out), out))


@register
class Tanh(Elementwise):
    """C = tanh(A).   ∂L/∂A = Ḡ ⊙ (𝟏 − C ⊙ C)   (tanh' = 1 − tanh²)."""

    name, rule, symbol, fname = "tanh", "tanh rule tanh' = 1 − tanh²", "tanh", "tanh"

    def derivative(self, B: Any, a: Any, out: Any) -> Any:
        return B.sub(B.ones_like(out), B.hadamard(out, out))


@register
class ReLU(Elementwise):
    """C = ReLU(A) = max(0, A).   ∂L/∂A = Ḡ ⊙ H(A), with H(0) = 0."""

    name, rule, symbol, fname = "relu", "ReLU rule ReLU' = H (step, H(0) = 0)", "ReLU", "relu"

    def derivative(self, B: Any, a: Any, out: Any) -> Any:
        return B.apply("heaviside", a)


@register
class Exp(Elementwise):
    """C = exp(A).   ∂L/∂A = Ḡ ⊙ C."""

    name, rule, symbol, fname = "exp", "exponential rule exp' = exp", "exp", "exp"

    def derivative(self, B: Any, a: Any, out: Any) -> Any:
        return out


@register
class Log(Elementwise):
    """C = log(A) (A > 0).   ∂L/∂A = Ḡ ⊘ A."""

    name, rule, symbol, fname, domain = "log", "logarithm rule log' x = 1/x", "log", "log", "positive"

    def derivative(self, B: Any, a: Any, out: Any) -> Any:
        return B.apply("recip", a)


@register
class Square(Elementwise):
    """C = A ⊙ A.   ∂L/∂A = 2 Ḡ ⊙ A."""

    name, rule, symbol, fname = "square", "power rule (x²)' = 2x", "x²", "square"

    def derivative(self, B: Any, a: Any, out: Any) -> Any:
        return B.scale(2, a)


@register
class Sqrt(Elementwise):
    """C = √A (A > 0).   ∂L/∂A = Ḡ ⊙ ½ (𝟏 ⊘ C)."""

    name, rule, symbol, fname, domain = "sqrt", "root rule (√x)' = 1/(2√x)", "√", "sqrt", "positive"

    def derivative(self, B: Any, a: Any, out: Any) -> Any:
        return B.scale(Fraction(1, 2), B.apply("recip", out))


@register
class Reciprocal(Elementwise):
    """C = 𝟏 ⊘ A (A ≠ 0).   ∂L/∂A = −Ḡ ⊙ C ⊙ C."""

    name, rule, symbol, fname, domain = "reciprocal", "reciprocal rule (1/x)' = −1/x²", "1/x", "recip", "positive"

    def derivative(self, B: Any, a: Any, out: Any) -> Any:
        return B.neg(B.hadamard(out, out))
