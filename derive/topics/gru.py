"""The GRU cell and BPTT through it: ``chainrule derive gru`` and ``verify gru``.

The GRU of ``derive.models.gru``: update gate z_t, reset gate r_t, candidate h̃_t, and
h_t = (𝟏 − z_t) ⊙ h_{t−1} + z_t ⊙ h̃_t (``--convention course``, default). ``--convention cho``
swaps the roles of z (h_t = z_t ⊙ h_{t−1} + (𝟏 − z_t) ⊙ h̃_t, as in Cho et al. 2014);
``--convention pytorch`` is torch.nn.GRUCell exactly (the same interpolation as cho, and the
reset gate applied after the matrix: h̃_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn))).
The engine's reverse walk gives every gradient: gates, candidate, h_{t−1}, every W and b.

Options: steps (T), hidden (n_h), inputs (n_x), form (concat, split; pytorch is split only),
convention (course, cho, pytorch), loss (``sum``: Σ_t ½‖h_t − y_t‖²; ``last``: ½‖h_T − y_T‖²).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from derive.backprop import LAYOUT_NOTE, GraphDerivation, derive_graph
from derive.errors import UserError
from derive.graph import Graph
from derive.models.gru import CONVENTIONS, FORMS, LOSSES, gru
from derive.steps import Derivation, Verification
from derive.topics import _recurrent as R
from derive.topics._graph_topic import merged

NAME = "gru"
SUMMARY = "GRU cell: every gradient (update/reset gates, candidate, h_(t−1), W, b), course/cho/pytorch conventions"
OPTIONS: dict[str, Any] = {"steps": 1, "hidden": 2, "inputs": 2, "form": None, "convention": "course", "loss": "sum"}
CONVENTION_ALIASES = {"torch": "pytorch", "cho2014": "cho"}
INTERPOLATION = {"course": "h_t = (1 − z_t) ⊙ h_(t−1) + z_t ⊙ h̃_t (the course's convention: z_t is the share of "
                           "the new candidate)",
                 "cho": "h_t = z_t ⊙ h_(t−1) + (1 − z_t) ⊙ h̃_t (Cho et al. 2014: z_t is the share kept from h_(t−1))",
                 "pytorch": "h_t = (1 − z_t) ⊙ h̃_t + z_t ⊙ h_(t−1) (torch.nn.GRUCell: z_t is the share kept from "
                            "h_(t−1))"}


@dataclass(frozen=True)
class Config:
    """Validated options: T steps, sizes, weight form, convention and where the loss is taken."""

    T: int
    n_h: int
    n_x: int
    form: str
    convention: str
    loss: str

    def public(self) -> dict[str, Any]:
        """The options as shown in the output."""
        return {"steps": self.T, "hidden": self.n_h, "inputs": self.n_x, "form": self.form,
                "convention": self.convention, "loss": self.loss}

    def label(self) -> str:
        """A short description for verification tables."""
        return f"T={self.T}, n_h={self.n_h}, n_x={self.n_x}, {self.convention}, {self.form} form, loss {self.loss}"


def config(options: dict[str, Any]) -> Config:
    """Validate the options (UserError naming the option on a bad value)."""
    opts = merged(OPTIONS, options)
    T, n_h, n_x = R.sizes(opts)
    convention = R.choice(opts["convention"], "--convention", CONVENTIONS, CONVENTION_ALIASES)
    default_form = "split" if convention == "pytorch" else "concat"
    form = R.choice(opts["form"] if opts["form"] is not None else default_form, "--form", FORMS)
    if convention == "pytorch" and form == "concat":
        raise UserError("the pytorch GRU applies r_t after W_hn h_(t−1), so it has no concat form; use --form split",
                        "--form")
    return Config(T, n_h, n_x, form, convention, R.choice(opts["loss"], "--loss", LOSSES, R.LOSS_ALIASES))


def build(cfg: Config) -> Graph:
    """The GRU the options describe."""
    return gru(cfg.T, cfg.n_h, cfg.n_x, cfg.form, cfg.convention, cfg.loss)


def notes(cfg: Config) -> list[str]:
    """The conventions, stated once (which interpolation is used is named first)."""
    if cfg.convention == "pytorch":
        gates = ("r_t = σ(W_ir x_t + b_ir + W_hr h_(t−1) + b_hr), z_t = σ(W_iz x_t + b_iz + W_hz h_(t−1) + b_hz), "
                 "h̃_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_(t−1) + b_hn)) (PyTorch's n_t; the reset gate acts after "
                 "the matrix)")
    elif cfg.form == "concat":
        gates = ("z_t = σ(W_z [h_(t−1); x_t] + b_z), r_t = σ(W_r [h_(t−1); x_t] + b_r), "
                 "h̃_t = tanh(W_h [r_t ⊙ h_(t−1); x_t] + b_h) (the reset gate acts before the matrix)")
    else:
        gates = ("z_t = σ(W_zh h_(t−1) + W_zx x_t + b_z), r_t = σ(W_rh h_(t−1) + W_rx x_t + b_r), "
                 "h̃_t = tanh(W_hh (r_t ⊙ h_(t−1)) + W_hx x_t + b_h) (split form: W_kh is W_k^h, W_kx is W_k^x)")
    loss = "L = Σ_t ½‖h_t − y_t‖²" if cfg.loss == "sum" else f"L = ½‖h_{cfg.T} − y_{cfg.T}‖² (last step only)"
    keep = "z_t" if cfg.convention != "course" else "1 − z_t"
    return [
        f"Convention: {cfg.convention} — {INTERPOLATION[cfg.convention]}.",
        f"GRU: {gates}; h̃ is written htilde; {loss}. δ_kt = ∂L/∂a^k_t (pre-activations).",
        LAYOUT_NOTE,
        f"The interpolation gives h_(t−1) a direct path to h_t with Jacobian diag({keep}) (no weight matrix, no "
        f"squashing), the GRU's counterpart of the LSTM's cell carousel: ∂L/∂h_(t−1) contains ∂L/∂h_t ⊙ ({keep}).",
        "Every gradient uses the old weights; the updates P_new = P − η ∂L/∂P are applied afterwards.",
    ]


def _document(cfg: Config, graph: Graph, d: GraphDerivation) -> Derivation:
    kind = "one step" if cfg.T == 1 else f"BPTT over T = {cfg.T}"
    title = f"GRU: {kind}, {cfg.convention} convention, {cfg.form} form (n_h = {cfg.n_h}, n_x = {cfg.n_x})"
    return Derivation(NAME, cfg.public(), d.steps, dict(d.results), R.legend(graph, d, d.steps, {}), notes=notes(cfg),
                      graph=graph, title=title)


def derive(options: dict[str, Any], given: dict[str, Any] | None = None, seed: int | None = None) -> Derivation:
    """The derivation; with ``given``/``seed`` every step also carries its number."""
    cfg = config(options)
    graph = build(cfg)
    d = derive_graph(graph)
    doc = _document(cfg, graph, d)
    if given is None and seed is None:
        return doc
    values, note = R.leaf_values(graph, dict(given or {}), seed or 0, {"eta": R.ETA})
    doc.notes.append(note)
    return R.evaluate_all(doc, d, values)


def verify(options: dict[str, Any], seed: int = 0, backend: str = "numpy", points: int = 3) -> Verification:
    """Every derived gradient against central differences, the NumPy engine, torch autograd and
    (pytorch convention) torch.nn.GRUCell, for the requested configuration and two others."""
    cfg = config(options)
    R.verifiable(cfg.T)
    swap = {"course": "pytorch", "cho": "course", "pytorch": "course"}[cfg.convention]
    others = [Config(cfg.T, cfg.n_h + 1, cfg.n_x, "split" if swap == "pytorch" else "concat", swap, cfg.loss),
              Config(cfg.T + 2, cfg.n_h, cfg.n_x + 1, cfg.form, cfg.convention, "last" if cfg.loss == "sum" else "sum")]
    cases = [_case(c) for c in (cfg, *others)]
    doc = _document(cfg, cases[0].graph, cases[0].derivation)
    doc.title = f"Verification of gru ({cfg.label()})"
    out = R.verification(doc, cases, points, seed)
    if cfg.convention != "pytorch":
        out.notes.append("torch.nn.GRUCell is checked on the pytorch-convention configuration only: the "
                         f"{cfg.convention} GRU is not a reparameterisation of it (the reset gate acts before the matrix).")
    return out


def _case(cfg: Config) -> R.Case:
    graph = build(cfg)
    nn = nn_loss(cfg) if cfg.convention == "pytorch" else None
    return R.Case(cfg.label(), graph, derive_graph(graph), torch_loss(cfg), nn,
                  "torch.nn.GRUCell, same weights (float64)")


# --- independent torch implementations (derive.torch_losses: picklable, for the torch worker) -----

def torch_loss(cfg: Config) -> Any:
    """The GRU written directly in torch from the equations of its convention (columns)."""
    from derive import torch_losses
    return torch_losses.of_config(torch_losses.gru, cfg)


def nn_loss(cfg: Config) -> Any:
    """The same loss with each step run by ``torch.nn.GRUCell`` (weights stacked as r, z, n)."""
    from derive import torch_losses
    return torch_losses.of_config(torch_losses.gru_nn, cfg)
