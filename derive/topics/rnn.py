"""Back-propagation through time in a vanilla RNN: ``chainrule derive rnn`` and ``verify rnn``.

The RNN of ``derive.models.rnn`` unrolled over ``--steps T`` (default 3): the engine's reverse
walk gives every δ_t = ∂L/∂a_t and the sums over time ∂L/∂W_hh = Σ_t δ_t h_{t−1}ᵀ. Then the
gradient-flow steps: the Jacobians J_t = diag(f'(a_t)) W_hh, their products ∂h_T/∂h_k and norms
against the bound (σ_max(W_hh) · max|f'|)ᵏ, and clipping by norm. With numbers (``--values``,
``--seed``, ``--given``) the same RNN is also run with W_hh rescaled to spectral norm ½ and 2.

Options: steps (T), hidden (n_h), inputs (n_x), outputs (n_y), activation (tanh, sigmoid,
relu), loss (``sum``: Σ_t ½‖y_t − target_t‖²; ``last``: ½‖y_T − target_T‖² only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from derive.backprop import LAYOUT_NOTE, GraphDerivation, derive_graph
from derive.graph import Graph
from derive.models.rnn import ACTIVATIONS, LOSSES, rnn
from derive.steps import Derivation, Step, SymbolInfo, Verification
from derive.topics import _gradient_flow as flow
from derive.topics import _recurrent as R
from derive.topics._graph_topic import merged, whole

NAME = "rnn"
SUMMARY = "vanilla RNN: BPTT over --steps T, Jacobian products vs the spectral-norm bound, clipping by norm"
OPTIONS: dict[str, Any] = {"steps": 3, "hidden": 2, "inputs": 2, "outputs": 1, "activation": "tanh", "loss": "sum"}


@dataclass(frozen=True)
class Config:
    """Validated options: T steps, sizes n_h, n_x, n_y, the activation and where the loss is taken."""

    T: int
    n_h: int
    n_x: int
    n_y: int
    activation: str
    loss: str

    def public(self) -> dict[str, Any]:
        """The options as shown in the output."""
        return {"steps": self.T, "hidden": self.n_h, "inputs": self.n_x, "outputs": self.n_y,
                "activation": self.activation, "loss": self.loss}

    def label(self) -> str:
        """A short description for verification tables."""
        return f"T={self.T}, n_h={self.n_h}, n_x={self.n_x}, n_y={self.n_y}, {self.activation}, loss {self.loss}"


def config(options: dict[str, Any]) -> Config:
    """Validate the options (UserError naming the option on a bad value)."""
    opts = merged(OPTIONS, options)
    T, n_h, n_x = R.sizes(opts)
    n_y = whole(opts["outputs"], "--outputs", 1, R.MAX_UNITS)
    return Config(T, n_h, n_x, n_y, R.choice(opts["activation"], "--activation", ACTIVATIONS),
                  R.choice(opts["loss"], "--loss", LOSSES, R.LOSS_ALIASES))


def build(cfg: Config) -> Graph:
    """The unrolled RNN the options describe."""
    return rnn(cfg.T, cfg.n_h, cfg.n_x, cfg.n_y, cfg.activation, cfg.loss)


def notes(cfg: Config) -> list[str]:
    """The conventions, stated once."""
    loss = ("L = Σ_t ½‖y_t − target_t‖² (a squared error at every step)" if cfg.loss == "sum"
            else f"L = ½‖y_{cfg.T} − target_{cfg.T}‖² (a squared error at the last step only)")
    fprime = {"tanh": "f' = 1 − h ⊙ h", "sigmoid": "f' = h ⊙ (1 − h)", "relu": "f' = H(a), H(0) = 0"}[cfg.activation]
    return [
        f"RNN: a_t = W_hh h_(t−1) + W_xh x_t + b_h, h_t = {cfg.activation}(a_t), y_t = W_hy h_t + b_y, "
        f"t = 1 … {cfg.T}; {loss}. δ_t = ∂L/∂a_t; {fprime}.",
        LAYOUT_NOTE, R.JACOBIAN_NOTE,
        "BPTT: the weights are shared by every step, so each gradient is a sum over time of the contributions the "
        "reverse walk collects (∂L/∂W_hh = Σ_t δ_t h_(t−1)ᵀ). Unrolled, δ_k carries every later loss through the "
        "Jacobian products: ∂L/∂W_hh = Σ_t Σ_(k≤t) diag(f'(a_k)) (∂h_t/∂h_k)ᵀ ∂L_t/∂h_t h_(k−1)ᵀ.",
        "Vanishing/exploding: ‖∂h_T/∂h_k‖₂ ≤ γ^(T−k) with γ = σ_max(W_hh) · max|f'|; γ < 1 guarantees vanishing, "
        "γ > 1 is needed for exploding. Clipping by norm rescales all gradients together when ‖g‖ > θ.",
        "Every gradient uses the old weights; the updates P_new = P − η ∂L/∂P are applied afterwards.",
    ]


def _analysis(cfg: Config, graph: Graph, numbers: bool) -> tuple[list[Step], dict[str, SymbolInfo]]:
    steps, legend = flow.jacobian_steps(graph, cfg.T, cfg.activation)
    more, extra = flow.bound_steps(graph, cfg.T, cfg.activation)
    steps, legend = steps + more, {**legend, **extra}
    if numbers:
        for label, scale in flow.SCENARIOS:
            more, extra = flow.scenario_steps(graph, cfg.T, cfg.activation, label, scale)
            steps, legend = steps + more, {**legend, **extra}
    clip, extra = flow.clipping_steps(graph)
    return steps + clip, {**legend, **extra}


def _document(cfg: Config, graph: Graph, d: GraphDerivation, numbers: bool) -> Derivation:
    analysis, extra = _analysis(cfg, graph, numbers)
    steps = [*d.forward, *d.backward, *analysis, *d.updates]
    title = f"Backpropagation through time: vanilla RNN, T = {cfg.T} ({cfg.activation}, loss {cfg.loss})"
    return Derivation(NAME, cfg.public(), steps, dict(d.results), R.legend(graph, d, steps, extra), notes=notes(cfg),
                      graph=graph, title=title)


def derive(options: dict[str, Any], given: dict[str, Any] | None = None, seed: int | None = None) -> Derivation:
    """The derivation; with ``given``/``seed`` every step also carries its number."""
    cfg = config(options)
    graph = build(cfg)
    d = derive_graph(graph)
    if given is None and seed is None:
        return _document(cfg, graph, d, False)
    import numpy as np  # numbers only: the symbolic derivation above never loads NumPy
    values, note = R.leaf_values(graph, dict(given or {}), seed or 0, {"eta": R.ETA, "theta": R.THETA})
    rescalable = bool(np.any(values["W_hh"]))
    doc = _document(cfg, graph, d, rescalable)
    doc.notes.append(note)
    if not rescalable:
        doc.notes.append("W_hh = 0 has σ_max = 0 and no direction to rescale, so the small and large W_hh are "
                         "not shown.")
    return R.evaluate_all(doc, d, values)


def verify(options: dict[str, Any], seed: int = 0, backend: str = "numpy", points: int = 3) -> Verification:
    """Every derived gradient against central differences, the NumPy engine, torch autograd and
    torch.nn.RNN (tanh, relu), for the requested configuration and two other shapes/lengths."""
    cfg = config(options)
    R.verifiable(cfg.T)
    others = [Config(1 if cfg.T > 1 else 2, cfg.n_h + 1, cfg.n_x, cfg.n_y + 1, cfg.activation, "sum"),
              Config(cfg.T + 2, max(1, cfg.n_h - 1), cfg.n_x + 1, cfg.n_y, cfg.activation,
                     "last" if cfg.loss == "sum" else "sum")]
    cases = [_case(c) for c in (cfg, *others)]
    doc = _document(cfg, cases[0].graph, cases[0].derivation, False)
    doc.title = f"Verification of rnn ({cfg.label()})"
    return R.verification(doc, cases, points, seed)


def _case(cfg: Config) -> R.Case:
    graph = build(cfg)
    nn = nn_loss(cfg) if cfg.activation in ("tanh", "relu") else None
    return R.Case(cfg.label(), graph, derive_graph(graph), torch_loss(cfg), nn, "torch.nn.RNN, same weights (float64)")


# --- independent torch implementations (derive.torch_losses: picklable, for the torch worker) -----

def torch_loss(cfg: Config) -> Any:
    """The RNN and its loss written directly in torch (columns, as in the derivation)."""
    from derive import torch_losses
    return torch_losses.of_config(torch_losses.rnn, cfg)


def nn_loss(cfg: Config) -> Any:
    """The same loss with the recurrence run by ``torch.nn.RNN`` given W_xh, W_hh, b_h (and b_hh = 0)."""
    from derive import torch_losses
    return torch_losses.of_config(torch_losses.rnn_nn, cfg)
