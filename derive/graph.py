"""The computational graph: an immutable tape of named nodes, built with ``GraphBuilder``.

Leaves are inputs, targets and parameters; each node applies one op (``derive.ops``) to
earlier leaves/nodes. Named nodes (``z1``, ``a1``, ``L``) are the symbols a student sees; the
builder's anonymous intermediates (``W1 @ x`` inside ``z1 = W1 x + b1``) are inlined into the
formulas of the named node that uses them.

>>> g = GraphBuilder("tiny")
>>> x, W = g.input("x", (2, 1)), g.param("W", (1, 2))
>>> L = g.let("L", g.apply("sigmoid", W @ x))
>>> graph = g.build(L)
>>> [n.name for n in graph.nodes], graph.get("L").shape
(['_matmul1', 'L'], (1, 1))

Scalar graphs (the textbook nets with named weights) use ``GraphBuilder.formula``: a node given
by a SymPy expression of earlier symbols, differentiated by SymPy itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from derive.ops import Op, make
from derive.ops.formula import Formula

Shape = tuple[int, ...]
KINDS = ("input", "target", "param", "const")


@dataclass(frozen=True)
class Leaf:
    """An input, target or parameter: ``shape`` () for a scalar, (rows, cols) for a matrix."""

    name: str
    shape: Shape = ()
    kind: str = "input"
    meaning: str = ""
    grad: bool = False  # differentiate the loss with respect to it


@dataclass(frozen=True)
class Node:
    """One op applied to earlier leaves/nodes.

    ``named`` nodes get a step and a symbol; anonymous ones are inlined. ``adjoint`` is the
    display name of ∂L/∂node (e.g. ``delta_1``; default ∂L/∂name). ``inline`` nodes still get
    their own backward step, but later formulas use its expression instead of its symbol
    (so δ_1 = (W2ᵀ δ_2) ⊙ a1 ⊙ (𝟏 − a1) rather than ∂L/∂a1 ⊙ …).
    """

    name: str
    op: Op
    inputs: tuple[str, ...]
    shape: Shape
    meaning: str = ""
    named: bool = True
    adjoint: str | None = None
    inline: bool = False


@dataclass(frozen=True)
class Graph:
    """Leaves, a topologically ordered tape of nodes, and the scalar output (the loss)."""

    name: str
    leaves: tuple[Leaf, ...]
    nodes: tuple[Node, ...]
    output: str
    _index: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update({x.name: x for x in (*self.leaves, *self.nodes)})

    # --- lookups --------------------------------------------------------------------------------
    def get(self, name: str) -> Leaf | Node:
        """The leaf or node called ``name``."""
        return self._index[name]

    def is_leaf(self, name: str) -> bool:
        """True for inputs, targets and parameters."""
        return isinstance(self._index[name], Leaf)

    @property
    def params(self) -> tuple[Leaf, ...]:
        """The parameters (leaves of kind ``param``), in declaration order."""
        return tuple(x for x in self.leaves if x.kind == "param")

    @property
    def scalar(self) -> bool:
        """True when every quantity is a scalar (a textbook net with named weights)."""
        return all(x.shape == () for x in (*self.leaves, *self.nodes))

    def symbol(self, name: str) -> Any:
        """The SymPy symbol of a leaf or node: ``Symbol`` for scalars, ``MatrixSymbol`` otherwise."""
        import sympy as sp
        shape = self.get(name).shape
        return sp.Symbol(name) if shape == () else sp.MatrixSymbol(name, *shape)

    def consumers(self, name: str) -> tuple[str, ...]:
        """Nodes that take ``name`` as an input (each once, in tape order)."""
        return tuple(n.name for n in self.nodes if name in n.inputs)

    def ancestors(self, name: str | None = None) -> set[str]:
        """Every leaf and node the output (or ``name``) depends on, itself included."""
        seen, todo = set(), [name or self.output]
        while todo:
            cur = todo.pop()
            if cur not in seen:
                seen.add(cur)
                if not self.is_leaf(cur):
                    todo.extend(self.get(cur).inputs)
        return seen

    def active(self) -> set[str]:
        """Leaves with ``grad`` and nodes on a path from one of them to the output."""
        needed = self.ancestors()
        live = {x.name for x in self.leaves if x.grad and x.name in needed}
        for n in self.nodes:
            if n.name in needed and any(i in live for i in n.inputs):
                live.add(n.name)
        return live

    def named_inputs(self, name: str) -> tuple[str, ...]:
        """The named nodes and leaves a node reads, looking through anonymous intermediates."""
        out: list[str] = []
        for i in self.get(name).inputs:
            item = self.get(i)
            for j in ((i,) if isinstance(item, Leaf) or item.named else self.named_inputs(i)):
                if j not in out:
                    out.append(j)
        return tuple(out)

    def formulas(self) -> dict[str, Any]:
        """Each node's forward formula in terms of leaf and named-node symbols (SymPy backend)."""
        from derive.backend import SympyBackend
        B = SympyBackend()
        ref = {x.name: self.symbol(x.name) for x in self.leaves}
        out: dict[str, Any] = {}
        for n in self.nodes:
            if isinstance(n.op, Formula):
                out[n.name] = n.op.display
            else:
                out[n.name] = n.op.forward(B, *(ref[i] for i in n.inputs))
            ref[n.name] = self.symbol(n.name) if n.named else out[n.name]
        return out

    # --- drawings -------------------------------------------------------------------------------
    def label(self, name: str, formulas: dict[str, Any] | None = None) -> str:
        """``name = formula`` for a node, ``name (param)`` for a leaf."""
        from derive.printing.math import to_text
        item = self.get(name)
        if isinstance(item, Leaf):
            return f"{name} ({item.kind})"
        formulas = formulas if formulas is not None else self.formulas()
        return f"{name} = {to_text(formulas[name])}"

    def tree(self) -> tuple[str, list[Any]]:
        """``(label, [(label, [...]), ...])`` rooted at the output; a shared node is expanded once."""
        formulas, seen = self.formulas(), set()

        def walk(name: str) -> tuple[str, list[Any]]:
            label = self.label(name, formulas)
            if name in seen and not self.is_leaf(name):
                return f"{label}  (see above)", []
            seen.add(name)
            kids = [] if self.is_leaf(name) else [walk(i) for i in self.named_inputs(name)]
            return label, kids
        return walk(self.output)

    def to_dot(self) -> str:
        """The graph in Graphviz DOT: leaves as ellipses (parameters shaded), ops as boxes."""
        formulas = self.formulas()
        lines = [f'digraph "{_esc(self.name)}" {{', "  rankdir=BT;", '  node [fontname="Helvetica"];']
        for x in self.leaves:
            style = ', style=filled, fillcolor="#ffe9a8"' if x.kind == "param" else ""
            lines.append(f'  "{_esc(x.name)}" [shape=ellipse{style}, label="{_esc(x.name)}"];')
        for n in self.nodes:
            if n.named:
                lines.append(f'  "{_esc(n.name)}" [shape=box, label="{_esc(self.label(n.name, formulas))}"];')
            else:
                lines.append(f'  "{_esc(n.name)}" [shape=circle, label="{_esc(n.op.label())}"];')
        for n in self.nodes:
            lines += [f'  "{_esc(i)}" -> "{_esc(n.name)}";' for i in n.inputs]
        return "\n".join(lines) + "\n}\n"

    def to_mermaid(self) -> str:
        """The graph as a Mermaid flowchart (GitHub and Jupyter draw it in a ```mermaid block):
        leaves rounded (parameters shaded), named nodes as boxes with their formula, the rest as
        circles, edges from inputs to the node they feed, the loss at the top."""
        formulas = self.formulas()
        ids = {x.name: f"n{k}" for k, x in enumerate([*self.leaves, *self.nodes])}
        lines = ["flowchart BT"]
        for x in self.leaves:
            lines.append(f"  {ids[x.name]}([{_mermaid_label(x.name)}])" + (":::param" if x.kind == "param" else ""))
        for n in self.nodes:
            if n.named:
                lines.append(f"  {ids[n.name]}[{_mermaid_label(self.label(n.name, formulas))}]")
            else:
                lines.append(f"  {ids[n.name]}(({_mermaid_label(n.op.label())}))")
        for n in self.nodes:
            lines += [f"  {ids[i]} --> {ids[n.name]}" for i in n.inputs]
        lines.append("  classDef param fill:#ffe9a8")
        return "\n".join(lines) + "\n"


