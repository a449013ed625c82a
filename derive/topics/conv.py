"""Convolution: ``chainrule derive conv`` and ``verify conv``.

One 1-D or 2-D convolution layer (cross-correlation, as PyTorch computes it) with stride and
padding: the output size ⌊(N − F + 2P)/S⌋ + 1, the forward pass Y = pad_P(X) ⋆_S K + b, and from
the reverse walk ∂L/∂b, ∂L/∂K = X ⋆ ∂L/∂Y and ∂L/∂X = pad_{F−1}(∂L/∂Y) ⋆ rot180(K), the full
convolution of the upstream gradient with the flipped kernel (shown with its pieces).

Options (``--set``): dims (1 or 2), n (input size N), f (kernel size F), stride (S), padding (P),
loss (upstream, mse).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sympy as sp

from derive.backprop import derive_graph
from derive.errors import UserError
from derive.graph import Graph
from derive.models.conv import conv
from derive.notation import Chain, ChainSum
from derive.notation_nn import Dilate, Rot180, ZeroPad
from derive.ops.conv import out_size
from derive.steps import Check, Derivation, Step, SymbolInfo, Verification
from derive.topics._graph_topic import choice, labelled, leaf_values, merged, value_note, whole
from derive.verification import METRIC, Program, evaluate, verify_steps

if TYPE_CHECKING:
    import numpy as np

NAME = "conv"
SUMMARY = ("1-D/2-D convolution (cross-correlation) with stride and padding: output size, ∂L/∂K, "
           "∂L/∂X as a full convolution")
OPTIONS: dict[str, Any] = {"dims": 2, "n": 5, "f": 3, "stride": 1, "padding": 0, "loss": "upstream"}
LOSSES = {"upstream": "upstream", "sum": "upstream", "g": "upstream", "mse": "mse", "sse": "mse"}
MAX_N = {1: 16, 2: 8}


@dataclass(frozen=True)
class Config:
    """Validated options: dimensions, input size N, kernel size F, stride S, padding P, loss."""

    dims: int
    n: int
    f: int
    stride: int
    padding: int
    loss: str

    def graph(self) -> Graph:
        """The graph these options describe."""
        return conv(self.dims, self.n, self.f, self.stride, self.padding, self.loss)

    def public(self) -> dict[str, Any]:
        """The options as shown in the output."""
        return {"dims": self.dims, "n": self.n, "f": self.f, "stride": self.stride, "padding": self.padding,
                "loss": self.loss}

    @property
    def out(self) -> int:
        """⌊(N − F + 2P)/S⌋ + 1."""
        return out_size(self.n, self.f, self.padding, self.stride)

    def names(self) -> tuple[str, str, str]:
        """Input, kernel and output names (X, K, Y in 2-D; x, k, y in 1-D)."""
        return ("X", "K", "Y") if self.dims == 2 else ("x", "k", "y")


def config(options: dict[str, Any]) -> Config:
    """Validate the options; UserError naming the option on a bad value."""
    o = merged(OPTIONS, options)
    dims = int(choice(o["dims"], "--set dims", {"1": "1", "2": "2", "1d": "1", "2d": "2"}))
    if str(o["stride"]).strip() == "0":
        raise UserError("the stride is at least 1 (a stride of 0 would never move the kernel)", "--set stride")
    stride, padding = whole(o["stride"], "--set stride", 1, 4), whole(o["padding"], "--set padding", 0, 3)
    n, f = whole(o["n"], "--set n", 1, MAX_N[dims]), whole(o["f"], "--set f", 1, MAX_N[dims])
    if f > n + 2 * padding:
        raise UserError(f"the kernel (F = {f}) is wider than the padded input (N + 2P = {n + 2 * padding})", "--set f")
    return Config(dims, n, f, stride, padding, choice(o["loss"], "--loss", LOSSES))


# --- notes and the extra steps -----------------------------------------------------------------------

def notes(cfg: Config) -> list[str]:
    """The conventions, stated once."""
    X, K, Y = cfg.names()
    loss = (f"Loss: L = Σ G ⊙ {Y} = 𝟏ᵀ(G ⊙ {Y})𝟏 for a given upstream gradient G, so ∂L/∂{Y} = G."
            if cfg.loss == "upstream" else f"Loss: L = ½‖{Y} − T‖², so ∂L/∂{Y} = {Y} − T.")
    shape = "an N×N image, an F×F kernel" if cfg.dims == 2 else "a signal and a kernel written as rows (1×N, 1×F)"
    return [f"Convolution is cross-correlation, as deep-learning libraries compute it (F.conv{cfg.dims}d): "
            f"{Y}_ij = Σ_ab {X}_p[iS + a, jS + b] {K}_ab + b with {X}_p = pad_P({X}) (P zeros on every side), "
            f"for {shape}; ⋆_S is cross-correlation with stride S (⋆ when S = 1). ∂L/∂Z has the shape of Z.",
            loss,
            f"∂L/∂{K} = {X}_p ⋆ ∂L/∂{Y}: each kernel weight meets every window it touched. ∂L/∂{X} = "
            f"pad_{{F−1}}(∂L/∂{Y}) ⋆ rot180({K}) is the full convolution of ∂L/∂{Y} with {K} (a true convolution "
            f"flips the kernel; correlating with rot180({K}) is that flip). Padding P removes P of the F − 1 border "
            f"rows/columns (pad_{{F−1−P}}); stride S first spreads ∂L/∂{Y} out with S − 1 zeros between entries "
            f"(dil_S). ∂L/∂b = Σ ∂L/∂{Y}.",
            f"Output size: ⌊(N − F + 2P)/S⌋ + 1 (the floor matters when S does not divide N − F + 2P: the last "
            f"rows/columns of {X}_p are then never used and get zero gradient)."]


def size_step(cfg: Config) -> Step:
    """N_out = ⌊(N − F + 2P)/S⌋ + 1 with the numbers."""
    N, F, P, S = sp.symbols("N F P S")
    formula = ChainSum(sp.floor(ChainSum(N, -F, Chain(2, P)) / S), 1)
    n, f, p, s = cfg.n, cfg.f, cfg.padding, cfg.stride
    shape = f"{n}×{n} input → {cfg.out}×{cfg.out}" if cfg.dims == 2 else f"length {n} → {cfg.out}"
    return Step("output_size", f"output size ({shape})", formula, value=cfg.out, lhs=sp.Symbol("N_out"),
                because=f"N = {n}, F = {f}, P = {p}, S = {s}: ⌊({n} − {f} + {2 * p})/{s}⌋ + 1 = "
                        f"⌊{(n - f + 2 * p) / s:g}⌋ + 1 = {cfg.out}")


def picture_steps(cfg: Config, graph: Graph, d: Any) -> list[Step]:
    """The two pieces of ∂L/∂X as matrices of their own: rot180(K) and the padded (dilated) ∂L/∂Y."""
    X, K, Y = cfg.names()
    k, up = graph.symbol(K), d.adjoint[Y]
    spread = up
    if cfg.stride > 1:
        grid = out_size(cfg.n, cfg.f, cfg.padding, 1)
        spread = Dilate(up, (1 if cfg.dims == 1 else cfg.stride, cfg.stride), (1 if cfg.dims == 1 else grid, grid))
    q = cfg.f - 1 - cfg.padding
    padded = ZeroPad(spread, (0 if cfg.dims == 1 else q, q)) if q > 0 else spread
    steps = [Step(f"{K}_rot180", f"the flipped kernel rot180({K}) (rows and columns reversed)", Rot180(k),
                  lhs=sp.MatrixSymbol(f"{K}_rot180", *k.shape), shape=_ints(k.shape))]
    if padded is not up and q >= 0:
        steps.append(Step(f"dL_d{Y}_padded", f"∂L/∂{Y} made ready for the full convolution"
                          + (f" (spread out by the stride {cfg.stride})" if cfg.stride > 1 else ""), padded,
                          lhs=sp.MatrixSymbol(f"dL_d{Y}_padded", *padded.shape), shape=_ints(padded.shape)))
    return steps


def _ints(shape: Any) -> tuple[int, ...]:
    return tuple(int(v) for v in shape)


# --- the two entry points ----------------------------------------------------------------------------

def draw(graph: Graph, cfg: Config, integers: bool) -> Any:
    """Leaf values: integers for hand calculation (X, T in 0…4; K, b, G in −1…1) or, for checks, uniform reals."""
    import numpy as np
    X, K, _ = cfg.names()
    spans = {X: (0, 4), "T": (0, 4)}

    def sample(rng: np.random.Generator) -> dict[str, Any]:
        out = {}
        for leaf in graph.leaves:
            low, high = spans.get(leaf.name, (-1, 1))
            v = rng.integers(low, high + 1, size=leaf.shape) if integers else rng.uniform(-1.0, 1.0, size=leaf.shape)
            out[leaf.name] = np.asarray(v, dtype=float)
        return out
    return sample


def document(cfg: Config) -> tuple[Derivation, Any]:
    """The derivation and its GraphDerivation (the pictures of ∂L/∂X run with the program)."""
    graph = cfg.graph()
    d = derive_graph(graph, updates=False)
    X, K, Y = cfg.names()
    at = next(i for i, s in enumerate(d.backward) if s.id == f"dL_d{X}")
    pictures = picture_steps(cfg, graph, d)
    d.backward[at:at] = pictures
    symbols = {**d.symbols, **{s.id: SymbolInfo(s.title, s.shape or ()) for s in pictures}}
    symbols.update({"N_out": SymbolInfo("output size ⌊(N − F + 2P)/S⌋ + 1", ()), "N": SymbolInfo("input size", ()),
                    "F": SymbolInfo("kernel size", ()), "P": SymbolInfo("padding", ()), "S": SymbolInfo("stride", ())})
    kind = f"{cfg.n}×{cfg.n} input, {cfg.f}×{cfg.f} kernel" if cfg.dims == 2 else f"length {cfg.n}, kernel {cfg.f}"
    title = f"Convolution ({cfg.dims}-D, {kind}, stride {cfg.stride}, padding {cfg.padding})"
    doc = Derivation(NAME, cfg.public(), [size_step(cfg), *d.steps], dict(d.results), symbols, notes=notes(cfg),
                     graph=graph, title=title)
    return doc, d


def derive(options: dict[str, Any], given: dict[str, Any] | None = None, seed: int | None = None) -> Derivation:
    """The derivation; with ``given``/``seed`` every step also carries its number."""
    cfg = config(options)
    doc, d = document(cfg)
    if given is None and seed is None:
        return doc
    given = dict(given or {})
    values, drawn = leaf_values(doc.graph, given, seed or 0, draw(doc.graph, cfg, True))
    X, _, _ = cfg.names()
    doc.notes.append(value_note(given, drawn, seed or 0, f"whole numbers: {X} and T in 0…4, the others in −1…1"))
    return evaluate(doc, d, values)


def verify(options: dict[str, Any], seed: int = 0, backend: str = "numpy", points: int = 3) -> Verification:
    """∂L/∂X, ∂L/∂K, ∂L/∂b against central differences, the NumPy engine, torch (F.conv1d / F.conv2d) and
    SciPy's full convolution (for ∂L/∂X), at the given sizes and two random other ones."""
    import numpy as np
    from derive.numcheck import torch_available, without_torch
    cfg = config(options)
    doc, _ = document(cfg)
    rng = np.random.default_rng(seed)
    checks: list[Check] = []
    for k, variant in enumerate([cfg, *(random_config(cfg, rng) for _ in range(2))]):
        graph = variant.graph()
        d = derive_graph(graph, updates=False)
        X, K, _ = variant.names()
        found = verify_steps(graph, d, draw(graph, variant, False), points, seed + k, torch_loss(variant), [X, K, "b"])
        found.append(scipy_check(graph, d, variant, points, seed + k))
        label = f"at N={variant.n} F={variant.f} S={variant.stride} P={variant.padding}"
        checks += labelled(found, "" if k == 0 else label)
    notes = [f"{points} random points per size from seed {seed}, every value uniform on [−1, 1]; sizes: the given "
             "ones, then two drawn at random (named in the parameter column).",
             f"torch: F.conv{cfg.dims}d(input, weight, bias, stride=S, padding=P); SciPy: "
             f"scipy.signal.convolve2d(dil_S(∂L/∂Y), K, mode='full') without its P border (a true convolution)."]
    if not torch_available():
        notes.append(without_torch("finite differences, the NumPy engine and SciPy only"))
    return Verification(doc, checks, metric=METRIC, notes=notes)


