"""Comparers: is a student's value the expected one, at the precision the student wrote?

A number is ``correct`` when it equals the expected value within ``atol`` (an absolute floor,
1e-6 unless the type asks for more) or a relative 1e-9; ``rounded`` when it equals the expected
value rounded (half away from zero, as by hand) *or* truncated to the decimal places written or,
when fewer than the step's ``min_decimals`` were written, equals it rounded to ``min_decimals``
places: trailing zeros left off lose nothing (0.754 for 0.75399… = 0.7540 at 4 places), so only
a value that loses information at the minimum precision fails it (0.6 for 0.6065 at 2 places,
which is 0.61; a truncation written short, 0.6 for 0.60, cannot be told from a rounding to 1 place). Arrays are compared element by element
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
>>> compare_number(0.754, 0.753996, decimals=3, min_decimals=4)
'rounded'
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
        rounded  ⇔ d ≥ min_decimals and g ∈ {round(e, d), trunc(e, d)}     d = decimals written
                 or d < min_decimals and g = round(e, min_decimals)    (trailing zeros dropped)
    """
    if not (_is_number(given) and _is_number(expected)):
        return None
    if not (math.isfinite(given) and math.isfinite(expected)):
        return "correct" if given == expected else None
    if abs(given - expected) <= max(atol, 1e-9 * abs(expected)):
        return "correct"
    if decimals is None or decimals > 12:
        return None
    places = max(decimals, min_decimals)
    slack = 10.0 ** (-places) * 1e-6 + 1e-12
    truncated = (_truncate(expected, places),) if decimals >= min_decimals else ()
    for candidate in (_round_half_away(expected, places), *truncated):
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


def compare_within(given: Any, centre: Any, width: float, decimals: int | None, min_decimals: int = 0,
                   atol: float = ATOL) -> str | None:
    """``rounded`` when a number written at ``decimals`` places can come from a value in
    [centre − width, centre + width] (rounded or truncated as ``compare_number`` allows), else None.

    Equations (u = 10^(−D), D = max(d, min_decimals))::

        rounded ⇔ |g − c| ≤ width + atol
               or [c − width, c + width] meets [g − u/2, g + u/2]            (rounded to D places)
               or d ≥ min_decimals and it meets [g, g + u] (g ≥ 0; [g − u, g] for g < 0)  (truncated)
    """
    if not (_is_number(given) and _is_number(centre) and math.isfinite(given) and math.isfinite(centre)):
        return None
    lo, hi = centre - width, centre + width
    if abs(given - centre) <= width + max(atol, 1e-9 * abs(centre)):
        return "rounded"
    if decimals is None or decimals > 12:
        return None
    unit, eps = 10.0 ** (-max(decimals, min_decimals)), 1e-12 * max(1.0, abs(given))
    spans = [(given - unit / 2, given + unit / 2)]
    if decimals >= min_decimals:
        spans.append((given, given + unit) if given >= 0 else (given - unit, given))
    return "rounded" if any(a - eps <= hi and lo <= b + eps for a, b in spans) else None


def match_within(spec: StepSpec, answer: Answer, centre: Any, width: Any, atol: float) -> tuple[str | None, Any]:
    """(status, element statuses) of ``answer`` against ``centre`` ± ``width`` (nested alike), as
    ``match_answer`` gives them; words and whole numbers (decisions) never match this way."""
    if spec.kind in ("choice", "integer") or centre is None or width is None:
        return None, None
    md = spec.min_decimals or 0

    def walk(g: Any, c: Any, w: Any, d: Any) -> Any:
        if isinstance(c, list):
            if not (isinstance(g, list) and isinstance(w, list) and len(g) == len(c) == len(w)):
                raise ValueError("shape")
            ds = d if isinstance(d, list) else [d] * len(c)
            return [walk(*t) for t in zip(g, c, w, ds)]
        if isinstance(g, list) or isinstance(w, list):
            raise ValueError("shape")
        return compare_within(g, c, w, d, md, atol)
    try:
        elements = walk(answer.value, centre, width, answer.decimals)
    except ValueError:
        return None, None
    if isinstance(centre, list):
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
