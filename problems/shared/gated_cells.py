"""Gated recurrent cells, shared by lstm and gru: givens, texts, the parameter-count variant, and the
finite differences and NumPy units of their cross-checks.

Equations::

    per gate: W_g (H × (H + D)) acting on [h_{t−1}, x_t], plus b_g (H)   →  h(h + x) + h parameters
    LSTM: 4 gates → 4[h(h + x) + h];  GRU: 3 gates → 3[h(h + x) + h];  bidirectional: twice that
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, Callable

import numpy as np

from derive.steps import StepSpec
from problems.givens import choice, integer, matrix, vector
from problems.shared.clear_mistakes import distinct
from problems.shared.given_readers import one_unit
from problems.shared.random_givens import dec, pick, variant_of
from problems.shared.statement_text import mat_g, vec_g


VARIANTS = {"forward": "one cell step, every gate", "backward": "forward, then one backward step",
            "params": "parameter counts (and the bidirectional layer)"}
_DRAW = {"easy": ["forward", "forward", "params"], "exam": ["forward", "forward", "params"], "hard": ["backward", "backward", "params"]}


def own_mistakes(forward: dict[str, str], backward: dict[str, str]) -> dict[str, list[str]]:
    """The mistakes each variant replays: the forward ones, forward and backward, or the counting ones."""
    return {"forward": list(forward), "backward": list(forward) + list(backward), "params": list(PARAM_MISTAKES)}


def generate(module: ModuleType, rng: np.random.Generator, difficulty: str, variant: str | None, gates: str,
             states: tuple[str, ...], own: dict[str, list[str]], fixed: Callable[[], dict[str, Any]] = dict) -> dict[str, Any]:
    """Givens of a cell type: the variant (drawn when not given), then ``fixed()`` (e.g. a convention)
    and cell givens redrawn until every mistake the variant replays is ``distinct``."""
    v = variant_of(rng, variant, VARIANTS, _DRAW, difficulty)
    if v == "params":
        return {"variant": v} | gen_params(rng, difficulty)
    head = {"variant": v} | fixed()
    while True:
        g = head | gen_cell(rng, difficulty, gates, states, v == "backward")
        if distinct(module, g, own[v]):
            return g


def given_variant(givens: dict[str, Any]) -> str:
    """The variant the givens name, else the one they imply: params with ``hidden``, backward with ``dh``."""
    guess = "params" if "hidden" in givens else "backward" if "dh" in givens else "forward"
    return choice(givens, "variant", VARIANTS, default=guess)


def gen_cell(rng: np.random.Generator, d: str, gates: str, states: tuple[str, ...],
             backward: bool) -> dict[str, Any]:
    """One-decimal weights W_g (H×(H+D)), non-zero biases b_g, states, input and upstream gradients."""
    H = 1 if d == "easy" else pick(rng, [1, 2] if d == "exam" else [2])
    D = 1 if d == "easy" else pick(rng, [1, 2] if H == 1 else [1, 2] if d == "hard" else [1])
    g: dict[str, Any] = {f"W{k}": dec(rng, (H, H + D), -1, 1, nonzero=True) for k in gates}
    g |= {f"b{k}": dec(rng, H, -0.5, 0.5, nonzero=True) for k in gates}
    g |= {s: dec(rng, H, -1, 1, nonzero=True) for s in states} | {"x": dec(rng, D, -1, 1, nonzero=True)}
    if backward:
        g["dh"] = dec(rng, H, -1, 1, nonzero=True)
        if "c_prev" in states:
            g["dc_next"] = dec(rng, H, -0.5, 0.5, nonzero=True) if d != "easy" else np.zeros(H)
    return {k: v.tolist() for k, v in g.items()}


def val_cell(g: dict[str, Any], gates: str, states: tuple[str, ...], backward: bool) -> dict[str, Any]:
    """Shapes agree: H from the first state, D from x; canonical nested lists (a 1-unit cell may
    give numbers)."""
    g = one_unit(g, [f"W{k}" for k in gates], [f"b{k}" for k in gates] + list(states) + ["x", "dh", "dc_next"])
    H = len(vector(g, states[0], (1, 4)))
    D = len(vector(g, "x", (1, 4)))
    out: dict[str, Any] = {f"W{k}": matrix(g, f"W{k}", rows=(H, H), cols=(H + D, H + D)) for k in gates}
    out |= {f"b{k}": vector(g, f"b{k}", (H, H)) for k in gates}
    out |= {s: vector(g, s, (H, H)) for s in states} | {"x": vector(g, "x", (D, D))}
    if backward:
        out["dh"] = vector(g, "dh", (H, H))
        if "c_prev" in states:
            out["dc_next"] = vector(g, "dc_next", (H, H), default=[0.0] * H)
    return out


def say_cell(g: dict[str, Any], gates: str, states: tuple[str, ...]) -> str:
    """Weights and states as the exercise lists them."""
    ws = ", ".join(f"W_{k} = {mat_g(g[f'W{k}'])}, b_{k} = {vec_g(g[f'b{k}'])}" for k in gates)
    ss = ", ".join(f"{s.replace('_prev', '_{t−1}')} = {vec_g(g[s])}" for s in states)
    return f"The weights act on [h_{{t−1}}, x_t]: {ws}. The state is {ss} and the input x_t = {vec_g(g['x'])}."


# --- params variant ---------------------------------------------------------------------------

PARAM_STEPS = [
    StepSpec("weights", "Weights of one gate, h(h + x)", "integer", None, "h(h + x)"),
    StepSpec("per-gate", "Parameters of one gate", "integer", None, "h(h + x) + h"),
    StepSpec("total", "Parameters of the layer", "integer", None, "gates · [h(h + x) + h]"),
    StepSpec("bidir", "Parameters of the bidirectional layer", "integer", None, "2 · total"),
    StepSpec("out-size", "Output size of the bidirectional layer per step", "integer", None, "[h→; h←]: 2h"),
]
PARAM_MISTAKES = {
    "bias-forgotten": "bias forgotten: h(h + x) per gate instead of h(h + x) + h",
    "recurrent-forgotten": "recurrent weights forgotten: h·x + h per gate instead of h(h + x) + h",
    "gate-count": "wrong number of gates (LSTM has 4: f, i, o, c̃; GRU has 3: z, r, h̃)",
    "bidir-not-doubled": "bidirectional layer counted once: it has two independent directions",
    "bias-convention": ("bias vectors per gate miscounted for the stated convention: one (course, Keras) or two "
                        "(PyTorch's b_ih and b_hh)"),
}


def gen_params(rng: np.random.Generator, d: str) -> dict[str, Any]:
    """Hidden and input sizes as in Keras summaries."""
    sizes = {"easy": ([2, 3, 4], [1, 2, 3]), "exam": ([8, 16, 32, 64], [4, 10, 16, 32]), "hard": ([50, 64, 100, 128], [20, 32, 50, 300])}[d]
    return {"hidden": pick(rng, sizes[0]), "inputs": pick(rng, sizes[1])}


def val_params(g: dict[str, Any]) -> dict[str, Any]:
    """The hidden size h and the input size x, whole numbers ≥ 1; ``biases`` two for PyTorch's
    convention (b_ih and b_hh per gate), else one (kept out of the givens when one)."""
    out = {"hidden": integer(g, "hidden", 1, 100_000), "inputs": integer(g, "inputs", 1, 100_000)}
    if choice(g, "biases", ("one", "two"), default="one") == "two":
        out["biases"] = "two"
    return out


def bias_vectors(g: dict[str, Any]) -> int:
    """Bias vectors per gate: 2 under PyTorch's convention (``biases = two``), else 1."""
    return 2 if g.get("biases") == "two" else 1


