"""'Did you mean …?' for a mistyped name: the closest known name by difflib, case ignored."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, names: Iterable[str]) -> str | None:
    """The known name ``name`` most likely meant (case-insensitive, difflib ratio ≥ 0.6), or None."""
    known = list(names)
    by_lower = {n.lower(): n for n in known}
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    match = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[match[0]] if match else None


def did_you_mean(name: str, names: Iterable[str]) -> str:
    """`` — did you mean 'mlp'?`` for a near miss, empty otherwise (to append to an error message)."""
    match = closest(name, names)
    return f" — did you mean '{match}'?" if match is not None and match != name else ""
