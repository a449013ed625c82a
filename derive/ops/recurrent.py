"""Ops the recurrent cells need beyond the linear and elementwise ones: the complement 𝟏 − A.

A GRU interpolates h_t = (𝟏 − z_t) ⊙ h_{t−1} + z_t ⊙ h̃_t; the complement is its own primitive
so that the rule ∂(𝟏 − A)/∂A = −1 is stated (and proved by the registry tests) once.
"""

from __future__ import annotations

from typing import Any

from derive.ops.base import Op, register


@register
class OneMinus(Op):
    """C = 𝟏 − A (entry by entry).   ∂L/∂A = −Ḡ."""

    name, rule, symbol = "one_minus", "complement rule ∂(1 − a)/∂a = −1", "1−"

    def forward(self, B: Any, a: Any) -> Any:
        return B.sub(B.ones_like(a), a)

    def vjp(self, B: Any, g: Any, out: Any, a: Any) -> tuple[Any, ...]:
        return (B.neg(g),)
