"""JSON printer: the stable, documented contract (DESIGN.md "CLI contract")."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from derive.printing.formulas import formula_latex as to_latex
from derive.printing.formulas import formula_text as to_text
from derive.printing.values import as_plain, to_sympy_string

if TYPE_CHECKING:  # annotations only: printers dispatch on the class name, so documents may import printers
    from derive import steps as S


def _step(step: S.Step) -> dict[str, Any]:
    out: dict[str, Any] = {"id": step.id, "title": step.title}
    lhs, rhs = step.lhs, step.formula
    out["latex"] = " = ".join(to_latex(x) for x in (lhs, rhs) if x is not None)
    out["text"] = " = ".join(to_text(x) for x in (lhs, rhs) if x is not None)
    out["sympy"] = to_sympy_string(rhs) if rhs is not None else None
    if step.value is not None:
        out["value"] = as_plain(step.value)
    if step.shape:
        out["shape"] = list(step.shape)
    if step.factors:
        out["factors"] = as_plain(step.factors)
    if step.because:
        out["because"] = step.because
    if step.depends_on:
        out["depends_on"] = list(step.depends_on)
    return out


def derivation_json(d: S.Derivation) -> dict[str, Any]:
    """``{"topic","options","steps","results","symbols","inputs"?}`` with latex/sympy strings."""
    out: dict[str, Any] = {"topic": d.topic, "options": as_plain(d.options), "notes": d.notes,
                           "steps": [_step(s) for s in d.steps]}
    results = {}
    for name, r in d.results.items():
        item: dict[str, Any] = {"latex": to_latex(r.expr), "sympy": to_sympy_string(r.expr)}
        if r.value is not None:
            item["value"] = as_plain(r.value)
        results[name] = item
    out["results"] = results
    out["symbols"] = {n: {"meaning": s.meaning, "shape": list(s.shape)} for n, s in d.symbols.items()}
    if d.inputs:
        out["inputs"] = as_plain(d.inputs)
    return out


def _practice_step(step: S.Step) -> dict[str, Any]:
    return {"id": step.id, "title": step.title, "value": as_plain(step.value),
            "latex": to_latex(step.formula) if step.formula is not None else None}


def exercise_json(e: S.Exercise, solutions: bool = True) -> dict[str, Any]:
    """``{"topic","seed","givens","steps":[{"id","title","value"}]}`` plus id and statement;
    without the key (``practice`` without ``--key``) every ``value`` is null, so the contract's
    fields are always there."""
    out: dict[str, Any] = {"id": e.id, "topic": e.topic, "seed": e.seed, "difficulty": e.difficulty,
                           "givens": as_plain(e.givens), "statement": e.statement}
    out["steps"] = ([_practice_step(s) for s in e.steps] if solutions
                    else [{"id": s.id, "title": s.title, "value": None} for s in e.steps])
    return out


def mark_json(m: S.Mark) -> dict[str, Any]:
    """One checked step: ``{"id","status","expected","given","diagnosis","message","revealed"}``
    (+ elements); ``expected`` is null where it was not revealed (a blank step without --reveal)."""
    out = {"id": m.id, "status": m.status, "expected": as_plain(m.expected) if m.revealed else None,
           "given": as_plain(m.given), "diagnosis": m.diagnosis, "message": m.message, "revealed": m.revealed}
    if m.elements is not None:
        out["elements"] = m.elements
    return out


def to_json(doc: Any) -> Any:
    """The JSON-ready structure of any chainrule document (chosen by its class name, as the other
    printers dispatch)."""
    kind = type(doc).__name__
    if kind == "Derivation":
        return derivation_json(doc)
    if kind == "Verification":
        out = derivation_json(doc.derivation)
        out["checks"] = [{"parameter": c.parameter, "max_rel_error": as_plain(c.max_rel_error), "method": c.method,
                          "tolerance": c.tolerance, "points": c.points, "passed": c.passed} for c in doc.checks]
        out["metric"], out["passed"] = doc.metric, doc.passed
        out["verification_notes"] = list(doc.notes)
        return out
    if kind == "Sheet":
        items = [exercise_json(e, doc.show_solutions) for e in doc.exercises]
        return items[0] if doc.single and len(items) == 1 else items
    if kind == "Exercise":
        return exercise_json(doc)
    if kind == "StepList":
        return {"topic": doc.topic, "steps": [as_plain(vars(s)) for s in doc.specs], "givens": doc.givens,
                "mistakes": doc.mistakes}
    if kind == "CheckReport":
        return {"topic": doc.topic, "exercise": doc.exercise_id, "givens": as_plain(doc.givens),
                "steps": [mark_json(m) for m in doc.marks], "first_error": doc.first_error, "score": doc.score,
                "answered": doc.answered, "conventions": list(doc.conventions)}
    if kind == "EquivalenceReport":
        return {"function": doc.function, "wrt": doc.wrt, "answer": doc.answer, "verdict": doc.verdict,
                "method": doc.method, "expected": to_sympy_string(doc.expected) if doc.expected is not None else None,
                "counterexample": as_plain(doc.counterexample), "domain": doc.domain, "diagnosis": doc.diagnosis,
                "steps": [_step(s) for s in doc.steps]}
    if kind == "DerivationCheck":
        return {"source": doc.source, "function": doc.function, "wrt": doc.wrt, "where": doc.definitions,
                "start": to_sympy_string(doc.start) if doc.start is not None else None, "verdict": doc.verdict,
                "first_wrong": doc.first_wrong, "seconds_per_line": doc.seconds_per_line,
                "lines": [{"line": ln.line, "text": ln.text, "status": ln.status, "reason": ln.reason, "diagnosis": ln.diagnosis,
                           "slip": ln.slip, "difference": ln.difference, "counterexample": as_plain(ln.counterexample),
                           "at": ln.at or None} for ln in doc.lines]}
    if kind == "TrainReport":
        return {"model": doc.model, "backend": doc.backend, "device": doc.device, "seed": doc.seed,
                **as_plain(doc.metrics), "plots": doc.plots}
    if kind == "Catalogue":
        out = {p: [{"name": n, "summary": s} for n, s in items] for p, items in doc.sections.items()}
        if doc.coverage is not None:
            out["coverage"] = [dict(zip(doc.coverage.columns, r)) for r in doc.coverage.rows]
        return out
    if kind == "StudyReport":
        out = dict(doc.data)
        if doc.sheet is not None:
            out["exercises"] = [exercise_json(e, doc.sheet.show_solutions) for e in doc.sheet.exercises]
        return out
    if kind == "Table":
        return {"title": doc.title, "columns": list(doc.columns), "rows": as_plain(doc.rows)}
    raise TypeError(f"no JSON form for {type(doc).__name__}")


def dumps(data: Any, indent: int = 0) -> str:
    """JSON with objects indented by 2 and arrays of scalars (rows, vectors) kept on one line."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(data, dict):
        if not data:
            return "{}"
        items = [f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {dumps(v, indent + 1)}" for k, v in data.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(data, list) and _flat(data):
        return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))
    if isinstance(data, list):
        if not data:
            return "[]"
        return "[\n" + ",\n".join(inner + dumps(v, indent + 1) for v in data) + "\n" + pad + "]"
    return json.dumps(data, ensure_ascii=False, allow_nan=False)


