"""Every registered op's VJP rule, proved three ways (STYLE.md §4):

1. against SymPy's own elementwise differentiation on small explicit matrices of random shapes
   (L = Σ G ⊙ f(X), ∂L/∂X_ij by ``diff``), compared at random points;
2. the symbolic (display) form of the rule, expanded with ``as_explicit()``, equals (1);
3. the NumPy backend against central finite differences, and against the SymPy backend.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest
import sympy as sp

from derive.backend import NumpyBackend, SympyBackend
from derive.numcheck import numerical_vjp, rel_error
from derive.ops import OPS

TRIALS = 3


def _example(name: str, trial: int):
    rng = np.random.default_rng(zlib.crc32(name.encode()) + 7919 * trial)
    op, shapes, domains = OPS[name].example(rng)
    return op, shapes, domains, rng


def _point(shape, domain, rng):
    """Numbers for one input: real, positive or rows summing to one."""
    if shape == ():
        return float(rng.uniform(-1.5, 1.5))
    x = rng.uniform(-1.5, 1.5, size=shape)
    if domain == "positive":
        x = rng.uniform(0.3, 2.0, size=shape)
    if domain == "rows_sum_to_one":
        x = rng.uniform(0.1, 1.0, size=shape)
        x = x / x.sum(axis=1, keepdims=True)
    return x


def _symbols(op, shapes):
    """Explicit symbolic inputs: MatrixSymbol(...).as_explicit(), or plain symbols for scalars."""
    if shapes and shapes[0] == ():
        return list(op.symbols), list(op.symbols)
    mats = [sp.MatrixSymbol(f"X{k}", *s) for k, s in enumerate(shapes)]
    return mats, [sp.ImmutableMatrix(m.as_explicit()) for m in mats]


def _subs(mats, explicit, points):
    out = {}
    for m, e, p in zip(mats, explicit, points):
        if isinstance(e, sp.MatrixBase):
            out.update({e[i, j]: sp.Float(p[i, j], 30) for i in range(e.rows) for j in range(e.cols)})
        else:
            out[m] = sp.Float(p, 30)
    return out


def _num(expr, subs):
    return float(sp.N(expr.xreplace(subs), 20))


@pytest.mark.parametrize("trial", range(TRIALS))
@pytest.mark.parametrize("name", sorted(OPS))
def test_rule_matches_sympy_elementwise_diff(name, trial):
    op, shapes, domains, rng = _example(name, trial)
    mats, X = _symbols(op, shapes)
    S = SympyBackend()
    out = op.forward(S, *X)
    scalar = not isinstance(out, sp.MatrixBase)
    G = sp.Symbol("G") if scalar else sp.ImmutableMatrix(sp.MatrixSymbol("G", *out.shape).as_explicit())
    L = G * out if scalar else sum(G[i, j] * out[i, j] for i in range(out.rows) for j in range(out.cols))
    rule = op.vjp(S, G, out, *X)
    points = [_point(s, d, rng) for s, d in zip(shapes, domains)]
    subs = _subs(mats, X, points)
    if scalar:
        subs[G] = sp.Float(rng.uniform(-1, 1), 30)
    else:
        subs.update({G[i, j]: sp.Float(rng.uniform(-1, 1), 30) for i in range(G.rows) for j in range(G.cols)})
    assert len(rule) == len(X)
    for x, r in zip(X, rule):
        if scalar or not isinstance(x, sp.MatrixBase):
            pairs = [(r, sp.diff(L, x))]
        else:
            assert r.shape == x.shape, (name, r.shape, x.shape)
            pairs = [(r[i, j], sp.diff(L, x[i, j])) for i in range(x.rows) for j in range(x.cols)]
        for got, ref in pairs:
            assert abs(_num(got, subs) - _num(ref, subs)) < 1e-12, (name, got, ref)


@pytest.mark.parametrize("trial", range(TRIALS))
@pytest.mark.parametrize("name", sorted(n for n in OPS if n != "formula"))
def test_display_form_expands_to_the_explicit_rule(name, trial):
    op, shapes, domains, rng = _example(name, trial)
    mats, X = _symbols(op, shapes)
    S = SympyBackend()
    out_sym = sp.MatrixSymbol("C", *op.shape(*shapes))
    G = sp.MatrixSymbol("G", *out_sym.shape)
    forward_display = op.forward(S, *mats)
    assert forward_display.shape == out_sym.shape
    assert sp.ImmutableMatrix(forward_display.as_explicit()) == sp.ImmutableMatrix(op.forward(S, *X))
    out = op.forward(S, *X)
    explicit = op.vjp(S, sp.ImmutableMatrix(G.as_explicit()), out, *X)
    display = op.vjp(S, G, out_sym, *mats)
    points = [_point(s, d, rng) for s, d in zip(shapes, domains)]
    subs = _subs(mats, X, points)
    subs.update({G.as_explicit()[i, j]: sp.Float(rng.uniform(-1, 1), 30) for i in range(G.rows) for j in range(G.cols)})
    for C_ij, o in zip(sp.ImmutableMatrix(out_sym.as_explicit()), out):
        subs[C_ij] = sp.Float(_num(o, subs), 30)
    for d, e in zip(display, explicit):
        assert d.shape == e.shape
        d_exp = sp.ImmutableMatrix(d.as_explicit())
        for a, b in zip(d_exp, e):
            assert abs(_num(a, subs) - _num(b, subs)) < 1e-12, (name, d)


@pytest.mark.parametrize("trial", range(TRIALS))
@pytest.mark.parametrize("name", sorted(OPS))
def test_numpy_backend_matches_finite_differences_and_sympy(name, trial):
    op, shapes, domains, rng = _example(name, trial)
    N = NumpyBackend()
    xs = [np.array(_point(s, d, rng), dtype=float) for s, d in zip(shapes, domains)]
    out = op.forward(N, *xs)
    g = np.array(rng.uniform(-1, 1, size=np.shape(out)))
    grads = op.vjp(N, g, out, *xs)
    for k, x in enumerate(xs):
        if domains[k] == "rows_sum_to_one":
            continue  # the fused rule assumes the constraint; finite differences leave it
        fd = numerical_vjp(lambda: np.asarray(op.forward(N, *xs)), x, g)
        assert rel_error(grads[k], fd) < 1e-6, (name, k)
    mats, X = _symbols(op, shapes)
    sym = op.forward(SympyBackend(), *X)
    subs = _subs(mats, X, xs)
    if isinstance(sym, sp.MatrixBase):
        assert rel_error(np.array([[_num(sym[i, j], subs) for j in range(sym.cols)] for i in range(sym.rows)]), out) < 1e-12
    else:
        assert rel_error(_num(sym, subs), out) < 1e-12


def test_every_op_documents_its_rule():
    for name, cls in OPS.items():
        assert cls.__doc__ and "∂L/∂" in cls.__doc__, name
        assert cls.rule, name
