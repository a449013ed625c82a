"""Save and load model parameters as ``.npz`` with a JSON manifest (model, shapes, config).

A missing, truncated or mismatched file is a ``UserError`` naming ``--load`` (exit 2); a
``--load`` file is read through ``derive.files.read_bytes`` (regular files only, at most
``MAX_LOAD_BYTES``), a ``--save`` file written through ``derive.files.atomic_write``.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from derive.errors import UserError
from derive.files import atomic_write, read_bytes

MANIFEST = "__manifest__"
MAX_LOAD_BYTES = 100_000_000  # bytes of a --load file (docs/limits.md)


def save(path: str | Path, model: str, params: dict[str, np.ndarray], config: dict[str, Any] | None = None) -> None:
    """Write ``params`` and a manifest ``{"model", "shapes", "config"}`` to ``path`` (.npz)."""
    manifest = {"model": model, "shapes": {k: list(v.shape) for k, v in params.items()}, "config": config or {}}
    arrays = {k: np.asarray(v) for k, v in params.items()}
    arrays[MANIFEST] = np.frombuffer(json.dumps(manifest, default=str).encode(), dtype=np.uint8)
    atomic_write(path, lambda fh: np.savez(fh, **arrays), "--save")  # never a truncated file


def load(path: str | Path, model: str, shapes: dict[str, tuple[int, ...]] | None = None) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Read parameters saved by :func:`save`; check the model name and (if given) every shape."""
    p = Path(path)
    raw = read_bytes(p, "--load", MAX_LOAD_BYTES)  # a regular file (no FIFO, no device), capped
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as data:
            if MANIFEST not in data.files:
                raise UserError(f"'{path}': not a chainrule parameter file (no manifest)", "--load")
            manifest = json.loads(bytes(data[MANIFEST]).decode())
            params = {k: data[k].copy() for k in data.files if k != MANIFEST}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError, json.JSONDecodeError) as exc:
        raise UserError(f"'{path}': unreadable or truncated parameter file ({type(exc).__name__})", "--load") from exc
    if manifest.get("model") != model:
        raise UserError(f"'{path}' holds a '{manifest.get('model')}' model, not '{model}'", "--load")
    for name, shape in (shapes or {}).items():
        if name not in params or tuple(params[name].shape) != tuple(shape):
            got = tuple(params[name].shape) if name in params else "missing"
            raise UserError(f"'{path}': parameter {name} has shape {got}, expected {tuple(shape)}", "--load")
    return params, manifest
