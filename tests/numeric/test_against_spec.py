"""Each hand-written numeric layer against the gradients ``derive`` shows for the same layer.

The symbolic spec and the numeric code are tied by these tests, not by hope (STYLE rule 2, the
verification matrix's "hand-written numeric model = spec"). For every row of ``TIES``:

1. the derive topic's graph is built from the topic's own options (``topic.config`` and its
   ``build``/``graph``), ``derive_graph`` derives it, and its steps — the formulas a student reads —
   are compiled into one NumPy program (``derive.verification.Program``); ``test_the_tied_formulas_are_
   the_displayed_ones`` checks they are the formulas ``chainrule derive TOPIC`` prints;
2. the row's adapter draws random numbers, runs the derived program on them and runs the numeric
   layer's ``forward``/``backward`` on the SAME numbers, translating layouts (derive: one example,
   vectors are columns; numeric: a batch of rows, weights acting as x W) and conventions (GRU z and
   reset placement, PyTorch's two GRU biases, batch-norm ε, the scale of a batch-mean loss);
3. every forward quantity and every gradient must agree to ``TOL`` (float64), and every leaf the
   derive graph differentiates must have been compared (nothing silently skipped).

Analytic topics (``activations``, ``losses``) have no graph: their result formulas are lambdified.
Adding a layer = one adapter and one ``Tie(...)`` row. What one side expresses and the other does
not is listed in docs/numeric-spec-ties.md.
"""

from __future__ import annotations

import importlib
import zlib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Callable

import numpy as np
import pytest
import sympy as sp

from derive.backprop import GraphDerivation, derive_graph, scalar_derivation
from derive.functions import lambdify
from derive.graph import Graph
from derive.verification import Program
from numeric.layers import activations, attention, batchnorm, conv, dense, gru, losses, lstm, positional, rnn
from numeric.optim import SGD

TOL = 1e-9
FLOOR = 1e-8  # scale floor of the relative error (quantities that are exactly 0, e.g. masked weights)


# --- the machinery ------------------------------------------------------------------------------

def rel_error(derived: Any, numeric: Any) -> float:
    """max |a − b| / max(|a|, |b|, FLOOR) over all entries; the shapes must match exactly."""
    a, b = np.asarray(derived, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    assert a.shape == b.shape, f"shapes differ: derive {a.shape}, numeric {b.shape}"
    scale = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0)), FLOOR)
    return float(np.max(np.abs(a - b), initial=0.0) / scale)


@dataclass
class Tied:
    """What an adapter compared: (quantity, derived value, numeric value), and which derive leaves'
    gradients and which forward quantities were among them."""

    pairs: list[tuple[str, Any, Any]] = field(default_factory=list)
    grads: set[str] = field(default_factory=set)
    forward: set[str] = field(default_factory=set)

    def add(self, label: str, derived: Any, numeric: Any, grad: str | tuple[str, ...] | None = None) -> None:
        """Record one comparison; ``grad`` names the derive leaf (or leaves) whose gradient it is."""
        self.pairs.append((label, derived, numeric))
        if grad is None:
            self.forward.add(label)
        else:
            self.grads.update((grad,) if isinstance(grad, str) else grad)

    def errors(self) -> dict[str, float]:
        """The relative error of every comparison (the worst one per label)."""
        out: dict[str, float] = {}
        for label, a, b in self.pairs:
            out[label] = max(out.get(label, 0.0), rel_error(a, b))
        return out


@dataclass(frozen=True)
class Spec:
    """A derive topic's graph, its derivation, and the derivation's steps compiled as one program."""

    topic: str
    cfg: Any  # the topic's validated options (its Config)
    graph: Graph
    d: GraphDerivation
    program: Program

    def run(self, values: dict[str, Any]) -> dict[str, Any]:
        """Every step's value (forward nodes by name, ∂L/∂leaf as ``dL_d<leaf>``) at ``values``."""
        return self.program.run(values)

    def grad(self, env: dict[str, Any], leaf: str) -> Any:
        """∂L/∂leaf from a program run."""
        return env[self.d.gradient(leaf)]

    def shape(self, name: str) -> tuple[int, ...]:
        """The shape of a leaf or node."""
        return self.graph.get(name).shape

    def draw(self, rng: np.random.Generator) -> dict[str, Any]:
        """A standard-normal value for every leaf, in declaration order (floats for scalar leaves)."""
        return {x.name: rng.standard_normal(x.shape) if x.shape else float(rng.standard_normal())
                for x in self.graph.leaves}

    @property
    def differentiated(self) -> set[str]:
        """The leaves the derivation differentiates."""
        return {x.name for x in self.graph.leaves if x.grad}

    def has(self, name: str) -> bool:
        """True when the graph has a leaf or node called ``name``."""
        return any(x.name == name for x in (*self.graph.leaves, *self.graph.nodes))


def topic_graph(topic: str, options: dict[str, Any]) -> tuple[Any, Graph]:
    """The validated options and the graph ``chainrule derive TOPIC`` builds for them (the topic's own
    ``config`` and ``build``/``Config.graph``)."""
    module = importlib.import_module(f"derive.topics.{topic}")
    cfg = module.config(options)
    return cfg, (cfg.graph() if hasattr(cfg, "graph") else module.build(cfg))


@lru_cache(maxsize=None)
def _spec(topic: str, options: tuple[tuple[str, Any], ...], also: tuple[str, ...]) -> Spec:
    cfg, graph = topic_graph(topic, dict(options))
    if also:  # inputs the topic shows no gradient for (x of the MLP, x_t of a sequence): also differentiated
        leaves = tuple(replace(x, grad=True) if x.name in also else x for x in graph.leaves)
        graph = Graph(graph.name, leaves, graph.nodes, graph.output)
    d = scalar_derivation(graph) if graph.scalar else derive_graph(graph, updates=False)
    return Spec(topic, cfg, graph, d, Program([*d.forward, *d.backward]))


def spec(topic: str, options: dict[str, Any], also: tuple[str, ...] = ()) -> Spec:
    """The derived program of ``topic`` with ``options`` (cached); ``also`` marks extra inputs differentiable."""
    return _spec(topic, tuple(sorted(options.items())), tuple(also))


Adapter = Callable[..., tuple[Spec | None, Tied]]


@dataclass(frozen=True)
class Tie:
    """One row: the numeric code, the derive topic and options it must agree with, and the adapter.

    ``layer`` names the numeric modules exercised (``"layers.rnn layers.dense"``, relative to
    ``numeric``). ``adapter(options, rng, **extra) -> (Spec | None, Tied)``: a graph topic returns its
    Spec (the generic test then checks that every differentiated leaf was compared); an analytic
    topic returns None and the row names the ``results`` it ties.
    """

    id: str
    layer: str
    topic: str
    options: dict[str, Any]
    adapter: Adapter
    extra: dict[str, Any] = field(default_factory=dict)
    results: tuple[str, ...] = ()
    forward: bool = True  # a layer has a forward pass to compare (an optimizer step does not)

    def run(self) -> tuple[Spec | None, Tied]:
        """The adapter at a seed drawn from the row's id (deterministic, different per row)."""
        return self.adapter(self.options, np.random.default_rng(zlib.crc32(self.id.encode())), **self.extra)


