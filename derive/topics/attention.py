"""Attention: ``chainrule derive attention`` and ``verify attention``.

Scaled dot-product attention S = Q Kᵀ/√d_k, A = softmax(S) row by row, O = A V, with ∂L/∂Q,
∂L/∂K, ∂L/∂V from the reverse walk for L = Σ G ⊙ O (G a given upstream gradient; ``--loss mse``:
L = ½‖O − T‖²). ``--heads h`` gives multi-head attention with W_i^Q, W_i^K, W_i^V, W^O
(d_k = d_model/h); ``--mask causal`` masks the keys after each query. Then the 1/√d_k factor's
effect on softmax saturation (seeded random q, k of growing d_k) and sinusoidal positional encodings.

Options: heads, mask (none, causal), loss (upstream, mse), and ``--set`` n (queries), m (keys;
= n by default), d_k, d_v (single head), d_model (multi-head).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import sympy as sp

from derive.backprop import derive_graph
from derive.errors import UserError
from derive.graph import Graph
from derive.models.attention import attention, multihead
from derive.printing.math import to_text
from derive.steps import Check, Derivation, Result, Step, SymbolInfo, Verification
from derive.topics._graph_topic import choice, labelled, leaf_values, merged, uniform, value_note, whole, zero_check
from derive.verification import METRIC, Program, evaluate, verify_steps

if TYPE_CHECKING:
    import numpy as np

NAME = "attention"
SUMMARY = ("scaled dot-product attention: ∂L/∂Q, ∂L/∂K, ∂L/∂V; --heads h (W_Q, W_K, W_V, W_O), --mask causal, "
           "1/√d_k vs softmax saturation, positional encoding")
OPTIONS: dict[str, Any] = {"heads": None, "mask": "none", "loss": "upstream", "n": 3, "m": None, "d_k": None,
                           "d_v": None, "d_model": None}
MASKS = {"none": "none", "causal": "causal"}
LOSSES = {"upstream": "upstream", "sum": "upstream", "g": "upstream", "mse": "mse", "sse": "mse"}
MAX_TOKENS, MAX_WIDTH, MAX_HEADS = 8, 16, 8
SATURATION_DIMS, SATURATION_KEYS, SATURATION_ROWS = (4, 16, 64, 256), 10, 1000


@dataclass(frozen=True)
class Config:
    """Validated options: n queries, m keys, widths, heads (None: one head, no projections), mask, loss."""

    n: int
    m: int
    d_k: int
    d_v: int
    d_model: int | None
    heads: int | None
    causal: bool
    loss: str

    def graph(self) -> Graph:
        """The graph these options describe."""
        if self.heads is None:
            return attention(self.n, self.m, self.d_k, self.d_v, self.causal, self.loss)
        return multihead(self.n, self.m, self.d_model or 0, self.heads, self.causal, self.loss)

    def public(self) -> dict[str, Any]:
        """The options as shown in the output."""
        out: dict[str, Any] = {"n": self.n, "m": self.m}
        if self.heads is not None:
            out.update(heads=self.heads, d_model=self.d_model)
        out.update(d_k=self.d_k, d_v=self.d_v, mask="causal" if self.causal else "none", loss=self.loss)
        return out

    def sizes(self, sep: str = ", ") -> str:
        """The sizes in one line, e.g. ``n=3, m=3, d_k=4, d_v=2`` (d_k, d_v implied by d_model under heads)."""
        skip = ("mask", "loss", "d_k", "d_v") if self.heads and sep != ", " else ("mask", "loss")
        return sep.join(f"{k}={v}" for k, v in self.public().items() if k not in skip)


# --- options ---------------------------------------------------------------------------------------

def config(options: dict[str, Any]) -> Config:
    """Validate the options; UserError naming the option on a bad value."""
    o = merged(OPTIONS, options)
    causal = choice(o["mask"], "--mask", MASKS) == "causal"
    loss = choice(o["loss"], "--loss", LOSSES)
    n = whole(o["n"], "--set n", 1, MAX_TOKENS)
    m = n if o["m"] is None else whole(o["m"], "--set m", 1, MAX_TOKENS)
    if causal and m != n:
        raise UserError(f"a causal mask needs as many keys as queries (n = {n}, m = {m})", "--mask")
    if o["heads"] is None:
        if o["d_model"] is not None:
            raise UserError("d_model belongs to multi-head attention: add --heads h", "--set d_model")
        d_k = 4 if o["d_k"] is None else whole(o["d_k"], "--set d_k", 1, MAX_WIDTH)
        d_v = 2 if o["d_v"] is None else whole(o["d_v"], "--set d_v", 1, MAX_WIDTH)
        return Config(n, m, d_k, d_v, None, None, causal, loss)
    heads = whole(o["heads"], "--heads", 1, MAX_HEADS)
    d_model = 4 if o["d_model"] is None else whole(o["d_model"], "--set d_model", 1, MAX_WIDTH)
    if d_model % heads:
        raise UserError(f"d_model = {d_model} is not divisible by h = {heads} heads (d_k = d_model/h); "
                        f"give --set d_model={heads * max(1, d_model // heads)} or another h", "--heads")
    d_k = d_model // heads
    for key in ("d_k", "d_v"):
        if o[key] is not None and whole(o[key], f"--set {key}", 1, MAX_WIDTH) != d_k:
            raise UserError(f"with {heads} heads {key} = d_model/h = {d_k}", f"--set {key}")
    return Config(n, m, d_k, d_k, d_model, heads, causal, loss)


# --- notes and the numeric steps ---------------------------------------------------------------------

def notes(cfg: Config) -> list[str]:
    """The conventions, stated once."""
    c = 1 / sp.sqrt(cfg.d_k)
    out = ["Layout: rows are tokens (Q ∈ ℝ^{n×d_k} holds one query per row; K, V one key/value per row), as in "
           "Attention(Q, K, V) = softmax(QKᵀ/√d_k) V; ∂L/∂X has the shape of X (denominator layout); ⊙ is the "
           "elementwise product, 𝟏 a vector of ones; softmax acts along each row (over the keys).",
           "Loss: L = Σ G ⊙ O = 𝟏ᵀ(G ⊙ O)𝟏 for a given upstream gradient G, so ∂L/∂O = G and every gradient below is "
           "the backward pass of attention for any G." if cfg.loss == "upstream" else
           "Loss: L = ½‖O − T‖² (sum over all entries), so ∂L/∂O = O − T.",
           f"Scale: 1/√d_k = 1/√{cfg.d_k} = {to_text(c)} ≈ {float(c):.6g}."]
    if cfg.heads is not None:
        out.append(f"Multi-head: h = {cfg.heads}, d_k = d_v = d_model/h = {cfg.d_model}/{cfg.heads} = {cfg.d_k}; "
                   "head_i = Attention(Q W_i^Q, K W_i^K, V W_i^V) with W_i^Q, W_i^K, W_i^V ∈ ℝ^{d_model×d_k}, "
                   "O = [head_1, …, head_h] W^O with W^O ∈ ℝ^{h d_k×d_model} (no biases; PyTorch's in_proj_weight "
                   "stacks the transposes [W_1^Q, …, W_h^Q]ᵀ).")
    if cfg.causal:
        out.append("Causal mask: M_ij = −∞ for j > i (a query never sees later keys), 0 otherwise; softmax(S + M) "
                   "gives A_ij = 0 there (computed as exact zeros, never as ∞). Since ∂L/∂S = A ⊙ (…), the masked "
                   "entries of ∂L/∂S are 0 as well: masked scores receive no gradient.")
    out += ["Why 1/√d_k: for q, k_j with independent N(0, 1) entries, q·k_j has variance d_k. Unscaled, the scores "
            "spread as √d_k, the softmax saturates (max weight → 1, entropy → 0) and its Jacobian diag(a) − a aᵀ "
            "→ 0, so gradients vanish; scaled, the scores keep unit variance (steps saturation_*: mean over "
            f"{SATURATION_ROWS} random rows of {SATURATION_KEYS} keys, seeded).",
            "Positional encoding (steps omega_i, PE_pos): PE(pos, 2i) = sin(pos/10000^{2i/d}), "
            f"PE(pos, 2i+1) = cos(pos/10000^{{2i/d}}) for pos = 0…{cfg.n - 1} and d = {_pe_width(cfg)} "
            f"({'d_model' if cfg.heads else 'd_k'}); ω_i = 1/10000^{{2i/d}}."]
    return out


def _pe_width(cfg: Config) -> int:
    return cfg.d_model if cfg.heads is not None and cfg.d_model else cfg.d_k


def pe_steps(n: int, d: int) -> tuple[list[Step], Any, list[list[float]]]:
    """The frequencies ω_i and the encodings of positions 0…n−1 as exact numbers, and the n×d matrix."""
    omegas = [sp.Integer(10000) ** sp.Rational(-2 * i, d) for i in range((d + 1) // 2)]
    steps = [Step(f"omega_{i}", f"frequency of dimensions {2 * i} and {2 * i + 1}: ω_{i} = 1/10000^(2·{i}/{d})",
                  w, value=float(w), lhs=sp.Symbol(f"omega_{i}")) for i, w in enumerate(omegas)]
    rows = []
    for pos in range(n):
        row = [sp.sin(pos * omegas[c // 2]) if c % 2 == 0 else sp.cos(pos * omegas[c // 2]) for c in range(d)]
        rows.append(row)
        steps.append(Step(f"PE_{pos}", f"positional encoding of position {pos}: [sin({pos}·ω_i), cos({pos}·ω_i), …]",
                          sp.ImmutableMatrix([row]), value=[[float(v) for v in row]],
                          lhs=sp.MatrixSymbol(f"PE_{pos}", 1, d), shape=(1, d)))
    return steps, sp.ImmutableMatrix(rows), [[float(v) for v in r] for r in rows]


# saturation_numbers(0, d, scaled) for every d_k of SATURATION_DIMS: the figures a derivation at the default
# seed prints, kept here so that it needs no NumPy (drawing 2.5 million normals costs a quarter of a second).
# tests/derive/test_attention.py recomputes them with NumPy and checks them against torch.
SATURATION_SEED0: dict[tuple[int, bool], tuple[float, ...]] = {
    (4, False): (2.020665, 0.48687, 1.445391, 0.339113),
    (4, True): (1.010333, 0.303271, 1.946579, 0.340362),
    (16, False): (4.084243, 0.730463, 0.738794, 0.259437),
    (16, True): (1.021061, 0.319825, 1.920236, 0.346068),
    (64, False): (7.98767, 0.85687, 0.370488, 0.169486),
    (64, True): (0.998459, 0.310776, 1.936535, 0.348134),
    (256, False): (16.08576, 0.937164, 0.157095, 0.083664),
    (256, True): (1.00536, 0.327484, 1.914029, 0.347112),
}


def saturation(seed: int, d: int, scaled: bool) -> list[float]:
    """[std of the scores, mean max weight, mean entropy (nats), mean ‖diag(a) − a aᵀ‖_F] of softmax rows of
    q·k_j (÷√d when ``scaled``), q, k_j ~ N(0, I_d), over SATURATION_ROWS rows of SATURATION_KEYS keys
    (``saturation_numbers``; at seed 0 read from SATURATION_SEED0)."""
    known = SATURATION_SEED0.get((d, scaled)) if seed == 0 else None
    return list(known) if known is not None else saturation_numbers(seed, d, scaled)


def saturation_numbers(seed: int, d: int, scaled: bool) -> list[float]:
    """The four statistics of :func:`saturation` computed with NumPy from the normals of
    ``default_rng([seed, d])`` (the same q, k for the scaled and the unscaled row), rounded to 6 decimals."""
    import numpy as np
    s = _raw_scores(seed, d) / (np.sqrt(d) if scaled else 1.0)
    a = np.exp(s - s.max(axis=1, keepdims=True))
    a /= a.sum(axis=1, keepdims=True)
    entropy = -np.sum(np.where(a > 0, a * np.log(np.where(a > 0, a, 1.0)), 0.0), axis=1)
    jac = np.einsum("ri,ij->rij", a, np.eye(SATURATION_KEYS)) - np.einsum("ri,rj->rij", a, a)
    stats = [np.std(s), np.mean(a.max(axis=1)), np.mean(entropy), np.mean(np.linalg.norm(jac, axis=(1, 2)))]
    return [round(float(v), 6) for v in stats]


@lru_cache(maxsize=len(SATURATION_DIMS))
def _raw_scores(seed: int, d: int) -> Any:
    """q·k_j for SATURATION_ROWS rows of SATURATION_KEYS keys, q, k_j ~ N(0, I_d) from ``default_rng([seed, d])``
    (drawn once for the scaled and the unscaled row; read-only)."""
    import numpy as np
    rng = np.random.default_rng([seed, d])
    q = rng.standard_normal((SATURATION_ROWS, d))
    k = rng.standard_normal((SATURATION_ROWS, SATURATION_KEYS, d))
    s = np.einsum("rd,rmd->rm", q, k)
    s.flags.writeable = False
    return s


def saturation_steps(seed: int) -> list[Step]:
    """Two steps per d_k (unscaled, scaled by 1/√d_k), each with its four statistics."""
    what = "(std of scores, mean max_j a_j, mean entropy −Σ_j a_j ln a_j, mean ‖diag(a) − a aᵀ‖_F)"
    steps = []
    for d in SATURATION_DIMS:
        for scaled in (False, True):
            form = f"softmax(q·k_j/√{d})" if scaled else "softmax(q·k_j)"
            steps.append(Step(f"saturation_d{d}_{'scaled' if scaled else 'raw'}",
                              f"d_k = {d}: {form} over {SATURATION_KEYS} keys, q, k_j ~ N(0, I) (seed {seed})",
                              what, value=saturation(seed, d, scaled)))
    return steps


# --- the two entry points ----------------------------------------------------------------------------

def draw(graph: Graph, decimals: int | None) -> Any:
    """Leaf values: every leaf uniform on [−1, 1] (rounded to ``decimals``), in declaration order."""
    return lambda rng: {x.name: uniform(rng, x.shape, -1.0, 1.0, decimals) for x in graph.leaves}


def document(cfg: Config, seed: int | None) -> tuple[Derivation, Any]:
    """The derivation (graph steps, then saturation and positional-encoding steps) and its GraphDerivation."""
    graph = cfg.graph()
    d = derive_graph(graph, updates=False)
    pe, pe_expr, pe_value = pe_steps(cfg.n, _pe_width(cfg))
    pe_result = Result("PE", pe_expr, pe_value, "sinusoidal positional encodings, one row per position")
    results = {**d.results, "PE": pe_result}
    symbols = dict(d.symbols)
    if cfg.causal:
        symbols["M"] = SymbolInfo("causal mask: 0 for j ≤ i, −∞ for j > i", (cfg.n, cfg.m))
    symbols.update({s.id: SymbolInfo("ω_i = 1/10000^(2i/d)" if s.id.startswith("omega") else
                                     f"positional encoding of position {s.id[3:]}", s.shape or ()) for s in pe})
    symbols["PE"] = SymbolInfo("positional encodings PE(pos, ·), pos = 0…n−1", (cfg.n, _pe_width(cfg)))
    kind = "Multi-head attention" if cfg.heads else "Scaled dot-product attention"
    title = f"{kind} ({cfg.sizes()}{', causal mask' if cfg.causal else ''})"
    steps = [*d.steps, *saturation_steps(0 if seed is None else seed), *pe]
    return Derivation(NAME, cfg.public(), steps, results, symbols, notes=notes(cfg), graph=graph, title=title), d


def derive(options: dict[str, Any], given: dict[str, Any] | None = None, seed: int | None = None) -> Derivation:
    """The derivation; with ``given``/``seed`` every step also carries its number."""
    cfg = config(options)
    doc, d = document(cfg, seed)
    if given is None and seed is None:
        return doc
    given = dict(given or {})
    values, drawn = leaf_values(doc.graph, given, seed or 0, draw(doc.graph, 2))
    doc.notes.append(value_note(given, drawn, seed or 0, "uniform on [−1, 1], 2 decimals"))
    return evaluate(doc, d, values)


def verify(options: dict[str, Any], seed: int = 0, backend: str = "numpy", points: int = 3) -> Verification:
    """∂L/∂Q, ∂L/∂K, ∂L/∂V (and every W) against central differences, the NumPy engine and torch
    (F.scaled_dot_product_attention, or F.multi_head_attention_forward for --heads) at the given
    sizes and at two other random sizes; with --mask causal, the masked entries of A and ∂L/∂S are 0."""
    import numpy as np
    from derive.numcheck import torch_available, without_torch
    cfg = config(options)
    doc, _ = document(cfg, seed)
    checks: list[Check] = []
    for k, variant in enumerate(variants(cfg, np.random.default_rng(seed))):
        graph = variant.graph()
        d = derive_graph(graph, updates=False)
        wrt = ["Q", "K", "V", *(p.name for p in graph.params)]
        found = verify_steps(graph, d, draw(graph, None), points, seed + k, torch_loss(variant), wrt)
        checks += labelled(found, "" if k == 0 else f"at {variant.sizes(' ')}")
        if variant.causal and k == 0:
            checks += mask_checks(graph, d, variant, points, seed)
    notes = [f"{points} random points per size from seed {seed}; all values uniform on [−1, 1]; sizes: the given ones, "
             "then two drawn at random (named in the parameter column).",
             "torch: F.scaled_dot_product_attention (one head) or F.multi_head_attention_forward, the function behind "
             "nn.MultiheadAttention (--heads), with the same weights."]
    if not torch_available():
        notes.append(without_torch("finite differences and the NumPy engine only"))
    return Verification(doc, checks, metric=METRIC, notes=notes)


def variants(cfg: Config, rng: np.random.Generator) -> list[Config]:
    """The configured sizes and two random other ones (same heads, mask and loss)."""
    out = [cfg]
    for _ in range(2):
        n = int(rng.integers(2, 5))
        m = n if cfg.causal else int(rng.integers(2, 5))
        if cfg.heads is None:
            out.append(replace(cfg, n=n, m=m, d_k=int(rng.integers(1, 6)), d_v=int(rng.integers(1, 4))))
        else:
            d_k = int(rng.integers(1, 4))
            out.append(replace(cfg, n=n, m=m, d_k=d_k, d_v=d_k, d_model=cfg.heads * d_k))
    return out


def mask_checks(graph: Graph, d: Any, cfg: Config, points: int, seed: int) -> list[Check]:
    """The masked entries (j > i) of A and of ∂L/∂S, evaluated from the displayed formulas, are exactly 0."""
    import numpy as np
    program, rng = Program(d.steps), np.random.default_rng(seed)
    above = np.triu(np.ones((cfg.n, cfg.m), dtype=bool), 1)
    tag = "" if cfg.heads is None else "_1"
    a_vals, g_vals = [], []
    for _ in range(points):
        env = program.run(draw(graph, None)(rng))
        a_vals += list(env[f"A{tag}"][above])
        g_vals += list(env[f"dL_dS{tag}"][above])
    method = "exact zero at the masked entries j > i (max |·|)"
    return [zero_check(f"A{tag} (masked)", a_vals, method, points),
            zero_check(f"∂L/∂S{tag} (masked)", g_vals, method, points)]


def torch_loss(cfg: Config) -> Any:
    """The same loss written with torch's own attention (an independent oracle for every gradient). Picklable (``derive.torch_losses``), for the torch worker."""
    from derive import torch_losses
    return torch_losses.of_config(torch_losses.attention, cfg)
