"""Topic ``activations``: value, derivative (in terms of the output where the course does), range.

``chainrule derive activations [--which swish] [--values | --seed N | --given x=0.5]`` shows the
steps of :mod:`derive.analytic.activations`; ``chainrule verify activations`` compares every
derived derivative (lambdified) with central differences of the definition and with torch's own
implementation (F.silu, F.hardswish, F.prelu, …) at random points away from the kinks.
"""

from __future__ import annotations

from typing import Any

NAME = "activations"
SUMMARY = "sigmoid, tanh, ReLU family, ELU, swish, hard-swish, softplus, softmax: derivative, range, saturation"
OPTIONS: dict[str, Any] = {"which": None}
KINKS = (-3.0, 0.0, 3.0, 6.0)


def _inputs(names: list[str]) -> list[Any]:
    from derive.analytic import activations as A
    from derive.analytic.inputs import Input
    out = [Input("x", (A.x,), "pre-activation", -3.0, 3.0)] if set(names) - {"softmax"} else []
    if {"prelu", "elu"} & set(names):
        out.append(Input("alpha", (A.alpha,), "negative-part slope/scale α > 0", 0.05, 1.0, allowed=(1e-9, 1e6)))
    if "softmax" in names:
        out.append(Input("z", A.Z, "logits z1, z2, z3", -2.0, 2.0, shape=(3,)))
    return out


def derive(options: dict[str, Any], given: dict[str, Any] | None, seed: int | None) -> Any:
    """The derivation of the selected activations (all, or ``--which NAME``)."""
    from derive.analytic import activations as A
    from derive.analytic.topic import numbers, pick
    names = pick(options.get("which"), A.ACTIVATIONS, A.ALIASES)
    script = A.script(names)
    named, subs = numbers(_inputs(names), given, seed)
    title = f"Activation: {names[0]}" if len(names) == 1 else "Activation functions: value, derivative, range, saturation"
    return script.derivation(NAME, options, title, subs, named)


def _away_from_kinks(x: Any) -> Any:
    import numpy as np
    for k in KINKS:
        near = np.abs(x - k) < 1e-3
        x = np.where(near, k + 1e-2, x)
    return x


def _checks_for(name: str, script: Any, seed: int, points: int) -> list[Any]:
    import dataclasses

    import numpy as np

    from derive.analytic import activations as A
    from derive.functions import lambdify
    from derive.numcheck import check_gradients
    key = {"leaky-relu": "leaky_relu", "hard-swish": "hardswish"}.get(name, name)
    if name == "softmax":
        return _softmax_checks(script, seed, points)
    f = lambdify([A.x, A.alpha], script.results[key][0])
    df = lambdify([A.x, A.alpha], script.results[f"d{key}_dx"][0])
    grads = {"x": lambda p: df(p["x"], p["alpha"][0]) * np.ones_like(p["x"])}
    if name == "prelu":
        da = lambdify([A.x, A.alpha], script.results["dprelu_dalpha"][0])
        grads["alpha"] = lambda p: np.array([np.sum(da(p["x"], p["alpha"][0]))])

    def sample(rng: np.random.Generator) -> dict[str, Any]:
        return {"x": _away_from_kinks(rng.normal(0.0, 3.0, size=6)), "alpha": rng.uniform(0.05, 1.0, size=1)}
    from derive import torch_losses as TL
    checks = check_gradients(lambda p: float(np.sum(f(p["x"], p["alpha"][0]))), grads, sample, points, seed,
                             torch_loss=TL.bound(TL.activation_sum, name=name))
    return [dataclasses.replace(c, parameter=f"{name}: ∂/∂{c.parameter}") for c in checks]


def _softmax_checks(script: Any, seed: int, points: int) -> list[Any]:
    import dataclasses

    import numpy as np

    from derive.analytic import activations as A
    from derive.functions import lambdify
    from derive.numcheck import check_gradients
    s = lambdify([A.Z], A.softmax_explicit())
    jac = lambdify([A.Z], _jacobian_from(script.results["dsoftmax_i_dz_j"][0]))

    def sample(rng: np.random.Generator) -> dict[str, Any]:
        return {"z": rng.normal(0.0, 2.0, size=3), "g": rng.normal(size=3)}
    loss = lambda p: float(np.ravel(s(p["z"])) @ p["g"])  # noqa: E731 - L = gᵀ softmax(z)
    grads = {"z": lambda p: np.asarray(jac(p["z"]), dtype=float).T @ p["g"]}  # ∂L/∂z = Jᵀ g
    from derive import torch_losses as TL
    checks = check_gradients(loss, grads, sample, points, seed, torch_loss=TL.bound(TL.softmax_projection))
    return [dataclasses.replace(c, parameter="softmax: Jᵀg, ∂/∂z") for c in checks]


def _jacobian_from(general: Any) -> Any:
    """The 3×3 Jacobian read off the derived index formula s_i(δ_ij − s_j), with s = softmax(z1, z2, z3)."""
    import sympy as sp

    from derive.analytic import activations as A
    soft = A.softmax_explicit()
    sym = {v.name: v for v in general.free_symbols}

    def entry(r: int, c: int) -> Any:
        e = general.xreplace({sym["s_i"]: soft[r], sym["s_j"]: soft[c]})
        return e.subs({sym["i"]: r + 1, sym["j"]: c + 1})
    return sp.Matrix(3, 3, entry)


def verify(options: dict[str, Any], seed: int, backend: str, points: int) -> Any:
    """Every derived derivative vs central differences and torch; every step re-proved."""
    from derive.analytic import activations as A
    from derive.analytic.topic import pick, verification
    names = pick(options.get("which"), A.ACTIVATIONS, A.ALIASES)
    script = A.script(names)
    checks = [c for name in names for c in _checks_for(name, script, seed, points)]
    notes = ["x drawn from N(0, 3²), nudged 0.01 away from the kinks (−3, 0, 3, 6); α from U(0.05, 1)",
             "softmax: L = gᵀ softmax(z) with random g, so ∂L/∂z = (diag(s) − s sᵀ)ᵀ g"]
    return verification(script, NAME, options, "Activation functions", checks, notes, seed)
