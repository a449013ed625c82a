"""Backpropagation in a fully connected net: ``chainrule derive mlp`` and ``verify mlp``.

Default: the textbook 2-2-2 net with named weights w1…w8, shared biases b1 (hidden) and b2
(output), inputs i1, i2, targets t1, t2, learning rate eta. The steps are the forward pass, the
error, every chain-rule factor for one output weight and one hidden weight, the gradient of
every parameter and its gradient-descent update. ``--matrix`` gives the vectorised form for
L layers (δ_l = (W_{l+1}ᵀ δ_{l+1}) ⊙ f'(z_l), ∂L/∂W_l = δ_l a_{l−1}ᵀ).

Options: inputs, hidden, outputs (sizes), layers (matrix form), sizes (``4,3,2``, matrix
form; or three numbers I,H,K for the textbook net), activation (sigmoid, tanh, relu), loss (mse,
cross-entropy: sigmoid outputs with binary cross-entropy summed over the outputs), matrix,
preset (``mazur``: the well-known worked example with w1 = .15 … and its known answers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from derive.backprop import LAYOUT_NOTE, GraphDerivation, derive_graph, scalar_derivation
from derive.errors import UserError
from derive.graph import Graph
from derive.models.mlp import ACTIVATIONS, LOSSES, layered_net, textbook_net
from derive.steps import Derivation, Verification
from derive.topics._graph_topic import merged, whole
from derive.verification import METRIC, draw_leaves, evaluate, verify_steps

if TYPE_CHECKING:
    import numpy as np

NAME = "mlp"
SUMMARY = "backprop in a fully connected net: textbook w1…w8 steps, or --matrix for L layers"
OPTIONS: dict[str, Any] = {"inputs": 2, "hidden": 2, "outputs": 2, "layers": None, "activation": "sigmoid",
                           "loss": "mse", "matrix": False, "sizes": None, "preset": None}
LOSS_ALIASES = {"mse": "mse", "sse": "mse", "cross-entropy": "cross-entropy", "cross_entropy": "cross-entropy",
                "ce": "cross-entropy", "bce": "cross-entropy"}
MAX_UNITS, MAX_SCALAR_UNITS, MAX_LAYERS, ETA = 16, 8, 50, 0.5
MAZUR = {"w1": .15, "w2": .2, "w3": .25, "w4": .3, "w5": .4, "w6": .45, "w7": .5, "w8": .55, "b1": .35, "b2": .6,
         "i1": .05, "i2": .1, "t1": .01, "t2": .99, "eta": .5}
MAZUR_MATRIX = {"W1": [[.15, .2], [.25, .3]], "b1": [[.35], [.35]], "W2": [[.4, .45], [.5, .55]], "b2": [[.6], [.6]],
                "x": [[.05], [.1]], "y": [[.01], [.99]], "eta": .5}


@dataclass(frozen=True)
class Config:
    """The validated options: layer sizes (n_0, …, n_L), activation, loss, form, preset."""

    sizes: tuple[int, ...]
    activation: str
    loss: str
    matrix: bool
    preset: str | None

    def public(self) -> dict[str, Any]:
        """The options as shown in the output."""
        if self.matrix:
            out: dict[str, Any] = {"sizes": list(self.sizes), "layers": len(self.sizes) - 1}
        else:
            out = {"inputs": self.sizes[0], "hidden": self.sizes[1], "outputs": self.sizes[2]}
        out.update(activation=self.activation, loss=self.loss, matrix=self.matrix)
        if self.preset:
            out["preset"] = self.preset
        return out


# --- options --------------------------------------------------------------------------------------

def _bool(value: Any, arg: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text not in ("true", "false", "1", "0", "yes", "no"):
        raise UserError(f"expected true or false, got '{text[:20]}'", arg)
    return text in ("true", "1", "yes")


def config(options: dict[str, Any]) -> Config:
    """Validate the options (UserError naming the option on a bad value)."""
    opts = merged(OPTIONS, options)
    activation = str(opts["activation"]).strip().lower()
    if activation not in ACTIVATIONS:
        raise UserError(f"expected one of {', '.join(ACTIVATIONS)}, got '{activation[:20]}'", "--activation")
    loss = LOSS_ALIASES.get(str(opts["loss"]).strip().lower())
    if loss is None:
        raise UserError(f"expected one of {', '.join(LOSSES)}, got '{str(opts['loss'])[:20]}'", "--loss")
    matrix = _bool(opts["matrix"], "--matrix")
    preset = None if opts["preset"] is None else str(opts["preset"]).strip().lower()
    if preset not in (None, "mazur"):
        raise UserError(f"expected 'mazur', got '{preset[:20]}'", "--set preset")
    sizes = _sizes(opts, matrix)
    if preset and sizes != (2, 2, 2):
        raise UserError(f"the mazur preset is the 2-2-2 net; got sizes {'-'.join(map(str, sizes))}", "--set preset")
    return Config(sizes, activation, loss, matrix, preset)


def _sizes(opts: dict[str, Any], matrix: bool) -> tuple[int, ...]:
    if opts["sizes"] is not None:
        parts = str(opts["sizes"]).replace(" ", "").strip("[]()").split(",")
        if len(parts) < 2 or len(parts) > MAX_LAYERS + 1 or (not matrix and len(parts) != 3):
            raise UserError("expected layer sizes such as 4,3,2 (three numbers I,H,K unless --matrix)", "--set sizes")
        sizes = tuple(whole(p, "--set sizes", 1, MAX_UNITS if matrix else MAX_SCALAR_UNITS) for p in parts)
        if opts["layers"] is not None and whole(opts["layers"], "--layers", 1, MAX_LAYERS) != len(sizes) - 1:
            raise UserError(f"--layers disagrees with sizes {opts['sizes']} ({len(sizes) - 1} layers)", "--layers")
        return sizes
    n_in, n_hid, n_out = (whole(opts[k], f"--{k}", 1, MAX_UNITS) for k in ("inputs", "hidden", "outputs"))
    for key, n in (("inputs", n_in), ("hidden", n_hid), ("outputs", n_out)):
        if not matrix and n > MAX_SCALAR_UNITS:  # the textbook form names every weight: keep it hand-sized
            raise UserError(f"the textbook net names every weight and takes at most {MAX_SCALAR_UNITS} units per "
                            f"layer (got {n}); use --matrix for bigger nets", f"--{key}")
    layers = 2 if opts["layers"] is None else whole(opts["layers"], "--layers", 1, MAX_LAYERS)
    if not matrix and layers != 2:
        raise UserError("the textbook net has one hidden layer (layers=2); use --matrix for L layers", "--layers")
    return (n_in, *([n_hid] * (layers - 1)), n_out)


def build(cfg: Config) -> Graph:
    """The graph of the net the options describe."""
    if cfg.matrix:
        return layered_net(cfg.sizes, cfg.activation, cfg.loss)
    n_in, n_hid, n_out = cfg.sizes
    return textbook_net(n_in, n_hid, n_out, cfg.activation, cfg.loss)


def showcase(cfg: Config) -> tuple[str, str]:
    """The output weight and the hidden weight whose chains are shown factor by factor."""
    n_in, n_hid, _ = cfg.sizes
    return (f"w{n_in * n_hid + 1}", "w1")


def _derive_symbolic(cfg: Config, graph: Graph) -> GraphDerivation:
    if cfg.matrix:
        return derive_graph(graph)
    return scalar_derivation(graph, showcase(cfg), deltas=units(cfg))


def units(cfg: Config) -> tuple[str, ...]:
    """The net inputs whose δ the textbook derivation names, outputs first (net_o1, …, net_h1, …)."""
    _, n_hid, n_out = cfg.sizes
    return (*(f"net_o{k}" for k in range(1, n_out + 1)), *(f"net_h{j}" for j in range(1, n_hid + 1)))


# --- notes ----------------------------------------------------------------------------------------

def notes(cfg: Config) -> list[str]:
    """The conventions, stated once."""
    act, out_act = cfg.activation, "sigmoid" if cfg.loss == "cross-entropy" else cfg.activation
    deriv = {"sigmoid": "σ' = out(1 − out)", "tanh": "tanh' = 1 − out²", "relu": "ReLU' = H(net), with H(0) = 0"}
    lines = [f"Activation {act} on the hidden units and {out_act} on the outputs; its derivative is written "
             f"in terms of the unit's output where the course does: {deriv[act]}."]
    E, out, t, net = ("L", "a_L", "y", "z_L") if cfg.matrix else ("E_total", "out_ok", "t_k", "net_ok")
    if cfg.loss == "mse":
        form = "½‖a_L − y‖²" if cfg.matrix else "½ Σ_k (t_k − out_ok)² summed over the outputs"
        lines.append(f"Error {E} = {form}, so ∂{E}/∂{out} = {out} − {t}.")
    else:
        lines.append("Cross-entropy pairs with sigmoid outputs: "
                     f"{E} = −Σ_k [t_k ln out_ok + (1 − t_k) ln(1 − out_ok)] (binary cross-entropy summed over the "
                     f"outputs), so ∂{E}/∂{net} = {out} − {t} (σ' cancels).")
    if cfg.matrix:
        lines += [LAYOUT_NOTE, "So ∂L/∂W_l = δ_l a_{l−1}ᵀ with δ_l = ∂L/∂z_l and a_0 = x."]
    else:
        n_in, n_hid, n_out = cfg.sizes
        lines.append(f"Weights are numbered row by row: hidden unit h_j receives w_{{(j−1)·{n_in}+i}} from "
                     f"input i_i, output o_k receives w_{{{n_in * n_hid}+(k−1)·{n_hid}+j}} from h_j (2-2-2: "
                     "w1, w2 → h1; w3, w4 → h2; w5, w6 → o1; w7, w8 → o2). b1 is shared by every hidden unit, "
                     "b2 by every output.")
    lines.append(f"Every gradient uses the old weights; the updates P_new = P − η ∂{E}/∂P are applied afterwards.")
    return lines


# --- values ---------------------------------------------------------------------------------------

def _given_value(graph: Graph, name: str, value: Any) -> Any:
    import numpy as np
    shape = () if name == "eta" else graph.get(name).shape
    if isinstance(value, str):
        raise UserError(f"'{value[:20]}' is not a number", f"--given {name}")
    arr = np.asarray(value, dtype=float)
    if shape == ():
        if arr.ndim:
            raise UserError("expected a number", f"--given {name}")
        return float(arr)
    if arr.ndim == 1 and shape[1] == 1:
        arr = arr.reshape(-1, 1)
    if arr.shape != shape:
        got = "×".join(map(str, arr.shape)) or "scalar"
        raise UserError(f"expected a {shape[0]}×{shape[1]} matrix, got shape {got}", f"--given {name}")
    return arr


def leaf_values(graph: Graph, cfg: Config, given: dict[str, Any], seed: int) -> tuple[dict[str, Any], list[str]]:
    """Values of every leaf and η: given ones, else the preset's, else drawn from ``seed``.

    All leaves are drawn in a fixed order whatever is given, so giving one value never changes
    another. Returns the values and the names that were drawn.
    """
    import numpy as np
    known = [x.name for x in graph.leaves] + ["eta"]
    unknown = [k for k in given if k not in known]
    if unknown:
        from derive.suggest import did_you_mean
        raise UserError(f"unknown name '{unknown[0]}'{did_you_mean(unknown[0], known)} (this net's givens: {', '.join(known)})", "--given")
    values = draw_leaves(graph, np.random.default_rng(seed))
    values["eta"] = ETA
    preset = (MAZUR_MATRIX if cfg.matrix else MAZUR) if cfg.preset else {}
    values.update({k: _given_value(graph, k, v) for k, v in preset.items()})
    values.update({k: _given_value(graph, k, v) for k, v in given.items()})
    drawn = [k for k in known if k not in given and k not in preset and k != "eta"]
    return values, drawn


def _value_note(cfg: Config, given: dict[str, Any], drawn: list[str], seed: int) -> str:
    parts = []
    if cfg.preset:
        parts.append(f"preset {cfg.preset} (known answers for sigmoid, mse and η = 0.5: E_total ≈ 0.298371, "
                     "w5_new ≈ 0.358916, w1_new ≈ 0.149781)")
    if given:
        parts.append("given: " + ", ".join(given))
    if drawn:
        parts.append(f"drawn from seed {seed} (parameters uniform on [−1, 1], inputs and targets on [0, 1], "
                     f"2 decimals): " + ", ".join(drawn))
    if "eta" not in given and not cfg.preset:
        parts.append(f"η = {ETA} (default)")
    return "Values: " + "; ".join(parts) + "."


# --- the two entry points -------------------------------------------------------------------------

def derive(options: dict[str, Any], given: dict[str, Any] | None = None, seed: int | None = None) -> Derivation:
    """The derivation; with ``given``/``seed`` every step also carries its number."""
    cfg = config(options)
    graph = build(cfg)
    d = _derive_symbolic(cfg, graph)
    kind = "matrix form, sizes " if cfg.matrix else "textbook net "
    title = f"Backpropagation: {kind}{'-'.join(map(str, cfg.sizes))} ({cfg.activation}, {cfg.loss})"
    out = Derivation(NAME, cfg.public(), d.steps, dict(d.results), dict(d.symbols), notes=notes(cfg), graph=graph,
                     title=title)
    if given is None and seed is None and not cfg.preset:
        return out
    given = dict(given or {})
    values, drawn = leaf_values(graph, cfg, given, seed or 0)
    out.notes.append(_value_note(cfg, given, drawn, seed or 0))
    return evaluate(out, d, values)


def verify(options: dict[str, Any], seed: int = 0, backend: str = "numpy", points: int = 3) -> Verification:
    """Every derived gradient (the displayed formulas, lambdified) against central differences,
    the reverse-mode engine's NumPy run, and torch autograd (when installed) at random points."""
    from derive.numcheck import torch_available, without_torch
    cfg = config(options)
    graph = build(cfg)
    d = _derive_symbolic(cfg, graph)
    doc = Derivation(NAME, cfg.public(), d.steps, dict(d.results), dict(d.symbols), notes=notes(cfg), graph=graph,
                     title=f"Verification of mlp ({'-'.join(map(str, cfg.sizes))}, {cfg.activation}, {cfg.loss})")
    def sample(rng: np.random.Generator) -> dict[str, Any]:
        return {**draw_leaves(graph, rng, decimals=None), "eta": ETA}

    checks = verify_steps(graph, d, sample, points, seed, torch_loss(cfg))
    extra = [] if torch_available() else [without_torch("finite differences and the NumPy engine only")]
    where = f"{points} random points from seed {seed}; parameters uniform on [−1, 1], inputs and targets on [0, 1]."
    return Verification(doc, checks, metric=METRIC, notes=[*extra, where])


def torch_loss(cfg: Config) -> Any:
    """The same net and loss written directly in torch (an independent oracle for the gradients). Picklable (``derive.torch_losses``), for the torch worker."""
    from derive import torch_losses
    return torch_losses.of_config(torch_losses.mlp, cfg)
