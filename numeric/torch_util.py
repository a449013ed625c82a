"""Optional PyTorch support: import on demand, pick the device, seed everything."""

from __future__ import annotations

from typing import Any

from derive.errors import UserError


def require_torch() -> Any:
    """The ``torch`` module, or a UserError saying how to install the CPU build."""
    try:
        import torch
    except ImportError as exc:
        raise UserError("torch is not installed (pip install torch==2.13.0)", "--backend") from exc
    return torch


def device(name: str = "cpu") -> Any:
    """``torch.device(name)``; ``cuda`` without a GPU is a UserError naming ``--device``."""
    torch = require_torch()
    if name == "cuda" and not torch.cuda.is_available():
        raise UserError("cuda requested but no CUDA GPU is available here", "--device")
    return torch.device(name)


def seed_all(seed: int) -> Any:
    """Seed torch's generators (CPU and CUDA) and use deterministic algorithms; returns a Generator."""
    torch = require_torch()
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    return torch.Generator().manual_seed(seed)


def threads(n: int | None) -> Any:
    """Context manager: run torch's CPU kernels on ``n`` intra-op threads inside the block (None: unchanged)."""
    from contextlib import contextmanager

    @contextmanager
    def _limit() -> Any:
        if not n:  # nothing to limit: torch is not even imported (it is optional)
            yield
            return
        torch = require_torch()
        before = torch.get_num_threads()
        torch.set_num_threads(n)
        try:
            yield
        finally:
            torch.set_num_threads(before)
    return _limit()
