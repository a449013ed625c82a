"""Kohonen self-organizing map on a 2-D grid (SYLLABUS §12), trained online.

Equations (step t of T, sample x, map weights w_k at grid position r_k)::

    winner     J = argmin_k ‖x − w_k‖²                        (squared Euclidean)
    neighbour  h_k = exp(−‖r_k − r_J‖² / (2σ_t²))             (Gaussian on the grid)
    update     w_k ← w_k + η_t h_k (x − w_k)                  for every node k
    decay      η_t = η₀ (η_T/η₀)^(t/T),   σ_t = σ₀ (σ_T/σ₀)^(t/T)

The map starts as small random values around the data mean (Kohonen's initialisation), so it
begins unordered and unfolded. Reported: quantization error QE = mean_x ‖x − w_J(x)‖ before and after training, and the
topographic error TE = fraction of samples whose best and second-best nodes are not grid
neighbours (left/right/up/down). Options: --steps (5000; 0 with --load), --lr η₀ (0.5),
--data colors|grid|uniform, --set rows=10 cols=10 sigma=σ₀ (0: half the larger side)
sigma_final=0.5 lr_final=0.01.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.errors import UserError
from derive.steps import TrainReport
from numeric.datasets import colors, shapes2d
from numeric.models import _generative_training
from numeric.training import Progress, guard_finite, tick

NAME = "som"
SUMMARY = "Self-organizing map (Gaussian neighbourhood, decaying radius and rate) on colours or 2-D points"
OPTIONS = {"steps": None, "lr": 0.5, "data": "colors", "rows": 10, "cols": 10, "sigma": 0.0, "sigma_final": 0.5, "lr_final": 0.01}
CHOICES = {"data": ("colors", "grid", "uniform")}
STEPS, RECORDS = 5000, 20
BENCH = {"steps": 5000}
QUALITY = "quantization_error_final"


def grid_sq_distances(rows: int, cols: int) -> np.ndarray:
    """‖r_j − r_k‖² between all pairs of grid positions: (K, K), K = rows·cols."""
    r = np.stack(np.divmod(np.arange(rows * cols), cols), axis=1).astype(np.float64)
    return ((r[:, None, :] - r[None, :, :]) ** 2).sum(axis=2)


def schedule(start: float, end: float, steps: int) -> np.ndarray:
    """Exponential decay start·(end/start)^(t/T) for t = 0 … T−1: (T,)."""
    return start * (end / start) ** (np.arange(steps) / max(steps, 1))


def step(W: np.ndarray, x: np.ndarray, r2: np.ndarray, eta: float, sigma: float) -> int:
    """One online update of W: (K, D) in place for the sample x: (D,); returns the winner J."""
    diff = x - W                                       # (K, D)
    J = int(np.einsum("kd,kd->k", diff, diff).argmin())
    h = np.exp(r2[J] * (-0.5 / (sigma * sigma)))       # (K,)
    W += (eta * h)[:, None] * diff
    return J


def best_two(W: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(best node J₁ (N,), second-best node J₂ (N,)) for every sample x: (N, D), W: (K, D)."""
    d2 = (X * X).sum(axis=1)[:, None] - 2.0 * X @ W.T + (W * W).sum(axis=1)[None, :]   # (N, K)
    first = d2.argmin(axis=1)
    d2[np.arange(len(X)), first] = np.inf
    return first, d2.argmin(axis=1)


def errors(W: np.ndarray, X: np.ndarray, r2: np.ndarray) -> tuple[float, float]:
    """(quantization error mean ‖x − w_J‖, topographic error: best two nodes not adjacent)."""
    W64, X64 = W.astype(np.float64), X.astype(np.float64)
    first, second = best_two(W64, X64)
    qe = float(np.sqrt(((X64 - W64[first]) ** 2).sum(axis=1)).mean())
    return qe, float(np.mean(r2[first, second] > 1.0))


def _numpy(W: np.ndarray, X: np.ndarray, r2: np.ndarray, order: np.ndarray, etas: np.ndarray, sigmas: np.ndarray,
           record: Any) -> np.ndarray:
    r2 = r2.astype(W.dtype)
    for t in range(len(order)):
        step(W, X[order[t]], r2, etas[t], sigmas[t])
        record(t + 1, W)
    return W


def _torch(cfg: dict[str, Any], W: np.ndarray, X: np.ndarray, r2: np.ndarray, order: np.ndarray, etas: np.ndarray,
           sigmas: np.ndarray, record: Any) -> np.ndarray:
    torch, dev, _ = _generative_training.torch_setup(cfg)
    Wt, Xt = torch.from_numpy(W.copy()).to(dev), torch.from_numpy(X).to(dev)
    R2 = torch.from_numpy(r2.astype(W.dtype)).to(dev)
    rows = Xt[torch.from_numpy(order).to(dev)]                       # the samples in visiting order
    scale = (etas, -0.5 / sigmas ** 2)
    with torch.no_grad():
        for t in range(len(order)):
            diff = rows[t] - Wt
            J = (diff * diff).sum(dim=1).argmin()
            Wt += (scale[0][t] * torch.exp(R2[J] * scale[1][t]))[:, None] * diff
            record(t + 1, Wt)
    return Wt.cpu().numpy()


