"""Primitive ops: one small class per primitive, each with its forward and VJP rule.

``OPS`` maps a name to its class; ``get(name)`` looks one up; ``make(name, **params)`` builds an
instance. Importing this package registers every op module listed in ``MODULES``.
"""

from __future__ import annotations

import importlib
from typing import Any

from derive.ops.base import OPS, Op, register

MODULES = ("linear", "elementwise", "reduce", "losses", "formula", "recurrent", "broadcast", "attention", "conv")
for _module in MODULES:
    importlib.import_module(f"derive.ops.{_module}")


def get(name: str) -> type[Op]:
    """The op class registered as ``name``; KeyError listing the known names otherwise."""
    if name not in OPS:
        raise KeyError(f"unknown op {name!r} (known: {', '.join(sorted(OPS))})")
    return OPS[name]


def make(name: str, **params: Any) -> Op:
    """An instance of the op ``name`` with its parameters (e.g. ``make("scale", c=2)``)."""
    return get(name)(**params)


__all__ = ["OPS", "Op", "get", "make", "register"]
