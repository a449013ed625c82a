"""`chainrule train gru`: GRU (--set convention=course|pytorch, --set reset=before|after).

The tasks (noisy sines, or characters with --text), the torch backend and the report are
the same for rnn, lstm and gru: numeric/models/_recurrent_train.py.
"""

from __future__ import annotations

from typing import Any

from derive.steps import TrainReport
from numeric.models import _recurrent_train

NAME = "gru"
SUMMARY = "GRU (both conventions): next-step noisy-sine prediction vs persistence, or a character model (--text)"
OPTIONS: dict[str, Any] = _recurrent_train.OPTIONS | _recurrent_train.GRU_OPTIONS
BENCH, QUALITY = _recurrent_train.BENCH, _recurrent_train.QUALITY


def train(config: dict[str, Any], progress: Any = None) -> TrainReport:
    """Train the gru model; see the module docstring for the tasks and the report."""
    return _recurrent_train.train(NAME, OPTIONS, config, progress)
