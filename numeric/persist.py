"""Save and load model parameters as ``.npz`` with a JSON manifest (model, shapes, config).

A missing, truncated, mismatched or hostile file is a ``UserError`` naming ``--load`` (exit 2,
one line). A ``--load`` file is read through ``derive.files.read_bytes`` (regular files only, at
most ``MAX_LOAD_BYTES``); then, before any array is decompressed, the archive's directory and
every needed array's ``.npy`` header are checked (docs/limits.md, Numeric): the number of
members, their declared sizes against the memory budget, the compression ratio (a zip bomb
declares gigabytes in a few megabytes), the header's length, each array's dtype (numbers only),
shape (the model's own) and declared bytes. The manifest is read (at most ``MAX_MANIFEST_BYTES``)
and must be a JSON object ``{"model": text, "shapes": {...}, "config": {...}}``. Only the arrays
the model asks for are decompressed, each exactly to its declared size. A ``--save`` file is
written through ``derive.files.atomic_write``.
"""

from __future__ import annotations

import io
import json
import math
import struct
import zipfile
from pathlib import Path
from typing import IO, Any

import numpy as np

from derive.errors import UserError
from derive.files import atomic_write, read_bytes

MANIFEST = "__manifest__"
MAX_LOAD_BYTES = 100_000_000    # bytes of a --load file (docs/limits.md)
MAX_MEMBERS = 1_000             # arrays in one file
MAX_MANIFEST_BYTES = 1_000_000  # bytes of the JSON manifest
MAX_HEADER_BYTES = 10_000       # bytes of one .npy header (NumPy's own default limit)
MAX_RATIO = 200                 # declared size / compressed size of a compressed member
NUMBER_KINDS = "biuf"           # bool, signed, unsigned, float arrays; never objects, text or records
ARG = "--load"


def save(path: str | Path, model: str, params: dict[str, np.ndarray], config: dict[str, Any] | None = None) -> None:
    """Write ``params`` and a manifest ``{"model", "shapes", "config"}`` to ``path`` (.npz)."""
    manifest = {"model": model, "shapes": {k: list(v.shape) for k, v in params.items()}, "config": config or {}}
    arrays = {k: np.asarray(v) for k, v in params.items()}
    arrays[MANIFEST] = np.frombuffer(json.dumps(manifest, default=str).encode(), dtype=np.uint8)
    atomic_write(path, lambda fh: np.savez(fh, **arrays), "--save")  # never a truncated file


