"""Noisy sine sequences for next-step prediction (generated from a seed, nothing downloaded).

Equations::

    s_t = A sin(ω t + φ),   A ~ U(0.5, 1),  ω ~ U(ω_min, ω_max) rad/step,  φ ~ U(0, 2π)
    x_t = s_t + ε_t,        ε_t ~ N(0, σ²)                                 t = 0 … T
    inputs  x_0 … x_{T−1},  targets x_1 … x_T        (one sequence per row)
    persistence baseline: x̂_{t+1} = x_t,  MSE = mean (x_{t+1} − x_t)²

A perfect predictor of the clean signal still scores σ² (the noise is unpredictable), while
persistence pays the step change of the signal plus 2σ²: the gap is what the model must learn.
"""

from __future__ import annotations

import numpy as np


def sequences(rng: np.random.Generator, count: int, length: int, noise: float = 0.1,
              omega: tuple[float, float] = (0.15, 0.45), dtype: type = np.float32) -> tuple[np.ndarray, np.ndarray]:
    """(inputs, targets), each (count, length, 1): noisy sines and the same shifted one step ahead."""
    amp = rng.uniform(0.5, 1.0, (count, 1))
    w = rng.uniform(omega[0], omega[1], (count, 1))
    phase = rng.uniform(0.0, 2 * np.pi, (count, 1))
    t = np.arange(length + 1)[None, :]
    x = amp * np.sin(w * t + phase) + noise * rng.standard_normal((count, length + 1))
    x = x.astype(dtype)[:, :, None]                                      # (count, T + 1, 1)
    return x[:, :-1], x[:, 1:]


def persistence_mse(inputs: np.ndarray, targets: np.ndarray) -> float:
    """MSE of predicting x_{t+1} = x_t: mean (targets − inputs)² over every step of every sequence."""
    diff = targets.astype(np.float64) - inputs.astype(np.float64)
    return float(np.mean(diff * diff))
