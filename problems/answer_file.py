"""TOML answer files (``chainrule check FILE.toml``): read with a byte cap and checked before and
after parsing, so that no file can hang, exhaust memory or recurse without bound, and no value
reaches the checker in a shape it does not expect.

A file holds the top-level keys :data:`TOP_LEVEL` only: ``topic``, ``exercise`` (an id
``TOPIC@SEED[:difficulty][+variant]``), ``seed`` (0 … 2³²−1), ``difficulty`` (easy, exam, hard),
``variant`` — text except the seed — and the tables ``[givens]`` and ``[answers]``, whose values
are text, true/false, finite numbers (integers of at most :data:`MAX_INT_DIGITS` digits) and
lists of them. Limits (``docs/limits.md``): :data:`MAX_BYTES` bytes, nesting of arrays, inline
tables and dotted keys at most :data:`MAX_DEPTH` deep. Every refusal is a ``UserError`` naming
the file and the key.
"""

from __future__ import annotations

import datetime
import math
import re
from pathlib import Path
from typing import Any

from derive.errors import UserError
from derive.files import read_text
from derive.parse import MAX_LITERAL_DIGITS

MAX_BYTES = 1_000_000
MAX_DEPTH = 10
MAX_INT_DIGITS = MAX_LITERAL_DIGITS
MAX_SEED = 2**32 - 1
DIFFICULTIES = ("easy", "exam", "hard")
TOP_LEVEL = ("topic", "exercise", "seed", "difficulty", "variant", "givens", "answers")
FILE_ARG = "FILE"

_SPECIAL = re.compile(r"[\[\]{}#\"']")
_BASIC = re.compile(r'(?:[^"\\\n]|\\.)*"')
_ML_BASIC = re.compile(r'(?:[^"\\]|\\.|"(?!""))*"""(?:""?)?', re.DOTALL)  # may end in 4 or 5 quotes


def read_answer_file(path: Path | str) -> dict[str, Any]:
    """The TOML answer file at ``path`` as a dict, checked: a regular file of at most
    :data:`MAX_BYTES` bytes, nested at most :data:`MAX_DEPTH` deep, only the keys of
    :data:`TOP_LEVEL`, each of its type (see the module docstring)."""
    path = Path(path)
    text = read_text(path, FILE_ARG, MAX_BYTES)
    where = str(path)
    line = deep_bracket_line(text, MAX_DEPTH)
    if line is not None:
        raise UserError(f"arrays or inline tables nested more than {MAX_DEPTH} deep (line {line})", where)
    import tomllib  # only here: every command imports this module (refuse_bare_list), few read a file
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"not valid TOML ({exc})", where) from None
    except RecursionError:  # the bracket scan above should make this unreachable
        raise UserError(f"nested more than {MAX_DEPTH} deep", where) from None
    except ValueError:  # an integer beyond Python's own limit of 4300 digits
        raise UserError(f"a number too long to read (integers have at most {MAX_INT_DIGITS} digits)", where) from None
    check_values(data, where)
    check_top_level(data, where)
    return data


def deep_bracket_line(text: str, limit: int) -> int | None:
    """The line on which arrays and inline tables (``[`` and ``{`` outside strings and comments)
    first nest deeper than ``limit``, or None. Linear in the text; run before ``tomllib``, which
    recurses once per level."""
    depth, i, n = 0, 0, len(text)
    while i < n:
        m = _SPECIAL.search(text, i)
        if m is None:
            return None
        c, i = m.group(), m.end()
        if c in "[{":
            depth += 1
            if depth > limit:
                return text.count("\n", 0, i) + 1
        elif c in "]}":
            depth = max(0, depth - 1)
        elif c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif c == '"':
            if text.startswith('""', i):
                end = _ML_BASIC.match(text, i + 2)
            else:
                end = _BASIC.match(text, i)
            i = n if end is None else end.end()
        else:  # a literal string: no escapes
            if text.startswith("''", i):
                j = text.find("'''", i + 2)
                i = n if j < 0 else j + 3
                while i < n and i < j + 5 and text[i] == "'":  # up to two quotes end the content
                    i += 1
            else:
                j = text.find("'", i)
                i = n if j < 0 else j + 1
    return None


