"""Scratch arrays reused from one call to the next (the NumPy sequence layers' ``ws=`` option).

Allocating a fresh array of more than 128 KiB costs a page fault per 4 KiB page on first touch
(glibc serves such requests with mmap); in a recurrent layer that is dozens of arrays per batch.
A training loop therefore passes a ``Workspace``: a layer asks it for the array named ``name``
of a given shape and dtype and gets the same memory every step. Arrays from a workspace are
overwritten by the next call that uses the same workspace: keep one workspace per layer and
do not hold on to a cache after the next forward pass. Without a workspace (``ws=None``,
the default) every call allocates fresh arrays, which is always safe.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class Workspace:
    """Named scratch arrays: ``empty(name, shape, dtype)`` returns the same array for the same key."""

    def __init__(self) -> None:
        self._arrays: dict[tuple[str, tuple[int, ...], np.dtype], np.ndarray] = {}

    def empty(self, name: str, shape: tuple[int, ...], dtype: Any) -> np.ndarray:
        """An uninitialised array for (name, shape, dtype), allocated once and then reused."""
        key = (name, tuple(shape), np.dtype(dtype))
        found = self._arrays.get(key)
        if found is None:
            found = self._arrays[key] = np.empty(shape, dtype)
        return found


def empty(ws: Workspace | None, name: str, shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """``ws.empty(…)`` with a workspace, a fresh ``np.empty`` without one."""
    return np.empty(shape, dtype) if ws is None else ws.empty(name, shape, dtype)


def time_major(ws: Workspace | None, dh: np.ndarray, dtype: Any) -> np.ndarray:
    """∂L/∂h: (N, T, H) as a (T, H, N) array whose [t] is one step's (H, N) block.

    A view when ``dh`` already has the batch innermost (the recurrent models' readout hands it
    over so); otherwise a copy into the workspace array "dhs".
    """
    view = dh.transpose(1, 2, 0)
    if view.dtype == np.dtype(dtype) and view.strides[-1] == view.itemsize:
        return view
    out = empty(ws, "dhs", view.shape, dtype)
    np.copyto(out, view)
    return out
