"""Which exercises a practice or check request means: exercise ids, TOML answer files, givens.

An exercise is named by its type and (seed, difficulty, variant), written as the id
``TOPIC@SEED[:difficulty][+variant]``; a TOML answer file may name it too and add ``[givens]``
and ``[answers]``. Errors name the command-line argument at fault (``TOPIC``, ``TARGET``, the file).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

from derive.errors import UserError
from derive.suggest import did_you_mean
from derive.options import find
from derive.steps import Exercise
from problems import engine
from problems.answer_file import read_answer_file
from problems.registry import get


def practice_targets(topic: str | None, topics: str | Iterable[str] | None, seed: int | None, difficulty: str | None,
                     variant: str | None) -> tuple[list[ModuleType], int, str, str | None]:
    """(types, seed, difficulty, variant) of a sheet: ``topic`` (a type or an exercise id) then
    ``topics`` (comma-separated); no seed → a random one. A seed, difficulty or variant named
    both by the id and by an option must agree (``difficulty=None``: not given, exam)."""
    names: list[str] = []
    if topic:
        try:
            name, id_seed, id_diff, id_var = engine.parse_exercise_id(topic)
        except ValueError as exc:
            raise UserError(str(exc), "TOPIC") from None
        names.append(name)
        label = f"the exercise id {topic.strip()}"
        seed = agree("seed", [(label, id_seed), ("--seed", seed)])
        difficulty = agree("difficulty", [(label, id_diff if ":" in topic else None), ("--difficulty", difficulty)])
        variant = agree("variant", [(label, id_var), ("--variant", variant)])
    if topics:
        items = topics.split(",") if isinstance(topics, str) else topics
        names += [t.strip() for t in items if t.strip()]
    if not names:
        raise UserError("name a problem type or use --topics a,b,c (see `chainrule topics`)", "TOPIC")
    modules = [find(get, n, "TOPIC") for n in names]
    if variant is not None and any(variant not in getattr(m, "VARIANTS", {}) for m in modules):
        known = ", ".join(sorted({v for m in modules for v in getattr(m, "VARIANTS", {})})) or "none"
        raise UserError(f"'{variant}' is not a variant of {', '.join(names)} (variants: {known})", "--variant")
    if seed is None:
        seed = int.from_bytes(os.urandom(3), "big")
    return modules, seed, difficulty or "exam", variant


def check_target(target: str, file: Path | None, seed: int | None, difficulty: str | None, variant: str | None,
                 givens: Mapping[str, Any], answers: Mapping[str, Any]) -> tuple[ModuleType, Exercise, dict[str, Any], str | None]:
    """(type, exercise, raw answers, exercise id or None) of a check: the exercise named by
    ``target`` (a type, an id or a ``.toml`` file) or by the file, regenerated from its seed or
    built from the explicit givens. The topic, seed, difficulty and variant may each be named by
    the target, an option and the file (its ``exercise`` id and its keys): all that name one must
    agree. Givens and answers on the command line replace the file's; a given the type does not
    know is refused."""
    doc: dict[str, Any] = {}
    if target.lower().endswith(".toml"):
        file, target = Path(target), ""
    if file is not None:
        doc = read_answer_file(file)
    t = _exercise_id(target, "TARGET", "") if target else None
    exercise = str(doc.get("exercise", ""))
    e = _exercise_id(exercise, f"{file}: exercise", "") if exercise else None
    named = [(n, a) for n, a in ((t and t[0], "TARGET"), (e and e[0], f"{file}: exercise"), (doc.get("topic"), f"{file}: topic")) if n]
    if not named:
        raise UserError("name the problem type (or put topic = \"...\" in the TOML file)", "TARGET")
    module = find(get, named[0][0], named[0][1])
    for name, arg in named[1:]:
        if find(get, name, arg) is not module:
            raise UserError(f"'{name}' does not match {named[0][1]} '{named[0][0]}'", arg)
    from_target, from_file = f"the exercise id {target.strip()}", f"{file}: exercise {exercise}"
    seed = agree("seed", [(from_target, t and t[1]), ("--seed", seed), (from_file, e and e[1]), (f"{file}: seed", doc.get("seed"))])
    difficulty = agree("difficulty", [(from_target, t[2] if t and ":" in target else None), ("--difficulty", difficulty),
                                      (from_file, e[2] if e and ":" in exercise else None),
                                      (f"{file}: difficulty", doc.get("difficulty"))]) or "exam"
    variant = agree("variant", [(from_target, t and t[3]), ("--variant", variant), (from_file, e and e[3]),
                                (f"{file}: variant", doc.get("variant"))])
    explicit = {**dict(doc.get("givens", {})), **givens}
    refuse_unknown_givens(module, explicit, set(givens), file)
    raw: dict[str, Any] = {**dict(doc.get("answers", {})), **answers}
    if seed is not None:
        base = engine.make_exercise(module, seed, difficulty, variant)
        if not explicit or module.validate({**base.givens, **explicit}) == base.givens:
            return module, base, raw, base.id
        return module, engine.make_exercise(module, seed, difficulty, variant, {**base.givens, **explicit}), raw, None
    if not explicit:
        raise UserError(f"give the exercise's givens (--given KEY=VALUE or [givens] in a TOML file) or --seed N; "
                        f"{module.NAME}'s givens: {', '.join(module.GIVENS)} (which are optional, and their defaults: "
                        f"chainrule practice {module.NAME} --list-steps)", "--given")
    return module, engine.make_exercise(module, 0, difficulty, variant, with_variant(module, variant, explicit)), raw, None


def with_variant(module: ModuleType, variant: str | None, givens: Mapping[str, Any]) -> dict[str, Any]:
    """``givens`` completed with what makes them the exercise of ``variant``: ``check rbf-xor
    --solve-weights --given …`` means ``solve_weights = true``. A given that names another variant
    (``--variant adam --given optimizer=sgd``) is a UserError."""
    out = dict(givens)
    for key, value in variant_selectors(module, variant).items():
        if key in out and _canonical(module, {key: out[key]}, key) != value:
            raise UserError(f"given '{key}' = {out[key]} is not variant {variant} ({key} = {value!r} there)", "--given")
        out.setdefault(key, value)
    return out


def _canonical(module: ModuleType, givens: dict[str, Any], key: str) -> Any:
    """A given as the type reads it (``"true"`` → True), compared with a selector's value."""
    value = givens[key]
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value.strip().lower() if isinstance(value, str) else value


