"""The bounds of every numeric ``train`` option, one table for the named options and ``--set``.

``chainrule train`` declares ``--epochs``, ``--steps``, ``--lr``, ``--batch-size`` and
``--hidden`` with typer's min/max; ``--set KEY=VALUE`` reaches the same keys (and the models'
other numeric keys) without typer. :func:`check` applies this table to whatever arrived, so
``--set lr=1e10`` is refused exactly as ``--lr 1e10`` is (tests/numeric/test_bounds.py asserts
that cli.py's min/max agree with :data:`NAMED`). A model may refuse less than these bounds
(its own shapes, ``numeric.budget``); never more. Imports nothing heavy: cli.py's tests read it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from derive.errors import UserError


@dataclass(frozen=True)
class Bound:
    """A whole number (``kind`` int) or a real number (float) in [low, high] ((low, high] when ``low_open``)."""

    kind: type
    low: float
    high: float
    low_open: bool = False

    def describe(self, value: float | None = None) -> str:
        """``a whole number from 1 to 1,000,000``; for ``value`` at an open lower end, ``a number above 0``."""
        what = "a whole number" if self.kind is int else "a number"
        if self.low_open and value == self.low:
            return f"{what} above {_show(self.low)}"
        return f"{what} from {_show(self.low)} to {_show(self.high)}"

    def holds(self, number: float) -> bool:
        """Whether ``number`` is within the bound."""
        return (self.low < number if self.low_open else self.low <= number) and number <= self.high


def _show(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() and abs(value) < 1e16 else f"{value:g}"


# the named options of `chainrule train` (cli.py's typer min/max say the same)
NAMED: dict[str, Bound] = {
    "epochs": Bound(int, 0, 1_000_000),       # 0: evaluate a --load model only (where the model allows it)
    "steps": Bound(int, 0, 10_000_000),
    "lr": Bound(float, 0.0, 100.0, low_open=True),   # η = 0 would train nothing
    "batch_size": Bound(int, 1, 100_000),
    "hidden": Bound(int, 1, 100_000),
}

# the keys only --set reaches (model: the models that have the key)
SET_ONLY: dict[str, Bound] = {
    "train_size": Bound(int, 1, 1_000_000),     # attention, rnn, lstm, gru
    "test_size": Bound(int, 1, 1_000_000),
    "seq_len": Bound(int, 1, 10_000),           # rnn, lstm, gru
    "embed": Bound(int, 1, 4096),
    "sample_len": Bound(int, 1, 10_000),
    "temperature": Bound(float, 0.0, 100.0),
    "clip": Bound(float, 0.0, 1e6),             # attention, rnn, lstm, gru
    "noise": Bound(float, 0.0, 100.0),          # rnn/lstm/gru: σ of the sine noise; gan: noise dimensions (a whole number)
    "vocab": Bound(int, 2, 100_000),            # attention
    "length": Bound(int, 2, 512),
    "heads": Bound(int, 1, 64),
    "channels": Bound(int, 1, 512),             # cnn
    "weight_decay": Bound(float, 0.0, 100.0),   # mlp, cnn
    "code": Bound(int, 1, 4096),                # autoencoder
    "latent": Bound(int, 1, 4096),              # vae
    "beta": Bound(float, 0.0, 1e6),
    "rows": Bound(int, 1, 10_000),              # som
    "cols": Bound(int, 1, 10_000),
    "sigma": Bound(float, 0.0, 1e6),            # som, rbf (0: the default width)
    "sigma_final": Bound(float, 0.0, 1e6),
    "lr_final": Bound(float, 0.0, 100.0),
}

# a key whose meaning differs in one model
PER_MODEL: dict[tuple[str, str], Bound] = {
    ("gan", "noise"): Bound(int, 0, 4096),      # dimensions of z (0: 2 for the ring, 16 for digits)
}


def bound(model: str, key: str) -> Bound | None:
    """The bound of ``key`` in ``model`` (None: not a numeric option)."""
    return PER_MODEL.get((model, key)) or NAMED.get(key) or SET_ONLY.get(key)


def argument(key: str) -> str:
    """How the user names ``key``: ``--lr`` for a named option (also when given as --set lr=…), else ``--set key``."""
    return f"--{key.replace('_', '-')}" if key in NAMED else f"--set {key}"


def check(model: str, supplied: dict[str, Any]) -> dict[str, Any]:
    """``supplied`` with every numeric option converted to its kind and checked against its bound.

    None means "not given" and is kept. Text (``--set`` values that did not parse as numbers)
    is converted; an integral float is accepted for a whole-number option (``1e3``). A value of
    the wrong kind or outside its bound is a UserError naming the option (exit 2, one line).
    """
    out = dict(supplied)
    for key, value in supplied.items():
        b = bound(model, key)
        if b is None or value is None:
            continue
        out[key] = _checked(b, value, argument(key))
    return out


def _checked(b: Bound, value: Any, arg: str) -> int | float:
    shown = str(value)[:30]
    number: Any = value
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise UserError(f"expected {b.describe()}, got '{shown}'", arg) from None
    if isinstance(number, bool) or not isinstance(number, (int, float)) or (isinstance(number, float) and not math.isfinite(number)):
        raise UserError(f"expected {b.describe()}, got '{shown}'", arg)
    if b.kind is int:
        if isinstance(number, float) and not number.is_integer():
            raise UserError(f"expected {b.describe()}, got '{shown}'", arg)
        number = int(number)
    else:
        number = float(number)
    if not b.holds(number):
        raise UserError(f"expected {b.describe(number)}, got {shown}", arg)
    return number
