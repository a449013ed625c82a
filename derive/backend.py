"""The backend protocol every op's forward and vector-Jacobian rule is written against.

An op says *what* to compute (``B.matmul(g, B.T(b))``); a backend says *how*:

    NumpyBackend   float64 arrays of shape (rows, cols); the reference interpreter
    SympyBackend   SymPy matrix expressions in the course's notation (for display), or, when
                   given explicit matrices (``MatrixSymbol(...).as_explicit()``), explicit
                   element-by-element results (for proving each rule)

So the rule a student reads is the rule the numbers come from. Every value is a 2-D matrix;
a scalar is 1×1. Shapes are ``(rows, cols)`` tuples of ints.
"""

from __future__ import annotations

from functools import lru_cache, reduce
from typing import Any, Protocol, Sequence

Span = tuple[int, int]


class Backend(Protocol):
    """What an op may ask of a backend (each method returns a new value)."""

    name: str

    def shape(self, a: Any) -> tuple[int, int]: ...
    def matmul(self, a: Any, b: Any) -> Any: ...
    def T(self, a: Any) -> Any: ...
    def add(self, a: Any, b: Any) -> Any: ...
    def sub(self, a: Any, b: Any) -> Any: ...
    def neg(self, a: Any) -> Any: ...
    def scale(self, c: Any, a: Any) -> Any: ...
    def hadamard(self, *xs: Any) -> Any: ...
    def apply(self, fname: str, a: Any) -> Any: ...
    def ones_like(self, a: Any) -> Any: ...
    def unit(self) -> Any: ...
    def times(self, g: Any, a: Any) -> Any: ...
    def sum_all(self, a: Any) -> Any: ...
    def broadcast(self, a: Any, rows: int, cols: int) -> Any: ...
    def sum_to(self, g: Any, rows: int, cols: int) -> Any: ...
    def concat(self, xs: Sequence[Any], axis: int) -> Any: ...
    def part(self, a: Any, rows: Span, cols: Span) -> Any: ...
    def pad(self, g: Any, rows: Span, cols: Span, shape: tuple[int, int]) -> Any: ...
    def formula(self, expr: Any, symbols: Sequence[Any], xs: Sequence[Any]) -> Any: ...


class NumpyBackend:
    """Float64 NumPy arrays. ``formula`` lambdifies (and caches) scalar SymPy expressions."""

    name = "numpy"

    def __init__(self) -> None:
        import numpy as np
        self.np = np

    def shape(self, a: Any) -> tuple[int, int]:
        return tuple(self.np.shape(a))  # type: ignore[return-value]

    def matmul(self, a: Any, b: Any) -> Any:
        return a @ b

    def T(self, a: Any) -> Any:
        return a.T

    def add(self, a: Any, b: Any) -> Any:
        return a + b

    def sub(self, a: Any, b: Any) -> Any:
        return a - b

    def neg(self, a: Any) -> Any:
        return -a

    def scale(self, c: Any, a: Any) -> Any:
        return float(c) * a

    def hadamard(self, *xs: Any) -> Any:
        return reduce(lambda u, v: u * v, xs)

    def apply(self, fname: str, a: Any) -> Any:
        from derive.functions import NUMPY_MODULE
        from derive.notation import FUNC_NUMPY
        key = FUNC_NUMPY[fname]
        fn = NUMPY_MODULE.get(key) or getattr(self.np, key)
        return self.np.asarray(fn(a), dtype=float)

    def ones_like(self, a: Any) -> Any:
        return self.np.ones_like(a, dtype=float)

    def unit(self) -> Any:
        return self.np.ones((1, 1))

    def times(self, g: Any, a: Any) -> Any:
        return g * a

    def sum_all(self, a: Any) -> Any:
        return self.np.sum(a, keepdims=True).reshape(1, 1)

    def broadcast(self, a: Any, rows: int, cols: int) -> Any:
        return self.np.broadcast_to(a, (rows, cols)).copy()

    def sum_to(self, g: Any, rows: int, cols: int) -> Any:
        if g.shape[0] != rows:
            g = g.sum(axis=0, keepdims=True)
        if g.shape[1] != cols:
            g = g.sum(axis=1, keepdims=True)
        return g

    def concat(self, xs: Sequence[Any], axis: int) -> Any:
        return self.np.concatenate(list(xs), axis=axis)

    def part(self, a: Any, rows: Span, cols: Span) -> Any:
        return a[rows[0]:rows[1], cols[0]:cols[1]]

    def pad(self, g: Any, rows: Span, cols: Span, shape: tuple[int, int]) -> Any:
        out = self.np.zeros(shape)
        out[rows[0]:rows[1], cols[0]:cols[1]] = g
        return out

    def formula(self, expr: Any, symbols: Sequence[Any], xs: Sequence[Any]) -> Any:
        return float(_compiled(expr, tuple(symbols))(*(float(x) for x in xs)))


