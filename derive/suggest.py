"""'Did you mean …?' for a mistyped name: the closest known name by difflib, case ignored."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable


def folded(name: str) -> str:
    """``name`` in lower case with accents taken off (``ZTést`` → ``ztest``): how names are matched."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()


def closest(name: str, names: Iterable[str]) -> str | None:
    """The known name ``name`` most likely meant (case and accents ignored, difflib ratio ≥ 0.6), or None."""
    known = list(names)
    by_folded = {folded(n): n for n in known}
    key = folded(name)
    if key in by_folded:
        return by_folded[key]
    match = difflib.get_close_matches(key, list(by_folded), n=1, cutoff=0.6)
    return by_folded[match[0]] if match else None


def did_you_mean(name: str, names: Iterable[str]) -> str:
    """`` — did you mean 'mlp'?`` for a near miss, empty otherwise (to append to an error message)."""
    match = closest(name, names)
    return f" — did you mean '{match}'?" if match is not None and match != name else ""
