"""The progress store: attempts recorded by `check`, concurrency, damaged and foreign files refused
and left untouched, schema migration, export/import without duplicates."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

# Schema version 1 exactly as the first release created it (a frozen copy, not the code's own).
V1_SCHEMA = [
    "CREATE TABLE attempt (id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, exercise TEXT, type TEXT NOT NULL,"
    " variant TEXT, difficulty TEXT NOT NULL, at TEXT NOT NULL)",
    "CREATE TABLE step (attempt INTEGER NOT NULL REFERENCES attempt(id), position INTEGER NOT NULL,"
    " step TEXT NOT NULL, status TEXT NOT NULL, mistake TEXT, PRIMARY KEY (attempt, position))",
]
APPLICATION_ID = 0x43685275


def store() -> Path:
    return Path(os.environ["CHAINRULE_HOME"]) / "progress.sqlite3"


def rows(sql: str) -> list[tuple]:
    with sqlite3.connect(store()) as conn:
        return conn.execute(sql).fetchall()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_check_is_recorded_with_its_steps_and_named_mistakes():
    out = run_cli("check", "ztest@3", "--answer", "sum=195.4", "--answer", "se=2", "--format", "json")
    assert out.returncode == 1, out.stderr  # se is wrong: check exits 1, and the attempt is still recorded
    assert rows("SELECT exercise, type, variant, difficulty, source FROM attempt") == [("ztest@3", "ztest", None, "exam", "check")]
    steps = rows("SELECT step, status, mistake, revealed, tries FROM step ORDER BY position")
    assert steps[0] == ("sum", "correct", None, 0, None) and steps[2] == ("se", "incorrect", "se-no-root", 0, None)
    assert [s[1] for s in steps].count("missing") == 5
    assert rows("PRAGMA journal_mode") == [("wal",)] and rows("PRAGMA user_version") == [(3,)]
    assert run_cli("check", "ztest@3", "--answer", "sum=1", "--no-record").returncode == 1
    assert len(rows("SELECT * FROM attempt")) == 1  # --no-record added nothing
    assert run_cli("check", "ztest@3", "--reveal", "--no-record").returncode == 0


def test_no_record_creates_no_store():
    assert run_cli("check", "ztest@3", "--answer", "sum=1", "--no-record").returncode == 1
    assert not store().exists()
    assert run_cli("progress").returncode == 0 and not store().exists()  # reading creates nothing


RECORDER = """
import sys
from problems import progress_store as ps
for i in range(200):
    ps.record(ps.Attempt(type="ztest", difficulty="exam", at=f"2026-01-01T00:00:{i % 60:02d}.000000Z",
                         exercise=f"ztest@{i}", steps=[ps.StepRecord("sum", "correct"), ps.StepRecord("se", "incorrect", "se-n")]))
