"""torch when it is installed, else None: every cross-check has a NumPy path without it."""

from __future__ import annotations

from typing import Any


def load_torch() -> Any:
    """The torch module, or None when it cannot be imported."""
    try:
        import torch
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    return torch
