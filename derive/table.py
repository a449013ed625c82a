"""A plain table of already-formatted cells: what documents hold and printers build."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Table:
    """A plain table: a title, column names and rows of already-formatted cells."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
