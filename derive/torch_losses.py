"""The torch side of ``verify``: every topic's loss written independently in torch.

Each loss is a module-level function ``f(cfg, t)`` of a plain settings object ``cfg`` (a
``SimpleNamespace`` of numbers, strings and tuples) and a dict ``t`` of float64 tensors, bound by
:func:`bound` or :func:`of_config` into a ``functools.partial``. A partial of a module-level
function pickles by reference, so ``verify`` can hand the loss to its torch worker process
(``derive.torch_remote``), which imports torch while the parent works with SymPy and NumPy.

This module imports neither SymPy nor NumPy at load, and torch only inside the functions, so the
worker reaches it without paying for SymPy and ``verify --no-torch`` never loads torch.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from types import SimpleNamespace
from typing import Any, Callable

Tensors = dict[str, Any]


def bound(fn: Callable[..., Any], **settings: Any) -> partial[Any]:
    """``fn`` with its settings bound: a picklable loss ``t ↦ fn(settings, t)``."""
    return partial(fn, SimpleNamespace(**settings))


def of_config(fn: Callable[..., Any], cfg: Any) -> partial[Any]:
    """``fn`` bound to the fields of a topic's config dataclass (copied into plain settings, so
    unpickling the loss does not import the topic module, nor SymPy with it)."""
    return bound(fn, **dataclasses.asdict(cfg))


@contextmanager
def single_torch_thread() -> Iterator[None]:
    """torch's CPU kernels on one intra-op thread inside the block (restored after), when torch
    is already imported (this never imports it). verify's tensors are tiny: on a loaded machine a
    second thread stalled every F.batch_norm call (0.3 s each), so ``verify batchnorm --points
    100`` took 17 CPU seconds."""
    torch = sys.modules.get("torch")
    if torch is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def gradients(loss: Callable[[Tensors], Any], points: list[dict[str, Any]], names: list[str]) -> list[dict[str, Any]]:
    """torch autograd (float64) of ``loss`` at each point: for each point, the gradient of every
    leaf in ``names`` as a NumPy array (zeros when the loss does not depend on it)."""
    import numpy as np
    import torch
    out = []
    for point in points:
        tensors = {k: torch.tensor(v, dtype=torch.float64, requires_grad=k in names) for k, v in point.items()}
        loss(tensors).backward()
        out.append({n: tensors[n].grad.numpy() if tensors[n].grad is not None else np.zeros_like(point[n])
                    for n in names})
    return out


# --- recurrent topics (rnn, lstm, gru) -------------------------------------------------------------

def _blocks(t: Tensors, k: str, form: str, n_h: int) -> tuple[Any, Any]:
    """(W_k^h, W_k^x) from the tensors of either form: W_kh and W_kx (split), or the two column
    blocks of W_k = [W_k^h, W_k^x] (concat)."""
    if form == "split":
        return t[f"W_{k}h"], t[f"W_{k}x"]
    return t[f"W_{k}"][:, :n_h], t[f"W_{k}"][:, n_h:]


def _state_loss(t: Tensors, states: list[Any], T: int, loss: str) -> Any:
    """L = Σ_t ½‖h_t − y_t‖² over the states h_1 … h_T (``loss == "last"``: ½‖h_T − y_T‖² only)."""
    return sum(0.5 * ((h - t[f"y{k}"]) ** 2).sum() for k, h in enumerate(states, 1) if loss == "sum" or k == T)


def _rnn_output_loss(cfg: Any, t: Tensors, states: list[Any]) -> Any:
    total = 0
    for k, h in enumerate(states, start=1):
        if cfg.loss == "sum" or k == cfg.T:
            y = t["W_hy"] @ h + t["b_y"]
            total = total + 0.5 * ((y - t[f"target{k}"]) ** 2).sum()
    return total


def rnn(cfg: Any, t: Tensors) -> Any:
    """The RNN and its loss written directly in torch (columns, as in the derivation)."""
    import torch
    f = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu}[cfg.activation]
    h, states = t["h0"], []
    for k in range(1, cfg.T + 1):
        h = f(t["W_hh"] @ h + t["W_xh"] @ t[f"x{k}"] + t["b_h"])
        states.append(h)
    return _rnn_output_loss(cfg, t, states)


def rnn_nn(cfg: Any, t: Tensors) -> Any:
    """The same loss with the recurrence run by ``torch.nn.RNN`` given W_xh, W_hh, b_h (and b_hh = 0)."""
    import torch
    from torch.func import functional_call
    net = torch.nn.RNN(cfg.n_x, cfg.n_h, nonlinearity=cfg.activation).double()
    weights = {"weight_ih_l0": t["W_xh"], "weight_hh_l0": t["W_hh"], "bias_ih_l0": t["b_h"][:, 0],
               "bias_hh_l0": torch.zeros(cfg.n_h, dtype=torch.float64)}
    xs = torch.stack([t[f"x{k}"][:, 0] for k in range(1, cfg.T + 1)]).unsqueeze(1)  # (T, 1, n_x)
    out, _ = functional_call(net, weights, (xs, t["h0"].T.unsqueeze(0)))          # (T, 1, n_h)
    return _rnn_output_loss(cfg, t, [out[k, 0].unsqueeze(1) for k in range(cfg.T)])


LSTM_TORCH_ORDER = ("i", "f", "c", "o")  # torch.nn.LSTMCell stacks the gates as i, f, g, o


def lstm(cfg: Any, t: Tensors) -> Any:
    """The LSTM written directly in torch from the course's equations (columns)."""
    import torch
    h, c, states = t["h0"], t["c0"], []
    for k in range(1, cfg.T + 1):
        pre = {g: _blocks(t, g, cfg.form, cfg.n_h)[0] @ h + _blocks(t, g, cfg.form, cfg.n_h)[1] @ t[f"x{k}"] + t[f"b_{g}"]
               for g in "fico"}
        f, i, o = torch.sigmoid(pre["f"]), torch.sigmoid(pre["i"]), torch.sigmoid(pre["o"])
        c = f * c + i * torch.tanh(pre["c"])
        h = o * torch.tanh(c)
        states.append(h)
    return _state_loss(t, states, cfg.T, cfg.loss)


