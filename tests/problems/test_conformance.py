"""Conformance suite: every registered problem type, every variant, many seeds, the same guarantees.

Contract (module attributes and kinds); determinism by seed; every step id documented; the
solver's own answers check as correct; an independent cross-check agrees; a perturbed step is
caught and later dependent steps get follow-through; element-level marks point at the wrong
entry; rounded and truncated answers are credited; a step's minimum precision is enforced;
every known mistake is diagnosed by name; odd answers never crash the checker; answers to steps
the exercise does not have are refused; JSON round-trips; every printer renders; LaTeX sheets
are well formed; TOML answer files round-trip.
"""

from __future__ import annotations

import io
import json
import math
import pickle
import re
import tomllib

import numpy as np
import pytest

from derive.printing import render
from derive.steps import StepSpec
from problems import engine
from problems.registry import all_types
from problems.syllabus import SECTIONS as SYLLABUS_SECTIONS
from problems.template import answer_template
from tests.problems.printed_reports import assert_report_printed

TYPES = list(all_types().values())
IDS = [m.NAME for m in TYPES]
SEEDS = range(12)
KINDS = {"number", "vector", "matrix", "integer", "choice"}


@pytest.fixture(scope="session")
def exercise():
    """``engine.make_exercise(module, seed, difficulty, variant)``, generated once per session.

    Most guarantees below are checked on the same (type, seed, difficulty, variant) exercises;
    generating each once saves a third of this suite's time. Every call returns a fresh copy
    (kept pickled), so no test can see what another did to its exercise. Determinism itself is
    tested on freshly generated exercises (``test_same_seed_same_exercise``).
    """
    made: dict[tuple, bytes] = {}

    def get(module, seed, difficulty="exam", variant=None):
        key = (module.NAME, seed, difficulty, variant)
        if key not in made:
            made[key] = pickle.dumps(engine.make_exercise(module, seed, difficulty, variant))
        return pickle.loads(made[key])
    return get


def variants(module):
    """None (the plain type) and every declared variant."""
    return [None, *getattr(module, "VARIANTS", {})]


def _answers(steps):
    return {s.id: s.value for s in steps}


def _perturb(value):
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value - 1 if value > 1 else value + 1
    if isinstance(value, list) and any(isinstance(v, str) for v in _leaves(value)):
        return [_perturb(value[0])] + value[1:]
    if isinstance(value, list):
        arr = np.array(value, dtype=float)
        flat = arr.reshape(-1)
        flat[0] = flat[0] + 0.5 + abs(flat[0])
        return arr.tolist()
    return value + 0.5 + abs(value)


def _leaves(value):
    if isinstance(value, list):
        return [x for v in value for x in _leaves(v)]
    return [value]


def _same(a, b):
    if isinstance(a, str) or isinstance(b, str) or any(isinstance(x, str) for x in _leaves(a) + _leaves(b)):
        return a == b
    try:
        return np.allclose(np.array(a, dtype=float), np.array(b, dtype=float), rtol=1e-9, atol=1e-9)
    except ValueError:
        return False


def _text(value, d, truncate=False):
    """The value as a student writes it with d decimals (rounded half away from zero, or truncated)."""
    if isinstance(value, list):
        return "[" + ", ".join(_text(v, d, truncate) for v in value) + "]"
    if isinstance(value, float):
        q = 10 ** d
        scaled = abs(value) * q  # + float noise far below the last place (1e-9 of a 4.6e12 product would be a digit)
        scaled += max(1e-9, 1e-12 * scaled)
        n = math.floor(scaled) if truncate else math.floor(scaled + 0.5)
        return ("-" if value < 0 and n else "") + f"{n / q:.{d}f}"
    return str(value)


# --- the contract -----------------------------------------------------------------------------

