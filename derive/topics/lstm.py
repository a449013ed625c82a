"""The LSTM cell and BPTT through it: ``chainrule derive lstm`` and ``verify lstm``.

The LSTM of ``derive.models.lstm``, one step by default (``--steps T`` for BPTT), with the
weights in concat form W_f[h_{t−1}; x_t] + b_f (``--form concat``, default) or split form
W_f^h h_{t−1} + W_f^x x_t + b_f (``--form split``). The engine's reverse walk gives ∂L/∂ of every
gate (and of its pre-activation, δ_f, δ_i, δ_c, δ_o), of c_{t−1} and h_{t−1}, of every W and b.
Then the constant-error carousel: ∂c_t/∂c_{t−1} = diag(f_t), its product over T steps, and, with
numbers, the same product for a vanilla RNN made of the cell's candidate path.

Options: steps (T), hidden (n_h), inputs (n_x), form (concat, split), loss (``sum``:
Σ_t ½‖h_t − y_t‖²; ``last``: ½‖h_T − y_T‖²).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from derive.backend import SympyBackend
from derive.backprop import LAYOUT_NOTE, GraphDerivation, derive_graph
from derive.graph import Graph
from derive.models.lstm import FORMS, LOSSES, lstm
from derive.notation import Norm2
from derive.steps import Derivation, Step, SymbolInfo, Verification
from derive.topics import _gradient_flow as flow
from derive.topics import _recurrent as R
from derive.topics._graph_topic import merged

NAME = "lstm"
SUMMARY = "LSTM cell: ∂L/∂ every gate, c_(t−1), h_(t−1), W and b (concat or split form), BPTT, the cell carousel"
OPTIONS: dict[str, Any] = {"steps": 1, "hidden": 2, "inputs": 2, "form": "concat", "loss": "sum"}


@dataclass(frozen=True)
class Config:
    """Validated options: T steps, sizes n_h and n_x, the weight form and where the loss is taken."""

    T: int
    n_h: int
    n_x: int
    form: str
    loss: str

    def public(self) -> dict[str, Any]:
        """The options as shown in the output."""
        return {"steps": self.T, "hidden": self.n_h, "inputs": self.n_x, "form": self.form, "loss": self.loss}

    def label(self) -> str:
        """A short description for verification tables."""
        return f"T={self.T}, n_h={self.n_h}, n_x={self.n_x}, {self.form} form, loss {self.loss}"


def config(options: dict[str, Any]) -> Config:
    """Validate the options (UserError naming the option on a bad value)."""
    opts = merged(OPTIONS, options)
    T, n_h, n_x = R.sizes(opts)
    return Config(T, n_h, n_x, R.choice(opts["form"], "--form", FORMS),
                  R.choice(opts["loss"], "--loss", LOSSES, R.LOSS_ALIASES))


def build(cfg: Config) -> Graph:
    """The LSTM the options describe."""
    return lstm(cfg.T, cfg.n_h, cfg.n_x, cfg.form, cfg.loss)


def notes(cfg: Config) -> list[str]:
    """The conventions, stated once."""
    pre = ("a^k_t = W_k [h_(t−1); x_t] + b_k (concat form: W_k ∈ ℝ^{n_h×(n_h+n_x)} acts on the stacked column hx_t)"
           if cfg.form == "concat" else
           "a^k_t = W_kh h_(t−1) + W_kx x_t + b_k (split form: W_kh is W_k^h ∈ ℝ^{n_h×n_h}, "
           "W_kx is W_k^x ∈ ℝ^{n_h×n_x})")
    loss = "L = Σ_t ½‖h_t − y_t‖²" if cfg.loss == "sum" else f"L = ½‖h_{cfg.T} − y_{cfg.T}‖² (last step only)"
    return [
        f"LSTM: {pre} for k = f, i, c, o; f_t = σ(a^f_t), i_t = σ(a^i_t), c̃_t = tanh(a^c_t) (ctilde), "
        f"o_t = σ(a^o_t); c_t = f_t ⊙ c_(t−1) + i_t ⊙ c̃_t; h_t = o_t ⊙ tanh(c_t); {loss}.",
        "δ_kt = ∂L/∂a^k_t (the gate's pre-activation): δ_f = ∂L/∂f ⊙ f ⊙ (1 − f), δ_c = ∂L/∂c̃ ⊙ (1 − c̃ ⊙ c̃).",
        LAYOUT_NOTE, R.JACOBIAN_NOTE,
        "Constant-error carousel: along the cell path ∂c_t/∂c_(t−1) = diag(f_t) — no weight matrix and no squashing "
        "— so the gradient reaching c_0 is scaled by ∏_t f_t, which the gates can hold near 1; a vanilla RNN "
        "multiplies by diag(1 − h_t²) W_hh at every step instead.",
        "Every gradient uses the old weights; the updates P_new = P − η ∂L/∂P are applied afterwards.",
    ]


def _candidate_weights(cfg: Config, graph: Graph) -> tuple[Any, Any]:
    """W_c^h and W_c^x: the candidate's blocks (slices of W_c in concat form)."""
    if cfg.form == "split":
        return graph.symbol("W_ch"), graph.symbol("W_cx")
    B, n, d = SympyBackend(), cfg.n_h, cfg.n_x
    W = graph.symbol("W_c")
    return B.part(W, (0, n), (0, n)), B.part(W, (0, n), (n, n + d))


