"""Registries by discovery: every public module of a package is one entry, keyed by its ``NAME``.

The derivation topics (``derive.registry``), trainable models (``numeric.registry``) and problem
types (``problems.registry``) are found this way, so adding one is adding one file. A module
whose name starts with ``_`` is a private helper of its package and is skipped.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def discover(package: ModuleType) -> dict[str, ModuleType]:
    """``{module.NAME: module}`` for every public module of ``package``, sorted by NAME."""
    found = {}
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_"):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            found[module.NAME] = module
    return dict(sorted(found.items()))


def lookup(entries: dict[str, ModuleType], name: str, kind: str) -> ModuleType:
    """``entries[name]``, the case ignored (``MLP`` is ``mlp``); a KeyError "unknown KIND 'name'
    — did you mean 'mlp'? (known: …)" listing the names otherwise."""
    from derive.suggest import did_you_mean
    if name not in entries:
        folded = {k.lower(): k for k in entries}
        if name.lower() in folded:
            return entries[folded[name.lower()]]
        raise KeyError(f"unknown {kind} '{name}'{did_you_mean(name, entries)} (known: {', '.join(entries)})")
    return entries[name]
