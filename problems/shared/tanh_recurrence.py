"""The plain tanh recurrence h_t = tanh(W_x x_t + W_h h_{t−1} + b), shared by birnn and esn."""

from __future__ import annotations

import numpy as np


def rnn_steps(Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray, xs: np.ndarray, h0: np.ndarray,
              squash: bool = True, carry: bool = True) -> list[np.ndarray]:
    """h_t = tanh(W_x x_t + W_h h_{t−1} + b) for the rows x_t of ``xs``, in the order given.

    ``squash=False`` leaves tanh out and ``carry=False`` uses h_0 at every step (two of the
    mistakes the recurrent types replay). Shapes: W_x (H×D), W_h (H×H), b (H), xs (T×D).
    """
    hs, h = [], h0
    for x in xs:
        a = Wx @ x + Wh @ (h if carry else h0) + b
        h = np.tanh(a) if squash else a
        hs.append(h)
    return hs
