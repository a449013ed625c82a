"""Truth tables of two-input logic gates (SYLLABUS §1): inputs (4, 2), targets (4,) in {0, 1}.

AND, OR, NAND and NOR are linearly separable (a perceptron learns them); XOR and XNOR = NOT XOR
are not.
"""

from __future__ import annotations

import numpy as np

INPUTS = ((0, 0), (0, 1), (1, 0), (1, 1))
GATES = {
    "and": (0, 0, 0, 1),
    "or": (0, 1, 1, 1),
    "nand": (1, 1, 1, 0),
    "nor": (1, 0, 0, 0),
    "xor": (0, 1, 1, 0),
    "xnor": (1, 0, 0, 1),
}
SEPARABLE = {"and": True, "or": True, "nand": True, "nor": True, "xor": False, "xnor": False}


def gate(name: str, dtype: type = np.float64) -> tuple[np.ndarray, np.ndarray]:
    """(X, t) for gate ``name``: X the four input pairs (00, 01, 10, 11), t the gate's outputs."""
    if name not in GATES:
        raise ValueError(f"unknown gate '{name}' (known: {', '.join(GATES)})")
    return np.array(INPUTS, dtype=dtype), np.array(GATES[name], dtype=dtype)