def lstm_nn(cfg: Any, t: Tensors) -> Any:
    """The same loss with each step run by ``torch.nn.LSTMCell`` (weights stacked as i, f, g, o)."""
    import torch
    from torch.func import functional_call
    cell = torch.nn.LSTMCell(cfg.n_x, cfg.n_h).double()
    weights = {"weight_ih": torch.cat([_blocks(t, k, cfg.form, cfg.n_h)[1] for k in LSTM_TORCH_ORDER]),
               "weight_hh": torch.cat([_blocks(t, k, cfg.form, cfg.n_h)[0] for k in LSTM_TORCH_ORDER]),
               "bias_ih": torch.cat([t[f"b_{k}"][:, 0] for k in LSTM_TORCH_ORDER]),
               "bias_hh": torch.zeros(4 * cfg.n_h, dtype=torch.float64)}
    h, c, states = t["h0"].T, t["c0"].T, []  # rows (1, n_h), as torch.nn expects
    for k in range(1, cfg.T + 1):
        h, c = functional_call(cell, weights, (t[f"x{k}"].T, (h, c)))
        states.append(h.T)
    return _state_loss(t, states, cfg.T, cfg.loss)


def gru(cfg: Any, t: Tensors) -> Any:
    """The GRU written directly in torch from the equations of its convention (columns)."""
    import torch
    h, states = t["h0"], []
    for k in range(1, cfg.T + 1):
        x = t[f"x{k}"]
        if cfg.convention == "pytorch":
            r = torch.sigmoid(t["W_ir"] @ x + t["b_ir"] + t["W_hr"] @ h + t["b_hr"])
            z = torch.sigmoid(t["W_iz"] @ x + t["b_iz"] + t["W_hz"] @ h + t["b_hz"])
            cand = torch.tanh(t["W_in"] @ x + t["b_in"] + r * (t["W_hn"] @ h + t["b_hn"]))
        else:
            (Wzh, Wzx), (Wrh, Wrx), (Whh, Whx) = (_blocks(t, g, cfg.form, cfg.n_h) for g in "zrh")
            z = torch.sigmoid(Wzh @ h + Wzx @ x + t["b_z"])
            r = torch.sigmoid(Wrh @ h + Wrx @ x + t["b_r"])
            cand = torch.tanh(Whh @ (r * h) + Whx @ x + t["b_h"])
        h = (1 - z) * h + z * cand if cfg.convention == "course" else z * h + (1 - z) * cand
        states.append(h)
    return _state_loss(t, states, cfg.T, cfg.loss)


