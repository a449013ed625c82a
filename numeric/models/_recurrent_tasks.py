"""The two tasks of ``train rnn|lstm|gru``: noisy-sine next-step prediction and a character model.

A task owns its data and knows how to batch it, which loss each backend minimises, how to
evaluate a trained model, and what to plot. The training loop is in _recurrent_train.py.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from derive.errors import UserError

from numeric.datasets import sine
from numeric.datasets import text as text_data
from numeric.layers import losses
from numeric.models import _recurrent
from numeric.models._sequence import manifest_config
from numeric.training import minibatches


class SineTask:
    """Noisy sines; batches are shuffled rows of a fixed training set."""

    unit = "epoch"

    def __init__(self, cfg: dict[str, Any], rng: np.random.Generator):
        self.cfg = cfg
        self.train = sine.sequences(rng, cfg["train_size"], cfg["seq_len"], cfg["noise"])
        self.test = sine.sequences(rng, cfg["test_size"], cfg["seq_len"], cfg["noise"])
        self.per_epoch = math.ceil(cfg["train_size"] / cfg["batch_size"])
        self.total = cfg["steps"] if cfg.get("steps") is not None else cfg["epochs"] * self.per_epoch
        self.n_epochs = math.ceil(self.total / self.per_epoch)

    def spec(self, cell: str) -> _recurrent.Spec:
        return _recurrent.Spec(cell, 1, self.cfg["hidden"], 1, 0, self.cfg.get("convention", "pytorch"),
                               self.cfg.get("reset", "after"))

    def epochs(self, rng: np.random.Generator) -> Any:
        x, y = self.train
        for _ in range(self.n_epochs):
            yield ((x[i], y[i]) for i in minibatches(rng, len(x), self.cfg["batch_size"]))

    @staticmethod
    def np_loss(out: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """L = mean (ŷ − t)² over all steps (twice the course's ½-MSE), ∂L/∂ŷ = 2(ŷ − t)/rows."""
        value, dout = losses.mse(out, y.reshape(-1, 1))
        return 2.0 * value, 2.0 * dout

    @staticmethod
    def torch_loss(out: Any, y: Any) -> Any:
        return ((out - y.reshape(-1, 1)) ** 2).mean()

    def test_mse(self, trainer: Any) -> float:
        x, y = self.test
        pred = trainer.predict(x).reshape(y.shape).astype(np.float64)
        return float(np.mean((pred - y) ** 2))

    def after_epoch(self, trainer: Any) -> Any:
        return lambda epoch: {"test_mse": self.test_mse(trainer)}

    def evaluate(self, trainer: Any, history: list[dict[str, float]], rng: np.random.Generator) -> tuple[dict[str, Any], str]:
        mse, base = self.test_mse(trainer), sine.persistence_mse(*self.test)
        metrics = {"test_mse": mse, "persistence_mse": base, "mse_ratio": mse / base, "beats_persistence": mse < base,
                   "noise_floor": self.cfg["noise"] ** 2, **({"train_mse": history[-1]["loss"]} if history else {}),
                   "epochs": len(history), "steps": self.total}
        verdict = "beats" if mse < base else "does not beat"
        factor = f"{base / mse:.2f}× lower" if mse < base else f"{mse / base:.2f}× higher"
        return metrics, f"Test MSE {mse:.4g} vs persistence {base:.4g} ({factor}): {verdict} the baseline."

    def plot(self, ax: Any, trainer: Any) -> None:
        x, y = self.test
        pred = trainer.predict(x[:1]).reshape(-1)
        t = np.arange(1, len(pred) + 1)
        ax.plot(t, y[0, :, 0], "k.", label="target x_{t+1} (noisy)")
        ax.plot(t, pred, label="model")
        ax.plot(t, x[0, :, 0], alpha=0.6, label="persistence x_t")
        ax.set_xlabel("t")
        ax.set_title("next-step prediction (test sequence 0)")
        ax.legend()


class TextTask:
    """A character model on random windows of a text; the vocabulary is the text's character set
    (at most ``text_data.MAX_VOCAB`` symbols: beyond that the rarest characters read as one unknown)."""

    unit = "step"

    def __init__(self, cfg: dict[str, Any], rng: np.random.Generator):
        self.cfg = cfg
        text, self.source = text_data.read(cfg.get("text"), min_chars=cfg["seq_len"] + 2)
        vocab = manifest_config(cfg["load"], cfg["model"]).get("vocab") if cfg.get("load") else None
        if vocab is not None and (not isinstance(vocab, str) or not 2 <= len(vocab) <= text_data.MAX_VOCAB
                                  or len(set(vocab)) != len(vocab)):
            raise UserError(f"'{cfg['load']}': its vocabulary must be 2 to {text_data.MAX_VOCAB} distinct characters",
                            "--load")
        self.ids, self.vocab = text_data.encode(text, vocab)
        self.distinct, self.unknown = len(set(text)), text_data.unknown_share(text, self.vocab)
        per_epoch = max(1, len(self.ids) // (cfg["batch_size"] * cfg["seq_len"]))
        self.total = cfg["steps"] if cfg.get("steps") is not None else cfg["epochs"] * per_epoch
        self.per_epoch, self.n_epochs = per_epoch, math.ceil(self.total / per_epoch)

    def spec(self, cell: str) -> _recurrent.Spec:
        return _recurrent.Spec(cell, self.cfg["embed"], self.cfg["hidden"], len(self.vocab), len(self.vocab),
                               self.cfg.get("convention", "pytorch"), self.cfg.get("reset", "after"))

    def epochs(self, rng: np.random.Generator) -> Any:
        for _ in range(self.n_epochs):
            yield (text_data.windows(rng, self.ids, self.cfg["batch_size"], self.cfg["seq_len"]) for _ in range(self.per_epoch))

    @staticmethod
    def np_loss(out: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        return losses.softmax_cross_entropy(out, y.reshape(-1))

    @staticmethod
    def torch_loss(out: Any, y: Any) -> Any:
        import torch.nn.functional as F
        return F.cross_entropy(out, y.reshape(-1))

    def after_epoch(self, trainer: Any) -> None:
        return None

    def scores(self, trainer: Any) -> tuple[float, float, np.ndarray]:
        """(cross-entropy, accuracy, p(true next char)) reading the first 20 000 characters as one sequence."""
        ids = self.ids[:20_001]
        logp = losses.log_softmax(trainer.predict(ids[None, :-1]).astype(np.float64))
        p_true = np.exp(logp[np.arange(len(ids) - 1), ids[1:]])
        return float(-np.mean(np.log(p_true))), float(np.mean(logp.argmax(axis=1) == ids[1:])), p_true

    def evaluate(self, trainer: Any, history: list[dict[str, float]], rng: np.random.Generator) -> tuple[dict[str, Any], str]:
        ce, acc, _ = self.scores(trainer)
        sample = self.sample(rng)
        metrics = {"loss": ce, "bits_per_char": ce / math.log(2), "accuracy": acc, "chars": int(len(self.ids)),
                   "vocab": len(self.vocab), "steps": self.total, "sample": sample.split("\n")}
        return metrics, f"Sample ({self.cfg['sample_len']} characters, temperature {self.cfg['temperature']:g}):\n\n{sample}"

    def sample(self, rng: np.random.Generator) -> str:
        """Characters drawn one at a time from softmax(logits/τ), starting from the text's first character."""
        token, state, out = int(self.ids[0]), None, [self.vocab[self.ids[0]]]
        for _ in range(self.cfg["sample_len"] - 1):
            logits, state = self.next_logits(np.array([token]), state)
            z = logits[0].astype(np.float64) / self.cfg["temperature"]
            p = np.exp(z - z.max())
            token = int(min(np.searchsorted(np.cumsum(p / p.sum()), rng.random()), len(p) - 1))
            out.append(self.vocab[token])
        return "".join(out)

    def plot(self, ax: Any, trainer: Any) -> None:
        _, _, p_true = self.scores(trainer)
        n = min(160, len(p_true))
        ax.bar(np.arange(n), p_true[:n], width=1.0)
        ax.set_xticks(np.arange(n)[::8], [repr(self.vocab[i])[1:-1] for i in self.ids[1:n + 1:8]], fontsize=7)
        ax.set_ylim(0, 1)
        ax.set_title("p(true next character) along the text")
