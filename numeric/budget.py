"""Memory and work of a training run, estimated from its configuration before anything is allocated.

``numeric.train`` calls :func:`check` after the options are resolved and bounded
(``numeric.bounds``) and before the model builds its data and parameters. Each model has an
estimator below: the bytes its largest arrays take at once (parameters with their gradient and
two Adam moments, the data, the activations of one batch and of the evaluation pass, the SOM's
K × K grid distances) and the multiply-adds of the whole run. A run above the budget is refused
with exit 2, naming the option that drives the estimate most (``--hidden``, ``--set rows``).

The budgets (docs/limits.md, Numeric): 2 GiB of memory and 10¹³ multiply-adds (about an hour of
NumPy on one core here). Raise them with the environment variables ``CHAINRULE_MEMORY_BUDGET``
(bytes, or with a unit: ``8GiB``, ``500MB``) and ``CHAINRULE_WORK_BUDGET`` (multiply-adds,
``1e15``). The estimates are upper bounds within a small factor (tests/numeric/test_budget.py
compares them with tracemalloc's peak).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from typing import Any, Callable

from derive.errors import UserError
from numeric.bounds import argument

MEMORY_ENV, WORK_ENV = "CHAINRULE_MEMORY_BUDGET", "CHAINRULE_WORK_BUDGET"
DEFAULT_MEMORY = 2 * 2**30          # bytes
DEFAULT_WORK = 10**13               # multiply-adds
ADAM = 4                            # a parameter, its gradient and Adam's two moments
F64, F32 = 8, 4
BASE = 16 * 2**20                   # bytes every run takes besides its model (datasets, small arrays)
TEXT_CHARS = 2_000_000              # the most characters a --text file holds (numeric.datasets.text.MAX_BYTES)
TEXT_VOCAB = 256                    # the character vocabulary's cap (numeric.datasets.text.MAX_VOCAB)
ZEN_CHARS, ZEN_VOCAB = 860, 80      # the Zen of Python, the default text


@dataclass(frozen=True)
class Estimate:
    """Peak bytes and total multiply-adds of a run, with the options that drive each (most first)."""

    memory: float
    work: float
    memory_drivers: tuple[str, ...]
    work_drivers: tuple[str, ...]


UNITS = {"": 1, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12, "ki": 2**10, "mi": 2**20, "gi": 2**30, "ti": 2**40}


def _units(text: str, env: str) -> float:
    """``4GiB`` → 4·2³⁰, ``500MB`` → 5·10⁸, ``1e14`` → 10¹⁴; anything else a UserError naming ``env``."""
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)\s*([kKmMgGtT]i?)?[bB]?\s*", text)
    value = float(m.group(1)) * UNITS[(m.group(2) or "").lower()] if m else math.nan
    if not math.isfinite(value) or value <= 0:
        raise UserError(f"expected a positive number such as 4GiB or 1e14, got '{text[:30]}'", env)
    return value


def budgets() -> tuple[float, float]:
    """(memory bytes, multiply-adds) allowed: the defaults or the environment's overrides."""
    memory, work = os.environ.get(MEMORY_ENV), os.environ.get(WORK_ENV)
    return (_units(memory, MEMORY_ENV) if memory else DEFAULT_MEMORY,
            _units(work, WORK_ENV) if work else DEFAULT_WORK)


def human_bytes(n: float) -> str:
    """``74.5 GiB``, ``12 MiB``, ``800 bytes``."""
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n:.0f} bytes"


def check(model: str, cfg: dict[str, Any], supplied: dict[str, Any], defaults: dict[str, Any] | None = None) -> Estimate | None:
    """Refuse (UserError, exit 2) a run of ``model`` whose estimate exceeds the budgets.

    ``cfg`` is the resolved configuration (defaults filled in, None where the model picks a
    default later), ``supplied`` the options the user gave: the error names the one raised most
    above its entry in ``defaults`` (the model's ``OPTIONS``).
    """
    estimator = ESTIMATORS.get(model)
    if estimator is None:
        return None
    est = estimator(cfg)
    est = Estimate(est.memory + BASE, est.work, est.memory_drivers, est.work_drivers)
    memory, work = budgets()
    if est.memory > memory:
        raise UserError(f"training {model} would need about {human_bytes(est.memory)} of memory "
                        f"(budget {human_bytes(memory)}; set {MEMORY_ENV} to allow more)", _blame(est.memory_drivers, defaults or {}, supplied))
    if est.work > work:
        raise UserError(f"training {model} would take about {est.work:.2g} multiply-adds "
                        f"(budget {work:.2g}, about an hour here; set {WORK_ENV} to allow more)", _blame(est.work_drivers, defaults or {}, supplied))
    return est