def gru_nn(cfg: Any, t: Tensors) -> Any:
    """The same loss with each step run by ``torch.nn.GRUCell`` (weights stacked as r, z, n)."""
    import torch
    from torch.func import functional_call
    cell = torch.nn.GRUCell(cfg.n_x, cfg.n_h).double()
    weights = {"weight_ih": torch.cat([t[f"W_i{k}"] for k in "rzn"]),
               "weight_hh": torch.cat([t[f"W_h{k}"] for k in "rzn"]),
               "bias_ih": torch.cat([t[f"b_i{k}"][:, 0] for k in "rzn"]),
               "bias_hh": torch.cat([t[f"b_h{k}"][:, 0] for k in "rzn"])}
    h, states = t["h0"].T, []
    for k in range(1, cfg.T + 1):
        h = functional_call(cell, weights, (t[f"x{k}"].T, h))
        states.append(h.T)
    return _state_loss(t, states, cfg.T, cfg.loss)


# --- layer topics (mlp, attention, conv, batchnorm) ------------------------------------------------

def _act(name: str, z: Any) -> Any:
    import torch
    return {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[name](z)


def mlp(cfg: Any, t: Tensors) -> Any:
    """The fully connected net and its loss written directly in torch."""
    import torch
    if cfg.matrix:
        a, L = t["x"], len(cfg.sizes) - 1
        for l in range(1, L + 1):
            z = t[f"W{l}"] @ a + t[f"b{l}"]
            a = _act("sigmoid" if (l == L and cfg.loss == "cross-entropy") else cfg.activation, z)
        y = t["y"]
    else:
        I, H, K = cfg.sizes
        x = torch.stack([t[f"i{i}"] for i in range(1, I + 1)])
        W1 = torch.stack([torch.stack([t[f"w{(j - 1) * I + i}"] for i in range(1, I + 1)])
                          for j in range(1, H + 1)])  # (H, I): row j holds the weights into h_j
        W2 = torch.stack([torch.stack([t[f"w{I * H + (k - 1) * H + j}"] for j in range(1, H + 1)])
                          for k in range(1, K + 1)])  # (K, H)
        h = _act(cfg.activation, W1 @ x + t["b1"])
        a = _act("sigmoid" if cfg.loss == "cross-entropy" else cfg.activation, W2 @ h + t["b2"])
        y = torch.stack([t[f"t{k}"] for k in range(1, K + 1)])
    if cfg.loss == "mse":
        return 0.5 * ((y - a) ** 2).sum()
    return -(y * torch.log(a) + (1 - y) * torch.log(1 - a)).sum()


def attention(cfg: Any, t: Tensors) -> Any:
    """Attention and its loss with torch's own attention (F.scaled_dot_product_attention, or
    F.multi_head_attention_forward with heads)."""
    import torch
    import torch.nn.functional as F
    if cfg.heads is None:
        O = F.scaled_dot_product_attention(t["Q"], t["K"], t["V"], is_causal=cfg.causal)
    else:
        h = cfg.heads
        w_in = torch.cat([torch.cat([t[f"W_{i}^{c}"] for i in range(1, h + 1)], dim=1).T for c in "QKV"])
        mask = torch.triu(torch.ones(cfg.n, cfg.m, dtype=torch.bool), 1) if cfg.causal else None
        O, _ = F.multi_head_attention_forward(t["Q"], t["K"], t["V"], cfg.d_model, h, w_in, None, None, None,
                                              False, 0.0, t["W^O"].T, None, training=False, need_weights=False,
                                              attn_mask=mask)
    if cfg.loss == "mse":
        return 0.5 * ((O - t["T"]) ** 2).sum()
    return (t["G"] * O).sum()


def conv(cfg: Any, t: Tensors) -> Any:
    """The convolution layer and its loss with torch's F.conv1d / F.conv2d."""
    import torch.nn.functional as F
    X, K = ("X", "K") if cfg.dims == 2 else ("x", "k")
    if cfg.dims == 2:
        out = F.conv2d(t[X][None, None], t[K][None, None], t["b"].reshape(1), stride=cfg.stride,
                       padding=cfg.padding)[0, 0]
    else:
        out = F.conv1d(t[X][None], t[K][None], t["b"].reshape(1), stride=cfg.stride, padding=cfg.padding)[0][None]
    if cfg.loss == "mse":
        return 0.5 * ((out - t["T"]) ** 2).sum()
    return (t["G"] * out).sum()


def batchnorm(cfg: Any, t: Tensors) -> Any:
    """Batch normalisation and its loss with torch's F.batch_norm (training mode)."""
    import torch.nn.functional as F
    y = F.batch_norm(t["x"], None, None, t["gamma"].reshape(-1), t["beta"].reshape(-1), training=True,
                     eps=float(t["epsilon"].reshape(-1)[0]))
    if cfg.loss == "mse":
        return 0.5 * ((y - t["T"]) ** 2).sum()
    return (t["G"] * y).sum()


# --- analytic topics (activations, losses, vae, gan) -----------------------------------------------

def activation_sum(cfg: Any, t: Tensors) -> Any:
    """Σ f(x) for the activation ``cfg.name``, with torch's own function."""
    import torch
    import torch.nn.functional as F
    functions = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
                 "leaky-relu": lambda v: F.leaky_relu(v, 0.01), "prelu": lambda v: F.prelu(v, t["alpha"]),
                 "elu": lambda v: F.elu(v, float(t["alpha"][0])), "relu6": F.relu6, "swish": F.silu,
                 "hard-swish": F.hardswish, "softplus": F.softplus}
    return functions[cfg.name](t["x"]).sum()


