"""Optimizers as small classes over a dict of NumPy parameters (SYLLABUS §3, §4).

Each optimizer updates ``params`` in place from ``grads`` (same keys). State lives in the
optimizer object. Equations (g = ∂J/∂w after penalties and clipping):

    SGD:            w ← w − η g
    momentum:       v ← βv − ηg,  w ← w + v                      (classical)
    momentum EMA:   v ← βv + (1 − β)g,  w ← w − ηv               (alt form)
    RMSProp:        s ← βs + (1 − β)g²,  w ← w − ηg/(√s + ε)     (eps_inside: /√(s + ε))
    Adam:           m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²,
                    m̂ = m/(1 − β₁ᵗ),  v̂ = v/(1 − β₂ᵗ),  w ← w − ηm̂/(√v̂ + ε)
                    (bias_correction=False uses m, v directly — the notes' mistake)
    L2 (coupled):   g ← g + λw   (penalty ½λ‖w‖²);  decoupled (AdamW): w ← w − ηλw
    L1:             g ← g + λ sign(w)
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Iterable

import numpy as np

Params = dict[str, np.ndarray]


def clip_by_norm(grads: Params, max_norm: float) -> float:
    """Scale all gradients by θ/‖g‖ when the global norm ‖g‖ exceeds θ; returns ‖g‖ before."""
    norm = float(np.sqrt(sum(float(np.sum(g * g)) for g in grads.values())))
    if norm > max_norm > 0:
        for g in grads.values():
            g *= max_norm / norm
    return norm


def clip_by_value(grads: Params, limit: float) -> None:
    """Clip every gradient element into [−limit, limit]."""
    for g in grads.values():
        np.clip(g, -limit, limit, out=g)


class Optimizer(ABC):
    """Base class: penalties, decay and clipping around a per-parameter ``_update``."""

    def __init__(self, lr: float, weight_decay: float = 0.0, decoupled: bool = False, l1: float = 0.0,
                 clip_norm: float | None = None, clip_value: float | None = None,
                 skip_decay: Iterable[str] = ()):
        self.lr, self.weight_decay, self.decoupled, self.l1 = lr, weight_decay, decoupled, l1
        self.clip_norm, self.clip_value, self.skip_decay = clip_norm, clip_value, set(skip_decay)
        self.t = 0
        self.state: dict[str, dict[str, np.ndarray]] = {}

    def step(self, params: Params, grads: Params) -> None:
        """Apply one update to every parameter that has a gradient."""
        self.t += 1
        grads = {k: g.copy() for k, g in grads.items()}
        if self.clip_value is not None:
            clip_by_value(grads, self.clip_value)
        if self.clip_norm is not None:
            clip_by_norm(grads, self.clip_norm)
        for name, g in grads.items():
            w = params[name]
            if name not in self.skip_decay:
                if self.weight_decay and not self.decoupled:
                    g += self.weight_decay * w
                if self.l1:
                    g += self.l1 * np.sign(w)
                if self.weight_decay and self.decoupled:
                    w -= self.lr * self.weight_decay * w
            self._update(name, w, g, self.state.setdefault(name, {}))

    @abstractmethod
    def _update(self, name: str, w: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray]) -> None:
        """Update ``w`` in place from the processed gradient ``g``."""


class SGD(Optimizer):
    """w ← w − η g (with ``momentum`` β: classical v ← βv − ηg, w ← w + v; ``ema=True``: v ← βv + (1 − β)g, w ← w − ηv)."""

    def __init__(self, lr: float, momentum: float = 0.0, ema: bool = False, **kw: float):
        super().__init__(lr, **kw)
        self.momentum, self.ema = momentum, ema

    def _update(self, name: str, w: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray]) -> None:
        if not self.momentum:
            w -= self.lr * g
            return
        v = state.setdefault("v", np.zeros_like(w))
        if self.ema:
            v *= self.momentum
            v += (1 - self.momentum) * g
            w -= self.lr * v
        else:
            v *= self.momentum
            v -= self.lr * g
            w += v


class RMSProp(Optimizer):
    """s ← βs + (1 − β)g², w ← w − ηg/(√s + ε)  (``eps_inside``: w ← w − ηg/√(s + ε))."""

    def __init__(self, lr: float, beta: float = 0.9, eps: float = 1e-8, eps_inside: bool = False, **kw: float):
        super().__init__(lr, **kw)
        self.beta, self.eps, self.eps_inside = beta, eps, eps_inside

    def _update(self, name: str, w: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray]) -> None:
        s = state.setdefault("s", np.zeros_like(w))
        s *= self.beta
        s += (1 - self.beta) * g * g
        w -= self.lr * g / (np.sqrt(s + self.eps) if self.eps_inside else np.sqrt(s) + self.eps)


class Adam(Optimizer):
    """Adam with bias correction m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ); ``bias_correction=False`` for the uncorrected form."""

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
                 bias_correction: bool = True, **kw: float):
        super().__init__(lr, **kw)
        self.beta1, self.beta2, self.eps, self.bias_correction = beta1, beta2, eps, bias_correction

    def _update(self, name: str, w: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray]) -> None:
        m = state.setdefault("m", np.zeros_like(w))
        v = state.setdefault("v", np.zeros_like(w))
        m *= self.beta1
        m += (1 - self.beta1) * g
        v *= self.beta2
        v += (1 - self.beta2) * g * g
        if self.bias_correction:
            m_hat, v_hat = m / (1 - self.beta1 ** self.t), v / (1 - self.beta2 ** self.t)
        else:
            m_hat, v_hat = m, v
        w -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


def step_decay(lr0: float, epoch: int, drop: float = 0.5, every: int = 10) -> float:
    """Step schedule: η_e = η₀ · drop^⌊e/every⌋."""
    return lr0 * drop ** (epoch // every)


def exponential_decay(lr0: float, epoch: int, gamma: float = 0.95) -> float:
    """Exponential schedule: η_e = η₀ · γᵉ."""
    return lr0 * gamma ** epoch
