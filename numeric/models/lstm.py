"""`chainrule train lstm`: LSTM (gates i, f, g = c̃, o; c_t = f⊙c_{t−1} + i⊙c̃, h_t = o⊙tanh(c_t)).

Default: next-step prediction on noisy sine sequences, reported against the persistence
baseline x̂_{t+1} = x_t. ``--text FILE`` (or ``--data text`` for the Zen of Python) trains a
character model and prints a seeded sample. ``--backend torch`` runs the same network with
torch.nn modules, starting from the same weights. Details: numeric/models/_recurrent_train.py.
"""

from __future__ import annotations

from typing import Any

from derive.steps import TrainReport
from numeric.models import _recurrent_train

NAME = "lstm"
SUMMARY = "LSTM: next-step noisy-sine prediction vs persistence, or a character model (--text)"
OPTIONS: dict[str, Any] = _recurrent_train.OPTIONS
BENCH: dict[str, Any] = {"epochs": 8}
QUALITY = "test_mse"


def train(config: dict[str, Any], progress: Any = None) -> TrainReport:
    """Train the lstm model; see the module docstring for the tasks and the report."""
    return _recurrent_train.train(NAME, OPTIONS, config, progress)
