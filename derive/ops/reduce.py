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
