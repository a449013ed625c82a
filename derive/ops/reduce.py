"""Reductions and row-wise normalisation: sum of all entries, row softmax."""

from __future__ import annotations

from typing import Any

from derive.ops.base import Op, Shape, register


@register
class Sum(Op):
    """s = Σ_ij A_ij = 𝟏ᵀ A 𝟏 ∈ ℝ^{1×1}.   ∂L/∂A = ḡ 𝟏 𝟏ᵀ (the upstream scalar in every entry)."""

    name, rule, symbol = "sum", "sum rule", "Σ"

    def shape(self, a: Shape) -> Shape:
        return (1, 1)

    def forward(self, B: Any, a: Any) -> Any:
        return B.sum_all(a)

    def vjp(self, B: Any, g: Any, out: Any, a: Any) -> tuple[Any, ...]:
        return (B.broadcast(g, *B.shape(a)),)


@register
class Softmax(Op):
    """A = softmax(S) row by row: A_ij = e^{S_ij} / Σ_k e^{S_ik}.
    ∂L/∂S = A ⊙ (Ḡ − (A ⊙ Ḡ) 𝟏 𝟏ᵀ)   (each row: Jacobian diag(a) − a aᵀ applied to ḡ)."""

    name, rule, symbol = "softmax", "softmax rule diag(a) − a aᵀ", "softmax"

    def forward(self, B: Any, s: Any) -> Any:
        return B.apply("softmax", s)

    def vjp(self, B: Any, g: Any, out: Any, s: Any) -> tuple[Any, ...]:
        rows, cols = B.shape(out)
        inner = B.broadcast(B.sum_to(B.hadamard(out, g), rows, 1), rows, cols)  # (A ⊙ Ḡ) 𝟏 𝟏ᵀ
        return (B.hadamard(out, B.sub(g, inner)),)


@register
class SumAxis(Op):
    """Sum along one axis, keeping it: axis 0 gives 𝟏ᵀ A ∈ ℝ^{1×m} (column sums), axis 1 gives A 𝟏 ∈ ℝ^{n×1}.
    ∂L/∂A = 𝟏 Ḡ (axis 0) or Ḡ 𝟏ᵀ (axis 1): the upstream value copied along the summed axis."""

    name, rule, symbol = "sum_axis", "sum rule (broadcast back)", "Σ_axis"

    def __init__(self, axis: int = 0) -> None:
        self.axis = axis

    def shape(self, a: Shape) -> Shape:
        return (1, a[1]) if self.axis == 0 else (a[0], 1)

    def forward(self, B: Any, a: Any) -> Any:
        return B.sum_to(a, *self.shape(B.shape(a)))

    def vjp(self, B: Any, g: Any, out: Any, a: Any) -> tuple[Any, ...]:
        return (B.broadcast(g, *B.shape(a)),)

    def label(self) -> str:
        return f"Σ_{self.axis}"

    @classmethod
    def example(cls, rng: Any) -> tuple[Op, list[Shape], list[str]]:
        from derive.ops.base import rand_dim
        return cls(int(rng.integers(2))), [(rand_dim(rng, 2), rand_dim(rng, 2))], ["real"]