def scalar(value: Any) -> float:
    """A 1×1 (or 0-d) value as a float (the loss node L is 1×1)."""
    return float(np.asarray(value).item())


def stacked(envs: list[dict[str, Any]], key: Callable[[dict[str, Any]], Any]) -> np.ndarray:
    """One value per example, stacked along a new first axis."""
    return np.stack([np.asarray(key(e)) for e in envs])


def summed(envs: list[dict[str, Any]], key: Callable[[dict[str, Any]], Any]) -> np.ndarray:
    """The sum over examples (the gradient of a loss that adds the examples' losses)."""
    return stacked(envs, key).sum(axis=0)


# --- dense + activation + loss: derive mlp --matrix -----------------------------------------------

def mlp_adapter(options: dict[str, Any], rng: np.random.Generator, batch: int = 3) -> tuple[Spec, Tied]:
    """numeric dense → activations → … → losses, as the matrix-form net of the mlp topic.

    derive: z_l = W_l a_(l−1) + b_l (one example, a column); numeric: z = a W + b (a batch of rows),
    so W_numeric = W_lᵀ and b_numeric = b_l as a vector. The numeric losses are batch means, so they
    equal the mean of the per-example derived losses and gradients (mse: ½‖a_L − y‖² per example;
    cross-entropy: Σ_k BCE(σ(z_L), y) per example, from the logits).
    """
    s = spec("mlp", options, also=("x",))
    L = len(s.graph.params) // 2
    act, loss = s.cfg.activation, s.cfg.loss
    v = s.draw(rng)
    xs = rng.standard_normal((batch, s.shape("x")[0]))
    ys = rng.uniform(0.0, 1.0, (batch, s.shape("y")[0]))
    envs = [s.run({**v, "x": xs[n][:, None], "y": ys[n][:, None]}) for n in range(batch)]
    params = {f"W{l}": v[f"W{l}"].T for l in range(1, L + 1)} | {f"b{l}": v[f"b{l}"][:, 0] for l in range(1, L + 1)}
    t, a, caches = Tied(), xs, []
    for l in range(1, L + 1):
        z, c_dense = dense.forward(params, a, f"W{l}", f"b{l}")
        a, c_act = activations.forward(z, "sigmoid" if (l == L and loss == "cross-entropy") else act)
        caches.append((c_dense, c_act))
        t.add(f"z{l}", stacked(envs, lambda e: e[f"z{l}"][:, 0]), z)
        t.add(f"a{l}", stacked(envs, lambda e: e[f"a{l}"][:, 0]), a)
    value, dout = losses.mse(a, ys) if loss == "mse" else losses.bce_with_logits(z, ys)
    t.add("L", np.mean([scalar(e["L"]) for e in envs]), value)
    grads: dict[str, np.ndarray] = {}
    for l in range(L, 0, -1):
        c_dense, c_act = caches[l - 1]
        dz = dout if (l == L and loss == "cross-entropy") else activations.backward(dout, c_act)
        dout, g = dense.backward(dz, c_dense)
        grads.update(g)
    for l in range(1, L + 1):
        t.add(f"dL/dW{l}", summed(envs, lambda e: s.grad(e, f"W{l}").T) / batch, grads[f"W{l}"], f"W{l}")
        t.add(f"dL/db{l}", summed(envs, lambda e: s.grad(e, f"b{l}")[:, 0]) / batch, grads[f"b{l}"], f"b{l}")
    t.add("dL/dx", stacked(envs, lambda e: s.grad(e, "x")[:, 0]) / batch, dout, "x")
    return s, t


def textbook_adapter(options: dict[str, Any], rng: np.random.Generator) -> tuple[Spec, Tied]:
    """The same numeric layers against the textbook net of derive mlp (no --matrix): named weights
    w1, w2, … differentiated by SymPy itself, one bias per layer shared by its units.

    W1[i, j] is the weight from input i to hidden unit j, w_{(j−1)I+i}; W2[j, k] = w_{IH+(k−1)H+j};
    the shared b1 (b2) fills the numeric bias vector, so ∂E/∂b1 = Σ_j ∂E/∂b1_j. One example, so the
    numeric batch means are the textbook's sums (E = ½Σ_k (t_k − o_k)², or Σ_k BCE under cross-entropy).
    """
    from derive.models.mlp import weight_number
    s = spec("mlp", options)
    (I, H, K), act, loss = s.cfg.sizes, s.cfg.activation, s.cfg.loss
    w = lambda layer, unit, src: f"w{weight_number(layer, unit, src, I, H)}"  # noqa: E731
    v = {**s.draw(rng), **{f"t{k}": float(rng.uniform(0.0, 1.0)) for k in range(1, K + 1)}}
    if act == "relu":  # inputs, biases and output weights > 0 keep the output units alive (else every gradient is 0)
        output_weights = [w("output", k, j) for k in range(1, K + 1) for j in range(1, H + 1)]
        v.update({n: float(rng.uniform(0.1, 1.0)) for n in v if n[0] in "bi" or n in output_weights})
    env = s.run(v)
    W1 = np.array([[v[w("hidden", j, i)] for j in range(1, H + 1)] for i in range(1, I + 1)])
    W2 = np.array([[v[w("output", k, j)] for k in range(1, K + 1)] for j in range(1, H + 1)])
    params = {"W1": W1, "b1": np.full(H, v["b1"]), "W2": W2, "b2": np.full(K, v["b2"])}
    x, y = np.array([[v[f"i{i}"] for i in range(1, I + 1)]]), np.array([[v[f"t{k}"] for k in range(1, K + 1)]])
    z1, c1 = dense.forward(params, x, "W1", "b1")
    h, a1 = activations.forward(z1, act)
    z2, c2 = dense.forward(params, h, "W2", "b2")
    o, a2 = activations.forward(z2, "sigmoid" if loss == "cross-entropy" else act)
    t = Tied()
    t.add("out_h", [env[f"out_h{j}"] for j in range(1, H + 1)], h[0])
    t.add("out_o", [env[f"out_o{k}"] for k in range(1, K + 1)], o[0])
    value, dout = losses.mse(o, y) if loss == "mse" else losses.bce_with_logits(z2, y)
    t.add("E_total", env["E_total"], value)
    dh, g2 = dense.backward(dout if loss == "cross-entropy" else activations.backward(dout, a2), c2)
    _, g1 = dense.backward(activations.backward(dh, a1), c1)
    for layer, n_in, n_out, g in (("hidden", I, H, g1["W1"]), ("output", H, K, g2["W2"])):
        names = [w(layer, b, a) for a in range(1, n_in + 1) for b in range(1, n_out + 1)]
        t.add(f"dE/dw ({layer})", [s.grad(env, n) for n in names], g.reshape(-1), tuple(names))
    t.add("dE/db1", s.grad(env, "b1"), g1["b1"].sum(), "b1")
    t.add("dE/db2", s.grad(env, "b2"), g2["b2"].sum(), "b2")
    return s, t


