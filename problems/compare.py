"""Comparers: is a student's value the expected one, at the precision the student wrote?

A number is ``correct`` when it equals the expected value within ``atol`` (an absolute floor,
1e-6 unless the type asks for more) or a relative 1e-9; ``rounded`` when it equals the expected
value rounded (half away from zero, as by hand) *or* truncated to the decimal places written,
and at least ``min_decimals`` places were written. Arrays are compared element by element
(``compare_array`` returns the nested element statuses). Words (decisions, class labels) are
compared after normalising case, spaces, ``-`` and ``_``; integers (unit numbers, classes)
must be exact. ``match_answer`` applies these to a student's ``Answer`` under a step's spec.

These are the checking pipeline's comparers (see ``problems.checking``): plain functions of
values, importing no other module of the pipeline.

>>> compare_number(0.15, 0.145, decimals=2)
'rounded'
>>> compare_number(0.14, 0.145, decimals=2)
'rounded'
>>> compare_number(0.1, 0.145, decimals=1, min_decimals=2) is None
True
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: the comparers read .kind/.min_decimals and .value/.decimals
    from derive.parse import Answer
    from derive.steps import StepSpec

ATOL = 1e-6
# Values are stored to 12 significant digits, so 0.145 may be 0.14499999999999999: a hand
# rounding of a written 5 must not depend on noise that far down. The allowance is 1e-12 of the
# value, at least 1e-9 of the last place kept, so it never reaches a real digit (1e-9 of the value
# did: 98765.4325 kept to 4 places came out as 98765.4326).
_HALF_EPS = 1e-9
_NOISE = 1e-12


def _places(x: float, q: float) -> float:
    """|x|·q plus the noise allowance: the value counted in units of the last place kept."""
    return abs(x) * q + max(_HALF_EPS, _NOISE * abs(x) * q)


def _round_half_away(x: float, d: int) -> float:
    q = 10.0 ** d
    return math.copysign(math.floor(_places(x, q) + 0.5) / q, x)


def _truncate(x: float, d: int) -> float:
    q = 10.0 ** d
    return math.copysign(math.floor(_places(x, q)) / q, x)


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def compare_number(given: Any, expected: Any, decimals: int | None, min_decimals: int = 0,
                   atol: float = ATOL) -> str | None:
    """``correct``, ``rounded`` or None (no match) for one number.

    Equations::

        correct  ⇔ |g − e| ≤ max(atol, 1e-9·|e|)
        rounded  ⇔ d ≥ min_decimals and g ∈ {round(e, d), trunc(e, d)}   (d = decimals written)
    """
    if not (_is_number(given) and _is_number(expected)):
        return None
    if not (math.isfinite(given) and math.isfinite(expected)):
        return "correct" if given == expected else None
    if abs(given - expected) <= max(atol, 1e-9 * abs(expected)):
        return "correct"
    if decimals is None or decimals < min_decimals or decimals > 12:
        return None
    slack = 10.0 ** (-decimals) * 1e-6 + 1e-12
    for candidate in (_round_half_away(expected, decimals), _truncate(expected, decimals)):
        if abs(given - candidate) <= slack:
            return "rounded"
    return None


def normalize_word(text: Any) -> Any:
    """Lower case, single spaces, ``-``/``_`` as spaces: ``Fail_to-Reject`` → ``fail to reject``."""
    if not isinstance(text, str):
        return text
    return " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


def compare_word(given: Any, expected: Any, synonyms: dict[str, Any] | None = None) -> str | None:
    """``correct`` when two words (or labels such as ``1``) name the same choice, else None."""
    return "correct" if _word_key(given, synonyms or {}) == _word_key(expected, synonyms or {}) else None


def _word_key(value: Any, synonyms: dict[str, Any]) -> str:
    word = str(value).strip()
    try:  # a label such as -1 or 2.50 keeps its sign and fraction (normalising would read -1 as 1)
        number = float(word)
        word = str(int(number)) if number.is_integer() else repr(number)
    except (ValueError, OverflowError):
        word = normalize_word(word)
    for canonical, others in synonyms.items():
        if word == normalize_word(canonical) or word in [normalize_word(o) for o in others]:
            return str(canonical)
    return word


def compare_integer(given: Any, expected: Any) -> str | None:
    """``correct`` when a whole number (unit number, class, count) is exactly the expected one.

    A fractional answer can only equal a fractional target, which comes from a known-mistake
    replay (e.g. an output size with the floor left out), so the mistake is still diagnosed.
    """
    if _is_number(given) and _is_number(expected):
        return "correct" if abs(float(given) - float(expected)) < 1e-9 else None
    return None


def shape_of(value: Any) -> tuple[int, ...]:
    """Shape of a nested list (``()`` for a scalar)."""
    if isinstance(value, list):
        return (len(value),) + (shape_of(value[0]) if value else ())
    return ()


def compare_array(given: Any, expected: Any, decimals: Any, min_decimals: int = 0,
                  atol: float = ATOL, kind: str = "number", synonyms: dict[str, Any] | None = None) -> Any:
    """Nested element statuses (``correct``/``rounded``/None); raises ValueError on shape mismatch.

    ``kind`` picks the leaf comparer: ``integer`` and ``choice`` are exact, anything else is
    a number compared at the precision written.
    """
    if isinstance(expected, list):
        if not isinstance(given, list) or len(given) != len(expected):
            raise ValueError(f"expected shape {shape_of(expected)}, got {shape_of(given)}")
        decs = decimals if isinstance(decimals, list) else [decimals] * len(expected)
        return [compare_array(g, e, d, min_decimals, atol, kind, synonyms) for g, e, d in zip(given, expected, decs)]
    if isinstance(given, list):
        raise ValueError(f"expected a single value, got a list of {len(given)}")
    if kind == "choice":
        return compare_word(given, expected, synonyms)
    if kind == "integer":
        return compare_integer(given, expected)
    return compare_number(given, expected, decimals, min_decimals, atol)


def flatten(value: Any) -> list[Any]:
    """All leaves of a nested list, in order."""
    if isinstance(value, list):
        return [x for v in value for x in flatten(v)]
    return [value]


def summarize(statuses: Any) -> str | None:
    """The status of a whole array from its element statuses (None if any element fails)."""
    flat = flatten(statuses)
    if any(s is None for s in flat):
        return None
    return "correct" if all(s == "correct" for s in flat) else "rounded"


def positions(statuses: Any, wanted: str = "incorrect", prefix: tuple[int, ...] = ()) -> list[tuple[int, ...]]:
    """1-based positions of the elements with status ``wanted`` (``[(2,), (3, 1)]``)."""
    if not isinstance(statuses, list):
        return [prefix] if statuses == wanted else []
    return [p for i, s in enumerate(statuses, 1) for p in positions(s, wanted, prefix + (i,))]


def match_answer(spec: StepSpec, answer: Answer, target: Any, synonyms: dict[str, Any], atol: float,
                 min_decimals: int | None = None) -> tuple[str | None, Any]:
    """(status, element statuses) of ``answer`` against ``target`` under the step's ``spec``.

    The leaf comparer is the step's kind (``integer``/``choice`` exact, else a number at the
    decimals written, at least ``min_decimals`` — the spec's unless given); status None means
    no match (also for a shape mismatch or no target); element statuses are None for a scalar.
    """
    if target is None:
        return None, None
    kind = spec.kind if spec.kind in ("choice", "integer") else "number"
    md = (spec.min_decimals or 0) if min_decimals is None else min_decimals
    try:
        elements = compare_array(answer.value, target, answer.decimals, md, atol, kind, synonyms)
    except (ValueError, TypeError):
        return None, None
    if isinstance(target, list):
        return summarize(elements), elements
    return elements, None


def equal_up_to_noise(a: Any, b: Any) -> bool:
    """Two computed values equal up to float noise: |a − b| ≤ 1e-12·max(1, |a|, |b|) leaf by leaf
    (strings and other leaves by ``==``, nested lists of equal length entry by entry)."""
    if isinstance(a, list) or isinstance(b, list):
        return isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and all(map(equal_up_to_noise, a, b))
    if _is_number(a) and _is_number(b):
        return abs(a - b) <= 1e-12 * max(1.0, abs(a), abs(b))
    return a == b
