"""A first-use cache of rendered derivations: the second ``chainrule derive T`` prints from disk.

A derivation depends only on what was asked (topic, options, given numbers, seed, format) and on
the code that derives and renders it. The first run derives it as always (SymPy builds the graph,
reverse-mode accumulation produces the steps, the printer renders them) and records the rendered
text; a later run with the same request and the same code prints that text without importing
SymPy or NumPy (≈ 0.15 s instead of 0.6–1.6 s). Only a successful run is recorded, so a request
that fails (bad option, overflowing given) is refused afresh every time.

The key is the request written out as canonical JSON, and the entries live in a folder named by
a fingerprint of the code: SHA-256 over every ``.py`` file of ``derive/`` and ``problems/``,
``cli.py``, SymPy's release file and the Python version. Any change to the code or to SymPy
starts an empty folder (older folders are removed when a new one is written). The printed text is
the same bytes either way (tested: cache off, first run and cached run agree byte for byte).

Where: ``$CHAINRULE_CACHE`` if set (``off`` switches this cache and the proof cache off, as the
tests do), else the user cache folder of ``platformdirs``. Each entry is a JSON file (nothing in
it is ever run) of at most ``MAX_ENTRY_BYTES``, written atomically; at most ``MAX_ENTRIES`` per
folder (the oldest are removed). An entry that cannot be read, or that holds another key, is
ignored and replaced; a folder that cannot be written leaves the run uncached.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

MAX_ENTRY_BYTES = 2_000_000
MAX_ENTRIES = 400
FOLDER = "derivations"
ROOT = Path(__file__).resolve().parent.parent


def _sympy_release() -> bytes:
    """SymPy's ``release.py`` (its version), read without importing SymPy."""
    spec = importlib.util.find_spec("sympy")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in locations:
        try:
            return (Path(folder) / "release.py").read_bytes()
        except OSError:
            continue
    return b"no sympy"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 of the code a derivation's text depends on: every ``.py`` file of ``derive/`` and
    ``problems/``, ``cli.py``, SymPy's release file and the Python version."""
    digest = hashlib.sha256(sys.version.encode())
    digest.update(_sympy_release())
    files = [ROOT / "cli.py"] + sorted((ROOT / "derive").rglob("*.py")) + sorted((ROOT / "problems").rglob("*.py"))
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def request_key(request: Mapping[str, Any]) -> str:
    """The request (topic, options, given, seed, values, format) as canonical JSON."""
    return json.dumps(request, sort_keys=True, ensure_ascii=True, default=lambda v: str(getattr(v, "value", v)))


def _folder() -> Path | None:
    from derive.cache import cache_dir
    base = cache_dir()
    return None if base is None else base / FOLDER / code_fingerprint()[:24]


def _read(path: Path, key: str) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_ENTRY_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and data.get("key") == key and isinstance(data.get("text"), str):
        return data["text"]
    return None


def _prune(folder: Path) -> None:
    """Remove folders of other code versions, and the oldest entries beyond ``MAX_ENTRIES``."""
    import shutil
    for other in folder.parent.iterdir():
        if other != folder and other.is_dir():
            shutil.rmtree(other, ignore_errors=True)
    entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
    for old in entries[:max(0, len(entries) - MAX_ENTRIES)]:
        old.unlink(missing_ok=True)


def _write(folder: Path, path: Path, key: str, text: str) -> None:
    from derive.errors import UserError
    from derive.files import atomic_write
    data = json.dumps({"key": key, "text": text}, ensure_ascii=False)
    if len(data.encode("utf-8")) > MAX_ENTRY_BYTES:
        return
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write(path, data, "CHAINRULE_CACHE")
        _prune(folder)
    except (OSError, UserError):  # a cache that cannot be written leaves the run uncached
        pass


def rendered(request: Mapping[str, Any], render: Callable[[], str]) -> str:
    """The text ``render()`` makes for ``request``, or what an earlier run with the same request
    and the same code recorded (then ``render`` is not called)."""
    folder = _folder()
    if folder is None:
        return render()
    key = request_key(request)
    path = folder / f"{hashlib.sha256(key.encode()).hexdigest()[:40]}.json"
    cached = _read(path, key)
    if cached is not None:
        return cached
    text = render()
    _write(folder, path, key, text)
    return text
