"""Pieces of the ``autodiff`` type: the evaluation traces, the local derivative of each primitive
(with the slips the type replays) and the independent cross-checks.

A trace is a list of nodes ``(op, args)``; node i is v_i, the inputs are ``x1``, ``x2``.
Forward mode carries tangents v̇_i = ∂v_i/∂(seed direction); reverse mode carries adjoints
v̄_i = ∂f/∂v_i, accumulated over every use of v_i.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

TRACES = {  # name: (f as text, nodes)
    "baydin": ("ln(x₁) + x₁x₂ − sin(x₂)", [("ln", ("x1",)), ("mul", ("x1", "x2")), ("sin", ("x2",)), ("add", ("v1", "v2")), ("sub", ("v4", "v3"))]),
    "exp-square": ("e^(x₁x₂) + x₁²", [("mul", ("x1", "x2")), ("exp", ("v1",)), ("sq", ("x1",)), ("add", ("v2", "v3"))]),
    "neuron": ("σ(x₁x₂ + x₂)", [("mul", ("x1", "x2")), ("add", ("v1", "x2")), ("sigmoid", ("v2",))]),
    "tanh-product": ("tanh(x₁)·(x₁ + x₂)", [("tanh", ("x1",)), ("add", ("x1", "x2")), ("mul", ("v1", "v2"))]),
}
SYMBOL = {"ln": "ln {0}", "sin": "sin {0}", "exp": "e^{0}", "sq": "{0}²", "sigmoid": "σ({0})", "tanh": "tanh {0}",
          "add": "{0} + {1}", "sub": "{0} − {1}", "mul": "{0}·{1}"}
NAMES = {"x1": "x₁", "x2": "x₂"}


def node_text(i: int, op: str, args: tuple[str, ...]) -> str:
    """``v3 = sin x₂``."""
    return f"v{i} = " + SYMBOL[op].format(*(NAMES.get(a, a) for a in args))


TANGENT = {"ln": "{0}′/{0}", "sin": "cos({0})·{0}′", "exp": "{v}·{0}′", "sq": "2{0}·{0}′", "sigmoid": "{v}(1 − {v})·{0}′",
           "tanh": "(1 − {v}²)·{0}′", "add": "{0}′ + {1}′", "sub": "{0}′ − {1}′", "mul": "{1}·{0}′ + {0}·{1}′"}


def tangent_text(i: int, op: str, args: tuple[str, ...]) -> str:
    """The forward-mode rule of node i: ``v2′ = cos(x₂)·x₂′``."""
    return TANGENT[op].format(*(NAMES.get(a, a) for a in args), v=f"v{i}")


def adjoint_text(i: int, uses: list[int]) -> str:
    """The reverse-mode sum of node i: ``∂f/∂v4·∂v4/∂v2 + …`` (1 for the output)."""
    return " + ".join(f"∂f/∂v{u}·∂v{u}/∂v{i}" for u in uses) or "1 (the output)"


def value(op: str, a: list[float]) -> float:
    """The primitive's value."""
    return {"ln": lambda: math.log(a[0]), "sin": lambda: math.sin(a[0]), "exp": lambda: math.exp(a[0]),
            "sq": lambda: a[0] * a[0], "sigmoid": lambda: 1 / (1 + math.exp(-a[0])), "tanh": lambda: math.tanh(a[0]),
            "add": lambda: a[0] + a[1], "sub": lambda: a[0] - a[1], "mul": lambda: a[0] * a[1]}[op]()


def partials(op: str, a: list[float], out: float, work: Any, reverse: bool) -> list[float]:
    """∂v/∂(each argument) at the argument values ``a`` and the node's value ``out``."""
    if op in ("ln", "sin", "exp", "sq", "sigmoid", "tanh") and work.mistake("local-value"):
        return [out]
    if op == "mul" and reverse and work.mistake("mul-swapped"):
        return [a[0], a[1]]
    if op == "sub" and reverse and work.mistake("sub-sign"):
        return [1.0, 1.0]
    return {"ln": lambda: [1 / a[0]], "sin": lambda: [math.cos(a[0])], "exp": lambda: [out], "sq": lambda: [2 * a[0]],
            "sigmoid": lambda: [out * (1 - out)], "tanh": lambda: [1 - out * out], "add": lambda: [1.0, 1.0],
            "sub": lambda: [1.0, -1.0], "mul": lambda: [a[1], a[0]]}[op]()


def users(nodes: list[tuple[str, tuple[str, ...]]]) -> dict[str, list[int]]:
    """For every variable, the (1-based) nodes that use it."""
    out: dict[str, list[int]] = {}
    for i, (_, args) in enumerate(nodes, 1):
        for a in dict.fromkeys(args):
            out.setdefault(a, []).append(i)
    return out


# --- independent cross-checks (tests only) --------------------------------------------------