@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_module_contract(module):
    for attr in ("NAME", "SUMMARY", "SECTIONS", "STEPS", "GIVENS", "MISTAKES", "generate", "validate",
                 "statement", "conventions", "solve", "cross_check"):
        assert hasattr(module, attr), f"{module.NAME} lacks {attr}"
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", module.NAME), module.NAME
    assert module.SUMMARY and module.SECTIONS and module.STEPS and module.MISTAKES and module.GIVENS
    assert set(module.SECTIONS) <= set(SYLLABUS_SECTIONS), module.SECTIONS
    ids = [s.id for s in module.STEPS]
    assert len(ids) == len(set(ids)), f"duplicate step ids in {module.NAME}"
    for spec in module.STEPS:
        assert isinstance(spec, StepSpec) and spec.kind in KINDS, spec
        assert spec.min_decimals is None or 0 <= spec.min_decimals <= 6, spec
    for name in ("VARIANTS", "CHOICES", "ALIASES", "TOLERANCES", "DIAGNOSES"):
        assert isinstance(getattr(module, name, {}), dict), f"{module.NAME}.{name} must be a dict"
    assert not set(getattr(module, "DIAGNOSES", {})) & set(module.MISTAKES)
    for alias, target in getattr(module, "ALIASES", {}).items():
        assert engine.spec_for(module, target) is not None, f"alias {alias} → unknown step {target}"


@pytest.mark.parametrize("module", TYPES, ids=IDS)
@pytest.mark.parametrize("difficulty", engine.DIFFICULTIES)
def test_same_seed_same_exercise(module, difficulty):
    for variant in variants(module):
        sheets = [render(engine.make_exercise(module, s, difficulty, variant), "json") for s in range(6)]
        for seed in range(3):
            assert render(engine.make_exercise(module, seed, difficulty, variant), "json") == sheets[seed]
        assert len(set(sheets)) > 1


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_givens_validate_idempotently(module, exercise):
    for variant in variants(module):
        for difficulty in engine.DIFFICULTIES:
            for seed in range(4):
                g = exercise(module, seed, difficulty, variant).givens
                assert module.validate(json.loads(json.dumps(g))) == g, (module.NAME, variant, seed)


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_every_step_id_is_documented(module, exercise):
    for variant in variants(module):
        for seed in SEEDS:
            for step in exercise(module, seed, "exam", variant).steps:
                assert engine.spec_for(module, step.id) is not None, f"{module.NAME}: step {step.id} not in STEPS"


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_independent_cross_check_agrees(module, exercise):
    for variant in variants(module):
        for difficulty in engine.DIFFICULTIES:
            for seed in SEEDS:
                ex = exercise(module, seed, difficulty, variant)
                independent = module.cross_check(ex.givens)
                assert independent, f"{module.NAME}: cross_check returned nothing"
                ours = _answers(ex.steps)
                where = f"{module.NAME}@{seed}:{difficulty}+{variant}"
                for key, value in independent.items():
                    assert key in ours, f"{where}: cross-check names unknown step {key}"
                    if isinstance(value, str) or any(isinstance(x, str) for x in _leaves(ours[key])):
                        assert value == ours[key], (where, key)
                    else:
                        np.testing.assert_allclose(np.array(ours[key], dtype=float), np.array(value, dtype=float),
                                                   rtol=1e-7, atol=1e-9, err_msg=f"{where} {key}")


# --- checking ---------------------------------------------------------------------------------

