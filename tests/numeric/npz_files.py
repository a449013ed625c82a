"""Hostile ``--load`` files, built byte by byte (shared by tests/numeric/test_persist.py and the
hostile corpus tests/hostile/cases_numeric.py). Each builder writes one file and returns its path."""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

MANIFEST = "__manifest__"


def npy_bytes(array: np.ndarray) -> bytes:
    """``array`` in .npy format."""
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, allow_pickle=False)
    return buf.getvalue()


def npy_header(shape: tuple[int, ...], dtype: str = "<f8", version: int = 1, pad_to: int = 0) -> bytes:
    """A .npy header (magic, version, length, dict) declaring ``shape`` of ``dtype``, padded to ``pad_to`` bytes."""
    text = repr({"descr": dtype, "fortran_order": False, "shape": shape}).encode()
    size = max(len(text) + 1, pad_to)
    text = text.ljust(size - 1) + b"\n"
    length = len(text).to_bytes(2 if version == 1 else 4, "little")
    return b"\x93NUMPY" + bytes([version, 0]) + length + text


def manifest_bytes(manifest: Any) -> bytes:
    """The manifest member: JSON text (or any bytes) as a 1-D uint8 array."""
    raw = manifest if isinstance(manifest, bytes) else json.dumps(manifest).encode()
    return npy_bytes(np.frombuffer(raw, dtype=np.uint8))


def npz(path: Path, members: dict[str, bytes], compress: bool = False) -> Path:
    """A zip of ``members`` (name → bytes; '.npy' is added to names without a dot)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as zf:
        for name, data in members.items():
            zf.writestr(name if "." in name else f"{name}.npy", data)
    return path


def xor_members(hidden: int = 8) -> dict[str, bytes]:
    """The members of a valid xor parameter file (manifest and arrays) for --hidden ``hidden``."""
    shapes = {"W1": (2, hidden), "b1": (hidden,), "W2": (hidden, 1), "b2": (1,)}
    out = {k: npy_bytes(np.zeros(s)) for k, s in shapes.items()}
    out[MANIFEST] = manifest_bytes({"model": "xor", "shapes": {k: list(s) for k, s in shapes.items()}, "config": {}})
    return out


def zip_bomb(path: Path, model: str = "xor", name: str = "W1", megabytes: int = 64) -> Path:
    """A deflated member declaring ``megabytes`` MB of zeros (about 1000-fold compression), behind a
    valid manifest; its header claims a matching shape so only the ratio gives it away."""
    n = megabytes * 2**20 // 8
    header = npy_header((n // 8, 8))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{MANIFEST}.npy", manifest_bytes({"model": model, "shapes": {}, "config": {}}))
        info = zipfile.ZipInfo(f"{name}.npy")
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as fh:
            fh.write(header)
            chunk = bytes(2**20)
            for _ in range(megabytes):
                fh.write(chunk)
    return path


def forged_size(path: Path, model: str = "xor", elements: int = 10**12) -> Path:
    """A member whose header claims ``elements`` float64s but holds 80 bytes."""
    return npz(path, {MANIFEST: manifest_bytes({"model": model, "shapes": {}, "config": {}}),
                      "W1": npy_header((elements,)) + bytes(80)})


def single_npy(path: Path, elements: int = 10**12) -> Path:
    """A bare .npy file whose header claims ``elements`` float64s."""
    path.write_bytes(npy_header((elements,)) + bytes(80))
    return path


def deflate_ratio(data: bytes) -> float:
    """How many times ``data`` shrinks under zlib (to show a builder's bomb is one)."""
    return len(data) / len(zlib.compress(data))
