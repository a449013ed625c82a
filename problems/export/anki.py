"""``--out FILE.apkg``: an Anki deck (genanki), one note per exercise or per derivation step.

A sheet gives a note per exercise (front: the statement; back: the worked key); a derivation a
note per step (front: "∂L/∂W_f (…) in LSTM: …?"; back: the formula and its because-line).
Formulas are LaTeX between ``\\(`` and ``\\)``, which Anki typesets with its MathJax.

Each note's GUID comes from the exercise id, or from the topic, its options and the step id, so
importing a newer deck updates the notes already there instead of adding copies (Anki updates
a note whose incoming modification time is newer: the notes are stamped with the time of the
export, or with ``SOURCE_DATE_EPOCH`` when set, which then gives the same bytes every time).
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from derive.printing.base import LatexMathPrinter
from derive.printing.math import to_latex, value_latex
from derive.printing.statement import Subscripted, segments

MODEL_ID = 1_607_392_319  # fixed: every chainrule deck shares one note type
CSS = ".card{font-family:Georgia,serif;font-size:18px;text-align:left;color:#111;background:#fff}" \
      ".context{color:#666;font-size:14px}.because{color:#444;font-style:italic}code{font-size:85%}"
LATEX = LatexMathPrinter()


def stable_id(text: str) -> int:
    """A deck id from its name: the same name, the same id (Anki wants 1 … 2⁶³)."""
    return 1 << 30 | int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:7], 16)


def mathjax(latex: str) -> str:
    """Inline LaTeX for Anki's MathJax, HTML-escaped (``&`` of a matrix becomes ``&amp;``)."""
    return html.escape(rf"\({latex}\)") if latex else ""


def prose(text: str) -> str:
    """Escaped text with its ``[[…]]`` matrices as MathJax bmatrices."""
    from derive.printing.latex import matrix_latex
    return "".join(html.escape(s) if isinstance(s, str) else mathjax(s.latex()) if isinstance(s, Subscripted)
                   else mathjax(matrix_latex(s).strip("$")) for s in segments(text))


def equation(step: Any) -> str:
    """``lhs = formula = value`` of a step: formulas as MathJax, prose formulas as text."""
    parts = [html.escape(x) if isinstance(x, str) else mathjax(to_latex(x)) for x in (step.lhs, step.formula)
             if x is not None and x != ""]
    if step.value is not None:
        parts.append(html.escape(step.value) if isinstance(step.value, str) else mathjax(value_latex(step.value)))
    return " = ".join(parts)


def worked(steps: list[Any]) -> str:
    """The worked key: an ordered list of the steps, each with its id and because-line."""
    items = []
    for step in steps:
        because = f'<div class="because">because {prose(step.because)}</div>' if step.because else ""
        items.append(f"<li><b>{prose(step.title)}</b> <code>{html.escape(step.id)}</code><br>{equation(step)}{because}</li>")
    return "<ol>" + "".join(items) + "</ol>"


def notes(doc: Any) -> tuple[str, list[tuple[str, list[str], list[str]]]]:
    """The deck name and its notes as (guid key, [Front, Back, Id], tags)."""
    if type(doc).__name__ == "Sheet":
        topics = sorted({e.topic for e in doc.exercises})
        out = []
        for e in doc.exercises:
            front = f"<div>{prose(e.statement)}</div>" + (
                "<ul>" + "".join(f"<li>{prose(c)}</li>" for c in e.conventions) + "</ul>" if e.conventions else "")
            out.append((f"exercise {e.id}", [front, worked(e.steps), e.id], ["chainrule", e.topic]))
        return "chainrule::practice::" + "+".join(topics), out
    options = ",".join(f"{k}={v}" for k, v in sorted(doc.options.items()))
    where = doc.title or doc.topic
    out = []
    for step in doc.steps:
        front = f"<div>{prose(step.title)} in {html.escape(where)}?</div>"
        back = equation(step) + (f'<div class="because">because {prose(step.because)}</div>' if step.because else "")
        out.append((f"derivation {doc.topic} [{options}] {step.id}", [front, back, f"{doc.topic}:{step.id}"], ["chainrule", doc.topic]))
    return f"chainrule::derive::{doc.topic}", out


def timestamp() -> float:
    """The notes' modification time: ``SOURCE_DATE_EPOCH`` when set, else now."""
    fixed = os.environ.get("SOURCE_DATE_EPOCH", "")
    return float(fixed) if fixed.isdigit() else time.time()


def apkg_bytes(doc: Any) -> bytes:
    """The ``.apkg`` file of ``doc`` (a sheet or a derivation)."""
    import genanki
    model = genanki.Model(MODEL_ID, "chainrule worked step", css=CSS, sort_field_index=2,
                          fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Id"}],
                          templates=[{"name": "Card 1", "qfmt": '{{Front}}<div class="context">{{Id}}</div>',
                                      "afmt": '{{FrontSide}}<hr id="answer">{{Back}}'}])
    name, items = notes(doc)
    deck = genanki.Deck(stable_id(name), name)
    for key, fields, tags in items:
        deck.add_note(genanki.Note(model=model, fields=fields, tags=tags, guid=genanki.guid_for("chainrule", key)))
    stamp = timestamp()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "deck.apkg"
        genanki.Package(deck).write_to_file(str(path), timestamp=stamp)
        return restamped(path.read_bytes(), stamp)


def restamped(apkg: bytes, stamp: float) -> bytes:
    """The same archive with every entry dated ``stamp`` (genanki dates them by its temporary
    files), so one ``SOURCE_DATE_EPOCH`` gives the same bytes."""
    date = max(time.gmtime(stamp)[:6], (1980, 1, 1, 0, 0, 0))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(apkg)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            target.writestr(zipfile.ZipInfo(entry.filename, date_time=date), source.read(entry.filename))
    return out.getvalue()
