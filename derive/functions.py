"""The namespaces that carry chainrule's SymPy objects to NumPy and back from JSON.

``NUMPY_MODULE``     NumPy kernels for ``lambdify``: the scalar functions σ, ReLU, softplus, σ′, H
                     (``derive.scalar_functions``), row softmax / log-softmax, and the kernels of
                     the convolution and masking display classes (``derive.notation_nn``);
``PARSE_NAMESPACE``  the classes trusted code needs to turn our own JSON ``sympy`` strings back
                     into expressions with ``sympy.parse_expr``: the scalar functions and the
                     display classes of ``derive.notation`` and ``derive.notation_nn``.

The scalar functions and :func:`as_expr` are re-exported from ``derive.scalar_functions``.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from derive.notation import DISPLAY_CLASSES
from derive.notation_nn import NN_DISPLAY, NN_NUMPY
from derive.scalar_functions import FUNCTIONS, NUMPY_KERNELS, as_expr, relu, sigmoid, sigmoid_prime, softplus

__all__ = ["NUMPY_MODULE", "PARSE_NAMESPACE", "as_expr", "lambdify", "numpy_extras", "relu", "sigmoid", "sigmoid_prime", "softplus"]


def _np_softmax_rows(x: Any) -> Any:
    import numpy as np  # only when numbers are computed
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def _np_log_softmax_rows(x: Any) -> Any:
    import numpy as np
    x = np.asarray(x, dtype=float)
    m = np.max(x, axis=-1, keepdims=True)
    return x - m - np.log(np.sum(np.exp(x - m), axis=-1, keepdims=True))


NUMPY_MODULE: dict[str, Any] = {**NUMPY_KERNELS, "softmax_rows": _np_softmax_rows, "log_softmax_rows": _np_log_softmax_rows,
                                **NN_NUMPY}
PARSE_NAMESPACE: dict[str, Any] = {**FUNCTIONS, **DISPLAY_CLASSES,
                                   "Str": sp.core.symbol.Str,  # srepr writes MatrixSymbol names as Str('W1')
                                   **NN_DISPLAY}


# SymPy's "numpy" namespace is built by ``from numpy import *; from numpy.linalg import *``, which
# loads a few hundred NumPy submodules and their imports on the first call (0.15-0.4 s of every
# ``verify``). The module itself is the same names for the NumPy printer's ``numpy.exp(…)`` code;
# SymPy's two extra entries for NumPy (I → 1j, Heaviside → heaviside) are given explicitly.
# NumPy is imported on the first call only: a symbolic derivation imports this module and never lambdifies.
def numpy_extras() -> dict[str, Any]:
    """SymPy's extra names for NumPy code: ``I`` → 1j, ``Heaviside`` → ``numpy.heaviside``."""
    import numpy as np
    return {"I": 1j, "Heaviside": np.heaviside}


def lambdify(args: Any, expr: Any, **kwargs: Any) -> Any:
    """``sympy.lambdify`` with chainrule's functions mapped to stable NumPy implementations."""
    import numpy as np
    return sp.lambdify(args, expr, modules=[NUMPY_MODULE, numpy_extras(), np], **kwargs)
