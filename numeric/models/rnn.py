"""`chainrule train rnn`: Vanilla RNN h_t = tanh(x_t W_xh + h_{t−1} W_hh + b_h).

The tasks (noisy sines, or characters with --text), the torch backend and the report are
the same for rnn, lstm and gru: numeric/models/_recurrent_train.py.
"""

from __future__ import annotations

from typing import Any

from derive.steps import TrainReport
from numeric.models import _recurrent_train

NAME = "rnn"
SUMMARY = "vanilla RNN: next-step noisy-sine prediction vs persistence, or a character model (--text)"
OPTIONS: dict[str, Any] = _recurrent_train.OPTIONS
BENCH, QUALITY = _recurrent_train.BENCH, _recurrent_train.QUALITY


def train(config: dict[str, Any], progress: Any = None) -> TrainReport:
    """Train the rnn model; see the module docstring for the tasks and the report."""
    return _recurrent_train.train(NAME, OPTIONS, config, progress)
