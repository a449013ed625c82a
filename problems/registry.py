"""The problem-type registry: every module in ``problems/types`` is one type.

Discovery keeps adding a type to one new file; the conformance tests iterate ``all_types()``,
so a new type is tested the moment it exists.
"""

from __future__ import annotations

from functools import lru_cache
from types import ModuleType

import problems.types as _types
from derive.discovery import discover, load


@lru_cache(maxsize=1)
def all_types() -> dict[str, ModuleType]:
    """``{NAME: module}`` for every problem type, sorted by name."""
    return discover(_types)


def get(name: str) -> ModuleType:
    """The type called ``name``; KeyError listing the known names otherwise."""
    return load("problems.types", name, "problem type")


def practicable(name: str, variant: str | None = None) -> bool:
    """True when this chainrule can make exercises of type ``name`` (and ``variant``). The progress
    store may hold others: ``progress --import`` takes an export of a newer chainrule as it is."""
    from derive.discovery import index
    if name not in index("problems.types"):
        return False
    return variant is None or variant in getattr(get(name), "VARIANTS", {})
