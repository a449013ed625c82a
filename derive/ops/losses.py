"""Fused losses: each carries its own rule (the textbook simplification), proved like any op."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

from derive.ops.base import Op, Shape, rand_dim, register

if TYPE_CHECKING:
    import numpy as np


class Loss(Op):
    """A loss L(prediction, target) ∈ ℝ^{1×1} of two same-shaped matrices."""

    arity = 2

    def shape(self, a: Shape, y: Shape) -> Shape:
        if a != y:
            raise ValueError(f"{self.name}: prediction {a} and target {y} differ in shape")
        return (1, 1)

    @classmethod
    def example(cls, rng: np.random.Generator) -> tuple[Op, list[Shape], list[str]]:
        s = (rand_dim(rng), rand_dim(rng))
        return cls(), [s, s], ["real", "real"]


@register
class HalfSSE(Loss):
    """L = ½ Σ (A − Y)²  (= ½ (a − y)ᵀ(a − y) for a column).   ∂L/∂A = ḡ (A − Y),  ∂L/∂Y = −ḡ (A − Y)."""

    name, rule, symbol = "half_sse", "squared-error rule ∂E/∂out = out − t", "½Σ(·)²"

    def forward(self, B: Any, a: Any, y: Any) -> Any:
        d = B.sub(a, y)
        return B.scale(Fraction(1, 2), B.sum_all(B.hadamard(d, d)))

    def vjp(self, B: Any, g: Any, out: Any, a: Any, y: Any) -> tuple[Any, ...]:
        d = B.sub(a, y)
        return B.times(g, d), B.times(g, B.neg(d))


@register
class SigmoidBCE(Loss):
    """L = −Σ [Y ⊙ log σ(Z) + (𝟏 − Y) ⊙ log(𝟏 − σ(Z))]  (sigmoid outputs, binary cross-entropy).
    ∂L/∂Z = ḡ (σ(Z) − Y)  (σ' cancels),   ∂L/∂Y = −ḡ Z."""

    name, rule, symbol = "sigmoid_bce", "sigmoid + cross-entropy rule ∂E/∂net = out − t", "BCE∘σ"

    def forward(self, B: Any, z: Any, y: Any) -> Any:
        p = B.apply("sigmoid", z)
        one = B.ones_like(p)
        ll = B.add(B.hadamard(y, B.apply("log", p)), B.hadamard(B.sub(one, y), B.apply("log", B.sub(one, p))))
        return B.neg(B.sum_all(ll))

    def vjp(self, B: Any, g: Any, out: Any, z: Any, y: Any) -> tuple[Any, ...]:
        return B.times(g, B.sub(B.apply("sigmoid", z), y)), B.times(g, B.neg(z))


@register
class SoftmaxCE(Loss):
    """L = −Σ Y ⊙ log softmax(S) (rows; each row of Y sums to 1, e.g. one-hot).
    ∂L/∂S = ḡ (softmax(S) − Y),   ∂L/∂Y = −ḡ log softmax(S)."""

    name, rule, symbol = "softmax_ce", "softmax + cross-entropy rule ∂L/∂s = p − y", "CE∘softmax"

    def forward(self, B: Any, s: Any, y: Any) -> Any:
        return B.neg(B.sum_all(B.hadamard(y, B.apply("log_softmax", s))))

    def vjp(self, B: Any, g: Any, out: Any, s: Any, y: Any) -> tuple[Any, ...]:
        return B.times(g, B.sub(B.apply("softmax", s), y)), B.times(g, B.neg(B.apply("log_softmax", s)))

    @classmethod
    def example(cls, rng: np.random.Generator) -> tuple[Op, list[Shape], list[str]]:
        s = (rand_dim(rng), rand_dim(rng, 2, 3))
        return cls(), [s, s], ["real", "rows_sum_to_one"]
