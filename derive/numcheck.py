"""Numerical checks of derived gradients: central differences and torch autograd.

Every ``chainrule verify TOPIC`` reduces to :func:`check_gradients`: draw random points, evaluate
the derived (lambdified) gradient of each parameter, and compare it with

    central differences   ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h   (float64, h = 1e-6)
    torch autograd        the same loss written in torch, float64, ``.backward()``

using rel_error(a, b) = max|a − b| / max(max|a|, max|b|, 1e-8) over all elements and points.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from typing import Any, Callable

import numpy as np

from derive.steps import Check
from derive.torch_losses import single_torch_thread  # noqa: F401 - verify's one torch thread, used here and by callers

Point = dict[str, np.ndarray]
FD_METHOD = "central difference (float64, h=1e-6)"
TORCH_METHOD = "torch autograd (float64)"


def numerical_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of the scalar ``f()`` with respect to array ``x`` (perturbed in place)."""
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        fp = f()
        x[i] = old - h
        fm = f()
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
        it.iternext()
    return grad


def numerical_vjp(f: Callable[[], np.ndarray], x: np.ndarray, dout: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central-difference vector-Jacobian product ``Σ dout ⊙ ∂f/∂x`` for an array-valued ``f()``."""
    return numerical_gradient(lambda: float(np.sum(f() * dout)), x, h)


def rel_error(a: Any, b: Any, floor: float = 1e-8) -> float:
    """Max absolute difference scaled by the larger magnitude, at least ``floor`` (the metric every check reports)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        a, b = np.broadcast_arrays(a, b)
    scale = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0)), floor)
    return float(np.max(np.abs(a - b), initial=0.0) / scale)


MAX_FD_WORK = 400_000  # forward-program steps of central differences in one check: about 2 s here (docs/limits.md)


def guard_work(points: int, point: Point, names: list[str], steps_per_loss: int) -> int:
    """The central differences' work, ``points × 2 × (values differentiated) × steps_per_loss``;
    above :data:`MAX_FD_WORK` a UserError naming ``--points`` (see :func:`guard_total`)."""
    values = sum(int(np.size(point[n])) for n in names)
    return guard_total(points, [(values, max(1, steps_per_loss))])


def guard_total(points: int, checks: list[tuple[int, int]]) -> int:
    """Work of central differences over several checks, each (values differentiated, forward
    steps): ``points × 2 × Σ values × steps``; above :data:`MAX_FD_WORK` a UserError naming
    ``--points`` with the largest count that fits (or a smaller configuration when none does)."""
    from derive.errors import UserError
    per_point = 2 * sum(v * s for v, s in checks)
    work = points * per_point
    if work > MAX_FD_WORK:
        fits = MAX_FD_WORK // per_point
        advice = f"use --points {fits} or fewer" if fits else "use a smaller configuration (fewer --layers, --steps or units)"
        detail = (f"{checks[0][0]} values × {checks[0][1]} forward steps" if len(checks) == 1 else
                  "(" + " + ".join(f"{v} × {s}" for v, s in checks) + ") values × forward steps of the configurations checked")
        raise UserError(f"verification too large: {points} points × 2 × {detail} = {work:,} steps of central differences "
                        f"(at most {MAX_FD_WORK:,}, about 2 s); {advice}", "--points")
    return work


_TORCH_CROSS_CHECK: ContextVar[bool] = ContextVar("torch_cross_check", default=True)


@contextmanager
def torch_cross_check(enabled: bool) -> Iterator[None]:
    """Within the block, :func:`torch_available` is False when ``enabled`` is (``verify --no-torch``)."""
    token = _TORCH_CROSS_CHECK.set(enabled)
    try:
        yield
    finally:
        _TORCH_CROSS_CHECK.reset(token)


def without_torch(methods: str) -> str:
    """The note of a verification that ran without torch, naming the ``methods`` that did run:
    "torch is not installed: …" or, when ``verify --no-torch`` switched the cross-check off,
    "torch cross-check left out (--no-torch): …"."""
    why = "torch is not installed" if _TORCH_CROSS_CHECK.get() else "torch cross-check left out (--no-torch)"
    return f"{why}: {methods}."


def torch_available() -> bool:
    """True when torch can be imported and the torch cross-check has not been switched off. Under
    a torch worker (``derive.torch_remote.session``) torch was found installed and is imported by
    the worker, not here."""
    if not _TORCH_CROSS_CHECK.get():
        return False
    from derive import torch_remote
    if torch_remote.current() is not None:
        return True
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


class Pending:
    """An error the torch worker is still computing (``derive.torch_remote``): a check holds it
    in place of its float until :func:`settle` replaces it, after the whole verification ran."""

    __slots__ = ("_compute", "_value")

    def __init__(self, compute: Callable[[], float]) -> None:
        self._compute: Callable[[], float] | None = compute
        self._value = 0.0

    def value(self) -> float:
        """The error (waits for the worker the first time)."""
        if self._compute is not None:
            self._value, self._compute = self._compute(), None
        return self._value

    def __repr__(self) -> str:
        return "Pending(torch autograd)" if self._compute is not None else f"Pending({self._value!r})"


def settled(error: float | Pending) -> float:
    """The float of an error that may still be pending."""
    return error.value() if isinstance(error, Pending) else error


