"""Weight initialisation with an explicit ``numpy.random.Generator`` (SYLLABUS §1).

Equations::

    Glorot (Xavier):  Var(w) = 2 / (n_in + n_out)
        uniform  w ~ U(−a, a),  a = √(6 / (n_in + n_out))
        normal   w ~ N(0, 2 / (n_in + n_out))
    He (Kaiming):     Var(w) = 2 / n_in            (for ReLU layers)
        uniform  w ~ U(−a, a),  a = √(6 / n_in)
        normal   w ~ N(0, 2 / n_in)

A U(−a, a) variable has variance a²/3, which is how the uniform bounds follow from the
variances. For a convolution kernel (C_out, C_in, k_h, k_w): n_in = C_in·k_h·k_w and
n_out = C_out·k_h·k_w (PyTorch's fan convention).
"""

from __future__ import annotations

import math

import numpy as np

SCHEMES = ("glorot_uniform", "glorot_normal", "he_uniform", "he_normal")


def fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """(n_in, n_out) of a weight: (D, M) for dense ``x W``; (C_out, C_in, kh, kw) for a conv kernel."""
    if len(shape) == 2:
        return shape[0], shape[1]
    if len(shape) == 4:
        field = shape[2] * shape[3]
        return shape[1] * field, shape[0] * field
    raise ValueError(f"no fan convention for a weight of shape {shape}")


def variance(scheme: str, shape: tuple[int, ...]) -> float:
    """The target Var(w) of ``scheme`` for a weight of ``shape`` (Glorot 2/(n_in+n_out), He 2/n_in)."""
    n_in, n_out = fans(shape)
    return 2.0 / (n_in + n_out) if scheme.startswith("glorot") else 2.0 / n_in


def initialise(rng: np.random.Generator, shape: tuple[int, ...], scheme: str = "glorot_uniform",
               dtype: type = np.float64) -> np.ndarray:
    """Draw a weight of ``shape`` by ``scheme`` (one of ``SCHEMES``) from ``rng``."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown initialisation '{scheme}' (known: {', '.join(SCHEMES)})")
    var = variance(scheme, shape)
    if scheme.endswith("uniform"):
        bound = math.sqrt(3.0 * var)
        w = rng.uniform(-bound, bound, size=shape)
    else:
        w = rng.normal(0.0, math.sqrt(var), size=shape)
    return w.astype(dtype, copy=False)


def glorot_uniform(rng: np.random.Generator, shape: tuple[int, ...], dtype: type = np.float64) -> np.ndarray:
    """w ~ U(−a, a), a = √(6/(n_in + n_out))."""
    return initialise(rng, shape, "glorot_uniform", dtype)


def glorot_normal(rng: np.random.Generator, shape: tuple[int, ...], dtype: type = np.float64) -> np.ndarray:
    """w ~ N(0, 2/(n_in + n_out))."""
    return initialise(rng, shape, "glorot_normal", dtype)


def he_uniform(rng: np.random.Generator, shape: tuple[int, ...], dtype: type = np.float64) -> np.ndarray:
    """w ~ U(−a, a), a = √(6/n_in)."""
    return initialise(rng, shape, "he_uniform", dtype)


def he_normal(rng: np.random.Generator, shape: tuple[int, ...], dtype: type = np.float64) -> np.ndarray:
    """w ~ N(0, 2/n_in)."""
    return initialise(rng, shape, "he_normal", dtype)
