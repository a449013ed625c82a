"""The scripted-derivation machinery: every step of every analytic topic re-proved, twice.

Each claim is re-proved by its own method (SymPy rewrites, recomputation of diff/integrate, or
quadrature) and, independently, evaluated at fresh random points. The machinery itself is tested
on claims that are false, unevaluable or too costly, so that a passing proof means something.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import sympy as sp

from derive.analytic import activations, gan, losses, vae
from derive.analytic.inputs import Input, resolve
from derive.analytic.proof import Claim, evaluate, numeric_gap, prove, zero_by
from derive.analytic.script import Script
from derive.analytic.timeguard import Timeout, time_limit
from derive.analytic.topic import pick
from derive.errors import UserError
from derive.functions import PARSE_NAMESPACE
from derive.scalar_functions import sigmoid

SCRIPTS = {
    "activations": lambda: activations.script(list(activations.ACTIVATIONS)),
    "losses": lambda: losses.script(list(losses.LOSSES)),
    "vae": vae.script,
    "gan": gan.script,
}


@pytest.fixture(scope="module", params=sorted(SCRIPTS))
def script(request):
    return request.param, SCRIPTS[request.param]()


def test_every_step_is_reproved(script):
    name, s = script
    proofs = s.prove_all(full=True)  # includes recomputing every diff/integrate and every quadrature
    failed = {k: p.how for k, p in proofs.items() if not p.ok}
    assert not failed, f"{name}: {failed}"
    assert sum(c.method != "definition" for c in s.claims) >= 10


def test_every_step_agrees_at_fresh_random_points(script):
    name, s = script
    for claim in s.claims:
        if claim.method == "definition":
            continue
        gap, counted = numeric_gap(claim, seed=11, points=2, functions=s.check_functions or s.functions, domain=s.domain)
        assert counted > 0, f"{name}: {claim.step} could not be evaluated"
        assert gap < 1e-7, f"{name}: {claim.step} differs by {gap}"


def test_step_ids_are_unique_and_results_exist(script):
    name, s = script
    ids = [e.id for e in s.entries]
    assert len(ids) == len(set(ids))
    assert s.results and s.symbols


def test_every_formula_round_trips_through_parse_expr(script):
    """DESIGN: the JSON ``sympy`` string turns back into the expression (our own output, trusted)."""
    from derive.printing.math import to_sympy_string
    name, s = script
    rng = np.random.default_rng(3)
    functions = s.check_functions or s.functions
    items = [(e.id, e.formula) for e in s.entries] + [(k, v[0]) for k, v in s.results.items()]
    for label, expr in items:
        text = to_sympy_string(expr)
        back = sp.parse_expr(text, local_dict=dict(PARSE_NAMESPACE))
        originals = {a.name: a for a in sp.sympify(expr).atoms(sp.Symbol)}
        back = back.xreplace({a: originals[a.name] for a in back.atoms(sp.Symbol) if a.name in originals})
        if back == expr:
            continue
        point = {v: sp.Float(rng.uniform(0.2, 0.9), 30) for v in sp.sympify(expr).free_symbols}
        pairs = zip(back, expr) if isinstance(expr, sp.MatrixBase) else [(back, expr)]
        for b, a in pairs:
            va, vb = evaluate(a, point, functions), evaluate(b, point, functions)
            assert np.isfinite(va) and abs(va - vb) <= 1e-9 * max(1.0, abs(va)), f"{name}: {label}: {text}"


# --- the machinery on purpose-built claims ------------------------------------------------------

x = sp.Symbol("x", real=True)


def test_a_false_symbolic_claim_is_not_proved():
    wrong = Claim("w", sp.Derivative(1 / (1 + sp.exp(-x)), x), sigmoid(x) * (1 + sigmoid(x)), "computed")
    assert not prove(wrong).ok
    right = Claim("r", sp.Derivative(1 / (1 + sp.exp(-x)), x), sigmoid(x) * (1 - sigmoid(x)), "computed")
    assert prove(right).ok


def test_a_false_numeric_claim_is_not_proved_and_undefined_is_not_a_pass():
    assert not prove(Claim("n", sp.sin(x) ** 2, 1 - sp.cos(x) ** 2 + sp.Rational(1, 10**6), "numeric")).ok
    assert prove(Claim("n", sp.sin(x) ** 2, 1 - sp.cos(x) ** 2, "numeric")).ok
    nowhere = Claim("u", sp.log(-x ** 2 - 1), sp.log(-x ** 2 - 1), "numeric")
    assert not prove(nowhere).ok


def test_numeric_derivatives_and_integrals_are_independent_of_sympy_diff():
    d = sp.Derivative(sp.sin(x) * sp.exp(x), x)
    value = evaluate(d, {x: sp.Float("0.7", 30)})
    assert abs(value - (math.cos(0.7) + math.sin(0.7)) * math.exp(0.7)) < 1e-12
    mu = sp.Symbol("mu", real=True)
    integral = sp.Integral(x ** 2 * sp.exp(-(x - mu) ** 2 / 2) / sp.sqrt(2 * sp.pi), (x, -sp.oo, sp.oo))
    assert abs(evaluate(integral, {mu: sp.Float("0.3", 30)}) - (1 + 0.09)) < 1e-9


def test_linearity_of_integrals_is_a_proof_step_and_rejects_wrong_splits():
    f = sp.Function("f")
    left = sp.Integral((2 * f(x) + 3 * x * f(x)), (x, 0, 1))
    good = 2 * sp.Integral(f(x), (x, 0, 1)) + 3 * sp.Integral(x * f(x), (x, 0, 1))
    bad = 2 * sp.Integral(f(x), (x, 0, 1)) + 3 * sp.Integral(f(x), (x, 0, 1))
    assert zero_by(left - good) is not None
    assert zero_by(left - bad) is None


def test_time_limit_interrupts_and_zero_by_gives_up():
    with pytest.raises(Timeout):
        with time_limit(0.05):
            while True:
                pass
    y, z = sp.symbols("y z")
    huge = sp.expand((x + y + z + 1) ** 12) - (x + y + z + 1) ** 12 + sp.Rational(1, 10**9)
    assert zero_by(huge, seconds=0.2) is None


def test_derivation_refuses_a_script_with_an_unproved_step():
    s = Script()
    s.define("a", "start", sp.Symbol("f"), sp.exp(x))
    s.then("b", "wrong", sp.exp(x) + 1)
    with pytest.raises(AssertionError, match="b"):
        s.derivation("t", {})
    with pytest.raises(ValueError):
        s.define("a", "again", sp.Symbol("g"), x)


def test_inputs_are_seeded_validated_and_given_values_do_not_shift_others():
    inputs = [Input("a", (sp.Symbol("a"),), "a number", 0, 1), Input("v", sp.symbols("v1:3"), "a pair", 0, 1, shape=(2,)),
              Input("p", (sp.Symbol("p"),), "positive", 0.1, 1, allowed=(1e-9, 10))]
    named1, _ = resolve(inputs, None, 5)
    named2, _ = resolve(inputs, {"a": 0.25}, 5)
    assert named1 == resolve(inputs, None, 5)[0]
    assert named2["a"] == 0.25 and named2["v"] == named1["v"] and named2["p"] == named1["p"]
    for bad in ({"zz": 1.0}, {"v": [1.0]}, {"v": 2.0}, {"p": -1.0}, {"a": "abc"}):
        with pytest.raises(UserError):
            resolve(inputs, bad, 0)


def test_pick_selects_one_item_or_refuses():
    assert pick(None, ["a", "b"]) == ["a", "b"]
    assert pick("silu", activations.ACTIVATIONS, activations.ALIASES) == ["swish"]
    with pytest.raises(UserError, match="--which|choose"):
        pick("nosuch", ["a", "b"])


@pytest.mark.parametrize("topic", sorted(SCRIPTS))
def test_every_topic_renders_in_every_format_and_json_is_stable(topic):
    from derive.printing import render
    from derive.registry import get
    module = get(topic)
    opts = dict(module.OPTIONS)
    doc1, doc2 = module.derive(opts, None, 3), module.derive(opts, None, 3)
    for fmt in ("text", "markdown", "latex"):
        assert len(render(doc1, fmt)) > 200
    text = render(doc1, "json")
    assert text == render(doc2, "json")  # same seed, byte-identical
    data = json.loads(text)
    assert data["topic"] == topic and data["steps"] and data["results"] and data["symbols"]
    assert all("latex" in r and "sympy" in r for r in data["results"].values())
    assert data["inputs"]
