"""``train rnn|lstm|gru``: next-step prediction on noisy sines, or a character model (``--text``).

Sine task (default): inputs x_0 … x_{T−1}, targets x_1 … x_T; loss = MSE of the next value;
the report compares the test MSE with the persistence baseline x̂_{t+1} = x_t.
Text task (``--text FILE`` or ``--data text`` for the Zen of Python): next-character
cross-entropy (nats/char) on random windows; the report shows a seeded sample.
``--backend torch`` runs the same network with torch.nn modules, starting from the same weights.
The modules ``rnn``, ``lstm`` and ``gru`` are the registry's entries; each calls :func:`train`.
"""

from __future__ import annotations

import math

from typing import Any

import numpy as np

from derive.errors import UserError
from derive.steps import Table, TrainReport
from numeric.datasets import text as text_data
from numeric.layers import gru
from numeric.layers._buffers import Workspace
from numeric.models import _recurrent
from numeric.models._recurrent_tasks import SineTask, TextTask
from numeric.models._sequence import (NumpyTrainer, TorchTrainer, check_outputs, fit, history_table, load_params,
                                      loss_axes, positive, save_params, settings, threads_for)

OPTIONS: dict[str, Any] = {
    "epochs": None, "steps": None, "lr": None, "batch_size": None, "hidden": None, "seq_len": None,
    "data": "sine", "text": None, "noise": 0.1, "train_size": 512, "test_size": 256, "embed": 32,
    "sample_len": 240, "temperature": 0.6, "clip": 5.0,
}
GRU_OPTIONS = {"convention": "pytorch", "reset": "after"}
BENCH: dict[str, Any] = {"epochs": 8}   # the workload of bench/sequence.py and bench/train.py
QUALITY = "test_mse"
DEFAULTS = {"sine": {"epochs": 25, "lr": 0.01, "batch_size": 32, "hidden": 32, "seq_len": 40},
            "text": {"steps": 400, "lr": 0.01, "batch_size": 32, "hidden": 64, "seq_len": 48}}
SPEC_KEYS = ("data", "hidden", "embed", "convention", "reset")


def resolve(config: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """Typed settings with the task's defaults filled in and every number checked."""
    cfg = settings(config, options)
    if cfg.get("text") is not None:
        cfg["data"] = "text"
    if cfg["data"] not in DEFAULTS:
        raise UserError(f"expected sine or text, got '{cfg['data']}'", "--data")
    for key, value in DEFAULTS[cfg["data"]].items():
        if cfg.get(key) is None and not (key == "steps" and cfg.get("epochs") is not None):
            cfg[key] = value
    for key in ("epochs", "steps", "batch_size", "hidden", "seq_len", "train_size", "test_size", "embed", "sample_len"):
        if cfg.get(key) is not None and (not isinstance(cfg[key], int) or isinstance(cfg[key], bool)):
            raise UserError(f"expected a whole number, got {cfg[key]!r}", f"--{key.replace('_', '-')}")
    positive(cfg, "lr", "batch_size", "hidden", "seq_len", "train_size", "test_size", "embed", "temperature",
             *(k for k in ("epochs", "steps") if cfg.get(k) is not None),
             allow_zero=("epochs", "steps", "clip", "noise"))
    positive(cfg, "clip", "noise", allow_zero=("clip", "noise"))
    if cfg["hidden"] > 4096 or cfg["seq_len"] > 10_000:
        raise UserError("hidden ≤ 4096 and seq_len ≤ 10000, please", "--hidden")
    for key, allowed in (("convention", gru.CONVENTIONS), ("reset", gru.RESETS)):
        if key in options and cfg[key] not in allowed:
            raise UserError(f"expected one of {', '.join(allowed)}, got '{cfg[key]}'", f"--set {key}")
    check_outputs(cfg)
    return cfg


def _numpy_trainer(spec: _recurrent.Spec, params: dict[str, np.ndarray], cfg: dict[str, Any], task: Any) -> NumpyTrainer:
    task.next_logits = lambda token, state: _recurrent.step(params, token, state, spec)
    ws = Workspace()
    return NumpyTrainer(params, lambda p, x: _recurrent.forward(p, x, spec, ws),
                        lambda d, c: _recurrent.backward(d, c, spec), task.np_loss, cfg["lr"], cfg["clip"])


def _torch_trainer(spec: _recurrent.Spec, params: dict[str, np.ndarray], cfg: dict[str, Any], task: Any) -> TorchTrainer:
    from numeric import torch_util
    from numeric.models import _recurrent_torch as rt
    torch = torch_util.require_torch()
    torch_util.seed_all(cfg["seed"])
    device = torch_util.device(cfg["device"])
    net = rt.Net(spec).to(device)
    rt.load(net, params)
    trainer = TorchTrainer(net, rt.export, task.torch_loss, cfg["lr"], cfg["clip"], device)

    def next_logits(token: np.ndarray, state: Any) -> tuple[np.ndarray, Any]:
        with torch.no_grad():
            out, state = net(trainer.tensor(token[:, None]), state)
        return out.cpu().numpy(), state
    task.next_logits = next_logits
    return trainer


def train(model: str, options: dict[str, Any], config: dict[str, Any], progress: Any) -> TrainReport:
    """Train the ``model`` cell ("rnn", "lstm" or "gru") on the configured task; no printing."""
    cfg = resolve({**config, "model": model}, options)
    init_rng, data_rng, batch_rng, sample_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(cfg["seed"]).spawn(4))
    task = (TextTask if cfg["data"] == "text" else SineTask)(cfg, data_rng)
    spec = task.spec(model)
    params = _recurrent.init(init_rng, spec)
    if cfg.get("load"):
        params = load_params(cfg["load"], model, params, cfg, SPEC_KEYS)
    make = _torch_trainer if cfg["backend"] == "torch" else _numpy_trainer
    gates = {"rnn": 1, "gru": 3, "lstm": 4}[model]
    with threads_for(cfg["batch_size"] * cfg["hidden"] * gates * cfg["hidden"], cfg["backend"]):
        trainer = make(spec, params, cfg, task)
        history = fit(trainer, task.epochs(batch_rng), task.total, progress, task.after_epoch(trainer), task.unit,
                      task.per_epoch)
        metrics, summary = task.evaluate(trainer, history, sample_rng)
    plots = [_plot(cfg["plot"], history, task, trainer)] if cfg.get("plot") else []
    if cfg.get("save"):
        extra = {"vocab": task.vocab} if cfg["data"] == "text" else {}
        save_params(cfg["save"], model, trainer.params(), {**{k: cfg.get(k) for k in SPEC_KEYS}, **extra})
    cols, rows = history_table(history)
    if cfg["data"] == "text":
        cols, rows = _text_history(cols, rows)
    return TrainReport(model=model, backend=cfg["backend"], device=cfg["device"], seed=cfg["seed"], metrics=metrics,
                       table=Table("Training history", cols, rows), history=history, plots=plots,
                       summary=summary, notes=_notes(model, cfg, task))