def _mermaid_label(text: str) -> str:
    """A Mermaid label in quotes: its own quotes and angle brackets as entity codes."""
    return '"' + text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;") + '"'


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


class Var:
    """A handle on a leaf or node while building; ``@ + - * .T`` create anonymous nodes.

    ``*`` is elementwise (Hadamard) between two Vars and a constant multiple with a number,
    as in NumPy.
    """

    def __init__(self, builder: GraphBuilder, name: str) -> None:
        self.builder, self.name = builder, name

    @property
    def shape(self) -> Shape:
        return self.builder.shape(self.name)

    def __matmul__(self, other: Var) -> Var:
        return self.builder.apply("matmul", self, other)

    def __add__(self, other: Var) -> Var:
        return self.builder.apply("add", self, other)

    def __sub__(self, other: Var) -> Var:
        return self.builder.apply("sub", self, other)

    def __mul__(self, other: Any) -> Var:
        if isinstance(other, Var):
            return self.builder.apply("hadamard", self, other)
        return self.builder.apply(make("scale", c=other), self)

    __rmul__ = __mul__

    def __neg__(self) -> Var:
        return self.builder.apply(make("scale", c=-1), self)

    @property
    def T(self) -> Var:
        return self.builder.apply("transpose", self)

    def __repr__(self) -> str:
        return f"Var({self.name!r}, shape={self.shape})"


