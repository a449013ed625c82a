"""Step specs: which documented step a concrete id is, its title and its tolerance.

``step_rules`` gathers, once per check, how every step of an exercise is judged (spec,
tolerance, choice synonyms), so the later stages of ``problems.checking`` look nothing up.

A segment of a documented id that is one of ``INDEX_LETTERS`` stands for a 1-based number:
``d2.k`` documents ``d2.1``, ``d2.2``, …; an exact match always wins (``t`` is the step ``t``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType
from typing import Any

from derive.steps import Step, StepSpec
from problems import compare as C

INDEX_LETTERS = {"k", "p", "t", "e", "i", "j", "l", "s", "n", "m"}


@lru_cache(maxsize=512)
def _spec_regex(spec_id: str) -> re.Pattern[str]:
    parts = [r"\d+" if p in INDEX_LETTERS else re.escape(p) for p in spec_id.split(".")]
    return re.compile(r"\.".join(parts) + r"\Z")


def spec_for(module: ModuleType, step_id: str) -> StepSpec | None:
    """The documented spec of a concrete step id (``d2.3`` matches ``d2.k``)."""
    for spec in module.STEPS:
        if spec.id == step_id:
            return spec
    for spec in module.STEPS:
        if _spec_regex(spec.id).match(step_id):
            return spec
    return None


def step_title(module: ModuleType, step_id: str) -> str:
    """The documented title of a concrete step, index letters replaced: ``Winner for sample 2``.

    Unlike a solved step's own title it never gives the answer away (interactive prompts,
    answer files).
    """
    spec = spec_for(module, step_id)
    if spec is None:
        return step_id
    title = spec.title
    for letter, number in zip(spec.id.split("."), step_id.split(".")):
        if letter in INDEX_LETTERS and letter != number:
            title = re.sub(rf"\b{letter}\b", number, title)
    return title


def tolerance_for(module: ModuleType, step_id: str) -> float:
    """The absolute tolerance floor of a step: the type's ``TOLERANCES`` entry, else 1e-6."""
    for pattern, atol in getattr(module, "TOLERANCES", {}).items():
        if pattern == step_id or _spec_regex(pattern).match(step_id):
            return float(atol)
    return C.ATOL


@dataclass(frozen=True)
class StepRule:
    """How one step of an exercise is judged: its documented ``spec`` (a plain number when the
    id is undocumented), its absolute tolerance floor ``atol`` and the type's choice ``synonyms``."""

    spec: StepSpec
    atol: float
    synonyms: dict[str, Any]


def step_rules(module: ModuleType, steps: list[Step]) -> dict[str, StepRule]:
    """``{step id: StepRule}`` for the solved ``steps`` of one exercise."""
    synonyms = getattr(module, "CHOICES", {})
    return {s.id: StepRule(spec_for(module, s.id) or StepSpec(s.id, s.title, "number"), tolerance_for(module, s.id), synonyms)
            for s in steps}
