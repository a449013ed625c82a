"""Numerical checks of the derived loss gradients (used by ``chainrule verify losses``).

Each check lambdifies a result of :func:`derive.analytic.losses.script` and hands it to
:func:`derive.numcheck.check_gradients` with the loss written in NumPy (for central differences)
and in torch's own loss functions (for autograd).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import numpy as np

from derive import torch_losses as TL
from derive.analytic import losses as A
from derive.analytic.topic import explicit
from derive.functions import lambdify
from derive.numcheck import check_gradients
from derive.steps import Check


def _result(name: str, key: str) -> Any:
    return A.script([name]).results[key][0]


def _named(checks: list[Check], label: str) -> list[Check]:
    return [dataclasses.replace(c, parameter=f"{label}, ∂/∂{c.parameter}") for c in checks]


def mse(seed: int, points: int) -> list[Check]:
    """E = ½Σ(t − o)² and (1/n)Σ(t − o)²: gradients with respect to o."""
    half = lambdify([A.O, A.T], explicit(_result("mse", "dE_do_k"), A.k, 3, {"o": A.O, "t": A.T}))
    mean = lambdify([A.O, A.T], explicit(_result("mse", "dMSE_do_k"), A.k, 3, {"o": A.O, "t": A.T}, size=A.n))
    sample = lambda r: {"o": r.normal(size=3), "t": r.normal(size=3)}  # noqa: E731
    out = _named(check_gradients(lambda p: 0.5 * np.sum((p["t"] - p["o"]) ** 2), {"o": lambda p: half(p["o"], p["t"])},
                                 sample, points, seed, torch_loss=TL.bound(TL.mse_half)), "mse ½Σ(t−o)²")
    out += _named(check_gradients(lambda p: np.mean((p["t"] - p["o"]) ** 2), {"o": lambda p: mean(p["o"], p["t"])},
                                  sample, points, seed, torch_loss=TL.bound(TL.mse_mean)), "mse mean")
    return out


def bce(seed: int, points: int) -> list[Check]:
    """BCE: ∂L/∂ŷ on probabilities and ∂L/∂z on logits (summed over 4 examples)."""
    d_yhat = lambdify([A.yhat, A.y], _result("bce", "dL_dyhat"))
    d_z = lambdify([A.z, A.y], _result("bce", "dL_dz"))
    on_p = lambda r: {"yhat": r.uniform(0.05, 0.95, size=4), "y": r.uniform(0, 1, size=4)}  # noqa: E731
    on_z = lambda r: {"z": r.normal(0, 2, size=4), "y": r.uniform(0, 1, size=4)}  # noqa: E731

    def loss_p(p: dict[str, Any]) -> float:
        return float(-np.sum(p["y"] * np.log(p["yhat"]) + (1 - p["y"]) * np.log(1 - p["yhat"])))

    def loss_z(p: dict[str, Any]) -> float:  # max(z, 0) − zy + log(1 + e^(−|z|)), computed directly
        z, y = p["z"], p["y"]
        return float(np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))
    out = _named(check_gradients(loss_p, {"yhat": lambda p: d_yhat(p["yhat"], p["y"])}, on_p, points, seed, torch_loss=TL.bound(TL.bce_probabilities)), "bce")
    return out + _named(check_gradients(loss_z, {"z": lambda p: d_z(p["z"], p["y"])}, on_z, points, seed, torch_loss=TL.bound(TL.bce_logits)), "bce on σ(z)")


def softmax_ce(seed: int, points: int) -> list[Check]:
    """Softmax + cross-entropy with soft targets: ∂L/∂z = ŷ − y."""
    import sympy as sp
    denom = sum(sp.exp(z) for z in A.Z)
    yhat = tuple(sp.exp(z) / denom for z in A.Z)
    grad = explicit(_result("softmax-ce", "dL_dz_k"), A.k, 3, {"yhat": yhat, "y": A.Y})
    f = lambdify([A.Z, A.Y], grad)

    def loss(p: dict[str, Any]) -> float:
        z = p["z"] - np.max(p["z"])
        return float(-np.sum(p["y"] * (z - np.log(np.sum(np.exp(z))))))
    sample = lambda r: {"z": r.normal(0, 2, size=3), "y": r.dirichlet(np.ones(3))}  # noqa: E731
    return _named(check_gradients(loss, {"z": lambda p: f(p["z"], p["y"])}, sample, points, seed, torch_loss=TL.bound(TL.softmax_cross_entropy)), "softmax-ce")


def _objective(penalty: str) -> tuple[Callable[..., float], Callable[..., Any]]:
    """½‖Aw − b‖² + the penalty ``torch_losses.PENALTIES[penalty]``, in NumPy and in torch (the same formula)."""
    term = TL.PENALTIES[penalty]

    def loss(p: dict[str, Any]) -> float:
        r = p["A"] @ p["w"] - p["b"]
        return float(0.5 * r @ r + term(p["w"], float(p["lam"][0])))
    return loss, TL.bound(TL.penalised_least_squares, penalty=penalty)


def _sample(rng: np.random.Generator) -> dict[str, Any]:
    w = rng.normal(size=4)
    w = np.where(np.abs(w) < 0.05, 0.1, w)  # away from the L1 kink at 0
    return {"A": rng.normal(size=(5, 4)), "b": rng.normal(size=5), "w": w, "eta": rng.uniform(0.01, 0.5, 1),
            "lam": rng.uniform(0.01, 1.0, 1)}


def _update_check(name: str, key: str, penalty: str, label: str, seed: int, points: int) -> list[Check]:
    step = lambdify([A.w, A.g, A.eta, A.lam], _result(name, key))

    def implied(p: dict[str, Any]) -> Any:  # (w − w_new)/η must be ∂J/∂w
        g = p["A"].T @ (p["A"] @ p["w"] - p["b"])
        return (p["w"] - step(p["w"], g, p["eta"][0], p["lam"][0])) / p["eta"][0]
    loss, torch_loss = _objective(penalty)
    return _named(check_gradients(loss, {"w": implied}, _sample, points, seed, torch_loss=torch_loss), label)


def l1(seed: int, points: int) -> list[Check]:
    """J₀ + λΣ|w|: the update w − η(g + λ sign w)."""
    return _update_check("l1", "w_new_l1", "l1", "l1 update", seed, points)


def l2(seed: int, points: int) -> list[Check]:
    """J₀ + ½λ‖w‖² and J₀ + λ‖w‖²: the two weight-decay updates."""
    half = _update_check("l2", "w_new_l2half", "l2half", "l2 ½λ‖w‖² update", seed, points)
    full = _update_check("l2", "w_new_l2", "l2", "l2 λ‖w‖² update", seed, points)
    return half + full


CHECKS: dict[str, Callable[[int, int], list[Check]]] = {"mse": mse, "bce": bce, "softmax-ce": softmax_ce, "l1": l1, "l2": l2}
