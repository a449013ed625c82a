"""Broadcasting elementwise product and quotient: a row (or column, or 1×1) repeated to a matrix."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from derive.notation_nn import call
from derive.ops.base import Op, Shape, rand_dim, register
from derive.ops.linear import broadcast_shape

if TYPE_CHECKING:
    import numpy as np


def _check(a: Shape, b: Shape, name: str) -> Shape:
    if broadcast_shape(a, b) != tuple(a):
        raise ValueError(f"{name}: {b} does not broadcast to {a}")
    return a


def _example(cls: Any, rng: np.random.Generator, domain: str) -> tuple[Op, list[Shape], list[str]]:
    n, m = rand_dim(rng, 2), rand_dim(rng, 2)
    other = [(n, m), (n, 1), (1, m), (1, 1)][int(rng.integers(4))]
    return cls(), [(n, m), other], ["real", domain]


@register
class BroadcastMul(Op):
    """C = A ⊙ (𝟏 b): b (a row 1×n, a column, or 1×1) repeated to A's shape, then multiplied entry by entry.
    ∂L/∂A = Ḡ ⊙ (𝟏 b),   ∂L/∂b = Ḡ ⊙ A summed over the repeated axis (𝟏ᵀ (Ḡ ⊙ A) for a row b)."""

    name, rule, symbol, arity = "bmul", "product rule (elementwise, b broadcast: sum over the batch)", "⊙", 2

    def shape(self, a: Shape, b: Shape) -> Shape:
        return _check(a, b, self.name)

    def forward(self, B: Any, a: Any, b: Any) -> Any:
        return B.hadamard(a, B.broadcast(b, *B.shape(a)))

    def vjp(self, B: Any, g: Any, out: Any, a: Any, b: Any) -> tuple[Any, ...]:
        return B.hadamard(g, B.broadcast(b, *B.shape(a))), B.sum_to(B.hadamard(g, a), *B.shape(b))

    @classmethod
    def example(cls, rng: np.random.Generator) -> tuple[Op, list[Shape], list[str]]:
        return _example(cls, rng, "real")


@register
class BroadcastDiv(Op):
    """C = A ⊘ (𝟏 b): each entry of A divided by the entry of b in its column (row b) / row (column b).
    ∂L/∂A = Ḡ ⊘ (𝟏 b),   ∂L/∂b = −(Ḡ ⊙ C summed over the repeated axis) ⊘ b   (since ∂(a/b)/∂b = −(a/b)/b)."""

    name, rule, symbol, arity = "bdiv", "quotient rule (elementwise, b broadcast: sum over the batch)", "⊘", 2

    def shape(self, a: Shape, b: Shape) -> Shape:
        return _check(a, b, self.name)

    def forward(self, B: Any, a: Any, b: Any) -> Any:
        return call(B, "HDiv", a, B.broadcast(b, *B.shape(a)))

    def vjp(self, B: Any, g: Any, out: Any, a: Any, b: Any) -> tuple[Any, ...]:
        summed = B.sum_to(B.hadamard(g, out), *B.shape(b))
        return call(B, "HDiv", g, B.broadcast(b, *B.shape(a))), call(B, "HDiv", B.neg(summed), b)

    @classmethod
    def example(cls, rng: np.random.Generator) -> tuple[Op, list[Shape], list[str]]:
        return _example(cls, rng, "positive")