# --- activations and losses: the analytic topics' result formulas ---------------------------------

ACTIVATION_KEYS = {"leaky-relu": ("leaky_relu", "leaky_relu"), "hard-swish": ("hardswish", "hard_swish")}
KINKS = (-3.0, 0.0, 3.0, 6.0)  # both sides state the same one-sided derivative there (ReLU′(0) = 0, …)


def activation_adapter(options: dict[str, Any], rng: np.random.Generator) -> tuple[None, Tied]:
    """numeric ``activations.forward/backward`` (and ``prelu_*``) against the topic's f and f′ (and ∂f/∂α).

    The points include the kinks themselves, where both sides promise the same convention.
    """
    from derive.analytic import activations as A
    name = options["which"]
    key, numeric_name = ACTIVATION_KEYS.get(name, (name, name))
    results = A.script([name]).results
    x = np.concatenate([rng.normal(0.0, 3.0, 16), KINKS]).reshape(4, 5)
    alpha = rng.uniform(0.05, 1.0, 5) if name == "prelu" else 0.01 if name == "leaky-relu" else 0.7

    def derived(result: str) -> np.ndarray:
        return np.broadcast_to(lambdify([A.x, A.alpha], results[result][0])(x, alpha), x.shape)
    dout, t = rng.standard_normal(x.shape), Tied()
    if name == "prelu":
        out, cache = activations.prelu_forward(x, alpha)
        dx, dalpha = activations.prelu_backward(dout, cache)
        t.add("dL/dalpha", (dout * derived("dprelu_dalpha")).sum(axis=0), dalpha, "dprelu_dalpha")
    else:
        out, cache = activations.forward(x, numeric_name, None if name == "leaky-relu" else alpha)
        dx = activations.backward(dout, cache)
    t.add("f(x)", derived(key), out)
    t.add("dL/dx", dout * derived(f"d{key}_dx"), dx, f"d{key}_dx")
    return None, t


def softmax_adapter(options: dict[str, Any], rng: np.random.Generator) -> tuple[None, Tied]:
    """numeric softmax over rows against the topic's explicit 3-logit softmax and ∂s_i/∂z_j = s_i(δ_ij − s_j)."""
    from derive.analytic import activations as A
    general = A.script(["softmax"]).results["dsoftmax_i_dz_j"][0]
    sym = {v.name: v for v in general.free_symbols}
    entry = lambdify([sym["s_i"], sym["s_j"], sym["i"], sym["j"]], general)
    z, dout = rng.normal(0.0, 2.0, (4, 3)), rng.standard_normal((4, 3))
    s_derived = np.stack([np.asarray(lambdify([A.Z], A.softmax_explicit())(row), float)[:, 0] for row in z])
    J = np.array([[[entry(s[i], s[j], i + 1, j + 1) for j in range(3)] for i in range(3)] for s in s_derived])
    out, cache = activations.softmax_forward(z)
    t = Tied()
    t.add("softmax(z)", s_derived, out)
    t.add("dL/dz", np.einsum("nij,ni->nj", J, dout), activations.softmax_backward(dout, cache), "dsoftmax_i_dz_j")
    return None, t


def _step(script: Any, id: str) -> Any:
    return next(e.formula for e in script.entries if e.id == id)


def _by_name(expr: Any) -> dict[str, Any]:
    return {s.name: s for s in expr.free_symbols}


def loss_adapter(options: dict[str, Any], rng: np.random.Generator, batch: int = 4) -> tuple[None, Tied]:
    """numeric ``losses.mse`` / ``bce_with_logits`` / ``softmax_cross_entropy`` (batch means) against the
    topic's loss definition and its gradient result, averaged over the rows of a batch."""
    from derive.analytic import losses as A
    which = options["which"]
    script, t = A.script([which]), Tied()
    if which == "mse":
        o, y = rng.standard_normal((batch, 3)), rng.standard_normal((batch, 3))
        E = lambdify([A.T, A.O], _step(script, "mse.n3"))
        grad = script.results["dE_do_k"][0]
        dE = lambdify([_by_name(grad)["o_k"], _by_name(grad)["t_k"]], grad)
        value, dout = losses.mse(o, y)
        t.add("E", np.mean([E(yn, on) for on, yn in zip(o, y)]), value)
        t.add("dL/do", dE(o, y) / batch, dout, "dE_do_k")
    elif which == "bce":
        z, y = rng.normal(0.0, 3.0, (batch, 2)), rng.uniform(0.0, 1.0, (batch, 2))
        Lz = lambdify([A.y, A.z], _step(script, "bce.logit"))
        dz = lambdify([A.y, A.z], script.results["dL_dz"][0])
        value, dout = losses.bce_with_logits(z, y)
        t.add("L", Lz(y, z).sum() / batch, value)
        t.add("dL/dz", dz(y, z) / batch, dout, "dL_dz")
    else:
        z, labels = rng.normal(0.0, 2.0, (batch, 3)), rng.integers(0, 3, batch)
        onehot = np.eye(3)[labels]
        L = lambdify([A.Y, A.Z], _step(script, "ce.n3"))
        yhat = lambdify([A.Z], [sp.exp(zk) / sum(sp.exp(zj) for zj in A.Z) for zk in A.Z])  # ŷ_k as ce.n3 defines it
        grad = script.results["dL_dz_k"][0]
        dz = lambdify([_by_name(grad)["yhat_k"], _by_name(grad)["y_k"]], grad)
        value, dout = losses.softmax_cross_entropy(z, labels)
        t.add("L", np.mean([L(yn, zn) for yn, zn in zip(onehot, z)]), value)
        t.add("dL/dz", dz(np.array([yhat(zn) for zn in z]), onehot) / batch, dout, "dL_dz_k")
    return None, t


