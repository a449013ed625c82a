"""Hypothesis fuzzes extreme givens (issue 12 item 7): the safe parser, every problem type's givens
and ``derive --given``.

Values are drawn around the edges of the floats (±1e300, ±1.8e308, 0, −0, 1e-300, 5e-324) and of
the documented ranges (±1e6), written as numbers or as text, alone, in lists, in huge, deep or
ragged structures. Whatever comes in, the outcome is either the project's input error
(``UserError``: exit 2, one line) or an exercise/check report/derivation whose every output format
(text, markdown, latex, json) holds no NaN or infinity, computed without a RuntimeWarning (warnings
are errors here). The conventions' own prose is exempt from the token scan (attention's causal
mask says "−∞" on purpose); the JSON is parsed strictly, so a non-finite number anywhere fails.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from derive.errors import UserError
from derive.parse import ParseError, parse_answer, parse_value
from derive.printing import render
from problems import engine
from problems.registry import all_types

FORMATS = ("text", "markdown", "latex", "json")
NONFINITE = re.compile(r"(?<![\w.])(nan|inf|infinity|∞|zoo)(?![\w.(])", re.IGNORECASE)
EDGES = [1e300, -1e300, 1.7976931348623157e308, -1.7976931348623157e308, 0.0, -0.0, 1e-300, -1e-300, 5e-324,
         1e6, -1e6, 1e6 + 1, -999_999.5, 1e-6, 1e-9, 1e-12, 1000.0, -1000.0, 1.0, 0.5, 2.0]
EXTREME = st.sampled_from(EDGES) | st.floats(allow_nan=False, allow_infinity=False)
EXAMPLES_PER_TYPE = 8
FUZZ = settings(max_examples=EXAMPLES_PER_TYPE, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])


def refuse_constant(token: str) -> float:
    raise AssertionError(f"JSON holds the non-finite {token}")


def numbers_in(value: Any) -> list[float]:
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in numbers_in(v)]
    return [value] if isinstance(value, float) else []


def assert_clean(outputs: dict[str, str], context: str) -> None:
    """Strict JSON and no NaN/∞ token in any format."""
    json.loads(outputs["json"], parse_constant=refuse_constant)
    for fmt, text in outputs.items():
        m = NONFINITE.search(text)
        assert m is None, f"{context}: {fmt} holds {m.group(0)!r}: …{text[max(0, m.start() - 60):m.end() + 20]}…"


def rendered(doc: Any) -> dict[str, str]:
    """Every string format of ``doc``, with the conventions' prose left out of the scan."""
    if hasattr(doc, "conventions"):
        doc = dataclasses.replace(doc, conventions=[])
    return {fmt: render(doc, fmt) for fmt in FORMATS}


# --- the safe parser ---------------------------------------------------------------------------

def as_text(x: float) -> str:
    return repr(x) if x == x else "0"


LITERALS = st.builds(as_text, EXTREME) | st.sampled_from(["-0", "1e400", "-1e400", "1e-400", "1e308*10", "exp(709)",
                                                            "exp(710)", "1/1e-308", "2**1000", "10**308", "1e308+1e308"])