def params_convention(g: dict[str, Any], gates: int) -> str:
    """The bias convention line of the params variant (``gates``: 4 for LSTM, 3 for GRU)."""
    if bias_vectors(g) == 2:
        return f"Two bias vectors per gate, as PyTorch keeps them (b_ih and b_hh): h(h + x) + 2h per gate, {gates}h more per direction than Keras."
    return f"One bias vector per gate (course, Keras); PyTorch keeps two (b_ih and b_hh), {gates}h more per direction."


def say_params(g: dict[str, Any], name: str) -> str:
    """The statement of the params variant for a ``name`` (LSTM or GRU) layer."""
    torch = " in PyTorch's convention (two bias vectors per gate, b_ih and b_hh)" if bias_vectors(g) == 2 else ""
    return (f"A {name} layer{torch} has h = {g['hidden']} hidden units and x = {g['inputs']} inputs per step. Count the "
            "weights and parameters of one gate, of the layer, and of a bidirectional version; give the size "
            "of the bidirectional output per step.")


def solve_params(g: dict[str, Any], work: Any, gates: int, wrong_gates: int) -> None:
    """h(h + x), h(h + x) + h, gates·[h(h + x) + h], twice that and 2h; ``gate-count`` uses ``wrong_gates``."""
    h, x = g["hidden"], g["inputs"]
    w = work.put("weights", "Weights of one gate", h * (x if work.mistake("recurrent-forgotten") else h + x), "h(h + x)",
                 because=f"{h}·({h} + {x})")
    nb = bias_vectors(g)
    nb = 3 - nb if work.mistake("bias-convention") else nb
    per = work.put("per-gate", "Parameters of one gate", w + (0 if work.mistake("bias-forgotten") else nb * h),
                   "h(h + x) + 2h" if bias_vectors(g) == 2 else "h(h + x) + h", depends_on=("weights",))
    n = wrong_gates if work.mistake("gate-count") else gates
    total = work.put("total", "Parameters of the layer", n * per, f"{gates}·[h(h + x) + h]", depends_on=("per-gate",))
    work.put("bidir", "Bidirectional layer", total * (1 if work.mistake("bidir-not-doubled") else 2), "2 · total",
             depends_on=("total",), because="forward and backward directions have their own weights")
    work.put("out-size", "Bidirectional output per step", 2 * h, "[h→; h←] has 2h entries")


