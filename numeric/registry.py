"""Discovery of trainable models (modules in ``numeric/models``)."""

from __future__ import annotations

from functools import lru_cache
from types import ModuleType

import numeric.models as _models
from derive.discovery import discover, load


@lru_cache(maxsize=1)
def all_models() -> dict[str, ModuleType]:
    """``{NAME: module}`` for every trainable model, sorted by name."""
    return discover(_models)


def get(name: str) -> ModuleType:
    """The model called ``name`` (only its module is imported); KeyError listing the known names otherwise."""
    return load("numeric.models", name, "model")