def penalty_adapter(options: dict[str, Any], rng: np.random.Generator) -> tuple[None, Tied]:
    """numeric ``optim.SGD`` with ``l1`` / ``weight_decay`` against the topic's updates w_new.

    The numeric weight_decay λ₂ is the coefficient of the penalty ½λ₂‖w‖², so the topic's λ‖w‖²
    (update (1 − 2ηλ)w − η∇J₀) is SGD(weight_decay=2λ), and ½λ‖w‖² is SGD(weight_decay=λ), coupled
    or decoupled alike (for plain SGD they coincide).
    """
    from derive.analytic import losses as A
    results, t = A.script(["l1", "l2"]).results, Tied()
    w, g = np.append(rng.normal(0.0, 1.0, 5), 0.0), rng.normal(0.0, 1.0, 6)  # sign(0) = 0 on both sides
    eta, lam = 0.1, 0.3

    def sgd_step(**penalty: Any) -> np.ndarray:
        params = {"w": w.copy()}
        SGD(eta, **penalty).step(params, {"w": g.copy()})
        return params["w"]

    def derived(result: str) -> np.ndarray:
        return lambdify([A.w, A.g, A.eta, A.lam], results[result][0])(w, g, eta, lam)
    t.add("w_new (λ Σ|w|)", derived("w_new_l1"), sgd_step(l1=lam), "w_new_l1")
    t.add("w_new (½λ‖w‖²)", derived("w_new_l2half"), sgd_step(weight_decay=lam), "w_new_l2half")
    t.add("w_new (½λ‖w‖², decoupled)", derived("w_new_l2half"), sgd_step(weight_decay=lam, decoupled=True),
          "w_new_l2half")
    t.add("w_new (λ‖w‖²)", derived("w_new_l2"), sgd_step(weight_decay=2 * lam), "w_new_l2")
    return None, t


def positional_adapter(options: dict[str, Any], rng: np.random.Generator) -> tuple[None, Tied]:
    """numeric ``positional`` (out = x + PE) against the PE result of derive attention (exact numbers:
    PE(pos, 2i) = sin(pos ω_i), PE(pos, 2i+1) = cos(pos ω_i), ω_i = 10000^(−2i/d); d = d_k, or d_model
    with heads). Forward only: PE has no parameters and passes ∂L/∂x through."""
    shown = importlib.import_module("derive.topics.attention").derive(options).results["PE"].expr
    pe = np.array(shown.evalf(), dtype=float)
    x = rng.standard_normal((2, *pe.shape))
    out, _ = positional.forward({}, x)
    t = Tied()
    t.add("x + PE", x + pe, out)
    return None, t


# --- batch norm --------------------------------------------------------------------------------------

def batchnorm_adapter(options: dict[str, Any], rng: np.random.Generator, eps: float = 1e-5,
                      spatial: tuple[int, int, int] | None = None) -> tuple[Spec, Tied]:
    """numeric ``batchnorm`` (training mode) against derive batchnorm: same layout (rows are examples).

    ε is a constant leaf of the graph, given the layer's ``eps``. ``spatial`` = (N, H, W) ties the
    numeric (N, C, H, W) form: per channel it is the 2-D batch norm of the N·H·W rows of
    x.transpose(0, 2, 3, 1).reshape(−1, C). Loss mse: L = ½‖y − T‖², i.e. m × ``losses.mse``.
    """
    s = spec("batchnorm", options)
    m, d = s.shape("x")
    v = {**s.draw(rng), "epsilon": np.full((1, d), eps)}
    v["x"] = v["x"] * rng.uniform(0.5, 3.0, (1, d)) + rng.normal(0.0, 2.0, (1, d))
    env = s.run(v)
    if spatial is None:
        to_rows, x = (lambda a: a), v["x"]
    else:
        n, h, w = spatial
        assert n * h * w == m, "spatial sizes must multiply to the batch m"
        to_rows = lambda a: a.transpose(0, 2, 3, 1).reshape(m, d)  # noqa: E731
        x = v["x"].reshape(n, h, w, d).transpose(0, 3, 1, 2)
    params = {"gamma": v["gamma"][0], "beta": v["beta"][0]}
    y, cache = batchnorm.forward(params, x, train=True, eps=eps)
    t = Tied()
    t.add("y", env["y"], to_rows(y))
    t.add("xhat", env["xhat"], to_rows(cache[0]))
    t.add("1/s_B", 1.0 / env["s_B"][0], cache[1].reshape(-1))
    if s.cfg.loss == "mse":
        value, dy = losses.mse(to_rows(y), v["T"])
        t.add("L", scalar(env["L"]), m * value)
        dy = m * (dy if spatial is None else dy.reshape(n, h, w, d).transpose(0, 3, 1, 2))
    else:
        dy = v["G"] if spatial is None else v["G"].reshape(n, h, w, d).transpose(0, 3, 1, 2)
    dx, grads = batchnorm.backward(dy, cache)
    t.add("dL/dx", s.grad(env, "x"), to_rows(dx), "x")
    t.add("dL/dgamma", s.grad(env, "gamma")[0], grads["gamma"], "gamma")
    t.add("dL/dbeta", s.grad(env, "beta")[0], grads["beta"], "beta")
    return s, t


# --- convolution ---------------------------------------------------------------------------------------

def conv2d_adapter(options: dict[str, Any], rng: np.random.Generator) -> tuple[Spec, Tied]:
    """numeric ``conv`` with one image, one channel, one filter against derive conv (2-D): the same
    cross-correlation Y = pad_P(X) ⋆_S K + b; arrays gain the (N, C) / (F, C) axes only."""
    s = spec("conv", options)
    v = s.draw(rng)
    env = s.run(v)
    S, P = s.cfg.stride, s.cfg.padding
    params = {"W": v["K"][None, None], "b": v["b"][0]}
    Y, cache = conv.forward(params, v["X"][None, None], S, P)
    t = Tied()
    t.add("Y", env["Y"], Y[0, 0])
    if s.cfg.loss == "mse":
        value, dY = losses.mse(Y[0, 0], v["T"])
        t.add("L", scalar(env["L"]), Y.shape[2] * value)
        dY = Y.shape[2] * dY[None, None]
    else:
        dY = v["G"][None, None]
    dX, grads = conv.backward(dY, cache)
    t.add("dL/dX", s.grad(env, "X"), dX[0, 0], "X")
    t.add("dL/dK", s.grad(env, "K"), grads["W"][0, 0], "K")
    t.add("dL/db", s.grad(env, "b")[0], grads["b"], "b")
    return s, t


def conv2d_channels_adapter(options: dict[str, Any], rng: np.random.Generator, n: int = 2, c: int = 2,
                            f: int = 3) -> tuple[Spec, Tied]:
    """numeric ``conv`` with N images, C channels and F filters, by superposition of the derived
    single-channel layer: Y[n, f] = Σ_c X[n, c] ⋆ W[f, c] + b_f, and L = Σ_{n,f} G[n, f] ⊙ Y[n, f] is
    linear in each term, so ∂L/∂W[f, c] = Σ_n (∂L/∂K at X[n, c], G[n, f]),
    ∂L/∂X[n, c] = Σ_f (∂L/∂X at W[f, c], G[n, f]), ∂L/∂b_f = Σ_n (∂L/∂b at G[n, f])."""
    s = spec("conv", options)
    N = s.shape("X")[0]
    x, W, b = rng.standard_normal((n, c, N, N)), rng.standard_normal((f, c, *s.shape("K"))), rng.standard_normal(f)
    G = rng.standard_normal((n, f, *s.shape("G")))
    env = {(i, j, k): s.run({"X": x[i, k], "K": W[j, k], "b": np.array([[b[j] if k == 0 else 0.0]]), "G": G[i, j]})
           for i in range(n) for j in range(f) for k in range(c)}
    Y, cache = conv.forward({"W": W, "b": b}, x, s.cfg.stride, s.cfg.padding)
    dX, grads = conv.backward(G, cache)
    t, e = Tied(), lambda i, j, k, name: env[i, j, k][name]
    t.add("Y", np.array([[sum(e(i, j, k, "Y") for k in range(c)) for j in range(f)] for i in range(n)]), Y)
    t.add("dL/dX", np.array([[sum(e(i, j, k, "dL_dX") for j in range(f)) for k in range(c)] for i in range(n)]),
          dX, "X")
    t.add("dL/dK", np.array([[sum(e(i, j, k, "dL_dK") for i in range(n)) for k in range(c)] for j in range(f)]),
          grads["W"], "K")
    t.add("dL/db", np.array([sum(e(i, j, 0, "dL_db")[0, 0] for i in range(n)) for j in range(f)]), grads["b"], "b")
    return s, t


