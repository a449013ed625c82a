"""Numbers given to ``derive`` (``--given``) are bounded, and the steps evaluated at them stay finite.

Every given number must be finite and at most ``MAX_GIVEN`` (10⁶) in size: the derivations
square, multiply and exponentiate them, and within ±10⁶ with the stable forms the topics use
the steps are finite floats. ``evaluated`` is the net under the topics: it runs the evaluation
under ``derive.finite.strict_floats`` and refuses (UserError, exit 2) when a floating-point
warning is raised or a step's value is NaN or ±∞, so no RuntimeWarning, NaN or ∞ reaches the
screen or the JSON.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from derive.errors import UserError
from derive.finite import finite, strict_floats

MAX_GIVEN = 1e6


def bounded_givens(given: dict[str, Any], ranges: dict[str, tuple[float, float]] | None = None) -> dict[str, Any]:
    """``given`` unchanged, or UserError naming the first ``--given`` whose number is not finite,
    larger than ``MAX_GIVEN`` in size, or outside the topic's own range for it (``ranges``, a
    topic's ``GIVEN_RANGES``: ``{name: (low, high)}``); text is left to the topic."""
    for name, value in given.items():
        low, high = (ranges or {}).get(name, (-MAX_GIVEN, MAX_GIVEN))
        bad = _first_outside(value, low, high)
        if bad is None:
            continue
        if not math.isfinite(bad):
            raise UserError(f"{bad} is not a finite number", f"--given {name}")
        within = f"±{MAX_GIVEN:g}" if (low, high) == (-MAX_GIVEN, MAX_GIVEN) else f"[{low:g}, {high:g}]"
        raise UserError(f"{bad:g} is outside {within} (given numbers are bounded so every step stays a finite number)",
                        f"--given {name}")
    return given


def _first_outside(value: Any, low: float, high: float) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        v = float(value) if not isinstance(value, int) or abs(value) < 10**308 else math.inf
        return None if math.isfinite(v) and low <= v <= high else v
    if isinstance(value, (list, tuple)):
        for item in value:
            bad = _first_outside(item, low, high)
            if bad is not None:
                return bad
    return None


def evaluated(run: Callable[[], Any]) -> Any:
    """``run()`` (a derivation evaluated at numbers) under ``strict_floats``; a warning, an
    arithmetic error or a non-finite step value is a UserError naming ``--given``."""
    try:
        with strict_floats():
            doc = run()
    except UserError:
        raise
    except (ArithmeticError, RuntimeWarning) as exc:
        raise UserError(f"the values are too extreme to evaluate the steps ({str(exc) or type(exc).__name__})", "--given") from None
    for label, value in _values(doc):
        if not finite(value):
            raise UserError(f"the values are too extreme to evaluate the steps ({label} would not be a finite number)",
                            "--given")
    return doc


def _values(doc: Any) -> list[tuple[str, Any]]:
    """(label, value) of every evaluated number of a Derivation: steps, results, inputs."""
    out = [(f"step {s.id}", s.value) for s in getattr(doc, "steps", [])]
    out += [(f"result {name}", r.value) for name, r in (getattr(doc, "results", None) or {}).items()]
    out += [(f"input {name}", v) for name, v in (getattr(doc, "inputs", None) or {}).items()]
    return out
