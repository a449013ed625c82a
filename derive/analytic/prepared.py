"""Identities proved and formulas computed once, when chainrule is built, instead of on every run.

The analytic derivations (``activations``, ``losses``, ``gan``, ``vae``) ask SymPy for work whose
outcome depends only on its input: proving every step's claim (``derive.analytic.proof``),
integrating the Gaussian moments, solving f′(y) = 0, changing an integral's variable. That work
took 0.3–1.0 s of every first ``chainrule derive`` of these topics, against 0.3 s for
``import sympy`` itself. ``prepared.json`` beside this module holds its outcomes:

    proofs     digest of the claim (``proof.claim_key``: both sides written out exactly, method,
               domain, assumptions) → [how, error], what the first-use proof cache (``derive.cache``)
               records of a successful proof;
    computed   digest of the operation and its input written out exactly → [evaluate, srepr of SymPy's
               result], read back by :func:`read_srepr` (a walk over Python's syntax tree that only builds
               SymPy objects from a whitelist: nothing in the file is evaluated or run).

The steps themselves are still built every run from these pieces; only the SymPy work is looked
up. The table is made by ``python -m derive.analytic.prepared --write`` (after a change to an
analytic script) and checked by ``tests/derive/test_prepared.py``, which redoes every entry with
the table off and fails on any difference or on a missing entry, so a stale table cannot land.
Every digest includes SymPy's version: under another SymPy nothing matches and everything is
computed afresh (the first-use proof cache then takes over the proofs).
``CHAINRULE_PREPARED=off`` ignores the table (what ``--write`` and the freshness test do).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import sympy as sp

TABLE = Path(__file__).with_name("prepared.json")
TOPICS = ("activations", "losses", "gan", "vae")  # the topics whose scripts use the table
MAX_BYTES = 2_000_000
_STATE: dict[str, Any] = {"table": None, "record": None}


def _enabled() -> bool:
    return os.environ.get("CHAINRULE_PREPARED", "").strip().lower() not in ("off", "0", "no")


def digest(kind: str, text: str) -> str:
    """The table key of ``text`` (a claim key, or an operation and its input written out): SHA-256 with SymPy's version."""
    return hashlib.sha256(f"{sp.__version__}|{kind}|{text}".encode()).hexdigest()[:40]


def _table() -> dict[str, dict[str, Any]]:
    if _STATE["table"] is None:
        _STATE["table"] = {"proofs": {}, "computed": {}}
        try:
            if _enabled() and TABLE.stat().st_size <= MAX_BYTES:
                data = json.loads(TABLE.read_text(encoding="utf-8"))
                if isinstance(data, dict):
                    _STATE["table"] = {part: data.get(part) if isinstance(data.get(part), dict) else {}
                                       for part in ("proofs", "computed")}
        except (OSError, ValueError):
            pass
    return _STATE["table"]


def forget() -> None:
    """Drop the table this process has read (tests switch ``CHAINRULE_PREPARED`` or ``TABLE``)."""
    _STATE["table"] = None


def proved(key: str, prove: Callable[[], tuple[bool, str, float]]) -> tuple[bool, str, float]:
    """(ok, how, error) of the claim whose ``claim_key`` is ``key``: from the table when it is
    there, else ``prove()`` (a successful outcome is recorded while the table is being built)."""
    name = digest("proof", key)
    entry = _table()["proofs"].get(name)
    if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str) and isinstance(entry[1], (int, float)):
        return True, entry[0], float(entry[1])
    ok, how, error = prove()
    if ok and _STATE["record"] is not None:
        _STATE["record"]["proofs"][name] = [how, error]
    return ok, how, error


def key_of(operation: str, inputs: Iterable[Any]) -> str:
    """The table key of SymPy's ``operation`` on ``inputs`` (each written out exactly)."""
    from derive.analytic.proof import exact_text
    return digest(operation, "|".join(exact_text(v) for v in inputs))


def computed(operation: str, inputs: Iterable[Any], compute: Callable[[], Any]) -> Any:
    """SymPy's result of ``operation`` on ``inputs`` (``compute()`` makes it): read from the table
    when it is there, else computed (and recorded while the table is being built)."""
    name = key_of(operation, inputs)
    entry = _table()["computed"].get(name)
    if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], bool) and isinstance(entry[1], str):
        try:
            return read_srepr(entry[1], entry[0])
        except (ValueError, TypeError, SyntaxError):
            pass
    result = compute()
    if _STATE["record"] is not None:
        stored = _stored(result)
        if stored is not None:  # only what reads back exactly is stored
            _STATE["record"]["computed"][name] = stored
    return result