class GraphBuilder:
    """Build a Graph: declare leaves, apply ops, name the nodes students should see.

    Shapes are checked as nodes are added (a shape error is a bug in the topic, not user input).
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.leaves: list[Leaf] = []
        self.nodes: list[Node] = []
        self._shapes: dict[str, Shape] = {}
        self._count = 0
        self._anonymous: dict[str, int] = {}  # anonymous node → its position on the tape
        self._readers: dict[str, list[int]] = {}  # anonymous node → positions of the nodes reading it

    def shape(self, name: str) -> Shape:
        """The shape of a declared leaf or node."""
        return self._shapes[name]

    def _leaf(self, name: str, shape: Shape, kind: str, meaning: str, grad: bool) -> Var:
        if name in self._shapes:
            raise ValueError(f"name {name!r} used twice")
        self.leaves.append(Leaf(name, tuple(shape), kind, meaning, grad))
        self._shapes[name] = tuple(shape)
        return Var(self, name)

    def input(self, name: str, shape: Shape = (), meaning: str = "", grad: bool = False) -> Var:
        """An input (``grad=True`` to also derive ∂L/∂input, e.g. Q, K, V of attention)."""
        return self._leaf(name, shape, "input", meaning, grad)

    def target(self, name: str, shape: Shape = (), meaning: str = "") -> Var:
        """A target (never differentiated)."""
        return self._leaf(name, shape, "target", meaning, False)

    def param(self, name: str, shape: Shape = (), meaning: str = "") -> Var:
        """A parameter: its gradient and its update are derived."""
        return self._leaf(name, shape, "param", meaning, True)

    def const(self, name: str, shape: Shape = (), meaning: str = "") -> Var:
        """A named constant (e.g. a mask), never differentiated."""
        return self._leaf(name, shape, "const", meaning, False)

    def apply(self, op: str | Op, *args: Var, **params: Any) -> Var:
        """An anonymous node applying ``op`` (a registered name or an Op instance) to ``args``."""
        op = make(op, **params) if isinstance(op, str) else op
        if op.arity is not None and len(args) != op.arity:
            raise ValueError(f"{op.name} takes {op.arity} inputs, got {len(args)}")
        self._count += 1
        name = f"_{op.name}{self._count}"
        shape = op.shape(*(a.shape for a in args))
        self._append(Node(name, op, tuple(a.name for a in args), tuple(shape), named=False))
        self._anonymous[name] = len(self.nodes) - 1
        self._shapes[name] = tuple(shape)
        return Var(self, name)

    def _append(self, node: Node) -> None:
        """Put ``node`` on the tape and remember which anonymous nodes it reads (for ``let``)."""
        for i in dict.fromkeys(node.inputs):
            if i in self._anonymous:
                self._readers.setdefault(i, []).append(len(self.nodes))
        self.nodes.append(node)

    def let(self, name: str, var: Var, meaning: str = "", adjoint: str | None = None, inline: bool = False) -> Var:
        """Name the (anonymous) node ``var``: it becomes a symbol with its own steps.

        O(1) plus the nodes that already read ``var``: the builder remembers where each
        anonymous node sits and who reads it, so unrolling T steps builds in O(T), not O(T²).
        """
        if name in self._shapes:
            raise ValueError(f"name {name!r} used twice")
        old = var.name
        k = self._anonymous.pop(old, None)
        if k is None:
            raise ValueError(f"{old!r} is a leaf or already named; apply an op first")
        self.nodes[k] = replace(self.nodes[k], name=name, named=True, meaning=meaning, adjoint=adjoint, inline=inline)
        for j in self._readers.pop(old, ()):  # later nodes that read the old name
            self.nodes[j] = replace(self.nodes[j], inputs=tuple(name if i == old else i for i in self.nodes[j].inputs))
        self._shapes[name] = self._shapes.pop(old)
        return Var(self, name)

    def formula(self, name: str, expr: Any, meaning: str = "", display: Any = None) -> Var:
        """A named scalar node given by a SymPy expression of earlier leaf/node symbols."""
        import sympy as sp
        if name in self._shapes:
            raise ValueError(f"name {name!r} used twice")
        free = {s.name for s in expr.free_symbols}
        unknown = free - set(self._shapes)
        if unknown:
            raise ValueError(f"formula for {name} uses undeclared symbols {sorted(unknown)}")
        inputs = tuple(n for n in self._shapes if n in free)
        op = Formula(expr, tuple(sp.Symbol(n) for n in inputs), display)
        self._append(Node(name, op, inputs, (), meaning=meaning))
        self._shapes[name] = ()
        return Var(self, name)

    def build(self, output: Var) -> Graph:
        """The finished graph with ``output`` (a named scalar or 1×1 node) as the loss."""
        if self.shape(output.name) not in ((), (1, 1)):
            raise ValueError(f"output {output.name} must be a scalar, has shape {self.shape(output.name)}")
        return Graph(self.name, tuple(self.leaves), tuple(self.nodes), output.name)
