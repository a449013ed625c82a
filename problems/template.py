"""A TOML answer file for one exercise: fill in ``[answers]``, then ``chainrule check FILE``.

``chainrule practice som@3 --out mywork.toml`` writes it. The file names the topic and the
exercise id, repeats the givens and lists every step id as a commented line with its title,
kind, minimum precision and formula.
"""

from __future__ import annotations

import json
import math
from types import ModuleType
from typing import Any

from derive.printing.values import counted
from derive.steps import Exercise


def toml_value(value: Any) -> str:
    """A TOML literal for numbers, strings, booleans and (nested) lists.

    >>> toml_value([[0.1, 2], [True, "two"]])
    '[[0.1, 2], [true, "two"]]'
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("TOML answer files hold finite numbers only")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(str(k))} = {toml_value(v)}" for k, v in value.items() if v is not None) + "}"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def answer_template(module: ModuleType, exercise: Exercise, file_name: str | None = None) -> str:
    """The TOML answer file for ``exercise`` (all answers commented out, ready to fill in); its
    comment names ``file_name`` in the command that checks it (THIS_FILE.toml when unknown)."""
    from problems.engine import spec_for, step_title
    lines = [f"# chainrule answer file for {exercise.id}: {module.SUMMARY}",
             "# Fill in [answers] (uncomment a line and write your value), then run",
             f"#   chainrule check {_shell_word(file_name) if file_name else 'THIS_FILE.toml'}",
             "# Write numbers as strings (\"0.870\") to keep the decimal places you wrote;",
             "# vectors as \"[0.87, 1.1]\", matrices as \"[[0.1, 0.2], [0.3, 0.4]]\", words as \"reject\".",
             "", f"topic = {toml_value(module.NAME)}", f"exercise = {toml_value(exercise.id)}", "",
             "[givens]"]
    lines += [f"{_key(k)} = {toml_value(v)}" for k, v in exercise.givens.items() if v is not None]  # TOML has no null
    lines += ["", "[answers]"]
    for step in exercise.steps:
        spec = spec_for(module, step.id)
        kind = spec.kind if spec else "number"
        extra = f", at least {counted(spec.min_decimals, 'decimal')}" if spec and spec.min_decimals else ""
        hint = f": {spec.hint}" if spec and spec.hint else ""
        lines.append(f"# {step.id}: {step_title(module, step.id)} ({kind}{extra}){hint}")
        lines.append(f'# "{step.id}" = ""')
    return "\n".join(lines) + "\n"


def _shell_word(name: str) -> str:
    """``name`` as one word of a shell command (quoted when it holds spaces or shell characters)."""
    import shlex
    return shlex.quote(name)


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else json.dumps(key)
