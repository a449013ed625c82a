"""A small convolutional network classifies the 8×8 digits as 1×8×8 images (SYLLABUS §5).

Equations (x: (N, 1, 8, 8))::

    a = ReLU(conv3×3(x; W1) + b1)     W1: (C, 1, 3, 3), padding 1 → (N, C, 8, 8)
    p = maxpool2×2(a)                 → (N, C, 4, 4), flattened to (N, 16C)
    h = ReLU(p W2 + b2)               W2: (16C, H)
    z = h W3 + b3                     W3: (H, 10);  softmax cross-entropy, Adam

Parameters: conv (3·3·1 + 1)·C, dense (16C + 1)·H and (H + 1)·10. Defaults (C = 16, H = 64,
Adam η = 0.003, batch 32, 20 epochs) reach ≥ 97 % on the 360 held-out test digits.
"""

from __future__ import annotations

from typing import Any

from derive.steps import TrainReport
from numeric import network
from numeric.models._digit_classifiers import flops_per_epoch as _flops, settings, train_digits
from numeric.training import option

NAME = "cnn"
SUMMARY = "CNN conv3×3-ReLU-maxpool-dense on 1×8×8 digits: test accuracy (≥ 97 % on defaults)"
OPTIONS: dict[str, Any] = {"epochs": 20, "lr": 0.003, "batch_size": 32, "hidden": 64, "channels": 16,
                           "weight_decay": 0.0, "optimizer": "adam", "dtype": "float32"}
BENCH = {"epochs": 5}
QUALITY = "test_accuracy"


def layers(channels: int, hidden: int) -> list[network.Layer]:
    """conv 3×3 (pad 1) → ReLU → max-pool 2 → flatten → dense hidden → ReLU → dense 10."""
    return [network.conv2d("1", 1, channels, 3, pad=1), network.act("relu"), network.pool(2, "max"),
            network.flatten(), network.dense("2", channels * 16, hidden, "he_uniform"), network.act("relu"),
            network.dense("3", hidden, 10)]


def train(config: dict[str, Any], progress: Any = None) -> TrainReport:
    """Train the CNN on the digits and report test accuracy."""
    s = settings(config)
    c = option(config, "channels", int, low=1, high=512)
    describe = f"network conv3×3({c}, pad 1)-ReLU-maxpool2-dense({s['hidden']})-ReLU-dense(10), softmax cross-entropy"
    return train_digits(NAME, layers(c, s["hidden"]), s, config, progress, images=True, describe=describe)


def flops_per_epoch(config: dict[str, Any]) -> float:
    """Convolution and matrix-product FLOPs of one training epoch (for the benchmark's GFLOP/s)."""
    return _flops(layers(int(config["channels"]), int(config["hidden"])), True)