def conv1d_adapter(options: dict[str, Any], rng: np.random.Generator) -> tuple[Spec, Tied]:
    """numeric ``conv`` (2-D only) on the signal as a 1×N image, against derive conv --set dims=1.

    numeric pads both axes by P, so the signal is the middle row of a (1 + 2P)-row padded image and
    lands on output row P/S (the rows above and below see only zeros); it needs S | P. The upstream
    gradient is G on that row and 0 elsewhere.
    """
    s = spec("conv", options)
    S, P = s.cfg.stride, s.cfg.padding
    assert P % S == 0, "the 1-D tie needs the stride to divide the padding"
    v = s.draw(rng)
    env = s.run(v)
    y, cache = conv.forward({"W": v["k"][None, None], "b": v["b"][0]}, v["x"][None, None], S, P)
    row = P // S
    dy = np.zeros_like(y)
    dy[0, 0, row] = v["G"][0]
    dx, grads = conv.backward(dy, cache)
    t = Tied()
    t.add("y", env["y"][0], y[0, 0, row])
    t.add("dL/dx", s.grad(env, "x"), dx[0, 0], "x")
    t.add("dL/dk", s.grad(env, "k"), grads["W"][0, 0], "k")
    t.add("dL/db", s.grad(env, "b")[0], grads["b"], "b")
    return s, t


# --- recurrent layers ------------------------------------------------------------------------------

Block = tuple[str, Any, str, Any]  # (derive leaf, its part, numeric parameter, its part)


Arrays = dict[str, np.ndarray]
Shapes = dict[str, tuple[int, ...]]


def place(blocks: list[Block], values: Arrays, shapes: Shapes) -> Arrays:
    """Numeric parameters assembled from derive's: each derive part (a matrix acting on a column, or a
    bias column) is transposed into its numeric block (acting on a row); blocks that share a numeric
    entry add up (PyTorch's b_ir + b_hr is one numeric bias)."""
    out = {k: np.zeros(shape) for k, shape in shapes.items()}
    for dname, dpart, nname, npart in blocks:
        part = values[dname][dpart]
        out[nname][npart] += part[:, 0] if out[nname][npart].ndim == 1 else part.T
    return out


def gather(blocks: list[Block], grads: Arrays, shapes: Shapes) -> Arrays:
    """The numeric gradients laid out as derive's leaves (the inverse of ``place``; a shared numeric
    entry is the gradient of each derive leaf that feeds it)."""
    out = {name: np.zeros(shape) for name, shape in shapes.items()}
    for dname, dpart, nname, npart in blocks:
        g = grads[nname][npart]
        out[dname][dpart] = g[:, None] if g.ndim == 1 else g.T
    return out


def gate_blocks(gates: str, H: int, concat: bool, name: Callable[[str, str], str], bias: str = "b_{k}") -> list[Block]:
    """Blocks of gates laid side by side in the numeric columns (gate j in columns jH … (j+1)H − 1).

    ``name(k, "h"|"x")`` is derive's weight of gate k on h_(t−1) / on x_t (split form); in concat form
    W_k = [W_kh | W_kx] is one leaf whose first H columns act on h_(t−1).
    """
    out: list[Block] = []
    for j, k in enumerate(gates):
        cols, rows = np.s_[:, j * H:(j + 1) * H], np.s_[j * H:(j + 1) * H]
        if concat:
            out += [(f"W_{k}", np.s_[:, :H], "W_h", cols), (f"W_{k}", np.s_[:, H:], "W_x", cols)]
        else:
            out += [(name(k, "h"), np.s_[:, :], "W_h", cols), (name(k, "x"), np.s_[:, :], "W_x", cols)]
        out.append((bias.format(k=k), np.s_[:, :], "b", rows))
    return out


@dataclass
class Sequences:
    """A batch of N sequences: the derive values of each (shared parameters, own inputs and targets),
    the program run on each, and the same numbers batch-first for numeric: x (N, T, D), h0 (N, H)."""

    values: list[dict[str, Any]]
    envs: list[dict[str, Any]]
    x: np.ndarray
    h0: np.ndarray
    c0: np.ndarray | None
    scored: list[int]
    target: str


def sequences(s: Spec, rng: np.random.Generator, batch: int, target: str) -> Sequences:
    """Draw parameters once and inputs, initial states and targets per sequence; run the derived program."""
    T = s.cfg.T
    scored = [t for t in range(1, T + 1) if s.has(f"{target}{t}")]
    shared = s.draw(rng)
    values = [{**shared, **{x.name: rng.standard_normal(x.shape) for x in s.graph.leaves if x.kind != "param"}}
              for _ in range(batch)]
    envs = [s.run(v) for v in values]
    x = np.stack([np.stack([v[f"x{t}"][:, 0] for t in range(1, T + 1)]) for v in values])
    c0 = np.stack([v["c0"][:, 0] for v in values]) if s.has("c0") else None
    return Sequences(values, envs, x, np.stack([v["h0"][:, 0] for v in values]), c0, scored, target)


def compare_states(t: Tied, seq: Sequences, h: np.ndarray, name: str = "h") -> None:
    """Every state h_t of every sequence."""
    for k in range(h.shape[1]):
        t.add(f"{name}_t", stacked(seq.envs, lambda e: e[f"{name}{k + 1}"][:, 0]), h[:, k])


def upstream_from_targets(seq: Sequences, h: np.ndarray) -> np.ndarray:
    """∂L/∂h_t = h_t − y_t at the scored steps of L = Σ_t ½‖h_t − y_t‖² (0 elsewhere)."""
    dh = np.zeros_like(h)
    for t in seq.scored:
        dh[:, t - 1] = h[:, t - 1] - np.stack([v[f"{seq.target}{t}"][:, 0] for v in seq.values])
    return dh


