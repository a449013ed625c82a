"""Helpers shared by the analytic topic modules: ``--which``, numbers on request, and verify's "every step" check."""

from __future__ import annotations

import math
from typing import Any, Iterable

from derive.analytic.inputs import Input, resolve
from derive.analytic.proof import numeric_gap, prove
from derive.analytic.script import Script
from derive.errors import UserError
from derive.steps import Check, Verification

STEPS_METHOD = "SymPy re-proof of each step + evaluation at random points"


def pick(which: Any, names: Iterable[str], aliases: dict[str, str] | None = None) -> list[str]:
    """The items ``--which`` selects: all of ``names`` when None, else the one named (aliases allowed)."""
    names = list(names)
    if which is None or which == "all":
        return names
    key = str(which).strip().lower().replace("_", "-")
    key = (aliases or {}).get(key, key)
    if key not in names:
        raise UserError(f"unknown item '{str(which)[:30]}' (choose one of: {', '.join(names)})", "--which")
    return [key]


def numbers(inputs: list[Input], given: dict[str, Any] | None, seed: int | None) -> tuple[dict[str, Any], dict[Any, Any] | None]:
    """``({name: value}, {symbol: value})`` of the inputs (:func:`derive.analytic.inputs.resolve`) when
    numbers are asked for (a seed or ``--given``), else ``({}, None)``: the derivation stays symbolic."""
    return resolve(inputs, given, seed) if seed is not None or given else ({}, None)


def verification(script: Script, name: str, options: dict[str, Any], title: str, checks: list[Check],
                 notes: list[str], seed: int) -> Verification:
    """A topic's ``checks`` followed by the every-step check (:func:`steps_check`), beside its symbolic derivation."""
    checks = [*checks, steps_check(script, seed)]
    return Verification(derivation=script.derivation(name, options, title), checks=checks, notes=notes)


def steps_check(script: Script, seed: int = 0, points: int = 3) -> Check:
    """One Check over every claim: each re-proved by its method and, independently, compared at random points.

    ``max_rel_error`` is the largest gap seen; nan (a failure) when a re-proof fails or a claim
    could not be evaluated at any random point.
    """
    worst, count = 0.0, 0
    for claim in script.claims:
        if claim.method == "definition":
            continue
        count += 1
        if not prove(claim).ok:
            return Check(f"steps (claim {claim.step} not proved)", math.nan, STEPS_METHOD, 1e-7, points)
        if claim.method != "numeric":  # numeric claims were just checked at random points by prove
            gap, counted = numeric_gap(claim, seed=seed + 1, points=points, domain=script.domain,
                                       functions=script.check_functions or script.functions)
            if not counted:
                return Check(f"steps (claim {claim.step} not evaluable)", math.nan, STEPS_METHOD, 1e-7, points)
            worst = max(worst, gap)
    return Check(f"steps ({count} claims)", worst, STEPS_METHOD, 1e-7, points)


def explicit(expr: Any, index: Any, n: int, bases: dict[str, tuple[Any, ...]], size: Any = None) -> list[Any]:
    """Entries 1…n of an index-notation formula: the symbol ``base_index`` becomes the explicit symbol.

    >>> import sympy as sp
    >>> k = sp.Symbol("k"); O = sp.symbols("o1:3")
    >>> explicit(2 * sp.Symbol("o_k"), k, 2, {"o": O})
    [2*o1, 2*o2]
    """
    name = f"_{index}"
    out = []
    for i in range(n):
        swap = {s: bases[s.name[: -len(name)]][i] for s in expr.free_symbols
                if s.name.endswith(name) and s.name[: -len(name)] in bases}
        e = expr.xreplace(swap)
        out.append(e.subs(size, n) if size is not None else e)
    return out
