"""Optimizers against torch.optim on the same gradient sequence, and against the course formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest

from numeric import init, optim

SHAPES = {"W": (3, 2), "b": (2,)}
STEPS = 12


def _start_and_grads(seed: int = 0):
    rng = np.random.default_rng(seed)
    start = {k: rng.standard_normal(s) for k, s in SHAPES.items()}
    grads = [{k: rng.standard_normal(s) * 2 for k, s in SHAPES.items()} for _ in range(STEPS)]
    return start, grads


def _run_numpy(opt, start, grads):
    params = {k: v.copy() for k, v in start.items()}
    path = []
    for g in grads:
        opt.step(params, g)
        path.append({k: v.copy() for k, v in params.items()})
    return path


def _run_torch(make, start, grads, clip=None):
    torch = pytest.importorskip("torch")
    tp = {k: torch.tensor(v, requires_grad=True) for k, v in start.items()}
    opt = make(list(tp.values()))
    path = []
    for g in grads:
        for k, t in tp.items():
            t.grad = torch.tensor(g[k])
        if clip is not None:
            clip(list(tp.values()))
        opt.step()
        path.append({k: t.detach().numpy().copy() for k, t in tp.items()})
    return path


def _same_path(a, b, tol=1e-12):
    for step_a, step_b in zip(a, b, strict=True):
        for k in step_a:
            np.testing.assert_allclose(step_a[k], step_b[k], rtol=tol, atol=tol)


CASES = {
    "sgd": (lambda: optim.SGD(0.1), lambda t, p: t.optim.SGD(p, lr=0.1)),
    "momentum (classical v ← βv − ηg)": (lambda: optim.SGD(0.1, momentum=0.9),
                                          lambda t, p: t.optim.SGD(p, lr=0.1, momentum=0.9)),
    "momentum EMA = torch SGD with η(1 − β)": (lambda: optim.SGD(0.1, momentum=0.9, ema=True),
                                               lambda t, p: t.optim.SGD(p, lr=0.1 * (1 - 0.9), momentum=0.9)),
    "sgd + coupled L2": (lambda: optim.SGD(0.05, momentum=0.5, weight_decay=0.1),
                         lambda t, p: t.optim.SGD(p, lr=0.05, momentum=0.5, weight_decay=0.1)),
    "rmsprop": (lambda: optim.RMSProp(0.01, beta=0.9, eps=1e-8),
                lambda t, p: t.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-8)),
    "adam": (lambda: optim.Adam(0.01), lambda t, p: t.optim.Adam(p, lr=0.01)),
    "adam + coupled L2": (lambda: optim.Adam(0.01, weight_decay=0.1),
                          lambda t, p: t.optim.Adam(p, lr=0.01, weight_decay=0.1)),
    "adamw (decoupled)": (lambda: optim.Adam(0.01, weight_decay=0.1, decoupled=True),
                          lambda t, p: t.optim.AdamW(p, lr=0.01, weight_decay=0.1)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_same_trajectory_as_torch(name):
    torch = pytest.importorskip("torch")
    mine, theirs = CASES[name]
    start, grads = _start_and_grads()
    _same_path(_run_numpy(mine(), start, grads), _run_torch(lambda p: theirs(torch, p), start, grads))


def test_clip_by_norm_matches_torch():
    torch = pytest.importorskip("torch")
    start, grads = _start_and_grads(1)
    clip = lambda ps: torch.nn.utils.clip_grad_norm_(ps, 1.5)  # noqa: E731
    _same_path(_run_numpy(optim.SGD(0.1, clip_norm=1.5), start, grads),
               _run_torch(lambda p: torch.optim.SGD(p, lr=0.1), start, grads, clip), tol=1e-6)


def test_clip_by_value_matches_torch():
    torch = pytest.importorskip("torch")
    start, grads = _start_and_grads(2)
    clip = lambda ps: torch.nn.utils.clip_grad_value_(ps, 0.7)  # noqa: E731
    _same_path(_run_numpy(optim.Adam(0.05, clip_value=0.7), start, grads),
               _run_torch(lambda p: torch.optim.Adam(p, lr=0.05), start, grads, clip))


def test_clip_by_norm_factor_by_hand():
    g = {"a": np.array([3.0, 4.0])}
    assert optim.clip_by_norm(g, 1.0) == 5.0
    np.testing.assert_allclose(g["a"], [0.6, 0.8])            # θ/‖g‖ = 1/5
    g = {"a": np.array([3.0, -40.0])}
    optim.clip_by_value(g, 5.0)
    np.testing.assert_array_equal(g["a"], [3.0, -5.0])


def test_callers_gradients_are_not_modified():
    start, grads = _start_and_grads()
    before = {k: v.copy() for k, v in grads[0].items()}
    opt = optim.Adam(0.1, weight_decay=0.5, l1=0.1, clip_norm=0.5, clip_value=0.2)
    opt.step({k: v.copy() for k, v in start.items()}, grads[0])
    for k in before:
        np.testing.assert_array_equal(grads[0][k], before[k])


def test_l1_equals_torch_autograd_of_the_penalty():
    """L1 adds λ·sign(w): compare with torch autograd of J₀ + λΣ|w| (J₀'s gradient is the given g)."""
    torch = pytest.importorskip("torch")
    start, grads = _start_and_grads(3)
    params = {k: v.copy() for k, v in start.items()}
    optim.SGD(0.1, l1=0.3).step(params, grads[0])
    for k in start:
        w = torch.tensor(start[k], requires_grad=True)
        (torch.sum(torch.tensor(grads[0][k]) * w) + 0.3 * w.abs().sum()).backward()
        np.testing.assert_allclose(params[k], start[k] - 0.1 * w.grad.numpy(), rtol=1e-14)


def test_rmsprop_eps_inside_and_adam_without_bias_correction_by_hand():
    w0, g = np.array([1.0]), np.array([0.5])
    p = {"w": w0.copy()}
    optim.RMSProp(0.1, beta=0.9, eps=0.01, eps_inside=True).step(p, {"w": g})
    assert p["w"][0] == pytest.approx(1.0 - 0.1 * 0.5 / math.sqrt(0.1 * 0.25 + 0.01))
    p = {"w": w0.copy()}
    optim.Adam(0.1, bias_correction=False, eps=0.0).step(p, {"w": g})
    # m = 0.05, v = 0.00025: first uncorrected step η·m/√v = 0.1·0.05/0.0158… ≈ 0.316 (3.16× the corrected 0.1)
    assert 1.0 - p["w"][0] == pytest.approx(0.1 * 0.05 / math.sqrt(0.00025))
    p = {"w": w0.copy()}
    optim.Adam(0.1, eps=0.0).step(p, {"w": g})
    assert 1.0 - p["w"][0] == pytest.approx(0.1)


def test_skip_decay_leaves_named_parameters_alone():
    p = {"W": np.ones(2), "b": np.ones(2)}
    optim.SGD(0.1, weight_decay=1.0, skip_decay=["b"]).step(p, {"W": np.zeros(2), "b": np.zeros(2)})
    np.testing.assert_allclose(p["W"], 0.9)
    np.testing.assert_allclose(p["b"], 1.0)


def test_state_survives_a_change_of_the_parameter_set():
    p = {"a": np.zeros(2), "b": np.zeros(3)}
    opt = optim.SGD(0.1, momentum=0.9)
    opt.step(p, {"a": np.ones(2), "b": np.ones(3)})
    opt.step(p, {"a": np.ones(2)})                 # only "a" this time: its velocity is kept
    np.testing.assert_allclose(opt.state["a"]["v"], -0.1 * 0.9 - 0.1)
    np.testing.assert_allclose(p["a"], -0.1 - 0.19)
    np.testing.assert_allclose(p["b"], -0.1)


def test_key_order_and_empty_steps_do_not_lose_state():
    p = {"a": np.zeros(2), "b": np.zeros(3)}
    opt = optim.Adam(0.1)
    opt.step(p, {"a": np.ones(2), "b": np.ones(3)})
    opt.step(p, {})
    ref = {"a": np.zeros(2), "b": np.zeros(3)}
    ref_opt = optim.Adam(0.1)
    ref_opt.step(ref, {"a": np.ones(2), "b": np.ones(3)})
    ref_opt.t += 1
    opt.step(p, {"b": np.ones(3), "a": np.ones(2)})      # other order: same update
    ref_opt.step(ref, {"a": np.ones(2), "b": np.ones(3)})
    for k in p:
        np.testing.assert_allclose(p[k], ref[k], rtol=1e-15)


def test_float32_parameters_stay_float32():
    p = {"w": np.ones(3, dtype=np.float32)}
    optim.Adam(0.1).step(p, {"w": np.ones(3, dtype=np.float32)})
    assert p["w"].dtype == np.float32


def test_schedules_match_torch():
    torch = pytest.importorskip("torch")
    for mine, make in ((lambda e: optim.step_decay(0.1, e, 0.5, 3), lambda o: torch.optim.lr_scheduler.StepLR(o, 3, 0.5)),
                       (lambda e: optim.exponential_decay(0.1, e, 0.9), lambda o: torch.optim.lr_scheduler.ExponentialLR(o, 0.9))):
        o = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        sched, theirs = make(o), []
        for _ in range(10):
            theirs.append(o.param_groups[0]["lr"])
            o.step()
            sched.step()
        np.testing.assert_allclose([mine(e) for e in range(10)], theirs, rtol=1e-12)


# --- initialisation -----------------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", init.SCHEMES)
@pytest.mark.parametrize("shape", [(300, 200), (64, 32, 3, 3)])
def test_initialiser_variance(scheme, shape):
    w = init.initialise(np.random.default_rng(0), shape, scheme)
    n_in = shape[0] if len(shape) == 2 else shape[1] * 9
    n_out = shape[1] if len(shape) == 2 else shape[0] * 9
    target = 2 / (n_in + n_out) if scheme.startswith("glorot") else 2 / n_in
    assert w.var() == pytest.approx(target, rel=0.03)
    assert abs(w.mean()) < 0.05 * math.sqrt(target)
    if scheme.endswith("uniform"):
        bound = math.sqrt(6 / (n_in + n_out)) if scheme.startswith("glorot") else math.sqrt(6 / n_in)
        assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound


def test_initialiser_is_reproducible_and_typed():
    a = init.he_normal(np.random.default_rng(3), (4, 5), np.float32)
    b = init.he_normal(np.random.default_rng(3), (4, 5), np.float32)
    assert a.dtype == np.float32 and np.array_equal(a, b)
    with pytest.raises(ValueError):
        init.initialise(np.random.default_rng(0), (3, 3), "lecun")