def compare_grads(t: Tied, s: Spec, seq: Sequences, blocks: list[Block], grads: dict[str, np.ndarray],
                  dx: np.ndarray) -> None:
    """The parameter gradients (summed over sequences), ∂L/∂h_0 (and c_0) per sequence, ∂L/∂x_t."""
    names = sorted({b[0] for b in blocks})
    mine = gather(blocks, grads, {p: s.shape(p) for p in names})
    for p in names:
        t.add(f"dL/d{p}", summed(seq.envs, lambda e: s.grad(e, p)), mine[p], p)
    for state in ("h0", "c0"):
        if state in s.differentiated:
            t.add(f"dL/d{state}", stacked(seq.envs, lambda e: s.grad(e, state)[:, 0]), grads[state], state)
    for k in range(dx.shape[1]):
        t.add("dL/dx_t", stacked(seq.envs, lambda e: s.grad(e, f"x{k + 1}")[:, 0]), dx[:, k], f"x{k + 1}")


def xs(options: dict[str, Any]) -> tuple[str, ...]:
    """The inputs x_1 … x_T of a sequence topic (differentiated too, to tie ∂L/∂x_t)."""
    return tuple(f"x{t}" for t in range(1, int(options.get("steps", 1)) + 1))


def rnn_adapter(options: dict[str, Any], rng: np.random.Generator, batch: int = 2) -> tuple[Spec, Tied]:
    """numeric ``rnn`` (tanh) + ``dense`` readout + ``losses.mse`` against derive rnn.

    derive's y_t = W_hy h_t + b_y is the dense layer h_t W + b with W = W_hyᵀ; its loss
    Σ_t ½‖y_t − target_t‖² over the scored steps is (rows) × ``losses.mse`` of those rows. N sequences
    add their losses.
    """
    s = spec("rnn", options, also=xs(options))
    assert s.cfg.activation == "tanh", "numeric.layers.rnn is a tanh RNN"
    seq = sequences(s, rng, batch, "target")
    H, D = s.shape("h0")[0], seq.x.shape[2]
    blocks = [("W_xh", np.s_[:, :], "W_xh", np.s_[:, :]), ("W_hh", np.s_[:, :], "W_hh", np.s_[:, :]),
              ("b_h", np.s_[:, :], "b_h", np.s_[:])]
    readout = [("W_hy", np.s_[:, :], "W", np.s_[:, :]), ("b_y", np.s_[:, :], "b", np.s_[:])]
    P = place(blocks, seq.values[0], {"W_xh": (D, H), "W_hh": (H, H), "b_h": (H,)})
    R = place(readout, seq.values[0], {"W": (H, s.shape("W_hy")[0]), "b": (s.shape("W_hy")[0],)})
    h, cache = rnn.forward(P, seq.x, seq.h0)
    t = Tied()
    compare_states(t, seq, h)
    rows = h[:, [k - 1 for k in seq.scored]].reshape(-1, H)
    y, c_out = dense.forward(R, rows)
    targets = np.stack([np.stack([v[f"target{k}"][:, 0] for k in seq.scored]) for v in seq.values])
    targets = targets.reshape(len(rows), -1)
    t.add("y_t", np.stack([np.stack([e[f"y{k}"][:, 0] for k in seq.scored]) for e in seq.envs]).reshape(y.shape), y)
    value, dy = losses.mse(y, targets)
    t.add("L", sum(scalar(e["L"]) for e in seq.envs), len(rows) * value)
    drows, g_out = dense.backward(len(rows) * dy, c_out)
    dh = np.zeros_like(h)
    dh[:, [k - 1 for k in seq.scored]] = drows.reshape(len(seq.values), len(seq.scored), H)
    dx, grads = rnn.backward(dh, cache)
    compare_grads(t, s, seq, blocks + readout, {**grads, **g_out}, dx)
    return s, t


def lstm_adapter(options: dict[str, Any], rng: np.random.Generator, batch: int = 2,
                 order: str = "ifco") -> tuple[Spec, Tied]:
    """numeric ``lstm`` against derive lstm (either weight form), L = Σ_t ½‖h_t − y_t‖².

    numeric gates sit in PyTorch's column order (i, f, g, o) with g = c̃, derive's ``c`` gate; W_x, W_h
    hold the transposes of W_kx, W_kh (concat form: W_k = [W_kh | W_kx]). ``order`` exists to show
    that a wrong gate order is caught (a test passes "fico").
    """
    s = spec("lstm", options, also=xs(options))
    seq = sequences(s, rng, batch, "y")
    H, D = s.shape("h0")[0], seq.x.shape[2]
    blocks = gate_blocks(order, H, s.cfg.form == "concat", lambda k, on: f"W_{k}{on}")
    P = place(blocks, seq.values[0], {"W_x": (D, 4 * H), "W_h": (H, 4 * H), "b": (4 * H,)})
    h, cache = lstm.forward(P, seq.x, seq.h0, seq.c0)
    t = Tied()
    compare_states(t, seq, h)
    T = h.shape[1]
    t.add("c_T", stacked(seq.envs, lambda e: e[f"c{T}"][:, 0]), lstm.cache_state(cache)[1])
    dx, grads = lstm.backward(upstream_from_targets(seq, h), cache)
    compare_grads(t, s, seq, blocks, grads, dx)
    return s, t


GRU_NUMERIC = {"course": ("course", "before"), "cho": ("pytorch", "before"), "pytorch": ("pytorch", "after")}


def gru_adapter(options: dict[str, Any], rng: np.random.Generator, batch: int = 2,
                numeric: tuple[str, str] | None = None) -> tuple[Spec, Tied]:
    """numeric ``gru`` against derive gru, L = Σ_t ½‖h_t − y_t‖², convention by convention.

    derive course = numeric (convention="course", reset="before"); derive cho (h = z ⊙ h_(t−1) +
    (1 − z) ⊙ h̃) = numeric ("pytorch", "before"), numeric's "pytorch" interpolation being Cho's; derive
    pytorch (nn.GRUCell) = numeric ("pytorch", "after"), with PyTorch's b_ir + b_hr (b_iz + b_hz) as the
    one numeric bias of r (z), b_in as b_n and b_hn as b_hn. Gates in numeric column order (r, z, n);
    derive's candidate is gate ``h`` (course/cho) or ``n`` (pytorch). ``numeric`` overrides the pair
    (a test shows that a wrong pair is caught).
    """
    s = spec("gru", options, also=xs(options))
    seq = sequences(s, rng, batch, "y")
    H, D = s.shape("h0")[0], seq.x.shape[2]
    convention = s.cfg.convention
    shapes = {"W_x": (D, 3 * H), "W_h": (H, 3 * H), "b": (3 * H,)}
    if convention == "pytorch":
        blocks = gate_blocks("rzn", H, False, lambda k, on: f"W_{'i' if on == 'x' else 'h'}{k}", "b_i{k}")
        blocks += [(f"b_h{k}", np.s_[:, :], "b", np.s_[j * H:(j + 1) * H]) for j, k in enumerate("rz")]
        blocks.append(("b_hn", np.s_[:, :], "b_hn", np.s_[:]))
        shapes["b_hn"] = (H,)
    else:
        blocks = gate_blocks("rzh", H, s.cfg.form == "concat", lambda k, on: f"W_{k}{on}")
    numeric_convention, reset = numeric or GRU_NUMERIC[convention]
    h, cache = gru.forward(place(blocks, seq.values[0], shapes), seq.x, seq.h0, reset=reset,
                           convention=numeric_convention)
    t = Tied()
    compare_states(t, seq, h)
    dx, grads = gru.backward(upstream_from_targets(seq, h), cache)
    compare_grads(t, s, seq, blocks, grads, dx)
    return s, t