def _flat(items: list[Any]) -> bool:
    """True for a list of scalars or a matrix of scalars (short enough for one line)."""
    def scalar(x: Any) -> bool:
        return not isinstance(x, (dict, list))
    ok = all(scalar(x) or (isinstance(x, list) and all(scalar(y) for y in x)) for x in items)
    return ok and len(json.dumps(items)) <= 400


class JsonPrinter:
    """Deterministic JSON in the documented shapes (UTF-8 kept, no NaN)."""

    def doprint(self, doc: Any) -> str:
        """Serialize ``doc`` with :func:`to_json`; a NaN or ±∞ anywhere in it is refused first
        (UserError naming where), so the JSON never holds one and the printer never crashes."""
        data = to_json(doc)
        where = nonfinite_path(data)
        if where is not None:
            from derive.errors import UserError
            raise UserError(f"{where} is not a finite number (JSON output holds finite numbers only)", "--format json")
        return dumps(data) + "\n"


def nonfinite_path(data: Any, path: str = "") -> str | None:
    """The path (``steps[3].value``) of the first NaN or ±∞ float in ``data``, or None."""
    if isinstance(data, float):
        return None if math.isfinite(data) else (path or "the value")
    if isinstance(data, dict):
        items: Any = ((f"{path}.{k}" if path else str(k), v) for k, v in data.items())
    elif isinstance(data, (list, tuple)):
        items = ((f"{path}[{i}]", v) for i, v in enumerate(data))
    else:
        return None
    for sub, value in items:
        found = nonfinite_path(value, sub)
        if found is not None:
            return found
    return None
