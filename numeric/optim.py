"""Optimizers as small classes over a dict of NumPy parameters (SYLLABUS §3, §4).

Each optimizer updates ``params`` in place from ``grads`` (same keys; the caller's gradient
arrays are never modified). State lives in the optimizer object. Equations (g = ∂J/∂w after
clipping and penalties; η may be changed between steps, e.g. by a schedule):

    SGD:            w ← w − η g
    momentum:       v ← βv − ηg,  w ← w + v                      (classical)
    momentum EMA:   v ← βv + (1 − β)g,  w ← w − ηv               (alt form)
    RMSProp:        s ← βs + (1 − β)g²,  w ← w − ηg/(√s + ε)     (eps_inside: /√(s + ε))
    Adam:           m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²,
                    m̂ = m/(1 − β₁ᵗ),  v̂ = v/(1 − β₂ᵗ),  w ← w − ηm̂/(√v̂ + ε)
                    (bias_correction=False uses m, v directly — a common mistake)
    L2 (coupled):   g ← g + λw   (penalty ½λ‖w‖²);  decoupled (AdamW): w ← w − ηλw
    L1:             g ← g + λ sign(w)
    clipping:       by value g ← clip(g, −c, c), then by norm g ← θg/‖g‖ if ‖g‖ > θ (‖·‖ over all parameters)

Relation to PyTorch (tested against ``torch.optim``): torch's momentum buffer b ← βb + g,
w ← w − ηb is the classical form with v = −ηb; the EMA form equals torch's SGD with learning
rate η(1 − β); RMSProp and Adam match ``torch.optim.RMSprop`` / ``Adam`` (ε outside the root),
decoupled decay matches ``AdamW``.

Implementation: all gradients are concatenated into one flat vector, so an update costs a
fixed handful of vector operations however many parameter arrays there are (as torch's
"foreach" optimizers do); ``state`` shows the buffers per parameter as views.
"""

from __future__ import annotations

import math
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
    """Base class: clipping, penalties and decay around a flat ``_delta`` (the change Δw of one step)."""

    buffers: tuple[str, ...] = ()

    def __init__(self, lr: float, weight_decay: float = 0.0, decoupled: bool = False, l1: float = 0.0,
                 clip_norm: float | None = None, clip_value: float | None = None,
                 skip_decay: Iterable[str] = ()):
        self.lr, self.weight_decay, self.decoupled, self.l1 = lr, weight_decay, decoupled, l1
        self.clip_norm, self.clip_value, self.skip_decay = clip_norm, clip_value, set(skip_decay)
        self.t = 0
        self.last_norm: float | None = None
        self._layout: tuple[tuple[str, tuple[int, ...]], ...] = ()
        self._slices: dict[str, slice] = {}
        self._flat: dict[str, np.ndarray] = {}
        self._g = self._out = np.zeros(0)
        self._gviews: list[tuple[str, np.ndarray]] = []
        self._outviews: list[tuple[str, np.ndarray]] = []

    @property
    def state(self) -> dict[str, dict[str, np.ndarray]]:
        """Per-parameter views of the optimizer's buffers (``{"W1": {"m": …, "v": …}}``)."""
        return {n: {k: buf[self._slices[n]].reshape(shape) for k, buf in self._flat.items()} for n, shape in self._layout}

    def step(self, params: Params, grads: Params) -> None:
        """Apply one update to every parameter that has a gradient."""
        self.t += 1
        if not grads:
            return
        self._bind(grads)
        g = self._g
        for n, view in self._gviews:
            np.copyto(view, grads[n])
        if self.clip_value is not None:
            np.clip(g, -self.clip_value, self.clip_value, out=g)
        if self.clip_norm is not None:
            self.last_norm = float(np.sqrt(np.dot(g, g)))
            if self.last_norm > self.clip_norm > 0:
                g *= self.clip_norm / self.last_norm
        if (self.weight_decay and not self.decoupled) or self.l1:
            self._penalise(g, params)
        self._delta(g, self._out)
        decay = self.decoupled and self.weight_decay
        shrink = 1.0 - self.lr * self.weight_decay
        for n, view in self._outviews:
            w = params[n]
            if decay and n not in self.skip_decay:
                w *= shrink
            w += view

    def _penalise(self, g: np.ndarray, params: Params) -> None:
        """g += λ₂w (coupled L2) + λ₁ sign(w) for every parameter not in ``skip_decay``."""
        for n, view in self._gviews:
            if n in self.skip_decay:
                continue
            w = params[n]
            if self.weight_decay and not self.decoupled:
                view += self.weight_decay * w
            if self.l1:
                view += self.l1 * np.sign(w)

    def _bind(self, grads: Params) -> None:
        """Lay the gradients out in one flat vector; keep existing state by name when the set changes."""
        if len(grads) == len(self._layout) and all(
                n == name and g.shape == shape and g.dtype == self._g.dtype
                for (n, g), (name, shape) in zip(grads.items(), self._layout)):
            return
        old = self.state if self._layout else {}
        dtype = np.result_type(*grads.values())
        slices, start = {}, 0
        for n, g in grads.items():
            slices[n], start = slice(start, start + g.size), start + g.size
        self._layout, self._slices = tuple((n, g.shape) for n, g in grads.items()), slices
        self._flat = {k: np.zeros(start, dtype=dtype) for k in self.buffers}
        for n, shape in self._layout:
            for k, buf in old.get(n, {}).items():
                if buf.shape == shape and k in self._flat:
                    self._flat[k][slices[n]] = buf.ravel()
        self._g, self._out = np.zeros(start, dtype=dtype), np.zeros(start, dtype=dtype)
        self._gviews = [(n, self._g[slices[n]].reshape(shape)) for n, shape in self._layout]
        self._outviews = [(n, self._out[slices[n]].reshape(shape)) for n, shape in self._layout]

    @abstractmethod
    def _delta(self, g: np.ndarray, out: np.ndarray) -> None:
        """Write Δw for the flat processed gradient ``g`` into ``out`` (``g`` may be overwritten)."""