# --- attention -----------------------------------------------------------------------------------------

def sdpa_adapter(options: dict[str, Any], rng: np.random.Generator, batch: int = 2) -> tuple[Spec, Tied]:
    """numeric ``attention.sdpa_forward/backward`` (leading batch axis) against derive attention (one
    head): the same S = QKᵀ/√d_k, row softmax (causal: keys j ≤ i), O = A V, per batch item; upstream G
    (or O − T for the mse loss)."""
    s = spec("attention", options)
    values = [s.draw(rng) for _ in range(batch)]
    envs = [s.run(v) for v in values]
    q, k, v = (np.stack([val[n] for val in values]) for n in "QKV")
    out, cache = attention.sdpa_forward(q, k, v, causal=s.cfg.causal)
    t = Tied()
    t.add("O", stacked(envs, lambda e: e["O"]), out)
    t.add("A", stacked(envs, lambda e: e["A"]), np.swapaxes(cache[3], -1, -2))
    if s.cfg.loss == "mse":
        dout = out - np.stack([val["T"] for val in values])
    else:
        dout = np.stack([val["G"] for val in values])
    for name, g in zip("QKV", attention.sdpa_backward(dout, cache)):
        t.add(f"dL/d{name}", stacked(envs, lambda e: s.grad(e, name)), g, name)
    return s, t


def multihead_adapter(options: dict[str, Any], rng: np.random.Generator, batch: int = 2) -> tuple[Spec, Tied]:
    """numeric multi-head self-attention (no biases) against derive attention --heads h with Q = K = V = x.

    numeric W_Q ∈ ℝ^{d×d} holds the heads' W_i^Q side by side (columns (i−1)d_k … i·d_k − 1), W_O = W^O;
    the input feeds Q, K and V, so ∂L/∂x = ∂L/∂Q + ∂L/∂K + ∂L/∂V; batch items add their losses.
    """
    s = spec("attention", options)
    h, d = s.cfg.heads, s.shape("Q")[1]
    dk, T = d // h, s.shape("Q")[0]
    W = {c: rng.standard_normal((d, d)) for c in "QKVO"}
    x, G = rng.standard_normal((batch, T, d)), rng.standard_normal((batch, T, d))
    heads = {f"W_{i}^{c}": W[c][:, (i - 1) * dk:i * dk] for i in range(1, h + 1) for c in "QKV"}
    envs = [s.run({"Q": x[n], "K": x[n], "V": x[n], "G": G[n], "W^O": W["O"], **heads}) for n in range(batch)]
    out, cache = attention.forward({f"W_{c}": W[c] for c in "QKVO"}, x, h, causal=s.cfg.causal)
    dx, grads = attention.backward(G, cache)
    t = Tied()
    t.add("O", stacked(envs, lambda e: e["O"]), out)
    t.add("A_i", np.stack([stacked(envs, lambda e: e[f"A_{i}"]) for i in range(1, h + 1)], axis=1),
          attention.weights(cache))
    t.add("dL/dx", stacked(envs, lambda e: s.grad(e, "Q") + s.grad(e, "K") + s.grad(e, "V")), dx, ("Q", "K", "V"))
    for c in "QKV":
        cols = [summed(envs, lambda e: s.grad(e, f"W_{i}^{c}")) for i in range(1, h + 1)]
        t.add(f"dL/dW_{c}", np.hstack(cols), grads[f"W_{c}"], tuple(f"W_{i}^{c}" for i in range(1, h + 1)))
    t.add("dL/dW_O", summed(envs, lambda e: s.grad(e, "W^O")), grads["W_O"], "W^O")
    return s, t


# --- the table ------------------------------------------------------------------------------------------

def _mlp(act: str, loss: str, sizes: str) -> Tie:
    return Tie(f"mlp-matrix-{act}-{loss}-{sizes}", "layers.dense layers.activations layers.losses", "mlp",
               {"matrix": True, "sizes": sizes, "activation": act, "loss": loss}, mlp_adapter)


def _textbook(act: str, loss: str, sizes: str) -> Tie:
    return Tie(f"mlp-textbook-{act}-{loss}-{sizes}", "layers.dense layers.activations layers.losses", "mlp",
               {"sizes": sizes, "activation": act, "loss": loss}, textbook_adapter)


def _act(name: str) -> Tie:
    key = ACTIVATION_KEYS.get(name, (name,))[0]
    results = ("dprelu_dx", "dprelu_dalpha") if name == "prelu" else (f"d{key}_dx",)
    return Tie(f"activation-{name}", "layers.activations", "activations", {"which": name}, activation_adapter,
               results=results)


def _seq(id: str, layer: str, topic: str, adapter: Adapter, **options: Any) -> Tie:
    return Tie(id, layer, topic, {"hidden": 2, "inputs": 2, **options}, adapter)