# --- reading srepr without Python's eval ----------------------------------------------------------------
def _subclasses(cls: type) -> Iterable[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _classes() -> dict[str, type]:
    """Every SymPy class (and chainrule's own SymPy classes) by name, as srepr writes them."""
    if "classes" not in _STATE:
        import derive.functions  # noqa: F401  (registers chainrule's function and display classes)
        _STATE["classes"] = {c.__name__: c for c in _subclasses(sp.Basic)  # (undefined functions have no module)
                             if str(getattr(c, "__module__", None)).split(".")[0] in ("sympy", "derive")}
    return _STATE["classes"]


def _constructor(name: str) -> Any:
    """A SymPy class (or singleton such as ``pi``, ``oo``) named in srepr output; nothing else."""
    found = _classes().get(name)
    if found is not None:
        return found
    singleton = getattr(sp, name, None)
    if isinstance(singleton, sp.Basic):
        return singleton
    raise ValueError(f"not a SymPy constructor: {name}")


def _build(node: ast.AST) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str, bool, type(None))):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, (ast.Constant, ast.Name)):
        value = _build(node.operand)  # -1, -oo
        if isinstance(value, (int, float, sp.Number)):
            return -value
        raise ValueError("unsupported negation")
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_build(e) for e in node.elts] if isinstance(node, ast.List) else tuple(_build(e) for e in node.elts)
    if isinstance(node, ast.Name):
        return _constructor(node.id)
    if isinstance(node, ast.Call):
        func = _build(node.func) if isinstance(node.func, ast.Call) else _constructor(getattr(node.func, "id", ""))
        args = [_build(a) for a in node.args]
        kwargs = {k.arg: _build(k.value) for k in node.keywords if k.arg is not None}
        if len(kwargs) != len(node.keywords) or not callable(func):
            raise ValueError("unsupported call")
        return func(*args, **kwargs)
    raise ValueError(f"unsupported syntax: {type(node).__name__}")


def read_srepr(text: str, evaluate: bool = True) -> Any:
    """The SymPy object whose ``srepr`` is ``text``: parsed by ``ast`` and built from SymPy classes
    only. ``evaluate=False`` builds every node as written (for results SymPy left unevaluated, such
    as −(a + b), which evaluation would regroup into −a − b)."""
    tree = ast.parse(text, mode="eval").body
    with sp.core.parameters.evaluate(evaluate):
        return _build(tree)


def _stored(result: Any) -> list[Any] | None:
    """[evaluate, srepr] that :func:`read_srepr` turns back into exactly ``result``, or None."""
    written = sp.srepr(result)
    for evaluate in (True, False):
        try:
            if read_srepr(written, evaluate) == result:
                return [evaluate, written]
        except (ValueError, TypeError):
            continue
    return None


# --- building the table -------------------------------------------------------------------------------
def build() -> dict[str, dict[str, Any]]:
    """Every proof and computation the analytic topics' derivations need, done afresh (table and
    first-use cache off), as the JSON object ``prepared.json`` holds."""
    import derive
    saved = {k: os.environ.get(k) for k in ("CHAINRULE_PREPARED", "CHAINRULE_CACHE")}
    os.environ.update(CHAINRULE_PREPARED="off", CHAINRULE_CACHE="off")
    _STATE["table"], _STATE["record"] = None, {"proofs": {}, "computed": {}}
    from derive import cache
    cache.forget()
    try:
        for topic in TOPICS:
            derive.derive(topic, {}, given=None, seed=None, values=False)
        record = _STATE["record"]
    finally:
        _STATE["table"], _STATE["record"] = None, None
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return {"sympy": sp.__version__, **{part: dict(sorted(record[part].items())) for part in ("proofs", "computed")}}


def text_of(table: dict[str, Any]) -> str:
    """The table as ``prepared.json`` stores it (sorted keys, one entry per line)."""
    return json.dumps(table, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m derive.analytic.prepared [--write]``: build the table; print whether the stored
    one is current (exit 1 when it is not), or write it."""
    args = sys.argv[1:] if argv is None else argv
    text = text_of(build())
    if args == ["--write"]:
        from derive.files import atomic_write
        atomic_write(TABLE, text, "prepared.json")
        print(f"wrote {TABLE} ({len(text)} bytes)")
        return 0
    current = TABLE.is_file() and TABLE.read_text(encoding="utf-8") == text
    print(f"{TABLE}: {'current' if current else 'stale: run python -m derive.analytic.prepared --write'}")
    return 0 if current else 1


if __name__ == "__main__":  # run as the imported module, whose state the scripts record into
    from derive.analytic import prepared as _module
    raise SystemExit(_module.main())