def softmax_projection(cfg: Any, t: Tensors) -> Any:
    """gᵀ softmax(z)."""
    import torch
    return (torch.softmax(t["z"], 0) * t["g"]).sum()


def mse_half(cfg: Any, t: Tensors) -> Any:
    """½Σ(t − o)²."""
    return 0.5 * ((t["t"] - t["o"]) ** 2).sum()


def mse_mean(cfg: Any, t: Tensors) -> Any:
    """(1/n)Σ(t − o)² with F.mse_loss."""
    import torch.nn.functional as F
    return F.mse_loss(t["o"], t["t"])


def bce_probabilities(cfg: Any, t: Tensors) -> Any:
    """BCE on probabilities ŷ (F.binary_cross_entropy, summed)."""
    import torch.nn.functional as F
    return F.binary_cross_entropy(t["yhat"], t["y"], reduction="sum")


def bce_logits(cfg: Any, t: Tensors) -> Any:
    """BCE on logits z (F.binary_cross_entropy_with_logits, summed)."""
    import torch.nn.functional as F
    return F.binary_cross_entropy_with_logits(t["z"], t["y"], reduction="sum")


def softmax_cross_entropy(cfg: Any, t: Tensors) -> Any:
    """Softmax cross-entropy with soft targets (F.cross_entropy)."""
    import torch.nn.functional as F
    return F.cross_entropy(t["z"][None, :], t["y"][None, :])


PENALTIES: dict[str, Callable[[Any, float], Any]] = {
    "l1": lambda w, lam: lam * abs(w).sum(),
    "l2half": lambda w, lam: 0.5 * lam * (w * w).sum(),
    "l2": lambda w, lam: lam * (w * w).sum(),
}


def penalised_least_squares(cfg: Any, t: Tensors) -> Any:
    """½‖Aw − b‖² + penalty(w, λ), the penalty named by ``cfg.penalty`` (:data:`PENALTIES`)."""
    r = t["A"] @ t["w"] - t["b"]
    return 0.5 * (r * r).sum() + PENALTIES[cfg.penalty](t["w"], float(t["lam"][0]))


def vae_kl(cfg: Any, t: Tensors) -> Any:
    """KL(N(μ, σ²) ‖ N(0, 1)) summed, with torch.distributions.kl_divergence."""
    import torch
    from torch.distributions import Normal, kl_divergence
    q = Normal(t["mu"], torch.exp(0.5 * t["logvar"]))
    return kl_divergence(q, Normal(torch.zeros_like(t["mu"]), torch.ones_like(t["mu"]))).sum()


def vae_sample(cfg: Any, t: Tensors) -> Any:
    """cᵀ(μ + σε), the reparameterised sample projected on c."""
    import torch
    return (t["c"] * (t["mu"] + torch.exp(0.5 * t["logvar"]) * t["eps"])).sum()


def gan_discriminator(cfg: Any, t: Tensors) -> Any:
    """L_D with BCE-with-logits: real scores against 1, fake against 0."""
    import torch
    import torch.nn.functional as F
    return (F.binary_cross_entropy_with_logits(t["s_real"], torch.ones(5, dtype=torch.float64), reduction="sum")
            + F.binary_cross_entropy_with_logits(t["s_fake"], torch.zeros(5, dtype=torch.float64), reduction="sum"))


def gan_saturating(cfg: Any, t: Tensors) -> Any:
    """The saturating (minimax) generator loss."""
    import torch
    import torch.nn.functional as F
    return -F.binary_cross_entropy_with_logits(t["s_fake"], torch.zeros(5, dtype=torch.float64), reduction="sum")


def gan_non_saturating(cfg: Any, t: Tensors) -> Any:
    """The non-saturating generator loss."""
    import torch
    import torch.nn.functional as F
    return F.binary_cross_entropy_with_logits(t["s_fake"], torch.ones(5, dtype=torch.float64), reduction="sum")
