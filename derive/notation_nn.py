"""Display classes and NumPy kernels for the convolution, masking and broadcasting ops.

The ops in ``derive/ops/conv.py``, ``attention.py`` and ``broadcast.py`` need a few operations
the backend protocol (``derive.backend``) does not have. Each is here three times over, as the
rest of the engine does it:

    a SymPy display class   prints in the course's notation (``X ⋆ K``, ``pad_1(X)``,
                            ``rot180(K)``, ``softmax(S + M)``, ``A ⊘ B``); ``.as_explicit()``
                            expands it element by element (``_entry``), which is what the rule
                            proofs and an independent evaluator of the JSON use;
    a NumPy kernel          what ``lambdify`` calls (``_numpycode``) and the NumPy engine runs;
    ``call(B, name, …)``    picks one by backend: NumPy numbers, SymPy display, or SymPy explicit
                            matrices when any argument is explicit.

    Corr(A, K, (s_r, s_c))       C_ij = Σ_ab A[i s_r + a, j s_c + b] K_ab   (valid, strided)
    ZeroPad(A, (p_r, p_c))       A with p_r zero rows above and below, p_c zero columns each side
    Dilate(A, (s_r, s_c), (R, C)) an R×C zero matrix with A_ij at (i s_r, j s_c)
    Rot180(A)                    A_{r−1−i, c−1−j}  (the kernel flipped both ways)
    MaskedSoftmax(S, M)          row softmax over the entries with M_ij = 1; exactly 0 elsewhere
    HDiv(A, B)                   A_ij / B_ij

The classes are listed in ``derive.functions.PARSE_NAMESPACE`` (JSON round trip) and the
kernels in ``derive.functions.NUMPY_MODULE`` (``lambdify``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from derive.notation import _mwrap, _pretty
from derive.scalar_functions import as_expr

if TYPE_CHECKING:
    import numpy as np

Pair = tuple[int, int]


def _pair(p: Any) -> sp.Tuple:
    return sp.Tuple(*(sp.Integer(int(v)) for v in p))


def _ints(t: Any) -> tuple[int, ...]:
    return tuple(int(v) for v in t)


def _fn(printer: Any, latex: bool, name: str, sub: str, arg: Any) -> str:
    inner = printer._print(arg)
    if latex:
        sub = f"_{{{sub}}}" if sub else ""
        return rf"\operatorname{{{name}}}{sub}\left({inner}\right)"
    return f"{name}{'_' + sub if sub else ''}({inner})"


def _size_text(p: tuple[int, ...], neutral: int = 0) -> str:
    """A (rows, cols) amount written once when both agree or one is neutral (a 1-D signal's rows)."""
    other = {v for v in p if v != neutral}
    return str(other.pop()) if len(other) == 1 else ",".join(map(str, p))


# --- display classes ----------------------------------------------------------------------------

class Corr(MatrixExpr):
    """Valid cross-correlation with stride (what deep-learning libraries call convolution).

    C_ij = Σ_{a,b} A[i s_r + a, j s_c + b] K_ab,   C ∈ ℝ^{⌊(R − F_r)/s_r⌋+1 × ⌊(C − F_c)/s_c⌋+1}
    """

    infix = True  # printed between its operands: parenthesized inside products (derive.notation._mwrap)

    def __new__(cls, a: Any, k: Any, stride: Any = (1, 1)) -> Any:
        return MatrixExpr.__new__(cls, as_expr(a), as_expr(k), _pair(stride))

    @property
    def stride(self) -> Pair:
        return _ints(self.args[2])  # type: ignore[return-value]

    @property
    def shape(self) -> tuple[Any, Any]:
        a, k, (sr, sc) = self.args[0], self.args[1], self.stride
        return ((a.shape[0] - k.shape[0]) // sr + 1, (a.shape[1] - k.shape[1]) // sc + 1)

    def _entry(self, i: Any, j: Any, **kwargs: Any) -> Any:
        a, k, (sr, sc) = self.args[0], self.args[1], self.stride
        fr, fc = int(k.shape[0]), int(k.shape[1])
        return sp.Add(*(a[int(i) * sr + p, int(j) * sc + q] * k[p, q] for p in range(fr) for q in range(fc)))

    def _numpycode(self, printer: Any) -> str:
        return f"nn_corr({printer._print(self.args[0])}, {printer._print(self.args[1])}, {self.stride})"

    def _text(self, printer: Any, latex: bool) -> str:
        a, k = (_mwrap(printer, x, latex, tight=True) for x in self.args[:2])
        s = _size_text(self.stride, 1) if self.stride != (1, 1) else ""
        if latex:
            return rf"{a} \star{'_{' + s + '}' if s else ''} {k}"
        return f"{a} ⋆{'_' + s if s else ''} {k}"

    def _sympystr(self, printer: Any) -> str:
        if not _pretty(printer):
            return f"Corr({printer._print(self.args[0])}, {printer._print(self.args[1])}, {self.stride})"
        return self._text(printer, False)

    def _latex(self, printer: Any) -> str:
        return self._text(printer, True)


class ZeroPad(MatrixExpr):
    """A surrounded by p_r rows and p_c columns of zeros on every side (``pad_P(X)``)."""

    def __new__(cls, a: Any, pad: Any) -> Any:
        return MatrixExpr.__new__(cls, as_expr(a), _pair(pad))

    @property
    def pad(self) -> Pair:
        return _ints(self.args[1])  # type: ignore[return-value]

    @property
    def shape(self) -> tuple[Any, Any]:
        (r, c), (pr, pc) = self.args[0].shape, self.pad
        return (r + 2 * pr, c + 2 * pc)

    def _entry(self, i: Any, j: Any, **kwargs: Any) -> Any:
        a, (pr, pc) = self.args[0], self.pad
        r, c = int(i) - pr, int(j) - pc
        return a[r, c] if 0 <= r < int(a.shape[0]) and 0 <= c < int(a.shape[1]) else sp.S.Zero

    def _numpycode(self, printer: Any) -> str:
        return f"nn_pad({printer._print(self.args[0])}, {self.pad})"

    def _sympystr(self, printer: Any) -> str:
        if not _pretty(printer):
            return f"ZeroPad({printer._print(self.args[0])}, {self.pad})"
        return _fn(printer, False, "pad", _size_text(self.pad), self.args[0])

    def _latex(self, printer: Any) -> str:
        return _fn(printer, True, "pad", _size_text(self.pad), self.args[0])


class Dilate(MatrixExpr):
    """An R×C zero matrix holding A_ij at (i s_r, j s_c): Ḡ spread out to the stride-1 grid (``dil_S(Ḡ)``)."""

    def __new__(cls, a: Any, stride: Any, shape: Any) -> Any:
        return MatrixExpr.__new__(cls, as_expr(a), _pair(stride), _pair(shape))

    @property
    def stride(self) -> Pair:
        return _ints(self.args[1])  # type: ignore[return-value]

    @property
    def shape(self) -> tuple[Any, Any]:
        return tuple(self.args[2])  # type: ignore[return-value]

    def _entry(self, i: Any, j: Any, **kwargs: Any) -> Any:
        a, (sr, sc) = self.args[0], self.stride
        i, j = int(i), int(j)
        if i % sr or j % sc or i // sr >= int(a.shape[0]) or j // sc >= int(a.shape[1]):
            return sp.S.Zero
        return a[i // sr, j // sc]

    def _numpycode(self, printer: Any) -> str:
        return f"nn_dilate({printer._print(self.args[0])}, {self.stride}, {_ints(self.args[2])})"

    def _sympystr(self, printer: Any) -> str:
        if not _pretty(printer):
            return f"Dilate({printer._print(self.args[0])}, {self.stride}, {_ints(self.args[2])})"
        return _fn(printer, False, "dil", _size_text(self.stride, 1), self.args[0])

    def _latex(self, printer: Any) -> str:
        return _fn(printer, True, "dil", _size_text(self.stride, 1), self.args[0])


class Rot180(MatrixExpr):
    """A rotated by 180° (flipped up–down and left–right): the flipped kernel."""

    def __new__(cls, a: Any) -> Any:
        return MatrixExpr.__new__(cls, as_expr(a))

    @property
    def shape(self) -> tuple[Any, Any]:
        return self.args[0].shape

    def _entry(self, i: Any, j: Any, **kwargs: Any) -> Any:
        a = self.args[0]
        return a[int(a.shape[0]) - 1 - int(i), int(a.shape[1]) - 1 - int(j)]

    def _numpycode(self, printer: Any) -> str:
        return f"nn_rot180({printer._print(self.args[0])})"

    def _sympystr(self, printer: Any) -> str:
        if not _pretty(printer):
            return f"Rot180({printer._print(self.args[0])})"
        return _fn(printer, False, "rot180", "", self.args[0])

    def _latex(self, printer: Any) -> str:
        return _fn(printer, True, "rot180", "", self.args[0])


class MaskedSoftmax(MatrixExpr):
    """softmax(S + M) along each row, M_ij = 0 where ``keep`` is 1 and −∞ where it is 0.

    The masked weights are exactly 0 (no ∞ is ever computed); printed ``softmax(S + M)``.
    """

    def __new__(cls, s: Any, keep: Any) -> Any:
        return MatrixExpr.__new__(cls, as_expr(s), sp.ImmutableMatrix(keep))

    @property
    def keep(self) -> list[list[int]]:
        m = self.args[1]
        return [[int(m[i, j]) for j in range(m.cols)] for i in range(m.rows)]

    @property
    def shape(self) -> tuple[Any, Any]:
        return self.args[0].shape

    def _entry(self, i: Any, j: Any, **kwargs: Any) -> Any:
        s, keep = self.args[0], self.keep
        i, j = int(i), int(j)
        if not keep[i][j]:
            return sp.S.Zero
        return sp.exp(s[i, j]) / sp.Add(*(sp.exp(s[i, k]) for k in range(len(keep[i])) if keep[i][k]))

    def _numpycode(self, printer: Any) -> str:
        return f"nn_masked_softmax({printer._print(self.args[0])}, {self.keep})"

    def _sympystr(self, printer: Any) -> str:
        if not _pretty(printer):
            return f"MaskedSoftmax({printer._print(self.args[0])}, {self.keep})"
        return f"softmax({printer._print(self.args[0])} + M)"

    def _latex(self, printer: Any) -> str:
        return rf"\operatorname{{softmax}}\left({printer._print(self.args[0])} + M\right)"


class HDiv(MatrixExpr):
    """Elementwise (Hadamard) division A ⊘ B of same-shaped matrices."""

    infix = True

    def __new__(cls, a: Any, b: Any) -> Any:
        return MatrixExpr.__new__(cls, as_expr(a), as_expr(b))

    @property
    def shape(self) -> tuple[Any, Any]:
        return self.args[0].shape

    def _entry(self, i: Any, j: Any, **kwargs: Any) -> Any:
        return self.args[0][i, j] / self.args[1][i, j]

    def _numpycode(self, printer: Any) -> str:
        return f"nn_hdiv({printer._print(self.args[0])}, {printer._print(self.args[1])})"

    def _sympystr(self, printer: Any) -> str:
        if not _pretty(printer):
            return f"HDiv({printer._print(self.args[0])}, {printer._print(self.args[1])})"
        return " ⊘ ".join(_mwrap(printer, a, False, tight=True, partial=False) for a in self.args)

    def _latex(self, printer: Any) -> str:
        return r" \oslash ".join(_mwrap(printer, a, True, tight=True) for a in self.args)


# --- NumPy kernels (float64 arrays of shape (rows, cols)); NumPy is imported only when one runs, so
#     a symbolic derivation never loads it -----------------------------------------------------------

def nn_corr(a: Any, k: Any, stride: Pair = (1, 1)) -> np.ndarray:
    """Valid strided cross-correlation: C_ij = Σ_ab A[i s_r + a, j s_c + b] K_ab."""
    import numpy as np
    a, k = np.asarray(a, dtype=float), np.asarray(k, dtype=float)
    windows = np.lib.stride_tricks.sliding_window_view(a, k.shape)[:: stride[0], :: stride[1]]
    return np.einsum("ijab,ab->ij", windows, k)


def nn_pad(a: Any, pad: Pair) -> np.ndarray:
    """Zero padding: p_r rows above and below, p_c columns left and right."""
    import numpy as np
    return np.pad(np.asarray(a, dtype=float), ((pad[0], pad[0]), (pad[1], pad[1])))


def nn_dilate(a: Any, stride: Pair, shape: Pair) -> np.ndarray:
    """An R×C zero matrix with A_ij at (i s_r, j s_c)."""
    import numpy as np
    a = np.asarray(a, dtype=float)
    out = np.zeros(tuple(shape))
    out[: a.shape[0] * stride[0]: stride[0], : a.shape[1] * stride[1]: stride[1]] = a
    return out


def nn_rot180(a: Any) -> np.ndarray:
    """A flipped up–down and left–right."""
    import numpy as np
    return np.asarray(a, dtype=float)[::-1, ::-1].copy()


def nn_masked_softmax(s: Any, keep: Any) -> np.ndarray:
    """Row softmax over the kept entries (keep_ij = 1); exactly 0 at the masked ones."""
    import numpy as np
    s, keep = np.asarray(s, dtype=float), np.asarray(keep, dtype=bool)
    z = np.where(keep, s, -np.inf)
    e = np.where(keep, np.exp(z - np.max(z, axis=-1, keepdims=True)), 0.0)
    return e / np.sum(e, axis=-1, keepdims=True)


def nn_hdiv(a: Any, b: Any) -> np.ndarray:
    """Elementwise division."""
    import numpy as np
    return np.asarray(a, dtype=float) / np.asarray(b, dtype=float)


NN_DISPLAY: dict[str, Any] = {c.__name__: c for c in (Corr, ZeroPad, Dilate, Rot180, MaskedSoftmax, HDiv)}
NN_NUMPY: dict[str, Any] = {f.__name__: f for f in (nn_corr, nn_pad, nn_dilate, nn_rot180, nn_masked_softmax, nn_hdiv)}
_KERNEL = {"Corr": nn_corr, "ZeroPad": nn_pad, "Dilate": nn_dilate, "Rot180": nn_rot180,
           "MaskedSoftmax": nn_masked_softmax, "HDiv": nn_hdiv}


def call(B: Any, name: str, *args: Any) -> Any:
    """Apply display class / kernel ``name`` on backend ``B``: NumPy numbers, a SymPy display
    expression, or (when any matrix argument is explicit) an explicit SymPy matrix.

    The leading arguments are matrices, the trailing ones plain parameters (stride, shape, keep).
    """
    if B.name == "numpy":
        return _KERNEL[name](*args)
    expr = NN_DISPLAY[name](*args)
    if any(isinstance(a, sp.MatrixBase) for a in args):  # parameters are plain tuples / lists
        return sp.ImmutableMatrix(expr.as_explicit())
    return expr