@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_own_answers_check_correct(module, exercise):
    for variant in variants(module):
        for difficulty in engine.DIFFICULTIES:
            for seed in range(6):
                ex = exercise(module, seed, difficulty, variant)
                report = engine.check(module, ex.givens, _answers(ex.steps))
                bad = [(m.id, m.status) for m in report.marks if m.status != "correct"]
                assert not bad, f"{module.NAME}@{seed}+{variant}: {bad}"
                assert report.first_error is None and report.score["correct"] == report.score["total"]


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_missing_steps_are_missing(module, exercise):
    ex = exercise(module, 1)
    report = engine.check(module, ex.givens, {})
    assert all(m.status == "missing" for m in report.marks)
    assert report.score == {"correct": 0, "total": len(ex.steps)}


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_perturbed_step_is_incorrect_and_later_steps_follow_through(module, exercise):
    checked_ft = 0
    for variant in variants(module):
        for seed in range(8):
            ex = exercise(module, seed, "exam", variant)
            values = _answers(ex.steps)
            for k, step in enumerate(ex.steps[:4]):
                answers = {s.id: values[s.id] for s in ex.steps[:k]}
                answers[step.id] = _perturb(step.value)
                try:
                    replay = {s.id: s.value for s in engine.solve(module, ex.givens, overrides=dict(answers))}
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
                    if marks[later.id].status == "follow-through":
                        assert "carried forward" in marks[later.id].message
    if len(ex.steps) > 1:
        assert checked_ft > 0, f"{module.NAME}: no follow-through case exercised"


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_one_wrong_entry_is_marked_in_place(module, exercise):
    seen = 0
    for variant in variants(module):
        ex = exercise(module, 2, "exam", variant)
        for step in ex.steps:
            if not isinstance(step.value, list) or any(isinstance(x, str) for x in _leaves(step.value)):
                continue
            wrong = np.array(step.value, dtype=float)
            flat = wrong.reshape(-1)
            pos = len(flat) - 1
            flat[pos] += 0.5 + abs(flat[pos])
            mark = next(m for m in engine.check(module, ex.givens, {step.id: wrong.tolist()}).marks if m.id == step.id)
            assert mark.status == "incorrect"
            flat_marks = _leaves(mark.elements)
            assert flat_marks[pos] == "incorrect" and flat_marks.count("incorrect") == 1, (module.NAME, step.id, mark.elements)
            seen += 1
    if any(isinstance(s.value, list) for v in variants(module) for s in exercise(module, 2, "exam", v).steps):
        assert seen


