"""Convolution as deep-learning libraries compute it: cross-correlation with stride and padding."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from derive.notation_nn import call
from derive.ops.base import Op, Shape, register

if TYPE_CHECKING:
    import numpy as np


def out_size(n: int, f: int, p: int, s: int) -> int:
    """⌊(N − F + 2P)/S⌋ + 1: outputs of a length-N signal, width-F kernel, padding P, stride S."""
    return (n - f + 2 * p) // s + 1


@register
class Correlate(Op):
    """Y = pad_P(X) ⋆_S K:  Y_ij = Σ_ab X_p[i S + a, j S + b] K_ab  (cross-correlation, X_p = pad_P(X)).
    ∂L/∂K = X_p ⋆ dil_S(Ḡ);   ∂L/∂X = pad_{F−1−P}(dil_S(Ḡ)) ⋆ rot180(K): the full convolution of Ḡ with the
    flipped kernel (Ḡ padded by F − 1), less the P border rows/columns that were padding; dil_S(Ḡ) puts Ḡ on the
    stride-1 grid with zeros between."""

    name, rule, symbol, arity = "correlate", "convolution rule (∂K: X ⋆ Ḡ, ∂X: full conv. of Ḡ with rot180(K))", "⋆", 2

    def __init__(self, stride: tuple[int, int] = (1, 1), padding: tuple[int, int] = (0, 0)) -> None:
        self.stride, self.padding = tuple(int(v) for v in stride), tuple(int(v) for v in padding)

    def shape(self, x: Shape, k: Shape) -> Shape:
        (pr, pc), (sr, sc) = self.padding, self.stride
        if min(sr, sc) < 1 or min(pr, pc) < 0 or k[0] > x[0] + 2 * pr or k[1] > x[1] + 2 * pc:
            raise ValueError(f"correlate: kernel {k} does not fit input {x} with padding {self.padding}")
        return (out_size(x[0], k[0], pr, sr), out_size(x[1], k[1], pc, sc))

    def _padded(self, B: Any, x: Any) -> Any:
        return call(B, "ZeroPad", x, self.padding) if any(self.padding) else x

    def forward(self, B: Any, x: Any, k: Any) -> Any:
        return call(B, "Corr", self._padded(B, x), k, self.stride)

    def vjp(self, B: Any, g: Any, out: Any, x: Any, k: Any) -> tuple[Any, ...]:
        (xr, xc), (kr, kc), (pr, pc) = B.shape(x), B.shape(k), self.padding
        grid = (xr + 2 * pr - kr + 1, xc + 2 * pc - kc + 1)  # the stride-1 output grid
        gd = call(B, "Dilate", g, self.stride, grid) if self.stride != (1, 1) else g
        dk = call(B, "Corr", self._padded(B, x), gd, (1, 1))
        q = (kr - 1 - pr, kc - 1 - pc)  # border of the full convolution that is not padding
        if min(q) < 0:  # padding wider than F − 1: crop Ḡ instead of padding it
            cut = (max(-q[0], 0), max(-q[1], 0))
            gd = B.part(gd, (cut[0], grid[0] - cut[0]), (cut[1], grid[1] - cut[1]))
        padded = call(B, "ZeroPad", gd, (max(q[0], 0), max(q[1], 0))) if max(q) > 0 else gd
        return call(B, "Corr", padded, call(B, "Rot180", k), (1, 1)), dk

    def label(self) -> str:
        extra = [f"S={self.stride[1]}"] * (self.stride != (1, 1)) + [f"P={max(self.padding)}"] * any(self.padding)
        return "⋆" + (f" ({', '.join(extra)})" if extra else "")

    @classmethod
    def example(cls, rng: np.random.Generator) -> tuple[Op, list[Shape], list[str]]:
        one_d = bool(rng.integers(2))
        s, p = int(rng.integers(1, 3)), int(rng.integers(0, 2))
        n, f = int(rng.integers(3, 6)), int(rng.integers(1, 4))
        if one_d:
            return cls((1, s), (0, p)), [(1, n), (1, f)], ["real", "real"]
        m, f2 = int(rng.integers(2, 5)), int(rng.integers(1, 3))
        return cls((s, s), (p, p)), [(m, n), (f2, f)], ["real", "real"]
