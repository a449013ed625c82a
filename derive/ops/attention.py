"""Masked row softmax: attention weights with some keys hidden (causal mask)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from derive.notation_nn import call
from derive.ops.base import Op, Shape, rand_dim, register

if TYPE_CHECKING:
    import numpy as np


def causal_keep(n: int, m: int) -> tuple[tuple[int, ...], ...]:
    """The causal pattern: query i may attend to key j only when j ≤ i (1 = kept, 0 = masked)."""
    return tuple(tuple(int(j <= i) for j in range(m)) for i in range(n))


@register
class MaskedSoftmax(Op):
    """A = softmax(S + M) row by row, M_ij = 0 where kept and −∞ where masked (causal: j > i), so A_ij = 0 there.
    ∂L/∂S = A ⊙ (Ḡ − (A ⊙ Ḡ) 𝟏 𝟏ᵀ)   (the softmax rule; it vanishes wherever A_ij = 0, i.e. at every masked entry)."""

    name, rule, symbol = "masked_softmax", "softmax rule diag(a) − a aᵀ (masked entries: a = 0)", "softmax(·+M)"

    def __init__(self, keep: Any = ((1,),)) -> None:
        self.keep = tuple(tuple(int(bool(v)) for v in row) for row in keep)

    def shape(self, s: Shape) -> Shape:
        if (len(self.keep), len(self.keep[0])) != tuple(s):
            raise ValueError(f"masked_softmax: mask {len(self.keep)}×{len(self.keep[0])} does not match {s}")
        if not all(any(row) for row in self.keep):
            raise ValueError("masked_softmax: every row must keep at least one entry")
        return s

    def forward(self, B: Any, s: Any) -> Any:
        return call(B, "MaskedSoftmax", s, [list(r) for r in self.keep])

    def vjp(self, B: Any, g: Any, out: Any, s: Any) -> tuple[Any, ...]:
        rows, cols = B.shape(out)
        inner = B.broadcast(B.sum_to(B.hadamard(out, g), rows, 1), rows, cols)  # (A ⊙ Ḡ) 𝟏 𝟏ᵀ
        return (B.hadamard(out, B.sub(g, inner)),)

    @classmethod
    def example(cls, rng: np.random.Generator) -> tuple[Op, list[Shape], list[str]]:
        import numpy as np
        n, m = rand_dim(rng, 2, 3), rand_dim(rng, 2, 3)
        keep = rng.integers(0, 2, size=(n, m))
        keep[np.arange(n), rng.integers(0, m, size=n)] = 1  # at least one key per row
        return cls(keep.tolist()), [(n, m)], ["real"]


@register
class ScaledDot(Op):
    """S = c Q Kᵀ: every query row against every key row, scaled by c (c = 1/√d_k in attention).
    ∂L/∂Q = c Ḡ K,   ∂L/∂K = c Ḡᵀ Q."""

    name, rule, symbol, arity = "scaled_dot", "scaled dot-product rule ∂Q = c Ḡ K, ∂K = c Ḡᵀ Q", "c·QKᵀ", 2

    def __init__(self, c: Any = 1) -> None:
        import sympy as sp
        from derive.scalar_functions import as_expr
        self.c = sp.nsimplify(c) if isinstance(c, float) else as_expr(c)

    def shape(self, q: Shape, k: Shape) -> Shape:
        if q[1] != k[1]:
            raise ValueError(f"scaled_dot: queries {q} and keys {k} differ in width")
        return (q[0], k[0])

    def forward(self, B: Any, q: Any, k: Any) -> Any:
        return B.scale(self.c, B.matmul(q, B.T(k)))

    def vjp(self, B: Any, g: Any, out: Any, q: Any, k: Any) -> tuple[Any, ...]:
        return B.scale(self.c, B.matmul(g, k)), B.scale(self.c, B.matmul(B.T(g), q))

    def label(self) -> str:
        return f"{self.c}·QKᵀ"

    @classmethod
    def example(cls, rng: np.random.Generator) -> tuple[Op, list[Shape], list[str]]:
        import sympy as sp
        n, m, d = rand_dim(rng), rand_dim(rng), rand_dim(rng)
        return cls(1 / sp.sqrt(d)), [(n, d), (m, d)], ["real", "real"]