NESTED = st.recursive(LITERALS, lambda inner: st.lists(inner, min_size=1, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
                      max_leaves=30)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(NESTED)
def test_parser_gives_finite_numbers_or_a_parse_error(text):
    for parse in (parse_value, lambda t: parse_answer(t).value):
        try:
            value = parse(text)
        except ParseError:
            continue
        assert all(math.isfinite(x) for x in numbers_in(value)), (text, value)


@pytest.mark.parametrize("text", ["[" * 60 + "1" + "]" * 60, "[" + ", ".join(["1e300"] * 20_000) + "]",
                                  "-" * 1500 + "1", "1" + "**1" * 2000, "[[1, 2], [3]]", "[1, [2]]"])
def test_parser_refuses_huge_deep_and_ragged_structures(text):
    for parse in (parse_value, parse_answer):
        with pytest.raises(ParseError):
            parse(text)


# --- every problem type's givens ----------------------------------------------------------------

def bases(module: Any) -> list[tuple[str | None, dict[str, Any]]]:
    """(variant, generated givens) for each variant: the starting points the fuzz mutates."""
    return [(v, module.generate(np.random.default_rng(0), "exam", v)) for v in (None, *getattr(module, "VARIANTS", {}))]


@st.composite
def mutated(draw: Any, value: Any) -> Any:
    """``value`` with extreme numbers in it, or a structure it should not have."""
    if isinstance(value, bool) or isinstance(value, str):
        return draw(st.sampled_from([value, as_text(draw(EXTREME)), draw(EXTREME)]))
    if isinstance(value, (int, float)):
        x = draw(EXTREME)
        return draw(st.sampled_from([x, as_text(x), [x], "[" * 6 + as_text(x) + "]" * 6]))
    if isinstance(value, list):
        arr = np.array(value, dtype=object)
        kind = draw(st.sampled_from(["one", "all", "each", "huge", "deep", "empty", "scalar", "ragged", "text"]))
        if kind == "huge":
            return [draw(EXTREME)] * 20_000
        if kind == "deep":
            return [[[[[[draw(EXTREME)]]]]]]
        if kind == "empty":
            return []
        if kind == "scalar":
            return draw(EXTREME)
        if kind == "ragged":
            return [value, [draw(EXTREME)]]
        flat = list(arr.flat)
        if not flat or any(isinstance(v, (str, bool)) or v is None for v in flat):
            return [draw(EXTREME)]
        if kind == "one":
            flat[draw(st.integers(0, len(flat) - 1))] = draw(EXTREME)
        elif kind == "all":
            flat = [draw(EXTREME)] * len(flat)
        else:
            flat = [draw(EXTREME) for _ in flat]
        out = np.array(flat, dtype=object).reshape(arr.shape).tolist()
        return as_list_text(out) if kind == "text" else out
    return value


def as_list_text(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(as_list_text(v) for v in value) + "]"
    return as_text(float(value))


def check_quietly(name: str, givens: dict[str, Any], variant: str | None = None, answers: dict[str, Any] | None = None) -> Any:
    """The check report of ``answers`` on the exercise ``givens`` make (the pipeline behind
    ``problems.check``, without its per-call look-up of the known given keys: these keys are the
    type's own), with every warning an error; None when the input is refused (UserError)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            module = all_types()[name]
            return engine.check(module, givens, answers or {})
        except UserError:
            return None


TYPES = sorted(all_types())


@pytest.mark.parametrize("name", TYPES)
def test_extreme_givens_end_in_a_report_without_nan_or_an_input_error(name):
    module = all_types()[name]
    starts = bases(module)
    seen = {"reports": 0, "refused": 0}

    @FUZZ
    @given(st.data())
    def fuzz(data):
        variant, base = data.draw(st.sampled_from(starts), label="start")
        keys = sorted(k for k in base if not isinstance(base[k], str) or k in ("tail",))
        chosen = data.draw(st.lists(st.sampled_from(keys), min_size=1, max_size=min(3, len(keys)), unique=True), label="keys")
        givens = {**base, **{k: data.draw(mutated(base[k]), label=k) for k in chosen}}
        report = check_quietly(name, givens=givens, variant=variant)
        if report is None:
            seen["refused"] += 1
            return
        seen["reports"] += 1
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert_clean(rendered(report), f"{name} {givens}")
            # answer one or two steps with extreme values: the report must stay finite too
            steps = [m.id for m in report.marks]
            answers = {s: data.draw(st.sampled_from(["1e300", "-0", "0", "5e-324", "1e-300", "[1e300, 0]", "reject"]), label=s)
                       for s in data.draw(st.lists(st.sampled_from(steps), max_size=2, unique=True), label="answered")}
        if answers:
            again = check_quietly(name, givens=givens, variant=variant, answers=answers)
            if again is not None:
                assert_clean(rendered(again), f"{name} {givens} {answers}")

    fuzz()
    assert seen["reports"] + seen["refused"] >= EXAMPLES_PER_TYPE // 2


@pytest.mark.parametrize("name", TYPES)
def test_edge_values_in_every_numeric_given(name):
    """Deterministic sweep: each numeric given alone set to each float edge (every entry of a list)."""
    module = all_types()[name]
    for variant, base in bases(module):
        for key, value in base.items():
            if isinstance(value, (bool, str)) or value is None:
                continue
            for x in (1e6, -1e6, 0.0, 1e-300):
                filled = np.full(np.shape(value), x).tolist() if isinstance(value, list) else x
                report = check_quietly(name, givens={**base, key: filled}, variant=variant)
                if report is not None:
                    assert_clean(rendered(report), f"{name}[{variant}] {key}={x}")


# --- derive --given ----------------------------------------------------------------------------

def derive_quietly(topic: str, options: dict[str, Any], given: dict[str, Any]) -> Any:
    import derive
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            return derive.derive(topic, options, given=given)
        except UserError:
            return None


DERIVE_CASES = [("mlp", {}), ("mlp", {"activation": "relu"}), ("mlp", {"activation": "tanh", "loss": "cross-entropy"}),
                ("mlp", {"matrix": True, "loss": "cross-entropy"}), ("losses", {}), ("activations", {}), ("batchnorm", {}),
                ("rnn", {}), ("lstm", {}), ("gru", {}), ("attention", {}), ("conv", {}), ("vae", {})]


@pytest.mark.parametrize("topic,options", DERIVE_CASES, ids=[f"{t}{'-' + '-'.join(map(str, o.values())) if o else ''}"
                                                             for t, o in DERIVE_CASES])
def test_derive_given_extremes_are_finite_or_refused(topic, options):
    import derive
    inputs = derive.derive(topic, options, values=True).inputs

    @settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def fuzz(data):
        names = data.draw(st.lists(st.sampled_from(sorted(inputs)), min_size=1, max_size=2, unique=True))
        given_values = {n: (np.full(np.shape(inputs[n]), data.draw(EXTREME)).tolist() if np.ndim(inputs[n]) else data.draw(EXTREME))
                        for n in names}
        doc = derive_quietly(topic, options, given_values)
        if doc is not None:
            outputs = rendered(doc)
            json.loads(outputs["json"], parse_constant=refuse_constant)
            assert all(math.isfinite(x) for x in _all_numbers(json.loads(outputs["json"])))

    fuzz()


def _all_numbers(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _all_numbers(v)]
    if isinstance(value, list):
        return [x for v in value for x in _all_numbers(v)]
    return [float(value)] if isinstance(value, (int, float)) and not isinstance(value, bool) else []


def test_derive_mlp_issue_example_is_refused_and_its_json_never_crashes():
    from tests.conftest import run_cli
    for extra in ([], ["--format", "json"]):
        out = run_cli("derive", "mlp", "--given", "w1=1e300", "--given", "i1=1e300", *extra)
        assert out.returncode == 2 and "Traceback" not in out.stderr
        assert out.stderr.count("\n") == 1 and "--given w1" in out.stderr and "1e+06" in out.stderr
    ok = run_cli("derive", "mlp", "--given", "w1=1e6", "--given", "i1=1e6", "--format", "json")
    assert ok.returncode == 0, ok.stderr
    json.loads(ok.stdout, parse_constant=refuse_constant)
