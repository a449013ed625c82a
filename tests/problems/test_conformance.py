"""Conformance suite: every registered problem type, many seeds, the same guarantees.

Determinism by seed; the solver's own answers check as correct; an independent cross-check
agrees; a perturbed step is caught and later dependent steps get follow-through; rounded
answers count as rounded; every known mistake is diagnosed by name; JSON round-trips; every
printer renders.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from derive.printing import render
from problems import engine
from problems.registry import all_types

TYPES = list(all_types().values())
IDS = [m.NAME for m in TYPES]
SEEDS = range(12)


def _answers(steps):
    return {s.id: s.value for s in steps}


def _perturb(value):
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value - 1 if value > 1 else value + 1
    if isinstance(value, list):
        arr = np.array(value, dtype=float)
        flat = arr.reshape(-1)
        flat[0] = flat[0] + 0.5 + abs(flat[0])
        return arr.tolist()
    return value + 0.5 + abs(value)


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_module_contract(module):
    for attr in ("NAME", "SUMMARY", "SECTIONS", "STEPS", "GIVENS", "MISTAKES", "generate", "validate",
                 "statement", "conventions", "solve", "cross_check"):
        assert hasattr(module, attr), f"{module.NAME} lacks {attr}"
    assert module.SUMMARY and module.SECTIONS and module.STEPS and module.MISTAKES


@pytest.mark.parametrize("module", TYPES, ids=IDS)
@pytest.mark.parametrize("difficulty", engine.DIFFICULTIES)
def test_same_seed_same_exercise(module, difficulty):
    for seed in range(4):
        a = render(engine.make_exercise(module, seed, difficulty), "json")
        b = render(engine.make_exercise(module, seed, difficulty), "json")
        assert a == b
    assert len({render(engine.make_exercise(module, s, difficulty), "json") for s in range(6)}) > 1


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_every_step_id_is_documented(module):
    for seed in SEEDS:
        for step in engine.make_exercise(module, seed).steps:
            assert engine.spec_for(module, step.id) is not None, f"{module.NAME}: step {step.id} not in STEPS"


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_independent_cross_check_agrees(module):
    for difficulty in engine.DIFFICULTIES:
        for seed in SEEDS:
            ex = engine.make_exercise(module, seed, difficulty)
            independent = module.cross_check(ex.givens)
            assert independent, f"{module.NAME}: cross_check returned nothing"
            ours = _answers(ex.steps)
            for key, value in independent.items():
                assert key in ours, f"{module.NAME}@{seed}: cross-check names unknown step {key}"
                if isinstance(value, str) or isinstance(ours[key], str):
                    assert str(value) == str(ours[key]), (module.NAME, seed, key)
                else:
                    np.testing.assert_allclose(np.array(ours[key], dtype=float), np.array(value, dtype=float),
                                               rtol=1e-7, atol=1e-9, err_msg=f"{module.NAME}@{seed} {key}")


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_own_answers_check_correct(module):
    for seed in SEEDS:
        ex = engine.make_exercise(module, seed)
        report = engine.check(module, ex.givens, _answers(ex.steps))
        bad = [(m.id, m.status) for m in report.marks if m.status != "correct"]
        assert not bad, f"{module.NAME}@{seed}: {bad}"
        assert report.first_error is None and report.score["correct"] == report.score["total"]


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_missing_steps_are_missing(module):
    ex = engine.make_exercise(module, 1)
    report = engine.check(module, ex.givens, {})
    assert all(m.status == "missing" for m in report.marks)


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_perturbed_step_is_incorrect_and_later_steps_follow_through(module):
    checked_ft = 0
    for seed in SEEDS:
        ex = engine.make_exercise(module, seed)
        values = _answers(ex.steps)
        for k, step in enumerate(ex.steps):
            answers = dict(values)
            answers[step.id] = _perturb(step.value)
            try:
                replay = {s.id: s.value for s in engine.solve(module, ex.givens, overrides=answers)}
            except (ValueError, IndexError, ZeroDivisionError):
                continue  # the perturbed value makes later steps meaningless
            # Later steps recomputed from the student's wrong value (the student carried it forward).
            for later in ex.steps[k + 1:]:
                answers[later.id] = replay[later.id]
            report = engine.check(module, ex.givens, answers)
            marks = {m.id: m for m in report.marks}
            assert marks[step.id].status == "incorrect", (module.NAME, seed, step.id, marks[step.id])
            assert report.first_error == step.id
            for later in ex.steps[k + 1:]:
                expected = "correct" if _same(replay[later.id], later.value) else "follow-through"
                assert marks[later.id].status in (expected, "rounded"), (module.NAME, seed, step.id, later.id, marks[later.id])
                checked_ft += expected == "follow-through"
            if k >= 3:
                break
    if len(ex.steps) > 1:
        assert checked_ft > 0, f"{module.NAME}: no follow-through case exercised"


def _same(a, b):
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    try:
        return np.allclose(np.array(a, dtype=float), np.array(b, dtype=float), rtol=1e-9, atol=1e-9)
    except ValueError:
        return False


def _round(value, d):
    if isinstance(value, list):
        return [_round(v, d) for v in value]
    if isinstance(value, float):
        return round(value, d)
    return value


def _text(value, d):
    if isinstance(value, list):
        return "[" + ", ".join(_text(v, d) for v in value) + "]"
    if isinstance(value, float):
        return f"{value:.{d}f}"
    return str(value)


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_rounded_answers_get_rounded_credit(module):
    for seed in SEEDS[:6]:
        ex = engine.make_exercise(module, seed)
        answers = {}
        for s in ex.steps:
            spec = engine.spec_for(module, s.id)
            d = max(spec.min_decimals or 0, 3)
            answers[s.id] = _text(s.value, d)
        report = engine.check(module, ex.givens, answers)
        for m in report.marks:
            assert m.status in ("correct", "rounded", "follow-through"), (module.NAME, seed, m)


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_every_known_mistake_is_diagnosed(module):
    for name, description in module.MISTAKES.items():
        diagnosed = False
        for difficulty in ("exam", "hard", "easy"):
            for seed in range(40):
                ex = engine.make_exercise(module, seed, difficulty)
                wrong = {s.id: s.value for s in engine.solve(module, ex.givens, mistake=name)}
                first = next((s for s in ex.steps if s.id in wrong and not _same(wrong[s.id], s.value)), None)
                if first is None:
                    continue
                report = engine.check(module, ex.givens, wrong)
                mark = next(m for m in report.marks if m.id == first.id)
                assert mark.status == "incorrect", (module.NAME, name, seed, mark)
                if mark.diagnosis == description:
                    diagnosed = True
                    break
            if diagnosed:
                break
        assert diagnosed, f"{module.NAME}: mistake '{name}' never diagnosed by name"


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_json_round_trips_and_printers_render(module):
    ex = engine.make_exercise(module, 5)
    sheet = engine.make_sheet([module], 5, 3)
    data = json.loads(render(sheet, "json"))
    assert len(data) == 3 and data[0]["id"] == f"{module.NAME}@5"
    for step, item in zip(ex.steps, data[0]["steps"]):
        assert item["id"] == step.id
        if isinstance(step.value, (int, float)) and not isinstance(step.value, bool):
            assert math.isclose(item["value"], step.value, rel_tol=1e-12, abs_tol=1e-12)
    assert module.validate(data[0]["givens"]) == ex.givens
    for fmt in ("text", "markdown", "latex"):
        out = render(sheet, fmt)
        assert ex.steps[0].id in out
    assert render(sheet, "rich") is not None
    report = engine.check(module, ex.givens, {ex.steps[0].id: _perturb(ex.steps[0].value)})
    for fmt in ("text", "markdown", "latex", "json"):
        assert render(report, fmt)
    assert json.loads(render(report, "json"))["first_error"] == ex.steps[0].id


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_sheet_exercises_are_distinct(module):
    sheet = engine.make_sheet([module], 7, 10)
    keys = {json.dumps(e.givens, sort_keys=True) for e in sheet.exercises}
    assert len(keys) == 10
