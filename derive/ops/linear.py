"""Linear ops: matrix product, transpose, broadcasting add/subtract, scale, concat, slice."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

from derive.ops.base import Op, Shape, rand_dim, register

if TYPE_CHECKING:
    import numpy as np


def broadcast_shape(a: Shape, b: Shape) -> Shape:
    """The shape of a ⊕ b under broadcasting (each dimension equal, or 1 in one operand)."""
    if any(x != y and 1 not in (x, y) for x, y in zip(a, b)):
        raise ValueError(f"shapes {a} and {b} do not broadcast")
    return tuple(max(x, y) for x, y in zip(a, b))


@register
class MatMul(Op):
    """C = A B.   ∂L/∂A = Ḡ Bᵀ,   ∂L/∂B = Aᵀ Ḡ."""

    name, rule, symbol, arity = "matmul", "matrix-product rule", "@", 2

    def shape(self, a: Shape, b: Shape) -> Shape:
        if a[1] != b[0]:
            raise ValueError(f"matmul: {a} @ {b} not aligned")
        return (a[0], b[1])

    def forward(self, B: Any, a: Any, b: Any) -> Any:
        return B.matmul(a, b)

    def vjp(self, B: Any, g: Any, out: Any, a: Any, b: Any) -> tuple[Any, ...]:
        return B.matmul(g, B.T(b)), B.matmul(B.T(a), g)

    @classmethod
    def example(cls, rng: np.random.Generator) -> tuple[Op, list[Shape], list[str]]:
        n, k, m = rand_dim(rng), rand_dim(rng), rand_dim(rng)
        return cls(), [(n, k), (k, m)], ["real", "real"]


@register
class Transpose(Op):
    """C = Aᵀ.   ∂L/∂A = Ḡᵀ."""

    name, rule, symbol = "transpose", "transpose rule", "ᵀ"

    def shape(self, a: Shape) -> Shape:
        return (a[1], a[0])

    def forward(self, B: Any, a: Any) -> Any:
        return B.T(a)

    def vjp(self, B: Any, g: Any, out: Any, a: Any) -> tuple[Any, ...]:
        return (B.T(g),)


@register
class Add(Op):
    """C = A + B, broadcasting a column b ∈ ℝ^{n×1} (or row, or 1×1) as b 𝟏ᵀ.
    ∂L/∂A = Ḡ,  ∂L/∂B = Ḡ summed over the broadcast axes (Ḡ 𝟏 for a column)."""

    name, rule, symbol, arity = "add", "sum rule", "+", 2
    sign = 1

    def shape(self, a: Shape, b: Shape) -> Shape:
        return broadcast_shape(a, b)

    def forward(self, B: Any, a: Any, b: Any) -> Any:
        r, c = broadcast_shape(B.shape(a), B.shape(b))
        b = B.broadcast(b, r, c)
        return B.add(B.broadcast(a, r, c), b if self.sign > 0 else B.neg(b))

    def vjp(self, B: Any, g: Any, out: Any, a: Any, b: Any) -> tuple[Any, ...]:
        gb = B.sum_to(g, *B.shape(b))
        return B.sum_to(g, *B.shape(a)), gb if self.sign > 0 else B.neg(gb)

    @classmethod
    def example(cls, rng: np.random.Generator) -> tuple[Op, list[Shape], list[str]]:
        n, m = rand_dim(rng, 2), rand_dim(rng, 2)
        other = [(n, m), (n, 1), (1, m), (1, 1)][int(rng.integers(4))]
        return cls(), [(n, m), other], ["real", "real"]


@register
class Sub(Add):
    """C = A − B (broadcasting as in add).   ∂L/∂A = Ḡ,  ∂L/∂B = −Ḡ (summed over broadcast axes)."""

    name, rule, symbol = "sub", "difference rule", "−"
    sign = -1


@register
class Scale(Op):
    """C = c·A for a constant c.   ∂L/∂A = c·Ḡ."""

    name, rule, symbol = "scale", "constant-multiple rule", "×c"

    def __init__(self, c: Any = 1) -> None:
        self.c = Fraction(c) if isinstance(c, int) else c

    def forward(self, B: Any, a: Any) -> Any:
        return B.scale(self.c, a)

    def vjp(self, B: Any, g: Any, out: Any, a: Any) -> tuple[Any, ...]:
        return (B.scale(self.c, g),)

    def label(self) -> str:
        return f"×{self.c}"

    @classmethod
    def example(cls, rng: np.random.Generator) -> tuple[Op, list[Shape], list[str]]:
        return cls(Fraction(int(rng.integers(-5, 6)) or 3, 2)), [(rand_dim(rng), rand_dim(rng))], ["real"]


@register
class Concat(Op):
    """C = [A₁; A₂; …] (axis 0) or [A₁, A₂, …] (axis 1).   ∂L/∂A_i = the block of Ḡ where A_i sits."""

    name, rule, symbol, arity = "concat", "concatenation rule", "[;]", None

    def __init__(self, axis: int = 0) -> None:
        self.axis = axis

    def shape(self, *shapes: Shape) -> Shape:
        keep = 1 - self.axis
        if len({s[keep] for s in shapes}) != 1:
            raise ValueError(f"concat axis {self.axis}: shapes {shapes} differ off the axis")
        total = sum(s[self.axis] for s in shapes)
        return (total, shapes[0][1]) if self.axis == 0 else (shapes[0][0], total)

    def forward(self, B: Any, *xs: Any) -> Any:
        return B.concat(xs, self.axis)

    def vjp(self, B: Any, g: Any, out: Any, *xs: Any) -> tuple[Any, ...]:
        grads, start = [], 0
        rows, cols = B.shape(g)
        for x in xs:
            size = B.shape(x)[self.axis]
            span = (start, start + size)
            grads.append(B.part(g, span, (0, cols)) if self.axis == 0 else B.part(g, (0, rows), span))
            start += size
        return tuple(grads)

    def label(self) -> str:
        return "[;]" if self.axis == 0 else "[,]"

    @classmethod
    def example(cls, rng: np.random.Generator) -> tuple[Op, list[Shape], list[str]]:
        axis, k, m = int(rng.integers(2)), rand_dim(rng, 2, 3), rand_dim(rng)
        shapes = [(rand_dim(rng), m) if axis == 0 else (m, rand_dim(rng)) for _ in range(k)]
        return cls(axis), shapes, ["real"] * k


@register
class Slice(Op):
    """C = A[r₀:r₁, c₀:c₁] (0-based, end exclusive).   ∂L/∂A = Ḡ placed in a zero matrix at that block."""

    name, rule, symbol = "slice", "slice rule", "[:]"

    def __init__(self, rows: tuple[int, int] = (0, 1), cols: tuple[int, int] = (0, 1)) -> None:
        self.rows, self.cols = tuple(rows), tuple(cols)

    def shape(self, a: Shape) -> Shape:
        if not (0 <= self.rows[0] < self.rows[1] <= a[0] and 0 <= self.cols[0] < self.cols[1] <= a[1]):
            raise ValueError(f"slice {self.rows}, {self.cols} outside shape {a}")
        return (self.rows[1] - self.rows[0], self.cols[1] - self.cols[0])

    def forward(self, B: Any, a: Any) -> Any:
        return B.part(a, self.rows, self.cols)

    def vjp(self, B: Any, g: Any, out: Any, a: Any) -> tuple[Any, ...]:
        return (B.pad(g, self.rows, self.cols, B.shape(a)),)

    def label(self) -> str:
        return f"[{self.rows[0]}:{self.rows[1]}, {self.cols[0]}:{self.cols[1]}]"

    @classmethod
    def example(cls, rng: np.random.Generator) -> tuple[Op, list[Shape], list[str]]:
        n, m = rand_dim(rng, 2, 4), rand_dim(rng, 1, 3)
        r0 = int(rng.integers(0, n)); r1 = int(rng.integers(r0 + 1, n + 1))
        c0 = int(rng.integers(0, m)); c1 = int(rng.integers(c0 + 1, m + 1))
        return cls((r0, r1), (c0, c1)), [(n, m)], ["real"]
