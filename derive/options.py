"""What a request names and chooses, checked against what a registry entry declares.

The pillars' entry points (``derive.derive``/``verify``, ``numeric.train``, ``problems.practice``/
``check``) share these checks. Errors are ``UserError`` naming the command-line argument at
fault (``TOPIC``, ``--hidden``, ``--backend``), so the CLI prints them as they always were.
"""

from __future__ import annotations

import difflib
import importlib.util
import numbers
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

from derive.errors import UserError

BACKENDS = ("numpy", "torch")


def find(get: Callable[[str], ModuleType], name: str, arg: str) -> ModuleType:
    """``get(name)`` from a registry; an unknown name is a UserError naming ``arg`` (TOPIC, MODEL)."""
    try:
        return get(name)
    except KeyError as exc:
        raise UserError(str(exc.args[0]), arg) from None


# The options `chainrule derive`/`verify` and `chainrule train` have as named options (cli.py declares
# them from these); any other option of a topic or model is given with --set KEY=VALUE.
TOPIC_OPTIONS = ("hidden", "outputs", "inputs", "layers", "activation", "loss", "matrix", "steps", "heads", "mask",
                 "form", "convention", "which")
TRAIN_OPTIONS = ("epochs", "steps", "lr", "batch_size", "hidden", "data", "text")


def resolve(module: ModuleType, supplied: Mapping[str, Any], named: tuple[str, ...] = ()) -> dict[str, Any]:
    """The module's ``OPTIONS`` (name → default) with the ``supplied`` values put in.

    None means "not supplied", and so does False for an option the module lacks (an unset flag);
    ``sigma-final`` is read as ``sigma_final``; any other key the module does not declare is a
    UserError naming ``--key`` and listing the options as they are given: ``--name`` for the
    command's ``named`` options (``TOPIC_OPTIONS``, ``TRAIN_OPTIONS``), the others with ``--set``.
    """
    allowed = dict(getattr(module, "OPTIONS", {}))
    opts = dict(allowed)
    for key, value in supplied.items():
        if isinstance(key, str) and key not in allowed and key.replace("-", "_") in allowed:
            key = key.replace("-", "_")  # --set sigma-final=… as the option is spelled on the command line
        if value is None or value is False and key not in allowed:
            continue
        if key not in allowed:
            names = _spelled(allowed, named)
            close = difflib.get_close_matches(str(key), list(allowed), n=1)
            spelled = (f"--{close[0].replace('_', '-')}" if close[0] in named else f"--set {close[0]}=…") if close else ""
            hint = f"; did you mean {spelled}?" if close else ""
            raise UserError(f"not an option of '{module.NAME}'{hint} (its options: {names})", f"--{key.replace('_', '-')}")
        opts[key] = value
    return opts


def _spelled(allowed: Mapping[str, Any], named: tuple[str, ...]) -> str:
    """The module's options as a user writes them: ``--name`` for the command's ``named`` options,
    the others after ``--set``."""
    flags = [f"--{k.replace('_', '-')}" for k in allowed if k in named]
    rest = [k for k in allowed if k not in named]
    if not flags and not rest:
        return "none"
    return "; ".join(part for part in (", ".join(flags), rest and "with --set: " + ", ".join(rest)) if part)


def require_torch_choice(torch: bool | None, backend: str) -> None:
    """``--torch`` needs torch installed; ``--no-torch`` cannot go with ``--backend torch``."""
    if torch is True and importlib.util.find_spec("torch") is None:
        raise UserError("torch is not installed (pip install 'chainrule[torch]'), so the cross-check cannot run", "--torch")
    if torch is False and backend == "torch":
        raise UserError("cannot be combined with --backend torch (which checks against torch)", "--no-torch")


def require_backend(backend: str) -> None:
    """Accept ``numpy``, or ``torch`` when it is installed; a UserError naming ``--backend`` otherwise."""
    if backend not in BACKENDS:
        raise UserError(f"expected one of {', '.join(BACKENDS)}, got '{backend}'", "--backend")
    if backend == "torch" and importlib.util.find_spec("torch") is None:
        raise UserError("torch is not installed (pip install 'chainrule[torch]')", "--backend")


SEED_MAX = 2**32 - 1


def require_whole(value: Any, low: int, high: int, arg: str) -> None:
    """A whole number from ``low`` to ``high`` (the bounds the CLI's option declares, so a Python
    caller gets a UserError instead of a NumPy ValueError); None passes (not given)."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not low <= value <= high:
        raise UserError(f"expected a whole number from {low} to {high}, got '{value}'", arg)
