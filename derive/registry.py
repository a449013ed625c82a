"""Discovery of derivation topics (modules in ``derive/topics``)."""

from __future__ import annotations

from functools import lru_cache
from types import ModuleType

import derive.topics as _topics
from derive.discovery import discover, load


@lru_cache(maxsize=1)
def all_topics() -> dict[str, ModuleType]:
    """``{NAME: module}`` for every derivation topic, sorted by name."""
    return discover(_topics)


def get(name: str) -> ModuleType:
    """The topic called ``name`` (only its module is imported); KeyError listing the known names otherwise."""
    return load("derive.topics", name, "topic")
