"""Gaussian RBF network: XOR with four corner centres, or a 2-D dataset with k-means centres (SYLLABUS §11).

Equations::

    h_j(x) = exp(−‖x − c_j‖² / (2σ²)),   y = Σ_j w_j h_j(x) + b,   class = 1 if y ≥ ½ else 0
    least squares:  [H 1] [w; b] = t  solved by the pseudo-inverse  [w; b] = [H 1]⁺ t
    gradient descent (--set solver=gd): Adam on ½‖y − t‖²/N for c_j, σ_j, w, b (layers/rbf.py)

Defaults: XOR, centres at the four corners, σ = 1/√2 (so h = exp(−‖x − c‖²)). Datasets
moons/circles (400 points, seeded, 300 train / 100 test): 20 k-means centres and Haykin's width
σ = d_max/√(2K). Options: --data xor|moons|circles, --hidden K, --set centres=corners|classic|kmeans
(classic = the two centres (0,0), (1,1)), --set sigma=σ (0: default), --set solver=pinv|gd,
--epochs (gd: 300), --lr (gd: 0.05).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.errors import UserError
from derive.steps import Table, TrainReport
from numeric.datasets import shapes2d
from numeric.layers import rbf
from numeric.models import _generative_training, _rbf_fit
from numeric.training import counted

NAME = "rbf"
SUMMARY = "Gaussian RBF network: XOR with corner centres (or moons/circles with k-means), least squares or trained"
OPTIONS = {"data": "xor", "hidden": 0, "centres": "auto", "sigma": 0.0, "solver": "pinv", "epochs": None, "lr": 0.05}
CHOICES = {"data": ("xor", "moons", "circles"), "centres": ("auto", "corners", "classic", "kmeans"), "solver": ("pinv", "gd")}
K_DEFAULT, EPOCHS = 20, 300
BENCH = {"data": "moons", "solver": "gd", "epochs": 300}
QUALITY = "accuracy"


def dataset(name: str, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x_train, t_train, x_test, t_test); XOR is its own test set."""
    if name == "xor":
        x, y = shapes2d.xor()
        return x, y, x, y
    x, y = (shapes2d.moons if name == "moons" else shapes2d.circles)(seed)
    order = np.random.default_rng(seed).permutation(len(x))
    return x[order[:300]], y[order[:300]], x[order[300:]], y[order[300:]]


def predict(params: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    """y = H w + b for x: (N, 2): (N,)."""
    h, _ = rbf.forward(params, x)
    return h @ params["w"] + params["b"][0]


def _centres(cfg: dict[str, Any], x: np.ndarray, rng: np.random.Generator) -> tuple[str, np.ndarray]:
    kind = cfg["centres"] if cfg["centres"] != "auto" else ("corners" if cfg["data"] == "xor" else "kmeans")
    if kind == "corners":
        return kind, np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    if kind == "classic":
        return kind, np.array([[0.0, 0.0], [1.0, 1.0]])
    k = int(cfg["hidden"]) or (len(x) if cfg["data"] == "xor" else K_DEFAULT)
    if not 1 <= k <= len(x):
        raise UserError(f"k-means needs 1 ≤ K ≤ {len(x)} centres, got {k}", "--hidden")
    return kind, _rbf_fit.kmeans(rng, x, k)


def _width(cfg: dict[str, Any], C: np.ndarray) -> float:
    if cfg["sigma"]:
        return float(cfg["sigma"])
    if cfg["data"] == "xor" or len(C) < 2:
        return float(np.sqrt(0.5))
    dmax = float(np.sqrt(rbf.sq_distances(C, C).max()))
    return dmax / np.sqrt(2 * len(C))


@_generative_training.single_thread
def train(config: dict[str, Any], progress: Any = None) -> TrainReport:
    """Place centres, fit output weights (pseudo-inverse or gradient descent); report accuracy."""
    cfg = _generative_training.settings(config, OPTIONS, CHOICES)
    rng = np.random.default_rng(cfg["seed"])
    x, t, x_te, t_te = dataset(cfg["data"], cfg["seed"])
    kind, C = _centres(cfg, x, rng)
    params = {"C": C.astype(np.float64), "sigma": np.full(len(C), _width(cfg, C)),
              "w": np.zeros(len(C)), "b": np.zeros(1)}
    loaded = _generative_training.load_into(cfg, NAME, params)
    if cfg["solver"] == "pinv" and cfg.get("epochs"):
        raise UserError("epochs apply to the trained solver: add --set solver=gd", "--epochs")
    epochs = _generative_training.budget(cfg, "epochs", EPOCHS) if cfg["solver"] == "gd" else 0
    fit = _rbf_fit.numpy_fit if cfg["backend"] == "numpy" else _rbf_fit.torch_fit
    history = fit(cfg, params, x, t.astype(np.float64), epochs, solve=not loaded, progress=progress)
    _generative_training.save_from(cfg, NAME, params)
    y_tr, y_te = predict(params, x), predict(params, x_te)
    acc_tr, acc = float(np.mean((y_tr >= 0.5) == t)), float(np.mean((y_te >= 0.5) == t_te))
    metrics: dict[str, Any] = {"data": cfg["data"], "accuracy": acc, "train_accuracy": acc_tr}
    if cfg["data"] == "xor":
        metrics.update(solved=bool(acc == 1.0), outputs=[round(float(v), 9) + 0.0 for v in y_te],
                       margin=round(float(np.min(np.abs(y_te - 0.5))), 9))
    metrics.update(centres=len(C), centre_placement=kind, sigma=float(params["sigma"].mean()), solver=cfg["solver"],
                   mse=round(float(np.mean((y_tr - t) ** 2)), 12) + 0.0)
    where = "on the four XOR points" if cfg["data"] == "xor" else f"on {len(x_te)} held-out points"
    summary = f"rbf: accuracy {acc:.0%} {where}" + (f" — XOR {'solved' if acc == 1.0 else 'NOT solved'}" if cfg["data"] == "xor" else "")
    notes = [f"{len(C)} centres ({kind}), σ = {float(params['sigma'].mean()):.4g}, h = exp(−‖x − c‖²/(2σ²)); "
             f"output y = Σ w_j h_j + b, class 1 when y ≥ 0.5",
             "weights by the pseudo-inverse [H 1]⁺ t" if cfg["solver"] == "pinv" else f"weights, centres and widths trained by Adam ({counted(epochs, 'epoch')})"]

    def plot(path: Any) -> str:
        from numeric.models._generative_plots import rbf as draw
        return draw(path, x, t, params["C"], lambda g: predict(params, g), f"RBF network on {cfg['data']}: accuracy {acc:.0%}")
    table = _hidden_table(params, x, t) if cfg["data"] == "xor" else None
    return _generative_training.report(NAME, cfg, metrics, history, summary, notes, plot, table)


def _hidden_table(params: dict[str, np.ndarray], x: np.ndarray, t: np.ndarray) -> Table:
    """The hand-calculation table: x, every h_j(x), y = Σ w_j h_j + b, the class and the target."""
    h, _ = rbf.forward(params, x)
    y = predict(params, x)
    cols = ("x", *(f"h{j + 1}" for j in range(h.shape[1])), "y", "class", "target")
    rows = tuple((f"({a:g}, {b:g})", *(f"{v:.4f}" for v in hj), f"{round(yy, 4) + 0.0:.4f}", int(yy >= 0.5), int(tt))
                 for (a, b), hj, yy, tt in zip(x, h, y, t))
    return Table("Hidden layer on the XOR points (class 1 when y ≥ 0.5)", cols, rows)