def dataset(name: str, rng: np.random.Generator) -> np.ndarray:
    """The training samples: 500 random colours, a 20×20 lattice, or 500 uniform points: (N, D)."""
    if name == "colors":
        return colors.colors(rng)
    return shapes2d.grid() if name == "grid" else shapes2d.uniform(rng)


def initial_map(rng: np.random.Generator, X: np.ndarray, nodes: int) -> np.ndarray:
    """Small random weights around the data mean (±2.5 % of each coordinate's range): (K, D)."""
    spread = X.max(axis=0) - X.min(axis=0)
    return (X.mean(axis=0) + 0.05 * spread * (rng.random((nodes, X.shape[1])) - 0.5)).astype(np.float32)


class _Tracker:
    """Records QE and TE every ``steps/RECORDS`` steps (NaN/inf stops with the step named)."""

    def __init__(self, X: np.ndarray, r2: np.ndarray, steps: int, progress: Progress, W: np.ndarray):
        self.X, self.r2, self.steps, self.progress = X, r2, steps, progress
        self.every = max(steps // RECORDS, 1)
        qe, te = errors(W, X, r2)
        self.history = [{"step": 0, "quantization_error": qe, "topographic_error": te}]

    def __call__(self, t: int, W: Any) -> None:
        if t % self.every == 0 or t == self.steps:
            qe, te = errors(W if isinstance(W, np.ndarray) else W.cpu().numpy(), self.X, self.r2)
            self.history.append({"step": t, "quantization_error": guard_finite(qe, f"step {t}"), "topographic_error": te})
            tick(self.progress, t, self.steps, qe=qe, te=te)


@_generative_training.single_thread
def train(config: dict[str, Any], progress: Progress = None) -> TrainReport:
    """Train the map online; report quantization (and topographic) error before and after."""
    cfg = _generative_training.settings(config, OPTIONS, CHOICES)
    rows, cols = int(cfg["rows"]), int(cfg["cols"])
    if rows < 1 or cols < 1 or rows * cols < 2:
        raise UserError("the map needs at least two nodes", "--set rows")
    rng = np.random.default_rng(cfg["seed"])
    X = dataset(cfg["data"], rng)
    W = initial_map(rng, X, rows * cols)
    _generative_training.load_into(cfg, NAME, {"W": W.reshape(rows, cols, -1)})
    r2, before, steps = grid_sq_distances(rows, cols), W.copy(), _generative_training.budget(cfg, "steps", STEPS)
    sigma0 = float(cfg["sigma"]) or max(rows, cols) / 2.0
    etas, sigmas = schedule(float(cfg["lr"]), float(cfg["lr_final"]), steps), schedule(sigma0, float(cfg["sigma_final"]), steps)
    if steps and (min(etas.min(), sigmas.min()) <= 0):
        raise UserError("learning rates and radii must be positive", "--set sigma")
    track = _Tracker(X, r2, steps, progress, W)
    order = rng.integers(0, len(X), steps)
    if cfg["backend"] == "numpy":
        W = _numpy(W, X, r2, order, etas, sigmas, track)
    else:
        W = _torch(cfg, W, X, r2, order, etas, sigmas, track)
    _generative_training.save_from(cfg, NAME, {"W": W.reshape(rows, cols, -1)})
    return _report(cfg, X, before, W, track.history, sigma0)


def _report(cfg: dict[str, Any], X: np.ndarray, before: np.ndarray, W: np.ndarray, history: list, sigma0: float) -> TrainReport:
    rows, cols = int(cfg["rows"]), int(cfg["cols"])
    qe0, te0 = history[0]["quantization_error"], history[0]["topographic_error"]
    qe, te = errors(W, X, grid_sq_distances(rows, cols))
    steps = history[-1]["step"]
    metrics = {"data": cfg["data"], "quantization_error_initial": qe0, "quantization_error_final": qe,
               "topographic_error_initial": te0, "topographic_error_final": te, "error_fell": qe < qe0,
               "steps": steps, "rows": rows, "cols": cols}
    summary = f"som: quantization error {qe0:.4f} → {qe:.4f} in {steps} steps (topographic error {te0:.3f} → {te:.3f})"
    notes = [f"QE = mean over the {len(X)} samples of ‖x − w_J‖ (winner J); TE = share of samples whose two best "
             "nodes are not grid neighbours", f"η: {cfg['lr']} → {cfg['lr_final']}, σ: {sigma0:g} → {cfg['sigma_final']} "
             "(exponential decay); h = exp(−‖r_k − r_J‖²/(2σ²))"]

    def plot(path: Any) -> str:
        from numeric.models._generative_plots import som
        return som(path, X, before.reshape(rows, cols, -1), W.reshape(rows, cols, -1), history, f"SOM {rows}×{cols} on {cfg['data']}")
    return _generative_training.report(NAME, cfg, metrics, history, summary, notes, plot)
