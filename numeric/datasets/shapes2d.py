"""Small 2-D datasets: XOR, a regular grid, uniform points, two moons, two circles.

All are generated locally (no download); the random ones take a seed or a Generator.
Labels are integers 0/1.
"""

from __future__ import annotations

import numpy as np


def xor(dtype: type = np.float64) -> tuple[np.ndarray, np.ndarray]:
    """The four XOR points x ∈ {0, 1}² with y = x₁ ⊕ x₂: ((4, 2), (4,))."""
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=dtype)
    return x, np.array([0, 1, 1, 0])


def grid(side: int = 20, dtype: type = np.float32) -> np.ndarray:
    """A regular side × side lattice of points covering [0, 1]²: (side², 2)."""
    t = np.linspace(0.0, 1.0, side)
    gx, gy = np.meshgrid(t, t)
    return np.stack([gx.ravel(), gy.ravel()], axis=1).astype(dtype)


def uniform(rng: np.random.Generator, n: int = 500, dtype: type = np.float32) -> np.ndarray:
    """n points drawn uniformly from the unit square: (n, 2)."""
    return rng.random((n, 2)).astype(dtype)


def moons(seed: int, n: int = 400, noise: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's two interleaving half-circles with Gaussian noise (seeded): ((n, 2), (n,))."""
    from sklearn.datasets import make_moons
    return make_moons(n_samples=n, noise=noise, random_state=seed)


def circles(seed: int, n: int = 400, noise: float = 0.1, factor: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's two concentric circles with Gaussian noise (seeded): ((n, 2), (n,))."""
    from sklearn.datasets import make_circles
    return make_circles(n_samples=n, noise=noise, factor=factor, random_state=seed)