def _torch_ops(torch: Any) -> dict[str, Any]:
    return {"ln": torch.log, "sin": torch.sin, "exp": torch.exp, "sq": lambda a: a * a, "sigmoid": torch.sigmoid,
            "tanh": torch.tanh, "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b}


# NumPy's own primitives (scipy's expit for σ), not the solver's ``value`` table.
_NUMPY_OPS = {"ln": np.log, "sin": np.sin, "exp": np.exp, "sq": np.square, "sigmoid": lambda a: float(_expit(a)),
              "tanh": np.tanh, "add": np.add, "sub": np.subtract, "mul": np.multiply}


def _expit(a: float) -> float:
    from scipy.special import expit
    return float(expit(a))


def cross_torch(g: dict[str, Any], torch: Any) -> dict[str, Any]:
    """Values and adjoints by reverse-mode autograd (retain_grad), tangents by forward-mode dual numbers."""
    import torch.autograd.forward_ad as fwad
    nodes, ops = TRACES[g["trace"]][1], _torch_ops(torch)
    env = {k: torch.tensor(float(g[k]), dtype=torch.float64, requires_grad=True) for k in ("x1", "x2")}
    vs = []
    for i, (op, args) in enumerate(nodes, 1):
        env[f"v{i}"] = ops[op](*(env[a] for a in args))
        env[f"v{i}"].retain_grad()
        vs.append(env[f"v{i}"])
    vs[-1].backward()
    out = {f"v.{i}": float(v.detach()) for i, v in enumerate(vs, 1)} | {f"adj.{i}": float(v.grad) for i, v in enumerate(vs, 1)}
    out["grad"] = [float(env["x1"].grad), float(env["x2"].grad)]
    with fwad.dual_level():
        dual = {k: fwad.make_dual(torch.tensor(float(g[k]), dtype=torch.float64), torch.tensor(float(s), dtype=torch.float64))
                for k, s in zip(("x1", "x2"), g["seed"])}
        for i, (op, args) in enumerate(nodes, 1):
            dual[f"v{i}"] = ops[op](*(dual[a] for a in args))
            out[f"tan.{i}"] = float(fwad.unpack_dual(dual[f"v{i}"]).tangent)
    return out


def cross_numpy(g: dict[str, Any]) -> dict[str, Any]:
    """Without torch: tangents as central differences along the seed, adjoints as central
    differences of f with respect to a bump added to one node's value."""
    nodes, h = TRACES[g["trace"]][1], 1e-6

    def run(x1: float, x2: float, bump: int = 0, by: float = 0.0) -> list[float]:
        env = {"x1": x1, "x2": x2}
        for i, (op, args) in enumerate(nodes, 1):
            env[f"v{i}"] = float(_NUMPY_OPS[op](*(env[a] for a in args))) + (by if i == bump else 0.0)
        return [env[f"v{i}"] for i in range(1, len(nodes) + 1)]
    x1, x2, (s1, s2) = g["x1"], g["x2"], g["seed"]
    base = run(x1, x2)
    plus, minus = np.array(run(x1 + h * s1, x2 + h * s2)), np.array(run(x1 - h * s1, x2 - h * s2))
    out = {f"v.{i}": v for i, v in enumerate(base, 1)} | {f"tan.{i}": t for i, t in enumerate((plus - minus) / (2 * h), 1)}
    for i in range(1, len(nodes) + 1):
        out[f"adj.{i}"] = (run(x1, x2, i, h)[-1] - run(x1, x2, i, -h)[-1]) / (2 * h)
    out["grad"] = [(run(x1 + h, x2)[-1] - run(x1 - h, x2)[-1]) / (2 * h), (run(x1, x2 + h)[-1] - run(x1, x2 - h)[-1]) / (2 * h)]
    return out


def cross_passes(g: dict[str, Any]) -> dict[str, Any]:
    """Counts by doing it: the Jacobian of a random linear map built column by column (one JVP per
    forward pass) and row by row (one VJP per reverse pass), and a central-difference Jacobian
    whose function counts its own evaluations."""
    from derive.numcheck import numerical_gradient
    n, m = g["n"], g["m"]
    A = np.random.default_rng(0).normal(size=(m, n))
    calls = {"jvp": 0, "vjp": 0, "f": 0}

    def jvp(v: np.ndarray) -> np.ndarray:
        calls["jvp"] += 1
        return A @ v

    def vjp(u: np.ndarray) -> np.ndarray:
        calls["vjp"] += 1
        return u @ A
    J_fwd, J_rev = np.zeros((m, n)), np.zeros((m, n))
    for j in range(n):  # forward mode: seed one input direction per pass
        e = np.zeros(n)
        e[j] = 1.0
        J_fwd[:, j] = jvp(e)
    for i in range(m):  # reverse mode: seed one output per pass
        e = np.zeros(m)
        e[i] = 1.0
        J_rev[i] = vjp(e)
    assert np.allclose(J_fwd, J_rev)
    x, outputs = np.zeros(n), []

    def f() -> float:
        calls["f"] += 1
        outputs.append(A @ x)  # one evaluation gives every output
        return 0.0
    numerical_gradient(f, x, 1e-3)
    return {"fwd-passes": calls["jvp"], "rev-passes": calls["vjp"], "fd-evals": calls["f"],
            "cheaper": "forward" if calls["jvp"] < calls["vjp"] else "reverse"}
