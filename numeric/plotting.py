"""Plot output (optional matplotlib extra): headless Agg backend, PNG files only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from derive.errors import UserError


def pyplot() -> Any:
    """``matplotlib.pyplot`` on the Agg backend, or a UserError naming ``--plot``."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise UserError("matplotlib is not installed (pip install 'chainrule[plot]')", "--plot") from exc
    return plt


def save_figure(fig: Any, path: str | Path) -> str:
    """Save ``fig`` as PNG at ``path`` (parent folders must exist); returns the path written."""
    p = Path(path)
    if p.suffix.lower() != ".png":
        raise UserError(f"'{path}': expected a .png file name", "--plot")
    if not p.parent.exists():
        raise UserError(f"'{p.parent}': no such folder", "--plot")
    fig.savefig(p, dpi=110, bbox_inches="tight")
    pyplot().close(fig)
    return str(p)