@lru_cache(maxsize=256)
def variant_selectors(module: ModuleType, variant: str | None) -> dict[str, Any]:
    """The givens (words and flags) that make an exercise the ``variant`` one: those every generated
    exercise of the variant has, with one value, that the type's other exercises do not all share
    (``{"solve_weights": True}`` for rbf-xor's solve-weights, ``{"optimizer": "adam"}``)."""
    import json

    import numpy as np
    if variant is None:
        return {}

    def samples(v: str | None) -> list[dict[str, Any]]:
        return [module.generate(np.random.default_rng(seed), d, v) for seed in range(3) for d in ("easy", "exam", "hard")]
    mine = samples(variant)
    others = [g for v in (None, *getattr(module, "VARIANTS", {})) if v != variant for g in samples(v)]
    out = {}
    for key, value in mine[0].items():
        if not isinstance(value, (str, bool)) or any(json.dumps(g.get(key)) != json.dumps(value) for g in mine):
            continue
        if not others or any(json.dumps(g.get(key)) != json.dumps(value) for g in others):
            out[key] = value
    return out


def agree(what: str, sources: list[tuple[str, Any]]) -> Any:
    """The one value of ``what`` (seed, difficulty, variant) that the named ``sources`` give
    (None when none does); two different values are a UserError naming the later source."""
    chosen: tuple[str, Any] | None = None
    for label, value in sources:
        if value is None or value == "":
            continue
        if chosen is not None and value != chosen[1]:
            raise UserError(f"{what} {value} conflicts with {what} {chosen[1]} of {chosen[0]}", label)
        chosen = chosen or (label, value)
    return None if chosen is None else chosen[1]


def known_givens(module: ModuleType) -> set[str]:
    """The given keys ``module`` reads: those ``GIVENS`` documents (``"N, F, P, S"`` and
    ``"sigma | logvar"`` name several) and those its generator writes, for every variant."""
    import numpy as np
    keys = {part.strip() for key in module.GIVENS for part in re.split(r"[,|]", key)}
    for variant in (None, *getattr(module, "VARIANTS", {})):
        for difficulty in ("easy", "exam", "hard"):
            keys |= set(module.generate(np.random.default_rng(0), difficulty, variant))
    return keys


def refuse_unknown_givens(module: ModuleType, givens: Mapping[str, Any], from_options: set[str], file: Path | None) -> None:
    """A given key ``module`` does not read is a UserError naming it (a typo must not be ignored)."""
    if not givens:
        return
    known = known_givens(module)
    for key in givens:
        if key not in known:
            shown = ", ".join(sorted(known, key=str.lower))
            raise UserError(f"given '{key}': {module.NAME} has no such given{did_you_mean(key, known)} (its givens: {shown})",
                            "--given" if key in from_options else f"{file}: givens")


def _exercise_id(text: str, arg: str, prefix: str) -> tuple[str, int | None, str, str | None]:
    try:
        return engine.parse_exercise_id(text)
    except ValueError as exc:
        raise UserError(f"{prefix}{exc}", arg) from None