def comparison_steps(cfg: Config, graph: Graph) -> tuple[list[Step], dict[str, SymbolInfo]]:
    """A vanilla RNN made of the cell's candidate path, h_t^cand = tanh(W_c^h h_(t−1)^cand + W_c^x x_t + b_c)
    from h_0, and the norm of its Jacobian product, to set beside ‖∂c_T/∂c_0‖₂."""
    Wh, Wx = _candidate_weights(cfg, graph)
    run, legend, product = flow.rnn_run(graph, cfg.T, "tanh", "cand", Wh, Wx, graph.symbol("b_c"),
                                        "candidate-path RNN")
    n = cfg.n_h
    P = sp.MatrixSymbol("P_cand", n, n)
    steps = run + [
        Step("P_cand", f"candidate-path RNN: ∂h_{cfg.T}^cand/∂h_0 = ∏_t diag(1 − h_t^cand ⊙ h_t^cand) W_c^h",
             product, lhs=P, shape=(n, n), because="what the gradient would pass through without the cell's carousel"),
        Step("rnn_norm", f"candidate-path RNN: ‖∂h_{cfg.T}^cand/∂h_0‖₂ (compare cell_norm)", Norm2(P),
             lhs=sp.Symbol("rnn_norm"), because="the vanilla RNN's Jacobian product at the same weights and inputs"),
    ]
    legend.update({"P_cand": SymbolInfo("∂h_T^cand/∂h_0 of the candidate-path RNN (numerator layout)", (n, n)),
                   "rnn_norm": SymbolInfo("‖P_cand‖₂", ())})
    return steps, legend


def _document(cfg: Config, graph: Graph, d: GraphDerivation, numbers: bool) -> Derivation:
    analysis, extra = flow.carousel_steps(graph, cfg.T)
    if numbers:
        more, legend = comparison_steps(cfg, graph)
        analysis, extra = analysis + more, {**extra, **legend}
    steps = [*d.forward, *d.backward, *analysis, *d.updates]
    kind = "one step" if cfg.T == 1 else f"BPTT over T = {cfg.T}"
    title = f"LSTM: {kind}, {cfg.form} form (n_h = {cfg.n_h}, n_x = {cfg.n_x})"
    return Derivation(NAME, cfg.public(), steps, dict(d.results), R.legend(graph, d, steps, extra), notes=notes(cfg),
                      graph=graph, title=title)


def derive(options: dict[str, Any], given: dict[str, Any] | None = None, seed: int | None = None) -> Derivation:
    """The derivation; with ``given``/``seed`` every step also carries its number."""
    cfg = config(options)
    graph = build(cfg)
    d = derive_graph(graph)
    numbers = given is not None or seed is not None
    doc = _document(cfg, graph, d, numbers)
    if not numbers:
        return doc
    values, note = R.leaf_values(graph, dict(given or {}), seed or 0, {"eta": R.ETA})
    doc.notes.append(note)
    return R.evaluate_all(doc, d, values)


def verify(options: dict[str, Any], seed: int = 0, backend: str = "numpy", points: int = 3) -> Verification:
    """Every derived gradient against central differences, the NumPy engine, torch autograd and
    torch.nn.LSTMCell, for the requested configuration, the other form and a longer sequence."""
    cfg = config(options)
    R.verifiable(cfg.T)
    other = "split" if cfg.form == "concat" else "concat"
    others = [Config(cfg.T, cfg.n_h + 1, cfg.n_x, other, cfg.loss),
              Config(cfg.T + 2, cfg.n_h, cfg.n_x + 1, cfg.form, "last" if cfg.loss == "sum" else "sum")]
    cases = [_case(c) for c in (cfg, *others)]
    doc = _document(cfg, cases[0].graph, cases[0].derivation, False)
    doc.title = f"Verification of lstm ({cfg.label()})"
    return R.verification(doc, cases, points, seed)


def _case(cfg: Config) -> R.Case:
    graph = build(cfg)
    return R.Case(cfg.label(), graph, derive_graph(graph), torch_loss(cfg), nn_loss(cfg),
                  "torch.nn.LSTMCell, same weights (float64)")


# --- independent torch implementations (derive.torch_losses: picklable, for the torch worker) -----

def torch_loss(cfg: Config) -> Any:
    """The LSTM written directly in torch from the course's equations (columns)."""
    from derive import torch_losses
    return torch_losses.of_config(torch_losses.lstm, cfg)


def nn_loss(cfg: Config) -> Any:
    """The same loss with each step run by ``torch.nn.LSTMCell`` (weights stacked as i, f, g, o)."""
    from derive import torch_losses
    return torch_losses.of_config(torch_losses.lstm_nn, cfg)
