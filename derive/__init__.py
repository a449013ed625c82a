"""derive: gradients derived step by step, every step shown and checked.

``derive(topic)`` and ``verify(topic)`` are the Python API that ``chainrule derive`` and
``chainrule verify`` call. They load SymPy and NumPy only when called, so ``import derive``
stays light. Bad input raises ``derive.errors.UserError`` with the CLI's one-line message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def derive(topic: str, options: Mapping[str, Any] | None = None, /, *, given: Mapping[str, Any] | None = None,
           seed: int | None = None, values: bool = False, **named: Any) -> Any:
    """The derivation of ``topic`` (a ``derive.steps.Derivation``): forward pass, local
    derivatives, chain-rule products ∂L/∂θ = ∂L/∂a · ∂a/∂θ, gradients.

    ``options`` and ``named`` are the topic's options (``derive("lstm", steps=2)``; the mapping
    also takes names that clash with this function's own, as ``--set`` does). With ``values``,
    a ``seed`` or ``given`` values every step is also evaluated at numbers: the ``given`` ones,
    the rest drawn from ``seed`` (default 0). Given numbers are at most 10⁶ in size, and values
    that would make a step overflow are refused (``derive.given_bounds``).
    """
    from derive.options import SEED_MAX, TOPIC_OPTIONS, find, require_whole, resolve
    from derive.registry import get
    require_whole(seed, 0, SEED_MAX, "--seed")
    module = find(get, topic, "TOPIC")
    opts = resolve(module, {**(options or {}), **named}, TOPIC_OPTIONS)
    if values or seed is not None or given:
        from derive.given_bounds import bounded_givens, evaluated
        numbers = bounded_givens(dict(given or {}), getattr(module, "GIVEN_RANGES", None))
        return evaluated(lambda: module.derive(opts, numbers, seed if seed is not None else 0))
    return module.derive(opts, None, None)


def verify(topic: str, options: Mapping[str, Any] | None = None, /, *, seed: int | None = 0, backend: str = "numpy",
           points: int = 3, torch: bool | None = None, **named: Any) -> Any:
    """Every derived gradient of ``topic`` against central finite differences and torch autograd
    at ``points`` random points drawn from ``seed``: a ``derive.steps.Verification`` whose
    ``passed`` says whether all agree.

    The torch cross-check runs when ``torch`` is True (torch required) or, by default (None), when
    torch is installed; ``torch=False`` leaves it out (and torch unimported). ``backend="torch"``
    requires torch and the cross-check. Inside ``derive.torch_remote.session()`` (as the
    ``chainrule`` program runs it) the torch autograd runs in a worker process that imports torch
    while this one derives; the result is the same.
    """
    from derive.numcheck import settle, torch_cross_check
    from derive.options import (SEED_MAX, TOPIC_OPTIONS, find, require_backend, require_torch_choice, require_whole,
                                resolve)
    from derive.registry import get
    require_whole(seed, 0, SEED_MAX, "--seed")
    require_whole(points, 1, 100, "--points")
    module = find(get, topic, "TOPIC")
    opts = resolve(module, {**(options or {}), **named}, TOPIC_OPTIONS)
    require_backend(backend)
    require_torch_choice(torch, backend)
    with torch_cross_check(torch is not False):
        result = module.verify(opts, seed if seed is not None else 0, backend, points)
        result.checks = settle(result.checks)  # torch errors still pending in a worker (derive.torch_remote)
    if torch is False and not any("--no-torch" in n for n in result.notes):  # topics without a note of their own
        result.notes.append("torch cross-check left out (--no-torch): the other methods of the table only")
    return result


def check_derivation(path: Any) -> Any:
    """``chainrule check derivation FILE``: the hand derivation in ``path`` (``-`` for stdin)
    checked line by line, a ``derive.steps.DerivationCheck`` (``exit_status``: 0 every line
    equivalent, 1 a line is wrong, 2 a line undecided)."""
    from derive.errors import UserError
    if path is None:
        raise UserError("needs the derivation file: check derivation FILE (- for standard input)", "check derivation")
    from derive.derivation_check import check_derivation_file
    return check_derivation_file(path)