def check_values(data: dict[str, Any], where: str) -> None:
    """Refuse, naming the key: nesting (tables from dotted keys too) deeper than
    :data:`MAX_DEPTH`, dates and times, non-finite floats, integers of more than
    :data:`MAX_INT_DIGITS` digits, and ambiguous text lists like ``"0,5"``. Iterative, so no
    depth of dotted keys can exhaust the stack."""
    todo: list[tuple[str, Any, int]] = [(str(k), v, 1) for k, v in data.items()]
    while todo:
        key, value, depth = todo.pop()
        if depth > MAX_DEPTH:
            raise UserError(f"nested more than {MAX_DEPTH} deep", f"{where}: {_short(key)}")
        if isinstance(value, dict):
            todo += [(f"{key}.{k}", v, depth + 1) for k, v in value.items()]
        elif isinstance(value, list):
            todo += [(key, v, depth + 1) for v in value]
        elif isinstance(value, (datetime.date, datetime.time)):
            raise UserError(f"a date or time ({value}) is not a number or text", f"{where}: {_short(key)}")
        elif isinstance(value, float) and not math.isfinite(value):
            raise UserError(f"{value} is not a finite number", f"{where}: {_short(key)}")
        elif isinstance(value, int) and not isinstance(value, bool) and _digits(value) > MAX_INT_DIGITS:
            raise UserError(f"an integer of more than {MAX_INT_DIGITS} digits", f"{where}: {_short(key)}")
        elif isinstance(value, str) and key.split(".")[0] in ("givens", "answers"):
            refuse_bare_list(value, f"{where}: {_short(key)}")


def check_top_level(data: dict[str, Any], where: str) -> None:
    """Refuse unknown top-level keys and values of the wrong type, naming the key."""
    unknown = [k for k in data if k not in TOP_LEVEL]
    if unknown:
        raise UserError(f"unknown key '{_short(unknown[0])}' (a file holds {', '.join(TOP_LEVEL)})", where)
    for key in ("topic", "exercise", "variant"):
        if key in data and (not isinstance(data[key], str) or not data[key].strip()):
            raise UserError(f"expected text, got {_kind(data[key])}", f"{where}: {key}")
    if "seed" in data:
        seed = data["seed"]
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
            raise UserError(f"expected a whole number from 0 to {MAX_SEED}, got {_kind(seed)}", f"{where}: seed")
    if "difficulty" in data and data["difficulty"] not in DIFFICULTIES:
        raise UserError(f"expected one of {', '.join(DIFFICULTIES)}, got {_kind(data['difficulty'])}", f"{where}: difficulty")
    for table in ("givens", "answers"):
        if table in data and not isinstance(data[table], dict):
            raise UserError(f"[{table}] must be a table", where)


def refuse_bare_list(text: str, arg: str) -> None:
    """Refuse text with a comma outside brackets and parentheses, such as ``0,5``: a decimal
    comma or a list without brackets — read either way it would check a different number."""
    depth = 0
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            raise UserError(f"'{_short(text)}' is ambiguous: write decimals with a point (0.5) and lists in "
                            "brackets ([0, 5])", arg)


def _digits(n: int) -> int:
    """Decimal digits of ``n`` (estimated from its bits when Python would refuse to print it)."""
    n = abs(n)
    return len(str(n)) if n.bit_length() <= 10_000 else int(n.bit_length() * 0.30103) + 1


def _kind(value: Any) -> str:
    if isinstance(value, str):
        return repr(_short(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value) if _digits(value) <= 24 else f"an integer of {_digits(value)} digits"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return {list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