def load(path: str | Path, model: str, shapes: dict[str, tuple[int, ...]] | None = None,
         extra_ok: bool = False) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Read parameters saved by :func:`save`: check the model name and the shape of every array
    in ``shapes`` before decompressing it, and return (those arrays, the manifest).

    Without ``shapes`` every array is read (each still checked against the archive's limits).
    Arrays the file holds beyond ``shapes`` are refused unless ``extra_ok`` (then left unread).
    """
    with _archive(path) as archive:
        manifest = archive.manifest(model)
        wanted = dict(shapes) if shapes is not None else {n: None for n in archive.names}
        extra = sorted(set(archive.names) - set(wanted))
        if extra and not extra_ok:
            raise UserError(f"'{path}': unexpected parameter(s) {', '.join(extra)[:200]} for '{model}'", ARG)
        for name, shape in wanted.items():
            got = archive.shape(name) if name in archive.names else "missing"
            if shape is not None and got != tuple(shape):
                raise UserError(f"'{path}': parameter {name} has shape {got}, expected {tuple(shape)}", ARG)
        return {name: archive.array(name) for name in wanted}, manifest


def manifest(path: str | Path, model: str) -> dict[str, Any]:
    """The checked manifest of a parameter file (no array is decompressed)."""
    with _archive(path) as archive:
        return archive.manifest(model)


class _Archive:
    """An ``.npz`` whose directory has been checked; headers and arrays are read on demand."""

    def __init__(self, path: str | Path, raw: bytes) -> None:
        self.path = path
        if raw[:6] == b"\x93NUMPY":
            self._fail("a single .npy array, not a chainrule parameter file (an .npz with a manifest)")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(raw))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, struct.error) as exc:
            self._fail(f"unreadable or truncated parameter file ({type(exc).__name__})")
        self._check_directory(infos)
        self.infos = {i.filename[:-4]: i for i in infos}
        if MANIFEST not in self.infos:
            self._fail("not a chainrule parameter file (no manifest)")
        self.names = [n for n in self.infos if n != MANIFEST]
        self._headers: dict[str, tuple[tuple[int, ...], np.dtype, int]] = {}

    def __enter__(self) -> "_Archive":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.zip.close()

    def _fail(self, message: str) -> Any:
        raise UserError(f"'{self.path}': {message}", ARG)

    def _check_directory(self, infos: list[zipfile.ZipInfo]) -> None:
        from numeric.budget import budgets, human_bytes
        if len(infos) > MAX_MEMBERS:
            self._fail(f"{len(infos)} arrays (at most {MAX_MEMBERS})")
        names = [i.filename for i in infos]
        if len(set(names)) != len(names) or any(not n.endswith(".npy") or "/" in n for n in names):
            self._fail("not a chainrule parameter file (members must be distinct .npy arrays)")
        for info in infos:
            if info.compress_type != zipfile.ZIP_STORED and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                self._fail(f"{info.filename} expands {info.file_size / max(info.compress_size, 1):.0f}-fold "
                           f"(at most {MAX_RATIO}-fold): refused as a zip bomb")
        total, memory = sum(i.file_size for i in infos), budgets()[0]
        if total > memory:
            self._fail(f"its arrays declare {human_bytes(total)} (more than the memory budget, {human_bytes(memory)})")

    def _open(self, name: str) -> IO[bytes]:
        try:
            return self.zip.open(self.infos[name])
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, ValueError, EOFError) as exc:
            return self._fail(f"cannot read {name} ({type(exc).__name__}: {str(exc)[:80]})")

    def header(self, name: str) -> tuple[tuple[int, ...], np.dtype, int]:
        """(shape, dtype, bytes of the header) of ``name``, read without decompressing its data."""
        if name in self._headers:
            return self._headers[name]
        fmt = np.lib.format
        try:
            with self._open(name) as fh:
                head = fh.read(12)
                if len(head) < 10 or head[:6] != fmt.MAGIC_PREFIX or head[6] not in (1, 2, 3):
                    self._fail(f"{name} is not a .npy array")
                length = struct.unpack("<H", head[8:10])[0] if head[6] == 1 else struct.unpack("<I", head[8:12].ljust(4, b"\0"))[0]
                if length > MAX_HEADER_BYTES:
                    self._fail(f"{name} has a header of {length} bytes (at most {MAX_HEADER_BYTES})")
            with self._open(name) as fh:
                version = fmt.read_magic(fh)
                reader = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
                shape, fortran, dtype = reader(fh, max_header_size=MAX_HEADER_BYTES)
                offset = fh.tell()
        except UserError:
            raise
        except (ValueError, TypeError, SyntaxError, struct.error, zipfile.BadZipFile, EOFError, OSError) as exc:
            return self._fail(f"{name} has an unreadable header ({type(exc).__name__})")
        if dtype.kind not in NUMBER_KINDS or dtype.hasobject or dtype.fields is not None or dtype.itemsize > 16:
            self._fail(f"{name} holds {dtype} values, expected numbers")
        if any(not isinstance(d, int) or d < 0 for d in shape) or len(shape) > 8:
            self._fail(f"{name} has an invalid shape {shape}")
        need = math.prod(shape) * dtype.itemsize
        if self.infos[name].file_size != offset + need:
            self._fail(f"{name} declares {self.infos[name].file_size - offset} bytes of data for shape {tuple(shape)} "
                       f"of {dtype} ({need} bytes): truncated or forged")
        self._headers[name] = (tuple(shape), dtype, offset)
        return self._headers[name]

    def shape(self, name: str) -> tuple[int, ...]:
        """The shape the header of ``name`` declares."""
        return self.header(name)[0]

    def array(self, name: str) -> np.ndarray:
        """The array ``name``, decompressed after its header was checked."""
        self.header(name)
        try:
            with self._open(name) as fh:
                return np.lib.format.read_array(fh, allow_pickle=False, max_header_size=MAX_HEADER_BYTES)
        except (ValueError, zipfile.BadZipFile, EOFError, OSError) as exc:
            return self._fail(f"unreadable or truncated parameter file ({type(exc).__name__} in {name})")

    def manifest(self, model: str) -> dict[str, Any]:
        """The manifest, checked: a JSON object naming ``model``, with a table of shapes and of settings."""
        shape, dtype, _ = self.header(MANIFEST)
        if dtype != np.uint8 or len(shape) != 1 or shape[0] > MAX_MANIFEST_BYTES:
            self._fail(f"the manifest must be at most {MAX_MANIFEST_BYTES} bytes of JSON")
        try:
            found = json.loads(self.array(MANIFEST).tobytes().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            return self._fail(f"the manifest is not JSON text ({type(exc).__name__})")
        if not isinstance(found, dict):
            self._fail(f"the manifest must be a JSON object, got a {_json_kind(found)}")
        for key in ("shapes", "config"):
            if not isinstance(found.get(key, {}), dict):
                self._fail(f"manifest '{key}' must be a JSON object, got a {_json_kind(found[key])}")
        if found.get("model") != model:
            raise UserError(f"'{self.path}' holds a '{str(found.get('model'))[:40]}' model, not '{model}'", ARG)
        return found


def _json_kind(value: Any) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", int: "number", float: "number"}.get(type(value), "null")


def _archive(path: str | Path) -> _Archive:
    raw = read_bytes(Path(path), ARG, MAX_LOAD_BYTES)  # a regular file (no FIFO, no device), capped
    return _Archive(path, raw)
