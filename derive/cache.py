"""A first-use cache of proved identities, so a proof done once is not redone on every run.

``chainrule derive activations`` proves every derivative it shows (``derive.analytic.proof``:
bounded SymPy rewrites until ``left − right`` is 0), ``losses``, ``gan`` and ``vae`` likewise:
0.2–0.5 s of SymPy work per run whose outcome depends only on the claim and on the code. The
first run records each successful proof (whether it held and how it was shown: two strings and
a number) under a key made of the claim written out exactly (``srepr`` of both sides, method,
domain, assumptions) and a fingerprint of every ``derive/`` source file and of the SymPy and
Python versions, so any change to the code or to SymPy proves afresh. Later runs read the proof
from the cache; the steps themselves are still derived every time. Failed proofs are never
stored (a failure stops the derivation as a bug). The proofs themselves stay in the tests, which
run with the cache off (``CHAINRULE_CACHE=off`` in ``tests/conftest.py``).

Where: ``$CHAINRULE_CACHE`` if set (``off`` switches the cache off), else the user cache folder of
``platformdirs`` (``~/.cache/chainrule`` on Linux). The file is JSON (nothing in it is ever run),
at most ``MAX_BYTES``, written atomically; one that cannot be read is ignored and replaced.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

MAX_BYTES = 5_000_000
_STATE: dict[str, Any] = {"entries": None, "dirty": False}


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is off (``CHAINRULE_CACHE=off``)."""
    setting = os.environ.get("CHAINRULE_CACHE")
    if setting is not None:
        return None if setting.strip().lower() in ("", "off", "0", "no") else Path(setting)
    try:
        import platformdirs
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        return None
    return Path(platformdirs.user_cache_dir("chainrule", appauthor=False))


@lru_cache(maxsize=1)
def source_fingerprint() -> str:
    """SHA-256 of every ``derive/`` source file, the SymPy version and the Python version."""
    import sympy
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"{sympy.__version__}|{sys.version}".encode())
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _path() -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / f"proofs-{source_fingerprint()[:24]}.json"


def _entries() -> dict[str, list[Any]]:
    if _STATE["entries"] is None:
        _STATE["entries"] = {}
        path = _path()
        try:
            if path is not None and path.is_file() and path.stat().st_size <= MAX_BYTES:
                data = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(data, dict):
                    _STATE["entries"] = {k: v for k, v in data.items() if isinstance(v, list) and len(v) == 2
                                         and isinstance(v[0], str) and isinstance(v[1], (int, float))}
        except (OSError, ValueError):
            pass
    return _STATE["entries"]


def remembered(key: str, prove: Callable[[], tuple[bool, str, float]]) -> tuple[bool, str, float]:
    """``prove()`` → (ok, how, error), or the successful outcome an earlier run recorded under ``key``."""
    if cache_dir() is None:
        return prove()
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    entries = _entries()
    if digest in entries:
        how, error = entries[digest]
        return True, how, float(error)
    ok, how, error = prove()
    if ok:
        entries[digest] = [how, error]
        _STATE["dirty"] = True
    return ok, how, error


def save() -> None:
    """Write the proofs recorded in this run (atomically); a cache that cannot be written is skipped."""
    path = _path()
    if path is None or not _STATE["dirty"]:
        return
    from derive.errors import UserError
    from derive.files import atomic_write
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        data = json.dumps(_entries(), sort_keys=True)
        if len(data) > MAX_BYTES:
            return
        atomic_write(path, data, "CHAINRULE_CACHE")
        _STATE["dirty"] = False
    except (OSError, UserError):  # a cache that cannot be written is skipped
        pass


def forget() -> None:
    """Drop what this process has read or recorded (tests switch folders between runs)."""
    _STATE["entries"], _STATE["dirty"] = None, False