class SGD(Optimizer):
    """w ← w − η g (with ``momentum`` β: classical v ← βv − ηg, w ← w + v; ``ema=True``: v ← βv + (1 − β)g, w ← w − ηv)."""

    buffers = ("v",)

    def __init__(self, lr: float, momentum: float = 0.0, ema: bool = False, **kw: float):
        super().__init__(lr, **kw)
        self.momentum, self.ema = momentum, ema

    def _delta(self, g: np.ndarray, out: np.ndarray) -> None:
        if not self.momentum:
            np.multiply(g, -self.lr, out=out)
            return
        v = self._flat["v"]
        v *= self.momentum
        if self.ema:
            g *= 1 - self.momentum
            v += g
            np.multiply(v, -self.lr, out=out)
            return
        g *= self.lr
        v -= g
        np.copyto(out, v)


class RMSProp(Optimizer):
    """s ← βs + (1 − β)g², w ← w − ηg/(√s + ε)  (``eps_inside``: w ← w − ηg/√(s + ε))."""

    buffers = ("s",)

    def __init__(self, lr: float, beta: float = 0.9, eps: float = 1e-8, eps_inside: bool = False, **kw: float):
        super().__init__(lr, **kw)
        self.beta, self.eps, self.eps_inside = beta, eps, eps_inside

    def _delta(self, g: np.ndarray, out: np.ndarray) -> None:
        s = self._flat["s"]
        s *= self.beta
        np.multiply(g, g, out=out)
        out *= 1 - self.beta
        s += out
        if self.eps_inside:
            np.add(s, self.eps, out=out)
            np.sqrt(out, out=out)
        else:
            np.sqrt(s, out=out)
            out += self.eps
        np.divide(g, out, out=out)
        out *= -self.lr


class Adam(Optimizer):
    """Adam with bias correction m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ); ``bias_correction=False`` for the uncorrected form.

    Computed as PyTorch does: w ← w − (η/(1 − β₁ᵗ)) · m / (√v/√(1 − β₂ᵗ) + ε), the same number.
    """

    buffers = ("m", "v")

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
                 bias_correction: bool = True, **kw: float):
        super().__init__(lr, **kw)
        self.beta1, self.beta2, self.eps, self.bias_correction = beta1, beta2, eps, bias_correction

    def _delta(self, g: np.ndarray, out: np.ndarray) -> None:
        m, v = self._flat["m"], self._flat["v"]
        m *= self.beta1
        v *= self.beta2
        np.multiply(g, g, out=out)
        out *= 1 - self.beta2
        v += out
        g *= 1 - self.beta1
        m += g
        bc1, bc2 = (1 - self.beta1 ** self.t, 1 - self.beta2 ** self.t) if self.bias_correction else (1.0, 1.0)
        np.sqrt(v, out=out)
        out *= 1.0 / math.sqrt(bc2)
        out += self.eps
        np.divide(m, out, out=out)
        out *= -self.lr / bc1


def step_decay(lr0: float, epoch: int, drop: float = 0.5, every: int = 10) -> float:
    """Step schedule: η_e = η₀ · drop^⌊e/every⌋."""
    return lr0 * drop ** (epoch // every)


def exponential_decay(lr0: float, epoch: int, gamma: float = 0.95) -> float:
    """Exponential schedule: η_e = η₀ · γᵉ."""
    return lr0 * gamma ** epoch