def cross_params(g: dict[str, Any], torch: Any, kind: str) -> dict[str, Any]:
    """torch nn.LSTM/nn.GRU counts minus the second bias vector PyTorch keeps; else NumPy shapes."""
    h, x, n = g["hidden"], g["inputs"], {"lstm": 4, "gru": 3}[kind]
    two_biases = str(g.get("biases", "one")).strip().lower() == "two"  # read here, not with the solver's helper
    if torch is not None:
        cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind]
        one = cls(x, h, device="meta")
        both = cls(x, h, bidirectional=True, device="meta")
        extra = 0 if two_biases else one.bias_hh_l0.numel()
        total = sum(p.numel() for p in one.parameters()) - extra
        bidir = sum(p.numel() for p in both.parameters()) - 2 * extra
        out_size = both(torch.empty(1, 1, x, device="meta"))[0].shape[-1]
        return {"weights": one.weight_hh_l0.numel() // n + one.weight_ih_l0.numel() // n, "per-gate": total // n,
                "total": total, "bidir": bidir, "out-size": out_size}
    W = np.zeros((n, h, h + x))
    total = W.size + np.zeros((n, h)).size * (2 if two_biases else 1)
    return {"weights": W[0].size, "per-gate": total // n, "total": total, "bidir": 2 * total, "out-size": 2 * h}


# --- NumPy fallback of the cross-checks -------------------------------------------------------

class NumpyUnits:
    """The unit functions a cell graph calls (``B.sigmoid``, ``B.tanh``) on NumPy arrays, standing in for torch."""

    tanh = staticmethod(np.tanh)

    @staticmethod
    def sigmoid(x: Any) -> Any:
        """σ(x) = 1/(1 + e^{−x})."""
        return 1 / (1 + np.exp(-x))


def fd_grads(run: Callable[[dict[str, np.ndarray]], float], shapes: dict[str, tuple[int, ...]],
             eps: float = 1e-6) -> dict[str, np.ndarray]:
    """∂L/∂(bump on each named quantity) by central differences; ``run(bumps)`` returns L."""
    out = {}
    for key, shape in shapes.items():
        grad = np.zeros(shape)
        for idx in np.ndindex(*shape):
            e = np.zeros(shape)
            e[idx] = eps
            grad[idx] = (run({key: e}) - run({key: -e})) / (2 * eps)
        out[key] = grad
    return out
