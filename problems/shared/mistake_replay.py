"""When a solver may skip the engine's replay of a known mistake.

Such a replay could only repeat the correct values, which are never a diagnosis, so skipping
it changes nothing but the time a check takes.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

Givens = dict[str, Any]


def idle(work: Any, applies: dict[str, Callable[[Givens], bool]], givens: Givens) -> bool:
    """True while the engine replays a known mistake that cannot occur with these givens.

    ``applies`` maps a mistake to a test on the givens alone (e.g. a cross-entropy slip needs
    ``loss == "ce"``); a solver returns at once when this is True.
    """
    return any(work.mistake(name) and not test(givens) for name, test in applies.items())


def other_mistake(work: Any, every: Iterable[str], own: Iterable[str]) -> bool:
    """True while the engine replays a mistake of ``every`` that is not one of ``own`` (it belongs
    to another variant): the solver may then record nothing, as such a replay changes no value."""
    own = set(own)
    return any(work.mistake(n) for n in every if n not in own)
