"""A feed-forward network defined once as a list of layer specs, run by NumPy or by torch.

The same spec builds the parameters (one dict, names ``W1``, ``b1``, …), runs the NumPy layers
of ``numeric.layers`` forward and backward, and runs the same computation in torch (``x @ W + b``
with W: (n_in, n_out), conv kernels (F, C, k, k)), so parameters move between the two backends
unchanged and a test can compare them number for number.

    layers = [dense("1", 64, 128, "he_uniform"), act("relu"), dense("2", 128, 10)]
    params = init_params(layers, rng)
    out, caches = forward(layers, params, x, train=True)
    grads = backward(layers, caches, dout)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from numeric import init
from numeric.layers import activations, conv, dense as dense_layer, dropout as dropout_layer, flatten as flatten_layer, pooling


@dataclass(frozen=True)
class Layer:
    """One layer of a spec: ``kind`` (dense, act, conv, pool, flatten, dropout), parameter suffix, sizes, options."""

    kind: str
    name: str = ""
    shape: tuple[int, ...] = ()
    init: str = "glorot_uniform"
    fn: str = ""
    stride: int = 1
    pad: int = 0
    size: int = 2
    p: float = 0.0


def dense(name: str, n_in: int, n_out: int, scheme: str = "glorot_uniform") -> Layer:
    """x W{name} + b{name} with W: (n_in, n_out) drawn by ``scheme``, b = 0."""
    return Layer("dense", name, (n_in, n_out), scheme)


def act(fn: str) -> Layer:
    """An elementwise activation from ``numeric.layers.activations.ACTIVATIONS``."""
    if fn not in activations.ACTIVATIONS:
        raise ValueError(f"unknown activation '{fn}'")
    return Layer("act", fn=fn)


def conv2d(name: str, c_in: int, c_out: int, k: int, pad: int = 0, stride: int = 1, scheme: str = "he_uniform") -> Layer:
    """Convolution with kernel W{name}: (c_out, c_in, k, k) and bias b{name}: (c_out,)."""
    return Layer("conv", name, (c_out, c_in, k, k), scheme, stride=stride, pad=pad)


def pool(size: int = 2, mode: str = "max") -> Layer:
    """size×size pooling with stride = size (``mode``: max, min, avg)."""
    return Layer("pool", fn=mode, size=size)


def flatten() -> Layer:
    """(N, C, H, W) → (N, C·H·W)."""
    return Layer("flatten")


def dropout(p: float) -> Layer:
    """Inverted dropout with drop probability p (identity at inference)."""
    return Layer("dropout", p=p)


def init_params(layers: list[Layer], rng: np.random.Generator, dtype: type = np.float64) -> dict[str, np.ndarray]:
    """Weights drawn from ``rng`` in layer order (W by the layer's scheme), biases zero."""
    params: dict[str, np.ndarray] = {}
    for layer in layers:
        if layer.kind in ("dense", "conv"):
            params[f"W{layer.name}"] = init.initialise(rng, layer.shape, layer.init, dtype)
            n_out = layer.shape[1] if layer.kind == "dense" else layer.shape[0]
            params[f"b{layer.name}"] = np.zeros(n_out, dtype=dtype)
    return params


def shapes(layers: list[Layer]) -> dict[str, tuple[int, ...]]:
    """Parameter name → shape, as :func:`init_params` makes them (for checking loaded files)."""
    out: dict[str, tuple[int, ...]] = {}
    for layer in layers:
        if layer.kind in ("dense", "conv"):
            out[f"W{layer.name}"] = layer.shape
            out[f"b{layer.name}"] = (layer.shape[1] if layer.kind == "dense" else layer.shape[0],)
    return out


def flops(layers: list[Layer], input_shape: tuple[int, ...]) -> tuple[float, float]:
    """(forward FLOPs per example, the part of them in the first layer) of the dense/conv products.

    A product of (1, D) by (D, M) costs 2DM; a convolution 2·H_out·W_out·F·C·k² per example.
    Training costs about 3× the forward products (∂L/∂W and ∂L/∂x each cost one more), minus
    ∂L/∂x of the first layer, which is never computed.
    """
    total, first, shape = 0.0, 0.0, tuple(input_shape)
    for i, layer in enumerate(layers):
        cost = 0.0
        if layer.kind == "dense":
            cost, shape = 2.0 * layer.shape[0] * layer.shape[1], (layer.shape[1],)
        elif layer.kind == "conv":
            f, c, kh, kw = layer.shape
            ho, wo = ((shape[1] - kh + 2 * layer.pad) // layer.stride + 1, (shape[2] - kw + 2 * layer.pad) // layer.stride + 1)
            cost, shape = 2.0 * ho * wo * f * c * kh * kw, (f, ho, wo)
        elif layer.kind == "pool":
            shape = (shape[0], shape[1] // layer.size, shape[2] // layer.size)
        elif layer.kind == "flatten":
            shape = (int(np.prod(shape)),)
        total += cost
        if i == 0:
            first = cost
    return total, first


def forward(layers: list[Layer], params: dict[str, np.ndarray], x: np.ndarray, train: bool = False,
            rng: np.random.Generator | None = None) -> tuple[np.ndarray, list[Any]]:
    """Run the NumPy layers in order; returns the output and one cache per layer."""
    caches = []
    for i, layer in enumerate(layers):
        k = layer.kind
        if k == "dense":
            x, c = dense_layer.forward(params, x, f"W{layer.name}", f"b{layer.name}", need_dx=i > 0)
        elif k == "act":
            x, c = activations.forward(x, layer.fn)
        elif k == "conv":
            x, c = conv.forward(params, x, layer.stride, layer.pad, f"W{layer.name}", f"b{layer.name}", need_dx=i > 0)
        elif k == "pool":
            x, c = pooling.forward({}, x, layer.size, None, layer.fn)
        elif k == "flatten":
            x, c = flatten_layer.forward({}, x)
        elif k == "dropout":
            x, c = dropout_layer.forward({}, x, layer.p, rng, train)
        else:
            raise ValueError(f"unknown layer kind '{k}'")
        caches.append(c)
    return x, caches


def backward(layers: list[Layer], caches: list[Any], dout: np.ndarray) -> dict[str, np.ndarray]:
    """Back-propagate Ḡ = ∂L/∂out through the layers in reverse; returns ∂L/∂(every parameter)."""
    grads: dict[str, np.ndarray] = {}
    for layer, c in zip(reversed(layers), reversed(caches)):
        k = layer.kind
        if k == "act":
            dout = activations.backward(dout, c)
            continue
        module = {"dense": dense_layer, "conv": conv, "pool": pooling, "flatten": flatten_layer,
                  "dropout": dropout_layer}[k]
        dout, g = module.backward(dout, c)
        grads.update(g)
    return grads


def torch_forward(layers: list[Layer], params: dict[str, Any], x: Any, train: bool = False) -> Any:
    """The same network in torch (``params``: tensors with the NumPy names and layouts)."""
    import torch
    import torch.nn.functional as F
    for layer in layers:
        k = layer.kind
        if k == "dense":
            x = torch.addmm(params[f"b{layer.name}"], x, params[f"W{layer.name}"])
        elif k == "act":
            x = TORCH_ACTIVATIONS[layer.fn](x)
        elif k == "conv":
            x = F.conv2d(x, params[f"W{layer.name}"], params[f"b{layer.name}"], layer.stride, layer.pad)
        elif k == "pool":
            x = {"max": lambda t: F.max_pool2d(t, layer.size), "avg": lambda t: F.avg_pool2d(t, layer.size),
                 "min": lambda t: -F.max_pool2d(-t, layer.size)}[layer.fn](x)
        elif k == "flatten":
            x = torch.flatten(x, 1)
        elif k == "dropout":
            x = F.dropout(x, layer.p, train)
    return x


def _torch_activations() -> dict[str, Any]:
    import torch.nn.functional as F

    return {"identity": lambda t: t, "sigmoid": F.sigmoid, "tanh": F.tanh, "relu": F.relu,
            "leaky_relu": lambda t: F.leaky_relu(t, 0.01), "elu": F.elu, "relu6": F.relu6, "swish": F.silu,
            "hard_swish": F.hardswish, "softplus": F.softplus}


class _LazyTorchActivations(dict):  # filled on first use so that importing this module needs no torch
    def __missing__(self, key: str) -> Any:
        self.update(_torch_activations())
        return dict.__getitem__(self, key)


TORCH_ACTIVATIONS: dict[str, Any] = _LazyTorchActivations()
