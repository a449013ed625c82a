"""The problem-type registry: every module in ``problems/types`` is one type.

Discovery keeps adding a type to one new file; the conformance tests iterate ``all_types()``,
so a new type is tested the moment it exists.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from types import ModuleType

import problems.types as _types


@lru_cache(maxsize=1)
def all_types() -> dict[str, ModuleType]:
    """``{NAME: module}`` for every problem type, sorted by name."""
    found = {}
    for info in pkgutil.iter_modules(_types.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"problems.types.{info.name}")
        found[module.NAME] = module
    return dict(sorted(found.items()))


def get(name: str) -> ModuleType:
    """The type called ``name``; KeyError listing the known names otherwise."""
    types = all_types()
    if name not in types:
        raise KeyError(f"unknown problem type '{name}' (known: {', '.join(types)})")
    return types[name]
