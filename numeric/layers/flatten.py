"""Flatten: (N, C, H, W) → (N, C·H·W), row-major, as PyTorch's ``flatten(1)`` (SYLLABUS §5)."""

from __future__ import annotations

from typing import Any

import numpy as np


def forward(params: dict[str, np.ndarray], x: np.ndarray) -> tuple[np.ndarray, Any]:
    """out = x reshaped to (N, ∏ other dims); x: (N, …)."""
    return x.reshape(x.shape[0], -1), x.shape


def backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """dx = Ḡ reshaped back to the input shape; no parameters."""
    return dout.reshape(cache), {}
