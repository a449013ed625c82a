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


def check_plot_path(path: str | Path) -> Path:
    """``path`` if a PNG can be written there (a ``.png`` name in a writable folder, not a
    directory, FIFO or device, and matplotlib installed); else a UserError naming ``--plot``.
    Called before training too, so a long run is not lost at its end."""
    import importlib.util
    from derive.files import check_writable
    p = Path(path)
    if p.suffix.lower() != ".png":
        raise UserError(f"'{path}': expected a .png file name", "--plot")
    if importlib.util.find_spec("matplotlib") is None:
        raise UserError("matplotlib is not installed (pip install 'chainrule[plot]')", "--plot")
    return check_writable(p, "--plot")


def save_figure(fig: Any, path: str | Path) -> str:
    """Save ``fig`` as PNG at ``path`` (atomically: a temporary file beside it, renamed);
    returns the path written."""
    from derive.files import atomic_write
    p = check_plot_path(path)
    try:
        atomic_write(p, lambda fh: fig.savefig(fh, format="png", dpi=110, bbox_inches="tight"), "--plot")
    finally:
        pyplot().close(fig)
    return str(p)


def loss_curve(ax: Any, values: list[float] | Any, label: str = "loss", xlabel: str = "epoch", log: bool = True) -> None:
    """Plot one curve per call (training loss, accuracy …) against epochs 1…E on ``ax``."""
    import numpy as np
    v = np.asarray(values, dtype=float)
    ax.plot(np.arange(1, v.size + 1), v, label=label)
    if log and v.size and np.all(v > 0):
        ax.set_yscale("log")
    from matplotlib.ticker import MaxNLocator
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(label)
    ax.grid(True, alpha=0.3)


def decision_boundary(ax: Any, predict: Any, X: Any, labels: Any, lim: tuple[float, float] | None = None,
                      resolution: int = 200, title: str = "decision boundary") -> None:
    """Shade the 2-D plane by ``predict(points) → scores in [0, 1]`` with the 0.5 contour, and the data on top."""
    import numpy as np
    X = np.asarray(X, dtype=float)
    lo, hi = lim if lim is not None else (float(X.min()) - 0.5, float(X.max()) + 0.5)
    g = np.linspace(lo, hi, resolution)
    gx, gy = np.meshgrid(g, g)
    scores = np.asarray(predict(np.column_stack([gx.ravel(), gy.ravel()])), dtype=float).reshape(gx.shape)
    ax.contourf(gx, gy, scores, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
    if scores.min() < 0.5 < scores.max():
        ax.contour(gx, gy, scores, levels=[0.5], colors="k", linewidths=1.5)
    ax.scatter(X[:, 0], X[:, 1], c=np.asarray(labels), cmap="RdBu_r", edgecolors="k", s=80, vmin=0, vmax=1)
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title(title)
