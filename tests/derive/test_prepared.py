"""The prepared table (``derive.analytic.prepared``): proofs and SymPy results of the analytic
derivations done once when chainrule is built. The shipped table must be exactly what proving and
computing everything afresh gives; a derivation printed from it must be byte for byte the one
made without it; with it, no proof, integral or solve runs; and its reader builds SymPy objects
only, never running the text it reads."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import sympy as sp

import derive
from derive.analytic import prepared
from derive.analytic import script as script_module
from derive.printing import render

TOPICS = prepared.TOPICS


@pytest.fixture()
def table_on(monkeypatch):
    monkeypatch.delenv("CHAINRULE_PREPARED", raising=False)
    prepared.forget()
    yield
    prepared.forget()


def _outputs(topic: str) -> dict[str, str]:
    out = {fmt: render(derive.derive(topic), fmt) for fmt in ("text", "json", "latex")}
    out["values"] = render(derive.derive(topic, seed=3, values=True), "json")
    return out


def test_the_shipped_table_is_what_proving_everything_afresh_gives():
    """Stale after a change to an analytic script? Run ``python -m derive.analytic.prepared --write``."""
    fresh = prepared.build()
    assert fresh["proofs"] and fresh["computed"]
    stored = json.loads(prepared.TABLE.read_text(encoding="utf-8"))
    assert stored == fresh
    assert prepared.TABLE.read_text(encoding="utf-8") == prepared.text_of(fresh)


@pytest.mark.parametrize("topic", TOPICS)
def test_a_derivation_from_the_table_prints_what_a_fresh_one_prints(topic, table_on, monkeypatch):
    with_table = _outputs(topic)
    monkeypatch.setenv("CHAINRULE_PREPARED", "off")
    prepared.forget()
    assert _outputs(topic) == with_table


@pytest.mark.parametrize("topic", TOPICS)
def test_with_the_table_no_proof_integral_or_solve_runs(topic, table_on, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("redone although the table holds it")
    monkeypatch.setattr(script_module, "prove", refuse)
    for name in ("solve", "nsolve"):
        monkeypatch.setattr(sp, name, refuse)
    monkeypatch.setattr(sp.Integral, "doit", refuse)
    monkeypatch.setattr(sp.Integral, "transform", refuse)
    assert derive.derive(topic).steps
    monkeypatch.setenv("CHAINRULE_PREPARED", "off")
    prepared.forget()
    with pytest.raises(AssertionError, match="redone"):
        derive.derive(topic)  # the same run without the table does the work (and so meets the guard)


def test_another_sympy_version_finds_nothing_and_computes(table_on, monkeypatch):
    expected = render(derive.derive("vae"), "text")
    monkeypatch.setattr(prepared.sp, "__version__", "0.0-other")
    calls = []
    original = script_module.prove
    monkeypatch.setattr(script_module, "prove", lambda c, *a, **k: calls.append(c.step) or original(c, *a, **k))
    assert render(derive.derive("vae"), "text") == expected
    assert calls  # nothing matched: the proofs ran


@pytest.mark.parametrize("damage", ["{not json", "[]", '{"proofs": [], "computed": {"x": 1}}', ""])
def test_a_damaged_table_is_ignored(damage, tmp_path, table_on, monkeypatch):
    expected = render(derive.derive("gan"), "text")
    broken = tmp_path / "prepared.json"
    broken.write_text(damage)
    monkeypatch.setattr(prepared, "TABLE", broken)
    prepared.forget()
    assert render(derive.derive("gan"), "text") == expected


def test_an_unreadable_entry_is_computed(table_on, monkeypatch):
    x = sp.Symbol("x", real=True)
    name = prepared.key_of("doit", (sp.Derivative(x ** 3, x),))
    monkeypatch.setattr(prepared, "_table", lambda: {"proofs": {}, "computed": {name: [True, "__import__('os').system('false')"]}})
    assert prepared.computed("doit", (sp.Derivative(x ** 3, x),), lambda: 3 * x ** 2) == 3 * x ** 2


X, Y = sp.symbols("x y", real=True)
F = sp.Function("q")
ROUND_TRIPS = [
    sp.Integer(-7), sp.Rational(-3, 4), sp.Float("0.1", 30), -sp.oo, sp.pi * X,
    sp.exp(-X ** 2 / 2) / sp.sqrt(2 * sp.pi), sp.Piecewise((X, X > 0), (0, True)),
    sp.Integral(F(X) * sp.log(F(X)), (X, -sp.oo, sp.oo)), sp.Derivative(F(X), (X, 2)),
    sp.Lambda(X, X + Y), sp.Mul(-1, X + Y, evaluate=False), sp.ImmutableMatrix([[X, 1], [0, Y]]),
    sp.Symbol("s", positive=True) ** sp.Rational(1, 3),
]


@pytest.mark.parametrize("expr", ROUND_TRIPS, ids=[sp.srepr(e)[:40] for e in ROUND_TRIPS])
def test_srepr_reads_back_exactly(expr):
    stored = prepared._stored(expr)
    assert stored is not None
    back = prepared.read_srepr(stored[1], stored[0])
    assert back == expr and sp.srepr(back) == sp.srepr(expr)


@pytest.mark.parametrize("text", [
    "__import__('os').system('false')", "sympify('1')", "parse_expr('x')", "Integer.__class__",
    "(lambda: 1)()", "Symbol('x').subs", "[c for c in ()]", "Integer(1) + Integer(2)", "open('f')",
    "Symbol(**{'x': 1})",
])
def test_the_reader_builds_sympy_objects_only(text):
    with pytest.raises((ValueError, SyntaxError)):
        prepared.read_srepr(text)


def test_the_table_ships_with_the_package():
    config = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    assert "prepared.json" in config["tool"]["setuptools"]["package-data"]["derive.analytic"]
    assert prepared.TABLE.is_file()