def _blame(drivers: tuple[str, ...], defaults: dict[str, Any], supplied: dict[str, Any]) -> str:
    """The driver the user raised most above its default (first in ``drivers`` on a tie, or when none was given)."""
    def raised(key: str) -> float:
        default = defaults.get(key)
        return float(supplied[key]) / max(float(default), 1.0) if isinstance(default, (int, float)) else float(supplied[key])
    given = [k for k in drivers if isinstance(supplied.get(k), (int, float))]
    return argument(max(given, key=lambda k: (raised(k), -drivers.index(k))) if given else drivers[0])


def _get(cfg: dict[str, Any], key: str, default: Any) -> Any:
    value = cfg.get(key)
    return default if value is None else value


# --- the estimators (sizes as each model builds them; see the model modules) ---------------------

def _xor(cfg: dict[str, Any]) -> Estimate:
    h, epochs = int(cfg["hidden"]), int(cfg["epochs"])
    p = 4 * h + 1
    return Estimate(ADAM * p * F64 + 16 * h * F64, epochs * 4 * p * 3, ("hidden",), ("epochs", "hidden"))


def _perceptron(cfg: dict[str, Any]) -> Estimate:
    return Estimate(4096, int(cfg["epochs"]) * 4 * 3 * 3, (), ("epochs",))


DIGITS, DIGITS_TRAIN = 1797, 1438       # sklearn's load_digits and the 80 % training split


def _digits_net(cfg: dict[str, Any], p: float, per_sample: float, work_per_sample: float) -> Estimate:
    item = F32 if cfg.get("dtype", "float32") == "float32" else F64
    rows = max(int(cfg["batch_size"]), DIGITS)              # a batch, or the evaluation of every image
    memory = ADAM * p * item + rows * per_sample * item * 2 + DIGITS * 64 * F64 * 3
    return Estimate(memory, int(cfg["epochs"]) * DIGITS_TRAIN * work_per_sample * 3,
                    ("hidden", "batch_size", "channels"), ("epochs", "hidden", "channels"))


def _mlp(cfg: dict[str, Any]) -> Estimate:
    h = int(cfg["hidden"])
    p = 64 * h + h + 10 * h + 10
    return _digits_net(cfg, p, 64 + 3 * h + 30, p)


def _cnn(cfg: dict[str, Any]) -> Estimate:
    c, h = int(cfg["channels"]), int(cfg["hidden"])
    p = 10 * c + 16 * c * h + 11 * h + 10
    return _digits_net(cfg, p, 64 * 9 + 64 * c * 4 + 16 * c * 2 + 3 * h + 30, 64 * 9 * c + 16 * c * h + 10 * h)


def _gan(cfg: dict[str, Any]) -> Estimate:
    h, b, steps = int(cfg["hidden"]), int(cfg["batch_size"]), int(_get(cfg, "steps", 3000))
    ring = cfg.get("data", "ring") == "ring"
    z = int(cfg.get("noise") or (2 if ring else 16))
    p = (z + 4) * h + 2 * h * h + 3 * h + 3 if ring else (z + 64 + 64 + 1) * h + 2 * h + 65
    rows = max(2 * b, 2000)                                 # D on [real; fake], or the 2000 evaluation samples
    memory = ADAM * p * F32 + rows * h * F32 * 12 + (DIGITS * 64 * F64 * 3 if not ring else 0)
    return Estimate(memory, steps * b * p * 2 * 3, ("hidden", "batch_size", "noise"), ("steps", "hidden", "batch_size"))


def _som(cfg: dict[str, Any]) -> Estimate:
    k, steps, n = int(cfg["rows"]) * int(cfg["cols"]), int(_get(cfg, "steps", 5000)), 500
    memory = 5 * k * k * F64 + 2 * n * k * F64 + 4 * steps * F64 + 4 * k * F64
    return Estimate(memory, steps * k * 8 + 21 * n * k * 3, ("rows", "cols", "steps"), ("steps", "rows", "cols"))


def _autoencoder_like(cfg: dict[str, Any], width: int, epochs: int) -> Estimate:
    h, b = int(cfg["hidden"]), int(cfg["batch_size"])
    p = 64 * h + h + h * width + width + width * h + h + h * 64 + 64
    rows = max(b, DIGITS)
    memory = ADAM * p * F64 + rows * (2 * h + width + 64) * F64 * 3 // 2 + DIGITS * 64 * F64 * 3
    return Estimate(memory, int(_get(cfg, "epochs", epochs)) * DIGITS_TRAIN * p * 3,
                    ("hidden", "batch_size", "code", "latent"), ("epochs", "hidden", "code", "latent"))


