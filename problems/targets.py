"""Which exercises a practice or check request means: exercise ids, TOML answer files, givens.

An exercise is named by its type and (seed, difficulty, variant), written as the id
``TOPIC@SEED[:difficulty][+variant]``; a TOML answer file may name it too and add ``[givens]``
and ``[answers]``. Errors name the command-line argument at fault (``TOPIC``, ``TARGET``, the file).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from derive.errors import UserError
from derive.options import find
from derive.steps import Exercise
from problems import engine
from problems.registry import get

MAX_FILE_BYTES = 1_000_000


def practice_targets(topic: str | None, topics: str | Iterable[str] | None, seed: int | None, difficulty: str,
                     variant: str | None) -> tuple[list[ModuleType], int, str, str | None]:
    """(types, seed, difficulty, variant) of a sheet: ``topic`` (a type or an exercise id, whose
    seed, difficulty and variant win) then ``topics`` (comma-separated); no seed → a random one."""
    names: list[str] = []
    if topic:
        try:
            name, id_seed, id_diff, id_var = engine.parse_exercise_id(topic)
        except ValueError as exc:
            raise UserError(str(exc), "TOPIC") from None
        names.append(name)
        seed = id_seed if id_seed is not None else seed
        difficulty = id_diff if "@" in topic and ":" in topic else difficulty
        variant = id_var or variant
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
    return modules, seed, difficulty, variant


def check_target(target: str, file: Path | None, seed: int | None, difficulty: str, variant: str | None,
                 givens: Mapping[str, Any], answers: Mapping[str, Any]) -> tuple[ModuleType, Exercise, dict[str, Any], str | None]:
    """(type, exercise, raw answers, exercise id or None) of a check: the exercise named by
    ``target`` (a type, an id or a ``.toml`` file) or by the file, regenerated from its seed or
    built from the explicit givens; options override the file."""
    doc: dict[str, Any] = {}
    if target.endswith(".toml"):
        file, target = Path(target), ""
    if file is not None:
        doc = read_answer_file(file)
    name = target or str(doc.get("exercise") or doc.get("topic") or "")
    if not name:
        raise UserError("name the problem type (or put topic = \"...\" in the TOML file)", "TARGET")
    topic, id_seed, id_diff, id_var = _exercise_id(name, "TARGET", "")
    module = find(get, topic, "TOPIC")
    if id_seed is None and doc.get("exercise") and target:  # `check som mywork.toml`: the file's id
        topic2, id_seed, id_diff, id_var = _exercise_id(str(doc["exercise"]), str(file), "exercise: ")
        if topic2 != topic:
            raise UserError(f"'{target}' does not match the file's exercise {doc['exercise']}", "TARGET")
        name = str(doc["exercise"])
    seed = id_seed if id_seed is not None else seed if seed is not None else doc.get("seed")
    difficulty = id_diff if ":" in name else str(doc.get("difficulty", difficulty))
    variant = id_var or variant or doc.get("variant")
    explicit = {**dict(doc.get("givens", {})), **givens}
    raw: dict[str, Any] = {**dict(doc.get("answers", {})), **answers}
    if isinstance(seed, int) and not isinstance(seed, bool):
        base = engine.make_exercise(module, seed, difficulty, variant)
        if not explicit or module.validate({**base.givens, **explicit}) == base.givens:
            return module, base, raw, base.id
        return module, engine.make_exercise(module, seed, difficulty, variant, {**base.givens, **explicit}), raw, None
    if not explicit:
        raise UserError(f"give the exercise's givens (--given KEY=VALUE or [givens] in a TOML file) or --seed N; "
                        f"{module.NAME} needs: {', '.join(module.GIVENS)}", "--given")
    return module, engine.make_exercise(module, 0, difficulty, variant, explicit), raw, None


def _exercise_id(text: str, arg: str, prefix: str) -> tuple[str, int | None, str, str | None]:
    try:
        return engine.parse_exercise_id(text)
    except ValueError as exc:
        raise UserError(f"{prefix}{exc}", arg) from None


def read_answer_file(path: Path) -> dict[str, Any]:
    """A TOML answer file as a dict; ``[givens]`` and ``[answers]``, when present, are tables."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UserError("file too large (at most 1 MB)", str(path))
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError("no such file", str(path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"not valid TOML ({exc})", str(path)) from None
    except OSError as exc:
        raise UserError(f"cannot read ({exc.strerror})", str(path)) from None
    for table in ("givens", "answers"):
        if table in data and not isinstance(data[table], dict):
            raise UserError(f"[{table}] must be a table", str(path))
    return data