@pytest.mark.parametrize("module", TYPES, ids=IDS)
@pytest.mark.parametrize("truncate", [False, True], ids=["rounded", "truncated"])
def test_rounded_and_truncated_answers_are_credited(module, truncate, exercise):
    for variant in variants(module):
        for seed in range(4):
            ex = exercise(module, seed, "exam", variant)
            answers = {}
            for s in ex.steps:
                spec = engine.spec_for(module, s.id)
                answers[s.id] = _text(s.value, max(spec.min_decimals or 0, 3), truncate)
            report = engine.check(module, ex.givens, answers)
            for m in report.marks:
                assert m.status in ("correct", "rounded", "follow-through"), (module.NAME, seed, variant, m)


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_minimum_precision_is_enforced(module, exercise):
    tested = 0
    for variant in variants(module):
        for seed in range(4):
            ex = exercise(module, seed, "exam", variant)
            for s in ex.steps:
                spec = engine.spec_for(module, s.id)
                if not spec.min_decimals or spec.kind in ("integer", "choice"):
                    continue
                coarse = _text(s.value, spec.min_decimals - 1)
                if _same(json.loads(coarse) if coarse.startswith("[") else float(coarse), s.value):
                    continue  # the exact value has fewer decimals: nothing lost
                full = _text(s.value, spec.min_decimals)
                if _same(json.loads(coarse) if coarse.startswith("[") else float(coarse),
                         json.loads(full) if full.startswith("[") else float(full)):
                    continue  # only trailing zeros left off (0.754 for 0.7540): nothing lost (issue 11)
                mark = next(m for m in engine.check(module, ex.givens, {s.id: coarse}).marks if m.id == s.id)
                assert mark.status == "incorrect", (module.NAME, s.id, coarse, mark)
                if not isinstance(s.value, list):
                    assert "decimal places" in mark.message, mark
                tested += 1
    if any(spec.min_decimals for spec in module.STEPS if spec.kind not in ("integer", "choice")):
        assert tested, f"{module.NAME}: no step with a minimum precision was exercised"


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_every_known_mistake_is_diagnosed(module, exercise):
    for name, description in module.MISTAKES.items():
        diagnosed = False
        for variant in variants(module):
            for difficulty in ("exam", "hard", "easy"):
                for seed in range(30):
                    ex = exercise(module, seed, difficulty, variant)
                    try:
                        wrong = {s.id: s.value for s in engine.solve(module, ex.givens, mistake=name)}
                    except (ValueError, IndexError, ZeroDivisionError):
                        continue
                    first = next((s for s in ex.steps if s.id in wrong and not _same(wrong[s.id], s.value)), None)
                    if first is None:
                        continue
                    present = {s.id for s in ex.steps}  # a mistake may write extra steps (e.g. more tokens)
                    report = engine.check(module, ex.givens, {k: v for k, v in wrong.items() if k in present})
                    marks = {m.id: m for m in report.marks}
                    if marks[first.id].status == "rounded":  # only a coarser rounding (0.0 for 0.0003 at 2 places):
                        first = next((s for s in ex.steps if marks[s.id].status == "incorrect"), None)  # judged later
                        if first is None:
                            continue
                    mark = marks[first.id]
                    assert mark.status == "incorrect", (module.NAME, name, seed, mark)
                    if mark.diagnosis and mark.diagnosis.startswith(description):
                        diagnosed = True
                        break
                if diagnosed:
                    break
            if diagnosed:
                break
        assert diagnosed, f"{module.NAME}: mistake '{name}' never diagnosed by name"


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_odd_answers_never_crash_the_checker(module, exercise):
    for variant in variants(module):
        ex = exercise(module, 3, "exam", variant)
        for odd in ("0", "-1", "1e6", "[0]", "[[0, 1], [2, 3]]", "reject", "[1, 2, 3, 4, 5, 6, 7, 8, 9]", "99"):
            answers = {s.id: odd for s in ex.steps}
            try:
                report = engine.check(module, ex.givens, answers)
            except engine.AnswerError:
                continue  # unreadable for this kind of step: refused with a message, not a crash
            assert len(report.marks) == len(ex.steps)
            assert all(m.status in ("correct", "rounded", "follow-through", "incorrect") for m in report.marks)
            render(report, "text")


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_answers_to_steps_the_exercise_lacks_are_refused(module, exercise):
    ex = exercise(module, 0)
    with pytest.raises(engine.AnswerError, match="no such step"):
        engine.check(module, ex.givens, {"no_such_step_id": "1"})
    indexed = next((s.id for s in module.STEPS if any(p in engine.INDEX_LETTERS for p in s.id.split("."))), None)
    if indexed is not None:
        absent = ".".join("999" if p in engine.INDEX_LETTERS else p for p in indexed.split("."))
        with pytest.raises(engine.AnswerError, match="this exercise has no step"):
            engine.check(module, ex.givens, {absent: "1"})


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_choice_synonyms_are_accepted(module, exercise):
    for canonical, synonyms in getattr(module, "CHOICES", {}).items():
        for variant in variants(module):
            for seed in range(12):
                ex = exercise(module, seed, "exam", variant)
                step = next((s for s in ex.steps if s.value == canonical), None)
                if step is None:
                    continue
                for word in [canonical.upper(), *synonyms]:
                    mark = next(m for m in engine.check(module, ex.givens, {step.id: word}).marks if m.id == step.id)
                    assert mark.status == "correct", (module.NAME, word, mark)
                break


# --- output -----------------------------------------------------------------------------------

@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_json_round_trips_and_printers_render(module, exercise):
    from rich.console import Console
    for variant in variants(module):
        ex = exercise(module, 5, "exam", variant)
        sheet = engine.make_sheet([module], 5, 3, "exam", variant)
        data = json.loads(render(sheet, "json"))
        assert len(data) == 3 and data[0]["id"] == ex.id
        for step, item in zip(ex.steps, data[0]["steps"]):
            assert item["id"] == step.id
            if isinstance(step.value, (int, float)) and not isinstance(step.value, bool):
                assert math.isclose(item["value"], step.value, rel_tol=1e-12, abs_tol=1e-12)
            else:
                assert item["value"] == step.value
        assert module.validate(data[0]["givens"]) == ex.givens
        for fmt in ("text", "markdown", "latex"):
            assert ex.steps[0].id in render(sheet, fmt)
        Console(file=io.StringIO(), width=120).print(render(sheet, "rich"))
        report = engine.check(module, ex.givens, {ex.steps[0].id: _perturb(ex.steps[0].value)})
        for fmt in ("text", "markdown", "latex", "json"):
            assert_report_printed(report, render(report, fmt), fmt)
        Console(file=io.StringIO(), width=120).print(render(report, "rich"))
        out = json.loads(render(report, "json"))
        assert out["first_error"] == ex.steps[0].id
        assert {"topic", "givens", "steps", "first_error", "score"} <= set(out)
        assert set(out["steps"][0]) >= {"id", "status", "expected", "given", "diagnosis"}


