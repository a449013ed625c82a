"""Discovery of trainable models (modules in ``numeric/models``)."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from types import ModuleType

import numeric.models as _models


@lru_cache(maxsize=1)
def all_models() -> dict[str, ModuleType]:
    """``{NAME: module}`` for every trainable model, sorted by name."""
    found = {}
    for info in pkgutil.iter_modules(_models.__path__):
        if not info.name.startswith("_"):
            module = importlib.import_module(f"numeric.models.{info.name}")
            found[module.NAME] = module
    return dict(sorted(found.items()))


def get(name: str) -> ModuleType:
    """The model called ``name``; KeyError listing the known names otherwise."""
    models = all_models()
    if name not in models:
        raise KeyError(f"unknown model '{name}' (known: {', '.join(models)})")
    return models[name]
