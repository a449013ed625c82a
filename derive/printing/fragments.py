"""Formulas rendered before the text they are written into (HTML and Typst printers).

The document printer composes sentences such as ``f"Evaluated at: {k} = {self.value(v)}"``
before the format escapes the text, so a formula written into such a sentence would be escaped
with it. These printers hand out a placeholder instead (two private-use characters around a
number), escape the text around it, and put the formula back in its place.
"""

from __future__ import annotations

import re
from collections.abc import Callable

PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")


class Fragments:
    """The formulas of one document, each kept under a placeholder."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def keep(self, markup: str) -> str:
        """A placeholder for ``markup`` (already in the output format)."""
        self.items.append(markup)
        return f"\ue000{len(self.items) - 1}\ue001"

    def weave(self, text: str, plain: Callable[[str], str]) -> str:
        """``text`` with its plain parts passed through ``plain`` (escaped) and its placeholders
        replaced by their formulas."""
        out, at = [], 0
        for found in PLACEHOLDER.finditer(text):
            if found.start() > at:
                out.append(plain(text[at:found.start()]))
            out.append(self.items[int(found.group(1))])
            at = found.end()
        if at < len(text) or not out:
            out.append(plain(text[at:]))
        return "".join(out)

    def restore(self, text: str) -> str:
        """Every placeholder left in finished output replaced by its formula."""
        return PLACEHOLDER.sub(lambda found: self.items[int(found.group(1))], text)