def random_config(cfg: Config, rng: np.random.Generator) -> Config:
    """Other random sizes of the same dimensionality and loss."""
    n = int(rng.integers(3, 7))
    f = int(rng.integers(1, min(n, 4) + 1))
    return Config(cfg.dims, n, f, int(rng.integers(1, 4)), int(rng.integers(0, f)), cfg.loss)


def scipy_check(graph: Graph, d: Any, cfg: Config, points: int, seed: int) -> Check:
    """The derived ∂L/∂X against a true full convolution (scipy.signal.convolve2d) of the spread-out ∂L/∂Y
    with the kernel, minus the P border rows/columns."""
    import numpy as np
    from scipy.signal import convolve2d

    from derive.numcheck import rel_error
    X, K, Y = cfg.names()
    program, rng, worst = Program(d.steps), np.random.default_rng(seed), 0.0
    grid = out_size(cfg.n, cfg.f, cfg.padding, 1)
    for _ in range(points):
        env = program.run(draw(graph, cfg, False)(rng))
        up = env[f"dL_d{Y}"]
        spread = np.zeros((grid, grid) if cfg.dims == 2 else (1, grid))
        spread[:: 1 if cfg.dims == 1 else cfg.stride, :: cfg.stride][: up.shape[0], : up.shape[1]] = up
        full = convolve2d(spread, env[K], mode="full")
        p = cfg.padding
        crop = full[p: p + cfg.n, p: p + cfg.n] if cfg.dims == 2 else full[:, p: p + cfg.n]
        worst = max(worst, rel_error(env[f"dL_d{X}"], crop))
    return Check(X, worst, "full convolution of ∂L/∂Y with K (scipy.signal.convolve2d)", 1e-9, points)


def torch_loss(cfg: Config) -> Any:
    """The same layer and loss written with torch's F.conv1d / F.conv2d (an independent oracle). Picklable (``derive.torch_losses``), for the torch worker."""
    from derive import torch_losses
    return torch_losses.of_config(torch_losses.conv, cfg)
