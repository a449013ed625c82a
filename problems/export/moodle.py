"""``--out FILE.xml``: Moodle XML, one cloze (embedded answers) question per exercise.

The question is named by the exercise id (also its ``idnumber``); its text is the statement and
one line per step: the step's documented title (never the solved one, which may give the answer
away) and its blanks — a NUMERICAL blank per number (one per entry of a vector or matrix), a
SHORTANSWER blank for a word with the type's synonyms. The worked key is the general feedback.

A blank's tolerance is the step's checking rule (``problems.specs.step_rules``, as ``chainrule
check`` applies it): exact for whole numbers; otherwise ``max(atol, 1e-9·|value|)``, widened to
``10^-d`` when the step asks for at least ``d`` decimal places (``check`` accepts a value
rounded or truncated to ``d`` places, which is at most ``10^-d`` away). A step without such a
minimum accepts hand rounding at any number of places in ``check`` (whole numbers: at most 1
away); a Moodle blank needs one bound, so it takes three significant figures but never more
than 1: ``min(1, 10^(⌊log₁₀|value|⌋ − 2))``.
"""

from __future__ import annotations

import html
import math
import xml.etree.ElementTree as ET
from typing import Any

from derive.printing.values import as_plain
from problems import specs
from problems.export.anki import prose, worked

CLOZE_SPECIALS = "\\}#~/\""


def number(x: float) -> str:
    """A value as a Moodle answer: plain decimal notation, 12 significant digits."""
    text = f"{x:.12g}"
    if "e" in text:
        text = f"{x:.20f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def tolerance(rule: specs.StepRule, value: float) -> float:
    """The largest error the step's checking rule accepts (see the module's docstring)."""
    if rule.spec.kind == "integer":
        return 0.0
    correct = max(rule.atol, 1e-9 * abs(value))
    if rule.spec.min_decimals:
        return max(correct, 10.0 ** -rule.spec.min_decimals)
    if value == 0:
        return correct
    return max(correct, min(1.0, 10.0 ** (math.floor(math.log10(abs(value))) - 2)))


def cloze_word(word: str) -> str:
    """A word inside a cloze answer, its special characters escaped."""
    return "".join("\\" + c if c in CLOZE_SPECIALS else c for c in word)


def blank(rule: specs.StepRule, value: Any) -> str:
    """The cloze blank of one value (a number or a word)."""
    if isinstance(value, str) or rule.spec.kind == "choice":
        word = str(value)
        others = next((o for c, o in rule.synonyms.items() if str(c).lower() == word.lower()), [])
        return "{1:SHORTANSWER:=" + "~=".join(cloze_word(w) for w in [word, *others]) + "}"
    x = float(value)
    return "{1:NUMERICAL:=" + number(x) + ":" + number(tolerance(rule, x)) + "}"


def blanks(rule: specs.StepRule, value: Any) -> str:
    """The blanks of a step: one, or a bracketed grid with one per entry of a vector or matrix."""
    value = as_plain(value)
    if not isinstance(value, list):
        return blank(rule, value)
    rows = value if value and isinstance(value[0], list) else [value]
    cells = "<br>".join(" ".join(blank(rule, v) for v in row) for row in rows)
    return f"[ {cells} ]" if len(rows) == 1 else f"<div>[ {cells} ]</div>"


def question(exercise: Any) -> ET.Element:
    """The cloze question of one exercise."""
    from problems.registry import get
    module = get(exercise.topic)
    rules = specs.step_rules(module, exercise.steps)
    lines = [f"<p>{prose(exercise.statement)}</p>"]
    if exercise.conventions:
        lines.append("<ul>" + "".join(f"<li>{prose(c)}</li>" for c in exercise.conventions) + "</ul>")
    rows = [f"<tr><td>{html.escape(specs.step_title(module, s.id))} (<code>{html.escape(s.id)}</code>)</td>"
            f"<td>{blanks(rules[s.id], s.value)}</td></tr>" for s in exercise.steps if s.value is not None]
    lines.append("<table>" + "".join(rows) + "</table>")
    q = ET.Element("question", type="cloze")
    ET.SubElement(ET.SubElement(q, "name"), "text").text = exercise.id
    ET.SubElement(ET.SubElement(q, "questiontext", format="html"), "text").text = "\n".join(lines)
    ET.SubElement(ET.SubElement(q, "generalfeedback", format="html"), "text").text = worked(exercise.steps)
    ET.SubElement(q, "penalty").text = "0.3333333"
    ET.SubElement(q, "hidden").text = "0"
    ET.SubElement(q, "idnumber").text = exercise.id
    return q


def moodle_xml(sheet: Any) -> str:
    """The Moodle XML quiz of a sheet: a category named by its topics, then a question per exercise."""
    quiz = ET.Element("quiz")
    category = ET.SubElement(quiz, "question", type="category")
    topics = "+".join(sorted({e.topic for e in sheet.exercises}))
    ET.SubElement(ET.SubElement(category, "category"), "text").text = f"$course$/top/chainrule/{topics}"
    for exercise in sheet.exercises:
        quiz.append(question(exercise))
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"