def larger(a: float | Pending, b: float | Pending) -> float | Pending:
    """``max(a, b)`` (Python's, so a nan in ``a`` stays), deferred while either is pending."""
    if isinstance(a, Pending) or isinstance(b, Pending):
        return Pending(lambda: max(settled(a), settled(b)))
    return max(a, b)


def settle(checks: list[Check]) -> list[Check]:
    """The checks with every pending error replaced by its value."""
    import dataclasses
    return [dataclasses.replace(c, max_rel_error=c.max_rel_error.value()) if isinstance(c.max_rel_error, Pending) else c
            for c in checks]


def torch_errors(torch_loss: Callable[[dict[str, Any]], Any], points: list[Point], derived: list[dict[str, np.ndarray]],
                 names: list[str]) -> dict[str, float | Pending]:
    """For each name, the largest rel_error over ``points`` between the ``derived`` gradient and
    torch autograd of ``torch_loss``: computed here, or (inside ``torch_remote.session``) sent
    to the worker now and collected when the error is first needed (a :class:`Pending`)."""
    from derive import torch_remote
    remote = torch_remote.current()
    if remote is None:
        with single_torch_thread():
            return _worst(derived, torch_remote.in_process(torch_loss, points, names), names)
    job = remote.submit(torch_loss, points, names)
    table: dict[str, float] = {}

    def error(name: str) -> float:
        if not table:
            table.update(_worst(derived, job.gradients(), names))
        return table[name]
    return {name: Pending(lambda name=name: error(name)) for name in names}


def _worst(derived: list[dict[str, np.ndarray]], auto: list[dict[str, np.ndarray]], names: list[str]) -> dict[str, float]:
    err = {name: 0.0 for name in names}
    for d, a in zip(derived, auto):
        for name in names:
            err[name] = max(err[name], rel_error(d[name], a[name]))
    return err


def check_gradients(loss: Callable[[Point], float], gradients: dict[str, Callable[[Point], Any]],
                    sample: Callable[[np.random.Generator], Point], points: int = 3, seed: int = 0,
                    torch_loss: Callable[[dict[str, Any]], Any] | None = None, use_torch: bool = True,
                    fd_tol: float = 1e-6, torch_tol: float = 1e-9, fd_floor: float = 1e-8,
                    steps_per_loss: int = 1) -> list[Check]:
    """Compare each derived gradient with central differences (and torch autograd) at random points.

    ``loss(point)`` is the scalar loss in NumPy; ``gradients[name](point)`` the derived gradient
    with respect to ``point[name]``; ``sample(rng)`` draws a point (a dict of float64 arrays);
    ``torch_loss(tensors)`` is the same loss on torch tensors (optional). ``fd_floor`` is the
    smallest scale of the finite-difference comparison: central differences resolve gradients
    only to about 1e-10 absolute, so tiny (vanishing) gradients need a floor above 1e-8; the
    differences' rounding noise grows with the loss itself (ε·|L|/h), so the floor is scaled by
    max(1, |L|) at each point (a 40-step RNN's loss of ~10³ left its vanishing ∂L/∂h₀ to noise).
    ``steps_per_loss`` (the steps of the forward program ``loss`` runs) sizes the work that
    :func:`guard_work` bounds before anything is computed.
    """
    guard_work(points, sample(np.random.default_rng(seed)), list(gradients), steps_per_loss)
    rng = np.random.default_rng(seed)
    fd_err = {name: 0.0 for name in gradients}
    run_torch = use_torch and torch_loss is not None and torch_available()
    points_seen: list[Point] = []
    derived: list[dict[str, np.ndarray]] = []
    _compare(points, rng, sample, loss, gradients, fd_err, fd_floor, points_seen, derived)
    checks = [Check(name, fd_err[name], FD_METHOD, fd_tol, points) for name in gradients]
    if run_torch:
        assert torch_loss is not None
        torch_err = torch_errors(torch_loss, points_seen, derived, list(gradients))
        checks += [Check(name, torch_err[name], TORCH_METHOD, torch_tol, points) for name in gradients]
    return checks


def _compare(points: int, rng: np.random.Generator, sample: Callable[[np.random.Generator], Point],
             loss: Callable[[Point], float], gradients: dict[str, Callable[[Point], Any]], fd_err: dict[str, float],
             fd_floor: float, points_seen: list[Point], derived: list[dict[str, np.ndarray]]) -> None:
    """The largest errors against central differences over ``points`` points, into ``fd_err``;
    each point and its derived gradients are appended to ``points_seen`` and ``derived`` (for torch)."""
    for _ in range(points):
        point = {k: np.array(v, dtype=np.float64) for k, v in sample(rng).items()}
        floor = fd_floor * max(1.0, abs(float(loss(point))))  # FD noise ~ ε·|L|/h (check_gradients)
        values = {}
        for name, grad in gradients.items():
            values[name] = np.array(np.asarray(grad(point), dtype=np.float64).reshape(np.shape(point[name])))
            numeric = numerical_gradient(lambda: float(loss(point)), point[name])
            fd_err[name] = max(fd_err[name], rel_error(values[name], numeric, floor))
        points_seen.append(point)
        derived.append(values)