"""


def test_two_processes_recording_at_once_lose_nothing():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", RECORDER], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    assert rows("SELECT count(*), count(DISTINCT uuid) FROM attempt") == [(400, 400)]
    assert rows("SELECT count(*) FROM step") == [(800,)]
    assert rows("PRAGMA integrity_check") == [("ok",)]


def _bad_store_is_refused_and_left_alone(args: list[str], needle: str) -> None:
    before = digest(store())
    out = run_cli(*args)
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith("chainrule: error: progress store:") and str(store()) in out.stderr and needle in out.stderr
    assert len(out.stderr.splitlines()) == 1 and "Traceback" not in out.stderr
    assert digest(store()) == before


@pytest.mark.parametrize("args", [["check", "ztest@3", "--answer", "sum=1"], ["progress"], ["review"]])
def test_a_damaged_store_is_refused_naming_the_path_and_never_overwritten(args):
    assert run_cli("check", "ztest@3", "--answer", "sum=1").returncode == 1
    with sqlite3.connect(store()) as conn:  # a few hundred attempts, so the file has many pages
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for i in range(3):
        run_cli("check", f"ztest@{i}", "--answer", "sum=1")
    with sqlite3.connect(store()) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(store().read_bytes())
    page = int.from_bytes(data[16:18], "big")
    assert len(data) >= 3 * page
    data[page + 8: 3 * page] = b"\xa5" * (3 * page - page - 8)  # pages 2 and 3: the tables' b-trees
    store().write_bytes(bytes(data))
    _bad_store_is_refused_and_left_alone(args, "damaged")


@pytest.mark.parametrize("bad_time", ["garbage", 1e308, "9999-12-31T23:59:59Z", b"\x00"])
@pytest.mark.parametrize("args", [["progress"], ["review"], ["practice", "--focus", "mistakes"]])
def test_a_store_edited_to_hold_a_time_that_is_no_time_is_refused_as_damaged(args, bad_time):
    assert run_cli("check", "ztest@3", "--answer", "sum=1").returncode == 1
    with sqlite3.connect(store()) as conn:
        conn.execute("UPDATE attempt SET at = ?", (bad_time,))
    before = digest(store())
    out = run_cli(*args)
    assert out.returncode == 2 and "damaged" in out.stderr and "Traceback" not in out.stderr, out.stderr
    assert len(out.stderr.splitlines()) == 1 and digest(store()) == before


def test_a_file_that_is_not_sqlite_or_belongs_to_another_program_is_refused():
    store().parent.mkdir(parents=True, exist_ok=True)
    store().write_text("my notes, not a database\n")
    _bad_store_is_refused_and_left_alone(["check", "ztest@3", "--answer", "sum=1"], "not an SQLite database")
    store().unlink()
    with sqlite3.connect(store()) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
    _bad_store_is_refused_and_left_alone(["progress"], "another program")


def test_a_store_from_a_newer_chainrule_is_refused():
    store().parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(store()) as conn:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("PRAGMA user_version = 99")
    _bad_store_is_refused_and_left_alone(["check", "ztest@3", "--answer", "sum=1"], "newer chainrule")


def test_a_version_1_store_is_migrated_and_keeps_its_attempts():
    store().parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(store()) as conn:
        for statement in V1_SCHEMA:
            conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("PRAGMA user_version = 1")
        conn.execute("INSERT INTO attempt VALUES (1, 'u-1', 'som@1', 'som', NULL, 'exam', '2026-01-02T10:00:00.000000Z')")
        conn.execute("INSERT INTO step VALUES (1, 0, 'd2.1', 'incorrect', 'sign-flipped')")
        conn.execute("INSERT INTO step VALUES (1, 1, 'winner.1', 'correct', NULL)")
    out = run_cli("check", "ztest@3", "--answer", "sum=1")
    assert out.returncode == 1, out.stderr  # sum=1 is wrong (exit 1); the old store was migrated first
    assert rows("PRAGMA user_version") == [(3,)]
    assert rows("SELECT uuid, type, source FROM attempt ORDER BY id")[0] == ("u-1", "som", "check")
    assert rows("SELECT step, status, mistake, revealed, tries, hints FROM step WHERE attempt = 1 ORDER BY position") == [
        ("d2.1", "incorrect", "sign-flipped", 0, None, None), ("winner.1", "correct", None, 0, None, None)]
    data = json.loads(run_cli("progress", "--format", "json").stdout)
    som = next(t for t in data["types"] if t["type"] == "som")
    assert som["attempts"] == 1 and som["answered"] == 2 and som["credited"] == 1 and som["mistakes"] == [{"name": "sign-flipped", "count": 1}]


def test_export_then_import_twice_adds_each_attempt_once(tmp_path, monkeypatch):
    for answer, status in (("sum=195.4", 0), ("sum=1", 1), ("se=2", 1)):
        assert run_cli("check", "ztest@3", "--answer", answer).returncode == status
    exported = tmp_path / "history.json"
    assert "exported 3 attempt(s)" in run_cli("progress", "--export", str(exported)).stdout
    uuids = {a["uuid"] for a in json.loads(exported.read_text())["attempts"]}
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path / "other-machine"))
    assert "imported 3 new attempt(s)" in run_cli("progress", "--import", str(exported)).stdout
    again = run_cli("progress", "--import", str(exported), "--format", "json")
    assert "imported 0 new attempt(s)" in again.stdout and "(3 already present)" in again.stdout
    assert {r[0] for r in rows("SELECT uuid FROM attempt")} == uuids and len(rows("SELECT * FROM step")) == 21
    assert json.loads(again.stdout)["total"]["attempts"] == 3


@pytest.mark.parametrize("text, needle", [
    ("not json", "not JSON"), ('{"format": "other"}', "not a chainrule progress export"),
    ('{"format": "chainrule-progress", "version": 1, "attempts": [{"steps": []}]}', "attempt 1"),
    ('{"format": "chainrule-progress", "version": 1, "attempts": [{"uuid": "u", "type": "t", "difficulty": "exam", '
     '"at": "2026-01-01T00:00:00", "source": "check", "steps": [{"step": "s", "status": "great"}]}]}', "step 1"),
])
def test_a_malformed_import_is_refused_before_anything_is_written(tmp_path, text, needle):
    path = tmp_path / "in.json"
    path.write_text(text)
    out = run_cli("progress", "--import", str(path))
    assert out.returncode == 2 and out.stderr.startswith("chainrule: error: --import:") and needle in out.stderr
    assert not store().exists()


def test_an_interactive_attempt_records_tries_hints_and_reveals():
    from problems import engine
    from problems.registry import get
    k = {s.id: s.value for s in engine.make_exercise(get("ztest"), 3).steps}
    script = [str(k["sum"]), "?", "1", str(k["mean"]), "r", "h", "q"]
    out = run_cli("practice", "ztest@3", "-i", input="\n".join(script) + "\n")
    assert out.returncode == 0, out.stderr
    assert rows("SELECT source FROM attempt") == [("interactive",)]
    steps = rows("SELECT step, status, revealed, tries, hints FROM step ORDER BY position")
    assert steps[:4] == [("sum", "correct", 0, 1, 0), ("mean", "correct", 0, 2, 1), ("se", "missing", 1, 0, 0),
                         ("z", "missing", 0, 0, 1)]
    assert all(s[3] is None for s in steps[4:])  # never asked: 'q' stopped the session
    assert run_cli("practice", "ztest@3", "-i", "--no-record", input="q\n").returncode == 0
    assert run_cli("practice", "ztest@3", "-i", input="q\n").returncode == 0  # nothing tried: nothing recorded
    assert len(rows("SELECT * FROM attempt")) == 1
