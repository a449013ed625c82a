"""Discovery of derivation topics (modules in ``derive/topics``)."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from types import ModuleType

import derive.topics as _topics


@lru_cache(maxsize=1)
def all_topics() -> dict[str, ModuleType]:
    """``{NAME: module}`` for every derivation topic, sorted by name."""
    found = {}
    for info in pkgutil.iter_modules(_topics.__path__):
        if not info.name.startswith("_"):
            module = importlib.import_module(f"derive.topics.{info.name}")
            found[module.NAME] = module
    return dict(sorted(found.items()))


def get(name: str) -> ModuleType:
    """The topic called ``name``; KeyError listing the known names otherwise."""
    topics = all_topics()
    if name not in topics:
        raise KeyError(f"unknown topic '{name}' (known: {', '.join(topics)})")
    return topics[name]
