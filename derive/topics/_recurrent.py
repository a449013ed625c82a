"""What the recurrent topics (rnn, lstm, gru) share: options, numbers, legend, verification.

Not a topic itself (the leading underscore keeps it out of the registry). Each topic builds
its graph from ``derive.models``, lets ``derive_graph`` produce the forward and backward steps,
adds its own analysis steps (Jacobian products, clipping, the constant-error carousel) and
calls :func:`legend`, :func:`evaluate_all` and :func:`verification` from here. Their independent
torch implementations live in ``derive.torch_losses`` (picklable, for the torch worker).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from derive.backprop import GraphDerivation
from derive.errors import UserError
from derive.graph import Graph
from derive.steps import Check, Derivation, Step, SymbolInfo, Verification
from derive.topics._graph_topic import whole
from derive.verification import (FD_FLOOR, METRIC, Program, check_engine, check_program, draw_leaves, guard_checks,
                                 results_with_values, rounded, with_values)

if TYPE_CHECKING:
    import numpy as np

ETA, THETA = 0.5, 1.0
MAX_STEPS, MAX_UNITS, MAX_GIVEN = 100, 16, 1e6
MAX_VERIFY_STEPS = 40  # verify compiles sequences of T, T and T + 2 steps: about 1 s each at 40 here (docs/limits.md)
JACOBIAN_NOTE = ("Jacobians ∂u/∂v of one vector by another are written in numerator layout (row i is ∂u_i/∂v), so "
                 "the reverse walk applies their transposes: ∂L/∂v = (∂u/∂v)ᵀ ∂L/∂u.")
RANGE_NOTE = "parameters uniform on [−1, 1], inputs, initial states and targets on [0, 1]"
LOSS_ALIASES = {"all": "sum", "mse": "sum", "final": "last"}


# --- options ------------------------------------------------------------------------------------

def choice(value: Any, arg: str, allowed: tuple[str, ...], aliases: dict[str, str] | None = None) -> str:
    """``value`` (case-insensitive, or an alias of one) as one of ``allowed``; UserError otherwise."""
    text = str(value).strip().lower()
    text = (aliases or {}).get(text, text)
    if text not in allowed:
        raise UserError(f"expected one of {', '.join(allowed)}, got '{text[:20]}'", arg)
    return text


def sizes(opts: dict[str, Any]) -> tuple[int, int, int]:
    """(T, n_h, n_x) from the options steps, hidden, inputs."""
    return (whole(opts["steps"], "--steps", 1, MAX_STEPS), whole(opts["hidden"], "--hidden", 1, MAX_UNITS),
            whole(opts["inputs"], "--inputs", 1, MAX_UNITS))


# --- numbers ------------------------------------------------------------------------------------

def _given_value(shape: tuple[int, ...], name: str, value: Any) -> Any:
    import numpy as np
    if isinstance(value, str):
        raise UserError(f"'{value[:20]}' is not a number", f"--given {name}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise UserError("expected a number or a nested list of numbers", f"--given {name}") from None
    if not np.all(np.isfinite(arr)) or np.any(np.abs(arr) > MAX_GIVEN):
        raise UserError(f"expected finite numbers of magnitude at most {MAX_GIVEN:g}", f"--given {name}")
    if shape == ():
        if arr.ndim:
            raise UserError("expected a number", f"--given {name}")
        return float(arr)
    if arr.ndim == 1 and shape[1] == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim == 0 and shape == (1, 1):
        arr = arr.reshape(1, 1)
    if arr.shape != shape:
        got = "×".join(map(str, arr.shape)) or "scalar"
        raise UserError(f"expected a {shape[0]}×{shape[1]} matrix, got shape {got}", f"--given {name}")
    return arr


def leaf_values(graph: Graph, given: dict[str, Any], seed: int,
                scalars: dict[str, float]) -> tuple[dict[str, Any], str]:
    """A value for every leaf and scalar setting (η, θ): given, else drawn from ``seed`` in a fixed
    order (so giving one value never changes another), else the setting's default. Returns the
    values and a note saying which were given and which drawn."""
    import numpy as np
    known = [x.name for x in graph.leaves] + list(scalars)
    unknown = [k for k in given if k not in known]
    if unknown:
        raise UserError(f"unknown name '{unknown[0]}' (this graph's givens: {', '.join(known)})", "--given")
    values = {**draw_leaves(graph, np.random.default_rng(seed)), **scalars}
    shapes = {x.name: x.shape for x in graph.leaves}
    values.update({k: _given_value(shapes.get(k, ()), k, v) for k, v in given.items()})
    drawn = [x.name for x in graph.leaves if x.name not in given]
    parts = ["given: " + ", ".join(given)] if given else []
    if drawn:
        parts.append(f"drawn from seed {seed} ({RANGE_NOTE}, 2 decimals): " + ", ".join(drawn))
    defaults = [f"{_symbol_text(k)} = {v}" for k, v in scalars.items() if k not in given]
    if defaults:
        parts.append(", ".join(defaults) + " (default)")
    return values, "Values: " + "; ".join(parts) + "."


def _symbol_text(name: str) -> str:
    return {"eta": "η", "theta": "θ"}.get(name, name)


# --- the document ---------------------------------------------------------------------------------

def legend(graph: Graph, d: GraphDerivation, steps: list[Step], extra: dict[str, SymbolInfo]) -> dict[str, SymbolInfo]:
    """Every symbol a formula uses, with its shape. An adjoint shown under an alias (δ_t) says
    which step defines it, so a program reading the JSON can evaluate the steps in order."""
    out = dict(d.symbols)
    for s in steps:
        name = getattr(s.lhs, "name", None)
        if name is not None and str(name) != s.id and str(name) in out:
            info = out[str(name)]
            out[str(name)] = SymbolInfo(f"{info.meaning} (defined by step {s.id})", info.shape)
    out.update(extra)
    return out


def evaluate_all(doc: Derivation, d: GraphDerivation, values: dict[str, Any]) -> Derivation:
    """Every step and result of ``doc`` evaluated by running its displayed formulas as one
    program (``derive.verification.Program``) at ``values``. UserError when a value overflows float64
    (huge givens over many steps), naming the first step where it happens."""
    import numpy as np
    with np.errstate(all="ignore"):
        env = Program(doc.steps).run(values)
    for s in doc.steps:
        name = str(getattr(s.lhs, "name", ""))
        if name in env and not np.all(np.isfinite(env[name])):
            raise UserError(f"these values overflow float64 at step {s.id}; give smaller numbers or fewer steps",
                            "--given")
    doc.steps = with_values(doc.steps, env)
    doc.results = results_with_values(doc.results, env, d.variables)
    doc.inputs = {k: rounded(v) for k, v in values.items()}
    return doc


# --- verification ---------------------------------------------------------------------------------

TorchLoss = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class Case:
    """One configuration to verify: its graph, an independent torch loss and (when one matches
    exactly) the same loss through a ``torch.nn`` module, named by ``nn_method``."""

    label: str
    graph: Graph
    derivation: GraphDerivation
    torch_loss: TorchLoss | None
    nn_loss: TorchLoss | None = None
    nn_method: str = ""


def _sampler(graph: Graph) -> Callable[[np.random.Generator], dict[str, Any]]:
    def sample(rng: np.random.Generator) -> dict[str, Any]:
        return {**draw_leaves(graph, rng, decimals=None), "eta": ETA}
    return sample


def differentiated(graph: Graph) -> list[str]:
    """Leaves whose gradient is derived: the parameters and inputs such as h_0, c_0."""
    return [x.name for x in graph.leaves if x.grad]


def case_checks(case: Case, points: int, seed: int) -> list[Check]:
    """Every derived gradient of ``case`` (the displayed formulas, lambdified) against central
    differences, the NumPy reverse-mode engine, torch autograd and the torch.nn module."""
    d, graph = case.derivation, case.graph
    program, forward = Program(d.steps), Program(d.forward)
    grads = {p: d.gradient(p) for p in differentiated(graph)}
    sample = _sampler(graph)
    checks = check_program(program, d.loss, grads, sample, points, seed, case.torch_loss, True, forward, FD_FLOOR)
    checks += check_engine(graph, program, grads, sample, points, seed)
    if case.nn_loss is not None:
        checks += nn_checks(program, grads, sample, points, seed, case.nn_loss, case.nn_method)
    return checks


def nn_checks(program: Program, grads: dict[str, str], sample: Callable[[np.random.Generator], dict[str, Any]],
              points: int, seed: int, nn_loss: TorchLoss, method: str, tolerance: float = 1e-9) -> list[Check]:
    """The derived gradients against torch autograd through a ``torch.nn`` module given the same
    weights (skipped when torch is missing; run by the torch worker inside ``torch_remote.session``)."""
    import numpy as np
    from derive.numcheck import torch_available, torch_errors
    if not torch_available():
        return []
    rng = np.random.default_rng(seed)
    drawn, derived = [], []
    for _ in range(points):
        point = {k: np.array(v, dtype=np.float64) for k, v in sample(rng).items()}
        env = program.run(point)
        drawn.append(point)
        derived.append({p: env[var] for p, var in grads.items()})
    err = torch_errors(nn_loss, drawn, derived, list(grads))
    return [Check(p, e, method, tolerance, points) for p, e in err.items()]


def summarise(label: str, checks: list[Check]) -> list[Check]:
    """One check per method for a whole configuration: the worst error over its gradients."""
    from derive.numcheck import larger
    out: dict[str, Check] = {}
    for c in checks:
        prev = out.get(c.method)
        worst = c.max_rel_error if prev is None else larger(prev.max_rel_error, c.max_rel_error)
        out[c.method] = Check(f"all gradients ({label})", worst, c.method, c.tolerance, c.points)
    return list(out.values())


def verifiable(steps: int) -> None:
    """Refuse (``--steps``) a sequence longer than ``verify`` compiles in its time (``derive`` takes up to MAX_STEPS)."""
    if steps > MAX_VERIFY_STEPS:
        raise UserError(f"verify checks sequences of at most {MAX_VERIFY_STEPS} steps (derive shows up to {MAX_STEPS}), "
                        f"got {steps}", "--steps")


def verification(doc: Derivation, cases: list[Case], points: int, seed: int) -> Verification:
    """Checks of the requested configuration (one row per gradient and method) and of the other
    ``cases`` (one row per method: the worst error over all their gradients)."""
    from derive.numcheck import torch_available, without_torch
    guard_checks([(c.graph, c.derivation, differentiated(c.graph)) for c in cases], points)  # before any compiling
    checks = case_checks(cases[0], points, seed)
    for case in cases[1:]:
        checks += summarise(case.label, case_checks(case, points, seed))
    notes = [f"{points} random points from seed {seed}; {RANGE_NOTE}.",
             "Configurations: " + "; ".join(c.label for c in cases) + " (the first is the one requested, "
             "gradient by gradient; the others are summarised)."]
    if not torch_available():
        notes.insert(0, without_torch("finite differences and the NumPy engine only"))
    return Verification(doc, checks, metric=METRIC, notes=notes)
