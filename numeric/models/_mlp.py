"""Fully connected stacks for the generative models, in NumPy (explicit backward) and torch.

A stack is a tuple of layers ``(name, d_in, d_out, act)`` with parameters ``W_name: (d_in, d_out)``
and ``b_name: (d_out,)``; ``act`` is an activation of ``numeric.layers.activations`` or None::

    h₀ = x,   hₗ = act(hₗ₋₁ Wₗ + bₗ)

NumPy parameters live as views into one flat float32 buffer (:class:`Flat`), so one Adam update
over one array serves the whole network and the backward pass writes straight into the gradient
buffer (no per-parameter temporaries, no copies).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from numeric.layers import activations, dense

Layer = tuple[str, int, int, "str | None"]


def init(rng: np.random.Generator, layers: tuple[Layer, ...], dtype: type = np.float32) -> dict[str, np.ndarray]:
    """He-normal weights (√(2/d_in)) before ReLU, Glorot-normal (√(2/(d_in + d_out))) otherwise; zero biases."""
    params = {}
    for name, d_in, d_out, act in layers:
        scale = np.sqrt(2.0 / d_in) if act == "relu" else np.sqrt(2.0 / (d_in + d_out))
        params[f"W_{name}"] = (scale * rng.standard_normal((d_in, d_out))).astype(dtype)
        params[f"b_{name}"] = np.zeros(d_out, dtype=dtype)
    return params


class Flat:
    """Parameters and gradients as named views into two contiguous buffers ``theta`` and ``grad``."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        dtype = next(iter(arrays.values())).dtype
        total = sum(a.size for a in arrays.values())
        self.theta, self.grad = np.empty(total, dtype=dtype), np.zeros(total, dtype=dtype)
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        offset = 0
        for key, a in arrays.items():
            self.params[key] = self.theta[offset:offset + a.size].reshape(a.shape)
            self.grads[key] = self.grad[offset:offset + a.size].reshape(a.shape)
            self.params[key][...] = a
            offset += a.size

    def step(self, optimizer: Any) -> None:
        """One optimizer update of the whole buffer from the whole gradient buffer."""
        optimizer.step({"theta": self.theta}, {"theta": self.grad})


def forward(params: dict[str, np.ndarray], x: np.ndarray, layers: tuple[Layer, ...]) -> tuple[np.ndarray, list[Any]]:
    """Run the stack: hₗ = act(hₗ₋₁ Wₗ + bₗ); returns (h_L, caches).

    ReLU is applied in place and its cache is the output itself (ReLU'(a) = [h > 0]): no copy of
    the pre-activation, no float mask.
    """
    caches, h = [], x
    for name, _, _, act in layers:
        h, dc = dense.forward(params, h, w=f"W_{name}", b=f"b_{name}")
        ac: Any = None
        if act == "relu":
            np.maximum(h, 0.0, out=h)
            ac = RELU, h
        elif act is not None:
            h, ac = activations.forward(h, act)
        caches.append((dc, ac))
    return h, caches


RELU = "relu (output cached)"


def backward(dout: np.ndarray, caches: list[Any], grads: dict[str, np.ndarray] | None,
             need_dx: bool = True) -> np.ndarray | None:
    """Backpropagate ``dout`` through the stack; returns ∂L/∂x (None when ``need_dx`` is False).

    With ``grads`` (a dict of arrays keyed like the parameters) each ∂L/∂W = hᵀḠ and ∂L/∂b = Σₙ Ḡₙ
    is *written* into it in place (no temporaries); with None only ∂L/∂x is computed (e.g.
    through D for the generator step). ``dout`` itself is never modified.
    """
    d, owned = dout, False
    for i, (dc, ac) in enumerate(reversed(caches)):
        if ac is not None and ac[0] is RELU:
            if owned:
                np.multiply(d, ac[1] > 0, out=d)                          # Ḡ ⊙ [h > 0], in place
            else:
                d = np.multiply(d, ac[1] > 0, dtype=d.dtype)
        elif ac is not None:
            d = activations.backward(d, ac)
        x, W, w, b = dc
        if grads is not None:
            np.matmul(x.T, d, out=grads[w])
            d.sum(axis=0, out=grads[b])
        if i < len(caches) - 1 or need_dx:
            d, owned = d @ W.T, True
    return d if need_dx else None


def torch_params(torch: Any, arrays: dict[str, np.ndarray], device: Any) -> dict[str, Any]:
    """Leaf tensors (requires_grad) on ``device`` holding copies of ``arrays``."""
    return {k: torch.tensor(v, device=device, requires_grad=True) for k, v in arrays.items()}


def torch_forward(torch: Any, params: dict[str, Any], x: Any, layers: tuple[Layer, ...]) -> Any:
    """The same stack on torch tensors: h = act(addmm(b, h, W))."""
    h = x
    for name, _, _, act in layers:
        h = torch.addmm(params[f"b_{name}"], h, params[f"W_{name}"])
        if act is not None:
            h = getattr(torch, act)(h)
    return h