TIES: list[Tie] = [
    _mlp("sigmoid", "mse", "3,4,2"), _mlp("tanh", "mse", "2,3,3,1"), _mlp("relu", "cross-entropy", "4,3,2"),
    _mlp("tanh", "cross-entropy", "3,2"),
    _textbook("sigmoid", "mse", "2,2,2"), _textbook("tanh", "cross-entropy", "3,2,2"),
    _textbook("relu", "mse", "2,3,1"),
    *(_act(n) for n in ("sigmoid", "tanh", "relu", "leaky-relu", "prelu", "elu", "relu6", "swish", "hard-swish",
                        "softplus")),
    Tie("activation-softmax", "layers.activations", "activations", {"which": "softmax"}, softmax_adapter,
        results=("dsoftmax_i_dz_j",)),
    Tie("loss-mse", "layers.losses", "losses", {"which": "mse"}, loss_adapter, results=("dE_do_k",)),
    Tie("loss-bce", "layers.losses", "losses", {"which": "bce"}, loss_adapter, results=("dL_dz",)),
    Tie("loss-softmax-ce", "layers.losses", "losses", {"which": "softmax-ce"}, loss_adapter, results=("dL_dz_k",)),
    Tie("penalties-sgd", "optim", "losses", {}, penalty_adapter, results=("w_new_l1", "w_new_l2half", "w_new_l2"),
        forward=False),
    Tie("batchnorm", "layers.batchnorm", "batchnorm", {"m": 5, "features": 3}, batchnorm_adapter),
    Tie("batchnorm-eps-mse", "layers.batchnorm layers.losses", "batchnorm", {"m": 4, "features": 2, "loss": "mse"},
        batchnorm_adapter, {"eps": 0.5}),
    Tie("batchnorm-spatial", "layers.batchnorm", "batchnorm", {"m": 8, "features": 3}, batchnorm_adapter,
        {"spatial": (2, 2, 2)}),
    Tie("conv2d", "layers.conv", "conv", {"dims": 2, "n": 5, "f": 3}, conv2d_adapter),
    Tie("conv2d-stride-pad-mse", "layers.conv layers.losses", "conv",
        {"dims": 2, "n": 6, "f": 3, "stride": 2, "padding": 1, "loss": "mse"}, conv2d_adapter),
    Tie("conv2d-channels", "layers.conv", "conv", {"dims": 2, "n": 5, "f": 2, "stride": 2, "padding": 1},
        conv2d_channels_adapter),
    Tie("conv1d", "layers.conv", "conv", {"dims": 1, "n": 7, "f": 3}, conv1d_adapter),
    Tie("conv1d-stride-pad", "layers.conv", "conv", {"dims": 1, "n": 8, "f": 3, "stride": 2, "padding": 2},
        conv1d_adapter),
    _seq("rnn-sum", "layers.rnn layers.dense layers.losses", "rnn", rnn_adapter, steps=3, hidden=3, outputs=2),
    _seq("rnn-last", "layers.rnn layers.dense layers.losses", "rnn", rnn_adapter, steps=4, inputs=3, loss="last"),
    _seq("lstm-concat", "layers.lstm", "lstm", lstm_adapter, steps=3, inputs=3),
    _seq("lstm-split-last", "layers.lstm", "lstm", lstm_adapter, steps=2, hidden=3, form="split", loss="last"),
    _seq("gru-course-concat", "layers.gru", "gru", gru_adapter, steps=3, inputs=3),
    _seq("gru-course-split", "layers.gru", "gru", gru_adapter, steps=2, hidden=3, form="split"),
    _seq("gru-cho-last", "layers.gru", "gru", gru_adapter, steps=3, convention="cho", loss="last"),
    _seq("gru-pytorch", "layers.gru", "gru", gru_adapter, steps=3, hidden=3, convention="pytorch"),
    Tie("sdpa", "layers.attention", "attention", {"n": 3, "m": 4, "d_k": 3, "d_v": 2}, sdpa_adapter),
    Tie("sdpa-causal-mse", "layers.attention", "attention",
        {"n": 4, "d_k": 2, "d_v": 3, "mask": "causal", "loss": "mse"}, sdpa_adapter),
    Tie("multihead", "layers.attention", "attention", {"heads": 2, "n": 3, "d_model": 4}, multihead_adapter),
    Tie("multihead-causal", "layers.attention", "attention", {"heads": 3, "n": 4, "d_model": 6, "mask": "causal"},
        multihead_adapter),
    Tie("positional", "layers.positional", "attention", {"n": 5, "d_k": 5}, positional_adapter),
    Tie("positional-heads", "layers.positional", "attention", {"heads": 2, "n": 4, "d_model": 6}, positional_adapter),
]

# What is not tied, and why (details in docs/numeric-spec-ties.md); a new topic or layer must be added
# to TIES or here, so nothing is left untied by oversight.
UNTIED_TOPICS = {"vae": "analytic topic: tied in test_against_spec_generative.py",
                 "gan": "analytic topic: tied in test_against_spec_generative.py"}
UNTIED_LAYERS = {"layers.dropout": "no derive topic", "layers.embedding": "no derive topic",
                 "layers.flatten": "no derive topic", "layers.pooling": "no derive topic",
                 "layers.rbf": "no derive topic (the rbf-xor problem type cross-checks it)",
                 "layers.reparam": "tied to derive vae in test_against_spec_generative.py",
                 "layers.gan_losses": "tied to derive gan in test_against_spec_generative.py"}


# --- the tests ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("tie", TIES, ids=lambda t: t.id)
def test_numeric_layer_agrees_with_the_derived_gradients(tie: Tie) -> None:
    s, t = tie.run()
    bad = {k: e for k, e in t.errors().items() if not e < TOL}
    assert not bad, f"numeric {tie.layer} disagrees with derive {tie.topic} {tie.options}: {bad}"
    assert t.forward or not tie.forward, "no forward quantity compared"
    vacuous = [label for label, a, _ in t.pairs if not np.any(np.asarray(a) != 0)]
    assert not vacuous, f"all zero, so compared nothing: {vacuous}"
    expected = s.differentiated if s is not None else set(tie.results)
    assert expected <= t.grads, f"gradients never compared: {sorted(expected - t.grads)}"


GRAPH_TIES = [t for t in TIES if t.topic not in ("activations", "losses") and t.adapter is not positional_adapter]


@pytest.mark.parametrize("tie", GRAPH_TIES, ids=lambda t: t.id)
def test_the_tied_formulas_are_the_displayed_ones(tie: Tie) -> None:
    """The loss and gradient formulas evaluated above are the ones ``chainrule derive TOPIC`` prints."""
    shown = importlib.import_module(f"derive.topics.{tie.topic}").derive(tie.options).results
    s, _ = tie.run()
    keys = [k for k in s.d.results if k in shown]
    assert len(keys) > 1, "no displayed gradient to compare"
    for k in keys:
        assert s.d.results[k].expr == shown[k].expr, k


def test_every_topic_and_layer_is_tied_or_says_why_not() -> None:
    from pathlib import Path

    from derive.registry import all_topics
    tied_topics = {t.topic for t in TIES}
    assert set(all_topics()) == tied_topics | set(UNTIED_TOPICS) and not tied_topics & set(UNTIED_TOPICS)
    layers = {f"layers.{p.stem}" for p in (Path(__file__).parents[2] / "numeric" / "layers").glob("*.py")
              if not p.stem.startswith("_")}
    tied_layers = {m for t in TIES for m in t.layer.split()}
    assert layers == (tied_layers - {"optim"}) | set(UNTIED_LAYERS) and not tied_layers & set(UNTIED_LAYERS)


def test_a_convention_slip_is_caught() -> None:
    """The ties are sensitive to the conventions they translate: swapped LSTM gates or the wrong GRU
    variant fail by far more than the tolerance."""
    row = {t.id: t for t in TIES}
    _, t = lstm_adapter(row["lstm-concat"].options, np.random.default_rng(0), order="fico")
    assert max(t.errors().values()) > 1e-3
    for tie_id, wrong in (("gru-course-concat", ("pytorch", "before")), ("gru-cho-last", ("course", "before"))):
        _, t = gru_adapter(row[tie_id].options, np.random.default_rng(0), numeric=wrong)
        assert max(t.errors().values()) > 1e-3, tie_id
