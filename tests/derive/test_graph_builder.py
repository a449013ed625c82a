"""GraphBuilder.let names a node in O(1): same graphs as the old whole-tape rewrite, linear work."""

from __future__ import annotations

from dataclasses import replace

import pytest

import derive.graph
from derive.graph import GraphBuilder, Var
from derive.models import attention, batchnorm, chain, conv, gru, lstm, mlp, rnn

MODULES = (mlp, rnn, lstm, gru, attention, batchnorm, conv, chain)


class WholeTapeBuilder(GraphBuilder):
    """The reference: ``let`` as first written — scan the tape for the node, rewrite every node's inputs."""

    def let(self, name: str, var: Var, meaning: str = "", adjoint: str | None = None, inline: bool = False) -> Var:
        if name in self._shapes:
            raise ValueError(f"name {name!r} used twice")
        k = next((k for k, n in enumerate(self.nodes) if n.name == var.name and not n.named), None)
        if k is None:
            raise ValueError(f"{var.name!r} is a leaf or already named; apply an op first")
        self.nodes[k] = replace(self.nodes[k], name=name, named=True, meaning=meaning, adjoint=adjoint, inline=inline)
        self.nodes = [replace(n, inputs=tuple(name if i == var.name else i for i in n.inputs)) for n in self.nodes]
        self._shapes[name] = self._shapes.pop(var.name)
        return Var(self, name)


def every_model():
    """One graph of every model spec and form (small sizes)."""
    return [
        mlp.layered_net((3, 4, 2), "tanh", "mse"), mlp.layered_net((2, 3, 3, 1), "sigmoid", "cross-entropy"),
        mlp.textbook_net(2, 2, 2), rnn.rnn(4), rnn.rnn(3, activation="relu", loss="last"),
        lstm.lstm(3, form="split"), lstm.lstm(2, form="concat", loss="last"),
        gru.gru(2, convention="pytorch", form="split"), gru.gru(2, convention="course", form="concat"),
        gru.gru(2, convention="cho", form="split"), attention.attention(3, 2, 4, 2),
        attention.attention(3, 3, 2, 2, causal=True, loss="mse"), attention.multihead(3, 3, 4, 2, causal=True),
        batchnorm.batchnorm(4, 3), batchnorm.batchnorm(3, 2, "mse"), conv.conv(2, 5, 3, 2, 1), conv.conv(1, 7, 3),
        chain.rnn_chain(5, 3, 2),
    ]


def test_let_builds_the_same_graphs_as_the_whole_tape_rewrite(monkeypatch):
    fast = every_model()
    for module in MODULES:
        monkeypatch.setattr(module, "GraphBuilder", WholeTapeBuilder)
    slow = every_model()
    assert all(isinstance(a, derive.graph.Graph) for a in slow)
    for a, b in zip(fast, slow):
        assert a.nodes == b.nodes and a.leaves == b.leaves and a.output == b.output and a.name == b.name


@pytest.mark.parametrize("builder", [GraphBuilder, WholeTapeBuilder])
def test_let_renames_earlier_readers_and_refuses_what_the_old_let_refused(builder):
    g = builder("t")
    x, W = g.input("x", (2, 1)), g.param("W", (2, 2))
    early = W @ x
    late = early + x  # reads the anonymous node before it is named
    square = g.apply("hadamard", early, early)  # reads it twice
    g.let("z", early)
    assert g.nodes[1].inputs == ("z", "x") and g.nodes[2].inputs == ("z", "z") and late.shape == (2, 1)
    g.let("s", square)
    with pytest.raises(ValueError, match="used twice"):
        g.let("z", late)
    with pytest.raises(ValueError, match="leaf or already named"):
        g.let("y", x)
    with pytest.raises(ValueError, match="leaf or already named"):
        g.let("y", g.let("u", late))
    assert [n.name for n in g.nodes] == ["z", "u", "s"]


def test_naming_costs_constant_work_per_node(monkeypatch):
    """Building T steps rewrites O(T) nodes (the old let rewrote the whole tape each time: O(T²))."""
    calls = {"n": 0}

    def counting(node, **changes):
        calls["n"] += 1
        return replace(node, **changes)

    monkeypatch.setattr(derive.graph, "replace", counting)
    work = {}
    for T in (10, 40):
        calls["n"] = 0
        chain.rnn_chain(T, 2, 1)
        work[T] = calls["n"]
    assert work[40] <= 4.2 * work[10]
