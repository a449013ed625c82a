"""A ring of Gaussians in 2-D: the standard toy target for mode collapse in GANs.

Equations::

    centre k:  c_k = R (cos 2πk/K, sin 2πk/K),  k = 0 … K−1
    sample:    x = c_k + σ ε,  k ~ Uniform{0 … K−1},  ε ~ N(0, I₂)

Mode coverage (the criterion ``chainrule train gan`` reports): a generated sample belongs to
mode k when ‖x − c_k‖ ≤ 3σ; mode k is *covered* when at least ``min_share`` of its fair share
(N/K samples) belongs to it, i.e. when ≥ min_share·N/K of the N samples lie within 3σ of c_k.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

MODES, RADIUS, STD = 8, 2.0, 0.05
MIN_SHARE = 0.2


def centres(modes: int = MODES, radius: float = RADIUS) -> np.ndarray:
    """The K mode centres on a circle of radius R: (K, 2)."""
    angle = 2 * np.pi * np.arange(modes) / modes
    return radius * np.stack([np.cos(angle), np.sin(angle)], axis=1)


@lru_cache(maxsize=8)
def _fixed_centres(modes: int, radius: float) -> np.ndarray:
    """centres(modes, radius), computed once and read-only (sample() is called every training step)."""
    c = centres(modes, radius)
    c.flags.writeable = False
    return c


def sample(rng: np.random.Generator, n: int, modes: int = MODES, radius: float = RADIUS,
           std: float = STD, dtype: type = np.float32) -> np.ndarray:
    """n points x = c_k + σε with a uniformly drawn mode k: (n, 2)."""
    k = rng.integers(0, modes, size=n)
    x = _fixed_centres(modes, radius)[k]
    x += std * rng.standard_normal((n, 2))
    return x.astype(dtype, copy=False)


def coverage(x: np.ndarray, modes: int = MODES, radius: float = RADIUS, std: float = STD,
             min_share: float = MIN_SHARE) -> tuple[int, np.ndarray, float]:
    """(modes covered, samples per mode within 3σ: (K,), fraction of samples within 3σ of any centre).

    x: (N, 2) generated samples. Mode k is covered when count_k ≥ min_share · N / K.
    """
    d = np.linalg.norm(np.asarray(x, dtype=np.float64)[:, None, :] - centres(modes, radius)[None], axis=2)  # (N, K)
    near = d <= 3 * std
    counts = near.sum(axis=0)
    covered = int(np.sum(counts >= min_share * len(x) / modes))
    return covered, counts, float(near.any(axis=1).mean())