def _autoencoder(cfg: dict[str, Any]) -> Estimate:
    return _autoencoder_like(cfg, int(cfg["code"]), 60)


def _vae(cfg: dict[str, Any]) -> Estimate:
    return _autoencoder_like(cfg, 2 * int(cfg["latent"]), 80)


def _rbf(cfg: dict[str, Any]) -> Estimate:
    k, n = int(cfg["hidden"] or 20), 400
    return Estimate(ADAM * 4 * k * F64 + n * k * F64 * 6, int(_get(cfg, "epochs", 300)) * n * k * 12, ("hidden",), ("epochs", "hidden"))


def _attention(cfg: dict[str, Any]) -> Estimate:
    v, d, h, L = int(cfg["vocab"]), int(cfg["hidden"]), int(cfg["heads"]), int(cfg["length"])
    b, n, m = int(cfg["batch_size"]), int(cfg["train_size"]), int(cfg["test_size"])
    p = v * d + 4 * d * d + 4 * d + d * v + v
    per_sequence = h * L * L * 3 + L * d * 12 + L * v * 5 + L * 2
    memory = ADAM * p * F64 + (n + m) * L * 2 * F64 + max(b, m) * per_sequence * F64
    epochs = int(_get(cfg, "epochs", 8))
    steps = int(cfg["steps"]) if cfg.get("steps") is not None else epochs * math.ceil(n / b)
    per_token = 4 * d * d + 2 * L * d + d * v
    work = steps * b * L * per_token * 3 + math.ceil(steps * b / n) * m * L * per_token
    return Estimate(memory, work, ("vocab", "hidden", "test_size", "train_size", "length", "batch_size", "heads"),
                    ("epochs", "steps", "train_size", "hidden", "vocab", "length", "batch_size"))


def _recurrent(gates: int) -> Callable[[dict[str, Any]], Estimate]:
    def estimate(cfg: dict[str, Any]) -> Estimate:
        text = cfg.get("text") is not None or cfg.get("data") == "text"
        defaults = ({"steps": 400, "batch_size": 32, "hidden": 64, "seq_len": 48} if text
                    else {"epochs": 25, "batch_size": 32, "hidden": 32, "seq_len": 40})
        h, b, t = (int(_get(cfg, k, defaults[k])) for k in ("hidden", "batch_size", "seq_len"))
        n, m = int(cfg["train_size"]), int(cfg["test_size"])
        vocab = (TEXT_VOCAB if cfg.get("text") is not None else ZEN_VOCAB) if text else 0
        chars = (TEXT_CHARS if cfg.get("text") is not None else ZEN_CHARS) if text else 0
        inputs, outputs = (int(cfg["embed"]), vocab) if text else (1, 1)
        p = gates * h * (inputs + h + 2) + vocab * inputs + h * outputs + outputs
        per_step = gates * h * 4 + h * 3 + outputs * 3 + inputs
        eval_rows = min(chars, 20_000) if text else m * t
        memory = (ADAM * p * F64 + (0 if text else (n + m) * (t + 1) * 2 * F64) + b * t * per_step * F64
                  + eval_rows * (gates * h + h + outputs * 3) * F64 * 2)
        per_epoch = max(1, chars // (b * t)) if text else math.ceil(n / b)
        if cfg.get("steps") is not None:
            steps = int(cfg["steps"])
        elif cfg.get("epochs") is not None:
            steps = int(cfg["epochs"]) * per_epoch
        else:
            steps = defaults["steps"] if text else defaults["epochs"] * per_epoch
        per_token = gates * h * (inputs + h) + h * outputs
        evaluations = 1 if text else math.ceil(steps / per_epoch) + 1      # the sine task scores the test set every epoch
        work = steps * b * t * per_token * 3 + evaluations * eval_rows * per_token
        return Estimate(memory, work, ("hidden", "batch_size", "seq_len", "train_size", "test_size", "embed"),
                        ("epochs", "steps", "train_size", "hidden", "seq_len", "batch_size"))
    return estimate


ESTIMATORS: dict[str, Callable[[dict[str, Any]], Estimate]] = {
    "xor": _xor, "perceptron": _perceptron, "mlp": _mlp, "cnn": _cnn, "gan": _gan, "som": _som,
    "autoencoder": _autoencoder, "vae": _vae, "rbf": _rbf, "attention": _attention,
    "rnn": _recurrent(1), "gru": _recurrent(3), "lstm": _recurrent(4),
}