def latex_problems(tex: str) -> list[str]:
    """Structural faults of a LaTeX document: unbalanced environments, braces, math; raw Unicode."""
    faults = []
    stack = []
    for kind, env in re.findall(r"\\(begin|end)\{([^}]*)\}", tex):
        if kind == "begin":
            stack.append(env)
        elif not stack or stack.pop() != env:
            faults.append(f"\\end{{{env}}} does not close the open environment")
    faults += [f"\\begin{{{env}}} never closed" for env in stack]
    body = re.sub(r"\\[{}$%&#_]", "", tex)
    depth = 0
    for ch in body:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            faults.append("a } closes nothing")
            break
    if depth > 0:
        faults.append("unclosed {")
    if body.count("$") % 2:
        faults.append("odd number of $")
    faults += [f"raw non-ASCII character {ch!r}" for ch in sorted(set(tex)) if ord(ch) > 127]
    return faults


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_latex_sheets_are_well_formed(module):
    for variant in variants(module):
        sheet = engine.make_sheet([module], 11, 2, "hard", variant)
        tex = render(sheet, "latex")
        assert tex.startswith("\\documentclass") and tex.rstrip().endswith("\\end{document}")
        assert latex_problems(tex) == [], (module.NAME, variant, latex_problems(tex)[:3])
        ex = sheet.exercises[0]
        report = engine.check(module, ex.givens, {s.id: _perturb(s.value) for s in ex.steps[:2]})
        assert latex_problems(render(report, "latex")) == []


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_every_text_survives_latex(module, exercise):
    """Statements, titles, formulas and descriptions use only characters the LaTeX printer maps
    (anything else would print as '?')."""
    from derive.printing.math import latex_writable
    texts = [s.title for s in module.STEPS] + [s.hint for s in module.STEPS]
    for table in ("GIVENS", "MISTAKES", "DIAGNOSES", "VARIANTS"):
        texts += list(getattr(module, table, {}).values())
    for variant in variants(module):
        for difficulty in engine.DIFFICULTIES:
            for seed in range(3):
                ex = exercise(module, seed, difficulty, variant)
                texts += [ex.statement, *ex.conventions]
                texts += [x for s in ex.steps for x in (s.title, s.because, s.formula) if isinstance(x, str)]
    unmapped = {ch for t in texts for ch in t if not latex_writable(ch)}
    assert not unmapped, f"{module.NAME}: characters the LaTeX printer cannot write: {sorted(unmapped)}"


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_toml_answer_file_round_trips(module, exercise):
    for variant in variants(module):
        ex = exercise(module, 4, "exam", variant)
        text = answer_template(module, ex)
        doc = tomllib.loads(text)
        assert doc["topic"] == module.NAME and doc["exercise"] == ex.id and doc["answers"] == {}
        assert module.validate(doc["givens"]) == ex.givens
        filled = text + "".join(f'"{s.id}" = "{_text(s.value, 6)}"\n' for s in ex.steps)
        doc = tomllib.loads(filled)
        report = engine.check(module, doc["givens"], doc["answers"])
        assert all(m.status in ("correct", "rounded") for m in report.marks), [m for m in report.marks if m.status not in ("correct", "rounded")]


@pytest.mark.parametrize("module", TYPES, ids=IDS)
def test_sheet_exercises_are_distinct(module):
    for variant in variants(module):
        sheet = engine.make_sheet([module], 7, 10, "exam", variant)
        keys = {json.dumps(e.givens, sort_keys=True) for e in sheet.exercises}
        assert len(keys) == 10, (module.NAME, variant)