@lru_cache(maxsize=4096)
def _compiled(expr: Any, symbols: tuple[Any, ...]) -> Any:
    """``expr`` lambdified once per process (verify runs the engine at every point: compiling
    each rule again per point cost 0.3 s a point for the 8-8-8 network)."""
    from derive.functions import lambdify
    return lambdify(list(symbols), expr)


class SympyBackend:
    """SymPy matrix expressions printed in the course's notation; explicit matrices stay explicit.

    Symbolic values are built from ``derive.notation`` classes (``MMul``, ``Had``, ``MatFunc``…)
    without evaluation, so ``W2ᵀ δ_2`` stays ``W2ᵀ δ_2``. When any argument is an explicit
    ``Matrix``, the result is computed element by element instead (used to prove the rules).
    """

    name = "sympy"

    def __init__(self) -> None:
        import sympy as sp

        from derive import notation as N
        self.sp, self.N = sp, N

    # --- helpers -------------------------------------------------------------------------------
    def _explicit(self, *xs: Any) -> bool:
        return any(isinstance(x, self.sp.MatrixBase) for x in xs)

    def _e(self, x: Any) -> Any:
        return x if isinstance(x, self.sp.MatrixBase) else self.sp.ImmutableMatrix(x.as_explicit())

    def _is_unit(self, g: Any) -> bool:
        if isinstance(g, self.sp.MatrixBase):
            return g.shape == (1, 1) and g[0, 0] == 1
        return isinstance(g, self.sp.OneMatrix) and g.shape == (1, 1)

    def _is_zero(self, a: Any) -> bool:
        if isinstance(a, self.sp.MatrixBase):
            return a.is_zero_matrix is True
        return isinstance(a, self.sp.ZeroMatrix)

    # --- protocol ------------------------------------------------------------------------------
    def shape(self, a: Any) -> tuple[int, int]:
        return (int(a.shape[0]), int(a.shape[1]))

    def matmul(self, a: Any, b: Any) -> Any:
        if self._explicit(a, b):
            return self._e(a) * self._e(b)
        return self.N.MMul(*self._factors(a), *self._factors(b))

    def _factors(self, a: Any) -> tuple[Any, ...]:
        return a.args if type(a) is self.N.MMul else (a,)

    def T(self, a: Any) -> Any:
        if self._explicit(a):
            return self._e(a).T
        if isinstance(a, self.N.Transposed):
            return a.arg
        return self.N.Transposed(a)

    def add(self, a: Any, b: Any) -> Any:
        if self._explicit(a, b):
            return self._e(a) + self._e(b)
        if self._is_zero(a):
            return b
        if self._is_zero(b):
            return a
        return self.N.MAdd(a, b)  # binary: a long sum (BPTT) is built in linear time; printing flattens it

    def sub(self, a: Any, b: Any) -> Any:
        return self.add(a, self.neg(b))

    def neg(self, a: Any) -> Any:
        return self.scale(-1, a)

    def scale(self, c: Any, a: Any) -> Any:
        from derive.scalar_functions import as_expr
        c = self.sp.nsimplify(c) if isinstance(c, float) else as_expr(c)
        if self._explicit(a):
            return c * self._e(a)
        if c == 1:
            return a
        if type(a) is self.N.MMul:
            coeff, mats = self.N._coeff_and_factors(a)
            return self.N.MMul(c * coeff, *mats)
        return self.N.MMul(c, a)

    def hadamard(self, *xs: Any) -> Any:
        if self._explicit(*xs):
            return reduce(lambda u, v: u.multiply_elementwise(v), [self._e(x) for x in xs])
        flat = [y for x in xs for y in (x.args if type(x) is self.N.Had else (x,)) if not isinstance(y, self.N.Ones)]
        if not flat:
            return xs[0]
        return flat[0] if len(flat) == 1 else self.N.Had(*flat)

    def apply(self, fname: str, a: Any) -> Any:
        f = self.N.MatFunc(fname, a)
        return self.sp.ImmutableMatrix(f.as_explicit()) if self._explicit(a) else f

    def ones_like(self, a: Any) -> Any:
        r, c = self.shape(a)
        return self.sp.ones(r, c) if self._explicit(a) else self.N.Ones(r, c)

    def unit(self) -> Any:
        return self.N.Ones(1, 1)

    def times(self, g: Any, a: Any) -> Any:
        """g ∈ ℝ^{1×1} times a (the upstream gradient of a scalar)."""
        if self._is_unit(g):
            return a
        if self._explicit(g, a):
            return self._e(g)[0, 0] * self._e(a)
        r, c = self.shape(a)
        return self.N.MMul(a, g) if c == 1 else self.N.MMul(g, a) if r == 1 else self.N.MMul(g[0, 0], a)

    def sum_all(self, a: Any) -> Any:
        if self._explicit(a):
            return self.sp.ImmutableMatrix([[sum(self._e(a))]])
        r, c = self.shape(a)
        if c == 1 and type(a) is self.N.Had and len(a.args) == 2 and a.args[0] == a.args[1]:
            return self.N.MMul(self.N.Transposed(a.args[0]), a.args[0])  # Σ d⊙d = dᵀd
        return self.N.MMul(self.N.Transposed(self.N.Ones(r, 1)), a, self.N.Ones(c, 1))

    def broadcast(self, a: Any, rows: int, cols: int) -> Any:
        r, c = self.shape(a)
        if (r, c) == (rows, cols):
            return a
        if self._explicit(a):
            e = self._e(a)
            return self.sp.ImmutableMatrix(rows, cols, lambda i, j: e[i if r > 1 else 0, j if c > 1 else 0])
        if isinstance(a, self.sp.OneMatrix):
            return self.N.Ones(rows, cols)
        left = [self.N.Ones(rows, 1)] if r == 1 and rows > 1 else []
        right = [self.N.Transposed(self.N.Ones(cols, 1))] if c == 1 and cols > 1 else []
        return self.N.MMul(*left, a, *right)

    def sum_to(self, g: Any, rows: int, cols: int) -> Any:
        r, c = self.shape(g)
        if self._explicit(g):
            e = self._e(g)
            if r != rows:
                e = self.sp.ones(1, r) * e
            return e * self.sp.ones(c, 1) if c != cols else e
        if r != rows:
            g = self.N.MMul(self.N.Transposed(self.N.Ones(r, 1)), *self._factors(g))
        if c != cols:
            g = self.N.MMul(*self._factors(g), self.N.Ones(c, 1))
        return g

    def concat(self, xs: Sequence[Any], axis: int) -> Any:
        if self._explicit(*xs):
            parts = [self._e(x) for x in xs]
            return self.sp.ImmutableMatrix.vstack(*parts) if axis == 0 else self.sp.ImmutableMatrix.hstack(*parts)
        return self.N.Cat.of(list(xs), axis)

    def part(self, a: Any, rows: Span, cols: Span) -> Any:
        if self._explicit(a):
            return self._e(a)[rows[0]:rows[1], cols[0]:cols[1]]
        return self.N.Part(a, rows, cols)

    def pad(self, g: Any, rows: Span, cols: Span, shape: tuple[int, int]) -> Any:
        if self._explicit(g):
            out = self.sp.zeros(*shape)
            out[rows[0]:rows[1], cols[0]:cols[1]] = self._e(g)
            return self.sp.ImmutableMatrix(out)
        Z = self.sp.ZeroMatrix
        gr = rows[1] - rows[0]
        row = [Z(gr, cols[0])] * (cols[0] > 0) + [g] + [Z(gr, shape[1] - cols[1])] * (cols[1] < shape[1])
        band = row[0] if len(row) == 1 else self.N.Cat.of(row, 1)
        col = [Z(rows[0], shape[1])] * (rows[0] > 0) + [band] + [Z(shape[0] - rows[1], shape[1])] * (rows[1] < shape[0])
        return col[0] if len(col) == 1 else self.N.Cat.of(col, 0)

    def formula(self, expr: Any, symbols: Sequence[Any], xs: Sequence[Any]) -> Any:
        return expr.xreplace(dict(zip(symbols, xs)))
