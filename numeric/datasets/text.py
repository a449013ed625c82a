"""Character data: a text file, or the Zen of Python read from the standard library's ``this``.

``this.py`` stores the Zen rot13-encoded in a string ``s``; importing it would print the poem, so
the string is read from the module's source with ``ast`` and decoded here (nothing downloaded).
"""

from __future__ import annotations

import ast
import codecs
import importlib.util
from collections import Counter
from pathlib import Path

import numpy as np

from derive.errors import UserError
from derive.files import read_text

MAX_BYTES = 2_000_000
MAX_VOCAB = 256          # symbols of the character vocabulary (docs/limits.md, Numeric)
UNKNOWN = "\ufffd"       # what the characters beyond the vocabulary read as


def zen_of_python() -> str:
    """The Zen of Python (PEP 20), decoded from the source of the stdlib module ``this``."""
    spec = importlib.util.find_spec("this")
    if spec is None or spec.origin is None:
        raise UserError("the standard library module 'this' is missing here; pass a file with --text", "--text")
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "s" for t in node.targets):
            return codecs.decode(node.value.value, "rot13")
    raise UserError("could not find the Zen of Python in 'this'; pass a file with --text", "--text")


def read(path: str | Path | None, min_chars: int = 2) -> tuple[str, str]:
    """(text, source name): the file at ``path`` as UTF-8, or the Zen of Python when ``path`` is None."""
    if path is None:
        return zen_of_python(), "the Zen of Python (stdlib 'this')"
    p = Path(path)
    text = read_text(p, "--text", MAX_BYTES)  # a regular file, at most MAX_BYTES bytes, UTF-8
    if len(text) < min_chars:
        raise UserError(f"'{path}': too short ({len(text)} characters; need at least {min_chars})", "--text")
    return text, p.name


def vocabulary(text: str, cap: int = MAX_VOCAB) -> str:
    """The text's characters, sorted; beyond ``cap`` distinct ones, the ``cap − 1`` most frequent
    (ties by code point) and :data:`UNKNOWN`, which every other character is read as."""
    counts = Counter(text)
    if len(counts) <= cap:
        return "".join(sorted(counts))
    kept = sorted(counts, key=lambda c: (-counts[c], c))[:cap - 1]
    return "".join(sorted({*kept, UNKNOWN}))


def encode(text: str, chars: str | None = None) -> tuple[np.ndarray, str]:
    """(ids, vocabulary): ids[k] = index of text[k] in :func:`vocabulary` (or ``chars``, a loaded
    model's); a character outside it is read as :data:`UNKNOWN` when the vocabulary has that symbol."""
    vocab = chars if chars is not None else vocabulary(text)
    index = {c: i for i, c in enumerate(vocab)}
    unknown = index.get(UNKNOWN)
    missing = sorted(set(text) - set(index))
    if missing and unknown is None:
        raise UserError(f"the text has characters the loaded model does not know: {''.join(missing)[:20]!r}", "--text")
    return np.fromiter((index.get(c, unknown) for c in text), dtype=np.int64, count=len(text)), vocab


def unknown_share(text: str, vocab: str) -> tuple[int, int]:
    """(distinct characters, characters) of ``text`` that ``vocab`` does not hold (read as UNKNOWN)."""
    outside = set(text) - set(vocab)
    return len(outside), sum(1 for c in text if c in outside) if outside else 0


def windows(rng: np.random.Generator, ids: np.ndarray, count: int, length: int) -> tuple[np.ndarray, np.ndarray]:
    """``count`` random windows (inputs, targets), each (count, length): targets are inputs shifted by one."""
    starts = rng.integers(0, len(ids) - length, count)
    idx = starts[:, None] + np.arange(length + 1)[None, :]
    seq = ids[idx]
    return seq[:, :-1], seq[:, 1:]
