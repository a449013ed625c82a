"""Registries by discovery, read through a static index so that naming one entry imports one module.

The derivation topics (``derive.registry``), trainable models (``numeric.registry``) and problem
types (``problems.registry``) are the public modules of ``derive/topics``, ``numeric/models`` and
``problems/types``, keyed by their ``NAME``; a module whose name starts with ``_`` is a private
helper of its package and is skipped. Adding one is adding one file and then running
``python -m derive.discovery`` to rewrite the packages' ``_index.py`` (NAME → module, SUMMARY,
SECTIONS), which ``chainrule topics`` and every lookup by name read without importing the
modules themselves; ``tests/test_registry_index.py`` fails when an index is out of date.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

PACKAGES = ("derive.topics", "numeric.models", "problems.types")


class Entry(NamedTuple):
    """One registry entry as the static index holds it."""

    module: str
    summary: str
    sections: tuple[str, ...]


def discover(package: ModuleType) -> dict[str, ModuleType]:
    """``{module.NAME: module}`` for every public module of ``package``, sorted by NAME (imports them all)."""
    found = {}
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_"):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            found[module.NAME] = module
    return dict(sorted(found.items()))


def index(package: str) -> dict[str, Entry]:
    """The static index of ``package`` (``NAME → Entry``, sorted by NAME), without importing its modules."""
    return importlib.import_module(f"{package}._index").ENTRIES


def load(package: str, name: str, kind: str) -> ModuleType:
    """The module of entry ``name`` in ``package`` (the case ignored: ``MLP`` is ``mlp``), imported
    alone; a KeyError "unknown KIND 'name' — did you mean 'mlp'? (known: …)" otherwise."""
    entries = index(package)
    return importlib.import_module(f"{package}.{lookup(entries, name, kind).module}")


def lookup(entries: dict[str, Any], name: str, kind: str) -> Any:
    """``entries[name]``, the case ignored (``MLP`` is ``mlp``); a KeyError "unknown KIND 'name'
    — did you mean 'mlp'? (known: …)" listing the names otherwise."""
    from derive.suggest import did_you_mean
    if name not in entries:
        folded = {k.lower(): k for k in entries}
        if name.lower() in folded:
            return entries[folded[name.lower()]]
        raise KeyError(f"unknown {kind} '{name}'{did_you_mean(name, entries)} (known: {', '.join(entries)})")
    return entries[name]


def index_source(package: str) -> str:
    """The text of ``package``'s ``_index.py`` as discovery finds the package today."""
    modules = discover(importlib.import_module(package))
    lines = [f'"""Static index of {package} (written by ``python -m derive.discovery``; do not edit)."""',
             "", "from derive.discovery import Entry", "", "ENTRIES = {"]
    for name, module in modules.items():
        entry = Entry(module.__name__.rsplit(".", 1)[1], module.SUMMARY, tuple(getattr(module, "SECTIONS", ())))
        lines.append(f"    {name!r}: Entry({entry.module!r}, {entry.summary!r}, {entry.sections!r}),")
    return "\n".join([*lines, "}", ""])


def write_indexes() -> list[Path]:
    """Rewrite every package's ``_index.py`` from discovery; the paths written."""
    written = []
    for package in PACKAGES:
        path = Path(importlib.import_module(package).__path__[0]) / "_index.py"
        path.write_text(index_source(package), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_indexes():
        sys.stdout.write(f"wrote {path}\n")