def _text_history(cols: tuple[str, ...], rows: tuple[tuple[Any, ...], ...]) -> tuple[tuple[str, ...], tuple[tuple[Any, ...], ...]]:
    """The character model's history labelled as what it is: the step, and the training
    minibatch's cross-entropy per character in nats and in bits (comparable with bits_per_char)."""
    if "loss" not in cols:
        return cols, rows
    at = cols.index("loss")
    labels = {"epoch": "step", "loss": "train loss per char (nats, batch)"}
    return ((*(labels.get(c, c) for c in cols), "train bits per char (batch)"),
            tuple((*r, round(r[at] / math.log(2), 6)) for r in rows))


def _notes(model: str, cfg: dict[str, Any], task: Any) -> list[str]:
    if cfg["data"] == "text":
        notes = [f"data: {task.source}, {len(task.ids)} characters, {task.distinct} distinct",
                 f"network: embedding {cfg['embed']} → {model} H={cfg['hidden']} → dense {len(task.vocab)}; "
                 f"windows of {cfg['seq_len']} characters, batch {cfg['batch_size']}, Adam lr {cfg['lr']:g}, "
                 f"clip ‖g‖ ≤ {cfg['clip']:g}",
                 "final metrics: loss = next-character cross-entropy per character in nats, bits_per_char = "
                 "loss / ln 2 and accuracy (next character right), all read over the training text (its first "
                 "20 000 characters as one sequence) after the last step; there is no test split",
                 f"history: each row is one step's training minibatch ({cfg['batch_size']} windows of "
                 f"{cfg['seq_len']} characters), per character, taken before that step's update, so it is noisier "
                 "and usually higher than the final figure"]
        distinct_out, chars_out = task.unknown
        if distinct_out:
            notes.insert(1, f"vocabulary: {len(task.vocab) - 1} most frequent of the {task.distinct} distinct characters "
                            f"(at most {text_data.MAX_VOCAB} symbols); the other {distinct_out} ({chars_out} characters, "
                            f"{chars_out / len(task.ids):.1%} of the text) read as the unknown symbol {text_data.UNKNOWN}")
    else:
        notes = [f"data: {cfg['train_size']} training and {cfg['test_size']} test noisy sines (σ = {cfg['noise']:g}), "
                 f"{cfg['seq_len']} steps each",
                 f"network: {model} H={cfg['hidden']} → dense 1; batch {cfg['batch_size']}, Adam lr {cfg['lr']:g}, "
                 f"clip ‖g‖ ≤ {cfg['clip']:g}",
                 "loss: MSE of the next value; persistence baseline predicts x_{t+1} = x_t; "
                 "noise_floor = σ², the error of a perfect predictor of the clean signal"]
    if model == "gru":
        notes.append(f"GRU variant: convention={cfg['convention']} "
                     f"({'h = (1−z)⊙h_prev + z⊙h̃' if cfg['convention'] == 'course' else 'h = z⊙h_prev + (1−z)⊙h̃'}), "
                     f"reset={cfg['reset']} ({'r⊙(h W_hn + b_hn), as nn.GRU' if cfg['reset'] == 'after' else '(r⊙h) W_hn, as the course'})")
    return notes


def _plot(path: Any, history: list[dict[str, float]], task: Any, trainer: Any) -> str:
    from numeric.plotting import pyplot, save_figure
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
    loss_axes(left, history, "epoch" if task.unit == "epoch" or task.per_epoch > 1 else "step")
    task.plot(right, trainer)
    return save_figure(fig, path)
