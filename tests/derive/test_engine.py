"""The graph engine on graphs other than the MLP: the API later topics build on.

Each graph is derived (``derive_graph``), its displayed formulas are run as a program, and every
parameter's gradient is checked against finite differences and the NumPy reverse-mode engine
(``verify_steps``); torch autograd where an independent torch loss is written here.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from derive.backprop import derive_graph, forward, gradients
from derive.backend import NumpyBackend
from derive.graph import GraphBuilder
from derive.models.chain import rnn_chain
from derive.notation import terms
from derive.numcheck import numerical_gradient, rel_error
from derive.printing.math import to_latex, to_text
from derive.steps import Derivation
from derive.verification import Program, draw_leaves, evaluate, verify_steps


def _sampler(graph, fix=None):
    def sample(rng):
        values = draw_leaves(graph, rng, decimals=None)
        values.update({k: f(rng) for k, f in (fix or {}).items()})
        return {**values, "eta": 0.1}
    return sample


def _assert_verified(graph, fix=None, torch_loss=None, points=2):
    d = derive_graph(graph)
    checks = verify_steps(graph, d, _sampler(graph, fix), points, 3, torch_loss)
    bad = [(c.parameter, c.method, c.max_rel_error) for c in checks if not c.passed]
    assert checks and not bad, bad
    return d


# --- builder and graph --------------------------------------------------------------------------------

def test_builder_names_shapes_and_errors():
    g = GraphBuilder("t")
    x, W = g.input("x", (3, 1)), g.param("W", (2, 3))
    z = g.let("z", W @ x)
    assert z.shape == (2, 1)
    with pytest.raises(ValueError):
        g.param("W", (1, 1))  # name used twice
    with pytest.raises(ValueError):
        _ = x @ W  # (3,1) @ (2,3) not aligned
    with pytest.raises(ValueError):
        g.let("again", z)  # already named
    with pytest.raises(ValueError):
        g.build(z)  # not a scalar
    graph = g.build(g.let("L", g.apply("sum", z * z)))
    assert [p.name for p in graph.params] == ["W"] and graph.consumers("z") == ("_hadamard3",)
    assert graph.active() == {"W", "z", "_hadamard3", "L"} and graph.named_inputs("L") == ("z",)


def test_tree_and_dot_show_the_graph():
    graph = rnn_chain(2)
    label, kids = graph.tree()
    assert label.startswith("L = ") and len(kids) == 4  # h1, y1, h2, y2
    flat = str(graph.tree())
    assert "(see above)" in flat  # h1 feeds both z2 and the loss
    dot = graph.to_dot()
    assert dot.count("->") == sum(len(n.inputs) for n in graph.nodes)
    assert '"W" [shape=ellipse, style=filled' in dot and '"z1" [shape=box' in dot


# --- BPTT: shared parameters are summed over time ----------------------------------------------------

def test_rnn_chain_sums_shared_weights_over_time():
    T = 4
    graph = rnn_chain(T)
    d = derive_graph(graph)
    steps = {s.id: s for s in d.steps}
    dW = steps["dL_dW"].formula
    assert [to_text(a) for a in terms(dW)] == [f"δ_{t} h{t - 1}ᵀ" for t in range(T, 0, -1)]
    assert to_text(steps["dL_dz2"].formula) == "(Wᵀ δ_3 + h2 - y2) ⊙ (𝟏 - (h2 ⊙ h2))"
    assert all(s.shape for s in d.steps)


def test_rnn_chain_gradients_are_right():
    def torch_loss(t):
        import torch
        h, total = t["h0"], 0
        for k in range(1, 4):
            h = torch.tanh(t["W"] @ h + t["U"] @ t[f"x{k}"] + t["b"])
            total = total + 0.5 * ((h - t[f"y{k}"]) ** 2).sum()
        return total
    d = _assert_verified(rnn_chain(3), torch_loss=torch_loss)
    assert {"dL_dW", "dL_dU", "dL_db", "W_new"} <= set(d.results)


def test_cost_grows_linearly_with_length():
    sizes = [len(derive_graph(rnn_chain(T)).steps) for T in (1, 2, 3, 6)]
    per_step = sizes[1] - sizes[0]
    assert sizes == [sizes[0] + per_step * (T - 1) for T in (1, 2, 3, 6)]
    per_node = [len(to_text(s.formula)) for s in derive_graph(rnn_chain(12)).steps
                if s.id not in ("L", "dL_dW", "dL_dU", "dL_db")]
    assert max(per_node) < 60  # symbols are kept: a node's formula does not swell with T


# --- graphs later topics need ------------------------------------------------------------------------

def test_attention_like_graph_with_input_gradients():
    """S = QKᵀ/2, A = softmax(S) row-wise, O = A V, L = ½‖O − Y‖²; ∂L/∂Q, ∂L/∂K, ∂L/∂V derived."""
    g = GraphBuilder("attention")
    Q, K, V = (g.input(n, (3, 4), grad=True) for n in "QKV")
    Y = g.target("Y", (3, 4))
    S = g.let("S", (Q @ K.T) * sp.Rational(1, 2), meaning="scores")
    A = g.let("A", g.apply("softmax", S), meaning="attention weights")
    O = g.let("O", A @ V)
    graph = g.build(g.let("L", g.apply("half_sse", O, Y)))
    d = derive_graph(graph)
    steps = {s.id: s for s in d.steps}
    assert to_text(steps["dL_dS"].formula) == "A ⊙ (∂L/∂A - (A ⊙ ∂L/∂A) 𝟏 𝟏ᵀ)"
    assert to_text(steps["dL_dQ"].formula) == "1/2·(∂L/∂S) K" and steps["dL_dQ"].shape == (3, 4)
    assert "softmax" in to_latex(steps["A"].formula)
    values = draw_leaves(graph, np.random.default_rng(0), decimals=None)
    env = Program(d.steps).run(values)
    for name in "QKV":  # inputs with grad=True are differentiated too
        fd = numerical_gradient(lambda: float(forward(graph, NumpyBackend(), values)["L"][0, 0]), values[name])
        assert rel_error(env[f"dL_d{name}"], fd) < 1e-6, name


def test_lstm_like_gates_with_concat_and_slices():
    g = GraphBuilder("gates")
    h, x, c0, y = g.input("h0", (2, 1)), g.input("x", (1, 1)), g.input("c0", (2, 1)), g.target("y", (2, 1))
    W, b = g.param("W", (4, 3)), g.param("b", (4, 1))
    zz = g.let("zz", W @ g.apply("concat", h, x, axis=0) + b)
    f = g.let("f", g.apply("sigmoid", g.apply("slice", zz, rows=(0, 2), cols=(0, 1))))
    cand = g.let("cand", g.apply("tanh", g.apply("slice", zz, rows=(2, 4), cols=(0, 1))))
    c = g.let("c", f * c0 + (f * -1 + f * 2) * cand)
    graph = g.build(g.let("L", g.apply("half_sse", g.apply("tanh", c), y)))
    d = _assert_verified(graph)
    assert "[h0; x]" in to_text({s.id: s for s in d.steps}["zz"].formula)


def test_batch_broadcasting_and_normalisation_ops():
    """A batch-norm-like standardisation of Z = W X over a batch, then + b (broadcast as b 𝟏ᵀ)."""
    g = GraphBuilder("batch")
    X, Y = g.input("X", (3, 4)), g.target("Y", (2, 4))
    W, b, gamma = g.param("W", (2, 3)), g.param("b", (2, 1)), g.param("gamma", (2, 1))
    Z = g.let("Z", W @ X)
    mu = g.let("mu", g.apply("sum_axis", Z, axis=1) * sp.Rational(1, 4))
    D = g.let("D", Z - mu)
    var = g.let("var", g.apply("sum_axis", g.apply("square", D), axis=1) * sp.Rational(1, 4))
    inv = g.let("inv", g.apply("reciprocal", g.apply("sqrt", var + g.const("eps", (2, 1)))))
    out = g.let("out", D * (inv @ g.const("ones", (1, 4))) * (gamma @ g.const("ones2", (1, 4))) + b)
    graph = g.build(g.let("L", g.apply("half_sse", out, Y)))
    d = derive_graph(graph)
    assert "𝟏" in to_text({s.id: s for s in d.steps}["dL_db"].formula)  # Ḡ 𝟏: summed over the batch
    fix = {"eps": lambda rng: np.full((2, 1), 1e-3), "ones": lambda rng: np.ones((1, 4)),
           "ones2": lambda rng: np.ones((1, 4))}
    _assert_verified(graph, fix)


@pytest.mark.parametrize("loss", ["sigmoid_bce", "softmax_ce"])
def test_fused_losses_in_a_graph(loss):
    g = GraphBuilder("classifier")
    X, Y = g.input("X", (2, 3)), g.target("Y", (2, 3))
    W = g.param("W", (3, 3))
    graph = g.build(g.let("L", g.apply(loss, g.let("S", X @ W), Y)))
    fix = {"Y": lambda rng: np.eye(3)[rng.integers(0, 3, size=2)]}  # one-hot rows
    d = _assert_verified(graph, fix)
    text = to_text({s.id: s for s in d.steps}["dL_dS"].formula)
    assert text == ("σ(S) - Y" if loss == "sigmoid_bce" else "softmax(S) - Y")


def test_numpy_engine_matches_finite_differences_directly():
    graph = rnn_chain(3, activation="sigmoid")
    values = draw_leaves(graph, np.random.default_rng(9), decimals=None)
    grads = gradients(graph, values)
    for name in ("W", "U", "b"):
        fd = numerical_gradient(lambda: float(forward(graph, NumpyBackend(), values)["L"][0, 0]), values[name])
        assert rel_error(grads[name], fd) < 1e-6, name


def test_evaluate_fills_every_step_and_result():
    graph = rnn_chain(2)
    d = derive_graph(graph)
    doc = Derivation("chain", {}, d.steps, dict(d.results), dict(d.symbols), graph=graph)
    values = {**draw_leaves(graph, np.random.default_rng(1)), "eta": 0.5}
    evaluate(doc, d, values)
    assert all(s.value is not None for s in doc.steps) and all(r.value is not None for r in doc.results.values())
    assert np.allclose(doc.results["W_new"].value, values["W"] - 0.5 * np.array(doc.results["dL_dW"].value))
