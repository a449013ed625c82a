"""``--out FILE.apkg``: the deck opened without genanki (zipfile + sqlite3, as Anki stores it).

A note per exercise (statement in front, worked key behind) or per derivation step, and GUIDs
that stay the same from one export to the next so a re-import updates the notes.
"""

from __future__ import annotations

import sqlite3
import zipfile

import pytest

import derive
import problems
from derive.printing.math import number_text
from tests.conftest import run_cli

pytest.importorskip("genanki")
FIELD_SEPARATOR = "\x1f"


def read_notes(path, tmp_path) -> list[dict]:
    """``[{guid, fields, tags}]`` of an .apkg, read from its SQLite collection."""
    with zipfile.ZipFile(path) as archive:
        assert "collection.anki2" in archive.namelist()
        db = tmp_path / f"{path.stem}.anki2"
        db.write_bytes(archive.read("collection.anki2"))
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT guid, flds, tags FROM notes ORDER BY id").fetchall()
        cards = connection.execute("SELECT count(*) FROM cards").fetchone()[0]
    assert cards == len(rows)  # one card per note
    return [{"guid": g, "fields": f.split(FIELD_SEPARATOR), "tags": t.split()} for g, f, t in rows]


def export(tmp_path, name, *args) -> list[dict]:
    path = tmp_path / name
    out = run_cli(*args, "--out", str(path))
    assert out.returncode == 0, out.stderr
    return read_notes(path, tmp_path)


def test_a_sheet_deck_has_a_note_per_exercise_with_statement_and_worked_key(tmp_path):
    notes = export(tmp_path, "som.apkg", "practice", "som", "--seed", "7", "--count", "2")
    sheet = problems.practice("som", seed=7, count=2)
    assert len(notes) == len(sheet.exercises) == 2
    for note, exercise in zip(notes, sheet.exercises):
        front, back, ident = note["fields"]
        assert ident == exercise.id and "som" in note["tags"]
        assert exercise.statement[:40] in front.replace("&#x27;", "'")
        for step in exercise.steps:
            assert f"<code>{step.id}</code>" in back
        winner = next(s for s in exercise.steps if s.id == "winner.1")
        assert rf"\({number_text(winner.value)}\)" in back


def test_guids_are_stable_across_exports_and_follow_the_exercise_id(tmp_path):
    first = export(tmp_path, "a.apkg", "practice", "som", "--seed", "7", "--count", "2")
    again = export(tmp_path, "b.apkg", "practice", "som", "--seed", "7", "--count", "2")
    later = export(tmp_path, "c.apkg", "practice", "som", "--seed", "8")  # som@8 was the second exercise
    assert [n["guid"] for n in first] == [n["guid"] for n in again]
    assert len({n["guid"] for n in first}) == 2
    assert later[0]["guid"] == first[1]["guid"] and later[0]["fields"][2] == "som@8"


def test_a_derivation_deck_has_a_note_per_step_with_formula_and_because(tmp_path):
    notes = export(tmp_path, "lstm.apkg", "derive", "lstm", "--steps", "2")
    doc = derive.derive("lstm", steps=2)
    assert len(notes) == len(doc.steps)
    step = next(s for s in doc.steps if s.id == "dL_dao1")
    note = next(n for n in notes if n["fields"][2] == "lstm:dL_dao1")
    front, back, _ = note["fields"]
    assert front.endswith("?</div>") and "output gate pre-activation" in front
    assert r"\(" in back and r"\frac{\partial L}" in back and "because" in back and "sigmoid rule" in back
    assert step.because.split(":")[0] in back
    again = export(tmp_path, "lstm2.apkg", "derive", "lstm", "--steps", "2")
    assert [n["guid"] for n in notes] == [n["guid"] for n in again] and len({n["guid"] for n in notes}) == len(notes)
    other = export(tmp_path, "lstm3.apkg", "derive", "lstm", "--steps", "3")  # other options: other notes
    assert not {n["guid"] for n in notes} & {n["guid"] for n in other}


def test_a_fixed_source_date_gives_the_same_deck_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    a, b = tmp_path / "a.apkg", tmp_path / "b.apkg"
    for path in (a, b):
        assert run_cli("practice", "som", "--seed", "7", "--out", str(path)).returncode == 0
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as archive:
        assert all(i.date_time == (2023, 11, 14, 22, 13, 20) for i in archive.infolist())
    assert read_notes(a, tmp_path)[0]["fields"][2] == "som@7"
